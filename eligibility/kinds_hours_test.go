package eligibility

import (
	"testing"

	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// Engine tests for issue 14's hours additions: monthly caps, area
// maximums, the ratio kind, the clinical focus filter and session_delivery
// unknown. Explanations are compared whole where the wording is the point.

func wantExplanation(t *testing.T, r Result, want string) {
	t.Helper()
	if r.Explanation != want {
		t.Errorf("explanation\n got %q\nwant %q\n%s", r.Explanation, want, describe(r))
	}
}

func wantStatus(t *testing.T, r Result, want Status) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %s, want %s\n%s", r.Status, want, describe(r))
	}
}

// monthlyCap is a cap of max hours a month on the evidence f selects.
func monthlyCap(id string, max float64, f requirements.Filter) requirements.Cap {
	return requirements.Cap{ID: id, Title: "Monthly " + id, Match: f, Max: max, Per: requirements.CapPerMonth}
}

func TestMonthlyCap(t *testing.T) {
	supMonthly := setOf(hoursRule("sup", 20, accepts(supervisionF), func(r *requirements.Requirement) {
		r.Caps = []requirements.Cap{{ID: "monthly", Title: "At most 6 hours of supervision a month", Match: supervisionF, Max: 6, Per: requirements.CapPerMonth}}
	}))
	runCases(t, []kindCase{
		{
			name: "hours over the limit in a month do not count, and the report names the months",
			set:  supMonthly,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{
					session("m1", 4, "2025-03-03", "individual"), session("m2", 5, "2025-03-20", "individual"),
					session("a1", 6, "2025-04-10", "individual"),
					session("y1", 10, "2025-05-05", "individual"),
				}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "18 of 20 hours counted; 7 hours over the monthly limit of 6 hours in 2025-03 and 2025-05 did not count")
				if got := usedAcross(&Report{Results: []Result{r}}, "m1") + usedAcross(&Report{Results: []Result{r}}, "m2"); got != 6 {
					t.Errorf("March counts %v, want 6", got)
				}
				wantUses(t, r, "a1", 6)
				wantUses(t, r, "y1", 6)
				wantShortfall(t, r, 2)
				wantStep(t, r, "2 more hours of any evidence this requirement accepts; the monthly limit of 6 hours still applies")
				wantContains(t, r, "progress", progressText(r), "At most 6 hours of supervision a month: at most 6 hours a month count; more in 2025-03 (9) and 2025-05 (10)")
				if v := progressValue(t, r, "At most 6 hours of supervision a month"); v != 10 {
					t.Errorf("the cap's progress shows %v, want the fullest month, 10", v)
				}
			},
		},
		{
			name: "no month over the limit: everything counts and nothing is said about it",
			set:  supMonthly,
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("m1", 6, "2025-01-03", "individual"), session("m2", 6, "2025-02-03", "individual"),
					session("m3", 6, "2025-03-03", "individual"), session("m4", 2, "2025-04-03", "individual")}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "20 of 20 hours counted from 4 verified items")
				wantContains(t, r, "progress", progressText(r), "at most 6 hours a month count; at most 6 hours in any one month")
			},
		},
		{
			name: "a block of clinical hours over a period belongs to the month of its last day",
			set: setOf(hoursRule("clin", 16, accepts(clinicalF), func(r *requirements.Requirement) {
				r.Caps = []requirements.Cap{monthlyCap("monthly", 10, clinicalF)}
			})),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{
					{ID: "feb-mar", From: day("2025-02-20"), To: day("2025-03-10"), Hours: 8, Modality: "in_person", Verification: verifiedV},
					clinical("mar", 8, "2025-03-15"),
				}
			}),
			status:  Unmet,
			explain: []string{"10 of 16 hours counted; 6 hours over the monthly limit of 10 hours in 2025-03 did not count"},
		},
		{
			name: "verified evidence fills the month first: claimed hours over the limit leave it met",
			set: setOf(hoursRule("sup", 6, accepts(supervisionF), func(r *requirements.Requirement) {
				r.Caps = []requirements.Cap{monthlyCap("monthly", 6, supervisionF)}
			})),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("v1", 6, "2025-03-03", "individual"),
					with(session("c1", 4, "2025-03-10", "individual"), func(s *portfolio.Session) { s.Verification = claimedV })}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "6 of 6 hours counted from 1 verified item; 4 hours over the monthly limit of 6 hours in 2025-03 did not count")
				wantUses(t, r, "v1", 6)
				wantNotUsed(t, r, "c1")
			},
		},
		{
			name: "claimed hours fill what the limit leaves of their month: pending",
			set: setOf(hoursRule("sup", 8, accepts(supervisionF), func(r *requirements.Requirement) {
				r.Caps = []requirements.Cap{monthlyCap("monthly", 6, supervisionF)}
			})),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Sessions = []portfolio.Session{session("v1", 4, "2025-03-03", "individual"),
					with(session("c1", 4, "2025-03-10", "individual"), func(s *portfolio.Session) { s.Verification = claimedV }),
					session("v2", 2, "2025-04-03", "individual")}
			}),
			status: Pending,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "would be met (8 of 8 hours) once 1 claimed item is verified: c1; 2 hours over the monthly limit of 6 hours in 2025-03 did not count")
				wantUses(t, r, "v1", 4)
				wantUses(t, r, "c1", 2)
				wantUses(t, r, "v2", 2)
			},
		},
	})
}

// TestCapWithoutTitle: a cap or minimum without a title is named by its id
// in progress and explanations, never by an empty label.
func TestCapWithoutTitle(t *testing.T) {
	individual := with(supervisionF, func(f *requirements.Filter) { f.Format = []string{"individual"} })
	group := with(supervisionF, func(f *requirements.Filter) { f.Format = []string{"group"} })
	set := setOf(hoursRule("sup", 20, accepts(supervisionF), func(r *requirements.Requirement) {
		r.Caps = []requirements.Cap{{ID: "monthly", Match: supervisionF, Max: 6, Per: requirements.CapPerMonth},
			{ID: "group-cap", Match: group, Max: 2}}
		r.Minimums = []requirements.Bucket{{ID: "individual-min", Match: individual, Min: 12}}
	}))
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.Sessions = []portfolio.Session{session("m1", 9, "2025-03-03", "individual"), session("g1", 4, "2025-04-03", "group")}
	})
	r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "sup")
	wantStatus(t, r, Unmet)
	wantExplanation(t, r, "8 of 20 hours counted; 6 hours of individual-min, at least 12 needed; group-cap hours beyond the cap do not count; "+
		"3 hours over the monthly limit of 6 hours in 2025-03 did not count")
	for _, label := range []string{"monthly", "group-cap", "individual-min"} {
		progressValue(t, r, label)
	}
	wantContains(t, r, "progress", progressText(r), "monthly: at most 6 hours a month count; more in 2025-03 (9)")
	wantContains(t, r, "progress", progressText(r), "group-cap: 4 hours available, at most 2 count")
	wantContains(t, r, "progress", progressText(r), "individual-min: 6 of at least 12")
}

// TestMonthlyCapManyMonths: a monthly cap over its limit in many months
// names four of them at most.
func TestMonthlyCapManyMonths(t *testing.T) {
	set := setOf(hoursRule("sup", 100, accepts(supervisionF), func(r *requirements.Requirement) {
		r.Caps = []requirements.Cap{monthlyCap("monthly", 2, supervisionF)}
	}))
	p := newPortfolio(func(p *portfolio.Portfolio) {
		for _, m := range []string{"01", "02", "03", "04", "05", "06", "07"} {
			p.Sessions = append(p.Sessions, session("s"+m, 3, "2024-"+m+"-10", "individual"))
		}
	})
	r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "sup")
	wantExplanation(t, r, "14 of 100 hours counted; 7 hours over the monthly limit of 2 hours in 2024-01, 2024-02, 2024-03 and 4 more did not count")
	wantContains(t, r, "progress", progressText(r), "more in 2024-01 (3), 2024-02 (3), 2024-03 (3) and 4 more")
}

// TestMonthlyCapAcrossRequirements shows that a monthly cap limits the
// evidence itself: hours over a month's limit count toward no requirement
// of the set, and the flow still finds the allocation that meets both.
func TestMonthlyCapAcrossRequirements(t *testing.T) {
	groupF := with(supervisionF, func(f *requirements.Filter) { f.Format = []string{"group"} })
	set := func(t1, t2 float64) *requirements.Set {
		return setOf(
			hoursRule("all", t1, accepts(supervisionF), func(r *requirements.Requirement) {
				r.Caps = []requirements.Cap{monthlyCap("monthly", 4, supervisionF)}
			}),
			hoursRule("group", t2, accepts(groupF)),
		)
	}
	march := newPortfolio(func(p *portfolio.Portfolio) {
		p.Sessions = []portfolio.Session{session("i1", 3, "2025-03-03", "individual"), session("g1", 3, "2025-03-10", "group")}
	})

	// 4 of March's 6 hours can count; 2 + 2 fit only if the individual
	// session (which only "all" counts) goes to "all" and the group
	// session to "group".
	rep := Evaluate(march, set(2, 2), day(defaultAsOf))
	if !rep.Eligible {
		t.Fatalf("want eligible: %s\n%s\n%s", rep.Summary, describe(rep.Results[0]), describe(rep.Results[1]))
	}
	all, group := resultByID(t, rep, "all"), resultByID(t, rep, "group")
	wantUses(t, all, "i1", 2)
	wantUses(t, group, "g1", 2)
	wantExplanation(t, all, "2 of 2 hours counted from 1 verified item; 2 hours over the monthly limit of 4 hours in 2025-03 did not count")

	// 3 + 3 would need all six hours of March.
	rep = Evaluate(march, set(3, 3), day(defaultAsOf))
	if rep.Verdict != VerdictNotEligible {
		t.Fatalf("want not eligible, got %s", rep.Summary)
	}
	if got := usedAcross(rep, "i1") + usedAcross(rep, "g1"); got != 4 {
		t.Errorf("March counts %v hours in all, want the limit, 4", got)
	}

	// Moved to April, the group session is under April's limit.
	april := newPortfolio(func(p *portfolio.Portfolio) {
		p.Sessions = []portfolio.Session{session("i1", 3, "2025-03-03", "individual"), session("g1", 3, "2025-04-10", "group")}
	})
	if rep := Evaluate(april, set(3, 3), day(defaultAsOf)); !rep.Eligible {
		t.Errorf("want eligible with the sessions in two months: %s", rep.Summary)
	}
}

// TestMonthlyCapNoteCountsTheRequirementsOwnEvidence: a monthly cap may
// select evidence its requirement does not accept; the requirement's note
// and progress count only what it accepts.
func TestMonthlyCapNoteCountsTheRequirementsOwnEvidence(t *testing.T) {
	individual := with(supervisionF, func(f *requirements.Filter) { f.Format = []string{"individual"} })
	group := with(supervisionF, func(f *requirements.Filter) { f.Format = []string{"group"} })
	set := setOf(
		hoursRule("individual", 3, accepts(individual), func(r *requirements.Requirement) {
			r.Caps = []requirements.Cap{monthlyCap("monthly", 4, supervisionF)}
		}),
		hoursRule("group", 1, accepts(group)),
	)
	t.Run("its own hours under the limit: no note", func(t *testing.T) {
		p := newPortfolio(func(p *portfolio.Portfolio) {
			p.Sessions = []portfolio.Session{session("i1", 3, "2025-03-03", "individual"), session("g1", 3, "2025-03-10", "group")}
		})
		r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "individual")
		wantStatus(t, r, Met)
		wantExplanation(t, r, "3 of 3 hours counted from 1 verified item")
		wantContains(t, r, "progress", progressText(r), "Monthly monthly: at most 4 hours a month count; at most 3 hours in any one month")
	})
	t.Run("its own hours over the limit: only those are counted", func(t *testing.T) {
		p := newPortfolio(func(p *portfolio.Portfolio) {
			p.Sessions = []portfolio.Session{session("i1", 5, "2025-03-03", "individual"), session("g1", 3, "2025-03-10", "group")}
		})
		r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "individual")
		wantStatus(t, r, Met)
		wantExplanation(t, r, "3 of 3 hours counted from 1 verified item; 1 hour over the monthly limit of 4 hours in 2025-03 did not count")
		wantContains(t, r, "progress", progressText(r), "Monthly monthly: at most 4 hours a month count; more in 2025-03 (5)")
	})
}

// TestMonthlyCapOfARequirementThatDoesNotApply: the cap belongs to its
// requirement, so when that does not apply its limit does not either.
func TestMonthlyCapOfARequirementThatDoesNotApply(t *testing.T) {
	set := parseSet(t, "", `
  - id: capped
    kind: hours
    title: Supervision under a monthly limit
    applies_if: "false"
    total: 2
    accepts: [{evidence: supervision}]
    caps:
      - {id: monthly, title: At most 2 hours a month, match: {evidence: supervision}, max: 2, per: month}
  - id: plain
    kind: hours
    title: Supervision
    total: 6
    accepts: [{evidence: supervision}]
`)
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.Sessions = []portfolio.Session{session("s1", 6, "2025-03-03", "individual")}
	})
	r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "plain")
	wantStatus(t, r, Met)
	wantUses(t, r, "s1", 6)
}

func TestAreaMaximum(t *testing.T) {
	edu := func(total float64, opts ...func(*requirements.Requirement)) *requirements.Set {
		return withTaxonomy(setOf(hoursRule("edu", total, accepts(educationF), append([]func(*requirements.Requirement){
			func(r *requirements.Requirement) { r.Taxonomy = "t" }}, opts...)...)))
	}
	max4 := func(r *requirements.Requirement) { r.AreaMaximum = 4 }
	runCases(t, []kindCase{
		{
			name: "an area counts up to its maximum and the rest comes from other areas",
			set:  edu(10, max4),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 6, "a"), tagged("e2", 3, "b"), tagged("e3", 3, "c")}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				// Met: hours over a maximum that nothing needs are not worth a note.
				wantExplanation(t, r, "10 of 10 hours counted from 3 verified items")
				wantUses(t, r, "e1", 4)
				wantContains(t, r, "progress", progressText(r), "area a (Anatomy): 4 of 0, at most 4 (6 available; the area is at its maximum)")
				wantContains(t, r, "progress", progressText(r), "area b (Behaviour): 3 of 0, at most 4")
			},
		},
		{
			name: "hours over the maximum do not make up the total",
			set:  edu(10, max4),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 8, "a"), tagged("e2", 3, "b")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "7 of 10 hours counted; 4 hours did not count because area a is at its maximum (4)")
				wantShortfall(t, r, 3)
				wantStep(t, r, "3 more hours of any evidence this requirement accepts in areas other than a, which are at their maximum")
			},
		},
		{
			name: "an item of two areas goes where there is room",
			set:  edu(8, max4),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 6, "a", "b"), tagged("e2", 2, "b")}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				for _, u := range r.Evidence {
					if u.ID == "e1" && (u.Amount != 6 || u.Area("a") != 4 || u.Area("b") != 2) {
						t.Errorf("e1 counts %v %v, want 6 split a 4, b 2\n%s", u.Amount, u.Areas, describe(r))
					}
				}
			},
		},
		{
			// Regression: e1 was counted in full in both a and b, so both
			// were said to have more than their maximum.
			name: "an item of two areas that fits is not over any maximum",
			set:  edu(10, max4),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 6, "a", "b"), tagged("e2", 2, "c")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "8 of 10 hours counted")
				wantUses(t, r, "e1", 6)
			},
		},
		{
			name: "an item of two areas both at their maximum: its rest is counted once",
			set:  edu(10, max4),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 10, "a", "b")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "8 of 10 hours counted; 2 hours did not count because areas a (4) and b (4) are at their maximum")
			},
		},
		{
			name: "area_maximums caps one area only",
			set: edu(8, func(r *requirements.Requirement) {
				r.AreaMaximums = map[string]float64{"a": 2}
			}),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 6, "a"), tagged("e2", 6, "b")}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantUses(t, r, "e1", 2)
				wantUses(t, r, "e2", 6)
			},
		},
		{
			name: "with area minimums: the minimum is within the maximum",
			set: edu(10, max4, func(r *requirements.Requirement) {
				r.AreaMinimum = 2
			}),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 10, "a"), tagged("e2", 2, "b"), tagged("e3", 2, "c")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "8 of 10 hours counted; 6 hours did not count because area a is at its maximum (4)")
				wantStep(t, r, "2 more hours of any evidence this requirement accepts in areas other than a, which are at their maximum")
			},
		},
		{
			name: "with at_least_areas: the chosen areas reach the threshold and the total within their maximum",
			set: edu(8, max4, func(r *requirements.Requirement) {
				r.AtLeastAreas = &requirements.AtLeastAreas{Count: 2, HoursEach: 3}
			}),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 10, "a"), tagged("e2", 3, "b"), tagged("e3", 1, "c")}
			}),
			status:  Met,
			explain: []string{"8 of 8 hours counted from 3 verified items, with 2 areas at 3 or more"},
			check:   func(t *testing.T, r Result) { wantUses(t, r, "e1", 4) },
		},
		{
			name: "with at_least_areas, one hour short once area a is at its maximum",
			set: edu(8, max4, func(r *requirements.Requirement) {
				r.AtLeastAreas = &requirements.AtLeastAreas{Count: 2, HoursEach: 3}
			}),
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.Education = []portfolio.Activity{tagged("e1", 10, "a"), tagged("e2", 3, "b")}
			}),
			status:  Unmet,
			explain: []string{"7 of 8 hours counted"},
			check:   func(t *testing.T, r Result) { wantShortfall(t, r, 1) },
		},
	})
}

func TestRatio(t *testing.T) {
	ratioSet := func(running bool) *requirements.Set {
		return setOf(
			hoursRule("clinical", 60, accepts(clinicalF)),
			hoursRule("supervision", 10, accepts(supervisionF)),
			&requirements.Requirement{ID: "supervision-ratio", Kind: requirements.KindRatio, Title: "One hour of supervision per 6 clinical hours",
				Of: "clinical", To: "supervision", Per: 6, Running: running},
		)
	}
	claimed := func(s portfolio.Session) portfolio.Session { s.Verification = claimedV; return s }
	// monthly gives one clinical block and one session on the 10th of each
	// month from January 2025, with the hours listed.
	monthly := func(clin, sup []float64) func(p *portfolio.Portfolio) {
		return func(p *portfolio.Portfolio) {
			months := []string{"01", "02", "03", "04", "05", "06"}
			for i, h := range clin {
				if h > 0 {
					p.ClinicalHours = append(p.ClinicalHours, clinical("c"+months[i], h, "2025-"+months[i]+"-10"))
				}
			}
			for i, h := range sup {
				if h > 0 {
					p.Sessions = append(p.Sessions, session("s"+months[i], h, "2025-"+months[i]+"-10", "individual"))
				}
			}
		}
	}
	runCases(t, []kindCase{
		{
			name: "not running: the totals on the evaluation date",
			set:  ratioSet(false), id: "supervision-ratio",
			p:      newPortfolio(monthly([]float64{120}, []float64{0, 0, 0, 15})),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "120 clinical hours and 15 supervision hours; at least 20 needed (1 per 6)")
				wantUses(t, r, "c01", 120)
				wantUses(t, r, "s04", 15)
				wantShortfall(t, r, 5)
				wantStep(t, r, "5 more hours of supervision")
				if p := r.Progress[0]; p.Value != 15 || p.Target != 20 || p.Unit != "hours" {
					t.Errorf("progress %+v, want 15 of 20 hours", p)
				}
			},
		},
		{
			name: "not running, met: supervision late in the period is enough",
			set:  ratioSet(false), id: "supervision-ratio",
			p:       newPortfolio(monthly([]float64{45, 45, 45, 45}, []float64{0, 0, 0, 30})),
			status:  Met,
			explain: []string{"180 clinical hours and 30 supervision hours; at least 30 needed (1 per 6)"},
		},
		{
			name: "running: the first month that fell short, with its figures",
			set:  ratioSet(true), id: "supervision-ratio",
			p:      newPortfolio(monthly([]float64{45, 45, 45, 45}, []float64{10, 5, 10, 0, 10})),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "By the end of 2025-04: 180 clinical hours and 25 supervision hours; 30 were needed (1 per 6)")
				wantShortfall(t, r, 5)
				wantStep(t, r, "5 more hours of supervision dated no later than 2025-04-30")
			},
		},
		{
			name: "running: late supervision does not mend earlier months, and every month short is named",
			set:  ratioSet(true), id: "supervision-ratio",
			p:      newPortfolio(monthly([]float64{60, 60}, []float64{10, 0, 15})),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "By the end of 2025-02: 120 clinical hours and 10 supervision hours; 20 were needed (1 per 6)")
				wantStep(t, r, "10 more hours of supervision dated no later than 2025-02-28")
			},
		},
		{
			name: "running: short up to the evaluation date",
			set:  ratioSet(true), id: "supervision-ratio",
			p:      newPortfolio(monthly([]float64{0, 0, 60, 60, 60}, []float64{10})),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "By the end of 2025-04: 120 clinical hours and 10 supervision hours; 20 were needed (1 per 6); it fell short in 3 months: 2025-04, 2025-05 and 2025-06")
				wantShortfall(t, r, 20)
				wantStep(t, r, "20 more hours of supervision dated no later than 2025-04-30")
			},
		},
		{
			name: "running, met",
			set:  ratioSet(true), id: "supervision-ratio",
			p:      newPortfolio(monthly([]float64{45, 45, 45, 45}, []float64{10, 5, 10, 5, 1})),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "held at the end of every month from 2025-01 to 2025-06; by 2025-06-01 (the evaluation date): 180 clinical hours and 31 supervision hours, at least 30 needed (1 per 6)")
			},
		},
		{
			name: "running: a block over a period counts in the month of its last day",
			set:  ratioSet(true), id: "supervision-ratio",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{{ID: "q1", From: day("2025-01-01"), To: day("2025-03-31"), Hours: 60, Modality: "in_person", Verification: verifiedV}}
				p.Sessions = []portfolio.Session{session("s1", 2, "2025-01-10", "individual"), session("s2", 8, "2025-03-10", "individual")}
			}),
			status: Met,
		},
		{
			name: "evidence after the evaluation date does not count",
			set:  ratioSet(false), id: "supervision-ratio",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10"), clinical("late", 600, "2025-07-10")}
				p.Sessions = []portfolio.Session{session("s1", 10, "2025-03-10", "individual")}
			}),
			status:  Met,
			explain: []string{"60 clinical hours and 10 supervision hours"},
		},
		{
			name: "no clinical hours: nothing needed",
			set:  ratioSet(true), id: "supervision-ratio",
			p:      newPortfolio(nil),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "no clinical hours counted, so no supervision hours are needed yet")
			},
		},
		{
			name: "pending: it holds only counting a claimed session",
			set:  ratioSet(false), id: "supervision-ratio",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10")}
				p.Sessions = []portfolio.Session{session("s1", 8, "2025-03-10", "individual"), claimed(session("s2", 2, "2025-03-20", "individual"))}
			}),
			status: Pending,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "would be met (60 clinical hours and 10 supervision hours; at least 10 needed (1 per 6)) once 1 claimed item is verified: s2")
			},
		},
		{
			// Regression: verified evidence alone used to decide met, though
			// the claimed work was done and needs its supervision too.
			name: "claimed clinical hours that break a ratio verified evidence keeps: unmet",
			set:  ratioSet(false), id: "supervision-ratio",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10"),
					with(clinical("c2", 60, "2025-04-10"), func(h *portfolio.ClinicalHours) { h.Verification = claimedV })}
				p.Sessions = []portfolio.Session{session("s1", 10, "2025-03-10", "individual")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "120 clinical hours and 10 supervision hours; at least 20 needed (1 per 6); "+
					"verified evidence alone keeps the ratio, but the claimed clinical hours (c2) need more supervision once verified")
				wantShortfall(t, r, 10)
				wantStep(t, r, "10 more hours of supervision")
			},
		},
		{
			name: "running: claimed clinical hours break it in their month though verified evidence keeps it",
			set:  ratioSet(true), id: "supervision-ratio",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10"),
					with(clinical("c2", 60, "2025-04-10"), func(h *portfolio.ClinicalHours) { h.Verification = claimedV })}
				p.Sessions = []portfolio.Session{session("s1", 10, "2025-03-10", "individual"), session("s2", 10, "2025-05-10", "individual")}
			}),
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "By the end of 2025-04: 120 clinical hours and 10 supervision hours; 20 were needed (1 per 6); "+
					"verified evidence alone keeps the ratio, but the claimed clinical hours (c2) need more supervision once verified")
				wantStep(t, r, "10 more hours of supervision dated no later than 2025-04-30")
			},
		},
		{
			name: "claimed clinical hours that need claimed supervision: pending on the supervision",
			set:  ratioSet(false), id: "supervision-ratio",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10"),
					with(clinical("c2", 60, "2025-04-10"), func(h *portfolio.ClinicalHours) { h.Verification = claimedV })}
				p.Sessions = []portfolio.Session{session("s1", 10, "2025-03-10", "individual"), claimed(session("s2", 10, "2025-04-10", "individual"))}
			}),
			status: Pending,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "would be met (120 clinical hours and 20 supervision hours; at least 20 needed (1 per 6)) once 1 claimed item is verified: s2")
			},
		},
		{
			name: "claimed clinical hours the verified supervision covers: met",
			set:  ratioSet(false), id: "supervision-ratio",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10"),
					with(clinical("c2", 60, "2025-04-10"), func(h *portfolio.ClinicalHours) { h.Verification = claimedV })}
				p.Sessions = []portfolio.Session{session("s1", 20, "2025-03-10", "individual")}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "120 clinical hours and 20 supervision hours; at least 20 needed (1 per 6); the claimed clinical hours (c2) are counted as work done")
			},
		},
		{
			name: "rejected evidence counts on neither side",
			set:  ratioSet(false), id: "supervision-ratio",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10")}
				p.Sessions = []portfolio.Session{session("s1", 8, "2025-03-10", "individual"),
					with(session("s2", 2, "2025-03-20", "individual"), func(s *portfolio.Session) { s.Verification = rejectedV })}
			}),
			status:  Unmet,
			explain: []string{"60 clinical hours and 8 supervision hours; at least 10 needed"},
		},
	})
}

// TestRatioUnderMonthlyCaps: hours over a monthly cap count nowhere in the
// set, so not in a ratio either, on either side.
func TestRatioUnderMonthlyCaps(t *testing.T) {
	set := func(supMax, clinMax float64) *requirements.Set {
		clin := hoursRule("clinical", 60, accepts(clinicalF))
		if clinMax > 0 {
			clin.Caps = []requirements.Cap{monthlyCap("clin-monthly", clinMax, clinicalF)}
		}
		return setOf(clin,
			hoursRule("supervision", 10, accepts(supervisionF), func(r *requirements.Requirement) {
				r.Caps = []requirements.Cap{monthlyCap("monthly", supMax, supervisionF)}
			}),
			&requirements.Requirement{ID: "ratio", Kind: requirements.KindRatio, Title: "Ratio", Of: "clinical", To: "supervision", Per: 6, Running: true},
		)
	}
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10")}
		p.Sessions = []portfolio.Session{session("s1", 6, "2025-03-03", "individual"), session("s2", 4, "2025-03-20", "individual")}
	})
	runCases(t, []kindCase{
		{
			name: "supervision over its monthly cap does not keep the ratio",
			set:  set(6, 0), id: "ratio", p: p,
			status: Unmet,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "By the end of 2025-03: 60 clinical hours and 6 supervision hours; 10 were needed (1 per 6); it fell short in 4 months: "+
					"2025-03, 2025-04, 2025-05 and 2025-06; 4 supervision hours over a monthly limit did not count (2025-03)")
				wantShortfall(t, r, 4)
			},
		},
		{
			name: "clinical hours over their monthly cap need no supervision",
			set:  set(10, 30), id: "ratio",
			p: newPortfolio(func(p *portfolio.Portfolio) {
				p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10")}
				p.Sessions = []portfolio.Session{session("s1", 5, "2025-03-03", "individual")}
			}),
			status: Met,
			check: func(t *testing.T, r Result) {
				wantExplanation(t, r, "held at the end of every month from 2025-03 to 2025-06; by 2025-06-01 (the evaluation date): 30 clinical hours and 5 supervision hours, "+
					"at least 5 needed (1 per 6); 30 clinical hours over a monthly limit did not count (2025-03)")
			},
		},
	})
}

// TestRatioManyMonths: a running ratio checks only the months where its
// sums change, and its explanation names at most three months short.
func TestRatioManyMonths(t *testing.T) {
	set := setOf(
		hoursRule("clinical", 60, accepts(clinicalF)),
		hoursRule("supervision", 10, accepts(supervisionF)),
		&requirements.Requirement{ID: "ratio", Kind: requirements.KindRatio, Title: "Ratio", Of: "clinical", To: "supervision", Per: 6, Running: true},
	)
	t.Run("short from 2025-03 to an evaluation date a century on", func(t *testing.T) {
		p := newPortfolio(func(p *portfolio.Portfolio) {
			p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10")}
			p.Sessions = []portfolio.Session{session("s1", 5, "2025-03-03", "individual")}
		})
		r := resultByID(t, Evaluate(p, set, day("2125-06-01")), "ratio")
		wantStatus(t, r, Unmet)
		// 2025-03 to 2125-06: 100 years and 4 months.
		wantExplanation(t, r, "By the end of 2025-03: 60 clinical hours and 5 supervision hours; 10 were needed (1 per 6); "+
			"it fell short in 1204 months: 2025-03, 2025-04, 2025-05 and 1201 more")
	})
	t.Run("months short in separate runs, listed in order", func(t *testing.T) {
		p := newPortfolio(func(p *portfolio.Portfolio) {
			p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-01-10"), clinical("c2", 60, "2025-03-10")}
			p.Sessions = []portfolio.Session{session("s1", 5, "2025-01-03", "individual"), session("s2", 5, "2025-02-03", "individual"),
				session("s3", 5, "2025-04-03", "individual"), session("s4", 5, "2025-05-03", "individual")}
		})
		r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "ratio")
		wantStatus(t, r, Unmet)
		wantExplanation(t, r, "By the end of 2025-01: 60 clinical hours and 5 supervision hours; 10 were needed (1 per 6); "+
			"it fell short in 3 months: 2025-01, 2025-03 and 2025-04")
		wantShortfall(t, r, 10)
		wantStep(t, r, "10 more hours of supervision dated no later than 2025-01-31")
	})
}

// TestRatioOnClaimedSupport: sessions that count only thanks to a claimed
// supervisor make the ratio pending, naming the supervisor.
func TestRatioOnClaimedSupport(t *testing.T) {
	qualified := with(supervisionF, func(f *requirements.Filter) { f.SupervisorCredential = []string{"cst-supervisor"} })
	set := setOf(
		hoursRule("clinical", 60, accepts(clinicalF)),
		hoursRule("supervision", 10, accepts(qualified)),
		&requirements.Requirement{ID: "ratio", Kind: requirements.KindRatio, Title: "Ratio", Of: "clinical", To: "supervision", Per: 6},
	)
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.Supervisors[0].Verification = claimedV
		p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10")}
		p.Sessions = []portfolio.Session{session("s1", 10, "2025-03-10", "individual")}
	})
	r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "ratio")
	wantStatus(t, r, Pending)
	wantContains(t, r, "explanation", r.Explanation, "once 1 claimed item is verified: sup")
}

// TestRatioOfARequirementThatDoesNotApply: the ratio counts what its
// requirements accept whether or not they apply, through the loader.
func TestRatioOfARequirementThatDoesNotApply(t *testing.T) {
	set := parseSet(t, "", `
  - id: clinical
    kind: hours
    title: Clinical hours
    applies_if: "false"
    total: 60
    accepts: [{evidence: clinical}]
  - id: supervision
    kind: hours
    title: Supervision
    total: 5
    accepts: [{evidence: supervision}]
  - id: ratio
    kind: ratio
    title: One hour of supervision per 6 clinical hours, all along
    of: clinical
    to: supervision
    per: 6
    running: true
`)
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.ClinicalHours = []portfolio.ClinicalHours{clinical("c1", 60, "2025-03-10")}
		p.Sessions = []portfolio.Session{session("s1", 5, "2025-03-10", "individual")}
	})
	rep := Evaluate(p, set, day(defaultAsOf))
	wantStatus(t, resultByID(t, rep, "clinical"), NotApplicable)
	r := resultByID(t, rep, "ratio")
	wantStatus(t, r, Unmet)
	wantExplanation(t, r, "By the end of 2025-03: 60 clinical hours and 5 supervision hours; 10 were needed (1 per 6); it fell short in 4 months: 2025-03, 2025-04, 2025-05 and 2025-06")
}

func TestClinicalFocus(t *testing.T) {
	sexual := with(clinicalF, func(f *requirements.Filter) { f.Focus = []string{"sexual"} })
	set := setOf(hoursRule("sex-therapy", 20, accepts(sexual)))
	focus := func(h portfolio.ClinicalHours, fs ...string) portfolio.ClinicalHours { h.Focus = fs; return h }
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.ClinicalHours = []portfolio.ClinicalHours{
			focus(clinical("both", 10, "2025-01-10"), "sexual", "relationship"),
			focus(clinical("couple", 10, "2025-02-10"), "relationship"),
			clinical("unrecorded", 10, "2025-03-10"),
		}
	})
	r := resultByID(t, Evaluate(p, set, day(defaultAsOf)), "sex-therapy")
	wantStatus(t, r, Unmet)
	wantExplanation(t, r, "10 of 20 hours counted; 2 items not counted (see excluded)")
	wantUses(t, r, "both", 10)
	wantExcluded(t, r, "couple", "is relationship work, not sexual")
	wantExcluded(t, r, "unrecorded", "records no focus; only work with a sexual focus counts here")
}

func TestSessionDeliveryUnknown(t *testing.T) {
	group := func(id, delivery string, size int) portfolio.Session {
		return with(session(id, 2, "2024-05-01", "group"), func(s *portfolio.Session) { s.Delivery, s.GroupSize = delivery, size })
	}
	remote := with(supervisionF, func(f *requirements.Filter) {
		f.Format, f.SessionDelivery, f.MaxGroupSize = []string{"group"}, []string{"video", "phone"}, 4
	})
	inPerson := func(deliveries ...string) requirements.Filter {
		return with(supervisionF, func(f *requirements.Filter) {
			f.Format, f.SessionDelivery, f.MaxGroupSize = []string{"group"}, deliveries, 8
		})
	}
	p := newPortfolio(func(p *portfolio.Portfolio) {
		p.Sessions = []portfolio.Session{group("room6", "in_person", 6), group("unsaid6", "", 6), group("web6", "video", 6)}
	})

	r := resultByID(t, Evaluate(p, setOf(hoursRule("sup", 4, accepts(remote, inPerson("in_person", "unknown")))), day(defaultAsOf)), "sup")
	wantStatus(t, r, Met)
	wantUses(t, r, "room6", 2)
	wantUses(t, r, "unsaid6", 2)
	wantExcluded(t, r, "web6", "was a group of 6 supervisees, more than the 4 allowed")

	r = resultByID(t, Evaluate(p, setOf(hoursRule("sup", 4, accepts(remote, inPerson("in_person")))), day(defaultAsOf)), "sup")
	wantStatus(t, r, Unmet)
	wantExcluded(t, r, "unsaid6", "does not say how the session was held (delivery)")
}
