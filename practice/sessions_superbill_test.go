package practice_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/superbill"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// superbillIDs gives the world's practice (named, in its time zone, by
// sessionsWorld: version 1) and Alice their identifiers.
func superbillIDs(t *testing.T, w *casesWorld) {
	t.Helper()
	ctx := context.Background()
	if _, err := w.p.SetPracticeIdentifiers(ctx, w.admin, practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic",
		Address: "1200 N Lake Shore Dr\nChicago, IL 60610", Phone: "(312) 555-0142", TaxID: "36-4512789", TimeZone: "America/Chicago"}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.SetOwnIdentifiers(ctx, w.alice, practice.PractitionerIdentifiersInput{LicenceType: "LMFT",
		LicenceNumber: "LMFT-0158342", LicenceState: "IL", NPI: "1234567893"}, 0); err != nil {
		t.Fatal(err)
	}
}

// pastSession has by schedule a session on case caseID at day and clock
// (Chicago), with the world's clock set back before it, then marks it
// with outcome ("attended", "no_show", "cancel") and records paid; the
// clock ends back at now.
func pastSession(t *testing.T, w *casesWorld, by practice.Actor, caseID int64, day, clock, modality, cpt, fee, paid, outcome string) int64 {
	t.Helper()
	ctx := context.Background()
	now := w.now()
	defer w.clock.Set(now)
	start, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, chicago(t))
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Set(start.Add(-48 * time.Hour))
	in := practice.SessionInput{Date: day, Time: clock, Minutes: "50", Modality: modality, Kind: "individual", CPT: cpt, Fee: fee, Currency: "USD"}
	if modality == "video" {
		in.VideoLink = "https://meet.example/room-" + day
	}
	s, err := w.p.ScheduleSession(ctx, by, caseID, in)
	if err != nil {
		t.Fatalf("scheduling %s %s: %v", day, clock, err)
	}
	if outcome == "cancel" {
		if s, err = w.p.CancelSession(ctx, by, s.ID, s.Version, practice.CancelInput{By: "practice", Reason: "the office was closed"}); err != nil {
			t.Fatal(err)
		}
	} else {
		w.clock.Set(start.Add(time.Hour))
		if s, err = w.p.MarkSession(ctx, by, s.ID, s.Version, outcome); err != nil {
			t.Fatal(err)
		}
	}
	if paid != "" {
		if _, err := w.p.RecordPayment(ctx, by, s.ID, s.Version, paid); err != nil {
			t.Fatal(err)
		}
	}
	return s.ID
}

func chicago(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// superbillText is what a superbill's PDF shows, on one line.
func superbillText(t *testing.T, doc *practice.SuperbillDoc) string {
	t.Helper()
	text, err := superbill.Text(doc.PDF)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(text), " ")
}

func TestSuperbill(t *testing.T) {
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			w, caseID := sessionsWorld(t, db)
			// November 2026 in Chicago: the first at 00:30 on the 1st
			// and the last at 20:00 on the 30th (2 December... 1 December
			// 02:00 UTC) are November's; 31 October at 20:00 (1 November
			// 01:00 UTC) and 1 December at 00:30 are not.
			first := pastSession(t, w, w.alice, caseID, "2026-11-01", "00:30", "in_person", "90834", "150.00", "150.00", "attended")
			video := pastSession(t, w, w.alice, caseID, "2026-11-12", "10:00", "video", "90837", "190.00", "95.50", "attended")
			last := pastSession(t, w, w.alice, caseID, "2026-11-30", "20:00", "in_person", "90834", "150.00", "", "attended")
			october := pastSession(t, w, w.alice, caseID, "2026-10-31", "20:00", "in_person", "90834", "150.00", "150.00", "attended")
			december := pastSession(t, w, w.alice, caseID, "2026-12-01", "00:30", "in_person", "90834", "150.00", "150.00", "attended")
			pastSession(t, w, w.alice, caseID, "2026-11-18", "10:00", "in_person", "90834", "150.00", "", "cancel")
			noShow := pastSession(t, w, w.alice, caseID, "2026-11-19", "10:00", "in_person", "90834", "150.00", "75.00", "no_show")
			nov := practice.SuperbillPeriod{Month: "2026-11"}

			// Without identifiers the superbill names what to give, and where.
			_, err := w.p.Superbill(ctx, w.alice, w.client, nov)
			if e := certboard.As(err); e == nil || e.Code != certboard.Invalid || !slices.Equal(sortedKeys(e.Fields), []string{"practice", "practitioner"}) ||
				!strings.Contains(e.Message, practice.PracticeIdentifiersPath) || !strings.Contains(e.Message, practice.OwnIdentifiersPath) {
				t.Fatalf("a superbill without identifiers: %v", err)
			}
			superbillIDs(t, w)

			doc, err := w.p.Superbill(ctx, w.alice, w.client, nov)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(doc.Sessions, []int64{first, video, last}) {
				t.Errorf("billed sessions %v, want %v (not %d, %d, the cancelled one or the no-show %d)", doc.Sessions,
					[]int64{first, video, last}, october, december, noShow)
			}
			if want := "superbill-" + itoa(w.client) + "-2026-11.pdf"; doc.Filename != want || strings.Contains(doc.Filename, "Rivera") {
				t.Errorf("file name %q, want %q", doc.Filename, want)
			}
			places := []superbill.Place{}
			for _, l := range doc.Input.Lines {
				places = append(places, l.Place)
			}
			if !slices.Equal(places, []superbill.Place{superbill.Office, superbill.TelehealthHome, superbill.Office}) {
				t.Errorf("places of service %v", places)
			}
			text := superbillText(t, doc)
			for _, want := range []string{"November 2026", "Issued 7 December 2026", "Lakeview Couples Clinic", "Tax id (EIN): 36-4512789",
				"Alice Adler, LMFT", "Licence: LMFT no. LMFT-0158342, IL", "NPI (individual, type 1): 1234567893",
				"Sam Rivera", "Date of birth: 2 April 1990", "F52.21", "2026-11-01", "2026-11-12", "2026-11-30",
				"90834", "90837", "Individual psychotherapy, about 60 minutes", "190.00", "95.50",
				"Total charged USD 490.00", "Total paid by the client USD 245.50", "Balance due USD 244.50",
				"10: Telehealth, client at home", "11: Office", "Signature of Alice Adler"} {
				if !strings.Contains(text, want) {
					t.Errorf("the superbill does not show %q:\n%s", want, text)
				}
			}
			for _, not := range []string{"2026-10-31", "2026-12-01", "2026-11-18", "2026-11-19", "75.00", "meet.example"} {
				if strings.Contains(text, not) {
					t.Errorf("the superbill shows %q:\n%s", not, text)
				}
			}
			w.wantAudit(t, practice.AuditClientSuperbill)
			es, err := w.st.AuditLog().Entries(ctx)
			if err != nil {
				t.Fatal(err)
			}
			last1 := es[len(es)-1]
			if last1.Subject != practice.ClientSubject(w.client) || !strings.Contains(string(last1.After), `"period":"2026-11"`) ||
				strings.Contains(string(last1.After), "F52") || strings.Contains(string(last1.After), "190") {
				t.Errorf("audit entry %s %s", last1.Subject, last1.After)
			}

			// One session; and a session that is no service is refused.
			one, err := w.p.Superbill(ctx, w.alice, w.client, practice.SuperbillPeriod{Session: video})
			if err != nil {
				t.Fatal(err)
			}
			if text := superbillText(t, one); !strings.Contains(text, "Session of 12 November 2026") || strings.Contains(text, "2026-11-01") ||
				one.Filename != "superbill-"+itoa(w.client)+"-session-"+itoa(video)+".pdf" {
				t.Errorf("the superbill of one session (%s):\n%s", one.Filename, text)
			}
			_, err = w.p.Superbill(ctx, w.alice, w.client, practice.SuperbillPeriod{Session: noShow})
			wantField(t, "the superbill of a no-show", err, "session", "services rendered")

			// A month without billable sessions, and bad periods.
			_, err = w.p.Superbill(ctx, w.alice, w.client, practice.SuperbillPeriod{Month: "2026-09"})
			wantField(t, "September", err, "month", "no attended session")
			_, err = w.p.Superbill(ctx, w.alice, w.client, practice.SuperbillPeriod{Month: "11/2026"})
			wantField(t, "a month written otherwise", err, "month", "YYYY-MM")
			_, err = w.p.Superbill(ctx, w.alice, w.client, practice.SuperbillPeriod{Month: "2026-11", Session: video})
			wantField(t, "both", err, "month", "not both")

			// Access: Bob is not assigned, the admin is not a practitioner
			// (not even with emergency access); both refusals are audited.
			n := w.auditCount(t)
			_, err = w.p.Superbill(ctx, w.bob, w.client, nov)
			wantSessionCode(t, "Bob's superbill", err, certboard.NotFound)
			_, err = w.p.Superbill(ctx, w.bob, w.client, practice.SuperbillPeriod{Session: video})
			wantSessionCode(t, "Bob's superbill of a session", err, certboard.NotFound)
			_, err = w.p.Superbill(ctx, w.admin, w.client, nov)
			wantSessionCode(t, "the admin's superbill", err, certboard.Forbidden)
			w.emergency(t, w.admin, w.client)
			_, err = w.p.Superbill(ctx, w.admin, w.client, nov)
			wantSessionCode(t, "the admin's superbill with emergency access", err, certboard.Forbidden)
			got := w.audited(t)[n:]
			if denied := slices.DeleteFunc(slices.Clone(got), func(a string) bool { return a != practice.ClientReadDenied }); len(denied) != 4 ||
				slices.Contains(got, practice.AuditClientSuperbill) {
				t.Errorf("refusals audited as %v", got)
			}

			// Bob assigned and holding a session of November: each bills
			// their own; a month of only Bob's sessions tells Alice to ask him.
			if err := w.p.AssignPractitioner(ctx, w.admin, w.client, w.bob.UserID); err != nil {
				t.Fatal(err)
			}
			bobs := pastSession(t, w, w.bob, caseID, "2026-11-20", "10:00", "in_person", "90834", "140.00", "140.00", "attended")
			pastSession(t, w, w.bob, caseID, "2026-08-20", "10:00", "in_person", "90834", "140.00", "140.00", "attended")
			doc, err = w.p.Superbill(ctx, w.alice, w.client, nov)
			if err != nil || slices.Contains(doc.Sessions, bobs) {
				t.Errorf("Alice's November after Bob's session: %v, %v", doc.Sessions, err)
			}
			_, err = w.p.Superbill(ctx, w.alice, w.client, practice.SuperbillPeriod{Month: "2026-08"})
			wantField(t, "a month of Bob's", err, "month", "Bob Brown")
			_, err = w.p.Superbill(ctx, w.alice, w.client, practice.SuperbillPeriod{Session: bobs})
			wantField(t, "Bob's session, by Alice", err, "session", "held by Bob Brown")
			_, err = w.p.Superbill(ctx, w.bob, w.client, nov)
			wantField(t, "Bob without identifiers", err, "practitioner", practice.OwnIdentifiersPath)
		})
	}
}

// TestSuperbillDiagnoses: a case without a confirmed ICD-10-CM code gives
// no superbill, and the refusal says to record the concerns.
func TestSuperbillDiagnoses(t *testing.T) {
	ctx := context.Background()
	w, _ := sessionsWorld(t, sqldbtest.Engines(t)["sqlite"])
	superbillIDs(t, w)
	caseID, err := w.p.OpenCase(ctx, w.alice, w.client, practice.NewCase{Reason: "relationship"})
	if err != nil {
		t.Fatal(err)
	}
	id := pastSession(t, w, w.alice, caseID, "2026-11-10", "10:00", "in_person", "90834", "150.00", "150.00", "attended")
	_, err = w.p.Superbill(ctx, w.alice, w.client, practice.SuperbillPeriod{Session: id})
	wantField(t, "a case without concerns", err, "diagnoses", "record the client's concerns")
}

// wantField checks that err is Invalid naming field, its text saying
// says.
func wantField(t *testing.T, what string, err error, field, says string) {
	t.Helper()
	e := certboard.As(err)
	if e == nil || e.Code != certboard.Invalid || e.Fields[field] == "" && e.Field != field || !strings.Contains(e.Message, says) {
		t.Errorf("%s: %v, want Invalid %s saying %q", what, err, field, says)
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
