package practice_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// world is a practice over a fresh store of one engine, with its admin
// and a practitioner, at a fixed time.
type world struct {
	p            *practice.Practice
	st           *practicesql.Store
	clock        *certboard.FixedClock
	admin, other *auth.User
}

// worlds returns a world per engine.
func worlds(t *testing.T) map[string]*world {
	t.Helper()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*world{}
	for name, db := range sqldbtest.Engines(t) {
		ctx := context.Background()
		st := practicesql.New(db, keys)
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w := &world{st: st, clock: certboard.NewFixedClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))}
		if w.p, err = practice.New(practice.Config{Store: practicesql.ForPractice{Store: st}, Clock: w.clock, PublicURL: "https://practice.example"}); err != nil {
			t.Fatal(err)
		}
		w.admin = w.user(t, "admin@practice.example", "Ines Okoro", auth.PracticeAdmin)
		w.other = w.user(t, "jordan@practice.example", "Jordan Reyes", auth.Practitioner)
		out[name] = w
	}
	return out
}

// user makes an account with roles in the store.
func (w *world) user(t *testing.T, email, name string, roles ...auth.Role) *auth.User {
	t.Helper()
	ctx := context.Background()
	now := w.clock.Now()
	id, err := w.st.CreateUser(ctx, auth.User{Email: email, Name: name, PasswordHash: "unused", Roles: roles, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	u, err := w.st.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestAddPerson: only an admin adds people; the account holds its roles
// and a verified address, the person is mailed their link and the change
// audited; a taken address is a Conflict about the address.
func TestAddPerson(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			in := practice.NewPerson{Name: "Lena Fischer", Email: "lena@practice.example", Roles: []string{"practitioner", "practice_admin"}}
			for _, by := range []*auth.User{nil, w.other} {
				if _, err := w.p.AddPerson(ctx, by, in); certboard.ErrorCode(err) != certboard.Forbidden {
					t.Fatalf("added by %v: %v", by, err)
				}
			}
			u, err := w.p.AddPerson(ctx, w.admin, in)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := w.st.UserByEmail(ctx, "lena@practice.example")
			if err != nil || stored.ID != u.ID || !slices.Equal(stored.Roles, []auth.Role{auth.Practitioner, auth.PracticeAdmin}) ||
				stored.EmailVerifiedAt.IsZero() || stored.TwoFactor() {
				t.Fatalf("stored %+v %v", stored, err)
			}
			mail, err := w.st.DueMail(ctx, w.clock.Now(), 10)
			if err != nil || len(mail) != 1 || !strings.Contains(mail[0].Body, "Ines Okoro") ||
				!strings.Contains(mail[0].Body, "https://practice.example/password-reset/confirm?token=") ||
				!strings.Contains(mail[0].Body, "within 72 hours") {
				t.Fatalf("mail %+v %v", mail, err)
			}
			entries, err := w.st.AuditLog().Entries(ctx)
			if err != nil || len(entries) != 1 || entries[0].Action != "person.add" || entries[0].After != "roles=practitioner,practice_admin" {
				t.Fatalf("audit %+v %v", entries, err)
			}
			_, err = w.p.AddPerson(ctx, w.admin, practice.NewPerson{Name: "Someone", Email: "LENA@practice.example", Roles: []string{"practitioner"}})
			if e := certboard.As(err); e == nil || e.Code != certboard.Conflict || e.Field != "email" {
				t.Fatalf("a taken address: %v", err)
			}
			if _, err := w.p.AddPerson(ctx, w.admin, practice.NewPerson{Name: "No Role", Email: "nr@practice.example"}); certboard.ErrorCode(err) != certboard.Invalid {
				t.Fatalf("no role: %v", err)
			}
			if people, err := w.p.People(ctx, w.admin); err != nil || len(people) != 3 {
				t.Fatalf("people: %d %v", len(people), err)
			}
			if _, err := w.p.People(ctx, w.other); certboard.ErrorCode(err) != certboard.Forbidden {
				t.Fatalf("people for a practitioner: %v", err)
			}
		})
	}
}

// TestChangeRoles: an admin changes a person's roles at the version the
// page showed; everything else is refused and changes nothing.
func TestChangeRoles(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for _, tc := range []struct {
				name    string
				by      *auth.User
				uid     int64
				change  practice.RoleChange
				want    certboard.Code
				roles   []auth.Role // the other's roles after
				version bool        // use the current version
			}{
				{"a practitioner may not", w.other, w.other.ID, practice.RoleChange{Roles: []string{"practice_admin"}}, certboard.Forbidden, []auth.Role{auth.Practitioner}, true},
				{"an unknown person", w.admin, 9999, practice.RoleChange{Roles: []string{"practitioner"}}, certboard.NotFound, []auth.Role{auth.Practitioner}, true},
				{"a board role", w.admin, w.other.ID, practice.RoleChange{Roles: []string{"staff"}}, certboard.Invalid, []auth.Role{auth.Practitioner}, true},
				{"an old version", w.admin, w.other.ID, practice.RoleChange{Roles: []string{"practice_admin"}, Version: 99}, certboard.Conflict, []auth.Role{auth.Practitioner}, false},
				{"both roles", w.admin, w.other.ID, practice.RoleChange{Roles: []string{"practice_admin", "practitioner"}}, "", []auth.Role{auth.Practitioner, auth.PracticeAdmin}, true},
				{"no role", w.admin, w.other.ID, practice.RoleChange{}, "", nil, true},
				{"the admin's own admin role", w.admin, w.admin.ID, practice.RoleChange{Roles: []string{"practitioner"}}, certboard.Invalid, nil, true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if tc.version {
						cur, err := w.st.UserByID(ctx, tc.uid)
						if err == nil {
							tc.change.Version = cur.Version
						}
					}
					before, _ := w.st.AuditLog().Entries(ctx)
					u, err := w.p.ChangeRoles(ctx, tc.by, tc.uid, tc.change)
					if certboard.ErrorCode(err) != tc.want {
						t.Fatalf("got %v, want %q", err, tc.want)
					}
					after, _ := w.st.AuditLog().Entries(ctx)
					if tc.want == "" {
						if !slices.Equal(u.Roles, tc.roles) || len(after) != len(before)+1 || after[len(after)-1].Action != "person.roles" {
							t.Fatalf("roles %v, audit %d -> %d", u.Roles, len(before), len(after))
						}
					} else if len(after) != len(before) {
						t.Fatal("a refused change was audited")
					}
					other, err := w.st.UserByID(ctx, w.other.ID)
					if err != nil || !slices.Equal(other.Roles, tc.roles) {
						t.Fatalf("the practitioner holds %v, want %v (%v)", other.Roles, tc.roles, err)
					}
				})
			}
		})
	}
}

// TestChangeOwnName: people change their own name, at the version of the
// form; nothing else of the account changes.
func TestChangeOwnName(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			changed := *w.other
			changed.Name, changed.Roles = "  Jordan A. Reyes ", []auth.Role{auth.PracticeAdmin}
			if err := w.p.ChangeOwnName(ctx, w.other, &changed); err != nil {
				t.Fatal(err)
			}
			u, err := w.st.UserByID(ctx, w.other.ID)
			if err != nil || u.Name != "Jordan A. Reyes" || !slices.Equal(u.Roles, []auth.Role{auth.Practitioner}) {
				t.Fatalf("%+v %v", u, err)
			}
			if err := w.p.ChangeOwnName(ctx, w.other, &changed); !errors.Is(err, certboard.ErrConflict) {
				t.Fatalf("the old version again: %v", err)
			}
			changed.Name = ""
			if err := w.p.ChangeOwnName(ctx, u, &changed); certboard.ErrorCode(err) != certboard.Invalid {
				t.Fatalf("no name: %v", err)
			}
		})
	}
}
