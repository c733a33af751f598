// Package session holds the rules of a practice's sessions that need no
// storage: the kinds, modalities and statuses of a session and the moves
// between them, the CPT codes a session is billed under, what counts as
// a late cancellation, when two sessions overlap and how an amount of
// money is written. It does no I/O; practice's use cases apply it.
package session

import (
	"fmt"
	"strings"
	"time"
)

// Modality is how a session is held.
type Modality string

// The modalities of a session.
const (
	InPerson Modality = "in_person"
	Video    Modality = "video"
)

// Modalities lists the modalities in the order forms offer them.
func Modalities() []Modality { return []Modality{InPerson, Video} }

// Known reports whether m is a modality.
func (m Modality) Known() bool { return m == InPerson || m == Video }

// Label is the modality as people read it.
func (m Modality) Label() string {
	switch m {
	case InPerson:
		return "in person"
	case Video:
		return "video"
	}
	return string(m)
}

// Kind says who takes part in a session besides the practitioner.
type Kind string

// The kinds of session.
const (
	Individual Kind = "individual"
	Couple     Kind = "couple"
)

// Kinds lists the kinds in the order forms offer them.
func Kinds() []Kind { return []Kind{Individual, Couple} }

// Known reports whether k is a kind.
func (k Kind) Known() bool { return k == Individual || k == Couple }

// Label is the kind as people read it.
func (k Kind) Label() string { return string(k) }

// Status is where a session stands.
type Status string

// The statuses of a session. A session is scheduled until it is marked
// attended or a no-show (once it has started) or cancelled (before it
// ends); those three are final.
const (
	Scheduled Status = "scheduled"
	Attended  Status = "attended"
	Cancelled Status = "cancelled"
	NoShow    Status = "no_show"
)

// Known reports whether s is a status.
func (s Status) Known() bool {
	switch s {
	case Scheduled, Attended, Cancelled, NoShow:
		return true
	}
	return false
}

// Label is the status as people read it.
func (s Status) Label() string {
	switch s {
	case Scheduled:
		return "Scheduled"
	case Attended:
		return "Attended"
	case Cancelled:
		return "Cancelled"
	case NoShow:
		return "No-show"
	}
	return string(s)
}

// Canceller says who cancelled a session, and for the client whether it
// was late.
type Canceller string

// Who cancels a session.
const (
	// ByClient is a cancellation by the client at least LateCancellation
	// before the session starts.
	ByClient Canceller = "client"
	// ByClientLate is a cancellation by the client later than that.
	ByClientLate Canceller = "client_late"
	// ByPractice is a cancellation by the practice (the practitioner's
	// illness, a closed office), never late.
	ByPractice Canceller = "practice"
)

// Known reports whether c is a canceller.
func (c Canceller) Known() bool { return c == ByClient || c == ByClientLate || c == ByPractice }

// Label is who cancelled, as people read it.
func (c Canceller) Label() string {
	switch c {
	case ByClient:
		return "by the client"
	case ByClientLate:
		return "by the client, late"
	case ByPractice:
		return "by the practice"
	}
	return string(c)
}

// LateCancellation is how long before a session starts the client must
// cancel for the cancellation not to be late: the common 24-hour policy.
const LateCancellation = 24 * time.Hour

// Cancel returns who cancelled a session that starts at start, cancelled
// at at by the client (byClient) or the practice: a client's cancellation
// less than LateCancellation before the start is late.
func Cancel(byClient bool, start, at time.Time) Canceller {
	if !byClient {
		return ByPractice
	}
	if start.Sub(at) < LateCancellation {
		return ByClientLate
	}
	return ByClient
}

// The bounds of a session's length, in minutes.
const (
	MinMinutes = 10
	MaxMinutes = 480
)

// End returns when a session that starts at start and lasts minutes ends.
func End(start time.Time, minutes int) time.Time {
	return start.Add(time.Duration(minutes) * time.Minute)
}

// Overlap reports whether the session [aStart, aEnd) and the session
// [bStart, bEnd) share a moment: one that ends when the other starts does
// not overlap it.
func Overlap(aStart, aEnd, bStart, bEnd time.Time) bool {
	return aStart.Before(bEnd) && bStart.Before(aEnd)
}

// Holds reports whether a session of status s holds its practitioner's
// time: every status but Cancelled (a no-show's hour was kept for the
// client all the same).
func (s Status) Holds() bool { return s != Cancelled }

// Move is a change of a session's status.
type Move string

// The moves of a session's status.
const (
	MoveAttended   Move = "attended"
	MoveNoShow     Move = "no_show"
	MoveCancel     Move = "cancel"
	MoveReschedule Move = "reschedule"
)

// Check says why a session of status s that runs from start to end may
// not make move m at now, or returns "" when it may: only a scheduled
// session moves; it is marked attended or a no-show once it has started,
// cancelled or rescheduled before it has ended.
func Check(s Status, m Move, start, end, now time.Time) string {
	if s != Scheduled {
		return fmt.Sprintf("the session is %s already; only a scheduled session changes", strings.ToLower(s.Label()))
	}
	switch m {
	case MoveAttended, MoveNoShow:
		if now.Before(start) {
			return "the session has not started yet; mark it once it has"
		}
	case MoveCancel, MoveReschedule:
		if !now.Before(end) {
			return "the session has ended; mark it attended or a no-show instead"
		}
	}
	return ""
}
