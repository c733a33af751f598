package jobs_test

import (
	"context"
	"errors"
	"testing"

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
