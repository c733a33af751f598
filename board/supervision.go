package board

import (
	"context"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/jobs"
)

// supervisionReads is what the supervision use cases read outside a transaction.
type supervisionReads interface {
	Application(ctx context.Context, id int64) (*Application, error)
	Applications(ctx context.Context, f ApplicationFilter) ([]*Application, error)
	Supervisors(ctx context.Context, applicationID int64) ([]SupervisorLink, error)
}

// supervisionWrites is what the supervision use cases write in their transaction.
type supervisionWrites interface {
	SaveSupervisedEvidence(ctx context.Context, id int64, version int, live, snapshot []byte, at time.Time) (int, error)
	AddEvent(ctx context.Context, e Event) error
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
	EnqueueMail(ctx context.Context, m jobs.Mail) (int64, error)
}
