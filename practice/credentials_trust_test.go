package practice_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/internal/credtest"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/scope"
)

// TestIssuerRemovedWhileItsSiteIsDown: an issuer taken off the trust list
// loses its credentials' scope at once, flags and mails in the same
// moment, and nothing of it is fetched afterwards: making its DID document
// unreachable cannot keep its credentials counting through the grace of a
// check that "could not be made".
func TestIssuerRemovedWhileItsSiteIsDown(t *testing.T) {
	onEngines(t, func(t *testing.T, w *credWorld) {
		w.needsCases()
		w.attach(w.jordan, w.cst.JSON)
		w.openCase(w.jordan, "intensive_therapy", "open")
		w.clock.Advance(time.Minute)
		w.board.SetDown(true)
		fetched := len(w.board.Fetched())
		if _, err := w.p.RemoveTrustedIssuer(w.ctx, w.sam, w.board.DID); err != nil {
			t.Fatal(err)
		}
		if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); ok || !strings.Contains(why, "its issuer is not on the practice's trust list") {
			t.Fatalf("after the removal: %v %q", ok, why)
		}
		flags, err := w.p.ScopeFlags(w.ctx, w.sam, true)
		if err != nil || len(flags) != 1 || !strings.Contains(flags[0].Reason, "does not count: its issuer is not on the practice's trust list") {
			t.Fatalf("flags at the removal: %+v %v", flags, err)
		}
		if len(w.mails()) != 2 || len(w.audits(practice.AuditScopeLost)) != 1 || w.audits(practice.AuditScopeLost)[0].Actor != w.sam.AuditName() {
			t.Fatalf("at the removal: %d mails, %+v", len(w.mails()), w.audits(practice.AuditScopeLost))
		}
		// The check made due by the removal finds it untrusted without
		// fetching anything, and acts on nothing new.
		if r := w.reverify(); r != (practice.Reverified{Checked: 1}) {
			t.Fatalf("the check after the removal: %+v", r)
		}
		got, _ := w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
		if s := got.Credentials[0]; s.Verified.Status != scope.Untrusted || s.LastError != "" || s.Failures != 0 {
			t.Fatalf("stored %+v", s)
		}
		// The next day, the same: no new flag, no new mail, nothing fetched.
		w.clock.Advance(scope.CheckEvery)
		if r := w.reverify(); r != (practice.Reverified{Checked: 1}) || len(w.mails()) != 2 || w.count("case_flags") != 1 {
			t.Fatalf("the next day: %+v, %d mails", r, len(w.mails()))
		}
		if len(w.board.Fetched()) != fetched {
			t.Fatalf("fetched %v from an issuer off the list", w.board.Fetched()[fetched:])
		}
	})
}

// TestIssuerTrustedForSomeTypes: an issuer on the trust list vouches only
// for the kinds of credential it is trusted for. A CST from an issuer
// trusted for CSEs is attached but allows nothing beyond the baseline, and
// says why; trusted for CSTs too, it counts at once; trusted for fewer
// types again, the loss is acted on at once.
func TestIssuerTrustedForSomeTypes(t *testing.T) {
	onEngines(t, func(t *testing.T, w *credWorld) {
		other := credtest.NewIssuer(t, "elsewhere.example", "Elsewhere Board")
		w.p.UseFetch(credtest.Fetchers(w.board, other))
		if err := w.p.AddTrustedIssuer(w.ctx, w.sam, practice.TrustedIssuer{DID: other.DID, Name: "Elsewhere Board", Types: []string{"aasect-cse"}}); err != nil {
			t.Fatal(err)
		}
		c := w.attach(w.jordan, other.Issue("CST", cstTitle, "Jordan Reyes", "jordan@practice.example", credIssued, 3).JWT)
		if c.Verified.Status != scope.Active || c.Verified.IssuerName != "Elsewhere Board" {
			t.Fatalf("attached %+v", c.Verified)
		}
		const notFor = "the AASECT Certified Sex Therapist (CST) credential from Elsewhere Board allows nothing beyond what every practitioner may work: " +
			"Elsewhere Board is trusted for AASECT Certified Sexuality Educator (CSE), not for AASECT Certified Sex Therapist (CST)"
		if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); ok || !strings.Contains(why, notFor) {
			t.Fatalf("a CST from an issuer trusted for CSEs: %v %q", ok, why)
		}
		got, err := w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
		if err != nil || got.Scope.Standings[0].Current || !strings.HasPrefix(got.Scope.Standings[0].Reason, notFor) {
			t.Fatalf("%+v %v", got.Scope.Standings, err)
		}
		// Refused changes change nothing.
		audits := w.count("audit_log")
		for _, tc := range []struct {
			name  string
			by    practice.Actor
			did   string
			types []string
			code  certboard.Code
			says  string
		}{
			{"a practitioner", w.jordan, other.DID, []string{"aasect-cst"}, certboard.Forbidden, "only the practice's admins"},
			{"no type", w.sam, other.DID, nil, certboard.Invalid, "types: choose the kinds of credential"},
			{"an unknown type", w.sam, other.DID, []string{"cst"}, certboard.Invalid, `types: "cst" is not a kind of credential the scope map scope-v1 knows; choose among aasect-cst, `},
			{"no DID", w.sam, " ", []string{"aasect-cst"}, certboard.Invalid, "did: say which issuer"},
			{"not on the list", w.sam, "did:web:nowhere.example", []string{"aasect-cst"}, certboard.NotFound, "did: did:web:nowhere.example is not on the trust list"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e, err := w.p.SetIssuerTypes(w.ctx, tc.by, tc.did, tc.types)
				wantErr(t, err, tc.code, tc.says)
				if e != nil || w.count("audit_log") != audits {
					t.Fatalf("a refused change changed something: %+v", e)
				}
			})
		}
		// Trusted for CSTs too: the CST counts at once, without a check.
		e, err := w.p.SetIssuerTypes(w.ctx, w.sam, other.DID, []string{"aasect-cst", "aasect-cse"})
		if err != nil || e.Name != "Elsewhere Board" || strings.Join(e.Types, ",") != "aasect-cst,aasect-cse" {
			t.Fatalf("%+v %v", e, err)
		}
		if ok, why := w.permits(w.jordan, scope.IntensiveTherapy); !ok || !strings.Contains(why, "from Elsewhere Board") {
			t.Fatalf("trusted for CSTs: %v %q", ok, why)
		}
		es := w.audits(practice.AuditTrustTypes)
		if len(es) != 1 || es[0].Actor != w.sam.AuditName() || es[0].Subject != "trusted_issuer:"+other.DID ||
			!strings.Contains(es[0].Before, `"types":["aasect-cse"]`) || !strings.Contains(es[0].After, `"types":["aasect-cst","aasect-cse"]`) {
			t.Fatalf("audit %+v", es)
		}
		// The same types again: nothing to record.
		if _, err := w.p.SetIssuerTypes(w.ctx, w.lee, other.DID, []string{"aasect-cse", "aasect-cst"}); err != nil || len(w.audits(practice.AuditTrustTypes)) != 1 {
			t.Fatalf("the same types: %v, %d audits", err, len(w.audits(practice.AuditTrustTypes)))
		}
		// Trusted for CSEs only again: Jordan loses Intensive Therapy, acted on
		// at once, once.
		w.needsCases()
		w.openCase(w.jordan, "intensive_therapy", "open")
		w.clock.Advance(time.Minute)
		if _, err := w.p.SetIssuerTypes(w.ctx, w.sam, other.DID, []string{"aasect-cse"}); err != nil {
			t.Fatal(err)
		}
		flags, err := w.p.ScopeFlags(w.ctx, w.sam, true)
		if err != nil || len(flags) != 1 || !strings.Contains(flags[0].Reason, "Elsewhere Board is trusted for AASECT Certified Sexuality Educator (CSE), not for AASECT Certified Sex Therapist (CST)") {
			t.Fatalf("flags %+v %v", flags, err)
		}
		if len(w.mails()) != 2 {
			t.Fatalf("%d mails", len(w.mails()))
		}
		w.clock.Advance(scope.CheckEvery)
		if r := w.reverify(); r.Checked != 1 || r.Lost != 0 || len(w.mails()) != 2 {
			t.Fatalf("the next day: %+v, %d mails", r, len(w.mails()))
		}
	})
}

// TestLossActedOnOnce: a credential that ends while its issuer's site is
// down is lost at its end, once; the attempts of the following hours and
// days flag nothing and mail no one.
func TestLossActedOnOnce(t *testing.T) {
	onEngines(t, func(t *testing.T, w *credWorld) {
		w.needsCases()
		short := w.board.Issue("CST", cstTitle, "Jordan Reyes", "jordan@practice.example", credIssued.AddDate(-2, 0, 0), 3)
		w.attach(w.jordan, short.JWT)
		w.openCase(w.jordan, "intensive_therapy", "open")
		end := credIssued.AddDate(1, 0, 0)
		w.board.SetDown(true)
		w.clock.Set(end)
		if r := w.reverify(); r != (practice.Reverified{Checked: 1, Unavailable: 1, Lost: 1}) || len(w.mails()) != 2 {
			t.Fatalf("at its end: %+v, %d mails", r, len(w.mails()))
		}
		for _, at := range []time.Duration{time.Hour, 3 * time.Hour, 7 * time.Hour, 24 * time.Hour, 48 * time.Hour} {
			w.clock.Set(end.Add(at))
			if r := w.reverify(); r.Lost != 0 || len(w.mails()) != 2 || len(w.audits(practice.AuditScopeLost)) != 1 {
				t.Fatalf("%s after its end: %+v, %d mails", at, r, len(w.mails()))
			}
		}
		// Back up, the check finds it expired: still nothing new.
		w.board.SetDown(false)
		w.clock.Set(end.Add(72 * time.Hour))
		if r := w.reverify(); r.Checked != 1 || r.Lost != 0 || len(w.mails()) != 2 {
			t.Fatalf("back up: %+v, %d mails", r, len(w.mails()))
		}
	})
}

// TestLossFoundByAnotherChange: a credential that ended unchecked is found
// lost by whatever change judges the scope next (here, removing another
// credential), and the check of the ended credential that follows does
// not act on it again.
func TestLossFoundByAnotherChange(t *testing.T) {
	onEngines(t, func(t *testing.T, w *credWorld) {
		w.needsCases()
		short := w.board.Issue("CST", cstTitle, "Jordan Reyes", "jordan@practice.example", credIssued.AddDate(-2, 0, 0), 3)
		w.attach(w.jordan, short.JSON)
		cse := w.attach(w.jordan, w.board.Issue("CSE", cseTitle, "Jordan Reyes", "jordan@practice.example", credIssued, 3).JSON)
		w.openCase(w.jordan, "intensive_therapy", "open")
		end := credIssued.AddDate(1, 0, 0)
		w.clock.Set(end.Add(time.Minute)) // due at its end, not checked yet
		if err := w.p.DetachCredential(w.ctx, w.jordan, cse.ID, cse.Version); err != nil {
			t.Fatal(err)
		}
		es := w.audits(practice.AuditScopeLost)
		if len(w.mails()) != 2 || len(es) != 1 || !strings.Contains(es[0].After, "expired on 2027-12-01") {
			t.Fatalf("at the removal: %d mails, %+v", len(w.mails()), es)
		}
		if r := w.reverify(); r.Checked != 1 || r.Lost != 0 || len(w.mails()) != 2 {
			t.Fatalf("the check that follows: %+v, %d mails", r, len(w.mails()))
		}
		got, _ := w.p.Credentials(w.ctx, w.jordan, w.jordan.UserID)
		if got.Credentials[0].Verified.Status != scope.Expired {
			t.Fatalf("%+v", got.Credentials[0])
		}
	})
}

// TestIssuerRemovedCountsAtOnce: through the use cases, a credential of an
// issuer taken off the trust list stops counting the moment it is taken
// off, before any check; and the check that follows, its site down, finds
// it untrusted without fetching anything.
func TestIssuerRemovedCountsAtOnce(t *testing.T) {
	onEngines(t, func(t *testing.T, w *credWorld) {
		w.attach(w.noor, w.cse.JWT) // a CSE: losing it takes no Intensive Therapy away
		got, err := w.p.Credentials(w.ctx, w.noor, w.noor.UserID)
		if err != nil || !got.Scope.Standings[0].Current {
			t.Fatalf("before: %+v %v", got, err)
		}
		w.clock.Advance(time.Minute)
		w.board.SetDown(true)
		fetched := len(w.board.Fetched())
		if _, err := w.p.RemoveTrustedIssuer(w.ctx, w.sam, w.board.DID); err != nil {
			t.Fatal(err)
		}
		for _, when := range []string{"at once", "after the check"} {
			got, err = w.p.Credentials(w.ctx, w.noor, w.noor.UserID)
			if err != nil || got.Scope.Standings[0].Current || !strings.Contains(got.Scope.Standings[0].Reason,
				"the AASECT Certified Sexuality Educator (CSE) credential from did:web:board.example (Demo Certification Board, as it calls itself) does not count: its issuer is not on the practice's trust list") {
				t.Fatalf("%s: %+v %v", when, got.Scope.Standings, err)
			}
			s, err := w.p.CredentialScopeFor(w.ctx, w.noor.UserID)
			if err != nil || s.Standings[0].Current {
				t.Fatalf("%s: scopeFor %+v %v", when, s.Standings, err)
			}
			if when == "at once" {
				if r := w.reverify(); r != (practice.Reverified{Checked: 1}) {
					t.Fatalf("the check: %+v", r)
				}
			}
		}
		if len(w.board.Fetched()) != fetched || len(w.mails()) != 0 {
			t.Fatalf("fetched %v, %d mails", w.board.Fetched()[fetched:], len(w.mails()))
		}
		got, _ = w.p.Credentials(w.ctx, w.noor, w.noor.UserID)
		if s := got.Credentials[0]; s.Verified.Status != scope.Untrusted || s.Failures != 0 {
			t.Fatalf("stored %+v", s)
		}
	})
}
