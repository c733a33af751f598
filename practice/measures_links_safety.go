package practice

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/measure"
)

// What the answers a client saves through a link raise before they are
// sent. A client who answers PHQ-9 item 9 above 0 and stops before
// "Send" has still told the practice of thoughts of self-harm: the save
// opens the same-day safety task a sent response would (the same
// escalation rule, the same openSafetyTask), once per link, and when the
// client later sends the answers the response joins that task instead of
// opening a second. No response is recorded for answers not sent: the
// measure is incomplete and has no score. Because nobody from the
// practice is with a client who answers through a link, each task such
// answers open, sent or not, is mailed to every practitioner assigned to
// the client.

// linkRef names a link as the measure of a safety task its saved answers
// raised: "link:<id>".
func linkRef(id int64) string { return "link:" + strconv.FormatInt(id, 10) }

// parseLinkRef reads "link:<id>"; false for anything else.
func parseLinkRef(s string) (int64, bool) { return parseRef(s, "link:") }

// raiseSavedFlags opens, in tx, the safety tasks the escalation rules
// call for on the flags a link's answers saved at raise whatever the
// items not answered yet get (measure.FlagsSoFar,
// escalation.PartialTasks), in the name of the practitioner who sent the
// link, and mails them. A task the link opened before is not opened again.
func (p *Practice) raiseSavedFlags(ctx context.Context, tx Tx, ll *liveLink, at time.Time) ([]SafetyTask, error) {
	l := ll.link
	flags, err := measure.FlagsSoFar(ll.in.ID, l.Answers)
	if err != nil || len(flags) == 0 {
		return nil, err
	}
	rules, err := shippedRules()
	if err != nil {
		return nil, fmt.Errorf("escalation rules: %w", err)
	}
	answered := 0
	for _, a := range l.Answers {
		if a != nil {
			answered++
		}
	}
	var opened []SafetyTask
	for _, st := range escalation.PartialTasks(rules, escalation.Partial{Instrument: ll.in.ID, Flags: flags, Answered: answered,
		Items: len(ll.in.Items), Taken: at, Ref: linkRef(l.ID)}) {
		t, err := p.openSafetyTask(ctx, tx, ll.sender, l.CaseID, l.ClientID, st)
		if err != nil {
			return nil, err
		}
		if t != nil {
			opened = append(opened, *t)
		}
	}
	return opened, p.mailSafetyTasks(ctx, tx, l.ClientID, opened)
}

// mailSafetyTasks tells every practitioner assigned to the client, in tx,
// of safety tasks that answers given through a link opened. The mail
// names the client by number and says nothing of the answers: mail leaves
// the practice's systems.
func (p *Practice) mailSafetyTasks(ctx context.Context, tx Tx, clientID int64, tasks []SafetyTask) error {
	if len(tasks) == 0 {
		return nil
	}
	team, err := tx.ClientPractitioners(ctx, clientID)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		page := fmt.Sprintf("%s/measures/%d#task-%d", p.PublicURL(), t.Response, t.ID)
		if t.Response == 0 {
			page = fmt.Sprintf("%s/cases/%d/measures/links#task-%d", p.PublicURL(), t.CaseID, t.ID)
		}
		for _, m := range team {
			if err := p.mail(ctx, tx, m.Email, notify.SafetyTaskOpened{Practitioner: m.Name, Client: clientID,
				At: t.OpenedAt.Format("2006-01-02 15:04 UTC"), Due: t.Due.String(), NotSent: t.Response == 0, Link: page}); err != nil {
				return err
			}
		}
	}
	return nil
}
