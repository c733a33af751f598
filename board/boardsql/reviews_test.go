package boardsql

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
)

// reviewFixture creates an applicant, two reviewers and one submitted
// application, and returns their ids.
func reviewFixture(t *testing.T, s *Store) (applicant, rev1, rev2, app int64) {
	t.Helper()
	ctx := context.Background()
	var err error
	mk := func(email, name string, roles ...auth.Role) int64 {
		id, err := s.CreateUser(ctx, User{Email: email, Name: name, PasswordHash: "x", Roles: roles, CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	applicant = mk("ann@example.org", "Ann Applicant", auth.Applicant)
	rev1 = mk("rita@example.org", "Rita Reviewer", auth.Reviewer)
	rev2 = mk("bob@example.org", "Bob Reviewer", auth.Reviewer)
	err = s.InTx(context.Background(), func(tx *Tx) error {
		app, err = tx.CreateApplication(ctx, Application{ApplicantID: applicant, SetID: "aasect-cst", State: "draft",
			Portfolio: []byte(`{"live":true}`), CreatedAt: t0})
		if err != nil {
			return err
		}
		if _, err := tx.SetApplicationState(ctx, app, 1, "draft", "submitted", t0); err != nil {
			return err
		}
		return tx.FreezeSnapshot(ctx, app, []byte(`{"frozen":1}`), "2024", t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	return applicant, rev1, rev2, app
}

func TestSaveSnapshotIsVersionGuarded(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			_, _, _, app := reviewFixture(t, s)
			at := t0.Add(time.Hour)
			var v int
			err := s.InTx(context.Background(), func(tx *Tx) (err error) {
				v, err = tx.SaveSnapshot(ctx, app, 2, []byte(`{"frozen":2}`), at)
				return err
			})
			if err != nil || v != 3 {
				t.Fatalf("SaveSnapshot: version %d, %v", v, err)
			}
			a, err := s.Application(ctx, app)
			if err != nil {
				t.Fatal(err)
			}
			if string(a.Snapshot) != `{"frozen":2}` || string(a.Portfolio) != `{"live":true}` || a.Version != 3 ||
				!a.UpdatedAt.Equal(at) || !a.SubmittedAt.Equal(t0) || a.SnapshotSetVersion != "2024" {
				t.Fatalf("after SaveSnapshot: %+v", a)
			}
			// The stored column is sealed, never the plain text.
			var raw string
			if err := s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT snapshot FROM applications WHERE id = ?"), app).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if raw == `{"frozen":2}` {
				t.Fatal("the snapshot is stored in clear")
			}
			err = s.InTx(context.Background(), func(tx *Tx) error {
				_, err := tx.SaveSnapshot(ctx, app, 2, []byte(`{"frozen":"stale"}`), at)
				return err
			})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("stale version: %v, want ErrConflict", err)
			}
			if a, _ := s.Application(ctx, app); string(a.Snapshot) != `{"frozen":2}` || a.Version != 3 {
				t.Fatalf("a stale write changed the snapshot: %s v%d", a.Snapshot, a.Version)
			}
			err = s.InTx(context.Background(), func(tx *Tx) error {
				_, err := tx.SaveSnapshot(ctx, app+100, 1, []byte(`{}`), at)
				return err
			})
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown application: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestAssignmentsAndVotes(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			applicant, rev1, rev2, app := reviewFixture(t, s)
			assign := func(version int, reviewer int64, at time.Time) (int, error) {
				var v int
				err := s.InTx(context.Background(), func(tx *Tx) (err error) {
					v, err = tx.AssignReviewer(ctx, app, version, reviewer, applicant, at)
					return err
				})
				return v, err
			}
			if v, err := assign(2, rev1, t0.Add(time.Minute)); err != nil || v != 3 {
				t.Fatalf("assign rev1: %d %v", v, err)
			}
			if _, err := assign(3, rev1, t0.Add(2*time.Minute)); !errors.Is(err, ErrConflict) {
				t.Fatalf("assigning twice: %v, want ErrConflict", err)
			}
			if _, err := assign(2, rev2, t0.Add(2*time.Minute)); !errors.Is(err, ErrConflict) {
				t.Fatalf("stale version: %v, want ErrConflict", err)
			}
			if v, err := assign(3, rev2, t0.Add(2*time.Minute)); err != nil || v != 4 {
				t.Fatalf("assign rev2: %d %v", v, err)
			}
			list, err := s.Assignments(ctx, app)
			if err != nil || len(list) != 2 || list[0].ReviewerID != rev1 || list[1].ReviewerID != rev2 ||
				list[0].ReviewerName != "Rita Reviewer" || list[0].ReviewerEmail != "rita@example.org" || list[0].Vote != "" ||
				!list[0].VotedAt.IsZero() || !list[0].AssignedAt.Equal(t0.Add(time.Minute)) || list[0].AssignedBy != applicant {
				t.Fatalf("Assignments: %+v %v", list, err)
			}
			if ok, _ := s.IsAssigned(ctx, app, rev2); !ok {
				t.Fatal("IsAssigned does not see the assignment")
			}
			mine, err := s.Applications(ctx, ApplicationFilter{ReviewerID: rev1})
			if err != nil || len(mine) != 1 || mine[0].ID != app {
				t.Fatalf("applications of rev1: %v %v", mine, err)
			}

			voteAt := t0.Add(time.Hour)
			if err := s.InTx(context.Background(), func(tx *Tx) error {
				return tx.Vote(ctx, app, rev1, VoteRevise, "Needs more supervision detail.", voteAt)
			}); err != nil {
				t.Fatal(err)
			}
			// Changing the vote replaces it.
			if err := s.InTx(context.Background(), func(tx *Tx) error {
				return tx.Vote(ctx, app, rev1, VoteApprove, "", voteAt.Add(time.Minute))
			}); err != nil {
				t.Fatal(err)
			}
			own, err := s.ReviewerAssignments(ctx, rev1)
			if err != nil || len(own) != 1 || own[0].Vote != VoteApprove || own[0].Comments != "" || !own[0].VotedAt.Equal(voteAt.Add(time.Minute)) {
				t.Fatalf("ReviewerAssignments: %+v %v", own, err)
			}
			outsider := applicant // not a reviewer of this application
			if err := s.InTx(context.Background(), func(tx *Tx) error {
				return tx.Vote(ctx, app, outsider, VoteApprove, "", voteAt)
			}); !errors.Is(err, ErrNotFound) {
				t.Fatalf("vote by someone not assigned: %v, want ErrNotFound", err)
			}

			// The two votes counted as edits: a decision made on what was
			// read before them (version 4) is stale.
			if err := s.InTx(context.Background(), func(tx *Tx) error {
				_, err := tx.UnassignReviewer(ctx, app, 4, rev1, voteAt)
				return err
			}); !errors.Is(err, ErrConflict) {
				t.Fatalf("unassign with the version read before the votes: %v", err)
			}
			// Unassigning is version-guarded and removes the vote with the assignment.
			if err := s.InTx(context.Background(), func(tx *Tx) error {
				v, err := tx.UnassignReviewer(ctx, app, 6, rev1, voteAt)
				if err == nil && v != 7 {
					t.Errorf("new version %d, want 7", v)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if ok, _ := s.IsAssigned(ctx, app, rev1); ok {
				t.Fatal("still assigned after UnassignReviewer")
			}
			if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.EndAssignment(ctx, app, rev1) }); !errors.Is(err, ErrNotFound) {
				t.Fatalf("ending an assignment that is gone: %v", err)
			}
			if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.EndAssignment(ctx, app, rev2) }); err != nil {
				t.Fatal(err)
			}
			if list, _ := s.Assignments(ctx, app); len(list) != 0 {
				t.Fatalf("assignments left: %+v", list)
			}
			if a, _ := s.Application(ctx, app); a.Version != 8 {
				t.Fatalf("EndAssignment counts as one edit: version %d, want 8", a.Version)
			}
		})
	}
}

// TestFlagConflict: the conflict found after assignment is recorded on the
// assignment, read back with it and by FlaggedAssignments, cleared with "";
// a change counts as an edit of the application, setting the same value
// again does not; a reviewer not assigned is ErrNotFound.
func TestFlagConflict(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			applicant, rev1, rev2, app := reviewFixture(t, s)
			for i, rev := range []int64{rev1, rev2} {
				if err := s.InTx(context.Background(), func(tx *Tx) error {
					_, err := tx.AssignReviewer(ctx, app, 2+i, rev, applicant, t0.Add(time.Minute))
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			flag := func(reviewer int64, conflict string) (bool, error) {
				var changed bool
				err := s.InTx(context.Background(), func(tx *Tx) (err error) {
					changed, err = tx.FlagConflict(ctx, app, reviewer, conflict)
					return err
				})
				return changed, err
			}
			version := func() int {
				a, err := s.Application(ctx, app)
				if err != nil {
					t.Fatal(err)
				}
				return a.Version
			}
			const why = "works in the applicant's practice (Lakeview)"
			v0 := version()
			if changed, err := flag(rev2, why); err != nil || !changed {
				t.Fatalf("flag: %v %v", changed, err)
			}
			if v := version(); v != v0+1 {
				t.Fatalf("flagging: version %d, want %d", v, v0+1)
			}
			if changed, err := flag(rev2, why); err != nil || changed {
				t.Fatalf("the same flag again: %v %v", changed, err)
			}
			if v := version(); v != v0+1 {
				t.Fatalf("the same flag again changed the version to %d", v)
			}
			list, err := s.Assignments(ctx, app)
			if err != nil || len(list) != 2 || list[0].Conflict != "" || list[1].Conflict != why {
				t.Fatalf("Assignments: %+v %v", list, err)
			}
			flagged, err := s.FlaggedAssignments(ctx)
			if err != nil || len(flagged) != 1 || flagged[0].ApplicationID != app || flagged[0].ReviewerID != rev2 || flagged[0].Conflict != why {
				t.Fatalf("FlaggedAssignments: %+v %v", flagged, err)
			}
			if _, err := flag(applicant, why); !errors.Is(err, ErrNotFound) {
				t.Fatalf("flagging someone not assigned: %v, want ErrNotFound", err)
			}
			if changed, err := flag(rev2, ""); err != nil || !changed {
				t.Fatalf("clearing: %v %v", changed, err)
			}
			if flagged, err := s.FlaggedAssignments(ctx); err != nil || len(flagged) != 0 {
				t.Fatalf("after clearing: %+v %v", flagged, err)
			}
			if v := version(); v != v0+2 {
				t.Fatalf("clearing: version %d, want %d", v, v0+2)
			}
		})
	}
}

func TestConflicts(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			applicant, rev1, rev2, _ := reviewFixture(t, s)
			declare := func(c Conflict) error {
				return s.InTx(context.Background(), func(tx *Tx) error { return tx.DeclareConflict(ctx, c) })
			}
			if err := declare(Conflict{ReviewerID: rev1, ApplicantID: applicant, Reason: "Former colleague", DeclaredAt: t0}); err != nil {
				t.Fatal(err)
			}
			if err := declare(Conflict{ReviewerID: rev2, ApplicantID: applicant, Reason: "Friend", DeclaredAt: t0}); err != nil {
				t.Fatal(err)
			}
			// Declaring again replaces the reason.
			if err := declare(Conflict{ReviewerID: rev1, ApplicantID: applicant, Reason: "Co-author", DeclaredAt: t0.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if err := declare(Conflict{ReviewerID: rev1, ApplicantID: applicant, Reason: "  ", DeclaredAt: t0}); err == nil {
				t.Fatal("a conflict without a reason was accepted")
			}
			cs, err := s.Conflicts(ctx, applicant)
			if err != nil || len(cs) != 2 {
				t.Fatalf("Conflicts: %+v %v", cs, err)
			}
			// Ordered by reviewer name: Bob, then Rita.
			if cs[0].ReviewerID != rev2 || cs[0].ReviewerName != "Bob Reviewer" || cs[1].ReviewerID != rev1 || cs[1].Reason != "Co-author" ||
				!cs[1].DeclaredAt.Equal(t0.Add(time.Hour)) || cs[1].ApplicantID != applicant {
				t.Fatalf("Conflicts: %+v", cs)
			}
			if cs, err := s.Conflicts(ctx, rev1); err != nil || len(cs) != 0 {
				t.Fatalf("conflicts of someone else: %+v %v", cs, err)
			}
		})
	}
}

func TestHoldState(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			_, _, _, app := reviewFixture(t, s)
			a, err := s.Application(ctx, app)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.HoldState(ctx, app, a.State) }); err != nil {
				t.Fatalf("hold in its own state %s: %v", a.State, err)
			}
			err = s.InTx(context.Background(), func(tx *Tx) error { return tx.HoldState(ctx, app, "peer_review") })
			if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "not peer review") {
				t.Fatalf("hold in another state: %v, want ErrConflict naming both", err)
			}
			if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.HoldState(ctx, app+1000, a.State) }); !errors.Is(err, ErrNotFound) {
				t.Fatalf("no such application: %v, want ErrNotFound", err)
			}
			if b, _ := s.Application(ctx, app); b.Version != a.Version || b.State != a.State || !b.UpdatedAt.Equal(a.UpdatedAt) {
				t.Fatalf("holding changed the application: %+v", b)
			}
		})
	}
}
