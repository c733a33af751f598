package demo

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
)

// TestSeedPractice: the demo practice's admin, who adds two
// practitioners through the use case; everyone signs in with the demo
// password and two factors; a second seeding changes nothing and returns
// the same logins.
func TestSeedPractice(t *testing.T) {
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := practicesql.Open(ctx, practicesql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	d := PracticeDeps{Store: st, Config: practice.Config{Store: practicesql.ForPractice{Store: st}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	logins, err := SeedPractice(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(logins) != len(practicePeople) {
		t.Fatalf("%d logins", len(logins))
	}
	accounts, err := auth.NewAccounts(auth.AccountsConfig{Store: st.Accounts(), TwoFactorForAll: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range logins {
		if l.Email != Email(practicePeople[i].Local) || !slices.Equal(l.Roles, practicePeople[i].Roles) || l.TOTPSecret == "" {
			t.Errorf("login %d: %+v", i, l)
		}
		at, err := accounts.CheckPassword(ctx, auth.Client{Network: "192.0.2.1"}, l.Email, Password)
		if err != nil {
			t.Fatalf("%s signs in: %v", l.Email, err)
		}
		if !at.User.TwoFactor() {
			t.Errorf("%s signs in without two factors", l.Email)
		}
	}
	entries, err := st.AuditLog().Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var added int
	for _, e := range entries {
		if e.Action == "person.add" {
			added++
		}
	}
	if added != len(practicePeople)-1 {
		t.Fatalf("%d people added through the use case, want %d", added, len(practicePeople)-1)
	}
	if n, err := st.AuditLog().Verify(ctx); err != nil || n != len(entries) {
		t.Fatalf("the audit log: %d %v", n, err)
	}
	again, err := SeedPractice(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(again, logins, func(a, b Login) bool { return a.Email == b.Email && a.TOTPSecret == b.TOTPSecret }) {
		t.Fatalf("a second seeding returned other logins:\n%+v\n%+v", again, logins)
	}
	if after, _ := st.AuditLog().Entries(ctx); len(after) != len(entries) {
		t.Fatalf("a second seeding wrote %d audit entries", len(after)-len(entries))
	}
}
