package board

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
)

// An admin gives accounts their roles and practice: CheckUserChange checks
// the change, ChangeUser writes it in one transaction (the account version
// guarded, the reviewer's open assignments checked again when the practice
// changes, sessions ended when the account now needs two factors, the audit
// entry).

// UserChange is an admin's change to an account; nil fields stay.
type UserChange struct {
	Roles    *[]string
	Practice *string
	// Version is the account's version the change was made from.
	Version int
}

// UserEdit is an admin's change to an account, checked.
type UserEdit struct {
	// Before is the account as stored; After as it is to be, at the version
	// the change was made from.
	Before, After *auth.User
	// Audit is the change's audit entry: roles and practice before and after.
	Audit audit.Entry
}

// SearchUsers lists, for an admin, the accounts whose name or e-mail
// address contains query (any case), by name, at most limit.
func (b *Board) SearchUsers(ctx context.Context, by *auth.User, query string, limit int) ([]*auth.User, error) {
	if err := mayAdminister(by); err != nil {
		return nil, err
	}
	return b.store.SearchUsers(ctx, query, limit)
}

// CheckUserChange reads the account uid and applies an admin's change of
// roles and practice to a copy: roles must be known (they are kept in
// display order), a practice at most 200 characters, and an admin may not
// remove their own admin role, so that the board always keeps one.
func (b *Board) CheckUserChange(ctx context.Context, by *auth.User, uid int64, c UserChange) (*UserEdit, error) {
	if err := mayAdminister(by); err != nil {
		return nil, err
	}
	u, err := b.store.UserByID(ctx, uid)
	if isNotFound(err) {
		return nil, &certboard.Error{Code: certboard.NotFound, Title: "Account not found", Message: fmt.Sprintf("No account has id %d.", uid)}
	}
	if err != nil {
		return nil, err
	}
	next := *u
	if c.Roles != nil {
		next.Roles = []auth.Role{}
		for _, role := range *c.Roles {
			role = strings.TrimSpace(role)
			if !slices.Contains(auth.Roles, auth.Role(role)) { // the board's roles only, not a practice's
				return nil, certboard.FieldError(certboard.Invalid, "roles", fmt.Sprintf("%q is not a role; the roles are %s", role, auth.JoinRoles(auth.Roles, ", ")))
			}
		}
		for _, role := range auth.Roles {
			if slices.Contains(*c.Roles, string(role)) {
				next.Roles = append(next.Roles, role)
			}
		}
	}
	if c.Practice != nil {
		next.Workplace = strings.TrimSpace(*c.Practice)
		if len(next.Workplace) > 200 {
			return nil, certboard.FieldError(certboard.Invalid, "practice", "write at most 200 characters")
		}
	}
	if uid == by.ID && !next.HasRole(auth.Admin) {
		return nil, certboard.FieldError(certboard.Invalid, "roles", "you cannot remove your own admin role; another admin can, so that the board always keeps one")
	}
	next.Version = c.Version
	rolesAndPractice := func(u *auth.User) string {
		return fmt.Sprintf("roles=%s; practice=%s", auth.JoinRoles(u.Roles, ","), u.Workplace)
	}
	return &UserEdit{Before: u, After: &next, Audit: adminEntry(b.clock.Now(), by, "user.update", fmt.Sprintf("user/%d", uid),
		rolesAndPractice(u), rolesAndPractice(&next))}, nil
}

// ChangeUser applies an admin's change of roles and practice to the
// account uid, checked by CheckUserChange, and returns the account as it
// now is. In one transaction: the account is written if it is still at
// the version the change was made from (certboard.ErrConflict otherwise);
// when the change touches what the conflict check reads of a reviewer,
// their open assignments are checked again (RecheckReviewer,
// RecordRecheck); an account made staff, admin or regulator loses the
// sessions and API tokens it holds, which were not signed in with the two
// factors those roles need; and the audit entry holds the roles and
// practice before and after.
func (b *Board) ChangeUser(ctx context.Context, by *auth.User, uid int64, c UserChange) (*auth.User, error) {
	edit, err := b.CheckUserChange(ctx, by, uid, c)
	if err != nil {
		return nil, err
	}
	u, next := edit.Before, edit.After
	var found *ReviewerRechecks
	if DetailsChanged(u, next) {
		if found, err = b.RecheckReviewer(ctx, next); err != nil {
			return nil, err
		}
	}
	err = b.store.InTx(ctx, func(tx Tx) error {
		v, err := tx.UpdateUser(ctx, *next)
		if err != nil {
			return err
		}
		next.Version = v
		if err := b.RecordRecheck(ctx, tx, u, next, found, "by the board's admin "+by.Name, b.clock.Now()); err != nil {
			return err
		}
		if auth.NeedsTwoFactor(next) && !auth.NeedsTwoFactor(u) {
			if err := tx.EndAllAccess(ctx, uid); err != nil {
				return err
			}
		}
		_, err = tx.AppendAudit(ctx, edit.Audit)
		return err
	})
	if err != nil {
		return nil, err
	}
	return next, nil
}

// ChangeOwnDetails saves the name and practice users gave for their own
// account: changed is u with the new details, at the version the form was
// drawn from. In one transaction the account is written if it is still at
// that version (certboard.ErrConflict otherwise), with an audit entry of
// both values before and after; when the change touches what the conflict
// check reads, the person's open reviewer assignments are checked again
// (RecheckReviewer, RecordRecheck).
func (b *Board) ChangeOwnDetails(ctx context.Context, u, changed *auth.User) error {
	var found *ReviewerRechecks
	if DetailsChanged(u, changed) {
		var err error
		if found, err = b.RecheckReviewer(ctx, changed); err != nil {
			return err
		}
	}
	now := b.clock.Now()
	return b.store.InTx(ctx, func(tx Tx) error {
		if _, err := tx.UpdateUser(ctx, *changed); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, ownDetailsEntry(now, u, changed)); err != nil {
			return err
		}
		return b.RecordRecheck(ctx, tx, u, changed, found, "", now)
	})
}

// ownDetailsEntry is the audit entry of users changing the name and
// practice of their own account, with both values before and after.
func ownDetailsEntry(at time.Time, before, after *auth.User) audit.Entry {
	who := fmt.Sprintf("user/%d", before.ID)
	b, _ := json.Marshal(map[string]string{"name": before.Name, "practice": before.Workplace})
	a, _ := json.Marshal(map[string]string{"name": after.Name, "practice": after.Workplace})
	return audit.Entry{At: at, Actor: who, Action: "account.update", Subject: who, Before: string(b), After: string(a)}
}
