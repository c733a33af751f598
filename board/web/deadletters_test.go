package web

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/jobs"
)

// TestDeadLetters: a job that keeps failing is given up after
// jobs.MaxAttempts tries and counted in the metrics; only admins see it
// (kind, key, payload summed up, tries, last error) with the dead mail,
// and retry or discard each with a same-origin form, audited; a
// cross-site post changes nothing.
func TestDeadLetters(t *testing.T) {
	start := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	s, st, clk := clockedServer(t, start)
	ctx := context.Background()
	h := s.Handler()
	s.board.HandleJobs("test.fail", "", func(ctx context.Context, j jobs.Job, now time.Time) error {
		return errors.New("the remote service answered 503")
	})
	err := st.InTx(ctx, func(tx *boardsql.Tx) error {
		for _, key := range []string{"test/one", "test/two"} {
			if _, err := tx.EnqueueJob(ctx, jobs.Job{Kind: "test.fail", Key: key, Payload: `{"credential":"c-1","note":"private words here"}`, RunAt: start}); err != nil {
				return err
			}
		}
		_, err := tx.EnqueueMail(ctx, jobs.Mail{To: "jo@example.org", Subject: "Your renewal", Body: "secret body", CreatedAt: start})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < jobs.MaxAttempts+2; i++ {
		if _, err := s.RunDueJobs(ctx); err == nil && i < jobs.MaxAttempts {
			t.Fatalf("run %d: no failure reported", i)
		}
		mail, err := st.DueMail(ctx, clk.Now(), 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mail {
			if err := st.MarkMailFailed(ctx, m.ID, "550 no such mailbox", clk.Now(), clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
		clk.Set(clk.Now().Add(8 * time.Hour))
	}
	for name, want := range map[string]float64{
		`certboard_job_failures_total{kind="test.fail",then="dead"}`:  2,
		`certboard_job_failures_total{kind="test.fail",then="retry"}`: 2 * (jobs.MaxAttempts - 1),
		`certboard_dead_letters{queue="jobs"}`:                        2,
		`certboard_dead_letters{queue="mail"}`:                        1,
	} {
		if got := metricValue(t, s, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}

	admin := addUser(t, st, "ada@example.org", "Ada Admin", auth.Admin)
	staff := addUser(t, st, "sam@example.org", "Sam Staff", auth.Staff)
	ac, sc := sessionFor(t, s, admin), sessionFor(t, s, staff)
	if rec := getAs(t, h, "/admin/jobs", sc); rec.Code != 403 {
		t.Fatalf("staff see the page: %d", rec.Code)
	}
	if rec := getAs(t, h, "/admin/jobs", nil); rec.Code == 200 {
		t.Fatal("anyone sees the page")
	}
	rec := getAs(t, h, "/admin/jobs", ac)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "test/one") || !strings.Contains(body, "the remote service answered 503") ||
		!strings.Contains(body, "credential=c-1 note=(18 chars)") || !strings.Contains(body, "<td>10</td>") ||
		!strings.Contains(body, "Your renewal") || !strings.Contains(body, "550 no such mailbox") {
		t.Fatalf("the page: %d\n%s", rec.Code, body)
	}
	if strings.Contains(body, "private words") || strings.Contains(body, "secret body") {
		t.Fatalf("the page shows a payload or a body:\n%s", body)
	}
	dead, err := st.DeadJobs(ctx, 10)
	if err != nil || len(dead) != 2 {
		t.Fatalf("%+v %v", dead, err)
	}
	ids := map[string]string{}
	for _, j := range dead {
		ids[j.Key] = "/admin/jobs/" + strconv.FormatInt(j.ID, 10)
	}
	// Staff, a cross-site form and an unknown action change nothing.
	if rec := postForm(t, h, ids["test/one"], url.Values{"action": {"retry"}}, sc); rec.Code != 403 {
		t.Fatalf("staff retried: %d", rec.Code)
	}
	req := httptest.NewRequest("POST", ids["test/one"], strings.NewReader("action=retry"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(ac)
	cross := httptest.NewRecorder()
	h.ServeHTTP(cross, req)
	if cross.Code != 403 {
		t.Fatalf("a cross-site post: %d", cross.Code)
	}
	if rec := postForm(t, h, ids["test/two"], url.Values{"action": {"run"}}, ac); rec.Code != 422 {
		t.Fatalf("an unknown action: %d", rec.Code)
	}
	if n, _ := st.CountDeadJobs(ctx); n != 2 {
		t.Fatalf("%d dead jobs after refused posts", n)
	}
	if rec := postForm(t, h, ids["test/one"], url.Values{"action": {"retry"}}, ac); rec.Code != 303 {
		t.Fatalf("retry: %d %s", rec.Code, rec.Body)
	}
	if rec := postForm(t, h, ids["test/two"], url.Values{"action": {"discard"}}, ac); rec.Code != 303 {
		t.Fatalf("discard: %d", rec.Code)
	}
	if rec := postForm(t, h, ids["test/two"], url.Values{"action": {"discard"}}, ac); rec.Code != 409 {
		t.Fatalf("discarding twice: %d", rec.Code)
	}
	js, _ := st.Jobs(ctx, "test/")
	for _, j := range js {
		want := map[string]string{"test/one": "", "test/two": jobs.Discarded}[j.Key]
		if j.Outcome != want || (j.Key == "test/one" && j.Attempts != 0) {
			t.Fatalf("after the admin's actions: %+v", j)
		}
	}
	mail, _ := st.DeadMail(ctx, 10)
	if len(mail) != 1 {
		t.Fatalf("dead mail: %+v", mail)
	}
	if rec := postForm(t, h, "/admin/mail/"+strconv.FormatInt(mail[0].ID, 10), url.Values{"action": {"retry"}}, ac); rec.Code != 303 {
		t.Fatalf("mail retry: %d", rec.Code)
	}
	if due, _ := st.DueMail(ctx, clk.Now(), 10); len(due) != 1 || due[0].Body != "secret body" {
		t.Fatalf("the retried message: %+v", due)
	}
	log, err := st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if strings.HasPrefix(e.Action, "job.") || strings.HasPrefix(e.Action, "mail.") {
			actions = append(actions, e.Action+" "+e.Subject+" by "+e.Actor)
		}
	}
	if len(actions) != 3 || !strings.HasPrefix(actions[0], "job.retry job/") || !strings.HasPrefix(actions[1], "job.discard job/") || !strings.HasPrefix(actions[2], "mail.retry mail/") {
		t.Fatalf("audit: %v", actions)
	}
}

// metricValue is the value of one series of the server's metrics, named
// as the text format writes it: name{label="value",...}.
func metricValue(t *testing.T, s *Server, series string) float64 {
	t.Helper()
	fams, err := s.metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			if f.GetName()+"{"+strings.Join(labels, ",")+"}" != series {
				continue
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no series %s", series)
	return 0
}
