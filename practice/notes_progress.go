package practice

import (
	"context"
	"errors"
	"strconv"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/note"
)

// The audit actions of the notes use cases. Their entries name the client
// as subject and hold ids, dates and section names, never a note's text.
const (
	AuditNoteWrite         = "note.write"
	AuditNoteDraft         = "note.draft"
	AuditNoteSign          = "note.sign"
	AuditNoteAmend         = "note.amend"
	AuditPsychotherapyNote = "note.psychotherapy.write"
	AuditNotesExport       = "notes.export"
)

// errNoNoteCase is what a person told nothing of a case hears, the same for a
// case that does not exist and one of a client they may not read.
func errNoNoteCase(id int64) error {
	return certboard.Errorf(certboard.NotFound, "there is no case %d among your clients' cases", id).WithTitle("Case not found")
}

// errNoNote is errNoNoteCase for a progress note.
func errNoNote(id int64) error {
	return certboard.Errorf(certboard.NotFound, "there is no progress note %d among your clients' notes", id).WithTitle("Note not found")
}

// staleNote is the Conflict of a change made from an older version of a
// note.
func staleNote(n *ProgressNote, version int) error {
	return certboard.Errorf(certboard.Conflict,
		"the progress note of %s was changed since you opened it (you had version %d, it is now at %d); reload it and make your change again",
		n.Note.DateOfService, version, n.Version).WithTitle("Changed meanwhile")
}

// storeNoteError turns what a store's note write returned into what a
// person can act on: a date of service taken (note.DateTaken), a version
// lost to another change, or the error itself.
func storeNoteError(err error, n note.Progress, id int64) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNoteDateTaken):
		return note.DateTaken(n.DateOfService)
	case errors.Is(err, certboard.ErrConflict):
		return certboard.Errorf(certboard.Conflict,
			"progress note %d was changed by someone else meanwhile; reload it and make your change again", id).WithTitle("Changed meanwhile")
	case errors.Is(err, certboard.ErrNotFound):
		return errNoNote(id)
	}
	return err
}

// hidden replaces a NotFound of the clients' access check (which names
// the client) by notFound (which names what was asked for), so that a
// reader who may not know a client learns nothing of it through a case
// or a note; any other answer is kept.
func hidden(err, notFound error) error {
	if certboard.ErrorCode(err) == certboard.NotFound {
		return notFound
	}
	return err
}

// noteCase returns the client of case caseID and whether the case is
// open, NotFound when there is no such case.
func noteCase(ctx context.Context, tx Tx, caseID int64) (int64, bool, error) {
	id, open, err := tx.NoteCase(ctx, caseID)
	if errors.Is(err, certboard.ErrNotFound) {
		return 0, false, errNoNoteCase(caseID)
	}
	return id, open, err
}

// noteCaseClient returns the client of case caseID, NotFound when there
// is no such case.
func noteCaseClient(ctx context.Context, tx Tx, caseID int64) (int64, error) {
	id, _, err := noteCase(ctx, tx, caseID)
	return id, err
}

// newNoteCase returns the client of case caseID, on which by writes a new
// note: by may change the client's record, and the case is open. A closed
// case keeps its notes, which are still read, signed and amended, and
// takes no new one (Conflict).
func (p *Practice) newNoteCase(ctx context.Context, tx Tx, by Actor, caseID int64) (int64, error) {
	clientID, open, err := noteCase(ctx, tx, caseID)
	if err != nil {
		return 0, err
	}
	if err := p.mayChangeClient(ctx, tx, by, clientID); err != nil {
		return 0, hidden(err, errNoNoteCase(caseID))
	}
	if !open {
		return 0, certboard.Errorf(certboard.Conflict,
			"case %d is closed: its notes are kept, and drafts may still be signed and signed notes amended, but no new note is written on it", caseID).
			WithTitle("Case closed")
	}
	return clientID, nil
}

// changeableNote locks progress note id and checks that by may change
// it now: an assigned practitioner of its client (mayChangeClient), and
// the note still at version.
func (p *Practice) changeableNote(ctx context.Context, tx Tx, by Actor, id int64, version int) (*ProgressNote, error) {
	n, err := lockForChange(ctx, p, tx, by, errNoNote(id),
		func() (*ProgressNote, error) { return tx.LockProgressNote(ctx, id) },
		func(n *ProgressNote) int64 { return n.ClientID })
	if err != nil {
		return nil, err
	}
	if n.Version != version {
		return nil, staleNote(n, version)
	}
	return n, nil
}

// authorsDraft is changeableNote for a change that only the author of a
// draft makes (what they do: "edits", "signs"): the note must still be
// a draft (note.MayEdit) and by its author.
func (p *Practice) authorsDraft(ctx context.Context, tx Tx, by Actor, id int64, version int, what string) (*ProgressNote, error) {
	n, err := p.changeableNote(ctx, tx, by, id, version)
	if err != nil {
		return nil, err
	}
	if err := n.Note.MayEdit(); err != nil {
		return nil, err
	}
	if err := byAuthor(n, by, what); err != nil {
		return nil, err
	}
	return n, nil
}

// byAuthor refuses a change to a note that only its author makes.
func byAuthor(n *ProgressNote, by Actor, what string) error {
	if n.AuthorID == by.UserID {
		return nil
	}
	return certboard.Errorf(certboard.Forbidden,
		"only the note's author, %s, %s the progress note of %s; write your own note for a session you held, or, once it is signed, amend it",
		n.AuthorName, what, n.Note.DateOfService).WithTitle("Not your note")
}

// noteAudit is what a note's audit entries say of it: ids, dates, format
// and status, never its text.
func noteAudit(n *ProgressNote) map[string]any {
	return map[string]any{"case": n.CaseID, "note": n.ID, "date_of_service": n.Note.DateOfService.String(),
		"format": string(n.Note.Format), "status": string(n.Status()), "version": n.Version}
}

// WriteNote starts the progress note of a session on case caseID, written
// by by, an assigned practitioner of the case's client, as a draft: the
// date of service and the format are required and each section written is
// checked (checkDraft), but sections may be left for later (UpdateDraft);
// SignNote requires them all. A case has one progress note per date of
// service: a second is refused with note.DateTaken's Conflict, which says
// to open that note or amend it. A closed case takes no new note, nor does
// a day on which the client had no consent to treatment in force
// (requireConsentOn: a note records treatment) (Conflict). The note and
// its audit entry (AuditNoteWrite) commit together.
func (p *Practice) WriteNote(ctx context.Context, by Actor, caseID int64, in NoteInput) (*ProgressNote, error) {
	if _, err := checkDraft(in, p.clock.Now()); err != nil {
		return nil, err
	}
	var out *ProgressNote
	err := p.store.InTx(ctx, func(tx Tx) error {
		var err error
		out, err = p.writeNote(ctx, tx, by, caseID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writeNote is WriteNote in tx, for the use cases that write a note with
// other changes (WriteSessionNote).
func (p *Practice) writeNote(ctx context.Context, tx Tx, by Actor, caseID int64, in NoteInput) (*ProgressNote, error) {
	now := p.clock.Now()
	n, err := checkDraft(in, now)
	if err != nil {
		return nil, err
	}
	out := &ProgressNote{CaseID: caseID, AuthorID: by.UserID, AuthorName: by.Name, Note: n, Version: 1,
		CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
	if out.ClientID, err = p.newNoteCase(ctx, tx, by, caseID); err != nil {
		return nil, err
	}
	if err := p.requireConsentOn(ctx, tx, out.ClientID, n.DateOfService); err != nil {
		return nil, err
	}
	if out.ID, err = tx.CreateProgressNote(ctx, *out); err != nil {
		return nil, storeNoteError(err, n, 0)
	}
	return out, p.appendAudit(ctx, tx, by, AuditNoteWrite, ClientSubject(out.ClientID), nil, noteAudit(out))
}

// UpdateDraft replaces the draft progress note id, opened at version, by
// in (checked as WriteNote checks it: a draft may still lack sections). Only
// the note's author changes it, while they are assigned to its client; a
// signed note is locked (Conflict: amend it instead); a change from an
// older version is a Conflict that says to reload; moving the note to a
// date of service the case has a note for is note.DateTaken's Conflict,
// and to a day without consent to treatment in force a Conflict too.
// It returns the note's new version.
func (p *Practice) UpdateDraft(ctx context.Context, by Actor, id int64, version int, in NoteInput) (int, error) {
	now := p.clock.Now()
	draft, err := checkDraft(in, now)
	if err != nil {
		return 0, err
	}
	var next int
	err = p.store.InTx(ctx, func(tx Tx) error {
		n, err := p.authorsDraft(ctx, tx, by, id, version, "edits")
		if err != nil {
			return err
		}
		if draft.DateOfService != n.Note.DateOfService {
			if err := p.requireConsentOn(ctx, tx, n.ClientID, draft.DateOfService); err != nil {
				return err
			}
		}
		before := noteAudit(n)
		if next, err = tx.UpdateProgressDraft(ctx, id, version, draft, now.UTC()); err != nil {
			return storeNoteError(err, draft, id)
		}
		n.Note, n.Version = draft, next
		return p.appendAudit(ctx, tx, by, AuditNoteDraft, ClientSubject(n.ClientID), before, noteAudit(n))
	})
	return next, err
}

// SignNote signs the progress note id, opened at version, and so locks
// it: from then on it changes only by amendments (AmendNote), which keep
// it as signed. The signer is the note's author, assigned to its client;
// the note must be complete (every section of its format, note.Sign), and
// a note signed already is a Conflict that says to amend it. It returns
// the note as signed.
func (p *Practice) SignNote(ctx context.Context, by Actor, id int64, version int) (*ProgressNote, error) {
	now := p.clock.Now()
	var out *ProgressNote
	err := p.store.InTx(ctx, func(tx Tx) error {
		n, err := p.authorsDraft(ctx, tx, by, id, version, "signs")
		if err != nil {
			return err
		}
		signed, err := note.Sign(n.Note, by.UserID, now)
		if err != nil {
			return err
		}
		before := noteAudit(n)
		if n.Version, err = tx.SignProgressNote(ctx, id, version, signed); err != nil {
			return storeNoteError(err, signed, id)
		}
		n.Note, n.UpdatedAt = signed, now.UTC()
		out = n
		return p.appendAudit(ctx, tx, by, AuditNoteSign, ClientSubject(n.ClientID), before, noteAudit(n))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AmendNote changes the signed progress note id, opened at version, by an
// amendment kept beside it: the note stays as it was signed, and reads
// with its amendments applied (ProgressNote.Current), each listed with who
// made it, when and why. Any practitioner assigned to the note's client
// may amend it; the reason is required, sections given with the text they
// read with now are not changes, and at least one section or the P/LI
// record must change (note.Amend). An unsigned note is edited, not
// amended (Conflict). It returns the note with the new amendment.
func (p *Practice) AmendNote(ctx context.Context, by Actor, id int64, version int, in AmendInput) (*ProgressNote, error) {
	now := p.clock.Now()
	var out *ProgressNote
	err := p.store.InTx(ctx, func(tx Tx) error {
		n, err := p.changeableNote(ctx, tx, by, id, version)
		if err != nil {
			return err
		}
		earlier := make([]note.Amendment, len(n.Amendments))
		for i, a := range n.Amendments {
			earlier[i] = a.Amendment
		}
		a, err := checkAmendment(n.Note, earlier, in, by.UserID, now.UTC())
		if err != nil {
			return err
		}
		seq, next, err := tx.AddNoteAmendment(ctx, id, version, a)
		if err != nil {
			return storeNoteError(err, n.Note, id)
		}
		before := noteAudit(n)
		n.Amendments = append(n.Amendments, NoteAmendment{Seq: seq, ByName: by.Name, Amendment: a})
		n.Version, n.UpdatedAt = next, now.UTC()
		out = n
		after := noteAudit(n)
		after["amendment"] = seq
		var changed []string
		for _, s := range n.Note.Format.Sections() {
			if _, ok := a.Sections[s]; ok {
				changed = append(changed, string(s))
			}
		}
		after["sections"], after["pli"] = changed, a.PLI != nil
		return p.appendAudit(ctx, tx, by, AuditNoteAmend, ClientSubject(n.ClientID), before, after)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// noteRead is what the audit entry of a read of notes says was read.
func noteRead(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// openCaseNotes opens the notes of case out.CaseID for by, as ReadNotes
// and ReadNotesPage do: out gets the case's client and by's access, and
// the read is audited ("notes:case:<id>").
func (p *Practice) openCaseNotes(ctx context.Context, tx Tx, by Actor, out *CaseNotes) error {
	var err error
	if out.ClientID, err = noteCaseClient(ctx, tx, out.CaseID); err != nil {
		return err
	}
	if out.Access, err = p.openClient(ctx, tx, by, out.ClientID, noteRead("notes:case", out.CaseID)); err != nil {
		return hidden(err, errNoNoteCase(out.CaseID))
	}
	return nil
}

// ReadNotes returns the progress notes of case caseID, the latest date of
// service first, each with its amendments: the note reads as amended
// (ProgressNote.Current) and keeps the original as signed. Drafts are
// included, marked by their status. The reader is an assigned practitioner
// of the case's client or a practice admin with emergency access; the read
// is audited (ClientRead, "notes:case:<id>"). Psychotherapy notes are not
// here: see PsychotherapyNotes.
func (p *Practice) ReadNotes(ctx context.Context, by Actor, caseID int64) (*CaseNotes, error) {
	out := &CaseNotes{CaseID: caseID}
	err := p.store.InTx(ctx, func(tx Tx) error {
		if err := p.openCaseNotes(ctx, tx, by, out); err != nil {
			return err
		}
		var err error
		out.Notes, err = tx.ProgressNotes(ctx, caseID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReadNote returns the progress note id with its amendments, and how the
// reader reached the client's record, to a reader ReadNotes admits,
// audited the same way ("note:<id>").
func (p *Practice) ReadNote(ctx context.Context, by Actor, id int64) (*ProgressNote, Access, error) {
	var out *ProgressNote
	var acc Access
	err := p.store.InTx(ctx, func(tx Tx) error {
		n, err := tx.ProgressNote(ctx, id)
		if errors.Is(err, certboard.ErrNotFound) {
			return errNoNote(id)
		}
		if err != nil {
			return err
		}
		if acc, err = p.openClient(ctx, tx, by, n.ClientID, noteRead("note", id)); err != nil {
			return hidden(err, errNoNote(id))
		}
		out = n
		return nil
	})
	if err != nil {
		return nil, Access{}, err
	}
	return out, acc, nil
}

// ClientNotes returns, for the record page of client clientID, how many
// progress notes each of the client's cases has (NoteSummary), to the
// readers ReadNotes admits; the read is audited ("notes:client:<id>"). It
// tells nothing of psychotherapy notes.
func (p *Practice) ClientNotes(ctx context.Context, by Actor, clientID int64) ([]NoteSummary, error) {
	var out []NoteSummary
	err := p.store.InTx(ctx, func(tx Tx) error {
		if _, err := p.openClient(ctx, tx, by, clientID, noteRead("notes:client", clientID)); err != nil {
			return err
		}
		var err error
		out, err = tx.NoteSummaries(ctx, clientID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
