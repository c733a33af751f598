package auth

import "time"

// Throttle is a policy for attempts that may fail (a password, a
// second-factor code, a link's token) counted under one key. Every attempt
// is charged as a failure when it is admitted, before it is checked, so
// that attempts made at the same moment are counted as they arrive and
// none slips past the count; a right answer is then forgiven (its key
// cleared, or the charge refunded).
//
// The first Free failures are admitted at once. After that each admitted
// failure makes the next attempt wait, Base after the first and twice as
// long after each further one, up to Max: someone who guesses slows
// themselves down, and someone who mistyped a few times waits seconds. A
// run of failures is forgotten Window after it began, once its wait is
// over.
type Throttle struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Window time.Duration
}

// Attempts is the state of one key.
type Attempts struct {
	// Failures is how many attempts were charged in this run.
	Failures int
	// Since is when the run began (zero: no run).
	Since time.Time
	// Until is when the next attempt may be made.
	Until time.Time
	// Told is when the owner was last told of failures (zero: never);
	// see Notice.
	Told time.Time
}

// Forget is when a key's state no longer matters: its window has passed
// and its wait is over.
func (t Throttle) Forget(a Attempts) time.Time {
	end := a.Since.Add(t.Window)
	if a.Until.After(end) {
		return a.Until
	}
	return end
}

// Delay is the wait after the n-th failure of a run: none for the first
// Free-1, Base after the Free-th, doubling after each further one, at most
// Max.
func (t Throttle) Delay(n int) time.Duration {
	if n < t.Free || t.Base <= 0 {
		return 0
	}
	d := t.Base
	for i := t.Free; i < n && d < t.Max; i++ {
		d *= 2
	}
	return min(d, t.Max)
}

// Admit decides an attempt at now. When it may be made, wait is zero and
// next charges it as a failure; otherwise wait says how long until it may,
// and next is a unchanged (a refused attempt costs nothing and extends
// nothing).
func (t Throttle) Admit(a Attempts, now time.Time) (next Attempts, wait time.Duration) {
	if a.Since.IsZero() || !now.Before(t.Forget(a)) {
		a = Attempts{Since: now, Told: a.Told}
	}
	if now.Before(a.Until) {
		return a, a.Until.Sub(now)
	}
	a.Failures++
	a.Until = now.Add(t.Delay(a.Failures))
	return a, 0
}

// Refund takes back the charge of an admitted attempt that turned out
// right, or was not checked at all: one failure fewer, and no wait while
// the failures left are within Free.
func (t Throttle) Refund(a Attempts) Attempts {
	if a.Failures > 0 {
		a.Failures--
	}
	if a.Failures < t.Free {
		a.Until = a.Since
	}
	return a
}

// Notice is a policy for telling an account's owner about failed attempts
// on it: once After failures were counted within Window, at most once per
// Window.
type Notice struct {
	After  int
	Window time.Duration
}

// Count adds a failure at now to a, and reports whether the owner should
// be told now (and then marks it told).
func (n Notice) Count(a Attempts, now time.Time) (next Attempts, tell bool) {
	if a.Since.IsZero() || !now.Before(a.Since.Add(n.Window)) {
		a = Attempts{Since: now, Told: a.Told}
	}
	a.Failures++
	if a.Failures >= n.After && (a.Told.IsZero() || !now.Before(a.Told.Add(n.Window))) {
		a.Told = now
		return a, true
	}
	return a, false
}
