package demo

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
)

// newDeps is a fresh store (SQLite, migrated) with the shipped
// requirement sets, as Seed needs them.
func newDeps(t *testing.T) (Deps, *boardsql.Store) {
	t.Helper()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := boardsql.Open(context.Background(), boardsql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	sets, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := blob.OpenDir(filepath.Join(t.TempDir(), "files"), keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	fb := boardsql.ForBoard{Store: st}
	return Deps{Store: fb, Config: board.Config{Store: fb, Catalog: sets, Blobs: docs, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}}, st
}

func TestSeed(t *testing.T) {
	d, st := newDeps(t)
	ctx := context.Background()
	logins, err := Seed(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	// The demo people, then the credential holders the registry and renewal
	// demos seed.
	if len(logins) != len(people)+len(holderLogins) {
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
	sup, err := st.Applications(ctx, boardsql.ApplicationFilter{SupervisorEmail: Email("lee.park")})
	if err != nil || len(sup) < 5 {
		t.Fatalf("supervisor's applications: %d, %v", len(sup), err)
	}
	if n, err := st.VerifyAudit(ctx); err != nil || n < 20 {
		t.Fatalf("audit: %d entries, %v", n, err)
	}
	// The board has its demo name, and the credentials it issued carry it.
	if b, err := st.BoardSettings(ctx); err != nil || b.Name != BoardDetails.Name {
		t.Errorf("the demo board's details: %+v, %v", b, err)
	}
	jordan, err := st.UserByEmail(ctx, Email("jordan"))
	if err != nil {
		t.Fatal(err)
	}
	if creds, err := st.CredentialsOf(ctx, jordan.ID); err != nil || len(creds) == 0 {
		t.Errorf("jordan's credentials: %d, %v", len(creds), err)
	} else if !strings.Contains(string(creds[0].Document), `"name":"`+BoardDetails.Name+`"`) {
		t.Errorf("jordan's credential does not name the board %q: %.300s", BoardDetails.Name, creds[0].Document)
	}
	// Seeding again changes nothing and gives the same logins.
	again, err := Seed(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	apps2, _ := st.Applications(ctx, boardsql.ApplicationFilter{})
	if len(apps2) != len(apps) || len(again) != len(logins) || again[0].TOTPSecret != logins[0].TOTPSecret {
		t.Fatalf("second seeding: %d applications (was %d)", len(apps2), len(apps))
	}
	// The renewal and registry demos, run again on their own, change
	// nothing either.
	s, err := newSeeder(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.people(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.renewals(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.registry(ctx); err != nil {
		t.Fatal(err)
	}
	if apps3, _ := st.Applications(ctx, boardsql.ApplicationFilter{}); len(apps3) != len(apps) {
		t.Fatalf("renewal and registry demos again: %d applications (was %d)", len(apps3), len(apps))
	}
}

// TestProviderIsApproved: the demo CE provider is approved by AASECT,
// and seeding it again changes nothing.
func TestProviderIsApproved(t *testing.T) {
	d, st := newDeps(t)
	ctx := context.Background()
	s, err := newSeeder(d)
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := s.account(ctx, "provider", "Sunrise Sexuality Institute", "", []auth.Role{auth.Provider})
	if err != nil {
		t.Fatal(err)
	}
	s.users["provider"] = u
	for range 2 { // twice: the second changes nothing
		if err := s.providers(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.board.ApprovedProvider(ctx, u); err != nil {
		t.Fatal(err)
	}
	p, _ := st.ProviderProfile(ctx, u.ID)
	if !slices.Contains(p.ApprovedBy(), "AASECT") {
		t.Errorf("the demo provider is not AASECT-approved: %+v", p)
	}
}

// TestBoardDetailsKeepAnAdminsChoice: the demo names a board that has no
// details yet, and leaves those an admin saved alone.
func TestBoardDetailsKeepAnAdminsChoice(t *testing.T) {
	d, st := newDeps(t)
	ctx := context.Background()
	s, err := newSeeder(d)
	if err != nil {
		t.Fatal(err)
	}
	admin, _, err := s.account(ctx, "admin", "Avery Adeyemi", "", []auth.Role{auth.Admin, auth.Staff})
	if err != nil {
		t.Fatal(err)
	}
	s.users["admin"] = admin
	if err := s.boardDetails(ctx); err != nil {
		t.Fatal(err)
	}
	if b, _ := st.BoardSettings(ctx); b.Name != BoardDetails.Name || b.ContactEmail != BoardDetails.ContactEmail || b.Version != 1 {
		t.Fatalf("after seeding: %+v", b)
	}
	mine := board.BoardSettings{Name: "Our Own Board", ContactEmail: "office@own.example.org", Version: 1}
	if _, err := s.board.SaveSettings(ctx, admin, mine); err != nil {
		t.Fatal(err)
	}
	if err := s.boardDetails(ctx); err != nil {
		t.Fatal(err)
	}
	if b, _ := st.BoardSettings(ctx); b.Name != "Our Own Board" || b.Version != 2 {
		t.Fatalf("seeding again changed an admin's details: %+v", b)
	}
}
