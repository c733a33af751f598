package portfolio

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
)

// doc returns a valid minimal portfolio with the given members appended to
// its top-level object; each member is written as `"name": value`.
func doc(members ...string) string {
	var b strings.Builder
	b.WriteString(`{"format": "certboard.portfolio/v1", "person": {"id": "p1", "name": "Ana Souza"}`)
	for _, m := range members {
		b.WriteString(", ")
		b.WriteString(m)
	}
	b.WriteString("}")
	return b.String()
}

// Valid items to build test documents from.
const (
	degree     = `{"id": "d1", "level": "master", "field": "Social Work", "institution": "Loyola", "accreditation": "regional", "conferred": "2016-05-07"}`
	activity   = `{"id": "a1", "title": "SAR", "kind": "sar", "provider": {"name": "GLSHI", "kind": "approved_provider"}, "delivery": "in_person", "date": "2023-11-04", "hours": 12}`
	supervisor = `{"id": "s1", "name": "Dr. Rivera", "credentials": [{"type": "aasect-cst-supervisor", "valid_from": "2015-06-01"}]}`
	contract   = `{"id": "k1", "supervisor": "s1", "start": "2023-01-09"}`
	membership = `{"id": "m1", "organization": "AASECT", "from": "2022-09-01"}`
	kase       = `{"id": "case-1", "unit": "couple", "opened": "2024-02-01"}`
	exam       = `{"id": "exam-1", "kind": "exam", "code": "ecps-written", "title": "ECPS written examination", "body": "EFS-ESSM", "date": "2025-11-20", "outcome": "passed"}`
)

// withField returns the JSON object obj with one more member.
func withField(obj, member string) string {
	return strings.TrimSuffix(obj, "}") + ", " + member + "}"
}

func session(fields string) string {
	return `{"id": "x1", "date": "2023-01-16", "hours": 1, "supervisor": "s1", "content": "case", ` + fields + `}`
}

func clinical(fields string) string {
	return `{"id": "c1", "hours": 10, "modality": "in_person", ` + fields + `}`
}

type wantErr struct {
	path string
	msg  string // a substring of the message
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []wantErr
	}{
		// Unknown fields.
		{"unknown top-level field with suggestion", doc(`"educaton": []`),
			[]wantErr{{"$.educaton", `is not a known field (did you mean "education"?)`}}},
		{"unknown nested field with suggestion", `{"format": "certboard.portfolio/v1", "person": {"id": "p1", "name": "Ana", "emial": "a@example.org"}}`,
			[]wantErr{{"$.person.emial", `is not a known field (did you mean "email"?)`}}},
		{"unknown field in an array item", doc(`"degrees": [` + withField(degree, `"gpa": 3.9`) + `]`),
			[]wantErr{{"$.degrees[0].gpa", "is not a known field"}}},
		{"unknown field without a close match", doc(`"zzzzzzzzzz": 1`),
			[]wantErr{{"$.zzzzzzzzzz", "is not a known field"}}},

		// Wrong JSON types.
		{"string for number", doc(`"education": [` + strings.Replace(activity, `"hours": 12`, `"hours": "12"`, 1) + `]`),
			[]wantErr{{"$.education[0].hours", "must be a number, not a string"}}},
		{"number for string", `{"format": "certboard.portfolio/v1", "person": {"id": "p1", "name": 42}}`,
			[]wantErr{{"$.person.name", "must be a string, not a number"}}},
		{"object for array", doc(`"degrees": {}`),
			[]wantErr{{"$.degrees", "must be an array, not an object"}}},
		{"string for boolean", doc(`"degrees": [` + withField(degree, `"clinical": "yes"`) + `]`),
			[]wantErr{{"$.degrees[0].clinical", "must be true or false, not a string"}}},
		{"array for object", doc(`"education": [` + strings.Replace(activity, `{"name": "GLSHI", "kind": "approved_provider"}`, `["GLSHI"]`, 1) + `]`),
			[]wantErr{{"$.education[0].provider", "must be an object, not an array"}}},
		{"number for date", doc(`"degrees": [` + strings.Replace(degree, `"2016-05-07"`, `2016`, 1) + `]`),
			[]wantErr{{"$.degrees[0].conferred", "must be a date string YYYY-MM-DD, not a number"}}},
		{"null array item", doc(`"degrees": [null]`),
			[]wantErr{{"$.degrees[0]", "must be an object, not null"}}},
		{"top level is not an object", `[]`,
			[]wantErr{{"$", "must be an object, not an array"}}},

		// Dates.
		{"impossible date", doc(`"degrees": [` + strings.Replace(degree, "2016-05-07", "2023-02-30", 1) + `]`),
			[]wantErr{{"$.degrees[0].conferred", `"2023-02-30" is not a real calendar date`}}},
		{"malformed date", doc(`"degrees": [` + strings.Replace(degree, "2016-05-07", "May 7, 2016", 1) + `]`),
			[]wantErr{{"$.degrees[0].conferred", `"May 7, 2016" is not a date in the form YYYY-MM-DD`}}},
		{"date without leading zeros", doc(`"degrees": [` + strings.Replace(degree, "2016-05-07", "2016-5-7", 1) + `]`),
			[]wantErr{{"$.degrees[0].conferred", "is not a date in the form YYYY-MM-DD"}}},
		{"date with a time", doc(`"degrees": [` + strings.Replace(degree, "2016-05-07", "2016-05-07T10:00:00Z", 1) + `]`),
			[]wantErr{{"$.degrees[0].conferred", "is not a date in the form YYYY-MM-DD"}}},

		// Numbers.
		{"negative hours", doc(`"clinical_hours": [` + strings.Replace(clinical(`"date": "2023-02-01"`), `"hours": 10`, `"hours": -2`, 1) + `]`),
			[]wantErr{{"$.clinical_hours[0].hours", "must be greater than zero, not -2"}}},
		{"zero hours", doc(`"education": [` + strings.Replace(activity, `"hours": 12`, `"hours": 0`, 1) + `]`),
			[]wantErr{{"$.education[0].hours", "must be greater than zero, not 0"}}},
		{"negative hours per week", doc(`"experience": [{"id": "e1", "role": "clinical", "from": "2020-01-01", "hours_per_week": -1}]`),
			[]wantErr{{"$.experience[0].hours_per_week", "must not be negative, not -1"}}},
		{"hours above the maximum", doc(`"supervisors": [`+supervisor+`]`, `"supervision_sessions": [`+strings.Replace(session(`"format": "individual"`), `"hours": 1`, `"hours": 25`, 1)+`]`),
			[]wantErr{{"$.supervision_sessions[0].hours", "25 is more than the largest plausible value, 24"}}},
		{"fractional group size", doc(`"supervisors": [`+supervisor+`]`, `"supervision_sessions": [`+session(`"format": "group", "group_size": 2.5`)+`]`),
			[]wantErr{{"$.supervision_sessions[0].group_size", "must be a whole number, not 2.5"}}},
		{"number too large", doc(`"education": [` + strings.Replace(activity, `"hours": 12`, `"hours": 1e999`, 1) + `]`),
			[]wantErr{{"$.education[0].hours", "1e999 is not a usable number"}}},

		// Enums.
		{"enum typo", doc(`"degrees": [` + strings.Replace(degree, `"master"`, `"masters"`, 1) + `]`),
			[]wantErr{{"$.degrees[0].level", `"masters" is not one of associate, bachelor, master, doctorate`}}},
		{"verification state typo", doc(`"degrees": [` + withField(degree, `"verification": {"state": "verifed"}`) + `]`),
			[]wantErr{{"$.degrees[0].verification.state", `"verifed" is not one of claimed, verified, rejected`}}},
		{"enum values are case-sensitive", doc(`"education": [` + strings.Replace(activity, `"in_person"`, `"In_Person"`, 1) + `]`),
			[]wantErr{{"$.education[0].delivery", `"In_Person" is not one of in_person, live_online, elearning`}}},
		{"a value of a list of choices outside the enum", doc(`"clinical_hours": [` + clinical(`"date": "2023-02-01", "focus": ["sexual", "couples"]`) + `]`),
			[]wantErr{{"$.clinical_hours[0].focus[1]", `"couples" is not one of sexual, relationship, other`}}},
		{"an empty value in a list of choices", doc(`"clinical_hours": [` + clinical(`"date": "2023-02-01", "focus": [""]`) + `]`),
			[]wantErr{{"$.clinical_hours[0].focus[0]", "must not be empty"}}},
		{"clinical focus listed twice", doc(`"clinical_hours": [` + clinical(`"date": "2023-02-01", "focus": ["other", "other"]`) + `]`),
			[]wantErr{{"$.clinical_hours[0].focus[1]", `focus "other" is listed twice`}}},

		// Required fields.
		{"missing required field", `{"format": "certboard.portfolio/v1", "person": {"id": "p1"}}`,
			[]wantErr{{"$.person.name", "is required"}}},
		{"missing person", `{"format": "certboard.portfolio/v1"}`,
			[]wantErr{{"$.person", "is required"}}},
		{"null required field", `{"format": "certboard.portfolio/v1", "person": {"id": "p1", "name": null}}`,
			[]wantErr{{"$.person.name", "is required"}}},
		{"blank required string", `{"format": "certboard.portfolio/v1", "person": {"id": "p1", "name": " \t"}}`,
			[]wantErr{{"$.person.name", "must not be empty"}}},
		{"verification without state", doc(`"degrees": [` + withField(degree, `"verification": {"by": "staff"}`) + `]`),
			[]wantErr{{"$.degrees[0].verification.state", "is required"}}},
		{"empty string in a list", `{"format": "certboard.portfolio/v1", "person": {"id": "p1", "name": "Ana", "languages": ["en", ""]}}`,
			[]wantErr{{"$.person.languages[1]", "must not be empty"}}},
		{"several missing fields in field order", doc(`"memberships": [{"id": "m1"}]`),
			[]wantErr{{"$.memberships[0].organization", "is required"}, {"$.memberships[0].from", "is required"}}},

		// Format marker.
		{"wrong format marker", `{"format": "certboard.portfolio/v2", "person": {"id": "p1", "name": "Ana"}}`,
			[]wantErr{{"$.format", `must be "certboard.portfolio/v1", not "certboard.portfolio/v2"`}}},
		{"missing format marker", `{"person": {"id": "p1", "name": "Ana"}}`,
			[]wantErr{{"$.format", "is required"}}},

		// Ids and references.
		{"duplicate id", doc(`"degrees": [` + degree + `, ` + degree + `]`),
			[]wantErr{{"$.degrees[1].id", `id "d1" is already used by $.degrees[0]; ids must be unique within the portfolio`}}},
		{"id shared with the person", doc(`"memberships": [` + strings.Replace(membership, `"m1"`, `"p1"`, 1) + `]`),
			[]wantErr{{"$.memberships[0].id", `id "p1" is already used by $.person`}}},
		{"dangling session supervisor", doc(`"supervisors": [`+supervisor+`]`, `"supervision_sessions": [`+strings.Replace(session(`"format": "individual"`), `"s1"`, `"s9"`, 1)+`]`),
			[]wantErr{{"$.supervision_sessions[0].supervisor", `"s9" is not the id of an entry in supervisors`}}},
		{"dangling contract supervisor", doc(`"supervision_contracts": [` + contract + `]`),
			[]wantErr{{"$.supervision_contracts[0].supervisor", `"s1" is not the id of an entry in supervisors`}}},
		{"dangling contract membership", doc(`"supervisors": [`+supervisor+`]`, `"supervision_contracts": [`+withField(contract, `"supervisee_membership": "m9"`)+`]`),
			[]wantErr{{"$.supervision_contracts[0].supervisee_membership", `"m9" is not the id of an entry in memberships`}}},
		{"dangling session contract", doc(`"supervisors": [`+supervisor+`]`, `"supervision_sessions": [`+session(`"format": "individual", "contract": "k9"`)+`]`),
			[]wantErr{{"$.supervision_sessions[0].contract", `"k9" is not the id of an entry in supervision_contracts`}}},
		{"dangling clinical contract", doc(`"clinical_hours": [` + clinical(`"date": "2023-02-01", "contract": "k9"`) + `]`),
			[]wantErr{{"$.clinical_hours[0].contract", `"k9" is not the id of an entry in supervision_contracts`}}},
		{"dangling document supports", doc(`"degrees": [`+degree+`]`, `"documents": [{"id": "doc1", "kind": "transcript", "received": "2025-02-21", "supports": ["d1", "d2"]}]`),
			[]wantErr{{"$.documents[0].supports[1]", `"d2" is not the id of any item in this portfolio`}}},

		// Shapes of clinical blocks and sessions.
		{"clinical hours with neither date nor period", doc(`"clinical_hours": [` + clinical(`"description": "x"`) + `]`),
			[]wantErr{{"$.clinical_hours[0]", "needs either date or both from and to"}}},
		{"clinical hours with only from", doc(`"clinical_hours": [` + clinical(`"from": "2023-01-01"`) + `]`),
			[]wantErr{{"$.clinical_hours[0]", "needs either date or both from and to"}}},
		{"clinical hours with date and period", doc(`"clinical_hours": [` + clinical(`"date": "2023-02-01", "from": "2023-01-01", "to": "2023-03-31"`) + `]`),
			[]wantErr{{"$.clinical_hours[0]", "give either date or from and to, not both"}}},
		{"group session without group_size", doc(`"supervisors": [`+supervisor+`]`, `"supervision_sessions": [`+session(`"format": "group"`)+`]`),
			[]wantErr{{"$.supervision_sessions[0].group_size", "a group session needs group_size"}}},
		{"individual session with a group", doc(`"supervisors": [`+supervisor+`]`, `"supervision_sessions": [`+session(`"format": "individual", "group_size": 3`)+`]`),
			[]wantErr{{"$.supervision_sessions[0].group_size", "an individual session has one supervisee, not 3"}}},

		// Periods.
		{"to before from", doc(`"memberships": [` + withField(membership, `"to": "2021-12-31"`) + `]`),
			[]wantErr{{"$.memberships[0].to", "to 2021-12-31 is before from 2022-09-01"}}},
		{"clinical to before from", doc(`"clinical_hours": [` + clinical(`"from": "2023-03-31", "to": "2023-01-01"`) + `]`),
			[]wantErr{{"$.clinical_hours[0].to", "to 2023-01-01 is before from 2023-03-31"}}},
		{"license valid_to before valid_from", doc(`"licenses": [{"id": "l1", "profession": "psychology", "jurisdiction": "US-NY", "number": "1", "valid_from": "2020-01-01", "valid_to": "2019-12-31"}]`),
			[]wantErr{{"$.licenses[0].valid_to", "valid_to 2019-12-31 is before valid_from 2020-01-01"}}},
		{"contract end before start", doc(`"supervisors": [`+supervisor+`]`, `"supervision_contracts": [`+withField(contract, `"end": "2022-01-01"`)+`]`),
			[]wantErr{{"$.supervision_contracts[0].end", "end 2022-01-01 is before start 2023-01-09"}}},
		{"supervisor credential ends before it starts", doc(`"supervisors": [{"id": "s1", "name": "Dr. Rivera", "credentials": [{"type": "t", "valid_from": "2020-01-01", "valid_to": "2019-01-01"}]}]`),
			[]wantErr{{"$.supervisors[0].credentials[0].valid_to", "valid_to 2019-01-01 is before valid_from 2020-01-01"}}},

		// Education areas.
		{"empty area list", doc(`"education": [` + withField(activity, `"areas": {"aasect-core": []}`) + `]`),
			[]wantErr{{"$.education[0].areas.aasect-core", "lists no area"}}},
		{"area listed twice", doc(`"education": [` + withField(activity, `"areas": {"aasect-core": ["a", "b", "a"]}`) + `]`),
			[]wantErr{{"$.education[0].areas.aasect-core[2]", `area "a" is listed twice`}}},
		{"empty taxonomy name", doc(`"education": [` + withField(activity, `"areas": {"": ["a"]}`) + `]`),
			[]wantErr{{"$.education[0].areas", "has an empty key"}}},

		// Cases.
		{"case unit typo", doc(`"cases": [` + strings.Replace(kase, `"couple"`, `"couples"`, 1) + `]`),
			[]wantErr{{"$.cases[0].unit", `"couples" is not one of individual, couple, family, group`}}},
		{"case focus typo", doc(`"cases": [` + withField(kase, `"focus": ["sexual", "sexuality"]`) + `]`),
			[]wantErr{{"$.cases[0].focus[1]", `"sexuality" is not one of sexual, relationship, other`}}},
		{"case focus listed twice", doc(`"cases": [` + withField(kase, `"focus": ["sexual", "relationship", "sexual"]`) + `]`),
			[]wantErr{{"$.cases[0].focus[2]", `focus "sexual" is listed twice`}}},
		{"empty case focus value", doc(`"cases": [` + withField(kase, `"focus": [""]`) + `]`),
			[]wantErr{{"$.cases[0].focus[0]", "must not be empty"}}},
		{"completed case without closed", doc(`"cases": [` + withField(kase, `"completed": true`) + `]`),
			[]wantErr{{"$.cases[0].closed", "a completed case needs closed, the day it ended"}}},
		{"case closed before opened", doc(`"cases": [` + withField(kase, `"closed": "2023-12-31"`) + `]`),
			[]wantErr{{"$.cases[0].closed", "closed 2023-12-31 is before opened 2024-02-01"}}},
		{"dangling case contract", doc(`"cases": [` + withField(kase, `"contract": "k9"`) + `]`),
			[]wantErr{{"$.cases[0].contract", `"k9" is not the id of an entry in supervision_contracts`}}},
		{"case without opened", doc(`"cases": [{"id": "case-1", "unit": "group"}]`),
			[]wantErr{{"$.cases[0].opened", "is required"}}},

		// Exams.
		{"exam outcome typo", doc(`"exams": [` + strings.Replace(exam, `"passed"`, `"pass"`, 1) + `]`),
			[]wantErr{{"$.exams[0].outcome", `"pass" is not one of passed, failed`}}},
		{"exam kind typo", doc(`"exams": [` + strings.Replace(exam, `"kind": "exam"`, `"kind": "oral"`, 1) + `]`),
			[]wantErr{{"$.exams[0].kind", `"oral" is not one of exam, interview`}}},
		{"exam without body and title", doc(`"exams": [{"id": "x1", "kind": "interview", "code": "c", "date": "2025-01-01", "outcome": "passed"}]`),
			[]wantErr{{"$.exams[0].title", "is required"}, {"$.exams[0].body", "is required"}}},
		{"exam valid_to before date", doc(`"exams": [` + withField(exam, `"valid_to": "2025-11-19"`) + `]`),
			[]wantErr{{"$.exams[0].valid_to", "valid_to 2025-11-19 is before date 2025-11-20"}}},
		{"negative exam score", doc(`"exams": [` + withField(exam, `"score": -1`) + `]`),
			[]wantErr{{"$.exams[0].score", "must not be negative, not -1"}}},

		// Not JSON, or not one JSON value.
		{"trailing data", doc() + ` {"format": "certboard.portfolio/v1"}`,
			[]wantErr{{"$", "unexpected data after the portfolio object"}}},
		{"empty input", ``,
			[]wantErr{{"$", "the input is empty: expected a JSON object"}}},
		{"only white space", " \n\t ",
			[]wantErr{{"$", "the input is empty"}}},
		{"syntax error with line", "{\n  \"format\": \"certboard.portfolio/v1\",\n  \"person\" {}\n}",
			[]wantErr{{"$", "not valid JSON at line 3, column "}}},
		{"syntax error names the problem", "{\n  \"format\": \"certboard.portfolio/v1\",\n  \"person\" {}\n}",
			[]wantErr{{"$", "invalid character '{' after object key"}}},
		{"truncated input", `{"format": "certboard.portfolio/v1", "person": {`,
			[]wantErr{{"$", "not valid JSON: unexpected EOF"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Decode([]byte(tt.input))
			if err == nil {
				t.Fatalf("Decode accepted the input:\n%s", tt.input)
			}
			if p != nil {
				t.Errorf("Decode returned a portfolio with an error")
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error is %T, want portfolio.Errors", err)
			}
			if len(es) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(es), len(tt.want), es)
			}
			for i, w := range tt.want {
				if es[i].Path != w.path {
					t.Errorf("error %d path = %q, want %q (message %q)", i, es[i].Path, w.path, es[i].Message)
				}
				if !strings.Contains(es[i].Message, w.msg) {
					t.Errorf("error %d message = %q, want it to contain %q", i, es[i].Message, w.msg)
				}
			}
		})
	}
}

// TestDecodeRegressions holds inputs that an earlier decoder got wrong: a
// column off by one, trailing brackets accepted, areas reported in random
// order, and 0001-01-01 taken for "no date".
func TestDecodeRegressions(t *testing.T) {
	t.Run("syntax error column points at the offending character", func(t *testing.T) {
		// The '{' is the 12th character of line 3.
		_, err := Decode([]byte("{\n  \"format\": \"certboard.portfolio/v1\",\n  \"person\" {}\n}"))
		if err == nil || !strings.Contains(err.Error(), "line 3, column 12:") {
			t.Fatalf("regression: syntaxMessage counts json.SyntaxError.Offset, which includes the offending byte, so the column is one too far: %v", err)
		}
	})
	for _, trailer := range []string{"}", "]"} {
		t.Run("trailing "+trailer+" is rejected", func(t *testing.T) {
			_, err := Decode([]byte(doc() + trailer))
			if err == nil {
				t.Fatalf("regression: json.Decoder.More reports false before a closing %s, so trailing %s is accepted", trailer, trailer)
			}
		})
	}
	t.Run("area errors come in document order", func(t *testing.T) {
		input := []byte(doc(`"education": [` + withField(activity, `"areas": {"a": [], "b": [], "c": [], "d": []}`) + `]`))
		_, first := Decode(input)
		for range 20 {
			if _, err := Decode(input); err.Error() != first.Error() {
				t.Fatalf("regression: Validate ranges over the areas map, so the order of its errors varies:\n%v\n---\n%v", first, err)
			}
		}
	})
	t.Run("a member given twice is rejected, not resolved silently", func(t *testing.T) {
		_, err := Decode([]byte(doc(`"education": [` + withField(activity, `"hours": -5`) + `]`)))
		assertOneError(t, err, "$.education[0].hours", "is given twice")
	})
	t.Run("the same member name in different objects is fine", func(t *testing.T) {
		if _, err := Decode([]byte(doc(`"degrees": [` + degree + `, ` + strings.Replace(degree, `"d1"`, `"d2"`, 1) + `]`))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a byte-order mark is ignored", func(t *testing.T) {
		if _, err := Decode(append([]byte("\xef\xbb\xbf"), doc()...)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bytes that are not UTF-8 are rejected", func(t *testing.T) {
		bad := strings.Replace(doc(), "Ana Souza", "Ana Sou\xffza", 1)
		assertOneError(t, func() error { _, err := Decode([]byte(bad)); return err }(), "$", "not valid UTF-8")
	})
	t.Run("0001-01-01 is not a usable date", func(t *testing.T) {
		p, err := Decode([]byte(doc(`"degrees": [` + strings.Replace(degree, "2016-05-07", "0001-01-01", 1) + `]`)))
		if err == nil {
			b, _ := json.Marshal(p)
			t.Fatalf("regression: 0001-01-01 parses to the zero date.Date (\"no date\"), so a required date is lost and re-encodes as %s", b)
		}
	})
}

func TestDecodeTooManyErrors(t *testing.T) {
	items := make([]string, maxErrors+10)
	for i := range items {
		items[i] = fmt.Sprintf(`{"id": "d%d", "level": "masters", "field": "x", "institution": "y", "accreditation": "regional", "conferred": "2016-05-07"}`, i)
	}
	_, err := Decode([]byte(doc(`"degrees": [` + strings.Join(items, ", ") + `]`)))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("err = %v, want Errors", err)
	}
	if len(es) != maxErrors+1 {
		t.Fatalf("got %d errors, want %d", len(es), maxErrors+1)
	}
	last := es[len(es)-1]
	if last.Path != "$" || last.Message != "and 10 more problems" {
		t.Errorf("last error = %v, want $: and 10 more problems", last)
	}
	if es[0].Path != "$.degrees[0].level" || es[maxErrors-1].Path != fmt.Sprintf("$.degrees[%d].level", maxErrors-1) {
		t.Errorf("errors are not in document order: first %v, last kept %v", es[0], es[maxErrors-1])
	}
}

func TestErrorsFormat(t *testing.T) {
	es := Errors{
		{Path: "$.education[3].hours", Message: "must be greater than zero, not 0"},
		{Path: "$.format", Message: "is required"},
	}
	want := "$.education[3].hours: must be greater than zero, not 0\n$.format: is required"
	if es.Error() != want {
		t.Errorf("Errors.Error() = %q, want %q", es.Error(), want)
	}
	b, err := json.Marshal(es[0])
	if err != nil || string(b) != `{"path":"$.education[3].hours","message":"must be greater than zero, not 0"}` {
		t.Errorf("FieldError as JSON = %s, %v", b, err)
	}
}

func TestDecodeValues(t *testing.T) {
	p, err := Decode(readFull(t))
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != FormatV1 || p.Person.Name != "Dana Whitfield" || len(p.Person.Languages) != 2 {
		t.Errorf("person = %+v", p.Person)
	}
	if d := p.Degrees[1]; d.Level != "master" || !d.Clinical || d.Conferred != date.MustParse("2016-05-07") || d.Verification.State != Verified {
		t.Errorf("degree = %+v", d)
	}
	if a := p.Education[0]; a.Hours != 45 || !reflect.DeepEqual(a.Areas, map[string][]string{"aasect-core": {"a", "b"}}) ||
		a.SexualityRelated == nil || !*a.SexualityRelated {
		t.Errorf("education[0] = %+v", a)
	}
	if a := p.Education[2]; a.SexualityRelated == nil || *a.SexualityRelated || a.Verification.EffectiveState() != Rejected {
		t.Errorf("education[2] = %+v", a)
	}
	if a := p.Education[3]; a.Verification.EffectiveState() != Claimed || a.Verification.State != "" {
		t.Errorf("education[3] has no verification and should be claimed: %+v", a.Verification)
	}
	if s := p.Sessions[1]; s.Format != "group" || s.GroupSize != 3 || s.Hours != 1.5 || s.Contract != "con-rivera" {
		t.Errorf("session[1] = %+v", s)
	}
	if h := p.ClinicalHours[0]; !h.Date.IsZero() || h.From != date.MustParse("2023-01-09") || h.To != date.MustParse("2023-03-31") {
		t.Errorf("clinical_hours[0] = %+v", h)
	}
	if c := p.Supervisors[1].Credentials[0]; c.ValidTo != date.MustParse("2023-02-28") {
		t.Errorf("supervisor credential = %+v", c)
	}
}

// TestDecodeRoundTrip checks that a decoded portfolio encodes with
// encoding/json to a document that decodes to the same value.
func TestDecodeRoundTrip(t *testing.T) {
	p1, err := Decode(readFull(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p1)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode rejects its own output: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(p1, p2) {
		t.Errorf("round trip changed the portfolio:\n before %+v\n after  %+v", p1, p2)
	}
	// Absent optional members stay absent.
	for _, absent := range []string{`"to":""`, `"valid_to":""`, `"at":""`, `"group_size":0`, `"clinical":false`, `"verification":{}`} {
		if strings.Contains(string(b), absent) {
			t.Errorf("encoding contains %s", absent)
		}
	}
}

// assertOneError checks that err is exactly one FieldError at path whose
// message contains want.
func assertOneError(t *testing.T, err error, path, want string) {
	t.Helper()
	es, ok := err.(Errors)
	if !ok || len(es) != 1 {
		t.Fatalf("want one error at %s, got %v", path, err)
	}
	if es[0].Path != path || !strings.Contains(es[0].Message, want) {
		t.Fatalf("got %s: %s; want %s: ...%s...", es[0].Path, es[0].Message, path, want)
	}
}
