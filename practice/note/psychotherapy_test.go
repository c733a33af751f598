package note

import (
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
)

// psych returns a psychotherapy note that Check accepts on now.
func psych(author int64) Psychotherapy {
	return Psychotherapy{DateOfService: today, Author: author, Text: "Transference: anger at me as at his father.", WrittenAt: now.Add(-time.Hour)}
}

// TestPsychotherapyCheck: each field on both sides of its bounds.
func TestPsychotherapyCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*Psychotherapy)
		fields []string
	}{
		{"complete", func(*Psychotherapy) {}, nil},
		{"nothing", func(n *Psychotherapy) { *n = Psychotherapy{} }, []string{"date_of_service", "author", "text", "written_at"}},
		{"no date of service", func(n *Psychotherapy) { n.DateOfService = date.Date{} }, []string{"date_of_service"}},
		{"date of service tomorrow", func(n *Psychotherapy) { n.DateOfService = today.AddDays(1) }, []string{"date_of_service"}},
		{"author -1", func(n *Psychotherapy) { n.Author = -1 }, []string{"author"}},
		{"blank text", func(n *Psychotherapy) { n.Text = "\t" }, []string{"text"}},
		{"text at the limit", func(n *Psychotherapy) { n.Text = strings.Repeat("ü", MaxPsychotherapy) }, nil},
		{"text over the limit", func(n *Psychotherapy) { n.Text = strings.Repeat("ü", MaxPsychotherapy+1) }, []string{"text"}},
		{"text with a control character", func(n *Psychotherapy) { n.Text = "\x00" + n.Text }, []string{"text"}},
		{"written now", func(n *Psychotherapy) { n.WrittenAt = now }, nil},
		{"written after now", func(n *Psychotherapy) { n.WrittenAt = now.Add(time.Nanosecond) }, []string{"written_at"}},
		{"written before the session's day", func(n *Psychotherapy) {
			n.WrittenAt = time.Date(2026, 3, 1, 23, 59, 0, 0, now.Location())
		}, []string{"written_at"}},
		{"written at the start of the session's day", func(n *Psychotherapy) {
			n.WrittenAt = time.Date(2026, 3, 2, 0, 0, 0, 0, now.Location())
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := psych(7)
			tc.edit(&n)
			wantFields(t, n.Check(now), tc.fields...)
		})
	}
}

// TestPsychotherapyAccess: only the author reads a note, and nobody else
// learns it exists; an export takes notes only when asked, and then only
// the exporter's own.
func TestPsychotherapyAccess(t *testing.T) {
	n := psych(7)
	for _, tc := range []struct {
		reader int64
		may    bool
	}{{7, true}, {8, false}, {0, false}, {-7, false}} {
		err := n.MayRead(tc.reader)
		if tc.may != (err == nil) || (err != nil && certboard.ErrorCode(err) != certboard.NotFound) {
			t.Errorf("reader %d: %v", tc.reader, err)
		}
	}
	if err := (Psychotherapy{}).MayRead(0); err == nil {
		t.Error("a note without an author is read by nobody, not by account 0")
	}

	notes := []Psychotherapy{psych(7), psych(8), psych(7)}
	notes[2].Text = "second"
	if got := Exportable(notes, 7, Include{}); got != nil {
		t.Errorf("an export by default takes %v", got)
	}
	got := Exportable(notes, 7, Include{Psychotherapy: true})
	if len(got) != 2 || got[0].Author != 7 || got[1].Text != "second" {
		t.Errorf("an export asked for them takes %+v", got)
	}
	got[0].Text = "changed"
	if notes[0].Text == "changed" {
		t.Error("the export shares its slice with the notes")
	}
	if got := Exportable(notes, 9, Include{Psychotherapy: true}); len(got) != 0 {
		t.Errorf("an export by someone who wrote none takes %v", got)
	}
}
