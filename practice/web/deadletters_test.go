package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	bg "github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/practice/practicesql"
)

// TestDeadLetters: a practice admin sees the mail and jobs given up
// (payloads summed up, bodies never shown) and retries or discards each
// with a plain form, audited; a practitioner cannot.
func TestDeadLetters(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	now := w.clock.now()
	var mailID int64
	err := w.st.InTx(ctx, func(tx *practicesql.Tx) error {
		var err error
		if mailID, err = tx.EnqueueMail(ctx, bg.Mail{To: "client@example.org", Subject: "Your session tomorrow", Body: "private body", CreatedAt: now}); err != nil {
			return err
		}
		_, err = tx.EnqueueJob(ctx, bg.Job{Kind: "reminder", Key: "session/9/reminder", Payload: `{"session":9,"note":"about the client"}`, RunAt: now})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	at := now
	for range bg.MaxAttempts {
		js, err := jobsql.Claim(ctx, w.st.DB, at, time.Minute, 10)
		if err != nil || len(js) != 1 {
			t.Fatalf("%+v %v", js, err)
		}
		if _, err := jobsql.Retry(ctx, w.st.DB, js[0].ID, js[0].Attempts, "no template", at); err != nil {
			t.Fatal(err)
		}
		if err := w.st.MarkMailFailed(ctx, mailID, "550 mailbox unavailable", at, at); err != nil {
			t.Fatal(err)
		}
		at = at.Add(8 * time.Hour)
	}
	admin, pract := w.session(t, "admin"), w.session(t, "practitioner")
	if rec := w.get(t, "/admin/jobs", pract); rec.Code != 403 {
		t.Fatalf("a practitioner sees the page: %d", rec.Code)
	}
	rec := w.get(t, "/admin/jobs", admin)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Your session tomorrow") || !strings.Contains(body, "550 mailbox unavailable") ||
		!strings.Contains(body, "session/9/reminder") || !strings.Contains(body, "note=(16 chars) session=9") ||
		!strings.Contains(body, "Jobs given up (1)") || !strings.Contains(body, "Mail given up (1)") {
		t.Fatalf("the page: %d\n%s", rec.Code, body)
	}
	if strings.Contains(body, "private body") || strings.Contains(body, "about the client") {
		t.Fatalf("the page shows a body or payload:\n%s", body)
	}
	mailPath := "/admin/mail/" + strconv.FormatInt(mailID, 10)
	if rec := w.do(t, "POST", mailPath, url.Values{"action": {"retry"}}, pract); rec.Code != 403 {
		t.Fatalf("a practitioner retried: %d", rec.Code)
	}
	if rec := w.do(t, "POST", mailPath, url.Values{"action": {"resend"}}, admin); rec.Code != 422 {
		t.Fatalf("an unknown action: %d", rec.Code)
	}
	if rec := w.do(t, "POST", mailPath, url.Values{"action": {"retry"}}, admin); rec.Code != 303 {
		t.Fatalf("retry: %d %s", rec.Code, rec.Body)
	}
	if rec := w.do(t, "POST", mailPath, url.Values{"action": {"retry"}}, admin); rec.Code != 409 {
		t.Fatalf("retrying twice: %d", rec.Code)
	}
	if due, err := w.st.DueMail(ctx, at, 10); err != nil || len(due) != 1 || due[0].Body != "private body" {
		t.Fatalf("the retried mail: %+v %v", due, err)
	}
	dead, _ := jobsql.DeadJobs(ctx, w.st.DB, 10)
	if len(dead) != 1 {
		t.Fatalf("dead jobs: %+v", dead)
	}
	if rec := w.do(t, "POST", "/admin/jobs/"+strconv.FormatInt(dead[0].ID, 10), url.Values{"action": {"discard"}}, admin); rec.Code != 303 {
		t.Fatalf("discard: %d", rec.Code)
	}
	if n, _ := jobsql.CountDead(ctx, w.st.DB); n != 0 {
		t.Fatalf("%d dead jobs after the discard", n)
	}
	log, err := w.st.AuditLog().Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if strings.HasPrefix(e.Action, "mail.") || strings.HasPrefix(e.Action, "job.") {
			actions = append(actions, e.Action+" by "+e.Actor)
		}
	}
	if len(actions) != 2 || !strings.HasPrefix(actions[0], "mail.retry by ") || !strings.HasPrefix(actions[1], "job.discard by ") {
		t.Fatalf("audit: %v", actions)
	}
}
