package web

import (
	"errors"
	"net/http"

	"github.com/certboard/certboard"
)

// auditRoutes publishes the audit log's signed checkpoint.
func (s *Server) auditRoutes() {
	s.route("GET /audit/checkpoint", Public, s.handle(s.auditCheckpoint))
}

// auditCheckpoint serves the last signed checkpoint of the audit log: its
// length, last hash, the time of its last entry, the key that signed and
// the signature; nothing of the entries themselves. Whoever saves copies of
// it over time (another machine, a monitor, a notary) holds proof of how
// long the log was, which `certboard audit verify --checkpoint FILE` checks
// the log against: deleting entries from the end of the log, even with the
// board's own checkpoint rolled back, then shows.
func (s *Server) auditCheckpoint(w http.ResponseWriter, r *http.Request) error {
	cp, err := s.board.AuditCheckpoint(r.Context())
	if errors.Is(err, certboard.ErrNotFound) {
		// problem+json to browsers too: the checkpoint is data.
		problem(w, http.StatusNotFound, "No checkpoint yet", "The audit log is empty; its first entry writes its first checkpoint.")
		return nil
	}
	if err != nil {
		return err
	}
	writePublicJSON(w, "application/json", "no-store", cp)
	return nil
}
