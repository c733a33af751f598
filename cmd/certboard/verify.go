package main

import (
	"context"
	"errors"
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

// runVerify checks a credential file (JSON with a Data Integrity proof, or a
// VC-JWT; "-" reads standard input) and prints each check. Exit status: 0
// valid, 1 invalid, 2 could not check or bad input.
func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer, now time.Time, fetch verifier.Fetch) int {
	if len(args) != 1 {
		fmt.Fprint(stderr, "certboard verify: give one credential file (JSON or JWT), or - for standard input\n")
		return exitBadInput
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
	fmt.Fprintf(stdout, "%s (%s)\n", map[string]string{"valid": "VALID", "invalid": "INVALID", "could_not_check": "COULD NOT CHECK"}[r.Status()], r.Format)
	for _, c := range r.Checks {
		fmt.Fprintf(stdout, "  %-16s %-16s %s\n", c.Name, c.Outcome, c.Detail)
	}
	switch r.Status() {
	case "valid":
		return exitOK
	case "invalid":
		return exitNo
	}
	return exitBadInput
}
