package web

import (
	"context"
	"time"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/jobs"
)

// The lifecycle of issued credentials (reminders, expiry, automatic
// suspensions, the membership sweep) is the board's (board/expire.go);
// these are the jobs of parts still served here, which the board's job
// runner runs for them.
const (
	// jobDocumentSweep removes, once a day, stored files that no document
	// names (an abandoned upload, a deletion whose file removal failed).
	jobDocumentSweep = "documents.sweep"
)

// lifecycleActor is who the audit log names for automatic changes.
const lifecycleActor = board.LifecycleActor

// handleJobs hands the board the daily sweeps of document files and of
// unverified accounts; RunDueJobs schedules and runs them with its own.
func (s *Server) handleJobs() {
	s.board.HandleJobs(jobDocumentSweep, "sweep/documents", s.documentSweepJob)
	s.board.HandleJobs(jobAccountSweep, "sweep/accounts", func(ctx context.Context, j jobs.Job, now time.Time) error {
		return s.accounts.Sweep(ctx, j.ID, lifecycleActor, now)
	})
}

// documentSweepJob runs the day's sweep of document files. It touches no
// rows: it runs before the transaction that marks the job finished
// (listing the file store inside it would hold SQLite's writer for as
// long), and deleting a file twice is harmless, so a sweep whose mark is
// lost simply runs again.
func (s *Server) documentSweepJob(ctx context.Context, j jobs.Job, now time.Time) error {
	n, err := s.SweepDocumentFiles(ctx, now.Add(-docOrphanGrace))
	if err != nil {
		return err
	}
	outcome := jobs.Skipped
	if n > 0 {
		outcome = jobs.Done
	}
	return s.board.FinishJob(ctx, j.ID, outcome, now)
}

// RunDueJobs runs every job due now (see board.RunDueJobs). It returns
// how many jobs ran.
func (s *Server) RunDueJobs(ctx context.Context) (int, error) { return s.board.RunDueJobs(ctx) }

// RunJobs runs due jobs now and then every interval until ctx ends (the
// server's shutdown); failures are logged and retried by the jobs
// themselves.
func (s *Server) RunJobs(ctx context.Context, every time.Duration) {
	if n, err := s.board.ScheduleAllLifecycles(ctx); err != nil && ctx.Err() == nil {
		s.cfg.Log.Error("scheduling credential lifecycles", "err", err)
	} else if n > 0 {
		s.cfg.Log.Info("scheduled the lifecycle jobs of earlier credentials", "jobs", n)
	}
	if n, err := s.board.LiftMissedRenewalSuspensions(ctx); err != nil && ctx.Err() == nil {
		s.cfg.Log.Error("lifting the suspensions earlier versions made on expiry", "err", err)
	} else if n > 0 {
		s.cfg.Log.Info("lifted the suspensions earlier versions made on expiry: those credentials show as expired", "credentials", n)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.RunDueJobs(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("background jobs", "ran", n, "err", err)
		} else if n > 0 {
			s.cfg.Log.Info("background jobs", "ran", n)
		}
		s.forgetThrottles(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// FollowSets takes in, every so often, the requirement-set versions that
// other instances on the same database publish (board.Board.RefreshSets),
// until ctx ends. certboard serve runs it on PostgreSQL, where several
// instances may serve one board; one instance on SQLite publishes all
// there is and needs none.
func (s *Server) FollowSets(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.board.RefreshSets(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("taking in the requirement sets published by another instance", "added", n, "err", err)
		} else if n > 0 {
			s.cfg.Log.Info("took in the requirement sets published by another instance", "versions", n)
		}
	}
}
