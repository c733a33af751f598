package practice

import (
	"context"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
)

// NotesExportFormat names the shape of a notes export, for whoever reads
// one back.
const NotesExportFormat = "certboard.practice.notes/v1"

// NotesExport is a case's notes as they leave the practice, for a client's
// request for their record: the signed progress notes as they read now,
// each with its original and its amendments (who, when, why), and,
// only when the exporter asked for them, the psychotherapy notes the
// exporter wrote. It marshals to JSON as documented in docs/practice.md.
type NotesExport struct {
	Format     string         `json:"format"`
	CaseID     int64          `json:"case_id"`
	ClientID   int64          `json:"client_id"`
	ExportedAt time.Time      `json:"exported_at"`
	ExportedBy ExportedPerson `json:"exported_by"`
	// ProgressNotes are the signed notes, the latest date of service
	// first.
	ProgressNotes []ExportedNote `json:"progress_notes"`
	// DraftsLeftOut are the dates of service of the notes not signed yet:
	// a draft is not part of the record until its author signs it.
	DraftsLeftOut []date.Date `json:"drafts_left_out"`
	// PsychotherapyAsked says whether the exporter asked for their
	// psychotherapy notes; PsychotherapyNotes holds them then (and only
	// theirs), and is left out otherwise.
	PsychotherapyAsked bool                 `json:"psychotherapy_notes_asked"`
	PsychotherapyNotes []note.Psychotherapy `json:"psychotherapy_notes,omitempty"`
	// Part2Notice is the redisclosure notice of 42 CFR 2.32 (Part2Notice),
	// present only when the client's record is marked as covered by 42
	// CFR Part 2.
	Part2Notice string `json:"part2_notice,omitempty"`
}

// ExportedPerson names a practitioner in an export.
type ExportedPerson struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ExportedNote is a signed progress note in an export: its sections and
// P/LI record as they read now, and, when it was amended, as signed
// (Original) and each amendment.
type ExportedNote struct {
	ID            int64                   `json:"id"`
	DateOfService date.Date               `json:"date_of_service"`
	Format        note.Format             `json:"format"`
	Author        ExportedPerson          `json:"author"`
	SignedAt      time.Time               `json:"signed_at"`
	Sections      map[note.Section]string `json:"sections"`
	PLI           *plissit.PLIRecord      `json:"pli,omitempty"`
	Amended       bool                    `json:"amended"`
	Original      *ExportedOriginal       `json:"original,omitempty"`
	Amendments    []ExportedAmendment     `json:"amendments,omitempty"`
}

// ExportedOriginal is an amended note as it was signed.
type ExportedOriginal struct {
	Sections map[note.Section]string `json:"sections"`
	PLI      *plissit.PLIRecord      `json:"pli,omitempty"`
}

// ExportedAmendment is one amendment in an export.
type ExportedAmendment struct {
	Seq      int                     `json:"seq"`
	By       ExportedPerson          `json:"by"`
	At       time.Time               `json:"at"`
	Reason   string                  `json:"reason"`
	Sections map[note.Section]string `json:"sections,omitempty"`
	PLI      *plissit.PLIRecord      `json:"pli,omitempty"`
}

// buildNotesExport makes the export of a case's notes by by at at: the
// signed notes (drafts only by date), and the psychotherapy notes only
// when inc asks and only those by may read (note.Exportable).
func buildNotesExport(caseID, clientID int64, by Actor, at time.Time, notes []ProgressNote, psych []PsychotherapyNote, inc note.Include) *NotesExport {
	out := &NotesExport{Format: NotesExportFormat, CaseID: caseID, ClientID: clientID, ExportedAt: at.UTC(),
		ExportedBy: ExportedPerson{ID: by.UserID, Name: by.Name}, ProgressNotes: []ExportedNote{},
		DraftsLeftOut: []date.Date{}, PsychotherapyAsked: inc.Psychotherapy}
	for _, n := range notes {
		if !n.Note.Signed() {
			out.DraftsLeftOut = append(out.DraftsLeftOut, n.Note.DateOfService)
			continue
		}
		cur := n.Current()
		e := ExportedNote{ID: n.ID, DateOfService: n.Note.DateOfService, Format: n.Note.Format,
			Author: ExportedPerson{ID: n.AuthorID, Name: n.AuthorName}, SignedAt: n.Note.SignedAt.UTC(),
			Sections: cur.Sections, PLI: cur.PLI, Amended: n.Amended()}
		if n.Amended() {
			orig := note.Current(n.Note, nil) // a copy
			e.Original = &ExportedOriginal{Sections: orig.Sections, PLI: orig.PLI}
			for _, a := range n.Amendments {
				e.Amendments = append(e.Amendments, ExportedAmendment{Seq: a.Seq, By: ExportedPerson{ID: a.By, Name: a.ByName},
					At: a.At.UTC(), Reason: a.Reason, Sections: a.Sections, PLI: a.PLI})
			}
		}
		out.ProgressNotes = append(out.ProgressNotes, e)
	}
	ps := make([]note.Psychotherapy, len(psych))
	for i, n := range psych {
		ps[i] = n.Note
	}
	out.PsychotherapyNotes = note.Exportable(ps, by.UserID, inc)
	return out
}

// ExportNotes returns the notes of case caseID for the client's request
// for their record (NotesExport): the signed progress notes with their
// amendments and originals; psychotherapy notes only when inc asks for
// them, and then only those the caller wrote, and only while the caller is
// assigned to the client (emergency access never reaches them). The
// reader is who ReadNotes admits; the read is audited (ClientRead,
// "notes_export:case:<id>"), and so is the export itself (AuditNotesExport:
// how many notes of each kind it took, and whether psychotherapy notes
// were asked for).
func (p *Practice) ExportNotes(ctx context.Context, by Actor, caseID int64, inc note.Include) (*NotesExport, error) {
	now := p.clock.Now()
	var out *NotesExport
	err := p.store.InTx(ctx, func(tx Tx) error {
		clientID, err := noteCaseClient(ctx, tx, caseID)
		if err != nil {
			return err
		}
		acc, err := p.openClient(ctx, tx, by, clientID, noteRead("notes_export:case", caseID))
		if err != nil {
			return hidden(err, errNoNoteCase(caseID))
		}
		notes, err := tx.ProgressNotes(ctx, caseID)
		if err != nil {
			return err
		}
		var psych []PsychotherapyNote
		if inc.Psychotherapy && acc.Assigned {
			if psych, err = ownPsychotherapyNotes(ctx, tx, caseID, by.UserID); err != nil {
				return err
			}
		}
		out = buildNotesExport(caseID, clientID, by, now, notes, psych, inc)
		if out.Part2Notice, err = part2NoticeFor(ctx, tx, clientID); err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, AuditNotesExport, ClientSubject(clientID), nil, map[string]any{
			"case": caseID, "progress_notes": len(out.ProgressNotes), "drafts_left_out": len(out.DraftsLeftOut),
			"psychotherapy_notes_asked": inc.Psychotherapy, "psychotherapy_notes": len(out.PsychotherapyNotes)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
