package practice

import (
	"context"
	"errors"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/plissit"
)

// CaseSummary is a line of a client's list of cases.
type CaseSummary struct {
	Case Case
	// Concerns name the case's concerns, in order (the id of one the
	// taxonomy no longer lists).
	Concerns []string
}

// ClientCases lists a client's cases, the latest opened first, for a
// reader of the client's record; the read is audited ("cases").
func (p *Practice) ClientCases(ctx context.Context, by Actor, clientID int64) ([]CaseSummary, error) {
	tax := concern.Default()
	var out []CaseSummary
	err := p.store.InTx(ctx, func(tx Tx) error {
		if _, err := p.openClient(ctx, tx, by, clientID, "cases"); err != nil {
			return err
		}
		cs, err := tx.ClientCases(ctx, clientID)
		if err != nil {
			return err
		}
		out = make([]CaseSummary, 0, len(cs))
		for _, c := range cs {
			stored, err := tx.CaseConcerns(ctx, c.ID)
			if err != nil {
				return err
			}
			s := CaseSummary{Case: c, Concerns: []string{}}
			for _, sc := range caseConcerns(tax, stored) {
				name := sc.Diagnosis.Concern
				if sc.Known {
					name = sc.Concern.Name
				}
				s.Concerns = append(s.Concerns, name)
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// CaseReport is everything a case page shows.
type CaseReport struct {
	Case Case
	// Access is how the reader reached the client's record.
	Access Access
	// Concerns are the case's concerns with their taxonomy entries and
	// codes, in order.
	Concerns []CaseConcern
	// Comorbidities are every comorbidity recorded, ended ones too, in the
	// order recorded.
	Comorbidities []Comorbidity
	// History is the stage history, oldest first: the first entry opened
	// the case.
	History []CaseMove
	// Referrals are the referrals made, the latest first.
	Referrals []Referral
	// SexualHistory is the latest version of the sexual history; nil when
	// none was saved. Steps say which of its four steps are done (of an
	// empty history when none was saved), and HistoryDone whether all are
	// and the history is valid, as a move to Intensive Therapy needs.
	SexualHistory   *SexualHistoryVersion
	Steps           [4]plissit.StepStatus
	HistoryDone     bool
	HistoryVersions []SavedVersion
	// TreatmentPlan is the latest version of the treatment plan; nil when
	// none was saved.
	TreatmentPlan *TreatmentPlanVersion
	PlanVersions  []SavedVersion
	// Escalation is what the escalation rules say of the case, from its
	// scored measures and the comorbidities standing on it: which
	// comorbidities are indicated and where from, whether it needs
	// Intensive Therapy and which rule says so, safety tasks, and every
	// rule's outcome.
	Escalation escalation.Report
	// IntensiveTherapy says whether Intensive Therapy is within the
	// reader's scope of practice, and Scope why (the scope's sentence):
	// a page offers the move, or a referral.
	IntensiveTherapy bool
	Scope            string
	// Boards are the boards on the practice's trust list, whose registries
	// a referral may search (StartReferral).
	Boards []TrustedIssuer
	// Instruments are the instruments scored on the case with their
	// latest score, which a referral may share (ReferralInput.Instruments).
	Instruments []ScoredInstrument
}

// CaseReport reads a case with everything its page shows, for a reader of
// the client's record (an assigned practitioner, or a practice admin with
// emergency access); the read is audited ("case:<id>"). Anyone else gets
// NotFound, as for a case that does not exist.
func (p *Practice) CaseReport(ctx context.Context, by Actor, caseID int64) (*CaseReport, error) {
	tax := concern.Default()
	now := p.clock.Now().UTC()
	var rep CaseReport
	err := p.store.InTx(ctx, func(tx Tx) error {
		c, acc, err := p.readCase(ctx, tx, by, caseID, "")
		if err != nil {
			return err
		}
		rep.Case, rep.Access = *c, acc
		stored, err := tx.CaseConcerns(ctx, caseID)
		if err != nil {
			return err
		}
		rep.Concerns = caseConcerns(tax, stored)
		if rep.Comorbidities, err = tx.Comorbidities(ctx, caseID); err != nil {
			return err
		}
		if rep.History, err = tx.CaseMoves(ctx, caseID); err != nil {
			return err
		}
		if rep.Referrals, err = tx.Referrals(ctx, caseID); err != nil {
			return err
		}
		if rep.SexualHistory, err = caseOptional(tx.SexualHistory(ctx, caseID, 0)); err != nil {
			return err
		}
		var h plissit.SexualHistory
		if rep.SexualHistory != nil {
			h = rep.SexualHistory.History
		}
		rep.Steps, rep.HistoryDone = h.Complete(), h.Done(now)
		if rep.HistoryVersions, err = tx.SexualHistoryVersions(ctx, caseID); err != nil {
			return err
		}
		if rep.TreatmentPlan, err = caseOptional(tx.TreatmentPlan(ctx, caseID, 0)); err != nil {
			return err
		}
		if rep.PlanVersions, err = tx.TreatmentPlanVersions(ctx, caseID); err != nil {
			return err
		}
		if rep.Escalation, err = p.caseEscalation(ctx, tx, c, rep.Comorbidities); err != nil {
			return err
		}
		if rep.Instruments, err = p.caseInstruments(ctx, tx, caseID, rep.Escalation); err != nil {
			return err
		}
		rep.IntensiveTherapy, rep.Scope, err = p.casePermits(ctx, tx, by.UserID, plissit.IntensiveTherapy)
		return err
	})
	if err != nil {
		return nil, err
	}
	if rep.Boards, err = p.store.TrustedIssuers(ctx); err != nil {
		return nil, err
	}
	return &rep, nil
}

// optional turns a store's ErrNotFound into nil.
func caseOptional[T any](v *T, err error) (*T, error) {
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// caseConcerns joins a case's stored concerns with the taxonomy: each
// with its entry and codes when the taxonomy lists it.
func caseConcerns(t *concern.Taxonomy, stored []StoredConcern) []CaseConcern {
	out := make([]CaseConcern, len(stored))
	for i, s := range stored {
		cc := CaseConcern{Diagnosis: s.Diagnosis, Taxonomy: s.Taxonomy}
		if c, ok := t.Lookup(s.Diagnosis.Concern); ok {
			if codes, err := t.Codes(s.Diagnosis); err == nil {
				cc.Concern, cc.Known, cc.Codes = c, true, codes
			}
		}
		out[i] = cc
	}
	return out
}
