package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/letter"
	"github.com/certboard/certboard/practice/part2"
	"github.com/certboard/certboard/practice/registry"
)

// The pages of referrals through a board's registry: beginning a draft
// from the case page, the draft's page (the search of the board's
// registry and its results, or why there are none), choosing a therapist,
// the referral letter (PDF), and the 42 CFR Part 2 section of a client's
// record with its mark.

func init() { clientSections = append(clientSections, part2Section) }

// referralRoutes registers the pages of referrals through a registry; New
// calls it.
func (s *Server) referralRoutes() {
	// Each search and each choice fetches from a board: one limit for both.
	limit := s.limiter(registryLimit)
	s.route("POST /cases/{id}/referrals/drafts", Practitioner, s.handle(s.startReferral))
	s.route("GET /cases/{id}/referrals/{rid}", Practitioner, limit(s.handle(s.draftPage)))
	s.route("POST /cases/{id}/referrals/{rid}/choose", Practitioner, limit(s.handle(s.chooseTherapist)))
	s.route("GET /cases/{id}/referrals/{rid}/letter", Practitioner, s.handle(s.referralLetter))
	s.route("POST /clients/{id}/part2", Practitioner, s.handle(s.markPart2))
}

// registryLimit bounds the searches of boards' registries the practice
// makes for its practitioners: a person choosing a therapist needs a few
// a minute; a loop, or a board made to answer slowly, is stopped.
var registryLimit = limitRule{"searches of a board's registry", 20, 120, time.Minute}

// draftFormChars is the most characters a valid draft form holds: a
// referral's why and what is shared (in words and ticked), the board and
// the search.
const draftFormChars = practice.MaxCaseReason + practice.MaxShared*(practice.MaxReferralLine+2) + 3*registry.MaxField + 600 + scopeFormChars

// searchOf reads a registry search from form values (search.name,
// search.region, search.credential, search.accepting).
func searchOf(v url.Values) practice.RegistrySearch {
	return practice.RegistrySearch{Name: v.Get("search.name"), Region: v.Get("search.region"),
		Credential: v.Get("search.credential"), Accepting: v.Get("search.accepting") == "yes"}
}

// startReferral begins a referral through a board's registry from the
// case page's form (practice.Practice.StartReferral) and opens the draft,
// which searches the registry.
func (s *Server) startReferral(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	if err := textForm(w, r, draftFormChars); err != nil {
		return err
	}
	f := r.PostForm
	rid, err := s.practice.StartReferral(r.Context(), actor(r), id, practice.DraftInput{Stage: f.Get("draft.stage"),
		Why: f.Get("draft.why"), Consent: f.Get("draft.consent"), Share: f["draft.share"], Instruments: f["draft.instruments"],
		Shared: lines(f.Get("draft.shared")), Board: f.Get("draft.board"),
		Search: searchOf(f)})
	if e := refusal(err); e != nil {
		if e.Code == certboard.NotFound {
			return e
		}
		errs := prefixed("draft", clientFields(e))
		for k, v := range errs {
			if strings.HasPrefix(k, "draft.shared.") {
				errs["draft.shared"] = v
			}
			if strings.HasPrefix(k, "draft.search.") { // the search's fields are named search.* on the form
				errs[strings.TrimPrefix(k, "draft.")] = v
			}
		}
		return s.renderCase(w, r, e.Answer().Status, id, caseOpts{errs: errs, form: r.PostForm})
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d/referrals/%d", id, rid), "Saved the referral as a draft; choose the therapist.")
	return nil
}

// DraftView is what a draft referral's page shows.
type DraftView struct {
	CaseID int64
	S      *practice.TherapistSearch
}

// Accepting says whether the search keeps only those who accept
// referrals.
func (v DraftView) Accepting() bool { return v.S.Search.Accepting }

// draftPage shows a draft referral and the search of its board's registry
// (practice.Practice.FindTherapists), with the search from the query
// string when it was sent again. A referral that is no longer a draft
// sends the reader to the case page.
func (s *Server) draftPage(w http.ResponseWriter, r *http.Request) error {
	id, rid, err := caseItem(r, "rid", "referral")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var search *practice.RegistrySearch
	if q.Has("search.name") || q.Has("search.region") || q.Has("search.credential") || q.Has("search.accepting") {
		v := searchOf(q)
		search = &v
	}
	res, err := s.practice.FindTherapists(r.Context(), actor(r), id, rid, search)
	if e := refusal(err); e != nil && e.Code == certboard.Conflict {
		redirect(w, r, fmt.Sprintf("/cases/%d#referrals", id), "!"+plain(e))
		return nil
	}
	if e := refusal(err); e != nil && e.Code == certboard.Invalid {
		return e
	}
	if err != nil {
		return err
	}
	form := url.Values{"search.name": {res.Search.Name}, "search.region": {res.Search.Region}, "search.credential": {res.Search.Credential}}
	if res.Search.Accepting {
		form.Set("search.accepting", "yes")
	}
	status := http.StatusOK
	if res.Page == nil {
		status = http.StatusServiceUnavailable
	}
	s.render(w, r, status, "referrals_draft", page{Title: fmt.Sprintf("Referral %d: choose the therapist", rid),
		Data: DraftView{CaseID: id, S: res}, Form: form})
	return nil
}

// chooseTherapist records the therapist chosen on the draft's page
// (practice.Practice.ChooseTherapist): the registry is asked again. A
// registry that cannot be reached, or an entry no longer there, sends the
// reader back to the draft with the reason; the referral stays a draft.
func (s *Server) chooseTherapist(w http.ResponseWriter, r *http.Request) error {
	id, rid, err := caseItem(r, "rid", "referral")
	if err != nil {
		return err
	}
	version, err := versionedForm(w, r, 0, "version")
	if err != nil {
		return err
	}
	entry, err := strconv.ParseInt(r.PostForm.Get("entry"), 10, 64)
	if err != nil || entry <= 0 {
		return certboard.FieldError(certboard.Invalid, "entry", "choose a therapist from the registry's answer")
	}
	search := searchOf(r.PostForm)
	_, err = s.practice.ChooseTherapist(r.Context(), actor(r), id, rid, entry, search, version)
	back := fmt.Sprintf("/cases/%d/referrals/%d", id, rid)
	if e := refusal(err); e != nil && e.Code != certboard.Forbidden {
		redirect(w, r, back, "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d#referrals", id), "Chose the therapist. Download the letter, then mark the referral sent.")
	return nil
}

// referralLetter answers the referral letter as a PDF
// (practice.Practice.ReferralLetter, which audits the disclosure).
func (s *Server) referralLetter(w http.ResponseWriter, r *http.Request) error {
	id, rid, err := caseItem(r, "rid", "referral")
	if err != nil {
		return err
	}
	l, err := s.practice.ReferralLetter(r.Context(), actor(r), id, rid)
	if e := refusal(err); e != nil && e.Code == certboard.Conflict {
		redirect(w, r, fmt.Sprintf("/cases/%d#referrals", id), "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	pdf, err := letter.Render(*l, true)
	if err != nil {
		return certboard.Wrap(err, "the letter cannot be made now")
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="referral-%d.pdf"`, rid))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
	return nil
}

// Part2SectionView is what the 42 CFR Part 2 section of a client's record
// shows.
type Part2SectionView struct {
	Client int64
	Mark   practice.Part2Mark
	// May says the reader may change the mark: an assigned practitioner.
	May bool
	// Notice is the redisclosure notice, paragraph by paragraph, and
	// Source where it comes from.
	Notice []string
	Source string
}

// part2Section is the 42 CFR Part 2 part of a client's record page: the
// mark, read with the record (practice.Practice.ClientRecord), and the
// form that changes it.
func part2Section(s *Server, r *http.Request, rec *practice.ClientRecord) (*ClientSection, error) {
	v := Part2SectionView{Client: rec.Client.ID, Mark: rec.Part2, May: rec.Access.Assigned && actor(r).IsPractitioner(),
		Notice: part2.Paragraphs(), Source: part2.Citation}
	return &ClientSection{ID: "part2", Title: "42 CFR Part 2", Block: "part2-section", Data: v}, nil
}

// markPart2 marks the client's record as covered by 42 CFR Part 2, or
// not (practice.Practice.MarkPart2).
func (s *Server) markPart2(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	covered := r.PostForm.Get("part2") == "yes"
	err = s.practice.MarkPart2(r.Context(), actor(r), id, covered)
	to := fmt.Sprintf("/clients/%d#part2", id)
	if e := refusal(err); e != nil && e.Code == certboard.Conflict {
		redirect(w, r, to, "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	msg := "Marked the record as covered by 42 CFR Part 2: every disclosure now carries its notice."
	if !covered {
		msg = "The record is no longer marked as covered by 42 CFR Part 2."
	}
	redirect(w, r, to, msg)
	return nil
}
