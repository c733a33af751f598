package board_test

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
)

// newBoards returns a board on each engine, with two applicants.
func newBoards(t *testing.T) map[string]struct {
	b          *board.Board
	ann, other *auth.User
} {
	t.Helper()
	out := map[string]struct {
		b          *board.Board
		ann, other *auth.User
	}{}
	for name, st := range stores(t) {
		users := make([]*auth.User, 2)
		for i, email := range []string{"ann@example.org", "bo@example.org"} {
			users[i] = addUser(t, st, auth.User{Email: email, Name: email[:3], Roles: []auth.Role{auth.Applicant}, CreatedAt: time.Now()})
		}
		out[name] = struct {
			b          *board.Board
			ann, other *auth.User
		}{newBoard(t, st, nil, time.Now), users[0], users[1]}
	}
	return out
}

func TestStartAndEditOwnApplication(t *testing.T) {
	ctx := context.Background()
	for name, e := range newBoards(t) {
		t.Run(name, func(t *testing.T) {
			b, ann, other := e.b, e.ann, e.other
			set := b.ApplicationSets()[0].ID
			for _, tc := range []struct {
				name, set string
				want      certboard.Code
			}{
				{"starts", set, ""},
				{"a second open application", set, certboard.Conflict},
				{"a set one cannot apply for", "no-such-set", certboard.Invalid},
			} {
				if _, err := b.StartApplication(ctx, ann, tc.set); certboard.ErrorCode(err) != tc.want {
					t.Errorf("%s: %v, want code %q", tc.name, err, tc.want)
				}
			}
			apps, _, err := b.MyApplications(ctx, ann)
			if err != nil || len(apps) != 1 || apps[0].State != board.Draft {
				t.Fatalf("MyApplications: %v, %v", apps, err)
			}
			app := apps[0]
			if _, err := b.OwnApplication(ctx, other, app.ID); certboard.ErrorCode(err) != certboard.NotFound {
				t.Errorf("another applicant reached the application: %v", err)
			}
			if _, _, err := b.EditableApplication(ctx, other, app.ID); certboard.ErrorCode(err) != certboard.NotFound {
				t.Errorf("another applicant may edit the application: %v", err)
			}
			_, p, err := b.EditableApplication(ctx, ann, app.ID)
			if err != nil {
				t.Fatal(err)
			}
			q := *p
			q.Person.Name = "Ann Changed"
			v, err := b.SavePortfolio(ctx, ann, app, app.Version, &q, "changed person")
			if err != nil || v != app.Version+1 {
				t.Fatalf("SavePortfolio: %d, %v", v, err)
			}
			if _, err := b.SavePortfolio(ctx, ann, app, app.Version, &q, "again"); err == nil {
				t.Error("an edit from an old version was stored")
			}
			if _, err := b.SavePortfolio(ctx, other, app, v, &q, "not mine"); certboard.ErrorCode(err) != certboard.NotFound {
				t.Errorf("another applicant saved the portfolio: %v", err)
			}
			submitted := *app
			submitted.State = board.Submitted
			if _, err := b.SavePortfolio(ctx, ann, &submitted, v, &q, "too late"); certboard.ErrorCode(err) != certboard.Conflict {
				t.Errorf("a submitted application's portfolio was saved: %v", err)
			}
			now, _ := b.OwnApplication(ctx, ann, app.ID)
			if _, err := b.DeleteItem(ctx, ann, now, now.Version, "education", "edu-1"); certboard.ErrorCode(err) != certboard.NotFound {
				t.Errorf("deleting a missing item: %v", err)
			}
			if _, err := b.DeleteItem(ctx, other, now, now.Version, "education", "edu-1"); certboard.ErrorCode(err) != certboard.NotFound {
				t.Errorf("another applicant deleted an item: %v", err)
			}
			events, err := b.OwnHistory(ctx, ann, now)
			if err != nil || len(events) != 1 || events[0].Action != "start" {
				t.Errorf("OwnHistory: %v, %v", events, err)
			}
		})
	}
}
