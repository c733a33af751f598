package web

import (
	"fmt"
	"net/http"
	"net/url"
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
		return s.reshowCredential(w, r, err)
	}
	redirect(w, r, "/credentials/"+c.ID, "Credential "+board.StatusPast(action)+"; the published status list shows it now.")
	return nil
}

// reshowCredential shows the credential's page again after the staff's
// status form was refused (a reason missing, an action no longer
// possible): nothing changed, the form keeps what was typed, and the
// message shows in the summary and next to the field at fault. An error it
// cannot show there it returns.
func (s *Server) reshowCredential(w http.ResponseWriter, r *http.Request, refusal error) error {
	status, errs, ok := formErrors(refusal, "status")
	if !ok {
		return refusal
	}
	e := asError(refusal)
	how := strings.TrimPrefix(e.Message, e.Field+": ")
	if e.Field != "" && how != "" {
		errs[e.Field] = strings.ToUpper(how[:1]) + how[1:]
	}
	summary := "Nothing was changed: " + how
	if e.Title != "" {
		summary = "Nothing was changed. " + e.Title + ": " + how
	}
	errs[""] = summary
	v, err := s.board.ViewCredential(r.Context(), userFrom(r), r.PathValue("id"))
	if err != nil {
		return refusal
	}
	return s.renderCredential(w, r, v, status, errs)
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
	Report *verifier.Report
	Name   string
	Holder string
	Issuer string
	// Full: the caller may see the whole credential (see
	// board.CredentialView); otherwise the page is the verification of
	// its certificate.
	Full    bool
	IsOwner bool
	IsStaff bool
	// Standing is where the credential stands today (revoked, suspended,
	// superseded, expired or active) and StandingText says it in a sentence.
	Standing     string
	StandingText string
	// Renewal is the holder's open renewal; Profile their registry
	// profile (the holder's page only).
	Renewal *board.Application
	Profile *board.HolderProfile
}

// ProfileVisible says whether the holder keeps a visible registry profile.
func (v credentialView) ProfileVisible() bool {
	return v.Profile != nil && v.Profile.Profile != nil && v.Profile.Profile.Visible
}

// HasProfile says whether the holder has saved a registry profile.
func (v credentialView) HasProfile() bool { return v.Profile != nil && v.Profile.Profile != nil }

// RenewalWaitsForHolder says whether the open renewal is the holder's to
// send on (a draft, returned, or with a question to answer).
func (v credentialView) RenewalWaitsForHolder() bool {
	if v.Renewal == nil {
		return false
	}
	switch v.Renewal.State {
	case board.Draft, board.Returned, board.InfoRequested:
		return true
	}
	return false
}

// hostedCredential answers with the signed credential: the VC-JWT for
// Accept: application/vc+jwt (or ?format=jwt), the JSON with its Data
// Integrity proof for application/ld+json or application/json (or
// ?format=json), and a page for browsers. The signed forms are for those
// who may see the whole credential; the page answers anyone who has its
// address (its certificate's QR code), as its verification when the
// holder has not made it public.
func (s *Server) hostedCredential(w http.ResponseWriter, r *http.Request) error {
	v, err := s.board.ViewCredential(r.Context(), userFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	c := v.Credential
	w.Header().Set("Vary", "Accept, Cookie")
	w.Header().Set("Cache-Control", "private, no-store")
	accept := r.Header.Get("Accept")
	format := r.URL.Query().Get("format")
	wantJWT := format == "jwt" || (format == "" && strings.Contains(accept, "application/vc+jwt"))
	wantJSON := !wantJWT && (format == "json" || (format == "" && (strings.Contains(accept, "application/ld+json") ||
		(strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")))))
	switch {
	case format != "" && !wantJWT && !wantJSON:
		return badInput("format", "use json or jwt, or leave it out for the page.").WithTitle("Unknown format")
	case (wantJWT || wantJSON) && !v.Full:
		return notFound("Credential not public", "Its holder has not made the signed credential public; its page at this address shows it verified.")
	case wantJWT:
		w.Header().Set("Content-Type", "application/vc+jwt")
		if format != "" {
			w.Header().Set("Content-Disposition", `attachment; filename="credential-`+c.ID+`.jwt"`)
		}
		fmt.Fprint(w, c.JWT)
		return nil
	case wantJSON:
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
	}
	return s.renderCredential(w, r, v, http.StatusOK, nil)
}

// renderCredential draws the page of a credential as v shows it, with the
// errors of the staff's status form (nil for none).
func (s *Server) renderCredential(w http.ResponseWriter, r *http.Request, cv *board.CredentialView, status int, errs map[string]string) error {
	c := cv.Credential
	names, err := credentialNamesOf(c.Document)
	if err != nil {
		return err
	}
	v := credentialView{C: c, Name: names.Title, Issuer: names.Issuer, Holder: names.Holder, Full: cv.Full, IsOwner: cv.Owner,
		Renewal: cv.Renewal, Profile: cv.Profile}
	v.Standing, v.StandingText = s.standing(c)
	if u := userFrom(r); u != nil {
		v.IsStaff = u.IsStaff() && u.TwoFactor() && !v.IsOwner
	}
	v.Report = verifier.Verify(r.Context(), c.Document, s.verifierFetch, s.now())
	s.checkRecord(r.Context(), v.Report, s.judgeIssuer(r.Context(), v.Report))
	var form url.Values
	if errs != nil {
		form = r.PostForm
	}
	s.render(w, r, status, "credential", page{Title: names.Title, Data: v, Errors: errs, Form: form})
	return nil
}

// credentialVisibility is the holder's choice to list the credential in
// the public registry (public=true), which makes it public, or to take it
// off and keep it private (see board.ListCredential).
func (s *Server) credentialVisibility(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	var list bool
	switch r.PostForm.Get("public") {
	case "true":
		list = true
	case "false":
	default:
		return badInput("public", "say true or false.").WithTitle("Invalid form")
	}
	// Anyone else's credential is not found (board.HeldCredential).
	id := r.PathValue("id")
	p, err := s.board.ListCredential(r.Context(), userFrom(r), id, list)
	if err != nil {
		return err
	}
	var msg string
	switch {
	case !list:
		msg = "The registry no longer shows this credential, and only you and the board can download it. Its certificate still verifies here."
	case p.Listed:
		msg = "The public registry lists you with this credential now."
	default:
		msg = "This credential is public now, but your public profile is hidden, so the registry does not list you: show your profile to be listed."
	}
	redirect(w, r, "/credentials/"+id, msg)
	return nil
}
