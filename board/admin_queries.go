package board

import (
	"context"

	"github.com/certboard/certboard/auth"
)

// AdminCounts is what the admin home page counts.
type AdminCounts struct {
	Users, Admins, Staff, Reviewers, Supervisors int
	// SetVersions counts the versions in force; Drafts and Published the
	// uploads.
	SetVersions, Drafts, Published int
	// BoardName is the name an admin gave; BoardSet says whether the
	// board's details were ever saved.
	BoardName      string
	BoardSet       bool
	TrustedIssuers int
}

// AdminCounts counts, for an admin, the accounts by role, the requirement
// sets and uploads, and the trust list, and says whether the board's
// details were set.
func (b *Board) AdminCounts(ctx context.Context, by *auth.User) (*AdminCounts, error) {
	if err := mayAdminister(by); err != nil {
		return nil, err
	}
	users, err := b.store.Users(ctx, "")
	if err != nil {
		return nil, err
	}
	ups, err := b.store.SetUploads(ctx, false)
	if err != nil {
		return nil, err
	}
	s, err := b.store.BoardSettings(ctx)
	if err != nil {
		return nil, err
	}
	trusted, err := b.store.TrustedIssuers(ctx)
	if err != nil {
		return nil, err
	}
	c := &AdminCounts{Users: len(users), BoardName: s.Name, BoardSet: s.Version > 0, TrustedIssuers: len(trusted)}
	for _, u := range users {
		for role, n := range map[auth.Role]*int{auth.Admin: &c.Admins, auth.Staff: &c.Staff, auth.Reviewer: &c.Reviewers, auth.Supervisor: &c.Supervisors} {
			if u.HasRole(role) {
				*n++
			}
		}
	}
	reg := b.Catalog()
	for _, id := range reg.IDs() {
		c.SetVersions += len(reg.Versions(id))
	}
	for _, up := range ups {
		if up.Published() {
			c.Published++
		} else {
			c.Drafts++
		}
	}
	return c, nil
}
