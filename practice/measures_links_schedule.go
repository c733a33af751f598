package practice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
)

// NewSchedule is what scheduling a measure on a case takes.
type NewSchedule struct {
	CaseID     int64
	Instrument string
	Kind       ScheduleKind
	// EveryWeeks is N of an "every N weeks" schedule (1 to
	// MaxScheduleWeeks); 0 for one before every session.
	EveryWeeks int
	// First is the day the first link of an "every N weeks" schedule goes
	// out (today to a year ahead); zero means today.
	First date.Date
}

// checkNewSchedule checks a schedule before any transaction and returns
// when it is first due.
func checkNewSchedule(req NewSchedule, now time.Time) (time.Time, error) {
	if _, err := checkInstrument(req.Instrument); err != nil {
		return time.Time{}, err
	}
	switch req.Kind {
	case BeforeSession:
		if req.EveryWeeks != 0 {
			return time.Time{}, certboard.FieldError(certboard.Invalid, "every_weeks", "a measure before every session takes no interval; leave it empty")
		}
		return time.Time{}, nil
	case EveryWeeks:
	default:
		return time.Time{}, certboard.FieldError(certboard.Invalid, "kind",
			fmt.Sprintf("choose when the measure goes out: %q or %q", EveryWeeks, BeforeSession))
	}
	if req.EveryWeeks < 1 || req.EveryWeeks > MaxScheduleWeeks {
		return time.Time{}, certboard.FieldError(certboard.Invalid, "every_weeks",
			fmt.Sprintf("give a number of weeks from 1 to %d", MaxScheduleWeeks))
	}
	today := date.FromTime(now)
	if req.First.IsZero() || req.First == today {
		return now, nil
	}
	if req.First.Before(today) || today.AddDays(366).Before(req.First) {
		return time.Time{}, certboard.FieldError(certboard.Invalid, "first",
			fmt.Sprintf("the first day must be from today (%s) to a year ahead", today))
	}
	return req.First.Time(), nil
}

// AddSchedule schedules a measure on a case: every N weeks from a first
// day (SendDueMeasures mails each link when due), or before every session
// (LinksBeforeSession, from the session's reminder). Only a practitioner
// assigned to the client may, on an open case, with consent to treatment
// in force and the instrument usable. The links go out in the adder's
// name while they stay assigned to the client; a schedule whose adder is
// unassigned, or whose case closes, stops. Audited
// ("measure_schedule.add").
func (p *Practice) AddSchedule(ctx context.Context, by Actor, req NewSchedule) (*MeasureSchedule, error) {
	now := p.clock.Now().UTC()
	due, err := checkNewSchedule(req, now)
	if err != nil {
		return nil, err
	}
	in, _ := checkInstrument(req.Instrument)
	var out *MeasureSchedule
	err = p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.linkCase(ctx, tx, by, req.CaseID, in)
		if err != nil {
			return err
		}
		s := MeasureSchedule{CaseID: c.ID, ClientID: c.ClientID, Instrument: in.ID, Kind: req.Kind, EveryWeeks: req.EveryWeeks,
			Active: true, NextDue: due, CreatedBy: by.UserID, CreatedByName: by.Name, CreatedAt: now}
		if s.ID, err = tx.CreateMeasureSchedule(ctx, s); err != nil {
			return err
		}
		out = &s
		after := map[string]any{"schedule": s.ID, "case": c.ID, "instrument": in.ID, "kind": s.Kind}
		if s.Kind == EveryWeeks {
			after["every_weeks"], after["next_due"] = s.EveryWeeks, s.NextDue.Format(time.RFC3339)
		}
		return p.appendAudit(ctx, tx, by, "measure_schedule.add", ClientSubject(c.ClientID), nil, after)
	})
	return out, err
}

// errNoSchedule is what someone who may not know a schedule exists is
// told.
func errNoSchedule(id int64) error {
	return certboard.Errorf(certboard.NotFound, "there is no schedule %d among your clients' measures", id).
		WithTitle("Schedule not found")
}

// StopSchedule stops a schedule: it sends no more links (those sent
// still work until they expire or are revoked). Only a practitioner
// assigned to the client may; a schedule stopped already is a Conflict.
// Audited ("measure_schedule.stop"). It returns the schedule stopped.
func (p *Practice) StopSchedule(ctx context.Context, by Actor, id int64) (*MeasureSchedule, error) {
	var out *MeasureSchedule
	err := p.store.InTx(ctx, func(tx Tx) error {
		s, err := lockForChange(ctx, p, tx, by, errNoSchedule(id),
			func() (*MeasureSchedule, error) { return tx.LockMeasureSchedule(ctx, id) },
			func(s *MeasureSchedule) int64 { return s.ClientID })
		if err != nil {
			return err
		}
		if !s.Active {
			return certboard.Errorf(certboard.Conflict, "schedule %d is stopped already", id)
		}
		now := p.clock.Now().UTC()
		if err := tx.StopMeasureSchedule(ctx, id, by.UserID, now); err != nil {
			if errors.Is(err, certboard.ErrConflict) {
				return certboard.Errorf(certboard.Conflict, "schedule %d was stopped meanwhile", id)
			}
			return err
		}
		s.Active, s.StoppedBy, s.StoppedAt = false, by.UserID, now
		out = s
		return p.appendAudit(ctx, tx, by, "measure_schedule.stop", ClientSubject(s.ClientID), nil,
			map[string]any{"schedule": id, "case": s.CaseID})
	})
	return out, err
}

// dueBatch is how many due schedules SendDueMeasures takes at a time.
const dueBatch = 100

// SendDueMeasures mails the links of the "every N weeks" schedules that
// are due, each in a transaction of its own, and moves each to its next
// day (N weeks on, past now). A schedule that cannot send now (the client
// has no e-mail address, consent is not in force, the instrument is not
// usable) skips this time, audited ("measure_schedule.skip" with the
// reason); one whose case is closed or whose practitioner is no longer
// assigned stops ("measure_schedule.stop", by the practice). It returns
// how many links it sent; a schedule that failed is logged and left due.
func (p *Practice) SendDueMeasures(ctx context.Context) (int, error) {
	ids, err := p.store.DueMeasureSchedules(ctx, p.clock.Now().UTC(), dueBatch)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, id := range ids {
		var ok bool
		err := p.store.InTx(ctx, func(tx Tx) error {
			var err error
			ok, err = p.sendDue(ctx, tx, id)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return sent, ctx.Err()
			}
			p.log.Error("sending a scheduled measure", "schedule", id, "error", err)
			continue
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// sendDue sends schedule id's link if it is still due, in tx, and
// reports whether it sent one.
func (p *Practice) sendDue(ctx context.Context, tx Tx, id int64) (bool, error) {
	s, err := tx.LockMeasureSchedule(ctx, id)
	if err != nil {
		return false, err
	}
	now := p.clock.Now().UTC()
	if !s.Active || s.Kind != EveryWeeks || s.NextDue.After(now) {
		return false, nil
	}
	next := s.NextDue
	for !next.After(now) {
		next = next.AddDate(0, 0, 7*s.EveryWeeks)
	}
	reason, stop, err := p.scheduleBlocked(ctx, tx, *s)
	if err != nil {
		return false, err
	}
	actor := scheduleActor(id)
	if stop {
		if err := tx.StopMeasureSchedule(ctx, id, 0, now); err != nil {
			return false, err
		}
		return false, p.auditAs(ctx, tx, actor, "measure_schedule.stop", ClientSubject(s.ClientID), nil,
			map[string]any{"schedule": id, "case": s.CaseID, "reason": reason})
	}
	if reason == "" {
		l := MeasureLink{CaseID: s.CaseID, ClientID: s.ClientID, Instrument: s.Instrument, Delivery: LinkByMail, ScheduleID: id,
			CreatedBy: s.CreatedBy, CreatedByName: s.CreatedByName, CreatedAt: now, ExpiresAt: now.AddDate(0, 0, ScheduledLinkDays)}
		if _, err := p.createLink(ctx, tx, actor, &l); err != nil {
			if certboard.ErrorCode(err) != certboard.Invalid {
				return false, err
			}
			reason = "no_email"
		}
	}
	if err := tx.AdvanceMeasureSchedule(ctx, id, next); err != nil {
		return false, err
	}
	if reason != "" {
		return false, p.auditAs(ctx, tx, actor, "measure_schedule.skip", ClientSubject(s.ClientID), nil,
			map[string]any{"schedule": id, "case": s.CaseID, "reason": reason, "next_due": next.Format(time.RFC3339)})
	}
	return true, nil
}

// scheduleBlocked says why schedule s cannot send a link now ("" when it
// can), and whether that stops it for good: its case closed, or the
// practitioner who added it no longer assigned to the client.
func (p *Practice) scheduleBlocked(ctx context.Context, tx Tx, s MeasureSchedule) (reason string, stop bool, err error) {
	c, err := tx.LockCase(ctx, s.CaseID)
	if err != nil {
		return "", false, err
	}
	if !c.Open() {
		return "case_closed", true, nil
	}
	m, err := tx.PracticeMember(ctx, s.CreatedBy)
	if err != nil && !errors.Is(err, certboard.ErrNotFound) {
		return "", false, err
	}
	if m == nil || !m.IsPractitioner() {
		return "practitioner_unassigned", true, nil
	}
	if ok, err := tx.ClientAssigned(ctx, s.ClientID, s.CreatedBy); err != nil {
		return "", false, err
	} else if !ok {
		return "practitioner_unassigned", true, nil
	}
	if err := p.requireConsent(ctx, tx, s.ClientID); err != nil {
		if certboard.ErrorCode(err) == certboard.Conflict {
			return "no_consent", false, nil
		}
		return "", false, err
	}
	in, err := checkInstrument(s.Instrument)
	if err != nil {
		return "", false, err
	}
	if err := instrumentUsable(ctx, tx, in); err != nil {
		if certboard.ErrorCode(err) == certboard.Conflict {
			return "instrument_unusable", false, nil
		}
		return "", false, err
	}
	return "", false, nil
}

// SessionLinkGrace is how long after a session begins a link sent before
// it still works: the client may answer in the waiting room or the
// session.
const SessionLinkGrace = 2 * time.Hour

// LinksBeforeSession creates, in tx, the links due before a client's
// session at sessionAt: one for every active "before every session"
// schedule on the client's cases that can send now (as SendDueMeasures
// decides; a blocked one is skipped, or stopped, and audited), unless it
// sent one for that session already. Each link expires SessionLinkGrace
// after the session begins and is marked sent by mail: the caller (the
// session's reminder) puts the addresses it returns, one a link, in the
// mail it sends the client, in the same transaction. It returns nil when
// none is due. Audited like SendMeasureLink, in the schedule's name.
func (p *Practice) LinksBeforeSession(ctx context.Context, tx Tx, clientID int64, sessionAt time.Time) ([]string, error) {
	schedules, err := tx.ClientSessionSchedules(ctx, clientID)
	if err != nil {
		return nil, err
	}
	now := p.clock.Now().UTC()
	sessionAt = sessionAt.UTC().Truncate(time.Second)
	expires := sessionAt.Add(SessionLinkGrace)
	if !expires.After(now) {
		return nil, nil
	}
	var out []string
	for _, s := range schedules {
		sent, err := tx.SessionLinkSent(ctx, s.ID, sessionAt)
		if err != nil {
			return nil, err
		}
		if sent {
			continue
		}
		reason, stop, err := p.scheduleBlocked(ctx, tx, s)
		if err != nil {
			return nil, err
		}
		actor := scheduleActor(s.ID)
		if stop {
			if err := tx.StopMeasureSchedule(ctx, s.ID, 0, now); err != nil {
				return nil, err
			}
			if err := p.auditAs(ctx, tx, actor, "measure_schedule.stop", ClientSubject(s.ClientID), nil,
				map[string]any{"schedule": s.ID, "case": s.CaseID, "reason": reason}); err != nil {
				return nil, err
			}
			continue
		}
		if reason != "" {
			if err := p.auditAs(ctx, tx, actor, "measure_schedule.skip", ClientSubject(s.ClientID), nil,
				map[string]any{"schedule": s.ID, "case": s.CaseID, "reason": reason}); err != nil {
				return nil, err
			}
			continue
		}
		l := MeasureLink{CaseID: s.CaseID, ClientID: s.ClientID, Instrument: s.Instrument, Delivery: LinkByMail, ScheduleID: s.ID,
			SessionAt: sessionAt, CreatedBy: s.CreatedBy, CreatedByName: s.CreatedByName, CreatedAt: now, ExpiresAt: expires}
		// The session's reminder carries the link: no mail of its own.
		token, err := p.createSessionLink(ctx, tx, actor, &l)
		if err != nil {
			return nil, err
		}
		out = append(out, p.LinkURL(token))
	}
	return out, nil
}

// createSessionLink stores a link the session's reminder carries: like
// createLink, without a mail of its own.
func (p *Practice) createSessionLink(ctx context.Context, tx Tx, actor string, l *MeasureLink) (string, error) {
	token, hash := newLinkToken()
	var err error
	if l.ID, err = tx.CreateMeasureLink(ctx, *l, hash); err != nil {
		return "", err
	}
	return token, p.auditAs(ctx, tx, actor, "measure_link.send", ClientSubject(l.ClientID), nil,
		map[string]any{"link": l.ID, "case": l.CaseID, "instrument": l.Instrument, "delivery": l.Delivery,
			"schedule": l.ScheduleID, "session_at": l.SessionAt.Format(time.RFC3339), "expires_at": l.ExpiresAt.Format(time.RFC3339)})
}

// MeasuresBeforeSession is the ReminderHook that puts in a session's
// reminder the links of the measures the client's "before every session"
// schedules have due (LinksBeforeSession), so the client answers them
// before they come. The links are created in the reminder's transaction:
// no reminder, no link.
func (p *Practice) MeasuresBeforeSession(ctx context.Context, tx Tx, s Session) ([]ReminderExtra, error) {
	links, err := p.LinksBeforeSession(ctx, tx, s.ClientID, s.Start)
	if err != nil {
		return nil, err
	}
	extras := make([]ReminderExtra, 0, len(links))
	for _, l := range links {
		extras = append(extras, ReminderExtra{
			Text: "Please answer a short questionnaire before the session (it works once, on a phone too):",
			Link: l,
		})
	}
	return extras, nil
}
