package board

import (
	"strings"
	"time"

	"github.com/certboard/certboard/date"
)

// providerReads is what the provider use cases read outside a transaction.
type providerReads interface{}

// providerWrites is what the provider use cases write in their transaction.
type providerWrites interface{}

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
