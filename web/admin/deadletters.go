package admin

import (
	"time"

	"github.com/certboard/certboard/jobs"
)

// DeadLetters is the data of admin_jobs: the jobs and messages given up
// after their last try, how many there are of each, and how many tries
// the mode gives one.
type DeadLetters struct {
	Jobs []DeadJob
	Mail []DeadMail
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

// GivenUp is when the job was given up.
func (j DeadJob) GivenUp() time.Time { return j.DoneAt }

// Actions are the job's retry and discard forms.
func (j DeadJob) Actions() DeadActions { return DeadActions{Queue: "jobs", Noun: "job", ID: j.ID} }

// DeadMail is a message of the outbox given up, as the page shows it.
type DeadMail struct {
	jobs.Mail
}

// GivenUp is when the message was given up.
func (m DeadMail) GivenUp() time.Time { return m.DeadAt }

// Actions are the message's retry and discard forms.
func (m DeadMail) Actions() DeadActions {
	return DeadActions{Queue: "mail", Noun: "message", ID: m.ID}
}

// DeadActions is what the retry and discard forms of one job or message
// need: its queue ("jobs", "mail": they post to /admin/{queue}/{id}),
// the noun their buttons name it by ("job", "message"), and its ID.
type DeadActions struct {
	Queue, Noun string
	ID          int64
}

// NewDeadLetters is the page's data for the dead jobs and mail given.
func NewDeadLetters(dead []jobs.Job, mail []jobs.Mail, jobCount, mailCount, maxAttempts int) DeadLetters {
	v := DeadLetters{JobCount: jobCount, MailCount: mailCount, MaxAttempts: maxAttempts}
	for _, j := range dead {
		v.Jobs = append(v.Jobs, DeadJob{Job: j, Summary: jobs.Summary(j.Payload)})
	}
	for _, m := range mail {
		v.Mail = append(v.Mail, DeadMail{Mail: m})
	}
	return v
}
