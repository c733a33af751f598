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

// Limits of a completions file, checked as it is read. A file larger than
// MaxFileSize, with more than MaxRows rows or with a row longer than
// MaxRowSize is refused whole (Next returns a *LimitError naming the line);
// a header with more than MaxFields columns is a *HeaderError; a field
// longer than MaxFieldSize is a problem of its row, which is rejected.
const (
	// MaxFileSize is the largest file read, in bytes: some two million
	// rows of the usual length.
	MaxFileSize = 256 << 20
	// MaxRows is the most data rows one file may hold.
	MaxRows = 1_000_000
	// MaxRowSize bounds one row, in bytes, quoted line breaks included: a
	// row within every field's limit is under 4 KiB.
	MaxRowSize = 64 << 10
	// MaxFields is the most columns the header may name; the format has
	// len(Columns).
	MaxFields = 32
	// MaxFieldSize is the longest field read, in bytes: the longest column,
	// the title, allows 300 characters.
	MaxFieldSize = 4 << 10
)

// LimitError is a file over one of the limits (MaxFileSize, MaxRows,
// MaxRowSize): nothing in the file is imported. Line is the line of the
// row where the limit was passed.
type LimitError struct {
	Line    int
	Message string
}

func (e *LimitError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// sizeWords writes a number of bytes in MiB when it is a whole number of
// them.
func sizeWords(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// boundedInput counts what the CSV reader takes from the file, and stops
// it when the file grows past MaxFileSize or one row past MaxRowSize (the
// reader buffers at most a few KiB ahead of the row it is reading).
type boundedInput struct {
	r       io.Reader
	maxFile int64 // MaxFileSize; tests lower it
	read    int64 // bytes handed to the CSV reader
	start   int64 // where the row being read starts
	err     error // the limit passed, once passed
}

// readAhead is how far the CSV reader may read past the row it is reading
// (its bufio.Reader's buffer, with room to spare).
const readAhead = 64 << 10

var (
	errFileTooLarge = errors.New("file too large")
	errRowTooLong   = errors.New("row too long")
)

func (in *boundedInput) Read(p []byte) (int, error) {
	switch {
	case in.err != nil:
		return 0, in.err
	case in.read > in.maxFile:
		in.err = errFileTooLarge
		return 0, in.err
	case in.read-in.start > MaxRowSize+readAhead:
		in.err = errRowTooLong
		return 0, in.err
	}
	n, err := in.r.Read(p)
	in.read += int64(n)
	return n, err
}

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
	r       *csv.Reader
	in      *boundedInput
	index   map[string]int
	header  []string
	rows    int // data rows read
	maxRows int // MaxRows; tests lower it
	next    int // the line after the last row read: where the next one starts, blank lines aside
}

// NewReader reads the header row. A missing or unusable header (no
// header, an unknown, repeated or empty column name, a required column
// missing) is a *HeaderError.
func NewReader(in io.Reader) (*Reader, error) {
	bounded := &boundedInput{r: in, maxFile: MaxFileSize}
	r := csv.NewReader(bounded)
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &HeaderError{"the file is empty; the first row must name the columns: " + strings.Join(Columns, ",")}
	}
	if errors.Is(err, errRowTooLong) || errors.Is(err, errFileTooLarge) {
		return nil, &HeaderError{fmt.Sprintf("longer than %d KiB; the header names the columns: %s", MaxRowSize>>10, strings.Join(Columns, ","))}
	}
	if err != nil {
		return nil, &HeaderError{"not readable as CSV: " + err.Error()}
	}
	if len(header) > MaxFields {
		return nil, &HeaderError{fmt.Sprintf("has %d columns, more than the %d read; the columns are %s", len(header), MaxFields, strings.Join(Columns, ", "))}
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
	bounded.start = r.InputOffset()
	return &Reader{r: r, in: bounded, index: index, header: header, maxRows: MaxRows, next: recordEnd(r, header) + 1}, nil
}

// recordEnd is the line a record just read ends on.
func recordEnd(r *csv.Reader, rec []string) int {
	if len(rec) == 0 {
		return 0
	}
	line, _ := r.FieldPos(len(rec) - 1)
	return line + strings.Count(rec[len(rec)-1], "\n")
}

// Next reads the next data row; at the end it returns io.EOF. Rows whose
// fields are all empty (spreadsheets write them) are skipped. A line that is
// not valid CSV comes back as a Row with a problem, and reading goes on;
// any other error of the underlying reader is returned.
//
// A file over a limit (MaxFileSize, MaxRows, MaxRowSize) stops reading with
// a *LimitError naming the line.
func (r *Reader) Next() (Row, error) {
	for {
		rec, err := r.r.Read()
		r.in.start = r.r.InputOffset()
		switch {
		case errors.Is(err, io.EOF):
			return Row{}, io.EOF
		case errors.Is(err, errFileTooLarge):
			return Row{}, &LimitError{r.next, fmt.Sprintf("the file is larger than %s; split it into several files, each with the header row", sizeWords(r.in.maxFile))}
		case errors.Is(err, errRowTooLong):
			return Row{}, &LimitError{r.next, fmt.Sprintf("the row starting here is longer than %d KiB (a quote left open runs on to the end of the file); close the quote or shorten the row", MaxRowSize>>10)}
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line := pe.StartLine
			if line == 0 {
				line = pe.Line
			}
			// A broken row counts as a row: a file of nothing but broken
			// rows stops at the same limit.
			if r.rows++; r.rows > r.maxRows {
				return Row{}, &LimitError{line, fmt.Sprintf("the file has more than %d rows; split it into several files, each with the header row", r.maxRows)}
			}
			return Row{Line: line, Problems: Problems{{"", "the line is not valid CSV: " + pe.Err.Error() + " (put a field holding quotes or commas in double quotes, and double the quotes inside it)"}}}, nil
		}
		if err != nil {
			return Row{}, err
		}
		line, _ := r.r.FieldPos(0)
		r.next = recordEnd(r.r, rec) + 1
		if !slices.ContainsFunc(rec, func(f string) bool { return strings.TrimSpace(f) != "" }) {
			continue
		}
		if r.rows++; r.rows > r.maxRows {
			return Row{}, &LimitError{line, fmt.Sprintf("the file has more than %d rows; split it into several files, each with the header row", r.maxRows)}
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
	for i, f := range rec {
		if len(f) > MaxFieldSize {
			row.Problems = append(row.Problems, Problem{strings.ToLower(strings.TrimSpace(r.header[i])), fmt.Sprintf("is %d bytes long, more than the %d read", len(f), MaxFieldSize)})
		}
	}
	if len(row.Problems) > 0 {
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
	sr, p := yesNo("sexuality_related", strings.ToLower(get("sexuality_related")))
	if p != nil {
		row.Problems = append(row.Problems, *p)
	}
	c.SexualityRelated = sr
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
