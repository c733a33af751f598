package practice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/part2"
	"github.com/certboard/certboard/practice/registry"
)

// Referrals through a board's registry. A practitioner begins a referral
// as a draft (why, the client's consent to share and what, and the search:
// a trusted board, a name, a region, a credential, whether the therapist
// accepts referrals), searches that board's public registry from the
// draft, chooses a therapist (the practice asks the registry again, so
// what is recorded is what the board says, not what a form says), and
// sends it. A registry that cannot be reached leaves the referral a
// draft, to complete later. The board's registry address is derived from
// its did:web on the trust list (registry.Address), so the practice
// searches only boards it trusts, through the same SSRF-safe fetch that
// verifies their credentials (UseFetch).

// RegistrySearch is the search of a draft referral in a board's registry.
type RegistrySearch = registry.Query

// ReferralMove is one status of a referral with who set it and when.
type ReferralMove struct {
	Seq    int
	Status ReferralStatus
	By     int64
	ByName string
	At     time.Time
}

// Part2Mark says whether a client's record is covered by 42 CFR Part 2
// (substance use disorder records of a Part 2 program), and who marked it
// (or unmarked it) when; the zero value is a record never marked.
type Part2Mark struct {
	Covered bool
	By      int64
	At      time.Time
}

// referralWrites are the writes of referrals through a registry and of
// the Part 2 mark, methods of a transaction.
type referralWrites interface {
	// AddReferralMove appends a status to a referral's moves.
	AddReferralMove(ctx context.Context, referralID int64, m ReferralMove) error
	// UpdateReferral rewrites a referral's recipient, board, details
	// (why, shared, concerns, search), status and updater if it is still
	// at version (ErrConflict otherwise), and returns the new version.
	UpdateReferral(ctx context.Context, r Referral, version int) (int, error)
	// ClientPart2 reads a client's Part 2 mark (the zero mark when never
	// marked; ErrNotFound for no such client).
	ClientPart2(ctx context.Context, clientID int64) (Part2Mark, error)
	// SetClientPart2 writes a client's Part 2 mark.
	SetClientPart2(ctx context.Context, clientID int64, m Part2Mark) error
}

// Part2Notice returns the notice that accompanies every disclosure of a
// record covered by 42 CFR Part 2 (42 CFR 2.32(a)(1) as amended in 2024;
// part2.Citation names the source). Exports and letters add it when the
// client's Part2Mark is Covered.
func Part2Notice() string { return part2.Notice() }

// part2NoticeFor is Part2Notice when client clientID's record is marked as
// covered by 42 CFR Part 2, "" otherwise, read in tx.
func part2NoticeFor(ctx context.Context, tx Tx, clientID int64) (string, error) {
	m, err := tx.ClientPart2(ctx, clientID)
	if err != nil || !m.Covered {
		return "", err
	}
	return Part2Notice(), nil
}

// AuditPart2 is the audit action of marking (or unmarking) a client's
// record as covered by 42 CFR Part 2.
const AuditPart2 = "client.part2"

// MarkPart2 marks client clientID's record as covered by 42 CFR Part 2, or
// not (covered false): a practitioner assigned to the client may. Every
// disclosure of a marked record then carries the redisclosure notice. A
// mark that changes nothing is Conflict. The audit entry (AuditPart2)
// names the mark before and after.
func (p *Practice) MarkPart2(ctx context.Context, by Actor, clientID int64, covered bool) error {
	now := p.clock.Now().UTC()
	return p.store.InTx(ctx, func(tx Tx) error {
		if !by.IsPractitioner() {
			return certboard.Errorf(certboard.Forbidden, "only a practitioner assigned to the client marks their record")
		}
		if err := p.mayChangeClient(ctx, tx, by, clientID); err != nil {
			return err
		}
		m, err := tx.ClientPart2(ctx, clientID)
		if err != nil {
			return err
		}
		if m.Covered == covered {
			what := "is not"
			if covered {
				what = "is already"
			}
			return certboard.FieldError(certboard.Conflict, "part2",
				fmt.Sprintf("the record %s marked as covered by 42 CFR Part 2; reload the page", what))
		}
		if err := tx.SetClientPart2(ctx, clientID, Part2Mark{Covered: covered, By: by.UserID, At: now}); err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, AuditPart2, ClientSubject(clientID),
			map[string]any{"part2": m.Covered}, map[string]any{"part2": covered})
	})
}

// DraftInput is what beginning a referral through a registry takes.
type DraftInput struct {
	// Stage, Why, Consent, Share, Instruments and Shared are as in
	// ReferralInput.
	Stage       string
	Why         string
	Consent     string
	Share       []string
	Instruments []string
	Shared      []string
	// Board is the did:web of a board on the practice's trust list.
	Board string
	// Search is what to look for in its registry.
	Search RegistrySearch
}

// StartReferral begins a referral from an open case as a draft: the stage,
// why, the client's consent to share and what (item by item, and in
// words), the concerns of the case as
// they stand, and the search to make in a trusted board's registry. Bad
// input is Invalid naming each field, and nothing is written. An assigned
// practitioner may. The audit entry ("case.referral") names the stage,
// the consent, how many things are shared and the status, not whom to.
// It returns the referral's id.
func (p *Practice) StartReferral(ctx context.Context, by Actor, caseID int64, in DraftInput) (int64, error) {
	b, f := checkReferralBody(ReferralInput{Stage: in.Stage, Why: in.Why, Consent: in.Consent, Share: in.Share,
		Instruments: in.Instruments, Shared: in.Shared}, false)
	search := in.Search
	for k, v := range search.Check() {
		f.add("search."+k, v)
	}
	board := strings.TrimSpace(in.Board)
	trusted, err := p.store.TrustedIssuers(ctx)
	if err != nil {
		return 0, err
	}
	if !slices.ContainsFunc(trusted, func(t TrustedIssuer) bool { return t.DID == board }) {
		f.add("board", "choose a board on the practice's trust list; an admin adds boards there")
	} else if _, err := registry.Address(board); err != nil {
		f.add("board", "this board's did:web gives no registry address; choose another board")
	}
	if err := f.err("Invalid referral"); err != nil {
		return 0, err
	}
	return p.addReferral(ctx, by, caseID, Referral{Stage: b.stage, Why: b.why, Consent: b.consent, Scope: b.scope, Shared: b.shared,
		Status: ReferralDraft, Board: board, Search: search})
}

// concernNames are case caseID's concerns with their ICD-10-CM codes, in
// order, as a referral keeps them.
func (p *Practice) concernNames(ctx context.Context, tx Tx, caseID int64) ([]ReferredConcern, error) {
	stored, err := tx.CaseConcerns(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := []ReferredConcern{}
	for _, cc := range caseConcerns(concern.Default(), stored) {
		rc := ReferredConcern{Name: cc.Diagnosis.Concern}
		if cc.Known {
			rc.Name = cc.Concern.Name
			for _, k := range cc.Codes.ICD10CM {
				rc.Codes = append(rc.Codes, k.Code)
			}
		}
		out = append(out, rc)
	}
	return out, nil
}

// TherapistSearch is a draft referral's search of a board's registry: the
// board, the search made, and the registry's answer, or why it could not
// be had.
type TherapistSearch struct {
	Referral Referral
	// Board is the trusted board searched (its name from the trust list),
	// Address its registry API.
	Board   TrustedIssuer
	Address string
	Search  RegistrySearch
	// Page is the registry's answer; nil when Unreachable says why there
	// is none.
	Page        *registry.Page
	Unreachable string
}

// registryTimeout bounds one search of a registry (the fetch has its own,
// longer, limit).
const registryTimeout = 8 * time.Second

// draftReferral reads referral referralID of case caseID for a change by
// by in tx: an assigned practitioner's, of an open case, still a draft
// begun through a registry.
func (p *Practice) draftReferral(ctx context.Context, tx Tx, by Actor, caseID, referralID int64) (*Case, *Referral, error) {
	c, err := p.changeCase(ctx, tx, by, caseID, caseNotTreatment)
	if err != nil {
		return nil, nil, err
	}
	r, err := tx.LockReferral(ctx, caseID, referralID)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, nil, certboard.Errorf(certboard.NotFound, "case %d has no referral %d", caseID, referralID)
	}
	if err != nil {
		return nil, nil, err
	}
	if r.Status != ReferralDraft {
		return nil, nil, certboard.Errorf(certboard.Conflict, "the referral is %s, no longer a draft: its therapist is chosen",
			strings.ToLower(r.Status.Label()))
	}
	if r.Board == "" {
		return nil, nil, certboard.Errorf(certboard.Conflict, "the referral was not begun through a board's registry")
	}
	return c, r, nil
}

// FindTherapists searches the registry of a draft referral's board, with
// search when given (the draft's own search otherwise), for an assigned
// practitioner of the client. The search is audited
// ("case.referral.search": the referral and how many entries came back,
// nothing of the search). A registry that cannot be reached, answers
// with an error or with something that is not a registry's answer is
// reported in Unreachable, and the referral stays a draft.
func (p *Practice) FindTherapists(ctx context.Context, by Actor, caseID, referralID int64, search *RegistrySearch) (*TherapistSearch, error) {
	var out TherapistSearch
	if search != nil {
		f := caseForm{}
		for k, v := range search.Check() {
			f.add("search."+k, v)
		}
		if err := f.err("Invalid search"); err != nil {
			return nil, err
		}
	}
	err := p.store.InTx(ctx, func(tx Tx) error {
		_, r, err := p.draftReferral(ctx, tx, by, caseID, referralID)
		if err != nil {
			return err
		}
		out.Referral, out.Search = *r, r.Search
		if search != nil {
			out.Search = *search
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := p.searchRegistry(ctx, &out); err != nil {
		return nil, err
	}
	entries := 0
	if out.Page != nil {
		entries = len(out.Page.Entries)
	}
	err = p.store.InTx(ctx, func(tx Tx) error {
		c, err := tx.Case(ctx, caseID)
		if err != nil {
			return err
		}
		return p.caseAudit(ctx, tx, by, "case.referral.search", c, nil, map[string]any{"referral": referralID,
			"entries": entries, "reached": out.Page != nil})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// searchRegistry fills s's Board, Address and Page (or Unreachable) from
// the board's registry, outside any transaction.
func (p *Practice) searchRegistry(ctx context.Context, s *TherapistSearch) error {
	trusted, err := p.store.TrustedIssuers(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(trusted, func(t TrustedIssuer) bool { return t.DID == s.Referral.Board })
	if i < 0 {
		s.Board = TrustedIssuer{DID: s.Referral.Board, Name: s.Referral.Board}
		s.Unreachable = "the board is no longer on the practice's trust list, so its registry is not searched; begin a new referral with a trusted board"
		return nil
	}
	s.Board = trusted[i]
	if s.Address, err = registry.Address(s.Board.DID); err != nil {
		s.Unreachable = "the board's did:web gives no registry address"
		return nil
	}
	v := p.fetch.Load()
	if v == nil {
		s.Unreachable = "the practice cannot fetch from the network now (no fetch is set)"
		return nil
	}
	fctx, cancel := context.WithTimeout(ctx, registryTimeout)
	defer cancel()
	body, err := (*v)(fctx, s.Search.URL(s.Address))
	if err != nil {
		p.log.Warn("registry search", "board", s.Board.DID, "error", err)
		s.Unreachable = "the registry of " + s.Board.Name + " cannot be reached now"
		return nil
	}
	page, err := registry.Decode(body)
	if err != nil {
		p.log.Warn("registry search", "board", s.Board.DID, "error", err)
		s.Unreachable = "the registry of " + s.Board.Name + " did not answer as a registry does"
		return nil
	}
	// A credential's link is the board's own (its path, or an address on
	// its origin); anything else is dropped, never shown or recorded.
	origin := registry.Origin(s.Address)
	for i := range page.Entries {
		for j := range page.Entries[i].Credentials {
			c := &page.Entries[i].Credentials[j]
			switch {
			case strings.HasPrefix(c.URL, "/") && !strings.HasPrefix(c.URL, "//"):
				c.URL = origin + c.URL
			case registry.Origin(c.URL) != origin:
				c.URL = ""
			}
		}
	}
	s.Page = page
	return nil
}

// ChooseTherapist records the therapist of a draft referral: entry
// entryID of the registry's answer to search, asked again now, so that
// what is recorded (name, practice, contact, registry entry id, the
// credential and its status, where it is checked) is what the board says.
// The therapist must hold a valid credential (Conflict otherwise). A
// registry that cannot be reached is Unavailable, saying so, and the
// referral stays a draft; an entry the answer lacks is NotFound. The draft
// must still be at version (Conflict). The audit entry is
// "case.referral.choose", naming the referral and the entry's id only. It
// returns the new version.
func (p *Practice) ChooseTherapist(ctx context.Context, by Actor, caseID, referralID, entryID int64, search RegistrySearch, version int) (int, error) {
	s, err := p.FindTherapists(ctx, by, caseID, referralID, &search)
	if err != nil {
		return 0, err
	}
	if s.Page == nil {
		return 0, &certboard.Error{Code: certboard.Unavailable, Title: "Registry unreachable",
			Message: strings.ToUpper(s.Unreachable[:1]) + s.Unreachable[1:] + ". The referral is kept as a draft: search again later."}
	}
	e := s.Page.Find(entryID)
	if e == nil {
		return 0, certboard.Errorf(certboard.NotFound, "the registry no longer lists entry %d for this search; search again and choose", entryID)
	}
	cred := e.Valid()
	if cred == nil {
		return 0, certboard.Errorf(certboard.Conflict, "%s holds no valid credential in the registry now; choose someone else", e.Name)
	}
	now := p.clock.Now().UTC()
	var next int
	err = p.store.InTx(ctx, func(tx Tx) error {
		c, r, err := p.draftReferral(ctx, tx, by, caseID, referralID)
		if err != nil {
			return err
		}
		if r.Version != version {
			return staleReferral(referralID)
		}
		contact := e.Email
		if contact == "" {
			contact = e.Website
		}
		if contact == "" {
			contact = cred.URL
		}
		r.To = ReferralTo{Name: e.Name, Organisation: e.Practice, Contact: contact, RegistryURL: cred.URL, EntryID: e.ID,
			Credential: cred.Name + ": " + cred.Status}
		r.Search, r.UpdatedAt, r.UpdatedBy = search, now, by.UserID
		if next, err = tx.UpdateReferral(ctx, *r, version); errors.Is(err, certboard.ErrConflict) {
			return staleReferral(referralID)
		} else if err != nil {
			return err
		}
		return p.caseAudit(ctx, tx, by, "case.referral.choose", c, nil, map[string]any{"referral": referralID, "entry": e.ID, "version": next})
	})
	return next, err
}
