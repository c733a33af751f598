package boardsql

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
)

// TestReplaceUnverifiedUser: a sign-up with the address of an unverified
// applicant account takes it over (new name, password and creation time;
// its e-mail tokens, sessions and API tokens gone); a verified account, or
// one holding other roles, is left exactly as it was; an unknown address is
// ErrNotFound.
func TestReplaceUnverifiedUser(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			pending, err := s.CreateUser(ctx, User{Email: "pending@example.org", Name: "Squatter", PasswordHash: "old-hash", Roles: []auth.Role{auth.Applicant}, CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			verified, err := s.CreateUser(ctx, User{Email: "owner@example.org", Name: "Owner", PasswordHash: "owner-hash", Roles: []auth.Role{auth.Applicant}, CreatedAt: t0, EmailVerifiedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			reviewer, err := s.CreateUser(ctx, User{Email: "reviewer@example.org", Name: "Reviewer", PasswordHash: "rev-hash", Roles: []auth.Role{auth.Applicant, auth.Reviewer}, CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			err = s.InTx(ctx, func(tx *Tx) error {
				if err := s.CreateEmailToken(ctx, tx, "verify-old", pending, PurposeVerify, t0.Add(48*time.Hour)); err != nil {
					return err
				}
				return s.CreateEmailToken(ctx, tx, "reset-old", pending, PurposeReset, t0.Add(time.Hour))
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.CreateSession(ctx, Session{Digest: "sess", UserID: pending, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			later := t0.Add(3 * time.Hour)
			replace := func(email string) (int64, bool, error) {
				var id int64
				var replaced bool
				err := s.InTx(ctx, func(tx *Tx) error {
					var err error
					id, replaced, err = tx.ReplaceUnverifiedUser(ctx, User{Email: email, Name: "Real Owner", PasswordHash: "new-hash", CreatedAt: later})
					return err
				})
				return id, replaced, err
			}

			id, replaced, err := replace(" Pending@Example.org")
			if err != nil || id != pending || !replaced {
				t.Fatalf("unverified: %d %v %v, want %d replaced", id, replaced, err, pending)
			}
			u, err := s.UserByID(ctx, pending)
			if err != nil || u.Name != "Real Owner" || u.PasswordHash != "new-hash" || !u.CreatedAt.Equal(later) || u.Version != 2 || !u.EmailVerifiedAt.IsZero() {
				t.Fatalf("replaced account: %+v %v", u, err)
			}
			err = s.InTx(ctx, func(tx *Tx) error {
				for _, tok := range []struct{ digest, purpose string }{{"verify-old", PurposeVerify}, {"reset-old", PurposeReset}} {
					if _, err := tx.UseEmailToken(ctx, tok.digest, tok.purpose, t0); !errors.Is(err, ErrNotFound) {
						t.Errorf("token %s of the replaced account: %v, want ErrNotFound", tok.digest, err)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SessionUser(ctx, "sess", t0, time.Hour); !errors.Is(err, ErrNotFound) {
				t.Fatalf("session of the replaced account: %v", err)
			}

			for _, tc := range []struct {
				email string
				id    int64
				hash  string
			}{{"owner@example.org", verified, "owner-hash"}, {"reviewer@example.org", reviewer, "rev-hash"}} {
				id, replaced, err := replace(tc.email)
				if err != nil || id != tc.id || replaced {
					t.Fatalf("%s: %d %v %v, want %d not replaced", tc.email, id, replaced, err, tc.id)
				}
				u, err := s.UserByID(ctx, tc.id)
				if err != nil || u.PasswordHash != tc.hash || u.Name == "Real Owner" || u.Version != 1 || !u.CreatedAt.Equal(t0) {
					t.Fatalf("%s changed: %+v %v", tc.email, u, err)
				}
			}
			if _, _, err := replace("nobody@example.org"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown address: %v, want ErrNotFound", err)
			}
		})
	}
}

// TestDeleteUnverifiedUsers: the sweep deletes unverified applicant
// accounts created before the cut-off, with their tokens, and keeps
// verified accounts, young ones, accounts with other roles and accounts
// that something else names.
func TestDeleteUnverifiedUsers(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			cut := t0.Add(7 * 24 * time.Hour)
			add := func(email string, created time.Time, verified bool, roles ...auth.Role) int64 {
				t.Helper()
				u := User{Email: email, Name: email, PasswordHash: "h", Roles: roles, CreatedAt: created}
				if verified {
					u.EmailVerifiedAt = created
				}
				id, err := s.CreateUser(ctx, u)
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
			old1 := add("old1@example.org", t0, false, auth.Applicant)
			old2 := add("old2@example.org", cut.Add(-time.Microsecond), false, auth.Applicant)
			young := add("young@example.org", cut, false, auth.Applicant)
			verified := add("verified@example.org", t0, true, auth.Applicant)
			reviewer := add("reviewer@example.org", t0, false, auth.Applicant, auth.Reviewer)
			applied := add("applied@example.org", t0, false, auth.Applicant)
			err := s.InTx(ctx, func(tx *Tx) error {
				if _, err := tx.CreateApplication(ctx, Application{ApplicantID: applied, SetID: "aasect-cst", State: "draft", Portfolio: []byte("{}"), CreatedAt: t0}); err != nil {
					return err
				}
				return s.CreateEmailToken(ctx, tx, "tok", old1, PurposeVerify, t0.Add(48*time.Hour))
			})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			err = s.InTx(ctx, func(tx *Tx) error {
				var err error
				ids, err = tx.DeleteUnverifiedUsers(ctx, cut)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, []int64{old1, old2}) {
				t.Fatalf("deleted %v, want %v", ids, []int64{old1, old2})
			}
			for _, id := range []int64{old1, old2} {
				if _, err := s.UserByID(ctx, id); !errors.Is(err, ErrNotFound) {
					t.Errorf("account %d still there: %v", id, err)
				}
			}
			for _, id := range []int64{young, verified, reviewer, applied} {
				if _, err := s.UserByID(ctx, id); err != nil {
					t.Errorf("account %d was deleted: %v", id, err)
				}
			}
			var tokens int
			if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM email_tokens").Scan(&tokens); err != nil || tokens != 0 {
				t.Fatalf("%d tokens left (%v), want those of the deleted account gone", tokens, err)
			}
		})
	}
}

// TestUserReferencesListed: every column of every migration that names an
// account without ON DELETE CASCADE is in userReferences, so that the
// sweep of unverified accounts never deletes one that something names
// (nor fails on a foreign key).
func TestUserReferencesListed(t *testing.T) {
	table := regexp.MustCompile(`(?i)^\s*CREATE TABLE\s+(\w+)`)
	alter := regexp.MustCompile(`(?i)^\s*ALTER TABLE\s+(\w+)\s+ADD COLUMN\s+(\w+)`)
	column := regexp.MustCompile(`(?i)^\s*(\w+)\s+.*REFERENCES\s+users\s*\(`)
	for _, dialect := range []string{"sqlite", "postgres"} {
		files, err := filepath.Glob(filepath.Join("migrations", dialect, "*.sql"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s migrations: %v", dialect, err)
		}
		found := 0
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			up, _, _ := strings.Cut(string(b), "-- +goose Down")
			current := ""
			for line := range strings.SplitSeq(up, "\n") {
				if m := table.FindStringSubmatch(line); m != nil {
					current = m[1]
				}
				if !strings.Contains(strings.ToUpper(line), "REFERENCES USERS") || strings.Contains(strings.ToUpper(line), "ON DELETE CASCADE") {
					continue
				}
				tbl, col := current, ""
				if m := alter.FindStringSubmatch(line); m != nil {
					tbl, col = m[1], m[2]
				} else if m := column.FindStringSubmatch(line); m != nil {
					col = m[1]
				}
				found++
				if !slices.ContainsFunc(userReferences, func(r struct{ Table, Column string }) bool {
					return strings.EqualFold(r.Table, tbl) && strings.EqualFold(r.Column, col)
				}) {
					t.Errorf("%s: %s.%s names an account without ON DELETE CASCADE and is not in userReferences", f, tbl, col)
				}
			}
		}
		if found < len(userReferences) {
			t.Errorf("%s: only %d references found, fewer than the %d listed: is the parser broken?", dialect, found, len(userReferences))
		}
	}
}

// TestMailQuota: at most limit mails per recipient (in any case and
// spacing of the address) in a window; the window starts again once it
// has ended; concurrent takers never exceed the limit; the sweep forgets
// ended windows only; no address is stored.
func TestMailQuota(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			take := func(addr string, at time.Time) bool {
				t.Helper()
				ok, err := s.TakeMailQuota(ctx, s.DB, addr, at, time.Hour, 3)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			for i, addr := range []string{"ana@example.org", "Ana@Example.org", " ana@example.org"} {
				if !take(addr, t0.Add(time.Duration(i)*time.Minute)) {
					t.Fatalf("mail %d refused within the quota", i+1)
				}
			}
			if take("ana@example.org", t0.Add(59*time.Minute)) {
				t.Fatal("the 4th mail in the window was allowed")
			}
			if !take("ben@example.org", t0.Add(59*time.Minute)) {
				t.Fatal("another recipient was refused")
			}
			// The window began at t0: it ends an hour later, and a new one begins.
			if !take("ana@example.org", t0.Add(time.Hour)) {
				t.Fatal("refused after the window ended")
			}
			take("ana@example.org", t0.Add(time.Hour+time.Minute))
			take("ana@example.org", t0.Add(time.Hour+2*time.Minute))
			if take("ana@example.org", t0.Add(time.Hour+3*time.Minute)) {
				t.Fatal("the new window allowed a 4th mail")
			}
			var stored int
			if err := s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT COUNT(*) FROM mail_quota WHERE recipient LIKE ?"), "%example%").Scan(&stored); err != nil || stored != 0 {
				t.Fatalf("%d rows hold an address (%v)", stored, err)
			}

			// Concurrent takers: exactly the limit passes.
			var wg sync.WaitGroup
			var mu sync.Mutex
			passed := 0
			for range 12 {
				wg.Go(func() {
					ok, err := s.TakeMailQuota(ctx, s.DB, "cara@example.org", t0, time.Hour, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						passed++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if passed != 3 {
				t.Fatalf("%d of 12 concurrent mails passed, want 3", passed)
			}

			// Sweep: of the windows begun at t0 (cara), t0+59m (ben) and
			// t0+1h (ana), only cara's began by t0+30m.
			n, err := s.SweepMailQuota(ctx, s.DB, t0.Add(30*time.Minute))
			if err != nil || n != 1 {
				t.Fatalf("sweep of windows begun by t0+30m: %d %v, want 1 (cara)", n, err)
			}
			if !take("cara@example.org", t0.Add(31*time.Minute)) {
				t.Fatal("a swept recipient starts afresh")
			}
			if n, err := s.SweepMailQuota(ctx, s.DB, t0.Add(time.Hour)); err != nil || n != 3 {
				t.Fatalf("sweep of windows begun by t0+1h: %d %v, want 3 (cara again, ben, ana)", n, err)
			}
			if _, err := s.TakeMailQuota(ctx, s.DB, "x@example.org", t0, 0, 3); err == nil {
				t.Fatal("a quota without a window was accepted")
			}
		})
	}
}
