package web

import (
	"context"
	"time"
)

// RunJobs does the practice's background work every period until ctx is
// done: forgetting the counters of failed sign-ins that no longer matter
// (auth.Accounts.ForgetThrottles) and checking again the credentials that
// are due (checkCredentials), reminding clients of their sessions
// (sendSessionReminders) and mailing the links of the measures that
// schedules have due (sendDueMeasures). The mail outbox is drained by
// notify.Run beside it.
func (s *Server) RunJobs(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.accounts.ForgetThrottles(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("forgetting old failed attempts", "err", err)
		} else if n > 0 {
			s.cfg.Log.Debug("forgot old failed attempts", "counters", n)
		}
		s.checkCredentials(ctx)
		s.sendSessionReminders(ctx)
		s.sendDueMeasures(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
