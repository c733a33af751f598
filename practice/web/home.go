package web

import (
	"context"
	"net/http"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/web/account"
)

// HomeView is what a person's home page shows: for a practitioner, what
// needs them today (Tasks), what to look at (Flags) and their clients; for
// an admin, the practice's people. Each area of practice mode fills its
// part with a homePart, registered in New (s.homeParts); the page shows
// each list, or says that it is empty.
type HomeView struct {
	// Name is the person's.
	Name string
	// Practitioner and Admin say which parts the page shows.
	Practitioner, Admin bool
	// Tasks are what a practitioner should do today (a safety task, a
	// measure due), Flags what to look at (a score over a cut-off, a
	// referral to make), Clients the practitioner's clients.
	Tasks, Flags, Clients []HomeItem
	// People counts the practice's people, for an admin.
	People int
}

// HomeItem is one line of a list on the home page: what it is, where it
// leads ("" for nowhere) and a note beside it.
type HomeItem struct {
	Text, Href, Note string
}

// homePart fills its part of the home view of u, who holds the roles the
// view says; it reads through the practice's use cases, which check and
// audit what u may see.
type homePart func(ctx context.Context, u *auth.User, v *HomeView) error

// home is a person's start page, by role.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	u := account.UserFrom(r)
	v := &HomeView{Name: u.Name, Practitioner: u.HasRole(auth.Practitioner), Admin: u.HasRole(auth.PracticeAdmin)}
	ctx := r.Context()
	if v.Admin {
		people, err := s.practice.People(ctx, u)
		if err != nil {
			return err
		}
		v.People = len(people)
	}
	for _, part := range s.homeParts {
		if err := part(ctx, u, v); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "home", page{Title: "Home", Data: v})
	return nil
}
