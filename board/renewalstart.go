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
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/sqldb"
)

// Starting a renewal, in the transaction of the use case that starts it
// (a CE provider's report starts the holder's renewal when there is none).

// RenewalSet is the requirement set every AASECT renewal is judged by.
const RenewalSet = "aasect-renewal"

// dayOf is the UTC calendar day of an instant.
func dayOf(t time.Time) date.Date { return date.FromTime(t.UTC()) }

// today is the board's date.
func (b *Board) today() date.Date { return dayOf(b.clock.Now()) }

// CredentialSet is the requirement-set version a credential was issued
// under (the latest of its id when that version is no longer loaded).
func (b *Board) CredentialSet(c *IssuedCredential) *requirements.Set {
	for _, v := range b.Catalog().Versions(c.SetID) {
		if v.Version == c.SetVersion {
			return v
		}
	}
	return b.Catalog().Latest(c.SetID)
}

// RenewalYears is the length of a renewal cycle: the renewal set's cycle,
// or else the validity of the credential's own set (0 when neither says).
func RenewalYears(renewSet, credSet *requirements.Set) int {
	switch {
	case renewSet != nil && renewSet.Cycle != nil:
		return renewSet.Cycle.Years
	case credSet != nil && credSet.Validity != nil:
		return credSet.Validity.Years
	}
	return 0
}

// CycleYears is RenewalYears for a credential under the sets in force.
func (b *Board) CycleYears(c *IssuedCredential) int {
	return RenewalYears(b.Catalog().Latest(RenewalSet), b.CredentialSet(c))
}

// CycleStart is the first day of a credential's current cycle: cycleYears
// before it expires, which is the day it was issued for a first credential
// and the day the renewed one expired for an early renewal (whose cycle
// continues the last; CE taken between the approval and that day belongs
// to the cycle already renewed). Without an end date or a cycle length, the
// day it was issued.
func CycleStart(c *IssuedCredential, cycleYears int) date.Date {
	issued := dayOf(c.IssuedAt)
	if c.ValidUntil.IsZero() || cycleYears <= 0 {
		return issued
	}
	start := dayOf(c.ValidUntil.AddDate(-cycleYears, 0, 0))
	if start.Before(issued) {
		// A renewal approved after expiry starts its cycle when issued.
		return issued
	}
	return start
}

// boardName is the board's name for pages and mail: the name an admin
// gave, or "certboard" until then (and when the settings cannot be read).
func (b *Board) boardName(ctx context.Context) string {
	s, err := b.store.BoardSettings(ctx)
	if err != nil || s.Name == "" {
		return "certboard"
	}
	return s.Name
}

// renewalPortfolio starts the portfolio of a renewal: the holder's details,
// the credential being renewed as evidence the board itself verified (its
// type, dates and body, which give the engine the renewal cycle: valid_to is
// the cycle's last day, the day before the credential expires), and the
// memberships of the application that earned the credential, as verified
// then, for the holder to extend.
func (b *Board) renewalPortfolio(ctx context.Context, holder *auth.User, c *IssuedCredential) (*portfolio.Portfolio, error) {
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: fmt.Sprintf("p%d", holder.ID), Name: holder.Name, Email: holder.Email, Practice: holder.Workplace}}
	p.Credentials = append(p.Credentials, b.renewedCredentialItem(ctx, c))
	if prior, err := b.store.Application(ctx, c.ApplicationID); err == nil && len(prior.Snapshot) > 0 {
		if old, err := portfolio.DecodeStored(prior.Snapshot); err == nil {
			p.Memberships = append(p.Memberships, old.Memberships...)
		}
	} else if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
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
	item := portfolio.Credential{ID: "renewing-" + c.ID, Type: c.SetID, Body: body, Number: c.ID, ValidFrom: dayOf(c.IssuedAt), Status: "active",
		Verification: portfolio.Verification{State: portfolio.Verified, By: b.boardName(ctx), At: b.today(),
			Note: "issued by this board: " + b.PublicURL() + "/credentials/" + c.ID}}
	if !c.ValidUntil.IsZero() {
		item.ValidTo = dayOf(c.ValidUntil).AddDays(-1)
	}
	return item
}

// startRenewalTx finds or starts, in the caller's transaction, the
// holder's renewal of a credential: it locks the credential's row, so two
// requests starting the same renewal at once take turns and the second
// finds the first's application instead of opening another; it answers the
// open renewal's id (created false), or checks that the credential may be
// renewed (active, not expired) and starts a draft with the portfolio p,
// its history event and audit entry (created true). actor is who started
// it (the holder, or the provider whose report started it).
func (b *Board) startRenewalTx(ctx context.Context, tx Tx, holder *auth.User, actor int64, credentialID string, p *portfolio.Portfolio, now time.Time) (int64, bool, error) {
	c, err := tx.CredentialForUpdate(ctx, credentialID)
	if err != nil {
		return 0, false, err
	}
	if c.HolderID != holder.ID {
		return 0, false, sqldb.ErrNotFound
	}
	if id, err := tx.OpenRenewalID(ctx, c.ID); err != nil || id != 0 {
		return id, false, err
	}
	if c.Status() != "active" {
		return 0, false, refused(certboard.Conflict, fmt.Sprintf("credential %s is %s; only an active credential is renewed", credentialID, c.Status()))
	}
	if !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil) {
		return 0, false, refused(certboard.Conflict, fmt.Sprintf("credential %s expired on %s; a renewal must be started before the credential expires, so apply again instead", credentialID, dayOf(c.ValidUntil)))
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

