package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"strconv"

	kit "github.com/certboard/certboard/web"
)

// openAPIDoc is the OpenAPI 3.1 description of the JSON API and the
// operational endpoints. It is written by hand: openapi.json holds the
// document and openapi/*.json add the paths and schemas of one area each
// (merged at start; a name given twice is an error). openapi_test.go keeps
// it honest: every API route has its operation with the route's access
// rule, and the document validates against the OpenAPI 3.1 JSON Schema.
var openAPIDoc = mustMergeOpenAPI()

//go:embed openapi.json openapi/*.json
var openAPIFiles embed.FS

// openAPIPart is what an area's file may add.
type openAPIPart struct {
	Paths      map[string]json.RawMessage            `json:"paths"`
	Components map[string]map[string]json.RawMessage `json:"components"`
}

func mustMergeOpenAPI() []byte {
	b, err := mergeOpenAPI(openAPIFiles)
	if err != nil {
		panic(err)
	}
	return b
}

// mergePathItem adds the operations of one path item to another's (a path
// may have its GET in one file and its DELETE in another); an operation, or
// any other member, given twice is an error.
func mergePathItem(have, add json.RawMessage) (json.RawMessage, error) {
	if have == nil {
		return add, nil
	}
	var a, b map[string]json.RawMessage
	if err := json.Unmarshal(have, &a); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(add, &b); err != nil {
		return nil, err
	}
	for k, v := range b {
		if _, dup := a[k]; dup {
			return nil, fmt.Errorf("%s is described twice", k)
		}
		a[k] = v
	}
	return json.Marshal(a)
}

// mergeOpenAPI adds the paths and components of openapi/*.json to
// openapi.json, in file name order.
func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	base, err := fs.ReadFile(fsys, "openapi.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	var whole openAPIPart
	if err := json.Unmarshal(base, &whole); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	parts, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range parts {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var part openAPIPart
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for p, item := range part.Paths {
			merged, err := mergePathItem(whole.Paths[p], item)
			if err != nil {
				return nil, fmt.Errorf("%s: path %s: %w", name, p, err)
			}
			whole.Paths[p] = merged
		}
		for kind, entries := range part.Components {
			if whole.Components[kind] == nil {
				whole.Components[kind] = map[string]json.RawMessage{}
			}
			for n, v := range entries {
				if _, dup := whole.Components[kind][n]; dup {
					return nil, fmt.Errorf("%s: components/%s/%s is described twice", name, kind, n)
				}
				whole.Components[kind][n] = v
			}
		}
	}
	if len(parts) == 0 {
		return base, nil
	}
	out := maps.Clone(doc)
	if out["paths"], err = json.Marshal(whole.Paths); err != nil {
		return nil, err
	}
	if out["components"], err = json.Marshal(whole.Components); err != nil {
		return nil, err
	}
	return json.MarshalIndent(out, "", "  ")
}

// apiDocRoutes registers the OpenAPI document, its server the mount's
// path (see openAPIFor).
func (s *Server) apiDocRoutes() error {
	doc, err := openAPIFor(openAPIDoc, s.mount)
	if err != nil {
		return err
	}
	s.route("GET /api/openapi.json", Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveOpenAPI(w, doc)
	}))
	return nil
}

// openAPIFor is the OpenAPI document doc as a server mounted at m serves
// it: its one server's url is the mount's path ("/" at the root, the
// document unchanged; "/board/" under https://example.org/board/), which
// the paths of the document follow.
func openAPIFor(doc []byte, m kit.Mount) ([]byte, error) {
	if m.Prefix() == "" {
		return doc, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, err
	}
	var servers []map[string]any
	if err := json.Unmarshal(top["servers"], &servers); err != nil {
		return nil, fmt.Errorf("openapi.json: servers: %w", err)
	}
	for _, sv := range servers {
		sv["url"] = m.Path("/")
	}
	raw, err := json.Marshal(servers)
	if err != nil {
		return nil, err
	}
	top["servers"] = raw
	return json.MarshalIndent(top, "", "  ")
}

// serveOpenAPI sends the OpenAPI document doc; clients may cache it
// briefly.
func serveOpenAPI(w http.ResponseWriter, doc []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	_, _ = w.Write(doc)
}
