package board

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/portfolio"
)

// CE providers report the courses credential holders completed, as
// Florida's providers report to CE Broker. A provider is an account with the
// provider role that the board approved (its provider profile); it reports
// by API token or in bulk with `certboard import completions`. Both call
// ReportCompletion: the completion becomes a verified education item in the
// holder's renewal application, stored with the completion, a history
// event, an audit entry and a mail to the holder in one transaction.

// notApproved refuses a provider the board does not approve today (403).
func notApproved(format string, args ...any) *certboard.Error {
	// The message ends as it always has, naming the refusal.
	return &certboard.Error{Code: certboard.Forbidden, Title: "Provider not approved",
		Message: fmt.Sprintf(format, args...) + ": provider not approved"}
}

// ApprovedProvider returns the profile of a provider account whose approval
// is in force today; otherwise a Forbidden error that says why.
func (b *Board) ApprovedProvider(ctx context.Context, u *auth.User) (*ProviderProfile, error) {
	if !u.HasRole(auth.Provider) {
		return nil, notApproved("%s does not hold the provider role; a board admin grants it", u.Email)
	}
	p, err := b.store.ProviderProfile(ctx, u.ID)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, notApproved("the board has not approved %s as a CE provider yet; ask the board to record its approval", u.Email)
	}
	if err != nil {
		return nil, err
	}
	if today := b.Today(); !p.Active(today) {
		why := "the board's approval is withdrawn"
		switch {
		case p.Approved && !p.ApprovedUntil.IsZero() && today.After(p.ApprovedUntil):
			why = "the board's approval ended on " + p.ApprovedUntil.String()
		case p.Approved && !p.ApprovedFrom.IsZero() && today.Before(p.ApprovedFrom):
			why = "the board's approval starts on " + p.ApprovedFrom.String()
		case !p.Approved:
			why = "the board has not approved it"
		}
		return nil, notApproved("%s cannot report completions: %s; ask the board", p.Name, why)
	}
	return p, nil
}

// CompletionRefused is a completion to fix (422): the problems, by field,
// are the cause (errors.As finds the ce.Problems).
func CompletionRefused(probs ce.Problems) *certboard.Error {
	return &certboard.Error{Code: certboard.Invalid, Title: "Completion refused", Message: probs.Error(), Err: probs}
}

// noSuchHolder is the one answer for an unknown credential and for a
// credential held by someone else, so that a provider cannot learn which
// credential ids exist.
var noSuchHolder = ce.Problems{{Field: "credential_id", Message: "no credential with this id is held by the holder_email given; check both against the holder's certificate"}}

// maxPortfolioRetries is how often a report reloads the renewal
// application when someone else changed it in the meantime.
const maxPortfolioRetries = 5

// ReportCompletion records a completion a provider reports: checked (as
// ce.Check, the holder by credential id and e-mail, the date in the
// credential's cycle), then added as a verified education item to the
// holder's renewal application (started if need be), stored, with a history
// event, an audit entry and a mail to the holder, in one transaction. A
// course the provider already reported for the credential is not added
// again: its record is returned with created false.
//
// Errors: Invalid "Completion refused" wrapping ce.Problems for a
// completion to fix, Forbidden for a provider not approved, Conflict when
// the credential cannot be renewed or the renewal kept changing; anything
// else is internal.
func (b *Board) ReportCompletion(ctx context.Context, provider *auth.User, in ce.Completion) (*Completion, bool, error) {
	rec, created, err := b.reportCompletion(ctx, provider, in)
	return rec, created, storeRefusal(err)
}

// storeRefusal answers the store's refusals that reach a use case
// unhandled (a row gone, a uniqueness rule) as Errors; any other error as
// it is.
func storeRefusal(err error) error {
	var e *certboard.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	if e := certboard.StoreError(err); e != nil {
		return e
	}
	return err
}

func (b *Board) reportCompletion(ctx context.Context, provider *auth.User, in ce.Completion) (*Completion, bool, error) {
	prof, err := b.ApprovedProvider(ctx, provider)
	if err != nil {
		return nil, false, err
	}
	in.Normalize()
	today := b.Today()
	if probs := ce.Check(in, today); len(probs) > 0 {
		return nil, false, CompletionRefused(probs)
	}
	// An unknown credential and another holder's answer alike, and after
	// the same work (two look-ups, a constant-time comparison), so that
	// neither the answer nor its timing tells which credential ids exist.
	cred, err := b.store.Credential(ctx, in.CredentialID)
	known := err == nil
	if err != nil && !errors.Is(err, certboard.ErrNotFound) {
		return nil, false, err
	}
	var holderID int64
	if known {
		holderID = cred.HolderID
	}
	holder, err := b.store.UserByID(ctx, holderID)
	if err != nil && !errors.Is(err, certboard.ErrNotFound) {
		return nil, false, err
	}
	var email string
	if err == nil {
		email = strings.ToLower(holder.Email)
	}
	if subtle.ConstantTimeCompare([]byte(email), []byte(in.HolderEmail)) != 1 || !known || holder == nil {
		return nil, false, CompletionRefused(noSuchHolder)
	}
	if old, err := b.reported(ctx, provider.ID, in.CourseID, cred.ID); err != nil || old != nil {
		return old, false, err
	}
	if p := ce.CheckCycle(in, CycleStart(cred, b.CycleYears(cred))); p != nil {
		return nil, false, CompletionRefused(ce.Problems{*p})
	}
	// The portfolio a renewal starts with, should the report have to start it.
	start, err := b.RenewalPortfolio(ctx, holder, cred)
	if err != nil {
		return nil, false, err
	}
	for range maxPortfolioRetries {
		rec, created, err := b.addCompletion(ctx, provider, prof, holder, cred, start, in)
		if !errors.Is(err, errPortfolioChanged) {
			return rec, created, err
		}
	}
	return nil, false, &certboard.Error{Code: certboard.Conflict, Title: "Changed by someone else",
		Message: "the holder's renewal application kept changing; report the completion again"}
}

// reported returns what a provider reported already for a course and a
// credential, or nil.
func (b *Board) reported(ctx context.Context, providerID int64, courseID, credentialID string) (*Completion, error) {
	old, err := b.store.ReportedCompletion(ctx, providerID, courseID, credentialID)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, nil
	}
	return old, err
}

// errPortfolioChanged is an edit of the renewal application that came first.
var errPortfolioChanged = errors.New("the portfolio changed")

// approvingBodies are the bodies requirement sets name in approved_by, as
// they spell them.
var approvingBodies = ce.ApprovingBodies

// completionActivity is the verified education item of a completion.
func completionActivity(id string, prof *ProviderProfile, in ce.Completion, today date.Date) portfolio.Activity {
	related := in.SexualityRelated
	note := fmt.Sprintf("reported by %s, course %s, on %s", prof.Name, in.CourseID, today)
	var nums []string
	for _, a := range prof.Approvals {
		if a.Number != "" {
			nums = append(nums, a.Body+" "+a.Number)
		}
	}
	if len(nums) > 0 {
		note += " (approved provider: " + strings.Join(nums, "; ") + ")"
	}
	by := prof.ApprovedBy()
	for i, b := range by {
		// The requirement sets name approving bodies exactly ("AASECT");
		// an admin's "aasect" must not turn full-value CE into half-value.
		for _, known := range approvingBodies {
			if strings.EqualFold(b, known) {
				by[i] = known
			}
		}
	}
	return portfolio.Activity{ID: id, Title: in.Title, Kind: "ce",
		Provider: portfolio.Provider{Name: prof.Name, Kind: "approved_provider", ApprovedBy: by},
		Delivery: in.Delivery, Date: in.Date, Hours: in.Hours, Areas: in.Areas, SexualityRelated: &related,
		Verification: portfolio.Verification{State: portfolio.Verified, By: "provider:" + prof.Name, At: today, Note: note}}
}

// withCompletion adds the completion's item to a portfolio (changed in
// place) and returns the item's id, or the item's problems.
func withCompletion(p *portfolio.Portfolio, prof *ProviderProfile, in ce.Completion, today date.Date) (string, error) {
	itemID := portfolio.NewID(p, "ce")
	p.Education = append(p.Education, completionActivity(itemID, prof, in, today))
	path := fmt.Sprintf("$.education[%d]", len(p.Education)-1)
	var mine ce.Problems
	for _, e := range portfolio.Validate(p) {
		if e.Path == path || strings.HasPrefix(e.Path, path+".") || strings.HasPrefix(e.Path, path+"[") {
			mine = append(mine, ce.Problem{Field: strings.TrimPrefix(strings.TrimPrefix(e.Path, path), "."), Message: e.Message})
		}
	}
	if len(mine) > 0 {
		return "", CompletionRefused(mine)
	}
	return itemID, nil
}

// addCompletion adds the item to the holder's open renewal of the
// credential, or starts the renewal with it (from the portfolio start),
// and stores the completion, all in one transaction: a report that fails
// leaves nothing behind, not even an empty renewal draft. It answers
// errPortfolioChanged when the application moved on while it worked.
func (b *Board) addCompletion(ctx context.Context, provider *auth.User, prof *ProviderProfile, holder *auth.User,
	cred *IssuedCredential, start *portfolio.Portfolio, in ce.Completion) (*Completion, bool, error) {
	now := b.clock.Now()
	today := DayOf(now)
	rec := Completion{ProviderID: provider.ID, CourseID: in.CourseID, CredentialID: cred.ID, HolderID: holder.ID, HolderEmail: holder.Email,
		Title: in.Title, Date: in.Date, Hours: in.Hours, Delivery: in.Delivery,
		SexualityRelated: in.SexualityRelated, Areas: in.Areas, ReportedAt: now}
	hours := hoursText(in.Hours)
	var old *Completion
	err := b.store.InTx(ctx, func(tx Tx) error {
		appID, err := tx.OpenRenewalID(ctx, cred.ID)
		if err != nil {
			return err
		}
		if appID != 0 {
			if rec.ItemID, err = b.addToRenewal(ctx, tx, appID, prof, in, today, now); err != nil {
				return err
			}
		} else {
			// A fresh copy of the starting portfolio for this attempt.
			data, err := portfolio.Encode(start)
			if err != nil {
				return err
			}
			p, err := portfolio.DecodeStored(data)
			if err != nil {
				return err
			}
			if rec.ItemID, err = withCompletion(p, prof, in, today); err != nil {
				return err
			}
			var created bool
			if appID, created, err = b.StartRenewalIn(ctx, tx, holder, provider.ID, cred.ID, p, now); err != nil {
				return err
			} else if !created {
				return errPortfolioChanged // another request started it first: add to that one
			}
		}
		rec.ApplicationID = appID
		id, err := tx.AddCompletion(ctx, rec)
		if err != nil {
			return err
		}
		rec.ID = id
		msg := fmt.Sprintf("%s reported %s hours: %s (%s, course %s)", prof.Name, hours, in.Title, in.Date, in.CourseID)
		if err := tx.AddEvent(ctx, Event{ApplicationID: appID, At: now, ActorID: provider.ID, Action: "ce_reported", Message: msg}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", provider.ID), Action: "ce.completion",
			Subject: fmt.Sprintf("application/%d", appID), After: fmt.Sprintf("completion/%d %s: credential %s, course %s, %s, %s hours", id, rec.ItemID, cred.ID, in.CourseID, in.Date, hours)}); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, holder.Email, notify.CompletionReported{Name: holder.Name, Provider: prof.Name, Title: in.Title,
			Date: in.Date.String(), Hours: hours, CourseID: in.CourseID, Link: fmt.Sprintf("%s/applications/%d", b.PublicURL(), appID)}, now)
	})
	if errors.Is(err, certboard.ErrConflict) {
		// The same course, reported at the same moment by another request.
		if old, _ = b.reported(ctx, provider.ID, in.CourseID, cred.ID); old != nil {
			return old, false, nil
		}
	}
	if err != nil {
		return nil, false, err
	}
	return &rec, true, nil
}

// addToRenewal adds the completion's item to the open renewal appID in
// tx and returns the item's id; errPortfolioChanged when someone edited
// the application since it was read.
func (b *Board) addToRenewal(ctx context.Context, tx Tx, appID int64, prof *ProviderProfile, in ce.Completion, today date.Date, now time.Time) (string, error) {
	app, err := b.store.Application(ctx, appID)
	if err != nil {
		return "", err
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		return "", fmt.Errorf("application %d holds a portfolio that no longer decodes: %w", app.ID, err)
	}
	itemID, err := withCompletion(p, prof, in, today)
	if err != nil {
		return "", err
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		return "", err
	}
	// The version read guards against an edit in between (the holder's, or another report's).
	if _, err := tx.SavePortfolio(ctx, app.ID, app.Version, data, now); errors.Is(err, certboard.ErrConflict) {
		return "", errPortfolioChanged
	} else if err != nil {
		return "", err
	}
	return itemID, nil
}

// hoursText writes a number of hours or credits for people: whole numbers
// without decimals, others with at most two.
func hoursText(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
