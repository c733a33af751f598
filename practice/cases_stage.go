package practice

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/plissit"
)

// MoveCase is what moving a case to another PLISSIT stage takes.
type MoveCase struct {
	// To is the stage to move to.
	To string
	// Reason says why (required; kept, sealed, in the stage history).
	Reason string
	// Version is the version of the case the move was decided on.
	Version int
}

// MoveCaseStage moves an open case to another stage, if it is still at
// req.Version (Conflict otherwise) and the client's consent to treatment
// is in force, following plissit.CheckMove on the facts of the case as
// they stand in the transaction: the mover's scope of practice, the
// comorbidities standing on the case and whether its sexual history is
// complete. A move to Intensive Therapy outside the mover's scope is
// Forbidden, with the reason the scope gives, and offers a referral
// (OffersReferral); one the case is not ready for is a Conflict naming
// what is missing. The move is appended to the stage history with who,
// when and why; a move to Intensive Therapy makes the mover the
// practitioner responsible for the case. The audit entry is
// "case.stage.move". It returns the new version.
func (p *Practice) MoveCaseStage(ctx context.Context, by Actor, caseID int64, req MoveCase) (int, error) {
	to := plissit.Stage(strings.TrimSpace(req.To))
	if !to.Known() {
		return 0, plissit.CheckMove("", to, req.Reason, plissit.Facts{})
	}
	now := p.clock.Now().UTC()
	var next int
	err := p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.changeCase(ctx, tx, by, caseID, caseTreatment)
		if err != nil {
			return err
		}
		if c.Version != req.Version {
			return staleCase(caseID)
		}
		m := plissit.Move{From: c.Stage, To: to, By: by.UserID, At: now, Reason: req.Reason}
		facts, why, err := p.caseFacts(ctx, tx, by, c, to, now)
		if err != nil {
			return err
		}
		if err := checkCaseMove(m, facts, why); err != nil {
			return err
		}
		m.Reason = strings.TrimSpace(m.Reason)
		moves, err := tx.CaseMoves(ctx, caseID)
		if err != nil {
			return err
		}
		before := map[string]any{"stage": c.Stage, "version": req.Version}
		c.Stage = to
		if to == plissit.IntensiveTherapy {
			c.PractitionerID = by.UserID
		}
		if next, err = tx.UpdateCase(ctx, *c, req.Version); errors.Is(err, certboard.ErrConflict) {
			return staleCase(caseID)
		} else if err != nil {
			return err
		}
		if err := tx.AddCaseMove(ctx, caseID, CaseMove{Seq: len(moves) + 1, Move: m, ByName: by.Name}); err != nil {
			return err
		}
		return p.caseAudit(ctx, tx, by, "case.stage.move", c, before,
			map[string]any{"stage": to, "version": next, "practitioner": c.PractitionerID})
	})
	return next, err
}

// caseFacts are the facts a move of case c to stage to is decided on, in
// tx: whether the mover's scope includes Intensive Therapy (with the
// scope's sentence why, asked only for a move there), whether a
// comorbidity stands on the case, and whether its latest sexual history
// is done as of now.
func (p *Practice) caseFacts(ctx context.Context, tx Tx, by Actor, c *Case, to plissit.Stage, now time.Time) (plissit.Facts, string, error) {
	var f plissit.Facts
	var why string
	if to == plissit.IntensiveTherapy {
		ok, reason, err := p.casePermits(ctx, tx, by.UserID, to)
		if err != nil {
			return f, "", err
		}
		f.IntensiveTherapyInScope, why = ok, reason
	}
	cs, err := tx.Comorbidities(ctx, c.ID)
	if err != nil {
		return f, "", err
	}
	for _, co := range cs {
		f.HasComorbidity = f.HasComorbidity || co.Active()
	}
	h, err := tx.SexualHistory(ctx, c.ID, 0)
	switch {
	case errors.Is(err, certboard.ErrNotFound):
	case err != nil:
		return f, "", err
	default:
		f.HistoryComplete = h.History.Done(now)
	}
	return f, why, nil
}

// checkCaseMove is plissit's Move.Check, with a refusal for want of scope
// said in the words of the practitioner's scope (why, when given) and
// marked to offer a referral.
func checkCaseMove(m plissit.Move, f plissit.Facts, why string) error {
	err := m.Check(f)
	if certboard.ErrorCode(err) != certboard.Forbidden {
		return err
	}
	return refusedForScope(m.To, why, certboard.As(err))
}

// refusedForScope is the refusal of work at stage outside the
// practitioner's scope: the scope's sentence why (or plissit's refusal
// when there is none), pointing to a referral, with the offer marked.
func refusedForScope(stage plissit.Stage, why string, base *certboard.Error) error {
	e := &certboard.Error{Code: certboard.Forbidden, Title: "Outside your scope of practice", Field: "to"}
	if base != nil {
		e.Message, e.Field = base.Message, base.Field
		if base.Title != "" {
			e.Title = base.Title
		}
	}
	if why != "" {
		e.Message = "to: " + strings.TrimSpace(why) +
			" Record the referral on the case: whom to, why, and the client's consent to share their record."
	}
	e.Extra = map[string]any{"offer": "referral", "stage": string(stage)}
	return e
}

// OffersReferral says whether err refuses work outside the practitioner's
// scope of practice and offers a referral instead: a page answers it with
// the referral form, for the stage ReferralStage names.
func OffersReferral(err error) bool {
	e := certboard.As(err)
	return e != nil && e.Code == certboard.Forbidden && e.Extra["offer"] == "referral"
}

// ReferralStage is the stage a refusal that OffersReferral refers the
// client for; "" for any other error.
func ReferralStage(err error) plissit.Stage {
	if !OffersReferral(err) {
		return ""
	}
	s, _ := certboard.As(err).Extra["stage"].(string)
	return plissit.Stage(s)
}

// casePermits says whether the practitioner userID may work stage, with
// the scope's sentence why, from their scope of practice now.
func (p *Practice) casePermits(ctx context.Context, tx Tx, userID int64, stage plissit.Stage) (bool, string, error) {
	sc, err := p.scopeFor(ctx, tx, userID)
	if err != nil {
		return false, "", err
	}
	ok, why := sc.Permits(stage)
	return ok, why, nil
}

// caseRules are the shipped escalation rules, loaded once.
var caseRules = sync.OnceValues(escalation.Shipped)

// caseEscalation evaluates the escalation rules on case c in tx: its
// scored measures that count (MeasuresForEscalation) and the
// comorbidities standing on it (cs, as the store lists them).
func (p *Practice) caseEscalation(ctx context.Context, tx Tx, c *Case, cs []Comorbidity) (escalation.Report, error) {
	rules, err := caseRules()
	if err != nil {
		return escalation.Report{}, certboard.Wrap(err, "the escalation rules cannot be read")
	}
	var in escalation.Input
	if in.Measures, err = tx.MeasuresForEscalation(ctx, c.ID); err != nil {
		return escalation.Report{}, err
	}
	in.Recorded = recordedOf(cs)
	if err := in.Check(); err != nil {
		return escalation.Report{}, certboard.Wrap(err, "a comorbidity on the case cannot be evaluated")
	}
	return escalation.Evaluate(rules, in), nil
}

// recordedComorbidities are the comorbidities standing on case caseID, in
// tx, as the escalation rules read them. The measures area's escalation
// of a case calls it.
func (p *Practice) recordedComorbidities(ctx context.Context, tx Tx, caseID int64) ([]escalation.Recorded, error) {
	cs, err := tx.Comorbidities(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return recordedOf(cs), nil
}

// recordedOf turns a case's comorbidities into what the escalation rules
// read: the standing ones, each with its source as the rules know it and
// a note that names the measure it came from or rests on.
func recordedOf(cs []Comorbidity) []escalation.Recorded {
	out := []escalation.Recorded{}
	for _, co := range cs {
		if !co.Active() {
			continue
		}
		note := co.Note
		if co.MeasureRef != "" {
			on := "on the scored measure " + co.MeasureRef
			if note == "" {
				note = on
			} else {
				note = on + "; " + note
			}
		}
		out = append(out, escalation.Recorded{Kind: co.Kind, Source: co.Source.escalationSource(), Note: note})
	}
	return out
}
