package web

import (
	"net/http"

	"github.com/certboard/certboard/did"
)

// didRoutes publishes the board's DID document, where verifiers find the
// keys of its credentials.
func (s *Server) didRoutes() {
	s.route("GET /.well-known/did.json", Public, http.HandlerFunc(s.didDocument))
}

// boardDID is the board's did:web, derived from its public URL.
func (s *Server) boardDID() (string, error) {
	u := s.cfg.PublicURL
	if u == "" {
		u = "http://localhost:8080"
	}
	return did.WebFromURL(u)
}

// didDocument serves the board's DID document: every signing key, the
// current one first and retired ones after it, so that credentials signed
// before a rotation keep verifying.
func (s *Server) didDocument(w http.ResponseWriter, r *http.Request) {
	id, err := s.boardDID()
	if err != nil {
		s.internal(w, err)
		return
	}
	keys, err := s.cfg.Store.SigningKeys(r.Context())
	if err != nil {
		s.internal(w, err)
		return
	}
	if len(keys) == 0 {
		problem(w, http.StatusServiceUnavailable, "No signing key yet", "The board has no signing key yet; it is made when the server starts.")
		return
	}
	named := make([]did.NamedKey, len(keys))
	for i, k := range keys {
		named[i] = did.NamedKey{ID: k.ID, Public: k.Public}
	}
	doc, err := did.NewWebDocument(id, named)
	if err != nil {
		s.internal(w, err)
		return
	}
	writePublicJSON(w, "application/did+json", "public, max-age=300", doc)
}
