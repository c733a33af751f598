// Package jobs is the vocabulary of certboard's durable work: a Job of
// the job queue (reminders, expiries, sweeps, claimed with leases so that
// any number of instances share it) and a Mail of the outbox (messages
// sealed at rest, delivered by notify). Both live in the database, beside
// the change that causes them: a job or a mail is enqueued in the caller's
// transaction, so it exists exactly when the change does. Their SQL is
// jobs/jobsql's, so that the use cases that enqueue them import no
// database.
package jobs

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Job is a durable background job: a reminder, an expiry, a sweep. Jobs
// live in the database, so they survive restarts and any number of
// instances share them.
type Job struct {
	ID int64
	// Kind names the handler; Key is unique among all jobs, so scheduling
	// the same job twice does nothing.
	Kind    string
	Key     string
	Payload string
	// RunAt is when the job is due.
	RunAt     time.Time
	Attempts  int
	LastError string
	// DoneAt is when it finished (zero: pending), and Outcome how:
	// "done", "skipped" (nothing to do when it ran), "cancelled", "dead"
	// (it failed MaxAttempts times: a dead letter, waiting for an admin
	// to retry or discard it) or "discarded" (a dead job an admin let go).
	DoneAt    time.Time
	Outcome   string
	CreatedAt time.Time
}

// Job outcomes.
const (
	Done      = "done"
	Skipped   = "skipped"
	Cancelled = "cancelled"
	// Dead is a job that failed MaxAttempts times: it is not tried again
	// until an admin retries it.
	Dead = "dead"
	// Discarded is a dead job an admin let go without running it.
	Discarded = "discarded"
)

// MaxAttempts is how many times a job is tried before it is dead: with
// Delay between tries, about eight and a half hours of failures.
const MaxAttempts = 10

// MaxMailAttempts is how many times a message of the outbox is tried
// before it is dead (notify.Backoff between tries: about eight and a half
// hours).
const MaxMailAttempts = 10

// Delay is how long job id waits after its nth failed attempt:
// Backoff(attempts) plus a jitter of up to a quarter of it, drawn from the
// job's id and attempt, so jobs that failed together (an outage) are not
// all tried again at the same instant, and the delay of a given job is
// known in advance.
func Delay(id int64, attempts int) time.Duration {
	b := Backoff(attempts)
	h := fnv.New64a()
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(id))
	binary.BigEndian.PutUint64(buf[8:], uint64(attempts))
	h.Write(buf[:])
	frac := float64(h.Sum64()>>11) / (1 << 53) // [0, 1)
	return b + time.Duration(frac*float64(b)/4)
}

// safeValue is a payload value shown whole: an identifier, a number.
var safeValue = regexp.MustCompile(`^[A-Za-z0-9._:/-]{0,64}$`)

// Summary describes a job's payload for an admin without its contents:
// for a JSON object, each field, with identifiers and numbers shown and
// any other value only by its length ("note=(120 chars)"); anything else
// by its size. A payload holds ids (a credential's, the days before
// expiry), never personal data, but the summary does not rely on that.
func Summary(payload string) string {
	if payload == "" {
		return "(none)"
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(payload), &fields); err != nil {
		return fmt.Sprintf("(%d bytes, not JSON)", len(payload))
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		name := k
		if !safeValue.MatchString(k) {
			name = "(field)"
		}
		switch v := fields[k].(type) {
		case float64, bool, nil:
			out = append(out, fmt.Sprintf("%s=%v", name, v))
		case string:
			if safeValue.MatchString(v) {
				out = append(out, name+"="+v)
			} else {
				out = append(out, fmt.Sprintf("%s=(%d chars)", name, len([]rune(v))))
			}
		default:
			out = append(out, name+"=(…)")
		}
	}
	if len(out) == 0 {
		return "(empty)"
	}
	return strings.Join(out, " ")
}

// Backoff is how long a job waits after its nth failed attempt: one
// minute, doubling, at most six hours.
func Backoff(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}
