package practice_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/audit/auditsql"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/internal/credtest"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
	"github.com/certboard/certboard/statuslist"
)

const (
	cstTitle = "AASECT Certified Sex Therapist (CST)"
	cseTitle = "AASECT Certified Sexuality Educator (CSE)"
)

// boardTypes are the kinds of credential the practice trusts the demo
// board for.
var boardTypes = []string{"aasect-cst", "aasect-cst-supervisor", "aasect-cse"}

var (
	credIssued = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	credNow    = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
)

// credWorld is a practice on SQLite with a demo board on its trust list:
// Jordan (a practitioner holding the board's CST), Noor (a practitioner
// holding its CSE), two admins, and Ada, a practitioner from elsewhere.
type credWorld struct {
	t      *testing.T
	ctx    context.Context
	db     *sqldb.DB
	keys   *seal.Keyring
	store  *practicesql.Store
	clock  *certboard.FixedClock
	p      *practice.Practice
	board  *credtest.Issuer
	jordan practice.Actor
	noor   practice.Actor
	sam    practice.Actor  // an admin
	lee    practice.Actor  // an admin
	cst    credtest.Signed // Jordan's CST
	cse    credtest.Signed // Noor's CSE
}

func newCredWorld(t *testing.T) *credWorld {
	t.Helper()
	db, err := sqldb.Open(context.Background(), sqldb.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newCredWorldOn(t, db)
}

// onEngines runs f with a credWorld on each engine (sqldbtest.Engines),
// each in a subtest of its own.
func onEngines(t *testing.T, f func(t *testing.T, w *credWorld)) {
	t.Helper()
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) { f(t, newCredWorldOn(t, db)) })
	}
}

// newCredWorldOn is newCredWorld on the fresh database db.
func newCredWorldOn(t *testing.T, db *sqldb.DB) *credWorld {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	s := practicesql.New(db, keys)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := &credWorld{t: t, ctx: ctx, db: db, keys: keys, store: s, clock: certboard.NewFixedClock(credNow),
		board: credtest.NewIssuer(t, "board.example", "Demo Certification Board")}
	if w.p, err = practice.New(practice.Config{Store: practicesql.ForPractice{Store: s}, Clock: w.clock, PublicURL: "https://practice.example"}); err != nil {
		t.Fatal(err)
	}
	w.p.UseFetch(w.board.Fetch)
	w.jordan = w.account("Jordan Reyes", "jordan@practice.example", auth.Practitioner)
	w.noor = w.account("Noor Haddad", "noor@practice.example", auth.Practitioner)
	w.sam = w.account("Sam Okafor", "sam@practice.example", auth.PracticeAdmin)
	w.lee = w.account("Lee Park", "lee@practice.example", auth.PracticeAdmin)
	w.cst = w.board.Issue("CST", cstTitle, "Jordan Reyes", "jordan@practice.example", credIssued, 3)
	w.cse = w.board.Issue("CSE", cseTitle, "Noor Haddad", "noor@practice.example", credIssued, 3)
	if err := w.p.AddTrustedIssuer(ctx, w.sam, practice.TrustedIssuer{DID: w.board.DID, Name: "Demo Certification Board", Types: boardTypes}); err != nil {
		t.Fatal(err)
	}
	return w
}

// account adds a signed-up account with roles and returns its actor.
func (w *credWorld) account(name, email string, roles ...auth.Role) practice.Actor {
	w.t.Helper()
	var id int64
	d := w.db.Dialect
	err := w.db.QueryRowContext(w.ctx, d.Rebind(
		"INSERT INTO users (email, name, password_hash, roles, created_at, email_verified_at) VALUES (?, ?, '', ?, ?, ?) RETURNING id"),
		email, name, auth.JoinRoles(roles, ","), d.Time(credNow), d.Time(credNow)).Scan(&id)
	if err != nil {
		w.t.Fatal(err)
	}
	return practice.Actor{UserID: id, Name: name, Roles: roles}
}

// openCase adds a client and a case of the practitioner at stage, as the
// clients and cases areas store them.
func (w *credWorld) openCase(by practice.Actor, stage, status string) int64 {
	w.t.Helper()
	d := w.db.Dialect
	var client, id int64
	if err := w.db.QueryRowContext(w.ctx, d.Rebind("INSERT INTO clients (identity, created_at, created_by, updated_at) VALUES ('x', ?, ?, ?) RETURNING id"),
		d.Time(credNow), by.UserID, d.Time(credNow)).Scan(&client); err != nil {
		w.t.Fatal(err)
	}
	if err := w.db.QueryRowContext(w.ctx, d.Rebind(`INSERT INTO cases (client_id, practitioner_id, status, stage, opened_at, opened_by)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), client, by.UserID, status, stage, d.Time(credNow), by.UserID).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// needsCases skips a test in which a practitioner loses Intensive
// Therapy (which flags their cases) until the cases area's migration
// (00003, the cases table) is in the tree.
func (w *credWorld) needsCases() {
	w.t.Helper()
	var n int
	if err := w.db.QueryRowContext(w.ctx, "SELECT COUNT(*) FROM cases").Scan(&n); err != nil {
		w.t.Skip("the cases table (the cases area's migration) is not in this tree yet")
	}
}

func (w *credWorld) count(table string) int {
	w.t.Helper()
	var n int
	if err := w.db.QueryRowContext(w.ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// audits returns the audit entries of action, oldest first.
func (w *credWorld) audits(action string) []audit.Entry {
	w.t.Helper()
	all, err := auditsql.New(w.db, w.keys).Entries(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []audit.Entry
	for _, e := range all {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// mails returns the mails in the outbox, oldest first.
func (w *credWorld) mails() []jobs.Mail {
	w.t.Helper()
	ms, err := (&jobsql.Outbox{DB: w.db, Keys: w.keys}).DueMail(w.ctx, w.clock.Now().Add(time.Hour), 100)
	if err != nil {
		w.t.Fatal(err)
	}
	return ms
}

// attach attaches raw as by and fails the test on error.
func (w *credWorld) attach(by practice.Actor, raw []byte) *practice.Credential {
	w.t.Helper()
	c, err := w.p.AttachCredential(w.ctx, by, raw)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// permits says whether by may work stage now, as the cases area asks.
func (w *credWorld) permits(by practice.Actor, stage scope.Stage) (bool, string) {
	w.t.Helper()
	s, err := w.p.CredentialScopeFor(w.ctx, by.UserID)
	if err != nil {
		w.t.Fatal(err)
	}
	return s.Permits(stage)
}

// reverify runs ReverifyDue and fails the test on error.
func (w *credWorld) reverify() practice.Reverified {
	w.t.Helper()
	r, err := w.p.ReverifyDue(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func wantErr(t *testing.T, err error, code certboard.Code, says string) {
	t.Helper()
	if certboard.ErrorCode(err) != code || !strings.Contains(certboard.ErrorMessage(err), says) {
		t.Fatalf("got %v (%s), want %s saying %q", err, certboard.ErrorCode(err), code, says)
	}
}

func TestTrustListUseCases(t *testing.T) {
	w := newCredWorld(t)
	list, err := w.p.TrustedIssuers(w.ctx, w.jordan)
	if err != nil || len(list) != 1 || list[0].DID != w.board.DID || list[0].AddedByName != "Sam Okafor" ||
		!slices.Equal(list[0].Types, []string{"aasect-cst", "aasect-cst-supervisor", "aasect-cse"}) {
		t.Fatalf("a practitioner reads the list: %+v %v", list, err)
	}
	if es := w.audits(practice.AuditTrustAdd); len(es) != 1 || es[0].Actor != w.sam.AuditName() ||
		es[0].Subject != "trusted_issuer:"+w.board.DID || !strings.Contains(es[0].After, "Demo Certification Board") ||
		!strings.Contains(es[0].After, `"types":["aasect-cst","aasect-cst-supervisor","aasect-cse"]`) {
		t.Fatalf("audit %+v", es)
	}
	cst := []string{"aasect-cst"}
	before := w.count("audit_log")
	for _, tc := range []struct {
		name   string
		by     practice.Actor
		entry  practice.TrustedIssuer
		code   certboard.Code
		fields []string
	}{
		{"a practitioner", w.jordan, practice.TrustedIssuer{DID: "did:web:aasect.example", Name: "AASECT", Types: cst}, certboard.Forbidden, nil},
		{"no DID, no name, no type", w.sam, practice.TrustedIssuer{DID: " ", Name: ""}, certboard.Invalid, []string{"did", "name", "types"}},
		{"not a DID the verifier resolves", w.sam, practice.TrustedIssuer{DID: "did:example:123", Name: "X", Types: cst}, certboard.Invalid, []string{"did"}},
		{"a DID URL", w.sam, practice.TrustedIssuer{DID: "did:web:aasect.example#key-1", Name: "X", Types: cst}, certboard.Invalid, []string{"did"}},
		{"a name with a line break", w.sam, practice.TrustedIssuer{DID: "did:web:aasect.example", Name: "AASECT\nfake", Types: cst}, certboard.Invalid, []string{"name"}},
		{"a name too long", w.sam, practice.TrustedIssuer{DID: "did:web:aasect.example", Name: strings.Repeat("n", 201), Types: cst}, certboard.Invalid, []string{"name"}},
		{"no type", w.sam, practice.TrustedIssuer{DID: "did:web:aasect.example", Name: "AASECT", Types: []string{" ", ""}}, certboard.Invalid, []string{"types"}},
		{"a type the map does not know", w.sam, practice.TrustedIssuer{DID: "did:web:aasect.example", Name: "AASECT", Types: []string{"aasect-cst", "surgical-technologist"}}, certboard.Invalid, []string{"types"}},
		{"listed already", w.sam, practice.TrustedIssuer{DID: w.board.DID, Name: "Again", Types: cst}, certboard.Conflict, []string{"did"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := w.p.AddTrustedIssuer(w.ctx, tc.by, tc.entry)
			if certboard.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			e := certboard.As(err)
			for _, f := range tc.fields {
				if !strings.HasPrefix(e.Fields[f], f+": ") {
					t.Errorf("field %s not named: %v", f, e.Fields)
				}
			}
		})
	}
	if n := w.count("trusted_issuers"); n != 1 || w.count("audit_log") != before {
		t.Fatalf("refused entries wrote: %d issuers, %d audit entries", n, w.count("audit_log")-before)
	}
	// A name on the boundary is taken, trimmed; types are kept once each,
	// in the map's order.
	if err := w.p.AddTrustedIssuer(w.ctx, w.lee, practice.TrustedIssuer{DID: " did:web:aasect.example ", Name: " " + strings.Repeat("n", 200) + " ",
		Types: []string{"aasect-cse", " aasect-cst ", "aasect-cse"}}); err != nil {
		t.Fatal(err)
	}
	if list, _ := w.p.TrustedIssuers(w.ctx, w.sam); len(list) != 2 || !slices.Equal(list[1].Types, []string{"aasect-cst", "aasect-cse"}) {
		t.Fatalf("%+v", list)
	}
	if es := w.audits(practice.AuditTrustAdd); len(es) != 2 || !strings.Contains(es[1].After, `"types":["aasect-cst","aasect-cse"]`) {
		t.Fatalf("audit %+v", es)
	}
	if _, err := w.p.RemoveTrustedIssuer(w.ctx, w.jordan, "did:web:aasect.example"); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Fatalf("a practitioner removed an issuer: %v", err)
	}
	if _, err := w.p.RemoveTrustedIssuer(w.ctx, w.sam, "did:web:nowhere.example"); certboard.ErrorCode(err) != certboard.NotFound {
		t.Fatalf("removing what is not listed: %v", err)
	}
	if _, err := w.p.RemoveTrustedIssuer(w.ctx, w.sam, ""); certboard.ErrorCode(err) != certboard.Invalid {
		t.Fatalf("removing nothing: %v", err)
	}
	removed, err := w.p.RemoveTrustedIssuer(w.ctx, w.sam, "did:web:aasect.example")
	if err != nil || removed.Name != strings.Repeat("n", 200) {
		t.Fatalf("%+v %v", removed, err)
	}
	if es := w.audits(practice.AuditTrustRemove); len(es) != 1 || !strings.Contains(es[0].Before, `"types":["aasect-cst","aasect-cse"]`) || es[0].After != "" {
		t.Fatalf("audit %+v", es)
	}
	if _, err := w.p.TrustedIssuers(w.ctx, practice.Actor{UserID: 99, Roles: []auth.Role{auth.Applicant}}); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Fatalf("someone with no practice role read the list: %v", err)
	}
}

// TestAttachCredential: a current credential of a trusted issuer, issued
// to the practitioner, is stored with its result, in either proof format;
// any other is refused with the verifier's reason and nothing is stored.
func TestAttachCredential(t *testing.T) {
	w := newCredWorld(t)
	other := credtest.NewIssuer(t, "elsewhere.example", "Elsewhere Board")
	w.p.UseFetch(credtest.Fetchers(w.board, other))
	suspended := w.board.Issue("CST", cstTitle, "Jordan Reyes", "jordan@practice.example", credIssued, 3)
	w.board.Set(suspended, statuslist.Suspension, true)
	revoked := w.board.Issue("CST", cstTitle, "Jordan Reyes", "jordan@practice.example", credIssued, 3)
	w.board.Set(revoked, statuslist.Revocation, true)
	expired := w.board.Issue("CST", cstTitle, "Jordan Reyes", "jordan@practice.example", credIssued.AddDate(-3, 0, 0), 3)
	untrusted := other.Issue("CST", cstTitle, "Jordan Reyes", "jordan@practice.example", credIssued, 3)
	for _, format := range []string{"data-integrity", "vc-jwt"} {
		pick := func(c credtest.Signed) []byte {
			if format == "vc-jwt" {
				return c.JWT
			}
			return c.JSON
		}
		tampered := []byte(strings.Replace(string(w.cst.JSON), "Jordan Reyes", "Jordan Reyez", 1))
		if format == "vc-jwt" {
			tampered = credtest.TamperJWT(t, w.cst.JWT, "Jordan Reyes", "Jordan Reyez")
		}
		for _, tc := range []struct {
			name string
			by   practice.Actor
			raw  []byte
			code certboard.Code
			says string
		}{
			{"suspended", w.jordan, pick(suspended), certboard.Invalid, "the credential is suspended: the issuer has suspended this credential"},
			{"revoked", w.jordan, pick(revoked), certboard.Invalid, "the credential is revoked"},
			{"expired", w.jordan, pick(expired), certboard.Invalid, "the credential is expired: expired on 2026-12-01"},
			{"issuer not trusted", w.jordan, pick(untrusted), certboard.Invalid, "is not on the practice's trust list; ask the practice's admin"},
			{"tampered", w.jordan, tampered, certboard.Invalid, "signature does not match"},
			{"issued to someone else", w.noor, pick(w.cst), certboard.Invalid, "issued to another e-mail address than yours (noor@practice.example)"},
			{"not a credential", w.jordan, []byte("my CST, I promise"), certboard.Invalid, "not a credential the practice can read"},
			{"empty", w.jordan, []byte("  "), certboard.Invalid, "give the credential"},
			{"too large", w.jordan, []byte(`{"x":"` + strings.Repeat("a", practice.MaxCredentialSize) + `"}`), certboard.TooLarge, "more than the 1048576"},
			{"an admin", w.sam, pick(w.cst), certboard.Forbidden, "only practitioners attach credentials"},
		} {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				audits, rows := w.count("audit_log"), w.count("practitioner_credentials")
				c, err := w.p.AttachCredential(w.ctx, tc.by, tc.raw)
				wantErr(t, err, tc.code, tc.says)
				if c != nil || w.count("audit_log") != audits || w.count("practitioner_credentials") != rows {
					t.Fatalf("a refused credential changed something: %+v", c)
				}
			})
		}
	}
	if ok, _ := w.permits(w.jordan, scope.IntensiveTherapy); ok {
		t.Fatal("refused credentials gave Intensive Therapy")
	}
	// The current CST is attached, in either format; then it is there.
	c := w.attach(w.jordan, append([]byte("\n"), w.cst.JWT...))
	if c.ID == 0 || c.Verified.Status != scope.Active || c.Verified.Format != "vc-jwt" || c.Key != w.board.Base()+"/credentials/1" ||
		c.Verified.IssuerName != "Demo Certification Board" || !c.DueAt.Equal(credNow.Add(scope.CheckEvery)) || c.HolderEmail != "jordan@practice.example" {
		t.Fatalf("attached %+v", c)
	}
	_, err := w.p.AttachCredential(w.ctx, w.jordan, w.cst.JSON)
	wantErr(t, err, certboard.Conflict, "attached already")
	got, err := w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
	if err != nil || len(got.Credentials) != 1 || got.Credentials[0].ID != c.ID || len(got.Scope.Standings) != 1 || !got.Scope.Standings[0].Current ||
		!slices.Contains(got.Scope.Stages, scope.IntensiveTherapy) || got.Practitioner.Name != "Jordan Reyes" {
		t.Fatalf("%+v %v", got, err)
	}
	es := w.audits(practice.AuditCredentialAdd)
	if len(es) != 1 || es[0].Subject != practice.CredentialSubject(c.ID) || es[0].Actor != w.jordan.AuditName() ||
		!strings.Contains(es[0].After, `"status":"active"`) || strings.Contains(es[0].After, "eyJ") {
		t.Fatalf("audit %+v", es)
	}
	// Credentials are the practitioner's own, or an admin's to see.
	if _, err := w.p.Credentials(w.ctx, w.noor, w.jordan.UserID); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Fatalf("a colleague read Jordan's credentials: %v", err)
	}
	if got, err := w.p.Credentials(w.ctx, w.sam, w.jordan.UserID); err != nil || len(got.Credentials) != 1 {
		t.Fatalf("an admin: %+v %v", got, err)
	}
	if _, err := w.p.Credentials(w.ctx, w.sam, 999); certboard.ErrorCode(err) != certboard.NotFound {
		t.Fatalf("no such practitioner: %v", err)
	}
	// Without a way to fetch, nothing is checked and nothing stored.
	w.p.UseFetch(nil)
	_, err = w.p.AttachCredential(w.ctx, w.noor, w.cse.JSON)
	wantErr(t, err, certboard.Internal, "")
	if _, err := w.p.ReverifyDue(w.ctx); certboard.ErrorCode(err) != certboard.Internal {
		t.Fatalf("reverify without a fetch: %v", err)
	}
}

// TestScopeFor: Intensive Therapy is within a practitioner's scope only
// with a current CST; everyone else works P, LI and SS.
func TestScopeFor(t *testing.T) {
	w := newCredWorld(t)
	for _, who := range []practice.Actor{w.jordan, w.noor} {
		for _, st := range []scope.Stage{scope.Permission, scope.LimitedInformation, scope.SpecificSuggestions} {
			if ok, why := w.permits(who, st); !ok {
				t.Fatalf("%s may not work %s without a credential: %s", who.Name, st, why)
			}
		}
		if ok, why := w.permits(who, scope.IntensiveTherapy); ok || !strings.Contains(why, "no credential is attached") || !strings.Contains(why, "Refer the client") {
			t.Fatalf("%s without a credential: %v %q", who.Name, ok, why)
		}
	}
	w.attach(w.jordan, w.cst.JSON)
	w.attach(w.noor, w.cse.JWT)
	if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); !ok || !strings.Contains(why, "AASECT Certified Sex Therapist (CST) credential from Demo Certification Board") {
		t.Fatalf("Jordan with a current CST: %v %q", ok, why)
	}
	if ok, why := w.permits(w.noor, scope.IntensiveTherapy); ok || !strings.Contains(why, "allows only Permission, Limited Information and Specific Suggestions") {
		t.Fatalf("Noor with a CSE: %v %q", ok, why)
	}
	// The check of a day ago counts until its next check and a week's
	// grace; after that, only a new check brings it back.
	w.clock.Set(credNow.Add(scope.CheckEvery + scope.Grace - time.Second))
	if ok, _ := w.permits(w.jordan, scope.IntensiveTherapy); !ok {
		t.Fatal("a check within its grace did not count")
	}
	w.clock.Set(credNow.Add(scope.CheckEvery + scope.Grace))
	if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); ok || !strings.Contains(why, "could not be verified again") {
		t.Fatalf("a check past its grace: %v %q", ok, why)
	}
	w.clock.Set(credNow)
	// An issuer taken off the trust list stops counting at once (which
	// flags Jordan's Intensive Therapy cases, in the cases table).
	w.needsCases()
	if _, err := w.p.RemoveTrustedIssuer(w.ctx, w.sam, w.board.DID); err != nil {
		t.Fatal(err)
	}
	if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); ok || !strings.Contains(why, "does not count: its issuer is not on the practice's trust list") {
		t.Fatalf("Jordan with the board off the list: %v %q", ok, why)
	}
	got, err := w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
	if err != nil || got.Scope.Standings[0].Current || !strings.Contains(got.Scope.Standings[0].Reason, "does not count") {
		t.Fatalf("%+v %v", got.Scope.Standings, err)
	}
}

// TestReverifyAfterSuspension: the daily check finds the CST suspended;
// Jordan's open Intensive Therapy cases are flagged and every admin is
// mailed, once; reinstated, the CST counts again.
func TestReverifyAfterSuspension(t *testing.T) {
	w := newCredWorld(t)
	w.needsCases()
	c := w.attach(w.jordan, w.cst.JSON)
	w.attach(w.noor, w.cse.JSON)
	it1 := w.openCase(w.jordan, "intensive_therapy", "open")
	w.openCase(w.jordan, "intensive_therapy", "closed")
	w.openCase(w.jordan, "specific_suggestions", "open")
	it2 := w.openCase(w.jordan, "intensive_therapy", "open")
	noorIT := w.openCase(w.noor, "intensive_therapy", "open")

	// Nothing is due before its time: nothing is fetched.
	w.clock.Set(credNow.Add(scope.CheckEvery - time.Second))
	fetched := len(w.board.Fetched())
	if r := w.reverify(); r != (practice.Reverified{}) || len(w.board.Fetched()) != fetched {
		t.Fatalf("checked before due: %+v", r)
	}
	w.board.Set(w.cst, statuslist.Suspension, true)
	w.clock.Set(credNow.Add(scope.CheckEvery))
	if r := w.reverify(); r != (practice.Reverified{Checked: 2, Lost: 1}) {
		t.Fatalf("reverified %+v", r)
	}
	flags, err := w.p.ScopeFlags(w.ctx, w.sam, true)
	if err != nil {
		t.Fatal(err)
	}
	var flagged []int64
	for _, f := range flags {
		flagged = append(flagged, f.CaseID)
		if f.PractitionerID != w.jordan.UserID || !strings.Contains(f.Reason, "suspended by its issuer") {
			t.Errorf("flag %+v", f)
		}
	}
	slices.Sort(flagged)
	if !slices.Equal(flagged, []int64{it1, it2}) || slices.Contains(flagged, noorIT) {
		t.Fatalf("flagged %v, want Jordan's open IT cases %v", flagged, []int64{it1, it2})
	}
	ms := w.mails()
	var to []string
	for _, m := range ms {
		to = append(to, m.To)
		if m.Subject != "Jordan Reyes may no longer deliver Intensive Therapy" || !strings.Contains(m.Body, "Their 2 open Intensive Therapy cases are flagged for review: https://practice.example/admin/scope") ||
			!strings.Contains(m.Body, "suspended by its issuer") {
			t.Errorf("mail %+v", m)
		}
	}
	if slices.Sort(to); !slices.Equal(to, []string{"lee@practice.example", "sam@practice.example"}) {
		t.Fatalf("mailed %v", to)
	}
	if es := w.audits(practice.AuditCaseFlag); len(es) != 2 || es[0].Actor != practice.CredentialsActor {
		t.Fatalf("flag audits %+v", es)
	}
	if es := w.audits(practice.AuditScopeLost); len(es) != 1 || es[0].Subject != "user:"+itoa(w.jordan.UserID) || !strings.Contains(es[0].After, `"cases_flagged":2`) {
		t.Fatalf("loss audits %+v", es)
	}
	checks := w.audits(practice.AuditCredentialCheck)
	if len(checks) != 1 || checks[0].Subject != practice.CredentialSubject(c.ID) || !strings.Contains(checks[0].After, `"status":"suspended"`) {
		t.Fatalf("check audits %+v (Noor's unchanged check is not audited)", checks)
	}
	if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); ok || !strings.Contains(why, "suspended") {
		t.Fatalf("suspended: %v %q", ok, why)
	}
	// The next check finds it still suspended: nothing new.
	w.clock.Set(credNow.Add(2 * scope.CheckEvery))
	if r := w.reverify(); r.Checked != 2 || r.Lost != 0 || len(w.mails()) != 2 || w.count("case_flags") != 2 {
		t.Fatalf("a second check of a suspended credential: %+v, %d mails", r, len(w.mails()))
	}
	// Reinstated, it counts again at its next check.
	w.board.Set(w.cst, statuslist.Suspension, false)
	w.clock.Set(credNow.Add(3 * scope.CheckEvery))
	if r := w.reverify(); r.Lost != 0 {
		t.Fatalf("reinstated %+v", r)
	}
	if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); !ok {
		t.Fatalf("reinstated: %q", why)
	}
	// Suspended again later: a new loss, the open flags left as they are.
	w.board.Set(w.cst, statuslist.Suspension, true)
	w.clock.Set(credNow.Add(4 * scope.CheckEvery))
	if r := w.reverify(); r.Lost != 1 || len(w.mails()) != 4 || w.count("case_flags") != 2 {
		t.Fatalf("suspended again: %+v, %d mails, %d flags", r, len(w.mails()), w.count("case_flags"))
	}
}

// TestReverifyWhenTheIssuerIsDown: a credential that cannot be checked
// keeps its last result, is tried again within hours, and counts for a
// week's grace; past it, the loss is acted on once.
func TestReverifyWhenTheIssuerIsDown(t *testing.T) {
	w := newCredWorld(t)
	w.needsCases()
	c := w.attach(w.jordan, w.cst.JWT)
	w.openCase(w.jordan, "intensive_therapy", "open")
	w.board.SetDown(true)
	day := credNow.Add(scope.CheckEvery)
	w.clock.Set(day)
	if r := w.reverify(); r != (practice.Reverified{Checked: 1, Unavailable: 1}) {
		t.Fatalf("issuer down: %+v", r)
	}
	got, _ := w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
	s := got.Credentials[0]
	if s.Failures != 1 || !strings.Contains(s.LastError, "try again later") || !s.DueAt.Equal(day.Add(time.Hour)) ||
		s.Verified.Status != scope.Active || !s.Verified.CheckedAt.Equal(credNow) || !s.JudgedAt.Equal(day) {
		t.Fatalf("after a failed attempt: %+v", s)
	}
	if es := w.audits(practice.AuditCredentialCheck); len(es) != 1 || !strings.Contains(es[0].After, "could_not_check") {
		t.Fatalf("audit of the first failed attempt: %+v", es)
	}
	if ok, _ := w.permits(w.jordan, scope.IntensiveTherapy); !ok {
		t.Fatal("Intensive Therapy lost on the first failed attempt")
	}
	// Tried again, backing off: 1h, 2h, 4h, then every 6h; no more audit.
	w.clock.Set(day.Add(time.Hour))
	w.reverify()
	w.clock.Set(day.Add(3 * time.Hour))
	w.reverify()
	got, _ = w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
	if s := got.Credentials[0]; s.Failures != 3 || !s.DueAt.Equal(day.Add(7*time.Hour)) || len(w.audits(practice.AuditCredentialCheck)) != 1 {
		t.Fatalf("after three failed attempts: %+v", s)
	}
	// Past the grace, still down: lost, once.
	stale := c.Verified.NextCheck.Add(scope.Grace)
	w.clock.Set(stale)
	if r := w.reverify(); r.Lost != 1 || len(w.mails()) != 2 || w.count("case_flags") != 1 {
		t.Fatalf("past the grace: %+v, %d mails", r, len(w.mails()))
	}
	w.clock.Set(stale.Add(6 * time.Hour))
	if r := w.reverify(); r.Checked != 1 || r.Lost != 0 || len(w.mails()) != 2 {
		t.Fatalf("the next attempt past the grace: %+v, %d mails", r, len(w.mails()))
	}
	// Back up: checked, current again.
	w.board.SetDown(false)
	w.clock.Set(stale.Add(12 * time.Hour))
	if r := w.reverify(); r != (practice.Reverified{Checked: 1}) {
		t.Fatalf("back up: %+v", r)
	}
	if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); !ok {
		t.Fatalf("back up: %q", why)
	}
}

// TestReverifyAtExpiry: the check is brought forward to the credential's
// end, which finds it expired and acts on it.
func TestReverifyAtExpiry(t *testing.T) {
	w := newCredWorld(t)
	w.needsCases()
	short := w.board.Issue("CST", cstTitle, "Jordan Reyes", "jordan@practice.example", credIssued.AddDate(-2, 0, 0), 3)
	c := w.attach(w.jordan, short.JSON)
	end := credIssued.AddDate(1, 0, 0)
	w.clock.Set(end.Add(-2 * time.Hour))
	w.reverify()
	got, _ := w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
	if !got.Credentials[0].DueAt.Equal(end) {
		t.Fatalf("due %s, want its end %s", got.Credentials[0].DueAt, end)
	}
	w.openCase(w.jordan, "intensive_therapy", "open")
	w.clock.Set(end)
	if r := w.reverify(); r.Lost != 1 {
		t.Fatalf("at its end: %+v", r)
	}
	got, _ = w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
	if s := got.Credentials[0]; s.ID != c.ID || s.Verified.Status != scope.Expired {
		t.Fatalf("%+v", s)
	}
}

// TestIssuerRemovedFromTheTrustList: removing an issuer acts on the loss
// at once and makes its credentials due at once; the check finds them
// untrusted and acts on nothing new.
func TestIssuerRemovedFromTheTrustList(t *testing.T) {
	w := newCredWorld(t)
	w.needsCases()
	w.attach(w.jordan, w.cst.JSON)
	w.openCase(w.jordan, "intensive_therapy", "open")
	w.clock.Advance(time.Minute)
	if _, err := w.p.RemoveTrustedIssuer(w.ctx, w.sam, w.board.DID); err != nil {
		t.Fatal(err)
	}
	if len(w.mails()) != 2 || w.count("case_flags") != 1 {
		t.Fatalf("at the removal: %d mails", len(w.mails()))
	}
	if r := w.reverify(); r != (practice.Reverified{Checked: 1}) || len(w.mails()) != 2 {
		t.Fatalf("%+v, %d mails", r, len(w.mails()))
	}
	got, _ := w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
	if s := got.Credentials[0]; s.Verified.Status != scope.Untrusted || !s.DueAt.After(w.clock.Now()) {
		t.Fatalf("%+v", s)
	}
	// Listed again, its credentials are checked again and count.
	w.clock.Advance(time.Minute)
	if err := w.p.AddTrustedIssuer(w.ctx, w.sam, practice.TrustedIssuer{DID: w.board.DID, Name: "Demo Board", Types: boardTypes}); err != nil {
		t.Fatal(err)
	}
	if r := w.reverify(); r.Checked != 1 {
		t.Fatalf("listed again: %+v", r)
	}
	if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); !ok || !strings.Contains(why, "from Demo Board") {
		t.Fatalf("listed again: %v %q", ok, why)
	}
}

// TestCredentialNoLongerVerifies: when the issuer's key changes under the
// same id, the stored credential no longer verifies and counts for
// nothing.
func TestCredentialNoLongerVerifies(t *testing.T) {
	w := newCredWorld(t)
	w.needsCases()
	w.attach(w.jordan, w.cst.JSON)
	rotated := credtest.NewIssuer(t, "board.example", "Demo Certification Board")
	w.p.UseFetch(rotated.Fetch)
	w.clock.Set(credNow.Add(scope.CheckEvery))
	if r := w.reverify(); r.Lost != 1 {
		t.Fatalf("%+v", r)
	}
	got, _ := w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
	if s := got.Credentials[0]; s.Verified.Status != practice.NoLongerVerifies || !strings.Contains(s.Verified.Reason, "signature does not match") ||
		got.Scope.Standings[0].Current {
		t.Fatalf("%+v", s)
	}
}

// TestDetachCredential: a practitioner removes a credential of theirs at
// the version they saw; losing Intensive Therapy by it is acted on.
func TestDetachCredential(t *testing.T) {
	w := newCredWorld(t)
	w.needsCases()
	c := w.attach(w.jordan, w.cst.JSON)
	n := w.attach(w.noor, w.cse.JSON)
	w.openCase(w.jordan, "intensive_therapy", "open")
	wantErr(t, w.p.DetachCredential(w.ctx, w.jordan, n.ID, n.Version), certboard.NotFound, "no credential")
	wantErr(t, w.p.DetachCredential(w.ctx, w.jordan, c.ID, 0), certboard.PreconditionRequired, "version")
	wantErr(t, w.p.DetachCredential(w.ctx, w.jordan, c.ID, 7), certboard.Conflict, "reload")
	wantErr(t, w.p.DetachCredential(w.ctx, w.sam, c.ID, 1), certboard.Forbidden, "")
	if w.count("practitioner_credentials") != 2 || len(w.audits(practice.AuditCredentialDel)) != 0 {
		t.Fatal("a refused removal changed something")
	}
	// Noor's CSE allows nothing beyond the baseline: no loss.
	if err := w.p.DetachCredential(w.ctx, w.noor, n.ID, n.Version); err != nil || len(w.mails()) != 0 {
		t.Fatalf("%v, %d mails", err, len(w.mails()))
	}
	if err := w.p.DetachCredential(w.ctx, w.jordan, c.ID, c.Version); err != nil {
		t.Fatal(err)
	}
	if len(w.mails()) != 2 || w.count("case_flags") != 1 || !strings.Contains(w.audits(practice.AuditScopeLost)[0].After, "was removed") {
		t.Fatalf("%d mails, %d flags", len(w.mails()), w.count("case_flags"))
	}
	if es := w.audits(practice.AuditCredentialDel); len(es) != 2 || es[1].Before == "" || es[1].Actor != w.jordan.AuditName() {
		t.Fatalf("audit %+v", es)
	}
	if ok, _ := w.permits(w.jordan, scope.IntensiveTherapy); ok {
		t.Fatal("IT within scope after removing the CST")
	}
}

// TestRecheckCredential: a practitioner asks for a check now, after the
// issuer reinstated their credential.
func TestRecheckCredential(t *testing.T) {
	w := newCredWorld(t)
	w.needsCases()
	c := w.attach(w.jordan, w.cst.JSON)
	w.board.Set(w.cst, statuslist.Suspension, true)
	// Within a minute of the last check, nothing is fetched.
	fetched := len(w.board.Fetched())
	got, err := w.p.RecheckCredential(w.ctx, w.jordan, c.ID)
	if err != nil || got.Verified.Status != scope.Active || len(w.board.Fetched()) != fetched {
		t.Fatalf("%+v %v", got, err)
	}
	w.clock.Advance(time.Minute)
	if got, err = w.p.RecheckCredential(w.ctx, w.jordan, c.ID); err != nil || got.Verified.Status != scope.Suspended || got.Version != 2 {
		t.Fatalf("%+v %v", got, err)
	}
	w.board.Set(w.cst, statuslist.Suspension, false)
	w.clock.Advance(time.Minute)
	if got, err = w.p.RecheckCredential(w.ctx, w.jordan, c.ID); err != nil || got.Verified.Status != scope.Active {
		t.Fatalf("%+v %v", got, err)
	}
	if es := w.audits(practice.AuditCredentialCheck); len(es) != 2 || es[0].Actor != w.jordan.AuditName() {
		t.Fatalf("audit %+v", es)
	}
	if _, err := w.p.RecheckCredential(w.ctx, w.noor, c.ID); certboard.ErrorCode(err) != certboard.NotFound {
		t.Fatalf("another's credential: %v", err)
	}
}

func TestResolveScopeFlag(t *testing.T) {
	w := newCredWorld(t)
	w.needsCases()
	c := w.attach(w.jordan, w.cst.JSON)
	it := w.openCase(w.jordan, "intensive_therapy", "open")
	if err := w.p.DetachCredential(w.ctx, w.jordan, c.ID, c.Version); err != nil {
		t.Fatal(err)
	}
	flags, err := w.p.ScopeFlags(w.ctx, w.sam, true)
	if err != nil || len(flags) != 1 || flags[0].CaseID != it {
		t.Fatalf("%+v %v", flags, err)
	}
	if _, err := w.p.ScopeFlags(w.ctx, w.jordan, true); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Fatalf("a practitioner listed the flags: %v", err)
	}
	id := flags[0].ID
	wantErr(t, w.p.ResolveScopeFlag(w.ctx, w.jordan, id, "done"), certboard.Forbidden, "")
	wantErr(t, w.p.ResolveScopeFlag(w.ctx, w.sam, id, "  "), certboard.Invalid, "resolution: ")
	wantErr(t, w.p.ResolveScopeFlag(w.ctx, w.sam, id, strings.Repeat("é", practice.MaxScopeResolution+1)), certboard.Invalid, "resolution: at most 2000")
	wantErr(t, w.p.ResolveScopeFlag(w.ctx, w.sam, 999, "done"), certboard.NotFound, "no flag 999")
	if err := w.p.ResolveScopeFlag(w.ctx, w.sam, id, strings.Repeat("é", practice.MaxScopeResolution)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, w.p.ResolveScopeFlag(w.ctx, w.lee, id, "again"), certboard.Conflict, "resolved already")
	if open, _ := w.p.ScopeFlags(w.ctx, w.sam, true); len(open) != 0 {
		t.Fatalf("open after review: %+v", open)
	}
	es := w.audits(practice.AuditCaseFlagResolve)
	if len(es) != 1 || es[0].Subject != "case:"+itoa(it) || strings.Contains(es[0].After, "é") {
		t.Fatalf("audit %+v", es)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestAttachAtMostSoMany: a practitioner keeps at most MaxCredentialsEach
// credentials attached.
func TestAttachAtMostSoMany(t *testing.T) {
	w := newCredWorld(t)
	for range practice.MaxCredentialsEach {
		w.attach(w.noor, w.board.Issue("CSE", cseTitle, "Noor Haddad", "noor@practice.example", credIssued, 3).JWT)
	}
	_, err := w.p.AttachCredential(w.ctx, w.noor, w.board.Issue("CSE", cseTitle, "Noor Haddad", "noor@practice.example", credIssued, 3).JWT)
	wantErr(t, err, certboard.Invalid, "credential: you have 20 credentials attached")
	if n := w.count("practitioner_credentials"); n != practice.MaxCredentialsEach {
		t.Fatalf("%d stored", n)
	}
}
