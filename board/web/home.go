package web

import (
	"net/http"
	"strings"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	kit "github.com/certboard/certboard/web"
)

// homeView is a signed-in person's home page: what waits for them, by
// role, and the titles of the credentials it names.
type homeView struct {
	*board.Home
	// Titles are the titles of requirement sets by id.
	Titles map[string]string
}

// Title returns the title of the requirement set id.
func (v homeView) Title(id string) string {
	if t, ok := v.Titles[id]; ok {
		return t
	}
	return id
}

// roleWords name the roles of board.HomeRoles for people, as in "what
// waits for you as a supervisor".
var roleWords = map[auth.Role]string{auth.Admin: "an admin", auth.Staff: "board staff", auth.Regulator: "a regulator",
	auth.Provider: "a CE provider", auth.Reviewer: "a peer reviewer", auth.Supervisor: "a supervisor"}

// RolesText names the person's roles with work of their own, in the
// order their work is shown: "an admin and board staff".
func (v homeView) RolesText() string {
	words := make([]string, len(v.Roles))
	for i, r := range v.Roles {
		words[i] = roleWords[r]
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// home is the start page: what certboard is, for visitors; for signed-in
// people with work of a role (staff, admins, regulators, CE providers,
// reviewers, supervisors), what waits for them, the primary role's work
// first (see board.Home). Someone who only applies for and holds
// credentials has their applications as their home.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	if u == nil {
		s.render(w, r, http.StatusOK, "home", page{Title: "Certification, done in the open"})
		return nil
	}
	h, err := s.board.Home(r.Context(), u)
	if err != nil {
		return err
	}
	if len(h.Roles) == 0 {
		kit.SeeOther(w, r, "/applications", http.StatusSeeOther)
		return nil
	}
	v := homeView{Home: h, Titles: map[string]string{}}
	for _, id := range s.sets().IDs() {
		v.Titles[id] = s.setTitle(id)
	}
	s.render(w, r, http.StatusOK, "home_work", page{Title: "Your work", Data: v})
	return nil
}

// notFound answers paths no route matches.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.pageError(w, r, http.StatusNotFound, "Page not found", "No page is at "+kit.MountFrom(r).Path(r.URL.Path)+". Check the address, or start again from the start page.")
}
