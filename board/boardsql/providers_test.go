package boardsql

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
)

func TestProvidersAndCompletionsOnBothEngines(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
			prov, err := s.CreateUser(ctx, User{Email: "ce@provider.example", Name: "Sunrise", PasswordHash: "x", Roles: []auth.Role{auth.Provider}, CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			other, err := s.CreateUser(ctx, User{Email: "other@provider.example", Name: "Other", PasswordHash: "x", Roles: []auth.Role{auth.Provider}, CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			holder, err := s.CreateUser(ctx, User{Email: "holder@example.org", Name: "Holder", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}

			// Profiles: none yet, then set, then replaced.
			if _, err := s.ProviderProfile(ctx, prov); !errors.Is(err, ErrNotFound) {
				t.Fatalf("no profile yet: %v", err)
			}
			p := ProviderProfile{UserID: prov, Name: "Sunrise Sexuality Institute", Approved: true, ApprovedFrom: date.MustParse("2025-01-01"),
				Approvals: []ProviderApproval{{Body: "AASECT", Number: "AP-1234"}, {Body: "Florida CE Broker", Number: "50-9999"}, {Body: "aasect", Number: "dup"}}, UpdatedAt: at}
			if err := s.SetProviderProfile(ctx, s.DB, p); err != nil {
				t.Fatal(err)
			}
			got, err := s.ProviderProfile(ctx, prov)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != p.Name || got.Email != "ce@provider.example" || !got.Approved || got.ApprovedFrom != p.ApprovedFrom || !got.ApprovedUntil.IsZero() ||
				len(got.Approvals) != 3 || got.Approvals[1].Number != "50-9999" || !got.UpdatedAt.Equal(at) {
				t.Fatalf("profile: %+v", got)
			}
			if by := got.ApprovedBy(); len(by) != 2 || by[0] != "AASECT" || by[1] != "Florida CE Broker" {
				t.Errorf("approved by %v", by)
			}
			if got.Active(date.MustParse("2024-12-31")) || !got.Active(date.MustParse("2026-05-04")) {
				t.Errorf("active: before its start %v, later %v", got.Active(date.MustParse("2024-12-31")), got.Active(date.MustParse("2026-05-04")))
			}
			p.Approved, p.ApprovedUntil, p.Approvals = false, date.MustParse("2026-01-31"), nil
			if err := s.SetProviderProfile(ctx, s.DB, p); err != nil {
				t.Fatal(err)
			}
			if got, err = s.ProviderProfile(ctx, prov); err != nil || got.Approved || got.ApprovedUntil != p.ApprovedUntil || len(got.Approvals) != 0 || got.Active(date.MustParse("2026-01-01")) {
				t.Fatalf("replaced profile: %+v %v", got, err)
			}
			if err := s.SetProviderProfile(ctx, s.DB, ProviderProfile{UserID: other, Name: "Another Provider", UpdatedAt: at}); err != nil {
				t.Fatal(err)
			}
			all, err := s.ProviderProfiles(ctx)
			if err != nil || len(all) != 2 || all[0].Name != "Another Provider" {
				t.Fatalf("profiles: %v %v", all, err)
			}

			// Completions need a credential and an application.
			var appID int64
			err = s.InTx(ctx, func(tx *Tx) error {
				if appID, err = tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-renewal", State: "draft", Portfolio: []byte("{}"), CreatedAt: at}); err != nil {
					return err
				}
				return tx.AddCredential(ctx, IssuedCredential{ID: "cred-1", ApplicationID: appID, HolderID: holder, SetID: "aasect-cst", SetVersion: "1",
					Document: []byte("{}"), JWT: "x", IssuedAt: at, RevocationList: "r", RevocationIndex: 1, SuspensionList: "s", SuspensionIndex: 1})
			})
			if err != nil {
				t.Fatal(err)
			}
			c := Completion{ProviderID: prov, CourseID: "SSI-101", CredentialID: "cred-1", HolderID: holder, ApplicationID: appID, ItemID: "ce-1",
				Title: "Pleasure, desire and consent", Date: date.MustParse("2026-03-02"), Hours: 6.5, Delivery: "live_online", SexualityRelated: true,
				Areas: map[string][]string{"aasect-cst": {"ethics"}}, ReportedAt: at}
			add := func(c Completion) (int64, error) {
				var id int64
				err := s.InTx(ctx, func(tx *Tx) error {
					var err error
					id, err = tx.AddCompletion(ctx, c)
					return err
				})
				return id, err
			}
			id, err := add(c)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := add(c); !errors.Is(err, ErrConflict) {
				t.Fatalf("the same course twice: %v", err)
			}
			found, err := s.CompletionByKey(ctx, s.DB, prov, "SSI-101", "cred-1")
			if err != nil {
				t.Fatal(err)
			}
			if found.ID != id || found.HolderEmail != "holder@example.org" || found.Hours != 6.5 || !found.SexualityRelated || found.Date != c.Date ||
				found.Areas["aasect-cst"][0] != "ethics" || !found.ReportedAt.Equal(at) || found.ItemID != "ce-1" || found.ApplicationID != appID {
				t.Fatalf("found %+v", found)
			}
			if _, err := s.CompletionByKey(ctx, s.DB, other, "SSI-101", "cred-1"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("another provider's key: %v", err)
			}
			// Another provider may use the same course id; areas may be empty.
			c2 := c
			c2.ProviderID, c2.ItemID, c2.Areas, c2.SexualityRelated = other, "ce-2", nil, false
			if _, err := add(c2); err != nil {
				t.Fatal(err)
			}
			for i := 2; i <= 4; i++ {
				c3 := c
				c3.CourseID, c3.ItemID = "SSI-10"+string(rune('0'+i)), "ce-x"
				if _, err := add(c3); err != nil {
					t.Fatal(err)
				}
			}
			page, err := s.Completions(ctx, CompletionFilter{ProviderID: prov, Limit: 2})
			if err != nil || len(page) != 2 || page[0].ID != id {
				t.Fatalf("first page: %v %v", page, err)
			}
			rest, err := s.Completions(ctx, CompletionFilter{ProviderID: prov, After: page[1].ID, Limit: 10})
			if err != nil || len(rest) != 2 {
				t.Fatalf("second page: %v %v", rest, err)
			}
			for _, x := range append(page, rest...) {
				if x.ProviderID != prov {
					t.Errorf("another provider's completion listed: %+v", x)
				}
			}
			theirs, err := s.Completions(ctx, CompletionFilter{ProviderID: other})
			if err != nil || len(theirs) != 1 || theirs[0].Areas != nil || theirs[0].SexualityRelated {
				t.Fatalf("the other provider's: %+v %v", theirs, err)
			}
			byApp, err := s.Completions(ctx, CompletionFilter{ApplicationID: appID})
			if err != nil || len(byApp) != 5 {
				t.Fatalf("by application: %d %v", len(byApp), err)
			}
		})
	}
}
