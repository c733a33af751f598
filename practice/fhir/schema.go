package fhir

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// SchemaID is the id of the vendored schema: HL7's JSON schema of FHIR R4
// (4.0), see README.md beside this file.
const SchemaID = "http://hl7.org/fhir/json-schema/4.0"

// SchemaSHA256 is the SHA-256 of the vendored schema, uncompressed, as
// README.md gives it; a test checks it.
const SchemaSHA256 = "15b9548af6412c44faaa411456e0652542de286fd1c58ef882b09bdc8947909d"

// schemaGz is HL7's fhir.schema.json, gzipped.
//
//go:embed fhir.schema.json.gz
var schemaGz []byte

// SchemaJSON returns the vendored schema, uncompressed.
func SchemaJSON() ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(schemaGz))
	if err != nil {
		return nil, fmt.Errorf("fhir: vendored schema: %w", err)
	}
	defer zr.Close()
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("fhir: vendored schema: %w", err)
	}
	return b, nil
}

// schemas holds the compiler of the vendored schema and the definitions
// compiled so far, by resource type: each is compiled once, on first use.
var schemas struct {
	once     sync.Once
	err      error
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	byType   map[string]*jsonschema.Schema
	types    map[string]bool
}

// loadSchema reads the vendored schema into a compiler.
func loadSchema() {
	raw, err := SchemaJSON()
	if err != nil {
		schemas.err = err
		return
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		schemas.err = fmt.Errorf("fhir: vendored schema: %w", err)
		return
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft6)
	if err := c.AddResource(SchemaID, doc); err != nil {
		schemas.err = fmt.Errorf("fhir: vendored schema: %w", err)
		return
	}
	schemas.compiler = c
	schemas.byType = map[string]*jsonschema.Schema{}
	schemas.types = map[string]bool{}
	if m, ok := doc.(map[string]any)["discriminator"].(map[string]any)["mapping"].(map[string]any); ok {
		for t := range m {
			schemas.types[t] = true
		}
	}
}

// schemaFor returns the compiled definition of a resource type.
func schemaFor(resourceType string) (*jsonschema.Schema, error) {
	schemas.once.Do(loadSchema)
	if schemas.err != nil {
		return nil, schemas.err
	}
	if !schemas.types[resourceType] {
		return nil, fmt.Errorf("%q is not a FHIR R4 resource type", resourceType)
	}
	schemas.mu.Lock()
	defer schemas.mu.Unlock()
	if s, ok := schemas.byType[resourceType]; ok {
		return s, nil
	}
	s, err := schemas.compiler.Compile(SchemaID + "#/definitions/" + resourceType)
	if err != nil {
		return nil, fmt.Errorf("fhir: compile %s: %w", resourceType, err)
	}
	schemas.byType[resourceType] = s
	return s, nil
}

// ValidateJSON checks one resource, as JSON, against the vendored FHIR R4
// schema's definition of its resourceType. It returns nil for a valid
// resource, or an error naming each place at fault ("name[0].given: ...").
func ValidateJSON(resource []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(resource))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return ValidateValue(v)
}

// ValidateValue checks one resource, decoded by jsonschema.UnmarshalJSON
// (numbers as json.Number), against the vendored schema's definition of
// its resourceType.
func ValidateValue(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return errors.New("a resource is a JSON object")
	}
	rt, _ := m["resourceType"].(string)
	if rt == "" {
		return errors.New("resourceType: missing; every resource names its type")
	}
	s, err := schemaFor(rt)
	if err != nil {
		return fmt.Errorf("resourceType: %w", err)
	}
	if err := s.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return schemaProblems(ve)
		}
		return err
	}
	return nil
}

// SchemaError lists what a resource breaks of the schema, each problem
// with the place in the resource it is at.
type SchemaError struct {
	// Problems are the problems, each "place: what is wrong".
	Problems []Problem
}

// Problem is one thing wrong at one place of a resource.
type Problem struct {
	// Path is where, in the resource, dotted with indexes
	// ("name[0].given"); "" for the resource itself.
	Path string
	// Message says what is wrong.
	Message string
}

// String is "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Error joins the problems.
func (e *SchemaError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// printer words the schema's problems.
var printer = message.NewPrinter(language.English)

// MaxSchemaProblems is the most problems ValidateJSON and ValidateValue
// report of one resource: the first few say what is wrong, and the walk of
// the validator's error tree stops there. (The tree itself, which
// jsonschema/v6 builds whole, is bounded by the scan ParseBundle makes
// first: MaxResourceValues.)
const MaxSchemaProblems = 10

// schemaProblems turns a validation error into its leaves, one a place,
// the first MaxSchemaProblems of them.
func schemaProblems(ve *jsonschema.ValidationError) *SchemaError {
	out := &SchemaError{}
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(out.Problems) >= MaxSchemaProblems {
			return
		}
		if len(e.Causes) == 0 {
			p := Problem{Path: pointerPath(e.InstanceLocation), Message: e.ErrorKind.LocalizedString(printer)}
			if !seen[p.String()] {
				seen[p.String()] = true
				out.Problems = append(out.Problems, p)
			}
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

// pointerPath writes an instance location as "name[0].given".
func pointerPath(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		if isIndex(tok) {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
