package practice_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/plissit"
)

// caseWantCode fails the test unless err has the code want ("" for nil).
func caseWantCode(t *testing.T, err error, want certboard.Code) {
	t.Helper()
	if got := certboard.ErrorCode(err); got != want {
		t.Fatalf("got %v (code %q), want code %q", err, got, want)
	}
}

// caseWantField fails the test unless err is Invalid and names field.
func caseWantField(t *testing.T, err error, field string) {
	t.Helper()
	e := certboard.As(err)
	if e == nil || e.Code != certboard.Invalid {
		t.Fatalf("got %v, want Invalid naming %q", err, field)
	}
	if _, ok := e.Fields[field]; e.Field != field && !ok {
		t.Fatalf("%q names %q (fields %v), want %q", e.Message, e.Field, e.Fields, field)
	}
	if !strings.Contains(e.Message, field+": ") {
		t.Errorf("message %q does not name %q", e.Message, field)
	}
}

// caseErectile is a diagnosis the tests record.
var caseErectile = concern.Diagnosis{Concern: "erectile-disorder",
	Specifiers: concern.Specifiers{Onset: concern.Acquired, Context: concern.Situational, Severity: concern.Mild}}

// caseFullHistory is a sexual history with all four steps done.
func caseFullHistory() plissit.SexualHistory {
	return plissit.SexualHistory{
		Issues: plissit.Issues{Concerns: []plissit.Concern{{ConcernID: "erectile-disorder", Description: "loses erections with a new partner"}}},
		Evolution: plissit.Evolution{Onset: plissit.Onset{Date: date.MustParse("2025-03-01")}, Course: "worse since the summer",
			Context: "new job, new relationship", Acquisition: plissit.Acquired, Generality: plissit.Situational},
		Understanding: plissit.Understanding{Client: "worry about performance", Options: "sensate focus, medical check"},
		Plan:          plissit.Plan{Sources: "stress and worry", Goals: []string{"erections with partner"}, Plan: "weekly sessions for six weeks"},
	}
}

func TestOpenCaseAndReport(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id, err := w.p.OpenCase(ctx, w.alice, w.client, practice.NewCase{Reason: "first session: client raised erections", Concerns: []concern.Diagnosis{caseErectile}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Case
	if c.ClientID != w.client || c.Stage != plissit.Permission || !c.Open() || c.PractitionerID != w.alice.UserID || c.Version != 1 ||
		!c.OpenedAt.Equal(w.now()) {
		t.Errorf("case %+v", c)
	}
	if len(rep.History) != 1 || rep.History[0].Move.From != "" || rep.History[0].Move.To != plissit.Permission ||
		rep.History[0].Move.Reason != "first session: client raised erections" || rep.History[0].ByName != w.alice.Name {
		t.Errorf("history %+v", rep.History)
	}
	if len(rep.Concerns) != 1 || !rep.Concerns[0].Known || rep.Concerns[0].Codes.ICD11[0].Code != "HA01.13" ||
		rep.Concerns[0].Codes.ICD10CM[0].Code != "F52.21" || rep.Concerns[0].Taxonomy != concern.Default().Version() {
		t.Errorf("concerns %+v", rep.Concerns)
	}
	if rep.Escalation.NeedsIntensiveTherapy || len(rep.Escalation.Outcomes) == 0 {
		t.Errorf("escalation of a case without comorbidity: %+v", rep.Escalation)
	}
	if rep.IntensiveTherapy || !strings.Contains(rep.Scope, "Refer") {
		t.Errorf("a practitioner without a credential: %v, %q", rep.IntensiveTherapy, rep.Scope)
	}
	if rep.SexualHistory != nil || rep.HistoryDone || rep.Steps[0].Done || rep.TreatmentPlan != nil {
		t.Errorf("records of a new case: %+v", rep)
	}
	w.wantAudit(t, "case.open", "client.read")

	list, err := w.p.ClientCases(ctx, w.alice, w.client)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Case.ID != id || !slices.Equal(list[0].Concerns, []string{rep.Concerns[0].Concern.Name}) {
		t.Errorf("client's cases %+v", list)
	}
}

// TestCaseAccess: only the client's practitioners reach a case; anyone
// else is told it does not exist, and a practice admin reads it only
// through emergency access, never changes it.
func TestCaseAccess(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id := w.openCase(t)
	for _, tc := range []struct {
		name string
		by   practice.Actor
		want certboard.Code
	}{
		{"assigned practitioner", w.alice, ""},
		{"another practitioner", w.bob, certboard.NotFound},
		{"admin without emergency access", w.admin, certboard.Forbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.p.CaseReport(ctx, tc.by, id)
			caseWantCode(t, err, tc.want)
			_, err = w.p.ClientCases(ctx, tc.by, w.client)
			caseWantCode(t, err, tc.want)
			_, err = w.p.MoveCaseStage(ctx, tc.by, id, practice.MoveCase{To: "limited_information", Reason: "myths", Version: 1})
			if tc.want == "" {
				caseWantCode(t, err, "")
				return
			}
			caseWantCode(t, err, tc.want)
			_, err = w.p.RecordComorbidity(ctx, tc.by, id, practice.ComorbidityInput{Kind: "depression", Source: "judgement"})
			caseWantCode(t, err, tc.want)
			_, err = w.p.RecordReferral(ctx, tc.by, id, practice.ReferralInput{To: practice.ReferralTo{Name: "N", Contact: "C"}, Why: "w", Consent: "no"})
			caseWantCode(t, err, tc.want)
			_, err = w.p.SaveSexualHistory(ctx, tc.by, id, caseFullHistory(), 0)
			caseWantCode(t, err, tc.want)
		})
	}
	if _, err := w.p.CaseReport(ctx, w.alice, id+1000); certboard.ErrorCode(err) != certboard.NotFound {
		t.Errorf("a case that does not exist: %v", err)
	}
	w.emergency(t, w.admin, w.client)
	if _, err := w.p.CaseReport(ctx, w.admin, id); err != nil {
		t.Errorf("admin with emergency access: %v", err)
	}
	_, err := w.p.CloseCase(ctx, w.admin, id, "not theirs to close", 2)
	caseWantCode(t, err, certboard.Forbidden)
}

// TestCaseMoveToIntensiveTherapyRefused: a practitioner whose scope does not
// include Intensive Therapy is refused with the scope's reason and offered
// a referral, and nothing is written; the referral is then recorded.
func TestCaseMoveToIntensiveTherapyRefused(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id := w.openCase(t)
	v := w.move(t, id, "specific_suggestions", 1)
	if _, err := w.p.SaveSexualHistory(ctx, w.alice, id, caseFullHistory(), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.RecordComorbidity(ctx, w.alice, id, practice.ComorbidityInput{Kind: "depression", Source: "judgement", Note: "low mood for months"}); err != nil {
		t.Fatal(err)
	}
	before := w.auditCount(t)
	_, err := w.p.MoveCaseStage(ctx, w.alice, id, practice.MoveCase{To: "intensive_therapy", Reason: "depression with the concern", Version: v})
	caseWantCode(t, err, certboard.Forbidden)
	if !practice.OffersReferral(err) || practice.ReferralStage(err) != plissit.IntensiveTherapy {
		t.Errorf("the refusal offers no referral: %#v", certboard.As(err))
	}
	msg := certboard.ErrorMessage(err)
	for _, s := range []string{"Intensive Therapy", "credential", "referral"} {
		if !strings.Contains(msg, s) {
			t.Errorf("%q does not say %q", msg, s)
		}
	}
	if w.auditCount(t) != before {
		t.Error("a refused move wrote to the audit log")
	}
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Case.Stage != plissit.SpecificSuggestions || rep.Case.Version != v || len(rep.History) != 2 {
		t.Errorf("the refused move changed the case: %+v, %d moves", rep.Case, len(rep.History))
	}
	if !rep.Escalation.NeedsIntensiveTherapy || len(rep.Escalation.IntensiveTherapyReasons) != 1 ||
		rep.Escalation.IntensiveTherapyReasons[0].Rule != "comorbidity-intensive-therapy" {
		t.Errorf("escalation: %+v", rep.Escalation)
	}

	rid, err := w.p.RecordReferral(ctx, w.alice, id, practice.ReferralInput{
		To:  practice.ReferralTo{Name: "Dr Ines Ortiz", Organisation: "Harbour Sex Therapy", Contact: "+1 555 0100", RegistryURL: "https://board.example/registry/42"},
		Why: "depression coexists with the caseErectile concern; Intensive Therapy is outside my scope", Consent: "yes",
		Shared: []string{"the sexual history", "PHQ-9 results"},
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Referrals) != 1 {
		t.Fatalf("referrals %+v", rep.Referrals)
	}
	r := rep.Referrals[0]
	if r.ID != rid || r.Stage != plissit.IntensiveTherapy || r.Consent != practice.ConsentGiven || len(r.Shared) != 2 ||
		r.Status != practice.ReferralSent || r.MadeBy != w.alice.UserID || r.To.Name != "Dr Ines Ortiz" {
		t.Errorf("referral %+v", r)
	}
	w.wantAudit(t, "case.referral", "client.read")

	next, err := w.p.SetReferralStatus(ctx, w.alice, id, rid, "accepted", 1)
	if err != nil || next != 2 {
		t.Fatalf("accepted: %d, %v", next, err)
	}
	_, err = w.p.SetReferralStatus(ctx, w.alice, id, rid, "completed", 1)
	caseWantCode(t, err, certboard.Conflict)
	_, err = w.p.SetReferralStatus(ctx, w.alice, id, rid, "sent", 2)
	caseWantCode(t, err, certboard.Conflict)
	if _, err := w.p.SetReferralStatus(ctx, w.alice, id, rid, "completed", 2); err != nil {
		t.Fatal(err)
	}
	_, err = w.p.SetReferralStatus(ctx, w.alice, id, rid, "withdrawn", 3)
	caseWantCode(t, err, certboard.Conflict)
}

// TestCaseStageHistoryInOrder: every move is kept, oldest first, with who,
// when and why; a move from an old version is a Conflict and writes
// nothing.
func TestCaseStageHistoryInOrder(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id := w.openCase(t)
	steps := []struct{ to, why string }{
		{"limited_information", "myths about ageing"},
		{"specific_suggestions", "history to take"},
		{"limited_information", "client wants information only\nfor now"},
	}
	v := 1
	for i, s := range steps {
		w.advance(time.Hour)
		var err error
		if v, err = w.p.MoveCaseStage(ctx, w.alice, id, practice.MoveCase{To: s.to, Reason: s.why, Version: v}); err != nil {
			t.Fatalf("move %d: %v", i+1, err)
		}
	}
	_, err := w.p.MoveCaseStage(ctx, w.alice, id, practice.MoveCase{To: "permission", Reason: "stale", Version: v - 1})
	caseWantCode(t, err, certboard.Conflict)
	_, err = w.p.MoveCaseStage(ctx, w.alice, id, practice.MoveCase{To: "limited_information", Reason: "already there", Version: v})
	caseWantCode(t, err, certboard.Conflict)
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.History) != 4 {
		t.Fatalf("history %+v", rep.History)
	}
	from := plissit.Permission
	for i, s := range steps {
		m := rep.History[i+1]
		if m.Seq != i+2 || m.Move.From != from || string(m.Move.To) != s.to || m.Move.Reason != s.why || m.Move.By != w.alice.UserID ||
			!m.Move.At.After(rep.History[i].Move.At) {
			t.Errorf("move %d: %+v", i+2, m)
		}
		from = m.Move.To
	}
	if rep.Case.Stage != plissit.LimitedInformation || rep.Case.Version != v {
		t.Errorf("case %+v", rep.Case)
	}
}

// TestCaseBadInputNamesTheField: each use case refuses bad input with an
// Invalid error naming the field, and writes nothing.
func TestCaseBadInputNamesTheField(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id := w.openCase(t)
	for _, tc := range []struct {
		name, field string
		call        func() error
	}{
		{"open: a specifier the concern does not take", "concerns.0.specifiers.context", func() error {
			_, err := w.p.OpenCase(ctx, w.alice, w.client, practice.NewCase{Reason: "r", Concerns: []concern.Diagnosis{
				{Concern: "genito-pelvic-pain", Specifiers: concern.Specifiers{Context: concern.Generalised}}}})
			return err
		}},
		{"open: no reason", "reason", func() error {
			_, err := w.p.OpenCase(ctx, w.alice, w.client, practice.NewCase{})
			return err
		}},
		{"open: an unknown stage", "stage", func() error {
			_, err := w.p.OpenCase(ctx, w.alice, w.client, practice.NewCase{Stage: "therapy", Reason: "r"})
			return err
		}},
		{"move: an unknown stage", "to", func() error {
			_, err := w.p.MoveCaseStage(ctx, w.alice, id, practice.MoveCase{To: "surgery", Reason: "r", Version: 1})
			return err
		}},
		{"move: no reason", "reason", func() error {
			_, err := w.p.MoveCaseStage(ctx, w.alice, id, practice.MoveCase{To: "limited_information", Version: 1})
			return err
		}},
		{"concerns: an unknown concern", "concerns.1.concern", func() error {
			_, err := w.p.SetCaseConcerns(ctx, w.alice, id, []concern.Diagnosis{caseErectile, {Concern: "hiccups"}}, 1)
			return err
		}},
		{"comorbidity: an unknown kind", "kind", func() error {
			_, err := w.p.RecordComorbidity(ctx, w.alice, id, practice.ComorbidityInput{Kind: "insomnia", Source: "judgement"})
			return err
		}},
		{"comorbidity: a measure without its reference", "measure_ref", func() error {
			_, err := w.p.RecordComorbidity(ctx, w.alice, id, practice.ComorbidityInput{Kind: "depression", Source: "measure"})
			return err
		}},
		{"referral: no consent given", "consent", func() error {
			_, err := w.p.RecordReferral(ctx, w.alice, id, practice.ReferralInput{To: practice.ReferralTo{Name: "N", Contact: "C"}, Why: "w"})
			return err
		}},
		{"referral: shared without consent", "shared", func() error {
			_, err := w.p.RecordReferral(ctx, w.alice, id, practice.ReferralInput{To: practice.ReferralTo{Name: "N", Contact: "C"}, Why: "w",
				Consent: "no", Shared: []string{"notes"}})
			return err
		}},
		{"history: a concern not in the taxonomy", "step1.concerns.0.concern_id", func() error {
			h := caseFullHistory()
			h.Issues.Concerns[0].ConcernID = "hiccups"
			_, err := w.p.SaveSexualHistory(ctx, w.alice, id, h, 0)
			return err
		}},
		{"history: an onset in the future", "step2.onset.date", func() error {
			h := caseFullHistory()
			h.Evolution.Onset.Date = date.FromTime(w.now()).AddDays(1)
			_, err := w.p.SaveSexualHistory(ctx, w.alice, id, h, 0)
			return err
		}},
		{"plan: no comorbidity", "comorbidities", func() error {
			_, err := w.p.SaveTreatmentPlan(ctx, w.alice, id, casePlan(w.now(), nil), 0)
			return err
		}},
		{"close: no reason", "reason", func() error {
			_, err := w.p.CloseCase(ctx, w.alice, id, " ", 1)
			return err
		}},
		{"end comorbidity: no reason", "reason", func() error {
			return w.p.EndComorbidity(ctx, w.alice, id, 1, "")
		}},
		{"referral status: unknown", "status", func() error {
			_, err := w.p.SetReferralStatus(ctx, w.alice, id, 1, "lost", 1)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := w.auditCount(t)
			caseWantField(t, tc.call(), tc.field)
			if w.auditCount(t) != before {
				t.Error("a refused change wrote to the audit log")
			}
		})
	}
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Case.Version != 1 || len(rep.History) != 1 || len(rep.Comorbidities) != 0 || len(rep.Referrals) != 0 ||
		rep.SexualHistory != nil || len(rep.Concerns) != 1 {
		t.Errorf("bad input changed the case: %+v", rep)
	}
	list, err := w.p.ClientCases(ctx, w.alice, w.client)
	if err != nil || len(list) != 1 {
		t.Errorf("bad input opened a case: %+v, %v", list, err)
	}
}

// casePlan is a complete treatment plan citing the comorbidities given.
func casePlan(now time.Time, comorbidities []string) plissit.TreatmentPlan {
	today := date.FromTime(now)
	return plissit.TreatmentPlan{
		Goals:         []plissit.Goal{{ID: "g1", Text: "erections with partner", Measure: "IIEF-5 of 22 or more"}},
		Interventions: []plissit.Intervention{{Text: "sensate focus", Goals: []string{"g1"}}, {Text: "CBT for low mood"}},
		Frequency:     plissit.Frequency{Sessions: 1, Per: plissit.Week},
		Reviews:       []date.Date{today.AddDays(42), today.AddDays(84)},
		Comorbidities: comorbidities,
	}
}

// TestCaseSexualHistoryVersions: the history is taken at Specific
// Suggestions, saved partly and then whole, each save a version; a save
// from an old version is a Conflict.
func TestCaseSexualHistoryVersions(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id := w.openCase(t)
	h := caseFullHistory()
	partial := plissit.SexualHistory{Issues: h.Issues}
	_, err := w.p.SaveSexualHistory(ctx, w.alice, id, partial, 0)
	caseWantCode(t, err, certboard.Conflict)
	w.move(t, id, "specific_suggestions", 1)
	v1, err := w.p.SaveSexualHistory(ctx, w.alice, id, partial, 0)
	if err != nil || v1 != 1 {
		t.Fatalf("partial: %d, %v", v1, err)
	}
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Steps[0].Done || rep.Steps[1].Done || rep.HistoryDone || rep.SexualHistory.Version != 1 {
		t.Errorf("after a partial save: steps %+v, done %v", rep.Steps, rep.HistoryDone)
	}
	_, err = w.p.SaveSexualHistory(ctx, w.alice, id, h, 0)
	caseWantCode(t, err, certboard.Conflict)
	v2, err := w.p.SaveSexualHistory(ctx, w.alice, id, h, v1)
	if err != nil || v2 != 2 {
		t.Fatalf("whole: %d, %v", v2, err)
	}
	rep, err = w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.HistoryDone || len(rep.HistoryVersions) != 2 || rep.HistoryVersions[0].Version != 2 {
		t.Errorf("after the whole history: done %v, versions %+v", rep.HistoryDone, rep.HistoryVersions)
	}
	old, err := w.p.SexualHistoryAt(ctx, w.alice, id, 1)
	if err != nil || len(old.History.Plan.Goals) != 0 || old.History.Issues.Concerns[0].ConcernID != "erectile-disorder" {
		t.Errorf("version 1: %+v, %v", old, err)
	}
	_, err = w.p.SexualHistoryAt(ctx, w.alice, id, 3)
	caseWantCode(t, err, certboard.NotFound)
	_, err = w.p.SexualHistoryAt(ctx, w.bob, id, 1)
	caseWantCode(t, err, certboard.NotFound)
}

// TestCaseTreatmentPlanRefused: a plan is for a case at Intensive Therapy, by
// a practitioner whose scope includes it.
func TestCaseTreatmentPlanRefused(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id := w.openCase(t)
	cid, err := w.p.RecordComorbidity(ctx, w.alice, id, practice.ComorbidityInput{Kind: "depression", Source: "measure", MeasureRef: "measure:1"})
	if err != nil {
		t.Fatal(err)
	}
	ref := []string{practice.Comorbidity{ID: cid}.Ref()}
	_, err = w.p.SaveTreatmentPlan(ctx, w.alice, id, casePlan(w.now(), ref), 0)
	caseWantCode(t, err, certboard.Conflict)
	w.forceStage(t, id, plissit.IntensiveTherapy)
	_, err = w.p.SaveTreatmentPlan(ctx, w.alice, id, casePlan(w.now(), ref), 0)
	caseWantCode(t, err, certboard.Forbidden)
	if !practice.OffersReferral(err) {
		t.Errorf("the refusal offers no referral: %v", err)
	}
	_, err = w.p.TreatmentPlanAt(ctx, w.alice, id, 0)
	caseWantCode(t, err, certboard.NotFound)
}

// TestCaseComorbiditiesFeedEscalation: a comorbidity recorded by hand makes
// the case need Intensive Therapy and says which rule fired and why; ended,
// it counts no more. Measures the store offers are evaluated too.
func TestCaseComorbiditiesFeedEscalation(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id := w.openCase(t)
	cid, err := w.p.RecordComorbidity(ctx, w.alice, id, practice.ComorbidityInput{Kind: "substance_use", Source: "diagnosis",
		MeasureRef: "measure:4", Note: "F10.20 on file"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Escalation
	if !e.NeedsIntensiveTherapy || len(e.Comorbidities) != 1 || e.Comorbidities[0].Kind != escalation.SubstanceUse {
		t.Fatalf("escalation %+v", e)
	}
	why := e.Comorbidities[0].From[0].Why
	if !strings.Contains(why, "diagnosis on file") || !strings.Contains(why, "measure:4") || !strings.Contains(why, "F10.20") {
		t.Errorf("where it came from: %q", why)
	}
	if len(rep.Comorbidities) != 1 || !rep.Comorbidities[0].Active() || rep.Comorbidities[0].Note != "F10.20 on file" {
		t.Errorf("comorbidities %+v", rep.Comorbidities)
	}
	if err := w.p.EndComorbidity(ctx, w.alice, id, cid, "recorded in error: another client's diagnosis"); err != nil {
		t.Fatal(err)
	}
	err = w.p.EndComorbidity(ctx, w.alice, id, cid, "again")
	caseWantCode(t, err, certboard.Conflict)
	rep, err = w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Escalation.NeedsIntensiveTherapy || rep.Comorbidities[0].Active() || rep.Comorbidities[0].EndReason == "" {
		t.Errorf("after ending it: %+v, %+v", rep.Escalation, rep.Comorbidities)
	}
}

// TestCaseClosedChangesNoMore: a closed case is kept and read, and every
// change is a Conflict.
func TestCaseClosedChangesNoMore(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id := w.openCase(t)
	_, err := w.p.CloseCase(ctx, w.alice, id, "ended", 2)
	caseWantCode(t, err, certboard.Conflict)
	v, err := w.p.CloseCase(ctx, w.alice, id, "episode of care ended", 1)
	if err != nil || v != 2 {
		t.Fatalf("close: %d, %v", v, err)
	}
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Case.Open() || rep.Case.CloseReason != "episode of care ended" || rep.Case.ClosedBy != w.alice.UserID {
		t.Errorf("closed case %+v", rep.Case)
	}
	_, err = w.p.MoveCaseStage(ctx, w.alice, id, practice.MoveCase{To: "limited_information", Reason: "r", Version: v})
	caseWantCode(t, err, certboard.Conflict)
	_, err = w.p.RecordReferral(ctx, w.alice, id, practice.ReferralInput{To: practice.ReferralTo{Name: "N", Contact: "C"}, Why: "w", Consent: "no"})
	caseWantCode(t, err, certboard.Conflict)
	_, err = w.p.CloseCase(ctx, w.alice, id, "again", v)
	caseWantCode(t, err, certboard.Conflict)
}

// TestCaseIntensiveTherapyWithinScope: a practitioner holding a current
// CST moves a case to Intensive Therapy once it is ready (a comorbidity
// and the whole sexual history), becomes responsible for it and writes
// the treatment plan, which cites a comorbidity standing on the case; a
// colleague on the same client holding only a CSE is refused with the
// scope's reason, naming her credential, and offered a referral.
func TestCaseIntensiveTherapyWithinScope(t *testing.T) {
	w := newCredWorld(t)
	ctx := w.ctx
	w.attach(w.jordan, w.cst.JSON)
	w.attach(w.noor, w.cse.JSON)
	client, err := w.p.CreateClient(ctx, w.jordan, practice.NewClient{Identity: practice.IdentityInput{Name: "Sam Rivera", DateOfBirth: "1990-04-02", Email: "sam@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.p.AssignPractitioner(ctx, w.sam, client, w.noor.UserID); err != nil {
		t.Fatal(err)
	}
	text, err := w.p.PublishConsentText(ctx, w.sam, "Consent to treatment", casesConsent)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.SignConsent(ctx, w.jordan, practice.Signature{ClientID: client, TextID: text.ID, Signer: practice.SignerClient,
		SignedName: "Sam Rivera", Agreed: true}); err != nil {
		t.Fatal(err)
	}
	id, err := w.p.OpenCase(ctx, w.noor, client, practice.NewCase{Stage: "specific_suggestions", Reason: "intake"})
	if err != nil {
		t.Fatal(err)
	}
	toIT := func(by practice.Actor, version int) (int, error) {
		return w.p.MoveCaseStage(ctx, by, id, practice.MoveCase{To: "intensive_therapy", Reason: "depression with the concern", Version: version})
	}
	_, err = toIT(w.jordan, 1)
	caseWantCode(t, err, certboard.Conflict)
	for _, s := range []string{"comorbidity", "sexual history"} {
		if !strings.Contains(certboard.ErrorMessage(err), s) {
			t.Errorf("%q does not say what is missing: %q", certboard.ErrorMessage(err), s)
		}
	}
	if _, err := w.p.SaveSexualHistory(ctx, w.noor, id, caseFullHistory(), 0); err != nil {
		t.Fatal(err)
	}
	cid, err := w.p.RecordComorbidity(ctx, w.noor, id, practice.ComorbidityInput{Kind: "depression", Source: "judgement", Note: "low mood"})
	if err != nil {
		t.Fatal(err)
	}

	_, err = toIT(w.noor, 1)
	caseWantCode(t, err, certboard.Forbidden)
	if !practice.OffersReferral(err) || !strings.Contains(certboard.ErrorMessage(err), "Certified Sexuality Educator") {
		t.Errorf("Noor's refusal: %v", err)
	}

	v, err := toIT(w.jordan, 1)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := w.p.CaseReport(ctx, w.jordan, id)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Case.Stage != plissit.IntensiveTherapy || rep.Case.Version != v || rep.Case.PractitionerID != w.jordan.UserID ||
		!rep.IntensiveTherapy || !strings.Contains(rep.Scope, "Certified Sex Therapist") {
		t.Errorf("after the move: %+v, in scope %v: %q", rep.Case, rep.IntensiveTherapy, rep.Scope)
	}
	last := rep.History[len(rep.History)-1]
	if last.Move.From != plissit.SpecificSuggestions || last.Move.To != plissit.IntensiveTherapy || last.Move.By != w.jordan.UserID {
		t.Errorf("the move in the history: %+v", last)
	}

	cite := []string{practice.Comorbidity{ID: cid}.Ref()}
	_, err = w.p.SaveTreatmentPlan(ctx, w.jordan, id, casePlan(w.clock.Now(), []string{"999"}), 0)
	caseWantField(t, err, "comorbidities.0")
	_, err = w.p.SaveTreatmentPlan(ctx, w.noor, id, casePlan(w.clock.Now(), cite), 0)
	caseWantCode(t, err, certboard.Forbidden)
	pv, err := w.p.SaveTreatmentPlan(ctx, w.jordan, id, casePlan(w.clock.Now(), cite), 0)
	if err != nil || pv != 1 {
		t.Fatalf("the plan: %d, %v", pv, err)
	}
	got, err := w.p.TreatmentPlanAt(ctx, w.noor, id, 1)
	if err != nil || len(got.Plan.Goals) != 1 || got.Plan.Comorbidities[0] != cite[0] || got.SavedBy != w.jordan.UserID {
		t.Errorf("the plan read back: %+v, %v", got, err)
	}
	_, err = w.p.SaveTreatmentPlan(ctx, w.jordan, id, casePlan(w.clock.Now(), cite), 0)
	caseWantCode(t, err, certboard.Conflict)
}
