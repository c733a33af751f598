package ce

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard/date"
)

// Columns are the columns of a completions CSV file, in the order a
// template lists them. The header row names them, in any order; all are
// required but areas.
var Columns = []string{"credential_id", "holder_email", "course_id", "title", "date", "hours", "delivery", "sexuality_related", "areas"}

// optionalColumns may be left out of the header.
var optionalColumns = []string{"areas"}

// HeaderError is a header row the file cannot be read with: nothing in the
// file is imported.
type HeaderError struct {
	Message string
}

func (e *HeaderError) Error() string { return "header row: " + e.Message }

// Row is one data row of a completions file: its line in the file (the
// line it starts on), the completion read from it, and what is wrong with
// the row as written (unreadable values, missing fields). Rows with
// problems are rejected; the others are checked further by Check.
type Row struct {
	Line       int
	Completion Completion
	Problems   Problems
}

// Reader reads completions from CSV: comma separated, fields quoted as
// RFC 4180 says (a quoted field may hold commas, quotes doubled and line
// breaks), an optional UTF-8 byte order mark, and a header row.
type Reader struct {
	r      *csv.Reader
	index  map[string]int
	header []string
}

// NewReader reads the header row. A missing or unusable header (no
// header, an unknown, repeated or empty column name, a required column
// missing) is a *HeaderError.
func NewReader(in io.Reader) (*Reader, error) {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &HeaderError{"the file is empty; the first row must name the columns: " + strings.Join(Columns, ",")}
	}
	if err != nil {
		return nil, &HeaderError{"not readable as CSV: " + err.Error()}
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	}
	index := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			return nil, &HeaderError{fmt.Sprintf("column %d has no name; name every column (%s)", i+1, strings.Join(Columns, ", "))}
		case !slices.Contains(Columns, name):
			return nil, &HeaderError{fmt.Sprintf("unknown column %q (column %d); the columns are %s", strings.TrimSpace(h), i+1, strings.Join(Columns, ", "))}
		}
		if _, dup := index[name]; dup {
			return nil, &HeaderError{fmt.Sprintf("column %q is named twice", name)}
		}
		index[name] = i
	}
	var missing []string
	for _, c := range Columns {
		if _, ok := index[c]; !ok && !slices.Contains(optionalColumns, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &HeaderError{"missing column(s) " + strings.Join(missing, ", ") + "; the header must name " + strings.Join(Columns, ", ") + " (areas may be left out)"}
	}
	return &Reader{r: r, index: index, header: header}, nil
}

// Next reads the next data row; at the end it returns io.EOF. Rows whose
// fields are all empty (spreadsheets write them) are skipped. A line that is
// not valid CSV comes back as a Row with a problem, and reading goes on;
// any other error of the underlying reader is returned.
func (r *Reader) Next() (Row, error) {
	for {
		rec, err := r.r.Read()
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line := pe.StartLine
			if line == 0 {
				line = pe.Line
			}
			return Row{Line: line, Problems: Problems{{"", "the line is not valid CSV: " + pe.Err.Error() + " (put a field holding quotes or commas in double quotes, and double the quotes inside it)"}}}, nil
		}
		if err != nil {
			return Row{}, err
		}
		line, _ := r.r.FieldPos(0)
		if !slices.ContainsFunc(rec, func(f string) bool { return strings.TrimSpace(f) != "" }) {
			continue
		}
		return r.row(line, rec), nil
	}
}

// row turns one record into a completion.
func (r *Reader) row(line int, rec []string) Row {
	row := Row{Line: line}
	if len(rec) != len(r.header) {
		row.Problems = append(row.Problems, Problem{"", fmt.Sprintf("has %d fields, the header has %d; quote fields that hold commas", len(rec), len(r.header))})
		return row
	}
	get := func(col string) string {
		if i, ok := r.index[col]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	c := Completion{CredentialID: get("credential_id"), HolderEmail: get("holder_email"), CourseID: get("course_id"),
		Title: get("title"), Delivery: get("delivery")}
	if v := get("date"); v != "" {
		d, err := date.Parse(v)
		if err != nil {
			row.Problems = append(row.Problems, Problem{"date", err.Error()})
		}
		c.Date = d
	}
	if v := get("hours"); v != "" {
		h, err := strconv.ParseFloat(v, 64)
		if err != nil {
			row.Problems = append(row.Problems, Problem{"hours", fmt.Sprintf("%q is not a number; write hours such as 1.5", v)})
		}
		c.Hours = h
	}
	switch v := strings.ToLower(get("sexuality_related")); v {
	case "yes", "y", "true", "1":
		c.SexualityRelated = true
	case "no", "n", "false", "0":
	case "":
		row.Problems = append(row.Problems, Problem{"sexuality_related", "is required: yes or no"})
	default:
		row.Problems = append(row.Problems, Problem{"sexuality_related", fmt.Sprintf("%q is not yes or no", v)})
	}
	areas, err := ParseAreas(get("areas"))
	if err != nil {
		row.Problems = append(row.Problems, Problem{"areas", err.Error()})
	}
	c.Areas = areas
	c.Normalize()
	row.Completion = c
	return row
}

// ParseAreas reads the areas column: taxonomy:code pairs separated by
// semicolons ("aasect-cst:ethics; aasect-cst:sexual_health"); a taxonomy
// may repeat. Empty text is no areas.
func ParseAreas(s string) (map[string][]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string][]string{}
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		tax, code, ok := strings.Cut(part, ":")
		tax, code = strings.TrimSpace(tax), strings.TrimSpace(code)
		if !ok || tax == "" || code == "" {
			return nil, fmt.Errorf("%q is not taxonomy:code; write areas as taxonomy:code pairs separated by semicolons", part)
		}
		if !slices.Contains(out[tax], code) {
			out[tax] = append(out[tax], code)
		}
	}
	return out, nil
}

// Check returns every problem of a row: those found reading it, then those
// Check finds in the completion, for fields not already named. A row that
// could not be split into fields gets no further checks.
func (row Row) Check(today date.Date) Problems {
	out := slices.Clone(row.Problems)
	flagged := map[string]bool{}
	for _, p := range row.Problems {
		if p.Field == "" {
			return out
		}
		flagged[p.Field] = true
	}
	for _, p := range Check(row.Completion, today) {
		if !flagged[p.Field] {
			out = append(out, p)
		}
	}
	return out
}
