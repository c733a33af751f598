package web

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// SecurityHeaders sets strict headers on every response: a content security
// policy allowing only the site's own scripts and styles, no framing, no
// sniffing, no referrer to other sites.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Metrics counts requests and their latency by route pattern.
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	log      *slog.Logger
}

// NewMetrics registers the request counter and latency histogram, named
// with prefix ("certboard" gives certboard_http_requests_total), in reg;
// Instrument also logs each request to log.
func NewMetrics(reg prometheus.Registerer, prefix string, log *slog.Logger) *Metrics {
	m := &Metrics{log: log}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: prefix + "_http_requests_total", Help: "HTTP requests by route pattern and status code."}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: prefix + "_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}, []string{"route"})
	reg.MustRegister(m.requests, m.latency)
	return m
}

// Instrument logs each request and counts it by route pattern, never by raw
// path, so that metrics cannot grow without bound.
func (m *Metrics) Instrument(pattern string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if note, ok := r.Context().Value(routeKey{}).(*routeNote); ok {
			note.pattern = pattern
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		took := time.Since(start)
		m.requests.WithLabelValues(pattern, strconv.Itoa(sw.code)).Inc()
		m.latency.WithLabelValues(pattern).Observe(took.Seconds())
		m.log.Info("request", "method", r.Method, "route", pattern, "status", sw.code, "duration", took)
	})
}

// routeKey keys the context value through which Instrument tells
// Recoverer the pattern of the route a request reached.
type routeKey struct{}

// routeNote holds the pattern of the route a request reached; "" before
// it reaches one.
type routeNote struct{ pattern string }

// Recoverer turns a panic into a 500 whose details are logged, never
// shown. The log names the route's pattern ("GET /m/{token}") and never
// the request's path, which may carry a secret (a questionnaire link's or
// a calendar feed's token). The pattern is the one Instrument saw (a
// middleware between them may hand the mux a copy of the request, whose
// Pattern this one never gets); "(no route)" for a panic before routing.
func Recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		note := &routeNote{}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				route := note.pattern
				if route == "" {
					route = r.Pattern
				}
				if route == "" {
					route = "(no route)"
				}
				log.Error("panic", "method", r.Method, "route", route, "panic", v)
				internalProblem(w)
			}
		}()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), routeKey{}, note)))
	})
}

// CrossOrigin refuses unsafe cross-origin requests (forged form posts)
// before next runs, answering them with deny.
func CrossOrigin(deny http.Handler, next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(deny)
	return cop.Handler(next)
}
