package demo_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/demo"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/internal/boardtest"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/verifier/httpfetch"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// demoPractice is a practice store on SQLite and what seeding it beside b
// takes.
type demoPractice struct {
	store *practicesql.Store
	deps  demo.PracticeDeps
	p     *practice.Practice
}

func newDemoPractice(t *testing.T, b *boardtest.Demo) *demoPractice {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := practicesql.Open(ctx, practicesql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fetch, err := httpfetch.Origins(b.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := practice.Config{Store: practicesql.ForPractice{Store: st}, Log: quiet}
	p, err := practice.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p.UseFetch(fetch)
	return &demoPractice{store: st, p: p, deps: demo.PracticeDeps{Store: st, Config: cfg, Board: b.Deps, Fetch: fetch}}
}

// actor is the practice's account with the local part local, as the use
// cases take it.
func (d *demoPractice) actor(t *testing.T, local string) practice.Actor {
	t.Helper()
	u, err := d.store.UserByEmail(context.Background(), demo.Email(local))
	if err != nil {
		t.Fatalf("%s: %v", local, err)
	}
	return practice.ActorOf(u)
}

// TestSeedPractice seeds the demo practice beside a running demo board
// and reads back, through the practice's use cases, every fact the demo
// promises; a second seeding changes nothing, on the practice or on the
// board.
func TestSeedPractice(t *testing.T) {
	ctx := context.Background()
	b := boardtest.StartDemo(t, quiet)
	d := newDemoPractice(t, b)
	logins, err := demo.SeedPractice(ctx, d.deps)
	if err != nil {
		t.Fatal(err)
	}
	people := demo.PracticePeople()
	t.Run("people", func(t *testing.T) { checkPracticePeople(t, d, logins, people) })
	t.Run("credentials", func(t *testing.T) { checkPracticeCredentials(t, b, d) })
	t.Run("clients", func(t *testing.T) { checkPracticeClients(t, d) })
	t.Run("referral", func(t *testing.T) { checkRefusedAndReferred(t, d) })
	t.Run("measures", func(t *testing.T) { checkPracticeMeasures(t, d) })
	t.Run("superbills", func(t *testing.T) { checkPracticeSuperbills(t, d) })
	t.Run("sessions", func(t *testing.T) { checkPracticeSessions(t, d) })
	t.Run("identifiers", func(t *testing.T) { checkPracticeIdentifiers(t, d) })
	t.Run("links", func(t *testing.T) { checkPracticeLinks(t, d) })

	entries, err := d.store.AuditLog().Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.store.AuditLog().Verify(ctx); err != nil || n != len(entries) {
		t.Fatalf("the practice's audit log: %d %v", n, err)
	}
	boardAudit, err := b.Store.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := demo.SeedPractice(ctx, d.deps)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(again, logins, func(a, b demo.Login) bool { return a.Email == b.Email && a.TOTPSecret == b.TOTPSecret }) {
		t.Fatalf("a second seeding returned other logins:\n%+v\n%+v", again, logins)
	}
	if after, _ := d.store.AuditLog().Entries(ctx); len(after) != len(entries) {
		t.Fatalf("a second seeding wrote %d audit entries at the practice", len(after)-len(entries))
	}
	if n, err := b.Store.VerifyAudit(ctx); err != nil || n != boardAudit {
		t.Fatalf("a second seeding wrote %d audit entries at the board (%v)", n-boardAudit, err)
	}
}

// checkPracticePeople: the admin, who added the practitioners through the
// use case; everyone signs in with the demo password and two factors.
func checkPracticePeople(t *testing.T, d *demoPractice, logins []demo.Login, people []demo.Person) {
	ctx := context.Background()
	if len(logins) != len(people) {
		t.Fatalf("%d logins for %d people", len(logins), len(people))
	}
	accounts, err := auth.NewAccounts(auth.AccountsConfig{Store: d.store.Accounts(), TwoFactorForAll: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range logins {
		if l.Email != demo.Email(people[i].Local) || !slices.Equal(l.Roles, people[i].Roles) || l.TOTPSecret == "" || l.Note == "" {
			t.Errorf("login %d: %+v", i, l)
		}
		at, err := accounts.CheckPassword(ctx, auth.Client{Network: "192.0.2.1"}, l.Email, demo.Password)
		if err != nil {
			t.Fatalf("%s signs in: %v", l.Email, err)
		}
		if !at.User.TwoFactor() {
			t.Errorf("%s signs in without two factors", l.Email)
		}
	}
	entries, err := d.store.AuditLog().Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	added := 0
	for _, e := range entries {
		if e.Action == "person.add" {
			added++
		}
	}
	if added != len(people)-1 {
		t.Errorf("%d people added through the use case, want %d", added, len(people)-1)
	}
}

// checkPracticeCredentials: the demo board on the trust list by its
// did:web and name; Jordan's CST verified and current, so his scope
// includes Intensive Therapy; Dr. Holt's suspended by the board (through
// its use case), found so by the practice's check, her Intensive Therapy
// case flagged and the admin mailed; Lena with the baseline only.
func checkPracticeCredentials(t *testing.T, b *boardtest.Demo, d *demoPractice) {
	ctx := context.Background()
	ines, jordan, lena, holt := d.actor(t, "ines.okoro"), d.actor(t, "jordan"), d.actor(t, "lena.fischer"), d.actor(t, "maren.holt")
	boardDID, err := did.WebFromURL(b.URL)
	if err != nil {
		t.Fatal(err)
	}
	bb, err := board.New(b.Deps.Config)
	if err != nil {
		t.Fatal(err)
	}
	trusted, err := d.p.TrustedIssuers(ctx, ines)
	if err != nil || len(trusted) != 1 || trusted[0].DID != boardDID || trusted[0].Name != bb.Name(ctx) || trusted[0].AddedBy != ines.UserID ||
		!slices.Equal(trusted[0].Types, []string{"aasect-cst"}) {
		t.Fatalf("the trust list: %+v %v, want the board %s", trusted, err, boardDID)
	}

	js, err := d.p.Credentials(ctx, jordan, jordan.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if len(js.Credentials) != 1 || js.Credentials[0].Verified.Status != scope.Active || js.Credentials[0].Verified.Issuer != boardDID ||
		js.Credentials[0].HolderEmail != demo.Email("jordan") {
		t.Errorf("Jordan's credentials: %+v", js.Credentials)
	}
	if ok, why := js.Scope.Permits(plissit.IntensiveTherapy); !ok {
		t.Errorf("Jordan may not work Intensive Therapy: %s", why)
	}

	hs, err := d.p.Credentials(ctx, ines, holt.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs.Credentials) != 1 || hs.Credentials[0].Verified.Status != scope.Suspended || hs.Credentials[0].Verified.Issuer != boardDID {
		t.Errorf("Dr. Holt's credentials: %+v", hs.Credentials)
	}
	if ok, _ := hs.Scope.Permits(plissit.IntensiveTherapy); ok {
		t.Error("Dr. Holt may still work Intensive Therapy")
	}
	u, err := b.Store.UserByEmail(ctx, demo.Email("maren.holt"))
	if err != nil {
		t.Fatal(err)
	}
	onBoard, err := b.Store.CredentialsOf(ctx, u.ID)
	if err != nil || len(onBoard) != 1 || onBoard[0].Status() != "suspended" || onBoard[0].SuspendReason == "" {
		t.Errorf("Dr. Holt's credential on the board: %+v %v", onBoard, err)
	}

	flags, err := d.p.ScopeFlags(ctx, ines, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(flags) != 1 || flags[0].PractitionerID != holt.UserID || !flags[0].Open() || !strings.Contains(flags[0].Reason, "suspended") {
		t.Fatalf("the cases flagged: %+v", flags)
	}
	flagged, err := d.p.CaseReport(ctx, holt, flags[0].CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if flagged.Case.Stage != plissit.IntensiveTherapy || flagged.Case.PractitionerID != holt.UserID || flagged.TreatmentPlan == nil {
		t.Errorf("the case flagged: %+v", flagged.Case)
	}
	mails, err := d.store.DueMail(ctx, time.Now().Add(time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(mails, func(m jobs.Mail) bool {
		return m.To == demo.Email("ines.okoro") && strings.Contains(m.Subject, "Dr. Maren Holt may no longer deliver Intensive Therapy")
	}) {
		t.Errorf("no mail to the admin about Dr. Holt's scope among %d", len(mails))
	}

	ls, err := d.p.Credentials(ctx, lena, lena.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := ls.Scope.Permits(plissit.SpecificSuggestions); !ok || len(ls.Credentials) != 0 {
		t.Errorf("Lena: %d credentials, Specific Suggestions %v", len(ls.Credentials), ok)
	}
	if ok, _ := ls.Scope.Permits(plissit.IntensiveTherapy); ok {
		t.Error("Lena may work Intensive Therapy")
	}
}

// practiceCase is a case of the demo with its client and practitioner.
type practiceCase struct {
	by     practice.Actor
	client practice.ClientSummary
	report *practice.CaseReport
}

// allCases reads every case of every practitioner's clients.
func allCases(t *testing.T, d *demoPractice) []practiceCase {
	t.Helper()
	ctx := context.Background()
	var out []practiceCase
	for _, local := range []string{"jordan", "lena.fischer", "maren.holt"} {
		by := d.actor(t, local)
		clients, err := d.p.MyClients(ctx, by)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range clients {
			cases, err := d.p.ClientCases(ctx, by, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, cs := range cases {
				rep, err := d.p.CaseReport(ctx, by, cs.Case.ID)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, practiceCase{by: by, client: c, report: rep})
			}
		}
	}
	return out
}

// checkPracticeClients: clients at every stage, each with consent in
// force and concerns from the taxonomy; the histories and plans each stage
// has.
func checkPracticeClients(t *testing.T, d *demoPractice) {
	ctx := context.Background()
	cases := allCases(t, d)
	stages := map[plissit.Stage]int{}
	var partHistory, fullHistory, specified bool
	for _, c := range cases {
		rep := c.report
		stages[rep.Case.Stage]++
		rec, err := d.p.ClientRecord(ctx, c.by, c.client.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Consent == nil || !c.client.Consented {
			t.Errorf("%s has no consent in force", c.client.Name)
		}
		if len(rep.Concerns) == 0 {
			t.Errorf("%s's case has no concern", c.client.Name)
		}
		for _, cc := range rep.Concerns {
			if !cc.Known {
				t.Errorf("%s: concern %q is not in the taxonomy", c.client.Name, cc.Diagnosis.Concern)
			}
			specified = specified || cc.Diagnosis.Specifiers.Onset != "" && cc.Diagnosis.Specifiers.Severity != ""
		}
		if len(rep.History) == 0 || rep.History[0].Move.From != "" {
			t.Errorf("%s's stage history: %+v", c.client.Name, rep.History)
		}
		switch rep.Case.Stage {
		case plissit.SpecificSuggestions:
			done := 0
			for _, s := range rep.Steps {
				if s.Done {
					done++
				}
			}
			partHistory = partHistory || (done > 0 && done < 4)
			fullHistory = fullHistory || rep.HistoryDone
		case plissit.IntensiveTherapy:
			if rep.TreatmentPlan == nil || !rep.HistoryDone || len(rep.Comorbidities) == 0 {
				t.Errorf("%s in Intensive Therapy: plan %v, history done %v, %d comorbidities", c.client.Name,
					rep.TreatmentPlan != nil, rep.HistoryDone, len(rep.Comorbidities))
			}
		}
	}
	for _, st := range plissit.Stages() {
		if stages[st] == 0 {
			t.Errorf("no case at %s (%v)", st.Name(), stages)
		}
	}
	if !partHistory || !fullHistory {
		t.Errorf("Specific Suggestions: a history partly taken %v, one complete %v", partHistory, fullHistory)
	}
	if !specified {
		t.Error("no concern is recorded with its specifiers")
	}
}

// checkRefusedAndReferred: Lena's case with comorbidities stays at
// Specific Suggestions, refused Intensive Therapy, and has a referral to
// Jordan with the client's consent to share; the practice still refuses
// the move.
func checkRefusedAndReferred(t *testing.T, d *demoPractice) {
	ctx := context.Background()
	lena := d.actor(t, "lena.fischer")
	var found *practice.CaseReport
	for _, c := range allCases(t, d) {
		if c.by.UserID == lena.UserID && len(c.report.Referrals) > 0 {
			if found != nil {
				t.Fatal("Lena has more than one case referred")
			}
			found = c.report
		}
	}
	if found == nil {
		t.Fatal("Lena has no case referred")
	}
	rep := found
	if rep.Case.Stage != plissit.SpecificSuggestions || !rep.HistoryDone || !rep.Escalation.NeedsIntensiveTherapy {
		t.Errorf("the case referred: stage %s, history done %v, needs Intensive Therapy %v", rep.Case.Stage, rep.HistoryDone, rep.Escalation.NeedsIntensiveTherapy)
	}
	active := 0
	for _, c := range rep.Comorbidities {
		if c.Active() {
			active++
		}
	}
	if active < 2 {
		t.Errorf("the case referred has %d comorbidities standing", active)
	}
	for _, m := range rep.History {
		if m.Move.To == plissit.IntensiveTherapy {
			t.Errorf("the refused move is in the stage history: %+v", m)
		}
	}
	r := rep.Referrals[0]
	if r.Stage != plissit.IntensiveTherapy || r.To.Name != "Jordan Reyes" || r.Consent != practice.ConsentGiven || len(r.Shared) == 0 ||
		r.Why == "" || r.Status != practice.ReferralSent || r.MadeBy != lena.UserID {
		t.Errorf("the referral: %+v", r)
	}
	_, err := d.p.MoveCaseStage(ctx, lena, rep.Case.ID, practice.MoveCase{To: string(plissit.IntensiveTherapy), Reason: "again", Version: rep.Case.Version})
	if !practice.OffersReferral(err) {
		t.Errorf("Lena's move to Intensive Therapy: %v, want a refusal offering a referral", err)
	}
}

// checkPracticeMeasures: an Intensive Therapy client's PHQ-9, GAD-7 and
// AUDIT-C over about six months, falling; exactly one PHQ-9 with item 9
// above 0 in the practice, whose same-day safety task stays open on its
// practitioner's home page.
func checkPracticeMeasures(t *testing.T, d *demoPractice) {
	ctx := context.Background()
	jordan, lena := d.actor(t, "jordan"), d.actor(t, "lena.fischer")
	var trend bool
	selfHarm := 0
	for _, c := range allCases(t, d) {
		cm, err := d.p.ClientMeasures(ctx, c.by, c.client.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range cm.Responses {
			if r.Instrument == "phq-9" && len(r.Answers) == 9 && r.Answers[8] != nil && *r.Answers[8] > 0 {
				selfHarm++
				if c.by.UserID != lena.UserID {
					t.Errorf("the PHQ-9 with item 9 above 0 is %s's client's", c.by.Name)
				}
			}
		}
		if c.report.Case.Stage != plissit.IntensiveTherapy || c.by.UserID != jordan.UserID {
			continue
		}
		series := map[string]practice.Series{}
		for _, s := range cm.Series {
			series[s.Instrument.ID] = s
		}
		trend = true
		for _, id := range []string{"phq-9", "gad-7", "audit-c"} {
			pts := series[id].Points
			if len(pts) < 6 || pts[len(pts)-1].Taken.Sub(pts[0].Taken) < 150*24*time.Hour || !(pts[0].Total > pts[len(pts)-1].Total) {
				trend = false
				t.Errorf("%s's %s: %+v", c.client.Name, id, pts)
			}
		}
	}
	if !trend {
		t.Error("no client of Jordan's in Intensive Therapy has measures over months")
	}
	if selfHarm != 1 {
		t.Errorf("%d PHQ-9 with item 9 above 0, want 1", selfHarm)
	}
	tasks, err := d.p.OpenSafetyTasks(ctx, lena)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 || !tasks[0].Open() || tasks[0].Due != date.FromTime(time.Now()) || tasks[0].Rule != "phq9-self-harm" {
		t.Errorf("Lena's safety tasks: %+v", tasks)
	}
	for _, local := range []string{"jordan", "maren.holt"} {
		if tasks, err := d.p.OpenSafetyTasks(ctx, d.actor(t, local)); err != nil || len(tasks) != 0 {
			t.Errorf("%s's safety tasks: %+v %v", local, tasks, err)
		}
	}
}

// TestSeedPracticeBesideABoardSeededBefore: a new demo practice beside a
// board whose staff suspended Dr. Holt's credential for an earlier one:
// the board reinstates it, she attaches it, and the board suspends it
// again, so the new practice tells the same story.
func TestSeedPracticeBesideABoardSeededBefore(t *testing.T) {
	ctx := context.Background()
	b := boardtest.StartDemo(t, quiet)
	if _, err := demo.SeedPractice(ctx, newDemoPractice(t, b).deps); err != nil {
		t.Fatal(err)
	}
	d := newDemoPractice(t, b)
	if _, err := demo.SeedPractice(ctx, d.deps); err != nil {
		t.Fatal(err)
	}
	flags, err := d.p.ScopeFlags(ctx, d.actor(t, "ines.okoro"), true)
	if err != nil || len(flags) != 1 || flags[0].PractitionerID != d.actor(t, "maren.holt").UserID {
		t.Fatalf("the cases flagged: %+v %v", flags, err)
	}
	u, err := b.Store.UserByEmail(ctx, demo.Email("maren.holt"))
	if err != nil {
		t.Fatal(err)
	}
	if creds, err := b.Store.CredentialsOf(ctx, u.ID); err != nil || len(creds) != 1 || creds[0].Status() != "suspended" {
		t.Fatalf("Dr. Holt's credential on the board: %+v %v", creds, err)
	}
}

// TestSeedPracticeNeedsTheBoard: without the board beside it, seeding
// refuses to start.
func TestSeedPracticeNeedsTheBoard(t *testing.T) {
	d := newDemoPractice(t, &boardtest.Demo{URL: "http://127.0.0.1:1"})
	d.deps.Board = demo.Deps{}
	if _, err := demo.SeedPractice(context.Background(), d.deps); err == nil || !strings.Contains(err.Error(), "board") {
		t.Fatalf("seeding without a board: %v", err)
	}
}
