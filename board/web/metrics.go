package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are not public by default: they show which routes are used and
// how often, which is nobody's business outside the board, so on the main
// listener GET /metrics (registered in New) needs board staff signed in
// with two factors. A Prometheus server scrapes a separate listener
// instead: see MetricsApart and certboard serve --metrics-addr.

// metricsHandler writes the server's metrics in the Prometheus text format.
func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{})
}

// MetricsApart moves the metrics off the main handler, for serving them on
// a listener of their own (an internal address that Prometheus scrapes
// without signing in): from then on GET /metrics of Handler answers 404 to
// everyone. It returns the handler for that listener, which serves GET
// /metrics and nothing else. Call it before Handler, which builds its routes
// once.
func (s *Server) MetricsApart() http.Handler {
	for i, r := range s.routes {
		if r.Pattern == "GET /metrics" {
			s.routes[i] = Route{Pattern: r.Pattern, Access: Public, Handler: http.HandlerFunc(metricsElsewhere)}
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metricsHandler())
	return securityHeaders(mux)
}

// metricsElsewhere answers GET /metrics of the main handler once the
// metrics are served apart: 404, like any path that serves nothing.
func metricsElsewhere(w http.ResponseWriter, r *http.Request) {
	problem(w, http.StatusNotFound, "Not found", "Nothing is served at /metrics on this address.")
}
