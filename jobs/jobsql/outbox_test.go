package jobsql_test

import (
	"context"
	"database/sql"
	"strings"
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
			if err := s.MarkMailFailed(ctx, id, "451 try again later", now.Add(time.Minute)); err != nil {
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
