package ce

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
)

// goodEntry is a form's fields for a valid entry.
func goodEntry() map[string]string {
	return map[string]string{"date": "2026-03-02", "title": "Pleasure, desire and consent", "provider": "Sunrise Sexuality Institute",
		"provider_kind": "approved_provider", "approved_by": "aasect", "kind": "ce", "delivery": "live_online", "hours": "6", "sexuality_related": "yes"}
}

func TestParseEntry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change map[string]string
		want   string // fields with problems
		text   string // part of the messages
	}{
		{"good", nil, "", ""},
		{"quarter hours", map[string]string{"hours": "1.25"}, "", ""},
		{"a point first", map[string]string{"hours": ".5"}, "", ""},
		{"most hours", map[string]string{"hours": "100"}, "", ""},
		{"today", map[string]string{"date": "2026-06-30"}, "", ""},
		{"no approval", map[string]string{"approved_by": " ", "provider_kind": "other_ce"}, "", ""},
		{"no date", map[string]string{"date": ""}, "date", "is required, as YYYY-MM-DD"},
		{"a date written otherwise", map[string]string{"date": "03/02/2026"}, "date", `"03/02/2026" is not a date written YYYY-MM-DD`},
		{"no such day", map[string]string{"date": "2026-02-30"}, "date", "not a date"},
		{"future", map[string]string{"date": "2026-07-01"}, "date", "in the future (today is 2026-06-30)"},
		{"no title", map[string]string{"title": "  "}, "title", "is required"},
		{"title over two lines", map[string]string{"title": "one\ntwo"}, "title", "control character"},
		{"long provider", map[string]string{"provider": strings.Repeat("p", 201)}, "provider", "at most 200"},
		{"unknown provider kind", map[string]string{"provider_kind": "university"}, "provider_kind", `"university" is not one of approved_provider`},
		{"unknown kind", map[string]string{"kind": "webinar"}, "kind", `"webinar" is not one of ce, training`},
		{"no delivery", map[string]string{"delivery": ""}, "delivery", "is required: one of in_person"},
		{"zero hours", map[string]string{"hours": "0"}, "hours", "must be more than 0"},
		{"negative hours", map[string]string{"hours": "-2"}, "hours", "must be more than 0 (-2 is given)"},
		{"three decimals", map[string]string{"hours": "1.333"}, "hours", "more than two decimals"},
		{"a decimal comma", map[string]string{"hours": "1,5"}, "hours", "with a point"},
		{"words", map[string]string{"hours": "six"}, "hours", "not a number of hours"},
		{"an exponent", map[string]string{"hours": "1e2"}, "hours", "not a number of hours"},
		{"too many hours", map[string]string{"hours": "100.5"}, "hours", "more than 100"},
		{"maybe", map[string]string{"sexuality_related": "maybe"}, "sexuality_related", `"maybe" is not yes or no`},
		{"nothing", map[string]string{"date": "", "title": "", "provider": "", "provider_kind": "", "approved_by": "", "kind": "", "delivery": "", "hours": "", "sexuality_related": ""},
			"date,title,provider,provider_kind,kind,delivery,hours,sexuality_related", "required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := goodEntry()
			for k, v := range tc.change {
				f[k] = v
			}
			e, ps := ParseEntry(func(c string) string { return f[c] }, today)
			if got := fields(ps); got != tc.want {
				t.Fatalf("problems in %q, want %q: %v", got, tc.want, ps)
			}
			if tc.text != "" && !strings.Contains(ps.Error(), tc.text) {
				t.Errorf("%q does not say %q", ps.Error(), tc.text)
			}
			if tc.want == "" && (e.Date.IsZero() || e.Hours <= 0 || e.Title == "" || e.Provider == "") {
				t.Errorf("a good entry read as %+v", e)
			}
		})
	}
	e, _ := ParseEntry(func(c string) string { return goodEntry()[c] }, today)
	if strings.Join(e.ApprovedBy, ",") != "AASECT" || !e.SexualityRelated || e.Hours != 6 || e.Date != date.MustParse("2026-03-02") {
		t.Errorf("read %+v", e)
	}
	f := goodEntry()
	f["approved_by"] = "Florida CE Broker;  AASECT ; aasect;"
	if e, _ := ParseEntry(func(c string) string { return f[c] }, today); strings.Join(e.ApprovedBy, "|") != "Florida CE Broker|AASECT" {
		t.Errorf("approved by %q", e.ApprovedBy)
	}
}

func TestEntryKey(t *testing.T) {
	a := Entry{Date: date.MustParse("2026-03-02"), Title: "Desire  and consent", Provider: "Sunrise", Hours: 1.5}
	b := Entry{Date: date.MustParse("2026-03-02"), Title: " desire and CONSENT", Provider: "sunrise ", Hours: 1.50}
	if a.Key() != b.Key() {
		t.Errorf("%q != %q", a.Key(), b.Key())
	}
	b.Hours = 1.75
	if a.Key() == b.Key() {
		t.Error("other hours, the same key")
	}
}

const entryHeaderRow = "date,title,provider,provider_kind,approved_by,kind,delivery,hours,sexuality_related\n"

// problemsOf writes a row's problems as line:column, for comparing.
func problemsOf(rows []EntryRow) string {
	var out []string
	for _, r := range rows {
		for _, p := range r.Problems {
			out = append(out, fmt.Sprintf("%d:%s", r.Line, p.Field))
		}
	}
	return strings.Join(out, " ")
}

func TestReadEntries(t *testing.T) {
	text := "\uFEFF" + entryHeaderRow +
		`2026-03-02,"Pleasure, desire and consent",Sunrise Sexuality Institute,approved_provider,AASECT,ce,live_online,6,yes` + "\r\n" +
		",,,,,,,,\n" + // a spreadsheet's empty row
		`2026-04-10,"The ""good enough"" sex model",Coastal CE,other_ce,,ce,in_person,1.5,no` + "\n" +
		"2026-02-30,Bad date and hours,Coastal CE,other_ce,,ce,in_person,-1,yes\n" +
		"2026-05-01,Too few fields,Coastal CE\n" +
		`2026-05-02,A "bare" quote,Coastal CE,other_ce,,ce,in_person,1,yes` + "\n" +
		"2026-05-03,Taught a workshop,Bayside College,accredited_university,,teaching,in_person,3,yes\n"
	rows, err := ReadEntries(strings.NewReader(text), today)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	if got, want := problemsOf(rows), "5:date 5:hours 6: 7:"; got != want {
		t.Errorf("problems %q, want %q: %+v", got, want, rows)
	}
	if r := rows[0]; r.Line != 2 || r.Entry.Title != "Pleasure, desire and consent" || r.Entry.Hours != 6 || strings.Join(r.Entry.ApprovedBy, ",") != "AASECT" {
		t.Errorf("row 2: %+v", r)
	}
	if r := rows[1]; r.Line != 4 || r.Entry.Title != `The "good enough" sex model` || r.Entry.SexualityRelated || r.Entry.ApprovedBy != nil {
		t.Errorf("row 4 (after an empty row): %+v", r)
	}
	if !strings.Contains(rows[3].Problems.Error(), "has 3 fields, the header has 9") {
		t.Errorf("row 6: %v", rows[3].Problems)
	}
	if !strings.Contains(rows[4].Problems.Error(), "is not valid CSV") {
		t.Errorf("row 7: %v", rows[4].Problems)
	}
	if r := rows[5]; r.Line != 8 || len(r.Problems) != 0 || r.Entry.Kind != "teaching" {
		t.Errorf("row 8, read on after the broken ones: %+v", r)
	}
}

func TestReadEntriesColumnsInAnyOrder(t *testing.T) {
	rows, err := ReadEntries(strings.NewReader("Hours,DATE,title,provider,provider_kind,approved_by,kind,delivery,sexuality_related\n"+
		"2,2026-01-05,Ethics,Sunrise,approved_provider,AASECT,ce,in_person,y\n"), today)
	if err != nil || len(rows) != 1 || rows[0].Entry.Hours != 2 || rows[0].Entry.Title != "Ethics" || len(rows[0].Problems) != 0 {
		t.Fatalf("%+v %v", rows, err)
	}
}

// TestReadEntriesRefusesTheFile: a file over a limit, not UTF-8 or with a
// header that is not the template's is refused whole, saying why.
func TestReadEntriesRefusesTheFile(t *testing.T) {
	row := "2026-01-05,Ethics,Sunrise,approved_provider,AASECT,ce,in_person,2,yes\n"
	for _, tc := range []struct{ name, text, want string }{
		{"empty", "", "the file is empty"},
		{"an unknown column", strings.Replace(entryHeaderRow, "kind,delivery", "kind,venue", 1), `unknown column "venue" (column 7)`},
		{"a missing column", strings.Replace(entryHeaderRow, ",approved_by", "", 1), "missing column(s) approved_by"},
		{"a column twice", strings.TrimSuffix(entryHeaderRow, "\n") + ",hours\n", `column "hours" is named twice`},
		{"a column without a name", strings.TrimSuffix(entryHeaderRow, "\n") + ",\n", "column 10 has no name"},
		{"no header", row, `unknown column "2026-01-05"`},
		{"not UTF-8", entryHeaderRow + "2026-01-05,Th\xe9rapie,Sunrise,approved_provider,,ce,in_person,2,yes\n", "not UTF-8"},
		{"too large", entryHeaderRow + strings.Repeat(row, MaxEntryFileSize/len(row)+1), "larger than 1 MiB"},
		{"too many rows", entryHeaderRow + strings.Repeat(row, MaxEntryRows+1), "more than 1000 rows (row 1002 is one too many)"},
		{"a header that is not CSV", `date,"title` + "\n", "not readable as CSV"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := ReadEntries(strings.NewReader(tc.text), today)
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) || rows != nil {
				t.Fatalf("%d rows, %v; want a file error saying %q", len(rows), err, tc.want)
			}
		})
	}
	// At the limits, read.
	rows, err := ReadEntries(strings.NewReader(entryHeaderRow+strings.Repeat(row, MaxEntryRows)), today)
	if err != nil || len(rows) != MaxEntryRows || problemsOf(rows) != "" {
		t.Fatalf("%d rows at the limit: %v %s", len(rows), err, problemsOf(rows))
	}
}

// FuzzReadEntries: whatever the file, reading neither panics nor keeps an
// entry that breaks the rules: every row is refused with a problem or
// holds a complete entry, rows come in file order, and there are never
// more than MaxEntryRows.
func FuzzReadEntries(f *testing.F) {
	f.Add([]byte(entryHeaderRow + "2026-03-02,Ethics,Sunrise,approved_provider,AASECT,ce,live_online,6,yes\n"))
	f.Add([]byte(entryHeaderRow + `2026-03-02,"a ""q"", b",S,other_ce,,teaching,in_person,.25,no` + "\n,,,\n\"open\n"))
	f.Add([]byte("\uFEFF" + strings.ToUpper(entryHeaderRow) + "x,y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadEntries(bytes.NewReader(data), today)
		if err != nil {
			if !errors.As(err, new(*FileError)) {
				t.Fatalf("not a file error: %v", err)
			}
			return
		}
		if len(rows) > MaxEntryRows {
			t.Fatalf("%d rows", len(rows))
		}
		last := 1
		for _, r := range rows {
			if r.Line <= last {
				t.Fatalf("row on line %d after line %d", r.Line, last)
			}
			last = r.Line
			if len(r.Problems) > 0 {
				continue
			}
			e := r.Entry
			if e.Date.IsZero() || e.Date.After(today) || e.Hours <= 0 || e.Hours > MaxEntryHours || e.Title == "" || e.Provider == "" ||
				e.Kind == "" || e.ProviderKind == "" || e.Delivery == "" {
				t.Fatalf("line %d kept without problems: %+v", r.Line, e)
			}
		}
	})
}
