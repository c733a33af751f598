package jobsql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

// resetLink is a live link of the kind a mail body carries.
const resetLink = "https://board.example/reset?token=Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM"

// outboxes returns the outbox of a fresh, migrated database on each
// engine, with a keyring of its own.
func outboxes(t *testing.T) map[string]*jobsql.Outbox {
	t.Helper()
	k, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*jobsql.Outbox{}
	for name, db := range migrated(t) {
		out[name] = &jobsql.Outbox{DB: db, Keys: k}
	}
	return out
}

// outboxRow is the whole outbox row of a message as the database holds it.
func outboxRow(t *testing.T, s *jobsql.Outbox, id int64) string {
	t.Helper()
	var to, subject, body, created, next string
	var sealed, sent sql.NullString
	err := s.DB.QueryRow(s.DB.Dialect.Rebind(
		"SELECT to_addr, subject, body, sealed_body, CAST(created_at AS TEXT), CAST(next_attempt_at AS TEXT), CAST(sent_at AS TEXT) FROM outbox WHERE id = ?"), id).
		Scan(&to, &subject, &body, &sealed, &created, &next, &sent)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join([]string{to, subject, body, sealed.String, created, next, sent.String}, "|")
}

func queueMail(t *testing.T, s *jobsql.Outbox, m jobs.Mail) int64 {
	t.Helper()
	var id int64
	err := s.DB.InTx(context.Background(), func(tx *sqldb.Tx) error {
		var err error
		id, err = s.EnqueueMail(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestMailBodiesAreSealedAndDroppedOnceSent(t *testing.T) {
	for name, s := range outboxes(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			body := "Reset your password: " + resetLink + "\n"
			id := queueMail(t, s, jobs.Mail{To: "jordan@example.org", Subject: "Reset your certboard password", Body: body, CreatedAt: now})
			row := outboxRow(t, s, id)
			if strings.Contains(row, "token=") || strings.Contains(row, "board.example") || strings.Contains(row, "Reset your password:") {
				t.Fatalf("the outbox row holds the body in plain text: %s", row)
			}
			if !strings.Contains(row, "jordan@example.org|Reset your certboard password") {
				t.Fatalf("the recipient and subject are not kept readable: %s", row)
			}
			due, err := s.DueMail(ctx, now, 10)
			if err != nil || len(due) != 1 || due[0].Body != body || due[0].Unreadable != nil {
				t.Fatalf("DueMail: %+v %v", due, err)
			}
			// A failed attempt keeps the body, sealed, for the retry.
			if err := s.MarkMailFailed(ctx, id, "451 try again later", now, now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if row := outboxRow(t, s, id); strings.Contains(row, "token=") {
				t.Fatalf("after a failure the row holds the body in plain text: %s", row)
			}
			due, err = s.DueMail(ctx, now.Add(time.Minute), 10)
			if err != nil || len(due) != 1 || due[0].Body != body || due[0].Attempts != 1 {
				t.Fatalf("the retry: %+v %v", due, err)
			}
			// Once sent, the body is gone; who, what about and when stay.
			if err := s.MarkMailSent(ctx, id, now.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			var to, subject, left string
			var sealed, sent sql.NullString
			if err := s.DB.QueryRow(s.DB.Dialect.Rebind("SELECT to_addr, subject, body, sealed_body, CAST(sent_at AS TEXT) FROM outbox WHERE id = ?"), id).
				Scan(&to, &subject, &left, &sealed, &sent); err != nil {
				t.Fatal(err)
			}
			if left != "" || sealed.Valid || to != "jordan@example.org" || subject != "Reset your certboard password" || !sent.Valid {
				t.Fatalf("after sending: body %q, sealed %v, to %q, subject %q, sent %v", left, sealed, to, subject, sent)
			}
		})
	}
}

func TestMovedMailBodyDoesNotOpen(t *testing.T) {
	for name, s := range outboxes(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			victim := queueMail(t, s, jobs.Mail{To: "jordan@example.org", Subject: "Reset", Body: resetLink, CreatedAt: now})
			thief := queueMail(t, s, jobs.Mail{To: "mallory@example.org", Subject: "Reset", Body: "nothing", CreatedAt: now})
			// Someone who can write to the database copies the victim's
			// sealed reset mail onto a row addressed to themself.
			if _, err := s.DB.Exec(s.DB.Dialect.Rebind("UPDATE outbox SET sealed_body = (SELECT sealed_body FROM outbox WHERE id = ?) WHERE id = ?"), victim, thief); err != nil {
				t.Fatal(err)
			}
			due, err := s.DueMail(ctx, now, 10)
			if err != nil || len(due) != 2 {
				t.Fatalf("%+v %v", due, err)
			}
			for _, m := range due {
				if m.ID == thief && (m.Unreadable == nil || strings.Contains(m.Body, "token")) {
					t.Fatalf("a body moved to another recipient opened: %+v", m)
				}
				if m.ID == victim && (m.Unreadable != nil || m.Body != resetLink) {
					t.Fatalf("the victim's own mail: %+v", m)
				}
			}
		})
	}
}

// TestDeadMail: a message that fails jobs.MaxMailAttempts times is dead:
// no longer due, listed without its body; retried, it is due again; a
// discarded one has its body dropped and is never due.
func TestDeadMail(t *testing.T) {
	for name, s := range outboxes(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			a := queueMail(t, s, jobs.Mail{To: "jordan@example.org", Subject: "Reset", Body: resetLink, CreatedAt: now})
			b := queueMail(t, s, jobs.Mail{To: "sam@example.org", Subject: "Hello", Body: "hi", CreatedAt: now})
			for i := 1; i <= jobs.MaxMailAttempts; i++ {
				due, err := s.DueMail(ctx, now, 10)
				if err != nil || len(due) != 2 {
					t.Fatalf("attempt %d: %d due, %v", i, len(due), err)
				}
				for _, m := range due {
					if err := s.MarkMailFailed(ctx, m.ID, "550 mailbox unavailable", now, now); err != nil {
						t.Fatal(err)
					}
				}
			}
			if due, err := s.DueMail(ctx, now.AddDate(1, 0, 0), 10); err != nil || len(due) != 0 {
				t.Fatalf("dead mail still due: %+v %v", due, err)
			}
			dead, err := s.DeadMail(ctx, 10)
			if err != nil || len(dead) != 2 || dead[0].Body != "" || dead[0].Attempts != jobs.MaxMailAttempts || !dead[0].DeadAt.Equal(now) || dead[0].LastError != "550 mailbox unavailable" {
				t.Fatalf("dead mail: %+v %v", dead, err)
			}
			act := func(f func(tx *sqldb.Tx) error) error { return s.DB.InTx(ctx, f) }
			if err := act(func(tx *sqldb.Tx) error { _, err := s.ReviveMail(ctx, tx, a, now); return err }); err != nil {
				t.Fatal(err)
			}
			if err := act(func(tx *sqldb.Tx) error { _, err := s.DiscardMail(ctx, tx, b, now); return err }); err != nil {
				t.Fatal(err)
			}
			if err := act(func(tx *sqldb.Tx) error { _, err := s.DiscardMail(ctx, tx, a, now); return err }); !errors.Is(err, sqldb.ErrConflict) {
				t.Fatalf("discarding mail that is not dead: %v", err)
			}
			due, err := s.DueMail(ctx, now, 10)
			if err != nil || len(due) != 1 || due[0].ID != a || due[0].Body != resetLink || due[0].Attempts != 0 {
				t.Fatalf("after the retry: %+v %v", due, err)
			}
			if n, err := s.CountDeadMail(ctx); err != nil || n != 0 {
				t.Fatalf("count: %d %v", n, err)
			}
			if row := outboxRow(t, s, b); strings.Contains(row, "hi|") {
				t.Fatalf("the discarded body stayed: %s", row)
			}
			var sealed sql.NullString
			if err := s.DB.QueryRow(s.DB.Dialect.Rebind("SELECT sealed_body FROM outbox WHERE id = ?"), b).Scan(&sealed); err != nil || sealed.Valid {
				t.Fatalf("the discarded body: %v %v", sealed, err)
			}
		})
	}
}

// TestClaimDueMailOnce: senders of several instances on one database claim
// each due message once between them; a claimed message is not due again
// until its lease ends, and then it is claimed again (a sender that died
// loses it), while a message marked sent never is.
func TestClaimDueMailOnce(t *testing.T) {
	for name, o := range outboxes(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			const n = 60
			for i := range n {
				queueMail(t, o, jobs.Mail{To: "a@example.org", Subject: "message " + strconv.Itoa(i), Body: "body", CreatedAt: t0})
			}
			var mu sync.Mutex
			seen := map[int64]int{}
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Another instance's outbox over the same database.
					mine := &jobsql.Outbox{DB: o.DB, Keys: o.Keys}
					for {
						ms, err := mine.ClaimDueMail(ctx, t0.Add(time.Minute), 10*time.Minute, 7)
						if err != nil {
							errs <- err
							return
						}
						if len(ms) == 0 {
							return
						}
						mu.Lock()
						for _, m := range ms {
							seen[m.ID]++
							if m.Body != "body" {
								errs <- fmt.Errorf("message %d: body %q", m.ID, m.Body)
							}
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if len(seen) != n {
				t.Fatalf("%d of %d messages claimed", len(seen), n)
			}
			for id, c := range seen {
				if c != 1 {
					t.Errorf("message %d claimed %d times", id, c)
				}
			}
			// Within the lease nothing is due; after it, what was not marked
			// is claimed again, and a message marked sent is not.
			if ms, err := o.ClaimDueMail(ctx, t0.Add(5*time.Minute), 10*time.Minute, 100); err != nil || len(ms) != 0 {
				t.Fatalf("within the lease: %d claimed, %v", len(ms), err)
			}
			var first int64
			for id := range seen {
				if first == 0 || id < first {
					first = id
				}
			}
			if err := o.MarkMailSent(ctx, first, t0.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			ms, err := o.ClaimDueMail(ctx, t0.Add(12*time.Minute), 10*time.Minute, 100)
			if err != nil || len(ms) != n-1 {
				t.Fatalf("after the lease: %d claimed, want %d; %v", len(ms), n-1, err)
			}
			for _, m := range ms {
				if m.ID == first {
					t.Fatal("a message marked sent was claimed again")
				}
			}
		})
	}
}
