package practice_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// linkPrefix is where links point in the tests (practice.New's default
// public address).
const linkPrefix = "http://localhost:8081/m/"

// mails returns every mail in the env's outbox, oldest first.
func (e *measureEnv) mails(t *testing.T) []jobs.Mail {
	t.Helper()
	due, err := e.st.DueMail(context.Background(), e.clock.Now().Add(time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return due
}

// sendInRoom sends the env's client a link to instrument, shown in the
// room, and returns its token.
func (e *measureEnv) sendInRoom(t *testing.T, instrument string) (practice.MeasureLink, string) {
	t.Helper()
	sent, err := e.p.SendMeasureLink(context.Background(), e.pat, practice.NewLink{CaseID: e.caseID, Instrument: instrument,
		Delivery: practice.LinkInRoom})
	if err != nil {
		t.Fatal(err)
	}
	token, ok := strings.CutPrefix(sent.URL, linkPrefix)
	if !ok || len(token) != 43 {
		t.Fatalf("URL %q", sent.URL)
	}
	return sent.Link, token
}

// auditTexts returns every entry's before and after.
func auditTexts(entries []audit.Entry) []string {
	var out []string
	for _, en := range entries {
		out = append(out, en.Before, en.After)
	}
	return out
}

// step makes a step's answers from item numbers and values: n1, v1, n2, v2...
func step(pairs ...int) practice.LinkStep {
	s := practice.LinkStep{Answers: map[int]int{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		s.Answers[pairs[i]] = pairs[i+1]
	}
	return s
}

func TestSendMeasureLinkByMail(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	before := len(e.mails(t))
	for _, tc := range []struct {
		name  string
		by    practice.Actor
		req   practice.NewLink
		code  certboard.Code
		field string
	}{
		{"a stranger", e.stranger, practice.NewLink{CaseID: e.caseID, Instrument: "phq-9", Delivery: practice.LinkByMail}, certboard.NotFound, ""},
		{"an admin", e.admin, practice.NewLink{CaseID: e.caseID, Instrument: "phq-9", Delivery: practice.LinkByMail}, certboard.Forbidden, ""},
		{"no such case", e.pat, practice.NewLink{CaseID: 999, Instrument: "phq-9", Delivery: practice.LinkByMail}, certboard.NotFound, ""},
		{"unknown instrument", e.pat, practice.NewLink{CaseID: e.caseID, Instrument: "phq-10", Delivery: practice.LinkByMail}, certboard.Invalid, "instrument"},
		{"no delivery", e.pat, practice.NewLink{CaseID: e.caseID, Instrument: "phq-9"}, certboard.Invalid, "delivery"},
		{"too long", e.pat, practice.NewLink{CaseID: e.caseID, Instrument: "phq-9", Delivery: practice.LinkByMail, Days: 15}, certboard.Invalid, "days"},
		{"licensed, not enabled", e.pat, practice.NewLink{CaseID: e.caseID, Instrument: "fsfi", Delivery: practice.LinkByMail}, certboard.Conflict, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.p.SendMeasureLink(ctx, tc.by, tc.req)
			wantCode(t, err, tc.code, tc.field)
		})
	}
	if n := len(e.mails(t)); n != before {
		t.Fatalf("a refused link sent %d mails", n-before)
	}
	sent, err := e.p.SendMeasureLink(ctx, e.pat, practice.NewLink{CaseID: e.caseID, Instrument: "phq-9", Delivery: practice.LinkByMail, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	if sent.URL != "" {
		t.Errorf("a mailed link returned its address %q", sent.URL)
	}
	if want := e.clock.Now().AddDate(0, 0, 3); !sent.Link.ExpiresAt.Equal(want) {
		t.Errorf("expires %v, want %v", sent.Link.ExpiresAt, want)
	}
	ms := e.mails(t)[before:]
	if len(ms) != 1 || ms[0].To != "robin@example.org" {
		t.Fatalf("mails %+v", ms)
	}
	body := ms[0].Subject + "\n" + ms[0].Body
	// Before the practice gives its name, the mail names it by the host
	// of its public address.
	if ms[0].Subject != "A questionnaire from localhost:8081" {
		t.Errorf("subject before the practice is named: %q", ms[0].Subject)
	}
	// The mail names the practice and the link, nothing of the record.
	for _, leak := range []string{"Robin", "Vale", "PHQ", "phq", "depress", "Pat", "Lindqvist", "case", "mood"} {
		if strings.Contains(body, leak) {
			t.Errorf("the mail says %q:\n%s", leak, body)
		}
	}
	i := strings.Index(body, linkPrefix)
	if i < 0 {
		t.Fatalf("no link in the mail:\n%s", body)
	}
	token := strings.Fields(body[i+len(linkPrefix):])[0]
	f, err := e.p.OpenLink(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 9 || f.Answered() != 0 || f.Closing == nil {
		t.Fatalf("form %+v", f)
	}
	en := e.audits(t)
	last := en[len(en)-1]
	if last.Action != "measure_link.open" || last.Actor != "link:"+itoa(sent.Link.ID) {
		t.Errorf("last audit %+v", last)
	}
	if strings.Contains(strings.Join(auditTexts(en), " "), token) {
		t.Error("the audit log holds the token")
	}
	// Once an admin names the practice, its mails give that name.
	if _, err := e.p.SetPracticeIdentifiers(ctx, e.admin, practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic",
		TimeZone: "America/Chicago"}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.SendMeasureLink(ctx, e.pat, practice.NewLink{CaseID: e.caseID, Instrument: "gad-7", Delivery: practice.LinkByMail}); err != nil {
		t.Fatal(err)
	}
	ms = e.mails(t)
	if m := ms[len(ms)-1]; m.Subject != "A questionnaire from Lakeview Couples Clinic" ||
		!strings.Contains(m.Body, "Lakeview Couples Clinic asks you to answer") {
		t.Errorf("the mail of a named practice: %q\n%s", m.Subject, m.Body)
	}
}

func TestLinkResumeAndSubmit(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	link, token := e.sendInRoom(t, "phq-9")

	f, err := e.p.SaveLinkAnswers(ctx, token, step(1, 1, 2, 2, 3, 0))
	if err != nil {
		t.Fatal(err)
	}
	if f.Answered() != 3 {
		t.Fatalf("answered %d after the first step", f.Answered())
	}
	// A bad answer saves nothing.
	_, err = e.p.SaveLinkAnswers(ctx, token, step(4, 1, 5, 7))
	wantCode(t, err, certboard.Invalid, "item 5")
	// The client leaves and comes back: the answers are there.
	e.clock.Advance(26 * time.Hour)
	f, err = e.p.OpenLink(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if f.Answered() != 3 || *f.Answers[1] != 2 || f.Answers[3] != nil {
		t.Fatalf("resumed answers %v", f.Answers)
	}
	// The practitioner's list says it is partly answered, without the
	// answers.
	cl, err := e.p.CaseLinks(ctx, e.pat, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cl.Links) != 1 || cl.Links[0].StatusAt(cl.Now) != practice.LinkPartly || cl.Links[0].Answers != nil {
		t.Fatalf("links %+v", cl.Links)
	}
	// Sending with a question unanswered names it.
	err = e.p.SubmitLink(ctx, token, step(4, 0, 5, 0, 6, 0, 7, 0, 8, 0))
	wantCode(t, err, certboard.Invalid, "item 9")
	if _, err := e.p.SaveLinkAnswers(ctx, token, step(4, 1, 5, 1, 6, 0, 7, 0, 8, 0)); err != nil {
		t.Fatal(err)
	}
	last := step(9, 0)
	last.HasClosing, last.Closing = true, "Somewhat difficult"
	if err := e.p.SubmitLink(ctx, token, last); err != nil {
		t.Fatal(err)
	}
	cm := e.caseMeasures(t)
	if len(cm.Responses) != 1 {
		t.Fatalf("responses %+v", cm.Responses)
	}
	r := cm.Responses[0]
	if r.Status != practice.Completed || r.Score() != "5" || r.EnteredBy != e.pat.UserID || r.Closing != "Somewhat difficult" ||
		r.Source != practice.SourceClientLink {
		t.Fatalf("response %+v, score %s", r, r.Score())
	}
	if cm.Escalation == nil || cm.Escalation.Response != r.ID {
		t.Errorf("escalation %+v", cm.Escalation)
	}
	// Used: the link opens no more, as if it never existed.
	_, err = e.p.OpenLink(ctx, token)
	if !practice.IsLinkUnusable(err) {
		t.Fatalf("a used link: %v", err)
	}
	cl, err = e.p.CaseLinks(ctx, e.pat, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if got := cl.Links[0]; got.StatusAt(cl.Now) != practice.LinkAnswered || got.ResponseID != r.ID {
		t.Errorf("link %+v", got)
	}
	// The audit log says the client answered through the link, and never
	// what they answered.
	var submit bool
	for _, en := range e.audits(t) {
		if en.Action == "measure_link.submit" {
			submit = en.Actor == "link:"+itoa(link.ID) && strings.Contains(en.After, `"source":"client link"`) &&
				strings.Contains(en.After, `"response":`+itoa(r.ID))
		}
		if strings.HasPrefix(en.Action, "measure_link.") && strings.Contains(en.After, "Somewhat") {
			t.Errorf("audit %s holds an answer: %s", en.Action, en.After)
		}
	}
	if !submit {
		t.Error("no measure_link.submit entry in the link's name with its source")
	}
}

func TestLinkSelfHarmOpensSafetyTask(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	_, token := e.sendInRoom(t, "phq-9")
	if err := e.p.SubmitLink(ctx, token, step(1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 9, 1)); err != nil {
		t.Fatal(err)
	}
	cm := e.caseMeasures(t)
	if len(cm.SafetyTasks) != 1 || !cm.SafetyTasks[0].Open() || cm.SafetyTasks[0].Practitioner != e.pat.UserID ||
		cm.SafetyTasks[0].Due != date.FromTime(e.clock.Now()) {
		t.Fatalf("safety tasks %+v", cm.SafetyTasks)
	}
	for _, by := range []practice.Actor{e.pat, e.sam} {
		open, err := e.p.OpenSafetyTasks(ctx, by)
		if err != nil || len(open) != 1 || open[0].Response != cm.Responses[0].ID {
			t.Fatalf("%s's open tasks %+v, %v", by.Name, open, err)
		}
	}
}

func TestLinkRefusalsAreAlike(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	_, expired := e.sendInRoom(t, "gad-7")
	revokedLink, revoked := e.sendInRoom(t, "gad-7")
	_, used := e.sendInRoom(t, "gad-7")
	if err := e.p.SubmitLink(ctx, used, step(1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0)); err != nil {
		t.Fatal(err)
	}
	// Only the client's practitioners revoke; a used link stays used.
	if _, err := e.p.RevokeLink(ctx, e.stranger, revokedLink.ID); certboard.ErrorCode(err) != certboard.NotFound {
		t.Fatalf("a stranger revoked: %v", err)
	}
	if _, err := e.p.RevokeLink(ctx, e.sam, revokedLink.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.RevokeLink(ctx, e.sam, revokedLink.ID); certboard.ErrorCode(err) != certboard.Conflict {
		t.Fatalf("revoked twice: %v", err)
	}
	e.clock.Advance(time.Duration(practice.DefaultLinkDays)*24*time.Hour + time.Second)
	_, fresh := e.sendInRoom(t, "gad-7")
	guessed := strings.Repeat("A", 43) // of the right form, never sent
	var first string
	for name, token := range map[string]string{"expired": expired, "revoked": revoked, "used": used, "guessed": guessed,
		"malformed": "not-a-token", "empty": ""} {
		for _, try := range []func() error{
			func() error { _, err := e.p.OpenLink(ctx, token); return err },
			func() error { _, err := e.p.SaveLinkAnswers(ctx, token, step(1, 1)); return err },
			func() error { return e.p.SubmitLink(ctx, token, step(1, 1)) },
		} {
			err := try()
			if !practice.IsLinkUnusable(err) {
				t.Fatalf("%s: %v", name, err)
			}
			if first == "" {
				first = err.Error()
			} else if err.Error() != first {
				t.Errorf("%s answers %q, not %q", name, err, first)
			}
		}
	}
	if _, err := e.p.OpenLink(ctx, fresh); err != nil {
		t.Fatalf("a fresh link: %v", err)
	}
	// A link whose practitioner leaves the client no longer opens.
	if err := e.p.UnassignPractitioner(ctx, e.admin, e.clientID, e.pat.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.OpenLink(ctx, fresh); !practice.IsLinkUnusable(err) {
		t.Fatalf("the sender unassigned: %v", err)
	}
}

// TestLinkSubmitRaceOneWins: submits of one link at once, on both
// engines: one records the response, the others are refused.
func TestLinkSubmitRaceOneWins(t *testing.T) {
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) { linkRace(t, newMeasureEnvOn(t, db)) })
	}
}

func linkRace(t *testing.T, e *measureEnv) {
	ctx := context.Background()
	_, token := e.sendInRoom(t, "gad-7")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.p.SubmitLink(ctx, token, step(1, 1, 2, 1, 3, 1, 4, 1, 5, 1, 6, 1, 7, i%4))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !practice.IsLinkUnusable(err):
			t.Errorf("a losing submit: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d submits won: %v", won, errs)
	}
	if n := len(e.caseMeasures(t).Responses); n != 1 {
		t.Fatalf("%d responses recorded", n)
	}
}

func TestMeasureSchedules(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	for _, tc := range []struct {
		name  string
		by    practice.Actor
		req   practice.NewSchedule
		code  certboard.Code
		field string
	}{
		{"a stranger", e.stranger, practice.NewSchedule{CaseID: e.caseID, Instrument: "phq-9", Kind: practice.EveryWeeks, EveryWeeks: 2}, certboard.NotFound, ""},
		{"no weeks", e.pat, practice.NewSchedule{CaseID: e.caseID, Instrument: "phq-9", Kind: practice.EveryWeeks}, certboard.Invalid, "every_weeks"},
		{"53 weeks", e.pat, practice.NewSchedule{CaseID: e.caseID, Instrument: "phq-9", Kind: practice.EveryWeeks, EveryWeeks: 53}, certboard.Invalid, "every_weeks"},
		{"no kind", e.pat, practice.NewSchedule{CaseID: e.caseID, Instrument: "phq-9"}, certboard.Invalid, "kind"},
		{"first in the past", e.pat, practice.NewSchedule{CaseID: e.caseID, Instrument: "phq-9", Kind: practice.EveryWeeks, EveryWeeks: 1,
			First: date.FromTime(e.clock.Now()).AddDays(-1)}, certboard.Invalid, "first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.p.AddSchedule(ctx, tc.by, tc.req)
			wantCode(t, err, tc.code, tc.field)
		})
	}
	s, err := e.p.AddSchedule(ctx, e.pat, practice.NewSchedule{CaseID: e.caseID, Instrument: "phq-9", Kind: practice.EveryWeeks, EveryWeeks: 2})
	if err != nil {
		t.Fatal(err)
	}
	if s.Describe() != "every 2 weeks" {
		t.Errorf("describe %q", s.Describe())
	}
	before := len(e.mails(t))
	send := func(want int) {
		t.Helper()
		n, err := e.p.SendDueMeasures(ctx)
		if err != nil || n != want {
			t.Fatalf("SendDueMeasures: %d, %v; want %d", n, err, want)
		}
	}
	send(1)
	send(0)
	e.clock.Advance(13 * 24 * time.Hour)
	send(0)
	e.clock.Advance(24 * time.Hour)
	send(1)
	ms := e.mails(t)[before:]
	if len(ms) != 2 || ms[0].To != "robin@example.org" || strings.Contains(ms[1].Body, "PHQ") {
		t.Fatalf("mails %+v", ms)
	}
	cl, err := e.p.CaseLinks(ctx, e.pat, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cl.Links) != 2 || cl.Links[0].ScheduleID != s.ID || len(cl.Schedules) != 1 {
		t.Fatalf("links %+v schedules %+v", cl.Links, cl.Schedules)
	}
	if want := e.clock.Now().Add(14 * 24 * time.Hour); !cl.Schedules[0].NextDue.Equal(want) {
		t.Errorf("next due %v, want %v", cl.Schedules[0].NextDue, want)
	}
	if _, err := e.p.StopSchedule(ctx, e.stranger, s.ID); certboard.ErrorCode(err) != certboard.NotFound {
		t.Fatalf("a stranger stopped it: %v", err)
	}
	if _, err := e.p.StopSchedule(ctx, e.sam, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.StopSchedule(ctx, e.sam, s.ID); certboard.ErrorCode(err) != certboard.Conflict {
		t.Fatalf("stopped twice: %v", err)
	}
	e.clock.Advance(30 * 24 * time.Hour)
	send(0)

	// A schedule whose practitioner leaves the client stops by itself.
	s2, err := e.p.AddSchedule(ctx, e.sam, practice.NewSchedule{CaseID: e.caseID, Instrument: "gad-7", Kind: practice.EveryWeeks, EveryWeeks: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.p.UnassignPractitioner(ctx, e.admin, e.clientID, e.sam.UserID); err != nil {
		t.Fatal(err)
	}
	send(0)
	cl, err = e.p.CaseLinks(ctx, e.pat, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Schedules[0].ID != s2.ID || cl.Schedules[0].Active {
		t.Fatalf("schedule %+v still active", cl.Schedules[0])
	}
}

func TestLinksBeforeSession(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	store := practicesql.ForPractice{Store: e.st}
	if _, err := e.p.AddSchedule(ctx, e.pat, practice.NewSchedule{CaseID: e.caseID, Instrument: "gad-7", Kind: practice.BeforeSession,
		EveryWeeks: 3}); certboard.ErrorCode(err) != certboard.Invalid {
		t.Fatalf("weeks before every session: %v", err)
	}
	s, err := e.p.AddSchedule(ctx, e.pat, practice.NewSchedule{CaseID: e.caseID, Instrument: "gad-7", Kind: practice.BeforeSession})
	if err != nil {
		t.Fatal(err)
	}
	// An every-N-weeks schedule is not sent before sessions.
	if _, err := e.p.AddSchedule(ctx, e.pat, practice.NewSchedule{CaseID: e.caseID, Instrument: "phq-9", Kind: practice.EveryWeeks, EveryWeeks: 4}); err != nil {
		t.Fatal(err)
	}
	before := len(e.mails(t))
	links := func(at time.Time) []string {
		t.Helper()
		var out []string
		if err := store.InTx(ctx, func(tx practice.Tx) error {
			var err error
			out, err = e.p.LinksBeforeSession(ctx, tx, e.clientID, at)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	session := e.clock.Now().Add(26 * time.Hour)
	got := links(session)
	if len(got) != 1 || !strings.HasPrefix(got[0], linkPrefix) {
		t.Fatalf("links %v", got)
	}
	if again := links(session); len(again) != 0 {
		t.Fatalf("the same session again: %v", again)
	}
	if n := len(e.mails(t)) - before; n != 0 {
		t.Fatalf("%d mails of its own; the reminder carries the link", n)
	}
	if _, err := e.p.OpenLink(ctx, strings.TrimPrefix(got[0], linkPrefix)); err != nil {
		t.Fatal(err)
	}
	cl, err := e.p.CaseLinks(ctx, e.pat, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if l := cl.Links[0]; l.ScheduleID != s.ID || !l.SessionAt.Equal(session) || !l.ExpiresAt.Equal(session.Add(practice.SessionLinkGrace)) {
		t.Fatalf("link %+v", l)
	}
	if next := links(session.Add(7 * 24 * time.Hour)); len(next) != 1 || next[0] == got[0] {
		t.Fatalf("next session %v", next)
	}
	// A session long past sends nothing.
	if past := links(e.clock.Now().Add(-3 * time.Hour)); past != nil {
		t.Fatalf("a past session: %v", past)
	}
	// Another client has no links.
	var other []string
	if err := store.InTx(ctx, func(tx practice.Tx) error {
		var err error
		other, err = e.p.LinksBeforeSession(ctx, tx, e.clientID+1, session)
		return err
	}); err != nil || other != nil {
		t.Fatalf("another client: %v, %v", other, err)
	}
}

// TestRemindersCarryMeasuresDue checks the wiring of the two: a session's
// reminder, sent with MeasuresBeforeSession as its hook, carries the link
// of the measure a "before every session" schedule has due, and that link
// opens the measure.
func TestRemindersCarryMeasuresDue(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	if _, err := e.p.AddSchedule(ctx, e.pat, practice.NewSchedule{CaseID: e.caseID, Instrument: "gad-7", Kind: practice.BeforeSession}); err != nil {
		t.Fatal(err)
	}
	// 11 hours ahead, in the practice's default time zone (UTC).
	if _, err := e.p.ScheduleSession(ctx, e.pat, e.caseID, practice.SessionInput{Date: "2027-03-04", Time: "20:00", Minutes: "50",
		Modality: "in_person", Kind: "individual", CPT: "90834", Fee: "120.00"}); err != nil {
		t.Fatal(err)
	}
	r, err := e.p.SendSessionReminders(ctx, e.p.MeasuresBeforeSession)
	if err != nil || r.Mailed != 1 {
		t.Fatalf("reminders: %+v, %v", r, err)
	}
	var body string
	for _, m := range e.mails(t) {
		if strings.HasPrefix(m.Subject, "Reminder:") {
			body = m.Body
		}
	}
	i := strings.Index(body, linkPrefix)
	if i < 0 {
		t.Fatalf("the reminder has no measure link:\n%s", body)
	}
	token, _, _ := strings.Cut(body[i+len(linkPrefix):], "\n")
	form, err := e.p.OpenLink(ctx, strings.TrimSpace(token))
	if err != nil {
		t.Fatalf("the reminder's link does not open: %v", err)
	}
	if len(form.Items) != 7 {
		t.Fatalf("the link opens %d items, want GAD-7's 7", len(form.Items))
	}
}
