package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// The lifecycle of an issued credential runs as durable jobs (boardsql.Job),
// scheduled in the transaction that issues it, so they exist exactly when
// the credential does and survive restarts.
const (
	jobReminder       = "credential.reminder"
	jobExpiry         = "credential.expiry"
	jobMissedRenewal  = "credential.missed_renewal"
	jobMembershipScan = "membership.sweep"
	// jobDocumentSweep removes, once a day, stored files that no document
	// names (an abandoned upload, a deletion whose file removal failed).
	jobDocumentSweep = "documents.sweep"
	// jobLapseNoted records that a credential was suspended for one lapse
	// of membership (its key names the credential and the day it lapsed);
	// it has nothing to run. A lapse is acted on once: when staff
	// reinstate the credential, the sweep leaves it be until the holder's
	// membership lapses again on another day.
	jobLapseNoted = "membership.lapse_noted"
)

// reminderDays are the days before expiry on which the holder is reminded.
var reminderDays = []int{120, 60, 30}

// renewalGrace is how long after expiry a credential without an approved
// renewal is suspended. Zero: on the day it expires. An expired credential
// already verifies as expired; the suspension adds the reason and sets its
// bit in the published suspension list.
const renewalGrace = 0 * 24 * time.Hour

// jobLease is how long a claimed job is a worker's before another may take it.
const jobLease = 5 * time.Minute

// missedRenewalReason begins the reason of a suspension for a missed
// renewal; approving the renewal lifts such a suspension (and no other).
const missedRenewalReason = "renewal not completed by"

// lifecycleActor is who the audit log names for automatic changes.
const lifecycleActor = "system/lifecycle"

// credentialJobPrefix is the key prefix of a credential's jobs.
func credentialJobPrefix(id string) string { return "credential/" + id + "/" }

// credentialJob is the payload of a credential's jobs.
type credentialJob struct {
	Credential string `json:"credential"`
	Days       int    `json:"days,omitempty"`
}

// scheduleLifecycle schedules, in the caller's transaction, a credential's
// reminders (120, 60 and 30 days before it expires; those already past
// are skipped), its expiry, and the suspension if it is not renewed. A
// credential without expiry has none. Scheduling twice does nothing.
func (s *Server) scheduleLifecycle(ctx context.Context, tx *boardsql.Tx, c boardsql.IssuedCredential, now time.Time) error {
	if c.ValidUntil.IsZero() {
		return nil
	}
	prefix := credentialJobPrefix(c.ID)
	add := func(kind, key string, days int, at time.Time) error {
		payload, err := json.Marshal(credentialJob{Credential: c.ID, Days: days})
		if err != nil {
			return err
		}
		_, err = tx.EnqueueJob(ctx, boardsql.Job{Kind: kind, Key: prefix + key, Payload: string(payload), RunAt: at, CreatedAt: now})
		return err
	}
	for _, d := range reminderDays {
		at := c.ValidUntil.AddDate(0, 0, -d)
		if at.Before(now) {
			continue
		}
		if err := add(jobReminder, fmt.Sprintf("reminder/%d", d), d, at); err != nil {
			return err
		}
	}
	if err := add(jobExpiry, "expiry", 0, c.ValidUntil); err != nil {
		return err
	}
	return add(jobMissedRenewal, "missed-renewal", 0, c.ValidUntil.Add(renewalGrace))
}

// RunDueJobs runs every job due at s.now(): reminders, expiries, automatic
// suspensions and the day's sweeps of memberships, document files and
// accounts (scheduled here once a day).
// Each job runs in its own transaction with its effects (mail, audit,
// status), marked finished in the same one, so a job's effects happen
// once; a failed job is retried later with backoff. It returns how many
// jobs ran.
func (s *Server) RunDueJobs(ctx context.Context) (int, error) {
	now := s.now()
	today := dayOf(now)
	y, m, d := now.UTC().Date()
	err := s.inTx(ctx, func(tx *boardsql.Tx) error {
		midnight := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		if _, err := tx.EnqueueJob(ctx, boardsql.Job{Kind: jobMembershipScan, Key: "sweep/membership/" + today.String(),
			RunAt: midnight, CreatedAt: now}); err != nil {
			return err
		}
		if _, err := tx.EnqueueJob(ctx, boardsql.Job{Kind: jobDocumentSweep, Key: "sweep/documents/" + today.String(),
			RunAt: midnight, CreatedAt: now}); err != nil {
			return err
		}
		_, err := tx.EnqueueJob(ctx, boardsql.Job{Kind: jobAccountSweep, Key: "sweep/accounts/" + today.String(),
			RunAt: midnight, CreatedAt: now})
		return err
	})
	if err != nil {
		return 0, err
	}
	ran := 0
	var errs []error
	seen := map[int64]bool{}
	for {
		jobs, err := s.cfg.Store.ClaimJobs(ctx, now, jobLease, 50)
		if err != nil {
			return ran, err
		}
		fresh := 0
		for _, j := range jobs {
			if seen[j.ID] {
				continue
			}
			seen[j.ID] = true
			fresh++
			if err := s.runJob(ctx, j, now); err != nil {
				s.cfg.Log.Error("job failed", "job", j.Key, "attempt", j.Attempts, "err", err)
				errs = append(errs, fmt.Errorf("job %s: %w", j.Key, err))
				if err := s.cfg.Store.RetryJob(ctx, j.ID, j.Attempts, err.Error(), now); err != nil {
					return ran, err
				}
				continue
			}
			ran++
		}
		if len(jobs) < 50 || fresh == 0 {
			break
		}
	}
	return ran, errors.Join(errs...)
}

// RunJobs runs due jobs now and then every interval until ctx ends (the
// server's shutdown); failures are logged and retried by the jobs
// themselves.
func (s *Server) RunJobs(ctx context.Context, every time.Duration) {
	if n, err := s.ScheduleAllLifecycles(ctx); err != nil && ctx.Err() == nil {
		s.cfg.Log.Error("scheduling credential lifecycles", "err", err)
	} else if n > 0 {
		s.cfg.Log.Info("scheduled the lifecycle jobs of earlier credentials", "jobs", n)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.RunDueJobs(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("background jobs", "ran", n, "err", err)
		} else if n > 0 {
			s.cfg.Log.Info("background jobs", "ran", n)
		}
		s.forgetThrottles(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// runJob runs one claimed job and marks it finished, in one transaction.
// The file sweep touches no rows: it runs before the transaction (listing
// the file store inside it would hold SQLite's writer for as long), and
// deleting a file twice is harmless, so a sweep whose mark is lost simply
// runs again.
func (s *Server) runJob(ctx context.Context, j boardsql.Job, now time.Time) error {
	if j.Kind == jobDocumentSweep {
		n, err := s.SweepDocumentFiles(ctx, now.Add(-docOrphanGrace))
		if err != nil {
			return err
		}
		outcome := boardsql.JobSkipped
		if n > 0 {
			outcome = boardsql.JobDone
		}
		return s.inTx(ctx, func(tx *boardsql.Tx) error { return tx.FinishJob(ctx, j.ID, outcome, now) })
	}
	return s.inTx(ctx, func(tx *boardsql.Tx) error {
		var outcome string
		var err error
		switch j.Kind {
		case jobReminder, jobExpiry, jobMissedRenewal:
			var p credentialJob
			if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
				return fmt.Errorf("payload: %w", err)
			}
			outcome, err = s.credentialJobRun(ctx, tx, j.Kind, p, now)
		case jobMembershipScan:
			outcome, err = s.membershipSweep(ctx, tx, now)
		case jobAccountSweep:
			outcome, err = s.accountSweep(ctx, tx, now)

		case jobLapseNoted:
			outcome = boardsql.JobSkipped
		default:
			err = fmt.Errorf("unknown job kind %q", j.Kind)
		}
		if err != nil {
			return err
		}
		return tx.FinishJob(ctx, j.ID, outcome, now)
	})
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

// missedRenewalDecision says whether a credential that expired at until
// without being renewed is to be suspended now, and the reason: only an
// active one, once the grace after expiry has passed.
func missedRenewalDecision(status string, until, now time.Time, grace time.Duration) (bool, string) {
	if until.IsZero() || status != "active" || now.Before(until.Add(grace)) {
		return false, ""
	}
	return true, fmt.Sprintf("%s %s", missedRenewalReason, dayOf(until))
}

// membershipDecision says whether the holder's membership of the
// organisations a credential requires has lapsed on today: the latest
// membership of any of them (rejected evidence ignored; one without an end
// never lapses) ended before today. Without any such membership on file
// nothing is decided (false). It returns the day the membership ended.
func membershipDecision(ms []portfolio.Membership, orgs []string, today date.Date) (bool, date.Date) {
	var latest *portfolio.Membership
	for i := range ms {
		m := &ms[i]
		if !slices.Contains(orgs, m.Organization) || m.Verification.EffectiveState() == portfolio.Rejected || m.From.After(today) {
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

// credentialJobRun is a credential's reminder, expiry or missed-renewal
// job, in the job's transaction. It returns the job's outcome.
func (s *Server) credentialJobRun(ctx context.Context, tx *boardsql.Tx, kind string, p credentialJob, now time.Time) (string, error) {
	// Read in the job's transaction (and locked), so the decision sees a
	// revocation or renewal that committed first.
	c, err := tx.CredentialForUpdate(ctx, p.Credential)
	if errors.Is(err, boardsql.ErrNotFound) {
		return boardsql.JobSkipped, nil
	}
	if err != nil {
		return "", err
	}
	holder, err := s.cfg.Store.UserByID(ctx, c.HolderID)
	if err != nil {
		return "", err
	}
	title := s.credentialTitle(c)
	link := s.publicBase() + "/credentials/" + c.ID
	renewal, err := s.openRenewal(ctx, c.HolderID, c.ID)
	if err != nil {
		return "", err
	}
	progress := renewalAdvice(renewal, link, s.publicBase(), kind != jobReminder)
	mail := func(subject, body string) error {
		_, err := tx.EnqueueMail(ctx, boardsql.Mail{To: holder.Email, Subject: subject, Body: body, CreatedAt: now})
		return err
	}
	switch kind {
	case jobReminder:
		if ok, _ := reminderDecision(c.Status(), c.ValidUntil, now); !ok {
			return boardsql.JobSkipped, nil
		}
		return boardsql.JobDone, mail(fmt.Sprintf("Your credential expires in %d days", p.Days),
			fmt.Sprintf("Dear %s,\n\nYour %s credential (%s) expires on %s.\n\n%s", holder.Name, title, link, dayOf(c.ValidUntil), progress))
	case jobExpiry:
		if !expiryDecision(c.Status(), c.ValidUntil, now) {
			return boardsql.JobSkipped, nil
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: lifecycleActor, Action: "credential.expire",
			Subject: "credential/" + c.ID, Before: c.Status(), After: "expired on " + dayOf(c.ValidUntil).String()}); err != nil {
			return "", err
		}
		return boardsql.JobDone, mail("Your credential expired today",
			fmt.Sprintf("Dear %s,\n\nYour %s credential (%s) expired today, %s: it no longer verifies as valid.\n\n%s",
				holder.Name, title, link, dayOf(c.ValidUntil), progress))
	case jobMissedRenewal:
		ok, reason := missedRenewalDecision(c.Status(), c.ValidUntil, now, renewalGrace)
		if !ok {
			return boardsql.JobSkipped, nil
		}
		return boardsql.JobDone, s.autoSuspend(ctx, tx, c, holder, title, reason, now, progress)
	}
	return "", fmt.Errorf("unknown credential job %q", kind)
}

// renewalAdvice tells a holder what to do about a credential's renewal:
// before expiry, start it or submit it; once it has expired, a renewal still
// open is submitted (its approval lifts a missed-renewal suspension), and
// without one the holder applies again (an expired credential cannot be
// renewed).
func renewalAdvice(renewal *boardsql.Application, link, base string, expired bool) string {
	if renewal == nil {
		if expired {
			return "It can no longer be renewed: apply for the credential again from your applications page, " + base + "/applications\n"
		}
		return fmt.Sprintf("Start your renewal, log the CE of this cycle and submit it: %s/renewal\n", link)
	}
	out := fmt.Sprintf("Your renewal (application %d) is %s: %s/applications/%d\n", renewal.ID, renewal.State.Words(), base, renewal.ID)
	if renewal.State == board.Draft || renewal.State == board.Returned {
		if expired {
			return out + "Submit it for review: once the board approves it, your new credential is issued and any suspension for the missed renewal is lifted.\n"
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
func (s *Server) autoSuspend(ctx context.Context, tx *boardsql.Tx, c *boardsql.IssuedCredential, holder *boardsql.User, title, reason string, now time.Time, advice string) error {
	if err := tx.SetCredentialStatus(ctx, c.ID, "suspend", reason, now); err != nil {
		return err
	}
	if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: lifecycleActor, Action: "credential.suspend",
		Subject: "credential/" + c.ID, Before: c.Status(), After: "suspended: " + reason}); err != nil {
		return err
	}
	if advice == "" {
		advice = "Contact the board to have it reinstated once this is put right.\n"
	}
	body := fmt.Sprintf("Dear %s,\n\nYour %s credential (%s) has been suspended automatically: %s.\n\n"+
		"Verifiers now see it as suspended. %s",
		holder.Name, title, s.publicBase()+"/credentials/"+c.ID, reason, advice)
	_, err := tx.EnqueueMail(ctx, boardsql.Mail{To: holder.Email, Subject: "Your credential has been suspended", Body: body, CreatedAt: now})
	return err
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
func (s *Server) holderMemberships(ctx context.Context, c *boardsql.IssuedCredential) ([]portfolio.Membership, error) {
	var out []portfolio.Membership
	app, err := s.cfg.Store.Application(ctx, c.ApplicationID)
	if err != nil && !errors.Is(err, boardsql.ErrNotFound) {
		return nil, err
	}
	if err == nil && len(app.Snapshot) > 0 {
		p, err := portfolio.DecodeStored(app.Snapshot)
		if err != nil {
			return nil, fmt.Errorf("application %d: %w", app.ID, err)
		}
		out = append(out, p.Memberships...)
	}
	renewal, err := s.openRenewal(ctx, c.HolderID, c.ID)
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
func (s *Server) membershipSweep(ctx context.Context, tx *boardsql.Tx, now time.Time) (string, error) {
	creds, err := s.cfg.Store.ActiveCredentials(ctx)
	if err != nil {
		return "", err
	}
	today := dayOf(now)
	suspended := 0
	for _, c := range creds {
		if !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil) {
			continue // expired: the missed-renewal job decides
		}
		set := s.credentialSet(c)
		orgs := membershipOrgs(set)
		if len(orgs) == 0 {
			continue
		}
		ms, err := s.holderMemberships(ctx, c)
		if err != nil {
			// One credential's unreadable evidence must not stop the
			// sweep of all the others, every day: log it and go on.
			s.cfg.Log.Error("membership sweep: skipped a credential", "credential", c.ID, "err", err)
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
		if first, err := tx.EnqueueJob(ctx, boardsql.Job{Kind: jobLapseNoted,
			Key: "credential/" + c.ID + "/membership-lapsed/" + on.String(), RunAt: now, CreatedAt: now}); err != nil {
			return "", err
		} else if !first {
			continue
		}
		holder, err := s.cfg.Store.UserByID(ctx, c.HolderID)
		if err != nil {
			return "", err
		}
		if err := s.autoSuspend(ctx, tx, c, holder, set.Title, "membership lapsed on "+on.String(), now, ""); errors.Is(err, boardsql.ErrConflict) {
			continue // revoked, suspended or renewed since it was listed: nothing to do
		} else if err != nil {
			return "", err
		}
		suspended++
	}
	if suspended == 0 {
		return boardsql.JobSkipped, nil
	}
	return boardsql.JobDone, nil
}

// ScheduleAllLifecycles schedules the lifecycle jobs of every active
// credential that lacks them (credentials issued before the jobs
// existed); it returns how many jobs it added. Scheduling is idempotent.
func (s *Server) ScheduleAllLifecycles(ctx context.Context) (int, error) {
	creds, err := s.cfg.Store.ActiveCredentials(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	before := 0
	if js, err := s.cfg.Store.Jobs(ctx, "credential/"); err == nil {
		before = len(js)
	} else {
		return 0, err
	}
	for _, c := range creds {
		if !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil) {
			continue // already expired: no reminder or "expired today" mail is due any more
		}
		if err := s.inTx(ctx, func(tx *boardsql.Tx) error { return s.scheduleLifecycle(ctx, tx, *c, now) }); err != nil {
			return 0, err
		}
	}
	js, err := s.cfg.Store.Jobs(ctx, "credential/")
	if err != nil {
		return 0, err
	}
	return len(js) - before, nil
}
