package scope_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/practice/scope"
)

// verified is a verification of a credential of the board, checked at
// checked and due again a day later.
func verified(id, name, code string, status scope.Status, checked time.Time) scope.Verified {
	return scope.Verified{
		CredentialID: "https://board.example/credentials/" + id, Format: "data-integrity",
		Issuer: "did:web:board.example", IssuerName: "Demo Board", ClaimedIssuerName: "Demo Board", Holder: "Jordan Reyes",
		Achievement: scope.Achievement{ID: "https://board.example/achievements/" + code, Name: name, HumanCode: code, AchievementType: "Certification"},
		ValidFrom:   issuedAt, ValidUntil: until, Status: status, CheckedAt: checked, NextCheck: checked.Add(scope.CheckEvery),
	}
}

func cst(status scope.Status, checked time.Time) scope.Verified {
	return verified("1", cstTitle, "CST", status, checked)
}

const (
	cstSupTitle = "AASECT Certified Sex Therapist Supervisor"
	cseTitle    = "AASECT Certified Sexuality Educator (CSE)"
)

var (
	all  = []scope.Stage{scope.Permission, scope.LimitedInformation, scope.SpecificSuggestions, scope.IntensiveTherapy}
	base = all[:3]
)

// trustAll is a trust list with the board trusted for every type of the
// map.
func trustAll(t *testing.T) scope.TrustList {
	return scope.TrustList{"did:web:board.example": {Name: "Demo Board", Types: shipped(t).TypeIDs()}}
}

// TestAllowed: what a practitioner may work, and why; each boundary on
// both sides.
func TestAllowed(t *testing.T) {
	m := shipped(t)
	const needs = "you may not deliver Intensive Therapy: it needs a current AASECT Certified Sex Therapist (CST) or AASECT Certified Sex Therapist Supervisor credential, and "
	const refer = ". Refer the client to a practitioner who may deliver Intensive Therapy."
	with := func(v scope.Verified, f func(*scope.Verified)) scope.Verified { f(&v); return v }
	trusted := trustAll(t)
	only := func(types ...string) scope.TrustList {
		return scope.TrustList{"did:web:board.example": {Name: "Demo Board", Types: types}}
	}
	other := func(v scope.Verified) scope.Verified {
		v.Issuer, v.IssuerName, v.ClaimedIssuerName, v.CredentialID = "did:web:other.example", "Other Board", "Other", "https://other.example/credentials/1"
		return v
	}
	both := scope.TrustList{"did:web:board.example": {Name: "Demo Board", Types: []string{"aasect-cst"}},
		"did:web:other.example": {Name: "Other Board", Types: []string{"aasect-cse"}}}
	for _, tc := range []struct {
		name   string
		trust  scope.TrustList // nil: trusted
		creds  []scope.Verified
		at     time.Time
		stages []scope.Stage
		why    string // Permits(IntensiveTherapy)'s reason
	}{
		{"no credential", nil, nil, now, base, needs + "no credential is attached" + refer},
		{"a current CST", nil, []scope.Verified{cst(scope.Active, now)}, now, all,
			"Intensive Therapy is allowed by the AASECT Certified Sex Therapist (CST) credential from Demo Board, verified on 2027-03-01 and valid until 2029-12-01"},
		{"a current CST supervisor", nil, []scope.Verified{verified("2", cstSupTitle, "CST Supervisor", scope.Active, now)}, now, all,
			"allowed by the AASECT Certified Sex Therapist Supervisor credential from Demo Board"},
		{"a CST without an end date", nil, []scope.Verified{with(cst(scope.Active, now), func(v *scope.Verified) { v.ValidUntil = time.Time{} })}, now, all,
			"verified on 2027-03-01 and without an end date"},
		{"a current CSE", nil, []scope.Verified{verified("3", cseTitle, "CSE", scope.Active, now)}, now, base,
			needs + "the AASECT Certified Sexuality Educator (CSE) credential from Demo Board allows only Permission, Limited Information and Specific Suggestions" + refer},
		{"a suspended CST", nil, []scope.Verified{cst(scope.Suspended, now)}, now, base,
			needs + "the AASECT Certified Sex Therapist (CST) credential from Demo Board is suspended by its issuer (checked 2027-03-01)" + refer},
		{"a revoked CST", nil, []scope.Verified{cst(scope.Revoked, now)}, now, base, "credential from Demo Board was revoked by its issuer (checked 2027-03-01)"},
		{"an expired CST", nil, []scope.Verified{cst(scope.Expired, until)}, until, base, "credential from Demo Board expired on 2029-12-01"},
		{"a CST found untrusted, its issuer still off the list", scope.TrustList{}, []scope.Verified{with(cst(scope.Untrusted, now), func(v *scope.Verified) { v.IssuerName = "" })}, now, base,
			"the AASECT Certified Sex Therapist (CST) credential from did:web:board.example (Demo Board, as it calls itself) does not count: its issuer is not on the practice's trust list"},
		{"a CST found untrusted, its issuer listed since", nil, []scope.Verified{with(cst(scope.Untrusted, now), func(v *scope.Verified) { v.IssuerName = "" })}, now, base,
			"the AASECT Certified Sex Therapist (CST) credential from Demo Board does not count yet: its issuer was not on the practice's trust list when it was last checked (checked 2027-03-01); it counts once it is checked again"},
		{"a current CST, its issuer taken off the list since", scope.TrustList{"did:web:elsewhere.example": {Name: "Elsewhere", Types: []string{"aasect-cst"}}},
			[]scope.Verified{cst(scope.Active, now)}, now, base,
			"the AASECT Certified Sex Therapist (CST) credential from did:web:board.example (Demo Board, as it calls itself) does not count: its issuer is not on the practice's trust list"},
		{"a current CST, its issuer renamed on the list", scope.TrustList{"did:web:board.example": {Name: "The Demo Board", Types: []string{"aasect-cst"}}},
			[]scope.Verified{cst(scope.Active, now)}, now, all, "allowed by the AASECT Certified Sex Therapist (CST) credential from The Demo Board,"},
		{"a current CST, its issuer trusted for CSE only", only("aasect-cse"), []scope.Verified{cst(scope.Active, now)}, now, base,
			needs + "the AASECT Certified Sex Therapist (CST) credential from Demo Board allows nothing beyond what every practitioner may work: Demo Board is trusted for AASECT Certified Sexuality Educator (CSE), not for AASECT Certified Sex Therapist (CST); ask the practice's admin if it should be" + refer},
		{"a current CST, its issuer trusted for two other types", only("aasect-csc", "aasect-cse"), []scope.Verified{cst(scope.Active, now)}, now, base,
			"Demo Board is trusted for AASECT Certified Sexuality Educator (CSE) and AASECT Certified Sexuality Counselor (CSC), not for AASECT Certified Sex Therapist (CST)"},
		{"a current CST, its issuer trusted for no type", only(), []scope.Verified{cst(scope.Active, now)}, now, base,
			"Demo Board is trusted for no kind of credential, not for AASECT Certified Sex Therapist (CST)"},
		{"a current CST, its issuer trusted for a type an older map had", only("aasect-old"), []scope.Verified{cst(scope.Active, now)}, now, base,
			"Demo Board is trusted for no kind of credential, not for"},
		{"a current CST, its issuer trusted for CST only", only("aasect-cst"), []scope.Verified{cst(scope.Active, now)}, now, all, "allowed by the AASECT Certified Sex Therapist (CST) credential from Demo Board"},
		{"a current CST supervisor, its issuer trusted for CST only", only("aasect-cst"), []scope.Verified{verified("2", cstSupTitle, "CST Supervisor", scope.Active, now)}, now, base,
			"Demo Board is trusted for AASECT Certified Sex Therapist (CST), not for AASECT Certified Sex Therapist Supervisor"},
		{"a CST from an issuer trusted for CSE, beside one from an issuer trusted for CST", both,
			[]scope.Verified{other(cst(scope.Active, now)), cst(scope.Active, now)}, now, all, "allowed by the AASECT Certified Sex Therapist (CST) credential from Demo Board"},
		{"a CST from an issuer trusted for CSE only, another issuer trusted for CST", both, []scope.Verified{other(cst(scope.Active, now))}, now, base,
			"the AASECT Certified Sex Therapist (CST) credential from Other Board allows nothing beyond what every practitioner may work: Other Board is trusted for AASECT Certified Sexuality Educator (CSE), not for AASECT Certified Sex Therapist (CST)"},
		{"a suspended CST, its issuer not trusted for it: suspended", only("aasect-cse"), []scope.Verified{cst(scope.Suspended, now)}, now, base, "is suspended by its issuer"},
		{"a CST that no longer verifies", nil, []scope.Verified{with(cst(scope.NoLongerVerifies, now), func(v *scope.Verified) {
			v.Reason = "the credential's signature does not match: it was changed after it was issued, or signed by someone else than its issuer (the signature does not verify)"
		})}, now, base,
			"the AASECT Certified Sex Therapist (CST) credential from Demo Board no longer verifies (checked 2027-03-01): the credential's signature does not match: it was changed after it was issued, or signed by someone else than its issuer (the signature does not verify); it counts for nothing unless its issuer gives you a credential that verifies, to attach again"},
		{"a CST that no longer verifies, with no reason recorded", nil, []scope.Verified{cst(scope.NoLongerVerifies, now)}, now, base, "no longer verifies (checked 2027-03-01): no reason was recorded;"},
		{"a CST checked active, at its validUntil", nil, []scope.Verified{cst(scope.Active, until.Add(-time.Hour))}, until, base, "expired on 2029-12-01"},
		{"a CST checked active, a nanosecond before its validUntil", nil, []scope.Verified{cst(scope.Active, until.Add(-time.Hour))}, until.Add(-time.Nanosecond), all, "allowed by"},
		{"a CST not valid yet", nil, []scope.Verified{cst(scope.Active, issuedAt.Add(-time.Hour))}, issuedAt.Add(-time.Nanosecond), base, "is valid only from 2026-12-01"},
		{"a CST on its first instant", nil, []scope.Verified{cst(scope.Active, issuedAt.Add(-time.Hour))}, issuedAt, all, "allowed by"},
		{"a CST unverified for a week past its next check", nil, []scope.Verified{cst(scope.Active, now)}, now.Add(scope.CheckEvery + scope.Grace), base,
			"was last verified on 2027-03-01 and could not be verified again since; it counts again once a check succeeds"},
		{"a CST unverified for a nanosecond less", nil, []scope.Verified{cst(scope.Active, now)}, now.Add(scope.CheckEvery + scope.Grace - time.Nanosecond), all, "allowed by"},
		{"no next check recorded: a day after the check", nil, []scope.Verified{with(cst(scope.Active, now), func(v *scope.Verified) { v.NextCheck = time.Time{} })},
			now.Add(scope.CheckEvery + scope.Grace), base, "could not be verified again since"},
		{"an achievement the map does not know", nil, []scope.Verified{verified("4", "Certified Surgical Technologist", "CST", scope.Active, now)}, now, base,
			"the Certified Surgical Technologist credential from Demo Board is not a credential the scope map knows; it allows nothing beyond what every practitioner may work"},
		{"an unknown standing", nil, []scope.Verified{cst("pending", now)}, now, base, `has an unknown standing "pending"`},
		{"a suspended CST and a current supervisor", nil, []scope.Verified{cst(scope.Suspended, now), verified("2", cstSupTitle, "CST Supervisor", scope.Active, now)}, now, all,
			"allowed by the AASECT Certified Sex Therapist Supervisor credential"},
		{"a suspended CST and a current CSE", nil, []scope.Verified{cst(scope.Suspended, now), verified("3", cseTitle, "CSE", scope.Active, now)}, now, base,
			needs + "the AASECT Certified Sex Therapist (CST) credential from Demo Board is suspended by its issuer (checked 2027-03-01); the AASECT Certified Sexuality Educator (CSE) credential from Demo Board allows only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.trust
			if tr == nil {
				tr = trusted
			}
			s := scope.Allowed(m, tr, tc.creds, tc.at)
			if !slices.Equal(s.Stages, tc.stages) {
				t.Fatalf("stages %v, want %v", s.Stages, tc.stages)
			}
			if len(s.Standings) != len(tc.creds) || s.Version != "scope-v1" || !s.AsOf.Equal(tc.at) {
				t.Fatalf("%+v", s)
			}
			ok, why := s.Permits(scope.IntensiveTherapy)
			if ok != slices.Contains(tc.stages, scope.IntensiveTherapy) || !strings.Contains(why, tc.why) {
				t.Fatalf("Permits(IT) = %t, %q\nwant %q", ok, why, tc.why)
			}
			for _, st := range base {
				ok, why := s.Permits(st)
				if !ok || why != "every practitioner may work "+st.Name()+" (scope map scope-v1)" {
					t.Fatalf("Permits(%s) = %t %q", st, ok, why)
				}
			}
			for _, st := range s.Standings {
				if st.Reason == "" || st.Current != (st.Type != nil && strings.Contains(st.Reason, " allows ") && !strings.Contains(st.Reason, "allows nothing")) {
					t.Fatalf("standing %+v", st)
				}
			}
		})
	}
	ok, why := scope.Allowed(m, nil, nil, now).Permits("counselling")
	if ok || why != `"counselling" is not a PLISSIT stage; use permission, limited_information, specific_suggestions, intensive_therapy` {
		t.Fatalf("unknown stage: %t %q", ok, why)
	}
}

// TestChanged: a re-judgement flags the practitioner's open Intensive
// Therapy cases exactly when Intensive Therapy was within the scope as last
// judged and is not now.
func TestChanged(t *testing.T) {
	m := shipped(t)
	trusted := trustAll(t)
	day := now.Add(-scope.CheckEvery)
	renewed := verified("9", cstTitle, "CST", scope.Active, until.Add(-time.Hour))
	renewed.ValidUntil = until.AddDate(3, 0, 0)
	one := func(v ...scope.Verified) []scope.Verified { return v }
	cseOnly := scope.TrustList{"did:web:board.example": {Name: "Demo Board", Types: []string{"aasect-cse"}}}
	for _, tc := range []struct {
		name              string
		before, after     []scope.Verified
		wasAt, isAt       time.Time
		wasTrust, isTrust scope.TrustList // nil: trusted
		why               string          // "" for no flag
	}{
		{"still active", one(cst(scope.Active, day)), one(cst(scope.Active, now)), day, now, nil, nil, ""},
		{"suspended", one(cst(scope.Active, day)), one(cst(scope.Suspended, now)), day, now, nil, nil,
			"Intensive Therapy is no longer within the practitioner's scope: the AASECT Certified Sex Therapist (CST) credential from Demo Board is suspended by its issuer (checked 2027-03-01). Review each open Intensive Therapy case"},
		{"revoked", one(cst(scope.Active, day)), one(cst(scope.Revoked, now)), day, now, nil, nil, "was revoked by its issuer"},
		{"no longer verifies", one(cst(scope.Active, day)), one(cst(scope.NoLongerVerifies, now)), day, now, nil, nil, "no longer verifies (checked 2027-03-01)"},
		{"expired on re-check", one(cst(scope.Active, until.Add(-time.Hour))), one(cst(scope.Expired, until)), until.Add(-time.Hour), until, nil, nil, "expired on 2029-12-01"},
		{"expired with no re-check", one(cst(scope.Active, until.Add(-time.Hour))), one(cst(scope.Active, until.Add(-time.Hour))), until.Add(-time.Hour), until, nil, nil, "expired on 2029-12-01"},
		{"a nanosecond before expiry", one(cst(scope.Active, until.Add(-time.Hour))), one(cst(scope.Active, until.Add(-time.Hour))), until.Add(-time.Hour), until.Add(-time.Nanosecond), nil, nil, ""},
		{"expired, judged again the next day", one(cst(scope.Active, until.Add(-time.Hour))), one(cst(scope.Active, until.Add(-time.Hour))), until, until.AddDate(0, 0, 1), nil, nil, ""},
		{"issuer taken off the trust list, not checked since", one(cst(scope.Active, day)), one(cst(scope.Active, day)), day, now, nil, scope.TrustList{},
			"the AASECT Certified Sex Therapist (CST) credential from did:web:board.example (Demo Board, as it calls itself) does not count: its issuer is not on the practice's trust list"},
		{"found untrusted, judged after the issuer was taken off", one(cst(scope.Active, day)), one(cst(scope.Untrusted, now)), day, now, scope.TrustList{}, scope.TrustList{}, ""},
		{"issuer no longer trusted for CSTs", one(cst(scope.Active, day)), one(cst(scope.Active, day)), day, now, nil, cseOnly,
			"Demo Board is trusted for AASECT Certified Sexuality Educator (CSE), not for AASECT Certified Sex Therapist (CST)"},
		{"issuer trusted for CSTs again", one(cst(scope.Active, day)), one(cst(scope.Active, day)), day, now, cseOnly, nil, ""},
		{"unverified too long", one(cst(scope.Active, day)), one(cst(scope.Active, day)), day, day.Add(scope.CheckEvery + scope.Grace), nil, nil, "could not be verified again since"},
		{"unverified too long, judged again", one(cst(scope.Active, day)), one(cst(scope.Active, day)), day.Add(scope.CheckEvery + scope.Grace), day.Add(scope.CheckEvery + scope.Grace + 6*time.Hour), nil, nil, ""},
		{"removed", one(cst(scope.Active, day)), nil, day, now, nil, nil, "the AASECT Certified Sex Therapist (CST) credential from Demo Board was removed"},
		{"the renewed one expires beside its renewal", one(cst(scope.Active, until.Add(-time.Hour)), renewed),
			one(cst(scope.Expired, until), renewed), until.Add(-time.Hour), until, nil, nil, ""},
		{"a CSE suspended: no Intensive Therapy lost", one(verified("3", cseTitle, "CSE", scope.Active, day)),
			one(verified("3", cseTitle, "CSE", scope.Suspended, now)), day, now, nil, nil, ""},
		{"suspended, then revoked: it was not in scope", one(cst(scope.Suspended, day)), one(cst(scope.Revoked, now)), day, now, nil, nil, ""},
		{"reinstated", one(cst(scope.Suspended, day)), one(cst(scope.Active, now)), day, now, nil, nil, ""},
		{"suspended while a supervisor credential stays", one(cst(scope.Active, day), verified("2", cstSupTitle, "CST Supervisor", scope.Active, day)),
			one(cst(scope.Suspended, now), verified("2", cstSupTitle, "CST Supervisor", scope.Active, now)), day, now, nil, nil, ""},
		{"both lost", one(cst(scope.Active, day), verified("2", cstSupTitle, "CST Supervisor", scope.Active, day)),
			one(cst(scope.Suspended, now), verified("2", cstSupTitle, "CST Supervisor", scope.Revoked, now)), day, now, nil, nil,
			"the AASECT Certified Sex Therapist (CST) credential from Demo Board is suspended by its issuer (checked 2027-03-01); the AASECT Certified Sex Therapist Supervisor credential from Demo Board was revoked by its issuer"},
		{"nothing before, nothing after", nil, nil, day, now, nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wasTrust, isTrust := tc.wasTrust, tc.isTrust
			if wasTrust == nil {
				wasTrust = trusted
			}
			if isTrust == nil {
				isTrust = trusted
			}
			flag, why := scope.Changed(scope.Allowed(m, wasTrust, tc.before, tc.wasAt), scope.Allowed(m, isTrust, tc.after, tc.isAt))
			if flag != (tc.why != "") || !strings.Contains(why, tc.why) || (!flag && why != "") {
				t.Fatalf("Changed = %t %q, want %q", flag, why, tc.why)
			}
		})
	}
}

// TestChangedOncePerLoss: judged day after day with no new check, a
// credential that ends is a loss once, on the day it ends, when each
// judgement is compared with the one before it (the probe of the review:
// active on 2027-03-01, valid until 2027-03-03).
func TestChangedOncePerLoss(t *testing.T) {
	m := shipped(t)
	trusted := trustAll(t)
	checked := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	c := cst(scope.Active, checked)
	c.ValidUntil = time.Date(2027, 3, 3, 9, 0, 0, 0, time.UTC)
	c.NextCheck = c.ValidUntil
	creds := []scope.Verified{c}
	was := scope.Allowed(m, trusted, creds, checked)
	var flagged []string
	for d := 1; d <= 10; d++ {
		at := checked.AddDate(0, 0, d)
		is := scope.Allowed(m, trusted, creds, at)
		if flag, _ := scope.Changed(was, is); flag {
			flagged = append(flagged, at.Format(time.DateOnly))
		}
		was = is
	}
	if !slices.Equal(flagged, []string{"2027-03-03"}) {
		t.Fatalf("flagged on %v, want once, on 2027-03-03", flagged)
	}
}
