package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/certboard/certboard/verifier"
)

// fetchLimit bounds what a verification fetches (DID documents, status lists).
const fetchLimit = 4 << 20

// verifyClient follows a redirect only under the same rule as the first
// address (https, or http on this machine), so that a DID document is never
// read over plain http from elsewhere.
var verifyClient = &http.Client{
	Timeout: 15 * time.Second,
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		local := req.URL.Hostname() == "localhost" || req.URL.Hostname() == "127.0.0.1"
		if len(via) >= 3 || (req.URL.Scheme != "https" && !(req.URL.Scheme == "http" && local)) {
			return errors.New("redirected to " + req.URL.String() + ": only https (or this machine) is followed")
		}
		return nil
	},
}

// httpFetch fetches a DID document or status list: https, or http for the
// local machine only, with a timeout and a size limit.
func httpFetch(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	local := u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1"
	if u.Scheme != "https" && !(u.Scheme == "http" && local) {
		return nil, fmt.Errorf("%s: only https addresses are fetched (http only on this machine)", raw)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/did+json, application/vc+ld+json")
	resp, err := verifyClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", raw, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, fetchLimit+1))
	if err != nil {
		return nil, err
	}
	if len(b) > fetchLimit {
		return nil, errors.New(raw + ": larger than 4 MiB")
	}
	return b, nil
}

// exitUntrusted is verify's exit status for a credential whose checks all
// passed but whose issuer is not on the trust list given with --trust.
const exitUntrusted = 3

// runVerify checks a credential file (JSON with a Data Integrity proof, or a
// VC-JWT; "-" reads standard input) and prints each check and who issued
// it. An issuer is named only from the trust list given with --trust FILE
// (lines of "DID name"); a name the credential gives itself is printed as
// its unverified claim. Exit status: 0 valid, 1 invalid, 2 could not check
// or bad input, 3 valid but the issuer is not on the --trust list.
func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer, now time.Time, fetch verifier.Fetch) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	trustFile := fs.String("trust", "", "a trust list: one issuer a line, its DID then its name (\"did:web:aasect.org AASECT\"); # starts a comment")
	if err := fs.Parse(args); err != nil {
		return exitBadInput
	}
	args = fs.Args()
	if len(args) != 1 {
		fmt.Fprint(stderr, "certboard verify: give one credential file (JSON or JWT), or - for standard input; optionally --trust FILE first\n")
		return exitBadInput
	}
	var trust verifier.TrustList
	if *trustFile != "" {
		b, err := os.ReadFile(*trustFile)
		if err == nil {
			trust, err = verifier.ParseTrustList(b)
		}
		if err != nil {
			fmt.Fprintf(stderr, "certboard verify: --trust %s: %v\n", *trustFile, err)
			return exitBadInput
		}
	}
	var data []byte
	var err error
	if args[0] == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, fetchLimit))
	} else {
		data, err = os.ReadFile(args[0])
	}
	if err != nil {
		fmt.Fprintf(stderr, "certboard verify: %v\n", err)
		return exitBadInput
	}
	r := verifier.Verify(context.Background(), data, fetch, now)
	is := r.Issuer(nil, trust)
	verdict := map[string]string{"valid": "VALID", "invalid": "INVALID", "could_not_check": "COULD NOT CHECK"}[r.Status()]
	if r.Status() == "valid" && !is.Trusted {
		verdict = "UNKNOWN ISSUER"
	}
	fmt.Fprintf(stdout, "%s (%s)\n", verdict, r.Format)
	fmt.Fprintf(stdout, "  %-16s %s\n", "issuer", issuerLine(is, trust != nil))
	for _, c := range r.Checks {
		fmt.Fprintf(stdout, "  %-16s %-16s %s\n", c.Name, c.Outcome, c.Detail)
	}
	switch {
	case r.Status() == "valid" && !is.Trusted && trust != nil:
		return exitUntrusted
	case r.Status() == "valid":
		return exitOK
	case r.Status() == "invalid":
		return exitNo
	}
	return exitBadInput
}

// issuerLine says who issued a credential: a name only from the trust
// list, the credential's own name only as its unverified claim.
func issuerLine(is verifier.Issuer, listed bool) string {
	var line string
	switch {
	case is.Trusted:
		return fmt.Sprintf("%s (%s), on the trust list", is.Name, is.ID)
	case is.ID == "":
		line = "none named"
	case is.VerificationMethod == "":
		line = is.ID + ", not confirmed: the proof was not verified with a key of it"
	case listed:
		line = is.ID + " signed it; it is not on the trust list"
	default:
		line = is.ID + " signed it; no trust list given (--trust FILE), so who that is is not known"
	}
	if is.ClaimedName != "" {
		line += fmt.Sprintf("; it calls itself %q (its own claim, unverified)", is.ClaimedName)
	}
	return line
}
