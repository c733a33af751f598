package jobs

import "context"

// DeadLetters is the work given up after its last try: the first jobs
// and messages, and how many of each there are, listed or not.
type DeadLetters struct {
	Jobs                []Job
	Mail                []Mail
	JobCount, MailCount int
}

// DeadLetterReads is how a mode's store lists and counts its dead jobs
// and messages (jobsql implements it over the mode's database).
type DeadLetterReads interface {
	DeadJobs(ctx context.Context, limit int) ([]Job, error)
	DeadMail(ctx context.Context, limit int) ([]Mail, error)
	CountDeadJobs(ctx context.Context) (int, error)
	CountDeadMail(ctx context.Context) (int, error)
}

// ReadDeadLetters lists at most limit dead jobs and limit dead messages
// of s, and counts them all.
func ReadDeadLetters(ctx context.Context, s DeadLetterReads, limit int) (*DeadLetters, error) {
	var d DeadLetters
	var err error
	if d.Jobs, err = s.DeadJobs(ctx, limit); err != nil {
		return nil, err
	}
	if d.Mail, err = s.DeadMail(ctx, limit); err != nil {
		return nil, err
	}
	if d.JobCount, err = s.CountDeadJobs(ctx); err != nil {
		return nil, err
	}
	if d.MailCount, err = s.CountDeadMail(ctx); err != nil {
		return nil, err
	}
	return &d, nil
}
