package web

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/certboard/certboard"
)

// The work a practitioner starts from the browser and follows on a page
// that reloads itself: the imports and the exports of records. Each job
// has an unguessable id (128 random bits) and is its owner's alone; the
// process runs a few at a time, and forgets a finished one after a while.

// jobBounds are the bounds of one kind of job.
type jobBounds struct {
	// running is how many of the kind run at once in the process.
	running int
	// kept is how long a finished job is kept; it is forgotten then.
	kept time.Duration
	// one keeps one job per owner: starting one forgets the owner's
	// finished ones (an export holds its file until then).
	one bool
	// busy says why an owner whose job of the kind runs cannot start
	// another; full why no one can while running of them run.
	busy, full string
}

// jobs are the jobs of one kind, by id; T is what a job of the kind
// holds.
type jobs[T any] struct {
	bounds jobBounds
	mu     sync.Mutex
	jobs   map[string]*job[T]
}

// job is one job: whose it is, when it ended (zero while it runs) and
// what it holds.
type job[T any] struct {
	owner    int64
	finished time.Time
	state    T
}

// newJobs returns no jobs yet of a kind bounded by b.
func newJobs[T any](b jobBounds) *jobs[T] {
	return &jobs[T]{bounds: b, jobs: map[string]*job[T]{}}
}

// start registers a new job of owner's, refusing a second one of theirs
// while one runs (Conflict), or more than the bounds' running in all
// (RateLimited, try again in a minute): the place it takes is freed when
// the job finishes (or by drop). It forgets the jobs finished longer ago
// than the bounds keep them.
func (j *jobs[T]) start(owner int64, now time.Time) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b)
	j.mu.Lock()
	defer j.mu.Unlock()
	running := 0
	for k, job := range j.jobs {
		switch {
		case !job.finished.IsZero() && (now.Sub(job.finished) > j.bounds.kept || (j.bounds.one && job.owner == owner)):
			delete(j.jobs, k)
		case job.finished.IsZero() && job.owner == owner:
			return "", certboard.Errorf(certboard.Conflict, "%s", j.bounds.busy)
		case job.finished.IsZero():
			running++
		}
	}
	if running >= j.bounds.running {
		return "", &certboard.Error{Code: certboard.RateLimited, Message: j.bounds.full, RetryAfterSeconds: 60}
	}
	j.jobs[id] = &job[T]{owner: owner}
	return id, nil
}

// drop forgets a job.
func (j *jobs[T]) drop(id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.jobs, id)
}

// update changes what a running job holds, under the lock.
func (j *jobs[T]) update(id string, f func(*T)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if job, ok := j.jobs[id]; ok {
		f(&job.state)
	}
}

// finish ends a job at now, f setting what it holds last, and frees its
// place. The finished job is forgotten once the bounds' time to keep it
// has passed, even if no one starts another (an export's file is not held
// longer).
func (j *jobs[T]) finish(id string, now time.Time, f func(*T)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.jobs[id]
	if !ok {
		return
	}
	f(&job.state)
	job.finished = now
	time.AfterFunc(j.bounds.kept, func() {
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.jobs[id] == job {
			delete(j.jobs, id)
		}
	})
}

// with calls f, under the lock, with job id if it is owner's and still
// kept at now, telling whether it ran. f may change what the job holds.
func (j *jobs[T]) with(id string, owner int64, now time.Time, f func(finished time.Time, state *T)) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.jobs[id]
	if !ok || job.owner != owner {
		return false
	}
	if !job.finished.IsZero() && now.Sub(job.finished) > j.bounds.kept {
		delete(j.jobs, id)
		return false
	}
	f(job.finished, &job.state)
	return true
}
