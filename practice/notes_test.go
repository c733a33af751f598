package practice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
)

// notesWorld is the cases' world (Alice's client, with consent, and a
// case of theirs) with Bob assigned to the client too, and Carol, a
// practitioner who is not, ten days after the consent was signed.
type notesWorld struct {
	*casesWorld
	ctx    context.Context
	carol  practice.Actor
	nobody practice.Actor
	caseID int64
	day    string
}

func newNotesWorld(t *testing.T) *notesWorld {
	t.Helper()
	w := &notesWorld{casesWorld: newCasesWorld(t), ctx: context.Background()}
	w.carol = w.actor(t, "carol@practice.example", "Carol Cho", auth.Practitioner)
	w.nobody = w.actor(t, "nobody@practice.example", "Nobody Else")
	if err := w.p.AssignPractitioner(w.ctx, w.admin, w.client, w.bob.UserID); err != nil {
		t.Fatal(err)
	}
	w.caseID = w.openCase(t)
	// Ten days on, the days between the consent and today take notes.
	w.advance(10 * 24 * time.Hour)
	w.day = w.now().Format(time.DateOnly)
	return w
}

// notesSOAP is a complete SOAP note of a day.
func notesSOAP(day string) practice.NoteInput {
	return practice.NoteInput{DateOfService: day, Format: "soap", Sections: map[string]string{
		"subjective": "Reports less worry before intimacy.",
		"objective":  "Calm, engaged. IIEF-5: 18.",
		"assessment": "Performance anxiety easing.",
		"plan":       "Continue sensate focus, stage 2.",
	}, PLI: &plissit.PLIRecord{Topics: []string{"masturbation"}, Myths: []string{"erections must be spontaneous"}}}
}

// count counts the rows of a table.
func (w *notesWorld) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.st.DB.QueryRowContext(w.ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// audits returns the After of every audit entry of an action, oldest
// first.
func (w *notesWorld) audits(t *testing.T, action string) []string {
	t.Helper()
	rows, err := w.st.DB.QueryContext(w.ctx, "SELECT after FROM audit_log WHERE action = ? ORDER BY seq", action)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// noteWantCode fails the test unless err has the code want ("" for nil) and,
// when says is given, a message holding each of says.
func noteWantCode(t *testing.T, err error, want certboard.Code, says ...string) {
	t.Helper()
	if got := certboard.ErrorCode(err); got != want {
		t.Fatalf("got %v (code %q), want code %q", err, got, want)
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q does not say %q", err, s)
		}
	}
}

// noteWantFields fails the test unless err is Invalid with exactly the fields
// want, each message naming its field.
func noteWantFields(t *testing.T, err error, want ...string) {
	t.Helper()
	e := certboard.As(err)
	if e == nil || e.Code != certboard.Invalid {
		t.Fatalf("got %v, want Invalid on %v", err, want)
	}
	if len(e.Fields) != len(want) {
		t.Fatalf("fields %v, want %v", e.Fields, want)
	}
	for _, f := range want {
		if msg, ok := e.Fields[f]; !ok || !strings.HasPrefix(msg, f+": ") {
			t.Errorf("field %s: %q (fields %v)", f, msg, e.Fields)
		}
	}
}

// TestNoteDraftSignLock: a note is a draft its author completes and signs;
// signed, it is locked; a second note for the day is refused with what to
// do instead; bad input writes nothing.
func TestNoteDraftSignLock(t *testing.T) {
	w := newNotesWorld(t)
	in := notesSOAP(w.day)
	delete(in.Sections, "plan")
	n, err := w.p.WriteNote(w.ctx, w.alice, w.caseID, in)
	if err != nil {
		t.Fatal(err)
	}
	if n.ID == 0 || n.Status() != practice.NoteDraft || n.Version != 1 || n.AuthorID != w.alice.UserID || n.ClientID != w.client {
		t.Fatalf("draft %+v", n)
	}
	if a := w.audits(t, practice.AuditNoteWrite); len(a) != 1 || strings.Contains(a[0], "worry") || !strings.Contains(a[0], `"status":"draft"`) {
		t.Errorf("the audit of writing: %v", a)
	}

	// One note per date of service.
	_, err = w.p.WriteNote(w.ctx, w.bob, w.caseID, notesSOAP(w.day))
	noteWantCode(t, err, certboard.Conflict, "date_of_service: ", w.day, "one note per date of service", "amendment")
	if e := certboard.As(err); e.Field != "date_of_service" {
		t.Errorf("the conflict names %q", e.Field)
	}

	// Bad input is refused field by field and writes nothing.
	for _, tc := range []struct {
		name   string
		in     practice.NoteInput
		fields []string
	}{
		{"no date, no format", practice.NoteInput{}, []string{"date_of_service", "format"}},
		{"not a date", practice.NoteInput{DateOfService: "07/12/2026", Format: "soap"}, []string{"date_of_service"}},
		{"tomorrow", practice.NoteInput{DateOfService: w.now().AddDate(0, 0, 1).Format(time.DateOnly), Format: "dap"}, []string{"date_of_service"}},
		{"a section over the limit", practice.NoteInput{DateOfService: "2026-12-10", Format: "dap",
			Sections: map[string]string{"data": strings.Repeat("d", note.MaxSection+1)}}, []string{"sections.data"}},
		{"a P/LI entry on two lines", practice.NoteInput{DateOfService: "2026-12-10", Format: "dap",
			PLI: &plissit.PLIRecord{Myths: []string{"a\nb"}}}, []string{"pli.myths.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, audits := w.count(t, "progress_notes"), len(w.audits(t, practice.AuditNoteWrite))
			_, err := w.p.WriteNote(w.ctx, w.alice, w.caseID, tc.in)
			noteWantFields(t, err, tc.fields...)
			if w.count(t, "progress_notes") != before || len(w.audits(t, practice.AuditNoteWrite)) != audits {
				t.Error("a refused note was written")
			}
		})
	}

	// Signing needs every section.
	_, err = w.p.SignNote(w.ctx, w.alice, n.ID, 1)
	noteWantFields(t, err, "sections.plan")

	// Only the author edits and signs the draft.
	_, err = w.p.UpdateDraft(w.ctx, w.bob, n.ID, 1, notesSOAP(w.day))
	noteWantCode(t, err, certboard.Forbidden, "Alice Adler")
	_, err = w.p.SignNote(w.ctx, w.bob, n.ID, 1)
	noteWantCode(t, err, certboard.Forbidden)
	_, err = w.p.UpdateDraft(w.ctx, w.carol, n.ID, 1, notesSOAP(w.day))
	noteWantCode(t, err, certboard.NotFound, "progress note")

	v, err := w.p.UpdateDraft(w.ctx, w.alice, n.ID, 1, notesSOAP(w.day))
	if err != nil || v != 2 {
		t.Fatalf("completing the draft: %d %v", v, err)
	}
	_, err = w.p.UpdateDraft(w.ctx, w.alice, n.ID, 1, notesSOAP(w.day))
	noteWantCode(t, err, certboard.Conflict, "reload")
	_, err = w.p.SignNote(w.ctx, w.alice, n.ID, 1)
	noteWantCode(t, err, certboard.Conflict, "reload")

	w.advance(time.Hour)
	s, err := w.p.SignNote(w.ctx, w.alice, n.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status() != practice.NoteSigned || s.Version != 3 || s.Note.SignedBy != w.alice.UserID || !s.Note.SignedAt.Equal(w.now()) {
		t.Fatalf("signed %+v", s)
	}
	if a := w.audits(t, practice.AuditNoteSign); len(a) != 1 || !strings.Contains(a[0], `"status":"signed"`) {
		t.Errorf("the audit of signing: %v", a)
	}

	// Locked.
	_, err = w.p.UpdateDraft(w.ctx, w.alice, n.ID, 3, notesSOAP(w.day))
	noteWantCode(t, err, certboard.Conflict, "locked", "amendment")
	_, err = w.p.SignNote(w.ctx, w.alice, n.ID, 3)
	noteWantCode(t, err, certboard.Conflict, "amendment")
	got, _, err := w.p.ReadNote(w.ctx, w.alice, n.ID)
	if err != nil || got.Version != 3 || got.Note.Sections[note.Plan] != "Continue sensate focus, stage 2." {
		t.Errorf("read back %+v %v", got, err)
	}

	// A draft moved onto a day the case has a note for.
	other, err := w.p.WriteNote(w.ctx, w.bob, w.caseID, practice.NoteInput{DateOfService: "2026-12-10", Format: "dap"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.p.UpdateDraft(w.ctx, w.bob, other.ID, 1, practice.NoteInput{DateOfService: w.day, Format: "dap"})
	noteWantCode(t, err, certboard.Conflict, "one note per date of service")
}

// signedNote has Alice write and sign a complete note of the day and
// returns it.
func (w *notesWorld) signedNote(t *testing.T) *practice.ProgressNote {
	t.Helper()
	n, err := w.p.WriteNote(w.ctx, w.alice, w.caseID, notesSOAP(w.day))
	if err != nil {
		t.Fatal(err)
	}
	s, err := w.p.SignNote(w.ctx, w.alice, n.ID, n.Version)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAmendmentKeepsTheOriginal: a signed note changes by amendments,
// listed with who, when and why; the note as signed stays.
func TestAmendmentKeepsTheOriginal(t *testing.T) {
	w := newNotesWorld(t)
	n := w.signedNote(t)
	form := func(n *practice.ProgressNote) map[string]string { // a form sends every section as it reads
		out := map[string]string{}
		for s, v := range n.Current().Sections {
			out[string(s)] = v
		}
		return out
	}

	w.advance(time.Hour)
	change := form(n)
	change["objective"] = "Calm, engaged. IIEF-5: 19."
	a, err := w.p.AmendNote(w.ctx, w.bob, n.ID, n.Version, practice.AmendInput{Reason: "wrong score copied", Sections: change})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Amendments) != 1 || a.Amendments[0].Seq != 1 || a.Amendments[0].By != w.bob.UserID || a.Amendments[0].ByName != "Bob Brown" ||
		a.Amendments[0].Reason != "wrong score copied" || !a.Amendments[0].At.Equal(w.now()) || len(a.Amendments[0].Sections) != 1 {
		t.Fatalf("amendment %+v", a.Amendments)
	}
	if a.Note.Sections[note.Objective] != "Calm, engaged. IIEF-5: 18." || a.Current().Sections[note.Objective] != "Calm, engaged. IIEF-5: 19." {
		t.Errorf("original %q, as amended %q", a.Note.Sections[note.Objective], a.Current().Sections[note.Objective])
	}
	if after := w.audits(t, practice.AuditNoteAmend); len(after) != 1 || !strings.Contains(after[0], `"sections":["objective"]`) ||
		strings.Contains(after[0], "wrong score") || strings.Contains(after[0], "IIEF") {
		t.Errorf("the audit of amending: %v", after)
	}

	// Read back: as amended, with the original and the amendment.
	got, acc, err := w.p.ReadNote(w.ctx, w.alice, n.ID)
	if err != nil || !acc.Assigned {
		t.Fatal(err)
	}
	if !got.Amended() || got.Note.Sections[note.Objective] != "Calm, engaged. IIEF-5: 18." || got.Current().Sections[note.Objective] != "Calm, engaged. IIEF-5: 19." ||
		!got.Note.SignedAt.Equal(n.Note.SignedAt) || got.Amendments[0].ByName != "Bob Brown" {
		t.Errorf("read back %+v", got)
	}
	if secs, pli := got.AmendedSections(); len(secs) != 1 || secs[0] != note.Objective || pli {
		t.Errorf("amended sections %v %v", secs, pli)
	}

	// Refusals change nothing.
	cur, old := a.Version, a.Version-1
	for _, tc := range []struct {
		name    string
		by      practice.Actor
		version int
		in      practice.AmendInput
		code    certboard.Code
		fields  []string
	}{
		{"no reason", w.alice, cur, practice.AmendInput{Sections: map[string]string{"plan": "Stage 3."}}, certboard.Invalid, []string{"reason"}},
		{"nothing changed", w.alice, cur, practice.AmendInput{Reason: "x", Sections: form(a)}, certboard.Invalid, []string{"sections"}},
		{"a section emptied", w.alice, cur, practice.AmendInput{Reason: "x", Sections: map[string]string{"plan": " "}}, certboard.Invalid, []string{"sections.plan"}},
		{"from an old version", w.alice, old, practice.AmendInput{Reason: "x", Sections: map[string]string{"plan": "Stage 3."}}, certboard.Conflict, nil},
		{"by a practitioner not assigned", w.carol, cur, practice.AmendInput{Reason: "x", Sections: map[string]string{"plan": "Stage 3."}}, certboard.NotFound, nil},
		{"by an admin", w.admin, cur, practice.AmendInput{Reason: "x", Sections: map[string]string{"plan": "Stage 3."}}, certboard.Forbidden, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.p.AmendNote(w.ctx, tc.by, n.ID, tc.version, tc.in)
			if tc.fields != nil {
				noteWantFields(t, err, tc.fields...)
			} else {
				noteWantCode(t, err, tc.code)
			}
			if w.count(t, "progress_note_amendments") != 1 {
				t.Error("a refused amendment was kept")
			}
		})
	}

	// A second amendment; the P/LI record replaced.
	w.advance(time.Minute)
	b, err := w.p.AmendNote(w.ctx, w.alice, n.ID, cur, practice.AmendInput{Reason: "information given",
		PLI: &plissit.PLIRecord{Information: []string{"refractory period"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Amendments) != 2 || b.Version != cur+1 || b.Current().PLI.Information[0] != "refractory period" || b.Note.PLI.Topics[0] != "masturbation" {
		t.Errorf("second amendment %+v", b)
	}

	// A draft is edited, not amended.
	d, err := w.p.WriteNote(w.ctx, w.alice, w.caseID, practice.NoteInput{DateOfService: "2026-12-10", Format: "dap"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.p.AmendNote(w.ctx, w.alice, d.ID, 1, practice.AmendInput{Reason: "x", Sections: map[string]string{"data": "y"}})
	noteWantCode(t, err, certboard.Conflict, "edit it")
}

// TestReadNotesAccess: the client's practitioners read a case's notes, an
// admin only under emergency access, anyone else learns nothing; every
// read is audited.
func TestReadNotesAccess(t *testing.T) {
	w := newNotesWorld(t)
	n := w.signedNote(t)
	reads := func() int { return len(w.audits(t, practice.ClientRead)) }

	c, err := w.p.ReadNotes(w.ctx, w.bob, w.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Notes) != 1 || c.Notes[0].ID != n.ID || c.ClientID != w.client || !c.Access.Assigned {
		t.Errorf("notes %+v", c)
	}
	if _, ok := c.On(n.Note.DateOfService); !ok {
		t.Error("On does not find the day's note")
	}
	last := w.audits(t, practice.ClientRead)
	if want := `"what":"notes:case:`; !strings.Contains(last[len(last)-1], want) {
		t.Errorf("the read's audit %q lacks %s", last[len(last)-1], want)
	}

	for _, tc := range []struct {
		name string
		by   practice.Actor
		code certboard.Code
	}{
		{"a practitioner not assigned", w.carol, certboard.NotFound},
		{"an account without a role", w.nobody, certboard.NotFound},
		{"an admin without emergency access", w.admin, certboard.Forbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := reads()
			_, err := w.p.ReadNotes(w.ctx, tc.by, w.caseID)
			noteWantCode(t, err, tc.code)
			if tc.code == certboard.NotFound && (!strings.Contains(err.Error(), fmt.Sprintf("case %d", w.caseID)) ||
				strings.Contains(err.Error(), fmt.Sprintf("client %d", w.client))) {
				t.Errorf("%q should name the case, not the client", err)
			}
			_, _, err = w.p.ReadNote(w.ctx, tc.by, n.ID)
			noteWantCode(t, err, tc.code)
			if reads() != before {
				t.Error("a refused read was audited as a read")
			}
		})
	}
	_, err = w.p.ReadNotes(w.ctx, w.alice, w.caseID+100)
	noteWantCode(t, err, certboard.NotFound)
	_, _, err = w.p.ReadNote(w.ctx, w.alice, n.ID+100)
	noteWantCode(t, err, certboard.NotFound)

	w.emergency(t, w.admin, w.client)
	c, err = w.p.ReadNotes(w.ctx, w.admin, w.caseID)
	if err != nil || len(c.Notes) != 1 || c.Access.Assigned || c.Access.Emergency == nil {
		t.Fatalf("under emergency access: %+v %v", c, err)
	}
	last = w.audits(t, practice.ClientRead)
	if !strings.Contains(last[len(last)-1], `"access":"emergency"`) {
		t.Errorf("the emergency read's audit: %s", last[len(last)-1])
	}
	_, err = w.p.WriteNote(w.ctx, w.admin, w.caseID, notesSOAP("2026-12-10"))
	noteWantCode(t, err, certboard.Forbidden)

	sums, err := w.p.ClientNotes(w.ctx, w.alice, w.client)
	if err != nil || len(sums) != 1 || sums[0].CaseID != w.caseID || sums[0].Notes != 1 || sums[0].Drafts != 0 {
		t.Errorf("summaries %+v %v", sums, err)
	}
	_, err = w.p.ClientNotes(w.ctx, w.carol, w.client)
	noteWantCode(t, err, certboard.NotFound)
}

// TestPsychotherapyNotesAccess: only their author reads psychotherapy
// notes; an admin with emergency access sees none, and nobody learns
// that others wrote any.
func TestPsychotherapyNotesAccess(t *testing.T) {
	w := newNotesWorld(t)
	mine, err := w.p.WritePsychotherapyNote(w.ctx, w.alice, w.caseID, practice.PsychotherapyInput{DateOfService: w.day, Text: "Transference: anger at me as at his father."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.WritePsychotherapyNote(w.ctx, w.bob, w.caseID, practice.PsychotherapyInput{DateOfService: w.day, Text: "Bob's own reading."}); err != nil {
		t.Fatal(err)
	}
	if a := w.audits(t, practice.AuditPsychotherapyNote); len(a) != 2 || strings.Contains(a[0], "Transference") {
		t.Errorf("the audit of writing: %v", a)
	}

	for _, tc := range []struct {
		name   string
		in     practice.PsychotherapyInput
		fields []string
	}{
		{"nothing", practice.PsychotherapyInput{}, []string{"date_of_service", "text"}},
		{"tomorrow", practice.PsychotherapyInput{DateOfService: w.now().AddDate(0, 0, 1).Format(time.DateOnly), Text: "x"}, []string{"date_of_service"}},
		{"blank text", practice.PsychotherapyInput{DateOfService: w.day, Text: " \n"}, []string{"text"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.p.WritePsychotherapyNote(w.ctx, w.alice, w.caseID, tc.in)
			noteWantFields(t, err, tc.fields...)
			if w.count(t, "psychotherapy_notes") != 2 {
				t.Error("a refused note was written")
			}
		})
	}
	_, err = w.p.WritePsychotherapyNote(w.ctx, w.carol, w.caseID, practice.PsychotherapyInput{DateOfService: w.day, Text: "x"})
	noteWantCode(t, err, certboard.NotFound)

	got, err := w.p.PsychotherapyNotes(w.ctx, w.alice, w.caseID)
	if err != nil || len(got) != 1 || got[0].ID != mine.ID || got[0].Note.Text != "Transference: anger at me as at his father." {
		t.Fatalf("Alice's: %+v %v", got, err)
	}
	got, err = w.p.PsychotherapyNotes(w.ctx, w.bob, w.caseID)
	if err != nil || len(got) != 1 || got[0].Note.Author != w.bob.UserID {
		t.Fatalf("Bob's: %+v %v", got, err)
	}
	_, err = w.p.PsychotherapyNotes(w.ctx, w.carol, w.caseID)
	noteWantCode(t, err, certboard.NotFound)
	_, err = w.p.PsychotherapyNotes(w.ctx, w.admin, w.caseID)
	noteWantCode(t, err, certboard.Forbidden)

	w.emergency(t, w.admin, w.client)
	before := len(w.audits(t, practice.ClientRead))
	got, err = w.p.PsychotherapyNotes(w.ctx, w.admin, w.caseID)
	if err != nil || len(got) != 0 {
		t.Errorf("under emergency access: %+v %v", got, err)
	}
	if reads := w.audits(t, practice.ClientRead); len(reads) != before+1 || !strings.Contains(reads[len(reads)-1], "psychotherapy_notes:case:") {
		t.Errorf("the emergency read is not audited: %v", reads[before:])
	}
}

// TestExportNotes: an export takes the signed notes with their originals
// and amendments, drafts by date; psychotherapy notes only when asked,
// and only the exporter's own.
func TestExportNotes(t *testing.T) {
	w := newNotesWorld(t)
	n := w.signedNote(t)
	change := map[string]string{"plan": "Stage 3 next week."}
	if _, err := w.p.AmendNote(w.ctx, w.bob, n.ID, n.Version, practice.AmendInput{Reason: "plan moved on", Sections: change}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.WriteNote(w.ctx, w.alice, w.caseID, practice.NoteInput{DateOfService: "2026-12-10", Format: "dap"}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []practice.Actor{w.alice, w.bob} {
		if _, err := w.p.WritePsychotherapyNote(w.ctx, who, w.caseID, practice.PsychotherapyInput{DateOfService: w.day, Text: "private of " + who.Name}); err != nil {
			t.Fatal(err)
		}
	}
	export := func(by practice.Actor, inc note.Include) (*practice.NotesExport, string) {
		t.Helper()
		x, err := w.p.ExportNotes(w.ctx, by, w.caseID, inc)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		return x, string(doc)
	}

	x, doc := export(w.alice, note.Include{})
	if len(x.ProgressNotes) != 1 || len(x.DraftsLeftOut) != 1 || x.DraftsLeftOut[0].String() != "2026-12-10" || x.PsychotherapyAsked {
		t.Fatalf("export %+v", x)
	}
	e := x.ProgressNotes[0]
	if !e.Amended || e.Sections[note.Plan] != "Stage 3 next week." || e.Original.Sections[note.Plan] != "Continue sensate focus, stage 2." ||
		len(e.Amendments) != 1 || e.Amendments[0].By.Name != "Bob Brown" || e.Amendments[0].Reason != "plan moved on" {
		t.Errorf("the exported note %+v", e)
	}
	for _, s := range []string{"private of", `"psychotherapy_notes":`} {
		if strings.Contains(doc, s) {
			t.Errorf("the default export holds %s", s)
		}
	}

	x, doc = export(w.alice, note.Include{Psychotherapy: true})
	if !x.PsychotherapyAsked || len(x.PsychotherapyNotes) != 1 || x.PsychotherapyNotes[0].Text != "private of Alice Adler" ||
		strings.Contains(doc, "private of Bob Brown") {
		t.Errorf("Alice's export with her psychotherapy notes: %s", doc)
	}
	x, _ = export(w.bob, note.Include{Psychotherapy: true})
	if len(x.PsychotherapyNotes) != 1 || x.PsychotherapyNotes[0].Text != "private of Bob Brown" {
		t.Errorf("Bob's export: %+v", x.PsychotherapyNotes)
	}

	w.emergency(t, w.admin, w.client)
	x, doc = export(w.admin, note.Include{Psychotherapy: true})
	if len(x.ProgressNotes) != 1 || len(x.PsychotherapyNotes) != 0 || strings.Contains(doc, "private of") {
		t.Errorf("an export under emergency access: %s", doc)
	}
	if a := w.audits(t, practice.AuditNotesExport); len(a) != 4 || !strings.Contains(a[0], `"psychotherapy_notes_asked":false`) ||
		!strings.Contains(a[1], `"psychotherapy_notes":1`) || !strings.Contains(a[3], `"psychotherapy_notes":0`) {
		t.Errorf("the exports' audit: %v", a)
	}
	_, err := w.p.ExportNotes(w.ctx, w.carol, w.caseID, note.Include{Psychotherapy: true})
	noteWantCode(t, err, certboard.NotFound)
}

// TestClosedCaseKeepsItsNotes: a closed case takes no new note, and its
// notes are still read, its drafts signed and its signed notes amended.
func TestClosedCaseKeepsItsNotes(t *testing.T) {
	w := newNotesWorld(t)
	n := w.signedNote(t)
	d, err := w.p.WriteNote(w.ctx, w.alice, w.caseID, practice.NoteInput{DateOfService: "2026-12-10", Format: "dap",
		Sections: map[string]string{"data": "Both attended.", "assessment": "Calmer.", "plan": "Close the case."}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.CloseCase(w.ctx, w.alice, w.caseID, "goals met; the client ends therapy", 1); err != nil {
		t.Fatal(err)
	}
	_, err = w.p.WriteNote(w.ctx, w.alice, w.caseID, notesSOAP("2026-12-11"))
	noteWantCode(t, err, certboard.Conflict, "closed")
	_, err = w.p.WritePsychotherapyNote(w.ctx, w.alice, w.caseID, practice.PsychotherapyInput{DateOfService: w.day, Text: "x"})
	noteWantCode(t, err, certboard.Conflict, "closed")
	if _, err := w.p.SignNote(w.ctx, w.alice, d.ID, d.Version); err != nil {
		t.Errorf("signing a draft of a closed case: %v", err)
	}
	if _, err := w.p.AmendNote(w.ctx, w.alice, n.ID, n.Version, practice.AmendInput{Reason: "typo", Sections: map[string]string{"plan": "Stage 3."}}); err != nil {
		t.Errorf("amending a note of a closed case: %v", err)
	}
	if c, err := w.p.ReadNotes(w.ctx, w.bob, w.caseID); err != nil || len(c.Notes) != 2 {
		t.Errorf("reading the notes of a closed case: %+v %v", c, err)
	}
}
