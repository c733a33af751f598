package web

import (
	"net/http"

	bg "github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/web/admin"
)

// Failed background work: the practice's mail and jobs given up after
// their last try (practice.DeadLetters), which admins retry or discard
// with plain forms.

func (s *Server) deadLetterRoutes() {
	s.route("GET /admin/jobs", PracticeAdmin, s.handle(s.deadLettersPage))
	s.route("POST /admin/jobs/{id}", PracticeAdmin, s.handle(s.deadJob))
	s.route("POST /admin/mail/{id}", PracticeAdmin, s.handle(s.deadMail))
}

func (s *Server) deadLettersPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.practice.DeadLetters(r.Context(), actor(r))
	if err != nil {
		return err
	}
	v := admin.NewDeadLetters(d.Jobs, d.Mail, d.JobCount, d.MailCount, bg.MaxMailAttempts)
	s.render(w, r, http.StatusOK, "admin_jobs", page{Title: "Failed background work", Data: v})
	return nil
}

func (s *Server) deadJob(w http.ResponseWriter, r *http.Request) error {
	return s.deadLetter(w, r, false, "job")
}

func (s *Server) deadMail(w http.ResponseWriter, r *http.Request) error {
	return s.deadLetter(w, r, true, "message")
}

// deadLetter retries or discards the job or message of the path.
func (s *Server) deadLetter(w http.ResponseWriter, r *http.Request, mail bool, what string) error {
	if err := form(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "id", what)
	if err != nil {
		return err
	}
	done, err := s.practice.HandleDeadLetter(r.Context(), actor(r), mail, id, r.PostForm.Get("action"))
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/jobs", done)
	return nil
}
