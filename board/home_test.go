package board

import (
	"slices"
	"testing"
	"time"
)

// TestWaitingGroupsCoverEveryState: every state past draft waits for the
// board, for the applicant, or is closed, and for one of them only.
func TestWaitingGroupsCoverEveryState(t *testing.T) {
	for _, st := range States {
		n := 0
		for _, group := range [][]State{BoardStates, ApplicantStates, ClosedStates} {
			if slices.Contains(group, st) {
				n++
			}
		}
		if want := map[bool]int{true: 0, false: 1}[st == Draft]; n != want {
			t.Errorf("%s is in %d groups, want %d", st, n, want)
		}
		if slices.Contains(ClosedStates, st) != st.Final() {
			t.Errorf("%s: closed %v, final %v", st, slices.Contains(ClosedStates, st), st.Final())
		}
	}
}

// TestStaffWorkCounts: the counts of states add up, and the longest
// waiting of several states is the earliest of those that have any.
func TestStaffWorkCounts(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 6, d, 0, 0, 0, 0, time.UTC) }
	w := &StaffWork{Counts: []StateCount{
		{State: Submitted, N: 2, Oldest: day(5)},
		{State: UnderReview, N: 1, Oldest: day(3)},
		{State: PeerReview},
		{State: InfoRequested, N: 1, Oldest: day(1)},
	}}
	for _, tc := range []struct {
		states []State
		n      int
		oldest time.Time
	}{
		{BoardStates, 3, day(3)},
		{[]State{Submitted}, 2, day(5)},
		{[]State{PeerReview}, 0, time.Time{}},
		{ApplicantStates, 1, day(1)},
		{nil, 0, time.Time{}},
	} {
		if n, oldest := w.Count(tc.states...), w.Oldest(tc.states...); n != tc.n || !oldest.Equal(tc.oldest) {
			t.Errorf("%v: %d since %v, want %d since %v", tc.states, n, oldest, tc.n, tc.oldest)
		}
	}
	q := &WorkQueue{Counts: w.Counts}
	if q.Count(BoardStates...) != 3 {
		t.Errorf("the queue counts %d waiting for the board, want 3", q.Count(BoardStates...))
	}
}
