package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Healthz answers a liveness probe: the process serves, so "ok".
func Healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// Ready answers a readiness probe: "ready" when ready answers within two
// seconds, else 503 as problem+json, the cause logged.
func Ready(w http.ResponseWriter, r *http.Request, log *slog.Logger, ready func(context.Context) error) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := ready(ctx); err != nil {
		log.Warn("not ready", "error", err)
		Problem(w, http.StatusServiceUnavailable, "Not ready", "The database does not answer.")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ready")
}
