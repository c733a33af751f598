package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/store"
	"github.com/certboard/certboard/vcjwt"
)

// statusRoutes publishes the board's status lists, where verifiers look up
// whether a credential is revoked or suspended.
func (s *Server) statusRoutes() {
	s.route("GET /status/{list}", Public, http.HandlerFunc(s.statusList))
}

// boardLists are the board's lists and their purposes.
var boardLists = map[string]statuslist.Purpose{revocationList: statuslist.Revocation, suspensionList: statuslist.Suspension}

// statusList serves one list as a signed BitstringStatusListCredential: the
// JSON with a Data Integrity proof, or the VC-JWT for Accept:
// application/vc+jwt. A bit is 1 for a revoked credential (revocation
// list) or a suspended one (suspension list). The list has the
// specification's minimum size, which hides whose status a verifier asks for
// among 131,072 places.
func (s *Server) statusList(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("list")
	purpose, ok := boardLists[name]
	if !ok {
		s.fail(w, r, http.StatusNotFound, "No such status list", fmt.Sprintf("The board publishes the lists %s and %s.", revocationList, suspensionList))
		return
	}
	list, err := statuslist.New(statuslist.MinSize)
	if err != nil {
		s.internal(w, err)
		return
	}
	set, err := s.cfg.Store.SetStatusBits(r.Context(), string(purpose), name)
	if err != nil {
		s.internal(w, err)
		return
	}
	for _, i := range set {
		if err := list.Set(i, true); err != nil {
			s.internal(w, err)
			return
		}
	}
	encoded, err := list.Encode()
	if err != nil {
		s.internal(w, err)
		return
	}
	issuer, err := s.boardDID()
	if err != nil {
		s.internal(w, err)
		return
	}
	key, err := s.cfg.Store.CurrentSigningKey(r.Context())
	if errors.Is(err, store.ErrNotFound) {
		problem(w, http.StatusServiceUnavailable, "No signing key yet", "The board has no signing key yet; it is made when the server starts.")
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	url := s.publicBase() + "/status/" + name
	doc := map[string]any{
		"@context":  []any{credential.ContextVC},
		"id":        url,
		"type":      []any{"VerifiableCredential", statuslist.CredentialType},
		"issuer":    issuer,
		"validFrom": credential.FormatTime(s.now()),
		"credentialSubject": map[string]any{
			"id":            url + "#list",
			"type":          statuslist.SubjectType,
			"statusPurpose": string(purpose),
			"encodedList":   encoded,
		},
	}
	vm := issuer + "#" + key.ID
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Vary", "Accept")
	if strings.Contains(r.Header.Get("Accept"), "application/vc+jwt") {
		token, err := vcjwt.Sign(doc, key.Private, vm)
		if err != nil {
			s.internal(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/vc+jwt")
		fmt.Fprint(w, token)
		return
	}
	signed, err := dataintegrity.Sign(doc, key.Private, vm, s.now())
	if err != nil {
		s.internal(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/vc+ld+json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(signed)
}
