package boardsql

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
)

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func TestUsersAndSessions(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			id, err := s.CreateUser(ctx, User{Email: " Jordan.Reyes@Example.org ", Name: "Jordan Reyes", PasswordHash: "$argon2id$x",
				Roles: []auth.Role{auth.Applicant, auth.Supervisor}, CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateUser(ctx, User{Email: "jordan.reyes@example.org", Name: "Other", PasswordHash: "x", CreatedAt: t0}); !errors.Is(err, ErrConflict) {
				t.Fatalf("duplicate e-mail: %v, want ErrConflict", err)
			}
			u, err := s.UserByEmail(ctx, "JORDAN.REYES@example.org")
			if err != nil || u.ID != id || u.Email != "jordan.reyes@example.org" || !u.HasRole(auth.Supervisor) || u.HasRole(auth.Staff) || !u.CreatedAt.Equal(t0) {
				t.Fatalf("UserByEmail: %+v, %v", u, err)
			}
			if _, err := s.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown e-mail: %v", err)
			}

			sess := Session{Digest: "d1", UserID: id, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
			if u, err := s.SessionUser(ctx, "d1", t0.Add(20*time.Minute), 30*time.Minute); err != nil || u.ID != id {
				t.Fatalf("live session: %v", err)
			}
			// Seen at +20 min, so still alive at +45 min, then idle past +75 min.
			if _, err := s.SessionUser(ctx, "d1", t0.Add(45*time.Minute), 30*time.Minute); err != nil {
				t.Fatalf("session touched 25 minutes ago: %v", err)
			}
			if _, err := s.SessionUser(ctx, "d1", t0.Add(80*time.Minute), 30*time.Minute); !errors.Is(err, ErrNotFound) {
				t.Fatalf("idle session: %v, want ErrNotFound", err)
			}
			// Absolute expiry, however active.
			sess.Digest, sess.ExpiresAt = "d2", t0.Add(time.Hour)
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SessionUser(ctx, "d2", t0.Add(time.Hour), 30*time.Minute); !errors.Is(err, ErrNotFound) {
				t.Fatalf("expired session: %v, want ErrNotFound", err)
			}
			sess.Digest, sess.ExpiresAt = "d3", t0.Add(12*time.Hour)
			s.CreateSession(ctx, sess)
			if err := s.DeleteSession(ctx, "d3"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SessionUser(ctx, "d3", t0, time.Hour); !errors.Is(err, ErrNotFound) {
				t.Fatalf("ended session: %v", err)
			}
		})
	}
}

func TestEmailTokens(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			id, err := s.CreateUser(ctx, User{Email: "a@example.org", Name: "A", PasswordHash: "h", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.CreateEmailToken(ctx, s.DB, "tok", id, PurposeVerify, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			use := func(digest, purpose string, at time.Time) (int64, error) {
				tx, _ := s.Begin(ctx)
				defer tx.Commit()
				return tx.UseEmailToken(ctx, digest, purpose, at)
			}
			if _, err := use("tok", PurposeReset, t0); !errors.Is(err, ErrNotFound) {
				t.Fatalf("wrong purpose: %v", err)
			}
			if _, err := use("tok", PurposeVerify, t0.Add(2*time.Hour)); !errors.Is(err, ErrNotFound) {
				t.Fatalf("expired: %v", err)
			}
			if got, err := use("tok", PurposeVerify, t0.Add(time.Minute)); err != nil || got != id {
				t.Fatalf("valid token: %d %v", got, err)
			}
			if _, err := use("tok", PurposeVerify, t0.Add(2*time.Minute)); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a token works once: %v", err)
			}
			if err := s.MarkEmailVerified(ctx, s.DB, id, t0); err != nil {
				t.Fatal(err)
			}
			if u, _ := s.UserByEmail(ctx, "a@example.org"); !u.EmailVerifiedAt.Equal(t0) {
				t.Fatalf("verified at %v", u.EmailVerifiedAt)
			}
			s.CreateSession(ctx, Session{Digest: "sess", UserID: id, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)})
			if err := s.SetPassword(ctx, s.DB, id, "new-hash"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SessionUser(ctx, "sess", t0, time.Hour); !errors.Is(err, ErrNotFound) {
				t.Fatal("a new password must end every session")
			}
		})
	}
}

// TestDuplicateSignUpKeepsTheTransaction checks that a taken address
// leaves the transaction usable on both engines: sign-up then mails the
// owner in the same transaction (a failed INSERT would abort it on
// PostgreSQL and turn the answer into a 500 that reveals the account).
func TestDuplicateSignUpKeepsTheTransaction(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			if _, err := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana", PasswordHash: "x", CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			tx, err := s.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateUserIn(ctx, tx, User{Email: "ANA@example.org", Name: "Other", PasswordHash: "x", CreatedAt: t0}); !errors.Is(err, ErrConflict) {
				t.Fatalf("duplicate: %v", err)
			}
			if _, err := tx.EnqueueMail(ctx, Mail{To: "ana@example.org", Subject: "warning", Body: "b", CreatedAt: t0}); err != nil {
				t.Fatalf("the transaction is unusable after the duplicate: %v", err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			due, err := s.DueMail(ctx, t0.Add(time.Minute), 10)
			if err != nil || len(due) != 1 {
				t.Fatalf("mail after commit: %d %v", len(due), err)
			}
		})
	}
}
