//go:build measures_pending

package practice

import (
	"context"

	"github.com/certboard/certboard/practice/escalation"
)

// What the measures use cases read of the cases area: the case a response
// is recorded on, and the comorbidities recorded on it by hand.

// measureCase locks case caseID for recording a response by by in tx, as
// the cases area checks every change that records treatment
// (changeCase): by may change the client's record, the case is open, and
// the client's consent to treatment is in force. It returns the case's
// client.
func (p *Practice) measureCase(ctx context.Context, tx Tx, by Actor, caseID int64) (int64, error) {
	c, err := p.changeCase(ctx, tx, by, caseID, caseTreatment)
	if err != nil {
		return 0, err
	}
	return c.ClientID, nil
}

// readMeasureCase opens case caseID for reading its measures by by in tx
// (the cases area's readCase: the read is audited as "case:<id>:measures")
// and returns its client and how by reached the record.
func (p *Practice) readMeasureCase(ctx context.Context, tx Tx, by Actor, caseID int64) (int64, Access, error) {
	c, acc, err := p.readCase(ctx, tx, by, caseID, ":measures")
	if err != nil {
		return 0, Access{}, err
	}
	return c.ClientID, acc, nil
}

// recordedComorbidities returns the comorbidities standing on case caseID
// (recorded and not ended), as the escalation rules read them: the same
// as the cases area gives them (caseEscalation).
func (p *Practice) recordedComorbidities(ctx context.Context, tx Tx, caseID int64) ([]escalation.Recorded, error) {
	cs, err := tx.Comorbidities(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var out []escalation.Recorded
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
	return out, nil
}
