package eligibility

import (
	"strings"
	"testing"

	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// Table tests for the cases and exam kinds, held_at, continuity of
// licenses and insurance, and document counts. Each case gives the exact
// status and explanation, and what it checks beyond them.

// exactCase evaluates one set against one portfolio and checks one result
// to the letter.
type exactCase struct {
	name    string
	set     *requirements.Set
	p       *portfolio.Portfolio
	asOf    string // defaultAsOf when empty
	status  Status
	explain string // the whole explanation
	check   func(t *testing.T, r Result)
}

func runExact(t *testing.T, cases []exactCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			asOf := tc.asOf
			if asOf == "" {
				asOf = defaultAsOf
			}
			r := resultOf(t, Evaluate(tc.p, tc.set, day(asOf)), tc.set.Requirements[0].ID)
			if r.Status != tc.status || r.Explanation != tc.explain {
				t.Fatalf("got %s: %q\nwant %s: %q\n%s", r.Status, r.Explanation, tc.status, tc.explain, describe(r))
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// wantSteps checks the whole list of shortfall steps.
func wantSteps(t *testing.T, r Result, steps ...string) {
	t.Helper()
	if r.Shortfall == nil || strings.Join(r.Shortfall.Steps, "\n") != strings.Join(steps, "\n") {
		t.Errorf("steps: want %q\n%s", steps, describe(r))
	}
}

// ---------------------------------------------------------------- cases

// kase is a verified case; a closed case is completed.
func kase(id, unit, opened, closed string, focus ...string) portfolio.Case {
	k := portfolio.Case{ID: id, Unit: unit, Focus: focus, Opened: day(opened), Verification: verifiedV}
	if closed != "" {
		k.Closed, k.Completed = day(closed), true
	}
	return k
}

// casesSet asks for count completed cases with a sexual or relationship
// focus, couples of them among them; f changes the requirement.
func casesSet(count int, couples float64, f func(r *requirements.Requirement)) *requirements.Set {
	r := &requirements.Requirement{ID: "cases", Kind: requirements.KindCases, Title: "Completed cases", Count: count,
		Accepts: accepts(requirements.Filter{Evidence: requirements.EvidenceCases, Focus: []string{"sexual", "relationship"}, Completed: true})}
	if couples > 0 {
		r.Minimums = []requirements.Bucket{{ID: "couples", Title: "Couples", Match: requirements.Filter{Evidence: requirements.EvidenceCases, CaseUnits: []string{"couple"}}, Min: couples}}
	}
	if f != nil {
		f(r)
	}
	return setOf(r)
}

func withCases(ks ...portfolio.Case) *portfolio.Portfolio {
	return newPortfolio(func(p *portfolio.Portfolio) { p.Cases = ks })
}

// fourCases are four completed cases, two of them couples.
func fourCases() []portfolio.Case {
	return []portfolio.Case{
		kase("c1", "couple", "2024-01-10", "2024-06-30", "sexual"),
		kase("c2", "couple", "2024-02-01", "2024-08-15", "relationship", "sexual"),
		kase("c3", "individual", "2024-03-05", "2024-09-01", "sexual"),
		kase("c4", "family", "2024-04-01", "2025-01-31", "relationship"),
	}
}

func TestCases(t *testing.T) {
	four := fourCases()
	changed := func(i int, f func(k *portfolio.Case)) []portfolio.Case {
		ks := fourCases()
		f(&ks[i])
		return ks
	}
	runExact(t, []exactCase{
		{
			name: "enough cases and couples", set: casesSet(4, 2, nil), p: withCases(four...),
			status: Met, explain: "4 completed cases, 2 of them couples",
			check: func(t *testing.T, r Result) {
				for _, id := range []string{"c1", "c2", "c3", "c4"} {
					wantUses(t, r, id, 0)
				}
				if got := progressText(r); got != "4 of 4 completed cases\n2 of 2 couples" {
					t.Errorf("progress %q", got)
				}
			},
		},
		{
			name: "too few couples", set: casesSet(4, 3, nil), p: withCases(four...),
			status: Unmet, explain: "4 completed cases, 2 of them couples; at least 3 couples are needed",
			check: func(t *testing.T, r Result) { wantSteps(t, r, "1 more case (couples)") },
		},
		{
			name: "too few cases and couples", set: casesSet(5, 3, nil), p: withCases(four...),
			status: Unmet, explain: "4 completed cases, 2 of them couples; at least 5 completed cases and at least 3 couples are needed",
			check: func(t *testing.T, r Result) { wantSteps(t, r, "1 more completed case", "1 more case (couples)") },
		},
		{
			name: "one case needed and none on file", set: casesSet(1, 0, nil), p: withCases(),
			status: Unmet, explain: "0 completed cases; at least 1 completed case is needed",
			check: func(t *testing.T, r Result) { wantSteps(t, r, "1 more completed case") },
		},
		{
			name: "a claimed case makes it pending", set: casesSet(4, 2, nil),
			p:      withCases(changed(3, func(k *portfolio.Case) { k.Verification = claimedV })...),
			status: Pending, explain: "would be met (4 completed cases, 2 of them couples) once c4 is verified",
		},
		{
			name: "a claimed case is left out on verified evidence", set: casesSet(3, 2, nil),
			p:      withCases(changed(3, func(k *portfolio.Case) { k.Verification = claimedV })...),
			status: Met, explain: "3 completed cases, 2 of them couples",
			check: func(t *testing.T, r Result) { wantExcluded(t, r, "c4", "awaits verification") },
		},
		{
			name: "a rejected case never counts", set: casesSet(4, 2, nil),
			p:      withCases(changed(0, func(k *portfolio.Case) { k.Verification = rejectedV })...),
			status: Unmet, explain: "3 completed cases, 1 of them couples; at least 4 completed cases and at least 2 couples are needed",
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "c1", "was rejected in verification")
				wantNotUsed(t, r, "c1")
			},
		},
		{
			name: "a case opened after the evaluation date does not count", set: casesSet(4, 0, nil),
			p:      withCases(changed(3, func(k *portfolio.Case) { k.Opened, k.Closed = day("2025-06-02"), day("2025-06-03") })...),
			status: Unmet, explain: "3 completed cases; at least 4 completed cases are needed",
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "c4", "was opened on 2025-06-02, after the evaluation date")
			},
		},
		{
			name: "a case closed after the evaluation date is not yet completed", set: casesSet(4, 0, nil),
			p:      withCases(changed(3, func(k *portfolio.Case) { k.Closed = day("2025-07-01") })...),
			status: Unmet, explain: "3 completed cases; at least 4 completed cases are needed",
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "c4", "was completed on 2025-07-01, after the evaluation date")
			},
		},
		{
			name: "a case closed on the evaluation date is completed", set: casesSet(4, 0, nil),
			p:      withCases(changed(3, func(k *portfolio.Case) { k.Closed = day(defaultAsOf) })...),
			status: Met, explain: "4 completed cases",
		},
		{
			name: "an open case is not completed", set: casesSet(4, 0, nil),
			p:      withCases(changed(2, func(k *portfolio.Case) { k.Closed, k.Completed = day("2024-09-01"), false })...),
			status: Unmet, explain: "3 completed cases; at least 4 completed cases are needed",
			check: func(t *testing.T, r Result) { wantExcluded(t, r, "c3", "is not marked completed") },
		},
		{
			name: "a case of another focus", set: casesSet(4, 0, nil),
			p:      withCases(changed(2, func(k *portfolio.Case) { k.Focus = []string{"other"} })...),
			status: Unmet, explain: "3 completed cases; at least 4 completed cases are needed",
			check: func(t *testing.T, r Result) { wantExcluded(t, r, "c3", "has other focus, not sexual or relationship") },
		},
		{
			name: "a case with no focus", set: casesSet(4, 0, nil),
			p:      withCases(changed(2, func(k *portfolio.Case) { k.Focus = nil })...),
			status: Unmet, explain: "3 completed cases; at least 4 completed cases are needed",
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "c3", "records no focus; sexual or relationship is needed")
			},
		},
		{
			name: "cases need not be completed unless the filter says so",
			set: casesSet(4, 0, func(r *requirements.Requirement) {
				r.Accepts = accepts(requirements.Filter{Evidence: requirements.EvidenceCases, CaseUnits: []string{"couple", "family"}})
			}),
			p:      withCases(append(changed(2, func(k *portfolio.Case) { k.Closed, k.Completed = day("2024-09-01"), false }), kase("c5", "group", "2024-05-01", ""))...),
			status: Unmet, explain: "3 cases; at least 4 cases are needed",
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "c3", "is an individual case, not couple or family")
				wantExcluded(t, r, "c5", "is a group case, not couple or family")
				wantSteps(t, r, "1 more case")
			},
		},
		{
			name: "window: cases opened in the last 15 months",
			set: casesSet(4, 0, func(r *requirements.Requirement) {
				r.Accepts[0].Window = &requirements.Window{MonthsBeforeAsOf: 15}
			}),
			p:      withCases(four...),
			status: Unmet, explain: "2 completed cases; at least 4 completed cases are needed",
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "c1", "is dated 2024-01-10, before the window that opens 2024-03-01")
				wantExcluded(t, r, "c2", "is dated 2024-02-01, before the window that opens 2024-03-01")
				wantUses(t, r, "c3", 0)
				wantUses(t, r, "c4", 0)
			},
		},
		{
			name: "minimums may overlap: a case counts in each it matches",
			set: casesSet(4, 2, func(r *requirements.Requirement) {
				r.Minimums = append(r.Minimums, requirements.Bucket{ID: "sexual", Title: "With a sexual focus",
					Match: requirements.Filter{Focus: []string{"sexual"}}, Min: 3})
			}),
			p:      withCases(four...),
			status: Met, explain: "4 completed cases, 2 of them couples, 3 of them with a sexual focus",
		},
		{
			name: "a case resting on a claimed contract is pending",
			set: casesSet(1, 0, func(r *requirements.Requirement) {
				r.Accepts[0].RequireContract = true
			}),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Contracts = []portfolio.Contract{with(contract("k1", "sup", "2024-01-01"), func(k *portfolio.Contract) { k.Verification = claimedV })}
				p.Cases = []portfolio.Case{with(kase("c1", "couple", "2024-01-10", "2024-06-30", "sexual"), func(k *portfolio.Case) { k.Contract = "k1" })}
			}),
			status: Pending, explain: "would be met (1 completed case) once k1 is verified",
			check: func(t *testing.T, r Result) { wantUses(t, r, "c1", 0) },
		},
		{
			name: "a case not linked to a contract", set: casesSet(1, 0, func(r *requirements.Requirement) { r.Accepts[0].RequireContract = true }),
			p:      withCases(kase("c1", "couple", "2024-01-10", "2024-06-30", "sexual")),
			status: Unmet, explain: "0 completed cases; at least 1 completed case is needed",
			check: func(t *testing.T, r Result) { wantExcluded(t, r, "c1", "is not linked to a supervision contract") },
		},
	})
}

// TestCasesFromYAML runs the spec's example through the loader: 31
// completed cases, 14 of them couples, against 30 with 15 couples.
func TestCasesFromYAML(t *testing.T) {
	set := parseSet(t, "", `  - id: cases
    kind: cases
    title: At least 30 completed cases, 15 of them couples
    count: 30
    accepts:
      - evidence: cases
        case_units: [individual, couple, family, group]
        focus: [sexual, relationship]
        completed: true
    minimums:
      - id: couples
        title: Couples
        match: {evidence: cases, case_units: [couple]}
        min: 15
`)
	var ks []portfolio.Case
	for i := range 31 {
		unit := "individual"
		if i < 14 {
			unit = "couple"
		}
		ks = append(ks, kase("c"+string(rune('a'+i/26))+string(rune('a'+i%26)), unit, "2024-01-10", "2024-06-30", "sexual"))
	}
	rep := Evaluate(withCases(ks...), set, day(defaultAsOf))
	r := resultOf(t, rep, "cases")
	if r.Status != Unmet || r.Explanation != "31 completed cases, 14 of them couples; at least 15 couples are needed" {
		t.Fatalf("%s", describe(r))
	}
	wantSteps(t, r, "1 more case (couples)")
	if rep.Verdict != VerdictNotEligible {
		t.Errorf("verdict %s", rep.Verdict)
	}
	// One more couple meets it.
	ks = append(ks, kase("cz", "couple", "2024-01-10", "2024-06-30", "relationship"))
	if r := resultOf(t, Evaluate(withCases(ks...), set, day(defaultAsOf)), "cases"); r.Status != Met ||
		r.Explanation != "32 completed cases, 15 of them couples" {
		t.Fatalf("%s", describe(r))
	}
}

// ---------------------------------------------------------------- exams

func exam(id, outcome, on, validTo string) portfolio.Exam {
	e := portfolio.Exam{ID: id, Kind: "exam", Code: "ecps-written", Title: "ECPS written examination", Body: "EFS-ESSM",
		Date: day(on), Outcome: outcome, Verification: verifiedV}
	if validTo != "" {
		e.ValidTo = day(validTo)
	}
	return e
}

func TestExam(t *testing.T) {
	set := func(validYears int) *requirements.Set {
		return setOf(&requirements.Requirement{ID: "written-exam", Kind: requirements.KindExam, Title: "ECPS written examination passed",
			ExamKind: "exam", Codes: []string{"ecps-written"}, ValidYears: validYears})
	}
	exams := func(es ...portfolio.Exam) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) { p.Exams = es })
	}
	runExact(t, []exactCase{
		{
			name: "passed", set: set(0), p: exams(exam("x1", "passed", "2024-11-20", "2026-11-19")),
			status: Met, explain: "passed the exam ECPS written examination (ecps-written) on 2024-11-20, valid until 2026-11-19",
			check: func(t *testing.T, r Result) { wantUses(t, r, "x1", 0) },
		},
		{
			name: "failed only", set: set(0), p: exams(exam("x1", "failed", "2024-11-20", "")),
			status: Unmet, explain: "no pass of the exam ecps-written counts: ECPS written examination (x1): failed on 2024-11-20",
			check: func(t *testing.T, r Result) {
				wantSteps(t, r, "pass the exam ecps-written and add the result")
				wantExcluded(t, r, "x1", "failed on 2024-11-20")
			},
		},
		{
			name: "failed, then passed", set: set(0), p: exams(exam("x1", "failed", "2023-11-20", ""), exam("x2", "passed", "2024-11-20", "")),
			status: Met, explain: "passed the exam ECPS written examination (ecps-written) on 2024-11-20",
			check: func(t *testing.T, r Result) {
				wantNotUsed(t, r, "x1")
				wantExcluded(t, r, "x1", "failed on 2023-11-20")
			},
		},
		{
			name: "the latest of two passes", set: set(0), p: exams(exam("x2", "passed", "2024-11-20", ""), exam("x1", "passed", "2022-11-20", "")),
			status: Met, explain: "passed the exam ECPS written examination (ecps-written) on 2024-11-20",
		},
		{
			name: "passed after the evaluation date", set: set(0), p: exams(exam("x1", "passed", "2025-06-02", "")),
			status: Unmet, explain: "no pass of the exam ecps-written counts: ECPS written examination (x1): passed on 2025-06-02, after the evaluation date",
		},
		{
			name: "a pass that no longer counts", set: set(0), p: exams(exam("x1", "passed", "2022-01-10", "2025-05-31")),
			status: Unmet, explain: "no pass of the exam ecps-written counts: ECPS written examination (x1): passed on 2022-01-10, but the pass counted only until 2025-05-31, before 2025-06-01",
		},
		{
			name: "valid_to on the evaluation date still counts", set: set(0), p: exams(exam("x1", "passed", "2022-01-10", defaultAsOf)),
			status: Met, explain: "passed the exam ECPS written examination (ecps-written) on 2022-01-10, valid until 2025-06-01",
		},
		{
			name: "older than valid_years", set: set(4), p: exams(exam("x1", "passed", "2021-05-31", "")),
			status: Unmet, explain: "no pass of the exam ecps-written counts: ECPS written examination (x1): passed on 2021-05-31, more than 4 years before 2025-06-01",
		},
		{
			name: "exactly valid_years old", set: set(4), p: exams(exam("x1", "passed", "2021-06-01", "")),
			status: Met, explain: "passed the exam ECPS written examination (ecps-written) on 2021-06-01",
		},
		{
			name: "every attempt explained", set: set(4),
			p: exams(exam("x1", "passed", "2020-01-10", ""), exam("x2", "failed", "2024-11-20", ""),
				with(exam("x3", "passed", "2025-01-15", ""), func(e *portfolio.Exam) { e.Verification = rejectedV })),
			status: Unmet, explain: "no pass of the exam ecps-written counts: ECPS written examination (x1): passed on 2020-01-10, more than 4 years before 2025-06-01; " +
				"ECPS written examination (x2): failed on 2024-11-20; ECPS written examination (x3): was rejected in verification",
		},
		{
			name: "claimed pass is pending", set: set(0), p: exams(with(exam("x1", "passed", "2024-11-20", ""), func(e *portfolio.Exam) { e.Verification = claimedV })),
			status: Pending, explain: "would be met (passed the exam ECPS written examination (ecps-written) on 2024-11-20) once x1 is verified",
		},
		{
			name: "an interview is not an exam", set: set(0), p: exams(with(exam("x1", "passed", "2024-11-20", ""), func(e *portfolio.Exam) { e.Kind = "interview" })),
			status: Unmet, explain: "an interview with code ecps-written is on file, but an exam is needed",
			check: func(t *testing.T, r Result) { wantSteps(t, r, "pass the exam ecps-written and add the result") },
		},
		{
			name: "a rejected interview is not said to be on file", set: set(0), p: exams(with(exam("x1", "passed", "2024-11-20", ""), func(e *portfolio.Exam) {
				e.Kind, e.Verification = "interview", rejectedV
			})),
			status: Unmet, explain: "no exam with code ecps-written on file",
		},
		{
			name: "another code", set: set(0), p: exams(with(exam("x1", "passed", "2024-11-20", ""), func(e *portfolio.Exam) { e.Code = "ecps-oral" })),
			status: Unmet, explain: "no exam with code ecps-written on file",
			check: func(t *testing.T, r Result) { wantSteps(t, r, "pass the exam ecps-written and add the result") },
		},
	})
}

// ---------------------------------------------------------------- held_at

func TestCredentialHeldAtContractStart(t *testing.T) {
	set := setOf(&requirements.Requirement{ID: "cred", Kind: requirements.KindCredential, Title: "CST for 2 years when supervision began",
		Types: []string{"cst"}, HeldYears: 2, HeldAt: requirements.HeldAtFirstContractStart})
	cred := func(id, from, to string) portfolio.Credential {
		c := portfolio.Credential{ID: id, Type: "cst", Body: "Board", ValidFrom: day(from), Verification: verifiedV}
		if to != "" {
			c.ValidTo = day(to)
		}
		return c
	}
	port := func(cs []portfolio.Credential, ks ...portfolio.Contract) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) { p.Credentials, p.Contracts = cs, ks })
	}
	cst := func(from string) []portfolio.Credential { return []portfolio.Credential{cred("c1", from, "")} }
	runExact(t, []exactCase{
		{
			name: "held long enough when supervision began", set: set, p: port(cst("2019-01-01"), contract("k1", "sup", "2021-03-01")),
			status: Met, explain: "held cst since 2019-01-01: 2.16 years when the first supervision contract (k1) began on 2021-03-01",
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "c1", 0)
				wantUses(t, r, "k1", 0)
			},
		},
		{
			name: "held long enough by now but not when supervision began", set: set, p: port(cst("2020-01-01"), contract("k1", "sup", "2021-03-01")),
			status: Unmet, explain: "held cst since 2020-01-01: 1.16 of 2 years when the first supervision contract (k1) began on 2021-03-01",
			check: func(t *testing.T, r Result) {
				wantSteps(t, r, "cst had to be held for 2 years by 2021-03-01; ask the board")
				if v := progressValue(t, r, "years held"); v != 1.16 {
					t.Errorf("years held %v", v)
				}
			},
		},
		{
			name: "the earliest contract counts", set: set,
			p:      port(cst("2019-01-01"), contract("k2", "sup", "2023-01-01"), contract("k1", "sup", "2020-06-01")),
			status: Unmet, explain: "held cst since 2019-01-01: 1.42 of 2 years when the first supervision contract (k1) began on 2020-06-01",
		},
		{
			name: "no contract", set: set, p: port(cst("2019-01-01")),
			status: Unmet, explain: "no supervision contract on file, so how long cst was held when supervision began cannot be measured",
			check: func(t *testing.T, r Result) { wantSteps(t, r, "add the supervision contract") },
		},
		{
			name: "a contract after the evaluation date does not count", set: set, p: port(cst("2019-01-01"), contract("k1", "sup", "2025-06-02")),
			status: Unmet, explain: "no supervision contract on file, so how long cst was held when supervision began cannot be measured",
		},
		{
			name: "credential first held after supervision began", set: set, p: port(cst("2022-01-01"), contract("k1", "sup", "2021-03-01")),
			status: Unmet, explain: "cst was first held from 2022-01-01, after the first supervision contract (k1) began on 2021-03-01",
		},
		{
			name: "lapsed when supervision began", set: set,
			p:      port([]portfolio.Credential{cred("c1", "2015-01-01", "2020-12-31"), cred("c2", "2021-06-01", "")}, contract("k1", "sup", "2021-03-01")),
			status: Unmet, explain: "no cst credential was valid when the first supervision contract (k1) began on 2021-03-01",
		},
		{
			name: "a claimed contract makes it pending", set: set,
			p:      port(cst("2019-01-01"), with(contract("k1", "sup", "2021-03-01"), func(k *portfolio.Contract) { k.Verification = claimedV })),
			status: Pending, explain: "would be met (held cst since 2019-01-01: 2.16 years when the first supervision contract (k1) began on 2021-03-01) once k1 is verified",
		},
		{
			// Regression: the verified-only pass skipped the claimed k0 and
			// measured at the later verified k1, which gave "met".
			name: "a claimed earlier contract is the one measured at, and fails", set: set,
			p: port(cst("2019-01-01"), contract("k1", "sup", "2021-03-01"),
				with(contract("k0", "sup", "2020-06-01"), func(k *portfolio.Contract) { k.Verification = claimedV })),
			status: Unmet, explain: "held cst since 2019-01-01: 1.42 of 2 years when the first supervision contract (k0) began on 2020-06-01",
		},
		{
			name: "a claimed earlier contract makes it at best pending", set: set,
			p: port(cst("2018-01-01"), contract("k1", "sup", "2021-03-01"),
				with(contract("k0", "sup", "2020-06-01"), func(k *portfolio.Contract) { k.Verification = claimedV })),
			status: Pending, explain: "would be met (held cst since 2018-01-01: 2.42 years when the first supervision contract (k0) began on 2020-06-01) once k0 is verified",
		},
		{
			name: "a rejected earlier contract is not measured at", set: set,
			p: port(cst("2019-01-01"), contract("k1", "sup", "2021-03-01"),
				with(contract("k0", "sup", "2020-06-01"), func(k *portfolio.Contract) { k.Verification = rejectedV })),
			status: Met, explain: "held cst since 2019-01-01: 2.16 years when the first supervision contract (k1) began on 2021-03-01",
		},
		{
			name: "as_of is the default", set: setOf(&requirements.Requirement{ID: "cred", Kind: requirements.KindCredential, Title: "CST",
				Types: []string{"cst"}, HeldYears: 2}),
			p:      port(cst("2020-01-01"), contract("k1", "sup", "2021-03-01")),
			status: Met, explain: "holds cst since 2020-01-01",
		},
	})
}

// ---------------------------------------------------------------- continuity

func TestLicenseContinuous(t *testing.T) {
	set := setOf(&requirements.Requirement{ID: "license", Kind: requirements.KindLicense, Title: "Licensed throughout supervision",
		Professions: []string{"counseling"}, Continuous: requirements.ContinuousSupervision})
	lic := func(id, from, to string) portfolio.License {
		l := portfolio.License{ID: id, Profession: "counseling", Jurisdiction: "US-FL", Number: "C-" + id, ValidFrom: day(from), Verification: verifiedV}
		if to != "" {
			l.ValidTo = day(to)
		}
		return l
	}
	supervised := func(ls ...portfolio.License) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Contracts = []portfolio.Contract{contract("k1", "sup", "2023-01-01")}
			p.Licenses = ls
		})
	}
	runExact(t, []exactCase{
		{
			name: "held throughout", set: set, p: supervised(lic("l1", "2020-01-01", "2026-12-31")),
			status: Met, explain: "held a counseling license without a gap from the start of supervision (2023-01-01) to 2025-06-01",
		},
		{
			name: "renewals that join up", set: set, p: supervised(lic("l2", "2024-03-01", ""), lic("l1", "2020-01-01", "2024-02-29")),
			status: Met, explain: "held a counseling license without a gap from the start of supervision (2023-01-01) to 2025-06-01",
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "l1", 0)
				wantUses(t, r, "l2", 0)
			},
		},
		{
			name: "a gap between renewals", set: set, p: supervised(lic("l1", "2020-01-01", "2024-02-29"), lic("l2", "2024-06-01", "")),
			status: Unmet, explain: "no counseling license from 2024-03-01 to 2024-05-31; it must be held without a gap from the start of supervision (2023-01-01) to 2025-06-01",
			check: func(t *testing.T, r Result) {
				wantSteps(t, r, "show a counseling license valid from 2024-03-01 to 2024-05-31 (a lapse cannot be closed later; ask the board)")
			},
		},
		{
			name: "licensed only after supervision began", set: set, p: supervised(lic("l1", "2023-06-01", "")),
			status: Unmet, explain: "no counseling license from 2023-01-01 to 2023-05-31; it must be held without a gap from the start of supervision (2023-01-01) to 2025-06-01",
		},
		{
			name: "lapsed before the evaluation date", set: set, p: supervised(lic("l1", "2020-01-01", "2025-03-31")),
			status: Unmet, explain: "no counseling license from 2025-04-01 to 2025-06-01; it must be held without a gap from the start of supervision (2023-01-01) to 2025-06-01",
		},
		{
			name: "supervision begins at the first session", set: set,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Contracts = []portfolio.Contract{contract("k1", "sup", "2023-01-01")}
				p.Sessions = []portfolio.Session{session("s1", 1, "2022-10-03", "individual")}
				p.Licenses = []portfolio.License{lic("l1", "2022-11-01", "")}
			}),
			status: Unmet, explain: "no counseling license from 2022-10-03 to 2022-10-31; it must be held without a gap from the start of supervision (2022-10-03) to 2025-06-01",
		},
		{
			name: "without supervision, on the evaluation date", set: set,
			p:      newPortfolio(func(p *portfolio.Portfolio) { p.Licenses = []portfolio.License{lic("l1", "2024-01-01", "")} }),
			status: Met, explain: "counseling license C-l1 (US-FL) is valid on 2025-06-01",
		},
		{
			name: "no license", set: set, p: supervised(),
			status: Unmet, explain: "no counseling license on file",
		},
		{
			name: "a claimed renewal fills the gap", set: set,
			p: supervised(lic("l1", "2020-01-01", "2024-02-29"),
				with(lic("l2", "2024-03-01", ""), func(l *portfolio.License) { l.Verification = claimedV })),
			status: Pending, explain: "would be met (held a counseling license without a gap from the start of supervision (2023-01-01) to 2025-06-01) once l2 is verified",
		},
	})
}

func TestInsuranceContinuous(t *testing.T) {
	continuous := setOf(&requirements.Requirement{ID: "insurance", Kind: requirements.KindInsurance, Title: "Insured throughout supervision",
		Continuous: requirements.ContinuousSupervision})
	asOf := setOf(&requirements.Requirement{ID: "insurance", Kind: requirements.KindInsurance, Title: "Insured"})
	policy := func(id, from, to string) portfolio.Insurance {
		return portfolio.Insurance{ID: id, Carrier: "SafeCo", From: day(from), To: day(to), Verification: verifiedV}
	}
	supervised := func(ins ...portfolio.Insurance) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Contracts = []portfolio.Contract{contract("k1", "sup", "2023-01-01")}
			p.Insurance = ins
		})
	}
	runExact(t, []exactCase{
		{
			name: "insured throughout", set: continuous,
			p:      supervised(policy("i1", "2022-07-01", "2023-12-31"), policy("i2", "2024-01-01", "2025-12-31")),
			status: Met, explain: "insured without a gap from the start of supervision (2023-01-01) to 2025-06-01",
		},
		{
			name: "a month without insurance", set: continuous,
			p:      supervised(policy("i1", "2022-07-01", "2023-12-31"), policy("i2", "2024-02-01", "2025-12-31")),
			status: Unmet, explain: "no liability insurance from 2024-01-01 to 2024-01-31; it must be held without a gap from the start of supervision (2023-01-01) to 2025-06-01",
			check: func(t *testing.T, r Result) {
				wantSteps(t, r, "show liability insurance in force from 2024-01-01 to 2024-01-31")
			},
		},
		{
			name: "the same gap does not matter on the evaluation date", set: asOf,
			p:      supervised(policy("i1", "2022-07-01", "2023-12-31"), policy("i2", "2024-02-01", "2025-12-31")),
			status: Met, explain: "insured by SafeCo on 2025-06-01",
		},
		{
			name: "none on file", set: continuous, p: supervised(),
			status: Unmet, explain: "no liability insurance on file",
		},
	})
}

// ---------------------------------------------------------------- documents

func TestDocumentCount(t *testing.T) {
	set := setOf(&requirements.Requirement{ID: "docs", Kind: requirements.KindDocuments, Title: "Statements and references",
		Documents: []requirements.DocumentRule{
			{Kind: "theory_statement"},
			{Kind: "reference_letter", Count: 2, Title: "Reference letters"},
			{Kind: "reflective_account", Supports: "cases"},
		}})
	doc := func(id, kind string, supports ...string) portfolio.Document {
		return portfolio.Document{ID: id, Kind: kind, Received: day("2025-01-01"), Supports: supports, Verification: verifiedV}
	}
	port := func(docs ...portfolio.Document) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Cases = []portfolio.Case{kase("c1", "couple", "2024-01-10", "2024-06-30", "sexual"),
				with(kase("c2", "couple", "2024-01-10", "2024-06-30"), func(k *portfolio.Case) { k.Verification = rejectedV })}
			p.Documents = docs
		})
	}
	sha := func(d portfolio.Document, digest string) portfolio.Document {
		d.FileSHA256 = strings.Repeat(digest, 64)
		return d
	}
	runExact(t, []exactCase{
		{
			name: "all on file", set: set,
			p:      port(doc("ts", "theory_statement"), doc("r1", "reference_letter"), doc("r2", "reference_letter"), doc("ra", "reflective_account", "c1")),
			status: Met, explain: "all 4 documents on file",
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "r1", 0)
				wantUses(t, r, "r2", 0)
			},
		},
		{
			name: "one reference letter of two", set: set,
			p:      port(doc("ts", "theory_statement"), doc("r1", "reference_letter"), doc("ra", "reflective_account", "c1")),
			status: Unmet, explain: "missing: Reference letters (1 of 2 on file)",
			check: func(t *testing.T, r Result) { wantSteps(t, r, "upload reference letters (1 more)") },
		},
		{
			name: "two items of one file are one letter", set: set,
			p: port(doc("ts", "theory_statement"), sha(doc("r1", "reference_letter"), "a"), sha(doc("r2", "reference_letter"), "a"),
				doc("ra", "reflective_account", "c1")),
			status: Unmet, explain: "missing: Reference letters (1 of 2 on file)",
		},
		{
			name: "two files are two letters", set: set,
			p: port(doc("ts", "theory_statement"), sha(doc("r1", "reference_letter"), "a"), sha(doc("r2", "reference_letter"), "b"),
				doc("ra", "reflective_account", "c1")),
			status: Met, explain: "all 4 documents on file",
		},
		{
			name: "a rejected letter does not count, nor an account of a rejected case", set: set,
			p: port(doc("ts", "theory_statement"), doc("r1", "reference_letter"),
				with(doc("r2", "reference_letter"), func(d *portfolio.Document) { d.Verification = rejectedV }), doc("ra", "reflective_account", "c2")),
			status: Unmet, explain: "missing: Reference letters (1 of 2 on file), reflective account",
			check: func(t *testing.T, r Result) {
				wantSteps(t, r, "upload reference letters (1 more)", "upload reflective account")
			},
		},
		{
			name: "a claimed letter makes it pending", set: set,
			p: port(doc("ts", "theory_statement"), doc("r1", "reference_letter"),
				with(doc("r2", "reference_letter"), func(d *portfolio.Document) { d.Verification = claimedV }), doc("ra", "reflective_account", "c1")),
			status: Pending, explain: "would be met (all 4 documents on file) once r2 is verified",
		},
	})
}

// TestDocumentsOfOneKindAreDistinct: rules of one kind use distinct
// documents, and the entries with supports are served first.
func TestDocumentsOfOneKindAreDistinct(t *testing.T) {
	set := setOf(&requirements.Requirement{ID: "docs", Kind: requirements.KindDocuments, Title: "Letters",
		Documents: []requirements.DocumentRule{
			{Kind: "reference_letter", Count: 2, Title: "Reference letters"},
			{Kind: "reference_letter", Supports: "supervision_contracts", Title: "Letter from the supervisor"},
		}})
	letter := func(id string, supports ...string) portfolio.Document {
		return portfolio.Document{ID: id, Kind: "reference_letter", Received: day("2025-01-01"), Supports: supports, Verification: verifiedV}
	}
	port := func(docs ...portfolio.Document) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Contracts = []portfolio.Contract{contract("k1", "sup", "2024-01-01")}
			p.Documents = docs
		})
	}
	runExact(t, []exactCase{
		{
			// Regression: both letters served both entries, "all 3 documents on file".
			name: "two letters cannot make three", set: set,
			p:      port(letter("r1", "k1"), letter("r2")),
			status: Unmet, explain: "missing: Reference letters (1 of 2 on file, not counting 1 document counted toward another entry)",
			check: func(t *testing.T, r Result) {
				wantSteps(t, r, "upload reference letters (1 more)")
				wantUses(t, r, "r1", 0)
				wantUses(t, r, "r2", 0)
			},
		},
		{
			name: "the supervisor's letter goes to the entry that needs it", set: set,
			p:      port(letter("r1", "k1"), letter("r2"), letter("r3")),
			status: Met, explain: "all 3 documents on file",
		},
		{
			name: "one letter cannot serve two entries", set: setOf(&requirements.Requirement{ID: "docs",
				Kind: requirements.KindDocuments, Title: "Letters", Documents: []requirements.DocumentRule{
					{Kind: "reference_letter", Supports: "supervision_contracts", Title: "Letter from the supervisor"},
					{Kind: "reference_letter", Supports: "supervision_contracts", Title: "Second letter about the supervision"},
				}}),
			p:      port(letter("r1", "k1"), letter("r2")),
			status: Unmet, explain: "missing: Second letter about the supervision (on file, but counted toward another entry)",
		},
		{
			name: "one file is one document across entries", set: set,
			p: port(with(letter("r1", "k1"), func(d *portfolio.Document) { d.FileSHA256 = strings.Repeat("a", 64) }),
				with(letter("r2"), func(d *portfolio.Document) { d.FileSHA256 = strings.Repeat("a", 64) }), letter("r3")),
			status: Unmet, explain: "missing: Reference letters (1 of 2 on file, not counting 1 document counted toward another entry)",
		},
	})
}

// ---------------------------------------------------------------- CEL

// TestCELSeesCasesAndExams: an expression sees the new collections, with
// rejected items removed and claimed ones only when claimed evidence counts.
func TestCELSeesCasesAndExams(t *testing.T) {
	set := parseSet(t, "", `  - id: expr
    kind: expression
    title: A couple's case and a passed interview
    explanation: The portfolio shows a couple's case and a passed interview.
    expression: >
      has(portfolio.cases) && portfolio.cases.exists(c, c.unit == "couple") &&
      has(portfolio.exams) && portfolio.exams.exists(e, e.kind == "interview" && e.outcome == "passed")
`)
	interview := with(exam("x1", "passed", "2024-11-20", ""), func(e *portfolio.Exam) { e.Kind = "interview" })
	port := func(v portfolio.Verification) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Cases = []portfolio.Case{with(kase("c1", "couple", "2024-01-10", "2024-06-30"), func(k *portfolio.Case) { k.Verification = v })}
			p.Exams = []portfolio.Exam{interview}
		})
	}
	runExact(t, []exactCase{
		{name: "verified", set: set, p: port(verifiedV), status: Met, explain: "The portfolio shows a couple's case and a passed interview."},
		{name: "claimed", set: set, p: port(claimedV), status: Pending,
			explain: "would be met (The portfolio shows a couple's case and a passed interview.) once claimed evidence is verified"},
		{name: "rejected", set: set, p: port(rejectedV), status: Unmet,
			explain: "not shown: The portfolio shows a couple's case and a passed interview."},
	})
}

// TestNewKindsTogether evaluates a set of every new kind, loaded from YAML,
// against one portfolio that meets it all.
func TestNewKindsTogether(t *testing.T) {
	set := parseSet(t, "", `  - id: cases
    kind: cases
    title: Four completed cases, two of them couples
    count: 4
    accepts: [{evidence: cases, completed: true, focus: [sexual, relationship]}]
    minimums:
      - {id: couples, title: Couples, match: {case_units: [couple]}, min: 2}
  - id: exam
    kind: exam
    title: Written examination
    exam_kind: exam
    codes: [ecps-written]
    valid_years: 4
  - id: cst
    kind: credential
    title: CST for 2 years when supervision began
    types: [cst]
    held_years: 2
    held_at: first_contract_start
  - id: license
    kind: license
    title: Licensed throughout supervision
    professions: [counseling]
    continuous: supervision
  - id: insurance
    kind: insurance
    title: Insured throughout supervision
    continuous: supervision
  - id: documents
    kind: documents
    title: Statement and references
    documents:
      - {kind: theory_statement}
      - {kind: reference_letter, count: 2}
`)
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.Cases = fourCases()
		p.Exams = []portfolio.Exam{exam("x1", "passed", "2024-11-20", "")}
		p.Credentials = []portfolio.Credential{{ID: "c1", Type: "cst", Body: "Board", ValidFrom: day("2019-01-01"), Verification: verifiedV}}
		p.Contracts = []portfolio.Contract{contract("k1", "sup", "2023-01-01")}
		p.Licenses = []portfolio.License{{ID: "l1", Profession: "counseling", Jurisdiction: "US-FL", Number: "C-1", ValidFrom: day("2020-01-01"), Verification: verifiedV}}
		p.Insurance = []portfolio.Insurance{{ID: "i1", Carrier: "SafeCo", From: day("2022-01-01"), Verification: verifiedV}}
		p.Documents = []portfolio.Document{
			{ID: "d1", Kind: "theory_statement", Received: day("2025-01-01"), Verification: verifiedV},
			{ID: "d2", Kind: "reference_letter", Received: day("2025-01-01"), Verification: verifiedV},
			{ID: "d3", Kind: "reference_letter", Received: day("2025-01-01"), Verification: verifiedV},
		}
	})
	rep := Evaluate(p, set, day(defaultAsOf))
	if !rep.Eligible || rep.Summary != "Eligible for Test Set as of 2025-06-01: all 6 requirements met" {
		for _, r := range rep.Results {
			t.Log(describe(r))
		}
		t.Fatalf("%s: %s", rep.Verdict, rep.Summary)
	}
}
