package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/verification"
	"github.com/certboard/certboard/verifier"
	"github.com/certboard/certboard/verifier/httpfetch"
)

// verifyRoutes are the public verification page and API: anyone checks a
// credential, from this board or any issuer using did:web or did:key.
func (s *Server) verifyRoutes() {
	s.route("GET /check", Public, s.handle(s.checkPage))
	// The page and the API share one limit.
	limit := s.limiter(verifyLimit)
	s.route("POST /check", Public, limit(s.handle(s.checkPage)))
	s.route("POST /api/v1/verify", Public, limit(s.handle(s.apiVerifyCredential)))
}

// maxCredential bounds a credential given to check: the most the verifier
// reads.
const maxCredential = verifier.MaxSize

// verifierFetch fetches what a verification needs: this board's own DID
// document and status lists are made in-process (no network, always
// current); anything else goes through safeFetch.
func (s *Server) verifierFetch(ctx context.Context, raw string) ([]byte, error) {
	if rest, own := strings.CutPrefix(raw, s.publicBase()+"/"); own {
		// Only the public documents a verifier needs, and never as the
		// signed-in user: a fresh context with no one in it.
		if "/"+rest != s.didPath() && !strings.HasPrefix(rest, "status/") {
			return nil, fmt.Errorf("%s is not a DID document or status list of this board", raw)
		}
		u, err := url.Parse(raw)
		if err != nil {
			return nil, err
		}
		fresh, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		body, status := s.ownDocument(fresh, strings.TrimPrefix(u.EscapedPath(), s.mount.Prefix()))
		if status != http.StatusOK {
			return nil, fmt.Errorf("%s answered %d", raw, status)
		}
		return body, nil
	}
	if s.fetchElsewhere != nil {
		return s.fetchElsewhere(ctx, raw)
	}
	return safeFetch(ctx, raw)
}

// ownDocument makes the document the board serves at path p (escaped,
// from the server's root, without the mount's prefix) to
// a GET with no headers: its DID document or a status list in the JSON
// form, with 200, the same bytes as its routes answer. For any other path,
// or when the document cannot be made, it gives the status the board
// answers with instead: a redirect for a path not in canonical form, 404,
// 503 before the first signing key, 500 (logged) on other errors.
func (s *Server) ownDocument(ctx context.Context, p string) ([]byte, int) {
	if p != canonicalPath(p) {
		return nil, http.StatusTemporaryRedirect
	}
	var body []byte
	var err error
	if p == s.didPath() {
		body, err = s.didDocumentJSON(ctx)
	} else if name, ok := strings.CutPrefix(p, "/status/"); ok && name != "" && !strings.Contains(name, "/") {
		if name, err = url.PathUnescape(name); err != nil {
			return nil, http.StatusNotFound
		}
		body, err = s.statusListBytes(ctx, name, false)
	} else {
		return nil, http.StatusNotFound
	}
	switch {
	case err == nil:
		return body, http.StatusOK
	case errors.Is(err, errNoStatusList):
		return nil, http.StatusNotFound
	case errors.Is(err, errNoSigningKey):
		return nil, http.StatusServiceUnavailable
	}
	s.cfg.Log.Error("internal error", "error", err)
	return nil, http.StatusInternalServerError
}

// canonicalPath is the path p (starting with a slash) without . and ..
// elements or doubled slashes, keeping a trailing slash: where the router
// redirects p to.
func canonicalPath(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// errForbiddenAddress refuses fetches aimed at this machine or a private
// network: a public verification endpoint must not become a way to reach
// them (server-side request forgery).
var errForbiddenAddress = httpfetch.ErrForbiddenAddress

// maxFetches bounds the documents one verification may fetch, so that a
// credential listing many status entries cannot make the board fetch
// without end.
const maxFetches = 8

// limitedFetch is fetch allowing at most maxFetches calls.
func limitedFetch(fetch verifier.Fetch) verifier.Fetch { return httpfetch.Limit(fetch, maxFetches) }

// safeFetch fetches a public https URL with a timeout and a size limit
// (httpfetch.Public).
func safeFetch(ctx context.Context, raw string) ([]byte, error) { return httpfetch.Public(ctx, raw) }

// checkView is the verification page.
type checkView struct {
	Input  string
	Report *verifier.Report
	// Issuer is who issued the credential, as far as the board can tell.
	Issuer verifier.Issuer
	// Holder is the holder's name as the credential states it.
	Holder string
	// Record is what the board's own records say, when it issued the
	// credential.
	Record *boardRecord
	// Trusted is the board's trust list (the board itself first), shown
	// so that anyone sees whom "on this board's trust list" means.
	Trusted []trustedName
}

// trustedName is one entry of the trust list as the public sees it: no
// admin's note.
type trustedName struct{ DID, Name string }

// verdictOf sums a verification up for a member of the public: invalid or
// could_not_check as the checks say; valid only when every check passed
// and the issuer is this board or on its trust list; unknown_issuer when
// every check passed for an issuer the board does not know, which says
// nothing about who that issuer is.
func verdictOf(rep *verifier.Report, is verifier.Issuer) string {
	switch status := rep.Status(); {
	case status != "valid":
		return status
	case is.Trusted:
		return "valid"
	}
	return "unknown_issuer"
}

// Verdict is the result's badge (see verdictOf), in words.
func (v checkView) Verdict() string {
	return strings.ReplaceAll(verdictOf(v.Report, v.Issuer), "_", " ")
}

// VerdictClass is the badge's style for Verdict.
func (v checkView) VerdictClass() string {
	switch v.Verdict() {
	case "valid":
		return "met"
	case "invalid":
		return "unmet"
	case "unknown issuer":
		return "unknown_issuer"
	}
	return "pending"
}

// Summary says the verdict in a sentence.
func (v checkView) Summary() string {
	is := v.Issuer
	switch v.Verdict() {
	case "valid":
		if is.IssuedByThisBoard {
			return "Issued by " + is.Name + ", this board, and every check passed."
		}
		return "Issued by " + is.Name + ", on this board's trust list (not by this board), and every check passed."
	case "unknown issuer":
		return "The signature is valid, but this board does not know its signer, " + is.ID +
			": it is neither this board nor on its trust list. The checks show only that whoever controls that DID signed the credential and that it was not altered since, not who that is."
	case "invalid":
		return "At least one check failed: do not rely on this credential as it stands."
	}
	return "A check could not be made just now (see below); nothing was found against the credential, but it is not confirmed either."
}

// CheckRecord is the name of the check of a credential against the board's
// own records, made when this board issued it.
const CheckRecord = "board_record"

// CheckIssuerTrust is the name of a check added only when the board's
// keys or trust list cannot be read: who issued the credential could not
// be judged just now.
const CheckIssuerTrust = "issuer_trust"

// boardRecord is what this board's records say of a credential it issued.
type boardRecord struct {
	// ID is the credential's id (its UUID).
	ID string `json:"id"`
	// Standing is revoked, suspended, superseded, expired or active.
	Standing string `json:"standing"`
	// Detail says it in a sentence.
	Detail string `json:"detail"`
	// SupersededBy is the URL of the credential a renewal issued in its
	// place.
	SupersededBy string `json:"superseded_by,omitempty"`
	// successor is SupersededBy's id, for the page's link.
	successor string
}

// Successor is the id of the credential that superseded this one.
func (b *boardRecord) Successor() string { return b.successor }

// issuerKnowledge is what the board knows to judge who issued a
// credential: itself (its DID, its name and every key its DID document
// publishes, current and retired) and its trust list.
func (s *Server) issuerKnowledge(ctx context.Context) (*verifier.Board, verifier.TrustList, error) {
	id, err := s.boardDID()
	if err != nil {
		return nil, nil, err
	}
	keys, err := s.board.SigningKeys(ctx)
	if err != nil {
		return nil, nil, err
	}
	board := &verifier.Board{DID: id, Name: s.boardName(ctx)}
	for _, k := range keys {
		board.Keys = append(board.Keys, did.NamedKey{ID: k.ID, Public: k.Public})
	}
	list, err := s.board.TrustList(ctx)
	if err != nil {
		return nil, nil, err
	}
	trust := verifier.TrustList{}
	for _, t := range list {
		trust[t.DID] = t.Name
	}
	return board, trust, nil
}

// judgeIssuer says who issued a verified credential (see
// verifier.Report.Issuer). When the board's keys or trust list cannot be
// read, it adds a could-not-check check and trusts no one.
func (s *Server) judgeIssuer(ctx context.Context, rep *verifier.Report) verifier.Issuer {
	board, trust, err := s.issuerKnowledge(ctx)
	if err != nil {
		s.cfg.Log.Warn("reading the board's keys and trust list", "error", err)
		rep.Checks = append(rep.Checks, verification.Check{Name: CheckIssuerTrust, Outcome: verification.CouldNotCheck,
			Detail: "the board's keys and trust list could not be read just now, so who issued the credential is not known; try again later"})
		return rep.Issuer(nil, nil)
	}
	return rep.Issuer(board, trust)
}

// verifyCredential verifies a credential as the page and the API do: the
// checks, who issued it, and the board's records when the board did.
func (s *Server) verifyCredential(ctx context.Context, data []byte) (*verifier.Report, verifier.Issuer, *boardRecord) {
	rep := verifier.Verify(ctx, data, limitedFetch(s.verifierFetch), s.now())
	is := s.judgeIssuer(ctx, rep)
	return rep, is, s.checkRecord(ctx, rep, is)
}

// checkRecord adds to a report what the board's own records say of a
// credential the board issued (its proof verified with one of the board's
// own keys, see judgeIssuer) with an id under its /credentials/: a
// credential superseded by a renewal, expired, suspended or revoked is
// invalid, and says so; a record that cannot be read is "could not check";
// one the board signed but has no record of is invalid. Any other
// credential, whatever issuer and id it claims, gets nothing of the
// board's records.
func (s *Server) checkRecord(ctx context.Context, rep *verifier.Report, is verifier.Issuer) *boardRecord {
	if !is.IssuedByThisBoard || rep.Credential == nil {
		return nil
	}
	id, ours := strings.CutPrefix(rep.ID(), s.publicBase()+"/credentials/")
	if !ours || id == "" || strings.Contains(id, "/") {
		return nil
	}
	check := verification.Check{Name: CheckRecord}
	c, err := s.board.CredentialRecord(ctx, id)
	switch {
	case errors.Is(err, certboard.ErrNotFound):
		check.Outcome, check.Detail = verification.Invalid, "this board has no record of issuing "+rep.ID()
		rep.Checks = append(rep.Checks, check)
		return nil
	case err != nil:
		s.cfg.Log.Warn("reading a credential's record", "id", id, "error", err)
		check.Outcome, check.Detail = verification.CouldNotCheck, "the board's records could not be read just now; try again later"
		rep.Checks = append(rep.Checks, check)
		return nil
	}
	rec := &boardRecord{ID: c.ID}
	rec.Standing, rec.Detail = s.standing(c)
	if c.SupersededBy != "" {
		rec.successor = c.SupersededBy
		rec.SupersededBy = s.publicBase() + "/credentials/" + c.SupersededBy
	}
	if rec.Standing == "superseded" {
		// A superseded credential's revocation bit is set (see
		// boardsql.Store.SetStatusBits); the status check says why.
		for i, c := range rep.Checks {
			if c.Name == verifier.CheckStatus && c.Outcome == verification.Invalid {
				rep.Checks[i].Detail = "the issuer's revocation list marks it no longer current: a renewal superseded it"
			}
		}
	}
	check.Outcome, check.Detail = verification.Invalid, "the board's records: "+rec.Detail
	if rec.Standing == "active" {
		check.Outcome = verification.Valid
	}
	rep.Checks = append(rep.Checks, check)
	return rec
}

// trustedNames is the trust list as the public sees it: the board first,
// then the list; nil when it cannot be read (the page then just omits it).
func (s *Server) trustedNames(ctx context.Context) []trustedName {
	board, err := s.boardDID()
	if err != nil {
		return nil
	}
	list, err := s.board.TrustList(ctx)
	if err != nil {
		s.cfg.Log.Warn("reading the trust list", "error", err)
		return nil
	}
	out := []trustedName{{DID: board, Name: s.boardName(ctx) + " (this board)"}}
	for _, t := range list {
		out = append(out, trustedName{DID: t.DID, Name: t.Name})
	}
	return out
}

// issuerJSON is the issuer as the verify API answers it: name only from
// the board itself or its trust list, claimed_name labelled as the
// credential's own claim.
func issuerJSON(is verifier.Issuer) map[string]any {
	return map[string]any{"id": is.ID, "trusted": is.Trusted, "name": nullable(is.Name), "claimed_name": nullable(is.ClaimedName),
		"issued_by_this_board": is.IssuedByThisBoard, "verification_method": nullable(is.VerificationMethod)}
}

// nullable is s, or nil (JSON null) when s is empty.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkPage shows the verification form, and its result when a credential
// was posted (pasted, or uploaded as a file).
func (s *Server) checkPage(w http.ResponseWriter, r *http.Request) error {
	v := checkView{}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxCredential+4096)
		if err := r.ParseMultipartForm(maxCredential); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			s.render(w, r, http.StatusRequestEntityTooLarge, "check", page{Title: "Verify a credential",
				Errors: map[string]string{"": "The credential could not be read (at most 1 MiB): " + err.Error()}, Data: v})
			return nil
		}
		data := []byte(strings.TrimSpace(r.FormValue("credential")))
		if f, _, err := r.FormFile("file"); err == nil {
			// One byte over the limit, for CheckBounds to refuse naming it.
			data, err = io.ReadAll(io.LimitReader(f, maxCredential+1))
			f.Close()
			if err != nil {
				return err
			}
		}
		if len(data) == 0 {
			s.render(w, r, http.StatusUnprocessableEntity, "check", page{Title: "Verify a credential",
				Errors: map[string]string{"credential": "Paste a credential (JSON or JWT) or choose its file."}, Data: v})
			return nil
		}
		if err := verifier.CheckBounds(data); err != nil {
			s.render(w, r, limitStatus(overLimit(err)), "check", page{Title: "Verify a credential",
				Errors: map[string]string{"credential": "Not checked: " + err.Error() + "."}, Data: v})
			return nil
		}
		v.Input = string(data)
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		v.Report, v.Issuer, v.Record = s.verifyCredential(ctx, data)
		v.Holder = v.Report.HolderName()
	}
	v.Trusted = s.trustedNames(r.Context())
	s.render(w, r, http.StatusOK, "check", page{Title: "Verify a credential", Data: v})
	return nil
}

// apiVerifyCredential verifies a credential sent as the body (JSON, or a
// VC-JWT as text) and answers the report; 200 whatever the verdict.
func (s *Server) apiVerifyCredential(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCredential))
	if err != nil {
		le := jsonlimit.SizeError(maxCredential)
		refuseOverLimit(w, le, "the credential is "+le.Error())
		return nil
	}
	if err := verifier.CheckBounds(data); err != nil {
		refuseOverLimit(w, overLimit(err), err.Error())
		return nil
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return &certboard.Error{Code: certboard.Malformed, Title: "No credential", Message: "Send the credential as the body: its JSON, or the VC-JWT as text."}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	rep, is, rec := s.verifyCredential(ctx, data)
	out := map[string]any{"status": rep.Status(), "verdict": verdictOf(rep, is), "format": rep.Format, "checks": rep.Checks,
		"issuer": issuerJSON(is), "holder": map[string]string{"name": rep.HolderName()}}
	if rec != nil {
		out["record"] = rec
	}
	writeJSON(w, out)
	return nil
}
