package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/web/account"
)

// peopleRoutes registers the admin's pages of the practice's people: the
// list, adding a person (who is mailed a link to choose a password) and
// changing roles.
func (s *Server) peopleRoutes() {
	s.route("GET /people", PracticeAdmin, s.handle(s.peoplePage))
	s.route("POST /people", PracticeAdmin, s.handle(s.addPerson))
	s.route("POST /people/{id}/roles", PracticeAdmin, s.handle(s.changeRoles))
	s.route("POST /people/{id}/calendar/revoke", PracticeAdmin, s.handle(s.revokePersonFeed))
}

// PeopleView is what the people page shows.
type PeopleView struct {
	People []PersonView
	// Roles are the roles a practice gives, for the forms.
	Roles []auth.Role
	// LinkHours is how long the mailed link works.
	LinkHours int
}

// PersonView is one person in the list.
type PersonView struct {
	ID        int64
	Name      string
	Email     string
	Roles     []auth.Role
	TwoFactor bool
	Version   int
	// You marks the admin looking at the list.
	You bool
	// Feed says the person has a live calendar address, which an admin
	// may revoke.
	Feed bool
}

// Holds reports whether the person holds a role, for the checkboxes.
func (p PersonView) Holds(r auth.Role) bool {
	for _, h := range p.Roles {
		if h == r {
			return true
		}
	}
	return false
}

// renderPeople draws the people page with a status, the form's errors and
// values.
func (s *Server) renderPeople(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, form url.Values) error {
	u := account.UserFrom(r)
	people, err := s.practice.People(r.Context(), u)
	if err != nil {
		return err
	}
	feeds, err := s.practice.CalendarFeedHolders(r.Context(), u)
	if err != nil {
		return err
	}
	v := PeopleView{Roles: auth.PracticeRoles, LinkHours: int(practice.InviteLinkTTL.Hours())}
	for _, p := range people {
		v.People = append(v.People, PersonView{ID: p.ID, Name: p.Name, Email: p.Email, Roles: p.Roles, TwoFactor: p.TwoFactor(),
			Version: p.Version, You: p.ID == u.ID, Feed: feeds[p.ID]})
	}
	s.render(w, r, status, "people", page{Title: "People", Data: v, Errors: errs, Form: form})
	return nil
}

func (s *Server) peoplePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPeople(w, r, http.StatusOK, nil, url.Values{"roles": {string(auth.Practitioner)}})
}

// addPerson adds a person from the form (practice.Practice.AddPerson); a
// refusal shows the form again with what to fix.
func (s *Server) addPerson(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	in := practice.NewPerson{Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), Roles: r.PostForm["roles"]}
	u, err := s.practice.AddPerson(r.Context(), account.UserFrom(r), in)
	if e := refusal(err); e != nil {
		values := url.Values{"name": {in.Name}, "email": {in.Email}, "roles": in.Roles}
		return s.renderPeople(w, r, e.Answer().Status, fieldErrors(e), values)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/people", fmt.Sprintf("Added %s. We have mailed %s a link to choose a password; it works for %d hours, and then the password reset sends a new one.",
		u.Name, u.Email, int(practice.InviteLinkTTL.Hours())))
	return nil
}

// changeRoles saves the roles ticked for one person
// (practice.Practice.ChangeRoles), guarded by the version the page showed.
func (s *Server) changeRoles(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	uid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return &certboard.Error{Code: certboard.NotFound, Title: "Person not found", Message: "No one at the practice has the id " + strconv.Quote(r.PathValue("id")) + "."}
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return certboard.FieldError(certboard.PreconditionRequired, "version", "The form lacks the account's version; reload the page and apply your change again.")
	}
	u, err := s.practice.ChangeRoles(r.Context(), account.UserFrom(r), uid, practice.RoleChange{Roles: r.PostForm["roles"], Version: version})
	if e := refusal(err); e != nil && e.Code != certboard.NotFound {
		redirect(w, r, "/people", "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Saved the roles of %s: %s.", u.Name, words(u.Roles))
	if len(u.Roles) == 0 {
		msg = fmt.Sprintf("%s now holds no role: they can sign in, and reach nothing but their account.", u.Name)
	}
	redirect(w, r, "/people", msg)
	return nil
}

// revokePersonFeed revokes one person's calendar address
// (practice.Practice.RevokeCalendarFeedOf).
func (s *Server) revokePersonFeed(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	uid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return &certboard.Error{Code: certboard.NotFound, Title: "Person not found", Message: "No one at the practice has the id " + strconv.Quote(r.PathValue("id")) + "."}
	}
	if err := s.practice.RevokeCalendarFeedOf(r.Context(), account.UserFrom(r), uid); err != nil {
		if e := refusal(err); e != nil && e.Code == certboard.NotFound {
			redirect(w, r, "/people", "!"+plain(e))
			return nil
		}
		return err
	}
	redirect(w, r, "/people", "Revoked the calendar address: calendar programs that read it get nothing from now on.")
	return nil
}

// refusal returns the refusal (a *certboard.Error that is not internal)
// in err's chain, or nil.
func refusal(err error) *certboard.Error {
	e := certboard.As(err)
	if e == nil || e.Code == certboard.Internal {
		return nil
	}
	return e
}

// fieldErrors are a refusal's messages by form field ("" for the form).
func fieldErrors(e *certboard.Error) map[string]string {
	if len(e.Fields) > 0 {
		return e.Fields
	}
	if e.Field != "" {
		return map[string]string{e.Field: plain(e)}
	}
	return map[string]string{"": e.Message}
}

// words writes roles for people: "practitioner, practice admin".
func words(roles []auth.Role) string {
	return strings.ReplaceAll(auth.JoinRoles(roles, ", "), "_", " ")
}

// plain is a refusal's message without the name of its field in front,
// as a sentence ("you may not ..." reads "You may not ...").
func plain(e *certboard.Error) string {
	if e.Field != "" {
		return account.Sentence(strings.TrimPrefix(e.Message, e.Field+": "))
	}
	return e.Message
}
