package practice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
)

// answers makes answers from values, -1 for an item left blank.
func answers(vals ...int) []*int {
	out := make([]*int, len(vals))
	for i, v := range vals {
		if v >= 0 {
			out[i] = &v
		}
	}
	return out
}

// wantCode fails unless err carries the code (and, when field is not "",
// names the field).
func wantCode(t *testing.T, err error, code certboard.Code, field string) {
	t.Helper()
	e := certboard.As(err)
	if e == nil || e.Code != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if field != "" && e.Field != field {
		t.Fatalf("err names %q, want %q: %v", e.Field, field, err)
	}
}

// record records a response on the env's case at the clock's time.
func (e *measureEnv) record(t *testing.T, by practice.Actor, instrument string, vals ...int) *practice.ResponseOutcome {
	t.Helper()
	out, err := e.p.RecordResponse(context.Background(), by, practice.NewResponse{CaseID: e.caseID, Instrument: instrument,
		ResponseAnswers: practice.ResponseAnswers{Answers: answers(vals...), TakenAt: e.clock.Now()}})
	if err != nil {
		t.Fatalf("recording %s %v: %v", instrument, vals, err)
	}
	return out
}

// caseMeasures reads the env's case as its practitioner.
func (e *measureEnv) caseMeasures(t *testing.T) *practice.CaseMeasures {
	t.Helper()
	cm, err := e.p.CaseMeasures(context.Background(), e.pat, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

// actions returns the audit actions appended since from (a count of
// entries).
func actions(entries []audit.Entry, from int) []string {
	var out []string
	for _, en := range entries[from:] {
		out = append(out, en.Action)
	}
	return out
}

func TestRecordResponse(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		instrument string
		answers    []*int
		takenIn    time.Duration // from the clock's time
		status     practice.ResponseStatus
		code       certboard.Code // "" when recorded
		field      string
	}{
		{"all answered is scored", "phq-9", answers(1, 1, 1, 1, 1, 1, 1, 1, 0), 0, practice.Completed, "", ""},
		{"a blank keeps it in progress", "phq-9", answers(1, 1, 1, -1, 1, 1, 1, 1, 0), 0, practice.InProgress, "", ""},
		{"only the last answered", "gad-7", answers(-1, -1, -1, -1, -1, -1, 3), 0, practice.InProgress, "", ""},
		{"nothing answered", "gad-7", answers(-1, -1, -1, -1, -1, -1, -1), 0, "", certboard.Invalid, "answers"},
		{"an answer out of range", "phq-9", answers(1, 1, 1, 4, 1, 1, 1, 1, 0), 0, "", certboard.Invalid, "item 4"},
		{"an item left out", "phq-9", answers(1, 1, 1, 1, 1, 1, 1, 1), 0, "", certboard.Invalid, "answers"},
		{"taken in the future", "phq-9", answers(1, 1, 1, 1, 1, 1, 1, 1, 0), time.Hour, "", certboard.Invalid, "taken_at"},
		{"an unknown instrument", "phq-8", answers(1, 1, 1, 1, 1, 1, 1, 1), 0, "", certboard.Invalid, "instrument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newMeasureEnv(t)
			before := len(e.audits(t))
			out, err := e.p.RecordResponse(ctx, e.pat, practice.NewResponse{CaseID: e.caseID, Instrument: tc.instrument,
				ResponseAnswers: practice.ResponseAnswers{Answers: tc.answers, TakenAt: e.clock.Now().Add(tc.takenIn)}})
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				if n := len(e.caseMeasures(t).Responses); n != 0 {
					t.Errorf("%d responses stored after a refusal", n)
				}
				if got := actions(e.audits(t), before); slices.ContainsFunc(got, func(a string) bool { return strings.HasPrefix(a, "measure.") }) {
					t.Errorf("audited %v after a refusal", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := out.Response
			if r.Status != tc.status || r.EnteredBy != e.pat.UserID || r.CaseID != e.caseID || r.TextsRef != practice.ShippedTextsRef {
				t.Fatalf("response %+v", r)
			}
			switch tc.status {
			case practice.Completed:
				if r.Result == nil || r.Result.Total != 8 || r.Result.Band != "mild" || out.Escalation == nil || r.CompletedAt.IsZero() {
					t.Errorf("scored %+v, escalation %v", r.Result, out.Escalation)
				}
			case practice.InProgress:
				if r.Result != nil || out.Escalation != nil || !r.CompletedAt.IsZero() {
					t.Errorf("in progress but scored: %+v, %+v", r.Result, out.Escalation)
				}
				if len(e.caseMeasures(t).Series) != 0 {
					t.Error("a response in progress is charted")
				}
			}
			got := actions(e.audits(t), before)
			if len(got) == 0 || got[0] != "measure.record" {
				t.Errorf("audit %v, want measure.record first", got)
			}
		})
	}
}

func TestContinueResponse(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	first := e.record(t, e.pat, "gad-7", 1, -1, -1, 1, 1, 1, 1).Response
	if first.Status != practice.InProgress || first.Answered() != 5 {
		t.Fatalf("first save %+v", first)
	}
	more := practice.ResponseAnswers{Answers: answers(1, 2, -1, 1, 1, 1, 1), TakenAt: e.clock.Now()}
	second, err := e.p.ContinueResponse(ctx, e.pat, first.ID, first.Version, more)
	if err != nil {
		t.Fatal(err)
	}
	if second.Response.Status != practice.InProgress || second.Response.Version != first.Version+1 || second.Escalation != nil {
		t.Fatalf("second save %+v", second.Response)
	}
	_, err = e.p.ContinueResponse(ctx, e.pat, first.ID, first.Version, more)
	wantCode(t, err, certboard.Conflict, "")

	_, err = e.p.ContinueResponse(ctx, e.pat, first.ID, second.Response.Version,
		practice.ResponseAnswers{Answers: answers(1, 2, 9, 1, 1, 1, 1), TakenAt: e.clock.Now()})
	wantCode(t, err, certboard.Invalid, "item 3")

	done, err := e.p.ContinueResponse(ctx, e.pat, first.ID, second.Response.Version,
		practice.ResponseAnswers{Answers: answers(1, 2, 3, 1, 1, 1, 1), TakenAt: e.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if done.Response.Status != practice.Completed || done.Response.Result.Total != 10 || !done.Response.Result.Positive || done.Escalation == nil {
		t.Fatalf("completed %+v", done.Response)
	}
	if !done.Escalation.NeedsIntensiveTherapy {
		t.Error("a positive GAD-7 indicates anxiety, so Intensive Therapy")
	}
	// Once scored it never changes.
	_, err = e.p.ContinueResponse(ctx, e.pat, first.ID, done.Response.Version,
		practice.ResponseAnswers{Answers: answers(0, 0, 0, 0, 0, 0, 0), TakenAt: e.clock.Now()})
	wantCode(t, err, certboard.Conflict, "")
	// Another practitioner who is not assigned does not learn it exists.
	_, err = e.p.ContinueResponse(ctx, e.stranger, first.ID, done.Response.Version, more)
	wantCode(t, err, certboard.NotFound, "")
}

func TestCorrectResponse(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	wrong := e.record(t, e.pat, "phq-9", 3, 3, 3, 3, 0, 0, 0, 0, 0).Response // 12: positive
	if !wrong.Result.Positive {
		t.Fatal("expected a positive PHQ-9")
	}
	fixed := practice.ResponseAnswers{Answers: answers(1, 1, 1, 1, 0, 0, 0, 0, 0), TakenAt: e.clock.Now()}

	_, err := e.p.CorrectResponse(ctx, e.pat, wrong.ID, "typo", fixed)
	wantCode(t, err, certboard.Invalid, "reason")

	out, err := e.p.CorrectResponse(ctx, e.pat, wrong.ID, "Item 1 to 4 typed as 3 instead of 1", fixed)
	if err != nil {
		t.Fatal(err)
	}
	if out.Response.Corrects != wrong.ID || out.Response.Status != practice.Completed || out.Response.Result.Total != 4 {
		t.Fatalf("correction %+v", out.Response)
	}
	if out.Escalation == nil || out.Escalation.NeedsIntensiveTherapy {
		t.Errorf("after the correction the case needs no Intensive Therapy: %+v", out.Escalation)
	}
	v, err := e.p.Response(ctx, e.pat, wrong.ID)
	if err != nil {
		t.Fatal(err)
	}
	old := v.Response
	if old.Status != practice.EnteredInError || old.CorrectedBy != out.Response.ID || old.Error == nil ||
		old.Error.Reason != "Item 1 to 4 typed as 3 instead of 1" || old.Result == nil || old.Result.Total != 12 {
		t.Fatalf("the original %+v: want kept, marked, linked, its score unchanged", old)
	}
	cm := e.caseMeasures(t)
	if len(cm.Responses) != 2 || len(cm.Series) != 1 || len(cm.Series[0].Points) != 1 || cm.Series[0].Points[0].Response != out.Response.ID {
		t.Errorf("case measures %+v: the chart keeps only the correction", cm.Series)
	}
	if cm.Escalation == nil || cm.Escalation.ID != out.Escalation.ID {
		t.Errorf("latest escalation %+v, want the correction's", cm.Escalation)
	}
	_, err = e.p.CorrectResponse(ctx, e.pat, wrong.ID, "Corrected once already", fixed)
	wantCode(t, err, certboard.Conflict, "")
	_, err = e.p.MarkEnteredInError(ctx, e.pat, wrong.ID, "Marked once already")
	wantCode(t, err, certboard.Conflict, "")

	inProgress := e.record(t, e.pat, "gad-7", 1, -1, 1, 1, 1, 1, 1).Response
	_, err = e.p.CorrectResponse(ctx, e.pat, inProgress.ID, "Still being answered", fixed)
	wantCode(t, err, certboard.Conflict, "")
}

func TestMarkEnteredInError(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	positive := e.record(t, e.pat, "gad-7", 2, 2, 2, 2, 2, 0, 0)
	if !positive.Escalation.NeedsIntensiveTherapy {
		t.Fatal("a positive GAD-7 should call for Intensive Therapy")
	}
	before := len(e.audits(t))
	_, err := e.p.MarkEnteredInError(ctx, e.pat, positive.Response.ID, "  ")
	wantCode(t, err, certboard.Invalid, "reason")
	_, err = e.p.MarkEnteredInError(ctx, e.stranger, positive.Response.ID, "Not this client's answers")
	wantCode(t, err, certboard.NotFound, "")
	// Nothing is written but the refused change's own entry.
	if got := actions(e.audits(t), before); len(got) != 1 || got[0] != practice.ClientChangeDenied {
		t.Fatalf("refusals audited as %v, want only the stranger's %s", got, practice.ClientChangeDenied)
	}
	out, err := e.p.MarkEnteredInError(ctx, e.pat, positive.Response.ID, "Not this client's answers")
	if err != nil {
		t.Fatal(err)
	}
	if out.Response.Status != practice.EnteredInError || out.Escalation == nil || out.Escalation.NeedsIntensiveTherapy ||
		out.Escalation.Trigger != practice.TriggerEnteredInError {
		t.Fatalf("marked %+v, escalation %+v", out.Response, out.Escalation)
	}
	if got := actions(e.audits(t), before+1); !slices.Equal(got, []string{"measure.entered_in_error", "measure.escalation"}) {
		t.Errorf("audit %v", got)
	}
	if len(e.caseMeasures(t).Series) != 0 {
		t.Error("a response entered in error is charted")
	}

	// A response in progress can be withdrawn too; nothing is evaluated.
	open := e.record(t, e.pat, "phq-9", 1, -1, 1, 1, 1, 1, 1, 1, 0).Response
	out, err = e.p.MarkEnteredInError(ctx, e.pat, open.ID, "Started on the wrong client")
	if err != nil {
		t.Fatal(err)
	}
	if out.Response.Status != practice.EnteredInError || out.Escalation != nil {
		t.Errorf("withdrawn in progress %+v, %+v", out.Response, out.Escalation)
	}
	_, err = e.p.ContinueResponse(ctx, e.pat, open.ID, open.Version, practice.ResponseAnswers{Answers: answers(1, 1, 1, 1, 1, 1, 1, 1, 0), TakenAt: e.clock.Now()})
	wantCode(t, err, certboard.Conflict, "")
}

func TestEscalationKept(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		instrument string
		vals       []int
		fired      []string // the rules that fire
		comorbid   string   // "" for none
	}{
		{"PHQ-9 positive", "phq-9", []int{2, 2, 2, 2, 2, 0, 0, 0, 0}, []string{"phq9-depression", "comorbidity-intensive-therapy"}, "depression"},
		{"PHQ-9 at 9 is not", "phq-9", []int{2, 2, 2, 2, 1, 0, 0, 0, 0}, nil, ""},
		{"GAD-7 positive", "gad-7", []int{3, 3, 3, 1, 0, 0, 0}, []string{"gad7-anxiety", "comorbidity-intensive-therapy"}, "anxiety"},
		{"AUDIT zone III", "audit", []int{4, 4, 4, 0, 0, 0, 4, 0, 0, 0}, []string{"audit-substance-use", "comorbidity-intensive-therapy"}, "substance_use"},
		{"AUDIT zone II", "audit", []int{4, 4, 4, 0, 0, 0, 3, 0, 0, 0}, nil, ""},
		{"AUDIT-C positive without sex", "audit-c", []int{1, 1, 1}, []string{"auditc-substance-use", "comorbidity-intensive-therapy"}, "substance_use"},
		{"AUDIT-C at 2", "audit-c", []int{1, 1, 0}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newMeasureEnv(t)
			out := e.record(t, e.pat, tc.instrument, tc.vals...)
			v, err := e.p.Response(ctx, e.pat, out.Response.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Escalations) != 1 || v.Escalations[0].ID != out.Escalation.ID {
				t.Fatalf("escalations kept for the response: %+v", v.Escalations)
			}
			rec := v.Escalations[0]
			if rec.RulesVersion != "1" || rec.Trigger != practice.TriggerScored || rec.Response != out.Response.ID || rec.CaseID != e.caseID {
				t.Errorf("record %+v", rec)
			}
			var fired []string
			for _, r := range rec.Explanation.Fired() {
				fired = append(fired, r.Rule)
			}
			if !slices.Equal(fired, tc.fired) {
				t.Errorf("fired %v, want %v", fired, tc.fired)
			}
			if rec.NeedsIntensiveTherapy != (tc.comorbid != "") {
				t.Errorf("needs Intensive Therapy = %v", rec.NeedsIntensiveTherapy)
			}
			for _, r := range rec.Explanation.Rules {
				if r.Says == "" || r.Source == "" || r.Why == "" {
					t.Errorf("rule %s unexplained: %+v", r.Rule, r)
				}
				if r.Fired && r.Rule != "comorbidity-intensive-therapy" {
					if r.Measure == nil || r.Measure.Response != out.Response.Ref() || r.Measure.Total != out.Response.Result.Total {
						t.Errorf("rule %s fired on %+v, want response %d's total", r.Rule, r.Measure, out.Response.ID)
					}
				}
			}
			if tc.comorbid != "" {
				if len(rec.Explanation.Comorbidities) != 1 || string(rec.Explanation.Comorbidities[0].Kind) != tc.comorbid {
					t.Errorf("comorbidities %+v", rec.Explanation.Comorbidities)
				}
			}
		})
	}
}

func TestSafetyTask(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	today := date.FromTime(e.clock.Now().UTC())
	out := e.record(t, e.pat, "phq-9", 0, 0, 0, 0, 0, 0, 0, 0, 1) // total 1, self-harm flag
	if len(out.SafetyTasks) != 1 {
		t.Fatalf("tasks opened %+v, want one", out.SafetyTasks)
	}
	task := out.SafetyTasks[0]
	if task.Practitioner != e.pat.UserID || task.Response != out.Response.ID || task.Due != today || task.Rule != "phq9-self-harm" ||
		!strings.Contains(task.Why, "self-harm") {
		t.Fatalf("task %+v", task)
	}
	if !slices.Contains(actions(e.audits(t), 0), "safety.open") {
		t.Error("opening the task is not audited")
	}

	// Evaluated again (another measure scored), the same response opens
	// no second task.
	again := e.record(t, e.pat, "gad-7", 0, 0, 0, 0, 0, 0, 0)
	if len(again.SafetyTasks) != 0 || len(again.Escalation.Explanation.SafetyTasks) != 1 {
		t.Fatalf("re-evaluation opened %+v", again.SafetyTasks)
	}
	open, err := e.p.OpenSafetyTasks(ctx, e.pat)
	if err != nil || len(open) != 1 || open[0].ID != task.ID {
		t.Fatalf("open tasks %+v, %v", open, err)
	}
	if other, _ := e.p.OpenSafetyTasks(ctx, e.sam); len(other) != 1 || other[0].ID != task.ID {
		t.Errorf("the home page of Sam, also assigned to the client, lists %+v", other)
	}
	if other, _ := e.p.OpenSafetyTasks(ctx, e.stranger); len(other) != 0 {
		t.Errorf("the home page of a practitioner not assigned to the client lists %+v", other)
	}

	// It stays, overdue, until resolved.
	e.clock.Advance(36 * time.Hour)
	open, _ = e.p.OpenSafetyTasks(ctx, e.pat)
	if len(open) != 1 || !open[0].Overdue(date.FromTime(e.clock.Now().UTC())) {
		t.Fatalf("the next day: %+v, want the task, overdue", open)
	}
	_, err = e.p.ResolveSafetyTask(ctx, e.pat, task.ID, "")
	wantCode(t, err, certboard.Invalid, "action")
	_, err = e.p.ResolveSafetyTask(ctx, e.stranger, task.ID, "Called the client, safety plan agreed")
	wantCode(t, err, certboard.NotFound, "")
	if open, _ = e.p.OpenSafetyTasks(ctx, e.pat); len(open) != 1 {
		t.Fatal("a refused resolution closed the task")
	}
	done, err := e.p.ResolveSafetyTask(ctx, e.pat, task.ID, "Called the client at 10:00; safety plan agreed, GP informed")
	if err != nil {
		t.Fatal(err)
	}
	if done.Open() || done.Resolution.By != e.pat.UserID || done.Resolution.Action != "Called the client at 10:00; safety plan agreed, GP informed" {
		t.Errorf("resolved %+v", done)
	}
	if open, _ = e.p.OpenSafetyTasks(ctx, e.pat); len(open) != 0 {
		t.Errorf("resolved task still listed: %+v", open)
	}
	_, err = e.p.ResolveSafetyTask(ctx, e.pat, task.ID, "Called the client again the next day")
	wantCode(t, err, certboard.Conflict, "")
	resolves := 0
	for _, en := range e.audits(t) {
		if en.Action == "safety.resolve" {
			resolves++
			if strings.Contains(en.After, "safety plan") || en.Subject != practice.ClientSubject(e.clientID) {
				t.Errorf("resolution audited as %+v: want the client, without the action's text", en)
			}
		}
	}
	if resolves != 1 {
		t.Errorf("%d resolutions audited, want 1", resolves)
	}

	// A later flagged PHQ-9 opens a task of its own.
	next := e.record(t, e.pat, "phq-9", 0, 0, 0, 0, 0, 0, 0, 0, 2)
	if len(next.SafetyTasks) != 1 || next.SafetyTasks[0].Response != next.Response.ID {
		t.Errorf("a new flagged response opened %+v", next.SafetyTasks)
	}
	cm := e.caseMeasures(t)
	if len(cm.SafetyTasks) != 2 {
		t.Errorf("case tasks %+v", cm.SafetyTasks)
	}
}

// asexFile is an ASEX item-text file with placeholder wording.
func asexFile() []byte {
	var b strings.Builder
	b.WriteString("instrument: asex\nsource: Licensed copy, test\nlead_in: \"Instructions\"\nitems:\n")
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, "  - number: %d\n    text: \"Item %d\"\n    answers:\n", i, i)
		for v := 1; v <= 6; v++ {
			fmt.Fprintf(&b, "      - {value: %d, label: \"Label %d\"}\n", v, v)
		}
	}
	return []byte(b.String())
}

func TestLicensedInstrument(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	viewOf := func() practice.InstrumentView {
		t.Helper()
		all, err := e.p.Instruments(ctx, e.pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range all {
			if v.Instrument.ID == "asex" {
				return v
			}
		}
		t.Fatal("no asex")
		return practice.InstrumentView{}
	}
	v := viewOf()
	if v.Usable() || v.Setting.Enabled || v.Texts != nil || v.Setting.Version != 0 {
		t.Fatalf("ASEX before any setting: %+v", v)
	}
	asex := practice.NewResponse{CaseID: e.caseID, Instrument: "asex",
		ResponseAnswers: practice.ResponseAnswers{Answers: answers(3, 3, 3, 3, 3), TakenAt: e.clock.Now()}}
	_, err := e.p.RecordResponse(ctx, e.pat, asex)
	wantCode(t, err, certboard.Conflict, "")
	_, err = e.p.SetInstrumentEnabled(ctx, e.admin, "asex", true, 0)
	wantCode(t, err, certboard.Conflict, "")

	// Permission first: only an admin, with a statement, audited.
	_, err = e.p.ImportTexts(ctx, e.admin, "asex", asexFile())
	wantCode(t, err, certboard.Conflict, "")
	_, err = e.p.ConfirmPermission(ctx, e.pat, "asex", "We hold a licence from the Arizona Board of Regents", 0)
	wantCode(t, err, certboard.Forbidden, "")
	_, err = e.p.ConfirmPermission(ctx, e.admin, "asex", "We have it", 0)
	wantCode(t, err, certboard.Invalid, "statement")
	_, err = e.p.ConfirmPermission(ctx, e.admin, "phq-9", "We hold a licence from the Arizona Board of Regents", 0)
	wantCode(t, err, certboard.Invalid, "instrument")
	statement := "Licence 2027-114 from the Arizona Board of Regents, signed 2027-01-15"
	before := len(e.audits(t))
	ver, err := e.p.ConfirmPermission(ctx, e.admin, "asex", statement, 0)
	if err != nil {
		t.Fatal(err)
	}
	entries := e.audits(t)
	if len(entries) != before+1 || entries[before].Action != "measure.permission.confirm" || entries[before].Subject != "instrument:asex" ||
		!strings.Contains(entries[before].After, statement) || entries[before].Actor != e.admin.AuditName() {
		t.Fatalf("audit of the confirmation %+v", entries[before:])
	}
	_, err = e.p.ConfirmPermission(ctx, e.admin, "asex", statement, 0)
	wantCode(t, err, certboard.Conflict, "")

	// Then the texts: a bad file stores nothing.
	_, err = e.p.ImportTexts(ctx, e.admin, "asex", []byte("instrument: asex\nitems: []\n"))
	wantCode(t, err, certboard.Invalid, "")
	if viewOf().Texts != nil {
		t.Fatal("a refused file was stored")
	}
	_, err = e.p.ImportTexts(ctx, e.pat, "asex", asexFile())
	wantCode(t, err, certboard.Forbidden, "")
	imp, err := e.p.ImportTexts(ctx, e.admin, "asex", asexFile())
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Texts.Items) != 5 || imp.By != e.admin.UserID {
		t.Fatalf("import %+v", imp)
	}
	v = viewOf()
	if v.Texts == nil || v.TextsRef != practice.ImportRef(imp.ID) || v.Setting.Permission == nil || v.Setting.Permission.Statement != statement {
		t.Fatalf("after the import %+v", v)
	}
	if _, err = e.p.SetInstrumentEnabled(ctx, e.admin, "asex", true, ver); err != nil {
		t.Fatal(err)
	}
	out, err := e.p.RecordResponse(ctx, e.pat, asex)
	if err != nil {
		t.Fatal(err)
	}
	if out.Response.TextsRef != practice.ImportRef(imp.ID) || out.Response.Result.Total != 15 {
		t.Errorf("ASEX response %+v", out.Response)
	}
	rv, err := e.p.Response(ctx, e.pat, out.Response.ID)
	if err != nil || rv.Texts.Items[0].Text != "Item 1" {
		t.Errorf("response view texts %+v, %v", rv, err)
	}

	// A free instrument disabled cannot be used.
	if _, err := e.p.SetInstrumentEnabled(ctx, e.admin, "phq-9", false, 0); err != nil {
		t.Fatal(err)
	}
	_, err = e.p.RecordResponse(ctx, e.pat, practice.NewResponse{CaseID: e.caseID, Instrument: "phq-9",
		ResponseAnswers: practice.ResponseAnswers{Answers: answers(0, 0, 0, 0, 0, 0, 0, 0, 0), TakenAt: e.clock.Now()}})
	wantCode(t, err, certboard.Conflict, "")
}

func TestMeasuresAccess(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	r := e.record(t, e.pat, "phq-9", 1, 1, 1, 1, 1, 1, 1, 1, 0).Response
	phq := practice.NewResponse{CaseID: e.caseID, Instrument: "phq-9",
		ResponseAnswers: practice.ResponseAnswers{Answers: answers(0, 0, 0, 0, 0, 0, 0, 0, 0), TakenAt: e.clock.Now()}}

	_, err := e.p.RecordResponse(ctx, e.stranger, phq)
	wantCode(t, err, certboard.NotFound, "")
	_, err = e.p.RecordResponse(ctx, e.admin, phq)
	wantCode(t, err, certboard.Forbidden, "")
	_, err = e.p.CaseMeasures(ctx, e.stranger, e.caseID)
	wantCode(t, err, certboard.NotFound, "")
	_, err = e.p.CaseMeasures(ctx, e.admin, e.caseID)
	wantCode(t, err, certboard.Forbidden, "")
	_, err = e.p.Response(ctx, e.stranger, r.ID)
	wantCode(t, err, certboard.NotFound, "")
	_, err = e.p.Response(ctx, e.pat, r.ID+100)
	wantCode(t, err, certboard.NotFound, "")

	// Every read of the record is audited, without clinical values.
	before := len(e.audits(t))
	if _, err := e.p.Response(ctx, e.pat, r.ID); err != nil {
		t.Fatal(err)
	}
	e.caseMeasures(t)
	entries := e.audits(t)[before:]
	if len(entries) != 2 {
		t.Fatalf("reads audited as %+v", entries)
	}
	for i, what := range []string{fmt.Sprintf("measure:response:%d", r.ID), fmt.Sprintf("case:%d:measures", e.caseID)} {
		var after map[string]any
		if err := json.Unmarshal([]byte(entries[i].After), &after); err != nil {
			t.Fatal(err)
		}
		if entries[i].Action != practice.ClientRead || entries[i].Subject != practice.ClientSubject(e.clientID) || after["what"] != what {
			t.Errorf("read %d audited as %+v", i, entries[i])
		}
	}
	for _, en := range e.audits(t) {
		if strings.Contains(en.After, "total") || strings.Contains(en.After, "self-harm") {
			t.Errorf("audit entry %s holds a clinical value: %s", en.Action, en.After)
		}
	}
}

// TestEscalationSeesRecordedComorbidities: a comorbidity recorded by hand
// on the case counts when a measure is scored, with where it came from.
func TestEscalationSeesRecordedComorbidities(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	if _, err := e.p.RecordComorbidity(ctx, e.pat, e.caseID, practice.ComorbidityInput{Kind: "personality_disorder",
		Source: "diagnosis", Note: "Diagnosed by the referring psychiatrist"}); err != nil {
		t.Fatal(err)
	}
	out := e.record(t, e.pat, "gad-7", 0, 0, 0, 0, 0, 0, 0)
	rec := out.Escalation
	if !rec.NeedsIntensiveTherapy || len(rec.Explanation.Comorbidities) != 1 || rec.Explanation.Comorbidities[0].Kind != "personality_disorder" {
		t.Fatalf("escalation %+v: want Intensive Therapy for the recorded personality disorder", rec.Explanation)
	}
	if from := rec.Explanation.Comorbidities[0].From; len(from) != 1 || !strings.Contains(from[0], "Diagnosed by the referring psychiatrist") {
		t.Errorf("the comorbidity came from %v", from)
	}
}

// TestClosedCase: a response is recorded, and one in progress completed,
// on an open case only.
func TestClosedCase(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	pending := e.record(t, e.pat, "gad-7", 1, -1, -1, 1, 1, 1, 1).Response
	rep, err := e.p.CaseReport(ctx, e.pat, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.CloseCase(ctx, e.pat, e.caseID, "Goals met; the client ended therapy", rep.Case.Version); err != nil {
		t.Fatal(err)
	}
	_, err = e.p.RecordResponse(ctx, e.pat, practice.NewResponse{CaseID: e.caseID, Instrument: "phq-9",
		ResponseAnswers: practice.ResponseAnswers{Answers: answers(0, 0, 0, 0, 0, 0, 0, 0, 0), TakenAt: e.clock.Now()}})
	wantCode(t, err, certboard.Conflict, "")
	_, err = e.p.ContinueResponse(ctx, e.pat, pending.ID, pending.Version,
		practice.ResponseAnswers{Answers: answers(1, 2, 3, 1, 1, 1, 1), TakenAt: e.clock.Now()})
	wantCode(t, err, certboard.Conflict, "")
	if !strings.Contains(certboard.ErrorMessage(err), "closed") {
		t.Errorf("the refusal does not say the case is closed: %v", err)
	}
	if r, err := e.p.Response(ctx, e.pat, pending.ID); err != nil || r.Response.Status != practice.InProgress || r.Response.Version != pending.Version {
		t.Errorf("the response after a refused continuation: %+v %v", r, err)
	}
	// Its measures can still be read.
	if _, err := e.p.CaseMeasures(ctx, e.pat, e.caseID); err != nil {
		t.Fatal(err)
	}
}

// TestSafetyTaskOutlivesItsRecorder: a safety task belongs to the
// client's practitioners, not to the one who recorded the response: once
// the recorder is unassigned, the task leaves their home page and stays on
// the other practitioner's, who resolves it.
func TestSafetyTaskOutlivesItsRecorder(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	task := e.record(t, e.pat, "phq-9", 0, 0, 0, 0, 0, 0, 0, 0, 1).SafetyTasks[0]
	if err := e.p.UnassignPractitioner(ctx, e.admin, e.clientID, e.pat.UserID); err != nil {
		t.Fatal(err)
	}
	if open, err := e.p.OpenSafetyTasks(ctx, e.pat); err != nil || len(open) != 0 {
		t.Errorf("the unassigned recorder's home page lists %+v, %v", open, err)
	}
	open, err := e.p.OpenSafetyTasks(ctx, e.sam)
	if err != nil || len(open) != 1 || open[0].ID != task.ID {
		t.Fatalf("the other practitioner's home page lists %+v, %v; want the task", open, err)
	}
	_, err = e.p.ResolveSafetyTask(ctx, e.pat, task.ID, "Tried to call the client after being unassigned")
	wantCode(t, err, certboard.NotFound, "")
	done, err := e.p.ResolveSafetyTask(ctx, e.sam, task.ID, "Called the client at 15:00; safety plan agreed with Sam")
	if err != nil {
		t.Fatal(err)
	}
	if done.Open() || done.Resolution.By != e.sam.UserID {
		t.Errorf("resolved %+v", done)
	}
	if open, _ := e.p.OpenSafetyTasks(ctx, e.sam); len(open) != 0 {
		t.Errorf("resolved task still listed: %+v", open)
	}
}
