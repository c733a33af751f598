package server

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openAPIDoc is the OpenAPI 3.1 description of the JSON API and the
// operational endpoints. It is written by hand; openapi_test.go keeps it
// honest: every API route has its operation with the route's access rule,
// and the document validates against the OpenAPI 3.1 JSON Schema.
//
//go:embed openapi.json
var openAPIDoc []byte

// apiDocRoutes registers the OpenAPI document.
func (s *Server) apiDocRoutes() {
	s.route("GET /api/openapi.json", Public, http.HandlerFunc(serveOpenAPI))
}

// serveOpenAPI sends the OpenAPI document; clients may cache it briefly.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Length", strconv.Itoa(len(openAPIDoc)))
	_, _ = w.Write(openAPIDoc)
}
