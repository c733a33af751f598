package boardsql

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
)

// TestQueueReadsWaitingTime: on both engines, the work queue counts an
// application's wait from its latest move into its state (from its last
// change when its history has none), orders and filters by it, leaves
// drafts out, and counts the applications by state.
func TestQueueReadsWaitingTime(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ann, err := s.CreateUser(ctx, User{Email: "ann@example.org", Name: "Ann Applicant", PasswordHash: "x", Roles: []auth.Role{auth.Applicant}, CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
			// Each application: its set, its moves (state, day) and the day
			// of its last change.
			type move struct {
				to  board.State
				day int
			}
			ids := map[string]int64{}
			for _, a := range []struct {
				name, set string
				moves     []move
				changed   int
			}{
				{"resubmitted", "aasect-cst", []move{{board.Submitted, 1}, {board.UnderReview, 2}, {board.Returned, 3}, {board.Submitted, 9}}, 12},
				{"reviewed", "aasect-cst", []move{{board.Submitted, 4}, {board.UnderReview, 5}}, 5},
				{"no history", "florida-sex-therapist", []move{{board.Submitted, 0}}, 7},
				{"approved", "aasect-cst", []move{{board.Submitted, 0}, {board.UnderReview, 1}, {board.PeerReview, 2}, {board.Approved, 3}}, 3},
				{"draft", "aasect-cst", nil, 0},
			} {
				err := s.InTx(ctx, func(tx *Tx) error {
					id, err := tx.CreateApplication(ctx, Application{ApplicantID: ann, SetID: a.set, State: board.Draft, Portfolio: []byte(`{}`), CreatedAt: t0})
					if err != nil {
						return err
					}
					ids[a.name] = id
					from, v := board.Draft, 1
					for _, m := range a.moves {
						if v, err = tx.SetApplicationState(ctx, id, v, from, m.to, day(a.changed)); err != nil {
							return err
						}
						if a.name != "no history" {
							if err := tx.AddEvent(ctx, Event{ApplicationID: id, At: day(m.day), Action: "move", From: from, To: m.to}); err != nil {
								return err
							}
						}
						from = m.to
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}

			names := func(f board.QueueFilter) []string {
				t.Helper()
				entries, err := s.QueueApplications(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, e := range entries {
					for n, id := range ids {
						if id == e.App.ID {
							out = append(out, n)
						}
					}
					if e.App.ID == ids["resubmitted"] && !e.Since.Equal(day(9)) {
						t.Errorf("resubmitted waits since %v, want its resubmission, %v", e.Since, day(9))
					}
					if e.App.ID == ids["no history"] && !e.Since.Equal(day(7)) {
						t.Errorf("with no history, waits since %v, want its last change, %v", e.Since, day(7))
					}
				}
				return out
			}
			for _, tc := range []struct {
				name string
				f    board.QueueFilter
				want []string
			}{
				{"all past draft, longest waiting first", board.QueueFilter{}, []string{"approved", "reviewed", "no history", "resubmitted"}},
				{"the board's states", board.QueueFilter{States: board.BoardStates}, []string{"reviewed", "no history", "resubmitted"}},
				{"one state", board.QueueFilter{States: []board.State{board.Submitted}}, []string{"no history", "resubmitted"}},
				{"one set", board.QueueFilter{SetID: "florida-sex-therapist"}, []string{"no history"}},
				{"waiting since before day 8", board.QueueFilter{WaitingBefore: day(8)}, []string{"approved", "reviewed", "no history"}},
			} {
				if got := names(tc.f); !slices.Equal(got, tc.want) {
					t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				}
			}

			counts, err := s.QueueCounts(ctx, board.QueueFilter{States: []board.State{board.Approved}, SetID: "aasect-cst"})
			if err != nil {
				t.Fatal(err)
			}
			got := map[board.State]board.StateCount{}
			for _, c := range counts {
				got[c.State] = c
			}
			if len(got) != 3 || got[board.Submitted].N != 1 || got[board.UnderReview].N != 1 || got[board.Approved].N != 1 ||
				!got[board.Submitted].Oldest.Equal(day(9)) || !got[board.UnderReview].Oldest.Equal(day(5)) {
				t.Errorf("counts of aasect-cst, whatever the states asked: %+v", counts)
			}
		})
	}
}
