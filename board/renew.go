package board

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// RenewalSet is the requirement set every AASECT renewal is judged by.
const RenewalSet = "aasect-renewal"

// DayOf is the UTC calendar day of an instant.
func DayOf(t time.Time) date.Date {
	y, m, d := t.UTC().Date()
	return date.Of(y, m, d)
}

// StartRenewal returns the holder's open renewal application for a
// credential, starting one (a draft against RenewalSet) when there is
// none, and says whether this call started it (decided in the transaction
// that starts it). The credential must be the holder's: anyone else's is
// not found.
func (b *Board) StartRenewal(ctx context.Context, holder *auth.User, credentialID string) (*Application, bool, error) {
	c, err := b.HeldCredential(ctx, holder, credentialID)
	if err != nil {
		return nil, false, err
	}
	if open, err := b.OpenRenewal(ctx, holder.ID, credentialID); err != nil || open != nil {
		return open, false, err
	}
	p, err := b.RenewalPortfolio(ctx, holder, c)
	if err != nil {
		return nil, false, err
	}
	var id int64
	var created bool
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		id, created, err = b.StartRenewalIn(ctx, tx, holder, holder.ID, c.ID, p, b.clock.Now())
		return err
	})
	if err != nil {
		return nil, false, err
	}
	app, err := b.store.Application(ctx, id)
	return app, created, err
}

// StartRenewalIn finds or starts, in the caller's transaction, the
// holder's renewal of a credential: it locks the credential's row
// (CredentialForUpdate), so two requests starting the same renewal at once
// take turns and the second finds the first's application instead of
// opening another; it answers the open renewal's id (created false), or
// checks that the credential may be renewed (active, not expired) and
// starts a draft with the portfolio p, its history event and audit entry
// (created true). actor is who started it (the holder, or the provider
// whose report started it).
func (b *Board) StartRenewalIn(ctx context.Context, tx Tx, holder *auth.User, actor int64, credentialID string, p *portfolio.Portfolio, now time.Time) (int64, bool, error) {
	c, err := tx.CredentialForUpdate(ctx, credentialID)
	if err != nil {
		return 0, false, err
	}
	if c.HolderID != holder.ID {
		return 0, false, certboard.ErrNotFound
	}
	if id, err := tx.OpenRenewalID(ctx, c.ID); err != nil || id != 0 {
		return id, false, err
	}
	if c.Status() != "active" {
		return 0, false, refused(certboard.Conflict, fmt.Sprintf("credential %s is %s; only an active credential is renewed", credentialID, c.Status()))
	}
	if !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil) {
		return 0, false, refused(certboard.Conflict, fmt.Sprintf("credential %s expired on %s; a renewal must be started before the credential expires, so apply again instead", credentialID, DayOf(c.ValidUntil)))
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		return 0, false, err
	}
	id, err := tx.CreateApplication(ctx, Application{ApplicantID: holder.ID, SetID: RenewalSet, State: Draft,
		Portfolio: data, CreatedAt: now, RenewsCredential: credentialID})
	if err != nil {
		return 0, false, err
	}
	if err := tx.AddEvent(ctx, Event{ApplicationID: id, At: now, ActorID: actor, Action: "start", To: Draft}); err != nil {
		return 0, false, err
	}
	_, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", actor), Action: "renewal.start",
		Subject: fmt.Sprintf("application/%d", id), After: "renews credential " + credentialID})
	return id, true, err
}

// OpenRenewal is the holder's renewal of a credential still in progress
// (not approved, denied or withdrawn), or nil.
func (b *Board) OpenRenewal(ctx context.Context, holderID int64, credentialID string) (*Application, error) {
	mine, err := b.store.Applications(ctx, ApplicationFilter{ApplicantID: holderID, SetID: RenewalSet})
	if err != nil {
		return nil, err
	}
	for _, a := range mine {
		if a.RenewsCredential == credentialID && !a.State.Final() {
			return b.store.Application(ctx, a.ID)
		}
	}
	return nil, nil
}

// Renewal is where the renewal of a credential stands.
type Renewal struct {
	Credential *IssuedCredential
	// Title is the credential's (CredentialTitle).
	Title string
	// App is the renewal in progress or, when none is, the last one
	// decided (to show how it ended); nil for none.
	App *Application
	// CanStart: no renewal is open and the credential may be renewed.
	CanStart bool
	// Why says why it cannot be renewed, when it cannot.
	Why string
	// NewUntil is the validity approval today would give (zero: none).
	NewUntil time.Time
}

// HeldRenewal is where the renewal of credential id stands; the
// credential must be the caller's (see HeldCredential).
func (b *Board) HeldRenewal(ctx context.Context, by *auth.User, id string) (*Renewal, error) {
	c, err := b.HeldCredential(ctx, by, id)
	if err != nil {
		return nil, err
	}
	return b.renewalOf(ctx, c)
}

// RenewalOf is where the renewal of credential id stands, for staff (the
// caller has checked who may see it).
func (b *Board) RenewalOf(ctx context.Context, id string) (*Renewal, error) {
	c, err := b.store.Credential(ctx, id)
	if err != nil {
		return nil, err
	}
	return b.renewalOf(ctx, c)
}

// renewalOf is where the renewal of credential c stands.
func (b *Board) renewalOf(ctx context.Context, c *IssuedCredential) (*Renewal, error) {
	v := &Renewal{Credential: c, Title: b.CredentialTitle(c)}
	app, err := b.OpenRenewal(ctx, c.HolderID, c.ID)
	if err != nil {
		return nil, err
	}
	if app == nil {
		mine, err := b.store.Applications(ctx, ApplicationFilter{ApplicantID: c.HolderID, SetID: RenewalSet})
		if err != nil {
			return nil, err
		}
		for _, a := range mine {
			if a.RenewsCredential == c.ID {
				if app, err = b.store.Application(ctx, a.ID); err != nil {
					return nil, err
				}
			}
		}
	}
	v.App = app
	now := b.clock.Now()
	switch {
	case app != nil && !app.State.Final():
	case c.Status() != "active":
		v.Why = fmt.Sprintf("This credential is %s; only an active credential is renewed.", c.Status())
	case !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil):
		v.Why = fmt.Sprintf("This credential expired on %s; a renewal must be started before it expires.", DayOf(c.ValidUntil))
	default:
		v.CanStart = true
	}
	if years := b.CycleYears(c); years > 0 {
		v.NewUntil = RenewalValidity(c.ValidUntil, now, years)
	}
	return v, nil
}

// CredentialSet is the requirement-set version a credential was issued
// under (the latest of its id when that version is no longer loaded).
func (b *Board) CredentialSet(c *IssuedCredential) *requirements.Set {
	if set := b.Catalog().Version(c.SetID, c.SetVersion); set != nil {
		return set
	}
	return b.Catalog().Latest(c.SetID)
}

// CredentialTitle is the title of a credential's requirement set, or its
// set id when the set is no longer loaded.
func (b *Board) CredentialTitle(c *IssuedCredential) string {
	if set := b.CredentialSet(c); set != nil {
		return set.Title
	}
	return c.SetID
}

// RenewalPortfolio starts the portfolio of a renewal: the holder's
// details, the credential being renewed as evidence the board itself
// verified (its type, dates and body, which give the engine the renewal
// cycle: valid_to is the cycle's last day, the day before the credential
// expires), and the memberships of the application that earned the
// credential, as verified then, for the holder to extend.
func (b *Board) RenewalPortfolio(ctx context.Context, holder *auth.User, c *IssuedCredential) (*portfolio.Portfolio, error) {
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: fmt.Sprintf("p%d", holder.ID), Name: holder.Name, Email: holder.Email, Practice: holder.Workplace}}
	p.Credentials = append(p.Credentials, b.renewedCredentialItem(ctx, c))
	if prior, err := b.store.Application(ctx, c.ApplicationID); err == nil && len(prior.Snapshot) > 0 {
		if old, err := portfolio.DecodeStored(prior.Snapshot); err == nil {
			p.Memberships = append(p.Memberships, old.Memberships...)
		}
	} else if err != nil && !errors.Is(err, certboard.ErrNotFound) {
		return nil, err
	}
	return p, nil
}

// renewedCredentialItem describes an issued credential as portfolio
// evidence, verified by the board that issued it.
func (b *Board) renewedCredentialItem(ctx context.Context, c *IssuedCredential) portfolio.Credential {
	body := "AASECT"
	if set := b.CredentialSet(c); set != nil && set.Body != "" {
		body = set.Body
	}
	item := portfolio.Credential{ID: "renewing-" + c.ID, Type: c.SetID, Body: body, Number: c.ID, ValidFrom: DayOf(c.IssuedAt), Status: "active",
		Verification: portfolio.Verification{State: portfolio.Verified, By: b.Name(ctx), At: DayOf(b.clock.Now()),
			Note: "issued by this board: " + b.credentialURL(c.ID)}}
	if !c.ValidUntil.IsZero() {
		item.ValidTo = DayOf(c.ValidUntil).AddDays(-1)
	}
	return item
}

// RenewalValidity is the validity of the credential a renewal issues at
// now: approved before the old credential expires, the new one continues
// the cycle (the old end plus the cycle's years), so renewing early costs
// nothing; approved later, it runs the years from now. validFrom is always
// the approval.
func RenewalValidity(oldUntil, now time.Time, cycleYears int) time.Time {
	if cycleYears <= 0 {
		return time.Time{}
	}
	if !oldUntil.IsZero() && now.Before(oldUntil) {
		return oldUntil.AddDate(cycleYears, 0, 0).Truncate(time.Second)
	}
	return now.AddDate(cycleYears, 0, 0).Truncate(time.Second)
}

// issuePlan is what IssueCredential issues for an application: the set
// whose credential it is and, for a renewal, the credential renewed and the
// continued validity.
type issuePlan struct {
	set *requirements.Set
	// until, when set, replaces the set's validity.
	until time.Time
	// renews is the credential a renewal replaces (nil otherwise).
	renews *IssuedCredential
}

// planIssue works out what approving app issues. A renewal issues the
// credential being renewed again (its type and title, from the set version
// it was issued under) with the continued validity; anything else issues
// the application's own set.
//
// The credential renewed is read in the approving transaction, its row
// locked (CredentialForUpdate), so a revocation, suspension or other
// renewal that came first is seen and one that comes later waits. A
// revoked or superseded credential is not renewed; nor is a suspended one
// (lapsed membership, a board decision): staff lift the suspension first,
// or the renewal would end it behind their back. An expired one is: a
// renewal opened before expiry may be approved after it.
func (b *Board) planIssue(ctx context.Context, tx Tx, app *Application, set *requirements.Set, now time.Time) (issuePlan, error) {
	if app.RenewsCredential == "" {
		return issuePlan{set: set}, nil
	}
	old, err := tx.CredentialForUpdate(ctx, app.RenewsCredential)
	if err != nil {
		return issuePlan{}, fmt.Errorf("the credential renewal %d renews (%s): %w", app.ID, app.RenewsCredential, err)
	}
	if old.HolderID != app.ApplicantID {
		return issuePlan{}, fmt.Errorf("renewal %d renews credential %s, which is not the applicant's", app.ID, old.ID)
	}
	switch st := old.Status(); {
	case st == "revoked" || st == "superseded":
		return issuePlan{}, refused(certboard.Conflict, fmt.Sprintf("credential %s is %s; it cannot be renewed", old.ID, st))
	case st == "suspended":
		return issuePlan{}, refused(certboard.Conflict, fmt.Sprintf(
			"credential %s is suspended (%s); reinstate it from the credential's page once that is resolved, then approve the renewal", old.ID, old.SuspendReason))
	}
	oldSet := b.CredentialSet(old)
	if oldSet == nil {
		return issuePlan{}, fmt.Errorf("requirement set %s of credential %s is not loaded", old.SetID, old.ID)
	}
	return issuePlan{set: oldSet, until: RenewalValidity(old.ValidUntil, now, renewalYears(set, oldSet)), renews: old}, nil
}

// renewalYears is the length of a renewal cycle: the renewal set's cycle,
// or else the validity of the credential's own set (0 when neither says).
func renewalYears(renewSet, credSet *requirements.Set) int {
	switch {
	case renewSet != nil && renewSet.Cycle != nil:
		return renewSet.Cycle.Years
	case credSet != nil && credSet.Validity != nil:
		return credSet.Validity.Years
	}
	return 0
}

// CycleYears is the length of a credential's renewal cycle under the
// sets in force (0 when no set says).
func (b *Board) CycleYears(c *IssuedCredential) int {
	return renewalYears(b.Catalog().Latest(RenewalSet), b.CredentialSet(c))
}

// afterIssue finishes an issuance in its transaction: a renewal supersedes
// the credential it renews (its pending reminders and expiry jobs are
// cancelled; audited; the holder is mailed), and the new credential's
// reminders and expiry are scheduled.
func (b *Board) afterIssue(ctx context.Context, tx Tx, by *auth.User, app *Application, ic IssuedCredential, plan issuePlan, now time.Time) error {
	if old := plan.renews; old != nil {
		if err := tx.SupersedeCredential(ctx, old.ID, ic.ID, now); err != nil {
			return err
		}
		if _, err := tx.CancelJobs(ctx, CredentialJobPrefix(old.ID), now); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "credential.supersede",
			Subject: "credential/" + old.ID, Before: old.Status(), After: "superseded by credential/" + ic.ID}); err != nil {
			return err
		}
		if err := notify.Enqueue(ctx, tx, app.ApplicantEmail, notify.CredentialRenewed{Name: app.ApplicantName, App: app.ID,
			ValidUntil: DayOf(ic.ValidUntil).String(), Link: b.credentialURL(ic.ID), OldLink: b.credentialURL(old.ID)}, now); err != nil {
			return err
		}
	}
	// The registry's search words name the holder's public credentials.
	if err := b.ReindexListing(ctx, tx, ic.HolderID); err != nil {
		return err
	}
	return scheduleLifecycle(ctx, tx, ic, now)
}
