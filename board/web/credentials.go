package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/notify"
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

// statusPast is the past tense of each staff status action.
var statusPast = map[string]string{"revoke": "revoked", "suspend": "suspended", "reinstate": "reinstated"}

// changeCredentialStatus is staff's revoke (final), suspend or reinstate of
// credential id, with a reason the holder reads, for the page and the API
// alike: checked, then in one transaction the new status, the audit entry
// and the mail to the holder. The published status lists show it at once.
// A refusal is a *certboard.Error; it returns the credential as it now is.
func (s *Server) changeCredentialStatus(ctx context.Context, u *boardsql.User, id, action, reason string) (*boardsql.IssuedCredential, error) {
	c, err := s.cfg.Store.Credential(ctx, id)
	if errors.Is(err, boardsql.ErrNotFound) {
		return nil, notFound("Credential not found", "No credential has this id.")
	}
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	past := statusPast[action]
	switch {
	case past == "":
		return nil, invalidInput("action", fmt.Sprintf("%q is not an action; choose revoke, suspend or reinstate.", action)).WithTitle("Invalid action")
	case action != "reinstate" && reason == "":
		return nil, invalidInput("reason", "say why; the holder reads it.").WithTitle("A reason is needed")
	case len(reason) > 2000:
		return nil, invalidInput("reason", "write at most 2000 characters.").WithTitle("Reason too long")
	case c.HolderID == u.ID:
		return nil, &certboard.Error{Code: certboard.Forbidden, Title: "Not your decision", Message: "Staff do not decide on their own credentials."}
	}
	holder, err := s.cfg.Store.UserByID(ctx, c.HolderID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		// Decided on the credential as it is now, locked, so that the
		// audit entry and a refusal describe what was really there.
		cur, err := tx.CredentialForUpdate(ctx, c.ID)
		if err != nil {
			return err
		}
		c = cur
		if err := tx.SetCredentialStatus(ctx, c.ID, action, reason, now); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "credential." + action,
			Subject: "credential/" + c.ID, Before: c.Status(), After: past}); err != nil {
			return err
		}
		return queueMail(ctx, tx, holder.Email, notify.CredentialStatusChanged{Name: holder.Name, Set: c.SetID,
			Link: s.publicBase() + "/credentials/" + c.ID, Past: past, Reason: reason}, now)
	})
	if errors.Is(err, boardsql.ErrConflict) {
		final := ""
		if c.Status() == "revoked" {
			final = " Revocation is final."
		}
		return nil, conflict("Not possible now", fmt.Sprintf("The credential is %s; it cannot be %s.%s", c.Status(), past, final))
	}
	if err != nil {
		return nil, err
	}
	return s.cfg.Store.Credential(ctx, c.ID)
}

// credentialStatus is the staff page's status form (see
// changeCredentialStatus).
func (s *Server) credentialStatus(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	action := r.PostForm.Get("action")
	c, err := s.changeCredentialStatus(r.Context(), userFrom(r), r.PathValue("id"), action, r.PostForm.Get("reason"))
	if se := refusal(err); se != nil {
		s.answerError(w, r, se)
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	redirect(w, r, "/credentials/"+c.ID, "Credential "+statusPast[action]+"; the published status list shows it now.")
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
// in, the credential's new status out (see changeCredentialStatus).
func (s *Server) apiCredentialStatus(w http.ResponseWriter, r *http.Request) {
	var req credentialStatusRequest
	if !decodeBody(w, r, &req, `action ("revoke", "suspend" or "reinstate") and reason`, 16<<10) {
		return
	}
	if req.Action == "" {
		problem(w, http.StatusUnprocessableEntity, "Invalid action", "action: missing; choose revoke, suspend or reinstate.")
		return
	}
	c, err := s.changeCredentialStatus(r.Context(), userFrom(r), r.PathValue("id"), req.Action, req.Reason)
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
func (s *Server) statusAnswer(c *boardsql.IssuedCredential) credentialStatusAnswer {
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
func (s *Server) standing(c *boardsql.IssuedCredential) (string, string) {
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
func (s *Server) visibleCredential(w http.ResponseWriter, r *http.Request) (*boardsql.IssuedCredential, bool) {
	c, err := s.cfg.Store.Credential(r.Context(), r.PathValue("id"))
	if err != nil && !errors.Is(err, boardsql.ErrNotFound) {
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
	C *boardsql.IssuedCredential
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
	c, err := s.cfg.Store.Credential(r.Context(), r.PathValue("id"))
	u := userFrom(r)
	if errors.Is(err, boardsql.ErrNotFound) || (err == nil && c.HolderID != u.ID) {
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
	err = s.inTx(r.Context(), func(tx *boardsql.Tx) error {
		if err := tx.SetCredentialPublic(r.Context(), c.ID, public); err != nil {
			return err
		}
		// The registry's search words name the holder's public credentials.
		if err := s.reindexListing(r.Context(), tx, c.HolderID); err != nil {
			return err
		}
		_, err := tx.AppendAudit(r.Context(), audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "credential.visibility",
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
