package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/portfolio"
)

// openAPIDocURL names the document for the JSON Schema compiler, so that
// its "#/components/..." references resolve within it.
const openAPIDocURL = "https://certboard.test/api/openapi.json"

// openAPIMethods are the operations a path item may hold.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// openAPIDocument parses the embedded document.
func openAPIDocument(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("server/openapi.json is not valid JSON: %v", err)
	}
	return doc
}

// openAPIOperation is one operation of the document.
type openAPIOperation struct {
	Method, Path string
	Op           map[string]any
}

func (o openAPIOperation) String() string { return strings.ToUpper(o.Method) + " " + o.Path }

// openAPIOperations lists the document's operations, sorted by path and method.
func openAPIOperations(t *testing.T, doc map[string]any) []openAPIOperation {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("the document has no paths object")
	}
	var out []openAPIOperation
	for path, item := range paths {
		item, ok := item.(map[string]any)
		if !ok {
			t.Fatalf("paths[%q] is not an object", path)
		}
		for _, m := range openAPIMethods {
			if op, ok := item[m].(map[string]any); ok {
				out = append(out, openAPIOperation{Method: m, Path: path, Op: op})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// openAPIWildcard matches a ServeMux wildcard that takes the rest of the path.
var openAPIWildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\.\.\.\}`)

// openAPIRouteKey turns a route pattern into the method and path of its
// OpenAPI operation; ok is false for routes the document does not describe:
// pages, patterns without a method (the /api/ catch-all), and anything
// outside /api/ but the operational endpoints.
// machineReadable are the routes outside /api/ that programs read (the
// credentials, the board's DID document, the status lists, the
// certificate), described in the document too.
var machineReadable = map[string]bool{
	"/credentials/{id}": true, "/credentials/{id}/certificate.pdf": true,
	"/.well-known/did.json": true, "/status/{list}": true,
}

func openAPIRouteKey(pattern string) (method, path string, ok bool) {
	method, path, found := strings.Cut(pattern, " ")
	if !found || !strings.HasPrefix(path, "/") {
		return "", "", false
	}
	path = strings.TrimSuffix(path, "{$}")
	path = openAPIWildcard.ReplaceAllString(path, "{$1}")
	switch {
	case path == "/api/":
		return "", "", false
	case strings.HasPrefix(path, "/api/"), path == "/healthz", path == "/readyz", path == "/metrics":
		return strings.ToLower(method), path, true
	case method == "GET" && machineReadable[path]:
		return strings.ToLower(method), path, true
	}
	return "", "", false
}

func TestOpenAPIRouteKey(t *testing.T) {
	for pattern, want := range map[string]string{
		"GET /api/v1/me":                    "get /api/v1/me",
		"DELETE /api/v1/tokens/{id}":        "delete /api/v1/tokens/{id}",
		"GET /api/v1/files/{path...}":       "get /api/v1/files/{path}",
		"GET /api/v1/things/{$}":            "get /api/v1/things/",
		"GET /healthz":                      "get /healthz",
		"GET /metrics":                      "get /metrics",
		"/api/":                             "",
		"GET /applications/{id}":            "",
		"GET /credentials/{id}":             "get /credentials/{id}",
		"POST /credentials/{id}/status":     "",
		"POST /account/tokens/{id}/revoke":  "",
		"GET /{$}":                          "",
		"GET /static/":                      "",
		"POST /api/v1/applications/{id}/x/": "post /api/v1/applications/{id}/x/",
	} {
		m, p, ok := openAPIRouteKey(pattern)
		got := ""
		if ok {
			got = m + " " + p
		}
		if got != want {
			t.Errorf("openAPIRouteKey(%q) = %q, want %q", pattern, got, want)
		}
	}
}

// TestOpenAPICoversEveryRoute checks the document against the routes a
// fresh server registers: every API route and operational endpoint has an
// operation with the same method, path and access rule, and no operation
// describes a route that does not exist.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	s, _ := newServer(t)
	doc := openAPIDocument(t)
	ops := map[string]openAPIOperation{}
	for _, o := range openAPIOperations(t, doc) {
		ops[o.Method+" "+o.Path] = o
	}
	routes := map[string]Route{}
	for _, r := range s.Routes() {
		m, p, ok := openAPIRouteKey(r.Pattern)
		if !ok {
			continue
		}
		routes[m+" "+p] = r
		o, found := ops[m+" "+p]
		if !found {
			t.Errorf("route %q (access %s) has no operation in server/openapi.json: add paths[%q].%s", r.Pattern, r.Access, p, m)
			continue
		}
		if got := o.Op["x-certboard-access"]; got != r.Access.String() {
			t.Errorf("%s: x-certboard-access is %v, but the route %q declares %s", o, got, r.Pattern, r.Access)
		}
	}
	if len(routes) < 10 {
		t.Fatalf("only %d API routes found; is the route filter broken?", len(routes))
	}
	for key, o := range ops {
		if _, ok := routes[key]; !ok {
			t.Errorf("server/openapi.json describes %s, but the server has no such route", o)
		}
	}
}

// openAPICompiler returns a JSON Schema compiler that knows the document.
func openAPICompiler(t *testing.T) *jsonschema.Compiler {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDoc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(openAPIDocURL, inst); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestOpenAPIValidatesAgainstSpecSchema validates the document with the
// OpenAPI Initiative's JSON Schema for OpenAPI 3.1 documents.
func TestOpenAPIValidatesAgainstSpecSchema(t *testing.T) {
	raw, err := os.ReadFile("testdata/openapi-3.1-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := spec.(map[string]any)["$id"].(string)
	if !strings.HasPrefix(id, "https://spec.openapis.org/oas/3.1/schema/") {
		t.Fatalf("testdata/openapi-3.1-schema.json has $id %q; it should be the OpenAPI 3.1 schema", id)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, spec); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("the OpenAPI 3.1 schema does not compile: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDoc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("server/openapi.json is not a valid OpenAPI 3.1 document:\n%v", err)
	}
	if v := openAPIDocument(t)["openapi"]; v != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", v)
	}
}

// openAPIPointer resolves a JSON pointer ("/components/schemas/User")
// within the document.
func openAPIPointer(doc any, pointer string) (any, bool) {
	if pointer == "" {
		return doc, true
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, false
	}
	cur := doc
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 || n >= len(v) {
				return nil, false
			}
			cur = v[n]
		default:
			return nil, false
		}
	}
	return cur, true
}

// openAPIWalk calls f for every object in v, with its JSON pointer.
func openAPIWalk(v any, at string, f func(at string, obj map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(at, v)
		for k, x := range v {
			openAPIWalk(x, at+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"), f)
		}
	case []any:
		for i, x := range v {
			openAPIWalk(x, at+"/"+strconv.Itoa(i), f)
		}
	}
}

// TestOpenAPIRefsResolve checks that every $ref points inside the document
// at something that exists, and that every component is used.
func TestOpenAPIRefsResolve(t *testing.T) {
	doc := openAPIDocument(t)
	used := map[string]bool{}
	n := 0
	openAPIWalk(doc, "", func(at string, obj map[string]any) {
		ref, ok := obj["$ref"].(string)
		if !ok {
			return
		}
		n++
		pointer, local := strings.CutPrefix(ref, "#")
		if !local {
			t.Errorf("%s: $ref %q points outside the document", at, ref)
			return
		}
		if _, ok := openAPIPointer(doc, pointer); !ok {
			t.Errorf("%s: $ref %q resolves to nothing", at, ref)
		}
		used[pointer] = true
	})
	if n == 0 {
		t.Fatal("no $ref found; is the walk broken?")
	}
	comps, _ := doc["components"].(map[string]any)
	for kind, group := range comps {
		if kind == "securitySchemes" {
			continue
		}
		for name := range group.(map[string]any) {
			if !used["/components/"+kind+"/"+name] {
				t.Errorf("components.%s.%s is never used", kind, name)
			}
		}
	}
}

// openAPISchemaLocations lists where the document holds JSON Schemas: its
// component schemas, and the schemas of parameters, headers and media types.
func openAPISchemaLocations(doc map[string]any) []string {
	var out []string
	if comps, ok := doc["components"].(map[string]any); ok {
		if schemas, ok := comps["schemas"].(map[string]any); ok {
			for name := range schemas {
				out = append(out, "/components/schemas/"+name)
			}
		}
	}
	openAPIWalk(doc, "", func(at string, obj map[string]any) {
		if strings.HasPrefix(at, "/components/schemas") {
			return
		}
		if _, ok := obj["schema"].(map[string]any); ok {
			out = append(out, at+"/schema")
		}
	})
	sort.Strings(out)
	return out
}

// TestOpenAPISchemasCompile compiles every schema of the document as JSON
// Schema 2020-12, which checks each against the metaschema and resolves its
// references (the OpenAPI schema does not look inside Schema Objects).
func TestOpenAPISchemasCompile(t *testing.T) {
	doc := openAPIDocument(t)
	c := openAPICompiler(t)
	locs := openAPISchemaLocations(doc)
	if len(locs) < 50 {
		t.Fatalf("only %d schemas found; is the walk broken?", len(locs))
	}
	for _, at := range locs {
		if _, err := c.Compile(openAPIDocURL + "#" + at); err != nil {
			t.Errorf("%s is not a valid JSON Schema: %v", at, err)
		}
	}
}

// openAPIResolve follows a $ref, if the object is one.
func openAPIResolve(doc map[string]any, obj map[string]any) map[string]any {
	for range 10 {
		ref, ok := obj["$ref"].(string)
		if !ok {
			return obj
		}
		target, _ := openAPIPointer(doc, strings.TrimPrefix(ref, "#"))
		next, ok := target.(map[string]any)
		if !ok {
			return obj
		}
		obj = next
	}
	return obj
}

// openAPIPathParams are the {name}s of a path template.
var openAPIPathParams = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIOperationConventions checks what the OpenAPI schema cannot:
// unique operation ids, known tags, the access rule said in words and in
// the security requirements, path parameters declared, and every error
// answered as problem+json.
func TestOpenAPIOperationConventions(t *testing.T) {
	doc := openAPIDocument(t)
	tags := map[string]bool{}
	for _, tag := range doc["tags"].([]any) {
		tags[tag.(map[string]any)["name"].(string)] = true
	}
	for _, want := range []string{"accounts", "applications", "documents", "supervision", "staff", "reviews", "admin", "operations"} {
		if !tags[want] {
			t.Errorf("tag %q is not declared", want)
		}
	}
	ids := map[string]string{}
	for _, o := range openAPIOperations(t, doc) {
		id, _ := o.Op["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", o)
		} else if other, dup := ids[id]; dup {
			t.Errorf("%s and %s share the operationId %q", other, o, id)
		}
		ids[id] = o.String()

		opTags, _ := o.Op["tags"].([]any)
		if len(opTags) != 1 || !tags[fmt.Sprint(opTags[0])] {
			t.Errorf("%s: tags %v, want exactly one declared tag", o, opTags)
		}

		access, _ := o.Op["x-certboard-access"].(string)
		desc, _ := o.Op["description"].(string)
		if !strings.Contains(desc, "Access: "+access+" ") {
			t.Errorf("%s: the description does not say %q", o, "Access: "+access)
		}
		sec, hasSec := o.Op["security"].([]any)
		responses, _ := o.Op["responses"].(map[string]any)
		switch {
		case !hasSec:
			t.Errorf("%s: no security requirement (use [] for a public operation)", o)
		case access == "public" && len(sec) != 0:
			t.Errorf("%s is public, but its security is %v; want []", o, sec)
		case access != "public" && len(sec) == 0:
			t.Errorf("%s needs %s access, but its security is empty", o, access)
		}
		if access != "public" && responses["401"] == nil {
			t.Errorf("%s needs %s access but has no 401 response", o, access)
		}
		if slices.Contains([]string{"supervisor", "reviewer", "staff", "admin"}, access) && responses["403"] == nil {
			t.Errorf("%s needs the %s role but has no 403 response", o, access)
		}

		declared := map[string]bool{}
		params, _ := o.Op["parameters"].([]any)
		for _, p := range params {
			p := openAPIResolve(doc, p.(map[string]any))
			if p["in"] == "path" {
				declared[p["name"].(string)] = true
			}
		}
		var inPath []string
		for _, m := range openAPIPathParams.FindAllStringSubmatch(o.Path, -1) {
			inPath = append(inPath, m[1])
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared", o, m[1])
			}
		}
		for name := range declared {
			if !slices.Contains(inPath, name) {
				t.Errorf("%s: declares path parameter %q, which its path lacks", o, name)
			}
		}

		hasSuccess := false
		for code, r := range responses {
			n, err := strconv.Atoi(code)
			if err != nil {
				t.Errorf("%s: response %q is not a status code", o, code)
				continue
			}
			if n < 400 {
				hasSuccess = true
				continue
			}
			content, _ := openAPIResolve(doc, r.(map[string]any))["content"].(map[string]any)
			if len(content) != 1 || content["application/problem+json"] == nil {
				t.Errorf("%s: response %s is not application/problem+json", o, code)
			}
		}
		if !hasSuccess {
			t.Errorf("%s has no success response", o)
		}
	}
}

// openAPIEnum returns the enum at a JSON pointer of the document.
func openAPIEnum(t *testing.T, doc map[string]any, pointer string) []string {
	t.Helper()
	v, ok := openAPIPointer(doc, pointer)
	if !ok {
		t.Fatalf("nothing at %s", pointer)
	}
	var out []string
	for _, x := range v.(map[string]any)["enum"].([]any) {
		out = append(out, x.(string))
	}
	return out
}

// openAPIParamEnum returns the enum of a parameter of an operation.
func openAPIParamEnum(t *testing.T, doc map[string]any, method, path, name string) []string {
	t.Helper()
	item := doc["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
	for i, p := range item["parameters"].([]any) {
		p := openAPIResolve(doc, p.(map[string]any))
		if p["name"] == name {
			ptr := fmt.Sprintf("/paths/%s/%s/parameters/%d/schema", strings.ReplaceAll(path, "/", "~1"), method, i)
			return openAPIEnum(t, doc, ptr)
		}
	}
	t.Fatalf("%s %s has no parameter %q", method, path, name)
	return nil
}

func openAPISameSet[T ~string](t *testing.T, what string, got []string, want []T) {
	t.Helper()
	var code []string
	for _, w := range want {
		code = append(code, string(w))
	}
	got, code = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(code))
	if !slices.Equal(got, code) {
		t.Errorf("%s: the document says %v, the code %v", what, got, code)
	}
}

// TestOpenAPIMatchesCode checks the names the document lists against the
// code they come from.
func TestOpenAPIMatchesCode(t *testing.T) {
	doc := openAPIDocument(t)

	var states []string
	for _, st := range board.States {
		states = append(states, string(st))
	}
	openAPISameSet(t, "application states", openAPIEnum(t, doc, "/components/schemas/ApplicationSummary/properties/state"), states)
	openAPISameSet(t, "state filter", openAPIParamEnum(t, doc, "get", "/api/v1/applications", "state"), states)

	// Someone who is both the owner and staff may take every action from
	// some state.
	actions := map[string]bool{}
	for _, st := range board.States {
		for _, a := range board.Possible(st, board.Actor{Roles: []auth.Role{auth.Staff}, IsOwner: true}) {
			if a != "none" {
				actions[a] = true
			}
		}
	}
	openAPISameSet(t, "application actions", openAPIParamEnum(t, doc, "post", "/api/v1/applications/{id}/actions/{action}", "action"),
		slices.Collect(maps.Keys(actions)))

	openAPISameSet(t, "evidence lists (add)", openAPIParamEnum(t, doc, "post", "/api/v1/applications/{id}/evidence/{list}", "list"), listNames())
	openAPISameSet(t, "evidence lists (remove)", openAPIParamEnum(t, doc, "delete", "/api/v1/applications/{id}/evidence/{list}/{item}", "list"), listNames())
	openAPISameSet(t, "document kinds (upload)",
		openAPIEnum(t, doc, "/paths/~1api~1v1~1applications~1{id}~1documents/post/requestBody/content/multipart~1form-data/schema/properties/kind"), docKinds())
	openAPISameSet(t, "document kinds", openAPIEnum(t, doc, "/components/schemas/Document/properties/kind"), append(docKinds(), ""))
	openAPISameSet(t, "roles", openAPIEnum(t, doc, "/components/schemas/AdminUser/properties/roles/items"), auth.Roles)

	format, _ := openAPIPointer(doc, "/components/schemas/Portfolio/properties/format/const")
	if format != portfolio.FormatV1 {
		t.Errorf("Portfolio.format const is %v, want %q", format, portfolio.FormatV1)
	}
	var ps map[string]any
	if err := json.Unmarshal(portfolio.Schema, &ps); err != nil {
		t.Fatal(err)
	}
	pdesc, _ := openAPIPointer(doc, "/components/schemas/Portfolio/description")
	if !strings.Contains(fmt.Sprint(pdesc), ps["$id"].(string)) {
		t.Errorf("the Portfolio description does not name the portfolio schema's $id %v", ps["$id"])
	}
	cookie, _ := openAPIPointer(doc, "/components/securitySchemes/sessionCookie/name")
	if cookie != SessionCookie {
		t.Errorf("the session cookie is named %v in the document, %q in the code", cookie, SessionCookie)
	}
	bearer, _ := openAPIPointer(doc, "/components/securitySchemes/bearerToken/description")
	if !strings.Contains(fmt.Sprint(bearer), APITokenPrefix) {
		t.Errorf("the bearer scheme's description does not mention the token prefix %q", APITokenPrefix)
	}
	lic, _ := openAPIPointer(doc, "/info/license/identifier")
	if lic != "MIT" {
		t.Errorf("info.license.identifier = %v, want MIT", lic)
	}
}

func TestOpenAPIServed(t *testing.T) {
	s, _ := newServer(t)
	rec := get(t, s.Handler(), "/api/openapi.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: status %d, want 200: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=") || strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control = %q, want a short max-age", cc)
	}
	if !bytes.Equal(rec.Body.Bytes(), openAPIDoc) {
		t.Error("the body is not the embedded document")
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("the body is not JSON: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	if info, _ := doc["info"].(map[string]any); info["title"] != "certboard" {
		t.Errorf("info.title = %v, want certboard", info["title"])
	}
}

// ---- real answers against the documented schemas ----

// openAPICall makes a JSON API request as a program would (no browser
// headers), with a session cookie when c is not nil.
func openAPICall(t *testing.T, h http.Handler, method, path, body string, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.RemoteAddr = "192.0.2.9:5555"
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// openAPIUntypedAnswers are operations known to answer JSON without a
// Content-Type: their handlers call WriteHeader before writeJSON sets the
// header, so it is lost (net/http then sniffs text/plain). Remove an entry
// once its handler sets the Content-Type first.
var openAPIUntypedAnswers = map[string]bool{}

// openAPICheckAnswer validates an answer's body against the schema the
// document gives for its operation, status and media type.
func openAPICheckAnswer(t *testing.T, c *jsonschema.Compiler, doc map[string]any, method, template string, rec *httptest.ResponseRecorder) {
	t.Helper()
	code := strconv.Itoa(rec.Code)
	opPtr := fmt.Sprintf("/paths/%s/%s", strings.ReplaceAll(template, "/", "~1"), method)
	op, ok := openAPIPointer(doc, opPtr)
	if !ok {
		t.Errorf("%s %s is not in the document", method, template)
		return
	}
	resp, ok := op.(map[string]any)["responses"].(map[string]any)[code].(map[string]any)
	if !ok {
		t.Errorf("%s %s answered %d, which the document does not list: %s", method, template, rec.Code, rec.Body)
		return
	}
	respPtr := opPtr + "/responses/" + code
	if ref, ok := resp["$ref"].(string); ok {
		respPtr = strings.TrimPrefix(ref, "#")
		resp = openAPIResolve(doc, resp)
	}
	media := strings.TrimSpace(strings.Split(rec.Result().Header.Get("Content-Type"), ";")[0])
	if media == "" && openAPIUntypedAnswers[method+" "+template] {
		t.Logf("%s %s %d: answered without a Content-Type (signup.go writes the status before setting it); checked as JSON", method, template, rec.Code)
		media = "application/json"
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if rec.Body.Len() > 0 {
			t.Errorf("%s %s %d: the document gives no body, but the answer has one: %s", method, template, rec.Code, rec.Body)
		}
		return
	}
	if _, ok := content[media]; !ok {
		t.Errorf("%s %s %d: answered as %q, which the document does not list", method, template, rec.Code, media)
		return
	}
	if media != "application/json" && !strings.HasSuffix(media, "+json") {
		return // a file or text: its media type is all there is to check
	}
	sch, err := c.Compile(openAPIDocURL + "#" + respPtr + "/content/" + strings.ReplaceAll(media, "/", "~1") + "/schema")
	if err != nil {
		t.Fatalf("%s %s %d: %v", method, template, rec.Code, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Errorf("%s %s %d: the body is not JSON: %v", method, template, rec.Code, err)
		return
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s %s %d: the answer does not match the documented schema:\n%v\nbody: %s", method, template, rec.Code, err, rec.Body)
	}
}

// openAPIUpload posts a multipart upload with a file, as a program would.
func openAPIUpload(t *testing.T, h http.Handler, path string, c *http.Cookie, fields map[string]string, filename string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if err := mw.WriteField(k, fields[k]); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestOpenAPIAnswersMatchSchemas calls a sample of operations as different
// users and checks each answer against the schema the document gives.
func TestOpenAPIAnswersMatchSchemas(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	doc := openAPIDocument(t)
	c := openAPICompiler(t)
	applicant := addUser(t, st, "ann@example.org", "Ann Applicant", auth.Applicant)
	staff := addUser(t, st, "sam@example.org", "Sam Staff", auth.Staff)
	admin := addUser(t, st, "ada@example.org", "Ada Admin", auth.Admin)
	reviewer := addUser(t, st, "rex@example.org", "Rex Reviewer", auth.Reviewer)
	supervisor := addUser(t, st, "sue@example.org", "Sue Supervisor", auth.Supervisor)
	ann, sam, ada := sessionFor(t, s, applicant), sessionFor(t, s, staff), sessionFor(t, s, admin)
	rex, sue := sessionFor(t, s, reviewer), sessionFor(t, s, supervisor)

	check := func(method, template, path, body string, ck *http.Cookie, want int) *httptest.ResponseRecorder {
		t.Helper()
		rec := openAPICall(t, h, strings.ToUpper(method), path, body, ck)
		if want != 0 && rec.Code != want {
			t.Errorf("%s %s: status %d, want %d: %s", method, path, rec.Code, want, rec.Body)
		}
		openAPICheckAnswer(t, c, doc, method, template, rec)
		return rec
	}

	check("get", "/api/v1/requirement-sets", "/api/v1/requirement-sets", "", nil, 200)
	check("post", "/api/v1/accounts", "/api/v1/accounts", `{"email":"new@example.org","name":"New Person","password":"`+testPassword+`"}`, nil, 202)
	check("post", "/api/v1/accounts", "/api/v1/accounts", `{"email":"not an address","name":"New Person","password":"`+testPassword+`"}`, nil, 400)
	check("post", "/api/v1/password-reset", "/api/v1/password-reset", `{"email":"ann@example.org"}`, nil, 202)
	check("post", "/api/v1/password-reset/confirm", "/api/v1/password-reset/confirm", `{"token":"nope","password":"`+testPassword+`"}`, nil, 400)
	check("post", "/api/v1/accounts/verify", "/api/v1/accounts/verify", `{"token":"nope","password":"`+testPassword+`"}`, nil, 400)
	check("get", "/api/v1/me", "/api/v1/me", "", nil, 401)
	check("get", "/api/v1/me", "/api/v1/me", "", ann, 200)
	check("get", "/api/v1/sessions", "/api/v1/sessions", "", ann, 200)
	check("post", "/api/v1/session", "/api/v1/session", `{"email":"ann@example.org","password":"wrong password here"}`, nil, 401)
	check("post", "/api/v1/session", "/api/v1/session", `{"email":"ann@example.org","password":"`+testPassword+`"}`, nil, 200)
	check("post", "/api/v1/session", "/api/v1/session", `{"email":"ann@example.org","pass":"x"}`, nil, 400)
	rec := check("post", "/api/v1/tokens", "/api/v1/tokens", `{"name":"ci","expires_in_days":30}`, ann, 201)
	var created struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || !strings.HasPrefix(created.Token, APITokenPrefix) {
		t.Fatalf("creating a token: %v %s", err, rec.Body)
	}
	bearer := func(method, template, path, body, token string, want int) {
		t.Helper()
		req := httptest.NewRequest(strings.ToUpper(method), path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("%s %s with a token: status %d, want %d: %s", method, path, rec.Code, want, rec.Body)
		}
		openAPICheckAnswer(t, c, doc, method, template, rec)
	}
	bearer("get", "/api/v1/me", "/api/v1/me", "", created.Token, 200)
	bearer("get", "/api/v1/me", "/api/v1/me", "", APITokenPrefix+"unknown", 401)
	bearer("post", "/api/v1/tokens", "/api/v1/tokens", `{"name":"from a token"}`, created.Token, 403)
	check("post", "/api/v1/tokens", "/api/v1/tokens", `{"name":""}`, ann, 422)
	check("get", "/api/v1/tokens", "/api/v1/tokens", "", ann, 200)
	check("delete", "/api/v1/tokens/{id}", "/api/v1/tokens/nosuchtoken", "", ann, 404)

	rec = check("post", "/api/v1/applications", "/api/v1/applications", `{"set_id":"aasect-cst"}`, ann, 201)
	var started struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &started); err != nil || started.ID == 0 {
		t.Fatalf("starting an application: %v %s", err, rec.Body)
	}
	app := fmt.Sprintf("/api/v1/applications/%d", started.ID)
	check("post", "/api/v1/applications", "/api/v1/applications", `{"set_id":"aasect-cst"}`, ann, 409)
	check("get", "/api/v1/applications", "/api/v1/applications", "", ann, 200)
	check("get", "/api/v1/applications", "/api/v1/applications?state=nonsense", "", ann, 400)
	check("get", "/api/v1/applications/{id}", app, "", ann, 200)
	check("get", "/api/v1/applications/{id}", "/api/v1/applications/999999", "", ann, 404)
	check("get", "/api/v1/applications/{id}/eligibility", app+"/eligibility", "", ann, 200)
	rec = check("get", "/api/v1/applications/{id}/portfolio", app+"/portfolio", "", ann, 200)
	exported := rec.Body.String()
	rec = check("post", "/api/v1/applications/{id}/evidence/{list}", app+"/evidence/memberships",
		fmt.Sprintf(`{"version":%d,"item":{"organization":"AASECT","from":"2024-01-01"}}`, started.Version), ann, 201)
	var added struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &added); err != nil || added.ID == "" {
		t.Fatalf("adding an item: %v %s", err, rec.Body)
	}
	check("post", "/api/v1/applications/{id}/evidence/{list}", app+"/evidence/memberships",
		fmt.Sprintf(`{"version":%d,"item":{"from":"2024-01-01"}}`, added.Version), ann, 422)
	check("post", "/api/v1/applications/{id}/evidence/{list}", app+"/evidence/memberships",
		fmt.Sprintf(`{"version":%d,"item":{"organization":"SSSS","from":"2024-01-01"}}`, started.Version), ann, 409)
	check("delete", "/api/v1/applications/{id}/evidence/{list}/{item}", app+"/evidence/memberships/none?version=1", "", ann, 404)
	rec = check("delete", "/api/v1/applications/{id}/evidence/{list}/{item}",
		fmt.Sprintf("%s/evidence/memberships/%s?version=%d", app, added.ID, added.Version), "", ann, 200)
	var removed struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &removed); err != nil {
		t.Fatal(err)
	}

	put := func(body string, version int, want int) {
		t.Helper()
		req := httptest.NewRequest(http.MethodPut, app+"/portfolio", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if version > 0 {
			req.Header.Set("If-Match", strconv.Quote(strconv.Itoa(version)))
		}
		req.AddCookie(ann)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("PUT %s/portfolio: status %d, want %d: %s", app, rec.Code, want, rec.Body)
		}
		openAPICheckAnswer(t, c, doc, "put", "/api/v1/applications/{id}/portfolio", rec)
	}
	put(exported, 0, 428)
	put(`{"format":"certboard.portfolio/v1","person":{"id":"p1"},"degrees":[{"id":1}]}`, removed.Version, 422)
	withSupervisor := strings.Replace(exported, `"person"`, `"supervisors":[{"id":"sup-1","name":"Sue Supervisor","email":"sue@example.org"}],"person"`, 1)
	put(withSupervisor, removed.Version, 200)

	check("get", "/api/v1/applications/{id}/eligibility", app+"/eligibility", "", ann, 200)
	check("get", "/api/v1/applications/{id}/eligibility", app+"/eligibility?frozen=true", "", ann, 200)
	check("post", "/api/v1/applications/{id}/actions/{action}", app+"/actions/submit", `{"version":1}`, ann, 422)
	check("post", "/api/v1/applications/{id}/actions/{action}", app+"/actions/submit", `{"reason":"x"}`, ann, 400)

	pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	rec = check("get", "/api/v1/applications/{id}/documents", app+"/documents", "", ann, 200)
	var docs struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &docs); err != nil {
		t.Fatal(err)
	}
	rec = openAPIUpload(t, h, app+"/documents", ann, map[string]string{"kind": "cv", "version": strconv.Itoa(docs.Version)}, "cv.pdf", pdf)
	if rec.Code != http.StatusCreated {
		t.Errorf("uploading a document: status %d: %s", rec.Code, rec.Body)
	}
	openAPICheckAnswer(t, c, doc, "post", "/api/v1/applications/{id}/documents", rec)
	rec = openAPIUpload(t, h, app+"/documents", ann, map[string]string{"kind": "nonsense", "version": "1"}, "cv.pdf", pdf)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("uploading a document of no known kind: status %d: %s", rec.Code, rec.Body)
	}
	openAPICheckAnswer(t, c, doc, "post", "/api/v1/applications/{id}/documents", rec)
	rec = check("get", "/api/v1/applications/{id}/documents", app+"/documents", "", ann, 200)
	var listed struct {
		Documents []struct {
			Download string `json:"download"`
		} `json:"documents"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &listed); err != nil || len(listed.Documents) != 1 {
		t.Fatalf("listing documents: %v %s", err, rec.Body)
	}
	rec = check("get", "/api/v1/applications/{id}/documents/{doc}", listed.Documents[0].Download, "", ann, 200)
	if !bytes.Equal(rec.Body.Bytes(), pdf) {
		t.Error("the download is not the file uploaded")
	}
	check("get", "/api/v1/applications/{id}/documents/{doc}", app+"/documents/999", "", ann, 404)

	check("get", "/api/v1/applications", "/api/v1/applications?state=draft", "", sam, 200)
	check("get", "/api/v1/applications/{id}", app, "", sam, 200)
	check("post", "/api/v1/applications/{id}/reviewers", app+"/reviewers", `{"reviewer_id":1}`, sam, 400)
	check("post", "/api/v1/applications/{id}/items/{item}/verification", app+"/items/x/verification", `{"decision":"verify"}`, ann, 403)

	check("get", "/api/v1/reviews", "/api/v1/reviews", "", rex, 200)
	check("get", "/api/v1/reviews", "/api/v1/reviews", "", ann, 403)
	check("post", "/api/v1/applications/{id}/votes", app+"/votes", `{"vote":"approve"}`, rex, 404)
	check("get", "/api/v1/supervision", "/api/v1/supervision", "", sue, 200)
	sup := fmt.Sprintf("/api/v1/supervision/%d", started.ID)
	rec = check("get", "/api/v1/supervision/{id}", sup, "", sue, 200)
	var supervised struct {
		Application struct {
			Version int `json:"version"`
		} `json:"application"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &supervised); err != nil {
		t.Fatal(err)
	}
	check("get", "/api/v1/supervision/{id}", "/api/v1/supervision/999999", "", sue, 404)
	check("post", "/api/v1/supervision/{id}/contracts", sup+"/contracts", fmt.Sprintf(`{"start":"2024-02-01","version":%d}`, supervised.Application.Version), sue, 201)
	check("post", "/api/v1/supervision/{id}/contracts", sup+"/contracts", fmt.Sprintf(`{"start":"2024-02-01","version":%d}`, supervised.Application.Version), sue, 409)
	check("post", "/api/v1/supervision/{id}/contracts", sup+"/contracts", `{"start":"someday","version":1}`, sue, 422)
	check("post", "/api/v1/supervision/{id}/items/{item}", sup+"/items/ses-9", `{"decision":"confirm","version":1}`, sue, 404)
	check("post", "/api/v1/supervision/{id}/items", sup+"/items", `{"decisions":[{"item":"ses-9","decision":"confirm"},{"item":"ses-8","decision":"confirm"}],"version":1}`, sue, 404)
	check("post", "/api/v1/supervision/{id}/items", sup+"/items", `{"decisions":[],"version":1}`, sue, 422)

	check("get", "/api/v1/admin/sets", "/api/v1/admin/sets", "", ada, 200)
	check("get", "/api/v1/admin/users", "/api/v1/admin/users?q=a", "", ada, 200)
	check("get", "/api/v1/admin/board", "/api/v1/admin/board", "", ada, 200)
	check("put", "/api/v1/admin/board", "/api/v1/admin/board", `{"name":"","contact_email":"nope"}`, ada, 422)
	check("patch", "/api/v1/admin/users/{uid}", fmt.Sprintf("/api/v1/admin/users/%d", applicant.ID), `{"roles":["wizard"],"version":1}`, ada, 422)
	check("get", "/api/v1/admin/sets/{upload}/preview", "/api/v1/admin/sets/77/preview", "", ada, 404)
	check("get", "/api/v1/admin/sets", "/api/v1/admin/sets", "", sam, 403)

	check("post", "/api/v1/account/password", "/api/v1/account/password", `{"current_password":"not it","new_password":"copper lantern river autumn"}`, rex, 403)
	check("post", "/api/v1/account/password", "/api/v1/account/password", `{"current_password":"`+testPassword+`","new_password":"short"}`, rex, 422)
	check("post", "/api/v1/account/password", "/api/v1/account/password", `{"current_password":"`+testPassword+`","new_password":"copper lantern river autumn"}`, rex, 200)
	bearer("post", "/api/v1/account/password", "/api/v1/account/password", `{"current_password":"x","new_password":"y"}`, created.Token, 403)

	check("delete", "/api/v1/session", "/api/v1/session", "", ann, 204)
	check("get", "/api/openapi.json", "/api/openapi.json", "", nil, 200)
	check("get", "/readyz", "/readyz", "", nil, 200)
}
