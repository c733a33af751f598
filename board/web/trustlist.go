package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/verifier"
)

// The board's trust list: the issuers, by DID, whose credentials the public
// verification page and API name under a name the board gives them. A
// credential's own claim of a name is never shown as verified; admins
// confirm an issuer's DID with that issuer (its website, a letter) before
// listing it. The board itself is always trusted, under its own name.

func (s *Server) trustListRoutes() {
	s.route("GET /admin/trust", Admin, http.HandlerFunc(s.trustListPage))
	s.route("POST /admin/trust", Admin, http.HandlerFunc(s.trustListAddPage))
	s.route("POST /admin/trust/remove", Admin, http.HandlerFunc(s.trustListRemovePage))
}

// Limits of a trust list entry.
const (
	maxTrustDID  = 500
	maxTrustNote = 1000
)

// trustListView is the trust list page.
type trustListView struct {
	BoardDID, BoardName string
	Entries             []*boardsql.TrustedIssuer
}

func (s *Server) trustListPage(w http.ResponseWriter, r *http.Request) {
	s.renderTrustList(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderTrustList(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, form url.Values) {
	ctx := r.Context()
	board, err := s.boardDID()
	if err != nil {
		s.internal(w, err)
		return
	}
	list, err := s.cfg.Store.TrustedIssuers(ctx)
	if err != nil {
		s.internal(w, err)
		return
	}
	v := trustListView{BoardDID: board, BoardName: s.boardName(ctx), Entries: list}
	s.render(w, r, status, "admin_trust", page{Title: "Trusted issuers", Data: v, Errors: errs, Form: form})
}

// checkTrustEntry trims an entry and says what to fix, by field.
func (s *Server) checkTrustEntry(t *boardsql.TrustedIssuer) map[string]string {
	errs := map[string]string{}
	t.DID, t.Name, t.Note = strings.TrimSpace(t.DID), strings.TrimSpace(t.Name), strings.TrimSpace(t.Note)
	board, _ := s.boardDID()
	switch {
	case t.DID == "":
		errs["did"] = "did: give the issuer's DID, such as did:web:issuer.example.org or did:key:z6Mk…"
	case len(t.DID) > maxTrustDID:
		errs["did"] = "did: at most 500 characters"
	case t.DID == board:
		errs["did"] = "did: this is this board's own DID, always trusted under the board's name"
	default:
		if err := verifier.CheckIssuerDID(t.DID); err != nil {
			errs["did"] = "did: " + err.Error()
		}
	}
	if err := verifier.CheckIssuerName(t.Name); err != nil {
		errs["name"] = "name: " + err.Error() + "; give the name the public should read, as the issuer is known"
	}
	if !utf8.ValidString(t.Note) || utf8.RuneCountInString(t.Note) > maxTrustNote {
		errs["note"] = "note: at most 1000 characters of text"
	}
	return errs
}

// trustAudit writes an entry for the audit log.
func trustAudit(t *boardsql.TrustedIssuer) string {
	out, _ := json.Marshal(map[string]string{"did": t.DID, "name": t.Name, "note": t.Note})
	return string(out)
}

// addTrustedIssuer validates and stores an entry with its audit entry, in
// one transaction. Refused input is a *certboard.Error whose Fields say what to
// fix; a DID listed already is ErrConflict.
func (s *Server) addTrustedIssuer(ctx context.Context, me *boardsql.User, t boardsql.TrustedIssuer) error {
	if errs := s.checkTrustEntry(&t); len(errs) > 0 {
		var msgs []string
		for _, k := range []string{"did", "name", "note"} {
			if m := errs[k]; m != "" {
				msgs = append(msgs, m)
			}
		}
		return refusedForm("Invalid trust list entry", strings.Join(msgs, "; "), errs)
	}
	t.AddedBy, t.AddedAt = me.ID, s.now()
	return s.inTx(ctx, func(tx *boardsql.Tx) error {
		if err := tx.AddTrustedIssuer(ctx, t); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, s.adminEntry(me, "trust_list.add", "trusted_issuer/"+t.DID, "", trustAudit(&t)))
		return err
	})
}

// removeTrustedIssuer removes an entry with its audit entry, in one
// transaction; a DID not listed is ErrNotFound.
func (s *Server) removeTrustedIssuer(ctx context.Context, me *boardsql.User, id string) (*boardsql.TrustedIssuer, error) {
	var removed *boardsql.TrustedIssuer
	err := s.inTx(ctx, func(tx *boardsql.Tx) error {
		var err error
		if removed, err = tx.RemoveTrustedIssuer(ctx, id); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, s.adminEntry(me, "trust_list.remove", "trusted_issuer/"+id, trustAudit(removed), ""))
		return err
	})
	return removed, err
}

func (s *Server) trustListAddPage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	t := boardsql.TrustedIssuer{DID: f.Get("did"), Name: f.Get("name"), Note: f.Get("note")}
	err := s.addTrustedIssuer(r.Context(), userFrom(r), t)
	var ie *certboard.Error
	switch {
	case errors.As(err, &ie) && len(ie.Fields) > 0:
		s.renderTrustList(w, r, ie.Answer().Status, ie.Fields, f)
	case errors.Is(err, boardsql.ErrConflict):
		msg := "did: " + strings.TrimSuffix(err.Error(), ": "+boardsql.ErrConflict.Error())
		s.renderTrustList(w, r, http.StatusConflict, map[string]string{"did": msg}, f)
	case err != nil:
		s.answerError(w, r, err)
	default:
		redirect(w, r, "/admin/trust", "Added "+strings.TrimSpace(t.Name)+" to the trust list.")
	}
}

func (s *Server) trustListRemovePage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id := strings.TrimSpace(r.PostForm.Get("did"))
	if id == "" {
		s.answerError(w, r, invalidInput("did", "say which DID to remove from the trust list"))
		return
	}
	removed, err := s.removeTrustedIssuer(r.Context(), userFrom(r), id)
	if err != nil {
		s.answerError(w, r, err)
		return
	}
	redirect(w, r, "/admin/trust", "Removed "+removed.Name+" from the trust list.")
}
