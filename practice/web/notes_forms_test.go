package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
)

// wide is n characters that take the most room a character can in a
// urlencoded form: four bytes of UTF-8, each written %XX.
func wide(n int) string { return strings.Repeat("😀", n) }

// wideLines is n lines of width wide characters each.
func wideLines(n, width int) string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprint(i) + wide(width-len(fmt.Sprint(i)))
	}
	return strings.Join(lines, "\r\n")
}

// TestNoteFormsTakeTheirLimits: a note whose every text is at its limit,
// in the characters that encode widest, is read and kept, not refused as
// a form too large; one character more is refused at its field.
func TestNoteFormsTakeTheirLimits(t *testing.T) {
	w, _, caseID := notesWorld(t)
	prac := w.signIn(t, "practitioner")
	day := w.clock.now().Format("2006-01-02")
	notes := fmt.Sprintf("/case-notes/%d", caseID)

	full := url.Values{"date_of_service": {day}, "format": {"soap"}, "sections.data": {""},
		"pli.topics": {wideLines(plissit.MaxItems, plissit.MaxItem)}, "pli.myths": {wideLines(plissit.MaxItems, plissit.MaxItem)},
		"pli.information": {wideLines(plissit.MaxItems, plissit.MaxItem)}}
	for _, s := range []string{"subjective", "objective", "assessment", "plan"} {
		full.Set("sections."+s, wide(note.MaxSection))
	}
	over := url.Values{}
	for k, v := range full {
		over[k] = v
	}
	over.Set("sections.plan", wide(note.MaxSection+1))
	rec := w.do(t, http.MethodPost, notes, over, prac)
	wantPage(t, "a section over its limit", rec, rec.Body.String(), http.StatusUnprocessableEntity, `id="nf-plan-error"`, "at most 20000 characters")

	rec = w.do(t, http.MethodPost, notes, full, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a note at its limits: %d %.300s", rec.Code, rec.Body)
	}
	page := fmt.Sprintf("/notes/%d", noteOpened(t, rec))

	// Its draft saved again, signed, then amended at the limits.
	full.Set("version", "1")
	if rec = w.do(t, http.MethodPost, page, full, prac); rec.Code != http.StatusSeeOther {
		t.Fatalf("the draft at its limits saved again: %d %.300s", rec.Code, rec.Body)
	}
	if rec = w.do(t, http.MethodPost, page+"/sign", url.Values{"version": {"2"}, "confirm": {"yes"}}, prac); rec.Code != http.StatusSeeOther {
		t.Fatalf("signing: %d %.300s", rec.Code, rec.Body)
	}
	amend := url.Values{"version": {"3"}, "reason": {wide(note.MaxReason)}}
	for _, s := range []string{"subjective", "objective", "assessment", "plan"} {
		amend.Set("sections."+s, wide(note.MaxSection-1)+"!")
	}
	for _, l := range []string{"pli.topics", "pli.myths", "pli.information"} {
		amend.Set(l, full.Get(l))
	}
	if rec = w.do(t, http.MethodPost, page+"/amendments", amend, prac); rec.Code != http.StatusSeeOther {
		t.Fatalf("an amendment at its limits: %d %.300s", rec.Code, rec.Body)
	}

	rec = w.do(t, http.MethodPost, notes+"/psychotherapy", url.Values{"psychotherapy.date_of_service": {day},
		"psychotherapy.text": {wide(note.MaxPsychotherapy)}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a psychotherapy note at its limit: %d %.300s", rec.Code, rec.Body)
	}
}
