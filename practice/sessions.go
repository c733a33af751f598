package practice

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/session"
)

// Sessions: the appointments of a case. A session belongs to a case of a
// client (an episode of care, whose progress notes record its sessions)
// and is held by the practitioner who scheduled it; only a practitioner
// assigned to the client schedules and changes its sessions (an admin's
// emergency access reads them, never changes them). Its time is an
// instant in UTC, shown and taken in the practice's time zone
// (SessionSettings). A practitioner holds one session at a time: a
// session that would overlap another of theirs that holds its time
// (scheduled, attended or a no-show) is refused. The rules without
// storage are in practice/session; reminders by mail in
// sessions_reminders.go, the calendar feed in sessions_calendar.go.

// sessionReads are the reads of the sessions use cases outside a
// transaction: none. Every read of a session is a read of a client's
// record or a practitioner's calendar, audited in the transaction that
// reads it, so the sessions' reads are methods of the transaction.
type sessionReads interface{}

// sessionWrites are the reads and writes of the sessions use cases,
// methods of a transaction. The store seals a session's video link and
// the reason of its cancellation, bound to its row.
type sessionWrites interface {
	// SessionSettings returns the practice's session settings.
	SessionSettings(ctx context.Context) (SessionSettings, error)
	// SaveSessionSettings replaces them (SetPracticeIdentifiers saves
	// the time zone with the practice's identifiers).
	SaveSessionSettings(ctx context.Context, s SessionSettings) error
	// LockPractitionerSessions locks the calendar of practitioner id until
	// the transaction ends, so that two schedulings for them are checked
	// for overlap one after the other.
	LockPractitionerSessions(ctx context.Context, id int64) error
	// OverlappingSession returns the id of a session of practitioner id
	// that holds its time (not cancelled) and shares a moment with
	// [start, end), other than except; 0 when there is none.
	OverlappingSession(ctx context.Context, id int64, start, end time.Time, except int64) (int64, error)
	// CreateSession adds session s and returns its id.
	CreateSession(ctx context.Context, s Session) (int64, error)
	// Session reads session id; certboard.ErrNotFound when there is none.
	Session(ctx context.Context, id int64) (*Session, error)
	// LockSession is Session, and locks the session until the
	// transaction ends.
	LockSession(ctx context.Context, id int64) (*Session, error)
	// UpdateSession writes every changeable field of s (its time, length,
	// modality, video link, kind, CPT code, fee, status and cancellation,
	// payment and reminder) if the session is still at version, and
	// returns the new version; a stale version wraps
	// certboard.ErrConflict.
	UpdateSession(ctx context.Context, s Session, version int) (int, error)
	// ClientSessions lists the sessions of client id, the latest first.
	ClientSessions(ctx context.Context, clientID int64) ([]Session, error)
	// PractitionerSessions lists up to limit sessions of practitioner id
	// that end after from, the earliest first.
	PractitionerSessions(ctx context.Context, id int64, from time.Time, limit int) ([]Session, error)
	// LinkNoteSession records that progress note noteID records session
	// sessionID; a session that has a note already wraps
	// certboard.ErrConflict.
	LinkNoteSession(ctx context.Context, noteID, sessionID int64) error
	sessionReminderWrites
	calendarWrites
}

// SessionAudit are the audit actions of the sessions use cases. Their
// entries name the client as subject and hold ids, statuses and codes:
// never a video link, a reason or an amount.
const (
	AuditSessionSchedule   = "session.schedule"
	AuditSessionReschedule = "session.reschedule"
	AuditSessionCancel     = "session.cancel"
	AuditSessionMark       = "session.mark"
	AuditSessionPayment    = "session.payment"
	AuditSessionNote       = "session.note"
	AuditSessionUpcoming   = "session.upcoming"
)

// Session is one session of a case as the practice keeps it.
type Session struct {
	ID       int64
	CaseID   int64
	ClientID int64
	// PractitionerID holds the session; PractitionerName is their name.
	PractitionerID   int64
	PractitionerName string
	// Start is when it starts, in UTC; Minutes how long it lasts.
	Start    time.Time
	Minutes  int
	Modality session.Modality
	// VideoLink is where a video session is held (sealed at rest); "" for
	// a session in person.
	VideoLink string
	Kind      session.Kind
	Status    session.Status
	// CancelledBy, CancelledAt, CancelledByUser and CancelReason say who
	// cancelled a cancelled session, when, which account recorded it and
	// why (the reason sealed at rest); zero otherwise.
	CancelledBy     session.Canceller
	CancelledAt     time.Time
	CancelledByUser int64
	CancelReason    string
	// CPT is the code the session is billed under (session.LookupCPT).
	CPT string
	// FeeCents is what the session costs, PaidCents what the client has
	// paid of it, in cents of Currency (ISO 4217); PaidAt is when a
	// payment was last recorded (zero before).
	FeeCents  int64
	PaidCents int64
	Currency  string
	PaidAt    time.Time
	// NoteID is the progress note that records the session, 0 before one
	// is written.
	NoteID int64
	// RemindedAt is when the client's reminder was sent (or found to have
	// no address to go to); zero before.
	RemindedAt time.Time
	// ImportedFrom is, for a session held at another practice that came
	// with its client's record (a record import of a session that had
	// ended), the client whose import it came with (client_imports); 0
	// for the practice's own sessions. Such a session is history: on no
	// superbill, in no calendar feed, taking no time, reminder, payment
	// or change.
	ImportedFrom int64
	// Version guards changes.
	Version   int
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Imported reports whether the session was held at another practice
// (ImportedFrom).
func (s Session) Imported() bool { return s.ImportedFrom != 0 }

// End is when the session ends.
func (s Session) End() time.Time { return session.End(s.Start, s.Minutes) }

// Fee is what the session costs.
func (s Session) Fee() session.Money { return session.Money{Cents: s.FeeCents, Currency: s.Currency} }

// Paid is what the client has paid of it.
func (s Session) Paid() session.Money { return session.Money{Cents: s.PaidCents, Currency: s.Currency} }

// CPTCode is the session's code with its meaning.
func (s Session) CPTCode() session.CPT {
	c, ok := session.LookupCPT(s.CPT)
	if !ok {
		return session.CPT{Code: s.CPT}
	}
	return c
}

// Summary names the session without anything of the client, as the
// calendar feed shows it: "Session (couple, video)".
func (s Session) Summary() string {
	return fmt.Sprintf("Session (%s, %s)", s.Kind.Label(), s.Modality.Label())
}

// sessionAudit is what a session's audit entries say of it.
func sessionAudit(s *Session) map[string]any {
	return map[string]any{"case": s.CaseID, "session": s.ID, "status": string(s.Status), "version": s.Version}
}

// SessionSettings are the practice's settings of sessions: its time
// zone. (Its name, which reminders give, is one of its identifiers:
// PracticeIdentifiers.)
type SessionSettings struct {
	// TimeZone is the IANA time zone ("America/Chicago") in which forms
	// take and pages and reminders show a session's time; "UTC" until an
	// admin sets it with the practice's identifiers
	// (SetPracticeIdentifiers).
	TimeZone  string
	UpdatedBy int64
	UpdatedAt time.Time
}

// Location is the settings' time zone; UTC when it is not one Go knows.
func (s SessionSettings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil && s.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// errNoSession is what a person told nothing of a session hears.
func errNoSession(id int64) error {
	return certboard.Errorf(certboard.NotFound, "there is no session %d among your clients' sessions", id).WithTitle("Session not found")
}

// staleSession is the Conflict of a change made from an older version of
// a session.
func staleSession(id int64, version, now int) error {
	return certboard.Errorf(certboard.Conflict,
		"session %d was changed since you opened it (you had version %d, it is now at %d); reload it and make your change again",
		id, version, now).WithTitle("Changed meanwhile")
}

// SessionSettings returns the practice's session settings, for anyone of
// the practice (they hold nothing of a client).
func (p *Practice) SessionSettings(ctx context.Context) (SessionSettings, error) {
	var out SessionSettings
	err := p.store.InTx(ctx, func(tx Tx) error {
		var err error
		out, err = tx.SessionSettings(ctx)
		return err
	})
	return out, err
}

// ScheduleSession schedules a session on case caseID, held by by, who
// must be a practitioner assigned to the case's client (an admin, or a
// practitioner who is not, is refused and the refusal audited); the case
// must be open. in is checked field by field (SessionInput: Invalid naming
// each field to fix) and its date and time are read in the practice's
// time zone. A session that would overlap another session of by's that
// holds its time is a Conflict on the time field. The session and its
// audit entry (AuditSessionSchedule) commit together.
func (p *Practice) ScheduleSession(ctx context.Context, by Actor, caseID int64, in SessionInput) (*Session, error) {
	now := p.clock.Now().UTC()
	var out *Session
	err := p.store.InTx(ctx, func(tx Tx) error {
		plan, err := planSession(ctx, tx, in, now)
		if err != nil {
			return err
		}
		c, err := p.changeCase(ctx, tx, by, caseID, caseNotTreatment)
		if err != nil {
			return err
		}
		s := plan
		s.CaseID, s.ClientID, s.PractitionerID, s.PractitionerName = c.ID, c.ClientID, by.UserID, by.Name
		s.Status, s.Version, s.CreatedBy, s.CreatedAt, s.UpdatedAt = session.Scheduled, 1, by.UserID, now, now
		if err := p.freeTime(ctx, tx, &s); err != nil {
			return err
		}
		if s.ID, err = tx.CreateSession(ctx, s); err != nil {
			return err
		}
		out = &s
		return p.appendAudit(ctx, tx, by, AuditSessionSchedule, ClientSubject(s.ClientID), nil, sessionAudit(&s))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// freeTime checks, with the practitioner's calendar locked, that session
// s overlaps no other session of its practitioner that holds its time.
func (p *Practice) freeTime(ctx context.Context, tx Tx, s *Session) error {
	if err := tx.LockPractitionerSessions(ctx, s.PractitionerID); err != nil {
		return err
	}
	other, err := tx.OverlappingSession(ctx, s.PractitionerID, s.Start, s.End(), s.ID)
	if err != nil {
		return err
	}
	if other != 0 {
		return certboard.FieldError(certboard.Conflict, "time",
			fmt.Sprintf("%s already has session %d at that time; choose a time when they are free", s.PractitionerName, other)).
			WithTitle("Time taken")
	}
	return nil
}

// changeSession locks session id for a change by by: an assigned
// practitioner of its client (mayChangeClient; anyone else is told
// nothing of it), the session's own practitioner when own is set
// (Forbidden otherwise), the session still at version, and the move
// allowed (session.Check; Conflict otherwise).
func (p *Practice) changeSession(ctx context.Context, tx Tx, by Actor, id int64, version int, m session.Move, own string) (*Session, error) {
	s, err := lockForChange(ctx, p, tx, by, errNoSession(id),
		func() (*Session, error) { return tx.LockSession(ctx, id) },
		func(s *Session) int64 { return s.ClientID })
	if err != nil {
		return nil, err
	}
	if s.Imported() {
		return nil, errImportedSession(s)
	}
	if own != "" {
		if err := ownSession(s, by, own); err != nil {
			return nil, err
		}
	}
	if s.Version != version {
		return nil, staleSession(id, version, s.Version)
	}
	if m != "" {
		if why := session.Check(s.Status, m, s.Start, s.End(), p.clock.Now()); why != "" {
			return nil, certboard.Errorf(certboard.Conflict, "%s", why).WithTitle("Session " + s.Status.Label())
		}
	}
	return s, nil
}

// errImportedSession is the Conflict of a change to session s, held at
// another practice.
func errImportedSession(s *Session) error {
	return certboard.Errorf(certboard.Conflict,
		"session %d was held at another practice and came with the client's record (imported); it is kept as history and takes no change, reminder or payment",
		s.ID).WithTitle("Held at another practice")
}

// ownSession refuses by, who is not session s's practitioner, what only
// they do (what: "mark it", "record its payments", "write its note"): a
// colleague assigned to the client covers for them by cancelling or
// rescheduling, not by recording what happened in a session they did not
// hold.
func ownSession(s *Session, by Actor, what string) error {
	if s.PractitionerID == by.UserID {
		return nil
	}
	return certboard.Errorf(certboard.Forbidden,
		"session %d is %s's; only they %s (you may cancel or reschedule it for them)", s.ID, s.PractitionerName, what).
		WithTitle("Not your session")
}

// coveringAudit is sessionAudit of a change by by to s, naming s's
// practitioner when by acted on a colleague's session.
func coveringAudit(s *Session, by Actor) map[string]any {
	out := sessionAudit(s)
	if s.PractitionerID != by.UserID {
		out["for_practitioner"] = s.PractitionerID
	}
	return out
}

// saveSession writes s from version and audits the change.
func (p *Practice) saveSession(ctx context.Context, tx Tx, by Actor, s *Session, version int, action string, before map[string]any) error {
	s.UpdatedAt = p.clock.Now().UTC()
	v, err := tx.UpdateSession(ctx, *s, version)
	if errors.Is(err, certboard.ErrConflict) {
		return staleSession(s.ID, version, version+1)
	}
	if err != nil {
		return err
	}
	s.Version = v
	return p.appendAudit(ctx, tx, by, action, ClientSubject(s.ClientID), before, coveringAudit(s, by))
}

// planSession checks in as ScheduleSession and RescheduleSession take
// it, its date and time read in the practice's time zone.
func planSession(ctx context.Context, tx Tx, in SessionInput, now time.Time) (Session, error) {
	settings, err := tx.SessionSettings(ctx)
	if err != nil {
		return Session{}, err
	}
	return checkSession(in, settings.Location(), now)
}

// RescheduleSession replaces the time, length, modality, video link,
// kind, CPT code and fee of scheduled session id, opened at version, by
// in (checked as ScheduleSession checks it, and for overlap with the
// practitioner's other sessions). Only an assigned practitioner of the
// client changes it, before it ends; a session moved to another time is
// reminded again. A colleague assigned to the client may reschedule a
// session held by another practitioner (covering for them), still in
// that practitioner's calendar; the audit entry names them
// (for_practitioner). It returns the session as changed.
func (p *Practice) RescheduleSession(ctx context.Context, by Actor, id int64, version int, in SessionInput) (*Session, error) {
	var out *Session
	err := p.store.InTx(ctx, func(tx Tx) error {
		plan, err := planSession(ctx, tx, in, p.clock.Now().UTC())
		if err != nil {
			return err
		}
		s, err := p.changeSession(ctx, tx, by, id, version, session.MoveReschedule, "")
		if err != nil {
			return err
		}
		before := map[string]any{"start": s.Start.Format(time.RFC3339), "minutes": s.Minutes}
		if !plan.Start.Equal(s.Start) {
			s.RemindedAt = time.Time{}
		}
		s.Start, s.Minutes, s.Modality, s.VideoLink, s.Kind = plan.Start, plan.Minutes, plan.Modality, plan.VideoLink, plan.Kind
		s.CPT, s.FeeCents, s.Currency = plan.CPT, plan.FeeCents, plan.Currency
		if err := p.freeTime(ctx, tx, s); err != nil {
			return err
		}
		out = s
		return p.saveSession(ctx, tx, by, s, version, AuditSessionReschedule, before)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CancelInput is a cancellation as a practitioner records it.
type CancelInput struct {
	// By is who cancelled: "client" or "practice".
	By string
	// Reason is why, in a few words (required).
	Reason string
}

// MaxCancelReason bounds the reason of a cancellation, in characters.
const MaxCancelReason = 500

// CancelSession records that scheduled session id, opened at version,
// was cancelled by the client or the practice, with the reason given
// (required; sealed at rest, never in the audit log). A client's
// cancellation less than session.LateCancellation before the start is
// recorded as late. Only an assigned practitioner of the client records
// it, before the session ends: a colleague covering for the session's
// practitioner too, audited naming whose session it was.
func (p *Practice) CancelSession(ctx context.Context, by Actor, id int64, version int, in CancelInput) (*Session, error) {
	var f caseForm
	if in.By != "client" && in.By != "practice" {
		f.add("by", "say whether the client or the practice cancelled")
	}
	reason := f.text("reason", in.Reason, MaxCancelReason, true, "say in a few words why the session was cancelled")
	if err := f.err("Check the cancellation"); err != nil {
		return nil, err
	}
	now := p.clock.Now().UTC()
	return p.editSession(ctx, by, id, version, sessionEdit{move: session.MoveCancel, action: AuditSessionCancel, before: wasScheduled()},
		func(s *Session) error {
			s.Status, s.CancelledBy, s.CancelledAt = session.Cancelled, session.Cancel(in.By == "client", s.Start, now), now
			s.CancelledByUser, s.CancelReason = by.UserID, reason
			return nil
		})
}

// MarkSession records that scheduled session id, opened at version, was
// attended (session.Attended) or was a no-show (session.NoShow), once it
// has started. Only the session's own practitioner marks it (Forbidden
// for a colleague assigned to the client: a no-show may be charged).
func (p *Practice) MarkSession(ctx context.Context, by Actor, id int64, version int, status string) (*Session, error) {
	var m session.Move
	switch session.Status(status) {
	case session.Attended:
		m = session.MoveAttended
	case session.NoShow:
		m = session.MoveNoShow
	default:
		return nil, certboard.FieldError(certboard.Invalid, "status", "mark the session attended or a no-show")
	}
	return p.editSession(ctx, by, id, version,
		sessionEdit{move: m, own: "mark it attended or a no-show", action: AuditSessionMark, before: wasScheduled()},
		func(s *Session) error {
			s.Status = session.Status(status)
			return nil
		})
}

// RecordPayment records that the client has paid amount (as typed:
// "120.00") in all of session id's fee, opened at version, in any status
// (a late cancellation or a no-show may be charged): it replaces the
// amount paid before, and may not exceed the fee. Only the session's own
// practitioner records it.
func (p *Practice) RecordPayment(ctx context.Context, by Actor, id int64, version int, amount string) (*Session, error) {
	cents, perr := session.ParseAmount(amount)
	if perr != nil {
		return nil, certboard.FieldError(certboard.Invalid, "paid", perr.Error())
	}
	return p.editSession(ctx, by, id, version, sessionEdit{own: "record its payment", action: AuditSessionPayment},
		func(s *Session) error {
			if cents > s.FeeCents {
				return certboard.FieldError(certboard.Invalid, "paid",
					fmt.Sprintf("the fee is %s; record at most that (change the fee first if it was more)", s.Fee()))
			}
			s.PaidCents, s.PaidAt = cents, p.clock.Now().UTC()
			return nil
		})
}

// sessionEdit is a change to a session that editSession makes.
type sessionEdit struct {
	// move is the change of status it makes; "" for none.
	move session.Move
	// own says what only the session's own practitioner may do; "" when
	// a colleague assigned to the client may too.
	own string
	// action and before are its audit action and what the entry gives
	// as before.
	action string
	before map[string]any
}

// wasScheduled is what the audit entry of a cancellation or a mark gives
// as before.
func wasScheduled() map[string]any { return map[string]any{"status": string(session.Scheduled)} }

// editSession makes change e to session id, opened at version, in a
// transaction: changeSession checks that by may, edit alters the
// session (or refuses), and saveSession saves and audits it. It returns
// the session as saved.
func (p *Practice) editSession(ctx context.Context, by Actor, id int64, version int, e sessionEdit, edit func(s *Session) error) (*Session, error) {
	var out *Session
	err := p.store.InTx(ctx, func(tx Tx) error {
		s, err := p.changeSession(ctx, tx, by, id, version, e.move, e.own)
		if err != nil {
			return err
		}
		if err := edit(s); err != nil {
			return err
		}
		out = s
		return p.saveSession(ctx, tx, by, s, version, e.action, e.before)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ClientSessionsView is what ClientSessions returns: a client's sessions,
// the latest first, the client's open cases (on which sessions are
// scheduled), the practice's settings and how the reader reached them.
type ClientSessionsView struct {
	ClientID  int64
	Sessions  []Session
	OpenCases []int64
	Settings  SessionSettings
	Access    Access
}

// ClientSessions lists client clientID's sessions for by: an assigned
// practitioner, or an admin with emergency access; the read is audited
// (ClientRead, "sessions").
func (p *Practice) ClientSessions(ctx context.Context, by Actor, clientID int64) (*ClientSessionsView, error) {
	out := &ClientSessionsView{ClientID: clientID}
	err := p.store.InTx(ctx, func(tx Tx) error {
		var err error
		if out.Access, err = p.openClient(ctx, tx, by, clientID, "sessions"); err != nil {
			return err
		}
		if out.Settings, err = tx.SessionSettings(ctx); err != nil {
			return err
		}
		if out.Sessions, err = tx.ClientSessions(ctx, clientID); err != nil {
			return err
		}
		cases, err := tx.ClientCases(ctx, clientID)
		if err != nil {
			return err
		}
		for _, c := range cases {
			if c.Open() {
				out.OpenCases = append(out.OpenCases, c.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SessionView is one session as ReadSession returns it.
type SessionView struct {
	Session  *Session
	Settings SessionSettings
	Access   Access
}

// ReadSession reads session id for by (an assigned practitioner of its
// client, or an admin with emergency access), audited (ClientRead,
// "session:<id>"); anyone else is told nothing of it.
func (p *Practice) ReadSession(ctx context.Context, by Actor, id int64) (*SessionView, error) {
	out := &SessionView{}
	err := p.store.InTx(ctx, func(tx Tx) error {
		s, err := tx.Session(ctx, id)
		if errors.Is(err, certboard.ErrNotFound) {
			return errNoSession(id)
		}
		if err != nil {
			return err
		}
		if out.Access, err = p.openClient(ctx, tx, by, s.ClientID, "session:"+strconv.FormatInt(id, 10)); err != nil {
			return hidden(err, errNoSession(id))
		}
		out.Session = s
		out.Settings, err = tx.SessionSettings(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpcomingSession is a line of a practitioner's upcoming sessions: the
// session and its client's name.
type UpcomingSession struct {
	Session
	ClientName string
}

// MaxUpcoming is the most sessions UpcomingSessions lists.
const MaxUpcoming = 200

// UpcomingSessions lists by's sessions that have not ended, the earliest
// first (at most MaxUpcoming), of the clients by is still assigned to,
// with their names, and the practice's settings. The list is audited
// (AuditSessionUpcoming), naming the clients shown by id. Only
// practitioners hold sessions; others get an empty list.
func (p *Practice) UpcomingSessions(ctx context.Context, by Actor) ([]UpcomingSession, SessionSettings, error) {
	var out []UpcomingSession
	var settings SessionSettings
	err := p.store.InTx(ctx, func(tx Tx) error {
		var err error
		if settings, err = tx.SessionSettings(ctx); err != nil || !by.IsPractitioner() {
			return err
		}
		ss, err := tx.PractitionerSessions(ctx, by.UserID, p.clock.Now().UTC(), MaxUpcoming)
		if err != nil {
			return err
		}
		clients, err := tx.ClientsOf(ctx, by.UserID)
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, c := range clients {
			names[c.ID] = c.Name
		}
		var ids []int64
		for _, s := range ss {
			name, ok := names[s.ClientID]
			if !ok {
				continue
			}
			out = append(out, UpcomingSession{Session: s, ClientName: name})
			ids = append(ids, s.ClientID)
		}
		return p.appendAudit(ctx, tx, by, AuditSessionUpcoming, "sessions", nil, map[string]any{"count": len(out), "clients": ids})
	})
	return out, settings, err
}

// WriteSessionNote starts the progress note of session id (by the
// session's own practitioner, who held it and writes it), as a draft of format SOAP
// dated the session's day in the practice's time zone, linked to the
// session: a session has one progress note, and only a session that was
// attended gets one (Conflict otherwise, and when it has one already).
// The rest is WriteNote's: the case must be open, the client's consent to
// treatment in force that day, and the case may have no other note that
// day. The note, the link and their audit entries commit together.
func (p *Practice) WriteSessionNote(ctx context.Context, by Actor, id int64) (*ProgressNote, error) {
	var out *ProgressNote
	err := p.store.InTx(ctx, func(tx Tx) error {
		s, err := lockForChange(ctx, p, tx, by, errNoSession(id),
			func() (*Session, error) { return tx.LockSession(ctx, id) },
			func(s *Session) int64 { return s.ClientID })
		if err != nil {
			return err
		}
		if s.Imported() {
			return errImportedSession(s)
		}
		if err := ownSession(s, by, "write its progress note"); err != nil {
			return err
		}
		if s.NoteID != 0 {
			return certboard.Errorf(certboard.Conflict, "session %d has its progress note already (note %d); open it", id, s.NoteID).
				WithTitle("Note written")
		}
		if s.Status != session.Attended {
			return certboard.Errorf(certboard.Conflict, "session %d is %s; a progress note records a session that was attended: mark it attended first",
				id, s.Status.Label()).WithTitle("Session not attended")
		}
		settings, err := tx.SessionSettings(ctx)
		if err != nil {
			return err
		}
		day := date.FromTime(s.Start.In(settings.Location())).String()
		if out, err = p.writeNote(ctx, tx, by, s.CaseID, NoteInput{DateOfService: day, Format: "soap"}); err != nil {
			return err
		}
		if err := tx.LinkNoteSession(ctx, out.ID, s.ID); err != nil {
			return err
		}
		s.NoteID = out.ID
		return p.appendAudit(ctx, tx, by, AuditSessionNote, ClientSubject(s.ClientID), nil, map[string]any{"case": s.CaseID, "session": s.ID, "note": out.ID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
