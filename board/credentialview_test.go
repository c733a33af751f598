package board_test

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
)

// TestViewCredential: a credential's address answers everyone; the whole
// credential only its holder, staff with two factors, and anyone once it
// is public; the holder's registry profile and renewal only the holder;
// an id no credential has is not found.
func TestViewCredential(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := f.issue(t)
			other := addUser(t, f.st, auth.User{Email: "other@example.org", Name: "Other", PasswordHash: "x", Roles: []auth.Role{auth.Applicant}, CreatedAt: f.now})
			// The store keeps a second factor apart from the account.
			oneFactor, twoFactors := *f.staff, *f.staff
			oneFactor.TOTPEnabledAt, twoFactors.TOTPEnabledAt = time.Time{}, f.now
			for _, tc := range []struct {
				name        string
				by          *auth.User
				public      bool
				full, owner bool
			}{
				{"a visitor, private", nil, false, false, false},
				{"another user, private", other, false, false, false},
				{"staff without a second factor, private", &oneFactor, false, false, false},
				{"staff, private", &twoFactors, false, true, false},
				{"the holder, private", f.holder, false, true, true},
				{"a visitor, public", nil, true, true, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if _, err := f.b.SetCredentialPublic(ctx, f.holder, c.ID, tc.public); err != nil {
						t.Fatal(err)
					}
					v, err := f.b.ViewCredential(ctx, tc.by, c.ID)
					if err != nil {
						t.Fatal(err)
					}
					if v.Credential.ID != c.ID || v.Full != tc.full || v.Owner != tc.owner || (v.Profile != nil) != tc.owner {
						t.Errorf("full %v, owner %v, profile %v; want full %v, owner %v", v.Full, v.Owner, v.Profile != nil, tc.full, tc.owner)
					}
				})
			}
			if _, err := f.b.ViewCredential(ctx, nil, "no-such-credential"); certboard.ErrorCode(err) != certboard.NotFound {
				t.Errorf("an unknown id: %v", err)
			}
		})
	}
}

// TestListCredential: listing is one step for a holder without a profile
// (a visible one with their name is made), leaves a hidden profile hidden,
// is undone by taking the credential off, and is the holder's alone.
func TestListCredential(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := f.issue(t)
			if _, err := f.b.ListCredential(ctx, f.staff, c.ID, true); certboard.ErrorCode(err) != certboard.NotFound {
				t.Fatalf("staff listed the holder's credential: %v", err)
			}
			p, err := f.b.ListCredential(ctx, f.holder, c.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Listed || p.Profile == nil || !p.Profile.Visible || p.Profile.DisplayName != f.holder.Name {
				t.Fatalf("after listing: %+v, profile %+v", p, p.Profile)
			}
			res, err := f.b.SearchRegistry(ctx, board.RegistryQuery{Q: "holder"})
			if err != nil || res.Total != 1 || len(res.Listings[0].Credentials) != 1 || res.Listings[0].Credentials[0].ID != c.ID {
				t.Fatalf("the registry after listing: %+v %v", res, err)
			}
			if p, err = f.b.ListCredential(ctx, f.holder, c.ID, false); err != nil || p.Listed || p.HasPublic {
				t.Fatalf("after taking it off: %+v %v", p, err)
			}
			if cur, _ := f.st.Credential(ctx, c.ID); cur.Public {
				t.Fatal("still public after taking it off")
			}
			// A profile the holder hid stays hidden.
			hidden := *p.Profile
			hidden.Visible = false
			if _, err := f.b.SaveProfile(ctx, f.holder, hidden); err != nil {
				t.Fatal(err)
			}
			if p, err = f.b.ListCredential(ctx, f.holder, c.ID, true); err != nil || p.Listed || !p.HasPublic || p.Profile.Visible {
				t.Fatalf("listing with a hidden profile: %+v %v", p, err)
			}
		})
	}
}
