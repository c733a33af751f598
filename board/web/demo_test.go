package web

import (
	"context"
	"slices"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
)

func TestSeedDemo(t *testing.T) {
	s, st := newServer(t)
	ctx := context.Background()
	logins, err := s.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The demo people, then the credential holders the registry and renewal
	// demos seed.
	if len(logins) != len(demoPeople)+len(demoHolderLogins) {
		t.Fatalf("%d logins", len(logins))
	}
	for _, l := range logins {
		// Staff, admins and the regulator must sign in with two factors.
		staff := slices.Contains(l.Roles, auth.Staff) || slices.Contains(l.Roles, auth.Admin) || slices.Contains(l.Roles, auth.Regulator)
		if staff != (l.TOTPSecret != "") {
			t.Errorf("%s: staff or regulator %v, TOTP secret %q", l.Email, staff, l.TOTPSecret)
		}
	}
	apps, err := st.Applications(ctx, boardsql.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[board.State]int{}
	for _, a := range apps {
		states[a.State]++
	}
	for _, want := range board.States {
		if states[want] == 0 {
			t.Errorf("no demo application is %s (have %v)", want, states)
		}
	}
	// The approved one has two approving votes; the one in peer review one.
	for _, a := range apps {
		as, err := st.Assignments(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch a.State {
		case "approved":
			if a.RenewsCredential != "" {
				// Renewals are approved by staff without peer review.
				continue
			}
			if len(as) != 2 || as[0].Vote != "approve" || as[1].Vote != "approve" {
				t.Errorf("approved application %d: assignments %+v", a.ID, as)
			}
		case "peer_review":
			if len(as) != 2 {
				t.Errorf("peer review application %d: assignments %+v", a.ID, as)
			}
		}
	}
	// The supervisor sees the applications that name them.
	sup, err := st.Applications(ctx, boardsql.ApplicationFilter{SupervisorEmail: demoEmail("lee.park")})
	if err != nil || len(sup) < 5 {
		t.Fatalf("supervisor's applications: %d, %v", len(sup), err)
	}
	if n, err := st.VerifyAudit(ctx); err != nil || n < 20 {
		t.Fatalf("audit: %d entries, %v", n, err)
	}
	// Seeding again changes nothing and gives the same logins.
	again, err := s.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	apps2, _ := st.Applications(ctx, boardsql.ApplicationFilter{})
	if len(apps2) != len(apps) || len(again) != len(logins) || again[0].TOTPSecret != logins[0].TOTPSecret {
		t.Fatalf("second seeding: %d applications (was %d)", len(apps2), len(apps))
	}
}
