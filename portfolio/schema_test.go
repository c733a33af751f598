package portfolio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const schemaID = "https://certboard.org/schemas/portfolio-v1.json"

// schemaDoc returns the embedded schema as a generic JSON tree.
func schemaDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(Schema, &doc); err != nil {
		t.Fatalf("portfolio.schema.json is not valid JSON: %v", err)
	}
	return doc
}

func TestSchemaHeader(t *testing.T) {
	doc := schemaDoc(t)
	for k, want := range map[string]string{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     schemaID,
	} {
		if doc[k] != want {
			t.Errorf("%s = %v, want %q", k, doc[k], want)
		}
	}
	format := doc["properties"].(map[string]any)["format"].(map[string]any)
	if format["const"] != FormatV1 {
		t.Errorf("properties.format.const = %v, want %q", format["const"], FormatV1)
	}
	ver := doc["$defs"].(map[string]any)["Verification"].(map[string]any)
	if got, want := ver["default"], map[string]any{"state": string(Claimed)}; !reflect.DeepEqual(got, want) {
		t.Errorf("$defs.Verification.default = %v, want %v", got, want)
	}
}

// schemaWalker walks the Go types and the schema together.
type schemaWalker struct {
	t    *testing.T
	root map[string]any
	used map[string]bool // $defs reached
}

// resolve follows a $ref to a $defs entry and returns the referenced schema
// with the referring node's own keywords (such as description) laid over it.
func (w *schemaWalker) resolve(path string, node map[string]any) map[string]any {
	ref, ok := node["$ref"].(string)
	if !ok {
		return node
	}
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		w.t.Errorf("%s: $ref %q does not point into #/$defs", path, ref)
		return node
	}
	def, ok := w.root["$defs"].(map[string]any)[name].(map[string]any)
	if !ok {
		w.t.Errorf("%s: $ref %q names no definition", path, ref)
		return node
	}
	w.used[name] = true
	merged := map[string]any{}
	for k, v := range w.resolve("$defs."+name, def) {
		merged[k] = v
	}
	for k, v := range node {
		if k != "$ref" {
			merged[k] = v
		}
	}
	return merged
}

func (w *schemaWalker) errorf(path, format string, args ...any) {
	w.t.Helper()
	w.t.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// object checks that node describes the struct type t exactly.
func (w *schemaWalker) object(path string, node map[string]any, t reflect.Type) {
	if node["type"] != "object" {
		w.errorf(path, "type is %v, want object for %s", node["type"], t)
	}
	if node["additionalProperties"] != false {
		w.errorf(path, "additionalProperties must be false for %s", t)
	}
	props, _ := node["properties"].(map[string]any)
	var goNames, required []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		goNames = append(goNames, name)
		tag := parseTag(f.Tag.Get("cb"))
		if tag.required {
			required = append(required, name)
		}
		p, ok := props[name].(map[string]any)
		if !ok {
			w.errorf(path, "field %s.%s (json %q) is missing from the schema", t.Name(), f.Name, name)
			continue
		}
		if d, _ := p["description"].(string); strings.TrimSpace(d) == "" {
			w.errorf(path+"."+name, "has no description")
		}
		if tag.reference != "" && tag.reference != "*" {
			if d, _ := p["description"].(string); !strings.Contains(d, "entry in "+tag.reference) {
				w.errorf(path+"."+name, "description should say it is the id of an entry in %s", tag.reference)
			}
		}
		w.field(path+"."+name, p, f.Type, tag)
	}
	for name := range props {
		if !slices.Contains(goNames, name) {
			w.errorf(path, "schema property %q has no field in %s", name, t)
		}
	}
	gotReq := stringList(node["required"])
	sort.Strings(gotReq)
	sort.Strings(required)
	if !slices.Equal(gotReq, required) {
		w.errorf(path, "required is %v, want %v (the fields tagged cb:\"required\" in %s)", gotReq, required, t)
	}
}

// field checks the schema node of one value of Go type t with the rules tag.
func (w *schemaWalker) field(path string, node map[string]any, t reflect.Type, tag fieldTag) {
	node = w.resolve(path, node)
	if t == dateType {
		if node["type"] != "string" || node["format"] != "date" {
			w.errorf(path, "a date must be {type: string, format: date}, got type %v format %v", node["type"], node["format"])
		}
		pat, _ := node["pattern"].(string)
		re, err := regexp.Compile(pat)
		if err != nil || !re.MatchString("2024-02-29") || re.MatchString("2024-2-29") || re.MatchString("2024-02-29T00:00:00Z") {
			w.errorf(path, "date pattern %q does not match exactly YYYY-MM-DD", pat)
		}
		return
	}
	numberRules := func() {
		if tag.positive {
			if node["exclusiveMinimum"] != 0.0 || node["minimum"] != nil {
				w.errorf(path, "positive: want exclusiveMinimum 0 and no minimum, got exclusiveMinimum %v minimum %v", node["exclusiveMinimum"], node["minimum"])
			}
		} else if tag.nonneg {
			if node["minimum"] != 0.0 || node["exclusiveMinimum"] != nil {
				w.errorf(path, "nonneg: want minimum 0, got minimum %v exclusiveMinimum %v", node["minimum"], node["exclusiveMinimum"])
			}
		} else if node["minimum"] != nil || node["exclusiveMinimum"] != nil {
			w.errorf(path, "has a minimum that the cb tag does not have")
		}
		if tag.hasMax {
			if node["maximum"] != tag.max {
				w.errorf(path, "maximum is %v, want %v", node["maximum"], tag.max)
			}
		} else if node["maximum"] != nil {
			w.errorf(path, "has a maximum that the cb tag does not have")
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		w.field(path, node, t.Elem(), tag)
	case reflect.Struct:
		w.object(path, node, t)
	case reflect.String:
		if node["type"] != "string" {
			w.errorf(path, "type is %v, want string", node["type"])
		}
		got := stringList(node["enum"])
		if !slices.Equal(got, tag.enum) {
			w.errorf(path, "enum is %v, want %v as in the cb tag", got, tag.enum)
		}
		if tag.required && len(tag.enum) == 0 && node["const"] == nil {
			if node["minLength"] != 1.0 || node["pattern"] != `\S` {
				w.errorf(path, "a required string needs minLength 1 and pattern \\S, got %v and %v", node["minLength"], node["pattern"])
			}
		}
		switch {
		case tag.sha256:
			if node["pattern"] != "^[0-9a-f]{64}$" || node["minLength"] != nil {
				w.errorf(path, "a SHA-256 digest needs pattern ^[0-9a-f]{64}$ (and no minLength), got %v", node["pattern"])
			}
		case !tag.required && (node["minLength"] != nil || node["pattern"] != nil):
			w.errorf(path, "an optional string accepts any text; drop minLength and pattern")
		}
	case reflect.Bool:
		if node["type"] != "boolean" {
			w.errorf(path, "type is %v, want boolean", node["type"])
		}
	case reflect.Float64:
		if node["type"] != "number" {
			w.errorf(path, "type is %v, want number", node["type"])
		}
		numberRules()
	case reflect.Int:
		if node["type"] != "integer" {
			w.errorf(path, "type is %v, want integer", node["type"])
		}
		numberRules()
	case reflect.Slice:
		if node["type"] != "array" {
			w.errorf(path, "type is %v, want array", node["type"])
		}
		items, ok := node["items"].(map[string]any)
		if !ok {
			w.errorf(path, "an array needs items")
			return
		}
		// A list's max is its number of items.
		if tag.hasMax {
			if node["maxItems"] != tag.max {
				w.errorf(path, "maxItems is %v, want %v as in the cb tag", node["maxItems"], tag.max)
			}
		} else if node["maxItems"] != nil {
			w.errorf(path, "has a maxItems that the cb tag does not have")
		}
		// The decoder applies required to every element (no empty
		// strings), and the list's enum to its values.
		w.field(path+"[]", items, t.Elem(), fieldTag{required: true, enum: tag.enum})
	case reflect.Map:
		if node["type"] != "object" {
			w.errorf(path, "type is %v, want object", node["type"])
		}
		if names, _ := node["propertyNames"].(map[string]any); names["minLength"] != 1.0 {
			w.errorf(path, "map keys must not be empty: want propertyNames.minLength 1")
		}
		values, ok := node["additionalProperties"].(map[string]any)
		if !ok {
			w.errorf(path, "a map needs additionalProperties describing its values")
			return
		}
		w.field(path+".*", values, t.Elem(), fieldTag{required: true})
	default:
		w.errorf(path, "unexpected Go kind %s", t.Kind())
	}
}

// TestSchemaMirrorsGoTypes walks the Go types and the schema together: every
// JSON field is in the schema and nothing else is, with the same types,
// required lists, enum lists and numeric limits as the cb tags.
func TestSchemaMirrorsGoTypes(t *testing.T) {
	w := &schemaWalker{t: t, root: schemaDoc(t), used: map[string]bool{}}
	w.object("$", w.root, reflect.TypeFor[Portfolio]())
	for name := range w.root["$defs"].(map[string]any) {
		if !w.used[name] {
			t.Errorf("$defs.%s is never used", name)
		}
	}
}

// compileSchema compiles the embedded schema with format assertions on, so
// that "format": "date" rejects impossible days.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaID)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return sch
}

func readFull(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/full.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func schemaValidate(t *testing.T, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("test document is not JSON: %v", err)
	}
	return sch.Validate(inst)
}

func TestSchemaAcceptsFullPortfolio(t *testing.T) {
	sch := compileSchema(t)
	data := readFull(t)
	if err := schemaValidate(t, sch, data); err != nil {
		t.Fatalf("schema rejects testdata/full.json: %v", err)
	}
	p, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode rejects testdata/full.json: %v", err)
	}
	// Every collection is used, so the test exercises the whole schema.
	v := reflect.ValueOf(*p)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Slice && f.Len() == 0 {
			t.Errorf("testdata/full.json has no %s", v.Type().Field(i).Name)
		}
	}
	// A minimal portfolio is valid too.
	minimal := []byte(`{"format":"certboard.portfolio/v1","person":{"id":"p","name":"Ana Souza"}}`)
	if err := schemaValidate(t, sch, minimal); err != nil {
		t.Errorf("schema rejects a minimal portfolio: %v", err)
	}
	if _, err := Decode(minimal); err != nil {
		t.Errorf("Decode rejects a minimal portfolio: %v", err)
	}
}

// mutate returns full.json with one change applied to its generic tree.
func mutate(t *testing.T, change func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readFull(t), &doc); err != nil {
		t.Fatal(err)
	}
	change(doc)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// item returns the i-th object of a collection of a generic portfolio tree.
func item(doc map[string]any, collection string, i int) map[string]any {
	return doc[collection].([]any)[i].(map[string]any)
}

func TestSchemaAndDecodeRejectTheSame(t *testing.T) {
	sch := compileSchema(t)
	tests := []struct {
		name     string
		change   func(doc map[string]any)
		wantPath string // the path Decode reports first
	}{
		{"unknown top-level field", func(d map[string]any) { d["educaton"] = []any{} }, "$.educaton"},
		{"unknown nested field", func(d map[string]any) { item(d, "degrees", 0)["gpa"] = 3.9 }, "$.degrees[0].gpa"},
		{"wrong format marker", func(d map[string]any) { d["format"] = "certboard.portfolio/v2" }, "$.format"},
		{"missing person name", func(d map[string]any) { delete(d["person"].(map[string]any), "name") }, "$.person.name"},
		{"blank required string", func(d map[string]any) { item(d, "licenses", 0)["number"] = "  " }, "$.licenses[0].number"},
		{"string for number", func(d map[string]any) { item(d, "education", 1)["hours"] = "6" }, "$.education[1].hours"},
		{"negative hours", func(d map[string]any) { item(d, "clinical_hours", 0)["hours"] = -4 }, "$.clinical_hours[0].hours"},
		{"zero hours", func(d map[string]any) { item(d, "supervision_sessions", 0)["hours"] = 0 }, "$.supervision_sessions[0].hours"},
		{"hours above the maximum", func(d map[string]any) { item(d, "supervision_given", 0)["hours"] = 30 }, "$.supervision_given[0].hours"},
		{"fractional group size", func(d map[string]any) { item(d, "supervision_sessions", 1)["group_size"] = 2.5 }, "$.supervision_sessions[1].group_size"},
		{"enum typo", func(d map[string]any) { item(d, "degrees", 1)["level"] = "masters" }, "$.degrees[1].level"},
		{"verification state typo", func(d map[string]any) {
			item(d, "degrees", 0)["verification"].(map[string]any)["state"] = "verifed"
		}, "$.degrees[0].verification.state"},
		{"verification without state", func(d map[string]any) { item(d, "insurance", 0)["verification"] = map[string]any{"by": "x"} }, "$.insurance[0].verification.state"},
		{"impossible date", func(d map[string]any) { item(d, "attestations", 0)["signed"] = "2023-02-30" }, "$.attestations[0].signed"},
		{"malformed date", func(d map[string]any) { item(d, "documents", 0)["received"] = "21/02/2025" }, "$.documents[0].received"},
		{"file digest in capitals", func(d map[string]any) { item(d, "documents", 0)["file_sha256"] = strings.Repeat("AB", 32) }, "$.documents[0].file_sha256"},
		{"file digest too short", func(d map[string]any) { item(d, "documents", 0)["file_sha256"] = "abc123" }, "$.documents[0].file_sha256"},
		{"empty string in a list", func(d map[string]any) { d["person"].(map[string]any)["languages"] = []any{"en", ""} }, "$.person.languages[1]"},
		{"empty area list", func(d map[string]any) {
			item(d, "education", 0)["areas"] = map[string]any{"aasect-core": []any{}}
		}, "$.education[0].areas.aasect-core"},
		{"area listed twice", func(d map[string]any) {
			item(d, "education", 0)["areas"] = map[string]any{"aasect-core": []any{"a", "a"}}
		}, "$.education[0].areas.aasect-core[1]"},
		{"clinical hours without date or period", func(d map[string]any) {
			h := item(d, "clinical_hours", 0)
			delete(h, "from")
			delete(h, "to")
		}, "$.clinical_hours[0]"},
		{"clinical hours with date and period", func(d map[string]any) { item(d, "clinical_hours", 0)["date"] = "2023-02-01" }, "$.clinical_hours[0]"},
		{"group session without group_size", func(d map[string]any) { delete(item(d, "supervision_sessions", 1), "group_size") }, "$.supervision_sessions[1].group_size"},
		{"individual session with a group", func(d map[string]any) { item(d, "supervision_sessions", 0)["group_size"] = 3 }, "$.supervision_sessions[0].group_size"},
		{"case focus typo", func(d map[string]any) { item(d, "cases", 0)["focus"] = []any{"sexual", "sex"} }, "$.cases[0].focus[1]"},
		{"case focus listed twice", func(d map[string]any) { item(d, "cases", 0)["focus"] = []any{"sexual", "sexual"} }, "$.cases[0].focus[1]"},
		{"clinical focus typo", func(d map[string]any) { item(d, "clinical_hours", 0)["focus"] = []any{"sexual", "couples"} }, "$.clinical_hours[0].focus[1]"},
		{"clinical focus listed twice", func(d map[string]any) { item(d, "clinical_hours", 0)["focus"] = []any{"other", "other"} }, "$.clinical_hours[0].focus[1]"},
		{"completed case without closed", func(d map[string]any) { delete(item(d, "cases", 0), "closed") }, "$.cases[0].closed"},
		{"exam outcome typo", func(d map[string]any) { item(d, "exams", 1)["outcome"] = "pass" }, "$.exams[1].outcome"},
		{"exam without body", func(d map[string]any) { delete(item(d, "exams", 0), "body") }, "$.exams[0].body"},
		{"new document kind misspelt", func(d map[string]any) { item(d, "documents", 5)["kind"] = "theory" }, "$.documents[5].kind"},
		{"person is an array", func(d map[string]any) { d["person"] = []any{} }, "$.person"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := mutate(t, tt.change)
			if err := schemaValidate(t, sch, data); err == nil {
				t.Errorf("the schema accepts the document")
			}
			_, err := Decode(data)
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("Decode accepts the document (err = %v)", err)
			}
			if es[0].Path != tt.wantPath {
				t.Errorf("Decode reports %v, want the first error at %s", es, tt.wantPath)
			}
		})
	}
}

// TestSchemaCannotSeeCrossReferences documents the rules only Decode checks:
// the schema accepts these documents, Decode does not.
func TestSchemaCannotSeeCrossReferences(t *testing.T) {
	sch := compileSchema(t)
	tests := []struct {
		name     string
		change   func(doc map[string]any)
		wantPath string
	}{
		{"duplicate id", func(d map[string]any) { item(d, "licenses", 1)["id"] = "lic-il" }, "$.licenses[1].id"},
		{"dangling session supervisor", func(d map[string]any) { item(d, "supervision_sessions", 0)["supervisor"] = "sup-nobody" }, "$.supervision_sessions[0].supervisor"},
		{"dangling document support", func(d map[string]any) { item(d, "documents", 0)["supports"] = []any{"deg-phd"} }, "$.documents[0].supports[0]"},
		{"period ending before it starts", func(d map[string]any) { item(d, "memberships", 1)["to"] = "2015-01-01" }, "$.memberships[1].to"},
		{"dangling case contract", func(d map[string]any) { item(d, "cases", 1)["contract"] = "con-nobody" }, "$.cases[1].contract"},
		{"case closed before opened", func(d map[string]any) { item(d, "cases", 1)["closed"] = "2023-01-01" }, "$.cases[1].closed"},
		{"exam valid only before it was taken", func(d map[string]any) { item(d, "exams", 1)["valid_to"] = "2025-01-01" }, "$.exams[1].valid_to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := mutate(t, tt.change)
			if err := schemaValidate(t, sch, data); err != nil {
				t.Errorf("the schema rejects the document, which it cannot judge: %v", err)
			}
			_, err := Decode(data)
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 || es[0].Path != tt.wantPath {
				t.Errorf("Decode: %v, want an error at %s", err, tt.wantPath)
			}
		})
	}
}

// fencedBlocks returns the contents of the fenced code blocks of a Markdown
// text, in order.
func fencedBlocks(md string) []string {
	var blocks []string
	for {
		_, rest, ok := strings.Cut(md, "```")
		if !ok {
			return blocks
		}
		_, rest, _ = strings.Cut(rest, "\n") // the info string
		body, after, ok := strings.Cut(rest, "```")
		if !ok {
			return blocks
		}
		blocks = append(blocks, body)
		md = after
	}
}

// TestFormatDocExamples keeps docs/portfolio-format.md honest: its complete
// example is valid, and its error example shows what Decode says.
func TestFormatDocExamples(t *testing.T) {
	b, err := os.ReadFile("../docs/portfolio-format.md")
	if err != nil {
		t.Fatalf("docs not found: %v", err)
	}
	md := string(b)
	_, example, ok := strings.Cut(md, "## A complete example")
	if !ok || len(fencedBlocks(example)) == 0 {
		t.Fatal("the complete example is missing")
	}
	data := []byte(fencedBlocks(example)[0])
	if err := schemaValidate(t, compileSchema(t), data); err != nil {
		t.Errorf("the schema rejects the complete example: %v", err)
	}
	if _, err := Decode(data); err != nil {
		t.Errorf("Decode rejects the complete example: %v", err)
	}

	_, errExample, ok := strings.Cut(md, "For example, this input")
	blocks := fencedBlocks(errExample)
	if !ok || len(blocks) < 2 {
		t.Fatal("the error example is missing")
	}
	_, err = Decode([]byte(blocks[0]))
	if err == nil {
		t.Fatal("Decode accepts the error example")
	}
	if got, want := err.Error(), strings.TrimSpace(blocks[1]); got != want {
		t.Errorf("the error example shows\n%s\nbut Decode says\n%s", want, got)
	}
}

// TestSchemaAcceptsExamplePortfolios checks the shipped example portfolios
// against the schema and Decode alike.
func TestSchemaAcceptsExamplePortfolios(t *testing.T) {
	files, _ := filepath.Glob("../examples/portfolios/*.json")
	sch := compileSchema(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var probe struct {
			Format string `json:"format"`
		}
		if json.Unmarshal(data, &probe) != nil || probe.Format != FormatV1 {
			continue // not a portfolio, such as the expectations file
		}
		if err := schemaValidate(t, sch, data); err != nil {
			t.Errorf("%s: the schema rejects it: %v", f, err)
		}
		if _, err := Decode(data); err != nil {
			t.Errorf("%s: Decode rejects it: %v", f, err)
		}
	}
}
