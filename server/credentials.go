package server

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/store"
	"github.com/certboard/certboard/verifier"
)

// credentialRoutes serves issued credentials at their URLs: to their holder
// and staff always, to anyone once the holder has made them public.
func (s *Server) credentialRoutes() {
	s.route("GET /credentials/{id}", Public, http.HandlerFunc(s.hostedCredential))
	s.route("POST /credentials/{id}/visibility", Authenticated, http.HandlerFunc(s.credentialVisibility))
	s.route("POST /credentials/{id}/status", Staff, http.HandlerFunc(s.credentialStatus))
	s.route("GET /credentials/{id}/certificate.pdf", Public, http.HandlerFunc(s.certificatePDF))
}

// credentialStatus is staff's revoke (final), suspend or reinstate, with a
// reason the holder reads; audited, and the holder is mailed. The published
// status lists show it at once.
func (s *Server) credentialStatus(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u := userFrom(r)
	c, err := s.cfg.Store.Credential(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "Credential not found", "No credential has this id.")
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	action := r.PostForm.Get("action")
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	past := map[string]string{"revoke": "revoked", "suspend": "suspended", "reinstate": "reinstated"}[action]
	switch {
	case past == "":
		s.fail(w, r, http.StatusBadRequest, "Invalid form", "action: choose revoke, suspend or reinstate.")
		return
	case action != "reinstate" && reason == "":
		s.fail(w, r, http.StatusUnprocessableEntity, "A reason is needed", "reason: say why; the holder reads it.")
		return
	case len(reason) > 2000:
		s.fail(w, r, http.StatusUnprocessableEntity, "Reason too long", "reason: write at most 2000 characters.")
		return
	case c.HolderID == u.ID:
		s.fail(w, r, http.StatusForbidden, "Not your decision", "Staff do not decide on their own credentials.")
		return
	}
	holder, err := s.cfg.Store.UserByID(r.Context(), c.HolderID)
	if err != nil {
		s.internal(w, err)
		return
	}
	now := s.now()
	err = s.inTx(r.Context(), func(tx *sql.Tx) error {
		if err := s.cfg.Store.SetCredentialStatus(r.Context(), tx, c.ID, action, reason, now); err != nil {
			return err
		}
		if _, err := s.cfg.Store.AppendAudit(r.Context(), tx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "credential." + action,
			Subject: "credential/" + c.ID, Before: c.Status(), After: past}); err != nil {
			return err
		}
		body := fmt.Sprintf("Dear %s,\n\nYour credential %s (%s) has been %s by the board.\n", holder.Name, c.SetID, s.publicBase()+"/credentials/"+c.ID, past)
		if reason != "" {
			body += "\nThe board wrote:\n\n" + reason + "\n"
		}
		_, err := s.cfg.Store.EnqueueMail(r.Context(), tx, store.Mail{To: holder.Email, Subject: "Your credential has been " + past, Body: body, CreatedAt: now})
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		s.fail(w, r, http.StatusConflict, "Not possible now", fmt.Sprintf("The credential is %s; it cannot be %s.", c.Status(), past))
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	redirect(w, r, "/credentials/"+c.ID, "Credential "+past+"; the published status list shows it now.")
}

// visibleCredential loads a credential the caller may see, or answers 404.
func (s *Server) visibleCredential(w http.ResponseWriter, r *http.Request) (*store.IssuedCredential, bool) {
	c, err := s.cfg.Store.Credential(r.Context(), r.PathValue("id"))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.internal(w, err)
		return nil, false
	}
	u := userFrom(r)
	if err != nil || !(c.Public || (u != nil && (u.ID == c.HolderID || (u.IsStaff() && u.TwoFactor())))) {
		s.fail(w, r, http.StatusNotFound, "Credential not found",
			"No credential is shown at this address: it does not exist, or its holder has not made it public.")
		return nil, false
	}
	return c, true
}

// credentialView is the human page of a credential.
type credentialView struct {
	C *store.IssuedCredential
	// Report is the credential verified now, as anyone would verify it.
	Report  *verifier.Report
	Name    string
	Holder  string
	Issuer  string
	IsOwner bool
	IsStaff bool
}

// hostedCredential answers with the signed credential: the VC-JWT for
// Accept: application/vc+jwt (or ?format=jwt), the JSON with its Data
// Integrity proof for application/ld+json or application/json (or
// ?format=json), and a page for browsers.
func (s *Server) hostedCredential(w http.ResponseWriter, r *http.Request) {
	c, ok := s.visibleCredential(w, r)
	if !ok {
		return
	}
	w.Header().Set("Vary", "Accept, Cookie")
	w.Header().Set("Cache-Control", "private, no-store")
	accept := r.Header.Get("Accept")
	format := r.URL.Query().Get("format")
	switch {
	case format == "jwt" || (format == "" && strings.Contains(accept, "application/vc+jwt")):
		w.Header().Set("Content-Type", "application/vc+jwt")
		if format != "" {
			w.Header().Set("Content-Disposition", `attachment; filename="credential-`+c.ID+`.jwt"`)
		}
		fmt.Fprint(w, c.JWT)
		return
	case format == "json" || (format == "" && (strings.Contains(accept, "application/ld+json") || (strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")))):
		ct := "application/json"
		if strings.Contains(accept, "application/ld+json") {
			ct = "application/ld+json"
		}
		w.Header().Set("Content-Type", ct)
		if format != "" {
			w.Header().Set("Content-Disposition", `attachment; filename="credential-`+c.ID+`.json"`)
		}
		_, _ = w.Write(c.Document)
		return
	case format != "":
		s.fail(w, r, http.StatusBadRequest, "Unknown format", "format: use json or jwt, or leave it out for the page.")
		return
	}
	var doc struct {
		Name   string `json:"name"`
		Issuer struct {
			Name string `json:"name"`
		} `json:"issuer"`
		Subject struct {
			Identifier []struct {
				IdentityType string `json:"identityType"`
				IdentityHash string `json:"identityHash"`
			} `json:"identifier"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(c.Document, &doc); err != nil {
		s.internal(w, err)
		return
	}
	v := credentialView{C: c, Name: doc.Name, Issuer: doc.Issuer.Name}
	for _, id := range doc.Subject.Identifier {
		if id.IdentityType == "name" {
			v.Holder = id.IdentityHash
		}
	}
	if u := userFrom(r); u != nil {
		v.IsOwner = u.ID == c.HolderID
		v.IsStaff = u.IsStaff() && u.TwoFactor() && !v.IsOwner
	}
	v.Report = verifier.Verify(r.Context(), c.Document, s.verifierFetch, s.now())
	s.render(w, r, http.StatusOK, "credential", page{Title: doc.Name, Data: v})
}

// credentialVisibility is the holder's choice to show the credential to
// anyone with its URL, or not.
func (s *Server) credentialVisibility(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	c, err := s.cfg.Store.Credential(r.Context(), r.PathValue("id"))
	u := userFrom(r)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.HolderID != u.ID) {
		s.fail(w, r, http.StatusNotFound, "Credential not found", "You hold no credential with this id.")
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	var public bool
	switch r.PostForm.Get("public") {
	case "true":
		public = true
	case "false":
	default:
		s.fail(w, r, http.StatusBadRequest, "Invalid form", "public: say true or false.")
		return
	}
	now := s.now()
	err = s.inTx(r.Context(), func(tx *sql.Tx) error {
		if err := s.cfg.Store.SetCredentialPublic(r.Context(), tx, c.ID, public); err != nil {
			return err
		}
		_, err := s.cfg.Store.AppendAudit(r.Context(), tx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "credential.visibility",
			Subject: "credential/" + c.ID, Before: fmt.Sprint(c.Public), After: fmt.Sprint(public)})
		return err
	})
	if err != nil {
		s.internal(w, err)
		return
	}
	msg := "Only you and the board can open this credential now."
	if public {
		msg = "Anyone with this address can now open and verify the credential."
	}
	redirect(w, r, "/credentials/"+c.ID, msg)
}
