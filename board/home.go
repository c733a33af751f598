package board

import (
	"context"
	"slices"
	"time"

	"github.com/certboard/certboard/auth"
)

// HomeRoles are the roles that have work of their own on a person's home
// page, the primary first: a person holding several sees the work of the
// first they hold first. The applicant's own applications and credentials
// come after all of them.
var HomeRoles = []auth.Role{auth.Admin, auth.Staff, auth.Regulator, auth.Provider, auth.Reviewer, auth.Supervisor}

// Home is what waits for a signed-in person, by the roles they hold: the
// page they land on. A part is nil when the person does not hold its role
// (or, for staff work, has not turned on two-factor sign-in).
type Home struct {
	// Roles are the roles of HomeRoles the person holds, primary first
	// (an admin holds staff's too); none for someone who only applies for
	// and holds credentials.
	Roles []auth.Role
	// NeedsTwoFactor: the person holds a role whose pages need two-factor
	// sign-in (staff, admin, regulator) and has not turned it on.
	NeedsTwoFactor bool
	Admin          *AdminCounts
	Staff          *StaffWork
	Regulator      *RegulatorWork
	Provider       *ProviderHome
	Reviews        *ReviewWork
	Supervision    *SupervisionWork
	// Own is the person's own applications and credentials.
	Own OwnWork
}

// StaffWork is what waits for board staff: the applications in each state
// past draft, and those with a reviewer flagged with a conflict.
type StaffWork struct {
	// Counts has every state past draft, in the order of States.
	Counts []StateCount
	// Conflicts counts the undecided applications with a reviewer found
	// in a conflict of interest after their assignment.
	Conflicts int
}

// Count returns how many applications are in one of states.
func (w *StaffWork) Count(states ...State) int { return countIn(w.Counts, states) }

// Oldest returns since when the longest waiting application in one of
// states has been in its state (zero when none is).
func (w *StaffWork) Oldest(states ...State) time.Time {
	var t time.Time
	for _, c := range w.Counts {
		if slices.Contains(states, c.State) && c.N > 0 && (t.IsZero() || c.Oldest.Before(t)) {
			t = c.Oldest
		}
	}
	return t
}

// RegulatorWork is what a regulator finds on their home: how many holders
// the registry lists, to look up.
type RegulatorWork struct {
	Listed int
	// ListedCapped: there are more than Listed.
	ListedCapped bool
}

// ReviewWork is what waits for a peer reviewer: the applications in peer
// review they have not voted on in this round, and how many undecided
// applications are assigned to them.
type ReviewWork struct {
	ToVote []*Application
	Open   int
}

// SupervisionWork is what waits for a supervisor: the undecided
// applications that name them with evidence still to confirm.
type SupervisionWork struct {
	// Waiting are the applications with sessions or clinical hours
	// awaiting the supervisor's confirmation.
	Waiting []*Supervision
	// Items counts those sessions and hours; Supervisees the undecided
	// applications that name the supervisor.
	Items, Supervisees int
}

// OwnWork is a person's own applications and credentials.
type OwnWork struct {
	// Open are the undecided applications, the latest change first.
	Open        []*Application
	Credentials []*IssuedCredential
	// Closed counts the decided and withdrawn applications.
	Closed int
}

// Home returns what waits for u, by the roles they hold (see Home).
func (b *Board) Home(ctx context.Context, u *auth.User) (*Home, error) {
	h := &Home{NeedsTwoFactor: auth.NeedsTwoFactor(u) && !u.TwoFactor()}
	for _, r := range HomeRoles {
		// Admins are staff too (auth.User.IsStaff).
		if u.HasRole(r) || r == auth.Staff && u.IsStaff() {
			h.Roles = append(h.Roles, r)
		}
	}
	var err error
	if u.HasRole(auth.Admin) {
		if h.Admin, err = b.AdminCounts(ctx, u); err != nil {
			return nil, err
		}
	}
	if u.IsStaff() && u.TwoFactor() {
		if h.Staff, err = b.staffWork(ctx); err != nil {
			return nil, err
		}
	}
	if u.HasRole(auth.Regulator) {
		page, err := b.SearchRegistry(ctx, RegistryQuery{Limit: 1})
		if err != nil {
			return nil, err
		}
		h.Regulator = &RegulatorWork{Listed: page.Total, ListedCapped: page.TotalCapped}
	}
	if u.HasRole(auth.Provider) {
		if h.Provider, err = b.ProviderHome(ctx, u); err != nil {
			return nil, err
		}
	}
	if u.HasRole(auth.Reviewer) {
		if h.Reviews, err = b.reviewWork(ctx, u); err != nil {
			return nil, err
		}
	}
	if u.HasRole(auth.Supervisor) {
		if h.Supervision, err = b.supervisionWork(ctx, u); err != nil {
			return nil, err
		}
	}
	apps, creds, err := b.MyApplications(ctx, u)
	if err != nil {
		return nil, err
	}
	h.Own.Credentials = creds
	for _, a := range apps {
		if a.State.Final() {
			h.Own.Closed++
		} else {
			h.Own.Open = append(h.Own.Open, a)
		}
	}
	return h, nil
}

// staffWork counts the work queue by state and the applications with a
// flagged reviewer.
func (b *Board) staffWork(ctx context.Context) (*StaffWork, error) {
	counts, err := b.queueCounts(ctx, QueueFilter{})
	if err != nil {
		return nil, err
	}
	flagged, err := b.store.FlaggedAssignments(ctx)
	if err != nil {
		return nil, err
	}
	w := &StaffWork{Counts: counts}
	var apps []int64
	for _, a := range flagged {
		if !slices.Contains(apps, a.ApplicationID) {
			apps = append(apps, a.ApplicationID)
		}
	}
	if len(apps) > 0 {
		open, err := b.store.QueueApplications(ctx, QueueFilter{States: append(append([]State(nil), BoardStates...), ApplicantStates...)})
		if err != nil {
			return nil, err
		}
		for _, e := range open {
			if slices.Contains(apps, e.App.ID) {
				w.Conflicts++
			}
		}
	}
	return w, nil
}

// reviewWork finds the applications waiting for u's vote.
func (b *Board) reviewWork(ctx context.Context, u *auth.User) (*ReviewWork, error) {
	reviews, err := b.MyReviews(ctx, u)
	if err != nil {
		return nil, err
	}
	w := &ReviewWork{}
	for _, r := range reviews {
		if r.App.State.Final() {
			continue
		}
		w.Open++
		if r.App.State == PeerReview && !r.Current {
			w.ToVote = append(w.ToVote, r.App)
		}
	}
	return w, nil
}

// supervisionWork finds the applications with evidence awaiting u's
// confirmation.
func (b *Board) supervisionWork(ctx context.Context, u *auth.User) (*SupervisionWork, error) {
	list, err := b.Supervisees(ctx, u)
	if err != nil {
		return nil, err
	}
	w := &SupervisionWork{Supervisees: len(list)}
	for _, v := range list {
		if v.Awaiting > 0 {
			w.Waiting = append(w.Waiting, v)
			w.Items += v.Awaiting
		}
	}
	return w, nil
}
