package practice

import "context"

// What the measures use cases read of the cases area: the case a response
// is recorded on. The comorbidities recorded on it by hand come from the
// cases area's recordedComorbidities.

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
