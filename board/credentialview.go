package board

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
)

// A credential's address (/credentials/{id}, which its certificate's QR
// code holds) answers anyone: the whole credential to its holder, to staff
// and, once the holder lists it, to everyone; to anyone else its
// verification, with only what the certificate itself prints.

// CredentialView is what one person may see of a credential.
type CredentialView struct {
	Credential *IssuedCredential
	// Full is true for its holder, for staff signed in with a second
	// factor, and for anyone once the holder made it public: they may see
	// the whole credential and download its signed forms and certificate.
	// Anyone else sees its verification only: holder, credential, issuer,
	// dates and standing, as the certificate states them, and no reason of
	// a decision of the board's.
	Full bool
	// Owner is true for its holder; the fields below are theirs only.
	Owner bool
	// Renewal is the holder's open renewal of it (nil: none).
	Renewal *Application
	// Profile is the holder's registry profile, with whether the registry
	// lists them now.
	Profile *HolderProfile
}

// ViewCredential is credential id as by (nil for a visitor) may see it.
// Only an id that no credential has is not found: a credential's address
// is its certificate's, and it answers whether or not the holder made the
// credential public.
func (b *Board) ViewCredential(ctx context.Context, by *auth.User, id string) (*CredentialView, error) {
	c, err := b.store.Credential(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, &certboard.Error{Code: certboard.NotFound, Title: "Credential not found",
			Message: "No credential of this board has this address; check it against the certificate."}
	}
	if err != nil {
		return nil, err
	}
	v := &CredentialView{Credential: c, Owner: by != nil && by.ID == c.HolderID}
	v.Full = c.Public || v.Owner || (by != nil && by.IsStaff() && by.TwoFactor())
	if !v.Owner {
		return v, nil
	}
	if v.Renewal, err = b.OpenRenewal(ctx, c.HolderID, c.ID); err != nil {
		return nil, err
	}
	if v.Profile, err = b.MyProfile(ctx, by); err != nil {
		return nil, err
	}
	return v, nil
}

// ListCredential is the holder's choice to list credential id in the
// public registry (list true) or to take it off (false). A listed
// credential is public: the registry shows it with its status, and anyone
// with its address may download its signed forms and certificate.
//
// Listing is one step for a holder without a registry profile: they get
// one, visible, with the name of their account and nothing else (they add
// the rest on their profile page). A profile the holder saved hidden stays
// hidden: that was their choice, and the answer (Listed false) lets the
// page say so. In one transaction: the choice, the first profile, the
// registry's search words and the audit entries. It returns the holder's
// profile as it now is.
func (b *Board) ListCredential(ctx context.Context, by *auth.User, id string, list bool) (*HolderProfile, error) {
	c, err := b.HeldCredential(ctx, by, id)
	if err != nil {
		return nil, err
	}
	profile, err := b.store.Profile(ctx, by.ID)
	if isNotFound(err) {
		profile, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := b.clock.Now()
	var first *Profile
	if list && profile == nil {
		first = &Profile{HolderID: by.ID, DisplayName: by.Name, Visible: true, UpdatedAt: now}
		if len(checkProfile(first)) > 0 {
			first = nil // a name the registry refuses: the holder writes one on the profile page
		}
	}
	err = b.store.InTx(ctx, func(tx Tx) error {
		if first != nil {
			version, err := tx.SaveProfile(ctx, *first, b.listingExtra(first, nil))
			if err != nil {
				return err
			}
			first.Version = version
			after, _ := json.Marshal(first.Record(false))
			if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "profile.save",
				Subject: fmt.Sprintf("profile/%d", by.ID), After: string(after)}); err != nil {
				return err
			}
		}
		return b.setPublic(ctx, tx, by, c, list, now)
	})
	if errors.Is(err, certboard.ErrConflict) {
		return nil, &certboard.Error{Code: certboard.Conflict, Title: "Changed elsewhere",
			Message: "Your public profile was saved from another page meanwhile; reload this page and list the credential again."}
	}
	if err != nil {
		return nil, err
	}
	return b.MyProfile(ctx, by)
}
