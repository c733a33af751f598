package practice

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/measure"
)

// ResponseAnswers are what a practitioner enters of a client's response.
type ResponseAnswers struct {
	// Sex is "female", "male" or "" (not given); it matters to AUDIT-C's
	// threshold.
	Sex string
	// Answers are one an item, in order; nil for an item not answered
	// yet. A response with every item answered is scored; one with a
	// blank is kept in progress.
	Answers []*int
	// Closing is the label chosen for the closing question (PHQ-9's
	// difficulty question), "" when not answered.
	Closing string
	// TakenAt is when the client answered.
	TakenAt time.Time
}

// NewResponse is what recording a response takes.
type NewResponse struct {
	CaseID     int64
	Instrument string
	ResponseAnswers
}

// ResponseOutcome is what recording or completing a response did.
type ResponseOutcome struct {
	Response Response
	// Escalation is the evaluation the score triggered; nil while the
	// response is in progress.
	Escalation *EscalationRecord
	// SafetyTasks are the safety tasks the score opened.
	SafetyTasks []SafetyTask
}

// checkedAnswers are answers checked at the edge.
type checkedAnswers struct {
	sex      measure.Sex
	answers  []*int
	complete bool
	takenAt  time.Time
	// source is who gave the answers ("" for the practitioner).
	source ResponseSource
}

// checkResponseAnswers checks what a practitioner entered, before any
// transaction.
func (p *Practice) checkResponseAnswers(in measure.Instrument, ra ResponseAnswers) (checkedAnswers, error) {
	sex, err := measure.ParseSex(ra.Sex)
	if err != nil {
		return checkedAnswers{}, err
	}
	complete, err := CheckAnswers(in, ra.Answers)
	if err != nil {
		return checkedAnswers{}, err
	}
	taken, err := checkTakenAt(ra.TakenAt, p.clock.Now())
	if err != nil {
		return checkedAnswers{}, err
	}
	answers := make([]*int, len(ra.Answers))
	for i, a := range ra.Answers {
		if a != nil {
			v := *a
			answers[i] = &v
		}
	}
	return checkedAnswers{sex: sex, answers: answers, complete: complete, takenAt: taken}, nil
}

// fill sets a response's answers and, when every item is answered, its
// score: a completed response, or one still in progress.
func fill(r *Response, in measure.Instrument, c checkedAnswers, closing string, now time.Time) error {
	r.Sex, r.Answers, r.Closing, r.TakenAt, r.UpdatedAt = c.sex, c.answers, closing, c.takenAt, now
	if !c.complete {
		r.Status, r.Result, r.CompletedAt = InProgress, nil, time.Time{}
		return nil
	}
	vals := make([]int, len(c.answers))
	for i, a := range c.answers {
		vals[i] = *a
	}
	res, err := measure.Score(in.ID, vals, c.sex)
	if err != nil {
		return err // CheckAnswers let through what Score refuses: a defect
	}
	r.Status, r.Result, r.CompletedAt = Completed, res, now
	return nil
}

// usable returns the wording a response to the instrument is given on, or
// Conflict saying why the instrument cannot be used now.
func usable(v InstrumentView) error {
	switch {
	case !v.Setting.Enabled:
		return certboard.Errorf(certboard.Conflict, "%s is not enabled in this practice; a practice admin enables it", v.Instrument.Name)
	case v.Texts == nil:
		return certboard.Errorf(certboard.Conflict,
			"%s has no item texts in this practice yet; a practice admin confirms permission and imports them", v.Instrument.Name)
	}
	return nil
}

// RecordResponse records a client's response to an instrument on a case,
// entered by an assigned practitioner; the case must be open. Bad input
// is refused before anything is written, naming the field (an answer out
// of range names its item). A response with every item answered is scored by measure.Score
// and never changes after; the case's escalation is then evaluated, its
// report kept, and a PHQ-9 self-harm flag opens a same-day safety task. A
// response with an item unanswered is kept in progress, not scored, and
// completed later by ContinueResponse. The instrument must be enabled
// with its wording, and the client's consent to treatment in force
// (Conflict otherwise). Audited ("measure.record").
func (p *Practice) RecordResponse(ctx context.Context, by Actor, req NewResponse) (*ResponseOutcome, error) {
	in, err := checkInstrument(req.Instrument)
	if err != nil {
		return nil, err
	}
	c, err := p.checkResponseAnswers(in, req.ResponseAnswers)
	if err != nil {
		return nil, err
	}
	var out *ResponseOutcome
	err = p.store.InTx(ctx, func(tx Tx) error {
		r, err := p.recordIn(ctx, tx, by, req.CaseID, in, c, req.Closing, 0)
		if err != nil {
			return err
		}
		out, err = p.afterScore(ctx, tx, by, *r)
		return err
	})
	return out, err
}

// recordIn records a response in tx: the access check, the instrument's
// wording, the score and the audit entry; the caller evaluates the
// escalation. corrects is the response it corrects (0 for none); the
// caller marks that one.
func (p *Practice) recordIn(ctx context.Context, tx Tx, by Actor, caseID int64, in measure.Instrument, c checkedAnswers,
	closing string, corrects int64) (*Response, error) {
	clientID, err := p.measureCase(ctx, tx, by, caseID)
	if err != nil {
		return nil, err
	}
	v, err := instrumentIn(ctx, tx, in)
	if err != nil {
		return nil, err
	}
	if err := usable(v); err != nil {
		return nil, err
	}
	if closing, err = checkClosing(*v.Texts, closing); err != nil {
		return nil, err
	}
	now := p.clock.Now().UTC()
	r := Response{CaseID: caseID, ClientID: clientID, Instrument: in.ID, TextsRef: v.TextsRef, EnteredBy: by.UserID,
		EnteredByName: by.Name, CreatedAt: now, Corrects: corrects, Version: 1, Source: c.source}
	if err := fill(&r, in, c, closing, now); err != nil {
		return nil, err
	}
	if r.ID, err = tx.CreateMeasureResponse(ctx, r); err != nil {
		return nil, err
	}
	after := map[string]any{"response": r.ID, "case": caseID, "instrument": in.ID, "status": r.Status}
	if corrects != 0 {
		after["corrects"] = corrects
	}
	if err := p.appendAudit(ctx, tx, by, "measure.record", ClientSubject(clientID), nil, after); err != nil {
		return nil, err
	}
	return &r, nil
}

// afterScore evaluates the escalation of a response's case once it is
// scored; a response in progress is returned as it is.
func (p *Practice) afterScore(ctx context.Context, tx Tx, by Actor, r Response) (*ResponseOutcome, error) {
	out := &ResponseOutcome{Response: r}
	if r.Status != Completed {
		return out, nil
	}
	var err error
	out.Escalation, out.SafetyTasks, err = p.escalate(ctx, tx, by, r.CaseID, r.ClientID, TriggerScored, r.ID)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// errNoResponse is what a reader who may not know a response exists is
// told, the same as for one that does not exist.
func errNoResponse(id int64) error {
	return certboard.Errorf(certboard.NotFound, "there is no response %d among your clients' measures", id).
		WithTitle("Response not found")
}

// lockResponse reads and locks a response that by may change.
func (p *Practice) lockResponse(ctx context.Context, tx Tx, by Actor, id int64) (*Response, error) {
	r, err := tx.LockMeasureResponse(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, errNoResponse(id)
	}
	if err != nil {
		return nil, err
	}
	if err := p.mayChangeClient(ctx, tx, by, r.ClientID); err != nil {
		if e := certboard.As(err); e.Code == certboard.NotFound {
			return nil, errNoResponse(id)
		}
		return nil, err
	}
	return r, nil
}

// ContinueResponse saves more answers to a response in progress, the same
// way RecordResponse saves the first (answers are given whole, blanks
// for items still unanswered): once every item is answered it is scored,
// and the case's escalation evaluated. Only an assigned practitioner may,
// and only while the response is in progress and still at version, its
// case open and the client's consent to treatment in force (Conflict
// otherwise). Audited ("measure.continue").
func (p *Practice) ContinueResponse(ctx context.Context, by Actor, id int64, version int, ra ResponseAnswers) (*ResponseOutcome, error) {
	var out *ResponseOutcome
	err := p.store.InTx(ctx, func(tx Tx) error {
		r, err := p.lockResponse(ctx, tx, by, id)
		if err != nil {
			return err
		}
		in, err := checkInstrument(r.Instrument)
		if err != nil {
			return err
		}
		if r.Status != InProgress {
			return certboard.Errorf(certboard.Conflict,
				"response %d is %s and can no longer change; to correct a scored response, mark it entered in error and record it again",
				id, r.Status.Label())
		}
		if r.Version != version {
			return staleResponse(id)
		}
		// The case is locked, as RecordResponse locks it, so that it
		// cannot close while the response is completed.
		cs, err := tx.LockCase(ctx, r.CaseID)
		if err != nil {
			return err
		}
		if !cs.Open() {
			return closedCase(r.CaseID)
		}
		if err := p.requireConsent(ctx, tx, r.ClientID); err != nil {
			return err
		}
		c, err := p.checkResponseAnswers(in, ra)
		if err != nil {
			return err
		}
		texts, err := textsOf(ctx, tx, *r)
		if err != nil {
			return err
		}
		closing, err := checkClosing(texts, ra.Closing)
		if err != nil {
			return err
		}
		if err := fill(r, in, c, closing, p.clock.Now().UTC()); err != nil {
			return err
		}
		next, err := tx.SaveMeasureProgress(ctx, *r, version)
		if errors.Is(err, certboard.ErrConflict) {
			return staleResponse(id)
		}
		if err != nil {
			return err
		}
		r.Version = next
		if err := p.appendAudit(ctx, tx, by, "measure.continue", ClientSubject(r.ClientID), map[string]any{"status": InProgress},
			map[string]any{"response": id, "case": r.CaseID, "instrument": in.ID, "status": r.Status}); err != nil {
			return err
		}
		out, err = p.afterScore(ctx, tx, by, *r)
		return err
	})
	return out, err
}

func staleResponse(id int64) error {
	return certboard.Errorf(certboard.Conflict,
		"response %d was changed by someone else since you opened it; reload the page and enter the answers again", id)
}

// textsOf returns the wording a response was given on.
func textsOf(ctx context.Context, tx Tx, r Response) (measure.Texts, error) {
	if r.TextsRef == ShippedTextsRef {
		if t, ok := measure.ShippedTexts(r.Instrument); ok {
			return t, nil
		}
	}
	var id int64
	if _, err := fmt.Sscanf(r.TextsRef, "import:%d", &id); err != nil || ImportRef(id) != r.TextsRef {
		return measure.Texts{}, fmt.Errorf("response %d: unknown wording %q", r.ID, r.TextsRef)
	}
	t, err := tx.MeasureTexts(ctx, id)
	if err != nil {
		return measure.Texts{}, fmt.Errorf("response %d: %w", r.ID, err)
	}
	return t.Texts, nil
}

// MarkEnteredInError withdraws a response entered in error, in progress
// or scored, with the reason (MinErrorReason to MaxErrorReason
// characters, sealed at rest). The response is kept, marked, and no longer
// counts: a scored one leaves the chart, and the case's escalation is
// evaluated again without it. A safety task it opened stays open until
// the practitioner records what they did. Only an assigned practitioner
// may; a response already marked is a Conflict. Audited
// ("measure.entered_in_error").
func (p *Practice) MarkEnteredInError(ctx context.Context, by Actor, id int64, reason string) (*ResponseOutcome, error) {
	reason, err := checkErrorReason(reason)
	if err != nil {
		return nil, err
	}
	var out *ResponseOutcome
	err = p.store.InTx(ctx, func(tx Tx) error {
		r, err := p.markIn(ctx, tx, by, id, reason, 0)
		if err != nil {
			return err
		}
		out = &ResponseOutcome{Response: *r}
		if r.Result != nil {
			out.Escalation, out.SafetyTasks, err = p.escalate(ctx, tx, by, r.CaseID, r.ClientID, TriggerEnteredInError, r.ID)
		}
		return err
	})
	return out, err
}

// checkErrorReason checks why a response was entered in error.
func checkErrorReason(reason string) (string, error) {
	return checkWords("reason", reason, MinErrorReason, MaxErrorReason,
		"say what was wrong with the response (the wrong client, a misread answer)")
}

// markIn marks response id entered in error in tx, naming the response
// that corrects it (0 for none), and returns it as marked.
func (p *Practice) markIn(ctx context.Context, tx Tx, by Actor, id int64, reason string, correctedBy int64) (*Response, error) {
	r, err := p.lockResponse(ctx, tx, by, id)
	if err != nil {
		return nil, err
	}
	if r.Status == EnteredInError {
		return nil, certboard.Errorf(certboard.Conflict, "response %d is already marked entered in error", id)
	}
	mark := ErrorMark{Reason: reason, By: by.UserID, ByName: by.Name, At: p.clock.Now().UTC()}
	err = tx.MarkMeasureInError(ctx, id, mark, correctedBy)
	if errors.Is(err, certboard.ErrConflict) {
		return nil, certboard.Errorf(certboard.Conflict, "response %d is already marked entered in error", id)
	}
	if err != nil {
		return nil, err
	}
	after := map[string]any{"response": id, "case": r.CaseID, "instrument": r.Instrument, "status": EnteredInError}
	if correctedBy != 0 {
		after["corrected_by"] = correctedBy
	}
	if err := p.appendAudit(ctx, tx, by, "measure.entered_in_error", ClientSubject(r.ClientID),
		map[string]any{"status": r.Status}, after); err != nil {
		return nil, err
	}
	was := r.Status
	r.Status, r.Error, r.CorrectedBy = EnteredInError, &mark, correctedBy
	if was == InProgress {
		r.Result = nil
	}
	return r, nil
}

// CorrectResponse corrects a scored response: in one transaction it marks
// it entered in error with the reason and records the corrected answers
// as a new response to the same instrument on the same case, linked both
// ways (Corrects, CorrectedBy). The new response is scored, or kept in
// progress, as RecordResponse does, and the case's escalation evaluated.
// A response in progress is completed with ContinueResponse instead
// (Conflict), and one already entered in error cannot be corrected again.
func (p *Practice) CorrectResponse(ctx context.Context, by Actor, id int64, reason string, ra ResponseAnswers) (*ResponseOutcome, error) {
	reason, err := checkErrorReason(reason)
	if err != nil {
		return nil, err
	}
	var out *ResponseOutcome
	err = p.store.InTx(ctx, func(tx Tx) error {
		old, err := p.lockResponse(ctx, tx, by, id)
		if err != nil {
			return err
		}
		switch old.Status {
		case InProgress:
			return certboard.Errorf(certboard.Conflict,
				"response %d is in progress: complete it with the corrected answers instead", id)
		case EnteredInError:
			return certboard.Errorf(certboard.Conflict, "response %d is already marked entered in error", id)
		}
		in, err := checkInstrument(old.Instrument)
		if err != nil {
			return err
		}
		c, err := p.checkResponseAnswers(in, ra)
		if err != nil {
			return err
		}
		r, err := p.recordIn(ctx, tx, by, old.CaseID, in, c, ra.Closing, old.ID)
		if err != nil {
			return err
		}
		if _, err := p.markIn(ctx, tx, by, old.ID, reason, r.ID); err != nil {
			return err
		}
		out = &ResponseOutcome{Response: *r}
		// One evaluation, once the old response no longer counts: on the
		// correction's score, or without the old score while the
		// correction is in progress.
		trigger, from := TriggerScored, r.ID
		if r.Status != Completed {
			trigger, from = TriggerEnteredInError, old.ID
		}
		out.Escalation, out.SafetyTasks, err = p.escalate(ctx, tx, by, old.CaseID, old.ClientID, trigger, from)
		return err
	})
	return out, err
}

// ResponseView is a response as its page shows it.
type ResponseView struct {
	Response   Response
	Instrument measure.Instrument
	// Texts is the wording the response was given on.
	Texts measure.Texts
	// Escalations are the evaluations the response triggered, oldest
	// first, each with its explanation.
	Escalations []EscalationRecord
	// SafetyTasks are the safety tasks it raised.
	SafetyTasks []SafetyTask
	// Access is how the reader reached the record.
	Access Access
}

// Response reads one response with its wording, the evaluations it
// triggered and the safety tasks it raised, for an assigned practitioner
// or an admin with emergency access. The read is audited (ClientRead,
// "measure:response:<id>").
func (p *Practice) Response(ctx context.Context, by Actor, id int64) (*ResponseView, error) {
	var out *ResponseView
	err := p.store.InTx(ctx, func(tx Tx) error {
		r, err := tx.MeasureResponse(ctx, id)
		if errors.Is(err, certboard.ErrNotFound) {
			return errNoResponse(id)
		}
		if err != nil {
			return err
		}
		acc, err := p.openClient(ctx, tx, by, r.ClientID, "measure:response:"+strconv.FormatInt(id, 10))
		if err != nil {
			if e := certboard.As(err); e.Code == certboard.NotFound {
				return errNoResponse(id)
			}
			return err
		}
		in, err := checkInstrument(r.Instrument)
		if err != nil {
			return err
		}
		v := &ResponseView{Response: *r, Instrument: in, Access: acc}
		if v.Texts, err = textsOf(ctx, tx, *r); err != nil {
			return err
		}
		if v.Escalations, err = tx.ResponseEscalationRecords(ctx, id); err != nil {
			return err
		}
		if v.SafetyTasks, err = tx.ResponseSafetyTasks(ctx, id); err != nil {
			return err
		}
		out = v
		return nil
	})
	return out, err
}

// CaseMeasures is a case's measures as its page shows them.
type CaseMeasures struct {
	CaseID   int64
	ClientID int64
	// Responses are every response, newest taken first, those entered in
	// error included (marked).
	Responses []Response
	// Series are the scores over time, one an instrument (SeriesOf).
	Series []Series
	// Escalation is the latest evaluation of the case; nil when none.
	Escalation *EscalationRecord
	// SafetyTasks are the case's safety tasks, newest first.
	SafetyTasks []SafetyTask
	Access      Access
}

// CaseMeasures reads a case's responses, its scores over time (responses
// entered in error left out), its latest escalation and its safety tasks,
// for an assigned practitioner or an admin with emergency access. The
// read is audited (ClientRead, "case:<id>:measures").
func (p *Practice) CaseMeasures(ctx context.Context, by Actor, caseID int64) (*CaseMeasures, error) {
	var out *CaseMeasures
	err := p.store.InTx(ctx, func(tx Tx) error {
		cm, err := p.openCaseMeasures(ctx, tx, by, caseID)
		if err != nil {
			return err
		}
		if cm.Responses, err = tx.CaseMeasureResponses(ctx, caseID); err != nil {
			return err
		}
		cm.Series = SeriesOf(cm.Responses)
		out = cm
		return nil
	})
	return out, err
}

// openCaseMeasures opens case caseID's measures for by, as CaseMeasures
// and CaseMeasuresPage do (readMeasureCase audits the read): all of
// CaseMeasures but the responses and their series.
func (p *Practice) openCaseMeasures(ctx context.Context, tx Tx, by Actor, caseID int64) (*CaseMeasures, error) {
	clientID, acc, err := p.readMeasureCase(ctx, tx, by, caseID)
	if err != nil {
		return nil, err
	}
	cm := &CaseMeasures{CaseID: caseID, ClientID: clientID, Access: acc}
	latest, err := tx.LatestEscalationRecord(ctx, caseID)
	switch {
	case err == nil:
		cm.Escalation = latest
	case !errors.Is(err, certboard.ErrNotFound):
		return nil, err
	}
	if cm.SafetyTasks, err = tx.CaseSafetyTasks(ctx, caseID); err != nil {
		return nil, err
	}
	return cm, nil
}

// ClientMeasures is a client's measures across their cases, for the
// client's record page.
type ClientMeasures struct {
	ClientID int64
	// Responses are every response, newest taken first.
	Responses []Response
	// Series are the scores over time, one an instrument (SeriesOf).
	Series []Series
	// OpenSafetyTasks are the client's safety tasks still open, oldest
	// first.
	OpenSafetyTasks []SafetyTask
	Access          Access
}

// ClientMeasures reads a client's responses on all their cases, their
// scores over time and their open safety tasks, for an assigned
// practitioner or an admin with emergency access. The read is audited
// (ClientRead, "measures").
func (p *Practice) ClientMeasures(ctx context.Context, by Actor, clientID int64) (*ClientMeasures, error) {
	var out *ClientMeasures
	err := p.store.InTx(ctx, func(tx Tx) error {
		acc, err := p.openClient(ctx, tx, by, clientID, "measures")
		if err != nil {
			return err
		}
		cm := &ClientMeasures{ClientID: clientID, Access: acc}
		if cm.Responses, err = tx.ClientMeasureResponses(ctx, clientID); err != nil {
			return err
		}
		cm.Series = SeriesOf(cm.Responses)
		if cm.OpenSafetyTasks, err = tx.ClientOpenSafetyTasks(ctx, clientID); err != nil {
			return err
		}
		out = cm
		return nil
	})
	return out, err
}
