package practice

import (
	"context"
	"slices"
)

// Psychotherapy notes are the practitioner's own notes on the content of
// a session (HIPAA's psychotherapy notes), kept apart from the progress
// notes: a table of their own, a type of their own (note.Psychotherapy),
// read only by their author while the author is assigned to the client.
// Nobody else reads them, not a practice admin, not even with emergency
// access: the record an emergency needs is the progress notes. Nobody else
// learns how many there are. An export takes them only when its caller
// asks, and then only the caller's own (ExportNotes).

// WritePsychotherapyNote keeps a psychotherapy note by by, an assigned
// practitioner of the client, on case caseID: the date of the session
// (YYYY-MM-DD, not in the future) and the text are required
// (note.Psychotherapy.Check); a closed case takes no new note, nor does a
// day on which the client had no consent to treatment in force
// (requireConsentOn) (Conflict). The note and its audit entry
// (AuditPsychotherapyNote, without the text) commit together.
func (p *Practice) WritePsychotherapyNote(ctx context.Context, by Actor, caseID int64, in PsychotherapyInput) (*PsychotherapyNote, error) {
	now := p.clock.Now()
	n, err := checkPsychotherapy(in, by.UserID, now)
	if err != nil {
		return nil, err
	}
	out := &PsychotherapyNote{CaseID: caseID, Note: n}
	err = p.store.InTx(ctx, func(tx Tx) error {
		var err error
		if out.ClientID, err = p.newNoteCase(ctx, tx, by, caseID); err != nil {
			return err
		}
		if err := p.requireConsentOn(ctx, tx, out.ClientID, n.DateOfService); err != nil {
			return err
		}
		if out.ID, err = tx.CreatePsychotherapyNote(ctx, caseID, out.ClientID, n); err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, AuditPsychotherapyNote, ClientSubject(out.ClientID), nil,
			map[string]any{"case": caseID, "psychotherapy_note": out.ID, "date_of_service": n.DateOfService.String()})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PsychotherapyNotes returns the psychotherapy notes by wrote on case
// caseID, the latest date of service first, and no one else's: an
// assigned practitioner sees their own, anyone else (an admin with
// emergency access included) none, and nobody learns whether others
// wrote any. The read is audited ("psychotherapy_notes:case:<id>") like
// any read of the client's record, whoever makes it.
func (p *Practice) PsychotherapyNotes(ctx context.Context, by Actor, caseID int64) ([]PsychotherapyNote, error) {
	var out []PsychotherapyNote
	err := p.store.InTx(ctx, func(tx Tx) error {
		clientID, err := noteCaseClient(ctx, tx, caseID)
		if err != nil {
			return err
		}
		acc, err := p.openClient(ctx, tx, by, clientID, noteRead("psychotherapy_notes:case", caseID))
		if err != nil {
			return hidden(err, errNoNoteCase(caseID))
		}
		if !acc.Assigned {
			return nil
		}
		out, err = ownPsychotherapyNotes(ctx, tx, caseID, by.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ownPsychotherapyNotes reads the psychotherapy notes author wrote on a
// case, keeping only those author may read (note.Psychotherapy.MayRead),
// whatever the store returned.
func ownPsychotherapyNotes(ctx context.Context, tx Tx, caseID, author int64) ([]PsychotherapyNote, error) {
	notes, err := tx.PsychotherapyNotesBy(ctx, caseID, author)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(notes, func(n PsychotherapyNote) bool { return n.Note.MayRead(author) != nil }), nil
}
