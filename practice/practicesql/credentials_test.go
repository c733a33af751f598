package practicesql_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// credStores returns a migrated practice store on each engine.
func credStores(t *testing.T) map[string]*practicesql.Store {
	t.Helper()
	keys, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*practicesql.Store{}
	for name, db := range sqldbtest.Engines(t) {
		s := practicesql.New(db, keys)
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

var credAt = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

// credUser adds an account with the given comma-separated roles.
func credUser(t *testing.T, s *practicesql.Store, name, email, roles string) int64 {
	t.Helper()
	var id int64
	err := s.DB.QueryRowContext(context.Background(), s.Dialect.Rebind(
		"INSERT INTO users (email, name, password_hash, roles, created_at, email_verified_at) VALUES (?, ?, '', ?, ?, ?) RETURNING id"),
		email, name, roles, s.Dialect.Time(credAt), s.Dialect.Time(credAt)).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// credCase adds a client and a case of practitioner at stage, open or
// closed, as the clients and cases areas store them.
func credCase(t *testing.T, s *practicesql.Store, practitioner int64, stage, status string) int64 {
	t.Helper()
	ctx, d := context.Background(), s.Dialect
	var client, id int64
	if err := s.DB.QueryRowContext(ctx, d.Rebind("INSERT INTO clients (identity, created_at, created_by, updated_at) VALUES ('x', ?, ?, ?) RETURNING id"),
		d.Time(credAt), practitioner, d.Time(credAt)).Scan(&client); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.QueryRowContext(ctx, d.Rebind(`INSERT INTO cases (client_id, practitioner_id, status, stage, opened_at, opened_by)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), client, practitioner, status, stage, d.Time(credAt), practitioner).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// credNeedsCases skips a test that flags cases until the cases area's
// migration (00003, the cases table) is in the tree.
func credNeedsCases(t *testing.T, s *practicesql.Store) {
	t.Helper()
	var n int
	if err := s.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM cases").Scan(&n); err != nil {
		t.Skip("the cases table (the cases area's migration) is not in this tree yet")
	}
}

func credTx(t *testing.T, s *practicesql.Store, f func(tx *practicesql.Tx) error) error {
	t.Helper()
	return s.InTx(context.Background(), f)
}

func TestTrustList(t *testing.T) {
	ctx := context.Background()
	for name, s := range credStores(t) {
		t.Run(name, func(t *testing.T) {
			admin := credUser(t, s, "Sam Okafor", "sam@practice.example", "practice_admin")
			for _, e := range []practice.TrustedIssuer{
				{DID: "did:web:board.example", Name: "demo Board", Types: []string{"aasect-cst", "aasect-cse"}},
				{DID: "did:web:aasect.example", Name: "AASECT", Types: []string{"aasect-cst"}},
				{DID: "did:key:z6Mkabc", Name: "Demo board"},
			} {
				e.AddedBy, e.AddedAt = admin, credAt
				if err := credTx(t, s, func(tx *practicesql.Tx) error { return tx.AddTrustedIssuer(ctx, e) }); err != nil {
					t.Fatal(err)
				}
			}
			err := credTx(t, s, func(tx *practicesql.Tx) error {
				return tx.AddTrustedIssuer(ctx, practice.TrustedIssuer{DID: "did:web:aasect.example", Name: "Again", AddedBy: admin, AddedAt: credAt})
			})
			if !errors.Is(err, certboard.ErrConflict) {
				t.Fatalf("listed twice: %v", err)
			}
			list, err := s.TrustedIssuers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var order []string
			for _, e := range list {
				order = append(order, e.DID)
				if e.AddedByName != "Sam Okafor" || !e.AddedAt.Equal(credAt) || e.AddedBy != admin || e.Types == nil {
					t.Errorf("%+v", e)
				}
			}
			if got := list[2].Types; !slices.Equal(got, []string{"aasect-cse", "aasect-cst"}) {
				t.Errorf("types %v, in the order of their ids", got)
			}
			if want := []string{"did:web:aasect.example", "did:key:z6Mkabc", "did:web:board.example"}; !slices.Equal(order, want) {
				t.Errorf("order %v, want %v (by name without regard to case, then DID)", order, want)
			}
			err = credTx(t, s, func(tx *practicesql.Tx) error {
				was, err := tx.SetTrustedIssuerTypes(ctx, "did:web:board.example", []string{"aasect-cse"})
				if err != nil {
					return err
				}
				if was.Name != "demo Board" || !slices.Equal(was.Types, []string{"aasect-cse", "aasect-cst"}) {
					t.Errorf("was %+v", was)
				}
				if _, err := tx.SetTrustedIssuerTypes(ctx, "did:web:nowhere.example", []string{"aasect-cse"}); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("types of an issuer not listed: %v", err)
				}
				trust, err := tx.CredentialTrustList(ctx)
				if err != nil {
					return err
				}
				if got := trust["did:web:board.example"]; got.Name != "demo Board" || !slices.Equal(got.Types, []string{"aasect-cse"}) {
					t.Errorf("after the change %+v", got)
				}
				removed, err := tx.RemoveTrustedIssuer(ctx, "did:web:board.example")
				if err != nil {
					return err
				}
				if removed.Name != "demo Board" || !removed.AddedAt.Equal(credAt) || !slices.Equal(removed.Types, []string{"aasect-cse"}) {
					t.Errorf("removed %+v", removed)
				}
				if _, err := tx.RemoveTrustedIssuer(ctx, "did:web:board.example"); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("removed twice: %v", err)
				}
				trust, err = tx.CredentialTrustList(ctx)
				if err != nil {
					return err
				}
				if len(trust) != 2 || trust["did:web:aasect.example"].Name != "AASECT" || !slices.Equal(trust["did:web:aasect.example"].Types, []string{"aasect-cst"}) ||
					trust.Lists("did:web:board.example") || len(trust["did:key:z6Mkabc"].Types) != 0 {
					t.Errorf("trust list %v", trust)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Listed again, the issuer has only the types given then.
			err = credTx(t, s, func(tx *practicesql.Tx) error {
				return tx.AddTrustedIssuer(ctx, practice.TrustedIssuer{DID: "did:web:board.example", Name: "Board", Types: []string{"aasect-csc"}, AddedBy: admin, AddedAt: credAt})
			})
			if err != nil {
				t.Fatal(err)
			}
			if list, _ := s.TrustedIssuers(ctx); len(list) != 3 || list[1].DID != "did:web:board.example" || !slices.Equal(list[1].Types, []string{"aasect-csc"}) {
				t.Fatalf("listed again %+v", list)
			}
		})
	}
}

// TestScopeJudgements: when each practitioner's scope was last judged,
// and who holds credentials of an issuer.
func TestScopeJudgements(t *testing.T) {
	ctx := context.Background()
	for name, s := range credStores(t) {
		t.Run(name, func(t *testing.T) {
			jordan := credUser(t, s, "Jordan Reyes", "jordan@practice.example", "practitioner")
			noor := credUser(t, s, "Noor Haddad", "noor@practice.example", "practitioner")
			ada := credUser(t, s, "Ada Front", "ada@practice.example", "practitioner")
			err := credTx(t, s, func(tx *practicesql.Tx) error {
				for _, c := range []practice.Credential{
					credential(noor, "did:web:board.example", "https://board.example/credentials/2", scope.Active, credAt),
					credential(jordan, "did:web:board.example", "https://board.example/credentials/1", scope.Active, credAt),
					credential(jordan, "did:web:board.example", "https://board.example/credentials/3", scope.Active, credAt),
					credential(ada, "did:web:other.example", "https://other.example/1", scope.Active, credAt),
				} {
					if _, err := tx.InsertCredential(ctx, c, []byte("doc")); err != nil {
						return err
					}
				}
				holders, err := tx.IssuerPractitioners(ctx, "did:web:board.example")
				if err != nil || !slices.Equal(holders, []int64{jordan, noor}) {
					t.Errorf("holders %v %v, want %v", holders, err, []int64{jordan, noor})
				}
				if none, err := tx.IssuerPractitioners(ctx, "did:web:nowhere.example"); err != nil || len(none) != 0 {
					t.Errorf("no holders: %v %v", none, err)
				}
				// Never judged: zero, twice (the row made once).
				for range 2 {
					if at, err := tx.LockScopeJudgement(ctx, jordan); err != nil || !at.IsZero() {
						t.Errorf("never judged: %s %v", at, err)
					}
				}
				return tx.SetScopeJudgement(ctx, jordan, credAt)
			})
			if err != nil {
				t.Fatal(err)
			}
			err = credTx(t, s, func(tx *practicesql.Tx) error {
				at, err := tx.LockScopeJudgement(ctx, jordan)
				if err != nil || !at.Equal(credAt) {
					t.Errorf("judged %s %v, want %s", at, err, credAt)
				}
				if at, err := tx.LockScopeJudgement(ctx, noor); err != nil || !at.IsZero() {
					t.Errorf("Noor: %s %v", at, err)
				}
				return tx.SetScopeJudgement(ctx, jordan, credAt.Add(time.Hour))
			})
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM scope_judgements").Scan(&n); err != nil || n != 2 {
				t.Fatalf("%d rows %v", n, err)
			}
			err = credTx(t, s, func(tx *practicesql.Tx) error {
				if at, err := tx.LockScopeJudgement(ctx, jordan); err != nil || !at.Equal(credAt.Add(time.Hour)) {
					t.Errorf("judged again %s %v", at, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// credential is a stored credential of user from issuer, due at due.
func credential(user int64, issuer, key string, status scope.Status, due time.Time) practice.Credential {
	v := scope.Verified{CredentialID: key, Format: "vc-jwt", Issuer: issuer, IssuerName: "Demo Board", Holder: "Jordan Reyes",
		Achievement: scope.Achievement{ID: "https://board.example/achievements/CST", Name: "AASECT Certified Sex Therapist (CST)", HumanCode: "CST"},
		ValidFrom:   credAt.AddDate(-1, 0, 0), ValidUntil: credAt.AddDate(2, 0, 0), Status: status, CheckedAt: credAt, NextCheck: due}
	return practice.Credential{UserID: user, HolderEmail: "jordan@practice.example", Key: key, Verified: v,
		AttachedAt: credAt, DueAt: due, JudgedAt: credAt, Version: 1}
}

func TestCredentialRows(t *testing.T) {
	ctx := context.Background()
	for name, s := range credStores(t) {
		t.Run(name, func(t *testing.T) {
			jordan := credUser(t, s, "Jordan Reyes", "jordan@practice.example", "practitioner")
			noor := credUser(t, s, "Noor Haddad", "noor@practice.example", "practitioner,practice_admin")
			doc := []byte(`{"credential":"Jordan Reyes, the document as issued"}`)
			insert := func(c practice.Credential, doc []byte) (int64, error) {
				var id int64
				err := credTx(t, s, func(tx *practicesql.Tx) (err error) { id, err = tx.InsertCredential(ctx, c, doc); return err })
				return id, err
			}
			a, err := insert(credential(jordan, "did:web:board.example", "https://board.example/credentials/1", scope.Active, credAt.Add(24*time.Hour)), doc)
			if err != nil {
				t.Fatal(err)
			}
			b, err := insert(credential(jordan, "did:web:other.example", "https://other.example/1", scope.Active, credAt.Add(2*time.Hour)), []byte("tok.en.jwt"))
			if err != nil {
				t.Fatal(err)
			}
			c, err := insert(credential(noor, "did:web:board.example", "https://board.example/credentials/2", scope.Active, credAt.Add(-time.Hour)), []byte("noor"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := insert(credential(jordan, "did:web:board.example", "https://board.example/credentials/1", scope.Active, credAt), []byte("again")); !errors.Is(err, certboard.ErrConflict) {
				t.Fatalf("the same credential twice: %v", err)
			}
			// The document is sealed, and bound to its row.
			var sealed string
			if err := s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT document FROM practitioner_credentials WHERE id = ?"), a).Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(sealed, "Jordan") || sealed == "" {
				t.Fatalf("the document is not sealed: %q", sealed)
			}
			if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE practitioner_credentials SET document = ? WHERE id = ?"), sealed, c); err != nil {
				t.Fatal(err)
			}
			if _, err := s.CredentialForCheck(ctx, c); err == nil {
				t.Fatal("a document moved to another row opened")
			}
			got, err := s.CredentialForCheck(ctx, a)
			if err != nil || string(got.Document) != string(doc) || got.UserID != jordan || got.Key != "https://board.example/credentials/1" ||
				got.Verified.Achievement.HumanCode != "CST" || !got.Verified.ValidUntil.Equal(credAt.AddDate(2, 0, 0)) || got.Version != 1 {
				t.Fatalf("%+v %v", got, err)
			}
			if _, err := s.CredentialForCheck(ctx, 999); !errors.Is(err, certboard.ErrNotFound) {
				t.Fatalf("no such credential: %v", err)
			}
			mine, err := s.PractitionerCredentials(ctx, jordan)
			if err != nil || len(mine) != 2 || mine[0].ID != a || mine[1].ID != b {
				t.Fatalf("Jordan's: %+v %v", mine, err)
			}
			// Due: the most overdue first, up to the limit; a bad row stops
			// the read rather than being passed over.
			if _, err := s.DueCredentials(ctx, credAt.Add(3*time.Hour), 10); err == nil {
				t.Fatal("a row whose document does not open was read")
			}
			if err := credTx(t, s, func(tx *practicesql.Tx) error { return tx.DeleteCredential(ctx, c, 1) }); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				at    time.Time
				limit int
				want  []int64
			}{
				{credAt, 10, nil},
				{credAt.Add(2 * time.Hour), 10, []int64{b}},
				{credAt.Add(24 * time.Hour), 10, []int64{b, a}},
				{credAt.Add(24 * time.Hour), 1, []int64{b}},
				{credAt.Add(24 * time.Hour), 0, nil},
			} {
				due, err := s.DueCredentials(ctx, tc.at, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, d := range due {
					ids = append(ids, d.ID)
				}
				if !slices.Equal(ids, tc.want) {
					t.Errorf("due at %s (limit %d): %v, want %v", tc.at, tc.limit, ids, tc.want)
				}
			}
			// A check is stored at its version only.
			err = credTx(t, s, func(tx *practicesql.Tx) error {
				creds, err := tx.CredentialsOf(ctx, jordan, true)
				if err != nil || len(creds) != 2 {
					t.Fatalf("%+v %v", creds, err)
				}
				next := creds[0]
				next.Verified.Status, next.Verified.Reason = scope.Suspended, "the issuer has suspended this credential"
				next.DueAt, next.JudgedAt, next.LastError, next.Failures = credAt.Add(48*time.Hour), credAt.Add(time.Hour), "", 0
				if err := tx.UpdateCredentialCheck(ctx, next); err != nil {
					return err
				}
				if err := tx.UpdateCredentialCheck(ctx, next); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("a stale version was stored: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			mine, _ = s.PractitionerCredentials(ctx, jordan)
			if m := mine[0]; m.Version != 2 || m.Verified.Status != scope.Suspended || !m.DueAt.Equal(credAt.Add(48*time.Hour)) || !m.JudgedAt.Equal(credAt.Add(time.Hour)) {
				t.Fatalf("after the check: %+v", m)
			}
			// A change of the trust list makes an issuer's credentials due
			// now, unless due earlier.
			err = credTx(t, s, func(tx *practicesql.Tx) error {
				n, err := tx.MarkIssuerCredentialsDue(ctx, "did:web:board.example", credAt)
				if err != nil || n != 1 {
					t.Errorf("marked %d: %v", n, err)
				}
				n, err = tx.MarkIssuerCredentialsDue(ctx, "did:web:board.example", credAt.Add(time.Hour))
				if err != nil || n != 0 {
					t.Errorf("marked later %d: %v", n, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if due, _ := s.DueCredentials(ctx, credAt, 10); len(due) != 1 || due[0].ID != a {
				t.Fatalf("due after the trust list changed: %+v", due)
			}
			err = credTx(t, s, func(tx *practicesql.Tx) error {
				if err := tx.DeleteCredential(ctx, a, 1); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("deleted at a stale version: %v", err)
				}
				if err := tx.DeleteCredential(ctx, a, 2); err != nil {
					return err
				}
				if err := tx.DeleteCredential(ctx, a, 2); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("deleted twice: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if mine, _ := s.PractitionerCredentials(ctx, jordan); len(mine) != 1 || mine[0].ID != b {
				t.Fatalf("after removal: %+v", mine)
			}
		})
	}
}

func TestAccountsForCredentials(t *testing.T) {
	ctx := context.Background()
	for name, s := range credStores(t) {
		t.Run(name, func(t *testing.T) {
			jordan := credUser(t, s, "Jordan Reyes", "jordan@practice.example", "practitioner")
			sam := credUser(t, s, "Sam Okafor", "sam@practice.example", "practice_admin")
			noor := credUser(t, s, "Noor Haddad", "noor@practice.example", "practitioner,practice_admin")
			credUser(t, s, "Ada Front", "ada@practice.example", "practitioner")
			c, err := s.CredentialHolder(ctx, jordan)
			if err != nil || c != (practice.Contact{ID: jordan, Name: "Jordan Reyes", Email: "jordan@practice.example"}) {
				t.Fatalf("%+v %v", c, err)
			}
			if _, err := s.CredentialHolder(ctx, 999); !errors.Is(err, certboard.ErrNotFound) {
				t.Fatalf("no such account: %v", err)
			}
			err = credTx(t, s, func(tx *practicesql.Tx) error {
				admins, err := tx.PracticeAdminContacts(ctx)
				if err != nil {
					return err
				}
				if len(admins) != 2 || admins[0].ID != sam || admins[1].ID != noor || admins[1].Email != "noor@practice.example" {
					t.Errorf("admins %+v", admins)
				}
				c, err := tx.TxCredentialHolder(ctx, noor)
				if err != nil || c.Name != "Noor Haddad" {
					t.Errorf("%+v %v", c, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFlagITCasesForReview(t *testing.T) {
	ctx := context.Background()
	for name, s := range credStores(t) {
		t.Run(name, func(t *testing.T) {
			credNeedsCases(t, s)
			jordan := credUser(t, s, "Jordan Reyes", "jordan@practice.example", "practitioner")
			noor := credUser(t, s, "Noor Haddad", "noor@practice.example", "practitioner")
			sam := credUser(t, s, "Sam Okafor", "sam@practice.example", "practice_admin")
			it1 := credCase(t, s, jordan, "intensive_therapy", "open")
			credCase(t, s, jordan, "intensive_therapy", "closed")
			credCase(t, s, jordan, "specific_suggestions", "open")
			credCase(t, s, noor, "intensive_therapy", "open")
			it2 := credCase(t, s, jordan, "intensive_therapy", "open")
			flag := func(at time.Time) []int64 {
				var ids []int64
				err := credTx(t, s, func(tx *practicesql.Tx) (err error) {
					ids, err = tx.FlagITCasesForReview(ctx, jordan, "Intensive Therapy is no longer within the practitioner's scope", at)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return ids
			}
			if got := flag(credAt); !slices.Equal(got, []int64{it1, it2}) {
				t.Fatalf("flagged %v, want %v", got, []int64{it1, it2})
			}
			if got := flag(credAt.Add(time.Hour)); len(got) != 0 {
				t.Fatalf("flagged again while open: %v", got)
			}
			flags, err := s.ScopeFlags(ctx, true)
			if err != nil || len(flags) != 2 {
				t.Fatalf("%+v %v", flags, err)
			}
			f := flags[0]
			if f.CaseID != it2 || f.PractitionerID != jordan || f.PractitionerName != "Jordan Reyes" || !f.Open() ||
				!f.RaisedAt.Equal(credAt) || !strings.HasPrefix(f.Reason, "Intensive Therapy") {
				t.Fatalf("flag %+v", f)
			}
			var first int64
			err = credTx(t, s, func(tx *practicesql.Tx) error {
				first = flags[1].ID
				caseID, err := tx.ResolveScopeFlag(ctx, first, sam, "Referred Alex to Dr. Rosa Alvarez, CST.", credAt.Add(2*time.Hour))
				if err != nil || caseID != it1 {
					t.Errorf("resolved case %d: %v", caseID, err)
				}
				if _, err := tx.ResolveScopeFlag(ctx, first, sam, "again", credAt.Add(3*time.Hour)); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("resolved twice: %v", err)
				}
				if _, err := tx.ResolveScopeFlag(ctx, 999, sam, "none", credAt); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("no such flag: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var sealed string
			if err := s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT resolution FROM case_flags WHERE id = ?"), first).Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(sealed, "Alex") {
				t.Fatalf("the resolution is not sealed: %q", sealed)
			}
			all, err := s.ScopeFlags(ctx, false)
			if err != nil || len(all) != 2 {
				t.Fatalf("%+v %v", all, err)
			}
			if r := all[1]; r.Open() || r.ResolvedBy != sam || r.ResolvedByName != "Sam Okafor" || r.Resolution != "Referred Alex to Dr. Rosa Alvarez, CST." ||
				!r.ResolvedAt.Equal(credAt.Add(2*time.Hour)) {
				t.Fatalf("resolved %+v", r)
			}
			if open, _ := s.ScopeFlags(ctx, true); len(open) != 1 || open[0].CaseID != it2 {
				t.Fatalf("open %+v", open)
			}
			// A case whose flag was resolved is flagged again by a later
			// loss; the one still open is not.
			if got := flag(credAt.Add(24 * time.Hour)); !slices.Equal(got, []int64{it1}) {
				t.Fatalf("flagged after review %v", got)
			}
		})
	}
}

// TestScopeJudgementLock: a transaction that locks a practitioner's scope
// judgement waits for another that holds it, and then reads what that one
// recorded, whether the row was made by the first or was there before.
func TestScopeJudgementLock(t *testing.T) {
	ctx := context.Background()
	for name, s := range credStores(t) {
		t.Run(name, func(t *testing.T) {
			jordan := credUser(t, s, "Jordan Reyes", "jordan@practice.example", "practitioner")
			for round, at := range []time.Time{credAt, credAt.Add(time.Hour)} {
				locked, done := make(chan struct{}), make(chan time.Time, 1)
				go func() {
					<-locked
					var seen time.Time
					err := s.InTx(ctx, func(tx *practicesql.Tx) (err error) {
						seen, err = tx.LockScopeJudgement(ctx, jordan)
						return err
					})
					if err != nil {
						t.Error(err)
					}
					done <- seen
				}()
				err := s.InTx(ctx, func(tx *practicesql.Tx) error {
					if _, err := tx.LockScopeJudgement(ctx, jordan); err != nil {
						return err
					}
					close(locked)
					time.Sleep(100 * time.Millisecond) // the other waits meanwhile
					return tx.SetScopeJudgement(ctx, jordan, at)
				})
				if err != nil {
					t.Fatal(err)
				}
				if seen := <-done; !seen.Equal(at) {
					t.Fatalf("round %d: the waiting transaction read %s, want %s", round, seen, at)
				}
			}
		})
	}
}
