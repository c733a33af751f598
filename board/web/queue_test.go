package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
)

// TestQueueOpensOnTheBoardsWork: the work queue opens on the applications
// waiting for the board, the longest waiting in its state first (counted
// from when it entered the state, not from its last change), with the
// count of each state; those waiting for applicants and the decided ones
// are a state filter away, as links and in the form.
func TestQueueOpensOnTheBoardsWork(t *testing.T) {
	b := queueNewBoard(t)
	ctx := context.Background()
	data := queuePortfolio(t)
	apps := map[string]int64{}
	for _, tc := range []struct {
		name  string
		path  []board.State
		set   string
		since int // days ago it entered its last state
	}{
		{"Ann Submitted", []board.State{board.Submitted}, "aasect-cst", 40},
		{"Ben Reviewing", []board.State{board.Submitted, board.UnderReview}, "aasect-cst", 10},
		{"Gil Supervised", []board.State{board.Submitted}, "florida-sex-therapist", 60},
		{"Eve Asked", []board.State{board.Submitted, board.UnderReview, board.InfoRequested}, "aasect-cst", 5},
		{"Dan Approved", []board.State{board.Submitted, board.UnderReview, board.PeerReview, board.Approved}, "aasect-cst", 100},
		{"Fay Withdrew", []board.State{board.Withdrawn}, "aasect-cst", 3},
	} {
		u := addUser(t, b.st, strings.ToLower(strings.Fields(tc.name)[0])+"@example.org", tc.name, auth.Applicant)
		id := b.create(t, u, tc.set, data)
		from := board.Draft
		for _, st := range tc.path {
			b.forceState(t, id, st)
			at := queueClock.AddDate(0, 0, -tc.since)
			if err := b.s.inTx(ctx, func(tx *boardsql.Tx) error {
				return tx.AddEvent(ctx, board.Event{ApplicationID: id, At: at, Action: "test", From: from, To: st})
			}); err != nil {
				t.Fatal(err)
			}
			from = st
		}
		apps[tc.name] = id
	}
	b.create(t, addUser(t, b.st, "dora@example.org", "Dora Drafting", auth.Applicant), "aasect-cst", data)
	// Gil's supervisor confirmed a session yesterday: a change, but Gil
	// still waits for the board since the submission.
	if _, err := b.st.DB.ExecContext(ctx, "UPDATE applications SET updated_at = ? WHERE id = ?",
		queueClock.AddDate(0, 0, -1).Format("2006-01-02T15:04:05.000000Z"), apps["Gil Supervised"]); err != nil {
		t.Fatal(err)
	}

	listed := func(query string) (string, []string) {
		t.Helper()
		rec := getAs(t, b.h, "/queue"+query, b.staffC)
		body := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", query, rec.Code, body)
		}
		var names []string
		for _, row := range strings.Split(body, "<tr>")[2:] {
			_, rest, _ := strings.Cut(row, `">`)
			name, _, _ := strings.Cut(rest, "</a>")
			names = append(names, name)
		}
		return body, names
	}

	body, names := listed("")
	if got, want := strings.Join(names, ", "), "Gil Supervised, Ann Submitted, Ben Reviewing"; got != want {
		t.Errorf("the queue opens on %s, want %s: the board's work, longest waiting first", got, want)
	}
	for _, w := range []string{
		`<h2 id="results">Waiting for the board: 3 applications</h2>`,
		`<a href="/queue" aria-current="page">Waiting for the board <span class="count">(3)</span></a>`,
		`<a href="/queue?state=submitted">Submitted <span class="count">(2)</span></a>`,
		`<a href="/queue?state=applicant">Waiting for the applicant <span class="count">(1)</span></a>`,
		`<a href="/queue?state=closed">Decided or withdrawn <span class="count">(2)</span></a>`,
		`<a href="/queue?state=approved">Approved <span class="count">(1)</span></a>`,
		`<a href="/queue?state=denied">Denied <span class="count">(0)</span></a>`,
		`<a href="/queue?state=all">All applications <span class="count">(6)</span></a>`,
		`<td>60</td>`, `<option value="" selected>Waiting for the board</option>`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("the queue lacks %s", w)
		}
	}

	for _, tc := range []struct{ query, want string }{
		{"?state=closed", "Dan Approved, Fay Withdrew"},
		{"?state=applicant", "Eve Asked"},
		{"?state=approved", "Dan Approved"},
		{"?state=all", "Dan Approved, Gil Supervised, Ann Submitted, Ben Reviewing, Eve Asked, Fay Withdrew"},
		{"?state=all&age=30", "Dan Approved, Gil Supervised, Ann Submitted"},
		{"?set=florida-sex-therapist", "Gil Supervised"},
	} {
		if _, names := listed(tc.query); strings.Join(names, ", ") != tc.want {
			t.Errorf("%s lists %s, want %s", tc.query, strings.Join(names, ", "), tc.want)
		}
	}
	// The links keep the other filters and count within them; the chosen
	// group stays chosen in the form.
	body, _ = listed("?state=closed&age=30")
	for _, w := range []string{
		`<a href="/queue?age=30&amp;state=closed" aria-current="page">Decided or withdrawn <span class="count">(1)</span></a>`,
		`<a href="/queue?age=30">Waiting for the board <span class="count">(2)</span></a>`,
		`<option value="closed" selected>Decided or withdrawn</option>`,
		`<h2 id="results">Decided or withdrawn: 1 application</h2>`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("closed, waiting more than 30 days: the page lacks %s", w)
		}
	}
	if rec := getAs(t, b.h, "/queue?state=decided", b.staffC); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "Choose a state from the list (applicant, closed, all, submitted") {
		t.Errorf("an unknown group: %d", rec.Code)
	}
}
