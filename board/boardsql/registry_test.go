package boardsql

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// registryHolder is a holder to add: a profile and credentials.
type registryHolder struct {
	p     Profile
	creds []IssuedCredential
}

// addRegistryHolder adds a holder with an approved application, the
// credentials and the profile.
func addRegistryHolder(t *testing.T, s *Store, n int, h registryHolder) int64 {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	uid, err := s.CreateUser(ctx, User{Email: fmt.Sprintf("holder%d@example.org", n), Name: h.p.DisplayName, PasswordHash: "x", CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		appID, err := tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "approved", Portfolio: []byte("{}"), CreatedAt: at})
		if err != nil {
			return err
		}
		for i, c := range h.creds {
			c.ApplicationID, c.HolderID = appID, uid
			if c.ID == "" {
				c.ID = fmt.Sprintf("cred-%d-%d", n, i)
			}
			if c.SetID == "" {
				c.SetID = "aasect-cst"
			}
			c.SetVersion, c.Document, c.JWT = "1", []byte("{}"), "x"
			if c.IssuedAt.IsZero() {
				c.IssuedAt = at
			}
			c.RevocationList, c.RevocationIndex, c.SuspensionList, c.SuspensionIndex = "r", n*10+i, "s", n*10+i
			if err := tx.AddCredential(ctx, c); err != nil {
				return err
			}
		}
		h.p.HolderID, h.p.UpdatedAt = uid, at
		_, err = tx.SaveProfile(ctx, h.p, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return uid
}

func names(ls []Listing) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.DisplayName)
	}
	return out
}

func TestRegistrySearchOnBothEngines(t *testing.T) {
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	until := now.AddDate(1, 0, 0)
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			pub := func(id string) IssuedCredential { return IssuedCredential{ID: id, Public: true, ValidUntil: until} }
			jordan := addRegistryHolder(t, s, 1, registryHolder{p: Profile{DisplayName: "Jordan Reyes", City: "Chicago", Region: "Illinois", Country: "US",
				Specialties: []string{"desire", "relationship"}, Telehealth: true, Languages: []string{"en", "es"}, Practice: "Lakeview Couples Clinic", Visible: true,
				AcceptingReferrals: true}, creds: []IssuedCredential{pub("jordan-1")}})
			addRegistryHolder(t, s, 2, registryHolder{p: Profile{DisplayName: "Amélie Côté", City: "Montréal", Region: "Québec", Country: "CA",
				Specialties: []string{"pain"}, Languages: []string{"fr", "en"}, Practice: "Clinique Côté", Visible: true, AcceptingReferrals: true},
				creds: []IssuedCredential{{ID: "amelie-1", Public: true, SuspendedAt: now.AddDate(0, -1, 0), ValidUntil: until}}})
			addRegistryHolder(t, s, 3, registryHolder{p: Profile{DisplayName: "Hidden Person", City: "Chicago", Country: "US", Visible: false},
				creds: []IssuedCredential{pub("hidden-1")}})
			addRegistryHolder(t, s, 4, registryHolder{p: Profile{DisplayName: "Private Credential", City: "Chicago", Country: "US", Visible: true},
				creds: []IssuedCredential{{ID: "private-1", ValidUntil: until}}})
			addRegistryHolder(t, s, 5, registryHolder{p: Profile{DisplayName: "Jorge Expired", City: "Austin", Region: "Texas", Country: "US",
				Specialties: []string{"ed"}, Telehealth: true, Languages: []string{"es"}, Practice: "Austin Therapy", Visible: true},
				creds: []IssuedCredential{{ID: "jorge-1", Public: true, ValidUntil: now.AddDate(0, 0, -1)}, {ID: "jorge-priv", ValidUntil: until}}})
			addRegistryHolder(t, s, 6, registryHolder{p: Profile{DisplayName: "Rita Revoked", City: "Chicago", Region: "Illinois", Country: "US", Visible: true, Practice: "Rita Therapy"},
				creds: []IssuedCredential{{ID: "rita-1", Public: true, RevokedAt: now, ValidUntil: until}}})
			addRegistryHolder(t, s, 7, registryHolder{p: Profile{DisplayName: "Sam Superseded", City: "Boston", Country: "US", Visible: true},
				creds: []IssuedCredential{pub("sam-1"), {ID: "sam-2", SetID: "florida-sex-therapist", Public: true, ValidUntil: until}}})
			// AddCredential ignores revocation, suspension, supersession: set them.
			err := s.InTx(ctx, func(tx *Tx) error {
				if err := tx.SetCredentialStatus(ctx, "amelie-1", "suspend", "x", now); err != nil {
					return err
				}
				if err := tx.SetCredentialStatus(ctx, "rita-1", "revoke", "x", now); err != nil {
					return err
				}
				return tx.SupersedeCredential(ctx, "sam-1", "sam-2", now)
			})
			if err != nil {
				t.Fatal(err)
			}
			search := func(q RegistryQuery) *RegistryPage {
				t.Helper()
				pg, err := s.SearchRegistry(ctx, q)
				if err != nil {
					t.Fatalf("%+v: %v", q, err)
				}
				return pg
			}
			cases := []struct {
				q    RegistryQuery
				want []string
			}{
				{RegistryQuery{}, []string{"Jordan Reyes", "Amélie Côté", "Jorge Expired", "Rita Revoked", "Sam Superseded"}},
				{RegistryQuery{Q: "Jordan"}, []string{"Jordan Reyes"}},
				{RegistryQuery{Q: "jor"}, []string{"Jordan Reyes", "Jorge Expired"}},
				{RegistryQuery{Q: "JOR reyes"}, []string{"Jordan Reyes"}},
				{RegistryQuery{Q: "amelie cote"}, []string{"Amélie Côté"}},
				{RegistryQuery{Q: "montreal"}, []string{"Amélie Côté"}},
				{RegistryQuery{Q: "therapy"}, []string{"Jorge Expired", "Rita Revoked"}},
				{RegistryQuery{Q: "hidden"}, nil},
				{RegistryQuery{Q: "private"}, nil},
				{RegistryQuery{Specialty: "pain"}, []string{"Amélie Côté"}},
				{RegistryQuery{Specialty: "desire", Region: "illinois"}, []string{"Jordan Reyes"}},
				{RegistryQuery{City: "chicago"}, []string{"Jordan Reyes", "Rita Revoked"}},
				{RegistryQuery{City: "Montreal", Country: "ca"}, []string{"Amélie Côté"}},
				{RegistryQuery{Country: "US", Telehealth: "yes"}, []string{"Jordan Reyes", "Jorge Expired"}},
				{RegistryQuery{Telehealth: "no"}, []string{"Amélie Côté", "Rita Revoked", "Sam Superseded"}},
				{RegistryQuery{Language: "es"}, []string{"Jordan Reyes", "Jorge Expired"}},
				{RegistryQuery{Accepting: "yes"}, []string{"Jordan Reyes", "Amélie Côté"}},
				{RegistryQuery{Accepting: "yes", Q: "jor"}, []string{"Jordan Reyes"}},
				{RegistryQuery{Accepting: "yes", City: "chicago"}, []string{"Jordan Reyes"}},
				{RegistryQuery{Accepting: "no"}, []string{"Jorge Expired", "Rita Revoked", "Sam Superseded"}},
				{RegistryQuery{Accepting: "no", City: "chicago"}, []string{"Rita Revoked"}},
				{RegistryQuery{Language: "fr", Q: "clinique"}, []string{"Amélie Côté"}},
				{RegistryQuery{Credential: "florida-sex-therapist"}, []string{"Sam Superseded"}},
				{RegistryQuery{Q: "jordan", Credential: "florida-sex-therapist"}, nil},
				{RegistryQuery{Q: "nobody"}, nil},
			}
			for _, c := range cases {
				pg := search(c.q)
				if got := names(pg.Listings); !slices.Equal(got, c.want) || pg.Total != len(c.want) || pg.TotalCapped {
					t.Errorf("%+v: %v (total %d), want %v", c.q, got, pg.Total, c.want)
				}
			}
			// Injection-ish input is only words.
			for _, q := range []string{`"`, `'`, `jor" OR "x`, `NEAR(a b)`, `body:jor*`, `a AND`, `-x`, `*`, `^jor`, `(`, `jor:* | !x`, `'; DROP TABLE users; --`, "\x00", `{body facets}: x`} {
				if _, err := s.SearchRegistry(ctx, RegistryQuery{Q: q, City: q, Region: q, Specialty: q, Language: q, Credential: q}); err != nil {
					t.Errorf("query %q: %v", q, err)
				}
			}
			if got := names(search(RegistryQuery{Q: `"jor" OR "rita`}).Listings); len(got) != 0 {
				t.Errorf("an operator was obeyed: %v", got)
			}
			if got := names(search(RegistryQuery{Q: `jor*`}).Listings); !slices.Equal(got, []string{"Jordan Reyes", "Jorge Expired"}) {
				t.Errorf("jor*: %v", got)
			}
			// Statuses, live.
			st := map[string]string{}
			for _, l := range search(RegistryQuery{}).Listings {
				for _, c := range l.Credentials {
					st[c.ID] = c.StatusAt(now)
				}
			}
			want := map[string]string{"jordan-1": "valid", "amelie-1": "suspended", "jorge-1": "expired", "rita-1": "revoked", "sam-1": "superseded", "sam-2": "valid"}
			if !maps.Equal(st, want) {
				t.Errorf("statuses %v, want %v (private credentials never listed)", st, want)
			}
			// A holder's credentials, newest first (then by id), whatever the page.
			for _, q := range []RegistryQuery{{}, {Limit: 1, Offset: 4}, {Q: "sam"}} {
				for _, l := range search(q).Listings {
					if !slices.IsSortedFunc(l.Credentials, func(a, b RegistryCredential) int {
						if c := b.IssuedAt.Compare(a.IssuedAt); c != 0 {
							return c
						}
						return strings.Compare(a.ID, b.ID)
					}) {
						t.Errorf("%s: credentials out of order: %v", l.DisplayName, l.Credentials)
					}
					if l.DisplayName == "Sam Superseded" && len(l.Credentials) != 2 {
						t.Errorf("%+v: Sam's credentials %v", q, l.Credentials)
					}
				}
			}
			// Pagination: offsets and cursors agree.
			p1 := search(RegistryQuery{Limit: 2})
			p2 := search(RegistryQuery{Limit: 2, Offset: 2})
			c2 := search(RegistryQuery{Limit: 2, After: p1.Next})
			if got := names(p1.Listings); !slices.Equal(got, []string{"Jordan Reyes", "Amélie Côté"}) || p1.Total != 5 || p1.Next == 0 {
				t.Errorf("page 1: %v total %d next %d", got, p1.Total, p1.Next)
			}
			if !slices.Equal(names(p2.Listings), names(c2.Listings)) || !slices.Equal(names(p2.Listings), []string{"Jorge Expired", "Rita Revoked"}) || c2.Total != 5 {
				t.Errorf("page 2: offset %v, cursor %v (total %d)", names(p2.Listings), names(c2.Listings), c2.Total)
			}
			last := search(RegistryQuery{Limit: 2, Offset: 4})
			if len(last.Listings) != 1 || last.Next != 0 {
				t.Errorf("last page: %v next %d", names(last.Listings), last.Next)
			}
			if capped := search(RegistryQuery{CountCap: 3, Limit: 2}); capped.Total != 3 || !capped.TotalCapped {
				t.Errorf("capped count: %d %v", capped.Total, capped.TotalCapped)
			}
			// A last page read from the start knows the exact count.
			if whole := search(RegistryQuery{CountCap: 3}); whole.Total != 5 || whole.TotalCapped {
				t.Errorf("count of a single page: %d %v", whole.Total, whole.TotalCapped)
			}
			if past := search(RegistryQuery{Limit: 2, Offset: 10}); len(past.Listings) != 0 || past.Total != 5 {
				t.Errorf("past the end: %d listings, total %d", len(past.Listings), past.Total)
			}
			if past := search(RegistryQuery{Limit: 2, After: last.Listings[0].HolderID}); len(past.Listings) != 0 || past.Total != 5 || past.TotalCapped {
				t.Errorf("cursor past the end: %d listings, total %d", len(past.Listings), past.Total)
			}
			if nc := search(RegistryQuery{Limit: 2, NoCount: true}); len(nc.Listings) != 2 || nc.Total != 0 || nc.Next == 0 {
				t.Errorf("no count: %d listings, total %d", len(nc.Listings), nc.Total)
			}
			if none := search(RegistryQuery{Q: "nobody"}); len(none.Listings) != 0 || none.Total != 0 || none.Next != 0 {
				t.Errorf("no match: %d listings, total %d", len(none.Listings), none.Total)
			}
			// The holder hides the profile: gone at once; shows it again: back.
			p, err := s.Profile(ctx, jordan)
			if err != nil || p.Version != 1 || !slices.Equal(p.Languages, []string{"en", "es"}) || !p.Telehealth {
				t.Fatalf("profile: %+v %v", p, err)
			}
			save := func(p Profile) (int, error) {
				var v int
				err := s.InTx(ctx, func(tx *Tx) error {
					var err error
					v, err = tx.SaveProfile(ctx, p, "Certified Sex Therapist")
					return err
				})
				return v, err
			}
			p.Visible = false
			if v, err := save(*p); err != nil || v != 2 {
				t.Fatalf("hiding: %d %v", v, err)
			}
			if got := names(search(RegistryQuery{Q: "jordan"}).Listings); len(got) != 0 {
				t.Errorf("hidden profile still listed: %v", got)
			}
			if got := names(search(RegistryQuery{}).Listings); slices.Contains(got, "Jordan Reyes") {
				t.Errorf("hidden profile in the full list: %v", got)
			}
			if _, err := save(*p); !errors.Is(err, ErrConflict) {
				t.Errorf("a stale version saved: %v", err)
			}
			p.Visible, p.Version = true, 2
			p.City = "Evanston"
			if _, err := save(*p); err != nil {
				t.Fatal(err)
			}
			if got := names(search(RegistryQuery{Q: "evanston certified"}).Listings); !slices.Equal(got, []string{"Jordan Reyes"}) {
				t.Errorf("after the move: %v", got)
			}
			if got := names(search(RegistryQuery{City: "Chicago"}).Listings); slices.Contains(got, "Jordan Reyes") {
				t.Errorf("the old city still matches: %v", got)
			}
			// Making the only credential private takes the listing out, live.
			if err := s.InTx(ctx, func(tx *Tx) error { return tx.SetCredentialPublic(ctx, "jordan-1", false) }); err != nil {
				t.Fatal(err)
			}
			if got := names(search(RegistryQuery{Q: "jordan"}).Listings); len(got) != 0 {
				t.Errorf("listed without a public credential: %v", got)
			}
			// Reindexing keeps the profile and replaces the extra words.
			if err := s.InTx(ctx, func(tx *Tx) error {
				if err := tx.SetCredentialPublic(ctx, "jordan-1", true); err != nil {
					return err
				}
				sets, err := tx.PublicCredentialSets(ctx, jordan)
				if err != nil || !slices.Equal(sets, []string{"aasect-cst"}) {
					return fmt.Errorf("sets %v: %v", sets, err)
				}
				return tx.ReindexProfile(ctx, jordan, func(p *Profile) string { return p.Practice + " aasect-cst" })
			}); err != nil {
				t.Fatal(err)
			}
			if got := names(search(RegistryQuery{Q: "jordan aasect"}).Listings); !slices.Equal(got, []string{"Jordan Reyes"}) {
				t.Errorf("after reindexing: %v", got)
			}
			if got := names(search(RegistryQuery{Q: "jordan certified"}).Listings); len(got) != 0 {
				t.Errorf("old extra words kept: %v", got)
			}
			if _, err := s.Profile(ctx, 99999); !errors.Is(err, ErrNotFound) {
				t.Errorf("no profile: %v", err)
			}
			// A second first save is a conflict, not a duplicate.
			if _, err := save(Profile{HolderID: jordan, DisplayName: "Again", UpdatedAt: now}); !errors.Is(err, ErrConflict) {
				t.Errorf("second insert: %v", err)
			}
		})
	}
}

func TestSearchTerms(t *testing.T) {
	cases := map[string][]string{
		"":                        nil,
		`  Jordan  "Reyes" `:      {"jordan", "reyes"},
		`Amélie Côté-Straße`:      {"amelie", "cote", "strasse"},
		`a OR b AND NOT c*`:       {"a", "or", "b", "and", "not", "c"},
		`x x x`:                   {"x"},
		`1 2 3 4 5 6 7 8 9 10`:    {"1", "2", "3", "4", "5", "6", "7", "8"},
		`'); DROP TABLE users --`: {"drop", "table", "users"},
	}
	for in, want := range cases {
		if got := SearchTerms(in); !slices.Equal(got, want) {
			t.Errorf("SearchTerms(%q) = %v, want %v", in, got, want)
		}
	}
}

// The credential filter is a filter token of the index kept by every
// writer of the entry, and still checked against the credentials live: a
// token left behind (a credential made private without reindexing) never
// lists anyone.
func TestRegistryCredentialFilterToken(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ana := addRegistryHolder(t, s, 1, registryHolder{p: Profile{DisplayName: "Ana Educator", City: "Chicago", Country: "US", Visible: true},
				creds: []IssuedCredential{{ID: "ana-cse", SetID: "aasect-cse", Public: true}, {ID: "ana-cst", SetID: "aasect-cst", Public: true}}})
			addRegistryHolder(t, s, 2, registryHolder{p: Profile{DisplayName: "Ben Therapist", City: "Chicago", Country: "US", Visible: true},
				creds: []IssuedCredential{{ID: "ben-cst", SetID: "aasect-cst", Public: true}, {ID: "ben-cse", SetID: "aasect-cse"}}})
			search := func(q RegistryQuery) []string {
				t.Helper()
				pg, err := s.SearchRegistry(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				return names(pg.Listings)
			}
			if got := search(RegistryQuery{Credential: "aasect-cse", City: "chicago"}); !slices.Equal(got, []string{"Ana Educator"}) {
				t.Errorf("cse in Chicago: %v (a private credential must not count)", got)
			}
			if got := search(RegistryQuery{Credential: "aasect-cst", Country: "US"}); !slices.Equal(got, []string{"Ana Educator", "Ben Therapist"}) {
				t.Errorf("cst: %v", got)
			}
			// Made private without reindexing: the token is stale, the live
			// check still leaves Ana out of the CSE filter.
			if err := s.InTx(ctx, func(tx *Tx) error { return tx.SetCredentialPublic(ctx, "ana-cse", false) }); err != nil {
				t.Fatal(err)
			}
			if got := search(RegistryQuery{Credential: "aasect-cse"}); len(got) != 0 {
				t.Errorf("a stale token listed: %v", got)
			}
			// Ben's CSE made public and reindexed in the same transaction: found.
			err := s.InTx(ctx, func(tx *Tx) error {
				if err := tx.SetCredentialPublic(ctx, "ben-cse", true); err != nil {
					return err
				}
				ben, err := s.UserByEmail(ctx, "holder2@example.org")
				if err != nil {
					return err
				}
				return tx.ReindexProfile(ctx, ben.ID, func(*Profile) string { return "" })
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := search(RegistryQuery{Credential: "aasect-cse", City: "Chicago"}); !slices.Equal(got, []string{"Ben Therapist"}) {
				t.Errorf("after publishing Ben's CSE: %v", got)
			}
			// A profile save also writes the tokens.
			p, err := s.Profile(ctx, ana)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx *Tx) error {
				if err := tx.SetCredentialPublic(ctx, "ana-cse", true); err != nil {
					return err
				}
				_, err := tx.SaveProfile(ctx, *p, "")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if got := search(RegistryQuery{Credential: "aasect-cse"}); !slices.Equal(got, []string{"Ana Educator", "Ben Therapist"}) {
				t.Errorf("after Ana's save: %v", got)
			}
			// Filter values that fold to nothing, or hold only punctuation,
			// match no credential and break nothing.
			for _, c := range []string{"---", "'", `\`, "aasect\x00cse", "Ⅻ"} {
				if got := search(RegistryQuery{Credential: c}); len(got) != 0 {
					t.Errorf("credential %q: %v", c, got)
				}
			}
		})
	}
}

// Free text with any characters (quotes, backslashes, NUL, combining
// marks, letters of any script, invalid UTF-8, very long input) searches
// without an error on both engines and finds what it should.
func TestRegistryHostileText(t *testing.T) {
	stored := []string{"𞤀𞤢𞤤", "ǅemal", "İstanbul", "e\u0301cole", "٣٤٥", "中文名字", "ᏣᎳᎩ", "Ａｂｃ", "O'Brien", `back\slash`}
	queries := append([]string{"\\", `'\'`, "x\x00y", "\xff\xfe", strings.Repeat("é", 5000), strings.Repeat("ab ", 3000), "Ⅻ", "a\u200db",
		`'); DROP TABLE users; --`, `E'\''`, "$$", "$1", "\u0000'", "&", "!:*", "'':*A"}, stored...)
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for i, in := range stored {
				addRegistryHolder(t, s, i+1, registryHolder{p: Profile{DisplayName: "N " + in, City: in, Region: in, Practice: in, Visible: true},
					creds: []IssuedCredential{{ID: fmt.Sprintf("c%d", i), Public: true}}})
			}
			for _, q := range queries {
				for _, rq := range []RegistryQuery{{Q: q}, {City: q}, {Region: q, Country: "us"}, {Q: q, Credential: q, Language: q, Specialty: q}} {
					if _, err := s.SearchRegistry(ctx, rq); err != nil {
						t.Errorf("%.200q: %v", fmt.Sprintf("%#v", rq), err)
					}
				}
			}
			for _, in := range stored {
				for _, rq := range []RegistryQuery{{Q: in}, {City: in}} {
					pg, err := s.SearchRegistry(ctx, rq)
					if err != nil || !slices.Contains(names(pg.Listings), "N "+in) {
						t.Errorf("%#v: %v %v", rq, names(pg.Listings), err)
					}
				}
			}
			var n int
			if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil || n != len(stored) {
				t.Errorf("users: %d %v", n, err)
			}
		})
	}
}

// The tsquery written into a PostgreSQL statement holds only letters,
// digits and tsquery operators, whatever the input.
func FuzzRegistryTsquery(f *testing.F) {
	for _, s := range []string{"jor", `'`, `\`, "\x00", "é\u0301", "a:*A & b", "'); DROP TABLE x; --", "\xff"} {
		f.Add(s, s)
	}
	st := &Store{Dialect: Postgres}
	f.Fuzz(func(t *testing.T, q, filter string) {
		rq := RegistryQuery{Q: q, City: filter, Region: filter, Country: filter, Specialty: filter, Language: filter, Credential: filter, After: 3}
		for _, count := range []bool{false, true} {
			body, _, _, err := st.registrySQL(&rq, map[string][]string{SearchTerms(q + " x")[0]: {"jordan", "jorge"}}, count)
			if err != nil {
				t.Fatalf("%q %q: %v", q, filter, err)
			}
			if n := strings.Count(body, "'"); n != 4 && n != 0 {
				t.Fatalf("quotes in %s", body)
			}
			if strings.ContainsAny(body, "\\\x00;") {
				t.Fatalf("unexpected character in %q", body)
			}
		}
	})
}

func TestTsqueryLiteralRefuses(t *testing.T) {
	for _, bad := range []string{"a'b", `a\b`, "a\x00", "a;b", "a\u0301", "\xff", "!a", "a<->b"} {
		if lit, err := tsqueryLiteral(bad); err == nil {
			t.Errorf("%q: quoted as %s", bad, lit)
		}
	}
	if lit, err := tsqueryLiteral("jor:*D & cichicago:A & 中文:*D"); err != nil || lit != "'jor:*D & cichicago:A & 中文:*D'" {
		t.Errorf("%s %v", lit, err)
	}
}

// On PostgreSQL a prefix is searched as the words of the index it starts
// (the vocabulary registry_words), or as a prefix when it starts more than
// maxPrefixWords of them; both find the same listings as SQLite's prefix.
func TestRegistryPrefixVocabulary(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for i, n := range []string{"Jordan Reyes", "Jorge Smith", "Zz7 Person", "Ünal Öz"} {
				addRegistryHolder(t, s, i+1, registryHolder{p: Profile{DisplayName: n, Visible: true, Practice: "Couples Clinic"},
					creds: []IssuedCredential{{ID: fmt.Sprintf("c%d", i), Public: true}}})
			}
			if s.Dialect == Postgres {
				// Words no listing has any more, and more than the bound for "zz".
				for i := range maxPrefixWords + 5 {
					if _, err := s.DB.ExecContext(ctx, "INSERT INTO registry_words (word) VALUES ($1) ON CONFLICT DO NOTHING", fmt.Sprintf("zz%d", i)); err != nil {
						t.Fatal(err)
					}
				}
				words, err := s.prefixWords(ctx, s.DB, []string{"jor", "j", "zz", "coupl", "nobody", "un"})
				if err != nil {
					t.Fatal(err)
				}
				want := map[string][]string{"jor": {"jordan", "jorge"}, "coupl": {"couples"}, "un": {"unal"}}
				if !maps.EqualFunc(words, want, slices.Equal) {
					t.Errorf("prefix words %v, want %v", words, want)
				}
			}
			for q, want := range map[string][]string{
				"jor":          {"Jordan Reyes", "Jorge Smith"},
				"jor smi":      {"Jorge Smith"},
				"zz":           {"Zz7 Person"},
				"zz7":          {"Zz7 Person"},
				"zz1":          nil,
				"coup":         {"Jordan Reyes", "Jorge Smith", "Zz7 Person", "Ünal Öz"},
				"unal oz":      {"Ünal Öz"},
				"couples jorg": {"Jorge Smith"},
				"nobody":       nil,
			} {
				pg, err := s.SearchRegistry(ctx, RegistryQuery{Q: q})
				if err != nil || !slices.Equal(names(pg.Listings), want) || pg.Total != len(want) {
					t.Errorf("%q: %v (total %d) %v, want %v", q, names(pg.Listings), pg.Total, err, want)
				}
			}
		})
	}
}

// A credential is expired from the instant of its valid-until on, and
// every other status takes precedence over expiry.
func TestStatusAtBoundary(t *testing.T) {
	until := time.Date(2027, 3, 1, 14, 30, 0, 0, time.UTC)
	c := RegistryCredential{ValidUntil: until}
	if got := c.StatusAt(until.Add(-time.Nanosecond)); got != StatusValid {
		t.Errorf("a nanosecond before: %s", got)
	}
	if got := c.StatusAt(until); got != StatusExpired {
		t.Errorf("at the instant: %s", got)
	}
	if got := c.StatusAt(until.In(time.FixedZone("x", -10*3600))); got != StatusExpired {
		t.Errorf("at the instant in another zone: %s", got)
	}
	for _, tc := range []struct {
		c    RegistryCredential
		want string
	}{
		{RegistryCredential{ValidUntil: until, SupersededBy: "n"}, StatusSuperseded},
		{RegistryCredential{ValidUntil: until, SupersededBy: "n", SuspendedAt: until}, StatusSuspended},
		{RegistryCredential{ValidUntil: until, SupersededBy: "n", SuspendedAt: until, RevokedAt: until}, StatusRevoked},
		{RegistryCredential{}, StatusValid},
	} {
		if got := tc.c.StatusAt(until.AddDate(1, 0, 0)); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.c, got, tc.want)
		}
	}
}

// The count of a search through the index comes from the index alone,
// which holds listings only: hidden profiles and holders without a public
// credential are not counted, the entry follows the credentials when they
// are reindexed, and above the cap the count says so.
func TestRegistryCountFromIndex(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			pub := func(id string) []IssuedCredential { return []IssuedCredential{{ID: id, Public: true}} }
			var ids []int64
			for i, n := range []string{"Ada Quill", "Bea Quill", "Cy Quill", "Di Quill"} {
				ids = append(ids, addRegistryHolder(t, s, i+1, registryHolder{p: Profile{DisplayName: n, City: "Chicago", Country: "US", Visible: true,
					AcceptingReferrals: i%2 == 0}, creds: pub(fmt.Sprintf("q%d", i))}))
			}
			addRegistryHolder(t, s, 5, registryHolder{p: Profile{DisplayName: "Hidden Quill", City: "Chicago", Country: "US"}, creds: pub("q5")})
			private := addRegistryHolder(t, s, 6, registryHolder{p: Profile{DisplayName: "Private Quill", City: "Chicago", Country: "US", Visible: true},
				creds: []IssuedCredential{{ID: "q6"}}})
			count := func(q RegistryQuery) (int, bool) {
				t.Helper()
				q.Limit = 1 // never the last page: the count is read
				pg, err := s.SearchRegistry(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				return pg.Total, pg.TotalCapped
			}
			for _, c := range []struct {
				q    RegistryQuery
				want int
			}{
				{RegistryQuery{Q: "quill"}, 4},
				{RegistryQuery{Q: "qui"}, 4},
				{RegistryQuery{City: "chicago"}, 4},
				{RegistryQuery{Q: "quill", Credential: "aasect-cst"}, 4},
				{RegistryQuery{Q: "quill", Accepting: "yes"}, 2},
				{RegistryQuery{Q: "quill", Accepting: "no"}, 2},
				{RegistryQuery{Q: "quill", Holders: []int64{ids[0], ids[2], private}}, 2},
				{RegistryQuery{Q: "quill", After: ids[1]}, 4},
				{RegistryQuery{}, 4},
			} {
				if n, capped := count(c.q); n != c.want || capped {
					t.Errorf("%+v: count %d (capped %v), want %d", c.q, n, capped, c.want)
				}
			}
			if n, capped := count(RegistryQuery{Q: "quill", CountCap: 3}); n != 3 || !capped {
				t.Errorf("over the cap: %d %v, want 3 and capped", n, capped)
			}
			if n, capped := count(RegistryQuery{Q: "quill", CountCap: 4}); n != 4 || capped {
				t.Errorf("at the cap: %d %v, want 4 exactly", n, capped)
			}
			// The private holder's credential made public and reindexed:
			// counted; made private again and reindexed: not.
			setPublic := func(public bool) {
				t.Helper()
				if err := s.InTx(ctx, func(tx *Tx) error {
					if err := tx.SetCredentialPublic(ctx, "q6", public); err != nil {
						return err
					}
					return tx.ReindexProfile(ctx, private, func(*Profile) string { return "" })
				}); err != nil {
					t.Fatal(err)
				}
			}
			setPublic(true)
			if n, _ := count(RegistryQuery{Q: "quill"}); n != 5 {
				t.Errorf("after publishing: %d, want 5", n)
			}
			setPublic(false)
			if n, _ := count(RegistryQuery{Q: "quill"}); n != 4 {
				t.Errorf("after unpublishing: %d, want 4", n)
			}
		})
	}
}

// On SQLite, a term of four or more ASCII letters and digits is searched
// as the exact words of the vocabulary it starts (shorter ones use FTS5's
// prefix indexes); a term that extends past the start of a word with a
// Latin letter FoldText leaves alone stays a prefix query, because the
// tokenizer may fold that letter to the ASCII one the term holds.
func TestRegistrySQLitePrefixWords(t *testing.T) {
	s := migrated(t)["sqlite"]
	if s == nil {
		t.Fatal("no SQLite store")
	}
	ctx := context.Background()
	for i, n := range []string{"Jordan Reyes", "Jorge Smith", "Thi Nguyễn", "Lan Nguyenx", "Ǎda Lovelace"} {
		addRegistryHolder(t, s, i+1, registryHolder{p: Profile{DisplayName: n, Visible: true, Practice: "Couples Clinic"},
			creds: []IssuedCredential{{ID: fmt.Sprintf("c%d", i), Public: true}}})
	}
	words, err := s.prefixWords(ctx, s.DB, []string{"jor", "jord", "coupl", "nguy", "nguye", "nguyen", "ada", "adal", "lovel", "nobody", "ǎda"})
	if err != nil {
		t.Fatal(err)
	}
	// nguyen and nguye extend past "nguy", where ễ starts; adal past "",
	// where Ǎ starts.
	want := map[string][]string{"jord": {"jordan"}, "coupl": {"couples"}, "nguy": {"nguyenx", "nguyễn"}, "lovel": {"lovelace"}}
	if !maps.EqualFunc(words, want, slices.Equal) {
		t.Errorf("prefix words %v, want %v", words, want)
	}
	for q, want := range map[string][]string{
		"jord":    {"Jordan Reyes"},
		"nguyen":  {"Thi Nguyễn", "Lan Nguyenx"},
		"nguy":    {"Thi Nguyễn", "Lan Nguyenx"},
		"nguyễn":  {"Thi Nguyễn", "Lan Nguyenx"},
		"ada":     {"Ǎda Lovelace"},
		"adalove": nil,
		"lovel":   {"Ǎda Lovelace"},
	} {
		pg, err := s.SearchRegistry(ctx, RegistryQuery{Q: q})
		if err != nil || !slices.Equal(names(pg.Listings), want) {
			t.Errorf("%q: %v %v, want %v", q, names(pg.Listings), err, want)
		}
	}
	// A word no listing holds any more stays in the vocabulary and finds
	// no one.
	p, err := s.Profile(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	p.DisplayName = "Jordy Reyes"
	if err := s.InTx(ctx, func(tx *Tx) error { _, err := tx.SaveProfile(ctx, *p, ""); return err }); err != nil {
		t.Fatal(err)
	}
	if pg, err := s.SearchRegistry(ctx, RegistryQuery{Q: "jord"}); err != nil || !slices.Equal(names(pg.Listings), []string{"Jordy Reyes"}) {
		t.Errorf("jord after the rename: %v %v", names(pg.Listings), err)
	}
}

// An index written before migration 22 holds entries for visible profiles
// without a public credential; the migration removes them, so that counts
// from the index agree with the listings, and fills SQLite's vocabulary
// from the index.
func TestRegistryListingsOnlyOnUpgrade(t *testing.T) {
	for name, s := range engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := s.DB.MigrateTo(ctx, Migrations, 21); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
			// As the store wrote entries before: one for every visible profile.
			for i, public := range []bool{true, true, false} {
				uid, err := s.CreateUser(ctx, User{Email: fmt.Sprintf("old%d@example.org", i), Name: "x", PasswordHash: "x", CreatedAt: at})
				if err != nil {
					t.Fatal(err)
				}
				p := Profile{HolderID: uid, DisplayName: fmt.Sprintf("Wellspring %d", i), Visible: true, UpdatedAt: at}
				body, facets := RegistryIndexText(&p, "", nil)
				err = s.InTx(ctx, func(tx *Tx) error {
					appID, err := tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "approved", Portfolio: []byte("{}"), CreatedAt: at})
					if err != nil {
						return err
					}
					if err := tx.AddCredential(ctx, IssuedCredential{ID: fmt.Sprintf("old-%d", i), ApplicationID: appID, HolderID: uid, SetID: "aasect-cst",
						SetVersion: "1", Document: []byte("{}"), JWT: "x", IssuedAt: at, Public: public,
						RevocationList: "r", RevocationIndex: i, SuspensionList: "s", SuspensionIndex: i}); err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("INSERT INTO registry_profiles (holder_id, display_name, visible, updated_at) VALUES (?, ?, ?, ?)"),
						uid, p.DisplayName, true, s.timeArg(at)); err != nil {
						return err
					}
					if s.Dialect == Postgres {
						_, err = tx.ExecContext(ctx, "UPDATE registry_profiles SET search = "+PostgresSearchVector+" WHERE holder_id = $3", body, facets, uid)
					} else {
						_, err = tx.ExecContext(ctx, "INSERT INTO registry_fts (rowid, body, facets) VALUES (?, ?, ?)", uid, body, facets)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			pg, err := s.SearchRegistry(ctx, RegistryQuery{Q: "wellspring", Limit: 1})
			if err != nil || pg.Total != 2 || pg.TotalCapped {
				t.Fatalf("count after the upgrade: %+v %v, want 2", pg, err)
			}
			if s.Dialect == SQLite {
				words, err := s.prefixWords(ctx, s.DB, []string{"wells"})
				if err != nil || !slices.Equal(words["wells"], []string{"wellspring"}) {
					t.Errorf("vocabulary after the upgrade: %v %v", words, err)
				}
			}
		})
	}
}
