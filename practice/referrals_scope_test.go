package practice_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/letter"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// scopeCase opens Alice's case (erectile disorder, F52.21) with PHQ-9
// scored twice (the latest 14) and GAD-7 once, and returns its id.
func (w *casesWorld) scopeCase(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	id := w.openCase(t)
	for _, m := range []struct {
		instrument string
		vals       []int
	}{
		{"phq-9", []int{3, 3, 3, 3, 3, 3, 3, 0, 0}},
		{"phq-9", []int{2, 2, 2, 2, 2, 2, 1, 1, 0}},
		{"gad-7", []int{1, 1, 1, 1, 1, 1, 1}},
	} {
		w.advance(3600e9)
		if _, err := w.p.RecordResponse(ctx, w.alice, practice.NewResponse{CaseID: id, Instrument: m.instrument,
			ResponseAnswers: practice.ResponseAnswers{Answers: answers(m.vals...), TakenAt: w.now()}}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// scopeReferral is a referral to Jordan with the client's consent,
// sharing share and instruments.
func scopeReferral(share, instruments []string) practice.ReferralInput {
	return practice.ReferralInput{Why: "Referred for Intensive Therapy with a certified sex therapist.", Consent: "yes",
		To:    practice.ReferralTo{Name: "Jordan Reyes", Contact: "jordan@board.example"},
		Share: share, Instruments: instruments}
}

// TestReferralLetterOnlyWhatIsShared: the letter holds the reason and
// what the client agreed to share, nothing unticked: with only the
// reason, no concern, code, stage or score; with scores ticked, exactly
// the latest score of the instruments ticked. The Part 2 notice goes with
// each letter of a marked record.
func TestReferralLetterOnlyWhatIsShared(t *testing.T) {
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) { referralLetterOnlyWhatIsShared(t, newCasesWorldOn(t, db)) })
	}
}

func referralLetterOnlyWhatIsShared(t *testing.T, w *casesWorld) {
	ctx := context.Background()
	id := w.scopeCase(t)

	reasonOnly, err := w.p.RecordReferral(ctx, w.alice, id, scopeReferral(nil, []string{"gad-7"}))
	if err != nil {
		t.Fatal(err)
	}
	l, err := w.p.ReferralLetter(ctx, w.alice, id, reasonOnly)
	if err != nil {
		t.Fatal(err)
	}
	if l.Concerns != nil || l.Scores != nil || l.Reached != "" || l.Shares != (letter.Shares{}) ||
		!slices.Equal(l.Consent.Scope, []string{"the reason for referral"}) || l.Consent.Legacy {
		t.Errorf("a letter sharing only the reason: %+v", l)
	}
	text := pdfText(t, l)
	for _, never := range []string{"Erectile", "F52", "PHQ-9", "GAD-7", "Permission", "Latest scores", "Concerns"} {
		if strings.Contains(text, never) {
			t.Errorf("a letter sharing only the reason holds %q", never)
		}
	}
	for _, want := range []string{"Referred for Intensive Therapy with a certified sex therapist.", "to share: the reason for referral."} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q", want)
		}
	}

	scores, err := w.p.RecordReferral(ctx, w.alice, id, scopeReferral([]string{"scores"}, []string{"phq-9"}))
	if err != nil {
		t.Fatal(err)
	}
	l, err = w.p.ReferralLetter(ctx, w.alice, id, scores)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Scores) != 1 || l.Scores[0].Instrument != "PHQ-9" || l.Scores[0].Total != "14" || l.Concerns != nil || l.Reached != "" {
		t.Errorf("a letter sharing the PHQ-9 score: concerns %v, scores %+v, stage %q", l.Concerns, l.Scores, l.Reached)
	}
	text = pdfText(t, l)
	if !strings.Contains(text, "PHQ-9: 14") || strings.Contains(text, "GAD-7") || strings.Contains(text, "PHQ-9: 21") || strings.Contains(text, "F52") {
		t.Error("the letter does not hold exactly the latest PHQ-9 score")
	}

	all, err := w.p.RecordReferral(ctx, w.alice, id, scopeReferral([]string{"concerns", "stage", "scores"}, []string{"gad-7", "phq-9"}))
	if err != nil {
		t.Fatal(err)
	}
	l, err = w.p.ReferralLetter(ctx, w.alice, id, all)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Concerns, []string{"Erectile dysfunction (erectile disorder)"}) || len(l.Scores) != 2 || l.Reached != plissit.Permission.Name() {
		t.Errorf("concerns without codes, the stage and two scores: %v, %+v, %q", l.Concerns, l.Scores, l.Reached)
	}
	if text := pdfText(t, l); strings.Contains(text, "F52") || !strings.Contains(text, "the concerns' codes") {
		t.Error("the codes were not ticked, yet the letter holds them, or does not say they are left out")
	}

	if err := w.p.MarkPart2(ctx, w.alice, w.client, true); err != nil {
		t.Fatal(err)
	}
	l, err = w.p.ReferralLetter(ctx, w.alice, id, reasonOnly)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, l); !strings.Contains(text, "42 CFR part 2") || strings.Contains(text, "PHQ-9") {
		t.Error("the reason-only letter of a Part 2 record lacks the notice, or holds a score")
	}
}

// TestReferralLetterOfBefore: a referral recorded before consent was
// itemised gives a letter with the reason and the consent's words only,
// and says so.
func TestReferralLetterOfBefore(t *testing.T) {
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) { referralLetterOfBefore(t, newCasesWorldOn(t, db)) })
	}
}

func referralLetterOfBefore(t *testing.T, w *casesWorld) {
	ctx := context.Background()
	id := w.scopeCase(t)
	var rid int64
	err := practicesql.ForPractice{Store: w.st}.InTx(ctx, func(tx practice.Tx) error {
		var err error
		rid, err = tx.AddReferral(ctx, practice.Referral{CaseID: id, Stage: plissit.IntensiveTherapy,
			To: practice.ReferralTo{Name: "Jordan Reyes", Contact: "jordan@board.example"}, Why: "Depression with the concern.",
			Consent: practice.ConsentGiven, Shared: []string{"the sexual history"}, Status: practice.ReferralSent,
			Concerns: []practice.ReferredConcern{{Name: "Erectile disorder", Codes: []string{"F52.21"}}},
			MadeBy:   w.alice.UserID, MadeByName: w.alice.Name, MadeAt: w.now(), UpdatedAt: w.now(), Version: 1})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	l, err := w.p.ReferralLetter(ctx, w.alice, id, rid)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Consent.Legacy || l.Concerns != nil || l.Scores != nil || l.Reached != "" {
		t.Errorf("a letter of before: %+v", l)
	}
	text := pdfText(t, l)
	for _, never := range []string{"Erectile", "F52", "PHQ-9", "GAD-7"} {
		if strings.Contains(text, never) {
			t.Errorf("a letter of before holds %q", never)
		}
	}
	if !strings.Contains(text, "the sexual history.") || !strings.Contains(text, "item by item") {
		t.Error("a letter of before lacks the consent's words or does not say why it holds no more")
	}
}

// TestReferralScopeRefused: an unknown item or instrument, codes without
// the concerns, scores without an instrument, or anything ticked when the
// client did not consent is Invalid naming the field, and nothing is
// written.
func TestReferralScopeRefused(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	id := w.openCase(t)
	before := w.auditCount(t)
	refused := scopeReferral([]string{"stage"}, nil)
	refused.Consent = "no"
	for _, tc := range []struct {
		in    practice.ReferralInput
		field string
	}{
		{scopeReferral([]string{"notes"}, nil), "share"},
		{scopeReferral([]string{"scores"}, []string{"beck"}), "instruments"},
		{scopeReferral([]string{"codes"}, nil), "share"},
		{scopeReferral([]string{"scores"}, nil), "instruments"},
		{refused, "share"},
	} {
		_, err := w.p.RecordReferral(ctx, w.alice, id, tc.in)
		caseWantField(t, err, tc.field)
	}
	if w.auditCount(t) != before {
		t.Error("a refused referral was written")
	}
	rep, err := w.p.CaseReport(ctx, w.alice, id)
	if err != nil || len(rep.Referrals) != 0 {
		t.Errorf("referrals after refusals: %v, %v", rep.Referrals, err)
	}
	if e := certboard.As(func() error {
		_, err := w.p.RecordReferral(ctx, w.alice, id, scopeReferral([]string{"notes"}, nil))
		return err
	}()); e == nil || !strings.Contains(e.Fields["share"], "notes") {
		t.Errorf("the refusal does not name the item: %v", e)
	}
}
