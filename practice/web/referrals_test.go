package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/certboard/certboard/internal/boardtest"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/verifier/httpfetch"
)

var entryOf = regexp.MustCompile(`name="entry" value="(\d+)">`)

// TestReferralThroughTheDemoBoard: a practitioner begins a referral from
// a case, the draft's page searches the real demo board's registry (over
// HTTP, through the practice's fetch) for therapists in Illinois who
// accept referrals, and lists Jordan with his credential's status; the
// practitioner chooses him, the case lists the referral with the letter,
// which downloads as a PDF. When the board goes down, a new draft's page
// says the registry cannot be reached and the referral stays a draft.
func TestReferralThroughTheDemoBoard(t *testing.T) {
	w := casesWorld(t)
	ctx := context.Background()
	board := boardtest.StartDemo(t, slog.New(slog.NewTextHandler(io.Discard, nil)))
	did := board.DID
	if err := w.s.practice.AddTrustedIssuer(ctx, practice.ActorOf(w.users["admin"]),
		practice.TrustedIssuer{DID: did, Name: "Demo Board", Types: []string{"aasect-cst"}}); err != nil {
		t.Fatal(err)
	}
	fetch, err := httpfetch.Origins(board.URL)
	if err != nil {
		t.Fatal(err)
	}
	w.s.practice.UseFetch(fetch)
	client := casesClient(t, w)
	prac := practice.ActorOf(w.users["practitioner"])
	caseID, err := w.s.practice.OpenCase(ctx, prac, client, practice.NewCase{Reason: "first session"})
	if err != nil {
		t.Fatal(err)
	}
	c := w.session(t, "practitioner")
	casePath := fmt.Sprintf("/cases/%d", caseID)
	if rec := w.get(t, casePath, c); rec.Code != 200 || !strings.Contains(rec.Body.String(), `action="`+casePath+`/referrals/drafts"`) ||
		!strings.Contains(rec.Body.String(), "Demo Board") {
		t.Fatalf("the case page offers no registry referral: %d", rec.Code)
	}
	draft := url.Values{"draft.stage": {"intensive_therapy"}, "draft.why": {"Intensive Therapy with a certified sex therapist."},
		"draft.consent": {"yes"}, "draft.share": {"concerns", "stage"}, "draft.board": {did},
		"search.region": {"Illinois"}, "search.accepting": {"yes"}}
	// Bad input comes back on the case page, field by field.
	bad := url.Values{}
	for k, v := range draft {
		bad[k] = v
	}
	bad.Set("draft.board", "did:web:nowhere.example")
	bad.Del("draft.consent")
	if rec := w.do(t, "POST", casePath+"/referrals/drafts", bad, c); rec.Code != 422 ||
		!strings.Contains(rec.Body.String(), "trust list") || !strings.Contains(rec.Body.String(), "record the client") {
		t.Errorf("bad draft: %d", rec.Code)
	}
	rec := w.do(t, "POST", casePath+"/referrals/drafts", draft, c)
	var rid int64
	if _, err := fmt.Sscanf(rec.Header().Get("Location"), casePath+"/referrals/%d", &rid); rec.Code != http.StatusSeeOther || err != nil {
		t.Fatalf("draft: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	draftPath := fmt.Sprintf("%s/referrals/%d", casePath, rid)
	rec = w.get(t, draftPath, c)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Jordan Reyes") || !strings.Contains(body, "Refer to Jordan Reyes") ||
		!strings.Contains(body, "AASECT") || !strings.Contains(body, ">valid</span>") || strings.Contains(body, "Maren Holt") {
		t.Fatalf("the draft's search: %d\n%s", rec.Code, body)
	}
	m := entryOf.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no entry to choose")
	}
	// Searching again by name, from the page.
	if rec := w.get(t, draftPath+"?search.name=lucia&search.accepting=yes", c); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Lucía Fernández") {
		t.Errorf("search by name: %d", rec.Code)
	}
	// Another practitioner (an admin too, who may know the client exists)
	// gets nothing.
	if rec := w.get(t, draftPath, w.session(t, "both")); rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "Jordan") {
		t.Errorf("another practitioner: %d", rec.Code)
	}
	choose := url.Values{"version": {"1"}, "entry": {m[1]}, "search.region": {"Illinois"}, "search.accepting": {"yes"}}
	if rec := w.do(t, "POST", draftPath+"/choose", choose, c); rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "#referrals") {
		t.Fatalf("choose: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	page := w.get(t, casePath, c).Body.String()
	if !strings.Contains(page, "Jordan Reyes") || !strings.Contains(page, draftPath+"/letter") || !strings.Contains(page, "AASECT Certified Sex Therapist") {
		t.Errorf("the case page after choosing:\n%s", page)
	}
	rec = w.get(t, draftPath+"/letter", c)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
		t.Errorf("letter: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := w.do(t, "POST", draftPath+"/status", url.Values{"version": {"2"}, "status": {"sent"}}, c); rec.Code != http.StatusSeeOther {
		t.Errorf("sending: %d", rec.Code)
	}

	// The board goes down: a new draft is kept, its page says why.
	board.Close()
	rec = w.do(t, "POST", casePath+"/referrals/drafts", draft, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("draft with the board down: %d", rec.Code)
	}
	downPath := rec.Header().Get("Location")
	rec = w.get(t, downPath, c)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "cannot be reached") ||
		!strings.Contains(rec.Body.String(), "kept as a draft") {
		t.Errorf("the registry down: %d\n%s", rec.Code, rec.Body)
	}
	// Searches are rate limited: each one fetches from a board.
	limited := false
	for range registryLimit.perAddress + 1 {
		if rec := w.get(t, downPath, c); rec.Code == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Errorf("%d searches a minute are not limited", registryLimit.perAddress+1)
	}
}

// TestPart2Mark: the client's record shows whether it is covered by 42
// CFR Part 2, and its practitioner marks it from there.
func TestPart2Mark(t *testing.T) {
	w := casesWorld(t)
	client := casesClient(t, w)
	c := w.session(t, "practitioner")
	path := fmt.Sprintf("/clients/%d", client)
	if body := w.get(t, path, c).Body.String(); !strings.Contains(body, "Not marked as covered by 42 CFR Part 2") ||
		!strings.Contains(body, `action="`+path+`/part2"`) {
		t.Fatalf("the record:\n%s", body)
	}
	if rec := w.do(t, "POST", path+"/part2", url.Values{"part2": {"yes"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("marking: %d", rec.Code)
	}
	if body := w.get(t, path, c).Body.String(); !strings.Contains(body, "Covered by 42 CFR Part 2") || !strings.Contains(body, "42 CFR 2.32") {
		t.Errorf("marked record:\n%s", body)
	}
	if rec := w.do(t, "POST", path+"/part2", url.Values{"part2": {"yes"}}, w.session(t, "both")); rec.Code != http.StatusForbidden {
		t.Errorf("another practitioner marks: %d", rec.Code)
	}
}

// TestReferralScopeForm: the referral forms tick what the client agrees
// to share: the items, and the instruments scored on the case with their
// latest score, those bearing on a comorbidity ticked first. An unknown
// item comes back at its field and records nothing; what is ticked is
// what the referral shares, said in words on the case page.
func TestReferralScopeForm(t *testing.T) {
	w := casesWorld(t)
	ctx := context.Background()
	client := casesClient(t, w)
	prac := practice.ActorOf(w.users["practitioner"])
	caseID, err := w.s.practice.OpenCase(ctx, prac, client, practice.NewCase{Reason: "first session"})
	if err != nil {
		t.Fatal(err)
	}
	for instrument, vals := range map[string][]int{"phq-9": {2, 2, 2, 2, 2, 2, 1, 1, 0}, "gad-7": {0, 1, 0, 1, 0, 1, 0}} {
		ans := make([]*int, len(vals))
		for i := range vals {
			ans[i] = &vals[i]
		}
		if _, err := w.s.practice.RecordResponse(ctx, prac, practice.NewResponse{CaseID: caseID, Instrument: instrument,
			ResponseAnswers: practice.ResponseAnswers{Answers: ans, TakenAt: w.s.now()}}); err != nil {
			t.Fatal(err)
		}
	}
	c := w.session(t, "practitioner")
	casePath := fmt.Sprintf("/cases/%d", caseID)
	body := w.get(t, casePath, c).Body.String()
	for _, want := range []string{`name="referral.share" value="concerns">`, `name="referral.share" value="codes">`,
		`name="referral.share" value="stage">`, `name="referral.share" value="scores">`,
		`name="referral.instruments" value="phq-9" checked> PHQ-9: 14`, `name="referral.instruments" value="gad-7"> GAD-7: 3`,
		"The reason for referral (always: it is the referral)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the referral form lacks %q", want)
		}
	}
	form := url.Values{"referral.stage": {"intensive_therapy"}, "referral.to.name": {"Dr Ines Ortiz"}, "referral.to.contact": {"+1 555 0100"},
		"referral.why": {"depression with the concern"}, "referral.consent": {"yes"}, "referral.share": {"scores", "diary"},
		"referral.instruments": {"gad-7"}}
	rec := w.do(t, http.MethodPost, casePath+"/referrals", form, c)
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="referral-share-error"`) ||
		!strings.Contains(body, "diary") || !strings.Contains(body, `name="referral.instruments" value="gad-7" checked>`) ||
		strings.Contains(body, `name="referral.instruments" value="phq-9" checked>`) {
		t.Fatalf("an unknown item: %d %s", rec.Code, body)
	}
	if rep, err := w.s.practice.CaseReport(ctx, prac, caseID); err != nil || len(rep.Referrals) != 0 {
		t.Fatalf("a refused referral was recorded: %v, %v", rep, err)
	}
	form["referral.share"] = []string{"scores"}
	if rec := w.do(t, http.MethodPost, casePath+"/referrals", form, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("recording: %d %s", rec.Code, rec.Body)
	}
	rep, err := w.s.practice.CaseReport(ctx, prac, caseID)
	if err != nil || len(rep.Referrals) != 1 {
		t.Fatalf("referrals: %v, %v", rep, err)
	}
	if sc := rep.Referrals[0].Scope; sc == nil || sc.Concerns || sc.Codes || sc.Stage || len(sc.Instruments) != 1 || sc.Instruments[0] != "gad-7" {
		t.Errorf("the scope recorded: %+v", sc)
	}
	if body := w.get(t, casePath, c).Body.String(); !strings.Contains(body, "Yes: the reason for referral; the latest score of GAD-7") {
		t.Errorf("the case page does not say what is shared")
	}
}
