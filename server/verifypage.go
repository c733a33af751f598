package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/store"
	"github.com/certboard/certboard/vcjwt"
	"github.com/certboard/certboard/verification"
	"github.com/certboard/certboard/verifier"
)

// verifyRoutes are the public verification page and API: anyone checks a
// credential, from this board or any issuer using did:web or did:key.
func (s *Server) verifyRoutes() {
	s.route("GET /check", Public, http.HandlerFunc(s.checkPage))
	// The page and the API share one limit.
	limit := s.limiter("credential verification", verifyPerMinute)
	s.route("POST /check", Public, limit(http.HandlerFunc(s.checkPage)))
	s.route("POST /api/v1/verify", Public, limit(http.HandlerFunc(s.apiVerifyCredential)))
}

// maxCredential bounds a credential given to check: the most the verifier
// reads.
const maxCredential = verifier.MaxSize

// verifierFetch fetches what a verification needs: this board's own DID
// document and status lists are answered in-process (no network, always
// current); anything else goes through safeFetch.
func (s *Server) verifierFetch(ctx context.Context, raw string) ([]byte, error) {
	if rest, own := strings.CutPrefix(raw, s.publicBase()+"/"); own {
		// Only the public documents a verifier needs, and never as the
		// signed-in user: a fresh request with no one in its context.
		if rest != ".well-known/did.json" && !strings.HasPrefix(rest, "status/") {
			return nil, fmt.Errorf("%s is not a DID document or status list of this board", raw)
		}
		u, err := url.Parse(raw)
		if err != nil {
			return nil, err
		}
		fresh, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req := httptest.NewRequestWithContext(fresh, http.MethodGet, u.RequestURI(), nil)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return nil, fmt.Errorf("%s answered %d", raw, rec.Code)
		}
		return rec.Body.Bytes(), nil
	}
	return safeFetch(ctx, raw)
}

// errForbiddenAddress refuses fetches aimed at this machine or a private
// network: a public verification endpoint must not become a way to reach
// them (server-side request forgery).
var errForbiddenAddress = errors.New("the address is on a private or local network; only public https addresses are fetched")

// publicOnly refuses connections to loopback, private, link-local and
// unspecified addresses, checked on the address actually dialled.
func publicOnly(address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return errForbiddenAddress
	}
	ip := ap.Addr().Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return errForbiddenAddress
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return errForbiddenAddress
		}
	}
	return nil
}

// nonPublic are ranges that global-unicast tests let through but that do
// not reach the public internet, or that embed addresses that may not:
// shared address space (carrier-grade NAT, some clouds' metadata), IETF
// protocol assignments, benchmarking, reserved, NAT64 and 6to4.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("::/96"),         // IPv4-compatible (deprecated) addresses
	netip.MustParsePrefix("2001::/32"),     // Teredo, which embeds an IPv4 address
	netip.MustParsePrefix("2001:db8::/32"), // documentation
	netip.MustParsePrefix("100::/64"),      // discard
}

// maxFetches bounds the documents one verification may fetch, so that a
// credential listing many status entries cannot make the board fetch
// without end.
const maxFetches = 8

// limitedFetch is fetch allowing at most maxFetches calls.
func limitedFetch(fetch verifier.Fetch) verifier.Fetch {
	var n int
	return func(ctx context.Context, raw string) ([]byte, error) {
		n++
		if n > maxFetches {
			return nil, fmt.Errorf("more than %d documents to fetch for one credential", maxFetches)
		}
		return fetch(ctx, raw)
	}
}

var fetchClient = &http.Client{
	Timeout: 10 * time.Second,
	Transport: &http.Transport{
		Proxy: nil,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second,
			Control: func(network, address string, _ syscall.RawConn) error { return publicOnly(address) }}).DialContext,
		TLSHandshakeTimeout: 5 * time.Second,
		MaxIdleConns:        16,
	},
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" || len(via) >= 3 {
			return errors.New("redirected away from https, or too often")
		}
		return nil
	},
}

// safeFetch fetches a public https URL with a timeout and a size limit.
func safeFetch(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%s: only https addresses are fetched", raw)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/did+json, application/vc+ld+json")
	resp, err := fetchClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", raw, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20+1))
	if err != nil {
		return nil, err
	}
	if len(b) > 4<<20 {
		return nil, fmt.Errorf("%s: larger than 4 MiB", raw)
	}
	return b, nil
}

// checkView is the verification page.
type checkView struct {
	Input  string
	Report *verifier.Report
	// Issuer and Holder are the names the credential states.
	Issuer, Holder string
	// Record is what the board's own records say, when it issued the
	// credential.
	Record *boardRecord
}

// CheckRecord is the name of the check of a credential against the board's
// own records, made when this board issued it.
const CheckRecord = "board_record"

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

// checkRecord adds to a report what the board's own records say, when the
// credential names this board as its issuer and an id under its
// /credentials/: a credential superseded by a renewal, expired, suspended or
// revoked is invalid, and says so; a record that cannot be read is "could
// not check". A credential claiming to be ours that the board never issued
// is invalid (its signature check says why, too).
func (s *Server) checkRecord(ctx context.Context, rep *verifier.Report) *boardRecord {
	board, err := s.boardDID()
	if err != nil || rep.Credential == nil || rep.IssuerID() != board {
		return nil
	}
	id, ours := strings.CutPrefix(rep.ID(), s.publicBase()+"/credentials/")
	if !ours || id == "" || strings.Contains(id, "/") {
		return nil
	}
	check := verification.Check{Name: CheckRecord}
	c, err := s.cfg.Store.Credential(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		check.Outcome, check.Detail = verification.Invalid, "this board has no record of issuing "+rep.ID()
		rep.Checks = append(rep.Checks, check)
		return nil
	case err != nil:
		s.cfg.Log.Warn("reading a credential's record", "id", id, "error", err)
		check.Outcome, check.Detail = verification.CouldNotCheck, "the board's records could not be read just now; try again later"
		rep.Checks = append(rep.Checks, check)
		return nil
	}
	if sig, ok := rep.Checks.Lookup(vcjwt.CheckSignature); !c.Public && (!ok || sig.Outcome != verification.Valid) {
		// Whoever holds the credential the board signed may learn where it
		// stands; a document that merely names a private credential's id
		// (tampered, or made up around an id seen in a link) may not.
		check.Outcome, check.Detail = verification.Invalid, "the signature does not verify, so the board's records of this credential are not shown"
		rep.Checks = append(rep.Checks, check)
		return nil
	}
	rec := &boardRecord{ID: c.ID}
	rec.Standing, rec.Detail = s.standing(c)
	if c.SupersededBy != "" {
		rec.successor = c.SupersededBy
		rec.SupersededBy = s.publicBase() + "/credentials/" + c.SupersededBy
	}
	check.Outcome, check.Detail = verification.Invalid, "the board's records: "+rec.Detail
	if rec.Standing == "active" {
		check.Outcome = verification.Valid
	}
	rep.Checks = append(rep.Checks, check)
	return rec
}

// checkPage shows the verification form, and its result when a credential
// was posted (pasted, or uploaded as a file).
func (s *Server) checkPage(w http.ResponseWriter, r *http.Request) {
	v := checkView{}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxCredential+4096)
		if err := r.ParseMultipartForm(maxCredential); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			s.render(w, r, http.StatusRequestEntityTooLarge, "check", page{Title: "Verify a credential",
				Errors: map[string]string{"": "The credential could not be read (at most 1 MiB): " + err.Error()}, Data: v})
			return
		}
		data := []byte(strings.TrimSpace(r.FormValue("credential")))
		if f, _, err := r.FormFile("file"); err == nil {
			// One byte over the limit, for CheckBounds to refuse naming it.
			data, err = io.ReadAll(io.LimitReader(f, maxCredential+1))
			f.Close()
			if err != nil {
				s.internal(w, err)
				return
			}
		}
		if len(data) == 0 {
			s.render(w, r, http.StatusUnprocessableEntity, "check", page{Title: "Verify a credential",
				Errors: map[string]string{"credential": "Paste a credential (JSON or JWT) or choose its file."}, Data: v})
			return
		}
		if err := verifier.CheckBounds(data); err != nil {
			s.render(w, r, limitStatus(overLimit(err)), "check", page{Title: "Verify a credential",
				Errors: map[string]string{"credential": "Not checked: " + err.Error() + "."}, Data: v})
			return
		}
		v.Input = string(data)
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		v.Report = verifier.Verify(ctx, data, limitedFetch(s.verifierFetch), s.now())
		v.Record = s.checkRecord(ctx, v.Report)
		v.Issuer, v.Holder = v.Report.IssuerName(), v.Report.HolderName()
	}
	s.render(w, r, http.StatusOK, "check", page{Title: "Verify a credential", Data: v})
}

// apiVerifyCredential verifies a credential sent as the body (JSON, or a
// VC-JWT as text) and answers the report; 200 whatever the verdict.
func (s *Server) apiVerifyCredential(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCredential))
	if err != nil {
		le := jsonlimit.SizeError(maxCredential)
		refuseOverLimit(w, le, "the credential is "+le.Error())
		return
	}
	if err := verifier.CheckBounds(data); err != nil {
		refuseOverLimit(w, overLimit(err), err.Error())
		return
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		problem(w, http.StatusBadRequest, "No credential", "Send the credential as the body: its JSON, or the VC-JWT as text.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	rep := verifier.Verify(ctx, data, limitedFetch(s.verifierFetch), s.now())
	rec := s.checkRecord(ctx, rep)
	out := map[string]any{"status": rep.Status(), "format": rep.Format, "checks": rep.Checks,
		"issuer": map[string]string{"id": rep.IssuerID(), "name": rep.IssuerName()},
		"holder": map[string]string{"name": rep.HolderName()}}
	if rec != nil {
		out["record"] = rec
	}
	writeJSON(w, out)
}
