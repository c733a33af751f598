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
	s.route("GET /credentials/{id}", Public, http.HandlerFunc(s.hostedCredential))
	s.route("POST /credentials/{id}/visibility", Authenticated, http.HandlerFunc(s.credentialVisibility))
	s.route("POST /credentials/{id}/status", Staff, http.HandlerFunc(s.credentialStatus))
	s.route("POST /api/v1/credentials/{id}/status", Staff, http.HandlerFunc(s.apiCredentialStatus))
	s.route("GET /credentials/{id}/certificate.pdf", Public, http.HandlerFunc(s.certificatePDF))
}

// credentialStatus is the staff page's status form (see
// board.ChangeCredentialStatus).
func (s *Server) credentialStatus(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	action := r.PostForm.Get("action")
	c, err := s.board.ChangeCredentialStatus(r.Context(), userFrom(r), r.PathValue("id"), action, r.PostForm.Get("reason"))
	if se := refusal(err); se != nil {
		s.answerError(w, r, se)
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	redirect(w, r, "/credentials/"+c.ID, "Credential "+board.StatusPast(action)+"; the published status list shows it now.")
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
func (s *Server) apiCredentialStatus(w http.ResponseWriter, r *http.Request) {
	var req credentialStatusRequest
	if !decodeBody(w, r, &req, `action ("revoke", "suspend" or "reinstate") and reason`, 16<<10) {
		return
	}
	if req.Action == "" {
		problem(w, http.StatusUnprocessableEntity, "Invalid action", "action: missing; choose revoke, suspend or reinstate.")
		return
	}
	c, err := s.board.ChangeCredentialStatus(r.Context(), userFrom(r), r.PathValue("id"), req.Action, req.Reason)
	if se := refusal(err); se != nil {
		s.answerError(w, r, se)
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, s.statusAnswer(c))
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
// revoked, suspended, superseded (by a renewal), expired or active. The
// word is Status() with expiry judged on s.now().
func (s *Server) standing(c *board.IssuedCredential) (string, string) {
	switch st := c.Status(); st {
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
	}
	if !c.ValidUntil.IsZero() && !s.now().Before(c.ValidUntil) {
		return "expired", "Expired on " + c.ValidUntil.UTC().Format("2006-01-02") + "."
	}
	if c.ValidUntil.IsZero() {
		return "active", "Active, without an end date."
	}
	return "active", "Active until " + c.ValidUntil.UTC().Format("2006-01-02") + "."
}

// visibleCredential loads a credential the caller may see, or answers 404.
func (s *Server) visibleCredential(w http.ResponseWriter, r *http.Request) (*board.IssuedCredential, bool) {
	c, err := s.board.VisibleCredential(r.Context(), userFrom(r), r.PathValue("id"))
	if err != nil {
		s.answerError(w, r, err)
		return nil, false
	}
	return c, true
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
	names, err := credentialNamesOf(c.Document)
	if err != nil {
		s.internal(w, err)
		return
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
}

// credentialVisibility is the holder's choice to show the credential to
// anyone with its URL, or not.
func (s *Server) credentialVisibility(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	// Whose it is comes first: anyone else is told it does not exist.
	c, err := s.board.HeldCredential(r.Context(), userFrom(r), r.PathValue("id"))
	if err != nil {
		s.answerError(w, r, err)
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
	if _, err := s.board.SetCredentialPublic(r.Context(), userFrom(r), c.ID, public); err != nil {
		s.answerError(w, r, err)
		return
	}
	msg := "Only you and the board can open this credential now."
	if public {
		msg = "Anyone with this address can now open and verify the credential."
	}
	redirect(w, r, "/credentials/"+c.ID, msg)
}
