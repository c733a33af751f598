package practice

import (
	"context"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/fhir"
	"github.com/certboard/certboard/practice/session"
)

// Sessions in a record export and import. A session goes out as an
// Encounter (practice/fhir) with its time, length, status, modality, kind,
// CPT code, who cancelled it and when, and who held it by name; its video
// link, the reason of its cancellation and its fee and payments stay at
// the practice that kept them. An import writes each session as a session
// of the new client's case held by the importing practitioner, as it was:
// past ones as history, marked as held at another practice
// (Session.ImportedFrom: on no superbill, in no calendar feed, taking no
// time of the importer's and no reminder, payment or change), upcoming
// ones in the importer's calendar as their own, where one that would
// overlap a session the importer holds refuses the whole
// import (Conflict, naming the Encounter and its time). An imported
// session has no fee (0, the practitioner sets one when they reschedule
// it) and no video link; a past one is never reminded, an upcoming
// scheduled one is reminded as any other (a video one saying that the
// practice will send the address).

// importedCurrency is the currency of an imported session's fee, which is
// 0: the fees of the practice a record comes from stay there.
const importedCurrency = "USD"

// writeSessions writes the sessions of imported case rc on case caseID of
// client clientID, held by the importer, and returns their ids by key.
func (im *importer) writeSessions(ctx context.Context, clientID, caseID int64, rc fhir.RecordCase) (map[string]int64, error) {
	tx, by, now := im.tx, im.by, im.now
	ids := map[string]int64{}
	for _, rs := range rc.Sessions {
		s := Session{CaseID: caseID, ClientID: clientID, PractitionerID: by.UserID, PractitionerName: by.Name, Start: rs.Start,
			Minutes: rs.Minutes, Modality: rs.Modality, Kind: rs.Kind, Status: session.Scheduled, CPT: rs.CPT, Currency: importedCurrency,
			Version: 1, CreatedBy: by.UserID, CreatedAt: now, UpdatedAt: now}
		if !s.End().After(now) {
			// Held at the other practice: history, marked so.
			s.ImportedFrom = clientID
		}
		if rs.Status.Holds() && s.End().After(now) {
			if err := im.freeTime(ctx, rs, s); err != nil {
				return nil, err
			}
		}
		id, err := tx.CreateSession(ctx, s)
		if err != nil {
			return nil, err
		}
		s.ID = id
		if rs.Status != session.Scheduled {
			// The table takes a new session as scheduled; its status and
			// cancellation follow as a change.
			s.Status, s.CancelledBy, s.CancelledAt = rs.Status, rs.CancelledBy, rs.CancelledAt
			if rs.Status == session.Cancelled {
				s.CancelledByUser = by.UserID
			}
			if _, err := tx.UpdateSession(ctx, s, 1); err != nil {
				return nil, err
			}
		}
		ids[rs.Key] = id
		im.prov.SessionPractitioners[id] = rs.Practitioner
		im.step(1)
	}
	return ids, nil
}

// freeTime refuses the import when upcoming session rs, written as s,
// would overlap a session the importer holds (the imported ones written
// before it included), naming the Encounter and its time in the
// practice's time zone. The importer's calendar is locked for the rest of
// the transaction.
func (im *importer) freeTime(ctx context.Context, rs fhir.RecordSession, s Session) error {
	if !im.locked {
		if err := im.tx.LockPractitionerSessions(ctx, im.by.UserID); err != nil {
			return err
		}
		settings, err := im.tx.SessionSettings(ctx)
		if err != nil {
			return err
		}
		im.locked, im.loc = true, settings.Location()
	}
	other, err := im.tx.OverlappingSession(ctx, im.by.UserID, s.Start, s.End(), 0)
	if err != nil || other == 0 {
		return err
	}
	start := s.Start.In(im.loc)
	return certboard.FieldError(certboard.Conflict, fmt.Sprintf("Encounter %q: period.start", rs.Key),
		fmt.Sprintf("the record's session of %s at %s (%s time, %d minutes) overlaps your session %d, so nothing was imported; move or cancel yours, or have the other practice move theirs and export the record again, then import it again",
			start.Format("Monday 2 January 2006"), start.Format("15:04"), im.loc, s.Minutes, other)).WithTitle("Time taken")
}

// sessionTimes are what an importer keeps of the importer's calendar.
type sessionTimes struct {
	// locked says the importer's calendar is locked; loc is the
	// practice's time zone.
	locked bool
	loc    *time.Location
}
