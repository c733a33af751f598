// Package notify delivers the messages of a mail outbox (jobsql.Outbox): by
// SMTP, or, in development, by writing them to the log. Delivery is at
// least once: a message is marked sent only after the server accepted it,
// and a failed one is retried later with growing delays.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/smtp"
	"strings"
	"time"

	"github.com/certboard/certboard/jobs"
)

// Message is one e-mail.
type Message struct {
	To, Subject, Body string
}

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends through an SMTP server (STARTTLS when the server offers it).
type SMTP struct {
	Addr     string // host:port
	From     string
	Username string // optional; PLAIN authentication when set
	Password string
}

// Send delivers one message.
func (s SMTP) Send(ctx context.Context, m Message) error {
	var auth smtp.Auth
	if s.Username != "" {
		host := s.Addr
		if i := strings.LastIndex(host, ":"); i >= 0 {
			host = host[:i]
		}
		auth = smtp.PlainAuth("", s.Username, s.Password, host)
	}
	return smtp.SendMail(s.Addr, auth, s.From, []string{m.To}, format(s.From, m))
}

// format writes the message with the headers every mail needs.
func format(from string, m Message) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
		from, m.To, strings.NewReplacer("\r", " ", "\n", " ").Replace(m.Subject))
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n"))
	return []byte(b.String())
}

// Log "sends" a message by logging it: the development mode.
type Log struct{ Logger *slog.Logger }

// Send logs the message.
func (l Log) Send(_ context.Context, m Message) error {
	l.Logger.Info("mail (development mode, not sent)", "to", m.To, "subject", m.Subject, "body", m.Body)
	return nil
}

// Backoff is the delay before attempt n+1 after n failures: one minute,
// doubling, at most six hours.
func Backoff(failures int) time.Duration {
	d := time.Minute
	for range min(failures, 10) {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Outbox is the mail outbox notify delivers from: a *jobsql.Outbox, or a
// store that offers its own (boardsql.Store).
type Outbox interface {
	ClaimDueMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]jobs.Mail, error)
	MarkMailSent(ctx context.Context, id int64, at time.Time) error
	MarkMailFailed(ctx context.Context, id int64, reason string, now, next time.Time) error
}

// MailLease is how long a sender holds the messages it claimed (at most
// 100 at a time) before another instance's sender may take them: long
// enough for a slow SMTP server to take a batch, short enough that a
// message claimed by an instance that died goes out soon after.
const MailLease = 10 * time.Minute

// DeliverDue sends every message that is due now and returns how many were
// sent and how many failed. A sent message's body is dropped from the
// outbox; a failed one keeps it, sealed, for the next attempt. A message
// whose sealed body does not open is not sent: it counts as failed, with
// the reason recorded, and is tried again later (once the missing key is
// back in the keyring, it goes). After jobs.MaxMailAttempts failures a
// message is dead: an admin retries or discards it.
func DeliverDue(ctx context.Context, st Outbox, s Sender, now time.Time) (sent, failed int, err error) {
	due, err := st.ClaimDueMail(ctx, now, MailLease, 100)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range due {
		send := func() error {
			if m.Unreadable != nil {
				return m.Unreadable
			}
			return s.Send(ctx, Message{To: m.To, Subject: m.Subject, Body: m.Body})
		}
		if err := send(); err != nil {
			failed++
			if err := st.MarkMailFailed(ctx, m.ID, err.Error(), now, now.Add(Backoff(m.Attempts))); err != nil {
				return sent, failed, err
			}
			continue
		}
		sent++
		if err := st.MarkMailSent(ctx, m.ID, now); err != nil {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}

// Run delivers due mail every interval until ctx is done.
func Run(ctx context.Context, st Outbox, s Sender, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if sent, failed, err := DeliverDue(ctx, st, s, time.Now()); err != nil {
			log.Error("delivering mail", "error", err)
		} else if sent+failed > 0 {
			log.Info("mail delivered", "sent", sent, "failed", failed)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
