package web

import "net/http"

// home is the start page: what certboard is, for visitors; the
// applications list for signed-in users.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) != nil {
		http.Redirect(w, r, "/applications", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "home", page{Title: "Certification, done in the open"})
}

// notFound answers paths no route matches.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.pageError(w, r, http.StatusNotFound, "Page not found", "No page is at "+r.URL.Path+". Check the address, or start again from the start page.")
}
