package ce

import (
	"errors"
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
