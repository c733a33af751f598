package practice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/practice/scope"
)

// ScopePath is the admins' page of the practitioners' scope of practice:
// their credentials and the cases flagged for review. The mail that tells
// an admin of a lost scope links to it.
const ScopePath = "/admin/scope"

// Reverified is what one ReverifyDue did.
type Reverified struct {
	// Checked counts the credentials checked, whatever the outcome.
	Checked int
	// Unavailable counts those that could not be checked now (their
	// issuer's site down), tried again later.
	Unavailable int
	// Lost counts the practitioners whose scope lost Intensive Therapy.
	Lost int
}

// checkOutcome is one check of a stored credential: the result, or the
// error that says why there is none.
type checkOutcome struct {
	cred Credential
	v    scope.Verified
	err  error
}

// ReverifyDue checks again every attached credential whose next check is
// due (scope.Check: its proof, issuer on the trust list, validity dates
// and status lists; its next check is daily, sooner when a status list's
// ttl or validity or the credential's end says so), at most ReverifyBatch
// of them, and stores each outcome. A credential that could not be checked
// now keeps its last result and is tried again within hours, counting for
// as long as scope.Grace allows. Each practitioner's scope is then judged
// again and compared with its last judgement (judgeScope): when Intensive
// Therapy has left it (a credential suspended, revoked, expired, no longer
// trusted or no longer verifying, or unverified past its grace, with no
// other allowing it), their open Intensive Therapy cases are flagged for
// review and every practice admin is mailed, once: the next check that
// finds the same finds Intensive Therapy outside the last judgement too.
// Each practitioner's outcomes are recorded in one transaction with their
// audit entries; a credential detached or checked by someone else
// meanwhile is left as it is.
//
// The due times live in the database, so nothing is lost across restarts:
// the practice's server calls ReverifyDue every few minutes, and several
// servers may call it at once.
func (p *Practice) ReverifyDue(ctx context.Context) (Reverified, error) {
	var out Reverified
	if _, err := p.checkFetch(); err != nil {
		return out, err
	}
	now := p.clock.Now().UTC()
	due, err := p.store.DueCredentials(ctx, now, ReverifyBatch)
	if err != nil || len(due) == 0 {
		return out, err
	}
	trust, err := p.trustList(ctx)
	if err != nil {
		return out, err
	}
	byUser := map[int64][]checkOutcome{}
	var users []int64
	for _, d := range due {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		o, err := p.checkOne(ctx, d, trust, now)
		if err != nil {
			return out, err
		}
		out.Checked++
		if certboard.ErrorCode(o.err) == certboard.Unavailable {
			out.Unavailable++
		}
		if _, seen := byUser[d.UserID]; !seen {
			users = append(users, d.UserID)
		}
		byUser[d.UserID] = append(byUser[d.UserID], o)
	}
	var errs []error
	for _, uid := range users {
		lost, err := p.recordChecks(ctx, CredentialsActor, uid, byUser[uid], now)
		if err != nil {
			p.log.Error("recording credential checks", "practitioner", uid, "err", err)
			errs = append(errs, fmt.Errorf("practitioner %d: %w", uid, err))
			continue
		}
		if lost {
			out.Lost++
		}
	}
	return out, errors.Join(errs...)
}

// minRecheck is how soon after a check a practitioner may ask for another.
const minRecheck = time.Minute

// RecheckCredential is a practitioner asking the practice to check a
// credential of theirs again now (after its issuer reinstated it, say)
// rather than when it is next due. The outcome is stored and acted on as
// ReverifyDue's are; it returns the credential as stored then, whose
// LastError says when it could not be checked now. A credential checked
// less than a minute ago is returned as it is.
func (p *Practice) RecheckCredential(ctx context.Context, by Actor, id int64) (*Credential, error) {
	if err := mayHaveCredentials(by); err != nil {
		return nil, err
	}
	d, err := p.store.CredentialForCheck(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) || (err == nil && d.UserID != by.UserID) {
		return nil, certboard.Errorf(certboard.NotFound, "there is no credential %d among yours", id)
	}
	if err != nil {
		return nil, err
	}
	now := p.clock.Now().UTC()
	if now.Sub(d.JudgedAt) >= minRecheck {
		trust, err := p.trustList(ctx)
		if err != nil {
			return nil, err
		}
		o, err := p.checkOne(ctx, d, trust, now)
		if err != nil {
			return nil, err
		}
		if _, err := p.recordChecks(ctx, by.AuditName(), by.UserID, []checkOutcome{o}, now); err != nil {
			return nil, err
		}
	}
	creds, err := p.store.PractitionerCredentials(ctx, by.UserID)
	if err != nil {
		return nil, err
	}
	if i := credentialIndex(creds, id); i >= 0 {
		return &creds[i], nil
	}
	return nil, certboard.Errorf(certboard.NotFound, "credential %d was removed meanwhile", id)
}

// checkOne checks a stored credential at now against trust. The outcome
// holds the result, or the error that says why there is none (Invalid:
// it no longer verifies; Unavailable: it could not be checked now). An
// error of the practice itself is returned.
func (p *Practice) checkOne(ctx context.Context, d DueCredential, trust scope.TrustList, now time.Time) (checkOutcome, error) {
	fetch, err := p.checkFetch()
	if err != nil {
		return checkOutcome{}, err
	}
	v, err := scope.Check(ctx, d.Document, d.HolderEmail, trust, fetch, now)
	switch certboard.ErrorCode(err) {
	case "", certboard.Invalid, certboard.TooLarge, certboard.Unavailable:
		return checkOutcome{cred: d.Credential, v: v, err: err}, nil
	}
	return checkOutcome{}, err
}

// retryAfter is how long after its nth attempt in a row that could not
// check it a credential is tried again: an hour, doubling, at most six.
func retryAfter(failures int) time.Duration {
	d := time.Hour
	for i := 1; i < failures && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// applyCheck returns c with the outcome of a check at now, and whether
// the change is worth an audit entry (its standing changed, or a first
// attempt that could not check).
func applyCheck(c Credential, o checkOutcome, now time.Time) (Credential, bool) {
	was := c.Verified.Status
	c.JudgedAt = now
	switch code := certboard.ErrorCode(o.err); code {
	case "":
		c.Verified, c.Failures, c.LastError, c.DueAt = o.v, 0, "", o.v.NextCheck
	case certboard.Unavailable:
		c.Failures++
		c.LastError = certboard.ErrorMessage(o.err)
		c.DueAt = now.Add(retryAfter(c.Failures))
		return c, c.Failures == 1
	default: // Invalid, TooLarge: the stored document no longer verifies
		c.Verified.Status = NoLongerVerifies
		c.Verified.Reason = strings.TrimPrefix(certboard.ErrorMessage(o.err), "credential: ")
		c.Verified.CheckedAt = now
		c.Verified.NextCheck = now.Add(scope.CheckEvery)
		c.Failures, c.LastError, c.DueAt = 0, "", c.Verified.NextCheck
	}
	return c, c.Verified.Status != was
}

// recordChecks stores the outcomes of checks of practitioner userID's
// credentials at now in one transaction, with their audit entries by
// actor, and acts on a lost scope (scopeLost). It reports whether the
// scope was lost.
func (p *Practice) recordChecks(ctx context.Context, actor string, userID int64, outs []checkOutcome, now time.Time) (bool, error) {
	lost := false
	err := p.store.InTx(ctx, func(tx Tx) error {
		lost = false
		last, err := tx.LockScopeJudgement(ctx, userID)
		if err != nil {
			return err
		}
		trust, err := tx.CredentialTrustList(ctx)
		if err != nil {
			return err
		}
		creds, err := tx.CredentialsOf(ctx, userID, true)
		if err != nil {
			return err
		}
		after := slices.Clone(creds)
		recorded := 0
		for _, o := range outs {
			i := credentialIndex(after, o.cred.ID)
			if i < 0 || after[i].Version != o.cred.Version {
				continue // detached, or checked by another run meanwhile
			}
			next, worth := applyCheck(after[i], o, now)
			if err := tx.UpdateCredentialCheck(ctx, next); errors.Is(err, certboard.ErrConflict) {
				continue
			} else if err != nil {
				return err
			}
			next.Version++
			if worth {
				before := map[string]any{"status": string(after[i].Verified.Status)}
				change := map[string]any{"status": string(next.Verified.Status)}
				if next.Verified.Reason != "" {
					change["reason"] = next.Verified.Reason
				}
				if next.LastError != "" {
					change["could_not_check"] = next.LastError
				}
				if err := appendAuditAt(ctx, tx, now, actor, AuditCredentialCheck, CredentialSubject(next.ID), before, change); err != nil {
					return err
				}
			}
			after[i] = next
			recorded++
		}
		if recorded == 0 {
			return nil
		}
		lost, err = p.judgeScope(ctx, tx, actor, userID, last, creds, after, trust, trust, now)
		return err
	})
	return lost, err
}

// judgeScope judges practitioner userID's scope again in tx after a change
// and acts, once, on a loss of Intensive Therapy (scope.Changed,
// scopeLost), by actor. was is their scope as the practice last judged it:
// their credentials before the change (as stored) with the trust list
// before it, judged at last, the time LockScopeJudgement returned; is is
// their scope now: their credentials after the change with the trust list
// after it. The caller holds the lock of LockScopeJudgement, taken before
// it read the credentials. judgeScope records now as the time of this
// judgement, so the next one is compared with it, and reports whether
// Intensive Therapy was lost.
//
// Every change to a practitioner's credentials or to the trust list goes
// through here, so the credentials and the trust list as stored now are
// what the last judgement saw. A practitioner never judged (whose
// credentials were attached before the judgements were recorded) is taken
// as last judged when the practice last looked at one of their
// credentials.
func (p *Practice) judgeScope(ctx context.Context, tx Tx, actor string, userID int64, last time.Time,
	before, after []Credential, trustBefore, trustAfter scope.TrustList, now time.Time) (bool, error) {
	m, err := scopeMap()
	if err != nil {
		return false, certboard.Wrap(err, "the scope map cannot be read")
	}
	if last.IsZero() {
		for _, c := range before {
			if c.JudgedAt.After(last) {
				last = c.JudgedAt
			}
		}
	}
	if last.IsZero() || last.After(now) {
		last = now
	}
	was := scope.Allowed(m, trustBefore, verifiedOf(before), last)
	is := scope.Allowed(m, trustAfter, verifiedOf(after), now)
	if err := tx.SetScopeJudgement(ctx, userID, now); err != nil {
		return false, err
	}
	flag, why := scope.Changed(was, is)
	if !flag {
		return false, nil
	}
	return true, p.scopeLost(ctx, tx, actor, userID, why, now)
}

// trustChanged judges again, in tx, the scope of every practitioner with
// a credential of issuer after the trust list changed (trustBefore is the
// list before the change; the list after it is read in tx), by actor:
// taking an issuer off the list, or trusting it for fewer kinds of
// credential, is acted on at once.
func (p *Practice) trustChanged(ctx context.Context, tx Tx, actor, issuer string, trustBefore scope.TrustList, now time.Time) error {
	trustAfter, err := tx.CredentialTrustList(ctx)
	if err != nil {
		return err
	}
	users, err := tx.IssuerPractitioners(ctx, issuer)
	if err != nil {
		return err
	}
	for _, u := range users { // by id: the locks are taken in one order
		last, err := tx.LockScopeJudgement(ctx, u)
		if err != nil {
			return err
		}
		creds, err := tx.CredentialsOf(ctx, u, true)
		if err != nil {
			return err
		}
		if _, err := p.judgeScope(ctx, tx, actor, u, last, creds, creds, trustBefore, trustAfter, now); err != nil {
			return err
		}
	}
	return nil
}

// scopeLost acts, in tx, on practitioner userID's scope losing Intensive
// Therapy: it flags their open Intensive Therapy cases for review, audits
// each flag and the loss, and mails every practice admin.
func (p *Practice) scopeLost(ctx context.Context, tx Tx, actor string, userID int64, why string, now time.Time) error {
	cases, err := tx.FlagITCasesForReview(ctx, userID, why, now)
	if err != nil {
		return err
	}
	for _, id := range cases {
		if err := appendAuditAt(ctx, tx, now, actor, AuditCaseFlag, "case:"+strconv.FormatInt(id, 10), nil,
			map[string]any{"flag": "scope_of_practice", "practitioner": userID}); err != nil {
			return err
		}
	}
	if err := appendAuditAt(ctx, tx, now, actor, AuditScopeLost, "user:"+strconv.FormatInt(userID, 10), nil,
		map[string]any{"why": why, "cases_flagged": len(cases)}); err != nil {
		return err
	}
	holder, err := tx.TxCredentialHolder(ctx, userID)
	if err != nil {
		return err
	}
	admins, err := tx.PracticeAdminContacts(ctx)
	if err != nil {
		return err
	}
	if len(admins) == 0 {
		p.log.Warn("a practitioner's scope lost Intensive Therapy and the practice has no admin to tell", "practitioner", userID)
	}
	for _, a := range admins {
		m := notify.PracticeScopeLost{Name: a.Name, Practitioner: holder.Name, On: now.Format(time.DateOnly), Why: why,
			Cases: len(cases), Link: p.PublicURL() + ScopePath}
		if err := notify.Enqueue(ctx, tx, a.Email, m, now); err != nil {
			return err
		}
	}
	return nil
}

// ScopeFlags lists the flags raised on cases after a practitioner's scope
// changed, newest first (only those still open when open is true), for
// the practice's admins. A flag names its case by id and no client.
func (p *Practice) ScopeFlags(ctx context.Context, by Actor, open bool) ([]ScopeFlag, error) {
	if !by.IsAdmin() {
		return nil, certboard.Errorf(certboard.Forbidden, "only the practice's admins review the cases flagged")
	}
	return p.store.ScopeFlags(ctx, open)
}

// ResolveScopeFlag is an admin recording the review of a flagged case:
// what was done (the client referred onward, the case moved back to
// Specific Suggestions, the credential renewed), sealed at rest. The
// audit entry names the case, not the text.
func (p *Practice) ResolveScopeFlag(ctx context.Context, by Actor, flagID int64, resolution string) error {
	if !by.IsAdmin() {
		return certboard.Errorf(certboard.Forbidden, "only the practice's admins review the cases flagged")
	}
	resolution = strings.TrimSpace(resolution)
	switch {
	case resolution == "":
		return certboard.FieldError(certboard.Invalid, "resolution", "say what the review found and what was done")
	case !utf8.ValidString(resolution) || utf8.RuneCountInString(resolution) > MaxScopeResolution:
		return certboard.FieldError(certboard.Invalid, "resolution", fmt.Sprintf("at most %d characters of text", MaxScopeResolution))
	}
	now := p.clock.Now().UTC()
	err := p.store.InTx(ctx, func(tx Tx) error {
		caseID, err := tx.ResolveScopeFlag(ctx, flagID, by.UserID, resolution, now)
		if err != nil {
			return err
		}
		return appendAuditAt(ctx, tx, now, by.AuditName(), AuditCaseFlagResolve, "case:"+strconv.FormatInt(caseID, 10), nil,
			map[string]any{"flag": flagID})
	})
	switch {
	case errors.Is(err, certboard.ErrNotFound):
		return certboard.Errorf(certboard.NotFound, "there is no flag %d", flagID)
	case errors.Is(err, certboard.ErrConflict):
		return certboard.Errorf(certboard.Conflict, "flag %d was resolved already; reload the page", flagID)
	}
	return err
}

// appendAuditAt appends an audit entry at at by actor (as the log names
// them); before and after are marshalled to JSON unless nil. They never
// hold a credential's document, clinical text or identity: the log is not
// sealed.
func appendAuditAt(ctx context.Context, tx Tx, at time.Time, actor, action, subject string, before, after any) error {
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		out, err := json.Marshal(v)
		return string(out), err
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	_, err = tx.AppendAudit(ctx, audit.Entry{At: at, Actor: actor, Action: action, Subject: subject, Before: b, After: a})
	return err
}
