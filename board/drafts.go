package board

import (
	"context"
	"time"

	"github.com/certboard/certboard/audit"
)

// draftReads is what the draft use cases read outside a transaction.
type draftReads interface {
	Application(ctx context.Context, id int64) (*Application, error)
	Applications(ctx context.Context, f ApplicationFilter) ([]*Application, error)
	CredentialsOf(ctx context.Context, holderID int64) ([]*IssuedCredential, error)
	Events(ctx context.Context, applicationID int64) ([]Event, error)
}

// draftWrites is what the draft use cases write in their transaction.
type draftWrites interface {
	CreateApplication(ctx context.Context, a Application) (int64, error)
	AddEvent(ctx context.Context, e Event) error
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
	SavePortfolio(ctx context.Context, id int64, version int, portfolio []byte, at time.Time) (int, error)
	SetSupervisors(ctx context.Context, applicationID int64, links []SupervisorLink) error
}
