// Package httpfetch is the fetch a server gives certboard's verifier
// (verifier.Fetch) to get an issuer's DID document and status lists over
// the network without becoming a way to reach this machine or a private
// network (server-side request forgery): public https addresses only,
// checked on the address actually dialled, with a timeout, a size limit
// and at most a few redirects, all https.
//
// A server may also name origins it fetches from although they are local
// (Origins): the demo board on http://localhost:8080, beside the practice
// that trusts it. Those exact origins are fetched as given, over http or
// https, and a redirect must stay on the same origin.
package httpfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/certboard/certboard/verifier"
)

// Limits of one fetch.
const (
	// MaxBody is the largest body read, in bytes: a DID document or a
	// status list of the largest size is well under it.
	MaxBody = 4 << 20
	// Timeout bounds one fetch, redirects included.
	Timeout = 10 * time.Second
	// MaxRedirects is how many redirects one fetch follows.
	MaxRedirects = 2
)

// ErrForbiddenAddress refuses a fetch aimed at this machine or a private
// network.
var ErrForbiddenAddress = errors.New("the address is on a private or local network; only public https addresses are fetched")

// Public fetches a public https URL with a timeout and a size limit: the
// connection is refused (ErrForbiddenAddress) when the address dialled is
// loopback, private, link-local or otherwise not on the public internet,
// and a redirect is followed only to https.
func Public(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%s: only https addresses are fetched", raw)
	}
	return get(ctx, publicClient, raw)
}

// Origins returns a fetch that fetches public https URLs as Public does
// and, besides, URLs of the origins allowed ("http://localhost:8080",
// "https://board.internal:8443": a scheme, a host and an optional port,
// nothing else) wherever they are, redirects there staying on the same
// origin. An origin that is not of that form is an error naming it.
func Origins(allowed ...string) (verifier.Fetch, error) {
	set := map[string]bool{}
	for _, a := range allowed {
		o, err := origin(a)
		if err != nil {
			return nil, err
		}
		set[o] = true
	}
	if len(set) == 0 {
		return Public, nil
	}
	return func(ctx context.Context, raw string) ([]byte, error) {
		u, err := url.Parse(raw)
		if err == nil && set[originOf(u)] {
			return get(ctx, localClient, raw)
		}
		return Public(ctx, raw)
	}, nil
}

// Limit returns fetch allowing at most n calls, so that a credential
// naming many status lists cannot make a server fetch without end. Use a
// fresh one for each verification.
func Limit(fetch verifier.Fetch, n int) verifier.Fetch {
	var calls atomic.Int64
	return func(ctx context.Context, raw string) ([]byte, error) {
		if calls.Add(1) > int64(n) {
			return nil, fmt.Errorf("more than %d documents to fetch for one credential", n)
		}
		return fetch(ctx, raw)
	}
}

// origin checks an allowed origin and returns it in the form originOf
// gives.
func origin(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not an origin: give a scheme (http or https), a host and an optional port, such as http://localhost:8080", s)
	}
	return originOf(u), nil
}

// originOf is a URL's scheme and host (with its port), lower-cased.
func originOf(u *url.URL) string {
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// get fetches raw with client: 200 only, at most MaxBody bytes.
func get(ctx context.Context, client *http.Client, raw string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/did+json, application/vc+ld+json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", raw, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBody {
		return nil, fmt.Errorf("%s: larger than %d MiB", raw, MaxBody>>20)
	}
	return b, nil
}

// publicClient dials public addresses only and follows redirects to https
// only.
var publicClient = &http.Client{
	Timeout: Timeout,
	Transport: &http.Transport{
		Proxy: nil,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second,
			Control: func(network, address string, _ syscall.RawConn) error { return PublicOnly(address) }}).DialContext,
		TLSHandshakeTimeout: 5 * time.Second,
		MaxIdleConns:        16,
	},
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" || len(via) > MaxRedirects {
			return errors.New("redirected away from https, or too often")
		}
		return nil
	},
}

// localClient fetches from an allowed origin, wherever it is, and follows
// a redirect only on the same origin.
var localClient = &http.Client{
	Timeout: Timeout,
	Transport: &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		TLSHandshakeTimeout: 5 * time.Second,
		MaxIdleConns:        4,
	},
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > MaxRedirects || originOf(req.URL) != originOf(via[0].URL) {
			return errors.New("redirected to another origin, or too often")
		}
		return nil
	},
}

// PublicOnly refuses (ErrForbiddenAddress) an address, "ip:port", that is
// loopback, private, link-local, unspecified or in a range that does not
// reach the public internet. It is meant for a dialer's Control function,
// so that it judges the address actually dialled, whatever a name
// resolved to.
func PublicOnly(address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return ErrForbiddenAddress
	}
	ip := ap.Addr().Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return ErrForbiddenAddress
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return ErrForbiddenAddress
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
