package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
)

// The pages of session notes: a case's notes (the list, a new note, the
// reader's own psychotherapy notes, the export), one progress note (the
// draft's form and its signature; the signed note as amended, with its
// original and amendments, and the amendment form), and the notes part of
// a client's record page. Pages that read are for practitioners and
// admins (the use cases let only the client's practitioners, and an admin
// with emergency access, read progress notes, and only its author a
// psychotherapy note); forms that change are for practitioners.

func init() { clientSections = append(clientSections, notesSection) }

// noteRoutes registers the pages of notes; New calls it.
func (s *Server) noteRoutes() {
	s.route("GET /case-notes/{id}", ClientStaff, s.handle(s.caseNotesPage))
	s.route("POST /case-notes/{id}", Practitioner, s.handle(s.writeNote))
	s.route("POST /case-notes/{id}/export", ClientStaff, s.handle(s.exportNotes))
	s.route("POST /case-notes/{id}/psychotherapy", Practitioner, s.handle(s.writePsychotherapyNote))
	s.route("GET /notes/{id}", ClientStaff, s.handle(s.notePage))
	s.route("POST /notes/{id}", Practitioner, s.handle(s.updateDraft))
	s.route("POST /notes/{id}/sign", Practitioner, s.handle(s.signNote))
	s.route("POST /notes/{id}/amendments", Practitioner, s.handle(s.amendNote))
}

// noteFormChars is the most characters a valid form of a note holds: a
// progress note or amendment (every section of both formats, the reason,
// the P/LI record's lists full, each line with its line break), or a
// psychotherapy note, whichever is more.
var noteFormChars = max(len(allSections)*note.MaxSection+note.MaxReason+3*plissit.MaxItems*(plissit.MaxItem+2),
	note.MaxPsychotherapy)

// noteVersion reads the version a note's form was made from.
func noteVersion(r *http.Request) (int, error) {
	v, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || v < 1 {
		return 0, certboard.FieldError(certboard.PreconditionRequired, "version",
			"the form lacks the version of the note it was made from; reload the page and make your change again")
	}
	return v, nil
}

// postedNote decodes the path's note id, reads the posted form (a form
// whose texts hold up to chars characters, as textForm reads it; chars 0
// reads it as form does) and the version of the note it was made from.
func postedNote(w http.ResponseWriter, r *http.Request, chars int) (id int64, version int, err error) {
	if id, err = pathID(r, "id", "note"); err != nil {
		return 0, 0, err
	}
	if err = textForm(w, r, chars); err != nil {
		return 0, 0, err
	}
	if version, err = noteVersion(r); err != nil {
		return 0, 0, err
	}
	return id, version, nil
}

// noteForm reads a form of a note, which may be larger than others: large
// enough for a valid note in the characters that encode widest.
func noteForm(w http.ResponseWriter, r *http.Request) error {
	return textForm(w, r, noteFormChars)
}

// allSections are the sections of every format, in the order a form shows
// them.
var allSections = []note.Section{note.Subjective, note.Objective, note.Data, note.Assessment, note.Plan}

// noteInput reads a progress note from a form: the date, the format, a
// field per section ("sections.plan") and the P/LI record as three lists,
// one entry a line ("pli.topics", "pli.myths", "pli.information").
func noteInput(f url.Values) practice.NoteInput {
	in := practice.NoteInput{DateOfService: f.Get("date_of_service"), Format: f.Get("format"), Sections: map[string]string{}}
	for _, s := range allSections {
		if v, ok := f["sections."+string(s)]; ok {
			in.Sections[string(s)] = v[0]
		}
	}
	in.PLI = pliInput(f)
	return in
}

// pliInput reads the P/LI record of a form; nil when its three lists are
// all blank.
func pliInput(f url.Values) *plissit.PLIRecord {
	r := &plissit.PLIRecord{Topics: noteLines(f.Get("pli.topics")), Myths: noteLines(f.Get("pli.myths")), Information: noteLines(f.Get("pli.information"))}
	if r.Empty() {
		return nil
	}
	return r
}

// noteLines splits a text area into its non-blank lines.
func noteLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// noteFormValues are the form values of a note, to fill its form.
func noteFormValues(n note.Progress) url.Values {
	v := url.Values{"date_of_service": {n.DateOfService.String()}, "format": {string(n.Format)}}
	for s, text := range n.Sections {
		v.Set("sections."+string(s), text)
	}
	if n.PLI != nil {
		v.Set("pli.topics", strings.Join(n.PLI.Topics, "\n"))
		v.Set("pli.myths", strings.Join(n.PLI.Myths, "\n"))
		v.Set("pli.information", strings.Join(n.PLI.Information, "\n"))
	}
	return v
}

// noteFieldErrors are a refusal's messages by form field, with each P/LI
// entry's problem ("pli.myths.2") shown at its list, saying which line.
func noteFieldErrors(e *certboard.Error) map[string]string {
	out := map[string]string{}
	for k, msg := range fieldErrors(e) {
		list, i, ok := pliEntry(k)
		if !ok {
			out[k] = msg
			continue
		}
		msg = fmt.Sprintf("line %d: %s", i+1, strings.TrimPrefix(msg, k+": "))
		if prev, seen := out[list]; seen {
			msg = prev + "; " + msg
		}
		out[list] = msg
	}
	return out
}

// pliEntry reads a field of one P/LI entry ("pli.myths.2") into its list
// ("pli.myths") and index.
func pliEntry(field string) (string, int, bool) {
	rest, ok := strings.CutPrefix(field, "pli.")
	if !ok {
		return "", 0, false
	}
	list, idx, ok := strings.Cut(rest, ".")
	if !ok {
		return "", 0, false
	}
	i, err := strconv.Atoi(idx)
	if err != nil {
		return "", 0, false
	}
	return "pli." + list, i, true
}

// The notes section of a client's record page.

// NotesSectionView is what the notes section of a client's record shows.
type NotesSectionView struct {
	Cases []practice.NoteSummary
}

// notesSection is the notes part of a client's record page
// (practice.Practice.ClientNotes, which audits the read).
func notesSection(s *Server, r *http.Request, rec *practice.ClientRecord) (*ClientSection, error) {
	sums, err := s.practice.ClientNotes(r.Context(), actor(r), rec.Client.ID)
	if err != nil {
		return nil, err
	}
	return &ClientSection{ID: "notes", Title: "Session notes", Block: "notes-section", Data: NotesSectionView{Cases: sums}}, nil
}

// The notes of a case.

// CaseNotesView is what the notes page of a case shows.
type CaseNotesView struct {
	Notes *practice.CaseNotes
	// Assigned says the reader is one of the client's practitioners, who
	// writes notes.
	Assigned bool
	// Psychotherapy are the reader's own psychotherapy notes on the case.
	Psychotherapy []practice.PsychotherapyNote
	Today         date.Date
	// Pager is the page links of the progress notes.
	Pager Pager
	noteFormView
}

// noteFormView gives the views with a note's form what it offers: the
// formats, every section and the bounds of the text.
type noteFormView struct {
	textView
	Formats      []note.Format
	FormSections []note.Section
	MaxSection   int
	MaxReason    int
	MaxPsych     int
}

// newNoteFormView is what every note's form offers.
func newNoteFormView() noteFormView {
	return noteFormView{Formats: note.Formats(), FormSections: allSections, MaxSection: note.MaxSection, MaxReason: note.MaxReason,
		MaxPsych: note.MaxPsychotherapy}
}

// caseNotesOpts are the errors and values of the forms a page shows again.
type caseNotesOpts struct {
	errs map[string]string
	form url.Values
}

func (s *Server) renderCaseNotes(w http.ResponseWriter, r *http.Request, status int, caseID int64, o caseNotesOpts) error {
	ctx, by := r.Context(), actor(r)
	n, err := pageOf(r)
	if err != nil {
		return err
	}
	notes, pg, err := s.practice.ReadNotesPage(ctx, by, caseID, n)
	if err != nil {
		return err
	}
	v := CaseNotesView{Notes: notes, Assigned: notes.Access.Assigned, Today: date.FromTime(s.now().UTC()), noteFormView: newNoteFormView(),
		Pager: pagerOf("Pages of the progress notes", fmt.Sprintf("/case-notes/%d", caseID), nil, pg)}
	if v.Assigned {
		if v.Psychotherapy, err = s.practice.PsychotherapyNotes(ctx, by, caseID); err != nil {
			return err
		}
	}
	if o.form == nil {
		o.form = url.Values{"date_of_service": {v.Today.String()}, "format": {string(note.SOAP)}, "psychotherapy.date_of_service": {v.Today.String()}}
	}
	s.render(w, r, status, "notes_case", page{Title: fmt.Sprintf("Notes of case %d", caseID), Data: v, Errors: o.errs, Form: o.form})
	return nil
}

func (s *Server) caseNotesPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	return s.renderCaseNotes(w, r, http.StatusOK, id, caseNotesOpts{})
}

// writeNote starts a progress note from the form (practice.Practice.WriteNote)
// and opens it; a refusal shows the form again with what to fix.
func (s *Server) writeNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	if err := noteForm(w, r); err != nil {
		return err
	}
	n, err := s.practice.WriteNote(r.Context(), actor(r), id, noteInput(r.PostForm))
	if e := refusal(err); e != nil && e.Code != certboard.NotFound && e.Code != certboard.Forbidden {
		return s.renderCaseNotes(w, r, e.Answer().Status, id, caseNotesOpts{errs: noteFieldErrors(e), form: r.PostForm})
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/notes/%d", n.ID), "Saved the draft of the note of "+n.Note.DateOfService.String()+". Sign it once it is complete.")
	return nil
}

// writePsychotherapyNote keeps a psychotherapy note from the form
// (practice.Practice.WritePsychotherapyNote); its fields are
// "psychotherapy.date_of_service" and "psychotherapy.text".
func (s *Server) writePsychotherapyNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	if err := noteForm(w, r); err != nil {
		return err
	}
	in := practice.PsychotherapyInput{DateOfService: r.PostForm.Get("psychotherapy.date_of_service"), Text: r.PostForm.Get("psychotherapy.text")}
	_, err = s.practice.WritePsychotherapyNote(r.Context(), actor(r), id, in)
	if e := refusal(err); e != nil && e.Code != certboard.NotFound && e.Code != certboard.Forbidden {
		return s.renderCaseNotes(w, r, e.Answer().Status, id, caseNotesOpts{errs: prefixedNote("psychotherapy", fieldErrors(e)), form: r.PostForm})
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/case-notes/%d#psychotherapy-h", id), "Kept the psychotherapy note. Only you can read it.")
	return nil
}

// prefixedNote puts a form's name before each field of its errors.
func prefixedNote(form string, errs map[string]string) map[string]string {
	out := make(map[string]string, len(errs))
	for k, v := range errs {
		if k != "" {
			k = form + "." + k
		}
		out[k] = v
	}
	return out
}

// exportNotes answers a case's notes as a JSON file
// (practice.Practice.ExportNotes): psychotherapy notes only with
// psychotherapy=yes, and then only the reader's own. It is a POST, which
// the kit refuses from another site: a disclosure, audited, never follows
// a link.
func (s *Server) exportNotes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	if err := textForm(w, r, 0); err != nil {
		return err
	}
	inc := note.Include{Psychotherapy: r.PostForm.Get("psychotherapy") == "yes"}
	x, err := s.practice.ExportNotes(r.Context(), actor(r), id, inc)
	if err != nil {
		return err
	}
	doc, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return certboard.Wrap(err, "writing the export of notes")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="case-%d-notes.json"`, id))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(doc, '\n'))
	return nil
}

// One progress note.

// NotePageView is what the page of a progress note shows.
type NotePageView struct {
	N       *practice.ProgressNote
	Current note.Progress
	// Sections are the note's sections as they read now, each marked
	// when an amendment changed it, with its text as signed.
	Sections []NoteSectionView
	// PLIAmended says an amendment replaced the P/LI record.
	PLIAmended bool
	// Amendments are the note's amendments, oldest first, each with what
	// it changed.
	Amendments []NoteAmendmentView
	// Mine says the reader wrote the note: they edit and sign its draft.
	Mine bool
	// Assigned says the reader is one of the client's practitioners, who
	// amends a signed note.
	Assigned bool
	noteFormView
}

// NoteAmendmentView is one amendment with what it changed in words
// ("Objective, Plan and the P/LI record").
type NoteAmendmentView struct {
	practice.NoteAmendment
	Changed string
}

// NoteSectionView is one section of a note as it reads now.
type NoteSectionView struct {
	Section  note.Section
	Text     string
	Amended  bool
	Original string
}

// noteOpts are the errors and values of the forms a page shows again.
type noteOpts struct {
	errs map[string]string
	form url.Values
}

func (s *Server) renderNote(w http.ResponseWriter, r *http.Request, status int, id int64, o noteOpts) error {
	by := actor(r)
	n, acc, err := s.practice.ReadNote(r.Context(), by, id)
	if err != nil {
		return err
	}
	cur := n.Current()
	v := NotePageView{N: n, Current: cur, Mine: n.AuthorID == by.UserID && acc.Assigned, Assigned: acc.Assigned,
		noteFormView: newNoteFormView()}
	amended, pli := n.AmendedSections()
	v.PLIAmended = pli
	for _, sec := range n.Note.Format.Sections() {
		sv := NoteSectionView{Section: sec, Text: cur.Sections[sec], Original: n.Note.Sections[sec]}
		for _, a := range amended {
			sv.Amended = sv.Amended || a == sec
		}
		v.Sections = append(v.Sections, sv)
	}
	for _, a := range n.Amendments {
		var changed []string
		for _, sec := range n.Note.Format.Sections() {
			if _, ok := a.Sections[sec]; ok {
				changed = append(changed, sec.Label())
			}
		}
		if a.PLI != nil {
			changed = append(changed, "the P/LI record")
		}
		v.Amendments = append(v.Amendments, NoteAmendmentView{NoteAmendment: a, Changed: joinWords(changed)})
	}
	if o.form == nil {
		o.form = noteFormValues(cur)
	}
	title := fmt.Sprintf("Progress note of %s", n.Note.DateOfService)
	s.render(w, r, status, "notes_note", page{Title: title, Data: v, Errors: o.errs, Form: o.form})
	return nil
}

func (s *Server) notePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "note")
	if err != nil {
		return err
	}
	return s.renderNote(w, r, http.StatusOK, id, noteOpts{})
}

// noteRefused shows the note's page again with a refusal of one of its
// forms, or returns the error when it is not one a form shows.
func (s *Server) noteRefused(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	e := refusal(err)
	if e == nil || e.Code == certboard.NotFound || e.Code == certboard.Forbidden {
		return err
	}
	return s.renderNote(w, r, e.Answer().Status, id, noteOpts{errs: noteFieldErrors(e), form: r.PostForm})
}

// updateDraft saves the draft from its form (practice.Practice.UpdateDraft).
func (s *Server) updateDraft(w http.ResponseWriter, r *http.Request) error {
	id, version, err := postedNote(w, r, noteFormChars)
	if err != nil {
		return err
	}
	if _, err := s.practice.UpdateDraft(r.Context(), actor(r), id, version, noteInput(r.PostForm)); err != nil {
		return s.noteRefused(w, r, id, err)
	}
	redirect(w, r, fmt.Sprintf("/notes/%d", id), "Saved the draft.")
	return nil
}

// signNote signs the note (practice.Practice.SignNote) once the author
// has ticked that signing locks it.
func (s *Server) signNote(w http.ResponseWriter, r *http.Request) error {
	id, version, err := postedNote(w, r, 0)
	if err != nil {
		return err
	}
	if r.PostForm.Get("confirm") != "yes" {
		return s.renderNote(w, r, http.StatusUnprocessableEntity, id, noteOpts{errs: map[string]string{
			"confirm": "confirm: tick the box to confirm that the note is complete; once signed it is locked and changes only by amendments"}})
	}
	n, err := s.practice.SignNote(r.Context(), actor(r), id, version)
	if e := refusal(err); e != nil && e.Code != certboard.NotFound && e.Code != certboard.Forbidden {
		// The draft's form shows the sections a signature lacks.
		errs := noteFieldErrors(e)
		if _, ok := errs[""]; !ok {
			errs[""] = "The note cannot be signed yet: " + e.Message
		}
		return s.renderNote(w, r, e.Answer().Status, id, noteOpts{errs: errs})
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/notes/%d", id), "Signed the note of "+n.Note.DateOfService.String()+". It is locked; changes to it are amendments.")
	return nil
}

// amendNote keeps an amendment from its form (practice.Practice.AmendNote).
// The form sends every section as it reads now; the use case keeps those
// changed.
func (s *Server) amendNote(w http.ResponseWriter, r *http.Request) error {
	id, version, err := postedNote(w, r, noteFormChars)
	if err != nil {
		return err
	}
	in := practice.AmendInput{Reason: r.PostForm.Get("reason"), Sections: map[string]string{}, PLI: pliInput(r.PostForm)}
	for _, sec := range allSections {
		if v, ok := r.PostForm["sections."+string(sec)]; ok {
			in.Sections[string(sec)] = v[0]
		}
	}
	n, err := s.practice.AmendNote(r.Context(), actor(r), id, version, in)
	if err != nil {
		return s.noteRefused(w, r, id, err)
	}
	redirect(w, r, fmt.Sprintf("/notes/%d#amendments-h", id), fmt.Sprintf("Kept amendment %d; the note as signed is kept too.", len(n.Amendments)))
	return nil
}

// joinWords joins a list for a sentence: "a", "a and b", "a, b and c".
func joinWords(xs []string) string {
	switch len(xs) {
	case 0:
		return "nothing"
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
