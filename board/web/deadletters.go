package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/web/admin"
	"github.com/prometheus/client_golang/prometheus"
)

// Failed background work: the jobs and the messages of the outbox given
// up after their last try (board.DeadLetters), which admins retry or
// discard, one at a time, with plain forms.

func (s *Server) deadLetterRoutes() {
	s.route("GET /admin/jobs", Admin, s.handle(s.deadLettersPage))
	s.route("POST /admin/jobs/{id}", Admin, s.handle(s.deadJobPage))
	s.route("POST /admin/mail/{id}", Admin, s.handle(s.deadMailPage))
}

func (s *Server) deadLettersPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.board.DeadLetters(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	v := admin.NewDeadLetters(d.Jobs, d.Mail, d.JobCount, d.MailCount, jobs.MaxAttempts)
	s.render(w, r, http.StatusOK, "admin_jobs", page{Title: "Failed background work", Data: v})
	return nil
}

// deadLetterForm reads the {id} of the path and the form's action.
func (s *Server) deadLetterForm(w http.ResponseWriter, r *http.Request) (int64, board.DeadLetterAction, error) {
	if err := s.form(w, r); err != nil {
		return 0, "", err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, "", certboard.FieldError(certboard.NotFound, "id", "no such job or message")
	}
	action, err := board.ParseDeadLetterAction(r.PostForm.Get("action"))
	return id, action, err
}

func (s *Server) deadJobPage(w http.ResponseWriter, r *http.Request) error {
	id, action, err := s.deadLetterForm(w, r)
	if err != nil {
		return err
	}
	j, err := s.board.HandleDeadJob(r.Context(), userFrom(r), id, action)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Job %s is due again: the next run of the background jobs tries it.", j.Key)
	if action == board.DiscardDead {
		msg = fmt.Sprintf("Job %s was discarded: it will not run.", j.Key)
	}
	redirect(w, r, "/admin/jobs", msg)
	return nil
}

func (s *Server) deadMailPage(w http.ResponseWriter, r *http.Request) error {
	id, action, err := s.deadLetterForm(w, r)
	if err != nil {
		return err
	}
	m, err := s.board.HandleDeadMail(r.Context(), userFrom(r), id, action)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("The message %q to %s is due again.", m.Subject, m.To)
	if action == board.DiscardDead {
		msg = fmt.Sprintf("The message %q to %s was discarded: it will not be sent.", m.Subject, m.To)
	}
	redirect(w, r, "/admin/jobs", msg)
	return nil
}

// initJobMetrics counts failed job attempts by kind and by what followed
// (retry or dead), and reports how many jobs and messages are dead, read
// from the database at each scrape (so every instance reports the same
// figure).
func (s *Server) initJobMetrics() {
	s.jobFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certboard_job_failures_total",
		Help: "Failed attempts of background jobs by kind and what followed: retry (tried again later) or dead (given up).",
	}, []string{"kind", "then"})
	s.metrics.MustRegister(s.jobFailures)
	s.board.OnJobFailure(func(kind string, dead bool) {
		then := "retry"
		if dead {
			then = "dead"
		}
		s.jobFailures.WithLabelValues(kind, then).Inc()
	})
	count := func(mail bool) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			j, m, err := s.board.CountDeadLetters(ctx)
			if err != nil {
				s.cfg.Log.Warn("counting dead jobs for the metrics", "err", err)
				return -1
			}
			if mail {
				return float64(m)
			}
			return float64(j)
		}
	}
	for _, q := range []struct {
		queue string
		mail  bool
	}{{"jobs", false}, {"mail", true}} {
		s.metrics.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "certboard_dead_letters", ConstLabels: prometheus.Labels{"queue": q.queue},
			Help: "Jobs (queue jobs) and outbox messages (queue mail) given up after their last try, waiting for an admin (-1: could not be counted).",
		}, count(q.mail)))
	}
}
