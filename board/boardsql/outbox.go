package boardsql

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
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
	// Unreadable is set by DueMail, with Body empty, for a message whose
	// sealed body does not open (a key missing from the keyring, or a row
	// altered in the database): it must not be sent.
	Unreadable error
}

// mailContext binds a sealed body to its message: its id, recipient and
// subject. A body moved to another row (another recipient: a reset link
// sent to someone else) or a row whose recipient or subject was changed no
// longer opens.
func mailContext(id int64, to, subject string) string {
	return "outbox/" + strconv.FormatInt(id, 10) + "\x00" + to + "\x00" + subject
}

// EnqueueMail puts a message in the outbox inside tx, the transaction of the
// change that causes it: the message exists exactly when the change does,
// and a crash or an SMTP outage cannot lose it. The body (which may hold a
// sign-up or password-reset link) is stored sealed; the recipient and the
// subject stay readable, for the record.
func (tx *Tx) EnqueueMail(ctx context.Context, m Mail) (int64, error) {
	s := tx.s
	if s.keys == nil {
		return 0, errNoKeys
	}
	var id int64
	err := tx.QueryRowContext(ctx, s.Dialect.Rebind(
		"INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, '', ?, ?) RETURNING id"),
		m.To, m.Subject, s.timeArg(m.CreatedAt), s.timeArg(m.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("queueing mail: %w", err)
	}
	sealed, err := s.seal([]byte(m.Body), mailContext(id, m.To, m.Subject))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE outbox SET sealed_body = ? WHERE id = ?"), sealed, id); err != nil {
		return 0, fmt.Errorf("queueing mail: %w", err)
	}
	return id, nil
}

// DueMail returns up to limit unsent messages whose next attempt is due,
// their bodies opened: it is for the sender alone.
func (s *Store) DueMail(ctx context.Context, now time.Time, limit int) ([]Mail, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(
		"SELECT id, to_addr, subject, body, sealed_body, created_at, attempts, last_error FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?"),
		s.timeArg(now), limit)
	if err != nil {
		return nil, fmt.Errorf("reading the outbox: %w", err)
	}
	defer rows.Close()
	var ms []Mail
	for rows.Next() {
		var m Mail
		var sealed sql.NullString
		var created any
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &sealed, &created, &m.Attempts, &m.LastError); err != nil {
			return nil, err
		}
		if m.CreatedAt, err = scanTime(created); err != nil {
			return nil, err
		}
		// A row without a sealed body was queued by a version before sealing
		// and not yet sealed by Migrate: its body is the plain one.
		if sealed.Valid {
			body, err := s.open(sealed.String, mailContext(m.ID, m.To, m.Subject))
			if err != nil {
				m.Unreadable = fmt.Errorf("mail %d: its sealed body does not open: %w", m.ID, err)
			}
			m.Body = string(body)
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// MarkMailSent records a delivered message and drops its body: what stays
// is who it went to, its subject and when.
func (s *Store) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	_, err := s.DB.ExecContext(ctx, s.Dialect.Rebind(
		"UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '', body = '', sealed_body = NULL WHERE id = ?"), s.timeArg(at), id)
	return err
}

// MarkMailFailed records a failed attempt and when to try again; the body
// stays, sealed, for the next attempt.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, reason string, next time.Time) error {
	_, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?"),
		reason, s.timeArg(next), id)
	return err
}

// sealPlainMail seals the bodies that a version before sealing left in
// plain text in unsent mail (the migration that added sealing dropped the
// bodies of sent mail already). It returns how many it sealed.
func (s *Store) sealPlainMail(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, nil
	}
	n := 0
	err := s.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id, to_addr, subject, body FROM outbox WHERE sealed_body IS NULL AND sent_at IS NULL")
		if err != nil {
			return err
		}
		type plain struct {
			id               int64
			to, subject, msg string
		}
		var ps []plain
		for rows.Next() {
			var p plain
			if err := rows.Scan(&p.id, &p.to, &p.subject, &p.msg); err != nil {
				rows.Close()
				return err
			}
			ps = append(ps, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range ps {
			sealed, err := s.seal([]byte(p.msg), mailContext(p.id, p.to, p.subject))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE outbox SET sealed_body = ?, body = '' WHERE id = ? AND sealed_body IS NULL"), sealed, p.id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sealing the bodies of queued mail: %w", err)
	}
	return n, nil
}
