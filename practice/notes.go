package practice

import (
	"context"
	"errors"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/note"
)

// noteReads are the reads of the notes use cases outside a transaction:
// none. Every read of a note is a read of a client's record, audited in
// the transaction that reads it, so the notes' reads are methods of the
// transaction (noteWrites).
type noteReads interface{}

// noteWrites are the reads and writes of the notes use cases, methods of
// a transaction. The store seals the text of every note (sections, P/LI
// record, amendments, psychotherapy text) at rest, bound to its row.
type noteWrites interface {
	// NoteCase returns the client whose case caseID is and whether the
	// case is open; certboard.ErrNotFound when there is no such case.
	NoteCase(ctx context.Context, caseID int64) (clientID int64, open bool, err error)
	// CreateProgressNote adds a draft progress note (n.Note unsigned) to
	// case n.CaseID and returns its id. A note for the same case and
	// date of service is refused with an error that wraps
	// ErrNoteDateTaken (and certboard.ErrConflict).
	CreateProgressNote(ctx context.Context, n ProgressNote) (int64, error)
	// ProgressNote reads progress note id with its amendments, in order;
	// certboard.ErrNotFound when there is none.
	ProgressNote(ctx context.Context, id int64) (*ProgressNote, error)
	// LockProgressNote is ProgressNote, and locks the note until the
	// transaction ends.
	LockProgressNote(ctx context.Context, id int64) (*ProgressNote, error)
	// UpdateProgressDraft replaces the date of service, format, sections
	// and P/LI record of the unsigned note id if it is still at version,
	// and returns the new version. A stale version, or a note signed
	// meanwhile, is an error wrapping certboard.ErrConflict; another note
	// of the case on the new date, one wrapping ErrNoteDateTaken.
	UpdateProgressDraft(ctx context.Context, id int64, version int, n note.Progress, at time.Time) (int, error)
	// SignProgressNote records the signature of s (note.Sign's result) on
	// the unsigned note id if it is still at version, writing the
	// sections and P/LI record as signed, and returns the new version (a
	// stale version wraps certboard.ErrConflict).
	SignProgressNote(ctx context.Context, id int64, version int, s note.Progress) (int, error)
	// AddNoteAmendment keeps amendment a of the signed note id beside it
	// if the note is still at version, and returns the amendment's number
	// (1 for the first) and the note's new version (a stale version wraps
	// certboard.ErrConflict).
	AddNoteAmendment(ctx context.Context, id int64, version int, a note.Amendment) (seq, newVersion int, err error)
	// ProgressNotes lists the progress notes of case caseID with their
	// amendments, the latest date of service first.
	ProgressNotes(ctx context.Context, caseID int64) ([]ProgressNote, error)
	// CreatePsychotherapyNote adds a psychotherapy note to case caseID of
	// client clientID and returns its id.
	CreatePsychotherapyNote(ctx context.Context, caseID, clientID int64, n note.Psychotherapy) (int64, error)
	// NoteSummaries counts the progress notes of each case of client
	// clientID, the latest case first; a case without notes counts none.
	NoteSummaries(ctx context.Context, clientID int64) ([]NoteSummary, error)
	// PsychotherapyNotesBy lists the psychotherapy notes of case caseID
	// written by author, and no one else's, the latest date of service
	// first.
	PsychotherapyNotesBy(ctx context.Context, caseID, author int64) ([]PsychotherapyNote, error)
}

// ErrNoteDateTaken is what a store wraps (with certboard.ErrConflict)
// when a case already has a progress note for a date of service; the use
// cases answer it with note.DateTaken.
var ErrNoteDateTaken = errors.New("the case already has a progress note for this date of service")

// NoteStatus is where a progress note stands.
type NoteStatus string

// The statuses of a progress note.
const (
	// NoteDraft is a note being written: its author changes it freely,
	// and it may lack sections (see WriteNote).
	NoteDraft NoteStatus = "draft"
	// NoteSigned is a note signed by its author and locked: it changes
	// only by amendments, which keep it as signed.
	NoteSigned NoteStatus = "signed"
)

// Label returns the status as people read it.
func (s NoteStatus) Label() string {
	switch s {
	case NoteDraft:
		return "Draft"
	case NoteSigned:
		return "Signed"
	}
	return string(s)
}

// ProgressNote is a progress note of a case as the practice keeps it:
// the note as written (and, once signed, as signed), its author and the
// amendments made to it since, in order.
type ProgressNote struct {
	ID       int64
	CaseID   int64
	ClientID int64
	// AuthorID is the practitioner who wrote the note, the only one who
	// edits and signs it; AuthorName is their name.
	AuthorID   int64
	AuthorName string
	// Note is the note as written and, once signed, as signed: the
	// original that amendments never change.
	Note note.Progress
	// Amendments are the changes made to the signed note, oldest first.
	Amendments []NoteAmendment
	// Version counts the changes to the note (its draft edits, its
	// signature and its amendments), for optimistic concurrency.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NoteAmendment is one amendment of a signed note with its number (1 for
// the first) and the name of the practitioner who made it (Amendment.By).
type NoteAmendment struct {
	Seq    int
	ByName string
	note.Amendment
}

// Status says whether the note is a draft or signed.
func (n ProgressNote) Status() NoteStatus {
	if n.Note.Signed() {
		return NoteSigned
	}
	return NoteDraft
}

// Amended says whether the signed note has amendments.
func (n ProgressNote) Amended() bool { return len(n.Amendments) > 0 }

// Current returns the note as it reads now: the original with its
// amendments applied in order (note.Current).
func (n ProgressNote) Current() note.Progress {
	as := make([]note.Amendment, len(n.Amendments))
	for i, a := range n.Amendments {
		as[i] = a.Amendment
	}
	return note.Current(n.Note, as)
}

// AmendedSections lists the sections of the note's format that an
// amendment changed, in the format's order, for marking them where the
// note is shown; pli says whether an amendment replaced the P/LI record.
func (n ProgressNote) AmendedSections() (sections []note.Section, pli bool) {
	changed := map[note.Section]bool{}
	for _, a := range n.Amendments {
		for s := range a.Sections {
			changed[s] = true
		}
		if a.PLI != nil {
			pli = true
		}
	}
	for _, s := range n.Note.Format.Sections() {
		if changed[s] {
			sections = append(sections, s)
		}
	}
	return sections, pli
}

// PsychotherapyNote is a psychotherapy note of a case as the practice
// keeps it: apart from the progress notes, read only by its author.
type PsychotherapyNote struct {
	ID       int64
	CaseID   int64
	ClientID int64
	Note     note.Psychotherapy
}

// CaseNotes is what ReadNotes returns: a case's progress notes, latest
// date of service first, and how the reader reached them.
type CaseNotes struct {
	CaseID   int64
	ClientID int64
	Notes    []ProgressNote
	// Access is how the reader reached the client's record.
	Access Access
}

// On returns the note of date of service d, if the case has one.
func (c *CaseNotes) On(d date.Date) (ProgressNote, bool) {
	for _, n := range c.Notes {
		if n.Note.DateOfService == d {
			return n, true
		}
	}
	return ProgressNote{}, false
}

// NoteSummary is what a client's record page shows of a case's progress
// notes: how many, how many are drafts, and the latest date of service
// (zero when the case has none).
type NoteSummary struct {
	CaseID int64
	Notes  int
	Drafts int
	Latest date.Date
}
