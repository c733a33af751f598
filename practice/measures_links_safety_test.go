package practice_test

import (
	"context"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// TestLinkSavedSelfHarmOpensSafetyTask: on both engines, a client who
// answers PHQ-9 item 9 above 0 and only saves opens the same-day safety
// task, in the link's name, mailed to each of the client's practitioners,
// with no response recorded; saving again opens no second task and sends
// no second mail, and sending the answers joins the response to that task
// rather than opening another. Item 9 at 0 opens nothing.
func TestLinkSavedSelfHarmOpensSafetyTask(t *testing.T) {
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			e := newMeasureEnvOn(t, db)
			link, token := e.sendInRoom(t, "phq-9")
			mailsBefore, auditsBefore := len(e.mails(t)), len(e.audits(t))
			if _, err := e.p.SaveLinkAnswers(ctx, token, step(1, 1, 2, 0, 3, 0)); err != nil {
				t.Fatal(err)
			}
			if n := len(e.caseMeasures(t).SafetyTasks); n != 0 {
				t.Fatalf("answers without a flag opened %d tasks", n)
			}
			// The client answers item 9 and stops before sending.
			if _, err := e.p.SaveLinkAnswers(ctx, token, step(9, 1)); err != nil {
				t.Fatal(err)
			}
			cm := e.caseMeasures(t)
			if len(cm.Responses) != 0 {
				t.Fatalf("answers not sent recorded a response: %+v", cm.Responses)
			}
			if len(cm.SafetyTasks) != 1 {
				t.Fatalf("safety tasks %+v", cm.SafetyTasks)
			}
			task := cm.SafetyTasks[0]
			if !task.Open() || task.Link != link.ID || task.Response != 0 || task.Rule != "phq9-self-harm" ||
				task.Practitioner != e.pat.UserID || !strings.Contains(task.Why, "answered in part (4 of 9 items)") {
				t.Fatalf("task %+v", task)
			}
			for _, by := range []practice.Actor{e.pat, e.sam} {
				open, err := e.p.OpenSafetyTasks(ctx, by)
				if err != nil || len(open) != 1 || open[0].ID != task.ID {
					t.Fatalf("%s's open tasks %+v, %v", by.Name, open, err)
				}
			}
			ms := e.mails(t)[mailsBefore:]
			to := map[string]bool{}
			for _, m := range ms {
				to[m.To] = true
				body := m.Subject + "\n" + m.Body
				if !strings.Contains(m.Subject, "Same-day safety task for client "+itoa(e.clientID)) ||
					!strings.Contains(body, "/cases/"+itoa(e.caseID)+"/measures/links#task-"+itoa(task.ID)) {
					t.Errorf("mail %+v", m)
				}
				for _, leak := range []string{"Robin", "Vale", "PHQ", "item 9", "self-harm"} {
					if strings.Contains(body, leak) {
						t.Errorf("the mail says %q:\n%s", leak, body)
					}
				}
			}
			if len(ms) != 2 || !to["pat@practice.example"] || !to["sam@practice.example"] {
				t.Fatalf("mails %+v", ms)
			}
			var opened bool
			for _, en := range e.audits(t)[auditsBefore:] {
				if en.Action == "safety.open" {
					opened = strings.Contains(en.After, `"link":`+itoa(link.ID)) && strings.Contains(en.After, `"task":`+itoa(task.ID))
				}
			}
			if !opened {
				t.Error("no safety.open entry naming the link")
			}
			cl, err := e.p.CaseLinks(ctx, e.pat, e.caseID)
			if err != nil {
				t.Fatal(err)
			}
			if got := cl.Flagged[link.ID]; len(got) != 1 || got[0].ID != task.ID {
				t.Errorf("the list's flagged links %+v", cl.Flagged)
			}

			// Saving again, item 9 still above 0: no second task, no mail.
			mailsBefore = len(e.mails(t))
			if _, err := e.p.SaveLinkAnswers(ctx, token, step(4, 0, 9, 2)); err != nil {
				t.Fatal(err)
			}
			if n := len(e.caseMeasures(t).SafetyTasks); n != 1 {
				t.Fatalf("a second save: %d tasks", n)
			}
			// Sending: the response joins the task; none opens again.
			if err := e.p.SubmitLink(ctx, token, step(5, 0, 6, 0, 7, 0, 8, 0)); err != nil {
				t.Fatal(err)
			}
			cm = e.caseMeasures(t)
			if len(cm.Responses) != 1 || len(cm.SafetyTasks) != 1 {
				t.Fatalf("after sending: responses %+v, tasks %+v", cm.Responses, cm.SafetyTasks)
			}
			if got := cm.SafetyTasks[0]; got.ID != task.ID || got.Response != cm.Responses[0].ID || got.Link != link.ID {
				t.Errorf("the task after sending %+v", got)
			}
			if n := len(e.mails(t)) - mailsBefore; n != 0 {
				t.Errorf("%d more mails after the task was opened", n)
			}

			// Item 9 at 0 opens nothing, sent or not.
			_, other := e.sendInRoom(t, "phq-9")
			mailsBefore = len(e.mails(t))
			if _, err := e.p.SaveLinkAnswers(ctx, other, step(1, 3, 2, 3, 9, 0)); err != nil {
				t.Fatal(err)
			}
			if err := e.p.SubmitLink(ctx, other, step(3, 3, 4, 3, 5, 3, 6, 3, 7, 3, 8, 3)); err != nil {
				t.Fatal(err)
			}
			if n := len(e.caseMeasures(t).SafetyTasks); n != 1 {
				t.Errorf("item 9 at 0: %d tasks", n)
			}
			if n := len(e.mails(t)) - mailsBefore; n != 0 {
				t.Errorf("item 9 at 0: %d mails", n)
			}
		})
	}
}

// TestLinkSentSelfHarmIsMailed: a self-harm flag in answers sent through
// a link in one go is mailed to the client's practitioners, as one raised
// by answers saved.
func TestLinkSentSelfHarmIsMailed(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	_, token := e.sendInRoom(t, "phq-9")
	before := len(e.mails(t))
	if err := e.p.SubmitLink(ctx, token, step(1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 9, 1)); err != nil {
		t.Fatal(err)
	}
	cm := e.caseMeasures(t)
	if len(cm.SafetyTasks) != 1 || cm.SafetyTasks[0].Link != 0 {
		t.Fatalf("tasks %+v", cm.SafetyTasks)
	}
	ms := e.mails(t)[before:]
	if len(ms) != 2 || !strings.Contains(ms[0].Body, "/measures/"+itoa(cm.Responses[0].ID)+"#task-") {
		t.Fatalf("mails %+v", ms)
	}
}

// TestRevokedLinkKeepsHowManyAnswered: revoking a link drops the answers
// saved through it, but the list still says how many there were.
func TestRevokedLinkKeepsHowManyAnswered(t *testing.T) {
	ctx := context.Background()
	e := newMeasureEnv(t)
	link, token := e.sendInRoom(t, "gad-7")
	if _, err := e.p.SaveLinkAnswers(ctx, token, step(1, 2, 2, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.RevokeLink(ctx, e.pat, link.ID); err != nil {
		t.Fatal(err)
	}
	cl, err := e.p.CaseLinks(ctx, e.pat, e.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if got := cl.Links[0]; got.StatusAt(cl.Now) != practice.LinkRevoked || got.Answered != 2 || got.Answers != nil {
		t.Errorf("revoked link %+v", got)
	}
}
