package boardsql

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/seal"
)

// licensed is a frozen portfolio of a person with licences of these
// numbers (as typed).
func licensed(t *testing.T, name string, numbers ...string) []byte {
	t.Helper()
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: "p1", Name: name, Email: "p@example.org"}}
	for i, n := range numbers {
		p.Licenses = append(p.Licenses, portfolio.License{ID: fmt.Sprintf("lic-%d", i), Profession: "counseling", Jurisdiction: "US-FL", Number: n,
			ValidFrom: date.Of(2020, time.January, 1)})
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// addLicensedHolder adds a holder with an approved application frozen with
// snapshot, its public credential and a listed profile; with index, the
// application's licence numbers are indexed as issuing does. It returns
// the holder's and the application's ids.
func addLicensedHolder(t *testing.T, s *Store, n int, name, region string, snapshot []byte, index bool) (holder, app int64) {
	t.Helper()
	return addLicensedHolderWith(t, s, n, name, region, snapshot, index, true)
}

// addLicensedHolderWith is addLicensedHolder, with the profile saved only
// when profile is set (saving it needs the current schema).
func addLicensedHolderWith(t *testing.T, s *Store, n int, name, region string, snapshot []byte, index, profile bool) (holder, app int64) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	uid, err := s.CreateUser(ctx, User{Email: fmt.Sprintf("licensed%d@example.org", n), Name: name, PasswordHash: "x", CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		appID, err := tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "approved", Portfolio: snapshot, CreatedAt: at})
		if err != nil {
			return err
		}
		app = appID
		if err := tx.FreezeSnapshot(ctx, appID, snapshot, "1", at); err != nil {
			return err
		}
		if err := tx.AddCredential(ctx, IssuedCredential{ID: fmt.Sprintf("lic-cred-%d", n), ApplicationID: appID, HolderID: uid, SetID: "aasect-cst",
			SetVersion: "1", Document: []byte("{}"), JWT: "x", IssuedAt: at, Public: true, RevocationList: "r", RevocationIndex: 500 + n,
			SuspensionList: "s", SuspensionIndex: 500 + n}); err != nil {
			return err
		}
		if index {
			p, err := portfolio.DecodeStored(snapshot)
			if err != nil {
				return err
			}
			if err := tx.IndexLicences(ctx, appID, board.LicenceNumbers(p)); err != nil {
				return err
			}
		}
		if !profile {
			return nil
		}
		_, err = tx.SaveProfile(ctx, listedProfile(uid, name, region), "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return uid, app
}

// listedProfile is the visible profile addLicensedHolder saves.
func listedProfile(holder int64, name, region string) Profile {
	return Profile{HolderID: holder, DisplayName: name, Region: region, Country: "US", Visible: true, UpdatedAt: time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)}
}

// holdersOf is what HoldersByLicence finds for a number as typed.
func holdersOf(t *testing.T, s *Store, typed string) []board.LicenceHolder {
	t.Helper()
	got, err := s.HoldersByLicence(context.Background(), board.NormalizeLicence(typed))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestLicenceIndexFindsWithoutHoldingNumbers: a holder is found by any
// spelling of a licence number of their approved portfolio, and by no
// other; the index holds no number, only keyed hashes; the registry
// search keeps the holders it is given.
func TestLicenceIndexFindsWithoutHoldingNumbers(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			carmen, carmenApp := addLicensedHolder(t, s, 1, "Carmen Ruiz", "Florida", licensed(t, "Carmen Ruiz", "MH15873", "LMFT-2044"), true)
			_, otherApp := addLicensedHolder(t, s, 2, "Dana Lee", "Florida", licensed(t, "Dana Lee", "SW17342"), true)

			for _, typed := range []string{"MH15873", "mh 15873", "MH-15873", " mh.15873 ", "lmft2044"} {
				got := holdersOf(t, s, typed)
				if len(got) != 1 || got[0].HolderID != carmen || got[0].ApplicationID != carmenApp {
					t.Errorf("%q: %+v, want Carmen's application %d", typed, got, carmenApp)
				}
			}
			if got := holdersOf(t, s, "SW17342"); len(got) != 1 || got[0].ApplicationID != otherApp {
				t.Errorf("SW17342: %+v", got)
			}
			for _, typed := range []string{"MH1587", "MH158730", "15873", "", "---"} {
				if got := holdersOf(t, s, typed); len(got) != 0 {
					t.Errorf("%q found %+v", typed, got)
				}
			}

			// Nothing of the numbers is stored in the index, in any spelling.
			rows, err := s.DB.QueryContext(ctx, "SELECT application_id, key_id, number_hash FROM licence_index ORDER BY application_id")
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var app int64
				var key, hash string
				if err := rows.Scan(&app, &key, &hash); err != nil {
					t.Fatal(err)
				}
				n++
				if key != s.keys.Current() || len(hash) != 64 {
					t.Errorf("entry of application %d: key %q, hash %q", app, key, hash)
				}
				for _, plain := range []string{"15873", "2044", "17342"} {
					if strings.Contains(hash, plain) {
						t.Errorf("the index holds %q in plain: %s", plain, hash)
					}
				}
			}
			rows.Close()
			if n != 3 {
				t.Fatalf("%d index entries, want 3 (two licences and one)", n)
			}

			// Indexing again replaces, never adds.
			if err := s.InTx(ctx, func(tx *Tx) error { return tx.IndexLicences(ctx, carmenApp, []string{"MH15873"}) }); err != nil {
				t.Fatal(err)
			}
			if got := holdersOf(t, s, "LMFT-2044"); len(got) != 0 {
				t.Errorf("a number no longer indexed is still found: %+v", got)
			}

			// The registry keeps only the holders it is given.
			page, err := s.SearchRegistry(ctx, RegistryQuery{Region: "Florida", Holders: []int64{carmen}})
			if err != nil || !slices.Equal(names(page.Listings), []string{"Carmen Ruiz"}) {
				t.Fatalf("registry by holders: %v %v", names(page.Listings), err)
			}
			page, err = s.SearchRegistry(ctx, RegistryQuery{Q: "dana", Holders: []int64{carmen}})
			if err != nil || len(page.Listings) != 0 {
				t.Fatalf("registry by holders and a name of another: %v %v", names(page.Listings), err)
			}
		})
	}
}

// TestLicenceIndexAcrossKeyRotation: entries made under an older key are
// still found once a new key seals; ResealAll writes them again under the
// newest key, after which the older key is not needed to find them.
func TestLicenceIndexAcrossKeyRotation(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			oldKey, newKey := seal.Generate(), seal.Generate()
			before, _ := seal.New(oldKey)
			s = New(s.DB, before)
			holder, _ := addLicensedHolder(t, s, 1, "Carmen Ruiz", "Florida", licensed(t, "Carmen Ruiz", "MH15873"), true)

			rotated, _ := seal.New(oldKey, newKey)
			s = New(s.DB, rotated)
			if got := holdersOf(t, s, "MH15873"); len(got) != 1 || got[0].HolderID != holder {
				t.Fatalf("after the rotation, before the reseal: %+v", got)
			}
			counts, err := s.ResealAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(counts, func(c Resealed) bool { return c.Column == "licence_index" })
			if i < 0 || counts[i].Count != 1 {
				t.Fatalf("reseal: %+v, want the index of one application written again", counts)
			}
			onlyNew, _ := seal.New(newKey)
			s = New(s.DB, onlyNew)
			if got := holdersOf(t, s, "MH15873"); len(got) != 1 || got[0].HolderID != holder {
				t.Fatalf("with the new key only: %+v", got)
			}
		})
	}
}

// TestLicenceIndexFilledOnUpgrade: a board that approved applications
// before the index existed finds their holders by licence number once it
// is migrated.
func TestLicenceIndexFilledOnUpgrade(t *testing.T) {
	for name, s := range engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := s.DB.MigrateTo(ctx, Migrations, licenceMigration-1); err != nil {
				t.Fatal(err)
			}
			// The profiles are saved after the upgrade: saving one writes
			// the registry's vocabulary, a later migration's table.
			holder, _ := addLicensedHolderWith(t, s, 1, "Carmen Ruiz", "Florida", licensed(t, "Carmen Ruiz", "MH15873"), false, false)
			dana, _ := addLicensedHolderWith(t, s, 2, "Dana Lee", "Florida", licensed(t, "Dana Lee"), false, false)
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx *Tx) error {
				if _, err := tx.SaveProfile(ctx, listedProfile(holder, "Carmen Ruiz", "Florida"), ""); err != nil {
					return err
				}
				_, err := tx.SaveProfile(ctx, listedProfile(dana, "Dana Lee", "Florida"), "")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if got := holdersOf(t, s, "mh 15873"); len(got) != 1 || got[0].HolderID != holder {
				t.Fatalf("after the upgrade: %+v", got)
			}
		})
	}
}
