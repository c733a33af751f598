package jobsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

// Outbox is the mail outbox of a database, with the keys that seal the
// bodies of its messages at rest.
type Outbox struct {
	DB   *sqldb.DB
	Keys *seal.Keyring
}

// ErrNoKeys is returned by the outbox when it has no keys to seal or open
// a body with.
var ErrNoKeys = errors.New("store: no encryption keys configured")

// EnqueueMail puts a message in the outbox inside tx, the transaction of the
// change that causes it: the message exists exactly when the change does,
// and a crash or an SMTP outage cannot lose it. The body (which may hold a
// sign-up or password-reset link) is stored sealed; the recipient and the
// subject stay readable, for the record.
func (o *Outbox) EnqueueMail(ctx context.Context, tx *sqldb.Tx, m jobs.Mail) (int64, error) {
	if o.Keys == nil {
		return 0, ErrNoKeys
	}
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind(
		"INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, '', ?, ?) RETURNING id"),
		m.To, m.Subject, d.Time(m.CreatedAt), d.Time(m.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("queueing mail: %w", err)
	}
	sealed := o.Keys.Seal([]byte(m.Body), jobs.MailContext(id, m.To, m.Subject))
	if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE outbox SET sealed_body = ? WHERE id = ?"), sealed, id); err != nil {
		return 0, fmt.Errorf("queueing mail: %w", err)
	}
	return id, nil
}

// DueMail returns up to limit unsent messages whose next attempt is due,
// their bodies opened: it is for the sender alone.
func (o *Outbox) DueMail(ctx context.Context, now time.Time, limit int) ([]jobs.Mail, error) {
	d := o.DB.Dialect
	rows, err := o.DB.QueryContext(ctx, d.Rebind(
		"SELECT id, to_addr, subject, body, sealed_body, created_at, attempts, last_error FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?"),
		d.Time(now), limit)
	if err != nil {
		return nil, fmt.Errorf("reading the outbox: %w", err)
	}
	defer rows.Close()
	var ms []jobs.Mail
	for rows.Next() {
		var m jobs.Mail
		var sealed sql.NullString
		var created any
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &sealed, &created, &m.Attempts, &m.LastError); err != nil {
			return nil, err
		}
		if m.CreatedAt, err = sqldb.ScanTime(created); err != nil {
			return nil, err
		}
		// A row without a sealed body was queued by a version before sealing
		// and not yet sealed by SealPlainMail: its body is the plain one.
		if sealed.Valid {
			body, err := o.open(sealed.String, jobs.MailContext(m.ID, m.To, m.Subject))
			if err != nil {
				m.Unreadable = fmt.Errorf("mail %d: its sealed body does not open: %w", m.ID, err)
			}
			m.Body = string(body)
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

func (o *Outbox) open(sealed, context string) ([]byte, error) {
	if o.Keys == nil {
		return nil, ErrNoKeys
	}
	return o.Keys.Open(sealed, context)
}

// MarkMailSent records a delivered message and drops its body: what stays
// is who it went to, its subject and when.
func (o *Outbox) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	d := o.DB.Dialect
	_, err := o.DB.ExecContext(ctx, d.Rebind(
		"UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '', body = '', sealed_body = NULL WHERE id = ?"), d.Time(at), id)
	return err
}

// MarkMailFailed records a failed attempt and when to try again; the body
// stays, sealed, for the next attempt.
func (o *Outbox) MarkMailFailed(ctx context.Context, id int64, reason string, next time.Time) error {
	d := o.DB.Dialect
	_, err := o.DB.ExecContext(ctx, d.Rebind("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?"),
		reason, d.Time(next), id)
	return err
}

// SealPlainMail seals the bodies that a version before sealing left in
// plain text in unsent mail (the migration that added sealing dropped the
// bodies of sent mail already). It returns how many it sealed; without
// keys it does nothing.
func (o *Outbox) SealPlainMail(ctx context.Context) (int, error) {
	if o.Keys == nil {
		return 0, nil
	}
	n := 0
	err := o.DB.InTx(ctx, func(tx *sqldb.Tx) error {
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
			sealed := o.Keys.Seal([]byte(p.msg), jobs.MailContext(p.id, p.to, p.subject))
			if _, err := tx.ExecContext(ctx, tx.Dialect.Rebind("UPDATE outbox SET sealed_body = ?, body = '' WHERE id = ? AND sealed_body IS NULL"), sealed, p.id); err != nil {
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
