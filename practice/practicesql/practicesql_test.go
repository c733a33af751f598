package practicesql_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// stores returns a migrated practice store on each engine.
func stores(t *testing.T) map[string]*practicesql.Store {
	t.Helper()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*practicesql.Store{}
	for name, db := range sqldbtest.Engines(t) {
		st := practicesql.New(db, keys)
		n, err := st.Migrate(context.Background())
		if err != nil || n == 0 {
			t.Fatalf("%s: migrating a fresh database applied %d: %v", name, n, err)
		}
		out[name] = st
	}
	return out
}

// TestMigrate: a fresh database takes every migration once; a second run
// applies none.
func TestMigrate(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if n, err := st.Migrate(ctx); err != nil || n != 0 {
				t.Fatalf("migrating again applied %d: %v", n, err)
			}
			if err := st.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			people, err := st.People(ctx)
			if err != nil || len(people) != 0 {
				t.Fatalf("a fresh practice has people: %v %v", people, err)
			}
		})
	}
}

// TestOpenKeepsItsOwnFile: in a data directory the practice's SQLite
// database is practice.db, never the board's certboard.db.
func TestOpenKeepsItsOwnFile(t *testing.T) {
	dir := t.TempDir()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := practicesql.Open(context.Background(), practicesql.Config{DataDir: dir, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := os.Stat(filepath.Join(dir, practicesql.File)); err != nil {
		t.Fatalf("no %s: %v", practicesql.File, err)
	}
	if _, err := os.Stat(filepath.Join(dir, sqldb.DefaultFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the practice made the board's file %s: %v", sqldb.DefaultFile, err)
	}
}

// tokenIn finds the token of the link in a mail body.
var tokenIn = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// TestPractitionerSignsIn walks a practitioner from being added by the
// practice's admin to a sign-in with two factors, through the use cases
// (practice.Practice, auth.Accounts) on the practice's store, and checks
// that the audit log they wrote verifies.
func TestPractitionerSignsIn(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clock := certboard.NewFixedClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
			p, err := practice.New(practice.Config{Store: practicesql.ForPractice{Store: st}, Clock: clock, PublicURL: "https://practice.example"})
			if err != nil {
				t.Fatal(err)
			}
			accounts, err := auth.NewAccounts(auth.AccountsConfig{Store: st.Accounts(), Clock: clock, PublicURL: "https://practice.example",
				SessionIdle: 15 * time.Minute, TwoFactorForAll: true})
			if err != nil {
				t.Fatal(err)
			}
			now := clock.Now()
			id, err := st.CreateUser(ctx, auth.User{Email: "admin@practice.example", Name: "Ines Okoro", PasswordHash: "unused",
				Roles: []auth.Role{auth.PracticeAdmin}, CreatedAt: now, EmailVerifiedAt: now})
			if err != nil {
				t.Fatal(err)
			}
			admin, err := st.UserByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			added, err := p.AddPerson(ctx, admin, practice.NewPerson{Name: "Lena Fischer", Email: "Lena@Practice.example", Roles: []string{"practitioner"}})
			if err != nil {
				t.Fatal(err)
			}
			mail, err := st.DueMail(ctx, clock.Now(), 10)
			if err != nil || len(mail) != 1 || mail[0].To != "lena@practice.example" {
				t.Fatalf("the mail of the added person: %+v %v", mail, err)
			}
			m := tokenIn.FindStringSubmatch(mail[0].Body)
			if m == nil {
				t.Fatalf("no link in %q", mail[0].Body)
			}
			const password = "quiet harbour lantern moss"
			if err := accounts.ResetPassword(ctx, "192.0.2.1", m[1], password); err != nil {
				t.Fatalf("choosing the password with the mailed link: %v", err)
			}
			client := auth.Client{Network: "192.0.2.1", UserAgent: "test"}
			at, err := accounts.CheckPassword(ctx, client, "lena@practice.example", password)
			if err != nil {
				t.Fatal(err)
			}
			if at.User.ID != added.ID || !at.User.HasRole(auth.Practitioner) || !accounts.NeedsTwoFactor(at.User) {
				t.Fatalf("signed in as %+v", at.User)
			}
			started, err := accounts.StartSession(ctx, at, false)
			if err != nil {
				t.Fatal(err)
			}
			ss, u, err := accounts.LiveSession(ctx, started.Token)
			if err != nil {
				t.Fatal(err)
			}
			if err := accounts.BeginTwoFactor(ctx, u); err != nil {
				t.Fatal(err)
			}
			state, _, err := accounts.TwoFactorSettings(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			code, err := auth.TOTPCode(state.Secret, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := accounts.EnableTwoFactor(ctx, u, ss, state, code); err != nil {
				t.Fatal(err)
			}
			// The next sign-in asks for the second factor.
			clock.Advance(time.Minute)
			at, err = accounts.CheckPassword(ctx, client, "lena@practice.example", password)
			if err != nil {
				t.Fatal(err)
			}
			if !at.User.TwoFactor() {
				t.Fatal("two-factor sign-in is not on")
			}
			pending, err := accounts.StartSession(ctx, at, true)
			if err != nil {
				t.Fatal(err)
			}
			code, _ = auth.TOTPCode(state.Secret, clock.Now())
			full, err := accounts.SecondFactor(ctx, at, code, pending.Session.Digest)
			if err != nil {
				t.Fatal(err)
			}
			if _, u, err := accounts.LiveSession(ctx, full.Token); err != nil || u.ID != added.ID {
				t.Fatalf("the signed-in session: %v %v", u, err)
			}
			n, err := st.AuditLog().Verify(ctx)
			if err != nil || n < 5 {
				t.Fatalf("the audit log: %d entries, %v", n, err)
			}
		})
	}
}
