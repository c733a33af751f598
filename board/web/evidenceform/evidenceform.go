// Package evidenceform builds the HTML forms of the portfolio's evidence
// types from the types themselves, and reads filled forms back.
//
// Each field of an item becomes an input of the matching kind (its label
// and hint from a table, its kind and choices from the portfolio's json and
// cb struct tags), and a filled form becomes the JSON object of the item,
// which goes through the same strict decoder and validator as an imported
// portfolio: one set of rules, one set of messages. The package knows
// nothing of HTTP or of the store.
package evidenceform

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// List describes one list of the portfolio as the editor shows it.
type List struct {
	Name     string // JSON name: "education"
	Title    string // "Education and training"
	Singular string // "an education activity"
	Prefix   string // id prefix of new items: "edu"
	Help     string // a sentence under the title
}

// Lists are the lists an applicant edits with forms, in page order.
// Documents are added by uploading a file on the documents page.
var Lists = []List{
	{"degrees", "Degrees", "a degree", "deg", "Academic degrees, with the institution and its accreditation."},
	{"licenses", "Licenses", "a license", "lic", "Professional licenses or certificates to practise, from each jurisdiction."},
	{"memberships", "Memberships", "a membership", "mem", "Membership of professional organisations, over time."},
	{"insurance", "Liability insurance", "an insurance policy", "ins", "Professional liability insurance, over time."},
	{"experience", "Professional experience", "a period of experience", "exp", "Periods of professional work."},
	{"credentials", "Credentials held", "a credential", "cred", "Credentials you already hold, for renewal or as prerequisites."},
	{"education", "Education and training", "an education activity", "edu", "Courses, continuing education, trainings, Sexual Attitude Reassessments (SAR) and teaching, with the knowledge areas each covered."},
	{"clinical_hours", "Supervised clinical hours", "a block of clinical hours", "clin", "Clinical work under supervision, on one date or over a period."},
	{"cases", "Cases", "a case", "case", "Client cases you worked, for requirements that count cases. Nothing that identifies a client."},
	{"supervisors", "Supervisors", "a supervisor", "sup", "The people who supervise you. Give their e-mail address so that they can confirm the sessions they gave."},
	{"supervision_contracts", "Supervision contracts", "a supervision contract", "con", "Contracts with a primary supervisor."},
	{"supervision_sessions", "Supervision sessions", "a supervision session", "ses", "Supervision you received, individual or in a group."},
	{"supervision_given", "Supervision given", "supervision you gave", "given", "Supervision you gave to others (for supervisor credentials)."},
	{"exams", "Examinations and interviews", "an examination or interview", "exam", "Every attempt at an examination or interview set by a body, failed ones included."},
	{"attestations", "Attestations", "an attestation", "att", "Signed agreements such as a code of conduct."},
	{"peer_reviews", "Recommendations", "a recommendation", "rec", "Recommendations and endorsements from peers."},
}

// FindList returns the list of Lists with the JSON name name.
func FindList(name string) (List, bool) {
	for _, l := range Lists {
		if l.Name == name {
			return l, true
		}
	}
	return List{}, false
}

// itemType returns the Go type of one item of a list ("person" or the JSON
// name of a list of the portfolio); nil for another name.
func itemType(list string) reflect.Type {
	if list == "person" {
		return reflect.TypeFor[portfolio.Person]()
	}
	t := reflect.TypeFor[portfolio.Portfolio]()
	for i := range t.NumField() {
		if tagName(t.Field(i)) == list {
			return t.Field(i).Type.Elem()
		}
	}
	return nil
}

func tagName(f reflect.StructField) string {
	n, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return n
}

// Field is one input of an evidence form.
type Field struct {
	Name     string // the form name; nested fields are dotted: provider.kind
	ID       string // the element id
	Label    string
	Hint     string
	Type     string // text, textarea, number, date, select, checkbox, list, choices, areas, group
	Required bool
	Step     string // the step of a number: "any" or "1"
	Value    string
	Checked  bool        // for a checkbox
	Options  []Option    // for a select, and the checkboxes of choices
	Areas    []AreaGroup // for areas: the knowledge areas, by taxonomy
	Fields   []Field     // for a group (a nested object)
	Error    string      // what to fix, after a post
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

// AreaGroup is the knowledge areas of one taxonomy of the requirement set.
type AreaGroup struct {
	Taxonomy, Title string
	Areas           []AreaOption
}

// AreaOption is the checkbox of one knowledge area.
type AreaOption struct {
	Code, Name, ID string
	Checked        bool
}

// fieldText holds labels and hints where the field name alone says too little.
var fieldText = map[string][2]string{
	"level":                 {"Level", ""},
	"field":                 {"Field of study", "e.g. Clinical Social Work"},
	"clinical":              {"A clinical degree", "It prepares for clinical practice."},
	"accreditation":         {"Accreditation of the institution", ""},
	"conferred":             {"Date conferred", ""},
	"profession":            {"Profession", ""},
	"jurisdiction":          {"Jurisdiction", "State, province or country code, e.g. US-FL"},
	"valid_from":            {"Valid from", ""},
	"valid_to":              {"Valid to", "Leave empty if it does not expire."},
	"independent_practice":  {"Allows independent practice", ""},
	"organization":          {"Organisation", "e.g. AASECT"},
	"from":                  {"From", ""},
	"to":                    {"To", "Leave empty if ongoing."},
	"hours_per_week":        {"Hours per week", ""},
	"role":                  {"Role", ""},
	"kind":                  {"Kind", ""},
	"delivery":              {"Delivery", ""},
	"hours":                 {"Hours", "Clock hours, e.g. 1.5"},
	"areas":                 {"Knowledge areas covered", "Tick every area the activity covered."},
	"sexuality_related":     {"Sexuality related", "Only when the requirement set asks."},
	"provider.name":         {"Provider", "Who delivered it"},
	"provider.kind":         {"Kind of provider", ""},
	"provider.approved_by":  {"Provider approved by", "Bodies that approved the provider, one per line, e.g. AASECT"},
	"date":                  {"Date", ""},
	"modality":              {"Modality", ""},
	"client_jurisdiction":   {"Client's jurisdiction", "Where the client was, for telehealth, e.g. US-FL"},
	"contract":              {"Supervision contract", ""},
	"description":           {"Description", ""},
	"email":                 {"E-mail address", ""},
	"practice":              {"Practice", "Practice or organisation"},
	"credentials":           {"Credentials", "The supervisor's credentials and their validity"},
	"supervisor":            {"Supervisor", "Add the supervisor first if they are not listed."},
	"start":                 {"Start", ""},
	"end":                   {"End", "Leave empty if ongoing."},
	"supervisee_membership": {"Your membership during the contract", ""},
	"format":                {"Format", ""},
	"group_size":            {"Group size", "People in the group, for group sessions"},
	"content":               {"Content", ""},
	"supervisee":            {"Supervisee", "Name of the person you supervised"},
	"code":                  {"Code", "As the requirement set names it, e.g. aasect-code-of-ethics or ecps-written"},
	"version":               {"Version", ""},
	"signed":                {"Date signed", ""},
	"reviewer":              {"Reviewer", "Their name or member number"},
	"reviewer_name":         {"Reviewer's name", ""},
	"outcome":               {"Outcome", ""},
	"comments":              {"Comments", ""},
	"languages":             {"Languages", "One per line, e.g. en"},
	"country":               {"Country", "Two-letter code, e.g. US"},
	"region":                {"State or province", ""},
	"city":                  {"City", ""},
	"name":                  {"Name", ""},
	"title":                 {"Title", ""},
	"institution":           {"Institution", ""},
	"number":                {"Number", ""},
	"carrier":               {"Carrier", ""},
	"policy":                {"Policy number", ""},
	"category":              {"Category", ""},
	"employer":              {"Employer", ""},
	"body":                  {"Issuing body", ""},
	"type":                  {"Type", "e.g. CST"},
	"status":                {"Status", ""},
	"unit":                  {"Client", "One person, a couple, a family or a group"},
	"focus":                 {"Focus", "What the work was about; tick all that apply."},
	"opened":                {"Opened", ""},
	"closed":                {"Closed", "Leave empty while the case is open."},
	"completed":             {"Completed", "Carried through to its planned end; give the date it closed."},
	"score":                 {"Score", "On the body's own scale, if it gives one."},
}

// Label is the label the forms give a field, by its form name ("region",
// "provider.name").
func Label(name string) string {
	label, _ := labelFor(name)
	return label
}

func labelFor(name string) (string, string) {
	if t, ok := fieldText[name]; ok {
		return t[0], t[1]
	}
	base := name[strings.LastIndex(name, ".")+1:]
	if t, ok := fieldText[base]; ok {
		return t[0], t[1]
	}
	s := strings.ReplaceAll(base, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:], ""
}

// Ref returns the list a reference field refers to (cb:"ref=list", "*" for
// any list), or "" for a field that is not a reference.
func Ref(f reflect.StructField) string {
	_, _, ref := cbTag(f)
	return ref
}

// cbTag reads the validation tag of a field.
func cbTag(f reflect.StructField) (required bool, enum []string, ref string) {
	for _, part := range strings.Split(f.Tag.Get("cb"), ",") {
		switch {
		case part == "required":
			required = true
		case strings.HasPrefix(part, "enum="):
			enum = strings.Split(strings.TrimPrefix(part, "enum="), "|")
		case strings.HasPrefix(part, "ref="):
			ref = strings.TrimPrefix(part, "ref=")
		}
	}
	return
}

var (
	dateType = reflect.TypeFor[date.Date]()
	areaType = reflect.TypeFor[map[string][]string]()
)

// Context is what building a form needs besides the list.
type Context struct {
	P   *portfolio.Portfolio // the items a reference field may choose from
	Set *requirements.Set    // the knowledge areas offered; none when nil
}

// Fields makes the inputs of an item of list ("person" or a name of
// Lists), filled from values (the form names and values, from a post or
// from Values of an existing item), each with its message from errs.
func Fields(list string, values url.Values, errs map[string]string, fc Context) []Field {
	return buildFields(itemType(list), "", values, errs, fc)
}

// formFields yields the fields of t that a form shows, with their JSON
// names: all but the id, the verification (the board's word, not the
// applicant's) and those JSON leaves out.
func formFields(t reflect.Type) iter.Seq2[reflect.StructField, string] {
	return func(yield func(reflect.StructField, string) bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			json := tagName(f)
			if json == "id" || json == "verification" || json == "" || json == "-" {
				continue
			}
			if !yield(f, json) {
				return
			}
		}
	}
}

// buildFields makes the inputs of the fields of t, their names under prefix.
func buildFields(t reflect.Type, prefix string, values url.Values, errs map[string]string, fc Context) []Field {
	var out []Field
	for f, json := range formFields(t) {
		name := prefix + json
		required, enum, ref := cbTag(f)
		label, hint := labelFor(name)
		ff := Field{Name: name, ID: "f-" + strings.ReplaceAll(name, ".", "-"), Label: label, Hint: hint, Required: required,
			Value: values.Get(name), Error: errs[name]}
		switch {
		case f.Type == dateType:
			ff.Type = "date"
		case f.Type == areaType:
			ff.Type = "areas"
			if fc.Set != nil {
				for _, code := range slices.Sorted(maps.Keys(fc.Set.Taxonomies)) {
					tx := fc.Set.Taxonomies[code]
					g := AreaGroup{Taxonomy: code, Title: tx.Title}
					for _, a := range tx.Areas {
						g.Areas = append(g.Areas, AreaOption{Code: a.Code, Name: a.Name, ID: ff.ID + "-" + code + "-" + a.Code,
							Checked: slices.Contains(values[name+"."+code], a.Code)})
					}
					ff.Areas = append(ff.Areas, g)
				}
			}
			if len(ff.Areas) == 0 {
				continue
			}
		case ref != "" && ref != "*":
			ff.Type = "select"
			ff.Options = refOptions(fc.P, ref, ff.Value, required)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String && len(enum) > 0:
			// A list of enumerated values: a checkbox for each value.
			ff.Type = "choices"
			// The checkboxes show one error: the list's, or the first about
			// one of its values (focus.1).
			if ff.Error == "" {
				ff.Error = firstValueError(errs, name)
			}
			chosen := listValues(values[name])
			for _, e := range enum {
				ff.Options = append(ff.Options, Option{Value: e, Label: strings.ReplaceAll(e, "_", " "), Selected: slices.Contains(chosen, e)})
			}
		case len(enum) > 0:
			ff.Type = "select"
			if !required {
				ff.Options = append(ff.Options, Option{Value: "", Label: "(not given)", Selected: ff.Value == ""})
			}
			for _, e := range enum {
				ff.Options = append(ff.Options, Option{Value: e, Label: strings.ReplaceAll(e, "_", " "), Selected: ff.Value == e})
			}
		case f.Type.Kind() == reflect.String:
			ff.Type = "text"
			if json == "description" || json == "comments" {
				ff.Type = "textarea"
			}
		case f.Type.Kind() == reflect.Float64:
			ff.Type, ff.Step = "number", "any"
		case f.Type.Kind() == reflect.Int:
			ff.Type, ff.Step = "number", "1"
		case f.Type.Kind() == reflect.Bool:
			ff.Type = "checkbox"
			ff.Checked = ff.Value == "true" || ff.Value == "on"
		case f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Bool:
			ff.Type = "select"
			ff.Options = []Option{{"", "(not given)", ff.Value == ""}, {"true", "yes", ff.Value == "true"}, {"false", "no", ff.Value == "false"}}
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			ff.Type = "list"
		case f.Type.Kind() == reflect.Struct:
			ff.Type = "group"
			ff.Fields = buildFields(f.Type, name+".", values, errs, fc)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			// A list of small objects (a supervisor's credentials): the
			// existing entries and one empty one.
			ff.Type = "group"
			n := 0
			for values.Has(fmt.Sprintf("%s.%d.%s", name, n, firstField(f.Type.Elem()))) {
				n++
			}
			for k := 0; k <= n; k++ {
				g := Field{Type: "group", Label: fmt.Sprintf("%s %d", strings.TrimSuffix(label, "s"), k+1),
					Fields: buildFields(f.Type.Elem(), fmt.Sprintf("%s.%d.", name, k), values, errs, fc)}
				for j := range g.Fields {
					g.Fields[j].Required = false
				}
				ff.Fields = append(ff.Fields, g)
			}
		default:
			continue
		}
		out = append(out, ff)
	}
	return out
}

// firstValueError returns the error about the value of list name with the
// lowest index (errs names it name.N), or "".
func firstValueError(errs map[string]string, name string) string {
	best, msg := -1, ""
	for k, v := range errs {
		if rest, ok := strings.CutPrefix(k, name+"."); ok {
			if i, err := strconv.Atoi(rest); err == nil && (best < 0 || i < best) {
				best, msg = i, v
			}
		}
	}
	return msg
}

func firstField(t reflect.Type) string { return tagName(t.Field(0)) }

// refOptions lists the items of a list an item may refer to.
func refOptions(p *portfolio.Portfolio, list, selected string, required bool) []Option {
	out := []Option{{Value: "", Label: "(none)", Selected: selected == ""}}
	if required {
		out[0].Label = "Choose…"
	}
	for _, it := range portfolio.Items(p, list) {
		id := portfolio.ItemID(it.Value)
		out = append(out, Option{Value: id, Label: ItemLabel(it.Value), Selected: selected == id})
	}
	return out
}

// ItemLabel is a short readable name of an item (a pointer to an item of
// the portfolio): its name, title or first date, with its id.
func ItemLabel(item any) string {
	v := reflect.ValueOf(item).Elem()
	id := v.FieldByName("ID").String()
	for _, f := range []string{"Name", "Title", "Organization", "Carrier", "Field", "Profession", "Code", "Role", "Type", "Description"} {
		if fv := v.FieldByName(f); fv.IsValid() && fv.Kind() == reflect.String && fv.String() != "" {
			return fv.String() + " (" + id + ")"
		}
	}
	for _, f := range []string{"Date", "Start", "From", "Opened"} {
		if fv := v.FieldByName(f); fv.IsValid() && fv.Type() == dateType && !fv.Interface().(date.Date).IsZero() {
			return fv.Interface().(date.Date).String() + " (" + id + ")"
		}
	}
	return id
}

// Values turns an item (a pointer to an item of the portfolio) into form
// values, to edit it.
func Values(item any) url.Values {
	b, _ := json.Marshal(item)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	vals := url.Values{}
	flatten(m, "", vals)
	return vals
}

func flatten(m map[string]any, prefix string, vals url.Values) {
	for k, v := range m {
		name := prefix + k
		switch v := v.(type) {
		case map[string]any:
			if k == "areas" {
				for tax, codes := range v {
					for _, c := range codes.([]any) {
						vals.Add(name+"."+tax, fmt.Sprint(c))
					}
				}
				continue
			}
			flatten(v, name+".", vals)
		case []any:
			var strs []string
			for i, e := range v {
				if obj, ok := e.(map[string]any); ok {
					flatten(obj, fmt.Sprintf("%s.%d.", name, i), vals)
				} else {
					strs = append(strs, fmt.Sprint(e))
				}
			}
			if len(strs) > 0 {
				vals.Set(name, strings.Join(strs, "\n"))
			}
		case float64:
			vals.Set(name, strconv.FormatFloat(v, 'f', -1, 64))
		case bool:
			vals.Set(name, strconv.FormatBool(v))
		case nil:
		default:
			vals.Set(name, fmt.Sprint(v))
		}
	}
}

// Object turns a filled form into the JSON object of an item of list
// ("person" or a name of Lists), without id or verification. Numbers that
// do not parse are reported in errs by field; everything else is left to
// the portfolio decoder, whose messages name the field (see FieldErrors).
func Object(list string, form url.Values, errs map[string]string) map[string]any {
	return formObject(itemType(list), "", form, errs)
}

// formObject turns the fields of t, their names under prefix, into JSON.
func formObject(t reflect.Type, prefix string, form url.Values, errs map[string]string) map[string]any {
	obj := map[string]any{}
	for f, json := range formFields(t) {
		name := prefix + json
		raw := strings.TrimSpace(form.Get(name))
		switch {
		case f.Type == areaType:
			areas := map[string]any{}
			for key, vals := range form {
				if tax, ok := strings.CutPrefix(key, name+"."); ok && len(vals) > 0 {
					areas[tax] = vals
				}
			}
			if len(areas) > 0 {
				obj[json] = areas
			}
		case f.Type == dateType || f.Type.Kind() == reflect.String:
			if raw != "" {
				obj[json] = raw
			}
		case f.Type.Kind() == reflect.Float64 || f.Type.Kind() == reflect.Int:
			if raw == "" {
				continue
			}
			x, err := strconv.ParseFloat(raw, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				errs[name] = "give a number, such as 1.5"
				continue
			}
			obj[json] = x
		case f.Type.Kind() == reflect.Bool:
			if raw == "on" || raw == "true" {
				obj[json] = true
			}
		case f.Type.Kind() == reflect.Pointer:
			if raw == "true" || raw == "false" {
				obj[json] = raw == "true"
			}
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			// One value a line (a textarea), or one value a checkbox.
			var list []any
			for _, v := range listValues(form[name]) {
				list = append(list, v)
			}
			if len(list) > 0 {
				obj[json] = list
			}
		case f.Type.Kind() == reflect.Struct:
			obj[json] = formObject(f.Type, name+".", form, errs)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			var list []any
			for k := 0; hasPrefixed(form, fmt.Sprintf("%s.%d.", name, k)); k++ {
				if sub := formObject(f.Type.Elem(), fmt.Sprintf("%s.%d.", name, k), form, errs); len(sub) > 0 {
					list = append(list, sub)
				}
			}
			if len(list) > 0 {
				obj[json] = list
			}
		}
	}
	return obj
}

// listValues reads the values of a list field: each form value split into
// lines, trimmed, without empty ones.
func listValues(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, part := range strings.Split(v, "\n") {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// hasPrefixed reports whether a form has a field whose name starts with prefix.
func hasPrefixed(form url.Values, prefix string) bool {
	for k := range form {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

var indexPath = regexp.MustCompile(`\[(\d+)\]`)

// FieldErrors maps the decoder's and validator's errors about the item at
// itemPath (paths such as $.education[3].provider.kind) to form field
// names in errs, the first for each field; errors about anything else go
// under "".
func FieldErrors(err error, itemPath string, errs map[string]string) {
	var list portfolio.Errors
	var one portfolio.FieldError
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = portfolio.Errors{one}
	default:
		errs[""] = err.Error()
		return
	}
	for _, fe := range list {
		if rest, ok := strings.CutPrefix(fe.Path, itemPath+"."); ok {
			name := indexPath.ReplaceAllString(rest, ".$1")
			if strings.HasPrefix(name, "areas.") {
				name = "areas" // the area checkboxes show one error
			}
			if _, dup := errs[name]; !dup {
				errs[name] = fe.Message
			}
			continue
		}
		if fe.Path == itemPath {
			errs[""] = fe.Message
			continue
		}
		if errs[""] == "" {
			errs[""] = fe.Error()
		}
	}
}
