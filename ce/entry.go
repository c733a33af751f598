package ce

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/certboard/certboard/date"
)

// A credential holder enters the CE they completed themselves, one activity
// by a web form or many from a CSV file, when no approved provider reports
// it. Such an entry is the holder's claim: it becomes a claimed education
// item of their renewal, which the board's staff verify like any other.
// The form's fields and the file's columns have the same names
// (EntryColumns), so a problem names the same field in both.

// EntryColumns are the columns of a holder's CE file, in the order the
// template lists them. The header row names every one of them, in any
// order; approved_by may be left empty in a row.
var EntryColumns = []string{"date", "title", "provider", "provider_kind", "approved_by", "kind", "delivery", "hours", "sexuality_related"}

// ProviderKinds are the kinds of provider an entry names, as the portfolio
// format spells them.
var ProviderKinds = []string{"approved_provider", "accredited_university", "faith_based_institution", "other_ce"}

// ActivityKinds are the kinds of education activity an entry is, as the
// portfolio format spells them; teaching is the holder's own teaching.
var ActivityKinds = []string{"ce", "training", "university_course", "sar", "teaching"}

// ApprovingBodies are the bodies requirement sets name in approved_by,
// spelled as the sets spell them: an entry's "aasect" is written "AASECT",
// so that approved CE is not mistaken for non-approved CE.
var ApprovingBodies = []string{"AASECT"}

// Limits of a holder's CE entries and files.
const (
	// MaxEntryHours is the most hours one entry may claim.
	MaxEntryHours = 100
	// MaxEntryFileSize is the largest CE file read, in bytes.
	MaxEntryFileSize = 1 << 20
	// MaxEntryRows is the most data rows a CE file may hold.
	MaxEntryRows = 1000
)

// Entry is one education activity a holder says they completed (or, for
// teaching, gave).
type Entry struct {
	Date         date.Date
	Title        string
	Provider     string
	ProviderKind string
	// ApprovedBy are the bodies that approved the program ("AASECT").
	ApprovedBy       []string
	Kind             string
	Delivery         string
	Hours            float64
	SexualityRelated bool
}

// Key identifies an entry for finding it twice: the same day, title,
// provider (both without regard to case or spacing) and hours.
func (e Entry) Key() string {
	return EntryKey(e.Date, e.Title, e.Provider, e.Hours)
}

// EntryKey is the Key of an activity with these values.
func EntryKey(d date.Date, title, provider string, hours float64) string {
	fold := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return fmt.Sprintf("%s|%s|%s|%d", d, fold(title), fold(provider), int64(math.Round(hours*100)))
}

// hoursText matches hours as people write them: digits, and at most two
// decimals after a point.
var hoursText = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$`)

// ParseEntry reads an entry from its fields, get giving each field's text
// by column name (EntryColumns), and checks it: every problem names its
// column. today is the day of entry: no activity is in the future. It does
// not check the renewal cycle or duplicates, which need the holder's
// credential and renewal.
func ParseEntry(get func(column string) string, today date.Date) (Entry, Problems) {
	var e Entry
	var out Problems
	add := func(field, format string, args ...any) {
		out = append(out, Problem{field, fmt.Sprintf(format, args...)})
	}
	field := func(col string) string { return strings.TrimSpace(get(col)) }

	switch v := field("date"); {
	case v == "":
		add("date", "is required, as YYYY-MM-DD (such as 2026-03-02)")
	default:
		d, err := date.Parse(v)
		switch {
		case err != nil:
			add("date", "%q is not a date written YYYY-MM-DD (such as 2026-03-02)", v)
		case d.After(today):
			add("date", "%s is in the future (today is %s); enter an activity once it is completed", d, today)
		default:
			e.Date = d
		}
	}
	e.Title = field("title")
	if p := text("title", e.Title, 300); p != nil {
		out = append(out, *p)
	}
	e.Provider = field("provider")
	if p := text("provider", e.Provider, 200); p != nil {
		out = append(out, *p)
	}
	e.ProviderKind = field("provider_kind")
	if p := oneOf("provider_kind", e.ProviderKind, ProviderKinds); p != nil {
		out = append(out, *p)
	}
	by, p := parseBodies(field("approved_by"))
	if p != nil {
		out = append(out, *p)
	}
	e.ApprovedBy = by
	e.Kind = field("kind")
	if p := oneOf("kind", e.Kind, ActivityKinds); p != nil {
		out = append(out, *p)
	}
	e.Delivery = field("delivery")
	if p := oneOf("delivery", e.Delivery, Deliveries); p != nil {
		out = append(out, *p)
	}
	switch v := field("hours"); {
	case v == "":
		add("hours", "is required: a number of hours more than 0, such as 1.5")
	case strings.HasPrefix(v, "-"):
		add("hours", "must be more than 0 (%s is given)", v)
	case !hoursText.MatchString(v):
		add("hours", "%q is not a number of hours; write it with a point and at most two decimals, such as 1.5", v)
	default:
		h, err := strconv.ParseFloat(v, 64)
		_, decimals, _ := strings.Cut(v, ".")
		switch {
		case err != nil || h <= 0:
			add("hours", "must be more than 0 (%s is given)", v)
		case len(decimals) > 2:
			add("hours", "%s has more than two decimals; round it to the quarter or tenth hour", v)
		case h > MaxEntryHours:
			add("hours", "%s is more than %d; enter a longer programme as several activities", v, MaxEntryHours)
		default:
			e.Hours = h
		}
	}
	sr, p := yesNo("sexuality_related", field("sexuality_related"))
	if p != nil {
		out = append(out, *p)
	}
	e.SexualityRelated = sr
	return e, out
}

// yesNo reads field's answer v: yes, y, true or 1; no, n, false or 0, in
// any case. A missing answer, or another, is a problem.
func yesNo(field, v string) (bool, *Problem) {
	switch strings.ToLower(v) {
	case "yes", "y", "true", "1":
		return true, nil
	case "no", "n", "false", "0":
		return false, nil
	case "":
		return false, &Problem{field, "is required: yes or no"}
	}
	return false, &Problem{field, fmt.Sprintf("%q is not yes or no", v)}
}

// oneOf checks a required value from a list.
func oneOf(field, v string, values []string) *Problem {
	if v == "" {
		return &Problem{field, "is required: one of " + strings.Join(values, ", ")}
	}
	if !slices.Contains(values, v) {
		return &Problem{field, fmt.Sprintf("%q is not one of %s", v, strings.Join(values, ", "))}
	}
	return nil
}

// parseBodies reads approved_by: bodies separated by semicolons, each
// known one spelled as the requirement sets spell it. Empty text is none.
func parseBodies(s string) ([]string, *Problem) {
	var out []string
	for part := range strings.SplitSeq(s, ";") {
		part = strings.Join(strings.Fields(part), " ")
		if part == "" {
			continue
		}
		if p := text("approved_by", part, 100); p != nil {
			return nil, p
		}
		for _, known := range ApprovingBodies {
			if strings.EqualFold(part, known) {
				part = known
			}
		}
		if !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	if len(out) > 10 {
		return nil, &Problem{"approved_by", fmt.Sprintf("names %d bodies; name at most 10, separated by semicolons", len(out))}
	}
	return out, nil
}

// EntryRow is one data row of a CE file: the line it starts on (the row's
// number in a spreadsheet, the header being row 1), the entry read from it,
// and its problems, each naming its column ("" for the row as a whole).
// A row with problems is refused.
type EntryRow struct {
	Line     int
	Entry    Entry
	Problems Problems
}

// FileError is a CE file that cannot be read at all: too large, too many
// rows, not UTF-8, or a header that is not the template's. Nothing in it is
// used.
type FileError struct {
	Message string
}

func (e *FileError) Error() string { return e.Message }

// ReadEntries reads a holder's CE file: UTF-8 CSV (a byte order mark is
// fine), comma separated, fields quoted as RFC 4180 says, a header row
// naming exactly the EntryColumns (in any order, without regard to case),
// then one activity a row, every row with the header's number of fields.
// Rows whose fields are all empty are skipped. It reads at most
// MaxEntryFileSize bytes and MaxEntryRows rows; over either, or with a bad
// header, it returns a *FileError. Each row is checked as ParseEntry checks
// a form, as of today.
func ReadEntries(in io.Reader, today date.Date) ([]EntryRow, error) {
	data, err := io.ReadAll(io.LimitReader(in, MaxEntryFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxEntryFileSize {
		return nil, &FileError{fmt.Sprintf("the file is larger than %s; split it into several files, each with the header row", sizeWords(MaxEntryFileSize))}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, &FileError{"the file is not UTF-8 text; save it from the spreadsheet as \"CSV UTF-8\""}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0 // the header's number, for every row
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &FileError{"the file is empty; the first row must name the columns: " + strings.Join(EntryColumns, ",")}
	}
	if err != nil {
		return nil, &FileError{"the header row (row 1) is not readable as CSV: " + csvProblem(err)}
	}
	index, ferr := entryHeader(header)
	if ferr != nil {
		return nil, ferr
	}
	var rows []EntryRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return nil, err
		}
		var line int
		if pe != nil {
			line = pe.StartLine
		} else {
			line, _ = r.FieldPos(0)
		}
		readable := pe == nil || errors.Is(pe.Err, csv.ErrFieldCount)
		if readable && !slices.ContainsFunc(rec, func(f string) bool { return strings.TrimSpace(f) != "" }) {
			continue // a spreadsheet's empty row
		}
		if len(rows) == MaxEntryRows {
			return nil, &FileError{fmt.Sprintf("the file has more than %d rows (row %d is one too many); split it into several files, each with the header row", MaxEntryRows, line)}
		}
		row := EntryRow{Line: line}
		switch {
		case pe != nil && errors.Is(pe.Err, csv.ErrFieldCount):
			row.Problems = Problems{{"", fmt.Sprintf("has %d fields, the header has %d; put a field that holds a comma in double quotes", len(rec), len(header))}}
		case pe != nil:
			row.Problems = Problems{{"", "is not valid CSV: " + csvProblem(pe) + " (put a field that holds quotes or commas in double quotes, and double the quotes inside it)"}}
		default:
			row.Entry, row.Problems = ParseEntry(func(col string) string { return rec[index[col]] }, today)
		}
		rows = append(rows, row)
	}
}

// entryHeader checks the header row and maps each column to its field.
func entryHeader(header []string) (map[string]int, *FileError) {
	want := strings.Join(EntryColumns, ",")
	index := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			return nil, &FileError{fmt.Sprintf("header row: column %d has no name; the header must be %s (download the template)", i+1, want)}
		case !slices.Contains(EntryColumns, name):
			return nil, &FileError{fmt.Sprintf("header row: unknown column %q (column %d); the header must be %s (download the template)", strings.TrimSpace(h), i+1, want)}
		}
		if _, dup := index[name]; dup {
			return nil, &FileError{fmt.Sprintf("header row: column %q is named twice; the header must be %s", name, want)}
		}
		index[name] = i
	}
	var missing []string
	for _, c := range EntryColumns {
		if _, ok := index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &FileError{"header row: missing column(s) " + strings.Join(missing, ", ") + "; the header must be " + want + " (download the template)"}
	}
	return index, nil
}

// csvProblem says what encoding/csv found wrong, without its line and
// column (the report names the row).
func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
