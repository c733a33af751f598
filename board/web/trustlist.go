package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
)

// The board's trust list: the issuers, by DID, whose credentials the public
// verification page and API name under a name the board gives them. A
// credential's own claim of a name is never shown as verified; admins
// confirm an issuer's DID with that issuer (its website, a letter) before
// listing it. The board itself is always trusted, under its own name.

func (s *Server) trustListRoutes() {
	s.route("GET /admin/trust", Admin, s.handle(s.trustListPage))
	s.route("POST /admin/trust", Admin, s.handle(s.trustListAddPage))
	s.route("POST /admin/trust/remove", Admin, s.handle(s.trustListRemovePage))
}

// trustListView is the trust list page.
type trustListView struct {
	BoardDID, BoardName string
	Entries             []*board.TrustedIssuer
}

func (s *Server) trustListPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderTrustList(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderTrustList(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, form url.Values) error {
	ctx := r.Context()
	board, err := s.boardDID()
	if err != nil {
		return err
	}
	list, err := s.board.TrustedIssuers(ctx, userFrom(r))
	if err != nil {
		return err
	}
	v := trustListView{BoardDID: board, BoardName: s.boardName(ctx), Entries: list}
	s.render(w, r, status, "admin_trust", page{Title: "Trusted issuers", Data: v, Errors: errs, Form: form})
	return nil
}

func (s *Server) trustListAddPage(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	f := r.PostForm
	t := board.TrustedIssuer{DID: f.Get("did"), Name: f.Get("name"), Note: f.Get("note")}
	err := s.board.AddTrustedIssuer(r.Context(), userFrom(r), t)
	var ie *certboard.Error
	switch {
	case errors.As(err, &ie) && len(ie.Fields) > 0:
		return s.renderTrustList(w, r, ie.Answer().Status, ie.Fields, f)
	case err != nil:
		return err
	}
	redirect(w, r, "/admin/trust", "Added "+strings.TrimSpace(t.Name)+" to the trust list.")
	return nil
}

func (s *Server) trustListRemovePage(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	removed, err := s.board.RemoveTrustedIssuer(r.Context(), userFrom(r), r.PostForm.Get("did"))
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/trust", "Removed "+removed.Name+" from the trust list.")
	return nil
}
