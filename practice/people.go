package practice

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/notify"
)

// The people of a practice: its practitioners and its admins. There is no
// public sign-up; an admin adds each person (AddPerson) with their roles,
// and the person chooses a password with the link mailed to them, through
// the accounts' password reset (auth.Accounts.ResetPassword). An admin
// changes roles with ChangeRoles. Who may sign in, and how (two factors
// for everyone), is package auth's.

// InviteLinkTTL is how long the link mailed to a person added to the
// practice works; after that, the password reset mails a new one.
const InviteLinkTTL = 72 * time.Hour

// peopleReads are the reads of the people use cases.
type peopleReads interface {
	// People lists every account of the practice, by name.
	People(ctx context.Context) ([]*auth.User, error)
	// UserByID returns an account, or certboard.ErrNotFound.
	UserByID(ctx context.Context, id int64) (*auth.User, error)
}

// peopleWrites are the writes of the people use cases, methods of a
// transaction.
type peopleWrites interface {
	// CreateUser stores a new account; certboard.ErrConflict when the
	// address has one.
	CreateUser(ctx context.Context, u auth.User) (int64, error)
	// CreateEmailToken stores the digest of a mailed link's token.
	CreateEmailToken(ctx context.Context, digest string, userID int64, purpose string, expires time.Time) error
	// UpdateUser writes an account's name, roles and workplace if it is
	// still at u.Version (certboard.ErrConflict otherwise) and returns
	// its next version.
	UpdateUser(ctx context.Context, u auth.User) (int, error)
}

// mayManagePeople refuses anyone but the practice's admins.
func mayManagePeople(by *auth.User) error {
	if by == nil || !by.HasRole(auth.PracticeAdmin) {
		return &certboard.Error{Code: certboard.Forbidden, Message: "Only the practice's admins may manage its people."}
	}
	return nil
}

// People lists, for an admin, every account of the practice by name.
func (p *Practice) People(ctx context.Context, by *auth.User) ([]*auth.User, error) {
	if err := mayManagePeople(by); err != nil {
		return nil, err
	}
	return p.store.People(ctx)
}

// NewPerson is an admin's addition of a person to the practice.
type NewPerson struct {
	Name, Email string
	// Roles are the roles to give, among auth.PracticeRoles; at least one.
	Roles []string
}

// checkPerson checks a new person field by field and returns the name and
// address trimmed (the address in lower case) and the roles in display
// order; a refusal names every field at fault.
func checkPerson(in NewPerson) (name, email string, roles []auth.Role, err error) {
	name, email = strings.TrimSpace(in.Name), strings.ToLower(strings.TrimSpace(in.Email))
	fields := map[string]string{}
	if name == "" || utf8.RuneCountInString(name) > 200 {
		fields["name"] = "Give the person's full name (at most 200 characters)."
	}
	if a, perr := mail.ParseAddress(email); perr != nil || a.Address != email || !strings.Contains(email, "@") || len(email) > 254 {
		fields["email"] = "Give an e-mail address such as name@example.org: the person's password link goes there."
	}
	roles, rerr := practiceRoles(in.Roles)
	if rerr != "" {
		fields["roles"] = rerr
	} else if len(roles) == 0 {
		fields["roles"] = "Give at least one role: practitioner, practice admin or both."
	}
	if len(fields) > 0 {
		return "", "", nil, refused(fields)
	}
	return name, email, roles, nil
}

// practiceRoles reads role values into practice roles in display order;
// a value that is not one is the reason it gives ("" when all are).
func practiceRoles(values []string) ([]auth.Role, string) {
	for _, v := range values {
		if !slices.Contains(auth.PracticeRoles, auth.Role(strings.TrimSpace(v))) {
			return nil, fmt.Sprintf("%q is not a role of a practice; the roles are %s.", v, auth.JoinRoles(auth.PracticeRoles, ", "))
		}
	}
	var out []auth.Role
	for _, r := range auth.PracticeRoles {
		for _, v := range values {
			if auth.Role(strings.TrimSpace(v)) == r {
				out = append(out, r)
				break
			}
		}
	}
	return out, ""
}

// refused is the Invalid error of a form refused field by field; its
// message names the fields in a stable order.
func refused(fields map[string]string) *certboard.Error {
	var parts []string
	for _, f := range []string{"name", "email", "roles"} {
		if m, ok := fields[f]; ok {
			parts = append(parts, f+": "+m)
		}
	}
	e := &certboard.Error{Code: certboard.Invalid, Message: strings.Join(parts, " "), Fields: fields}
	if len(fields) == 1 {
		for f := range fields {
			e.Field = f
		}
	}
	return e
}

// AddPerson adds a person to the practice for an admin and mails them a
// link to choose their password. In one transaction: the account, with
// its roles and its address taken as verified (the admin vouches for it,
// and only its owner can use the link); a password nobody knows until the
// link is used; the link's token, which works for InviteLinkTTL as a
// password-reset token (auth.PurposeReset); the mail (notify.Invited); and
// the audit entry. An address that has an account already is a Conflict
// about "email", and nothing changes.
func (p *Practice) AddPerson(ctx context.Context, by *auth.User, in NewPerson) (*auth.User, error) {
	if err := mayManagePeople(by); err != nil {
		return nil, err
	}
	name, email, roles, err := checkPerson(in)
	if err != nil {
		return nil, err
	}
	unknown, _, err := auth.NewToken()
	if err != nil {
		return nil, err
	}
	hash, err := auth.Hash(unknown, auth.DefaultParams)
	if err != nil {
		return nil, err
	}
	token, digest, err := auth.NewToken()
	if err != nil {
		return nil, err
	}
	now := p.clock.Now()
	u := auth.User{Email: email, Name: name, PasswordHash: hash, Roles: roles, CreatedAt: now, EmailVerifiedAt: now}
	err = p.store.InTx(ctx, func(tx Tx) error {
		id, err := tx.CreateUser(ctx, u)
		if errors.Is(err, certboard.ErrConflict) {
			return certboard.FieldError(certboard.Conflict, "email", "An account with this address exists already; change its roles in the list of people.")
		}
		if err != nil {
			return err
		}
		u.ID = id
		if err := tx.CreateEmailToken(ctx, digest, id, auth.PurposeReset, now.Add(InviteLinkTTL)); err != nil {
			return err
		}
		if err := notify.Enqueue(ctx, tx, email, notify.Invited{Name: name, Inviter: by.Name, Roles: roleWords(roles), Site: p.PublicURL(),
			Link: p.PublicURL() + "/password-reset/confirm?token=" + token, Reset: p.PublicURL() + "/password-reset",
			Hours: int(InviteLinkTTL.Hours())}, now); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, peopleEntry(now, by, "person.add", id, "", "roles="+auth.JoinRoles(roles, ",")))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// RoleChange is an admin's change of a person's roles.
type RoleChange struct {
	// Roles are the roles the person is to hold, among auth.PracticeRoles; none leaves
	// an account that can sign in and reach nothing.
	Roles []string
	// Version is the account's version the change was made from.
	Version int
}

// ChangeRoles gives the person uid the roles of an admin's change and
// returns the account as it now is. The roles must be the practice's; an
// admin may not remove their own admin role, so that the practice always
// keeps one. Roles the account holds that are not the practice's are
// kept. In one transaction the account is written if it is still at the
// change's version (Conflict otherwise) with the audit entry of the roles
// before and after. The next request of the person's sessions sees the
// change: sessions read the account each time. Removing the
// practitioner role revokes the person's calendar address (audited,
// AuditFeedRevoke) in the same transaction.
//
// An admin may give themselves the practitioner role: in a small
// practice the admin sees clients too. The role alone opens no record: a
// practitioner reads the clients they registered (CreateClient) or were
// assigned to, and an admin may not assign themselves
// (AssignWithReason): another admin does, with a reason the client's
// practitioners are mailed.
func (p *Practice) ChangeRoles(ctx context.Context, by *auth.User, uid int64, c RoleChange) (*auth.User, error) {
	if err := mayManagePeople(by); err != nil {
		return nil, err
	}
	roles, bad := practiceRoles(c.Roles)
	if bad != "" {
		return nil, certboard.FieldError(certboard.Invalid, "roles", bad)
	}
	if uid == by.ID && !slices.Contains(roles, auth.PracticeAdmin) {
		return nil, certboard.FieldError(certboard.Invalid, "roles", "You cannot remove your own admin role; another admin can, so that the practice always keeps one.")
	}
	u, err := p.store.UserByID(ctx, uid)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, &certboard.Error{Code: certboard.NotFound, Title: "Person not found", Message: fmt.Sprintf("No one at the practice has the id %d.", uid)}
	}
	if err != nil {
		return nil, err
	}
	next := *u
	next.Roles = nil
	for _, r := range u.Roles {
		if !slices.Contains(auth.PracticeRoles, r) {
			next.Roles = append(next.Roles, r)
		}
	}
	next.Roles = append(next.Roles, roles...)
	next.Version = c.Version
	now := p.clock.Now()
	err = p.store.InTx(ctx, func(tx Tx) error {
		v, err := tx.UpdateUser(ctx, next)
		if errors.Is(err, certboard.ErrConflict) {
			return &certboard.Error{Code: certboard.Conflict, Title: "Changed meanwhile",
				Message: "Someone changed this person's account since the page was drawn; look at their roles again and apply your change."}
		}
		if err != nil {
			return err
		}
		next.Version = v
		if _, err = tx.AppendAudit(ctx, peopleEntry(now, by, "person.roles", uid, "roles="+auth.JoinRoles(u.Roles, ","), "roles="+auth.JoinRoles(next.Roles, ","))); err != nil {
			return err
		}
		if !next.HasRole(auth.Practitioner) {
			// Without the role they hold no sessions: their calendar
			// address stops answering with the change.
			_, err = p.revokeFeedOf(ctx, tx, ActorOf(by), uid, "role_removed")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &next, nil
}

// ChangeOwnName saves the name people gave for their own account:
// changed is u with the new name, at the version the form was drawn from.
// In one transaction the account is written if it is still at that
// version (certboard.ErrConflict otherwise, which the account page
// answers), with an audit entry of the name before and after. Only the
// name changes: roles are an admin's (ChangeRoles).
func (p *Practice) ChangeOwnName(ctx context.Context, u, changed *auth.User) error {
	next := *u
	next.Name, next.Version = strings.TrimSpace(changed.Name), changed.Version
	if next.Name == "" || utf8.RuneCountInString(next.Name) > 200 {
		return certboard.FieldError(certboard.Invalid, "name", "Give your full name (at most 200 characters).")
	}
	now := p.clock.Now()
	return p.store.InTx(ctx, func(tx Tx) error {
		if _, err := tx.UpdateUser(ctx, next); err != nil {
			return err
		}
		who := fmt.Sprintf("user/%d", u.ID)
		_, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: who, Action: "account.update", Subject: who,
			Before: "name=" + u.Name, After: "name=" + next.Name})
		return err
	})
}

// roleWords writes roles for people: "practitioner, practice admin".
func roleWords(roles []auth.Role) string {
	return strings.ReplaceAll(auth.JoinRoles(roles, ", "), "_", " ")
}

// peopleEntry is the audit entry of an admin's change to a person.
func peopleEntry(at time.Time, by *auth.User, action string, uid int64, before, after string) audit.Entry {
	return audit.Entry{At: at, Actor: fmt.Sprintf("user/%d", by.ID), Action: action, Subject: fmt.Sprintf("user/%d", uid),
		Before: before, After: after}
}
