package boardsql

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
)

// tfDigest is a made-up digest whose handle is sixteen copies of c.
func tfDigest(c string) string { return strings.Repeat(c, 64) }

func TestTwoFactorSettings(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			id, err := s.CreateUser(ctx, User{Email: "a@example.org", Name: "A", PasswordHash: "h", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			if st, err := s.TOTP(ctx, id); err != nil || st.Secret != "" || st.Pending() || !st.EnabledAt.IsZero() {
				t.Fatalf("fresh account: %+v %v", st, err)
			}
			if _, err := s.TOTP(ctx, id+100); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown user: %v", err)
			}
			if err := s.ConfirmTOTP(ctx, s.DB, id, 5, nil, t0); !errors.Is(err, ErrConflict) {
				t.Fatalf("confirming without a setup: %v, want ErrConflict", err)
			}
			if err := s.BeginTOTP(ctx, s.DB, id, "JBSWY3DPEHPK3PXP"); err != nil {
				t.Fatal(err)
			}
			// The secret is sealed at rest, never stored in the clear.
			var raw string
			s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT totp_secret FROM users WHERE id = ?"), id).Scan(&raw)
			if raw == "" || strings.Contains(raw, "JBSWY3DPEHPK3PXP") {
				t.Fatalf("stored secret %q", raw)
			}
			st, err := s.TOTP(ctx, id)
			if err != nil || st.Secret != "JBSWY3DPEHPK3PXP" || !st.Pending() {
				t.Fatalf("after BeginTOTP: %+v %v", st, err)
			}
			if u, _ := s.UserByID(ctx, id); u.TwoFactor() {
				t.Fatal("an unconfirmed setup must not turn two-factor sign-in on")
			}
			if err := s.ConfirmTOTP(ctx, s.DB, id, 100, []string{"r1", "r2", "r3"}, t0); err != nil {
				t.Fatal(err)
			}
			if u, _ := s.UserByID(ctx, id); !u.TwoFactor() || !u.TOTPEnabledAt.Equal(t0) {
				t.Fatalf("after ConfirmTOTP: %+v", u)
			}
			if err := s.BeginTOTP(ctx, s.DB, id, "AAAA"); !errors.Is(err, ErrConflict) {
				t.Fatalf("a new setup while on: %v, want ErrConflict", err)
			}
			// Steps only move forward.
			if err := s.UseTOTPStep(ctx, s.DB, id, 100); !errors.Is(err, ErrConflict) {
				t.Fatalf("the confirming step again: %v, want ErrConflict", err)
			}
			if err := s.UseTOTPStep(ctx, s.DB, id, 101); err != nil {
				t.Fatal(err)
			}
			if err := s.UseTOTPStep(ctx, s.DB, id, 99); !errors.Is(err, ErrConflict) {
				t.Fatalf("an older step: %v, want ErrConflict", err)
			}
			if st, _ := s.TOTP(ctx, id); st.LastStep != 101 {
				t.Fatalf("last step %d", st.LastStep)
			}
			// Recovery codes are single-use.
			if n, err := s.RecoveryCodesLeft(ctx, id); err != nil || n != 3 {
				t.Fatalf("codes left: %d %v", n, err)
			}
			if err := s.UseRecoveryCode(ctx, s.DB, id, "r2", t0); err != nil {
				t.Fatal(err)
			}
			if err := s.UseRecoveryCode(ctx, s.DB, id, "r2", t0); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a used code: %v, want ErrNotFound", err)
			}
			if err := s.UseRecoveryCode(ctx, s.DB, id, "nope", t0); !errors.Is(err, ErrNotFound) {
				t.Fatalf("an unknown code: %v, want ErrNotFound", err)
			}
			if n, _ := s.RecoveryCodesLeft(ctx, id); n != 2 {
				t.Fatalf("codes left after one use: %d", n)
			}
			// Off: secret, step and codes are forgotten.
			if err := s.DisableTOTP(ctx, s.DB, id); err != nil {
				t.Fatal(err)
			}
			st, _ = s.TOTP(ctx, id)
			if u, _ := s.UserByID(ctx, id); u.TwoFactor() || st.Secret != "" || st.LastStep != 0 {
				t.Fatalf("after DisableTOTP: %+v %+v", u, st)
			}
			if n, _ := s.RecoveryCodesLeft(ctx, id); n != 0 {
				t.Fatalf("recovery codes survive turning off: %d", n)
			}
			// The seeder's shortcut.
			if err := s.EnableTOTP(ctx, id, "JBSWY3DPEHPK3PXP", t0); err != nil {
				t.Fatal(err)
			}
			if st, _ := s.TOTP(ctx, id); st.Secret != "JBSWY3DPEHPK3PXP" || !st.EnabledAt.Equal(t0) || st.Pending() {
				t.Fatalf("after EnableTOTP: %+v", st)
			}
			if err := s.EnableTOTP(ctx, id+100, "JBSWY3DPEHPK3PXP", t0); !errors.Is(err, ErrNotFound) {
				t.Fatalf("EnableTOTP of an unknown user: %v", err)
			}
			// A sealed secret copied to another user does not open.
			other, _ := s.CreateUser(ctx, User{Email: "b@example.org", Name: "B", PasswordHash: "h", CreatedAt: t0})
			s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT totp_secret FROM users WHERE id = ?"), id).Scan(&raw)
			s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE users SET totp_secret = ? WHERE id = ?"), raw, other)
			if _, err := s.TOTP(ctx, other); err == nil {
				t.Fatal("a secret sealed for one user opened for another")
			}
		})
	}
}

func TestSessionsPendingListEnd(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ana, _ := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana", PasswordHash: "h", CreatedAt: t0})
			ben, _ := s.CreateUser(ctx, User{Email: "ben@example.org", Name: "Ben", PasswordHash: "h", CreatedAt: t0})
			mk := func(c string, user int64, pending bool, created time.Time) {
				t.Helper()
				if err := s.CreateSession(ctx, Session{Digest: tfDigest(c), UserID: user, CreatedAt: created, LastSeenAt: created,
					ExpiresAt: created.Add(12 * time.Hour), UserAgent: "agent " + c, Pending: pending}); err != nil {
					t.Fatal(err)
				}
			}
			mk("a", ana, false, t0)
			mk("b", ana, false, t0.Add(5*time.Minute))
			mk("c", ana, true, t0.Add(6*time.Minute))
			mk("d", ben, false, t0)
			mk("e", ana, false, t0.Add(-2*time.Hour)) // idle for too long at t0+10m

			now := t0.Add(10 * time.Minute)
			// A pending session signs no one in, but LiveSession shows it.
			if _, err := s.SessionUser(ctx, tfDigest("c"), now, 30*time.Minute); !errors.Is(err, ErrNotFound) {
				t.Fatalf("pending session as a user: %v, want ErrNotFound", err)
			}
			ss, u, err := s.LiveSession(ctx, tfDigest("c"), now, 30*time.Minute)
			if err != nil || !ss.Pending || u.ID != ana || ss.UserAgent != "agent c" {
				t.Fatalf("LiveSession: %+v %+v %v", ss, u, err)
			}
			list, err := s.UserSessions(ctx, ana, now, 30*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			var handles []string
			for _, x := range list {
				handles = append(handles, x.Handle())
			}
			if strings.Join(handles, ",") != tfDigest("b")[:16]+","+tfDigest("a")[:16] {
				t.Fatalf("listed %v: want the two signed-in, live sessions, newest first", handles)
			}
			// Ben cannot end Ana's session; Ana can.
			if _, err := s.EndUserSession(ctx, s.DB, ben, auth.Handle(tfDigest("a"))); !errors.Is(err, ErrNotFound) {
				t.Fatalf("another user's session: %v, want ErrNotFound", err)
			}
			for _, bad := range []string{"", "aaaa", "%", strings.Repeat("A", 16), strings.Repeat("_", 16)} {
				if _, err := s.EndUserSession(ctx, s.DB, ana, bad); !errors.Is(err, ErrNotFound) {
					t.Fatalf("handle %q: %v, want ErrNotFound", bad, err)
				}
			}
			if d, err := s.EndUserSession(ctx, s.DB, ana, auth.Handle(tfDigest("a"))); err != nil || d != tfDigest("a") {
				t.Fatalf("EndUserSession: %q %v", d, err)
			}
			if _, err := s.SessionUser(ctx, tfDigest("a"), now, 30*time.Minute); !errors.Is(err, ErrNotFound) {
				t.Fatal("an ended session still works")
			}
			// Upgrading the pending session replaces its token.
			fresh := Session{Digest: tfDigest("f"), UserID: ana, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := s.ReplaceSession(ctx, s.DB, tfDigest("c"), fresh); err != nil {
				t.Fatal(err)
			}
			if err := s.ReplaceSession(ctx, s.DB, tfDigest("c"), fresh); !errors.Is(err, ErrNotFound) {
				t.Fatalf("replacing twice: %v, want ErrNotFound", err)
			}
			if got, err := s.SessionUser(ctx, tfDigest("f"), now, 30*time.Minute); err != nil || got.ID != ana {
				t.Fatalf("the new session: %v", err)
			}
			// End all but one.
			n, err := s.EndOtherSessions(ctx, s.DB, ana, tfDigest("f"))
			if err != nil || n != 2 { // b and the idle e
				t.Fatalf("EndOtherSessions: %d %v", n, err)
			}
			if list, _ := s.UserSessions(ctx, ana, now, 30*time.Minute); len(list) != 1 || list[0].Digest != tfDigest("f") {
				t.Fatalf("left: %+v", list)
			}
			if _, err := s.SessionUser(ctx, tfDigest("d"), now, 30*time.Minute); err != nil {
				t.Fatalf("another user's session was ended: %v", err)
			}
		})
	}
}

func TestRenewRecoveryCodes(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			id, err := s.CreateUser(ctx, User{Email: "a@example.org", Name: "A", PasswordHash: "h", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			other, err := s.CreateUser(ctx, User{Email: "b@example.org", Name: "B", PasswordHash: "h", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			// Off: no codes can be made.
			if err := s.RenewRecoveryCodes(ctx, s.DB, id, []string{"n1"}, t0); !errors.Is(err, ErrConflict) {
				t.Fatalf("renewing while off: %v, want ErrConflict", err)
			}
			if n, _ := s.RecoveryCodesLeft(ctx, id); n != 0 {
				t.Fatalf("codes stored while off: %d", n)
			}
			for _, u := range []int64{id, other} {
				if err := s.BeginTOTP(ctx, s.DB, u, "JBSWY3DPEHPK3PXP"); err != nil {
					t.Fatal(err)
				}
				if err := s.ConfirmTOTP(ctx, s.DB, u, 100, []string{"o1", "o2", "o3"}, t0); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.UseRecoveryCode(ctx, s.DB, id, "o1", t0); err != nil {
				t.Fatal(err)
			}
			if err := s.RenewRecoveryCodes(ctx, s.DB, id, nil, t0); err == nil {
				t.Fatal("renewing with no codes must fail: it would leave none")
			}
			// In a transaction that rolls back, nothing changes.
			tx, err := s.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.RenewRecoveryCodes(ctx, tx, id, []string{"x1"}, t0); err != nil {
				t.Fatal(err)
			}
			tx.Rollback()
			if err := s.UseRecoveryCode(ctx, s.DB, id, "x1", t0); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a rolled-back code works: %v", err)
			}
			// Committed: old codes (used or not) are gone, new ones work once.
			if err := s.RenewRecoveryCodes(ctx, s.DB, id, []string{"n1", "n2", "n3", "n4"}, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if n, err := s.RecoveryCodesLeft(ctx, id); err != nil || n != 4 {
				t.Fatalf("codes left after renewing: %d %v", n, err)
			}
			for _, old := range []string{"o1", "o2", "o3"} {
				if err := s.UseRecoveryCode(ctx, s.DB, id, old, t0); !errors.Is(err, ErrNotFound) {
					t.Fatalf("old code %s after renewing: %v, want ErrNotFound", old, err)
				}
			}
			if err := s.UseRecoveryCode(ctx, s.DB, id, "n2", t0); err != nil {
				t.Fatal(err)
			}
			if err := s.UseRecoveryCode(ctx, s.DB, id, "n2", t0); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a new code used twice: %v", err)
			}
			// Another user's codes are untouched.
			if n, _ := s.RecoveryCodesLeft(ctx, other); n != 3 {
				t.Fatalf("the other user's codes: %d, want 3", n)
			}
			// After turning off, renewing is refused.
			if err := s.DisableTOTP(ctx, s.DB, id); err != nil {
				t.Fatal(err)
			}
			if err := s.RenewRecoveryCodes(ctx, s.DB, id, []string{"z1"}, t0); !errors.Is(err, ErrConflict) {
				t.Fatalf("renewing after turning off: %v, want ErrConflict", err)
			}
		})
	}
}
