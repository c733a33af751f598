package eligibility

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// Table tests for every requirement kind and the engine's general rules.
// Each case asserts a status and something specific the report says
// (explanation, progress, shortfall, evidence or exclusions), so that a case
// cannot pass while the feature it names is broken.

const defaultAsOf = "2025-06-01"

var (
	verifiedV = portfolio.Verification{State: portfolio.Verified, By: "registrar"}
	claimedV  = portfolio.Verification{State: portfolio.Claimed}
	rejectedV = portfolio.Verification{State: portfolio.Rejected, By: "registrar"}
)

func day(s string) date.Date { return date.MustParse(s) }

// with returns x changed by f: with(course("e1", 5, "2024-01-01"), func(a *portfolio.Activity) { a.Delivery = "elearning" }).
func with[T any](x T, f func(*T)) T {
	f(&x)
	return x
}

// newPortfolio is an applicant with one supervisor, Dr Sup, who has held the
// cst-supervisor credential since 2010. mod adds the evidence of a case.
func newPortfolio(mod func(p *portfolio.Portfolio)) *portfolio.Portfolio {
	p := &portfolio.Portfolio{
		Format: portfolio.FormatV1,
		Person: portfolio.Person{ID: "applicant", Name: "Test Applicant"},
		Supervisors: []portfolio.Supervisor{{ID: "sup", Name: "Dr Sup", Verification: verifiedV,
			Credentials: []portfolio.HeldCredential{{Type: "cst-supervisor", ValidFrom: day("2010-01-01")}}}},
	}
	if mod != nil {
		mod(p)
	}
	return p
}

// course is a verified, in-person CE activity from an approved provider.
func course(id string, hours float64, on string) portfolio.Activity {
	return portfolio.Activity{ID: id, Title: "Course " + id, Kind: "ce",
		Provider: portfolio.Provider{Name: "Approved Institute", Kind: "approved_provider"},
		Delivery: "in_person", Date: day(on), Hours: hours, Verification: verifiedV}
}

// tagged is a course tagged with areas of taxonomy "t".
func tagged(id string, hours float64, areas ...string) portfolio.Activity {
	return with(course(id, hours, "2024-03-01"), func(a *portfolio.Activity) { a.Areas = map[string][]string{"t": areas} })
}

// session is a verified case-supervision session with Dr Sup.
func session(id string, hours float64, on, format string) portfolio.Session {
	s := portfolio.Session{ID: id, Date: day(on), Hours: hours, Format: format, Supervisor: "sup", Content: "case", Verification: verifiedV}
	if format == "group" {
		s.GroupSize = 4
	}
	return s
}

// clinical is a verified block of in-person clinical hours on one day.
func clinical(id string, hours float64, on string) portfolio.ClinicalHours {
	return portfolio.ClinicalHours{ID: id, Date: day(on), Hours: hours, Modality: "in_person", Verification: verifiedV}
}

func contract(id, supervisor, start string) portfolio.Contract {
	return portfolio.Contract{ID: id, Supervisor: supervisor, Start: day(start), Verification: verifiedV}
}

var (
	educationF   = requirements.Filter{Evidence: requirements.EvidenceEducation}
	supervisionF = requirements.Filter{Evidence: requirements.EvidenceSupervision}
	clinicalF    = requirements.Filter{Evidence: requirements.EvidenceClinical}
)

// hoursRule is an hours requirement; opts set its other fields.
func hoursRule(id string, total float64, accepts []requirements.Filter, opts ...func(*requirements.Requirement)) *requirements.Requirement {
	r := &requirements.Requirement{ID: id, Kind: requirements.KindHours, Title: "Hours " + id, Total: total, Accepts: accepts}
	for _, o := range opts {
		o(r)
	}
	return r
}

func accepts(fs ...requirements.Filter) []requirements.Filter { return fs }

// setOf builds a set in Go, without the loader.
func setOf(reqs ...*requirements.Requirement) *requirements.Set {
	return &requirements.Set{ID: "test-set", Title: "Test Set", Body: "Test Board", Version: "1",
		EffectiveFrom: day("2020-01-01"), Requirements: reqs}
}

// withTaxonomy adds taxonomy "t" with areas a, b and c.
func withTaxonomy(s *requirements.Set) *requirements.Set {
	s.Taxonomies = map[string]*requirements.Taxonomy{"t": {Title: "Test areas", Areas: []requirements.Area{
		{Code: "a", Name: "Anatomy"}, {Code: "b", Name: "Behaviour"}, {Code: "c", Name: "Culture"}}}}
	return s
}

// parseSet reads a set from YAML through the loader (which compiles CEL).
// top is extra top-level YAML; reqs is the requirements list.
func parseSet(t *testing.T, top, reqs string) *requirements.Set {
	t.Helper()
	src := "id: test-set\ntitle: Test Set\nbody: Test Board\nversion: \"1\"\neffective_from: 2020-01-01\n" +
		"sources:\n  - url: https://example.org/rules\n" + top + "requirements:\n" + reqs
	s, err := requirements.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("set does not load:\n%v\n%s", err, src)
	}
	return s
}

// describe prints a result for failure messages.
func describe(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %s\n", r.ID, r.Status, r.Explanation)
	for _, p := range r.Progress {
		fmt.Fprintf(&b, "  progress %s = %v: %s\n", p.Label, p.Value, p.Text)
	}
	for _, u := range r.Evidence {
		fmt.Fprintf(&b, "  uses %s %v %v (%s)\n", u.ID, u.Amount, u.Areas, u.State)
	}
	for _, x := range r.Excluded {
		fmt.Fprintf(&b, "  excludes %s: %s\n", x.ID, x.Reason)
	}
	if s := r.Shortfall; s != nil {
		fmt.Fprintf(&b, "  shortfall %v %s: %q\n", s.Amount, s.Unit, s.Steps)
	}
	return b.String()
}

func resultOf(t *testing.T, rep *Report, id string) Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no result for %s in %+v", id, rep.Results)
	return Result{}
}

// progressText joins the progress lines of a result.
func progressText(r Result) string {
	var ts []string
	for _, p := range r.Progress {
		ts = append(ts, p.Text)
	}
	return strings.Join(ts, "\n")
}

func progressValue(t *testing.T, r Result, label string) float64 {
	t.Helper()
	for _, p := range r.Progress {
		if p.Label == label {
			return p.Value
		}
	}
	t.Fatalf("no progress %q in\n%s", label, describe(r))
	return 0
}

func wantContains(t *testing.T, r Result, what, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("%s does not contain %q\n%s", what, want, describe(r))
	}
}

func wantStep(t *testing.T, r Result, want string) {
	t.Helper()
	if r.Shortfall == nil {
		t.Errorf("no shortfall, want a step containing %q\n%s", want, describe(r))
		return
	}
	wantContains(t, r, "shortfall steps", strings.Join(r.Shortfall.Steps, "\n"), want)
}

func wantShortfall(t *testing.T, r Result, amount float64) {
	t.Helper()
	if r.Shortfall == nil || math.Abs(r.Shortfall.Amount-amount) > 1e-9 {
		t.Errorf("shortfall amount: want %v\n%s", amount, describe(r))
	}
}

func wantUses(t *testing.T, r Result, id string, amount float64) {
	t.Helper()
	for _, u := range r.Evidence {
		if u.ID == id {
			if math.Abs(u.Amount-amount) > 1e-9 {
				t.Errorf("%s counts %v, want %v\n%s", id, u.Amount, amount, describe(r))
			}
			return
		}
	}
	t.Errorf("%s is not counted, want %v\n%s", id, amount, describe(r))
}

func wantNotUsed(t *testing.T, r Result, id string) {
	t.Helper()
	for _, u := range r.Evidence {
		if u.ID == id {
			t.Errorf("%s counts %v; it must not count\n%s", id, u.Amount, describe(r))
		}
	}
}

func wantExcluded(t *testing.T, r Result, id, reason string) {
	t.Helper()
	for _, x := range r.Excluded {
		if x.ID == id {
			wantContains(t, r, "reason for excluding "+id, x.Reason, reason)
			return
		}
	}
	t.Errorf("%s is not excluded, want reason %q\n%s", id, reason, describe(r))
}

// kindCase evaluates one set against one portfolio and checks one result.
type kindCase struct {
	name    string
	set     *requirements.Set
	id      string // the requirement checked; the set's first when empty
	p       *portfolio.Portfolio
	asOf    string // defaultAsOf when empty
	status  Status
	explain []string // substrings of the explanation
	check   func(t *testing.T, r Result)
}

func runCases(t *testing.T, cases []kindCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			asOf := tc.asOf
			if asOf == "" {
				asOf = defaultAsOf
			}
			id := tc.id
			if id == "" {
				id = tc.set.Requirements[0].ID
			}
			r := resultOf(t, Evaluate(tc.p, tc.set, day(asOf)), id)
			if r.Status != tc.status {
				t.Fatalf("status %s, want %s\n%s", r.Status, tc.status, describe(r))
			}
			for _, w := range tc.explain {
				wantContains(t, r, "explanation", r.Explanation, w)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// ---------------------------------------------------------------- hours

func TestHoursTotalsAndAreas(t *testing.T) {
	edu10 := setOf(hoursRule("edu", 10, accepts(educationF)))
	areaMin := withTaxonomy(setOf(hoursRule("core", 12, accepts(educationF), func(r *requirements.Requirement) {
		r.Taxonomy, r.AreaMinimum = "t", 3
	})))
	kOfN := withTaxonomy(setOf(hoursRule("core", 10, accepts(educationF), func(r *requirements.Requirement) {
		r.Taxonomy, r.AtLeastAreas = "t", &requirements.AtLeastAreas{Count: 2, HoursEach: 5}
	})))
	runCases(t, []kindCase{
		{
			name: "total met by two verified items",
			set:  edu10,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{course("e1", 6, "2024-01-10"), course("e2", 4, "2024-02-10")}
			}),
			status:  Met,
			explain: []string{"10 of 10 hours counted from 2 verified items"},
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "e1", 6)
				wantUses(t, r, "e2", 4)
				if r.Shortfall != nil {
					t.Errorf("a met requirement has a shortfall\n%s", describe(r))
				}
			},
		},
		{
			name:    "total unmet gives the missing hours as shortfall and step",
			set:     edu10,
			p:       newPortfolio(func(p *portfolio.Portfolio) { p.Education = []portfolio.Activity{course("e1", 6, "2024-01-10")} }),
			status:  Unmet,
			explain: []string{"6 of 10 hours counted"},
			check: func(t *testing.T, r Result) {
				wantShortfall(t, r, 4)
				if r.Shortfall.Unit != "hours" {
					t.Errorf("shortfall unit %q, want hours", r.Shortfall.Unit)
				}
				wantStep(t, r, "4 more hours of any evidence this requirement accepts")
				if v := progressValue(t, r, "Hours edu"); v != 6 {
					t.Errorf("progress %v, want 6", v)
				}
			},
		},
		{
			name: "area minimum names the short area",
			set:  areaMin,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 6, "a"), tagged("e2", 3, "c")}
			}),
			status:  Unmet,
			explain: []string{"9 of 12 hours counted", "1 area below the minimum (b)"},
			check: func(t *testing.T, r Result) {
				wantStep(t, r, "3 more hours in area b (Behaviour)")
				wantShortfall(t, r, 3)
				wantContains(t, r, "progress", progressText(r), "area b (Behaviour): 0 of 3")
			},
		},
		{
			name: "area minimum met in every area",
			set:  areaMin,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 6, "a"), tagged("e2", 3, "b"), tagged("e3", 3, "c")}
			}),
			status:  Met,
			explain: []string{"12 of 12 hours counted", "with at least 3 in every area"},
		},
		{
			name: "an activity tagged with two areas is split, not counted twice",
			set:  areaMin,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 6, "a", "b"), tagged("e2", 3, "c")}
			}),
			status:  Unmet,
			explain: []string{"9 of 12 hours counted"},
			check: func(t *testing.T, r Result) {
				for _, u := range r.Evidence {
					if u.ID == "e1" && (u.Amount != 6 || u.Area("a") < 3 || u.Area("b") < 3 || u.Area("a")+u.Area("b") != 6) {
						t.Errorf("e1 should give 3 hours to a and 3 to b\n%s", describe(r))
					}
				}
			},
		},
		{
			name: "at_least_areas: the total is reached but only one area reaches the threshold",
			set:  kOfN,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 8, "a"), tagged("e2", 2, "b")}
			}),
			status:  Unmet,
			explain: []string{"10 of 10 hours counted", "only 1 of the 2 areas reach 5 hours"},
			check: func(t *testing.T, r Result) {
				if v := progressValue(t, r, "areas"); v != 1 {
					t.Errorf("areas %v, want 1", v)
				}
				wantStep(t, r, "3 more hours in area b (Behaviour)")
				wantShortfall(t, r, 3)
			},
		},
		{
			name: "at_least_areas: one activity tagged with two areas cannot fill both",
			set: withTaxonomy(setOf(hoursRule("core", 10, accepts(educationF), func(r *requirements.Requirement) {
				r.Taxonomy, r.AtLeastAreas = "t", &requirements.AtLeastAreas{Count: 2, HoursEach: 5, Among: []string{"a", "b"}}
			}))),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("ab", 5, "a", "b"), tagged("c", 5, "c")}
			}),
			status:  Unmet,
			explain: []string{"10 of 10 hours counted", "only 1 of the 2 areas reach 5 hours"},
			check: func(t *testing.T, r Result) {
				if v := progressValue(t, r, "areas"); v != 1 {
					t.Errorf("areas %v, want 1", v)
				}
				wantContains(t, r, "progress", progressText(r), "can reach 5 hours each together; 2 needed")
				wantContains(t, r, "progress", progressText(r), "(5 available, shared with other areas or not needed)")
				wantStep(t, r, "5 more hours in area b (Behaviour)")
			},
		},
		{
			name: "at_least_areas met",
			set:  kOfN,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 5, "a"), tagged("e2", 5, "c")}
			}),
			status:  Met,
			explain: []string{"with 2 areas at 5 or more"},
			check: func(t *testing.T, r Result) {
				if v := progressValue(t, r, "areas"); v != 2 {
					t.Errorf("areas %v, want 2", v)
				}
			},
		},
		{
			name: "activity without an area of the taxonomy is excluded",
			set:  areaMin,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{course("e1", 12, "2024-01-01")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "e1", "covers no area of Test areas")
			},
		},
	})
}

func TestHoursCapsMinimumsCredits(t *testing.T) {
	elearningCap := setOf(hoursRule("edu", 20, accepts(educationF), func(r *requirements.Requirement) {
		r.Caps = []requirements.Cap{{ID: "el", Title: "eLearning", Match: requirements.Filter{Evidence: "education", Delivery: []string{"elearning"}}, Max: 5}}
	}))
	groupShare := setOf(hoursRule("sup", 10, accepts(supervisionF), func(r *requirements.Requirement) {
		r.Caps = []requirements.Cap{{ID: "group", Title: "Group supervision", Match: requirements.Filter{Evidence: "supervision", Format: []string{"group"}}, Share: 0.5}}
	}))
	individualMin := setOf(hoursRule("sup", 20, accepts(supervisionF), func(r *requirements.Requirement) {
		r.Minimums = []requirements.Bucket{{ID: "ind", Title: "Individual supervision", Match: requirements.Filter{Evidence: "supervision", Format: []string{"individual"}}, Min: 12}}
	}))
	credits := func(total float64) *requirements.Set {
		s := setOf(hoursRule("ce", total, accepts(educationF), func(r *requirements.Requirement) { r.Unit = "credits" }))
		s.Credits = []requirements.CreditRule{{Match: requirements.Filter{Evidence: "education", ProviderKinds: []string{"other_ce"}}, Rate: 0.5}}
		return s
	}
	otherCE := func(id string, hours float64) portfolio.Activity {
		return with(course(id, hours, "2024-05-01"), func(a *portfolio.Activity) { a.Provider.Kind = "other_ce" })
	}
	elearning := func(id string, hours float64) portfolio.Activity {
		return with(course(id, hours, "2024-05-01"), func(a *portfolio.Activity) { a.Delivery = "elearning" })
	}
	runCases(t, []kindCase{
		{
			name: "max cap: eLearning over the cap counts up to the cap plus the rest",
			set:  elearningCap,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{elearning("el", 12), course("ip", 10, "2024-05-01")}
			}),
			status:  Unmet,
			explain: []string{"15 of 20 hours counted", "eLearning hours beyond the cap do not count"},
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "el", 5)
				wantUses(t, r, "ip", 10)
				wantShortfall(t, r, 5)
				wantStep(t, r, "5 more hours of any evidence this requirement accepts, other than eLearning (that cap is reached)")
				wantContains(t, r, "progress", progressText(r), "eLearning: 12 hours available, at most 5 count")
			},
		},
		{
			name: "max cap not reached: eLearning counts in full",
			set:  elearningCap,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{elearning("el", 4), course("ip", 16, "2024-05-01")}
			}),
			status: Met,
			check:  func(t *testing.T, r Result) { wantUses(t, r, "el", 4) },
		},
		{
			name: "share cap: group supervision counts share times total",
			set:  groupShare,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("g1", 4, "2024-02-01", "group"), session("g2", 4, "2024-03-01", "group"),
					session("i1", 2, "2024-04-01", "individual")}
			}),
			status:  Unmet,
			explain: []string{"7 of 10 hours counted"},
			check: func(t *testing.T, r Result) {
				group := 0.0
				for _, u := range r.Evidence {
					if u.ID == "g1" || u.ID == "g2" {
						group += u.Amount
					}
				}
				if group != 5 {
					t.Errorf("group supervision counted %v, want 0.5 x 10 = 5\n%s", group, describe(r))
				}
				wantUses(t, r, "i1", 2)
				wantContains(t, r, "progress", progressText(r), "Group supervision: 8 of 10 hours = 80% against a 50% cap (5 count)")
				wantStep(t, r, "3 more hours of any evidence this requirement accepts, other than group supervision (that cap is reached)")
			},
		},
		{
			name: "minimum bucket: individual below 12 limits what group can fill",
			set:  individualMin,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("i1", 5, "2024-02-01", "individual"),
					session("g1", 10, "2024-03-01", "group"), session("g2", 10, "2024-04-01", "group")}
			}),
			status:  Unmet,
			explain: []string{"13 of 20 hours counted", "5 hours of individual supervision, at least 12 needed"},
			check: func(t *testing.T, r Result) {
				wantStep(t, r, "7 more hours of individual supervision")
				wantShortfall(t, r, 7)
				wantContains(t, r, "progress", progressText(r), "Individual supervision: 5 of at least 12")
			},
		},
		{
			name: "minimum bucket met with 12 individual hours",
			set:  individualMin,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("i1", 6, "2024-02-01", "individual"), session("i2", 6, "2024-02-15", "individual"),
					session("g1", 10, "2024-03-01", "group")}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "g1", 8)
				if v := progressValue(t, r, "Individual supervision"); v != 12 {
					t.Errorf("individual %v, want 12", v)
				}
			},
		},
		{
			name: "minimum bucket met with more than the minimum shows all it gives",
			set:  individualMin,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("i1", 10, "2024-02-01", "individual"), session("i2", 8, "2024-02-15", "individual"),
					session("g1", 2, "2024-03-01", "group")}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				if v := progressValue(t, r, "Individual supervision"); v != 18 {
					t.Errorf("individual %v, want 18 (all of it counts)", v)
				}
				wantContains(t, r, "progress", progressText(r), "Individual supervision: 18 of at least 12")
			},
		},
		{
			name:    "credit conversion: 10 hours of other CE at rate 0.5 give 5 credits",
			set:     credits(5),
			p:       newPortfolio(func(p *portfolio.Portfolio) { p.Education = []portfolio.Activity{otherCE("o1", 10)} }),
			status:  Met,
			explain: []string{"5 of 5 credits counted from 1 verified item"},
			check:   func(t *testing.T, r Result) { wantUses(t, r, "o1", 5) },
		},
		{
			name:    "credit conversion: 10 hours of other CE are one credit short of 6",
			set:     credits(6),
			p:       newPortfolio(func(p *portfolio.Portfolio) { p.Education = []portfolio.Activity{otherCE("o1", 10)} }),
			status:  Unmet,
			explain: []string{"5 of 6 credits counted"},
			check: func(t *testing.T, r Result) {
				wantShortfall(t, r, 1)
				wantStep(t, r, "1 more credit of any evidence")
			},
		},
		{
			name: "credit conversion leaves unmatched evidence at one for one",
			set:  credits(6),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{otherCE("o1", 10), course("a1", 1, "2024-05-01")}
			}),
			status: Met,
			check:  func(t *testing.T, r Result) { wantUses(t, r, "a1", 1) },
		},
	})
}

func TestHoursRatioAndSpan(t *testing.T) {
	ratio := setOf(
		hoursRule("clinical", 60, accepts(clinicalF)),
		hoursRule("supervision", 0, accepts(supervisionF), func(r *requirements.Requirement) {
			r.RatioTo = &requirements.RatioTo{Requirement: "clinical", Per: 6}
		}),
	)
	span := setOf(hoursRule("sup", 4, accepts(supervisionF), func(r *requirements.Requirement) { r.MinSpanMonths = 6 }))
	runCases(t, []kindCase{
		{
			name: "ratio_to: supervision total is the clinical total divided by per",
			set:  ratio, id: "supervision",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("s1", 8, "2024-02-01", "individual")}
			}),
			status:  Unmet,
			explain: []string{"8 of 10 hours counted"},
			check: func(t *testing.T, r Result) {
				wantContains(t, r, "progress", progressText(r), "8 of 10 hours counted (8 available); 1 per 6 of clinical")
				if r.Progress[0].Target != 10 {
					t.Errorf("target %v, want 60/6 = 10", r.Progress[0].Target)
				}
				wantShortfall(t, r, 2)
			},
		},
		{
			name: "ratio_to met",
			set:  ratio, id: "supervision",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("s1", 6, "2024-02-01", "individual"), session("s2", 4, "2024-03-01", "individual")}
			}),
			status:  Met,
			explain: []string{"10 of 10 hours counted"},
		},
		{
			name: "min_span_months: evidence one month apart is too short",
			set:  span,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("s1", 2, "2025-01-10", "individual"), session("s2", 2, "2025-02-10", "individual")}
			}),
			status:  Unmet,
			explain: []string{"(2025-01-10 to 2025-02-10); it must span at least 6"},
			check: func(t *testing.T, r Result) {
				wantStep(t, r, "spread the evidence over a longer period")
			},
		},
		{
			name: "min_span_months: six months apart is enough",
			set:  span,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("s1", 2, "2024-11-01", "individual"), session("s2", 2, "2025-05-10", "individual")}
			}),
			status:  Met,
			explain: []string{"4 of 4 hours counted"},
		},
		{
			name: "min_span_months: the span is that of the accepted evidence, however hours are allocated",
			set:  span,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				// s1 and s2 alone reach the total but span two weeks; with s3 the evidence spans eleven months.
				p.Sessions = []portfolio.Session{session("s1", 2, "2024-01-01", "individual"), session("s2", 2, "2024-01-15", "individual"),
					session("s3", 2, "2024-12-01", "individual")}
			}),
			status:  Met,
			explain: []string{"4 of 4 hours counted"},
		},
	})
}

func TestHoursWindows(t *testing.T) {
	recent := setOf(hoursRule("edu", 4, accepts(with(educationF, func(f *requirements.Filter) {
		f.Window = &requirements.Window{YearsBeforeAsOf: 2}
	}))))
	afterContract := setOf(hoursRule("sup", 4, accepts(with(supervisionF, func(f *requirements.Filter) {
		f.Window = &requirements.Window{AfterContractStart: true}
	}))))
	within24 := setOf(hoursRule("sup", 4, accepts(with(supervisionF, func(f *requirements.Filter) {
		f.Window = &requirements.Window{AfterContractStart: true, MonthsAfterContractStart: 24}
	}))))
	inCycle := func() *requirements.Set {
		s := setOf(hoursRule("ce", 4, accepts(with(educationF, func(f *requirements.Filter) {
			f.Window = &requirements.Window{InCycle: true}
		}))))
		s.Cycle = &requirements.Cycle{Credentials: []string{"cst"}, Years: 3}
		return s
	}
	cst := func(from, to string) portfolio.Credential {
		c := portfolio.Credential{ID: "cred", Type: "cst", Body: "Test Board", Number: "C-1", ValidFrom: day(from), Verification: verifiedV}
		if to != "" {
			c.ValidTo = day(to)
		}
		return c
	}
	runCases(t, []kindCase{
		{
			name: "years_before_as_of excludes evidence before the window",
			set:  recent,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{course("old", 4, "2023-05-31"), course("edge", 2, "2023-06-01")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "old", "is dated 2023-05-31, before the window that opens 2023-06-01")
				wantUses(t, r, "edge", 2)
				wantShortfall(t, r, 2)
			},
		},
		{
			name: "after_contract_start excludes a session before its contract",
			set:  afterContract,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Contracts = []portfolio.Contract{contract("k1", "sup", "2024-01-01")}
				p.Sessions = []portfolio.Session{
					with(session("early", 2, "2023-12-15", "individual"), func(s *portfolio.Session) { s.Contract = "k1" }),
					with(session("start", 2, "2024-01-01", "individual"), func(s *portfolio.Session) { s.Contract = "k1" }),
					session("nolink", 2, "2024-02-01", "individual"), // measured from the earliest contract
				}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "early", "is dated 2023-12-15, before the supervision contract began (2024-01-01)")
				wantUses(t, r, "start", 2)
				wantUses(t, r, "nolink", 2)
			},
		},
		{
			name: "months_after_contract_start excludes a session past the period",
			set:  within24,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Contracts = []portfolio.Contract{contract("k1", "sup", "2022-03-01")}
				p.Sessions = []portfolio.Session{
					with(session("last-day", 2, "2024-03-01", "individual"), func(s *portfolio.Session) { s.Contract = "k1" }),
					with(session("late", 2, "2024-03-02", "individual"), func(s *portfolio.Session) { s.Contract = "k1" }),
				}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "late", "is dated 2024-03-02, more than 24 months after the supervision contract began (2022-03-01)")
				wantUses(t, r, "last-day", 2)
				wantShortfall(t, r, 2)
			},
		},
		{
			name: "after_contract_start with no contract counts nothing",
			set:  afterContract,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("s1", 4, "2024-02-01", "individual")}
			}),
			status: Unmet,
			check:  func(t *testing.T, r Result) { wantExcluded(t, r, "s1", "has no supervision contract in force") },
		},
		{
			name: "in_cycle counts only the current cycle of a held credential",
			set:  inCycle(),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				// Held since 2019 with no end: cycles 2019, 2022, 2025-01-01.
				p.Credentials = []portfolio.Credential{cst("2019-01-01", "")}
				p.Education = []portfolio.Activity{course("before", 4, "2024-12-31"), course("in", 3, "2025-01-01")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "before", "is dated 2024-12-31, before the current cycle began (2025-01-01)")
				wantUses(t, r, "in", 3)
			},
		},
		{
			name: "in_cycle without the credential: no cycle, nothing counts",
			set:  inCycle(),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{course("in", 4, "2025-01-01")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "in", "no held credential of type cst, so there is no renewal cycle")
			},
		},
		{
			name: "in_cycle: a cycle ending on valid_to starts the day after valid_to three years earlier",
			set:  inCycle(),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				// Valid to 2026-12-31: the current three-year cycle is 2024-01-01 to 2026-12-31.
				p.Credentials = []portfolio.Credential{cst("2018-01-01", "2026-12-31")}
				p.Education = []portfolio.Activity{course("prev", 4, "2023-12-31")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "prev", "before the current cycle began (2024-01-01)")
			},
		},
	})
}

func TestHoursSupervisorAndClinicalFilters(t *testing.T) {
	qualified := []string{"cst-supervisor"}
	bySupervisor := setOf(hoursRule("sup", 2, accepts(with(supervisionF, func(f *requirements.Filter) { f.SupervisorCredential = qualified }))))
	clinicalBySupervisor := setOf(hoursRule("cli", 4, accepts(with(clinicalF, func(f *requirements.Filter) { f.SupervisorCredential = qualified }))))
	smallGroups := setOf(hoursRule("sup", 2, accepts(with(supervisionF, func(f *requirements.Filter) { f.MaxGroupSize = 6 }))))
	telehealth := setOf(hoursRule("cli", 6, accepts(with(clinicalF, func(f *requirements.Filter) { f.TelehealthWhereLicensed = true }))))
	lapsedSup := func(p *portfolio.Portfolio) {
		p.Supervisors = []portfolio.Supervisor{{ID: "sup", Name: "Dr Sup", Verification: verifiedV, Credentials: []portfolio.HeldCredential{
			{Type: "cst-supervisor", ValidFrom: day("2020-01-01"), ValidTo: day("2024-02-29")}}}}
	}
	tele := func(id string, hours float64, where string) portfolio.ClinicalHours {
		return with(clinical(id, hours, "2024-06-01"), func(h *portfolio.ClinicalHours) {
			h.Modality, h.ClientJurisdiction = "telehealth_video", where
		})
	}
	nyLicense := portfolio.License{ID: "lic-ny", Profession: "psychology", Jurisdiction: "US-NY", Number: "NY-1",
		ValidFrom: day("2020-01-01"), Verification: verifiedV}
	runCases(t, []kindCase{
		{
			name: "supervisor credential lapsed the day before the session",
			set:  bySupervisor,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				lapsedSup(p)
				p.Sessions = []portfolio.Session{session("after", 2, "2024-03-01", "individual")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "after", "on 2024-03-01 Dr Sup's cst-supervisor credential had lapsed (it ended 2024-02-29)")
			},
		},
		{
			name: "supervisor credential valid on its last day",
			set:  bySupervisor,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				lapsedSup(p)
				p.Sessions = []portfolio.Session{session("last", 2, "2024-02-29", "individual")}
			}),
			status: Met,
			check:  func(t *testing.T, r Result) { wantUses(t, r, "last", 2) },
		},
		{
			name: "supervisor credential not yet held",
			set:  bySupervisor,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				lapsedSup(p)
				p.Sessions = []portfolio.Session{session("early", 2, "2019-12-31", "individual")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "early", "did not yet hold the cst-supervisor credential (from 2020-01-01)")
			},
		},
		{
			name: "clinical hours are checked against their contract's supervisor",
			set:  clinicalBySupervisor,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Supervisors = append(p.Supervisors, portfolio.Supervisor{ID: "plain", Name: "Dr Plain", Verification: verifiedV})
				p.Contracts = []portfolio.Contract{contract("k-sup", "sup", "2023-01-01"), contract("k-plain", "plain", "2024-01-01")}
				p.ClinicalHours = []portfolio.ClinicalHours{
					with(clinical("c-plain", 4, "2024-06-01"), func(h *portfolio.ClinicalHours) { h.Contract = "k-plain" }),
					clinical("c-first", 4, "2024-06-01"), // no contract named: the earliest one, with Dr Sup
				}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "c-plain", "Dr Plain holds no cst-supervisor credential")
				wantUses(t, r, "c-first", 4)
			},
		},
		{
			name: "clinical hours under a claimed contract are pending",
			set:  clinicalBySupervisor,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Contracts = []portfolio.Contract{with(contract("k1", "sup", "2023-01-01"), func(k *portfolio.Contract) { k.Verification = claimedV })}
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 4, "2024-06-01")}
			}),
			status:  Pending,
			explain: []string{"would be met (4 of 4 hours)"},
		},
		{
			name: "clinical hours without any contract cannot show a supervisor",
			set:  clinicalBySupervisor,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 4, "2024-06-01")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "c1", "is not under a supervision contract")
			},
		},
		{
			name: "max_group_size excludes larger groups",
			set:  smallGroups,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{
					with(session("big", 2, "2024-02-01", "group"), func(s *portfolio.Session) { s.GroupSize = 8 }),
					with(session("six", 1, "2024-03-01", "group"), func(s *portfolio.Session) { s.GroupSize = 6 }),
				}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "big", "was a group of 8 supervisees, more than the 6 allowed")
				wantUses(t, r, "six", 1)
			},
		},
		{
			name: "telehealth with clients where the applicant held no license is excluded",
			set:  telehealth,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Licenses = []portfolio.License{nyLicense}
				p.ClinicalHours = []portfolio.ClinicalHours{tele("ca", 3, "US-CA"), tele("ny", 3, "US-NY"), clinical("office", 2, "2024-06-01")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "ca", "is telehealth with clients in US-CA, where the applicant held no license at the time")
				wantUses(t, r, "ny", 3)
				wantUses(t, r, "office", 2)
				wantShortfall(t, r, 1)
			},
		},
		{
			name: "telehealth where the license is only claimed is pending",
			set:  telehealth,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Licenses = []portfolio.License{with(nyLicense, func(l *portfolio.License) {
					l.ID, l.Jurisdiction, l.Verification = "lic-ca", "US-CA", claimedV
				})}
				p.ClinicalHours = []portfolio.ClinicalHours{tele("ca", 6, "US-CA")}
			}),
			status:  Pending,
			explain: []string{"would be met (6 of 6 hours)"},
			check:   func(t *testing.T, r Result) { wantUses(t, r, "ca", 6) },
		},
		{
			name: "telehealth resting on a claimed license names the license to verify",
			set:  telehealth,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Licenses = []portfolio.License{with(nyLicense, func(l *portfolio.License) {
					l.ID, l.Jurisdiction, l.Verification = "lic-ca", "US-CA", claimedV
				})}
				p.ClinicalHours = []portfolio.ClinicalHours{tele("ca", 6, "US-CA")}
			}),
			status:  Pending,
			explain: []string{"lic-ca"},
		},
	})
}

func TestHoursVerificationAndDates(t *testing.T) {
	edu10 := setOf(hoursRule("edu", 10, accepts(educationF)))
	runCases(t, []kindCase{
		{
			name: "rejected evidence never counts",
			set:  edu10,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{with(course("rej", 10, "2024-01-01"), func(a *portfolio.Activity) { a.Verification = rejectedV })}
			}),
			status:  Unmet,
			explain: []string{"0 of 10 hours counted", "1 item not counted (see excluded)"},
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "rej", "was rejected in verification")
				wantNotUsed(t, r, "rej")
			},
		},
		{
			name: "claimed evidence makes the requirement pending, never met",
			set:  edu10,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{course("v", 6, "2024-01-01"),
					with(course("c", 4, "2024-02-01"), func(a *portfolio.Activity) { a.Verification = claimedV })}
			}),
			status:  Pending,
			explain: []string{"would be met (10 of 10 hours) once 1 claimed item is verified: c"},
			check: func(t *testing.T, r Result) {
				for _, u := range r.Evidence {
					if u.ID == "c" && u.State != "claimed" || u.ID == "v" && u.State != "verified" {
						t.Errorf("wrong state on %s\n%s", u.ID, describe(r))
					}
				}
			},
		},
		{
			name: "an item without a verification block is claimed",
			set:  edu10,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{with(course("c", 10, "2024-01-01"), func(a *portfolio.Activity) { a.Verification = portfolio.Verification{} })}
			}),
			status:  Pending,
			explain: []string{"once 1 claimed item is verified: c"},
		},
		{
			name: "evidence dated after the as-of date does not count",
			set:  edu10,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{course("late", 5, "2025-06-02"), course("today", 5, "2025-06-01")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExcluded(t, r, "late", "is dated 2025-06-02, after the as-of date")
				wantUses(t, r, "today", 5)
			},
		},
		{
			name: "a clinical period ending after the as-of date does not count",
			set:  setOf(hoursRule("cli", 5, accepts(clinicalF))),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{{ID: "block", From: day("2025-01-01"), To: day("2025-12-31"), Hours: 50,
					Modality: "in_person", Verification: verifiedV}}
			}),
			status: Unmet,
			check:  func(t *testing.T, r Result) { wantExcluded(t, r, "block", "is dated 2025-12-31, after the as-of date") },
		},
	})
}

// usedAcross sums an item's amounts over every result of a report.
func usedAcross(rep *Report, id string) float64 {
	t := 0.0
	for _, r := range rep.Results {
		for _, u := range r.Evidence {
			if u.ID == id {
				t += u.Amount
			}
		}
	}
	return t
}

func TestHoursCountOnce(t *testing.T) {
	training := requirements.Filter{Evidence: "education", ActivityKinds: []string{"training"}}
	anyEd := requirements.Filter{Evidence: "education", ActivityKinds: []string{"training", "ce"}}
	trainingItem := func(id string, hours float64, v portfolio.Verification) portfolio.Activity {
		return with(course(id, hours, "2024-01-01"), func(a *portfolio.Activity) { a.Kind, a.Verification = "training", v })
	}

	t.Run("two requirements sharing evidence are both met without double counting", func(t *testing.T) {
		set := setOf(hoursRule("training", 10, accepts(training)), hoursRule("general", 10, accepts(anyEd)))
		p := newPortfolio(func(p *portfolio.Portfolio) {
			p.Education = []portfolio.Activity{trainingItem("t1", 10, verifiedV), course("c1", 10, "2024-01-01")}
		})
		rep := Evaluate(p, set, day(defaultAsOf))
		if rep.Verdict != VerdictEligible {
			t.Fatalf("verdict %s, want eligible\n%s%s", rep.Verdict, describe(rep.Results[0]), describe(rep.Results[1]))
		}
		wantUses(t, rep.Results[0], "t1", 10)
		wantUses(t, rep.Results[1], "c1", 10)
		if u := usedAcross(rep, "t1"); u > 10 {
			t.Errorf("t1 counted %v hours across requirements, it has 10", u)
		}
	})

	t.Run("one item cannot meet two requirements: competition note", func(t *testing.T) {
		set := setOf(hoursRule("r1", 10, accepts(educationF)), hoursRule("r2", 10, accepts(educationF)))
		p := newPortfolio(func(p *portfolio.Portfolio) { p.Education = []portfolio.Activity{course("e1", 10, "2024-01-01")} })
		rep := Evaluate(p, set, day(defaultAsOf))
		if rep.Verdict != VerdictNotEligible {
			t.Fatalf("verdict %s, want not_eligible", rep.Verdict)
		}
		if u := usedAcross(rep, "e1"); u != 10 {
			t.Errorf("e1 counted %v hours across requirements, want exactly 10", u)
		}
		met, unmet := rep.Results[0], rep.Results[1]
		if met.Status != Met {
			met, unmet = unmet, met
		}
		if met.Status != Met || unmet.Status != Unmet {
			t.Fatalf("want one met and one unmet\n%s%s", describe(rep.Results[0]), describe(rep.Results[1]))
		}
		wantContains(t, unmet, "explanation", unmet.Explanation,
			"it would be met on its own, but hours count only once and some of the evidence it could use is counted toward "+met.ID)
		if strings.Contains(met.Explanation, "count only once") {
			t.Errorf("the met requirement has a competition note\n%s", describe(met))
		}
	})

	t.Run("no competition note when the requirement cannot be met alone", func(t *testing.T) {
		set := setOf(hoursRule("r1", 10, accepts(educationF)), hoursRule("r2", 20, accepts(educationF)))
		p := newPortfolio(func(p *portfolio.Portfolio) { p.Education = []portfolio.Activity{course("e1", 10, "2024-01-01")} })
		r := resultOf(t, Evaluate(p, set, day(defaultAsOf)), "r2")
		if r.Status != Unmet || strings.Contains(r.Explanation, "count only once") {
			t.Errorf("r2 needs 20 hours of 10 available; no competition note expected\n%s", describe(r))
		}
	})

	// V (verified, 10 h of training) can count toward both requirements; C
	// (claimed, 5 h of CE) only toward "wide". Even with C verified, V cannot
	// serve both, so the applicant is not eligible, and no report may show V
	// counted for more than its 10 hours.
	mixed := []struct {
		name      string
		wideTotal float64
		wideFirst bool
	}{
		{name: "wide needs 15, listed first", wideTotal: 15, wideFirst: true},
		{name: "wide needs 15, listed second", wideTotal: 15},
		{name: "wide needs 10, listed second", wideTotal: 10},
		{name: "wide needs 10, listed first", wideTotal: 10, wideFirst: true},
	}
	for _, tc := range mixed {
		t.Run("met and unmet results agree on one allocation: "+tc.name, func(t *testing.T) {
			wide := hoursRule("wide", tc.wideTotal, accepts(anyEd))
			narrow := hoursRule("narrow", 10, accepts(training))
			set := setOf(narrow, wide)
			if tc.wideFirst {
				set = setOf(wide, narrow)
			}
			p := newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{trainingItem("V", 10, verifiedV),
					with(course("C", 5, "2024-01-01"), func(a *portfolio.Activity) { a.Verification = claimedV })}
			})
			rep := Evaluate(p, set, day(defaultAsOf))
			if u := usedAcross(rep, "V"); u > 10 {
				t.Errorf("V counted %v hours across requirements, it has 10\n%s%s", u, describe(rep.Results[0]), describe(rep.Results[1]))
			}
			if rep.Verdict != VerdictNotEligible {
				t.Errorf("verdict %s, want not_eligible\n%s%s", rep.Verdict, describe(rep.Results[0]), describe(rep.Results[1]))
			}
		})
	}
}

// ---------------------------------------------------------------- degree and experience

func TestDegree(t *testing.T) {
	clinicalRoles := []string{"clinical", "counseling"}
	degreeSet := setOf(&requirements.Requirement{ID: "degree", Kind: requirements.KindDegree, Title: "Clinical degree and experience",
		Routes: []requirements.Route{
			{Title: "Master's and 2 years", Levels: []string{"master"}, Clinical: true, Accreditation: []string{"regional"},
				Experience: &requirements.ExperienceRule{Roles: clinicalRoles, MinYears: 2, AfterDegree: true}},
			{Title: "Doctorate and 1 year", Levels: []string{"doctorate"}, Clinical: true,
				Experience: &requirements.ExperienceRule{Roles: clinicalRoles, MinYears: 1, AfterDegree: true}},
		}})
	deg := func(level, conferred string) portfolio.Degree {
		return portfolio.Degree{ID: "deg", Level: level, Field: "Counseling", Clinical: true, Institution: "State U",
			Accreditation: "regional", Conferred: day(conferred), Verification: verifiedV}
	}
	work := func(from string) portfolio.Experience {
		return portfolio.Experience{ID: "exp", Role: "clinical", From: day(from), HoursPerWeek: 30, Verification: verifiedV}
	}
	runCases(t, []kindCase{
		{
			name: "master and two years of clinical experience",
			set:  degreeSet,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Degrees = []portfolio.Degree{deg("master", "2022-06-01")}
				p.Experience = []portfolio.Experience{work("2022-06-01")}
			}),
			status:  Met,
			explain: []string{`met by route "Master's and 2 years": a master in Counseling (State U, 2022)`, "3 years of clinical or counseling experience since 2022-06-01"},
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "deg", 0)
				wantUses(t, r, "exp", 0)
			},
		},
		{
			name: "doctorate and one year",
			set:  degreeSet,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Degrees = []portfolio.Degree{deg("doctorate", "2024-01-01")}
				p.Experience = []portfolio.Experience{work("2024-01-01")}
			}),
			status:  Met,
			explain: []string{`met by route "Doctorate and 1 year": a doctorate in Counseling`},
		},
		{
			name: "a non-clinical degree does not qualify",
			set:  degreeSet,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Degrees = []portfolio.Degree{with(deg("master", "2015-06-01"), func(d *portfolio.Degree) { d.Clinical = false })}
				p.Experience = []portfolio.Experience{work("2015-06-01")}
			}),
			status:  Unmet,
			explain: []string{"master in Counseling (State U, 2015) is not a clinical degree"},
			check:   func(t *testing.T, r Result) { wantStep(t, r, "add a degree that fits one route") },
		},
		{
			name: "experience too short gives the missing years",
			set:  degreeSet,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Degrees = []portfolio.Degree{deg("master", "2024-12-01")}
				// Work before the degree does not count toward the route.
				p.Experience = []portfolio.Experience{work("2015-01-01")}
			}),
			status:  Unmet,
			explain: []string{`route "Master's and 2 years": a master in Counseling (State U, 2024), but only 0.5 years of clinical or counseling experience since 2024-12-01`},
			check: func(t *testing.T, r Result) {
				wantStep(t, r, "1.5 more years of clinical or counseling experience")
				if v := progressValue(t, r, "experience years"); v != 0.5 {
					t.Errorf("experience years %v, want 0.5", v)
				}
			},
		},
		{
			name: "accreditation outside the route's list",
			set:  degreeSet,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Degrees = []portfolio.Degree{with(deg("master", "2015-06-01"), func(d *portfolio.Degree) { d.Accreditation = "national" })}
				p.Experience = []portfolio.Experience{work("2015-06-01")}
			}),
			status:  Unmet,
			explain: []string{"is from a national institution; regional accreditation is needed"},
		},
		{
			name: "a claimed degree makes it pending",
			set:  degreeSet,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Degrees = []portfolio.Degree{with(deg("master", "2015-06-01"), func(d *portfolio.Degree) { d.Verification = claimedV })}
				p.Experience = []portfolio.Experience{work("2015-06-01")}
			}),
			status:  Pending,
			explain: []string{"would be met (met by route", "once deg is verified"},
		},
		{
			name: "a degree conferred after the as-of date does not count",
			set:  degreeSet,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Degrees = []portfolio.Degree{deg("doctorate", "2025-06-02")}
				p.Experience = []portfolio.Experience{work("2015-06-01")}
			}),
			status:  Unmet,
			explain: []string{"no degree on file"},
		},
	})
}

func TestExperience(t *testing.T) {
	years := func(n float64, w *requirements.Window) *requirements.Set {
		return setOf(&requirements.Requirement{ID: "exp", Kind: requirements.KindExperience, Title: "Clinical experience",
			Roles: []string{"clinical"}, MinYears: n, Window: w})
	}
	hours := setOf(&requirements.Requirement{ID: "exp", Kind: requirements.KindExperience, Title: "Clinical hours",
		Roles: []string{"clinical"}, MinHours: 1000})
	job := func(id, from, to string, perWeek float64) portfolio.Experience {
		e := portfolio.Experience{ID: id, Role: "clinical", From: day(from), HoursPerWeek: perWeek, Verification: verifiedV}
		if to != "" {
			e.To = day(to)
		}
		return e
	}
	runCases(t, []kindCase{
		{
			name: "min_years met across two adjacent jobs",
			set:  years(3, nil),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Experience = []portfolio.Experience{job("j1", "2022-01-01", "2023-06-30", 20), job("j2", "2023-07-01", "2024-12-31", 20)}
			}),
			status:  Met,
			explain: []string{"3 years of clinical experience"},
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "j1", 0)
				wantUses(t, r, "j2", 0)
			},
		},
		{
			name: "overlapping jobs are not counted twice in years",
			set:  years(3, nil),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Experience = []portfolio.Experience{job("j1", "2023-06-01", "2024-05-31", 20), job("j2", "2023-06-01", "2024-05-31", 20)}
			}),
			status:  Unmet,
			explain: []string{"only 1 year"},
			check:   func(t *testing.T, r Result) { wantStep(t, r, "2 more years of clinical experience") },
		},
		{
			name: "other roles do not count",
			set:  years(1, nil),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Experience = []portfolio.Experience{with(job("j1", "2015-01-01", "", 40), func(e *portfolio.Experience) { e.Role = "teaching" })}
			}),
			status:  Unmet,
			explain: []string{"only 0 years of clinical experience"},
		},
		{
			name:    "min_hours met: 20 hours a week for a year",
			set:     hours,
			p:       newPortfolio(func(p *portfolio.Portfolio) { p.Experience = []portfolio.Experience{job("j1", "2024-06-02", "", 20)} }),
			status:  Met,
			explain: []string{"1042.86 hours of clinical experience"},
		},
		{
			name:    "min_hours unmet: 10 hours a week for a year",
			set:     hours,
			p:       newPortfolio(func(p *portfolio.Portfolio) { p.Experience = []portfolio.Experience{job("j1", "2024-06-02", "", 10)} }),
			status:  Unmet,
			explain: []string{"only 521.43 hours of clinical experience"},
			check: func(t *testing.T, r Result) {
				wantStep(t, r, "478.58 more hours of clinical experience")
				if v := progressValue(t, r, "experience hours"); v != 521.43 {
					t.Errorf("experience hours %v, want 521.43", v)
				}
			},
		},
		{
			name: "window years_before_as_of clips old experience",
			set:  years(2, &requirements.Window{YearsBeforeAsOf: 2}),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				// Nine years of work, but only 2023-06-01 to 2023-12-31 falls in the window.
				p.Experience = []portfolio.Experience{job("j1", "2015-01-01", "2023-12-31", 40)}
			}),
			status:  Unmet,
			explain: []string{"only 0.59 years of clinical experience since 2023-06-01"},
			check: func(t *testing.T, r Result) {
				if v := progressValue(t, r, "experience years"); v != 0.59 {
					t.Errorf("experience years %v, want 0.59", v)
				}
			},
		},
		{
			name: "two calendar years of work spanning a leap day",
			set:  years(2, nil),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Experience = []portfolio.Experience{job("j1", "2023-06-01", "2025-05-31", 20)}
			}),
			status:  Met,
			explain: []string{"2 years of clinical experience"},
		},
		{
			name: "two calendar years of work without a leap day",
			set:  years(2, nil),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Experience = []portfolio.Experience{job("j1", "2021-06-01", "2023-05-31", 20)}
			}),
			asOf:    "2023-05-31",
			status:  Met,
			explain: []string{"2 years of clinical experience"},
		},
		{
			name: "the same experience without a window is enough",
			set:  years(2, nil),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Experience = []portfolio.Experience{job("j1", "2015-01-01", "2023-12-31", 40)}
			}),
			status:  Met,
			explain: []string{"9 years of clinical experience"},
		},
	})
}

// ---------------------------------------------------------------- license, membership, insurance, credential

func TestLicense(t *testing.T) {
	lic := func(mods ...func(*requirements.Requirement)) *requirements.Set {
		r := &requirements.Requirement{ID: "license", Kind: requirements.KindLicense, Title: "A license",
			Professions: []string{"psychology", "counseling"}, IndependentPractice: true}
		for _, m := range mods {
			m(r)
		}
		return setOf(r)
	}
	in := func(js ...string) func(*requirements.Requirement) {
		return func(r *requirements.Requirement) { r.Jurisdictions = js }
	}
	license := func(f func(l *portfolio.License)) *portfolio.Portfolio {
		l := portfolio.License{ID: "lic", Profession: "psychology", Jurisdiction: "US-FL", Number: "PY-1",
			ValidFrom: day("2020-01-01"), ValidTo: day("2026-12-31"), IndependentPractice: true, Verification: verifiedV}
		if f != nil {
			f(&l)
		}
		return newPortfolio(func(p *portfolio.Portfolio) { p.Licenses = []portfolio.License{l} })
	}
	runCases(t, []kindCase{
		{
			name: "valid license", set: lic(), p: license(nil),
			status:  Met,
			explain: []string{"psychology license PY-1 (US-FL) is valid on 2025-06-01"},
			check:   func(t *testing.T, r Result) { wantUses(t, r, "lic", 0) },
		},
		{
			name: "expired before the as-of date", set: lic(),
			p:       license(func(l *portfolio.License) { l.ValidTo = day("2025-05-31") }),
			status:  Unmet,
			explain: []string{"expired 2025-05-31, before 2025-06-01"},
			check:   func(t *testing.T, r Result) { wantStep(t, r, "renew the license") },
		},
		{
			name: "valid through the as-of date itself", set: lic(),
			p:      license(func(l *portfolio.License) { l.ValidTo = day("2025-06-01") }),
			status: Met,
		},
		{
			name: "not yet in effect", set: lic(),
			p:       license(func(l *portfolio.License) { l.ValidFrom = day("2025-07-01") }),
			status:  Unmet,
			explain: []string{"is valid only from 2025-07-01"},
		},
		{
			name: "does not allow independent practice", set: lic(),
			p:       license(func(l *portfolio.License) { l.IndependentPractice = false }),
			status:  Unmet,
			explain: []string{"does not allow independent practice"},
			check:   func(t *testing.T, r Result) { wantStep(t, r, "a license that allows independent practice") },
		},
		{
			name: "wrong jurisdiction", set: lic(in("US-NY")), p: license(nil),
			status:  Unmet,
			explain: []string{"no psychology or counseling license on file in US-NY"},
		},
		{
			name: "country code matches its subdivisions", set: lic(in("US")), p: license(nil),
			status:  Met,
			explain: []string{"(US-FL) is valid"},
		},
		{
			name: "country code does not match another country", set: lic(in("US")),
			p:      license(func(l *portfolio.License) { l.Jurisdiction = "GB-ENG" }),
			status: Unmet,
		},
		{
			name: "profession not listed", set: lic(),
			p:       license(func(l *portfolio.License) { l.Profession = "nursing" }),
			status:  Unmet,
			explain: []string{"no psychology or counseling license on file"},
		},
		{
			name: "claimed license is pending", set: lic(),
			p:       license(func(l *portfolio.License) { l.Verification = claimedV }),
			status:  Pending,
			explain: []string{"would be met (psychology license PY-1 (US-FL) is valid on 2025-06-01) once lic is verified"},
		},
		{
			name: "rejected license does not count", set: lic(),
			p:      license(func(l *portfolio.License) { l.Verification = rejectedV }),
			status: Unmet,
		},
	})
}

func TestMembership(t *testing.T) {
	member := func(continuous string, categories ...string) *requirements.Set {
		return setOf(&requirements.Requirement{ID: "membership", Kind: requirements.KindMembership, Title: "AASECT membership",
			Organizations: []string{"AASECT"}, Categories: categories, Continuous: continuous})
	}
	cycleSet := func() *requirements.Set {
		s := member(requirements.ContinuousCycle)
		s.Cycle = &requirements.Cycle{Credentials: []string{"cst"}, Years: 3}
		return s
	}
	m := func(id, from, to string) portfolio.Membership {
		x := portfolio.Membership{ID: id, Organization: "AASECT", Category: "professional", From: day(from), Verification: verifiedV}
		if to != "" {
			x.To = day(to)
		}
		return x
	}
	supervised := func(ms ...portfolio.Membership) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Contracts = []portfolio.Contract{contract("k1", "sup", "2023-01-01")}
			p.Memberships = ms
		})
	}
	runCases(t, []kindCase{
		{
			name: "member on the as-of date", set: member(""),
			p:       newPortfolio(func(p *portfolio.Portfolio) { p.Memberships = []portfolio.Membership{m("m1", "2020-01-01", "")} }),
			status:  Met,
			explain: []string{"member of AASECT on 2025-06-01"},
			check:   func(t *testing.T, r Result) { wantUses(t, r, "m1", 0) },
		},
		{
			name: "organisation names compare without case", set: member(""),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Memberships = []portfolio.Membership{with(m("m1", "2020-01-01", ""), func(x *portfolio.Membership) { x.Organization = "aasect" })}
			}),
			status: Met,
		},
		{
			name: "lapsed the day before the as-of date", set: member(""),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Memberships = []portfolio.Membership{m("m1", "2020-01-01", "2025-05-31")}
			}),
			status:  Unmet,
			explain: []string{"no AASECT membership in force on 2025-06-01 (the last ended 2025-05-31)"},
		},
		{
			name: "continuous supervision: a gap is named with its dates", set: member(requirements.ContinuousSupervision),
			p:       supervised(m("m1", "2022-01-01", "2024-02-29"), m("m2", "2024-06-01", "")),
			status:  Unmet,
			explain: []string{"not a member of AASECT from 2024-03-01 to 2024-05-31", "from the start of supervision (2023-01-01) to 2025-06-01"},
			check:   func(t *testing.T, r Result) { wantStep(t, r, "show AASECT membership from 2024-03-01 to 2024-05-31") },
		},
		{
			name: "continuous supervision: adjacent periods are continuous", set: member(requirements.ContinuousSupervision),
			p:       supervised(m("m1", "2022-01-01", "2024-12-31"), m("m2", "2025-01-01", "")),
			status:  Met,
			explain: []string{"member of AASECT from the start of supervision (2023-01-01) to 2025-06-01"},
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "m1", 0)
				wantUses(t, r, "m2", 0)
			},
		},
		{
			name: "continuous supervision: joining after supervision began leaves a gap", set: member(requirements.ContinuousSupervision),
			p:       supervised(m("m1", "2023-02-01", "")),
			status:  Unmet,
			explain: []string{"not a member of AASECT from 2023-01-01 to 2023-01-31"},
		},
		{
			name: "continuous supervision starts at a session older than the first contract", set: member(requirements.ContinuousSupervision),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Contracts = []portfolio.Contract{contract("k1", "sup", "2023-01-01")}
				p.Sessions = []portfolio.Session{session("s0", 1, "2022-10-01", "individual")}
				p.Memberships = []portfolio.Membership{m("m1", "2023-01-01", "")}
			}),
			status:  Unmet,
			explain: []string{"not a member of AASECT from 2022-10-01 to 2022-12-31"},
		},
		{
			name: "continuous supervision: supervision that starts after the as-of date does not waive membership",
			set:  member(requirements.ContinuousSupervision),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Contracts = []portfolio.Contract{contract("k1", "sup", "2025-09-01")}
			}),
			status:  Unmet,
			explain: []string{"no AASECT membership on file"},
		},
		{
			name: "categories filter leaves out other categories", set: member("", "professional"),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Memberships = []portfolio.Membership{with(m("m1", "2020-01-01", ""), func(x *portfolio.Membership) { x.Category = "student" })}
			}),
			status:  Unmet,
			explain: []string{"the AASECT membership on file is in category student; professional is needed"},
			check:   func(t *testing.T, r Result) { wantNotUsed(t, r, "m1") },
		},
		{
			name: "categories filter accepts a listed category", set: member("", "professional", "retired"),
			p:      newPortfolio(func(p *portfolio.Portfolio) { p.Memberships = []portfolio.Membership{m("m1", "2020-01-01", "")} }),
			status: Met,
		},
		{
			name: "continuous cycle: membership must cover the current cycle", set: cycleSet(),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				// Held since 2017: cycles 2017, 2020, 2023-01-01.
				p.Credentials = []portfolio.Credential{{ID: "cred", Type: "cst", Body: "Board", ValidFrom: day("2017-01-01"), Verification: verifiedV}}
				p.Memberships = []portfolio.Membership{m("m1", "2023-03-01", "")}
			}),
			status:  Unmet,
			explain: []string{"not a member of AASECT from 2023-01-01 to 2023-02-28", "through the current cycle so far (2023-01-01 to 2025-06-01)"},
		},
		{
			name: "continuous cycle met", set: cycleSet(),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Credentials = []portfolio.Credential{{ID: "cred", Type: "cst", Body: "Board", ValidFrom: day("2017-01-01"), Verification: verifiedV}}
				p.Memberships = []portfolio.Membership{m("m1", "2022-01-01", "")}
			}),
			status:  Met,
			explain: []string{"through the current cycle so far (2023-01-01 to 2025-06-01)"},
		},
		{
			name: "continuous cycle without the credential", set: cycleSet(),
			p:       newPortfolio(func(p *portfolio.Portfolio) { p.Memberships = []portfolio.Membership{m("m1", "2010-01-01", "")} }),
			status:  Unmet,
			explain: []string{"no held credential of type cst"},
		},
		{
			name: "claimed membership is pending", set: member(""),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Memberships = []portfolio.Membership{with(m("m1", "2020-01-01", ""), func(x *portfolio.Membership) { x.Verification = claimedV })}
			}),
			status:  Pending,
			explain: []string{"once m1 is verified"},
		},
	})
}

func TestInsurance(t *testing.T) {
	set := setOf(&requirements.Requirement{ID: "insurance", Kind: requirements.KindInsurance, Title: "Liability insurance"})
	policy := func(from, to string, v portfolio.Verification) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Insurance = []portfolio.Insurance{{ID: "ins", Carrier: "SafeCo", From: day(from), To: day(to), Verification: v}}
		})
	}
	runCases(t, []kindCase{
		{
			name: "in force", set: set, p: policy("2025-01-01", "2025-12-31", verifiedV),
			status:  Met,
			explain: []string{"insured by SafeCo on 2025-06-01"},
		},
		{
			name: "lapsed", set: set, p: policy("2024-06-01", "2025-05-31", verifiedV),
			status:  Unmet,
			explain: []string{"the SafeCo policy is not in force on 2025-06-01 (2024-06-01 to 2025-05-31)"},
			check: func(t *testing.T, r Result) {
				wantStep(t, r, "add professional liability insurance in force on 2025-06-01")
			},
		},
		{
			name: "none on file", set: set, p: newPortfolio(nil),
			status:  Unmet,
			explain: []string{"no liability insurance on file"},
		},
		{
			name: "claimed", set: set, p: policy("2025-01-01", "2025-12-31", claimedV),
			status:  Pending,
			explain: []string{"once ins is verified"},
		},
	})
}

func TestCredential(t *testing.T) {
	held := func(years float64, valid bool) *requirements.Set {
		return setOf(&requirements.Requirement{ID: "cred", Kind: requirements.KindCredential, Title: "CST",
			Types: []string{"cst"}, HeldYears: years, MustBeValid: valid})
	}
	cred := func(from, to, status string, v portfolio.Verification) *portfolio.Portfolio {
		c := portfolio.Credential{ID: "c1", Type: "cst", Body: "Board", Number: "CST-9", ValidFrom: day(from), Status: status, Verification: v}
		if to != "" {
			c.ValidTo = day(to)
		}
		return newPortfolio(func(p *portfolio.Portfolio) { p.Credentials = []portfolio.Credential{c} })
	}
	runCases(t, []kindCase{
		{
			name: "held long enough", set: held(2, true), p: cred("2022-01-01", "2027-01-01", "active", verifiedV),
			status:  Met,
			explain: []string{"holds cst since 2022-01-01"},
		},
		{
			name: "held too briefly", set: held(2, false), p: cred("2024-12-01", "", "", verifiedV),
			status:  Unmet,
			explain: []string{"held cst since 2024-12-01: 0.5 of 2 years"},
			check: func(t *testing.T, r Result) {
				wantStep(t, r, "wait until 2026-12-0")
				if v := progressValue(t, r, "years held"); v != 0.5 {
					t.Errorf("years held %v, want 0.5", v)
				}
			},
		},
		{
			name: "held exactly two calendar years", set: held(2, false), p: cred("2021-06-01", "", "", verifiedV), asOf: "2023-06-01",
			status:  Met,
			explain: []string{"holds cst since 2021-06-01"},
		},
		{
			name: "must be valid: expired", set: held(0, true), p: cred("2018-01-01", "2025-05-31", "", verifiedV),
			status:  Unmet,
			explain: []string{"no cst credential is valid and active on 2025-06-01"},
			check:   func(t *testing.T, r Result) { wantStep(t, r, "renew or reinstate the credential") },
		},
		{
			name: "must be valid: suspended", set: held(0, true), p: cred("2018-01-01", "", "suspended", verifiedV),
			status:  Unmet,
			explain: []string{"no cst credential is valid and active"},
		},
		{
			name: "held years alone accept an expired credential", set: held(2, false), p: cred("2018-01-01", "2025-05-31", "", verifiedV),
			status: Met,
		},
		{
			name: "revoked", set: held(0, false), p: cred("2018-01-01", "", "revoked", verifiedV),
			status:  Unmet,
			explain: []string{"the cst credential CST-9 was revoked"},
		},
		{
			name: "another type does not count", set: held(0, false),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Credentials = []portfolio.Credential{{ID: "c1", Type: "cse", Body: "Board", ValidFrom: day("2018-01-01"), Verification: verifiedV}}
			}),
			status:  Unmet,
			explain: []string{"no cst credential on file"},
		},
		{
			name: "claimed", set: held(2, true), p: cred("2022-01-01", "", "active", claimedV),
			status:  Pending,
			explain: []string{"once c1 is verified"},
		},
	})
}

// ---------------------------------------------------------------- attestation, documents, peer review

func TestAttestation(t *testing.T) {
	set := setOf(&requirements.Requirement{ID: "code", Kind: requirements.KindAttestation, Title: "the Code of Conduct", Code: "code-of-conduct"})
	signed := func(code, on string) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Attestations = []portfolio.Attestation{{ID: "att", Code: code, Signed: day(on), Verification: verifiedV}}
		})
	}
	runCases(t, []kindCase{
		{
			name: "signed", set: set, p: signed("code-of-conduct", "2025-01-15"),
			status:  Met,
			explain: []string{"signed code-of-conduct on 2025-01-15"},
			check:   func(t *testing.T, r Result) { wantUses(t, r, "att", 0) },
		},
		{
			name: "missing", set: set, p: newPortfolio(nil),
			status:  Unmet,
			explain: []string{"no signed code-of-conduct on file"},
			check:   func(t *testing.T, r Result) { wantStep(t, r, "sign the Code of Conduct") },
		},
		{
			name: "another code does not count", set: set, p: signed("other-code", "2025-01-15"),
			status: Unmet,
		},
		{
			name: "signed after the as-of date", set: set, p: signed("code-of-conduct", "2025-06-02"),
			status: Unmet,
			check:  func(t *testing.T, r Result) { wantNotUsed(t, r, "att") },
		},
	})
}

func TestDocuments(t *testing.T) {
	set := setOf(&requirements.Requirement{ID: "docs", Kind: requirements.KindDocuments, Title: "Documents",
		Documents: []requirements.DocumentRule{
			{Kind: "transcript", Supports: "degrees", Title: "Transcript of the degree"},
			{Kind: "cv", Title: "CV"},
		}})
	doc := func(id, kind, received string, supports ...string) portfolio.Document {
		return portfolio.Document{ID: id, Kind: kind, Received: day(received), Supports: supports, Verification: verifiedV}
	}
	base := func(docs ...portfolio.Document) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Degrees = []portfolio.Degree{{ID: "deg", Level: "master", Field: "X", Institution: "U", Accreditation: "regional", Conferred: day("2015-01-01"), Verification: verifiedV}}
			p.Licenses = []portfolio.License{{ID: "lic", Profession: "psychology", Jurisdiction: "US-NY", Number: "1", ValidFrom: day("2016-01-01"), Verification: verifiedV}}
			p.Documents = docs
		})
	}
	runCases(t, []kindCase{
		{
			name: "all documents on file", set: set,
			p:       base(doc("tr", "transcript", "2025-01-01", "deg"), doc("cv", "cv", "2025-01-01")),
			status:  Met,
			explain: []string{"all 2 documents on file"},
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "tr", 0)
				wantUses(t, r, "cv", 0)
			},
		},
		{
			name: "a transcript that supports a license does not support a degree", set: set,
			p:       base(doc("tr", "transcript", "2025-01-01", "lic"), doc("cv", "cv", "2025-01-01")),
			status:  Unmet,
			explain: []string{"missing: Transcript of the degree"},
			check: func(t *testing.T, r Result) {
				wantStep(t, r, "upload transcript of the degree")
				wantNotUsed(t, r, "tr")
			},
		},
		{
			name: "missing document listed in the steps", set: set,
			p:       base(doc("tr", "transcript", "2025-01-01", "deg")),
			status:  Unmet,
			explain: []string{"missing: CV"},
			check:   func(t *testing.T, r Result) { wantStep(t, r, "upload CV") },
		},
		{
			name: "a document received after the as-of date is missing", set: set,
			p:       base(doc("tr", "transcript", "2025-01-01", "deg"), doc("cv", "cv", "2025-06-02")),
			status:  Unmet,
			explain: []string{"missing: CV"},
		},
		{
			name: "a claimed document is pending", set: set,
			p: base(doc("tr", "transcript", "2025-01-01", "deg"),
				with(doc("cv", "cv", "2025-01-01"), func(d *portfolio.Document) { d.Verification = claimedV })),
			status:  Pending,
			explain: []string{"once cv is verified"},
		},
	})
}

func TestPeerReview(t *testing.T) {
	reviews := func(exclude bool) *requirements.Set {
		return setOf(&requirements.Requirement{ID: "review", Kind: requirements.KindPeerReview, Title: "Peer review",
			Approvals: 2, ExcludeSupervisors: exclude})
	}
	review := func(id, reviewer, outcome string) portfolio.PeerReview {
		return portfolio.PeerReview{ID: id, Kind: "review", Reviewer: reviewer, ReviewerName: "Reviewer " + reviewer,
			Outcome: outcome, Date: day("2025-03-01"), Verification: verifiedV}
	}
	supervisedWith := func(prs ...portfolio.PeerReview) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Contracts = []portfolio.Contract{contract("k1", "sup", "2023-01-01")}
			p.PeerReviews = prs
		})
	}
	runCases(t, []kindCase{
		{
			name: "two approvals from two reviewers", set: reviews(true),
			p:       supervisedWith(review("pr1", "r1", "approve"), review("pr2", "r2", "approve")),
			status:  Met,
			explain: []string{"2 of 2 approving reviews from independent reviewers"},
			check: func(t *testing.T, r Result) {
				if v := progressValue(t, r, "approvals"); v != 2 {
					t.Errorf("approvals %v, want 2", v)
				}
			},
		},
		{
			name: "a reviewer who supervised the applicant is excluded", set: reviews(true),
			p:       supervisedWith(review("pr1", "r1", "approve"), with(review("pr2", "sup", "approve"), func(r *portfolio.PeerReview) { r.ReviewerName = "Dr Sup" })),
			status:  Unmet,
			explain: []string{"1 of 2 approving reviews", "Dr Sup supervised the applicant and cannot count"},
			check: func(t *testing.T, r Result) {
				wantStep(t, r, "1 more approving review")
				wantNotUsed(t, r, "pr2")
			},
		},
		{
			name: "a later rejection by the same reviewer withdraws the approval", set: reviews(true),
			p: supervisedWith(review("pr1", "r1", "approve"), review("pr2", "r2", "approve"),
				with(review("pr3", "r2", "reject"), func(r *portfolio.PeerReview) { r.Date = day("2025-04-01") })),
			status:  Unmet,
			explain: []string{"1 of 2 approving reviews", "Reviewer r2 answered reject on 2025-04-01"},
			check:   func(t *testing.T, r Result) { wantNotUsed(t, r, "pr2") },
		},
		{
			name: "a later approval by the same reviewer replaces a request for revision", set: reviews(true),
			p: supervisedWith(review("pr1", "r1", "approve"), review("pr2", "r2", "revise"),
				with(review("pr3", "r2", "approve"), func(r *portfolio.PeerReview) { r.Date = day("2025-04-01") })),
			status: Met,
			check:  func(t *testing.T, r Result) { wantUses(t, r, "pr3", 0) },
		},
		{
			name: "a supervisor counts when supervisors are not excluded", set: reviews(false),
			p:      supervisedWith(review("pr1", "r1", "approve"), review("pr2", "sup", "approve")),
			status: Met,
			check:  func(t *testing.T, r Result) { wantUses(t, r, "pr2", 0) },
		},
		{
			name: "the applicant cannot review themself", set: reviews(true),
			p:       supervisedWith(review("pr1", "r1", "approve"), review("pr2", "applicant", "approve")),
			status:  Unmet,
			explain: []string{"Reviewer applicant is the applicant"},
		},
		{
			name: "reject outcomes do not count", set: reviews(true),
			p:       supervisedWith(review("pr1", "r1", "approve"), review("pr2", "r2", "reject")),
			status:  Unmet,
			explain: []string{"1 of 2 approving reviews", "Reviewer r2 answered reject"},
		},
		{
			name: "two approvals from one reviewer count once", set: reviews(true),
			p:       supervisedWith(review("pr1", "r1", "approve"), review("pr2", "r1", "approve")),
			status:  Unmet,
			explain: []string{"1 of 2 approving reviews"},
		},
		{
			name: "a review dated after the as-of date does not count", set: reviews(true),
			p: supervisedWith(review("pr1", "r1", "approve"),
				with(review("pr2", "r2", "approve"), func(r *portfolio.PeerReview) { r.Date = day("2025-06-02") })),
			status:  Unmet,
			explain: []string{"1 of 2 approving reviews"},
		},
		{
			name: "a claimed approval is pending", set: reviews(true),
			p: supervisedWith(review("pr1", "r1", "approve"),
				with(review("pr2", "r2", "approve"), func(r *portfolio.PeerReview) { r.Verification = claimedV })),
			status:  Pending,
			explain: []string{"once pr2 is verified"},
		},
	})
}

// ---------------------------------------------------------------- expressions and applies_if

func TestExpression(t *testing.T) {
	set := parseSet(t, "", `
  - id: cosrt-year
    kind: expression
    title: COSRT member for a year
    explanation: A COSRT membership began at least 365 days before the evaluation date.
    expression: >
      has(portfolio.memberships) && portfolio.memberships.exists(m,
        m.organization == 'COSRT' && date(m.from) + duration('8760h') <= as_of)
`)
	byDate := parseSet(t, "", `
  - id: after-2025
    kind: expression
    title: Evaluated in 2025 or later
    explanation: The evaluation date is in 2025 or later.
    expression: as_of >= date('2025-01-01')
`)
	cosrt := func(from string, v portfolio.Verification) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Memberships = []portfolio.Membership{{ID: "m1", Organization: "COSRT", From: day(from), Verification: v}}
		})
	}
	runCases(t, []kindCase{
		{
			name: "true", set: set, p: cosrt("2024-01-01", verifiedV),
			status:  Met,
			explain: []string{"A COSRT membership began at least 365 days before the evaluation date."},
		},
		{
			name: "false", set: set, p: cosrt("2025-01-01", verifiedV),
			status:  Unmet,
			explain: []string{"not shown: A COSRT membership began"},
			check:   func(t *testing.T, r Result) { wantStep(t, r, "A COSRT membership began at least 365 days") },
		},
		{
			name: "as_of moves the answer", set: set, p: cosrt("2025-01-01", verifiedV), asOf: "2026-01-01",
			status: Met,
		},
		{
			name: "claimed items make it pending", set: set, p: cosrt("2024-01-01", claimedV),
			status:  Pending,
			explain: []string{"once claimed evidence is verified"},
		},
		{
			name: "rejected items are not visible", set: set, p: cosrt("2024-01-01", rejectedV),
			status: Unmet,
		},
		{
			name: "date() compares with as_of", set: byDate, p: newPortfolio(nil), asOf: "2025-01-01",
			status: Met,
		},
		{
			name: "date() compares with as_of, false", set: byDate, p: newPortfolio(nil), asOf: "2024-12-31",
			status:  Unmet,
			explain: []string{"not shown: The evaluation date is in 2025 or later."},
		},
	})
}

func TestAppliesIf(t *testing.T) {
	set := parseSet(t, "", `
  - id: alternative
    kind: hours
    title: Alternative education, for Australian licensees only
    applies_if: has(portfolio.licenses) && portfolio.licenses.exists(l, l.jurisdiction.startsWith('AU'))
    total: 10
    accepts:
      - evidence: education
  - id: main
    kind: hours
    title: Education
    total: 10
    accepts:
      - evidence: education
`)
	tenHours := func(p *portfolio.Portfolio) { p.Education = []portfolio.Activity{course("e1", 10, "2024-01-01")} }
	runCases(t, []kindCase{
		{
			name: "false condition: not applicable", set: set, id: "alternative", p: newPortfolio(tenHours),
			status:  NotApplicable,
			explain: []string{"does not apply to this portfolio: its condition is false (has(portfolio.licenses)"},
		},
		{
			name: "a not-applicable hours requirement takes no hours from another", set: set, id: "main", p: newPortfolio(tenHours),
			status:  Met,
			explain: []string{"10 of 10 hours counted"},
			check:   func(t *testing.T, r Result) { wantUses(t, r, "e1", 10) },
		},
	})

	t.Run("a route opened only by claimed evidence is pending, the route it waives too", func(t *testing.T) {
		routes := parseSet(t, "", `
  - id: short-route
    kind: hours
    title: Five hours, for Australian licensees
    applies_if: has(portfolio.licenses) && portfolio.licenses.exists(l, l.jurisdiction.startsWith('AU'))
    total: 5
    accepts:
      - evidence: education
  - id: long-route
    kind: hours
    title: Ten hours, for everyone else
    applies_if: "!(has(portfolio.licenses) && portfolio.licenses.exists(l, l.jurisdiction.startsWith('AU')))"
    total: 10
    accepts:
      - evidence: education
`)
		p := newPortfolio(func(p *portfolio.Portfolio) {
			p.Education = []portfolio.Activity{course("e1", 6, "2024-01-01")}
			p.Licenses = []portfolio.License{{ID: "lic", Profession: "psychology", Jurisdiction: "AU-NSW", Number: "1",
				ValidFrom: day("2020-01-01"), Verification: portfolio.Verification{State: portfolio.Claimed}}}
		})
		rep := Evaluate(p, routes, day(defaultAsOf))
		if rep.Eligible || rep.Verdict != VerdictPending {
			t.Fatalf("verdict %s, want %s", rep.Verdict, VerdictPending)
		}
		short := resultByID(t, rep, "short-route")
		if short.Status != Pending || !strings.Contains(short.Explanation, "applies only because of evidence still awaiting verification") {
			t.Fatalf("short-route: %s %q", short.Status, short.Explanation)
		}
		long := resultByID(t, rep, "long-route")
		if long.Status != Pending || !strings.Contains(long.Explanation, "waived only once evidence awaiting verification is verified") ||
			!strings.Contains(long.Explanation, "6 of 10 hours counted") {
			t.Fatalf("long-route: %s %q", long.Status, long.Explanation)
		}
		// Claimed evidence must never waive a requirement: with the license
		// rejected the long route simply applies.
		p.Licenses[0].Verification.State = portfolio.Rejected
		if rep := Evaluate(p, routes, day(defaultAsOf)); rep.Verdict != VerdictNotEligible {
			t.Fatalf("with the license rejected: verdict %s, want %s", rep.Verdict, VerdictNotEligible)
		}
	})

	t.Run("verified evidence that meets every requirement that applies to it is enough", func(t *testing.T) {
		p := newPortfolio(func(p *portfolio.Portfolio) {
			tenHours(p)
			p.Licenses = []portfolio.License{{ID: "lic", Profession: "psychology", Jurisdiction: "AU-NSW", Number: "1",
				ValidFrom: day("2020-01-01"), Verification: portfolio.Verification{State: portfolio.Claimed}}}
		})
		rep := Evaluate(p, set, day(defaultAsOf))
		if !rep.Eligible || !strings.Contains(rep.Summary, "on verified evidence alone") {
			t.Fatalf("verdict %s %q, want eligible on verified evidence alone", rep.Verdict, rep.Summary)
		}
	})

	t.Run("true condition: the requirement applies and competes for the same hours", func(t *testing.T) {
		p := newPortfolio(func(p *portfolio.Portfolio) {
			tenHours(p)
			p.Licenses = []portfolio.License{{ID: "lic", Profession: "psychology", Jurisdiction: "AU-NSW", Number: "1",
				ValidFrom: day("2020-01-01"), Verification: verifiedV}}
		})
		rep := Evaluate(p, set, day(defaultAsOf))
		alt, main := resultOf(t, rep, "alternative"), resultOf(t, rep, "main")
		if alt.Status == Met {
			alt, main = main, alt
		}
		if main.Status != Met || alt.Status != Unmet {
			t.Fatalf("want one met and one unmet\n%s%s", describe(main), describe(alt))
		}
		wantContains(t, alt, "explanation", alt.Explanation, "hours count only once")
	})

	t.Run("a not-applicable requirement does not spoil the verdict", func(t *testing.T) {
		rep := Evaluate(newPortfolio(tenHours), set, day(defaultAsOf))
		if rep.Verdict != VerdictEligible {
			t.Fatalf("verdict %s, want eligible", rep.Verdict)
		}
	})
}

// ---------------------------------------------------------------- Select

func TestSelect(t *testing.T) {
	version := func(label, from, to, appliesBy string, total float64) *requirements.Set {
		s := setOf(hoursRule("edu", total, accepts(educationF)))
		s.ID, s.Version, s.EffectiveFrom, s.AppliesBy = "board-x", label, day(from), appliesBy
		if to != "" {
			s.EffectiveTo = day(to)
		}
		return s
	}
	registry := func(appliesBy string) *requirements.Catalog {
		t.Helper()
		reg, err := requirements.NewCatalog(
			version("2020", "2020-01-01", "2024-12-31", appliesBy, 10),
			version("2025", "2025-01-01", "", appliesBy, 20))
		if err != nil {
			t.Fatal(err)
		}
		return reg
	}
	withContract := func(start string) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Contracts = []portfolio.Contract{contract("k1", "sup", start),
				with(contract("k0", "sup", "2018-01-01"), func(k *portfolio.Contract) { k.Verification = rejectedV })}
			p.Education = []portfolio.Activity{course("e1", 10, "2024-01-01")}
		})
	}
	asOf := day(defaultAsOf)

	cases := []struct {
		name       string
		reg        *requirements.Catalog
		p          *portfolio.Portfolio
		version    string
		why        string
		wantStatus Status
	}{
		{"contract_start picks the version in force at the first contract", registry(requirements.AppliesByContractStart), withContract("2023-05-01"),
			"2020", "in force when the first supervision contract was signed, 2023-05-01", Met},
		{"contract_start with a contract under the new version", registry(requirements.AppliesByContractStart), withContract("2025-02-01"),
			"2025", "in force when the first supervision contract was signed, 2025-02-01", Unmet},
		{"contract_start without a contract falls back to the as-of date", registry(requirements.AppliesByContractStart), newPortfolio(nil),
			"2025", "in force on the as-of date 2025-06-01", Unmet},
		{"a contract older than every version gets the earliest", registry(requirements.AppliesByContractStart), withContract("2019-03-01"),
			"2020", "the supervision contract (2019-03-01) predates every version", Met},
		{"as_of ignores the contract", registry(requirements.AppliesByAsOf), withContract("2023-05-01"),
			"2025", "in force on the as-of date 2025-06-01", Unmet},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, why, err := Select(tc.reg, "board-x", tc.p, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if s.Version != tc.version {
				t.Errorf("version %s, want %s", s.Version, tc.version)
			}
			if !strings.Contains(why, tc.why) {
				t.Errorf("why %q, want it to contain %q", why, tc.why)
			}
			// The chosen version's total decides the outcome for 10 hours of education.
			r := resultOf(t, Evaluate(tc.p, s, asOf), "edu")
			if tc.p.Education != nil && r.Status != tc.wantStatus {
				t.Errorf("status %s, want %s\n%s", r.Status, tc.wantStatus, describe(r))
			}
		})
	}
	t.Run("unknown id", func(t *testing.T) {
		_, _, err := Select(registry(""), "nope", newPortfolio(nil), asOf)
		if err == nil || !strings.Contains(err.Error(), `no requirement set has id "nope"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("as-of date before every version", func(t *testing.T) {
		_, _, err := Select(registry(""), "board-x", newPortfolio(nil), day("2019-06-01"))
		if err == nil || !strings.Contains(err.Error(), "no version of board-x was in force on 2019-06-01") {
			t.Fatalf("err = %v", err)
		}
	})
}

// ---------------------------------------------------------------- verdicts

func TestVerdicts(t *testing.T) {
	set := setOf(
		hoursRule("edu", 10, accepts(educationF)),
		&requirements.Requirement{ID: "code", Kind: requirements.KindAttestation, Title: "the code", Code: "code"},
	)
	set.Confidence = []requirements.Confidence{{Figure: "edu", Status: "unconfirmed", Note: "ten is a guess"}, {Figure: "code", Status: "confirmed", Note: "ok"}}
	build := func(eduV portfolio.Verification, signed bool) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Education = []portfolio.Activity{with(course("e1", 10, "2024-01-01"), func(a *portfolio.Activity) { a.Verification = eduV })}
			if signed {
				p.Attestations = []portfolio.Attestation{{ID: "att", Code: "code", Signed: day("2025-01-01"), Verification: verifiedV}}
			}
		})
	}
	cases := []struct {
		name     string
		p        *portfolio.Portfolio
		verdict  string
		eligible bool
		summary  string
	}{
		{"eligible", build(verifiedV, true), VerdictEligible, true,
			"Eligible for Test Set as of 2025-06-01: all 2 requirements met"},
		{"pending verification", build(claimedV, true), VerdictPending, false,
			"Not yet eligible for Test Set as of 2025-06-01: 1 requirement met only by evidence still awaiting verification"},
		{"not eligible with one pending", build(claimedV, false), VerdictNotEligible, false,
			"Not eligible for Test Set as of 2025-06-01: 1 requirement unmet, 1 pending verification"},
		{"not eligible", build(rejectedV, false), VerdictNotEligible, false,
			"Not eligible for Test Set as of 2025-06-01: 2 requirements unmet"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := Evaluate(tc.p, set, day(defaultAsOf))
			if rep.Verdict != tc.verdict || rep.Eligible != tc.eligible {
				t.Errorf("verdict %s eligible %v, want %s %v", rep.Verdict, rep.Eligible, tc.verdict, tc.eligible)
			}
			if rep.Summary != tc.summary {
				t.Errorf("summary\n got %q\nwant %q", rep.Summary, tc.summary)
			}
			if rep.Set.ID != "test-set" || rep.Person != "Test Applicant" || rep.AsOf != day(defaultAsOf) {
				t.Errorf("report header %+v %q %s", rep.Set, rep.Person, rep.AsOf)
			}
			if len(rep.Unconfirmed) != 1 || rep.Unconfirmed[0].Figure != "edu" {
				t.Errorf("unconfirmed notes %+v, want only edu", rep.Unconfirmed)
			}
		})
	}
}

func resultByID(t *testing.T, rep *Report, id string) Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no result %s", id)
	return Result{}
}

// TestClaimedSupervisor: sessions that count only because of a supervisor's
// credentials count fully only once the supervisor entry is verified.
func TestClaimedSupervisor(t *testing.T) {
	set := setOf(hoursRule("sup", 4, accepts(with(supervisionF, func(f *requirements.Filter) {
		f.SupervisorCredential = []string{"cst-supervisor"}
	}))))
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.Supervisors[0].Verification = portfolio.Verification{}
		p.Sessions = []portfolio.Session{session("s1", 4, "2024-05-01", "individual")}
	})
	rep := Evaluate(p, set, day(defaultAsOf))
	r := resultByID(t, rep, "sup")
	if r.Status != Pending || !strings.Contains(r.Explanation, "once 1 claimed item is verified: sup") {
		t.Fatalf("got %s %q; want pending until supervisor sup is verified", r.Status, r.Explanation)
	}
	p.Supervisors[0].Verification = portfolio.Verification{State: portfolio.Rejected}
	r = resultByID(t, Evaluate(p, set, day(defaultAsOf)), "sup")
	if r.Status != Unmet {
		t.Fatalf("a rejected supervisor: got %s, want unmet", r.Status)
	}
	wantExcluded(t, r, "s1", "Dr Sup's credentials were rejected in verification")
}

// TestSessionDelivery: a group-size limit can depend on how the session was
// held (AASECT CSE: remote groups of at most 4, in-person groups up to 8).
func TestSessionDelivery(t *testing.T) {
	remote := with(supervisionF, func(f *requirements.Filter) {
		f.Format, f.SessionDelivery, f.MaxGroupSize = []string{"group"}, []string{"video", "phone"}, 4
	})
	inPerson := with(supervisionF, func(f *requirements.Filter) {
		f.Format, f.SessionDelivery, f.MaxGroupSize = []string{"group"}, []string{"in_person"}, 8
	})
	set := setOf(hoursRule("sup", 4, accepts(remote, inPerson)))
	group := func(id, delivery string, size int) portfolio.Session {
		return with(session(id, 2, "2024-05-01", "group"), func(s *portfolio.Session) { s.Delivery, s.GroupSize = delivery, size })
	}
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.Sessions = []portfolio.Session{group("web6", "video", 6), group("room6", "in_person", 6), group("web4", "video", 4)}
	})
	r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "sup")
	if r.Status != Met {
		t.Fatalf("got %s %q, want met by room6 and web4", r.Status, r.Explanation)
	}
	wantUses(t, r, "room6", 2)
	wantUses(t, r, "web4", 2)
	wantNotUsed(t, r, "web6")
	wantExcluded(t, r, "web6", "was a group of 6 supervisees, more than the 4 allowed")
}

// TestShippedRenewal runs the shipped aasect-renewal set: AASECT-approved CE
// counts in full, CE approved by another body counts at half value and at
// most 5 credits, and at least 5 credits must come from AASECT programs.
func TestShippedRenewal(t *testing.T) {
	set := shippedSet(t, "aasect-renewal")
	approvedBy := func(a portfolio.Activity, body string) portfolio.Activity {
		a.Provider.ApprovedBy = []string{body}
		return a
	}
	build := func(aasectHours float64) *portfolio.Portfolio {
		return newPortfolio(func(p *portfolio.Portfolio) {
			p.Credentials = []portfolio.Credential{{ID: "cst", Type: "aasect-cst", Body: "AASECT", ValidFrom: day("2024-01-01"),
				ValidTo: day("2026-12-31"), Status: "active", Verification: verifiedV}}
			p.Memberships = []portfolio.Membership{{ID: "m", Organization: "AASECT", Category: "professional", From: day("2020-01-01"), Verification: verifiedV}}
			p.Education = []portfolio.Activity{
				approvedBy(course("aasect", aasectHours, "2024-06-01"), "AASECT"),
				approvedBy(course("nasw", 20, "2025-02-01"), "NASW Illinois Chapter"),
			}
		})
	}
	rep := Evaluate(build(15), set, day("2026-06-01"))
	ce := resultByID(t, rep, "ce-credits")
	if !rep.Eligible || ce.Status != Met {
		t.Fatalf("want eligible: %s %q", ce.Status, ce.Explanation)
	}
	wantUses(t, ce, "aasect", 15)
	wantUses(t, ce, "nasw", 5) // 20 hours at half value is 10 credits, capped at 5

	ce = resultByID(t, Evaluate(build(4), set, day("2026-06-01")), "ce-credits")
	if ce.Status != Unmet {
		t.Fatalf("4 AASECT credits: got %s, want unmet", ce.Status)
	}
	wantStep(t, ce, "1 more credit of AASECT-sponsored or AASECT-approved programs")
}

// TestContractFallbackIgnoresClaimedContracts: evidence that names no
// contract is measured from the earliest contract; on verified evidence
// alone, from the earliest verified one.
func TestContractFallbackIgnoresClaimedContracts(t *testing.T) {
	set := setOf(hoursRule("sup", 2, accepts(with(supervisionF, func(f *requirements.Filter) {
		f.Window = &requirements.Window{AfterContractStart: true}
	}))))
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.Contracts = []portfolio.Contract{
			with(contract("k-old", "sup", "2022-01-01"), func(k *portfolio.Contract) { k.Verification = portfolio.Verification{State: portfolio.Claimed} }),
			contract("k-new", "sup", "2023-01-01"),
		}
		p.Sessions = []portfolio.Session{session("s1", 2, "2024-01-10", "individual")}
	})
	if r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "sup"); r.Status != Met {
		t.Fatalf("got %s %q, want met: the verified contract k-new covers the session", r.Status, r.Explanation)
	}
}
