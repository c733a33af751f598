package measure

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
)

// TestShippedTextsFitInstruments checks, for every instrument, that texts
// ship exactly for those that may ship them, and that every shipped item
// has answers for exactly the values measure.Lookup allows, each labelled.
func TestShippedTextsFitInstruments(t *testing.T) {
	for _, id := range IDs() {
		in, _ := Lookup(id)
		tx, ok := ShippedTexts(id)
		if ok != in.ShipsItems {
			t.Errorf("%s: ShippedTexts ok = %v; ShipsItems is %v", id, ok, in.ShipsItems)
			continue
		}
		if !ok {
			if tx.Instrument != "" || tx.Items != nil {
				t.Errorf("%s: texts %+v returned with false", id, tx)
			}
			continue
		}
		if tx.Instrument != id {
			t.Errorf("%s: instrument %q", id, tx.Instrument)
		}
		if tx.Source == "" || tx.LeadIn == "" {
			t.Errorf("%s: source %q, lead-in %q; want both", id, tx.Source, tx.LeadIn)
		}
		if tx.Read != date.MustParse("2026-12-07") {
			t.Errorf("%s: read %v; want 2026-12-07", id, tx.Read)
		}
		for _, u := range tx.Unconfirmed {
			if !strings.HasPrefix(u, "UNCONFIRMED") {
				t.Errorf("%s: note %q does not start UNCONFIRMED", id, u)
			}
		}
		if len(tx.Items) != len(in.Items) {
			t.Fatalf("%s: %d item texts; the instrument has %d items", id, len(tx.Items), len(in.Items))
		}
		for i, it := range tx.Items {
			want := in.Items[i]
			if it.Number != want.Number {
				t.Errorf("%s: item text %d has number %d; want %d", id, i, it.Number, want.Number)
			}
			if it.Text == "" {
				t.Errorf("%s item %d: no text", id, it.Number)
			}
			var values []int
			for _, a := range it.Answers {
				values = append(values, a.Value)
				if a.Label == "" {
					t.Errorf("%s item %d answer %d: no label", id, it.Number, a.Value)
				}
			}
			slices.Sort(values)
			if !slices.Equal(values, want.Allowed) {
				t.Errorf("%s item %d: answers for %v; the item allows %v", id, it.Number, values, want.Allowed)
			}
		}
	}
}

// TestShippedWording pins the wording the brief and the sources agree on:
// the lead-ins, the answer labels and their scores, PHQ-9's unscored
// closing question, AUDIT's items 9 and 10 scoring 0, 2 or 4, and AUDIT-C
// being AUDIT's items 1 to 3.
func TestShippedWording(t *testing.T) {
	freq := []Answer{{0, "Not at all"}, {1, "Several days"}, {2, "More than half the days"}, {3, "Nearly every day"}}

	phq, _ := ShippedTexts("phq-9")
	if want := "Over the last 2 weeks, how often have you been bothered by any of the following problems?"; phq.LeadIn != want {
		t.Errorf("phq-9 lead-in %q; want %q", phq.LeadIn, want)
	}
	if want := "Thoughts that you would be better off dead or of hurting yourself in some way"; phq.Items[8].Text != want {
		t.Errorf("phq-9 item 9 %q; want %q", phq.Items[8].Text, want)
	}
	if want := "Feeling bad about yourself — or that you are a failure or have let yourself or your family down"; phq.Items[5].Text != want {
		t.Errorf("phq-9 item 6 %q; want %q", phq.Items[5].Text, want)
	}
	for _, it := range phq.Items {
		if !slices.Equal(it.Answers, freq) {
			t.Errorf("phq-9 item %d answers %v; want %v", it.Number, it.Answers, freq)
		}
	}
	if phq.Closing == nil || !strings.HasPrefix(phq.Closing.Text, "If you checked off any problems, how difficult") ||
		!slices.Equal(phq.Closing.Labels, []string{"Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"}) {
		t.Errorf("phq-9 closing %+v", phq.Closing)
	}

	gad, _ := ShippedTexts("gad-7")
	if !strings.HasPrefix(gad.LeadIn, "Over the last 2 weeks, how often have you been bothered by") {
		t.Errorf("gad-7 lead-in %q", gad.LeadIn)
	}
	for _, it := range gad.Items {
		if !slices.Equal(it.Answers, freq) {
			t.Errorf("gad-7 item %d answers %v; want %v", it.Number, it.Answers, freq)
		}
	}
	if gad.Closing != nil {
		t.Errorf("gad-7 closing %+v; none is shipped", gad.Closing)
	}
	if len(gad.Unconfirmed) == 0 {
		t.Error("gad-7: its wording differs between sources and must say so")
	}

	audit, _ := ShippedTexts("audit")
	yesNo := []Answer{{0, "No"}, {2, "Yes, but not in the last year"}, {4, "Yes, during the last year"}}
	for _, n := range []int{9, 10} {
		if got := audit.Items[n-1].Answers; !slices.Equal(got, yesNo) {
			t.Errorf("audit item %d answers %v; want %v", n, got, yesNo)
		}
	}
	if want := []Answer{{0, "1 or 2"}, {1, "3 or 4"}, {2, "5 or 6"}, {3, "7, 8, or 9"}, {4, "10 or more"}}; !slices.Equal(audit.Items[1].Answers, want) {
		t.Errorf("audit item 2 answers %v; want %v", audit.Items[1].Answers, want)
	}
	if want := "How often do you have six or more drinks on one occasion?"; audit.Items[2].Text != want {
		t.Errorf("audit item 3 %q; want %q", audit.Items[2].Text, want)
	}

	c, _ := ShippedTexts("audit-c")
	if c.Instrument != "audit-c" || c.LeadIn != audit.LeadIn || c.Read != audit.Read || !strings.HasPrefix(c.Source, audit.Source) {
		t.Errorf("audit-c %q lead-in %q read %v source %q; want AUDIT's", c.Instrument, c.LeadIn, c.Read, c.Source)
	}
	if len(c.Items) != 3 {
		t.Fatalf("audit-c has %d items; want 3", len(c.Items))
	}
	for i, it := range c.Items {
		a := audit.Items[i]
		if it.Number != a.Number || it.Text != a.Text || !slices.Equal(it.Answers, a.Answers) {
			t.Errorf("audit-c item %d %+v; want AUDIT's %+v", i+1, it, a)
		}
	}
}

// TestShippedTextsAreCopies checks that changing the texts a caller gets
// changes nothing for the next caller.
func TestShippedTextsAreCopies(t *testing.T) {
	for _, id := range []string{"phq-9", "gad-7", "audit-c", "audit"} {
		a, _ := ShippedTexts(id)
		a.LeadIn = "changed"
		a.Items[0].Text = "changed"
		a.Items[0].Answers[0].Label = "changed"
		a.Items = a.Items[:1]
		if a.Closing != nil {
			a.Closing.Labels[0] = "changed"
		}
		if len(a.Unconfirmed) > 0 {
			a.Unconfirmed[0] = "changed"
		}
		b, _ := ShippedTexts(id)
		in, _ := Lookup(id)
		if b.LeadIn == "changed" || b.Items[0].Text == "changed" || b.Items[0].Answers[0].Label == "changed" ||
			len(b.Items) != len(in.Items) || (b.Closing != nil && b.Closing.Labels[0] == "changed") ||
			(len(b.Unconfirmed) > 0 && b.Unconfirmed[0] == "changed") {
			t.Errorf("%s: a caller's change reached the shipped texts", id)
		}
	}
}

// TestNoLicensedTextShips checks that the embedded files are exactly the
// free instruments': no wording of IIEF-5, PEDT, FSFI or ASEX is in
// certboard's source.
func TestNoLicensedTextShips(t *testing.T) {
	names, err := fs.Glob(itemFiles, "items/*")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"items/audit.yaml", "items/gad-7.yaml", "items/phq-9.yaml"}
	if !slices.Equal(names, want) {
		t.Errorf("embedded item files %v; want %v", names, want)
	}
	for _, name := range names {
		in, ok := Lookup(strings.TrimSuffix(strings.TrimPrefix(name, "items/"), ".yaml"))
		if !ok || !in.ShipsItems {
			t.Errorf("%s: not an instrument that ships its items", name)
		}
	}
}

// placeholder returns a valid item-text file for in with placeholder
// wording: every item in order, every allowed answer in increasing order.
func placeholder(in Instrument) string {
	var b strings.Builder
	fmt.Fprintf(&b, "instrument: %s\nsource: Licensed copy held by the practice\nlead_in: \"[%s instructions]\"\nitems:\n", in.ID, in.Name)
	for _, it := range in.Items {
		fmt.Fprintf(&b, "  - number: %d\n    text: \"[item %d]\"\n    answers:\n", it.Number, it.Number)
		for _, v := range it.Allowed {
			fmt.Fprintf(&b, "      - {value: %d, label: \"[label %d]\"}\n", v, v)
		}
	}
	return b.String()
}

// TestParseTextsAccepts parses a complete file for every licensed
// instrument, and checks what ParseTexts keeps: items in number order
// whatever the file's order, answers in the file's order, white space
// around texts trimmed, the source on one line, line breaks in a lead-in.
func TestParseTextsAccepts(t *testing.T) {
	for _, id := range licensedIDs() {
		in, _ := Lookup(id)
		tx, err := ParseTexts(id, []byte(placeholder(in)))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if tx.Instrument != id || tx.Source != "Licensed copy held by the practice" || tx.LeadIn != "["+in.Name+" instructions]" ||
			!tx.Read.IsZero() || tx.Unconfirmed != nil || tx.Closing != nil {
			t.Errorf("%s: %+v", id, tx)
		}
		if len(tx.Items) != len(in.Items) {
			t.Fatalf("%s: %d items; want %d", id, len(tx.Items), len(in.Items))
		}
		for i, it := range tx.Items {
			if it.Number != i+1 || it.Text != fmt.Sprintf("[item %d]", i+1) || len(it.Answers) != len(in.Items[i].Allowed) {
				t.Errorf("%s item %d: %+v", id, i+1, it)
			}
			for j, a := range it.Answers {
				if v := in.Items[i].Allowed[j]; a.Value != v || a.Label != fmt.Sprintf("[label %d]", v) {
					t.Errorf("%s item %d answer %d: %+v", id, i+1, j, a)
				}
			}
		}
	}

	const shuffled = `instrument: iief-5
source: |
  IIEF-5, licensed
  to the practice
lead_in: |
  [First paragraph.]

  [Second paragraph.]
items:
  - number: 5
    text: "  [five]  "
    answers: [{value: 5, label: "[e]"}, {value: 4, label: "[d]"}, {value: 3, label: "[c]"}, {value: 2, label: "[b]"}, {value: 1, label: "[a]"}]
  - {number: 1, text: "[one]", answers: [{value: 1, label: "[a]"}, {value: 2, label: "[b]"}, {value: 3, label: "[c]"}, {value: 4, label: "[d]"}, {value: 5, label: "  [e]  "}]}
  - {number: 3, text: "[three]", answers: [{value: 1, label: "[a]"}, {value: 2, label: "[b]"}, {value: 3, label: "[c]"}, {value: 4, label: "[d]"}, {value: 5, label: "[e]"}]}
  - {number: 2, text: "[two]", answers: [{value: 1, label: "[a]"}, {value: 2, label: "[b]"}, {value: 3, label: "[c]"}, {value: 4, label: "[d]"}, {value: 5, label: "[e]"}]}
  - {number: 4, text: "[four]", answers: [{value: 1, label: "[a]"}, {value: 2, label: "[b]"}, {value: 3, label: "[c]"}, {value: 4, label: "[d]"}, {value: 5, label: "[e]"}]}
`
	tx, err := ParseTexts("iief-5", []byte(shuffled))
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, it := range tx.Items {
		numbers = append(numbers, it.Number)
	}
	if !slices.Equal(numbers, []int{1, 2, 3, 4, 5}) {
		t.Errorf("item numbers %v; want 1 to 5 in order", numbers)
	}
	if tx.Items[4].Text != "[five]" || tx.Items[4].Answers[0] != (Answer{5, "[e]"}) || tx.Items[0].Answers[4] != (Answer{5, "[e]"}) {
		t.Errorf("items 1 and 5: %+v, %+v", tx.Items[0], tx.Items[4])
	}
	if tx.Source != "IIEF-5, licensed to the practice" {
		t.Errorf("source %q; want it on one line", tx.Source)
	}
	if tx.LeadIn != "[First paragraph.]\n\n[Second paragraph.]" {
		t.Errorf("lead-in %q; want its line breaks kept", tx.LeadIn)
	}
}

// TestParseTextsLimits checks each limit on both sides: the file's size
// and the length of the source, lead-in, item text and label.
func TestParseTextsLimits(t *testing.T) {
	asex, _ := Lookup("asex")
	base := placeholder(asex)
	pad := func(n int) string { return strings.Repeat("x", n) }
	for _, tt := range []struct {
		name  string
		file  string
		field string // "" when accepted
	}{
		{"file of exactly MaxTextsSize bytes", base + "#" + pad(MaxTextsSize-len(base)-2) + "\n", ""},
		{"file one byte over", base + "#" + pad(MaxTextsSize-len(base)-1) + "\n", "file"},
		{"source at the limit", strings.Replace(base, "Licensed copy held by the practice", pad(MaxSourceLen), 1), ""},
		{"source over", strings.Replace(base, "Licensed copy held by the practice", pad(MaxSourceLen+1), 1), "source"},
		{"lead-in at the limit", strings.Replace(base, "[ASEX instructions]", pad(MaxLeadInLen), 1), ""},
		{"lead-in over", strings.Replace(base, "[ASEX instructions]", pad(MaxLeadInLen+1), 1), "lead_in"},
		{"text at the limit", strings.Replace(base, "[item 2]", pad(MaxItemTextLen), 1), ""},
		{"text over", strings.Replace(base, "[item 2]", pad(MaxItemTextLen+1), 1), "item 2"},
		{"label at the limit", strings.Replace(base, "[label 4]", pad(MaxLabelLen), 1), ""},
		{"label over", strings.Replace(base, "[label 4]", pad(MaxLabelLen+1), 1), "item 1, answer 4"},
		{"characters, not bytes", strings.Replace(base, "[label 4]", strings.Repeat("é", MaxLabelLen), 1), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTexts("asex", []byte(tt.file))
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := certboard.As(err)
			if e == nil || e.Field != tt.field {
				t.Fatalf("error %v; want one on %q", err, tt.field)
			}
		})
	}
	big := []byte(base + "#" + pad(MaxTextsSize) + "\n")
	_, err := ParseTexts("asex", big)
	e := certboard.As(err)
	if e == nil || e.Code != certboard.TooLarge || e.Extra["limit"] != MaxTextsSize {
		t.Errorf("over the size limit: %#v; want TooLarge with the limit", e)
	}
}

// TestParseTextsRefuses checks every refusal: the error's code, the field
// it names and what its message says.
func TestParseTextsRefuses(t *testing.T) {
	iief, _ := Lookup("iief-5")
	fsfi, _ := Lookup("fsfi")
	good := placeholder(iief)
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			panic("no " + old)
		}
		return strings.Replace(good, old, new, 1)
	}
	// item1 is item 1 of the IIEF-5 placeholder, answers and all.
	item1 := "  - number: 1\n    text: \"[item 1]\"\n    answers:\n" +
		"      - {value: 1, label: \"[label 1]\"}\n      - {value: 2, label: \"[label 2]\"}\n" +
		"      - {value: 3, label: \"[label 3]\"}\n      - {value: 4, label: \"[label 4]\"}\n" +
		"      - {value: 5, label: \"[label 5]\"}\n"
	for _, tt := range []struct {
		name  string
		id    string
		file  string
		code  certboard.Code
		field string
		says  string
	}{
		{"unknown instrument", "bdi-ii", good, certboard.Invalid, "instrument", `unknown instrument "bdi-ii"; item texts can be imported for iief-5, pedt, fsfi or asex`},
		{"PHQ-9 ships its own", "phq-9", good, certboard.Invalid, "instrument", "PHQ-9 ships its item texts with certboard"},
		{"GAD-7 ships its own", "gad-7", good, certboard.Invalid, "instrument", "GAD-7 ships its item texts"},
		{"AUDIT-C ships its own", "audit-c", good, certboard.Invalid, "instrument", "AUDIT-C ships its item texts"},
		{"AUDIT ships its own", "audit", good, certboard.Invalid, "instrument", "AUDIT ships its item texts"},

		{"not UTF-8", "iief-5", edit("[item 2]", "\xff\xfe"), certboard.Malformed, "file", "not UTF-8"},
		{"empty", "iief-5", "", certboard.Malformed, "file", "the file is empty"},
		{"only a comment", "iief-5", "# nothing here\n", certboard.Malformed, "file", "the file is empty"},
		{"a list, not a mapping", "iief-5", "- instrument: iief-5\n", certboard.Malformed, "file", "YAML mapping with instrument"},
		{"a bare text", "iief-5", "hello\n", certboard.Malformed, "file", "YAML mapping with instrument"},
		{"two documents", "iief-5", good + "---\ninstrument: iief-5\n", certboard.Malformed, "file", "more than one YAML document"},
		{"an anchor", "iief-5", edit(`text: "[item 2]"`, `text: &t "[item 2]"`), certboard.Malformed, "file", "anchors and aliases are not allowed"},
		{"an alias", "iief-5", edit(`text: "[item 2]"`, `text: *t`), certboard.Malformed, "file", "anchors and aliases are not allowed"},
		{"unknown field at the top", "iief-5", good + "colour: blue\n", certboard.Malformed, "file", `unknown field "colour"`},
		{"unknown field in an item", "iief-5", edit(`text: "[item 2]"`, "text: \"[item 2]\"\n    note: x"), certboard.Malformed, "file", `unknown field "note"`},
		{"unknown field in an answer", "iief-5", edit(`{value: 2, label: "[label 2]"}`, `{value: 2, label: "[label 2]", score: 2}`), certboard.Malformed, "file", `unknown field "score"`},
		{"a number as text", "iief-5", edit("number: 3", "number: three"), certboard.Malformed, "file", `expected a whole number, found "three"`},
		{"a value as text", "iief-5", edit("value: 3", `value: "3"`), certboard.Malformed, "file", `expected a whole number, found "3"`},
		{"items not a list", "iief-5", "instrument: iief-5\nsource: s\nlead_in: l\nitems: all\n", certboard.Malformed, "file", "line 4: expected a list"},
		{"a text as a list", "iief-5", edit(`text: "[item 2]"`, "text: [a, b]"), certboard.Malformed, "file", "expected text, found a list"},
		{"an item as text", "iief-5", edit(item1, "  - item one\n"), certboard.Malformed, "file", "expected a mapping of fields"},
		{"a key twice", "iief-5", good + "source: again\n", certboard.Malformed, "file", `"source" already defined`},
		{"broken syntax", "iief-5", "instrument: iief-5\nsource: [unclosed\n", certboard.Malformed, "file", "line"},
		{"an unquoted colon", "iief-5", edit(`text: "[item 2]"`, "text: Over the past 6 months: how"), certboard.Malformed, "file", "quote a text that holds a colon"},

		{"no instrument", "iief-5", strings.TrimPrefix(good, "instrument: iief-5\n"), certboard.Invalid, "instrument", "is missing; write instrument: iief-5"},
		{"another instrument's file", "asex", good, certboard.Invalid, "instrument", `the file is for "iief-5" but is being imported for asex`},
		{"no source", "iief-5", edit("source: Licensed copy held by the practice\n", ""), certboard.Invalid, "source", "the source is empty"},
		{"a control character in the source", "iief-5", edit("source: Licensed copy held by the practice", `source: "Licensed\u0007copy"`), certboard.Invalid, "source", "control character"},
		{"no lead-in", "iief-5", edit("lead_in: \"[IIEF-5 instructions]\"\n", ""), certboard.Invalid, "lead_in", "the lead-in is empty"},
		{"a tab in the lead-in", "iief-5", edit("[IIEF-5 instructions]", `[IIEF-5\tinstructions]`), certboard.Invalid, "lead_in", "control character other than a line break"},
		{"no items", "iief-5", "instrument: iief-5\nsource: s\nlead_in: l\n", certboard.Invalid, "items", "no items; list all 5 items of IIEF-5"},
		{"an empty list of items", "iief-5", "instrument: iief-5\nsource: s\nlead_in: l\nitems: []\n", certboard.Invalid, "items", "no items"},
		{"an item without a number", "iief-5", edit("number: 2\n    text", "text"), certboard.Invalid, "items entry 2", "has no number; give the item's number, 1 to 5"},
		{"item 0", "iief-5", edit("number: 2", "number: 0"), certboard.Invalid, "item 0", "IIEF-5 has items 1 to 5"},
		{"item 6", "iief-5", good + strings.Replace(item1, "number: 1", "number: 6", 1), certboard.Invalid, "item 6", "IIEF-5 has items 1 to 5; remove this entry or correct its number"},
		{"an item twice", "iief-5", good + item1, certboard.Invalid, "item 1", "is listed twice (lines 5 and 45); keep one"},
		{"an item missing", "iief-5", edit(item1, ""), certboard.Invalid, "item 1", "is missing; add item 1 with its text and its answers (1 to 5)"},
		{"an item without text", "iief-5", edit(`text: "[item 2]"`, `text: ""`), certboard.Invalid, "item 2", "the text is empty; write it exactly as the instrument prints it (line 14)"},
		{"an item text of spaces", "iief-5", edit(`text: "[item 2]"`, `text: "   "`), certboard.Invalid, "item 2", "the text is empty"},
		{"an item without answers", "iief-5", edit(item1, "  - number: 1\n    text: \"[item 1]\"\n"), certboard.Invalid, "item 1", "has no answers; list one answer for each of 1 to 5"},
		{"an answer without a value", "iief-5", edit(`{value: 3, label: "[label 3]"}`, `{label: "[label 3]"}`), certboard.Invalid, "item 1, answers entry 3", "has no value; give the score this answer carries, one of 1 to 5"},
		{"an answer of 0 where 1 to 5 are allowed", "iief-5", edit(`{value: 1, label: "[label 1]"}`, `{value: 0, label: "[label 1]"}`), certboard.Invalid, "item 1, answer 0", "IIEF-5 item 1 takes only 1 to 5; remove this answer or correct its value"},
		{"an answer of 6", "iief-5", edit(`{value: 5, label: "[label 5]"}`, "{value: 5, label: \"[label 5]\"}\n      - {value: 6, label: \"[label 6]\"}"), certboard.Invalid, "item 1, answer 6", "takes only 1 to 5"},
		{"an answer twice", "iief-5", edit(`{value: 2, label: "[label 2]"}`, "{value: 2, label: \"[label 2]\"}\n      - {value: 2, label: \"[again]\"}"), certboard.Invalid, "item 1, answer 2", "is listed twice (lines 9 and 10); keep one"},
		{"an answer missing", "iief-5", edit("      - {value: 4, label: \"[label 4]\"}\n", ""), certboard.Invalid, "item 1, answer 4", "is missing; add an answer with value 4 and its label"},
		{"an empty label", "iief-5", edit(`{value: 2, label: "[label 2]"}`, `{value: 2, label: ""}`), certboard.Invalid, "item 1, answer 2", "the label is empty"},
		{"no label", "iief-5", edit(`{value: 2, label: "[label 2]"}`, `{value: 2}`), certboard.Invalid, "item 1, answer 2", "the label is empty"},
		{"a label with a line break", "iief-5", edit(`label: "[label 2]"`, `label: "two\nlines"`), certboard.Invalid, "item 1, answer 2", "write it on one line"},
		{"two answers with one label", "iief-5", edit(`label: "[label 2]"`, `label: "[label 1]"`), certboard.Invalid, "item 1, answer 2", `has the same label as answer 1 ("[label 1]")`},
		{"FSFI item 1 takes no 0", "fsfi", strings.Replace(placeholder(fsfi), "{value: 1, label: \"[label 1]\"}", "{value: 0, label: \"[label 0]\"}\n      - {value: 1, label: \"[label 1]\"}", 1), certboard.Invalid, "item 1, answer 0", "FSFI item 1 takes only 1 to 5"},
		{"FSFI item 3 needs its 0", "fsfi", strings.Replace(placeholder(fsfi), "  - number: 3\n    text: \"[item 3]\"\n    answers:\n      - {value: 0, label: \"[label 0]\"}\n", "  - number: 3\n    text: \"[item 3]\"\n    answers:\n", 1), certboard.Invalid, "item 3, answer 0", "is missing; add an answer with value 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTexts(tt.id, []byte(tt.file))
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			var e *certboard.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v; want *certboard.Error", err, err)
			}
			if e.Code != tt.code || e.Field != tt.field || !strings.Contains(e.Message, tt.says) {
				t.Errorf("got %s %q %q;\nwant %s %q containing %q", e.Code, e.Field, e.Message, tt.code, tt.field, tt.says)
			}
			if !strings.HasPrefix(e.Message, e.Field+": ") {
				t.Errorf("message %q does not start with its field %q", e.Message, e.Field)
			}
			if got.Instrument != "" || got.Items != nil {
				t.Errorf("refused, yet returned %+v", got)
			}
		})
	}
}

// TestParseTextsReportsEveryProblem checks that a file with several
// problems names the first as the error's field and all of them in
// Fields.
func TestParseTextsReportsEveryProblem(t *testing.T) {
	in, _ := Lookup("asex")
	file := placeholder(in)
	file = strings.Replace(file, "source: Licensed copy held by the practice\n", "", 1)
	file = strings.Replace(file, `text: "[item 3]"`, `text: ""`, 1)
	file = strings.Replace(file, "      - {value: 6, label: \"[label 6]\"}\n", "", 1) // from item 1
	_, err := ParseTexts("asex", []byte(file))
	e := certboard.As(err)
	if e == nil || e.Code != certboard.Invalid || e.Field != "source" {
		t.Fatalf("error %v; want Invalid on source first", err)
	}
	want := []string{"source", "item 1, answer 6", "item 3"}
	var got []string
	for f := range e.Fields {
		got = append(got, f)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("fields %v; want %v", got, want)
	}
	for f, how := range e.Fields {
		if !strings.Contains(how, "(line ") {
			t.Errorf("%s: %q names no line", f, how)
		}
	}
}

// TestParseShippedRefuses checks what the shipped files must have beyond
// an import file: the day read, notes that say UNCONFIRMED, a closing
// question with its labels, and an instrument that ships its items.
func TestParseShippedRefuses(t *testing.T) {
	data, err := itemFiles.ReadFile("items/phq-9.yaml")
	if err != nil {
		t.Fatal(err)
	}
	good := string(data)
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			panic("no " + old)
		}
		return strings.Replace(good, old, new, 1)
	}
	if _, err := parseShipped("phq-9", data); err != nil {
		t.Fatalf("the shipped file: %v", err)
	}
	for _, tt := range []struct {
		name, id, file, field string
	}{
		{"licensed instrument", "asex", good, ""},
		{"another instrument", "gad-7", good, "instrument"},
		{"no read date", "phq-9", edit("read: 2026-12-07\n", ""), "read"},
		{"an impossible read date", "phq-9", edit("read: 2026-12-07", "read: 2026-02-30"), "read"},
		{"a note without UNCONFIRMED", "phq-9", edit("    UNCONFIRMED: the form", "    the form"), "unconfirmed entry 1"},
		{"a closing with an empty text", "phq-9", edit("  text: If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?", `  text: ""`), "closing"},
		{"a closing label twice", "phq-9", edit("    - Very difficult", "    - Somewhat difficult"), "closing, label 3"},
		{"a closing with one label", "phq-9", edit("    - Somewhat difficult\n    - Very difficult\n    - Extremely difficult\n", ""), "closing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseShipped(tt.id, []byte(tt.file))
			if err == nil {
				t.Fatal("accepted")
			}
			if tt.field != "" {
				if e := certboard.As(err); e.Field != tt.field {
					t.Errorf("error %v on %q; want %q", err, e.Field, tt.field)
				}
			}
		})
	}
}

// TestTextsDocExample keeps the import example in docs/measures.md
// ("Item texts") honest: it is a complete file that ParseTexts accepts.
func TestTextsDocExample(t *testing.T) {
	b, err := os.ReadFile("../../docs/measures.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "## Item texts")
	if i < 0 {
		t.Fatal("docs/measures.md has no section Item texts")
	}
	doc = doc[i:]
	start := strings.Index(doc, "```yaml\n")
	if start < 0 {
		t.Fatal("the section has no yaml example")
	}
	doc = doc[start+len("```yaml\n"):]
	example := doc[:strings.Index(doc, "```")]
	tx, err := ParseTexts("asex", []byte(example))
	if err != nil {
		t.Fatalf("the example is refused: %v", err)
	}
	if len(tx.Items) != 5 {
		t.Errorf("the example has %d items", len(tx.Items))
	}
}
