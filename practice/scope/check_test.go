package scope_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/internal/credtest"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/verifier"
)

const (
	cstTitle = "AASECT Certified Sex Therapist (CST)"
	email    = "jordan@demo.certboard.example"
)

var (
	issuedAt = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	until    = time.Date(2029, 12, 1, 10, 0, 0, 0, time.UTC) // three years on
	now      = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
)

// TestCheck runs certboard's verifier through Check on credentials issued
// as the board issues them, in both proof formats: each outcome a Status
// or a certboard error with the verifier's reason in words a person can act
// on.
func TestCheck(t *testing.T) {
	ctx := context.Background()
	board := credtest.NewIssuer(t, "board.example", "Demo Board")
	trust := scope.TrustList{board.DID: {Name: "Demo Certification Board", Types: []string{"aasect-cst"}}}

	active := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	suspended := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	board.Set(suspended, statuslist.Suspension, true)
	revoked := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	board.Set(revoked, statuslist.Revocation, true)
	both := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	board.Set(both, statuslist.Revocation, true)
	board.Set(both, statuslist.Suspension, true)
	expiredRevoked := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	board.Set(expiredRevoked, statuslist.Revocation, true)
	noEnd := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 0)
	other := board.Issue("CST", cstTitle, "Sam Other", "sam@elsewhere.example", issuedAt, 3)

	for _, format := range []string{"data-integrity", "vc-jwt"} {
		pick := func(c credtest.Signed) []byte {
			if format == "vc-jwt" {
				return c.JWT
			}
			return c.JSON
		}
		tampered := []byte(strings.Replace(string(active.JSON), "Jordan Reyes", "Jordan Reyez", 1))
		if format == "vc-jwt" {
			tampered = credtest.TamperJWT(t, active.JWT, "Jordan Reyes", "Jordan Reyez")
		}
		for _, tc := range []struct {
			name   string
			raw    []byte
			email  string
			trust  scope.TrustList
			at     time.Time
			status scope.Status
			reason string
			code   certboard.Code
			says   string
		}{
			{name: "active", raw: pick(active), status: scope.Active},
			{name: "active, e-mail in another case and with spaces", raw: pick(active), email: "  Jordan@Demo.Certboard.Example ", status: scope.Active},
			{name: "active on its first second", raw: pick(active), at: issuedAt, status: scope.Active},
			{name: "active on its last second", raw: pick(active), at: until.Add(-time.Second), status: scope.Active},
			{name: "without an end, years later", raw: pick(noEnd), at: issuedAt.AddDate(30, 0, 0), status: scope.Active},
			{name: "expired at its validUntil", raw: pick(active), at: until, status: scope.Expired, reason: "expired on 2029-12-01"},
			{name: "expired later", raw: pick(active), at: until.AddDate(1, 0, 0), status: scope.Expired, reason: "expired on 2029-12-01"},
			{name: "suspended", raw: pick(suspended), status: scope.Suspended, reason: "the issuer has suspended this credential"},
			{name: "revoked", raw: pick(revoked), status: scope.Revoked, reason: "the issuer has revoked this credential"},
			{name: "revoked and suspended: revoked", raw: pick(both), status: scope.Revoked, reason: "revoked"},
			{name: "revoked and expired: revoked", raw: pick(expiredRevoked), at: until.AddDate(0, 1, 0), status: scope.Revoked, reason: "revoked"},
			{name: "issuer not on the trust list", raw: pick(active), trust: scope.TrustList{}, status: scope.Untrusted,
				reason: "its issuer did:web:board.example (Demo Board, as it calls itself) is not on the practice's trust list"},
			{name: "untrusted wins over revoked", raw: pick(revoked), trust: scope.TrustList{"did:web:elsewhere.example": {Name: "Elsewhere"}}, status: scope.Untrusted},
			{name: "untrusted wins over expired", raw: pick(active), at: until, trust: scope.TrustList{}, status: scope.Untrusted},
			{name: "not yet valid, a second early", raw: pick(active), at: issuedAt.Add(-time.Second), code: certboard.Invalid,
				says: "credential: the credential is not valid yet: it takes effect on 2026-12-01; attach it from then"},
			{name: "tampered", raw: tampered, code: certboard.Invalid, says: "signature does not match"},
			{name: "issued to someone else", raw: pick(other), code: certboard.Invalid,
				says: "credential: the credential was issued to another e-mail address than yours (jordan@demo.certboard.example)"},
			{name: "another holder's address", raw: pick(active), email: "sam@elsewhere.example", code: certboard.Invalid, says: "issued to another e-mail address"},
			{name: "garbage", raw: []byte("hello"), code: certboard.Invalid, says: "credential: this is not a credential the practice can read (neither a JSON credential nor a VC-JWT"},
			{name: "empty", raw: []byte(" \n"), code: certboard.Invalid, says: "credential: give the credential"},
			{name: "too large", raw: []byte(`{"a": "` + strings.Repeat("x", verifier.MaxSize) + `"}`), code: certboard.TooLarge, says: "larger than 1 MiB"},
		} {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				at := tc.at
				if at.IsZero() {
					at = now
				}
				mail := tc.email
				if mail == "" {
					mail = email
				}
				tr := tc.trust
				if tr == nil {
					tr = trust
				}
				board.ClearFetched()
				v, err := scope.Check(ctx, tc.raw, mail, tr, board.Fetch, at)
				if tc.code != "" {
					if certboard.ErrorCode(err) != tc.code || !strings.Contains(certboard.ErrorMessage(err), tc.says) {
						t.Fatalf("got %v (%s), want %s saying %q", err, certboard.ErrorCode(err), tc.code, tc.says)
					}
					if v != (scope.Verified{}) {
						t.Fatalf("an error with a result: %+v", v)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if v.Status != tc.status || !strings.Contains(v.Reason, tc.reason) {
					t.Fatalf("status %s %q, want %s %q", v.Status, v.Reason, tc.status, tc.reason)
				}
				if tc.status == scope.Active && v.Reason != "" {
					t.Fatalf("an active credential with a reason: %q", v.Reason)
				}
				if v.Format != format || v.Issuer != board.DID || v.Holder == "" || !v.CheckedAt.Equal(at) ||
					!v.ValidFrom.Equal(issuedAt) || v.Achievement.HumanCode != "CST" || v.Achievement.Name != cstTitle ||
					v.Achievement.ID != "https://board.example/achievements/CST" || !strings.HasPrefix(v.CredentialID, "https://board.example/credentials/") {
					t.Fatalf("%+v", v)
				}
				if v.Status == scope.Untrusted {
					if v.IssuerName != "" || v.ClaimedIssuerName != "Demo Board" {
						t.Fatalf("untrusted names: %q %q", v.IssuerName, v.ClaimedIssuerName)
					}
					if len(board.Fetched()) != 0 {
						t.Fatalf("fetched %v for an issuer off the list", board.Fetched())
					}
				} else if v.IssuerName != "Demo Certification Board" {
					t.Fatalf("the trust list's name, not the claimed one: %q", v.IssuerName)
				}
			})
		}
	}
}

// TestCheckCouldNotCheck: when the issuer's DID document or a status list
// cannot be fetched, Check says so as Unavailable (nothing is known against
// the credential), never Invalid; an expired credential is Expired all the
// same.
func TestCheckCouldNotCheck(t *testing.T) {
	ctx := context.Background()
	board := credtest.NewIssuer(t, "board.example", "Demo Board")
	trust := scope.TrustList{board.DID: {Name: "Demo Board", Types: []string{"aasect-cst"}}}
	c := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	for _, tc := range []struct {
		name   string
		down   string
		at     time.Time
		code   certboard.Code
		status scope.Status
	}{
		{"DID document unreachable", "/.well-known/did.json", now, certboard.Unavailable, ""},
		{"suspension list unreachable", "/status/suspension-1", now, certboard.Unavailable, ""},
		{"revocation list unreachable", "/status/revocation-1", now, certboard.Unavailable, ""},
		{"revocation list unreachable, expired", "/status/revocation-1", until, "", scope.Expired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			board.Unreachable(board.Base() + tc.down)
			defer board.Unreachable()
			for _, raw := range [][]byte{c.JSON, c.JWT} {
				v, err := scope.Check(ctx, raw, email, trust, board.Fetch, tc.at)
				if certboard.ErrorCode(err) != tc.code || v.Status != tc.status {
					t.Fatalf("got %v %q, want %q %q", err, v.Status, tc.code, tc.status)
				}
				if err != nil && !strings.Contains(certboard.ErrorMessage(err), "try again later") {
					t.Fatalf("message: %s", certboard.ErrorMessage(err))
				}
			}
		})
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := scope.Check(cancelled, c.JSON, email, trust, board.Fetch, now); certboard.ErrorCode(err) != certboard.Unavailable {
		t.Fatalf("cancelled: %v", err)
	}
	if _, err := scope.Check(ctx, c.JSON, "", trust, board.Fetch, now); certboard.ErrorCode(err) != certboard.Internal {
		t.Fatalf("no e-mail: %v", err)
	}
	if _, err := scope.Check(ctx, c.JSON, email, trust, nil, now); certboard.ErrorCode(err) != certboard.Internal {
		t.Fatalf("no fetch: %v", err)
	}
}

// TestCheckReinstated: the status list is read on every check, so a
// credential suspended and reinstated reads suspended, then active.
func TestCheckReinstated(t *testing.T) {
	ctx := context.Background()
	board := credtest.NewIssuer(t, "board.example", "Demo Board")
	trust := scope.TrustList{board.DID: {Name: "Demo Board", Types: []string{"aasect-cst"}}}
	c := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	for _, step := range []struct {
		on   bool
		want scope.Status
	}{{false, scope.Active}, {true, scope.Suspended}, {false, scope.Active}} {
		board.Set(c, statuslist.Suspension, step.on)
		v, err := scope.Check(ctx, c.JWT, email, trust, board.Fetch, now)
		if err != nil || v.Status != step.want {
			t.Fatalf("suspended %t: %v %s", step.on, err, v.Status)
		}
	}
}

// TestAttach: only an active credential is attached; any other is refused
// with the reason.
func TestAttach(t *testing.T) {
	ctx := context.Background()
	board := credtest.NewIssuer(t, "board.example", "Demo Board")
	trust := scope.TrustList{board.DID: {Name: "Demo Board", Types: []string{"aasect-cst"}}}
	good := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	susp := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	board.Set(susp, statuslist.Suspension, true)
	rev := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	board.Set(rev, statuslist.Revocation, true)
	for _, tc := range []struct {
		name  string
		raw   []byte
		trust scope.TrustList
		at    time.Time
		says  string
	}{
		{"active", good.JSON, trust, now, ""},
		{"active JWT", good.JWT, trust, now, ""},
		{"suspended", susp.JSON, trust, now, "credential: the credential is suspended: the issuer has suspended this credential; only a current credential can be attached"},
		{"revoked", rev.JWT, trust, now, "credential: the credential is revoked: the issuer has revoked this credential; only a current credential can be attached"},
		{"expired", good.JSON, trust, until, "credential: the credential is expired: expired on 2029-12-01; only a current credential can be attached"},
		{"untrusted", good.JSON, nil, now, "credential: the credential's issuer did:web:board.example (Demo Board, as it calls itself) is not on the practice's trust list; ask the practice's admin to add the issuer"},
		{"tampered", []byte(strings.Replace(string(good.JSON), "Jordan", "Jordon", 1)), trust, now, "signature does not match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := scope.Attach(ctx, tc.raw, email, tc.trust, board.Fetch, tc.at)
			if tc.says == "" {
				if err != nil || v.Status != scope.Active {
					t.Fatalf("%v %+v", err, v)
				}
				return
			}
			if certboard.ErrorCode(err) != certboard.Invalid || !strings.Contains(certboard.ErrorMessage(err), tc.says) || v != (scope.Verified{}) {
				t.Fatalf("got %v (%s), want Invalid saying %q", err, certboard.ErrorCode(err), tc.says)
			}
		})
	}
}

// TestCheckOtherIssuers: a credential from another issuer on the trust
// list, naming no status list, verifies; one that names no holder by
// e-mail cannot be bound to the practitioner and is refused.
func TestCheckOtherIssuers(t *testing.T) {
	ctx := context.Background()
	other := credtest.NewIssuer(t, "institute.example", "Institute")
	trust := scope.TrustList{other.DID: {Name: "The Institute"}}
	c, err := credentialWithoutStatus(other, email)
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range [][]byte{c.JSON, c.JWT} {
		v, err := scope.Check(ctx, raw, email, trust, other.Fetch, now)
		if err != nil || v.Status != scope.Active || v.IssuerName != "The Institute" {
			t.Fatalf("%v %+v", err, v)
		}
		// No status list named: a day on, or the credential's end if sooner.
		if !v.NextCheck.Equal(now.Add(scope.CheckEvery)) {
			t.Fatalf("next check %s", v.NextCheck)
		}
	}
	noMail, err := credentialWithoutStatus(other, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = scope.Check(ctx, noMail.JSON, email, trust, other.Fetch, now)
	if certboard.ErrorCode(err) != certboard.Invalid || !strings.Contains(certboard.ErrorMessage(err), "does not name its holder by e-mail address") {
		t.Fatalf("no e-mail identity: %v", err)
	}
}

// TestNextCheck: daily, brought forward by a shorter status list ttl or
// validity and by the credential's own end, never closer than an hour.
func TestNextCheck(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		ttl       any
		listUntil string
		years     int
		at        time.Time
		want      time.Time
	}{
		{"no ttl: a day on", nil, "", 3, now, now.Add(24 * time.Hour)},
		{"ttl of 6 hours", 6 * 3600 * 1000, "", 3, now, now.Add(6 * time.Hour)},
		{"ttl of exactly a day", 24 * 3600 * 1000, "", 3, now, now.Add(24 * time.Hour)},
		{"ttl a millisecond under a day", 24*3600*1000 - 1, "", 3, now, now.Add(24*time.Hour - time.Millisecond)},
		{"ttl of a week: still daily", 7 * 24 * 3600 * 1000, "", 3, now, now.Add(24 * time.Hour)},
		{"ttl of 5 minutes: an hour", 5 * 60 * 1000, "", 3, now, now.Add(time.Hour)},
		{"ttl of exactly an hour", 3600 * 1000, "", 3, now, now.Add(time.Hour)},
		{"ttl of an hour and a millisecond", 3600*1000 + 1, "", 3, now, now.Add(time.Hour + time.Millisecond)},
		{"ttl zero is ignored", 0, "", 3, now, now.Add(24 * time.Hour)},
		{"ttl negative is ignored", -5, "", 3, now, now.Add(24 * time.Hour)},
		{"ttl not a number is ignored", "3600000", "", 3, now, now.Add(24 * time.Hour)},
		{"list valid for 3 more hours", nil, "2027-03-01T12:00:00Z", 3, now, now.Add(3 * time.Hour)},
		{"list valid for 10 more minutes: an hour", nil, "2027-03-01T09:10:00Z", 3, now, now.Add(time.Hour)},
		{"list valid for two more days", nil, "2027-03-03T09:00:00Z", 3, now, now.Add(24 * time.Hour)},
		{"credential ends in 2 hours", nil, "", 3, until.Add(-2 * time.Hour), until},
		{"credential ends in 10 minutes: then, whatever the floor", 5 * 60 * 1000, "", 3, until.Add(-10 * time.Minute), until},
		{"credential ended: a day on", nil, "", 3, until, until.Add(24 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			board := credtest.NewIssuer(t, "board.example", "Demo Board")
			board.SetListLifetime(tc.ttl, tc.listUntil)
			c := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, tc.years)
			v, err := scope.Check(ctx, c.JSON, email, scope.TrustList{board.DID: {Name: "Demo Board"}}, board.Fetch, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if !v.NextCheck.Equal(tc.want) {
				t.Fatalf("next check %s, want %s", v.NextCheck, tc.want)
			}
		})
	}
}

// TestCheckUntrustedFetchesNothing: the issuer a credential names is
// judged against the trust list before anything is fetched. An issuer
// taken off the list gets Untrusted whether its site answers or not (a
// site made unreachable must not read as "could not check now", which
// would keep the last result), and nothing of it is fetched; what is not
// a credential of the practitioner's is still refused.
func TestCheckUntrustedFetchesNothing(t *testing.T) {
	ctx := context.Background()
	board := credtest.NewIssuer(t, "board.example", "Demo Board")
	trust := scope.TrustList{board.DID: {Name: "Demo Board", Types: []string{"aasect-cst"}}}
	off := scope.TrustList{"did:web:elsewhere.example": {Name: "Elsewhere", Types: []string{"aasect-cst"}}}
	c := board.Issue("CST", cstTitle, "Jordan Reyes", email, issuedAt, 3)
	other := board.Issue("CST", cstTitle, "Sam Other", "sam@elsewhere.example", issuedAt, 3)
	later := board.Issue("CST", cstTitle, "Jordan Reyes", email, now.AddDate(0, 1, 0), 3)
	for _, format := range []string{"data-integrity", "vc-jwt"} {
		pick := func(c credtest.Signed) []byte {
			if format == "vc-jwt" {
				return c.JWT
			}
			return c.JSON
		}
		tampered := []byte(strings.Replace(string(c.JSON), "Jordan Reyes", "Jordan Reyez", 1))
		if format == "vc-jwt" {
			tampered = credtest.TamperJWT(t, c.JWT, "Jordan Reyes", "Jordan Reyez")
		}
		for _, tc := range []struct {
			name  string
			raw   []byte
			trust scope.TrustList
			down  bool
			code  certboard.Code
			says  string
		}{
			{name: "trusted, the site down: could not check", raw: pick(c), trust: trust, down: true, code: certboard.Unavailable, says: "try again later"},
			{name: "off the list, the site down", raw: pick(c), trust: off, down: true, says: "its issuer did:web:board.example (Demo Board, as it calls itself) is not on the practice's trust list"},
			{name: "off the list, the site up", raw: pick(c), trust: off, says: "is not on the practice's trust list"},
			{name: "an empty list", raw: pick(c), trust: nil, says: "is not on the practice's trust list"},
			{name: "off the list, altered: its proof is not checked", raw: tampered, trust: off, says: "is not on the practice's trust list"},
			{name: "off the list, issued to someone else", raw: pick(other), trust: off, code: certboard.Invalid, says: "issued to another e-mail address"},
			{name: "off the list, not valid yet", raw: pick(later), trust: off, code: certboard.Invalid, says: "not valid yet"},
			{name: "off the list, not a credential", raw: []byte(`{"issuer": "did:web:board.example"}`), trust: off, code: certboard.Invalid, says: "credential: the credential's proof is malformed"},
		} {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				board.ClearFetched()
				board.SetDown(tc.down)
				v, err := scope.Check(ctx, tc.raw, email, tc.trust, board.Fetch, now)
				if tc.code != "" {
					if certboard.ErrorCode(err) != tc.code || !strings.Contains(certboard.ErrorMessage(err), tc.says) {
						t.Fatalf("got %v (%s), want %s saying %q", err, certboard.ErrorCode(err), tc.code, tc.says)
					}
				} else {
					if err != nil || v.Status != scope.Untrusted || !strings.Contains(v.Reason, tc.says) {
						t.Fatalf("got %v %s %q, want untrusted saying %q", err, v.Status, v.Reason, tc.says)
					}
					if v.Issuer != board.DID || v.IssuerName != "" || v.Format != format || !strings.HasPrefix(v.Holder, "Jordan Rey") ||
						v.Achievement.HumanCode != "CST" || !v.ValidUntil.Equal(until) || !v.NextCheck.Equal(now.Add(scope.CheckEvery)) {
						t.Fatalf("%+v", v)
					}
				}
				if tc.code != certboard.Unavailable && len(board.Fetched()) != 0 {
					t.Fatalf("fetched %v for an issuer off the list", board.Fetched())
				}
			})
		}
	}
	// Attach says so without claiming the credential verified.
	_, err := scope.Attach(ctx, c.JSON, email, off, board.Fetch, now)
	if certboard.ErrorCode(err) != certboard.Invalid || !strings.Contains(certboard.ErrorMessage(err),
		"credential: the credential's issuer did:web:board.example (Demo Board, as it calls itself) is not on the practice's trust list; ask the practice's admin") {
		t.Fatalf("attach: %v", err)
	}
}
