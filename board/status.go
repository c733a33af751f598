package board

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/notify"
)

// statusPast is the past tense of each staff status action.
var statusPast = map[string]string{"revoke": "revoked", "suspend": "suspended", "reinstate": "reinstated"}

// StatusPast is the past tense of a staff status action ("revoke":
// "revoked"), "" for anything else.
func StatusPast(action string) string { return statusPast[action] }

// ChangeCredentialStatus is staff's revoke (final), suspend or reinstate
// of credential id, with a reason the holder reads: checked, then in one
// transaction the new status, the audit entry and the mail to the holder.
// The published status lists show it at once. A refusal is a
// *certboard.Error; it returns the credential as it now is.
func (b *Board) ChangeCredentialStatus(ctx context.Context, by *auth.User, id, action, reason string) (*IssuedCredential, error) {
	if !by.IsStaff() {
		// The route admits only staff signed in with two factors; checked
		// here too, so that no other caller can change a status.
		return nil, &certboard.Error{Code: certboard.Forbidden, Title: "Not allowed", Message: "Only the board's staff change a credential's status."}
	}
	c, err := b.store.Credential(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, &certboard.Error{Code: certboard.NotFound, Title: "Credential not found", Message: "No credential has this id."}
	}
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	past := statusPast[action]
	switch {
	case past == "":
		return nil, certboard.FieldError(certboard.Invalid, "action", fmt.Sprintf("%q is not an action; choose revoke, suspend or reinstate.", action)).WithTitle("Invalid action")
	case action != "reinstate" && reason == "":
		return nil, certboard.FieldError(certboard.Invalid, "reason", "say why; the holder reads it.").WithTitle("A reason is needed")
	case len(reason) > 2000:
		return nil, certboard.FieldError(certboard.Invalid, "reason", "write at most 2000 characters.").WithTitle("Reason too long")
	case c.HolderID == by.ID:
		return nil, &certboard.Error{Code: certboard.Forbidden, Title: "Not your decision", Message: "Staff do not decide on their own credentials."}
	}
	holder, err := b.store.UserByID(ctx, c.HolderID)
	if err != nil {
		return nil, err
	}
	now := b.clock.Now()
	err = b.store.InTx(ctx, func(tx Tx) error {
		// Decided on the credential as it is now, locked, so that the
		// audit entry and a refusal describe what was really there.
		cur, err := tx.CredentialForUpdate(ctx, c.ID)
		if err != nil {
			return err
		}
		c = cur
		if err := tx.SetCredentialStatus(ctx, c.ID, action, reason, now); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "credential." + action,
			Subject: "credential/" + c.ID, Before: c.Status(), After: past}); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, holder.Email, notify.CredentialStatusChanged{Name: holder.Name, Set: b.CredentialTitle(c),
			Link: b.credentialURL(c.ID), Past: past, Reason: reason}, now)
	})
	if errors.Is(err, certboard.ErrConflict) {
		final := ""
		if c.Status() == "revoked" {
			final = " Revocation is final."
		}
		return nil, &certboard.Error{Code: certboard.Conflict, Title: "Not possible now",
			Message: fmt.Sprintf("The credential is %s; it cannot be %s.%s", c.Status(), past, final)}
	}
	if err != nil {
		return nil, err
	}
	return b.store.Credential(ctx, c.ID)
}

// HeldCredential is credential id, which must be the caller's: anyone
// else is told it does not exist.
func (b *Board) HeldCredential(ctx context.Context, by *auth.User, id string) (*IssuedCredential, error) {
	c, err := b.store.Credential(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) || (err == nil && c.HolderID != by.ID) {
		return nil, &certboard.Error{Code: certboard.NotFound, Title: "Credential not found", Message: "You hold no credential with this id."}
	}
	return c, err
}

// VisibleCredential is credential id if by may see it: anyone once its
// holder made it public, else its holder and staff signed in with a
// second factor. by is nil for a visitor. Anyone else is told it is not
// shown, as if it did not exist.
func (b *Board) VisibleCredential(ctx context.Context, by *auth.User, id string) (*IssuedCredential, error) {
	c, err := b.store.Credential(ctx, id)
	if err != nil && !errors.Is(err, certboard.ErrNotFound) {
		return nil, err
	}
	if err != nil || !(c.Public || (by != nil && (by.ID == c.HolderID || (by.IsStaff() && by.TwoFactor())))) {
		return nil, &certboard.Error{Code: certboard.NotFound, Title: "Credential not found",
			Message: "No credential is shown at this address: it does not exist, or its holder has not made it public."}
	}
	return c, nil
}

// SetCredentialPublic is the holder's choice to show credential id to
// anyone with its URL, or not: in one transaction, the choice, the
// holder's registry search words (which name their public credentials)
// and the audit entry.
func (b *Board) SetCredentialPublic(ctx context.Context, by *auth.User, id string, public bool) (*IssuedCredential, error) {
	c, err := b.HeldCredential(ctx, by, id)
	if err != nil {
		return nil, err
	}
	now := b.clock.Now()
	if err := b.store.InTx(ctx, func(tx Tx) error { return b.setPublic(ctx, tx, by, c, public, now) }); err != nil {
		return nil, err
	}
	return c, nil
}

// setPublic records, in the caller's transaction, the holder's choice to
// make credential c public or not, with the holder's registry search words
// (which name their public credentials) and the audit entry.
func (b *Board) setPublic(ctx context.Context, tx Tx, by *auth.User, c *IssuedCredential, public bool, now time.Time) error {
	if err := tx.SetCredentialPublic(ctx, c.ID, public); err != nil {
		return err
	}
	if err := b.ReindexListing(ctx, tx, c.HolderID); err != nil {
		return err
	}
	_, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "credential.visibility",
		Subject: "credential/" + c.ID, Before: fmt.Sprint(c.Public), After: fmt.Sprint(public)})
	return err
}

// credentialURL is the address of credential id.
func (b *Board) credentialURL(id string) string { return b.PublicURL() + "/credentials/" + id }
