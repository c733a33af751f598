package evidenceform

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

func names(fields []Field) []string {
	var out []string
	for _, f := range fields {
		out = append(out, f.Name)
	}
	return out
}

// TestEveryListHasAType checks that each list the editor offers is a list
// of the portfolio, so that its form can be built.
func TestEveryListHasAType(t *testing.T) {
	for _, l := range Lists {
		if itemType(l.Name) == nil {
			t.Errorf("%s: not a list of the portfolio", l.Name)
		}
		if got, ok := FindList(l.Name); !ok || got != l {
			t.Errorf("FindList(%q) = %+v, %v", l.Name, got, ok)
		}
	}
	if _, ok := FindList("documents"); ok {
		t.Error("documents are uploaded, not edited with a form")
	}
	// Every other list of the portfolio has its form.
	for _, name := range portfolio.Lists() {
		if _, ok := FindList(name); !ok && name != "documents" {
			t.Errorf("the portfolio's %s have no form", name)
		}
	}
}

// TestFieldsOfACaseAndAnExam checks the forms of cases and exams: a
// focus checkbox for each value, the contract offered as a choice, and
// what a filled form becomes.
func TestFieldsOfACaseAndAnExam(t *testing.T) {
	p := &portfolio.Portfolio{Contracts: []portfolio.Contract{{ID: "con-1", Supervisor: "sup-1", Start: date.MustParse("2024-01-01")}}}
	fields := Fields("cases", url.Values{"focus": {"sexual", "other"}, "unit": {"couple"}}, map[string]string{"focus.1": "bad"}, Context{P: p})
	if got, want := names(fields), []string{"unit", "focus", "opened", "closed", "completed", "contract", "description"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	by := map[string]Field{}
	for _, f := range fields {
		by[f.Name] = f
	}
	if f := by["unit"]; f.Type != "select" || !f.Required || len(f.Options) != 4 || !f.Options[1].Selected {
		t.Errorf("unit: %+v", f)
	}
	want := []Option{{"sexual", "sexual", true}, {"relationship", "relationship", false}, {"other", "other", true}}
	if f := by["focus"]; f.Type != "choices" || f.Required || !reflect.DeepEqual(f.Options, want) || f.Error != "bad" {
		t.Errorf("focus: %+v", f)
	}
	if f := by["completed"]; f.Type != "checkbox" {
		t.Errorf("completed: %+v", f)
	}
	if f := by["contract"]; f.Type != "select" || len(f.Options) != 2 || f.Options[1].Value != "con-1" {
		t.Errorf("contract: %+v", f)
	}
	// A focus read from a stored case (one value a line) ticks its boxes.
	stored := Values(&portfolio.Case{ID: "case-1", Unit: "couple", Focus: []string{"relationship", "sexual"}, Opened: date.MustParse("2024-02-01")})
	for _, f := range Fields("cases", stored, nil, Context{P: p}) {
		if f.Name == "focus" && (!f.Options[0].Selected || !f.Options[1].Selected || f.Options[2].Selected) {
			t.Errorf("stored focus: %+v", f.Options)
		}
	}
	form := url.Values{"unit": {"couple"}, "focus": {"sexual", "relationship"}, "opened": {"2024-02-01"}, "closed": {"2024-09-30"},
		"completed": {"true"}, "contract": {"con-1"}}
	got := Object("cases", form, map[string]string{})
	wantObj := map[string]any{"unit": "couple", "focus": []any{"sexual", "relationship"}, "opened": "2024-02-01", "closed": "2024-09-30",
		"completed": true, "contract": "con-1"}
	if !reflect.DeepEqual(got, wantObj) {
		t.Errorf("case object %v, want %v", got, wantObj)
	}

	fields = Fields("exams", nil, nil, Context{P: p})
	if got, want := names(fields), []string{"kind", "code", "title", "body", "date", "outcome", "score", "valid_to"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("exam fields %v, want %v", got, want)
	}
	if f := fields[5]; f.Type != "select" || len(f.Options) != 2 || f.Options[0].Value != "passed" {
		t.Errorf("outcome: %+v", f)
	}
	if f := fields[6]; f.Type != "number" || f.Required {
		t.Errorf("score: %+v", f)
	}
	if got := ItemLabel(&portfolio.Case{ID: "case-1", Opened: date.MustParse("2024-02-01")}); got != "2024-02-01 (case-1)" {
		t.Errorf("case label %q", got)
	}
}

// TestFieldsOfAnActivity checks the inputs made from the tags of an
// education activity: kinds, choices, nested groups, and no id or
// verification.
func TestFieldsOfAnActivity(t *testing.T) {
	set := &requirements.Set{Taxonomies: map[string]*requirements.Taxonomy{
		"core": {Title: "Core areas", Areas: []requirements.Area{{Code: "a1", Name: "Ethics"}, {Code: "a2", Name: "Anatomy"}}},
	}}
	values := url.Values{"kind": {"ce"}, "hours": {"1.5"}, "areas.core": {"a2"}, "sexuality_related": {"true"}}
	fields := Fields("education", values, map[string]string{"hours": "too many"}, Context{P: &portfolio.Portfolio{}, Set: set})
	want := []string{"title", "kind", "provider", "delivery", "date", "hours", "areas", "sexuality_related"}
	if got := names(fields); !reflect.DeepEqual(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	by := map[string]Field{}
	for _, f := range fields {
		by[f.Name] = f
	}
	if f := by["title"]; f.Type != "text" || !f.Required || f.Label != "Title" || f.ID != "f-title" {
		t.Errorf("title: %+v", f)
	}
	if f := by["kind"]; f.Type != "select" || len(f.Options) != 5 || f.Options[0].Value != "university_course" ||
		!f.Options[1].Selected || f.Options[0].Label != "university course" {
		t.Errorf("kind: %+v", f)
	}
	if f := by["provider"]; f.Type != "group" || !reflect.DeepEqual(names(f.Fields), []string{"provider.name", "provider.kind", "provider.approved_by"}) ||
		f.Fields[0].Label != "Provider" || f.Fields[2].Type != "list" || f.Fields[0].ID != "f-provider-name" {
		t.Errorf("provider: %+v", f)
	}
	if f := by["date"]; f.Type != "date" {
		t.Errorf("date: %+v", f)
	}
	if f := by["hours"]; f.Type != "number" || f.Step != "any" || f.Value != "1.5" || f.Error != "too many" || f.Hint != "Clock hours, e.g. 1.5" {
		t.Errorf("hours: %+v", f)
	}
	if f := by["areas"]; f.Type != "areas" || len(f.Areas) != 1 || f.Areas[0].Title != "Core areas" ||
		f.Areas[0].Areas[0].Checked || !f.Areas[0].Areas[1].Checked || f.Areas[0].Areas[1].ID != "f-areas-core-a2" {
		t.Errorf("areas: %+v", f)
	}
	if f := by["sexuality_related"]; f.Type != "select" || len(f.Options) != 3 || !f.Options[1].Selected {
		t.Errorf("sexuality_related: %+v", f)
	}

	// Without a requirement set there are no areas to offer.
	if got := names(Fields("education", nil, nil, Context{})); reflect.DeepEqual(got, want) {
		t.Errorf("areas offered without a set: %v", got)
	}
}

// TestFieldsOfASupervisor checks a list of small objects: the entries given
// and one empty one, none of them required, and references offered as
// choices.
func TestFieldsOfASupervisor(t *testing.T) {
	values := url.Values{"credentials.0.type": {"CST"}}
	fields := Fields("supervisors", values, nil, Context{})
	if got, want := names(fields), []string{"name", "email", "practice", "credentials"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	creds := fields[3]
	if creds.Type != "group" || len(creds.Fields) != 2 || creds.Fields[1].Label != "Credential 2" {
		t.Fatalf("credentials: %+v", creds)
	}
	for _, g := range creds.Fields {
		for _, f := range g.Fields {
			if f.Required {
				t.Errorf("%s is required", f.Name)
			}
		}
	}
	if f := creds.Fields[0].Fields[0]; f.Name != "credentials.0.type" || f.Value != "CST" {
		t.Errorf("first credential: %+v", f)
	}

	p := &portfolio.Portfolio{Supervisors: []portfolio.Supervisor{{ID: "sup-1", Name: "Dana Wu"}}}
	for _, f := range Fields("supervision_contracts", url.Values{"supervisor": {"sup-1"}}, nil, Context{P: p}) {
		if f.Name == "supervisor" {
			want := []Option{{Value: "", Label: "Choose…"}, {Value: "sup-1", Label: "Dana Wu (sup-1)", Selected: true}}
			if !reflect.DeepEqual(f.Options, want) {
				t.Errorf("supervisor options %+v, want %+v", f.Options, want)
			}
			return
		}
	}
	t.Error("a contract has no supervisor field")
}

// TestFieldsOfClinicalHours checks a list of choices (the focus of clinical
// hours): a box for each value of its enum, ticked from posted boxes or from
// the lines Values gives, and read back as a list.
func TestFieldsOfClinicalHours(t *testing.T) {
	var focus Field
	for _, f := range Fields("clinical_hours", url.Values{"focus": {"sexual", "other"}}, map[string]string{"focus": "pick one"}, Context{}) {
		if f.Name == "focus" {
			focus = f
		}
	}
	want := []Option{{Value: "sexual", Label: "sexual", Selected: true}, {Value: "relationship", Label: "relationship"}, {Value: "other", Label: "other", Selected: true}}
	if focus.Type != "choices" || focus.Required || focus.ID != "f-focus" || focus.Error != "pick one" || !reflect.DeepEqual(focus.Options, want) {
		t.Errorf("focus: %+v", focus)
	}
	for _, f := range Fields("clinical_hours", Values(&portfolio.ClinicalHours{Focus: []string{"relationship"}}), nil, Context{}) {
		if f.Name == "focus" && (f.Options[0].Selected || !f.Options[1].Selected || f.Options[2].Selected) {
			t.Errorf("focus of an item being edited: %+v", f.Options)
		}
	}

	obj := Object("clinical_hours", url.Values{"focus": {"sexual", "relationship"}, "hours": {"3"}}, map[string]string{})
	if got, want := obj["focus"], []any{"sexual", "relationship"}; !reflect.DeepEqual(got, want) {
		t.Errorf("focus read back as %v, want %v", got, want)
	}
	if obj := Object("clinical_hours", url.Values{"hours": {"3"}}, map[string]string{}); obj["focus"] != nil {
		t.Errorf("no box ticked gives focus %v; want it left out", obj["focus"])
	}
}

// TestValuesThenObject checks that an item turned into form values and
// back gives the item's JSON, without its id and verification.
func TestValuesThenObject(t *testing.T) {
	yes := true
	items := map[string]any{
		"education": &portfolio.Activity{ID: "edu-1", Title: "Ethics", Kind: "ce",
			Provider: portfolio.Provider{Name: "AASECT", Kind: "approved_provider", ApprovedBy: []string{"AASECT", "APA"}},
			Delivery: "live_online", Date: date.MustParse("2024-03-01"), Hours: 1.5,
			Areas: map[string][]string{"core": {"a1", "a2"}}, SexualityRelated: &yes,
			Verification: portfolio.Verification{Note: "checked"}},
		"clinical_hours": &portfolio.ClinicalHours{ID: "clin-1", From: date.MustParse("2024-01-01"), To: date.MustParse("2024-03-31"), Hours: 40,
			Modality: "in_person", Focus: []string{"sexual", "relationship"}, Contract: "con-1"},
		"cases": &portfolio.Case{ID: "case-1", Unit: "family", Focus: []string{"relationship", "other"}, Opened: date.MustParse("2024-02-01"),
			Closed: date.MustParse("2024-05-01"), Completed: true, Description: "Family of four"},
		"exams": &portfolio.Exam{ID: "exam-1", Kind: "interview", Code: "ecps-oral", Title: "ECPS oral", Body: "EFS-ESSM",
			Date: date.MustParse("2025-01-10"), Outcome: "passed", Score: 81.5, ValidTo: date.MustParse("2029-01-09")},
		"supervisors": &portfolio.Supervisor{ID: "sup-1", Name: "Dana Wu", Email: "dana@example.org",
			Credentials: []portfolio.HeldCredential{{Type: "CST", ValidFrom: date.MustParse("2020-01-01")}, {Type: "LMFT", Number: "12", ValidFrom: date.MustParse("2019-05-01")}}},
	}
	for list, item := range items {
		errs := map[string]string{}
		obj := Object(list, Values(item), errs)
		if len(errs) > 0 {
			t.Errorf("%s: errors %v", list, errs)
		}
		var want map[string]any
		b, _ := json.Marshal(item)
		_ = json.Unmarshal(b, &want)
		delete(want, "id")
		delete(want, "verification")
		var got map[string]any
		b, _ = json.Marshal(obj)
		_ = json.Unmarshal(b, &got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", list, got, want)
		}
	}
}

// TestObjectReadsTheForm checks what a posted form becomes: checkboxes,
// lists one per line, numbers, and a number that does not parse.
func TestObjectReadsTheForm(t *testing.T) {
	form := url.Values{"title": {" Ethics "}, "hours": {"x"}, "provider.approved_by": {"AASECT\n\n APA \n"},
		"sexuality_related": {"false"}, "id": {"edu-9"}, "verification.state": {"verified"}}
	errs := map[string]string{}
	obj := Object("education", form, errs)
	if errs["hours"] != "give a number, such as 1.5" || len(errs) != 1 {
		t.Errorf("errs %v", errs)
	}
	want := map[string]any{"title": "Ethics", "provider": map[string]any{"approved_by": []any{"AASECT", "APA"}}, "sexuality_related": false}
	if !reflect.DeepEqual(obj, want) {
		t.Errorf("object %v, want %v", obj, want)
	}
	if obj := Object("licenses", url.Values{"independent_practice": {"on"}}, errs); obj["independent_practice"] != true {
		t.Errorf("a ticked checkbox: %v", obj)
	}
}

// TestFieldErrors checks that the decoder's paths become form names.
func TestFieldErrors(t *testing.T) {
	errs := map[string]string{}
	FieldErrors(portfolio.Errors{
		{Path: "$.supervisors[2].credentials[1].type", Message: "is required"},
		{Path: "$.supervisors[2].areas.core[0]", Message: "unknown area"},
		{Path: "$.supervisors[2].areas.core[1]", Message: "another"},
		{Path: "$.supervisors[2]", Message: "duplicate"},
	}, "$.supervisors[2]", errs)
	want := map[string]string{"credentials.1.type": "is required", "areas": "unknown area", "": "duplicate"}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("errs %v, want %v", errs, want)
	}

	errs = map[string]string{}
	FieldErrors(portfolio.Errors{{Path: "$.person.name", Message: "elsewhere"}}, "$.supervisors[0]", errs)
	if errs[""] == "" || len(errs) != 1 {
		t.Errorf("an error about another item: %v", errs)
	}

	errs = map[string]string{}
	FieldErrors(errors.New("broken"), "$.person", errs)
	if errs[""] != "broken" {
		t.Errorf("another error: %v", errs)
	}
}

// TestRef checks the reference fields read from the cb tags.
func TestRef(t *testing.T) {
	typ := reflect.TypeFor[portfolio.Contract]()
	found := false
	for i := range typ.NumField() {
		f := typ.Field(i)
		if tagName(f) == "supervisor" {
			found = Ref(f) == "supervisors"
		} else if tagName(f) == "id" && Ref(f) != "" {
			t.Error("the id is not a reference")
		}
	}
	if !found {
		t.Error("a contract's supervisor does not refer to the supervisors")
	}
}
