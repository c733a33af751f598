package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/certboard/certboard/did"
)

// didRoutes publishes the board's DID document, where verifiers find the
// keys of its credentials.
func (s *Server) didRoutes() {
	s.route("GET "+s.didPath(), Public, s.handle(s.didDocument))
}

// didPath is where the DID document is served, as the did:web
// specification has it: /.well-known/did.json for a board at the root of
// its host, did.json under the path of one served under a path
// (https://example.org/board/did.json for did:web:example.org:board).
func (s *Server) didPath() string {
	if s.mount.Prefix() == "" {
		return "/.well-known/did.json"
	}
	return "/did.json"
}

// errNoSigningKey reports that the board has no signing key yet, so it can
// publish no DID document or signed status list; the key is made when the
// server starts.
var errNoSigningKey = errors.New("the board has no signing key yet")

// boardDID is the board's did:web, derived from its public URL.
func (s *Server) boardDID() (string, error) {
	u := s.cfg.PublicURL
	if u == "" {
		u = "http://localhost:8080"
	}
	return did.WebFromURL(u)
}

// didDocument serves the board's DID document (see didDocumentJSON).
func (s *Server) didDocument(w http.ResponseWriter, r *http.Request) error {
	body, err := s.didDocumentJSON(r.Context())
	if errors.Is(err, errNoSigningKey) {
		noSigningKey(w)
		return nil
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/did+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(body)
	return nil
}

// noSigningKey answers a request for a signed public document before the
// board's first signing key is made: 503, as problem+json to browsers too,
// since the document is data.
func noSigningKey(w http.ResponseWriter) {
	problem(w, http.StatusServiceUnavailable, "No signing key yet", "The board has no signing key yet; it is made when the server starts.")
}

// didDocumentJSON is the board's DID document as published, indented JSON:
// every signing key, the current one first and retired ones after it, so
// that credentials signed before a rotation keep verifying. It fails with
// errNoSigningKey before the first key is made.
func (s *Server) didDocumentJSON(ctx context.Context) ([]byte, error) {
	id, err := s.boardDID()
	if err != nil {
		return nil, err
	}
	keys, err := s.board.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, errNoSigningKey
	}
	named := make([]did.NamedKey, len(keys))
	for i, k := range keys {
		named[i] = did.NamedKey{ID: k.ID, Public: k.Public}
	}
	doc, err := did.NewWebDocument(id, named)
	if err != nil {
		return nil, err
	}
	// As writePublicJSON writes it.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
