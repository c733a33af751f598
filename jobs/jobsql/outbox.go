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
var ErrNoKeys = sqldb.ErrNoKeys

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
	return o.mailWhere(ctx, "sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?", d.Time(now), limit)
}

// mailWhere reads the messages the condition cond (with its arguments)
// selects, their bodies opened.
func (o *Outbox) mailWhere(ctx context.Context, cond string, args ...any) ([]jobs.Mail, error) {
	d := o.DB.Dialect
	rows, err := o.DB.QueryContext(ctx, d.Rebind(
		"SELECT id, to_addr, subject, body, sealed_body, created_at, attempts, last_error FROM outbox WHERE "+cond), args...)
	if err != nil {
		return nil, fmt.Errorf("reading the outbox: %w", err)
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (jobs.Mail, error) {
		var m jobs.Mail
		var sealed sql.NullString
		var created any
		err := r.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &sealed, &created, &m.Attempts, &m.LastError)
		if err != nil {
			return m, err
		}
		if m.CreatedAt, err = sqldb.ScanTime(created); err != nil {
			return m, err
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
		return m, nil
	})
}

// ClaimDueMail is DueMail for a sender that will send what it returns:
// the messages it returns are also leased, their next attempt moved to
// now+lease, so that another instance's sender on the same database does
// not send them too. On PostgreSQL concurrent claimers skip each other's
// rows (FOR UPDATE SKIP LOCKED), and each lease is taken only if the
// message is still due, checked again by the write itself; on SQLite the
// claim is one write transaction. A sender that dies before marking a
// message sent or failed loses the lease when it ends, and the message is
// sent again then: delivery is at least once, as before.
func (o *Outbox) ClaimDueMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]jobs.Mail, error) {
	d := o.DB.Dialect
	var claimed []int64
	err := o.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		claimed = claimed[:0]
		rows, err := tx.QueryContext(ctx, d.Rebind(
			"SELECT id FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?"+d.SkipLocked()),
			d.Time(now), limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, d.Rebind(
				"UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= ?"),
				d.Time(now.Add(lease)), id, d.Time(now))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				claimed = append(claimed, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claiming due mail: %w", err)
	}
	out := make([]jobs.Mail, 0, len(claimed))
	for _, id := range claimed {
		ms, err := o.mailWhere(ctx, "id = ?", id)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

func (o *Outbox) open(sealed, context string) ([]byte, error) {
	return sqldb.Unseal(o.Keys, sealed, context)
}

// MarkMailSent records a delivered message and drops its body: what stays
// is who it went to, its subject and when.
func (o *Outbox) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	d := o.DB.Dialect
	_, err := o.DB.ExecContext(ctx, d.Rebind(
		"UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '', body = '', sealed_body = NULL WHERE id = ?"), d.Time(at), id)
	return err
}

// MarkMailFailed records an attempt that failed at now and when to try
// again; the body stays, sealed, for the next attempt. A message that has
// now failed jobs.MaxMailAttempts times is dead instead (dead_at now): it
// is not tried again until an admin retries it (ReviveMail).
func (o *Outbox) MarkMailFailed(ctx context.Context, id int64, reason string, now, next time.Time) error {
	d := o.DB.Dialect
	return o.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?"),
			reason, d.Time(next), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, d.Rebind("UPDATE outbox SET dead_at = ? WHERE id = ? AND attempts >= ? AND dead_at IS NULL AND sent_at IS NULL"),
			d.Time(now), id, jobs.MaxMailAttempts)
		return err
	})
}

// DeadMail lists the dead messages not yet discarded, the latest to die
// first, at most limit; their bodies are not read.
func (o *Outbox) DeadMail(ctx context.Context, limit int) ([]jobs.Mail, error) {
	d := o.DB.Dialect
	rows, err := o.DB.QueryContext(ctx, d.Rebind(
		"SELECT id, to_addr, subject, created_at, attempts, last_error, dead_at FROM outbox WHERE dead_at IS NOT NULL AND discarded_at IS NULL AND sent_at IS NULL ORDER BY dead_at DESC, id DESC LIMIT ?"), limit)
	if err != nil {
		return nil, fmt.Errorf("reading the outbox: %w", err)
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (jobs.Mail, error) {
		var m jobs.Mail
		var created, dead any
		err := r.Scan(&m.ID, &m.To, &m.Subject, &created, &m.Attempts, &m.LastError, &dead)
		if err != nil {
			return m, err
		}
		if m.CreatedAt, err = sqldb.ScanTime(created); err != nil {
			return m, err
		}
		m.DeadAt, err = sqldb.ScanTime(dead)
		return m, err
	})
}

// CountDeadMail counts the dead messages not yet discarded.
func (o *Outbox) CountDeadMail(ctx context.Context) (int, error) {
	var n int
	err := o.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE dead_at IS NOT NULL AND discarded_at IS NULL AND sent_at IS NULL").Scan(&n)
	return n, err
}

// deadMail reads dead message id in tx, locked, without its body.
func deadMail(ctx context.Context, tx *sqldb.Tx, id int64) (jobs.Mail, error) {
	d := tx.Dialect
	var m jobs.Mail
	var dead, discarded, sent any
	err := tx.QueryRowContext(ctx, d.Rebind("SELECT id, to_addr, subject, attempts, last_error, dead_at, discarded_at, sent_at FROM outbox WHERE id = ?"+d.LockRow()), id).
		Scan(&m.ID, &m.To, &m.Subject, &m.Attempts, &m.LastError, &dead, &discarded, &sent)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("mail %d: %w", id, sqldb.ErrNotFound)
	}
	if err != nil {
		return m, err
	}
	if dead == nil || discarded != nil || sent != nil {
		return m, fmt.Errorf("mail %d is not dead: %w", id, sqldb.ErrConflict)
	}
	m.DeadAt, err = sqldb.ScanTime(dead)
	return m, err
}

// ReviveMail makes dead message id due again at now, with a fresh count
// of attempts, in the caller's transaction; it returns the message as it
// was (without its body). A message that is not dead is sqldb.ErrConflict.
func (o *Outbox) ReviveMail(ctx context.Context, tx *sqldb.Tx, id int64, now time.Time) (jobs.Mail, error) {
	return changeDeadMail(ctx, tx, id, "dead_at = NULL, attempts = 0, next_attempt_at = ?", tx.Dialect.Time(now))
}

// DiscardMail lets dead message id go in the caller's transaction: it is
// never sent, and its body is dropped (what stays is who it was for, its
// subject and why it failed). It returns the message as it was. A message
// that is not dead is sqldb.ErrConflict.
func (o *Outbox) DiscardMail(ctx context.Context, tx *sqldb.Tx, id int64, now time.Time) (jobs.Mail, error) {
	return changeDeadMail(ctx, tx, id, "discarded_at = ?, body = '', sealed_body = NULL", tx.Dialect.Time(now))
}

// changeDeadMail reads dead message id in tx, locked (see deadMail), sets
// the columns set names to args, and returns the message as it was.
func changeDeadMail(ctx context.Context, tx *sqldb.Tx, id int64, set string, args ...any) (jobs.Mail, error) {
	m, err := deadMail(ctx, tx, id)
	if err != nil {
		return m, err
	}
	_, err = tx.ExecContext(ctx, tx.Dialect.Rebind("UPDATE outbox SET "+set+" WHERE id = ?"), append(args, id)...)
	return m, err
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
		ps, err := sqldb.Collect(rows, func(r sqldb.Scanner) (p plain, err error) {
			err = r.Scan(&p.id, &p.to, &p.subject, &p.msg)
			return p, err
		})
		if err != nil {
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
