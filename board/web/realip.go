package web

import (
	"net/http"
	"net/netip"

	kit "github.com/certboard/certboard/web"
)

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// prefixes (such as "10.0.0.0/8, 127.0.0.1") naming the reverse proxies in
// front of the server, for Config.TrustedProxies.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) { return kit.ParseTrustedProxies(list) }

// realClient sets a request's remote address to its client's when it came
// through the trusted proxies (see kit.RealClient).
func (s *Server) realClient(next http.Handler) http.Handler {
	return kit.RealClient(s.cfg.TrustedProxies, next)
}
