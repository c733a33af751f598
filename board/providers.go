package board

import (
	"context"
	"strings"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/jobs"
)

// providerReads is what the provider use cases read outside a transaction.
type providerReads interface {
	// ReportedCompletion is what a provider reported for a course and a
	// credential already (ErrNotFound: nothing).
	ReportedCompletion(ctx context.Context, providerID int64, courseID, credentialID string) (*Completion, error)
	ProviderProfile(ctx context.Context, userID int64) (*ProviderProfile, error)
	ProviderProfiles(ctx context.Context) ([]*ProviderProfile, error)
	Completions(ctx context.Context, f CompletionFilter) ([]*Completion, error)
	Credential(ctx context.Context, id string) (*IssuedCredential, error)
	UserByID(ctx context.Context, id int64) (*auth.User, error)
	Application(ctx context.Context, id int64) (*Application, error)
	BoardSettings(ctx context.Context) (*BoardSettings, error)
}

// providerWrites is what the provider use cases write in their transaction.
type providerWrites interface {
	SetProviderProfile(ctx context.Context, p ProviderProfile) error
	CompletionByKey(ctx context.Context, providerID int64, courseID, credentialID string) (*Completion, error)
	AddCompletion(ctx context.Context, c Completion) (int64, error)
	OpenRenewalID(ctx context.Context, credentialID string) (int64, error)
	SavePortfolio(ctx context.Context, id int64, version int, portfolio []byte, at time.Time) (int, error)
	CredentialForUpdate(ctx context.Context, id string) (*IssuedCredential, error)
	CreateApplication(ctx context.Context, a Application) (int64, error)
	AddEvent(ctx context.Context, e Event) error
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
	EnqueueMail(ctx context.Context, m jobs.Mail) (int64, error)
}

// ProviderApproval is one body's approval of a CE provider: AASECT's
// approved-provider number, a Florida CE Broker provider number...
type ProviderApproval struct {
	Body   string `json:"body"`
	Number string `json:"number"`
}

// ProviderProfile is what the board records of a CE provider account: the
// name it reports under, the bodies that approved it, and the board's own
// approval, from and until a day (zero: open).
type ProviderProfile struct {
	UserID        int64
	Email         string // the account's, read from it
	Name          string
	Approvals     []ProviderApproval
	Approved      bool
	ApprovedFrom  date.Date
	ApprovedUntil date.Date
	UpdatedAt     time.Time
}

// Active reports whether the board's approval holds on a day.
func (p *ProviderProfile) Active(on date.Date) bool {
	return p.Approved && (p.ApprovedFrom.IsZero() || !on.Before(p.ApprovedFrom)) && (p.ApprovedUntil.IsZero() || !on.After(p.ApprovedUntil))
}

// ApprovedBy lists the bodies that approved the provider, in order, once
// each.
func (p *ProviderProfile) ApprovedBy() []string {
	var out []string
	for _, a := range p.Approvals {
		if a.Body != "" && !containsFold(out, a.Body) {
			out = append(out, a.Body)
		}
	}
	return out
}

// Completion is a course a CE provider reported for a credential holder,
// and where it went: the renewal application and the evidence item in its
// portfolio.
type Completion struct {
	ID               int64
	ProviderID       int64
	CourseID         string
	CredentialID     string
	HolderID         int64
	HolderEmail      string // the holder's account address, read from it
	ApplicationID    int64
	ItemID           string
	Title            string
	Date             date.Date
	Hours            float64
	Delivery         string
	SexualityRelated bool
	Areas            map[string][]string
	ReportedAt       time.Time
}

// CompletionFilter selects completions; zero fields match all.
type CompletionFilter struct {
	ProviderID    int64
	ApplicationID int64
	// After keeps completions with a greater id: the cursor of the page
	// before, for paging through in id order.
	After int64
	// Limit is the most to return (0: all).
	Limit int
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
