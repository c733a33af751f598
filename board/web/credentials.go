package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/verifier"
)

// credentialRoutes serves issued credentials at their URLs: to their holder
// and staff always, to anyone once the holder has made them public.
func (s *Server) credentialRoutes() {
	s.route("GET /credentials/{id}", Public, s.handle(s.hostedCredential))
	s.route("POST /credentials/{id}/visibility", Authenticated, s.handle(s.credentialVisibility))
	s.route("POST /credentials/{id}/status", Staff, s.handle(s.credentialStatus))
	s.route("POST /api/v1/credentials/{id}/status", Staff, s.handle(s.apiCredentialStatus))
	s.route("GET /credentials/{id}/certificate.pdf", Public, s.handle(s.certificatePDF))
}

// credentialStatus is the staff page's status form (see
// board.ChangeCredentialStatus).
func (s *Server) credentialStatus(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	action := r.PostForm.Get("action")
	c, err := s.board.ChangeCredentialStatus(r.Context(), userFrom(r), r.PathValue("id"), action, r.PostForm.Get("reason"))
	if err != nil {
		return err
	}
	redirect(w, r, "/credentials/"+c.ID, "Credential "+board.StatusPast(action)+"; the published status list shows it now.")
	return nil
}

// credentialStatusRequest is the body of the staff status API.
type credentialStatusRequest struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
}

// credentialStatusAnswer is a credential's status as the API shows it.
type credentialStatusAnswer struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Standing      string `json:"standing"`
	RevokedAt     string `json:"revoked_at,omitempty"`
	RevokeReason  string `json:"revoke_reason,omitempty"`
	SuspendedAt   string `json:"suspended_at,omitempty"`
	SuspendReason string `json:"suspend_reason,omitempty"`
	SupersededBy  string `json:"superseded_by,omitempty"`
	ValidUntil    string `json:"valid_until,omitempty"`
}

// apiCredentialStatus is the staff status action as JSON: {action, reason}
// in, the credential's new status out (see board.ChangeCredentialStatus).
func (s *Server) apiCredentialStatus(w http.ResponseWriter, r *http.Request) error {
	var req credentialStatusRequest
	if !decodeBody(w, r, &req, `action ("revoke", "suspend" or "reinstate") and reason`, 16<<10) {
		return nil
	}
	if req.Action == "" {
		return invalidInput("action", "missing; choose revoke, suspend or reinstate.").WithTitle("Invalid action")
	}
	c, err := s.board.ChangeCredentialStatus(r.Context(), userFrom(r), r.PathValue("id"), req.Action, req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, s.statusAnswer(c))
	return nil
}

// statusAnswer shows a credential's status to the API.
func (s *Server) statusAnswer(c *board.IssuedCredential) credentialStatusAnswer {
	a := credentialStatusAnswer{ID: c.ID, Status: c.Status(), RevokeReason: c.RevokeReason, SuspendReason: c.SuspendReason}
	a.Standing, _ = s.standing(c)
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	a.RevokedAt, a.SuspendedAt, a.ValidUntil = stamp(c.RevokedAt), stamp(c.SuspendedAt), stamp(c.ValidUntil)
	if c.SupersededBy != "" {
		a.SupersededBy = s.publicBase() + "/credentials/" + c.SupersededBy
	}
	return a
}

// standing is where a credential stands today, in one word and a sentence:
// revoked, suspended, superseded (by a renewal), expired or active (the
// word is c.StandingAt(s.now())). The sentence says no reason: it is
// shown to anyone.
func (s *Server) standing(c *board.IssuedCredential) (string, string) {
	switch st := c.StandingAt(s.now()); st {
	case "revoked":
		return st, "Revoked by the board on " + c.RevokedAt.UTC().Format("2006-01-02") + "; revocation is final."
	case "suspended":
		return st, "Suspended by the board since " + c.SuspendedAt.UTC().Format("2006-01-02") + "."
	case "superseded":
		when := ""
		if !c.SupersededAt.IsZero() {
			when = " on " + c.SupersededAt.UTC().Format("2006-01-02")
		}
		return st, "Superseded by a renewal" + when + "; the current credential is " + s.publicBase() + "/credentials/" + c.SupersededBy + "."
	case "expired":
		return st, "Expired on " + c.ValidUntil.UTC().Format("2006-01-02") + ": it was valid until then, and has not been renewed."
	}
	if c.ValidUntil.IsZero() {
		return "active", "Active, without an end date."
	}
	return "active", "Active until " + c.ValidUntil.UTC().Format("2006-01-02") + "."
}

// visibleCredential loads the credential of the {id} path value if the
// caller may see it; otherwise its error says not found.
func (s *Server) visibleCredential(r *http.Request) (*board.IssuedCredential, error) {
	return s.board.VisibleCredential(r.Context(), userFrom(r), r.PathValue("id"))
}

// credentialView is the human page of a credential.
type credentialView struct {
	C *board.IssuedCredential
	// Report is the credential verified now, as anyone would verify it.
	Report  *verifier.Report
	Name    string
	Holder  string
	Issuer  string
	IsOwner bool
	IsStaff bool
	// Standing is where the credential stands today (revoked, suspended,
	// superseded, expired or active) and StandingText says it in a sentence.
	Standing     string
	StandingText string
}

// hostedCredential answers with the signed credential: the VC-JWT for
// Accept: application/vc+jwt (or ?format=jwt), the JSON with its Data
// Integrity proof for application/ld+json or application/json (or
// ?format=json), and a page for browsers.
func (s *Server) hostedCredential(w http.ResponseWriter, r *http.Request) error {
	c, err := s.visibleCredential(r)
	if err != nil {
		return err
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
		return nil
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
		return nil
	case format != "":
		return badInput("format", "use json or jwt, or leave it out for the page.").WithTitle("Unknown format")
	}
	names, err := credentialNamesOf(c.Document)
	if err != nil {
		return err
	}
	v := credentialView{C: c, Name: names.Title, Issuer: names.Issuer, Holder: names.Holder}
	v.Standing, v.StandingText = s.standing(c)
	if u := userFrom(r); u != nil {
		v.IsOwner = u.ID == c.HolderID
		v.IsStaff = u.IsStaff() && u.TwoFactor() && !v.IsOwner
	}
	v.Report = verifier.Verify(r.Context(), c.Document, s.verifierFetch, s.now())
	s.checkRecord(r.Context(), v.Report, s.judgeIssuer(r.Context(), v.Report))
	s.render(w, r, http.StatusOK, "credential", page{Title: names.Title, Data: v})
	return nil
}

// credentialVisibility is the holder's choice to show the credential to
// anyone with its URL, or not.
func (s *Server) credentialVisibility(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	// Whose it is comes first: anyone else is told it does not exist.
	c, err := s.board.HeldCredential(r.Context(), userFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	var public bool
	switch r.PostForm.Get("public") {
	case "true":
		public = true
	case "false":
	default:
		return badInput("public", "say true or false.").WithTitle("Invalid form")
	}
	if _, err := s.board.SetCredentialPublic(r.Context(), userFrom(r), c.ID, public); err != nil {
		return err
	}
	msg := "Only you and the board can open this credential now."
	if public {
		msg = "Anyone with this address can now open and verify the credential."
	}
	redirect(w, r, "/credentials/"+c.ID, msg)
	return nil
}
