package requirements

import (
	"fmt"
	"sort"
	"strings"
)

// Describe renders a set in readable form: what it asks, requirement by
// requirement, with its sources and the figures that are not confirmed.
func Describe(s *Set) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%s\n%s\n", s.Title, strings.Repeat("=", len(s.Title)))
	p("id %s, version %s", s.ID, s.Version)
	if s.CertboardDraft() {
		p(" (certboard draft)")
	}
	p(", by %s, in force from %s", s.Body, s.EffectiveFrom)
	if s.EffectiveUnconfirmed() {
		p(" (unconfirmed)")
	}
	if !s.EffectiveTo.IsZero() {
		p(" to %s", s.EffectiveTo)
	}
	p("\n")
	if len(s.EffectiveCite) > 0 {
		p("The effective date:\n")
		describeCites(&b, s, s.EffectiveCite, "  ")
	}
	if s.AppliesBy == AppliesByContractStart {
		p("An applicant is held to the version in force when their supervision contract was signed.\n")
	}
	if s.Validity != nil {
		p("A credential is valid for %d years.\n", s.Validity.Years)
	}
	if s.Cycle != nil {
		p("Renews %s every %d years.\n", strings.Join(s.Cycle.Credentials, ", "), s.Cycle.Years)
	}
	if d := strings.TrimSpace(s.Description); d != "" {
		p("\n%s\n", d)
	}
	for _, c := range s.Credits {
		p("\nCredit: %s counts at %g credit per hour. %s\n", describeFilter(c.Match), c.Rate, c.Note)
		describeCites(&b, s, c.Cite, "  ")
	}
	p("\nRequirements\n")
	for i, r := range s.Requirements {
		p("\n%d. %s [%s, %s]\n", i+1, r.Title, r.ID, r.Kind)
		if d := strings.TrimSpace(r.Description); d != "" {
			p("   %s\n", d)
		}
		describeCites(&b, s, r.Cite, "   ")
		for _, line := range describeRequirement(s, r) {
			p("   - %s\n", line.text)
			describeCites(&b, s, line.cite, "     ")
		}
		if r.AppliesIf != "" {
			p("   - applies only if: %s\n", r.AppliesIf)
		}
	}
	var unconfirmed []Confidence
	for _, c := range s.Confidence {
		if c.Status == "unconfirmed" {
			unconfirmed = append(unconfirmed, c)
		}
	}
	if len(unconfirmed) > 0 {
		p("\nUnconfirmed figures\n")
		for _, c := range unconfirmed {
			p("- %s: %s\n", c.Figure, strings.TrimSpace(c.Note))
		}
	}
	p("\nSources\n")
	for _, src := range s.Sources {
		p("- ")
		if src.ID != "" {
			p("[%s] ", src.ID)
		}
		p("%s <%s>", sourceTitle(src), src.URL)
		if !src.Retrieved.IsZero() {
			p(", read %s", src.Retrieved)
		}
		if src.ThirdParty() {
			p(" (third party)")
		}
		p("\n")
	}
	return b.String()
}

// sourceTitle is a source's title with its edition, when it gives one.
func sourceTitle(src Source) string {
	if src.Edition != "" {
		return src.Title + " (" + src.Edition + ")"
	}
	return src.Title
}

// describeCites writes two lines per citation, each starting with indent:
// the document (title and edition, address), then the section, the quote,
// when the document was read and whether it is a third party's.
func describeCites(b *strings.Builder, s *Set, cs []Citation, indent string) {
	for _, c := range cs {
		quote := strings.Join(strings.Fields(c.Quote), " ")
		src := s.Source(c.Source)
		if src == nil {
			// The loader refuses such a citation; a set built in code may hold one.
			fmt.Fprintf(b, "%ssource: %s (not among the sources)\n%s  %s: \"%s\"\n", indent, c.Source, indent, c.Section, quote)
			continue
		}
		fmt.Fprintf(b, "%ssource: %s <%s>\n", indent, sourceTitle(*src), src.URL)
		fmt.Fprintf(b, "%s  %s: \"%s\"", indent, c.Section, quote)
		if !src.Retrieved.IsZero() {
			fmt.Fprintf(b, ", read %s", src.Retrieved)
		}
		if src.ThirdParty() {
			fmt.Fprint(b, " (third party)")
		}
		fmt.Fprint(b, "\n")
	}
}

// describedLine is one line of a requirement's description, with the
// citations of the part of the requirement it describes (a route, a cap, a
// minimum, a taxonomy).
type describedLine struct {
	text string
	cite []Citation
}

func describeRequirement(s *Set, r *Requirement) []describedLine {
	var out []describedLine
	add := func(format string, args ...any) { out = append(out, describedLine{text: fmt.Sprintf(format, args...)}) }
	cited := func(cs []Citation) { out[len(out)-1].cite = cs }
	unit := r.Unit
	if unit == "" {
		unit = "hours"
	}
	switch r.Kind {
	case KindHours:
		if r.RatioTo != nil {
			add("1 %s for every %g of %s", strings.TrimSuffix(unit, "s"), r.RatioTo.Per, r.RatioTo.Requirement)
		} else {
			add("at least %g %s", r.Total, unit)
		}
		for _, f := range r.Accepts {
			add("counts %s", describeFilter(f))
		}
		if r.Taxonomy != "" {
			t := s.Taxonomies[r.Taxonomy]
			if r.AreaMinimum > 0 {
				add("at least %g %s in each of the %d areas of %s", r.AreaMinimum, unit, len(t.Areas), t.Title)
			}
			keys := make([]string, 0, len(r.AreaMinimums))
			for k := range r.AreaMinimums {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				add("at least %g %s in area %s", r.AreaMinimums[k], unit, k)
			}
			if r.AreaMaximum > 0 {
				add("at most %g %s of any one area count", r.AreaMaximum, unit)
			}
			keys = keys[:0]
			for k := range r.AreaMaximums {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				add("at most %g %s of area %s count", r.AreaMaximums[k], unit, k)
			}
			if k := r.AtLeastAreas; k != nil {
				among := "the areas of " + t.Title
				if strings.HasSuffix(strings.ToLower(t.Title), "areas") {
					among = t.Title
				}
				if len(k.Among) > 0 {
					among = "areas " + strings.Join(k.Among, ", ")
				}
				add("at least %d of %s with at least %g %s each", k.Count, among, k.HoursEach, unit)
			}
			add("areas: %s", t.Title)
			cited(t.Cite)
			for _, a := range t.Areas {
				add("area %s: %s", a.Code, a.Name)
			}
		}
		for _, b := range r.Minimums {
			add("at least %g %s of %s (%s)", b.Min, unit, strings.ToLower(b.Name()), describeFilter(b.Match))
			cited(b.Cite)
		}
		for _, c := range r.Caps {
			if c.Monthly() {
				add("at most %g %s a month from %s (%s); over that they count nowhere in the set", c.Max, unit, strings.ToLower(c.Name()), describeFilter(c.Match))
				cited(c.Cite)
				continue
			}
			if c.Share > 0 {
				add("at most %g%% from %s (%s)", c.Share*100, strings.ToLower(c.Name()), describeFilter(c.Match))
			} else {
				add("at most %g %s from %s (%s)", c.Max, unit, strings.ToLower(c.Name()), describeFilter(c.Match))
			}
			cited(c.Cite)
		}
		if r.MinSpanMonths > 0 {
			add("the evidence counted must span at least %d months", r.MinSpanMonths)
		}
	case KindDegree:
		for _, rt := range r.Routes {
			line := "route: " + rt.Title + ": " + strings.Join(rt.Levels, " or ")
			if rt.Clinical {
				line += " (clinical)"
			}
			if e := rt.Experience; e != nil {
				line += fmt.Sprintf(" plus experience in %s", strings.Join(e.Roles, ", "))
				if e.MinYears > 0 {
					line += fmt.Sprintf(", %g years", e.MinYears)
				}
				if e.MinHours > 0 {
					line += fmt.Sprintf(", %g hours", e.MinHours)
				}
				if e.AfterDegree {
					line += " after the degree"
				}
			}
			add("%s", line)
			cited(rt.Cite)
		}
	case KindExperience:
		if r.MinYears > 0 {
			add("%g years of experience in %s", r.MinYears, strings.Join(r.Roles, ", "))
		}
		if r.MinHours > 0 {
			add("%g hours of experience in %s", r.MinHours, strings.Join(r.Roles, ", "))
		}
	case KindLicense:
		add("a license in %s", strings.Join(r.Professions, ", "))
		if len(r.Jurisdictions) > 0 {
			add("issued in %s", strings.Join(r.Jurisdictions, ", "))
		}
		if r.IndependentPractice {
			add("allowing independent practice")
		}
		if r.Continuous == ContinuousSupervision {
			add("held without a gap from the start of supervision to the evaluation date")
		} else {
			add("valid on the evaluation date")
		}
	case KindMembership:
		add("member of %s", strings.Join(r.Organizations, " or "))
		if len(r.Categories) > 0 {
			add("in category %s", strings.Join(r.Categories, ", "))
		}
		switch r.Continuous {
		case ContinuousSupervision:
			add("without a gap from the start of supervision")
		case ContinuousCycle:
			add("without a gap through the renewal cycle")
		default:
			add("on the evaluation date")
		}
	case KindInsurance:
		if r.Continuous == ContinuousSupervision {
			add("liability insurance without a gap from the start of supervision to the evaluation date")
		} else {
			add("liability insurance in force on the evaluation date")
		}
	case KindCredential:
		add("holds %s", strings.Join(r.Types, " or "))
		if r.HeldYears > 0 && r.HeldAt == HeldAtFirstContractStart {
			add("for at least %g years when the first supervision contract began", r.HeldYears)
		} else if r.HeldYears > 0 {
			add("for at least %g years", r.HeldYears)
		}
		if r.MustBeValid {
			add("valid and active on the evaluation date")
		}
	case KindAttestation:
		add("signed %s", r.Code)
	case KindDocuments:
		for _, d := range r.Documents {
			line := d.Kind
			if d.Title != "" {
				line = d.Title
			}
			if d.Count > 1 {
				line = fmt.Sprintf("%d different documents of kind %s", d.Count, d.Kind)
				if d.Title != "" {
					line = fmt.Sprintf("%s: %d different documents of kind %s", d.Title, d.Count, d.Kind)
				}
			}
			if d.Supports != "" {
				line += " (supporting " + d.Supports + ")"
			}
			add("on file: %s", line)
		}
	case KindPeerReview:
		kind := r.ReviewKind
		if kind == "" {
			kind = "review"
		}
		add("%d approving %ss", r.Approvals, kind)
		if r.ExcludeSupervisors {
			add("from people who did not supervise the applicant")
		}
	case KindCases:
		add("at least %d cases", r.Count)
		for _, f := range r.Accepts {
			add("counts %s", describeFilter(f))
		}
		for _, b := range r.Minimums {
			add("at least %g of them %s (%s)", b.Min, strings.ToLower(b.Name()), describeFilter(b.Match))
			cited(b.Cite)
		}
		add("a case counts from the day it was opened; one closed after the evaluation date is not yet completed")
	case KindExam:
		add("a passed %s with code %s", r.ExamKind, strings.Join(r.Codes, " or "))
		if r.ValidYears > 0 {
			add("passed no more than %d years before the evaluation date", r.ValidYears)
		}
		add("a failed attempt does not count, nor a pass whose valid_to is before the evaluation date")
	case KindExpression:
		add("%s", r.Explanation)
		add("rule: %s", r.Expression)
	case KindRatio:
		add("at least 1 unit of %s for every %g of %s, counting all the evidence each accepts", r.To, r.Per, r.Of)
		if r.Running {
			add("at the end of every calendar month, not only on the evaluation date")
		}
	}
	return out
}

func describeFilter(f Filter) string {
	var parts []string
	ev := f.Evidence
	if ev == "" {
		ev = "any"
	}
	parts = append(parts, ev+" evidence")
	list := func(label string, xs []string) {
		if len(xs) > 0 {
			parts = append(parts, label+" "+strings.Join(xs, "/"))
		}
	}
	list("of kind", f.ActivityKinds)
	list("from", f.ProviderKinds)
	list("approved by", f.ApprovedBy)
	list("not approved by", f.NotApprovedBy)
	list("delivered", f.Delivery)
	list("format", f.Format)
	list("held", f.SessionDelivery)
	list("content", f.Content)
	list("by a supervisor holding", f.SupervisorCredential)
	list("by", f.Modalities)
	list("of unit", f.CaseUnits)
	list("with focus", f.Focus)
	if f.Completed {
		parts = append(parts, "completed")
	}
	if f.MaxGroupSize > 0 {
		parts = append(parts, fmt.Sprintf("groups of at most %d", f.MaxGroupSize))
	}
	if f.TelehealthWhereLicensed {
		parts = append(parts, "telehealth only for clients where licensed")
	}
	if f.SexualityRelated {
		parts = append(parts, "sexuality-related")
	}
	if f.RequireContract {
		parts = append(parts, "under a supervision contract")
	}
	if w := f.Window; w != nil {
		if w.YearsBeforeAsOf > 0 {
			parts = append(parts, fmt.Sprintf("from the last %d years", w.YearsBeforeAsOf))
		}
		if w.MonthsBeforeAsOf > 0 {
			parts = append(parts, fmt.Sprintf("from the last %d months", w.MonthsBeforeAsOf))
		}
		if w.AfterContractStart {
			parts = append(parts, "dated after the supervision contract began")
		}
		if w.MonthsAfterContractStart > 0 {
			parts = append(parts, fmt.Sprintf("dated within %d months of the start of the supervision contract", w.MonthsAfterContractStart))
		}
		if w.InCycle {
			parts = append(parts, "within the current cycle")
		}
	}
	return strings.Join(parts, ", ")
}
