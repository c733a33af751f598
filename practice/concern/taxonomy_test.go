package concern

import (
	"slices"
	"strings"
	"testing"
)

func TestEmbeddedTaxonomyLoads(t *testing.T) {
	tx, err := Parse(DefaultFile, embedded)
	if err != nil {
		t.Fatalf("the embedded taxonomy does not load:\n%v", err)
	}
	if tx.Version() != "concerns-v1" || tx.File() != DefaultFile {
		t.Errorf("version %q file %q, want concerns-v1 %s", tx.Version(), tx.File(), DefaultFile)
	}
	if first, again := Default(), Default(); first != again {
		t.Error("Default parses the file more than once")
	}
	if got := Default().IDs(); !slices.Equal(got, tx.IDs()) {
		t.Errorf("Default ids %v, Parse ids %v", got, tx.IDs())
	}
	for _, c := range tx.Concerns() {
		if c.Line == 0 {
			t.Errorf("%s has no line", c.ID)
		}
	}
}

// TestEveryAreaOfTheFieldIsCovered checks that the taxonomy names every
// concern the field names, each with at least one entry.
func TestEveryAreaOfTheFieldIsCovered(t *testing.T) {
	tx := Default()
	want := map[string][]string{
		"low-desire":                   {"male-hypoactive-sexual-desire", "female-low-desire"},
		"arousal":                      {"female-arousal"},
		"interests-orientation":        {"sexual-interests-orientation"},
		"compulsive-sexual-behaviour":  {"compulsive-sexual-behaviour"},
		"erectile-dysfunction":         {"erectile-disorder"},
		"premature-ejaculation":        {"premature-ejaculation"},
		"anorgasmia":                   {"female-orgasmic-disorder", "delayed-ejaculation"},
		"genito-pelvic-pain":           {"genito-pelvic-pain"},
		"disability-chronic-condition": {"intimacy-disability-chronic-condition"},
		"relationship":                 {"relationship-concerns"},
	}
	var areas []string
	for _, a := range tx.Areas() {
		areas = append(areas, a.ID)
		if a.Name == "" {
			t.Errorf("area %s has no name", a.ID)
		}
		var ids []string
		for _, c := range tx.InArea(a.ID) {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, want[a.ID]) {
			t.Errorf("area %s holds %v, want %v", a.ID, ids, want[a.ID])
		}
	}
	if len(areas) != len(want) {
		t.Errorf("areas %v, want the %d of the field", areas, len(want))
	}
	if got := tx.InArea("no-such-area"); got != nil {
		t.Errorf("an unknown area holds %v", got)
	}
}

// TestEveryConcern pins each entry's facts: kind, DSM-5-TR name, primary
// ICD-10-CM code, organic alternatives, ICD-11 code and whether its
// subcodes are derived, specifiers, sex and anatomy, and which codes are
// confirmed.
func TestEveryConcern(t *testing.T) {
	all := []Specifier{OnsetSpecifier, ContextSpecifier, SeveritySpecifier}
	tests := []struct {
		id         string
		kind       Kind
		dsm        string
		icd10      string // primary; "" for none
		icd10OK    bool
		organic    []string
		icd11      string // "" for none
		icd11OK    bool
		subcodes   bool
		specifiers []Specifier
		sex        Sex
		anatomy    Anatomy
	}{
		{"male-hypoactive-sexual-desire", KindDisorder, "Male hypoactive sexual desire disorder", "F52.0", true, nil, "HA00", true, true, all, Male, AnyAnatomy},
		{"female-low-desire", KindDisorder, "Female sexual interest/arousal disorder", "F52.22", true, nil, "HA00", true, true, all, Female, AnyAnatomy},
		{"female-arousal", KindDisorder, "Female sexual interest/arousal disorder", "F52.22", true, nil, "HA01.0", true, true, all, Female, AnyAnatomy},
		{"erectile-disorder", KindDisorder, "Erectile disorder", "F52.21", true, []string{"N52"}, "HA01.1", true, true, all, Male, Penis},
		{"premature-ejaculation", KindDisorder, "Premature (early) ejaculation", "F52.4", true, nil, "HA03.0", true, true, all, Male, Penis},
		{"female-orgasmic-disorder", KindDisorder, "Female orgasmic disorder", "F52.31", true, nil, "HA02.0", true, true, all, Female, AnyAnatomy},
		{"delayed-ejaculation", KindDisorder, "Delayed ejaculation", "F52.32", true, nil, "HA03.1", true, true, all, Male, Penis},
		{"genito-pelvic-pain", KindDisorder, "Genito-pelvic pain/penetration disorder", "F52.6", true, []string{"N94.1", "N94.2"}, "HA20", false, false, []Specifier{OnsetSpecifier, SeveritySpecifier}, Female, Vagina},
		{"compulsive-sexual-behaviour", KindDisorder, "", "F52.8", false, nil, "6C72", true, false, []Specifier{}, AnySex, AnyAnatomy},
		{"sexual-interests-orientation", KindConcern, "", "Z70.1", false, nil, "", false, false, []Specifier{}, AnySex, AnyAnatomy},
		{"intimacy-disability-chronic-condition", KindConcern, "", "Z70.8", false, nil, "", false, false, []Specifier{}, AnySex, AnyAnatomy},
		{"relationship-concerns", KindConcern, "", "Z63.0", false, nil, "", false, false, []Specifier{}, AnySex, AnyAnatomy},
	}
	tx := Default()
	if got, want := len(tx.Concerns()), len(tests); got != want {
		t.Errorf("%d concerns, want %d", got, want)
	}
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c, ok := tx.Lookup(tt.id)
			if !ok {
				t.Fatalf("no concern %s", tt.id)
			}
			if tx.IDs()[i] != tt.id {
				t.Errorf("at position %d, want %s at %d", slices.Index(tx.IDs(), tt.id), tt.id, i)
			}
			if c.Kind != tt.kind || c.IsDisorder() != (tt.kind == KindDisorder) || c.DSM5TR != tt.dsm {
				t.Errorf("kind %s dsm %q, want %s %q", c.Kind, c.DSM5TR, tt.kind, tt.dsm)
			}
			p, has := c.Primary()
			if has != (tt.icd10 != "") || p.Code != tt.icd10 || p.Confirmed != tt.icd10OK || p.System != ICD10CM {
				t.Errorf("primary %+v, want %s confirmed %v", p, tt.icd10, tt.icd10OK)
			}
			var organic []string
			for _, k := range c.ICD10CM[1:] {
				if k.Use != Organic || k.System != ICD10CM {
					t.Errorf("code after the primary %+v is not an organic ICD-10-CM code", k)
				}
				organic = append(organic, k.Code)
			}
			if !slices.Equal(organic, tt.organic) {
				t.Errorf("organic %v, want %v", organic, tt.organic)
			}
			switch {
			case tt.icd11 == "" && c.ICD11 != nil:
				t.Errorf("ICD-11 %+v, want none", c.ICD11)
			case tt.icd11 != "" && (c.ICD11 == nil || c.ICD11.Code != tt.icd11 || c.ICD11.Confirmed != tt.icd11OK || c.ICD11.System != ICD11):
				t.Errorf("ICD-11 %+v, want %s confirmed %v", c.ICD11, tt.icd11, tt.icd11OK)
			}
			if c.ICD11Subcodes != tt.subcodes {
				t.Errorf("subcodes %v, want %v", c.ICD11Subcodes, tt.subcodes)
			}
			if !slices.Equal(c.Specifiers, tt.specifiers) {
				t.Errorf("specifiers %v, want %v", c.Specifiers, tt.specifiers)
			}
			for _, s := range AllSpecifiers() {
				if c.Takes(s) != slices.Contains(tt.specifiers, s) {
					t.Errorf("Takes(%s) = %v", s, c.Takes(s))
				}
			}
			if c.Sex != tt.sex || c.Anatomy != tt.anatomy {
				t.Errorf("sex %q anatomy %q, want %q %q", c.Sex, c.Anatomy, tt.sex, tt.anatomy)
			}
			if c.Name == "" || c.Area == "" || len(c.Sources) == 0 {
				t.Errorf("name %q area %q sources %v: all are needed", c.Name, c.Area, c.Sources)
			}
		})
	}
}

// TestUnconfirmedCodesSayWhy checks that the clinical reference's
// UNCONFIRMED marks survive as confirmed: false, and that every code not
// confirmed says why.
func TestUnconfirmedCodesSayWhy(t *testing.T) {
	tx := Default()
	var unconfirmed []string
	for _, c := range tx.Concerns() {
		codes := slices.Clone(c.ICD10CM)
		if c.ICD11 != nil {
			codes = append(codes, *c.ICD11)
		}
		for _, k := range codes {
			if len(k.Sources) == 0 {
				t.Errorf("%s %s %s cites no source", c.ID, k.System, k.Code)
			}
			for _, s := range k.Sources {
				if _, ok := tx.Source(s); !ok {
					t.Errorf("%s %s cites unknown source %s", c.ID, k.Code, s)
				}
			}
			if !k.Confirmed {
				unconfirmed = append(unconfirmed, k.Code)
				if k.Note == "" {
					t.Errorf("%s %s %s is not confirmed and has no note", c.ID, k.System, k.Code)
				}
			}
		}
	}
	want := []string{"HA20", "F52.8", "Z70.1", "Z70.8", "Z63.0"}
	if !slices.Equal(unconfirmed, want) {
		t.Errorf("unconfirmed %v, want %v", unconfirmed, want)
	}
	for _, id := range []string{"genito-pelvic-pain", "compulsive-sexual-behaviour"} {
		c, _ := tx.Lookup(id)
		notes := c.ICD11.Note
		if p, _ := c.Primary(); !p.Confirmed {
			notes = p.Note
		}
		if !strings.Contains(notes, "UNCONFIRMED") {
			t.Errorf("%s: the note %q does not keep the reference's UNCONFIRMED mark", id, notes)
		}
	}
}

func TestSourcesAreCitedAndDated(t *testing.T) {
	tx := Default()
	cited := map[string]bool{}
	for _, c := range tx.Concerns() {
		for _, s := range c.Sources {
			cited[s] = true
		}
		for _, k := range c.ICD10CM {
			for _, s := range k.Sources {
				cited[s] = true
			}
		}
		if c.ICD11 != nil {
			for _, s := range c.ICD11.Sources {
				cited[s] = true
			}
		}
	}
	for _, s := range tx.Sources() {
		if s.Title == "" {
			t.Errorf("source %s has no title", s.ID)
		}
		if !s.Read.IsZero() && s.Read.String() != "2026-12-07" {
			t.Errorf("source %s read %s", s.ID, s.Read)
		}
		if s.URL != "" && s.Read.IsZero() && s.Note == "" {
			t.Errorf("source %s has a url it was not read at, and no note saying so", s.ID)
		}
		// The official code sets are listed as where to confirm codes;
		// every other source must be cited.
		if !cited[s.ID] && s.ID != "icd-10-cm" && s.ID != "icd-11-mms" {
			t.Errorf("source %s is cited by no entry", s.ID)
		}
	}
	if _, ok := tx.Source("no-such-source"); ok {
		t.Error("an unknown source was found")
	}
}

func TestTaxonomyReturnsCopies(t *testing.T) {
	tx := Default()
	cs := tx.Concerns()
	cs[0].Specifiers[0] = "changed"
	cs[0].ICD10CM[0].Code = "X00"
	cs[0].ICD10CM[0].Sources[0] = "changed"
	cs[0].ICD11.Code = "XX00"
	c, _ := tx.Lookup(cs[0].ID)
	c.Sources[0] = "changed"
	tx.Sources()[0].ID = "changed"
	tx.Areas()[0].ID = "changed"
	again, _ := tx.Lookup(cs[0].ID)
	if again.Specifiers[0] != OnsetSpecifier || again.ICD10CM[0].Code != "F52.0" || again.ICD10CM[0].Sources[0] != "clinical-reference" ||
		again.ICD11.Code != "HA00" || again.Sources[0] != "clinical-reference" {
		t.Errorf("a caller changed the shared taxonomy: %+v", again)
	}
	if tx.Sources()[0].ID != "clinical-reference" || tx.Areas()[0].ID != "low-desire" {
		t.Error("a caller changed the shared sources or areas")
	}
	if _, ok := tx.Lookup("no-such-concern"); ok {
		t.Error("an unknown concern was found")
	}
}
