package board

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// The lifecycle of an issued credential runs as durable jobs (jobs.Job),
// scheduled in the transaction that issues it, so they exist exactly when
// the credential does and survive restarts.
//
// Expiry is not a suspension: an expired credential is shown and verified
// as expired (from its validUntil) and the suspension list keeps to the
// staff's decisions and the lapsed memberships the sweep finds.
const (
	// JobReminder reminds the holder that a credential expires soon.
	JobReminder = "credential.reminder"
	jobExpiry   = "credential.expiry"
	// jobMissedRenewal is the kind of a job earlier versions scheduled to
	// suspend a credential on the day it expired unrenewed. None is
	// scheduled now; one still pending is finished as skipped.
	jobMissedRenewal  = "credential.missed_renewal"
	jobMembershipScan = "membership.sweep"
	// jobLapseNoted records that a credential was suspended for one lapse
	// of membership (its key names the credential and the day it lapsed);
	// it has nothing to run. A lapse is acted on once: when staff
	// reinstate the credential, the sweep leaves it be until the holder's
	// membership lapses again on another day.
	jobLapseNoted = "membership.lapse_noted"
)

// reminderDays are the days before expiry on which the holder is reminded.
var reminderDays = []int{120, 60, 30}

// jobLease is how long a claimed job is a worker's before another may take it.
const jobLease = 5 * time.Minute

// missedRenewalReason began the reason of the suspensions earlier versions
// made on the day a credential expired unrenewed; LiftMissedRenewalSuspensions
// lifts them.
const missedRenewalReason = "renewal not completed by"

// LifecycleActor is who the audit log names for automatic changes.
const LifecycleActor = "system/lifecycle"

// CredentialJobPrefix is the key prefix of a credential's jobs.
func CredentialJobPrefix(id string) string { return "credential/" + id + "/" }

// credentialJob is the payload of a credential's jobs.
type credentialJob struct {
	Credential string `json:"credential"`
	Days       int    `json:"days,omitempty"`
}

// JobFunc runs one claimed job at now and marks it finished
// (tx.FinishJob), in the transaction of its effects where it has any.
type JobFunc func(ctx context.Context, j jobs.Job, now time.Time) error

// jobHandler is a job kind run by a JobFunc, and the key of its daily
// run ("" for none).
type jobHandler struct {
	kind, daily string
	run         JobFunc
}

// HandleJobs has RunDueJobs run the jobs of kind with run; with daily
// not empty, a job of kind is also scheduled each day at midnight (UTC),
// keyed daily + "/" + the day. Call it before the job runner starts:
// board/web hands the board the jobs of parts that are not the board's
// (the sweeps of document files and of unverified accounts).
func (b *Board) HandleJobs(kind, daily string, run JobFunc) {
	b.jobs = append(b.jobs, jobHandler{kind: kind, daily: daily, run: run})
}

// OnJobFailure has RunDueJobs call f after each failed attempt of a job,
// with the job's kind and whether it is now dead (for the metrics). Call
// it before the job runner starts.
func (b *Board) OnJobFailure(f func(kind string, dead bool)) { b.jobFailed = f }

// FinishJob marks job id finished with outcome (jobs.Done, jobs.Skipped)
// at now, in a transaction of its own: for a JobFunc whose work writes no
// rows (the sweep of document files), which need not hold a transaction
// while it runs.
func (b *Board) FinishJob(ctx context.Context, id int64, outcome string, now time.Time) error {
	return b.store.InTx(ctx, func(tx Tx) error { return tx.FinishJob(ctx, id, outcome, now) })
}

// RunDueJobs runs every job due now: reminders, expiries, automatic
// suspensions and the day's sweeps (scheduled here once a day) of
// memberships and of what HandleJobs added. Each job runs in its own
// transaction with its effects (mail, audit, status), marked finished in
// the same one, so a job's effects happen once; a failed job is retried
// later with backoff (jobs.Delay), and after jobs.MaxAttempts it is dead,
// for an admin to retry or discard (HandleDeadJob). It returns how many
// jobs ran.
func (b *Board) RunDueJobs(ctx context.Context) (int, error) {
	now := b.clock.Now()
	today := DayOf(now)
	y, m, d := now.UTC().Date()
	err := b.store.InTx(ctx, func(tx Tx) error {
		midnight := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		daily := append([]jobHandler{{kind: jobMembershipScan, daily: "sweep/membership"}}, b.jobs...)
		for _, h := range daily {
			if h.daily == "" {
				continue
			}
			if _, err := tx.EnqueueJob(ctx, jobs.Job{Kind: h.kind, Key: h.daily + "/" + today.String(), RunAt: midnight, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	ran := 0
	var errs []error
	seen := map[int64]bool{}
	for {
		due, err := b.store.ClaimJobs(ctx, now, jobLease, 50)
		if err != nil {
			return ran, err
		}
		fresh := 0
		for _, j := range due {
			if seen[j.ID] {
				continue
			}
			seen[j.ID] = true
			fresh++
			if err := b.runJob(ctx, j, now); err != nil {
				b.log.Error("job failed", "job", j.Key, "attempt", j.Attempts, "err", err)
				errs = append(errs, fmt.Errorf("job %s: %w", j.Key, err))
				dead, err := b.store.RetryJob(ctx, j.ID, j.Attempts, err.Error(), now)
				if err != nil {
					return ran, err
				}
				if dead {
					b.log.Error("job dead: an admin retries or discards it", "job", j.Key, "attempts", j.Attempts)
				}
				if b.jobFailed != nil {
					b.jobFailed(j.Kind, dead)
				}
				continue
			}
			ran++
		}
		if len(due) < 50 || fresh == 0 {
			break
		}
	}
	return ran, errors.Join(errs...)
}

// runJob runs one claimed job and marks it finished, in one transaction
// (a job of HandleJobs as its JobFunc does).
func (b *Board) runJob(ctx context.Context, j jobs.Job, now time.Time) error {
	for _, h := range b.jobs {
		if h.kind == j.Kind {
			return h.run(ctx, j, now)
		}
	}
	return b.store.InTx(ctx, func(tx Tx) error {
		var outcome string
		var err error
		switch j.Kind {
		case jobMissedRenewal:
			outcome = jobs.Skipped // expiry suspends nothing any more
		case JobReminder, jobExpiry:
			var p credentialJob
			if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
				return fmt.Errorf("payload: %w", err)
			}
			outcome, err = b.credentialJobRun(ctx, tx, j.Kind, p, now)
		case jobMembershipScan:
			outcome, err = b.membershipSweep(ctx, tx, now)
		case jobLapseNoted:
			outcome = jobs.Skipped
		default:
			err = fmt.Errorf("unknown job kind %q", j.Kind)
		}
		if err != nil {
			return err
		}
		return tx.FinishJob(ctx, j.ID, outcome, now)
	})
}

// scheduleLifecycle schedules, in the caller's transaction, a credential's
// reminders (120, 60 and 30 days before it expires; those already past
// are skipped) and its expiry. A credential without expiry has none.
// Scheduling twice does nothing.
func scheduleLifecycle(ctx context.Context, tx Tx, c IssuedCredential, now time.Time) error {
	if c.ValidUntil.IsZero() {
		return nil
	}
	prefix := CredentialJobPrefix(c.ID)
	add := func(kind, key string, days int, at time.Time) error {
		payload, err := json.Marshal(credentialJob{Credential: c.ID, Days: days})
		if err != nil {
			return err
		}
		_, err = tx.EnqueueJob(ctx, jobs.Job{Kind: kind, Key: prefix + key, Payload: string(payload), RunAt: at, CreatedAt: now})
		return err
	}
	for _, d := range reminderDays {
		at := c.ValidUntil.AddDate(0, 0, -d)
		if at.Before(now) {
			continue
		}
		if err := add(JobReminder, fmt.Sprintf("reminder/%d", d), d, at); err != nil {
			return err
		}
	}
	return add(jobExpiry, "expiry", 0, c.ValidUntil)
}

// ScheduleAllLifecycles schedules the lifecycle jobs of every active
// credential that lacks them (credentials issued before the jobs
// existed); it returns how many jobs it added. Scheduling is idempotent.
func (b *Board) ScheduleAllLifecycles(ctx context.Context) (int, error) {
	creds, err := b.store.ActiveCredentials(ctx)
	if err != nil {
		return 0, err
	}
	now := b.clock.Now()
	before := 0
	if js, err := b.store.Jobs(ctx, "credential/"); err == nil {
		before = len(js)
	} else {
		return 0, err
	}
	for _, c := range creds {
		if !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil) {
			continue // already expired: no reminder or "expired today" mail is due any more
		}
		if err := b.store.InTx(ctx, func(tx Tx) error { return scheduleLifecycle(ctx, tx, *c, now) }); err != nil {
			return 0, err
		}
	}
	js, err := b.store.Jobs(ctx, "credential/")
	if err != nil {
		return 0, err
	}
	return len(js) - before, nil
}

// LiftMissedRenewalSuspensions reinstates the credentials that earlier
// versions suspended on the day they expired unrenewed (reason "renewal
// not completed by DATE"): such a credential is expired, which its
// validUntil tells every verifier, not suspended, which is the staff's
// decision. Each is reinstated in a transaction of its own, audited as the
// lifecycle's, without mail (the holder was told it expired). It returns
// how many; with none left it changes nothing, so running it at every
// start is harmless.
func (b *Board) LiftMissedRenewalSuspensions(ctx context.Context) (int, error) {
	creds, err := b.store.SuspendedCredentials(ctx)
	if err != nil {
		return 0, err
	}
	now := b.clock.Now()
	lifted := 0
	for _, c := range creds {
		if !strings.HasPrefix(c.SuspendReason, missedRenewalReason) {
			continue
		}
		done := false
		err := b.store.InTx(ctx, func(tx Tx) error {
			// Read again, locked: staff may have acted since it was listed.
			cur, err := tx.CredentialForUpdate(ctx, c.ID)
			if err != nil {
				return err
			}
			if cur.Status() != "suspended" || !strings.HasPrefix(cur.SuspendReason, missedRenewalReason) {
				return nil
			}
			if err := tx.SetCredentialStatus(ctx, cur.ID, "reinstate", "", now); err != nil {
				return err
			}
			done = true
			_, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: LifecycleActor, Action: "credential.reinstate",
				Subject: "credential/" + cur.ID, Before: "suspended: " + cur.SuspendReason,
				After: "expired on " + DayOf(cur.ValidUntil).String() + ", not suspended"})
			return err
		})
		if err != nil {
			return lifted, fmt.Errorf("credential %s: %w", c.ID, err)
		}
		if done {
			lifted++
		}
	}
	return lifted, nil
}

// ---- decisions (pure) ----

// reminderDecision says whether to remind the holder of a credential that
// expires at until: not when it was revoked, suspended (it cannot be
// renewed until staff reinstate it) or superseded (renewed), nor once it
// has expired (a late run).
func reminderDecision(status string, until, now time.Time) (bool, string) {
	switch {
	case status == "revoked" || status == "suspended" || status == "superseded":
		return false, "the credential is " + status
	case until.IsZero():
		return false, "the credential does not expire"
	case !now.Before(until):
		return false, "the credential has already expired"
	}
	return true, ""
}

// expiryDecision says whether a credential expiring at until is to be
// recorded as expired now: not before its time, nor when it was revoked or
// superseded.
func expiryDecision(status string, until, now time.Time) bool {
	return !until.IsZero() && !now.Before(until) && status != "revoked" && status != "superseded"
}

// membershipDecision says whether the holder's membership of the
// organisations a credential requires has lapsed on today: the latest
// verified membership of any of them (one without an end never lapses)
// ended before today. Only verified memberships count: one the holder
// merely claimed (a renewal's, not yet checked by staff) or that staff
// rejected keeps nothing alive. Without any verified membership on file
// nothing is decided (false). It returns the day the membership ended.
func membershipDecision(ms []portfolio.Membership, orgs []string, today date.Date) (bool, date.Date) {
	var latest *portfolio.Membership
	for i := range ms {
		m := &ms[i]
		if !slices.Contains(orgs, m.Organization) || m.Verification.EffectiveState() != portfolio.Verified || m.From.After(today) {
			continue
		}
		if m.To.IsZero() {
			return false, date.Date{}
		}
		if latest == nil || m.To.After(latest.To) {
			latest = m
		}
	}
	if latest == nil || !latest.To.Before(today) {
		return false, date.Date{}
	}
	return true, latest.To
}

// ---- effects ----

// credentialJobRun is a credential's reminder or expiry job, in the job's
// transaction. It returns the job's outcome.
func (b *Board) credentialJobRun(ctx context.Context, tx Tx, kind string, p credentialJob, now time.Time) (string, error) {
	// Read in the job's transaction (and locked), so the decision sees a
	// revocation or renewal that committed first.
	c, err := tx.CredentialForUpdate(ctx, p.Credential)
	if errors.Is(err, certboard.ErrNotFound) {
		return jobs.Skipped, nil
	}
	if err != nil {
		return "", err
	}
	holder, err := b.store.UserByID(ctx, c.HolderID)
	if err != nil {
		return "", err
	}
	title := b.CredentialTitle(c)
	link := b.credentialURL(c.ID)
	renewal, err := b.OpenRenewal(ctx, c.HolderID, c.ID)
	if err != nil {
		return "", err
	}
	progress := RenewalAdvice(renewal, link, b.PublicURL(), kind != JobReminder)
	switch kind {
	case JobReminder:
		if ok, _ := reminderDecision(c.Status(), c.ValidUntil, now); !ok {
			return jobs.Skipped, nil
		}
		return jobs.Done, notify.Enqueue(ctx, tx, holder.Email, notify.CredentialExpiresSoon{Days: p.Days, On: DayOf(c.ValidUntil).String(),
			CredentialNotice: notify.CredentialNotice{Name: holder.Name, Title: title, Link: link, Advice: progress}}, now)
	case jobExpiry:
		if !expiryDecision(c.Status(), c.ValidUntil, now) {
			return jobs.Skipped, nil
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: LifecycleActor, Action: "credential.expire",
			Subject: "credential/" + c.ID, Before: c.Status(), After: "expired on " + DayOf(c.ValidUntil).String()}); err != nil {
			return "", err
		}
		return jobs.Done, notify.Enqueue(ctx, tx, holder.Email, notify.CredentialExpired{On: DayOf(c.ValidUntil).String(),
			CredentialNotice: notify.CredentialNotice{Name: holder.Name, Title: title, Link: link, Advice: progress}}, now)
	}
	return "", fmt.Errorf("unknown credential job %q", kind)
}

// RenewalAdvice tells a holder what to do about a credential's renewal:
// before expiry, start it or submit it; once it has expired, a renewal still
// open is submitted (its approval issues the credential again), and
// without one the holder applies again (a renewal cannot be started after
// expiry). link is the credential's address, base the board's.
func RenewalAdvice(renewal *Application, link, base string, expired bool) string {
	if renewal == nil {
		if expired {
			return "It can no longer be renewed: apply for the credential again from your applications page, " + base + "/applications\n"
		}
		return fmt.Sprintf("Start your renewal, log the CE of this cycle and submit it: %s/renewal\n", link)
	}
	out := fmt.Sprintf("Your renewal (application %d) is %s: %s/applications/%d\n", renewal.ID, renewal.State.Words(), base, renewal.ID)
	if renewal.State == Draft || renewal.State == Returned {
		if expired {
			return out + "Submit it for review: once the board approves it, your credential is issued again.\n"
		}
		return out + "Submit it for review before the credential expires.\n"
	}
	return out
}

// autoSuspend suspends a credential for a reason the lifecycle found, in
// the caller's transaction: audited, and the holder is mailed.
//
// advice says what the holder can do; empty, they are told to contact the
// board once the cause is put right.
func (b *Board) autoSuspend(ctx context.Context, tx Tx, c *IssuedCredential, holder *auth.User, title, reason string, now time.Time, advice string) error {
	if err := tx.SetCredentialStatus(ctx, c.ID, "suspend", reason, now); err != nil {
		return err
	}
	if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: LifecycleActor, Action: "credential.suspend",
		Subject: "credential/" + c.ID, Before: c.Status(), After: "suspended: " + reason}); err != nil {
		return err
	}
	if advice == "" {
		advice = "Contact the board to have it reinstated once this is put right.\n"
	}
	return notify.Enqueue(ctx, tx, holder.Email, notify.CredentialSuspendedAutomatically{Reason: reason,
		CredentialNotice: notify.CredentialNotice{Name: holder.Name, Title: title, Link: b.credentialURL(c.ID), Advice: advice}}, now)
}

// membershipOrgs lists the organisations a set requires membership of.
func membershipOrgs(set *requirements.Set) []string {
	var out []string
	if set == nil {
		return nil
	}
	for _, r := range set.Requirements {
		if r.Kind == requirements.KindMembership {
			out = append(out, r.Organizations...)
		}
	}
	return out
}

// holderMemberships gathers the membership evidence behind a credential:
// the snapshot of the application that earned it, and the live portfolio
// of its open renewal (where the holder records a renewed membership).
func (b *Board) holderMemberships(ctx context.Context, c *IssuedCredential) ([]portfolio.Membership, error) {
	var out []portfolio.Membership
	app, err := b.store.Application(ctx, c.ApplicationID)
	if err != nil && !errors.Is(err, certboard.ErrNotFound) {
		return nil, err
	}
	if err == nil && len(app.Snapshot) > 0 {
		p, err := portfolio.DecodeStored(app.Snapshot)
		if err != nil {
			return nil, fmt.Errorf("application %d: %w", app.ID, err)
		}
		out = append(out, p.Memberships...)
	}
	renewal, err := b.OpenRenewal(ctx, c.HolderID, c.ID)
	if err != nil {
		return nil, err
	}
	if renewal != nil {
		p, err := portfolio.DecodeStored(renewal.Portfolio)
		if err != nil {
			return nil, fmt.Errorf("application %d: %w", renewal.ID, err)
		}
		out = append(out, p.Memberships...)
	}
	return out, nil
}

// membershipSweep suspends every active, unexpired credential whose
// holder's required membership has lapsed, in the job's transaction.
func (b *Board) membershipSweep(ctx context.Context, tx Tx, now time.Time) (string, error) {
	creds, err := b.store.ActiveCredentials(ctx)
	if err != nil {
		return "", err
	}
	today := DayOf(now)
	suspended := 0
	for _, c := range creds {
		if !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil) {
			continue // expired: a membership lapsing after expiry changes nothing
		}
		set := b.CredentialSet(c)
		orgs := membershipOrgs(set)
		if len(orgs) == 0 {
			continue
		}
		ms, err := b.holderMemberships(ctx, c)
		if err != nil {
			// One credential's unreadable evidence must not stop the
			// sweep of all the others, every day: log it and go on.
			b.log.Error("membership sweep: skipped a credential", "credential", c.ID, "err", err)
			continue
		}
		lapsed, on := membershipDecision(ms, orgs, today)
		if !lapsed {
			continue
		}
		// Read again in the transaction (and locked): it may have been
		// revoked, suspended or renewed since it was listed.
		if c, err = tx.CredentialForUpdate(ctx, c.ID); err != nil {
			return "", err
		} else if c.Status() != "active" {
			continue
		}
		// Once per lapse: a staff reinstatement after this suspension stands.
		if first, err := tx.EnqueueJob(ctx, jobs.Job{Kind: jobLapseNoted,
			Key: "credential/" + c.ID + "/membership-lapsed/" + on.String(), RunAt: now, CreatedAt: now}); err != nil {
			return "", err
		} else if !first {
			continue
		}
		holder, err := b.store.UserByID(ctx, c.HolderID)
		if err != nil {
			return "", err
		}
		if err := b.autoSuspend(ctx, tx, c, holder, set.Title, "membership lapsed on "+on.String(), now, ""); errors.Is(err, certboard.ErrConflict) {
			continue // revoked, suspended or renewed since it was listed: nothing to do
		} else if err != nil {
			return "", err
		}
		suspended++
	}
	if suspended == 0 {
		return jobs.Skipped, nil
	}
	return jobs.Done, nil
}
