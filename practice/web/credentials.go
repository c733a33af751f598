package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/verifier/httpfetch"
	"github.com/certboard/certboard/web/account"
)

// The scope of practice's pages: a practitioner's credentials (attach,
// check again, remove, and the scope they give, with why), the
// practice's trust list and the admins' overview of every practitioner's
// scope with the cases flagged for review.

// credentialLimit bounds attaching and checking credentials again, which
// fetch the issuer's documents over the network: a practitioner needs a
// few, a loop is stopped.
var credentialLimit = limitRule{"attaching or checking credentials", 10, 100, 10 * time.Minute}

// maxCredentialForm is the largest form attaching a credential: the
// credential, pasted or as a file, and the form's framing.
const maxCredentialForm = practice.MaxCredentialSize + 64<<10

// credentialRoutes registers the credentials pages and the part of the
// home page that says what needs doing about them. The practice verifies
// credentials through httpfetch.Public (public https addresses only)
// unless told otherwise (TrustLocalOrigins). New calls it.
func (s *Server) credentialRoutes() {
	s.practice.UseFetch(httpfetch.Public)
	limit := s.limiter(credentialLimit)
	s.route("GET /credentials", Practitioner, s.handle(s.credentialsPage))
	s.route("POST /credentials", Practitioner, limit(s.handle(s.attachCredential)))
	s.route("POST /credentials/{id}/check", Practitioner, limit(s.handle(s.recheckCredential)))
	s.route("POST /credentials/{id}/remove", Practitioner, s.handle(s.detachCredential))
	s.route("GET /admin/trust-list", PracticeAdmin, s.handle(s.trustListPage))
	s.route("POST /admin/trust-list", PracticeAdmin, s.handle(s.addTrustedIssuer))
	s.route("POST /admin/trust-list/remove", PracticeAdmin, s.handle(s.removeTrustedIssuer))
	s.route("POST /admin/trust-list/types", PracticeAdmin, s.handle(s.setIssuerTypes))
	s.route("GET "+practice.ScopePath, PracticeAdmin, s.handle(s.scopePage))
	s.route("POST "+practice.ScopePath+"/flags/{id}/resolve", PracticeAdmin, s.handle(s.resolveScopeFlag))
	s.homeParts = append(s.homeParts, s.credentialsHome)
}

// TrustLocalOrigins lets the practice fetch an issuer's documents from
// the origins given ("http://localhost:8080") although they are on this
// machine or a private network: the demo board beside the demo practice.
// Every other address is fetched as httpfetch.Public fetches it.
func (s *Server) TrustLocalOrigins(origins ...string) error {
	f, err := httpfetch.Origins(origins...)
	if err != nil {
		return err
	}
	s.practice.UseFetch(f)
	return nil
}

// checkCredentials checks again every credential due (see
// practice.Practice.ReverifyDue), logging what it could not do. RunJobs
// calls it.
func (s *Server) checkCredentials(ctx context.Context) {
	r, err := s.practice.ReverifyDue(ctx)
	if err != nil && ctx.Err() == nil {
		s.cfg.Log.Error("checking credentials again", "err", err)
	}
	if r.Checked > 0 {
		s.cfg.Log.Info("checked credentials again", "checked", r.Checked, "could_not_check", r.Unavailable, "scopes_lost", r.Lost)
	}
}

// CredentialsView is a practitioner's credentials page.
type CredentialsView struct {
	// Whose names the practitioner; Own says they are looking at their own.
	Whose string
	Own   bool
	// Stages are the PLISSIT stages, each with whether the practitioner
	// may work it and why.
	Stages []StageLine
	// Baseline is what every practitioner may work, in a sentence.
	Baseline string
	// Credentials are the attached credentials, oldest first.
	Credentials []CredentialLine
	// Trusted are the issuers whose credentials count, each with the
	// kinds of credential it is trusted for.
	Trusted []TrustedIssuerLine
	// MaxKiB is the largest credential accepted.
	MaxKiB int
}

// StageLine is one PLISSIT stage and whether the practitioner may work it.
type StageLine struct {
	Name    string
	Allowed bool
	Why     string
}

// CredentialLine is one attached credential as the page shows it.
type CredentialLine struct {
	ID      int64
	Version int
	// Name is what it awards; Issuer who issued it, as the practice names
	// them.
	Name, Issuer string
	// Status is its standing when last checked ("active", "suspended"...)
	// and Current whether it counts now; Reason says what it allows or
	// why it allows nothing.
	Status  string
	Current bool
	Reason  string
	// ValidUntil is its last day ("" for no end); Checked and Next when
	// it was checked and is checked next; Failing why the last attempts
	// could not check it ("" when they did).
	ValidUntil, Checked, Next, Failing string
	Format                             string
}

// StatusWords is the standing in words.
func (c CredentialLine) StatusWords() string {
	switch c.Status {
	case string(practice.NoLongerVerifies):
		return "no longer verifies"
	case string(scope.Active):
		if c.Current {
			return "current"
		}
		return "not current"
	}
	return c.Status
}

// credentialsView builds the credentials page of practitioner id as by
// sees it.
func (s *Server) credentialsView(ctx context.Context, by practice.Actor, id int64) (*CredentialsView, error) {
	ps, err := s.practice.Credentials(ctx, by, id)
	if err != nil {
		return nil, err
	}
	trusted, err := s.practice.TrustedIssuers(ctx, by)
	if err != nil && certboard.ErrorCode(err) != certboard.Forbidden {
		return nil, err
	}
	v := &CredentialsView{Whose: ps.Practitioner.Name, Own: by.UserID == id, Baseline: ps.Map.Baseline.Says, Trusted: trustLines(ps.Map, trusted),
		MaxKiB: practice.MaxCredentialSize >> 10}
	for _, st := range scope.Stages() {
		ok, why := ps.Scope.Permits(st)
		v.Stages = append(v.Stages, StageLine{Name: st.Name(), Allowed: ok, Why: why})
	}
	for i, c := range ps.Credentials {
		st := ps.Scope.Standings[i]
		line := CredentialLine{ID: c.ID, Version: c.Version, Name: c.Verified.Achievement.Name, Issuer: st.Credential.IssuerLabel(),
			Status: string(st.Credential.Status), Current: st.Current, Reason: st.Reason, Format: formatWords(c.Verified.Format),
			Checked: c.Verified.CheckedAt.UTC().Format(time.DateOnly), Next: c.DueAt.UTC().Format("2006-01-02 15:04 UTC"), Failing: c.LastError}
		if st.Type != nil {
			line.Name = st.Type.Name
		}
		if line.Name == "" {
			line.Name = "Unnamed credential"
		}
		if !c.Verified.ValidUntil.IsZero() {
			line.ValidUntil = c.Verified.ValidUntil.Add(-time.Nanosecond).UTC().Format(time.DateOnly)
		}
		v.Credentials = append(v.Credentials, line)
	}
	return v, nil
}

// formatWords names a proof format.
func formatWords(f string) string {
	switch f {
	case "vc-jwt":
		return "VC-JWT"
	case "data-integrity":
		return "JSON with a Data Integrity proof"
	}
	return f
}

// renderCredentials draws a practitioner's own credentials page.
func (s *Server) renderCredentials(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, form url.Values) error {
	by := actor(r)
	v, err := s.credentialsView(r.Context(), by, by.UserID)
	if err != nil {
		return err
	}
	s.render(w, r, status, "credentials", page{Title: "Your credentials", Data: v, Errors: errs, Form: form})
	return nil
}

func (s *Server) credentialsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCredentials(w, r, http.StatusOK, nil, nil)
}

// attachCredential attaches the credential of the form: pasted into the
// field credential, or uploaded as the file file (multipart). A refusal
// shows the page again with the verifier's reason.
func (s *Server) attachCredential(w http.ResponseWriter, r *http.Request) error {
	raw, err := readCredential(w, r)
	var c *practice.Credential
	if err == nil {
		c, err = s.practice.AttachCredential(r.Context(), actor(r), raw)
	}
	if e := refusal(err); e != nil && (e.Field == "credential" || e.Code == certboard.Unavailable) {
		msg := plain(e)
		if e.Code == certboard.Unavailable {
			msg = strings.TrimPrefix(e.Message, "credential: ")
		}
		form := url.Values{}
		if len(raw) <= 64<<10 {
			form.Set("credential", string(raw))
		}
		return s.renderCredentials(w, r, e.Answer().Status, map[string]string{"credential": account.Sentence(msg)}, form)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/credentials", fmt.Sprintf("Attached your %s credential from %s. It was verified just now and is checked again every day.",
		c.Verified.Achievement.Name, c.Verified.IssuerLabel()))
	return nil
}

// readCredential reads the credential of an attach form: the uploaded
// file when there is one, else the pasted text. Over the limit is
// TooLarge; both given is Invalid.
func readCredential(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxCredentialForm)
	tooLarge := certboard.FieldError(certboard.TooLarge, "credential",
		fmt.Sprintf("the credential is larger than the %d KiB a credential may have; attach the file its issuer sent", practice.MaxCredentialSize>>10))
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		if err := form(w, r); err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, tooLarge
			}
			return nil, err
		}
		return []byte(r.PostForm.Get("credential")), nil
	}
	if err := r.ParseMultipartForm(maxCredentialForm); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, tooLarge
		}
		return nil, &certboard.Error{Code: certboard.Malformed, Title: "The form could not be read", Message: "Send the form again.", Err: err}
	}
	defer r.MultipartForm.RemoveAll()
	pasted := strings.TrimSpace(r.PostForm.Get("credential"))
	f, hdr, err := r.FormFile("file")
	if err != nil || hdr.Size == 0 {
		return []byte(pasted), nil
	}
	defer f.Close()
	if pasted != "" {
		return nil, certboard.FieldError(certboard.Invalid, "credential", "give the credential once: paste it or choose its file, not both")
	}
	data, err := io.ReadAll(io.LimitReader(f, practice.MaxCredentialSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > practice.MaxCredentialSize {
		return nil, tooLarge
	}
	return data, nil
}

// recheckCredential checks one of the practitioner's credentials again
// now.
func (s *Server) recheckCredential(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "credential")
	if err != nil {
		return err
	}
	c, err := s.practice.RecheckCredential(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	msg := "Checked your credential again: it is " + strings.ReplaceAll(string(c.Verified.Status), "_", " ") + "."
	if c.LastError != "" {
		msg = "!It could not be checked now: " + strings.TrimPrefix(c.LastError, "credential: ") + " The last check still stands."
	}
	redirect(w, r, "/credentials", msg)
	return nil
}

// detachCredential removes one of the practitioner's credentials, at the
// version the page showed.
func (s *Server) detachCredential(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "credential")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err = s.practice.DetachCredential(r.Context(), actor(r), id, version)
	if e := refusal(err); e != nil && e.Code != certboard.NotFound {
		redirect(w, r, "/credentials", "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/credentials", "Removed the credential. It no longer counts toward what you may deliver.")
	return nil
}

// credentialsHome says on the home page what needs doing about the
// credentials: for a practitioner, a credential that stopped counting;
// for an admin, the cases flagged for review.
func (s *Server) credentialsHome(ctx context.Context, u *auth.User, v *HomeView) error {
	by := practice.ActorOf(u)
	if v.Practitioner {
		ps, err := s.practice.Credentials(ctx, by, u.ID)
		if err != nil {
			return err
		}
		for _, st := range ps.Scope.Standings {
			if !st.Current {
				v.Flags = append(v.Flags, HomeItem{Text: "A credential of yours does not count", Href: "/credentials", Note: st.Reason})
			}
		}
	}
	if v.Admin {
		flags, err := s.practice.ScopeFlags(ctx, by, true)
		if err != nil {
			return err
		}
		if n := len(flags); n > 0 {
			text := fmt.Sprintf("%d cases to review after a practitioner's scope changed", n)
			if n == 1 {
				text = "1 case to review after a practitioner's scope changed"
			}
			v.Flags = append(v.Flags, HomeItem{Text: text, Href: practice.ScopePath})
		}
	}
	return nil
}

// TrustListView is the admins' page of the trust list.
type TrustListView struct {
	Issuers []TrustedIssuerLine
	// Types are the kinds of credential an issuer may be trusted for: the
	// scope map's types, in its order.
	Types []TypeChoice
}

// TrustedIssuerLine is one entry of the trust list as the page shows it.
type TrustedIssuerLine struct {
	practice.TrustedIssuer
	// TypeNames name the kinds of credential it is trusted for.
	TypeNames []string
}

// trustLines are trust list entries as the pages show them.
func trustLines(m *scope.Map, list []practice.TrustedIssuer) []TrustedIssuerLine {
	var out []TrustedIssuerLine
	for _, e := range list {
		line := TrustedIssuerLine{TrustedIssuer: e}
		for _, id := range e.Types {
			if t := m.Type(id); t != nil {
				line.TypeNames = append(line.TypeNames, t.Name)
			}
		}
		out = append(out, line)
	}
	return out
}

// Trusts reports whether the entry is trusted for the type with id id.
func (l TrustedIssuerLine) Trusts(id string) bool { return slices.Contains(l.Types, id) }

// TypeChoice is a kind of credential an issuer may be trusted for.
type TypeChoice struct {
	ID, Name string
	// IT reports that a current credential of the type allows Intensive
	// Therapy.
	IT bool
}

func (s *Server) renderTrustList(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, form url.Values) error {
	list, err := s.practice.TrustedIssuers(r.Context(), actor(r))
	if err != nil {
		return err
	}
	m, err := practice.ScopeMap()
	if err != nil {
		return err
	}
	v := TrustListView{}
	for _, t := range m.Types {
		v.Types = append(v.Types, TypeChoice{ID: t.ID, Name: t.Name, IT: t.Allows(scope.IntensiveTherapy)})
	}
	v.Issuers = trustLines(m, list)
	s.render(w, r, status, "credentials_trust", page{Title: "Trust list", Data: v, Errors: errs, Form: form})
	return nil
}

func (s *Server) trustListPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderTrustList(w, r, http.StatusOK, nil, nil)
}

// addTrustedIssuer adds the issuer of the form, with the kinds of
// credential ticked; a refusal shows the form again with what to fix.
func (s *Server) addTrustedIssuer(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	t := practice.TrustedIssuer{DID: r.PostForm.Get("did"), Name: r.PostForm.Get("name"), Types: r.PostForm["types"]}
	err := s.practice.AddTrustedIssuer(r.Context(), actor(r), t)
	if e := refusal(err); e != nil && e.Code != certboard.Forbidden {
		return s.renderTrustList(w, r, e.Answer().Status, clientFields(e), url.Values{"did": {t.DID}, "name": {t.Name}, "types": t.Types})
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/trust-list", fmt.Sprintf("Added %s to the trust list. Its credentials of the kinds you ticked count from now on.", strings.TrimSpace(t.Name)))
	return nil
}

// setIssuerTypes changes the kinds of credential the issuer whose DID the
// form names is trusted for.
func (s *Server) setIssuerTypes(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	e, err := s.practice.SetIssuerTypes(r.Context(), actor(r), r.PostForm.Get("did"), r.PostForm["types"])
	if ref := refusal(err); ref != nil && ref.Code != certboard.Forbidden {
		redirect(w, r, "/admin/trust-list", "!"+account.Sentence(plain(ref)))
		return nil
	}
	if err != nil {
		return err
	}
	m, err := practice.ScopeMap()
	if err != nil {
		return err
	}
	var names []string
	for _, id := range e.Types {
		if t := m.Type(id); t != nil {
			names = append(names, t.Name)
		}
	}
	redirect(w, r, "/admin/trust-list", fmt.Sprintf("%s is trusted for %s. The change counts at once; practitioners who lose Intensive Therapy by it have their open Intensive Therapy cases flagged.",
		e.Name, strings.Join(names, "; ")))
	return nil
}

// removeTrustedIssuer removes the issuer whose DID the form names.
func (s *Server) removeTrustedIssuer(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	removed, err := s.practice.RemoveTrustedIssuer(r.Context(), actor(r), r.PostForm.Get("did"))
	if e := refusal(err); e != nil && e.Code != certboard.Forbidden {
		redirect(w, r, "/admin/trust-list", "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/trust-list", fmt.Sprintf("Removed %s from the trust list. Its credentials no longer count; practitioners who lost Intensive Therapy by it have their open Intensive Therapy cases flagged.", removed.Name))
	return nil
}

// ScopeView is the admins' overview of the practice's scope of practice.
type ScopeView struct {
	// Open are the flags waiting for review; Reviewed the latest
	// reviewed.
	Open, Reviewed []FlagLine
	// Practitioners are every practitioner's scope.
	Practitioners []PractitionerScopeLine
}

// FlagLine is one flag as the page shows it.
type FlagLine struct {
	ID, CaseID                       int64
	Practitioner, Reason, Raised     string
	ResolvedBy, Resolved, Resolution string
}

// PractitionerScopeLine is one practitioner's scope: whether they may
// deliver Intensive Therapy and by which credential (Why), and their
// credentials, each with its standing.
type PractitionerScopeLine struct {
	Name        string
	IT          bool
	Why         string
	Credentials []CredentialLine
}

// maxReviewed is how many reviewed flags the overview shows.
const maxReviewed = 20

func (s *Server) renderScope(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	ctx, by := r.Context(), actor(r)
	flags, err := s.practice.ScopeFlags(ctx, by, false)
	if err != nil {
		return err
	}
	v := ScopeView{}
	for _, f := range flags {
		line := FlagLine{ID: f.ID, CaseID: f.CaseID, Practitioner: f.PractitionerName, Reason: f.Reason,
			Raised: f.RaisedAt.UTC().Format(time.DateOnly)}
		if f.Open() {
			v.Open = append(v.Open, line)
		} else if len(v.Reviewed) < maxReviewed {
			line.ResolvedBy, line.Resolved, line.Resolution = f.ResolvedByName, f.ResolvedAt.UTC().Format(time.DateOnly), f.Resolution
			v.Reviewed = append(v.Reviewed, line)
		}
	}
	members, err := s.practice.Practitioners(ctx, by)
	if err != nil {
		return err
	}
	for _, m := range members {
		cv, err := s.credentialsView(ctx, by, m.ID)
		if err != nil {
			return err
		}
		line := PractitionerScopeLine{Name: m.Name, Credentials: cv.Credentials}
		if i := slices.IndexFunc(cv.Stages, func(l StageLine) bool { return l.Name == scope.IntensiveTherapy.Name() }); i >= 0 && cv.Stages[i].Allowed {
			line.IT, line.Why = true, cv.Stages[i].Why
		}
		v.Practitioners = append(v.Practitioners, line)
	}
	s.render(w, r, status, "credentials_scope", page{Title: "Scope of practice", Data: v, Errors: errs})
	return nil
}

func (s *Server) scopePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderScope(w, r, http.StatusOK, nil)
}

// resolveScopeFlag records the review of a flagged case.
func (s *Server) resolveScopeFlag(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "flag")
	if err != nil {
		return err
	}
	err = s.practice.ResolveScopeFlag(r.Context(), actor(r), id, r.PostForm.Get("resolution"))
	if e := refusal(err); e != nil && e.Field == "resolution" {
		return s.renderScope(w, r, e.Answer().Status, map[string]string{"resolution-" + strconv.FormatInt(id, 10): account.Sentence(plain(e))})
	}
	if e := refusal(err); e != nil && e.Code == certboard.Conflict {
		redirect(w, r, practice.ScopePath, "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, practice.ScopePath, "Recorded the review. The case is no longer flagged.")
	return nil
}
