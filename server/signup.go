package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/certboard/certboard/account"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/store"
)

// Lifetimes of the links sent by e-mail.
const (
	VerifyLinkTTL = 48 * time.Hour
	ResetLinkTTL  = time.Hour
)

// decodeJSON reads a small JSON object strictly into v; on failure it has
// already answered 400 with what to fix.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, fields string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8192))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		problem(w, http.StatusBadRequest, "Invalid request", "Send a JSON object with "+fields+": "+err.Error())
		return false
	}
	return true
}

// inTx runs f in a transaction and commits when it returns nil.
func (s *Server) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.cfg.Store.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
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

// signUp creates an unverified account and mails a verification link. For
// an address that already has an account it answers the same and mails the
// owner instead, so that sign-up does not reveal who has an account.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in, "email, name and password") {
		return
	}
	in.Email, in.Name = strings.TrimSpace(in.Email), strings.TrimSpace(in.Name)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || !strings.Contains(in.Email, "@") {
		problem(w, http.StatusBadRequest, "Invalid request", "email: give an e-mail address such as name@example.org")
		return
	}
	if in.Name == "" || len(in.Name) > 200 {
		problem(w, http.StatusBadRequest, "Invalid request", "name: give your full name (at most 200 characters)")
		return
	}
	if err := account.CheckPassword(in.Password, in.Email); err != nil {
		problem(w, http.StatusBadRequest, "Invalid request", err.Error())
		return
	}
	hash, err := account.Hash(in.Password, account.DefaultParams)
	if err != nil {
		s.internal(w, err)
		return
	}
	ctx, now := r.Context(), s.now()
	token, digest, err := account.NewToken()
	if err != nil {
		s.internal(w, err)
		return
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.cfg.Store.CreateUserIn(ctx, tx, store.User{Email: in.Email, Name: in.Name, PasswordHash: hash, Roles: []string{"applicant"}, CreatedAt: now})
		if errors.Is(err, store.ErrConflict) {
			_, err = s.cfg.Store.EnqueueMail(ctx, tx, store.Mail{To: strings.ToLower(in.Email), CreatedAt: now,
				Subject: "Someone tried to sign up with your address",
				Body:    "Someone, perhaps you, tried to create a certboard account with this address, which already has one.\n\nIf it was you, sign in instead, or reset your password. If not, you can ignore this message.\n"})
			return err
		}
		if err != nil {
			return err
		}
		if err := s.cfg.Store.CreateEmailToken(ctx, tx, digest, id, store.PurposeVerify, now.Add(VerifyLinkTTL)); err != nil {
			return err
		}
		if _, err := s.cfg.Store.EnqueueMail(ctx, tx, store.Mail{To: strings.ToLower(in.Email), CreatedAt: now,
			Subject: "Verify your e-mail address",
			Body: fmt.Sprintf("Welcome to certboard, %s.\n\nTo finish creating your account, open this link within %d hours:\n\n%s\n\nIf you did not sign up, ignore this message.\n",
				in.Name, int(VerifyLinkTTL.Hours()), s.link("/verify-email", token))}); err != nil {
			return err
		}
		_, err = s.cfg.Store.AppendAudit(ctx, tx, userEntry(now, id, "account.sign_up"))
		return err
	})
	if err != nil {
		s.internal(w, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	writeJSON(w, map[string]string{"status": "check your e-mail: we sent a link to verify the address"})
}

// verifyEmail consumes a verification token.
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Token string `json:"token"`
	}
	if !decodeJSON(w, r, &in, "token") {
		return
	}
	s.redeem(w, r, in.Token, store.PurposeVerify, "account.verify_email", "sign up again to get a new one",
		"e-mail address verified; you can sign in",
		func(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
			return s.cfg.Store.MarkEmailVerified(ctx, tx, id, now)
		})
}

// redeem consumes a token sent by e-mail and applies its effect in one
// transaction with the audit entry; an unknown, used or expired token gets a
// 400 that says how to get a new one.
func (s *Server) redeem(w http.ResponseWriter, r *http.Request, token, purpose, action, renew, done string,
	apply func(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) error) {
	ctx, now := r.Context(), s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.cfg.Store.UseEmailToken(ctx, tx, account.Digest(token), purpose, now)
		if err != nil {
			return err
		}
		if err := apply(ctx, tx, id, now); err != nil {
			return err
		}
		_, err = s.cfg.Store.AppendAudit(ctx, tx, userEntry(now, id, action))
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		problem(w, http.StatusBadRequest, "Link not valid", "token: this link is unknown, used or expired; "+renew)
	case err != nil:
		s.internal(w, err)
	default:
		writeJSON(w, map[string]string{"status": done})
	}
}

// userEntry is an audit entry for something users do to their own account.
func userEntry(at time.Time, id int64, action string) audit.Entry {
	who := fmt.Sprintf("user/%d", id)
	return audit.Entry{At: at, Actor: who, Action: action, Subject: who}
}

// requestReset mails a password-reset link when the address has an
// account, and answers the same either way.
func (s *Server) requestReset(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
	}
	if !decodeJSON(w, r, &in, "email") {
		return
	}
	ctx, now := r.Context(), s.now()
	u, err := s.cfg.Store.UserByEmail(ctx, in.Email)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		s.internal(w, err)
		return
	default:
		token, digest, err := account.NewToken()
		if err == nil {
			err = s.inTx(ctx, func(tx *sql.Tx) error {
				if err := s.cfg.Store.CreateEmailToken(ctx, tx, digest, u.ID, store.PurposeReset, now.Add(ResetLinkTTL)); err != nil {
					return err
				}
				_, err := s.cfg.Store.EnqueueMail(ctx, tx, store.Mail{To: u.Email, CreatedAt: now, Subject: "Reset your certboard password",
					Body: fmt.Sprintf("To choose a new password, open this link within %d minutes:\n\n%s\n\nIf you did not ask for this, ignore this message; your password is unchanged.\n",
						int(ResetLinkTTL.Minutes()), s.link("/reset-password", token))})
				return err
			})
		}
		if err != nil {
			s.internal(w, err)
			return
		}
	}
	w.WriteHeader(http.StatusAccepted)
	writeJSON(w, map[string]string{"status": "if the address has an account, a reset link is on its way"})
}

// confirmReset sets a new password with a reset token and ends every session.
func (s *Server) confirmReset(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in, "token and password") {
		return
	}
	if err := account.CheckPassword(in.Password, ""); err != nil {
		problem(w, http.StatusBadRequest, "Invalid request", err.Error())
		return
	}
	hash, err := account.Hash(in.Password, account.DefaultParams)
	if err != nil {
		s.internal(w, err)
		return
	}
	s.redeem(w, r, in.Token, store.PurposeReset, "account.reset_password", "ask for a new one",
		"password changed; every session was ended, sign in again",
		func(ctx context.Context, tx *sql.Tx, id int64, _ time.Time) error {
			return s.cfg.Store.SetPassword(ctx, tx, id, hash)
		})
}
