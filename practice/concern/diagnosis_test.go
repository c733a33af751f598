package concern

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
)

func TestSubcode(t *testing.T) {
	tests := []struct {
		code    string
		onset   Onset
		context Context
		want    string
		words   string
	}{
		{"HA01.1", Lifelong, Generalised, "HA01.10", "lifelong, generalised"},
		{"HA01.1", Lifelong, Situational, "HA01.11", "lifelong, situational"},
		{"HA01.1", Acquired, Generalised, "HA01.12", "acquired, generalised"},
		{"HA01.1", Acquired, Situational, "HA01.13", "acquired, situational"},
		{"HA01.1", NoOnset, NoContext, "HA01.1Z", "unspecified"},
		{"HA01.1", Acquired, NoContext, "HA01.1Z", "unspecified"},
		{"HA01.1", NoOnset, Situational, "HA01.1Z", "unspecified"},
		{"HA00", Lifelong, Generalised, "HA00.0", "lifelong, generalised"},
		{"HA00", Lifelong, Situational, "HA00.1", "lifelong, situational"},
		{"HA00", Acquired, Generalised, "HA00.2", "acquired, generalised"},
		{"HA00", Acquired, Situational, "HA00.3", "acquired, situational"},
		{"HA00", Lifelong, NoContext, "HA00.Z", "unspecified"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s %s", tt.code, tt.onset, tt.context), func(t *testing.T) {
			code, title := Subcode(tt.code, "Title", tt.onset, tt.context)
			if code != tt.want || title != "Title, "+tt.words {
				t.Errorf("Subcode = %s %q, want %s %q", code, title, tt.want, "Title, "+tt.words)
			}
			if !icd11Shape.MatchString(code) {
				t.Errorf("%s is not a well-formed ICD-11 code", code)
			}
		})
	}
}

// TestCodesOfEveryConcern derives the codes of every concern for every
// onset and context it may take, and checks the ICD-11 subcode against the
// scheme: .x0 lifelong generalised, .x1 lifelong situational, .x2 acquired
// generalised, .x3 acquired situational, .xZ unspecified.
func TestCodesOfEveryConcern(t *testing.T) {
	type icd11 struct {
		code  string
		stem  bool // HA00 gains ".0"; HA01.1 gains "0"
		title string
	}
	tests := []struct {
		id      string
		icd10   []string
		organic []string
		icd11   *icd11
		derived bool
		ok      bool // ICD-11 confirmed
	}{
		{"male-hypoactive-sexual-desire", []string{"F52.0"}, nil, &icd11{"HA00", true, "Hypoactive sexual desire dysfunction"}, true, true},
		{"female-low-desire", []string{"F52.22"}, nil, &icd11{"HA00", true, "Hypoactive sexual desire dysfunction"}, true, true},
		{"female-arousal", []string{"F52.22"}, nil, &icd11{"HA01.0", false, "Female sexual arousal dysfunction"}, true, true},
		{"erectile-disorder", []string{"F52.21"}, []string{"N52"}, &icd11{"HA01.1", false, "Male erectile dysfunction"}, true, true},
		{"premature-ejaculation", []string{"F52.4"}, nil, &icd11{"HA03.0", false, "Male early ejaculation"}, true, true},
		{"female-orgasmic-disorder", []string{"F52.31"}, nil, &icd11{"HA02.0", false, "Anorgasmia"}, true, true},
		{"delayed-ejaculation", []string{"F52.32"}, nil, &icd11{"HA03.1", false, "Male delayed ejaculation"}, true, true},
		{"genito-pelvic-pain", []string{"F52.6"}, []string{"N94.1", "N94.2"}, &icd11{"HA20", true, "Sexual pain-penetration disorder"}, false, false},
		{"compulsive-sexual-behaviour", []string{"F52.8"}, nil, &icd11{"6C72", true, "Compulsive sexual behaviour disorder"}, false, true},
		{"sexual-interests-orientation", []string{"Z70.1"}, nil, nil, false, false},
		{"intimacy-disability-chronic-condition", []string{"Z70.8"}, nil, nil, false, false},
		{"relationship-concerns", []string{"Z63.0"}, nil, nil, false, false},
	}
	combos := []struct {
		onset   Onset
		context Context
		sub     string
		words   string
	}{
		{Lifelong, Generalised, "0", "lifelong, generalised"},
		{Lifelong, Situational, "1", "lifelong, situational"},
		{Acquired, Generalised, "2", "acquired, generalised"},
		{Acquired, Situational, "3", "acquired, situational"},
		{Lifelong, NoContext, "Z", "unspecified"},
		{NoOnset, Generalised, "Z", "unspecified"},
		{NoOnset, NoContext, "Z", "unspecified"},
	}
	tx := Default()
	for _, tt := range tests {
		c, _ := tx.Lookup(tt.id)
		for _, co := range combos {
			s := Specifiers{}
			if c.Takes(OnsetSpecifier) {
				s.Onset = co.onset
			}
			if c.Takes(ContextSpecifier) {
				s.Context = co.context
			}
			if c.Takes(SeveritySpecifier) {
				s.Severity = Moderate
			}
			t.Run(fmt.Sprintf("%s %s %s", tt.id, s.Onset, s.Context), func(t *testing.T) {
				got, err := tx.Codes(Diagnosis{Concern: tt.id, Specifiers: s})
				if err != nil {
					t.Fatal(err)
				}
				if codes := codesOf(got.ICD10CM); !slices.Equal(codes, tt.icd10) {
					t.Errorf("ICD-10-CM %v, want %v", codes, tt.icd10)
				}
				if codes := codesOf(got.Organic); !slices.Equal(codes, tt.organic) {
					t.Errorf("organic %v, want %v", codes, tt.organic)
				}
				for _, k := range got.ICD10CM {
					if k.Use != Primary {
						t.Errorf("%s in ICD10CM is %s", k.Code, k.Use)
					}
				}
				if tt.icd11 == nil {
					if len(got.ICD11) != 0 {
						t.Errorf("ICD-11 %v, want none", got.ICD11)
					}
					return
				}
				want, title := tt.icd11.code, tt.icd11.title
				if tt.derived {
					if tt.icd11.stem {
						want += "."
					}
					want += co.sub
					title += ", " + co.words
				}
				if len(got.ICD11) != 1 || got.ICD11[0].Code != want || got.ICD11[0].Title != title || got.ICD11[0].Confirmed != tt.ok {
					t.Errorf("ICD-11 %+v, want %s %q confirmed %v", got.ICD11, want, title, tt.ok)
				}
			})
		}
	}
}

func codesOf(cs []Code) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Code)
	}
	return out
}

// TestSeverityChangesNoCode checks that DSM-5-TR's severity is recorded
// but codes nothing.
func TestSeverityChangesNoCode(t *testing.T) {
	var first *Codes
	for _, sev := range []Severity{NoSeverity, Mild, Moderate, Severe} {
		got, err := Diagnosis{Concern: "premature-ejaculation", Specifiers: Specifiers{Acquired, Generalised, sev}}.Codes()
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = &got
			if got.ICD11[0].Code != "HA03.02" || got.ICD10CM[0].Code != "F52.4" {
				t.Errorf("codes %+v, want F52.4 and HA03.02", got)
			}
		} else if fmt.Sprint(got) != fmt.Sprint(*first) {
			t.Errorf("severity %s gives %+v, not %+v", sev, got, *first)
		}
	}
}

// TestCheckAccepts accepts every concern with every value of each
// specifier it takes, and with none.
func TestCheckAccepts(t *testing.T) {
	tx := Default()
	for _, c := range tx.Concerns() {
		cases := []Specifiers{{}}
		if c.Takes(OnsetSpecifier) {
			cases = append(cases, Specifiers{Onset: Lifelong}, Specifiers{Onset: Acquired})
		}
		if c.Takes(ContextSpecifier) {
			cases = append(cases, Specifiers{Context: Generalised}, Specifiers{Context: Situational})
		}
		if c.Takes(SeveritySpecifier) {
			cases = append(cases, Specifiers{Severity: Mild}, Specifiers{Severity: Moderate}, Specifiers{Severity: Severe})
		}
		if len(c.Specifiers) == 3 {
			cases = append(cases, Specifiers{Acquired, Situational, Severe})
		}
		for _, s := range cases {
			if err := tx.Check(Diagnosis{Concern: c.ID, Specifiers: s}); err != nil {
				t.Errorf("%s %+v refused: %v", c.ID, s, err)
			}
		}
	}
}

// TestCheckRefuses refuses each kind of bad diagnosis with an Invalid
// error naming the field and what to do.
func TestCheckRefuses(t *testing.T) {
	tests := []struct {
		name  string
		d     Diagnosis
		field string
		want  []string
		all   []string // every field at fault, when more than one
	}{
		{"no concern", Diagnosis{}, FieldConcern, []string{"choose the concern", "erectile-disorder", "relationship-concerns"}, nil},
		{"unknown concern", Diagnosis{Concern: "low-libido"}, FieldConcern, []string{`no concern "low-libido" in concerns-v1`, "use one of male-hypoactive-sexual-desire"}, nil},
		{"concern named, not id", Diagnosis{Concern: "Erectile disorder"}, FieldConcern, []string{`no concern "Erectile disorder"`}, nil},
		{"unknown onset", Diagnosis{Concern: "erectile-disorder", Specifiers: Specifiers{Onset: "primary"}}, FieldOnset, []string{`"primary" is not an onset`, "lifelong or acquired", "leave it empty"}, nil},
		{"onset in capitals", Diagnosis{Concern: "erectile-disorder", Specifiers: Specifiers{Onset: "Lifelong"}}, FieldOnset, []string{`"Lifelong" is not an onset`}, nil},
		{"unknown context", Diagnosis{Concern: "erectile-disorder", Specifiers: Specifiers{Context: "generalized"}}, FieldContext, []string{`"generalized" is not a context`, "generalised or situational"}, nil},
		{"unknown severity", Diagnosis{Concern: "erectile-disorder", Specifiers: Specifiers{Severity: "extreme"}}, FieldSeverity, []string{`"extreme" is not a severity`, "mild, moderate or severe"}, nil},
		{"context on genito-pelvic pain", Diagnosis{Concern: "genito-pelvic-pain", Specifiers: Specifiers{Onset: Lifelong, Context: Situational}}, FieldContext, []string{"genito-pelvic-pain (Genito-pelvic pain/penetration disorder) takes no context specifier", "leave it empty"}, nil},
		{"onset on compulsive sexual behaviour", Diagnosis{Concern: "compulsive-sexual-behaviour", Specifiers: Specifiers{Onset: Acquired}}, FieldOnset, []string{"compulsive-sexual-behaviour (not in DSM-5-TR) takes no onset specifier"}, nil},
		{"severity on compulsive sexual behaviour", Diagnosis{Concern: "compulsive-sexual-behaviour", Specifiers: Specifiers{Severity: Severe}}, FieldSeverity, []string{"takes no severity specifier"}, nil},
		{"severity on sexual interests", Diagnosis{Concern: "sexual-interests-orientation", Specifiers: Specifiers{Severity: Mild}}, FieldSeverity, []string{"sexual-interests-orientation is recorded as a concern, not a diagnosis, and takes no severity", "leave it empty"}, nil},
		{"severity on intimacy with a disability", Diagnosis{Concern: "intimacy-disability-chronic-condition", Specifiers: Specifiers{Severity: Severe}}, FieldSeverity, []string{"recorded as a concern, not a diagnosis, and takes no severity"}, nil},
		{"onset on relationship concerns", Diagnosis{Concern: "relationship-concerns", Specifiers: Specifiers{Onset: Lifelong}}, FieldOnset, []string{"relationship-concerns is recorded as a concern, not a diagnosis, and takes no onset"}, nil},
		{"context on relationship concerns", Diagnosis{Concern: "relationship-concerns", Specifiers: Specifiers{Context: Situational}}, FieldContext, []string{"takes no context"}, nil},
		{"a bad value on a concern is refused as not taken", Diagnosis{Concern: "relationship-concerns", Specifiers: Specifiers{Severity: "extreme"}}, FieldSeverity, []string{"takes no severity"}, nil},
		{"every field at fault", Diagnosis{Concern: "relationship-concerns", Specifiers: Specifiers{Lifelong, Generalised, Mild}}, FieldOnset, []string{"takes no onset"},
			[]string{FieldOnset, FieldContext, FieldSeverity}},
		{"an unknown concern and a bad value", Diagnosis{Concern: "nope", Specifiers: Specifiers{Severity: "high"}}, FieldConcern, []string{`no concern "nope"`},
			[]string{FieldConcern, FieldSeverity}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Check()
			var e *certboard.Error
			if !errors.As(err, &e) {
				t.Fatalf("Check = %v, want a *certboard.Error", err)
			}
			if e.Code != certboard.Invalid || e.Field != tt.field || !strings.HasPrefix(e.Message, tt.field+": ") {
				t.Errorf("code %s field %q message %q, want invalid on %s", e.Code, e.Field, e.Message, tt.field)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q does not say %q", e.Message, w)
				}
			}
			all := tt.all
			if all == nil {
				all = []string{tt.field}
			}
			if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, slices.Sorted(slices.Values(all))) {
				t.Errorf("fields %v, want %v", got, all)
			}
			if e.Fields[tt.field] == "" || !strings.HasSuffix(e.Message, e.Fields[tt.field]) {
				t.Errorf("Fields[%s] = %q, not the message %q", tt.field, e.Fields[tt.field], e.Message)
			}
			if _, cerr := tt.d.Codes(); cerr == nil || cerr.Error() != err.Error() {
				t.Errorf("Codes gave %v, want Check's error", cerr)
			}
		})
	}
}
