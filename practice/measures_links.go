package practice

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"time"
)

// Measures sent to clients (issue 13, part 2): a practitioner sends a
// client a measure as a one-time link that expires, by mail or shown in
// the room as a QR code; the client answers it on their phone without an
// account, in steps they may leave and resume until it expires, and once
// they send it the answers are recorded on the case exactly as a
// practitioner's entry is: scored by package measure, with the case's
// escalation evaluated and a PHQ-9 self-harm flag opening the same-day
// safety task. A case may schedule measures, every N weeks or before
// every session. The link's token is kept only as its SHA-256 hash; the
// answers saved so far are sealed. The use cases are in
// measures_links_send.go (sending, revoking, the list), measures_links_client.go
// (what the client does) and measures_links_schedule.go (schedules).

// The bounds of how long a link lives, in days, as the practitioner
// chooses it when sending; DefaultLinkDays unless they choose.
const (
	MinLinkDays     = 1
	MaxLinkDays     = 14
	DefaultLinkDays = 7
)

// ScheduledLinkDays is how long a link sent by an "every N weeks" schedule
// lives.
const ScheduledLinkDays = 7

// LinkDelivery is how a link reached the client.
type LinkDelivery string

// The deliveries of a link.
const (
	// LinkByMail is a link mailed to the client's address.
	LinkByMail LinkDelivery = "mail"
	// LinkInRoom is a link shown to the client in the room, as a QR code.
	LinkInRoom LinkDelivery = "room"
)

// Label returns the delivery as people read it.
func (d LinkDelivery) Label() string {
	switch d {
	case LinkByMail:
		return "by mail"
	case LinkInRoom:
		return "shown in the room"
	}
	return string(d)
}

// LinkStatus is where a link is, as its list shows it.
type LinkStatus string

// The statuses of a link.
const (
	LinkWaiting  LinkStatus = "waiting"
	LinkPartly   LinkStatus = "partly_answered"
	LinkAnswered LinkStatus = "answered"
	LinkExpired  LinkStatus = "expired"
	LinkRevoked  LinkStatus = "revoked"
)

// Label returns the status as people read it.
func (s LinkStatus) Label() string {
	if s == LinkPartly {
		return "partly answered"
	}
	return string(s)
}

// ResponseSource says who gave a response to the practice: "" for a
// practitioner entering it (stored as "practitioner"), SourceClientLink
// for the client answering through a link.
type ResponseSource string

// SourceClientLink is a response the client answered through a link; it
// is entered in the name of the practitioner who sent the link.
const SourceClientLink ResponseSource = "client link"

// Label says the source as people read it.
func (s ResponseSource) Label() string {
	if s == SourceClientLink {
		return "answered by the client through a link"
	}
	return "entered by the practitioner"
}

// MeasureLink is one link sent to a client: one instrument on one case.
type MeasureLink struct {
	ID       int64
	CaseID   int64
	ClientID int64
	// Instrument is the instrument's id ("phq-9").
	Instrument string
	Delivery   LinkDelivery
	// ScheduleID is the schedule that sent it (0: sent by hand), and
	// SessionAt the session it was sent before (zero for none).
	ScheduleID int64
	SessionAt  time.Time
	// CreatedBy is the practitioner who sent it, CreatedByName their
	// name: the response is recorded as entered by them.
	CreatedBy     int64
	CreatedByName string
	CreatedAt     time.Time
	ExpiresAt     time.Time
	// Answers are the answers saved so far, one an item, nil for one not
	// answered; Closing the closing question's label. Sealed at rest.
	Answers []*int
	Closing string
	// Answered counts the items answered so far (kept in the clear, for
	// the list's status), SavedAt is when they were last saved.
	Answered int
	SavedAt  time.Time
	// UsedAt is when the client sent the answers, ResponseID the response
	// they were recorded as; zero until then.
	UsedAt     time.Time
	ResponseID int64
	// RevokedAt and RevokedBy say who revoked it and when; zero if not.
	RevokedAt time.Time
	RevokedBy int64
}

// StatusAt returns the link's status at now.
func (l MeasureLink) StatusAt(now time.Time) LinkStatus {
	switch {
	case !l.UsedAt.IsZero():
		return LinkAnswered
	case !l.RevokedAt.IsZero():
		return LinkRevoked
	case !now.Before(l.ExpiresAt):
		return LinkExpired
	case l.Answered > 0:
		return LinkPartly
	}
	return LinkWaiting
}

// InstrumentName is the instrument's name ("PHQ-9").
func (l MeasureLink) InstrumentName() string { return measureName(l.Instrument) }

// ScheduleKind is how a schedule sends its measure.
type ScheduleKind string

// The kinds of a schedule.
const (
	// EveryWeeks sends a link every N weeks (1 to 52).
	EveryWeeks ScheduleKind = "every_weeks"
	// BeforeSession sends a link before every session, with its reminder.
	BeforeSession ScheduleKind = "before_session"
)

// MaxScheduleWeeks is the longest interval of an "every N weeks" schedule.
const MaxScheduleWeeks = 52

// MeasureSchedule is a measure a case schedules.
type MeasureSchedule struct {
	ID         int64
	CaseID     int64
	ClientID   int64
	Instrument string
	Kind       ScheduleKind
	// EveryWeeks is N of an "every N weeks" schedule; 0 for one before
	// every session.
	EveryWeeks int
	Active     bool
	// NextDue is when an "every N weeks" schedule sends its next link;
	// zero for one before every session.
	NextDue time.Time
	// CreatedBy is the practitioner who added it: the links it sends are
	// sent in their name, while they are assigned to the client.
	CreatedBy     int64
	CreatedByName string
	CreatedAt     time.Time
	StoppedBy     int64
	StoppedAt     time.Time
}

// InstrumentName is the instrument's name ("PHQ-9").
func (s MeasureSchedule) InstrumentName() string { return measureName(s.Instrument) }

// Describe says the schedule in words: "every 2 weeks", "before every
// session".
func (s MeasureSchedule) Describe() string {
	switch {
	case s.Kind == BeforeSession:
		return "before every session"
	case s.EveryWeeks == 1:
		return "every week"
	}
	return "every " + strconv.Itoa(s.EveryWeeks) + " weeks"
}

// linkTokenBytes is a token's length in random bytes (256 bits).
const linkTokenBytes = 32

// newLinkToken returns a new link token (base64url, no padding) and its
// hash as stored.
func newLinkToken() (token, hash string) {
	b := make([]byte, linkTokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashLinkToken(token)
}

// hashLinkToken is the stored form of a token: its SHA-256, in hex.
func hashLinkToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// checkLinkToken returns the hash of a token of the right form; false for
// anything a link could not have (it is then not looked up).
func checkLinkToken(token string) (string, bool) {
	if len(token) != base64.RawURLEncoding.EncodedLen(linkTokenBytes) {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != linkTokenBytes || base64.RawURLEncoding.EncodeToString(b) != token {
		return "", false
	}
	return hashLinkToken(token), true
}

// sameHash compares two token hashes in constant time.
func sameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// LinkURL is the address of a link's form.
func (p *Practice) LinkURL(token string) string { return p.PublicURL() + "/m/" + token }

// linkActor is how the audit log names what the client does through a
// link: "link:<id>".
func linkActor(id int64) string { return "link:" + strconv.FormatInt(id, 10) }

// scheduleActor is how the audit log names what a schedule does on its
// own: "schedule:<id>".
func scheduleActor(id int64) string { return "schedule:" + strconv.FormatInt(id, 10) }

// linkReads are the reads of the links use cases outside a transaction.
type linkReads interface {
	// DueMeasureSchedules lists the active "every N weeks" schedules due
	// at now, oldest due first, at most limit.
	DueMeasureSchedules(ctx context.Context, now time.Time, limit int) ([]int64, error)
}

// linkWrites are the reads and writes of the links use cases inside a
// transaction. A missing row is certboard.ErrNotFound, wrapped; a write
// that lost a race is certboard.ErrConflict, wrapped.
type linkWrites interface {
	// CreateMeasureLink stores a link under its token's hash and returns
	// its id.
	CreateMeasureLink(ctx context.Context, l MeasureLink, tokenHash string) (int64, error)
	// LockMeasureLinkByHash reads the link of a token's hash, locking it,
	// with its token hash as stored.
	LockMeasureLinkByHash(ctx context.Context, tokenHash string) (*MeasureLink, string, error)
	// LockMeasureLink reads a link, locking it.
	LockMeasureLink(ctx context.Context, id int64) (*MeasureLink, error)
	// SaveMeasureLinkAnswers saves the answers given so far to a link
	// neither used nor revoked (ErrConflict otherwise).
	SaveMeasureLinkAnswers(ctx context.Context, id int64, answers []*int, closing string, at time.Time) error
	// UseMeasureLink marks a link used, naming the response recorded,
	// if it is neither used nor revoked (ErrConflict otherwise).
	UseMeasureLink(ctx context.Context, id int64, at time.Time, responseID int64) error
	// RevokeMeasureLink revokes a link neither used nor revoked
	// (ErrConflict otherwise).
	RevokeMeasureLink(ctx context.Context, id, by int64, at time.Time) error
	// LinkSafetyTasks lists the safety tasks a link's answers raised
	// before they were sent (SaveLinkAnswers).
	LinkSafetyTasks(ctx context.Context, linkID int64) ([]SafetyTask, error)
	// AttachLinkSafetyTasks names the response a link's answers were
	// recorded as on the safety tasks they raised before.
	AttachLinkSafetyTasks(ctx context.Context, linkID, responseID int64) error
	// CaseMeasureLinks lists a case's links, newest first.
	CaseMeasureLinks(ctx context.Context, caseID int64) ([]MeasureLink, error)
	// SessionLinkSent says whether a schedule sent a link for the session
	// at sessionAt already.
	SessionLinkSent(ctx context.Context, scheduleID int64, sessionAt time.Time) (bool, error)

	// CreateMeasureSchedule stores a schedule and returns its id.
	CreateMeasureSchedule(ctx context.Context, s MeasureSchedule) (int64, error)
	// LockMeasureSchedule reads a schedule, locking it.
	LockMeasureSchedule(ctx context.Context, id int64) (*MeasureSchedule, error)
	// StopMeasureSchedule stops an active schedule (ErrConflict when it
	// is stopped already); by is 0 when the practice stopped it.
	StopMeasureSchedule(ctx context.Context, id, by int64, at time.Time) error
	// AdvanceMeasureSchedule sets when an active schedule is next due.
	AdvanceMeasureSchedule(ctx context.Context, id int64, next time.Time) error
	// CaseMeasureSchedules lists a case's schedules, newest first.
	CaseMeasureSchedules(ctx context.Context, caseID int64) ([]MeasureSchedule, error)
	// ClientSessionSchedules lists the active "before every session"
	// schedules on a client's cases, oldest first.
	ClientSessionSchedules(ctx context.Context, clientID int64) ([]MeasureSchedule, error)
}
