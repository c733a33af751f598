package practice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/escalation"
)

// shippedRules parses the escalation rules certboard ships, once. The
// package's tests parse them, so a failure here is a defect of the build.
var shippedRules = sync.OnceValues(escalation.Shipped)

// escalate evaluates the escalation rules on a case, in tx: the case's
// scored responses that count (MeasuresForEscalation) and the
// comorbidities recorded on it by hand (recordedComorbidities). It keeps
// the report, with its explanation, as an EscalationRecord, and opens the
// same-day safety tasks the report calls for that no earlier evaluation
// opened: a task opens once per response, whatever happens to it after.
// trigger and responseID say what made it run (responseID 0 for none).
// The cases use cases call it when a comorbidity is recorded or ended
// (TriggerComorbidity). It returns the record and the tasks opened.
func (p *Practice) escalate(ctx context.Context, tx Tx, by Actor, caseID, clientID int64, trigger EscalationTrigger,
	responseID int64) (*EscalationRecord, []SafetyTask, error) {
	rules, err := shippedRules()
	if err != nil {
		return nil, nil, fmt.Errorf("escalation rules: %w", err)
	}
	ms, err := tx.MeasuresForEscalation(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	recorded, err := p.recordedComorbidities(ctx, tx, caseID)
	if err != nil {
		return nil, nil, err
	}
	input := escalation.Input{Measures: ms, Recorded: recorded}
	if err := input.Check(); err != nil {
		return nil, nil, fmt.Errorf("case %d: %w", caseID, err)
	}
	rep := escalation.Evaluate(rules, input)
	now := p.clock.Now().UTC()
	rec := EscalationRecord{CaseID: caseID, At: now, By: by.UserID, Trigger: trigger, Response: responseID,
		RulesVersion: rep.Version, NeedsIntensiveTherapy: rep.NeedsIntensiveTherapy, Explanation: Explain(input, rep)}
	if rec.ID, err = tx.CreateEscalationRecord(ctx, rec); err != nil {
		return nil, nil, err
	}
	// The audit entry names the record, not what the rules said of the
	// client: that is clinical, and sealed in the record.
	if err := p.appendAudit(ctx, tx, by, "measure.escalation", ClientSubject(clientID), nil,
		map[string]any{"escalation": rec.ID, "case": caseID, "trigger": trigger, "rules_version": rep.Version}); err != nil {
		return nil, nil, err
	}
	var opened []SafetyTask
	for _, st := range rep.SafetyTasks {
		t, err := p.openSafetyTask(ctx, tx, by, caseID, clientID, st)
		if err != nil {
			return nil, nil, err
		}
		if t != nil {
			opened = append(opened, *t)
		}
	}
	return &rec, opened, nil
}

// openSafetyTask opens the safety task a rule calls for, unless what
// raised it already opened one for that rule (nil then): a response
// ("response:<id>"), or answers a client saved through a link and has not
// sent ("link:<id>", SaveLinkAnswers). The task names the practitioner
// who entered the response or sent the link and is due the same day; it
// is on the home page of every practitioner assigned to the client
// (OpenSafetyTasks).
func (p *Practice) openSafetyTask(ctx context.Context, tx Tx, by Actor, caseID, clientID int64, st escalation.SafetyTask) (*SafetyTask, error) {
	now := p.clock.Now().UTC()
	t := SafetyTask{CaseID: caseID, ClientID: clientID, Rule: st.Rule, Why: st.Why, OpenedAt: now, Due: date.FromTime(now)}
	var existing []SafetyTask
	if respID, ok := ParseResponseRef(st.Measure.Ref); ok {
		var err error
		if existing, err = tx.ResponseSafetyTasks(ctx, respID); err != nil {
			return nil, err
		}
		r, err := tx.MeasureResponse(ctx, respID)
		if err != nil {
			return nil, fmt.Errorf("safety task of rule %s: %w", st.Rule, err)
		}
		t.Response, t.Practitioner = respID, r.EnteredBy
	} else if linkID, ok := parseLinkRef(st.Measure.Ref); ok {
		var err error
		if existing, err = tx.LinkSafetyTasks(ctx, linkID); err != nil {
			return nil, err
		}
		l, err := tx.LockMeasureLink(ctx, linkID)
		if err != nil {
			return nil, fmt.Errorf("safety task of rule %s: %w", st.Rule, err)
		}
		t.Link, t.Practitioner = linkID, l.CreatedBy
	} else {
		return nil, fmt.Errorf("safety task of rule %s: the measure has no response or link (%q)", st.Rule, st.Measure.Ref)
	}
	if slices.ContainsFunc(existing, func(e SafetyTask) bool { return e.Rule == st.Rule }) {
		return nil, nil
	}
	var err error
	if t.ID, err = tx.CreateSafetyTask(ctx, t); err != nil {
		return nil, err
	}
	after := map[string]any{"task": t.ID, "case": caseID, "response": t.Response, "practitioner": t.Practitioner, "due": t.Due.String()}
	if t.Link != 0 {
		after["link"] = t.Link
	}
	if err := p.appendAudit(ctx, tx, by, "safety.open", ClientSubject(clientID), nil, after); err != nil {
		return nil, err
	}
	return &t, nil
}

// OpenSafetyTasks lists the safety tasks open on the clients the
// practitioner by is assigned to now, oldest first, for their home page:
// a task belongs to the client's practitioners, not only to the one who
// entered the response, so that it is never left on nobody's page when
// that one is unassigned or loses the role. Each stays there until one of
// them records what they did (ResolveSafetyTask); a client by is no longer
// assigned to leaves the list. Anyone who is not a practitioner has none.
// The list is audited ("safety.list": it tells which clients were flagged,
// so it names the tasks and their clients by id).
func (p *Practice) OpenSafetyTasks(ctx context.Context, by Actor) ([]SafetyTask, error) {
	if !by.IsPractitioner() {
		return []SafetyTask{}, nil
	}
	var out []SafetyTask
	err := p.store.InTx(ctx, func(tx Tx) error {
		var err error
		if out, err = tx.OpenSafetyTasks(ctx, by.UserID); err != nil {
			return err
		}
		tasks, clients := make([]int64, len(out)), make([]int64, len(out))
		for i, t := range out {
			tasks[i], clients[i] = t.ID, t.ClientID
		}
		return p.appendAudit(ctx, tx, by, "safety.list", "safety_tasks", nil,
			map[string]any{"count": len(out), "tasks": tasks, "clients": clients})
	})
	return out, err
}

// ResolveSafetyTask records what a practitioner did about a safety task
// (action, required: MinSafetyAction to MaxSafetyAction characters,
// sealed at rest), which closes it. Any practitioner assigned to the
// client now may, whoever entered the response; anyone else is told there
// is no such task. A task already resolved is a Conflict. Audited
// ("safety.resolve").
func (p *Practice) ResolveSafetyTask(ctx context.Context, by Actor, taskID int64, action string) (*SafetyTask, error) {
	action, err := checkWords("action", action, MinSafetyAction, MaxSafetyAction,
		"say what you did: whom you reached, when, and what was agreed")
	if err != nil {
		return nil, err
	}
	var out *SafetyTask
	err = p.store.InTx(ctx, func(tx Tx) error {
		t, err := tx.LockSafetyTask(ctx, taskID)
		if errors.Is(err, certboard.ErrNotFound) {
			return errNoTask(taskID)
		}
		if err != nil {
			return err
		}
		if err := p.mayChangeClient(ctx, tx, by, t.ClientID); err != nil {
			if certboard.As(err).Code == certboard.NotFound {
				return errNoTask(taskID)
			}
			return err
		}
		if !t.Open() {
			return certboard.Errorf(certboard.Conflict, "safety task %d was resolved already, by %s on %s", taskID,
				t.Resolution.ByName, t.Resolution.At.Format("2006-01-02 15:04 UTC"))
		}
		res := Resolution{Action: action, By: by.UserID, ByName: by.Name, At: p.clock.Now().UTC()}
		err = tx.ResolveSafetyTask(ctx, taskID, res)
		if errors.Is(err, certboard.ErrConflict) {
			return certboard.Errorf(certboard.Conflict, "safety task %d was resolved by someone else meanwhile; reload the page", taskID)
		}
		if err != nil {
			return err
		}
		t.Resolution = &res
		out = t
		return p.appendAudit(ctx, tx, by, "safety.resolve", ClientSubject(t.ClientID), map[string]any{"open": true},
			map[string]any{"task": taskID, "case": t.CaseID, "response": t.Response, "overdue": t.Due.Before(date.FromTime(res.At))})
	})
	return out, err
}

func errNoTask(id int64) error {
	return certboard.Errorf(certboard.NotFound, "there is no safety task %d among your clients'", id).WithTitle("Safety task not found")
}
