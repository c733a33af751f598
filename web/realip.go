package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// prefixes (such as "10.0.0.0/8, 127.0.0.1") naming the reverse proxies in
// front of the server, for RealClient.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			// An IPv4-mapped prefix (::ffff:10.0.0.0/104) names IPv4
			// proxies; addresses are compared unmapped.
			if p.Addr().Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: give an address (10.0.0.2) or a prefix (10.0.0.0/8)", f)
		}
		a = a.Unmap().WithZone("")
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// trusted reports whether an address is one of the trusted proxies. Its
// zone (a link-local proxy's "%eth0") is not part of the match: a prefix
// never contains an address with a zone.
func trusted(proxies []netip.Prefix, addr netip.Addr) bool {
	addr = addr.Unmap().WithZone("")
	for _, p := range proxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// forwardedClient finds the client of a request that came through trusted
// proxies: walking X-Forwarded-For from the right (the entries the proxies
// appended), the first address that is not a trusted proxy. Entries left of
// it were written by the client and are never believed. ok is false when
// the request did not come from a trusted proxy or names no client.
func forwardedClient(proxies []netip.Prefix, remote string, xff []string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !trusted(proxies, peer) {
		return netip.Addr{}, false
	}
	var hops []string
	for _, h := range xff {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := forwardedAddr(hops[i])
		if !ok {
			return netip.Addr{}, false
		}
		if !trusted(proxies, a) {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// forwardedAddr reads one X-Forwarded-For entry in the forms proxies write:
// an address ("203.0.113.7", "2001:db8::7"), with a port
// ("203.0.113.7:4711", "[2001:db8::7]:4711") or in brackets
// ("[2001:db8::7]"). The address comes back unmapped (an IPv4-mapped IPv6
// address is the IPv4 one) and without a zone, so that one client is one
// key for the rate limits however its proxy wrote it.
func forwardedAddr(entry string) (netip.Addr, bool) {
	entry = strings.TrimSpace(entry)
	a, err := netip.ParseAddr(entry)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(entry); perr == nil {
			a, err = ap.Addr(), nil
		} else if strings.HasPrefix(entry, "[") && strings.HasSuffix(entry, "]") {
			a, err = netip.ParseAddr(entry[1 : len(entry)-1])
		}
	}
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// RealClient sets a request's remote address to its client's when it came
// through the trusted proxies, so that rate limits, sign-in throttling and
// logs see people, not the proxy. Without trusted proxies it changes
// nothing: X-Forwarded-For from anyone else is ignored.
func RealClient(proxies []netip.Prefix, next http.Handler) http.Handler {
	if len(proxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a, ok := forwardedClient(proxies, r.RemoteAddr, r.Header.Values("X-Forwarded-For")); ok {
			r2 := r.Clone(r.Context())
			r2.RemoteAddr = netip.AddrPortFrom(a, 0).String()
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

// ClientIP is the remote address without its port.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
