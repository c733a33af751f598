package admin

import "github.com/certboard/certboard/jobs"

// DeadLetters is the data of admin_jobs: the jobs and messages given up
// after their last try, how many there are of each, and how many tries
// the mode gives one.
type DeadLetters struct {
	Jobs []DeadJob
	Mail []jobs.Mail
	// JobCount and MailCount are how many of each are given up.
	JobCount, MailCount int
	// MaxAttempts is how many tries the mode gives a job or message.
	MaxAttempts int
}

// DeadJob is a dead job as the page shows it: its payload summed up
// (jobs.Summary), never whole.
type DeadJob struct {
	jobs.Job
	Summary string
}

// NewDeadLetters is the page's data for the dead jobs and mail given.
func NewDeadLetters(dead []jobs.Job, mail []jobs.Mail, jobCount, mailCount, maxAttempts int) DeadLetters {
	v := DeadLetters{Mail: mail, JobCount: jobCount, MailCount: mailCount, MaxAttempts: maxAttempts}
	for _, j := range dead {
		v.Jobs = append(v.Jobs, DeadJob{Job: j, Summary: jobs.Summary(j.Payload)})
	}
	return v
}
