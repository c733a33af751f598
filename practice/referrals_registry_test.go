package practice_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/letter"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/part2"
	"github.com/certboard/certboard/verifier/httpfetch"
)

// fakeRegistry answers GET /api/v1/registry as a board does, with two
// therapists: Jordan (a valid credential, accepting referrals) and Mei (an
// expired one). It keeps the queries it was asked.
type fakeRegistry struct {
	srv     *httptest.Server
	mu      sync.Mutex
	queries []url.Values
}

const fakeRegistryAnswer = `{"entries":[
 {"id":7,"name":"Jordan Reyes","practice":"Lakeview Couples Clinic","city":"Chicago","region":"Illinois","country":"US",
  "specialties":["desire"],"telehealth":true,"accepting_referrals":true,"languages":["en"],"statement":"","website":"","email":"jordan@board.example",
  "credentials":[{"id":"abc","url":"/credentials/abc","credential":"aasect-cst","name":"AASECT Certified Sex Therapist (CST)","status":"valid","valid":true,"issued_at":"2026-01-01T00:00:00Z"}]},
 {"id":9,"name":"Mei Tanaka","practice":"","city":"Vancouver","region":"British Columbia","country":"CA",
  "specialties":[],"telehealth":false,"accepting_referrals":true,"languages":[],"statement":"","website":"javascript:alert(1)","email":"",
  "credentials":[{"id":"old","url":"https://evil.example/x","credential":"aasect-cst","name":"AASECT Certified Sex Therapist (CST)","status":"expired","valid":false,"issued_at":"2022-01-01T00:00:00Z"}]}
],"total":2,"total_exact":true,"limit":20,"as_of":"2026-12-07T09:00:00Z"}`

func newFakeRegistry(t *testing.T) *fakeRegistry {
	f := &fakeRegistry{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/registry" {
			http.NotFound(w, r)
			return
		}
		f.mu.Lock()
		f.queries = append(f.queries, r.URL.Query())
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(fakeRegistryAnswer))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// did is the did:web of the board at the server's address.
func (f *fakeRegistry) did() string {
	return "did:web:" + strings.ReplaceAll(strings.TrimPrefix(f.srv.URL, "http://"), ":", "%3A")
}

// trustRegistry puts the board at base on the trust list and lets the
// practice fetch from it.
func (w *casesWorld) trustRegistry(t *testing.T, did, base string) {
	t.Helper()
	if err := w.p.AddTrustedIssuer(context.Background(), w.admin, practice.TrustedIssuer{DID: did, Name: "Demo Board", Types: []string{"aasect-cst"}}); err != nil {
		t.Fatal(err)
	}
	fetch, err := httpfetch.Origins(base)
	if err != nil {
		t.Fatal(err)
	}
	w.p.UseFetch(fetch)
}

func draftInput(board string) practice.DraftInput {
	return practice.DraftInput{Why: "Depression with erectile disorder: Intensive Therapy with a certified sex therapist.",
		Consent: "yes", Share: []string{"concerns", "codes", "stage"}, Shared: []string{"the client's own account of the concern"}, Board: board,
		Search: practice.RegistrySearch{Region: "Illinois", Accepting: true}}
}

// pdfText is a letter rendered without compression, its words readable.
func pdfText(t *testing.T, l *letter.Letter) string {
	t.Helper()
	b, err := letter.Render(*l, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(20, len(b))])
	}
	return string(b)
}

// TestReferralThroughRegistry: a practitioner begins a referral as a
// draft, searches the trusted board's registry, chooses a therapist with a
// valid credential (the registry asked again), gets the letter with the
// minimum necessary, and moves it through its statuses, each kept with
// who and when; marking the record as covered by 42 CFR Part 2 puts the
// notice on the letter and the notes export. Others are refused and
// nothing changes.
func TestReferralThroughRegistry(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	reg := newFakeRegistry(t)
	w.trustRegistry(t, reg.did(), reg.srv.URL)
	id := w.openCase(t)
	if _, err := w.p.SetCaseConcerns(ctx, w.alice, id, []concern.Diagnosis{caseErectile}, 1); err != nil {
		t.Fatal(err)
	}
	const secret = "SECRET-COMORBIDITY-NOTE"
	if _, err := w.p.RecordComorbidity(ctx, w.alice, id, practice.ComorbidityInput{Kind: "depression", Source: "judgement", Note: secret}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.WritePsychotherapyNote(ctx, w.alice, id, practice.PsychotherapyInput{DateOfService: "2026-12-07", Text: "SECRET-PSYCHOTHERAPY"}); err != nil {
		t.Fatal(err)
	}

	// Bad input: an untrusted board, a search field too long; nothing written.
	before := w.auditCount(t)
	bad := draftInput("did:web:elsewhere.example")
	bad.Search.Name = strings.Repeat("x", 101)
	_, err := w.p.StartReferral(ctx, w.alice, id, bad)
	caseWantCode(t, err, certboard.Invalid)
	if f := certboard.As(err).Fields; f["board"] == "" || f["search.name"] == "" {
		t.Errorf("fields %v", f)
	}
	// Bob is not the client's: the case does not exist for him.
	_, err = w.p.StartReferral(ctx, w.bob, id, draftInput(reg.did()))
	caseWantCode(t, err, certboard.NotFound)
	if n := w.auditCount(t); n != before+1 { // only Bob's refusal
		t.Errorf("bad input wrote %d audit entries", n-before)
	}

	rid, err := w.p.StartReferral(ctx, w.alice, id, draftInput(reg.did()))
	if err != nil {
		t.Fatal(err)
	}
	w.wantAudit(t, "case.referral")
	// Sending a draft with no one chosen is refused.
	_, err = w.p.SetReferralStatus(ctx, w.alice, id, rid, "sent", 1)
	caseWantCode(t, err, certboard.Conflict)

	s, err := w.p.FindTherapists(ctx, w.alice, id, rid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Unreachable != "" || s.Page == nil || len(s.Page.Entries) != 2 || s.Board.Name != "Demo Board" {
		t.Fatalf("search: %+v", s)
	}
	if q := reg.queries[len(reg.queries)-1]; q.Get("region") != "Illinois" || q.Get("accepting") != "yes" || q.Get("q") != "" {
		t.Errorf("the registry was asked %v", q)
	}
	if u := s.Page.Entries[0].Credentials[0].URL; u != reg.srv.URL+"/credentials/abc" {
		t.Errorf("the credential's link %q", u)
	}
	if u := s.Page.Entries[1].Credentials[0].URL; u != "" {
		t.Errorf("a link off the board's origin is kept: %q", u)
	}
	w.wantAudit(t, "case.referral.search")
	if _, err := w.p.FindTherapists(ctx, w.bob, id, rid, nil); certboard.ErrorCode(err) != certboard.NotFound {
		t.Errorf("bob searches: %v", err)
	}

	search := practice.RegistrySearch{Name: "jor", Region: "Illinois", Accepting: true}
	_, err = w.p.ChooseTherapist(ctx, w.alice, id, rid, 9, search, 1)
	caseWantCode(t, err, certboard.Conflict) // Mei's credential expired
	_, err = w.p.ChooseTherapist(ctx, w.alice, id, rid, 99, search, 1)
	caseWantCode(t, err, certboard.NotFound)
	_, err = w.p.ChooseTherapist(ctx, w.alice, id, rid, 7, search, 5)
	caseWantCode(t, err, certboard.Conflict) // stale
	next, err := w.p.ChooseTherapist(ctx, w.alice, id, rid, 7, search, 1)
	if err != nil || next != 2 {
		t.Fatalf("choose: %d, %v", next, err)
	}
	w.wantAudit(t, "case.referral.search", "case.referral.choose")
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Referrals[0]
	wantTo := practice.ReferralTo{Name: "Jordan Reyes", Organisation: "Lakeview Couples Clinic", Contact: "jordan@board.example",
		RegistryURL: reg.srv.URL + "/credentials/abc", EntryID: 7, Credential: "AASECT Certified Sex Therapist (CST): valid"}
	if r.ID != rid || r.Status != practice.ReferralDraft || r.To != wantTo || r.Board != reg.did() || r.Search != search ||
		len(r.Concerns) != 1 || !slices.Equal(r.Concerns[0].Codes, []string{"F52.21"}) ||
		r.Scope == nil || !r.Scope.Concerns || !r.Scope.Codes || !r.Scope.Stage || r.Scope.Instruments != nil {
		t.Errorf("referral %+v", r)
	}

	// The letter: the minimum necessary, to the assigned practitioner only.
	l, err := w.p.ReferralLetter(ctx, w.alice, id, rid)
	if err != nil {
		t.Fatal(err)
	}
	w.wantAudit(t, practice.AuditReferralLetter)
	if l.To.Name != "Jordan Reyes" || l.Client == "" || l.DateOfBirth == "" || l.Reason == "" || len(l.Concerns) != 1 ||
		!strings.Contains(l.Concerns[0], "F52.21") || l.Reached == "" || l.Scores != nil || l.Shares.Scores ||
		l.Part2Notice != nil || !slices.Equal(l.Consent.Other, []string{"the client's own account of the concern"}) ||
		!slices.Equal(l.Consent.Withheld, []string{"the scores of measures"}) {
		t.Errorf("letter %+v", l)
	}
	// The practice has not given its name: the letter names it by the
	// host of its public address, and gives no address or phone.
	if l.Practice != "practice.example" || l.PracticeAddress != "" || l.PracticePhone != "" {
		t.Errorf("the letter of an unnamed practice: %q, %q, %q", l.Practice, l.PracticeAddress, l.PracticePhone)
	}
	text := pdfText(t, l)
	for _, want := range []string{"Jordan Reyes", "Reason for referral", "Consent to disclose", "Intensive Therapy"} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q", want)
		}
	}
	for _, never := range []string{secret, "SECRET-PSYCHOTHERAPY", "42 CFR part 2"} {
		if strings.Contains(text, never) {
			t.Errorf("the letter holds %q", never)
		}
	}
	_, err = w.p.ReferralLetter(ctx, w.bob, id, rid)
	caseWantCode(t, err, certboard.NotFound)
	w.emergency(t, w.admin, w.client)
	_, err = w.p.ReferralLetter(ctx, w.admin, id, rid)
	caseWantCode(t, err, certboard.Forbidden)

	// Part 2: marked by an assigned practitioner, audited; the letter and
	// the notes export then carry the notice.
	caseWantCode(t, w.p.MarkPart2(ctx, w.bob, w.client, true), certboard.NotFound)
	caseWantCode(t, w.p.MarkPart2(ctx, w.admin, w.client, true), certboard.Forbidden)
	if err := w.p.MarkPart2(ctx, w.alice, w.client, true); err != nil {
		t.Fatal(err)
	}
	w.wantAudit(t, practice.AuditPart2)
	caseWantCode(t, w.p.MarkPart2(ctx, w.alice, w.client, true), certboard.Conflict)
	rec, err := w.p.ClientRecord(ctx, w.alice, w.client)
	if err != nil || !rec.Part2.Covered || rec.Part2.By != w.alice.UserID {
		t.Errorf("the record's mark: %+v, %v", rec.Part2, err)
	}
	l, err = w.p.ReferralLetter(ctx, w.alice, id, rid)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Part2Notice, part2.Paragraphs()) || l.Part2Source != part2.Citation {
		t.Errorf("letter of a Part 2 record: %+v", l.Part2Notice)
	}
	if text := pdfText(t, l); !strings.Contains(text, "42 CFR part 2") || !strings.Contains(text, "redisclose") {
		t.Error("the letter of a Part 2 record lacks the notice")
	}
	// Once an admin gives the practice's name, address and phone, the
	// letter heads with them.
	if _, err := w.p.SetPracticeIdentifiers(ctx, w.admin, practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic",
		Address: "2900 N Lakeview Ave\nChicago, IL 60657", Phone: "(312) 555-0148", TimeZone: "America/Chicago"}, 0); err != nil {
		t.Fatal(err)
	}
	if l, err = w.p.ReferralLetter(ctx, w.alice, id, rid); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, l); l.Practice != "Lakeview Couples Clinic" || !strings.Contains(text, "Lakeview Couples Clinic") ||
		!strings.Contains(text, "Chicago, IL 60657") || !strings.Contains(text, "555-0148") {
		t.Errorf("the letter of a named practice: %+v", l)
	}
	x, err := w.p.ExportNotes(ctx, w.alice, id, note.Include{})
	if err != nil || x.Part2Notice != practice.Part2Notice() {
		t.Errorf("notes export of a Part 2 record: %q, %v", x.Part2Notice, err)
	}
	if err := w.p.MarkPart2(ctx, w.alice, w.client, false); err != nil {
		t.Fatal(err)
	}
	if x, err := w.p.ExportNotes(ctx, w.alice, id, note.Include{}); err != nil || x.Part2Notice != "" {
		t.Errorf("notes export unmarked: %q, %v", x.Part2Notice, err)
	}

	// Statuses: sent, accepted, completed, each with who and when.
	v := 2
	for _, st := range []string{"sent", "accepted", "completed"} {
		w.advance(3600e9)
		if v, err = w.p.SetReferralStatus(ctx, w.alice, id, rid, st, v); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	rep, err = w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	ms := rep.Referrals[0].Moves
	var got []string
	for _, m := range ms {
		got = append(got, string(m.Status)+" by "+m.ByName)
	}
	if want := []string{"draft by Alice Adler", "sent by Alice Adler", "accepted by Alice Adler", "completed by Alice Adler"}; !slices.Equal(got, want) ||
		!ms[3].At.After(ms[0].At) {
		t.Errorf("moves %v, want %v", got, want)
	}
}

// TestReferralDraftWhenRegistryDown: a board's registry that cannot be
// reached is reported as such, and the referral stays a draft: choosing
// is Unavailable and changes nothing.
func TestReferralDraftWhenRegistryDown(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	down := httptest.NewServer(http.NotFoundHandler())
	base := down.URL
	down.Close()
	did := "did:web:" + strings.ReplaceAll(strings.TrimPrefix(base, "http://"), ":", "%3A")
	w.trustRegistry(t, did, base)
	id := w.openCase(t)
	rid, err := w.p.StartReferral(ctx, w.alice, id, draftInput(did))
	if err != nil {
		t.Fatal(err)
	}
	s, err := w.p.FindTherapists(ctx, w.alice, id, rid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Page != nil || !strings.Contains(s.Unreachable, "cannot be reached") || s.Referral.Status != practice.ReferralDraft {
		t.Errorf("search of a registry that is down: %+v", s)
	}
	_, err = w.p.ChooseTherapist(ctx, w.alice, id, rid, 7, practice.RegistrySearch{}, 1)
	caseWantCode(t, err, certboard.Unavailable)
	if !strings.Contains(certboard.As(err).Message, "draft") {
		t.Errorf("the refusal does not say the referral is kept: %v", err)
	}
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Referrals[0]; r.Status != practice.ReferralDraft || r.To.Name != "" || r.Version != 1 {
		t.Errorf("after the registry was down: %+v", r)
	}
	// A draft may be withdrawn.
	if _, err := w.p.SetReferralStatus(ctx, w.alice, id, rid, "withdrawn", 1); err != nil {
		t.Errorf("withdrawing a draft: %v", err)
	}
}

// TestReferralLetterNeedsConsent: without the client's consent to share,
// no letter discloses anything.
func TestReferralLetterNeedsConsent(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	reg := newFakeRegistry(t)
	w.trustRegistry(t, reg.did(), reg.srv.URL)
	id := w.openCase(t)
	in := draftInput(reg.did())
	in.Consent, in.Share, in.Shared = "no", nil, nil
	rid, err := w.p.StartReferral(ctx, w.alice, id, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.ChooseTherapist(ctx, w.alice, id, rid, 7, in.Search, 1); err != nil {
		t.Fatal(err)
	}
	before := w.auditCount(t)
	_, err = w.p.ReferralLetter(ctx, w.alice, id, rid)
	caseWantCode(t, err, certboard.Conflict)
	if w.auditCount(t) != before {
		t.Error("a refused letter was audited as a disclosure")
	}
}
