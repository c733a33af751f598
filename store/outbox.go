package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Mail is a message waiting in the outbox, or sent from it.
type Mail struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	Attempts  int
	LastError string
}

// EnqueueMail puts a message in the outbox inside tx, the transaction of the
// change that causes it: the message exists exactly when the change does,
// and a crash or an SMTP outage cannot lose it.
func (s *Store) EnqueueMail(ctx context.Context, tx *sql.Tx, m Mail) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, s.Dialect.Rebind(
		"INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?) RETURNING id"),
		m.To, m.Subject, m.Body, s.timeArg(m.CreatedAt), s.timeArg(m.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("queueing mail: %w", err)
	}
	return id, nil
}

// DueMail returns up to limit unsent messages whose next attempt is due.
func (s *Store) DueMail(ctx context.Context, now time.Time, limit int) ([]Mail, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(
		"SELECT id, to_addr, subject, body, created_at, attempts, last_error FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?"),
		s.timeArg(now), limit)
	if err != nil {
		return nil, fmt.Errorf("reading the outbox: %w", err)
	}
	defer rows.Close()
	var ms []Mail
	for rows.Next() {
		var m Mail
		var created any
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &created, &m.Attempts, &m.LastError); err != nil {
			return nil, err
		}
		if m.CreatedAt, err = scanTime(created); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// MarkMailSent records a delivered message.
func (s *Store) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	_, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?"), s.timeArg(at), id)
	return err
}

// MarkMailFailed records a failed attempt and when to try again.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, reason string, next time.Time) error {
	_, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?"),
		reason, s.timeArg(next), id)
	return err
}
