package practice

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/practice/session"
)

// sessionReminderWrites are the reads and writes of the reminders.
type sessionReminderWrites interface {
	// DueReminders lists the ids of up to limit scheduled sessions not yet
	// reminded that start after from and no later than to, the earliest
	// first.
	DueReminders(ctx context.Context, from, to time.Time, limit int) ([]int64, error)
	// MarkReminded records at as when session id was reminded, if it is
	// still scheduled and not reminded, and reports whether it did: false
	// means another run (another instance of the practice) did it first,
	// or the session changed, and nothing is to be sent.
	MarkReminded(ctx context.Context, id int64, at time.Time) (bool, error)
}

// ReminderLead is how long before a session its client is reminded.
const ReminderLead = 24 * time.Hour

// ReminderBatch is how many sessions one SendSessionReminders reminds;
// the rest wait for the next run.
const ReminderBatch = 100

// AuditSessionReminder is the audit action of a reminder decided: After
// names the session and says whether a mail went out ("mailed"), never
// to which address.
const AuditSessionReminder = "session.reminder"

// SessionsActor is who the audit log names for the reminders the
// practice sends on its own.
const SessionsActor = "system:sessions"

// ReminderExtra is something another area adds to a session's reminder:
// a line of text and, optionally, a link ("Before the session, please
// answer this questionnaire", https://...). It must say nothing of the
// record: the mail leaves the practice.
type ReminderExtra struct {
	Text string
	Link string
}

// ReminderHook adds extras to the reminder of session s, in the
// transaction that sends it (so that what it creates, such as a one-time
// link, commits with the mail or not at all). An error stops that
// session's reminder, which the next run tries again.
type ReminderHook func(ctx context.Context, tx Tx, s Session) ([]ReminderExtra, error)

// Reminded is what one SendSessionReminders did.
type Reminded struct {
	// Mailed counts the reminders put in the outbox, NoAddress the
	// sessions whose client has no email address (marked reminded all
	// the same, so that they are not looked at again).
	Mailed, NoAddress int
}

// SendSessionReminders reminds the client of every scheduled session that
// starts within ReminderLead and was not reminded yet (up to
// ReminderBatch a run), by mail, once: each session is marked reminded
// in the transaction that puts its mail in the outbox (tx.EnqueueMail),
// and only if no one marked it first, so that two instances of the
// practice running their jobs at once never send one twice. A session
// rescheduled to another time is reminded again. The mail says the
// practice's name, the day, time (in the practice's time zone, named),
// length, and the address for a session in person or the video link,
// and what each hook adds (ReminderHook); nothing else of the record.
// A client without an email address gets none. Each decision is audited
// (AuditSessionReminder, by SessionsActor). A run meets its errors one
// session at a time: it goes on with the others and returns the first.
func (p *Practice) SendSessionReminders(ctx context.Context, hooks ...ReminderHook) (Reminded, error) {
	var r Reminded
	now := p.clock.Now().UTC()
	var ids []int64
	err := p.store.InTx(ctx, func(tx Tx) error {
		var err error
		ids, err = tx.DueReminders(ctx, now, now.Add(ReminderLead), ReminderBatch)
		return err
	})
	if err != nil {
		return r, err
	}
	var first error
	for _, id := range ids {
		if err := p.remind(ctx, id, now, hooks, &r); err != nil {
			p.log.Error("sending a session reminder", "session", id, "err", err)
			if first == nil {
				first = err
			}
		}
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
	}
	return r, first
}

// remind reminds session id, in a transaction of its own.
func (p *Practice) remind(ctx context.Context, id int64, now time.Time, hooks []ReminderHook, r *Reminded) error {
	var mailed, noAddress bool
	err := p.store.InTx(ctx, func(tx Tx) error {
		mailed, noAddress = false, false
		ok, err := tx.MarkReminded(ctx, id, now)
		if err != nil || !ok {
			return err
		}
		s, err := tx.Session(ctx, id)
		if err != nil {
			return err
		}
		c, err := tx.Client(ctx, s.ClientID)
		if err != nil {
			return err
		}
		if to := strings.TrimSpace(c.Identity.Email); to != "" {
			settings, err := tx.SessionSettings(ctx)
			if err != nil {
				return err
			}
			named, err := p.practiceNamed(ctx, tx)
			if err != nil {
				return err
			}
			m := reminderMail(*s, settings, named)
			for _, h := range hooks {
				extras, err := h(ctx, tx, *s)
				if err != nil {
					return err
				}
				for _, e := range extras {
					m.Extras = append(m.Extras, notify.ReminderExtra{Text: e.Text, Link: e.Link})
				}
			}
			if err := p.mail(ctx, tx, to, m); err != nil {
				return err
			}
			mailed = true
		} else {
			noAddress = true
		}
		return appendAuditAt(ctx, tx, now, SessionsActor, AuditSessionReminder, ClientSubject(s.ClientID), nil,
			map[string]any{"case": s.CaseID, "session": s.ID, "mailed": mailed})
	})
	if err == nil && mailed {
		r.Mailed++
	}
	if err == nil && noAddress {
		r.NoAddress++
	}
	return err
}

// reminderMail is the reminder of session s under the practice's
// settings, naming the practice as named (practiceNamed): its name, its
// address on one line for a session in person, and its phone.
func reminderMail(s Session, settings SessionSettings, named PracticeIdentifiers) notify.SessionReminder {
	loc := settings.Location()
	start := s.Start.In(loc)
	zone := loc.String() + " time"
	if abbr, _ := start.Zone(); abbr != "" && abbr != loc.String() && !strings.HasPrefix(abbr, "+") && !strings.HasPrefix(abbr, "-") {
		zone = fmt.Sprintf("%s (%s)", zone, abbr)
	}
	var address string
	if s.Modality != session.Video {
		address = strings.Join(strings.Split(named.Address, "\n"), ", ")
	}
	return notify.SessionReminder{Practice: named.Name, Address: address, Phone: named.Phone, Day: start.Format("Monday 2 January 2006"), Time: start.Format("15:04"),
		Zone: zone, Minutes: s.Minutes, Video: s.Modality == session.Video, VideoLink: s.VideoLink}
}
