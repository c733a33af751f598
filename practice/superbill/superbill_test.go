package superbill

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/session"
)

// luhnValid is the plain Luhn check of a whole number, check digit
// included, as ISO/IEC 7812 defines it: a second way to reach CMS's rule,
// with the prefix 80840 written out instead of the constant 24.
func luhnValid(digits string) bool {
	sum := 0
	for i := 0; i < len(digits); i++ {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d = d/10 + d%10
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestNPICheckDigit(t *testing.T) {
	// CMS's worked example ("Requirements for National Provider
	// Identifier (NPI) and NPI Enumeration"): 123456789 has the check
	// digit 3, and with the prefix, 80840123456789 has it too.
	if c, ok := NPICheckDigit("123456789"); !ok || c != '3' {
		t.Fatalf("NPICheckDigit(123456789) = %q, %v; CMS gives 3", c, ok)
	}
	if !luhnValid("808401234567893") {
		t.Fatal("the Luhn check of CMS's example with its prefix fails: the test's own Luhn is wrong")
	}
	for _, tc := range []struct {
		npi  string
		want bool
	}{
		{"1234567893", true},   // CMS's example
		{"1234567898", false},  // the example with a wrong check digit
		{"1234567839", false},  // two digits swapped
		{"123456789", false},   // nine digits
		{"12345678930", false}, // eleven
		{"12345678a3", false},
		{"", false},
		{" 1234567893", false},
	} {
		if got := ValidNPI(tc.npi); got != tc.want {
			t.Errorf("ValidNPI(%q) = %v, want %v", tc.npi, got, tc.want)
		}
	}
	// Every nine digits: the check digit NPICheckDigit gives makes the
	// whole number pass the plain Luhn check with the prefix, and no other
	// digit does.
	r := rand.New(rand.NewPCG(13, 1))
	for range 2000 {
		nine := strconv.Itoa(100000000 + r.IntN(200000000))
		c, ok := NPICheckDigit(nine)
		if !ok {
			t.Fatalf("NPICheckDigit(%s) refused nine digits", nine)
		}
		for d := byte('0'); d <= '9'; d++ {
			npi := nine + string(d)
			if want := luhnValid("80840" + npi); ValidNPI(npi) != want || (d == c) != want {
				t.Fatalf("%s: ValidNPI %v, check digit %c, Luhn with 80840 %v", npi, ValidNPI(npi), c, want)
			}
		}
	}
}

func TestNormalizeTaxID(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"12-3456789", "12-3456789"},
		{"123456789", "12-3456789"},
		{" 12 3456789 ", "12-3456789"},
		{"123-45-6789", "123-45-6789"},
		{"12345678", ""},
		{"1234567890", ""},
		{"12-345-6789", ""},
		{"00-1234567", ""},
		{"000000000", ""},
		{"12-34567a9", ""},
	} {
		got, ok := NormalizeTaxID(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("NormalizeTaxID(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestFormatCents(t *testing.T) {
	for _, tc := range []struct {
		cents int64
		want  string
	}{
		{0, "0.00"}, {5, "0.05"}, {10, "0.10"}, {99, "0.99"}, {100, "1.00"}, {15000, "150.00"},
		{123456, "1,234.56"}, {100000, "1,000.00"}, {99999999, "999,999.99"}, {100000000, "1,000,000.00"},
		{-5, "-0.05"}, {-123456, "-1,234.56"}, {-9223372036854775808, "-92,233,720,368,547,758.08"},
	} {
		if got := FormatCents(tc.cents); got != tc.want {
			t.Errorf("FormatCents(%d) = %q, want %q", tc.cents, got, tc.want)
		}
	}
	if got := FormatMoney("USD", 48000); got != "USD 480.00" {
		t.Errorf("FormatMoney = %q", got)
	}
}

// The NPIs of the fixtures: CMS's example for the practitioner, and for
// the practice nine digits completed by NPICheckDigit (checked against
// the plain Luhn rule in TestNPICheckDigit).
const (
	practitionerNPI = "1234567893"
	practiceNine    = "245319876"
)

func practiceNPI(t *testing.T) string {
	t.Helper()
	c, _ := NPICheckDigit(practiceNine)
	npi := practiceNine + string(c)
	if !luhnValid("80840" + npi) {
		t.Fatalf("fixture NPI %s fails the Luhn check", npi)
	}
	return npi
}

// valid is a monthly superbill that Validate accepts: three sessions of
// a couple, one by video from home.
func valid(t *testing.T) Input {
	t.Helper()
	return Input{
		Practice: Practice{Name: "Lakeview Couples Clinic", Address: "1200 N Lake Shore Dr, Suite 4\nChicago, IL 60610",
			Phone: "(312) 555-0142", NPI: practiceNPI(t), TaxID: "36-4512789"},
		Practitioner: Practitioner{Name: "Jordan Avery", LicenceType: "LMFT", LicenceNumber: "LMFT-0158342", LicenceState: "IL",
			NPI: practitionerNPI},
		Client: Client{Name: "Łucja Дмитриева-Okafor", DateOfBirth: date.MustParse("1988-03-14"),
			Address: "44 W Elm St\nChicago, IL 60610"},
		Period: Period{Kind: Month, Day: date.MustParse("2026-11-01")},
		Diagnoses: []Diagnosis{{"F52.21", "Male erectile disorder"},
			{"F52.0", "Hypoactive sexual desire disorder"}},
		Lines: []Line{
			{Date: date.MustParse("2026-11-03"), CPT: "90847", Place: Office, Minutes: 50, FeeCents: 18000, PaidCents: 18000},
			{Date: date.MustParse("2026-11-17"), CPT: "90847", Place: TelehealthHome, Minutes: 50, FeeCents: 18000, PaidCents: 18000},
			{Date: date.MustParse("2026-11-24"), CPT: "90834", Place: Office, Minutes: 45, FeeCents: 15050, PaidCents: 7525},
		},
		Currency: "USD",
		Issued:   date.MustParse("2026-12-01"),
	}
}

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	e := certboard.As(err)
	if e.Code != certboard.Invalid {
		t.Fatalf("code %s, want invalid: %v", e.Code, err)
	}
	for f, msg := range e.Fields {
		if !strings.HasPrefix(msg, f+": ") || len(msg) < len(f)+12 {
			t.Errorf("field %s: message %q does not say what to fix", f, msg)
		}
		if !strings.Contains(e.Message, msg) {
			t.Errorf("the message does not hold %q", msg)
		}
	}
	if e.Fields[e.Field] == "" {
		t.Errorf("Field %q is not among Fields", e.Field)
	}
	return slices.Sorted(maps.Keys(e.Fields))
}

func TestValidate(t *testing.T) {
	if err := valid(t).Validate(); err != nil {
		t.Fatalf("the fixture is refused: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(in *Input)
		want   []string
	}{
		{"no practice name", func(in *Input) { in.Practice.Name = " " }, []string{"practice.name"}},
		{"no practice address", func(in *Input) { in.Practice.Address = "" }, []string{"practice.address"}},
		{"address of six lines", func(in *Input) { in.Practice.Address = "a\nb\nc\nd\ne\nf" }, []string{"practice.address"}},
		{"tab in an address", func(in *Input) { in.Client.Address = "44 W Elm St\tChicago" }, []string{"client.address"}},
		{"no phone", func(in *Input) { in.Practice.Phone = "" }, []string{"practice.phone"}},
		{"letters in the phone", func(in *Input) { in.Practice.Phone = "call us" }, []string{"practice.phone"}},
		{"short phone", func(in *Input) { in.Practice.Phone = "555-01" }, []string{"practice.phone"}},
		{"practice NPI check digit", func(in *Input) { in.Practice.NPI = practiceNine + "0" }, []string{"practice.npi"}},
		{"no practice NPI is fine", func(in *Input) { in.Practice.NPI = "" }, nil},
		{"practice NPI is the practitioner's", func(in *Input) { in.Practice.NPI = practitionerNPI }, []string{"practice.npi"}},
		{"no tax id", func(in *Input) { in.Practice.TaxID = "" }, []string{"practice.tax_id"}},
		{"tax id of eight digits", func(in *Input) { in.Practice.TaxID = "36-451278" }, []string{"practice.tax_id"}},
		{"SSN as tax id is fine", func(in *Input) { in.Practice.TaxID = "123-45-6789" }, nil},
		{"no practitioner name", func(in *Input) { in.Practitioner.Name = "" }, []string{"practitioner.name"}},
		{"no licence type", func(in *Input) { in.Practitioner.LicenceType = "" }, []string{"practitioner.licence_type"}},
		{"no licence number", func(in *Input) { in.Practitioner.LicenceNumber = "" }, []string{"practitioner.licence_number"}},
		{"licence number with symbols", func(in *Input) { in.Practitioner.LicenceNumber = "LMFT#1" }, []string{"practitioner.licence_number"}},
		{"licence state unknown", func(in *Input) { in.Practitioner.LicenceState = "XX" }, []string{"practitioner.licence_state"}},
		{"licence state in lower case", func(in *Input) { in.Practitioner.LicenceState = "il" }, []string{"practitioner.licence_state"}},
		{"no practitioner NPI", func(in *Input) { in.Practitioner.NPI = "" }, []string{"practitioner.npi"}},
		{"practitioner NPI check digit", func(in *Input) { in.Practitioner.NPI = "1234567898" }, []string{"practitioner.npi"}},
		{"practitioner NPI of nine digits", func(in *Input) { in.Practitioner.NPI = "123456789" }, []string{"practitioner.npi"}},
		{"no client name", func(in *Input) { in.Client.Name = "" }, []string{"client.name"}},
		{"client name too long", func(in *Input) { in.Client.Name = strings.Repeat("ж", MaxText+1) }, []string{"client.name"}},
		{"line break in a name", func(in *Input) { in.Client.Name = "Ada\nLovelace" }, []string{"client.name"}},
		{"no date of birth", func(in *Input) { in.Client.DateOfBirth = date.Date{} }, []string{"client.date_of_birth"}},
		{"born after the superbill", func(in *Input) { in.Client.DateOfBirth = date.MustParse("2027-01-01") }, []string{"client.date_of_birth"}},
		{"no client address is fine", func(in *Input) { in.Client.Address = "" }, nil},
		{"no period kind", func(in *Input) { in.Period.Kind = "" }, []string{"period"}},
		{"no period day", func(in *Input) { in.Period.Day = date.Date{} }, []string{"period"}},
		{"no diagnosis", func(in *Input) { in.Diagnoses = nil }, []string{"diagnoses"}},
		{"thirteen diagnoses", func(in *Input) {
			in.Diagnoses = nil
			for i := range 13 {
				in.Diagnoses = append(in.Diagnoses, Diagnosis{"F52." + strconv.Itoa(10+i), "a diagnosis"})
			}
		}, []string{"diagnoses"}},
		{"bad ICD-10-CM code", func(in *Input) { in.Diagnoses[1].Code = "f52.0" }, []string{"diagnoses[1].code"}},
		{"ICD-11 code", func(in *Input) { in.Diagnoses[0].Code = "HA01.1" }, []string{"diagnoses[0].code"}},
		{"code twice", func(in *Input) { in.Diagnoses[1].Code = "F52.21" }, []string{"diagnoses[1].code"}},
		{"no description", func(in *Input) { in.Diagnoses[0].Description = "" }, []string{"diagnoses[0].description"}},
		{"no line", func(in *Input) { in.Lines = nil }, []string{"lines"}},
		{"line outside the month", func(in *Input) { in.Lines[0].Date = date.MustParse("2026-10-31") }, []string{"lines[0].date"}},
		{"line after the issue", func(in *Input) {
			in.Period.Day = date.MustParse("2026-12-01")
			in.Lines = in.Lines[:1]
			in.Lines[0].Date = date.MustParse("2026-12-02")
		}, []string{"lines[0].date"}},
		{"no line date", func(in *Input) { in.Lines[2].Date = date.Date{} }, []string{"lines[2].date"}},
		{"CPT not listed", func(in *Input) { in.Lines[1].CPT = "99213" }, []string{"lines[1].cpt"}},
		{"place unknown", func(in *Input) { in.Lines[0].Place = "12" }, []string{"lines[0].place"}},
		{"no minutes", func(in *Input) { in.Lines[0].Minutes = 0 }, []string{"lines[0].minutes"}},
		{"negative fee", func(in *Input) { in.Lines[0].FeeCents = -1 }, []string{"lines[0].fee"}},
		{"fee over the bound", func(in *Input) { in.Lines[0].FeeCents = MaxCents + 1 }, []string{"lines[0].fee"}},
		{"negative payment", func(in *Input) { in.Lines[0].PaidCents = -1 }, []string{"lines[0].paid"}},
		{"paid over the fee", func(in *Input) { in.Lines[2].PaidCents = 15051 }, []string{"lines[2].paid"}},
		{"fees over the bound together", func(in *Input) {
			in.Lines[0].FeeCents, in.Lines[1].FeeCents, in.Lines[0].PaidCents, in.Lines[1].PaidCents = MaxCents, MaxCents, 0, 0
		}, []string{"lines"}},
		{"one session, two lines", func(in *Input) {
			in.Period = Period{Kind: Session, Day: in.Lines[0].Date}
			in.Lines = in.Lines[:2]
		}, []string{"lines", "lines[1].date"}},
		{"one session, one line", func(in *Input) {
			in.Period = Period{Kind: Session, Day: in.Lines[0].Date}
			in.Lines = in.Lines[:1]
		}, nil},
		{"currency in lower case", func(in *Input) { in.Currency = "usd" }, []string{"currency"}},
		{"no currency", func(in *Input) { in.Currency = "" }, []string{"currency"}},
		{"not issued", func(in *Input) { in.Issued = date.Date{} }, []string{"issued"}},
		{"everything at once", func(in *Input) {
			in.Practice.NPI, in.Practitioner.NPI, in.Practice.TaxID, in.Client.Name = "1", "2", "3", ""
		}, []string{"client.name", "practice.npi", "practice.tax_id", "practitioner.npi"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := valid(t)
			tc.change(&in)
			got := fieldsOf(t, in.Validate())
			if !slices.Equal(got, tc.want) {
				t.Errorf("fields %q, want %q (%v)", got, tc.want, in.Validate())
			}
		})
	}
}

func TestPeriod(t *testing.T) {
	m := Period{Kind: Month, Day: date.MustParse("2028-02-17")}
	if m.First() != date.MustParse("2028-02-01") || m.Last() != date.MustParse("2028-02-29") || m.Label() != "February 2028" {
		t.Errorf("month: %s to %s, %q", m.First(), m.Last(), m.Label())
	}
	s := Period{Kind: Session, Day: date.MustParse("2026-12-07")}
	if s.First() != s.Day || s.Last() != s.Day || s.Label() != "Session of 7 December 2026" {
		t.Errorf("session: %s to %s, %q", s.First(), s.Last(), s.Label())
	}
}

func TestTotals(t *testing.T) {
	got := valid(t).Totals()
	if want := (Totals{Charged: 51050, Paid: 43525, Balance: 7525}); got != want {
		t.Errorf("Totals = %+v, want %+v", got, want)
	}
}

// textOf reads the text of a superbill's PDF (Text).
func textOf(t *testing.T, pdf []byte) string {
	t.Helper()
	text, err := Text(pdf)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestPDF(t *testing.T) {
	in := valid(t)
	for _, paper := range []Paper{A4, Letter} {
		t.Run(string(paper), func(t *testing.T) {
			out, err := render(in, paper, false)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", out[:min(len(out), 16)])
			}
			text := textOf(t, out)
			flat := strings.Join(strings.Fields(text), " ")
			for _, want := range []string{
				"Superbill", "November 2026", "Issued 1 December 2026",
				in.Practice.Name, "1200 N Lake Shore Dr, Suite 4", "Chicago, IL 60610", "Phone: (312) 555-0142",
				"NPI (organisation, type 2): " + in.Practice.NPI, "Tax id (EIN): 36-4512789",
				"Jordan Avery, LMFT", "Licence: LMFT no. LMFT-0158342, IL", "NPI (individual, type 1): 1234567893",
				"Łucja Дмитриева-Okafor", "Date of birth: 14 March 1988", "44 W Elm St, Chicago, IL 60610",
				"F52.21", "Male erectile disorder", "F52.0", "Hypoactive sexual desire disorder",
				"2026-11-03", "2026-11-17", "2026-11-24", "90847", "90834",
				"Family or couple psychotherapy, client present", "Individual psychotherapy, about 45 minutes",
				"Fee (USD)", "Paid (USD)", "180.00", "150.50", "75.25",
				"Total charged", "USD 510.50", "Total paid by the client", "USD 435.25", "Balance due", "USD 75.25",
				"10: Telehealth, client at home", "11: Office",
				"Signature of Jordan Avery", "Page 1 of 1",
			} {
				if !strings.Contains(flat, want) {
					t.Errorf("the PDF does not show %q; it shows:\n%s", want, text)
				}
			}
			if !strings.Contains(flat, Statement) {
				t.Errorf("the PDF does not hold the statement; it shows:\n%s", flat)
			}
			if strings.Contains(text, "02: ") {
				t.Error("the legend explains place 02, which no line uses")
			}
			again, err := render(in, paper, false)
			if err != nil || !bytes.Equal(out, again) {
				t.Error("the same input laid out twice gives two documents")
			}
		})
	}
	out, err := PDF(in, "")
	if err != nil || !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("PDF compressed on Letter: %v", err)
	}
	plain, err := render(in, Letter, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := textOf(t, out), textOf(t, plain); got != want || !strings.Contains(got, "USD 510.50") {
		t.Errorf("Text of the compressed PDF differs from the uncompressed one's:\n%s", got)
	}
}

func TestPDFPages(t *testing.T) {
	in := valid(t)
	in.Lines = nil
	for day := 1; day <= 30; day++ {
		for _, cpt := range []string{"90834", "90847"} {
			in.Lines = append(in.Lines, Line{Date: date.Of(2026, 11, day), CPT: cpt, Place: TelehealthElsewhere, Minutes: 45,
				FeeCents: 12345, PaidCents: 12345, Description: "A description long enough to wrap onto a second line of the services table"})
		}
	}
	out, err := render(in, A4, false)
	if err != nil {
		t.Fatal(err)
	}
	text := textOf(t, out)
	if n := strings.Count(text, "Fee (USD)"); n < 2 {
		t.Errorf("the header shows %d times over several pages", n)
	}
	if !strings.Contains(text, "Page 2 of ") || !strings.Contains(text, "2026-11-30") || !strings.Contains(text, "USD 7,407.00") {
		t.Errorf("a long superbill lacks its second page, last line or total:\n%s", text)
	}
	if !strings.Contains(text, "02: Telehealth, client not at home") {
		t.Error("the legend does not explain place 02")
	}
}

func TestPDFRefuses(t *testing.T) {
	in := valid(t)
	in.Practitioner.NPI = "1234567890"
	if _, err := PDF(in, A4); !slices.Equal(fieldsOf(t, err), []string{"practitioner.npi"}) {
		t.Errorf("PDF of an invalid input: %v", err)
	}
	if _, err := PDF(valid(t), "A5"); certboard.ErrorCode(err) != certboard.Invalid || certboard.As(err).Field != "paper" {
		t.Errorf("PDF on A5: %v", err)
	}
	// A name beyond the fonts' plane still lays out.
	in = valid(t)
	in.Client.Name = "Sam 🙂 Rivera"
	out, err := render(in, A4, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(textOf(t, out), "Sam \uFFFD Rivera") {
		t.Error("a character beyond the Basic Multilingual Plane is not replaced")
	}
}

func TestProceduresAndPlaces(t *testing.T) {
	// Every code the sessions' forms offer is one a superbill bills, and
	// a line without a description says what its code means.
	for _, c := range session.CPTs() {
		in := valid(t)
		in.Lines = in.Lines[:1]
		in.Lines[0].CPT, in.Lines[0].Description = c.Code, ""
		if err := in.Validate(); err != nil {
			t.Errorf("a line billing %s: %v", c.Code, err)
		}
		if in.Lines[0].What() != c.Meaning || c.Meaning == "" {
			t.Errorf("a line of %s says %q", c.Code, in.Lines[0].What())
		}
	}
	in := valid(t)
	in.Lines[0].CPT = "90899"
	if !slices.Equal(fieldsOf(t, in.Validate()), []string{"lines[0].cpt"}) {
		t.Error("a code outside the list is billed")
	}
	for _, p := range Places() {
		if p.Name() == "" {
			t.Errorf("place %s has no name", p)
		}
	}
	if Place("12").Name() != "" || !ValidState("IL") || ValidState("ZZ") || !slices.IsSorted(states) {
		t.Error("places or states")
	}
}
