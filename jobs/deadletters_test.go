package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/jobs"
)

// deadStore holds n dead jobs and messages, or fails every read.
type deadStore struct {
	n    int
	fail error
}

func (s deadStore) DeadJobs(_ context.Context, limit int) ([]jobs.Job, error) {
	return make([]jobs.Job, min(s.n, limit)), s.fail
}

func (s deadStore) DeadMail(_ context.Context, limit int) ([]jobs.Mail, error) {
	return make([]jobs.Mail, min(s.n, limit)), s.fail
}

func (s deadStore) CountDeadJobs(context.Context) (int, error) { return s.n, s.fail }
func (s deadStore) CountDeadMail(context.Context) (int, error) { return s.n, s.fail }

// TestReadDeadLetters: at most limit of each are listed, all counted; an
// error of the store is returned.
func TestReadDeadLetters(t *testing.T) {
	ctx := context.Background()
	d, err := jobs.ReadDeadLetters(ctx, deadStore{n: 5}, 3)
	if err != nil || len(d.Jobs) != 3 || len(d.Mail) != 3 || d.JobCount != 5 || d.MailCount != 5 {
		t.Fatalf("%+v %v", d, err)
	}
	boom := errors.New("boom")
	if _, err := jobs.ReadDeadLetters(ctx, deadStore{fail: boom}, 3); err != boom {
		t.Fatalf("%v", err)
	}
}

// deadWriter revives and discards what it is given, or fails.
type deadWriter struct {
	job  jobs.Job
	mail jobs.Mail
	fail error
	did  string
}

func (w *deadWriter) ReviveJob(_ context.Context, id int64, _ time.Time) (jobs.Job, error) {
	w.did = "revive job"
	return w.job, w.fail
}

func (w *deadWriter) DiscardJob(_ context.Context, id int64, _ time.Time) (jobs.Job, error) {
	w.did = "discard job"
	return w.job, w.fail
}

func (w *deadWriter) ReviveMail(_ context.Context, id int64, _ time.Time) (jobs.Mail, error) {
	w.did = "revive mail"
	return w.mail, w.fail
}

func (w *deadWriter) DiscardMail(_ context.Context, id int64, _ time.Time) (jobs.Mail, error) {
	w.did = "discard mail"
	return w.mail, w.fail
}

// TestRetryOrDiscard: each action reaches the store and is described by
// its audit entry; a refusal of the store is returned with no entry.
func TestRetryOrDiscard(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	w := &deadWriter{job: jobs.Job{ID: 7, Kind: "k", Key: "k/1", Attempts: 8},
		mail: jobs.Mail{ID: 9, To: "a@example.org", Subject: "Hi", Attempts: 5}}
	for _, tc := range []struct {
		mail, retry bool
		did         string
		want        audit.Entry
	}{
		{false, true, "revive job", audit.Entry{At: now, Action: "job.retry", Subject: "job/7", Before: "dead after 8 attempts: k/1 (k)", After: "pending, due now"}},
		{false, false, "discard job", audit.Entry{At: now, Action: "job.discard", Subject: "job/7", Before: "dead after 8 attempts: k/1 (k)", After: jobs.Discarded}},
		{true, true, "revive mail", audit.Entry{At: now, Action: "mail.retry", Subject: "mail/9", Before: `dead after 5 attempts: "Hi" to a@example.org`, After: "due now"}},
		{true, false, "discard mail", audit.Entry{At: now, Action: "mail.discard", Subject: "mail/9", Before: `dead after 5 attempts: "Hi" to a@example.org`, After: "discarded, its body dropped"}},
	} {
		var e audit.Entry
		var err error
		if tc.mail {
			_, e, err = jobs.RetryOrDiscardMail(ctx, w, 9, tc.retry, now)
		} else {
			_, e, err = jobs.RetryOrDiscardJob(ctx, w, 7, tc.retry, now)
		}
		if err != nil || w.did != tc.did || e != tc.want {
			t.Errorf("%s: %v, %s, %+v", tc.did, err, w.did, e)
		}
	}
	w.fail = errors.New("not dead")
	if _, e, err := jobs.RetryOrDiscardJob(ctx, w, 7, true, now); err != w.fail || e != (audit.Entry{}) {
		t.Errorf("a refusal: %v, %+v", err, e)
	}
}
