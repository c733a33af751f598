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

// TestAllowed: what a practitioner may work, and why; each boundary on
// both sides.
func TestAllowed(t *testing.T) {
	m := shipped(t)
	const needs = "you may not deliver Intensive Therapy: it needs a current AASECT Certified Sex Therapist (CST) or AASECT Certified Sex Therapist Supervisor credential, and "
	const refer = ". Refer the client to a practitioner who may deliver Intensive Therapy."
	with := func(v scope.Verified, f func(*scope.Verified)) scope.Verified { f(&v); return v }
	for _, tc := range []struct {
		name   string
		creds  []scope.Verified
		at     time.Time
		stages []scope.Stage
		why    string // Permits(IntensiveTherapy)'s reason
	}{
		{"no credential", nil, now, base, needs + "no credential is attached" + refer},
		{"a current CST", []scope.Verified{cst(scope.Active, now)}, now, all,
			"Intensive Therapy is allowed by the AASECT Certified Sex Therapist (CST) credential from Demo Board, verified on 2027-03-01 and valid until 2029-12-01"},
		{"a current CST supervisor", []scope.Verified{verified("2", cstSupTitle, "CST Supervisor", scope.Active, now)}, now, all,
			"allowed by the AASECT Certified Sex Therapist Supervisor credential from Demo Board"},
		{"a CST without an end date", []scope.Verified{with(cst(scope.Active, now), func(v *scope.Verified) { v.ValidUntil = time.Time{} })}, now, all,
			"verified on 2027-03-01 and without an end date"},
		{"a current CSE", []scope.Verified{verified("3", cseTitle, "CSE", scope.Active, now)}, now, base,
			needs + "the AASECT Certified Sexuality Educator (CSE) credential from Demo Board allows only Permission, Limited Information and Specific Suggestions" + refer},
		{"a suspended CST", []scope.Verified{cst(scope.Suspended, now)}, now, base,
			needs + "the AASECT Certified Sex Therapist (CST) credential from Demo Board is suspended by its issuer (checked 2027-03-01)" + refer},
		{"a revoked CST", []scope.Verified{cst(scope.Revoked, now)}, now, base, "credential from Demo Board was revoked by its issuer (checked 2027-03-01)"},
		{"an expired CST", []scope.Verified{cst(scope.Expired, until)}, until, base, "credential from Demo Board expired on 2029-12-01"},
		{"a CST from an untrusted issuer", []scope.Verified{with(cst(scope.Untrusted, now), func(v *scope.Verified) { v.IssuerName = "" })}, now, base,
			"the AASECT Certified Sex Therapist (CST) credential from did:web:board.example (Demo Board, as it calls itself) does not count: its issuer is not on the practice's trust list (checked 2027-03-01)"},
		{"a CST checked active, at its validUntil", []scope.Verified{cst(scope.Active, until.Add(-time.Hour))}, until, base, "expired on 2029-12-01"},
		{"a CST checked active, a nanosecond before its validUntil", []scope.Verified{cst(scope.Active, until.Add(-time.Hour))}, until.Add(-time.Nanosecond), all, "allowed by"},
		{"a CST not valid yet", []scope.Verified{cst(scope.Active, issuedAt.Add(-time.Hour))}, issuedAt.Add(-time.Nanosecond), base, "is valid only from 2026-12-01"},
		{"a CST on its first instant", []scope.Verified{cst(scope.Active, issuedAt.Add(-time.Hour))}, issuedAt, all, "allowed by"},
		{"a CST unverified for a week past its next check", []scope.Verified{cst(scope.Active, now)}, now.Add(scope.CheckEvery + scope.Grace), base,
			"was last verified on 2027-03-01 and could not be verified again since; it counts again once a check succeeds"},
		{"a CST unverified for a nanosecond less", []scope.Verified{cst(scope.Active, now)}, now.Add(scope.CheckEvery + scope.Grace - time.Nanosecond), all, "allowed by"},
		{"no next check recorded: a day after the check", []scope.Verified{with(cst(scope.Active, now), func(v *scope.Verified) { v.NextCheck = time.Time{} })},
			now.Add(scope.CheckEvery + scope.Grace), base, "could not be verified again since"},
		{"an achievement the map does not know", []scope.Verified{verified("4", "Certified Surgical Technologist", "CST", scope.Active, now)}, now, base,
			"the Certified Surgical Technologist credential from Demo Board is not a credential the scope map knows; it allows nothing beyond what every practitioner may work"},
		{"an unknown standing", []scope.Verified{cst("pending", now)}, now, base, `has an unknown standing "pending"`},
		{"a suspended CST and a current supervisor", []scope.Verified{cst(scope.Suspended, now), verified("2", cstSupTitle, "CST Supervisor", scope.Active, now)}, now, all,
			"allowed by the AASECT Certified Sex Therapist Supervisor credential"},
		{"a suspended CST and a current CSE", []scope.Verified{cst(scope.Suspended, now), verified("3", cseTitle, "CSE", scope.Active, now)}, now, base,
			needs + "the AASECT Certified Sex Therapist (CST) credential from Demo Board is suspended by its issuer (checked 2027-03-01); the AASECT Certified Sexuality Educator (CSE) credential from Demo Board allows only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := scope.Allowed(m, tc.creds, tc.at)
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
	ok, why := scope.Allowed(m, nil, now).Permits("counselling")
	if ok || why != `"counselling" is not a PLISSIT stage; use permission, limited_information, specific_suggestions, intensive_therapy` {
		t.Fatalf("unknown stage: %t %q", ok, why)
	}
}

// TestChanged: a re-check flags the practitioner's open Intensive Therapy
// cases exactly when Intensive Therapy was within scope before and is not
// now.
func TestChanged(t *testing.T) {
	m := shipped(t)
	day := now.Add(-scope.CheckEvery)
	renewed := verified("9", cstTitle, "CST", scope.Active, until.Add(-time.Hour))
	renewed.ValidUntil = until.AddDate(3, 0, 0)
	one := func(v ...scope.Verified) []scope.Verified { return v }
	for _, tc := range []struct {
		name          string
		before, after []scope.Verified
		at            time.Time
		why           string // "" for no flag
	}{
		{"still active", one(cst(scope.Active, day)), one(cst(scope.Active, now)), now, ""},
		{"suspended", one(cst(scope.Active, day)), one(cst(scope.Suspended, now)), now,
			"Intensive Therapy is no longer within the practitioner's scope: the AASECT Certified Sex Therapist (CST) credential from Demo Board is suspended by its issuer (checked 2027-03-01). Review each open Intensive Therapy case"},
		{"revoked", one(cst(scope.Active, day)), one(cst(scope.Revoked, now)), now, "was revoked by its issuer"},
		{"expired on re-check", one(cst(scope.Active, until.Add(-time.Hour))), one(cst(scope.Expired, until)), until, "expired on 2029-12-01"},
		{"expired with no re-check", one(cst(scope.Active, until.Add(-time.Hour))), one(cst(scope.Active, until.Add(-time.Hour))), until, "expired on 2029-12-01"},
		{"a nanosecond before expiry", one(cst(scope.Active, until.Add(-time.Hour))), one(cst(scope.Active, until.Add(-time.Hour))), until.Add(-time.Nanosecond), ""},
		{"issuer taken off the trust list", one(cst(scope.Active, day)), one(cst(scope.Untrusted, now)), now, "its issuer is not on the practice's trust list"},
		{"unverified too long", one(cst(scope.Active, day)), one(cst(scope.Active, day)), day.Add(scope.CheckEvery + scope.Grace), "could not be verified again since"},
		{"removed", one(cst(scope.Active, day)), nil, now, "the AASECT Certified Sex Therapist (CST) credential from Demo Board was removed"},
		{"the renewed one expires beside its renewal", one(cst(scope.Active, until.Add(-time.Hour)), renewed),
			one(cst(scope.Expired, until), renewed), until, ""},
		{"a CSE suspended: no Intensive Therapy lost", one(verified("3", cseTitle, "CSE", scope.Active, day)),
			one(verified("3", cseTitle, "CSE", scope.Suspended, now)), now, ""},
		{"suspended, then revoked: it was not in scope", one(cst(scope.Suspended, day)), one(cst(scope.Revoked, now)), now, ""},
		{"reinstated", one(cst(scope.Suspended, day)), one(cst(scope.Active, now)), now, ""},
		{"suspended while a supervisor credential stays", one(cst(scope.Active, day), verified("2", cstSupTitle, "CST Supervisor", scope.Active, day)),
			one(cst(scope.Suspended, now), verified("2", cstSupTitle, "CST Supervisor", scope.Active, now)), now, ""},
		{"both lost", one(cst(scope.Active, day), verified("2", cstSupTitle, "CST Supervisor", scope.Active, day)),
			one(cst(scope.Suspended, now), verified("2", cstSupTitle, "CST Supervisor", scope.Revoked, now)), now,
			"the AASECT Certified Sex Therapist (CST) credential from Demo Board is suspended by its issuer (checked 2027-03-01); the AASECT Certified Sex Therapist Supervisor credential from Demo Board was revoked by its issuer"},
		{"nothing before, nothing after", nil, nil, now, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flag, why := scope.Changed(m, tc.before, tc.after, tc.at)
			if flag != (tc.why != "") || !strings.Contains(why, tc.why) || (!flag && why != "") {
				t.Fatalf("Changed = %t %q, want %q", flag, why, tc.why)
			}
		})
	}
}
