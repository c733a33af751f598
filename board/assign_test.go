package board_test

import (
	"context"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
)

func TestAssignReviewer(t *testing.T) {
	for _, tc := range []struct {
		name, by, reviewer string
		state              board.State
		want               certboard.Code // "" when it succeeds
	}{
		{"assigns", "sam", "priya", board.UnderReview, ""},
		{"shares a practice", "sam", "grace", board.UnderReview, certboard.Invalid},
		{"not a reviewer", "sam", "olga", board.UnderReview, certboard.Invalid},
		{"already decided", "sam", "priya", board.Approved, certboard.Conflict},
		{"not staff", "olga", "priya", board.UnderReview, certboard.NotFound},
		{"own application", "ann", "priya", board.UnderReview, certboard.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for engine, w := range worlds(t) {
				ctx := context.Background()
				app := w.application(t, tc.state)
				next, err := w.b.AssignReviewer(ctx, w.users[tc.by], app.ID, w.users[tc.reviewer].ID, app.Version)
				if got := code(err); got != tc.want {
					t.Fatalf("%s: code %q (%v), want %q", engine, got, err, tc.want)
				}
				list, err := w.st.Assignments(ctx, app.ID)
				if err != nil {
					t.Fatal(err)
				}
				if assigned := len(list) == 1 && list[0].ReviewerID == w.users[tc.reviewer].ID; assigned != (tc.want == "") {
					t.Fatalf("%s: assignments after: %+v", engine, list)
				}
				if tc.want == "" && next != app.Version+1 {
					t.Fatalf("%s: version %d after, want %d", engine, next, app.Version+1)
				}
			}
		})
	}
}

func TestStaffNeverAssignOnTheirOwnApplication(t *testing.T) {
	for engine, w := range worlds(t) {
		ctx := context.Background()
		sam := w.users["sam"]
		app := w.application(t, board.UnderReview)
		sam.ID = app.ApplicantID // Sam applied
		if _, err := w.b.AssignReviewer(ctx, sam, app.ID, w.users["priya"].ID, app.Version); code(err) != certboard.Forbidden {
			t.Fatalf("%s: staff assigning on their own application: %v", engine, err)
		}
	}
}

func TestCastVote(t *testing.T) {
	for _, tc := range []struct {
		name, by, vote, comments string
		state                    board.State
		want                     certboard.Code
	}{
		{"approves", "priya", "approve", "", board.PeerReview, ""},
		{"rejects with comments", "priya", "reject", "No supervision log.", board.PeerReview, ""},
		{"rejects without comments", "priya", "reject", " ", board.PeerReview, certboard.Malformed},
		{"no such vote", "priya", "maybe", "", board.PeerReview, certboard.Malformed},
		{"not in peer review", "priya", "approve", "", board.UnderReview, certboard.Conflict},
		{"not assigned", "grace", "approve", "", board.PeerReview, certboard.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for engine, w := range worlds(t) {
				ctx := context.Background()
				app := w.application(t, board.UnderReview)
				if _, err := w.b.AssignReviewer(ctx, w.users["sam"], app.ID, w.users["priya"].ID, app.Version); err != nil {
					t.Fatal(err)
				}
				if tc.state != board.UnderReview {
					fresh, _ := w.st.Application(ctx, app.ID)
					if _, err := w.b.Transition(ctx, w.users["sam"], fresh, board.Move{Action: board.SendToPeerReview, To: tc.state, Version: fresh.Version}); err != nil {
						t.Fatal(err)
					}
				}
				err := w.b.CastVote(ctx, w.users[tc.by], app.ID, tc.vote, tc.comments)
				if got := code(err); got != tc.want {
					t.Fatalf("%s: code %q (%v), want %q", engine, got, err, tc.want)
				}
				list, _ := w.st.Assignments(ctx, app.ID)
				if voted := len(list) == 1 && list[0].Vote == tc.vote; voted != (tc.want == "") {
					t.Fatalf("%s: assignments after: %+v", engine, list)
				}
			}
		})
	}
}
