package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// Lifetimes of the links sent by e-mail.
const (
	VerifyLinkTTL = auth.VerifyLinkTTL
	ResetLinkTTL  = auth.ResetLinkTTL
)

// UnverifiedAccountTTL is how long a sign-up may stay unverified: the daily
// account sweep deletes unverified accounts older than this.
const UnverifiedAccountTTL = auth.UnverifiedAccountTTL

// Mail that anonymous requests make certboard send (sign-up links, the
// notice to an address that already has an account, reset links) is
// limited per recipient: at most MailsPerRecipient in MailQuotaWindow. Past
// that the request answers as always and nothing is sent, so that nobody
// can use certboard to flood an inbox.
const (
	MailsPerRecipient = auth.MailsPerRecipient
	MailQuotaWindow   = auth.MailQuotaWindow
)

// inTx runs f in a transaction and commits when it returns nil (see
// boardsql.InTx). f must not start another transaction.
func (s *Server) inTx(ctx context.Context, f func(tx *boardsql.Tx) error) error {
	return s.cfg.Store.InTx(ctx, f)
}

// link returns an absolute link to path with a token.
func (s *Server) link(path, token string) string {
	base := strings.TrimSuffix(s.cfg.PublicURL, "/")
	if base == "" {
		base = "http://localhost:8080"
	}
	if token == "" {
		return base + path
	}
	return base + path + "?token=" + token
}

// userEntry is an audit entry for something users do to their own account.
func userEntry(at time.Time, id int64, action string) audit.Entry {
	who := fmt.Sprintf("user/%d", id)
	return audit.Entry{At: at, Actor: who, Action: action, Subject: who}
}

// jobAccountSweep deletes, once a day, the sign-ups never verified within
// UnverifiedAccountTTL, and forgets the mail quotas of ended windows.
const jobAccountSweep = "accounts.sweep"

// accountSweep is the daily account sweep, in the job's transaction: each
// deleted account is audited.
func (s *Server) accountSweep(ctx context.Context, tx *boardsql.Tx, now time.Time) (string, error) {
	did, err := s.accounts.Sweep(ctx, boardsql.ForAuth{Store: s.cfg.Store}.Tx(tx), lifecycleActor, now)
	switch {
	case err != nil:
		return "", err
	case !did:
		return boardsql.JobSkipped, nil
	}
	return boardsql.JobDone, nil
}
