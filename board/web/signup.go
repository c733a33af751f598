package web

import (
	"strings"

	"github.com/certboard/certboard/auth"
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

// jobAccountSweep deletes, once a day, the sign-ups never verified within
// UnverifiedAccountTTL, and forgets the mail quotas of ended windows
// (auth.Accounts.Sweep).
const jobAccountSweep = "accounts.sweep"
