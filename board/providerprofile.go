package board

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
)

// ProviderProfileInput is what an admin sets of a provider account.
type ProviderProfileInput struct {
	Name          string             `json:"name"`
	Approvals     []ProviderApproval `json:"approvals"`
	Approved      bool               `json:"approved"`
	ApprovedFrom  string             `json:"approved_from"`
	ApprovedUntil string             `json:"approved_until"`
}

// profile checks the input and returns the profile it describes, or what
// to fix ("field: how", one a problem).
func (in ProviderProfileInput) profile(userID int64, at time.Time) (ProviderProfile, []string) {
	p := ProviderProfile{UserID: userID, Name: strings.TrimSpace(in.Name), Approved: in.Approved, UpdatedAt: at}
	var probs []string
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 200 {
		probs = append(probs, "name: give the name the provider reports under, as holders know it (at most 200 characters)")
	}
	for i, a := range in.Approvals {
		a.Body, a.Number = strings.TrimSpace(a.Body), strings.TrimSpace(a.Number)
		if a.Body == "" || utf8.RuneCountInString(a.Body) > 100 || utf8.RuneCountInString(a.Number) > 100 {
			probs = append(probs, fmt.Sprintf("approvals[%d]: name the approving body (such as AASECT or Florida CE Broker) and give its provider number, each at most 100 characters", i))
			continue
		}
		p.Approvals = append(p.Approvals, a)
	}
	for _, f := range []struct {
		name, value string
		to          *date.Date
	}{{"approved_from", in.ApprovedFrom, &p.ApprovedFrom}, {"approved_until", in.ApprovedUntil, &p.ApprovedUntil}} {
		if v := strings.TrimSpace(f.value); v != "" {
			d, err := date.Parse(v)
			if err != nil {
				probs = append(probs, f.name+": "+err.Error()+"; leave it empty for no limit")
			}
			*f.to = d
		}
	}
	if !p.ApprovedFrom.IsZero() && !p.ApprovedUntil.IsZero() && p.ApprovedUntil.Before(p.ApprovedFrom) {
		probs = append(probs, "approved_until: is before approved_from")
	}
	return p, probs
}

// mayManageProviders refuses anyone but an admin.
func mayManageProviders(by *auth.User) error {
	if by == nil || !by.HasRole(auth.Admin) {
		return &certboard.Error{Code: certboard.Forbidden, Message: "Only the board's admins manage CE providers."}
	}
	return nil
}

// SetProviderProfile is an admin recording a provider account's profile
// and the board's approval, audited; it returns the profile saved.
func (b *Board) SetProviderProfile(ctx context.Context, by *auth.User, uid int64, in ProviderProfileInput) (*ProviderProfile, error) {
	if err := mayManageProviders(by); err != nil {
		return nil, err
	}
	u, err := b.store.UserByID(ctx, uid)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, &certboard.Error{Code: certboard.NotFound, Title: "Not found", Message: fmt.Sprintf("No account has id %d.", uid)}
	}
	if err != nil {
		return nil, err
	}
	if !u.HasRole(auth.Provider) {
		return nil, &certboard.Error{Code: certboard.Invalid, Title: "Not a provider account", Field: "uid",
			Message: fmt.Sprintf("uid: account %d (%s) does not hold the provider role; grant it on the users page first", uid, u.Email)}
	}
	p, probs := in.profile(uid, b.clock.Now())
	if len(probs) > 0 {
		return nil, &certboard.Error{Code: certboard.Invalid, Title: "Invalid provider profile", Message: strings.Join(probs, "; ")}
	}
	if err := b.saveProviderProfile(ctx, fmt.Sprintf("user/%d", by.ID), p); err != nil {
		return nil, err
	}
	return b.store.ProviderProfile(ctx, uid)
}

// ApproveDemoProvider approves the demo CE provider u (AASECT-approved,
// with a Florida CE Broker number), unless it has a profile already.
func (b *Board) ApproveDemoProvider(ctx context.Context, u *auth.User) error {
	if _, err := b.store.ProviderProfile(ctx, u.ID); err == nil {
		return nil
	} else if !errors.Is(err, certboard.ErrNotFound) {
		return err
	}
	now := b.clock.Now()
	return b.saveProviderProfile(ctx, "system", ProviderProfile{UserID: u.ID, Name: u.Name, Approved: true, ApprovedFrom: DayOf(now).AddYears(-2), UpdatedAt: now,
		Approvals: []ProviderApproval{{Body: "AASECT", Number: "AP-2024-0117"}, {Body: "Florida CE Broker", Number: "50-21876"}}})
}

// saveProviderProfile stores p with its audit entry (before and after) in
// one transaction.
func (b *Board) saveProviderProfile(ctx context.Context, actor string, p ProviderProfile) error {
	var before string
	if old, err := b.store.ProviderProfile(ctx, p.UserID); err == nil {
		before = profileSummary(old)
	}
	return b.store.InTx(ctx, func(tx Tx) error {
		if err := tx.SetProviderProfile(ctx, p); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, audit.Entry{At: p.UpdatedAt, Actor: actor, Action: "provider.profile",
			Subject: fmt.Sprintf("user/%d", p.UserID), Before: before, After: profileSummary(&p)})
		return err
	})
}

// profileSummary is a provider profile for the audit log.
func profileSummary(p *ProviderProfile) string {
	out, _ := json.Marshal(map[string]any{"name": p.Name, "approvals": p.Approvals, "approved": p.Approved,
		"approved_from": dateOrEmpty(p.ApprovedFrom), "approved_until": dateOrEmpty(p.ApprovedUntil)})
	return string(out)
}

func dateOrEmpty(d date.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// ProviderProfiles lists every provider profile by name, for admins.
func (b *Board) ProviderProfiles(ctx context.Context, by *auth.User) ([]*ProviderProfile, error) {
	if err := mayManageProviders(by); err != nil {
		return nil, err
	}
	return b.store.ProviderProfiles(ctx)
}

// ProviderHome is what a provider's own page shows: its profile (nil
// before the board records one), whether the approval is in force today,
// and its latest reports, newest first (at most 50; More says there are
// others).
type ProviderHome struct {
	Profile     *ProviderProfile
	Active      bool
	Completions []*Completion
	More        bool
}

// ProviderHome returns a provider's own page.
func (b *Board) ProviderHome(ctx context.Context, provider *auth.User) (*ProviderHome, error) {
	h := &ProviderHome{}
	prof, err := b.store.ProviderProfile(ctx, provider.ID)
	switch {
	case err == nil:
		h.Profile, h.Active = prof, prof.Active(b.Today())
	case !errors.Is(err, certboard.ErrNotFound):
		return nil, err
	}
	all, err := b.store.Completions(ctx, CompletionFilter{ProviderID: provider.ID})
	if err != nil {
		return nil, err
	}
	slices.Reverse(all)
	if len(all) > 50 {
		all, h.More = all[:50], true
	}
	h.Completions = all
	return h, nil
}

// ReportedBy lists a provider's own reports in id order, after the
// completion id after, at most limit of them (0: all).
func (b *Board) ReportedBy(ctx context.Context, provider *auth.User, after int64, limit int) ([]*Completion, error) {
	return b.store.Completions(ctx, CompletionFilter{ProviderID: provider.ID, After: after, Limit: limit})
}
