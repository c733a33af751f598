package practice

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/plissit"
)

// caseMeasuresTx is a transaction that answers MeasuresForEscalation
// with measures; nothing else of it is used.
type caseMeasuresTx struct {
	Tx
	measures []escalation.Measure
	asked    int64
}

func (m *caseMeasuresTx) MeasuresForEscalation(ctx context.Context, caseID int64) ([]escalation.Measure, error) {
	m.asked = caseID
	return m.measures, nil
}

func TestCaseEscalation(t *testing.T) {
	ctx := context.Background()
	p := &Practice{}
	c := &Case{ID: 7, ClientID: 3}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	phq, err := measure.Score("phq-9", []int{2, 2, 2, 2, 2, 1, 1, 0, 1}, "")
	if err != nil {
		t.Fatal(err)
	}
	recorded := []Comorbidity{
		{ID: 1, Kind: escalation.Anxiety, Source: FromJudgement, Note: "panics before sex", RecordedAt: at},
		{ID: 2, Kind: escalation.SubstanceUse, Source: FromMeasure, MeasureRef: "measure:9", RecordedAt: at},
		{ID: 3, Kind: escalation.PersonalityDisorder, Source: FromDiagnosis, Note: "F60.3", RecordedAt: at, EndedAt: at.Add(time.Hour)},
	}
	t.Run("recorded only, no measures scored", func(t *testing.T) {
		rep, err := p.caseEscalation(ctx, &caseMeasuresTx{}, c, recorded)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.NeedsIntensiveTherapy || len(rep.Comorbidities) != 2 {
			t.Fatalf("report %+v", rep)
		}
		if k := rep.Comorbidities[0].Kind; k != escalation.Anxiety {
			t.Errorf("first comorbidity %s", k)
		}
		sub := rep.Comorbidities[1].From[0]
		if sub.Recorded == nil || sub.Recorded.Source != escalation.Judgement || !strings.Contains(sub.Why, "measure:9") {
			t.Errorf("a comorbidity recorded from a measure: %+v", sub)
		}
		for _, cm := range rep.Comorbidities {
			if cm.Kind == escalation.PersonalityDisorder {
				t.Error("an ended comorbidity counts")
			}
		}
	})
	t.Run("measures from the store", func(t *testing.T) {
		tx := &caseMeasuresTx{measures: []escalation.Measure{{Result: *phq, Taken: at, Ref: "measure:12"}}}
		rep, err := p.caseEscalation(ctx, tx, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tx.asked != 7 {
			t.Errorf("asked for %v", tx.asked)
		}
		if !rep.NeedsIntensiveTherapy || len(rep.Comorbidities) != 1 || rep.Comorbidities[0].Kind != escalation.Depression ||
			rep.Comorbidities[0].From[0].Rule != "phq9-depression" {
			t.Errorf("report %+v", rep)
		}
		if len(rep.SafetyTasks) != 1 {
			t.Errorf("PHQ-9 item 9 above 0 opens no safety task: %+v", rep.SafetyTasks)
		}
	})
	t.Run("nothing", func(t *testing.T) {
		rep, err := p.caseEscalation(ctx, &caseMeasuresTx{}, c, recorded[2:])
		if err != nil {
			t.Fatal(err)
		}
		if rep.NeedsIntensiveTherapy || len(rep.Comorbidities) != 0 || len(rep.Outcomes) == 0 {
			t.Errorf("report %+v", rep)
		}
	})
}

// TestCheckCaseMove: a refusal for want of scope carries the scope's
// sentence and offers a referral; every other outcome is plissit's.
func TestCheckCaseMove(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	move := func(to plissit.Stage, reason string) plissit.Move {
		return plissit.Move{From: plissit.SpecificSuggestions, To: to, By: 1, At: at, Reason: reason}
	}
	scopeWhy := "you may not deliver Intensive Therapy: it needs a current CST credential. Refer the client."
	ready := plissit.Facts{HasComorbidity: true, HistoryComplete: true}

	err := checkCaseMove(move(plissit.IntensiveTherapy, "depression"), ready, scopeWhy)
	if certboard.ErrorCode(err) != certboard.Forbidden || !OffersReferral(err) || ReferralStage(err) != plissit.IntensiveTherapy {
		t.Fatalf("out of scope: %#v", err)
	}
	e := certboard.As(err)
	if !strings.HasPrefix(e.Message, "to: "+scopeWhy) || !strings.Contains(e.Message, "referral") || e.Field != "to" {
		t.Errorf("message %q, field %q", e.Message, e.Field)
	}

	err = checkCaseMove(move(plissit.IntensiveTherapy, "depression"), ready, "")
	if !OffersReferral(err) || !strings.Contains(certboard.ErrorMessage(err), "CST") {
		t.Errorf("without the scope's sentence: %v", err)
	}

	ready.IntensiveTherapyInScope = true
	if err := checkCaseMove(move(plissit.IntensiveTherapy, "depression"), ready, "allowed"); err != nil {
		t.Errorf("in scope: %v", err)
	}
	for _, tc := range []struct {
		m    plissit.Move
		f    plissit.Facts
		want certboard.Code
	}{
		{move(plissit.LimitedInformation, ""), plissit.Facts{}, certboard.Invalid},
		{move(plissit.SpecificSuggestions, "r"), plissit.Facts{}, certboard.Conflict},
		{move(plissit.IntensiveTherapy, "r"), plissit.Facts{IntensiveTherapyInScope: true}, certboard.Conflict},
	} {
		err := checkCaseMove(tc.m, tc.f, "")
		if certboard.ErrorCode(err) != tc.want || OffersReferral(err) {
			t.Errorf("%+v: %v, want %s without a referral", tc.m, err, tc.want)
		}
	}
	if OffersReferral(nil) || ReferralStage(certboard.Errorf(certboard.Forbidden, "no")) != "" {
		t.Error("an offer where there is none")
	}
}

func TestPlanComorbidities(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	cs := []Comorbidity{
		{ID: 4, Kind: escalation.Depression},
		{ID: 5, Kind: escalation.Anxiety, EndedAt: at},
	}
	for _, tc := range []struct {
		cite []string
		want []string
	}{
		{[]string{"4"}, nil},
		{[]string{"5"}, []string{"comorbidities.0"}},
		{[]string{"4", "6"}, []string{"comorbidities.1"}},
		{[]string{"x", "4", "5"}, []string{"comorbidities.0", "comorbidities.2"}},
	} {
		err := planComorbidities(plissit.TreatmentPlan{Comorbidities: tc.cite}, cs)
		wantCaseFields(t, err, tc.want...)
		if err != nil && !strings.Contains(err.Error(), "4 (Depression)") {
			t.Errorf("%v does not list the standing comorbidities", err)
		}
	}
	if got := describeComorbidities(cs[1:]); got != "none is recorded" {
		t.Errorf("no standing comorbidity: %q", got)
	}
}

func TestCheckCaseHistory(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	tax := concern.Default()
	h := plissit.SexualHistory{Issues: plissit.Issues{Concerns: []plissit.Concern{
		{ConcernID: "erectile-disorder", Description: "d"},
		{ConcernID: "hiccups", Description: "d"},
		{ConcernID: "bad id!", Description: "d"},
	}}}
	wantCaseFields(t, checkCaseHistory(tax, h, now), "step1.concerns.1.concern_id", "step1.concerns.2.concern_id")
	h.Issues.Concerns = h.Issues.Concerns[:1]
	wantCaseFields(t, checkCaseHistory(tax, h, now))
	wantCaseFields(t, checkCaseHistory(tax, plissit.SexualHistory{}, now))
}

// TestAddCaseRecordVersion: the next version is added when the save
// starts from the latest (0 when there is none); a save from an older
// version, or one losing the race, is stale; other errors pass through.
func TestAddCaseRecordVersion(t *testing.T) {
	var added []int
	add := func(next int) error { added = append(added, next); return nil }
	if n, err := addCaseRecordVersion("plan", 7, 0, nil, add); n != 1 || err != nil {
		t.Errorf("none: %d, %v", n, err)
	}
	if n, err := addCaseRecordVersion("plan", 7, 3, []SavedVersion{{Version: 3}, {Version: 2}}, add); n != 4 || err != nil {
		t.Errorf("from 3: %d, %v", n, err)
	}
	if _, err := addCaseRecordVersion("plan", 7, 2, []SavedVersion{{Version: 3}}, add); certboard.ErrorCode(err) != certboard.Conflict ||
		!strings.Contains(certboard.ErrorMessage(err), "the plan of case 7 was saved by someone else") {
		t.Errorf("from 2: %v", err)
	}
	if !slices.Equal(added, []int{1, 4}) {
		t.Errorf("added %v", added)
	}
	race := func(int) error { return certboard.ErrConflict }
	if _, err := addCaseRecordVersion("plan", 7, 0, nil, race); certboard.ErrorCode(err) != certboard.Conflict {
		t.Errorf("race: %v", err)
	}
	boom := certboard.Errorf(certboard.Internal, "boom")
	if _, err := addCaseRecordVersion("plan", 7, 0, nil, func(int) error { return boom }); err != boom {
		t.Errorf("an error is lost: %v", err)
	}
}

func TestRecordedOf(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	got := recordedOf([]Comorbidity{
		{Kind: escalation.Depression, Source: FromDiagnosis, Note: "F32.1 on file", MeasureRef: "response:3"},
		{Kind: escalation.Anxiety, Source: FromJudgement, Note: "panics"},
		{Kind: escalation.SubstanceUse, Source: FromMeasure, MeasureRef: "response:4"},
		{Kind: escalation.PersonalityDisorder, Source: FromJudgement, EndedAt: at},
	})
	want := []escalation.Recorded{
		{Kind: escalation.Depression, Source: escalation.Diagnosis, Note: "on the scored measure response:3; F32.1 on file"},
		{Kind: escalation.Anxiety, Source: escalation.Judgement, Note: "panics"},
		{Kind: escalation.SubstanceUse, Source: escalation.Judgement, Note: "on the scored measure response:4"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if none := recordedOf(nil); none == nil || len(none) != 0 {
		t.Errorf("none: %#v", none)
	}
}
