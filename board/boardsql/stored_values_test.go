package boardsql

import (
	"context"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
)

// TestBadStoredValuesFail: a role or a state the code does not know, written
// into a row behind the store's back, makes the read fail, naming the value,
// rather than granting nothing or showing a state no rule knows.
func TestBadStoredValuesFail(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			id, err := s.CreateUser(ctx, User{Email: "ann@example.org", Name: "Ann", PasswordHash: "x", Roles: []auth.Role{auth.Applicant}, CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			var app int64
			err = s.InTx(ctx, func(tx *Tx) error {
				if app, err = tx.CreateApplication(ctx, Application{ApplicantID: id, SetID: "aasect-cst", State: board.Draft, Portfolio: []byte(`{}`), CreatedAt: t0}); err != nil {
					return err
				}
				return tx.AddEvent(ctx, Event{ApplicationID: app, At: t0, ActorID: id, Action: "start", To: board.Draft})
			})
			if err != nil {
				t.Fatal(err)
			}
			if a, err := s.Application(ctx, app); err != nil || a.State != board.Draft {
				t.Fatalf("Application: %+v, %v", a, err)
			}
			if ev, err := s.Events(ctx, app); err != nil || len(ev) != 1 || ev[0].From != "" || ev[0].To != board.Draft {
				t.Fatalf("Events: %+v, %v", ev, err)
			}

			if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE users SET roles = ? WHERE id = ?"), "applicant,owner", id); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UserByID(ctx, id); err == nil || !strings.Contains(err.Error(), `"owner" is not a role`) {
				t.Errorf("UserByID with role owner: %v, want an error naming it", err)
			}
			if _, err := s.Users(ctx, auth.Staff); err == nil {
				t.Error("Users with a bad row: no error")
			}

			if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE applications SET state = ? WHERE id = ?"), "closed", app); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Application(ctx, app); err == nil || !strings.Contains(err.Error(), `"closed" is not a state`) {
				t.Errorf("Application in state closed: %v, want an error naming it", err)
			}
			if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE application_events SET to_state = ? WHERE application_id = ?"), "limbo", app); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Events(ctx, app); err == nil || !strings.Contains(err.Error(), `"limbo" is not a state`) {
				t.Errorf("Events to limbo: %v, want an error naming it", err)
			}
		})
	}
}
