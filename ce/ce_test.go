package ce

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
)

var today = date.MustParse("2026-06-30")

func good() Completion {
	return Completion{CredentialID: "c-1", HolderEmail: "holder@example.org", CourseID: "SSI-101", Title: "Sexual health across the lifespan",
		Date: date.MustParse("2026-03-02"), Hours: 6, Delivery: "live_online", SexualityRelated: true}
}

// fields lists the fields problems name, in order.
func fields(ps Problems) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field)
	}
	return strings.Join(out, ",")
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Completion)
		want   string // fields with problems
		text   string // part of the message
	}{
		{"good", func(c *Completion) {}, "", ""},
		{"quarter hours", func(c *Completion) { c.Hours = 1.25 }, "", ""},
		{"forty hours", func(c *Completion) { c.Hours = 40 }, "", ""},
		{"today", func(c *Completion) { c.Date = today }, "", ""},
		{"negative hours", func(c *Completion) { c.Hours = -2 }, "hours", "more than 0"},
		{"zero hours", func(c *Completion) { c.Hours = 0 }, "hours", "more than 0"},
		{"too many hours", func(c *Completion) { c.Hours = 40.5 }, "hours", "more than 40"},
		{"odd decimals", func(c *Completion) { c.Hours = 1.333 }, "hours", "two decimals"},
		{"future", func(c *Completion) { c.Date = today.AddDays(1) }, "date", "in the future"},
		{"no date", func(c *Completion) { c.Date = date.Date{} }, "date", "required"},
		{"bad delivery", func(c *Completion) { c.Delivery = "carrier pigeon" }, "delivery", "not one of"},
		{"bad e-mail", func(c *Completion) { c.HolderEmail = "holder at example" }, "holder_email", "not an e-mail address"},
		{"named e-mail", func(c *Completion) { c.HolderEmail = "Holder <holder@example.org>" }, "holder_email", "not an e-mail address"},
		{"nothing", func(c *Completion) { *c = Completion{} }, "credential_id,holder_email,course_id,title,date,hours,delivery", "required"},
		{"line break in title", func(c *Completion) { c.Title = "one\ntwo" }, "title", "control character"},
		{"empty area", func(c *Completion) { c.Areas = map[string][]string{"aasect": {""}} }, "areas", "empty area code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.change(&c)
			ps := Check(c, today)
			if got := fields(ps); got != tc.want {
				t.Fatalf("problems in %q, want %q: %v", got, tc.want, ps)
			}
			if tc.text != "" && !strings.Contains(ps.Error(), tc.text) {
				t.Errorf("%q does not say %q", ps.Error(), tc.text)
			}
		})
	}
}

func TestCheckCycle(t *testing.T) {
	c := good()
	if p := CheckCycle(c, date.MustParse("2026-03-02")); p != nil {
		t.Errorf("on the first day of the cycle: %v", p)
	}
	if p := CheckCycle(c, date.MustParse("2026-03-03")); p == nil || p.Field != "date" || !strings.Contains(p.Message, "before the credential's current cycle began (2026-03-03)") {
		t.Errorf("before the cycle: %v", p)
	}
}

const header = "credential_id,holder_email,course_id,title,date,hours,delivery,sexuality_related,areas\n"

// readAll reads every row of a file.
func readAll(t *testing.T, text string) []Row {
	t.Helper()
	r, err := NewReader(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	var out []Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, row)
	}
}

func TestReadCSV(t *testing.T) {
	text := "\uFEFF" + header +
		`c-1,Holder@Example.org,SSI-101,"Pleasure, desire and consent",2026-03-02,6,live_online,yes,"aasect-cst:ethics; aasect-cst:sexual_health"` + "\n" +
		`c-2,b@example.org,SSI-102,"The ""good enough"" sex model",2026-03-03,1.5,in_person,no,` + "\n" +
		",,,,,,,,\n" + // a spreadsheet's empty row
		`c-3,c@example.org,SSI-103,"A title
over two lines",2026-03-04,2,elearning,Y,` + "\n" +
		"c-4,d@example.org,SSI-104,Bad date,2026-02-30,-1,in_person,maybe,\n" +
		"c-5,e@example.org,SSI-105,Too few fields\n" +
		"c-6,f@example.org,SSI-106,Hours not a number,2026-03-05,six,in_person,no,ethics\n"
	rows := readAll(t, text)
	if len(rows) != 6 {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	first := rows[0]
	if first.Line != 2 || len(first.Problems) != 0 || first.Completion.HolderEmail != "holder@example.org" || first.Completion.Title != "Pleasure, desire and consent" ||
		first.Completion.Hours != 6 || !first.Completion.SexualityRelated || first.Completion.Date != date.MustParse("2026-03-02") ||
		strings.Join(first.Completion.Areas["aasect-cst"], " ") != "ethics sexual_health" {
		t.Errorf("row 1: %+v", first)
	}
	if c := rows[1].Completion; c.Title != `The "good enough" sex model` || c.SexualityRelated || rows[1].Line != 3 || c.Areas != nil {
		t.Errorf("row 2: %+v", rows[1])
	}
	if rows[2].Line != 5 || rows[2].Completion.Title != "A title\nover two lines" || !rows[2].Completion.SexualityRelated {
		t.Errorf("row 3 (quoted line break, after an empty row): %+v", rows[2])
	}
	// Read fine, but Check refuses the line break in the title.
	if got := fields(rows[2].Check(today)); got != "title" {
		t.Errorf("row 3 checked: %q", got)
	}
	if rows[3].Line != 7 || fields(rows[3].Problems) != "date,sexuality_related" {
		t.Errorf("row 4: %+v", rows[3])
	}
	// Check adds the problems of fields not yet named.
	if got := fields(rows[3].Check(today)); got != "date,sexuality_related,hours" {
		t.Errorf("row 4 checked: %q", got)
	}
	if rows[4].Line != 8 || len(rows[4].Problems) != 1 || !strings.Contains(rows[4].Problems[0].Message, "has 4 fields, the header has 9") {
		t.Errorf("row 5: %+v", rows[4])
	}
	if len(rows[4].Check(today)) != 1 {
		t.Errorf("a row that was not split gets more checks: %v", rows[4].Check(today))
	}
	if fields(rows[5].Problems) != "hours,areas" {
		t.Errorf("row 6: %+v", rows[5])
	}
	if fields(rows[0].Check(today)) != "" || fields(rows[1].Check(today)) != "" {
		t.Errorf("good rows have problems: %v %v", rows[0].Check(today), rows[1].Check(today))
	}
}

func TestReadCSVColumnsInAnyOrder(t *testing.T) {
	rows := readAll(t, "hours,DATE,title,course_id,holder_email,credential_id,delivery,sexuality_related\r\n3,2026-01-05,Ethics,E-1,a@example.org,c-9,in_person,true\r\n")
	if len(rows) != 1 || rows[0].Completion.CredentialID != "c-9" || rows[0].Completion.Hours != 3 || len(rows[0].Check(today)) != 0 {
		t.Fatalf("%+v", rows)
	}
}

func TestReadCSVBadLine(t *testing.T) {
	rows := readAll(t, header+`c-1,a@example.org,X,"unterminated,2026-01-01,1,in_person,yes,`+"\n")
	if len(rows) != 1 || rows[0].Line != 2 || !strings.Contains(rows[0].Problems.Error(), "not valid CSV") {
		t.Fatalf("%+v", rows)
	}
}

func TestReadCSVHeaderErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", "the file is empty"},
		{"credential_id,holder_email,course_id,title,date,hours,delivery,sexuality_related,provider\n", `unknown column "provider" (column 9)`},
		{"credential_id,holder_email,course_id,title,date,hours\n", "missing column(s) delivery, sexuality_related"},
		{"credential_id,holder_email,course_id,title,date,hours,delivery,sexuality_related,hours\n", `column "hours" is named twice`},
		{"credential_id,,course_id\n", "column 2 has no name"},
		{"c-1,a@example.org,X,T,2026-01-01,1,in_person,yes\n", `unknown column "c-1"`},
	} {
		_, err := NewReader(strings.NewReader(tc.text))
		var he *HeaderError
		if !errors.As(err, &he) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want a header error saying %q", tc.text, err, tc.want)
		}
	}
}

func TestParseAreas(t *testing.T) {
	a, err := ParseAreas("x:1; x:2 ;y:3;x:1;")
	if err != nil || strings.Join(a["x"], ",") != "1,2" || strings.Join(a["y"], ",") != "3" {
		t.Fatalf("%v %v", a, err)
	}
	if _, err := ParseAreas("x:1;ethics"); err == nil || !strings.Contains(err.Error(), `"ethics" is not taxonomy:code`) {
		t.Fatalf("%v", err)
	}
}

// TestReadCSVLimits: a file over a limit stops with a *LimitError naming
// the line, a header over a limit is a *HeaderError, and a field over a
// limit rejects its row, naming the field.
func TestReadCSVLimits(t *testing.T) {
	row := func(i int) string {
		return fmt.Sprintf("c-%d,a%d@example.org,X-%d,Title,2026-01-01,1,in_person,yes,\n", i, i, i)
	}
	var rows strings.Builder
	for i := range 5 {
		rows.WriteString(row(i))
	}
	// readUntil reads rows until an error and returns it with the rows read.
	readUntil := func(r *Reader) ([]Row, error) {
		var out []Row
		for {
			row, err := r.Next()
			if err != nil {
				return out, err
			}
			out = append(out, row)
		}
	}
	t.Run("a quote left open", func(t *testing.T) {
		// The open quote would run on to the end of a 1 MiB file.
		text := header + row(1) + row(2) + `c-3,a@example.org,X,"open` + strings.Repeat("and on and on\n", 80000)
		r, err := NewReader(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		got, err := readUntil(r)
		var le *LimitError
		if len(got) != 2 || !errors.As(err, &le) || le.Line != 4 || !strings.Contains(err.Error(), "line 4: the row starting here is longer than 64 KiB") {
			t.Fatalf("%d rows, %v", len(got), err)
		}
	})
	t.Run("a line with no end", func(t *testing.T) {
		r, err := NewReader(strings.NewReader(header + strings.Repeat("x", 10<<20)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := readUntil(r); !errors.As(err, new(*LimitError)) || !strings.Contains(err.Error(), "line 2: the row starting here is longer than 64 KiB") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("too many rows", func(t *testing.T) {
		r, err := NewReader(strings.NewReader(header + rows.String()))
		if err != nil {
			t.Fatal(err)
		}
		r.maxRows = 3
		got, err := readUntil(r)
		if len(got) != 3 || err == nil || err.Error() != "line 5: the file has more than 3 rows; split it into several files, each with the header row" {
			t.Fatalf("%d rows, %v", len(got), err)
		}
	})
	t.Run("too many broken rows", func(t *testing.T) {
		r, err := NewReader(strings.NewReader(header + strings.Repeat("a,\"b\"c,d\n", 10)))
		if err != nil {
			t.Fatal(err)
		}
		r.maxRows = 3
		got, err := readUntil(r)
		if len(got) != 3 || err == nil || !strings.Contains(err.Error(), "the file has more than 3 rows") {
			t.Fatalf("%d rows, %v", len(got), err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		r, err := NewReader(strings.NewReader(header + rows.String()))
		if err != nil {
			t.Fatal(err)
		}
		r.in.maxFile = int64(len(header) + 2*len(row(0)))
		_, err = readUntil(r)
		if !errors.As(err, new(*LimitError)) || !strings.Contains(err.Error(), "the file is larger than") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("a field too long", func(t *testing.T) {
		long := strings.Replace(row(2), "Title", strings.Repeat("t", MaxFieldSize+1), 1)
		got := readAll(t, header+row(1)+long+row(3))
		if len(got) != 3 || got[1].Line != 3 || fields(got[1].Problems) != "title" ||
			!strings.Contains(got[1].Problems.Error(), "title: is 4097 bytes long, more than the 4096 read") || len(got[2].Problems) != 0 {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("a header too wide", func(t *testing.T) {
		wide := strings.TrimSuffix(header, "\n") + strings.Repeat(",", 5000) + "\n"
		_, err := NewReader(strings.NewReader(wide))
		var he *HeaderError
		if !errors.As(err, &he) || !strings.Contains(err.Error(), "has 5009 columns, more than the 32 read") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("a header with no end", func(t *testing.T) {
		_, err := NewReader(strings.NewReader(strings.Repeat("credential_id", 1<<20)))
		if !errors.As(err, new(*HeaderError)) || !strings.Contains(err.Error(), "longer than 64 KiB") {
			t.Fatalf("%v", err)
		}
	})
}

// FuzzReader feeds arbitrary files to the reader: it must never panic, and
// every row it returns has a line and either a completion or problems; it
// stops only at the end, at a limit or on a read error.
func FuzzReader(f *testing.F) {
	f.Add([]byte(header + "c-1,a@example.org,X,T,2026-01-01,1,in_person,yes,\n"))
	f.Add([]byte(header + `c-1,a@example.org,X,"open` + strings.Repeat("\n", 1000)))
	f.Add([]byte(header + strings.Repeat(",", 100000) + "\n"))
	f.Add([]byte(header + strings.Repeat(`""`, 50000)))
	f.Add([]byte(strings.Repeat("credential_id,", 1000)))
	f.Add([]byte(header + strings.Repeat("c-1,a@example.org,X,T,2026-01-01,1,in_person,yes,\n", 2000)))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			if !errors.As(err, new(*HeaderError)) {
				t.Fatalf("NewReader: %v (%T)", err, err)
			}
			return
		}
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				if !errors.As(err, new(*LimitError)) {
					t.Fatalf("Next: %v (%T)", err, err)
				}
				return
			}
			if row.Line < 2 {
				t.Fatalf("a row at line %d", row.Line)
			}
			row.Check(today)
		}
	})
}
