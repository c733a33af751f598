package practice

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/internal/errtest"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
)

// noteNow is 23:30 on 2 March 2026 in UTC-5, already 3 March in UTC.
var noteNow = time.Date(2026, 3, 2, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))

// soapInput is a complete SOAP note of noteNow's day.
func soapInput() NoteInput {
	return NoteInput{DateOfService: "2026-03-02", Format: "soap", Sections: map[string]string{
		"subjective": "Reports less worry before intimacy.",
		"objective":  "Calm, engaged. IIEF-5: 18.",
		"assessment": "Performance anxiety easing.",
		"plan":       "Continue sensate focus, stage 2.",
	}, PLI: &plissit.PLIRecord{Topics: []string{"masturbation"}, Myths: []string{"erections must be spontaneous"}}}
}

// wantNoteFields checks that err is nil when no fields are wanted, and
// otherwise an Invalid error whose Fields are exactly want, its Field the
// first of them and its message listing them in that order.
func wantNoteFields(t *testing.T, err error, want ...string) {
	t.Helper()
	e := errtest.Fields(t, err, want...)
	if e == nil {
		return
	}
	if e.Field != want[0] {
		t.Errorf("Field %q, want the first problem %q", e.Field, want[0])
	}
	last := -1
	for _, f := range want {
		i := strings.Index(e.Message, e.Fields[f])
		if i < last {
			t.Errorf("message %q does not list %s in order", e.Message, f)
		}
		last = i
	}
}

// TestCheckDraft: a draft keeps what is written and may leave sections
// out; whatever it holds is checked as a signed note's would be.
func TestCheckDraft(t *testing.T) {
	for _, tc := range []struct {
		name     string
		edit     func(*NoteInput)
		fields   []string
		sections int
	}{
		{"complete", func(*NoteInput) {}, nil, 4},
		{"only the date and format", func(in *NoteInput) { in.Sections, in.PLI = nil, nil }, nil, 0},
		{"a section blank", func(in *NoteInput) { in.Sections["plan"] = " \n " }, nil, 3},
		{"a section on lines from a browser", func(in *NoteInput) { in.Sections["plan"] = "Stage 2.\r\nReview." }, nil, 4},
		{"the format in capitals", func(in *NoteInput) { in.Format = " SOAP " }, nil, 4},
		{"a DAP draft", func(in *NoteInput) { in.Format, in.Sections = "dap", map[string]string{"data": "Both attended."} }, nil, 1},
		{"nothing", func(in *NoteInput) { *in = NoteInput{} }, []string{"date_of_service", "format"}, 0},
		{"no date", func(in *NoteInput) { in.DateOfService = "" }, []string{"date_of_service"}, 0},
		{"not a date", func(in *NoteInput) { in.DateOfService = "2026-02-30" }, []string{"date_of_service"}, 0},
		{"a date in another form", func(in *NoteInput) { in.DateOfService = "02/03/2026" }, []string{"date_of_service"}, 0},
		{"today", func(in *NoteInput) { in.DateOfService = "2026-03-02" }, nil, 4},
		{"tomorrow in the practice's zone (today in UTC)", func(in *NoteInput) { in.DateOfService = "2026-03-03" }, []string{"date_of_service"}, 0},
		{"no format", func(in *NoteInput) { in.Format = "" }, []string{"format"}, 0},
		{"an unknown format", func(in *NoteInput) { in.Format = "birp" }, []string{"format"}, 0},
		{"a section at the limit", func(in *NoteInput) { in.Sections["plan"] = strings.Repeat("é", note.MaxSection) }, nil, 4},
		{"a section over the limit", func(in *NoteInput) { in.Sections["plan"] = strings.Repeat("é", note.MaxSection+1) }, []string{"sections.plan"}, 0},
		{"a section with a control character", func(in *NoteInput) { in.Sections["objective"] = "a\x00b" }, []string{"sections.objective"}, 0},
		{"a section of DAP in a SOAP note", func(in *NoteInput) { in.Sections["data"] = "x" }, []string{"sections"}, 0},
		{"an unknown section", func(in *NoteInput) { in.Sections["notes"] = "x" }, []string{"sections"}, 0},
		{"a P/LI record left blank", func(in *NoteInput) { in.PLI = &plissit.PLIRecord{Topics: []string{" "}} }, nil, 4},
		{"a P/LI entry over the limit", func(in *NoteInput) { in.PLI.Myths = []string{strings.Repeat("m", plissit.MaxItem+1)} },
			[]string{"pli.myths.0"}, 0},
		{"a P/LI entry twice", func(in *NoteInput) { in.PLI.Topics = []string{"desire", "desire"} }, []string{"pli.topics.1"}, 0},
		{"everything wrong", func(in *NoteInput) {
			in.DateOfService, in.Format = "yesterday", ""
			in.Sections["notes"] = "x"
		}, []string{"date_of_service", "format"}, 0},
		{"a wrong date, a wrong section and a wrong P/LI entry", func(in *NoteInput) {
			in.DateOfService = "2026-13-01"
			in.Sections["assessment"] = "\x07"
			in.PLI.Information = []string{"a\nb"}
		}, []string{"date_of_service", "sections.assessment", "pli.information.0"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := soapInput()
			tc.edit(&in)
			n, err := checkDraft(in, noteNow)
			wantNoteFields(t, err, tc.fields...)
			if err != nil {
				if !reflect.ValueOf(n).IsZero() {
					t.Errorf("refused, but returned %+v", n)
				}
				return
			}
			if len(n.Sections) != tc.sections || n.Signed() {
				t.Errorf("draft %+v, want %d sections, unsigned", n, tc.sections)
			}
			for sec, v := range n.Sections {
				if strings.Contains(v, "\r") {
					t.Errorf("section %s keeps a carriage return: %q", sec, v)
				}
			}
			if n.PLI != nil && n.PLI.Empty() {
				t.Error("an empty P/LI record is kept")
			}
		})
	}

	n, err := checkDraft(soapInput(), noteNow)
	if err != nil || n.DateOfService != date.MustParse("2026-03-02") || n.Format != note.SOAP {
		t.Fatalf("%+v, %v", n, err)
	}
	if err := n.Check(noteNow); err != nil {
		t.Errorf("a complete draft does not check as a note: %v", err)
	}
	e := certboard.As(second(checkDraft(NoteInput{DateOfService: "2026-02-30", Format: "soap"}, noteNow)))
	if e == nil || !strings.Contains(e.Message, "YYYY-MM-DD") {
		t.Errorf("a wrong date: %v, want a message with the form of a date", e)
	}
}

// signedNote returns soapInput signed by practitioner 7 an hour before
// noteNow.
func signedNote(t *testing.T) note.Progress {
	t.Helper()
	n, err := checkDraft(soapInput(), noteNow)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.Sign(n, 7, noteNow.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCheckAmendment: only what changes from the note as it reads now is
// kept, and what is left is checked by note.Amend.
func TestCheckAmendment(t *testing.T) {
	original := signedNote(t)
	earlier := note.Amendment{Reason: "score", Sections: map[note.Section]string{note.Objective: "IIEF-5: 19."}, By: 7, At: noteNow.Add(-time.Minute)}
	current := note.Current(original, []note.Amendment{earlier})
	all := func() map[string]string { // a form sends every section as it reads now
		m := map[string]string{"data": ""}
		for s, v := range current.Sections {
			m[string(s)] = v
		}
		return m
	}
	for _, tc := range []struct {
		name     string
		in       func() AmendInput
		fields   []string
		sections []note.Section
		pli      bool
	}{
		{"one section of the form changed", func() AmendInput {
			m := all()
			m["plan"] = "Stage 3."
			return AmendInput{Reason: "plan changed", Sections: m}
		}, nil, []note.Section{note.Plan}, false},
		{"the original text of an amended section again", func() AmendInput {
			m := all()
			m["objective"] = original.Sections[note.Objective]
			return AmendInput{Reason: "undo", Sections: m}
		}, nil, []note.Section{note.Objective}, false},
		{"a new P/LI record", func() AmendInput {
			return AmendInput{Reason: "info", Sections: all(), PLI: &plissit.PLIRecord{Information: []string{"refractory period", " "}}}
		}, nil, nil, true},
		{"the same P/LI record", func() AmendInput {
			return AmendInput{Reason: "x", Sections: all(), PLI: &plissit.PLIRecord{Topics: []string{"masturbation"}, Myths: []string{" erections must be spontaneous"}}}
		}, []string{"sections"}, nil, false},
		{"nothing changed", func() AmendInput { return AmendInput{Reason: "x", Sections: all()} }, []string{"sections"}, nil, false},
		{"nothing changed but spaces and line breaks", func() AmendInput {
			m := all()
			m["plan"] = " " + m["plan"] + "\r\n"
			return AmendInput{Reason: "x", Sections: m}
		}, []string{"sections"}, nil, false},
		{"a section written on lines from a browser", func() AmendInput {
			m := all()
			m["plan"] = "Stage 3.\r\nReview in two weeks."
			return AmendInput{Reason: "plan", Sections: m}
		}, nil, []note.Section{note.Plan}, false},
		{"nothing at all", func() AmendInput { return AmendInput{} }, []string{"reason", "sections"}, nil, false},
		{"no reason", func() AmendInput {
			m := all()
			m["plan"] = "Stage 3."
			return AmendInput{Reason: " ", Sections: m}
		}, []string{"reason"}, nil, false},
		{"a section emptied", func() AmendInput {
			m := all()
			m["plan"] = " "
			return AmendInput{Reason: "x", Sections: m}
		}, []string{"sections.plan"}, nil, false},
		{"a DAP section written in a SOAP note", func() AmendInput {
			m := all()
			m["data"] = "x"
			return AmendInput{Reason: "x", Sections: m}
		}, []string{"sections"}, nil, false},
		{"a reason over the limit", func() AmendInput {
			return AmendInput{Reason: strings.Repeat("r", note.MaxReason+1), Sections: map[string]string{"plan": "Stage 3."}}
		}, []string{"reason"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := checkAmendment(original, []note.Amendment{earlier}, tc.in(), 8, noteNow)
			wantNoteFields(t, err, tc.fields...)
			if err != nil {
				return
			}
			got := slices.Sorted(func(yield func(note.Section) bool) {
				for s := range a.Sections {
					if !yield(s) {
						return
					}
				}
			})
			if !slices.Equal(got, tc.sections) || (a.PLI != nil) != tc.pli || a.By != 8 || !a.At.Equal(noteNow) {
				t.Errorf("amendment %+v, want sections %v, P/LI %v", a, tc.sections, tc.pli)
			}
			for sec, v := range a.Sections {
				if strings.Contains(v, "\r") {
					t.Errorf("section %s keeps a carriage return: %q", sec, v)
				}
			}
			if a.PLI != nil && slices.Contains(a.PLI.Information, " ") {
				t.Error("a blank P/LI entry is kept")
			}
		})
	}

	draft, _ := checkDraft(soapInput(), noteNow)
	_, err := checkAmendment(draft, nil, AmendInput{Reason: "x", Sections: map[string]string{"plan": "y"}}, 7, noteNow)
	if e := certboard.As(err); e == nil || e.Code != certboard.Conflict {
		t.Errorf("amending a draft: %v, want a Conflict", err)
	}
}

// TestCheckPsychotherapy: the date and the text are checked; the author
// and time are the use case's.
func TestCheckPsychotherapy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     PsychotherapyInput
		fields []string
	}{
		{"complete", PsychotherapyInput{DateOfService: "2026-03-02", Text: "Transference."}, nil},
		{"an earlier session", PsychotherapyInput{DateOfService: "2025-12-31", Text: "Transference."}, nil},
		{"nothing", PsychotherapyInput{}, []string{"date_of_service", "text"}},
		{"not a date", PsychotherapyInput{DateOfService: "2026-3-2", Text: "x"}, []string{"date_of_service"}},
		{"tomorrow", PsychotherapyInput{DateOfService: "2026-03-03", Text: "x"}, []string{"date_of_service"}},
		{"blank text", PsychotherapyInput{DateOfService: "2026-03-02", Text: "\n\t"}, []string{"text"}},
		{"text at the limit", PsychotherapyInput{DateOfService: "2026-03-02", Text: strings.Repeat("ü", note.MaxPsychotherapy)}, nil},
		{"text over the limit", PsychotherapyInput{DateOfService: "2026-03-02", Text: strings.Repeat("ü", note.MaxPsychotherapy+1)}, []string{"text"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := checkPsychotherapy(tc.in, 7, noteNow)
			wantNoteFields(t, err, tc.fields...)
			if err == nil && (n.Author != 7 || !n.WrittenAt.Equal(noteNow) || n.Text != tc.in.Text) {
				t.Errorf("%+v", n)
			}
		})
	}
}

// TestProgressNoteReading: the status, the note as amended and the
// sections an amendment changed.
func TestProgressNoteReading(t *testing.T) {
	draft, _ := checkDraft(soapInput(), noteNow)
	if s := (ProgressNote{Note: draft}).Status(); s != NoteDraft || s.Label() != "Draft" {
		t.Errorf("draft: %s", s)
	}
	n := ProgressNote{Note: signedNote(t)}
	if n.Status() != NoteSigned || n.Amended() {
		t.Errorf("signed: %s, amended %v", n.Status(), n.Amended())
	}
	if s, pli := n.AmendedSections(); s != nil || pli {
		t.Errorf("unamended: %v %v", s, pli)
	}
	n.Amendments = []NoteAmendment{
		{Seq: 1, Amendment: note.Amendment{Sections: map[note.Section]string{note.Plan: "Stage 3."}}},
		{Seq: 2, Amendment: note.Amendment{Sections: map[note.Section]string{note.Subjective: "S."}, PLI: &plissit.PLIRecord{Topics: []string{"t"}}}},
		{Seq: 3, Amendment: note.Amendment{Sections: map[note.Section]string{note.Plan: "Stage 2."}}},
	}
	s, pli := n.AmendedSections()
	if !slices.Equal(s, []note.Section{note.Subjective, note.Plan}) || !pli || !n.Amended() {
		t.Errorf("amended sections %v, P/LI %v", s, pli)
	}
	cur := n.Current()
	if cur.Sections[note.Plan] != "Stage 2." || cur.Sections[note.Subjective] != "S." || cur.PLI.Topics[0] != "t" {
		t.Errorf("current %+v", cur)
	}
	if n.Note.Sections[note.Plan] != "Continue sensate focus, stage 2." {
		t.Error("Current changed the original")
	}
	c := CaseNotes{Notes: []ProgressNote{n}}
	if got, ok := c.On(date.MustParse("2026-03-02")); !ok || got.Note.Format != note.SOAP {
		t.Error("On does not find the note of its day")
	}
	if _, ok := c.On(date.MustParse("2026-03-01")); ok {
		t.Error("On finds a note of another day")
	}
}

// TestBuildNotesExport: signed notes with their originals and amendments;
// drafts by date only; psychotherapy notes only when asked, and only the
// exporter's own.
func TestBuildNotesExport(t *testing.T) {
	signed := signedNote(t)
	draft, _ := checkDraft(NoteInput{DateOfService: "2026-03-01", Format: "dap"}, noteNow)
	amended := ProgressNote{ID: 2, CaseID: 5, ClientID: 9, AuthorID: 7, AuthorName: "Ana", Note: signed, Amendments: []NoteAmendment{
		{Seq: 1, ByName: "Ben", Amendment: note.Amendment{Reason: "wrong score", Sections: map[note.Section]string{note.Objective: "IIEF-5: 19."}, By: 8, At: noteNow}},
	}}
	plain := ProgressNote{ID: 1, CaseID: 5, ClientID: 9, AuthorID: 7, AuthorName: "Ana", Note: signed}
	plain.Note.DateOfService = date.MustParse("2026-02-23")
	notes := []ProgressNote{amended, {ID: 3, AuthorID: 7, Note: draft}, plain}
	psych := []PsychotherapyNote{
		{ID: 1, Note: note.Psychotherapy{DateOfService: signed.DateOfService, Author: 7, Text: "mine", WrittenAt: noteNow}},
		{ID: 2, Note: note.Psychotherapy{DateOfService: signed.DateOfService, Author: 8, Text: "theirs", WrittenAt: noteNow}},
	}
	by := Actor{UserID: 7, Name: "Ana"}

	x := buildNotesExport(5, 9, by, noteNow, notes, psych, note.Include{})
	if x.Format != NotesExportFormat || x.CaseID != 5 || x.ClientID != 9 || x.ExportedBy != (ExportedPerson{7, "Ana"}) ||
		x.ExportedAt.Location() != time.UTC {
		t.Errorf("header %+v", x)
	}
	if len(x.ProgressNotes) != 2 || x.ProgressNotes[0].ID != 2 || x.ProgressNotes[1].ID != 1 {
		t.Fatalf("progress notes %+v", x.ProgressNotes)
	}
	if !slices.Equal(x.DraftsLeftOut, []date.Date{date.MustParse("2026-03-01")}) {
		t.Errorf("drafts left out %v", x.DraftsLeftOut)
	}
	a := x.ProgressNotes[0]
	if !a.Amended || a.Sections[note.Objective] != "IIEF-5: 19." || a.Original == nil ||
		a.Original.Sections[note.Objective] != "Calm, engaged. IIEF-5: 18." || len(a.Amendments) != 1 ||
		a.Amendments[0].By != (ExportedPerson{8, "Ben"}) || a.Amendments[0].Reason != "wrong score" {
		t.Errorf("amended note %+v", a)
	}
	if p := x.ProgressNotes[1]; p.Amended || p.Original != nil || p.Amendments != nil || p.Author.Name != "Ana" || p.SignedAt.IsZero() {
		t.Errorf("unamended note %+v", p)
	}
	if x.PsychotherapyAsked || x.PsychotherapyNotes != nil {
		t.Errorf("psychotherapy notes by default: %+v", x.PsychotherapyNotes)
	}
	doc, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"psychotherapy_notes":`, "mine", "theirs"} {
		if strings.Contains(string(doc), s) {
			t.Errorf("the default export holds %s: %s", s, doc)
		}
	}
	for _, s := range []string{`"format":"certboard.practice.notes/v1"`, `"drafts_left_out":["2026-03-01"]`, `"original":{`, `"reason":"wrong score"`} {
		if !strings.Contains(string(doc), s) {
			t.Errorf("the export lacks %s: %s", s, doc)
		}
	}

	x = buildNotesExport(5, 9, by, noteNow, notes, psych, note.Include{Psychotherapy: true})
	if !x.PsychotherapyAsked || len(x.PsychotherapyNotes) != 1 || x.PsychotherapyNotes[0].Text != "mine" {
		t.Errorf("psychotherapy notes asked for: %+v", x.PsychotherapyNotes)
	}
	empty := buildNotesExport(5, 9, by, noteNow, nil, nil, note.Include{})
	doc, _ = json.Marshal(empty)
	if !strings.Contains(string(doc), `"progress_notes":[]`) || !strings.Contains(string(doc), `"drafts_left_out":[]`) {
		t.Errorf("an empty export: %s", doc)
	}
}

// second returns the error of a pair.
func second[T any](_ T, err error) error { return err }
