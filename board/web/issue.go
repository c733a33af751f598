package web

import (
	"context"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
)

// The board's status lists (board.RevocationList, board.SuspensionList).
const (
	revocationList = board.RevocationList
	suspensionList = board.SuspensionList
)

// publicBase is the server's public URL without a trailing slash.
func (s *Server) publicBase() string { return s.board.PublicURL() }

// issueCredential issues the credential of an approved application inside
// the approving transaction tx (see board.IssueCredential), for the
// approval and the demo, which still open that transaction here.
func (s *Server) issueCredential(ctx context.Context, tx board.Tx, by *auth.User, app *board.Application, now time.Time) (string, error) {
	return s.board.IssueCredential(ctx, tx, by, app, now)
}
