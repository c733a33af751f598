package authsql_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/sqldb"
)

var sessionT0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// sessionCount is how many sessions rows have digest.
func sessionCount(t *testing.T, db *sqldb.DB, digest string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), db.Dialect.Rebind("SELECT COUNT(*) FROM sessions WHERE digest = ?"), digest).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLiveSession pins what LiveSession does, on both engines: it returns
// the session as stored and its user as UserByID reads it, a pending one
// too; it touches the session only when it was last seen a minute ago or
// more; it deletes an idle or expired session and says ErrNotFound, as for
// an unknown one or one whose user was deleted; and a user it cannot read
// is an error, not ErrNotFound.
func TestLiveSession(t *testing.T) {
	dbs, _ := countedDBs(t)
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := authsql.New(db, authsql.Config{Roles: auth.Roles})
			const idle = 30 * time.Minute
			id, err := s.CreateUser(ctx, auth.User{Email: "robin@example.org", Name: "Robin Ash", PasswordHash: "$argon2id$x",
				Roles: []auth.Role{auth.Applicant, auth.Supervisor}, CreatedAt: sessionT0, EmailVerifiedAt: sessionT0.Add(time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.UserByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.LiveSession(ctx, "nope", sessionT0, idle); !errors.Is(err, authsql.ErrNotFound) {
				t.Fatalf("unknown session: %v, want ErrNotFound", err)
			}

			stored := auth.Session{Digest: "live", UserID: id, CreatedAt: sessionT0, LastSeenAt: sessionT0,
				ExpiresAt: sessionT0.Add(12 * time.Hour), UserAgent: "Firefox"}
			if err := s.CreateSession(ctx, stored); err != nil {
				t.Fatal(err)
			}
			ss, u, err := s.LiveSession(ctx, "live", sessionT0.Add(59*time.Second), idle)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*ss, stored) {
				t.Errorf("session %+v, want %+v (not touched within a minute)", *ss, stored)
			}
			if !reflect.DeepEqual(u, want) {
				t.Errorf("user %+v, want %+v as UserByID reads it", u, want)
			}
			// Not touched above, so seen at t0 still; touched a minute on.
			at := sessionT0.Add(time.Minute)
			if ss, _, err := s.LiveSession(ctx, "live", at, idle); err != nil || !ss.LastSeenAt.Equal(at) {
				t.Fatalf("a minute on: %+v, %v; want seen at %v", ss, err, at)
			}
			if ss, _, err := s.LiveSession(ctx, "live", at.Add(idle), idle); err != nil || !ss.LastSeenAt.Equal(at.Add(idle)) {
				t.Fatalf("idle for exactly %v since the touch: %+v, %v; want live and seen now", idle, ss, err)
			}

			pending := auth.Session{Digest: "pending", UserID: id, CreatedAt: sessionT0, LastSeenAt: sessionT0,
				ExpiresAt: sessionT0.Add(auth.PendingMax), Pending: true}
			if err := s.CreateSession(ctx, pending); err != nil {
				t.Fatal(err)
			}
			if ss, u, err := s.LiveSession(ctx, "pending", sessionT0, idle); err != nil || !ss.Pending || u.ID != id {
				t.Fatalf("pending session: %+v, %+v, %v", ss, u, err)
			}
			if _, err := s.SessionUser(ctx, "pending", sessionT0, idle); !errors.Is(err, authsql.ErrNotFound) {
				t.Fatalf("SessionUser of a pending session: %v, want ErrNotFound", err)
			}
			// Expired, however recently seen: deleted.
			if _, _, err := s.LiveSession(ctx, "pending", sessionT0.Add(auth.PendingMax), idle); !errors.Is(err, authsql.ErrNotFound) {
				t.Fatalf("expired session: %v, want ErrNotFound", err)
			}
			if n := sessionCount(t, db, "pending"); n != 0 {
				t.Errorf("expired session: %d rows left, want it deleted", n)
			}
			// Idle: deleted.
			late := at.Add(2*idle + time.Second)
			if _, _, err := s.LiveSession(ctx, "live", late, idle); !errors.Is(err, authsql.ErrNotFound) {
				t.Fatalf("idle session: %v, want ErrNotFound", err)
			}
			if n := sessionCount(t, db, "live"); n != 0 {
				t.Errorf("idle session: %d rows left, want it deleted", n)
			}

			// A stored role this mode does not know is an error, not a
			// signed-out visitor.
			stored.Digest = "bad-roles"
			if err := s.CreateSession(ctx, stored); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, db.Dialect.Rebind("UPDATE users SET roles = ? WHERE id = ?"), "applicant,wizard", id); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.LiveSession(ctx, "bad-roles", sessionT0, idle); err == nil || errors.Is(err, authsql.ErrNotFound) {
				t.Fatalf("unreadable user: %v, want an error other than ErrNotFound", err)
			}
			// The user's sessions go with the user.
			if _, err := db.ExecContext(ctx, db.Dialect.Rebind("DELETE FROM users WHERE id = ?"), id); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.LiveSession(ctx, "bad-roles", sessionT0, idle); !errors.Is(err, authsql.ErrNotFound) {
				t.Fatalf("session of a deleted user: %v, want ErrNotFound", err)
			}
		})
	}
}

// BenchmarkLiveSession reads a live session and its user as every
// signed-in request does (the session seen less than a minute ago, so not
// touched), on both engines, and reports the statements each read runs:
// round trips to the server on PostgreSQL.
func BenchmarkLiveSession(b *testing.B) {
	dbs, n := countedDBs(b)
	for _, name := range []string{"sqlite", "postgres"} {
		db, ok := dbs[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			s := authsql.New(db, authsql.Config{Roles: auth.Roles})
			id, err := s.CreateUser(ctx, auth.User{Email: "bench@example.org", Name: "Bench", PasswordHash: "x",
				Roles: []auth.Role{auth.Applicant}, CreatedAt: sessionT0})
			if err != nil {
				b.Fatal(err)
			}
			if err := s.CreateSession(ctx, auth.Session{Digest: "bench", UserID: id, CreatedAt: sessionT0, LastSeenAt: sessionT0,
				ExpiresAt: sessionT0.Add(12 * time.Hour)}); err != nil {
				b.Fatal(err)
			}
			read := func() {
				if _, _, err := s.LiveSession(ctx, "bench", sessionT0, time.Hour); err != nil {
					b.Fatal(err)
				}
			}
			read() // prepares the statements
			before := n.Load()
			for b.Loop() {
				read()
			}
			b.ReportMetric(float64(n.Load()-before)/float64(b.N), "stmts/op")
		})
	}
}
