package board_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

func TestNormalizeLicence(t *testing.T) {
	for in, want := range map[string]string{
		"MH15873": "MH15873", "mh 15873": "MH15873", " MH-15873 ": "MH15873", "149.018842": "149018842",
		"lmft/0194412": "LMFT0194412", "ñ-12": "Ñ12", "": "", " - . ": "",
	} {
		if got := board.NormalizeLicence(in); got != want {
			t.Errorf("NormalizeLicence(%q) = %q, want %q", in, got, want)
		}
	}
}

// issueLicensed issues a credential to a new holder whose approved
// portfolio lists licences of numbers, through IssueCredential, publishes
// it and lists the holder in the registry in region.
func (f *credFixture) issueLicensed(t *testing.T, email, name, region string, numbers ...string) *auth.User {
	t.Helper()
	ctx := context.Background()
	holder := addUser(t, f.st, auth.User{Email: email, Name: name, PasswordHash: "x", Roles: []auth.Role{auth.Applicant}, CreatedAt: f.now})
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: "p", Name: name, Email: email}}
	for i, n := range numbers {
		p.Licenses = append(p.Licenses, portfolio.License{ID: "lic" + string(rune('a'+i)), Profession: "counseling", Jurisdiction: "US-FL",
			Number: n, ValidFrom: date.Of(2020, time.March, 1), Verification: portfolio.Verification{State: portfolio.Verified}})
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	err = boardsql.ForBoard{Store: f.st}.InTx(ctx, func(tx board.Tx) error {
		appID, err := tx.CreateApplication(ctx, board.Application{ApplicantID: holder.ID, SetID: f.set.ID, State: board.Approved,
			Portfolio: data, CreatedAt: f.now})
		if err != nil {
			return err
		}
		if err := tx.FreezeSnapshot(ctx, appID, data, f.set.Version, f.now); err != nil {
			return err
		}
		app := &board.Application{ID: appID, ApplicantID: holder.ID, SetID: f.set.ID, State: board.Approved, Snapshot: data,
			SnapshotSetVersion: f.set.Version, ApplicantName: name, ApplicantEmail: email}
		id, err = f.b.IssueCredential(ctx, tx, f.staff, app, f.now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.SetCredentialPublic(ctx, holder, id, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.SaveProfile(ctx, holder, board.Profile{DisplayName: name, Region: region, Country: "US", Visible: true}); err != nil {
		t.Fatal(err)
	}
	return holder
}

func matchNames(res *board.HolderResults) []string {
	var out []string
	if res == nil {
		return nil
	}
	for _, m := range res.Matches {
		out = append(out, m.DisplayName)
	}
	return out
}

// TestSearchHolders: a regulator finds listed holders by licence number
// (any spelling), name and region, with their credentials and the licence
// on file; each search by licence number is audited without the number;
// nobody but regulators and staff with two factors may search; bad input
// is refused naming the field.
func TestSearchHolders(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			regulator := addUser(t, f.st, auth.User{Email: "reg@example.org", Name: "Rita Regulator", PasswordHash: "x",
				Roles: []auth.Role{auth.Regulator}, CreatedAt: f.now})
			// As the session reads them: signed in with two factors.
			regulator.TOTPEnabledAt, f.staff.TOTPEnabledAt = f.now, f.now
			carmen := f.issueLicensed(t, "carmen@example.org", "Carmen Ruiz", "Florida", "MH15873")
			f.issueLicensed(t, "dana@example.org", "Dana Lee", "Florida", "SW17342")
			f.issueLicensed(t, "olu@example.org", "Olu Carmen", "Ontario", "CRPO-1234")

			audits := func() []string {
				log, err := f.st.AuditLog(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, e := range log {
					if e.Action == "registry.licence_search" {
						out = append(out, e.Actor+" "+e.Before+" -> "+e.After)
					}
				}
				return out
			}

			res, err := f.b.SearchHolders(ctx, regulator, board.HolderQuery{Licence: "mh-15873"})
			if err != nil || !slices.Equal(matchNames(res), []string{"Carmen Ruiz"}) || !res.ByLicence {
				t.Fatalf("by licence: %v %v", matchNames(res), err)
			}
			m := res.Matches[0]
			if len(m.Credentials) != 1 || m.Credentials[0].StatusAt(f.now) != board.StatusValid || len(m.Licences) != 1 ||
				m.Licences[0].Number != "MH15873" || m.Licences[0].Jurisdiction != "US-FL" || m.Licences[0].Verification.State != portfolio.Verified {
				t.Fatalf("the match: %+v", m)
			}
			got := audits()
			if len(got) != 1 || !strings.Contains(got[0], "licence number -> found user/") || strings.Contains(got[0], "15873") {
				t.Fatalf("audit of the search by licence: %q", got)
			}
			if !strings.HasSuffix(got[0], " found user/"+strconv.FormatInt(carmen.ID, 10)) {
				t.Errorf("the audit entry does not name whom it found: %q", got[0])
			}

			for _, tc := range []struct {
				q    board.HolderQuery
				want []string
			}{
				{board.HolderQuery{Licence: "MH15873", Region: "ontario"}, nil},
				{board.HolderQuery{Licence: "MH15873", Name: "dana"}, nil},
				{board.HolderQuery{Licence: "NO-SUCH-1"}, nil},
				{board.HolderQuery{Name: "carmen"}, []string{"Carmen Ruiz", "Olu Carmen"}},
				{board.HolderQuery{Name: "carmen", Region: "Florida"}, []string{"Carmen Ruiz"}},
				{board.HolderQuery{Region: "florida"}, []string{"Carmen Ruiz", "Dana Lee"}},
			} {
				res, err := f.b.SearchHolders(ctx, regulator, tc.q)
				if err != nil || !slices.Equal(matchNames(res), tc.want) {
					t.Errorf("%+v: %v %v, want %v", tc.q, matchNames(res), err, tc.want)
				}
			}
			if got := audits(); len(got) != 4 || !strings.HasSuffix(got[1], "licence number, region -> found no one") {
				t.Errorf("audits after three more searches by licence and three without: %q", got)
			}

			// Staff with two factors may search; an applicant, a holder, a
			// regulator without two factors and nobody may not.
			if _, err := f.b.SearchHolders(ctx, f.staff, board.HolderQuery{Licence: "MH15873"}); err != nil {
				t.Errorf("staff: %v", err)
			}
			noFactor := addUser(t, f.st, auth.User{Email: "reg2@example.org", Name: "No Factor", PasswordHash: "x", Roles: []auth.Role{auth.Regulator}, CreatedAt: f.now})
			for who, u := range map[string]*auth.User{"a holder": carmen, "an applicant": f.holder, "a regulator without two factors": noFactor, "nobody": nil} {
				if _, err := f.b.SearchHolders(ctx, u, board.HolderQuery{Licence: "MH15873"}); code(err) != certboard.Forbidden {
					t.Errorf("%s searched by licence: %v", who, err)
				}
			}
			if got := audits(); len(got) != 5 {
				t.Errorf("refused searches were audited: %q", got)
			}

			for _, tc := range []struct {
				q     board.HolderQuery
				field string
			}{
				{board.HolderQuery{}, "licence_number"},
				{board.HolderQuery{Name: "  ", Licence: " ", Region: "\t"}, "name"},
				{board.HolderQuery{Licence: strings.Repeat("9", 41)}, "licence_number"},
				{board.HolderQuery{Licence: "--/--"}, "licence_number"},
				{board.HolderQuery{Name: strings.Repeat("a", 201)}, "name"},
				{board.HolderQuery{Region: strings.Repeat("b", 101)}, "region"},
			} {
				_, err := f.b.SearchHolders(ctx, regulator, tc.q)
				var ce *certboard.Error
				if code(err) != certboard.Invalid || !errors.As(err, &ce) || ce.Fields[tc.field] == "" || !strings.Contains(ce.Message, tc.field) {
					t.Errorf("%+v: %v, want invalid naming %s", tc.q, err, tc.field)
				}
			}
		})
	}
}
