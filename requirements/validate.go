package requirements

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/certboard/certboard/portfolio"
)

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Evidence collections a filter can select from.
const (
	EvidenceEducation   = "education"
	EvidenceClinical    = "clinical"
	EvidenceSupervision = "supervision"
	// EvidenceCases is counted by requirements of kind cases, never in hours.
	EvidenceCases = "cases"
)

var (
	hoursEvidence  = []string{EvidenceEducation, EvidenceClinical, EvidenceSupervision}
	evidenceKinds  = append(slices.Clone(hoursEvidence), EvidenceCases)
	caseUnits      = portfolio.Allowed(portfolio.Case{}, "unit")
	caseFocus      = portfolio.Allowed(portfolio.Case{}, "focus")
	examKinds      = portfolio.Allowed(portfolio.Exam{}, "kind")
	activityKinds  = portfolio.Allowed(portfolio.Activity{}, "kind")
	providerKinds  = portfolio.Allowed(portfolio.Provider{}, "kind")
	deliveries     = portfolio.Allowed(portfolio.Activity{}, "delivery")
	formats        = portfolio.Allowed(portfolio.Session{}, "format")
	sessionModes   = portfolio.Allowed(portfolio.Session{}, "delivery")
	contents       = portfolio.Allowed(portfolio.Session{}, "content")
	modalities     = portfolio.Allowed(portfolio.ClinicalHours{}, "modality")
	degreeLevels   = portfolio.Allowed(portfolio.Degree{}, "level")
	accreditations = portfolio.Allowed(portfolio.Degree{}, "accreditation")
	professions    = portfolio.Allowed(portfolio.License{}, "profession")
	roles          = portfolio.Allowed(portfolio.Experience{}, "role")
	documentKinds  = portfolio.Allowed(portfolio.Document{}, "kind")
	reviewKinds    = portfolio.Allowed(portfolio.PeerReview{}, "kind")
)

// maxFigure bounds any number of hours or credits in a set: a career holds
// far fewer, and larger figures would only hide mistakes.
const maxFigure = 100_000

// kindFields lists, per kind, the fields a requirement of that kind may use
// beyond the common ones.
var kindFields = map[string][]string{
	KindHours: {"unit", "total", "ratio_to", "accepts", "taxonomy", "area_minimum", "area_minimums", "area_maximum", "area_maximums",
		"at_least_areas", "minimums", "caps", "min_span_months"},
	KindDegree:      {"routes"},
	KindExperience:  {"roles", "min_years", "min_hours", "window"},
	KindLicense:     {"professions", "jurisdictions", "independent_practice", "continuous"},
	KindMembership:  {"organizations", "categories", "continuous"},
	KindInsurance:   {"continuous"},
	KindCredential:  {"types", "held_years", "must_be_valid", "held_at"},
	KindAttestation: {"code"},
	KindDocuments:   {"documents"},
	KindPeerReview:  {"review_kind", "approvals", "exclude_supervisors"},
	KindExpression:  {"expression", "explanation"},
	KindCases:       {"count", "accepts", "minimums"},
	KindExam:        {"exam_kind", "codes", "valid_years"},
	KindRatio:       {"of", "to", "per", "running"},
}

var commonFields = []string{"id", "kind", "title", "description", "applies_if", "cite"}

// Membership continuity modes.
const (
	// ContinuousAsOf: a member on the evaluation date.
	ContinuousAsOf = "as_of"
	// ContinuousSupervision: a member without a gap from the start of the
	// first supervision contract (or first session) to the evaluation date.
	ContinuousSupervision = "supervision"
	// ContinuousCycle: a member through the current renewal cycle.
	ContinuousCycle = "cycle"
)

// When a credential requirement measures held_years.
const (
	// HeldAtAsOf: on the evaluation date.
	HeldAtAsOf = "as_of"
	// HeldAtFirstContractStart: on the start date of the earliest
	// supervision contract.
	HeldAtFirstContractStart = "first_contract_start"
)

func (l *loader) validate(s *Set) {
	top := func(key string) int { return l.line(key) }
	if !idPattern.MatchString(s.ID) {
		l.fail(top("id"), "id %q must be lower-case letters, digits and hyphens, such as aasect-cst", s.ID)
	}
	for _, f := range []struct{ name, v string }{{"title", s.Title}, {"body", s.Body}, {"version", s.Version}} {
		if strings.TrimSpace(f.v) == "" {
			l.fail(top(f.name), "%s is required", f.name)
		}
	}
	if s.EffectiveFrom.IsZero() {
		l.fail(top("effective_from"), "effective_from is required (YYYY-MM-DD, the day the rules took effect)")
	}
	if !s.EffectiveTo.IsZero() && s.EffectiveTo.Before(s.EffectiveFrom) {
		l.fail(top("effective_to"), "effective_to %s is before effective_from %s", s.EffectiveTo, s.EffectiveFrom)
	}
	switch s.AppliesBy {
	case "", AppliesByAsOf, AppliesByContractStart:
	default:
		l.fail(top("applies_by"), "applies_by %q must be as_of or contract_start", s.AppliesBy)
	}
	switch s.VersionBy {
	case "", VersionByBody, VersionByCertboard:
	default:
		l.fail(top("version_by"), "version_by %q must be body (the body's own label or date) or certboard (a certboard draft label)", s.VersionBy)
	}
	if len(s.Sources) == 0 {
		l.fail(top("sources"), "sources is required: cite at least one public document for the figures")
	}
	sourceIDs := map[string]int{}
	for i, src := range s.Sources {
		if !strings.HasPrefix(src.URL, "https://") && !strings.HasPrefix(src.URL, "http://") {
			l.fail(l.line("sources", i, "url"), "sources[%d].url %q must be an http(s) address", i, src.URL)
		}
		if l.node("sources", i, "id") == nil {
			continue
		}
		switch first, dup := sourceIDs[src.ID]; {
		case !idPattern.MatchString(src.ID):
			l.fail(l.line("sources", i, "id"), "sources[%d].id %q must be lower-case letters, digits and hyphens, such as a6", i, src.ID)
		case dup:
			l.fail(l.line("sources", i, "id"), "sources[%d].id %q is used twice (first by sources[%d])", i, src.ID, first)
		default:
			sourceIDs[src.ID] = i
		}
	}
	l.cites(s, s.EffectiveCite, "effective_cite", "effective_cite")
	if s.Validity != nil && s.Validity.Years <= 0 {
		l.fail(top("validity"), "validity.years must be a positive number of years")
	}
	if s.Cycle != nil {
		if s.Cycle.Years <= 0 {
			l.fail(l.line("cycle", "years"), "cycle.years must be a positive number of years")
		}
		if len(s.Cycle.Credentials) == 0 {
			l.fail(l.line("cycle"), "cycle.credentials must name the credential types being renewed")
		}
	}
	for i, c := range s.Credits {
		if c.Rate <= 0 || c.Rate > 10 {
			l.fail(l.line("credits", i, "rate"), "credits[%d].rate %g must be above 0 (0.5 means 2 hours give 1 credit)", i, c.Rate)
		}
		if c.Match.Evidence == EvidenceCases {
			l.fail(l.line("credits", i, "match", "evidence"), "credits[%d]: cases are counted, not converted into credits", i)
		}
		l.filter(s, c.Match, "credits", i, "match")
		l.cites(s, c.Cite, fmt.Sprintf("credits[%d]", i), "credits", i, "cite")
	}
	for code, t := range s.Taxonomies {
		if t == nil || len(t.Areas) == 0 {
			l.fail(l.line("taxonomies", code), "taxonomy %s lists no areas", code)
			continue
		}
		l.cites(s, t.Cite, "taxonomy "+code, "taxonomies", code, "cite")
		seen := map[string]bool{}
		for j, a := range t.Areas {
			if a.Code == "" || a.Name == "" {
				l.fail(l.line("taxonomies", code, "areas", j), "area %d of taxonomy %s needs a code and a name", j+1, code)
			}
			if seen[a.Code] {
				l.fail(l.line("taxonomies", code, "areas", j), "area code %q appears twice in taxonomy %s", a.Code, code)
			}
			seen[a.Code] = true
		}
	}
	if len(s.Requirements) == 0 {
		l.fail(top("requirements"), "requirements is empty: a set needs at least one requirement")
	}
	ids := map[string]*Requirement{}
	kOfN := 0
	for i, r := range s.Requirements {
		if r == nil {
			l.fail(l.line("requirements", i), "requirement %d is empty", i+1)
			continue
		}
		if !idPattern.MatchString(r.ID) {
			l.fail(r.Line, "requirement id %q must be lower-case letters, digits and hyphens", r.ID)
		}
		if _, dup := ids[r.ID]; dup {
			l.fail(r.Line, "requirement id %q is used twice", r.ID)
		}
		ids[r.ID] = r
		allowed, ok := kindFields[r.Kind]
		if !ok {
			l.fail(l.line("requirements", i, "kind"), "requirement %s: kind %q is not one of %s", r.ID, r.Kind, strings.Join(Kinds, ", "))
			continue
		}
		for _, k := range l.keys("requirements", i) {
			if !slices.Contains(commonFields, k) && !slices.Contains(allowed, k) {
				l.fail(l.line("requirements", i, k), "requirement %s: %s does not apply to kind %s (it takes %s)", r.ID, k, r.Kind, strings.Join(allowed, ", "))
			}
		}
		if strings.TrimSpace(r.Title) == "" {
			l.fail(r.Line, "requirement %s: title is required", r.ID)
		}
		l.cites(s, r.Cite, "requirement "+r.ID, "requirements", i, "cite")
		for j, rt := range r.Routes {
			l.cites(s, rt.Cite, fmt.Sprintf("requirement %s, routes[%d]", r.ID, j), "requirements", i, "routes", j, "cite")
		}
		for j, b := range r.Minimums {
			l.cites(s, b.Cite, fmt.Sprintf("requirement %s, minimum %s", r.ID, b.ID), "requirements", i, "minimums", j, "cite")
		}
		for j, c := range r.Caps {
			l.cites(s, c.Cite, fmt.Sprintf("requirement %s, cap %s", r.ID, c.ID), "requirements", i, "caps", j, "cite")
		}
		if r.AtLeastAreas != nil {
			kOfN++
			if kOfN > 1 {
				l.fail(l.line("requirements", i, "at_least_areas"), "requirement %s: only one requirement per set may use at_least_areas", r.ID)
			}
		}
		l.requirement(s, i, r)
	}
	for i, r := range s.Requirements {
		if r == nil || r.RatioTo == nil {
			continue
		}
		target, ok := ids[r.RatioTo.Requirement]
		if !ok || target.Kind != KindHours || target.RatioTo != nil {
			l.fail(l.line("requirements", i, "ratio_to", "requirement"), "requirement %s: ratio_to.requirement %q must be the id of an hours requirement with a fixed total", r.ID, r.RatioTo.Requirement)
		}
	}
	l.checkRatios(s, ids)
	for i, c := range s.Confidence {
		if c.Status != "confirmed" && c.Status != "unconfirmed" {
			l.fail(l.line("confidence", i, "status"), "confidence[%d].status %q must be confirmed or unconfirmed", i, c.Status)
		}
		head, _, _ := strings.Cut(c.Figure, ".")
		if _, ok := ids[head]; !ok && head != "set" {
			l.fail(l.line("confidence", i, "figure"), "confidence[%d].figure %q must start with a requirement id (or \"set\")", i, c.Figure)
		}
		if strings.TrimSpace(c.Note) == "" {
			l.fail(l.line("confidence", i), "confidence[%d] needs a note saying what is known and from where", i)
		}
	}
	l.checkExclusiveCaps(s)
	l.checkMonthlyCaps(s)
	l.checkUnits(s)
}

// cites checks a list of citations at path, for the part of the set named
// by what: each names a source of the set by id and gives a section and a
// quote of at most MaxQuote characters. A list that is given must not be
// empty; leaving it out is allowed (boards' own sets may cite nothing).
func (l *loader) cites(s *Set, cs []Citation, what string, path ...any) {
	at := func(p ...any) int { return l.line(append(slices.Clone(path), p...)...) }
	if n := l.node(path...); n != nil && len(cs) == 0 {
		l.fail(n.Line, "%s: cite is empty; give at least one citation or leave cite out", what)
	}
	for k, c := range cs {
		switch {
		case strings.TrimSpace(c.Source) == "":
			l.fail(at(k), "%s: cite[%d].source is required: the id of one of the set's sources", what, k)
		case s.Source(c.Source) == nil:
			l.fail(at(k, "source"), "%s: cite[%d].source %q is not the id of a source of the set; %s", what, k, c.Source, knownSources(s))
		}
		if strings.TrimSpace(c.Section) == "" {
			l.fail(at(k), "%s: cite[%d].section is required: the section, heading or paragraph quoted", what, k)
		}
		switch n := utf8.RuneCountInString(strings.TrimSpace(c.Quote)); {
		case n == 0:
			l.fail(at(k), "%s: cite[%d].quote is required: the source's exact words", what, k)
		case n > MaxQuote:
			l.fail(at(k, "quote"), "%s: cite[%d].quote is %d characters long, more than %d; quote only the words the figure comes from", what, k, n, MaxQuote)
		}
	}
}

// knownSources says which source ids a citation may name.
func knownSources(s *Set) string {
	var ids []string
	for _, src := range s.Sources {
		if src.ID != "" {
			ids = append(ids, src.ID)
		}
	}
	if len(ids) == 0 {
		return "no source has an id yet: give each source an id"
	}
	return "the sources are " + strings.Join(ids, ", ")
}

// checkUnits rejects an hours requirement counted in hours that accepts
// evidence a credit rule converts: its figures would say hours but count credits.
func (l *loader) checkUnits(s *Set) {
	for i, r := range s.Requirements {
		if r == nil || r.Kind != KindHours || r.Unit == "credits" {
			continue
		}
		for _, c := range s.Credits {
			if c.Rate == 1 {
				continue
			}
			for _, a := range r.Accepts {
				if !Disjoint(a, c.Match) {
					l.fail(l.line("requirements", i, "unit"), "requirement %s counts hours, but a credit rule converts evidence it accepts at %g; set unit: credits, or narrow the rule's match", r.ID, c.Rate)
					return
				}
			}
		}
	}
}

func (l *loader) requirement(s *Set, i int, r *Requirement) {
	at := func(path ...any) int { return l.line(append([]any{"requirements", i}, path...)...) }
	oneOf := func(field string, values, allowed []string) {
		for j, v := range values {
			if !slices.Contains(allowed, v) {
				l.fail(at(field, j), "requirement %s: %s %q is not one of %s", r.ID, field, v, strings.Join(allowed, ", "))
			}
		}
	}
	switch r.Kind {
	case KindHours:
		l.hours(s, i, r)
	case KindDegree:
		if len(r.Routes) == 0 {
			l.fail(r.Line, "requirement %s: routes is required (one entry per acceptable degree and experience)", r.ID)
		}
		for j, rt := range r.Routes {
			if len(rt.Levels) == 0 {
				l.fail(at("routes", j), "requirement %s: routes[%d].levels is required", r.ID, j)
			}
			for k, v := range rt.Levels {
				if !slices.Contains(degreeLevels, v) {
					l.fail(at("routes", j, "levels", k), "requirement %s: level %q is not one of %s", r.ID, v, strings.Join(degreeLevels, ", "))
				}
			}
			for k, v := range rt.Accreditation {
				if !slices.Contains(accreditations, v) {
					l.fail(at("routes", j, "accreditation", k), "requirement %s: accreditation %q is not one of %s", r.ID, v, strings.Join(accreditations, ", "))
				}
			}
			if e := rt.Experience; e != nil {
				if e.MinYears < 0 || e.MinHours < 0 || (e.MinYears == 0 && e.MinHours == 0) {
					l.fail(at("routes", j, "experience"), "requirement %s: routes[%d].experience needs a positive min_years or min_hours", r.ID, j)
				}
				for k, v := range e.Roles {
					if !slices.Contains(roles, v) {
						l.fail(at("routes", j, "experience", "roles", k), "requirement %s: role %q is not one of %s", r.ID, v, strings.Join(roles, ", "))
					}
				}
			}
		}
	case KindExperience:
		if r.MinYears <= 0 && r.MinHours <= 0 {
			l.fail(r.Line, "requirement %s: experience needs a positive min_years or min_hours", r.ID)
		}
		oneOf("roles", r.Roles, roles)
		if r.Window != nil && (r.Window.AfterContractStart || r.Window.InCycle || r.Window.MonthsAfterContractStart > 0) {
			l.fail(at("window"), "requirement %s: experience windows take years_before_as_of or months_before_as_of only", r.ID)
		}
	case KindLicense:
		if len(r.Professions) == 0 {
			l.fail(r.Line, "requirement %s: professions is required", r.ID)
		}
		oneOf("professions", r.Professions, professions)
		l.continuous(i, r)
	case KindInsurance:
		l.continuous(i, r)
	case KindMembership:
		if len(r.Organizations) == 0 {
			l.fail(r.Line, "requirement %s: organizations is required", r.ID)
		}
		switch r.Continuous {
		case "", ContinuousAsOf, ContinuousSupervision:
		case ContinuousCycle:
			if s.Cycle == nil {
				l.fail(at("continuous"), "requirement %s: continuous: cycle needs a cycle section in the set", r.ID)
			}
		default:
			l.fail(at("continuous"), "requirement %s: continuous %q must be as_of, supervision or cycle", r.ID, r.Continuous)
		}
	case KindCredential:
		if len(r.Types) == 0 {
			l.fail(r.Line, "requirement %s: types is required (credential types that qualify)", r.ID)
		}
		if r.HeldYears < 0 {
			l.fail(at("held_years"), "requirement %s: held_years must not be negative", r.ID)
		}
		switch r.HeldAt {
		case "", HeldAtAsOf:
		case HeldAtFirstContractStart:
			if r.HeldYears <= 0 {
				l.fail(at("held_at"), "requirement %s: held_at says when held_years is measured; give held_years too", r.ID)
			}
		default:
			l.fail(at("held_at"), "requirement %s: held_at %q must be as_of or first_contract_start", r.ID, r.HeldAt)
		}
	case KindAttestation:
		if r.Code == "" {
			l.fail(r.Line, "requirement %s: code is required (the code of conduct to be signed)", r.ID)
		}
	case KindDocuments:
		if len(r.Documents) == 0 {
			l.fail(r.Line, "requirement %s: documents is required", r.ID)
		}
		for j, d := range r.Documents {
			if !slices.Contains(documentKinds, d.Kind) {
				l.fail(at("documents", j, "kind"), "requirement %s: document kind %q is not one of %s", r.ID, d.Kind, strings.Join(documentKinds, ", "))
			}
			if d.Supports != "" && !slices.Contains(collections, d.Supports) {
				l.fail(at("documents", j, "supports"), "requirement %s: supports %q is not one of %s", r.ID, d.Supports, strings.Join(collections, ", "))
			}
			if slices.Contains(l.keys("requirements", i, "documents", j), "count") && (d.Count < 1 || d.Count > maxDocuments) {
				l.fail(at("documents", j, "count"), "requirement %s: documents[%d].count %d must be from 1 (the default) to %d", r.ID, j, d.Count, maxDocuments)
			}
		}
	case KindPeerReview:
		if r.Approvals <= 0 {
			l.fail(r.Line, "requirement %s: approvals must be at least 1", r.ID)
		}
		if r.ReviewKind != "" && !slices.Contains(reviewKinds, r.ReviewKind) {
			l.fail(at("review_kind"), "requirement %s: review_kind %q is not one of %s", r.ID, r.ReviewKind, strings.Join(reviewKinds, ", "))
		}
	case KindCases:
		l.cases(s, i, r)
	case KindExam:
		l.exam(i, r)
	case KindExpression:
		if strings.TrimSpace(r.Expression) == "" {
			l.fail(r.Line, "requirement %s: expression is required", r.ID)
		}
		if strings.TrimSpace(r.Explanation) == "" {
			l.fail(r.Line, "requirement %s: explanation is required: say in words what the expression checks", r.ID)
		}
	case KindRatio:
		if r.Per <= 0 || r.Per > maxFigure {
			l.fail(at("per"), "requirement %s: per must be a positive number (6 means one unit of %s per 6 units of %s)", r.ID, orUnset(r.To, "to"), orUnset(r.Of, "of"))
		}
	}
}

// orUnset names a field's value, or the field itself when it is empty.
func orUnset(v, field string) string {
	if v == "" {
		return field
	}
	return v
}

// collections are the portfolio collections a document may support.
var collections = []string{"degrees", "licenses", "memberships", "insurance", "experience", "credentials",
	"education", "clinical_hours", "cases", "supervision_contracts", "supervision_sessions", "exams", "attestations", "peer_reviews"}

// maxDocuments bounds a document rule's count.
const maxDocuments = 100

func (l *loader) hours(s *Set, i int, r *Requirement) {
	at := func(path ...any) int { return l.line(append([]any{"requirements", i}, path...)...) }
	switch {
	case r.RatioTo != nil && r.Total != 0:
		l.fail(at("total"), "requirement %s: give total or ratio_to, not both", r.ID)
	case r.RatioTo != nil && r.RatioTo.Per <= 0:
		l.fail(at("ratio_to"), "requirement %s: ratio_to.per must be positive (6 means one hour here per 6 hours there)", r.ID)
	case r.RatioTo == nil && r.Total <= 0:
		l.fail(at("total"), "requirement %s: total must be a positive number of hours", r.ID)
	case r.Total > maxFigure:
		l.fail(at("total"), "requirement %s: total %g is not a plausible number of hours (at most %g)", r.ID, r.Total, float64(maxFigure))
	case r.RatioTo == nil && r.Total < 0.01:
		l.fail(at("total"), "requirement %s: total %g is too small to mean anything (at least 0.01)", r.ID, r.Total)
	}
	if r.Unit != "" && r.Unit != "hours" && r.Unit != "credits" {
		l.fail(at("unit"), "requirement %s: unit %q must be hours or credits", r.ID, r.Unit)
	}
	if len(r.Accepts) == 0 {
		l.fail(r.Line, "requirement %s: accepts is required: which evidence counts toward the hours", r.ID)
	}
	evidence := map[string]bool{}
	for j, f := range r.Accepts {
		if f.Evidence == "" {
			l.fail(at("accepts", j), "requirement %s: accepts[%d].evidence is required (%s)", r.ID, j, strings.Join(hoursEvidence, ", "))
		}
		if f.Evidence == EvidenceCases {
			l.fail(at("accepts", j, "evidence"), "requirement %s: cases are counted, not measured in hours; count them with a requirement of kind cases", r.ID)
		}
		evidence[f.Evidence] = true
		l.filter(s, f, "requirements", i, "accepts", j)
	}
	total := r.Total
	if rt := r.RatioTo; rt != nil && rt.Per > 0 {
		// Check caps and minimums against the derived total too.
		for _, base := range s.Requirements {
			if base != nil && base.ID == rt.Requirement && base.Kind == KindHours && base.RatioTo == nil && base.Total > 0 {
				total = base.Total / rt.Per
				if total < 0.5 {
					l.fail(at("ratio_to", "per"), "requirement %s: ratio_to gives a total of %g %s, too small to mean anything; check per", r.ID, total, r.Unit)
				}
			}
		}
	}
	for _, a := range r.Accepts {
		if w := a.Window; w != nil && w.MonthsAfterContractStart > 0 && r.MinSpanMonths > w.MonthsAfterContractStart {
			l.fail(at("min_span_months"), "requirement %s: min_span_months %d is longer than the %d months after the contract that its evidence may fall in, so it can never be met", r.ID, r.MinSpanMonths, w.MonthsAfterContractStart)
		}
	}
	var areas map[string]bool
	if r.Taxonomy != "" {
		t, ok := s.Taxonomies[r.Taxonomy]
		if !ok || t == nil {
			l.fail(at("taxonomy"), "requirement %s: taxonomy %q is not defined under taxonomies", r.ID, r.Taxonomy)
		} else {
			areas = map[string]bool{}
			for _, a := range t.Areas {
				areas[a.Code] = true
			}
		}
		if evidence[EvidenceClinical] || evidence[EvidenceSupervision] {
			l.fail(at("taxonomy"), "requirement %s: a taxonomy applies to education evidence only", r.ID)
		}
	} else if r.AreaMinimum != 0 || r.AreaMinimums != nil || r.AtLeastAreas != nil || r.AreaMaximum != 0 || r.AreaMaximums != nil {
		l.fail(r.Line, "requirement %s: area_minimum, area_minimums, area_maximum, area_maximums and at_least_areas need a taxonomy", r.ID)
	}
	sumMins := 0.0
	if r.AreaMinimum < 0 {
		l.fail(at("area_minimum"), "requirement %s: area_minimum must not be negative", r.ID)
	}
	if areas != nil {
		sumMins = r.AreaMinimum * float64(len(areas))
		for code, m := range r.AreaMinimums {
			if !areas[code] {
				l.fail(at("area_minimums", code), "requirement %s: area %q is not in taxonomy %s", r.ID, code, r.Taxonomy)
			}
			if m < 0 {
				l.fail(at("area_minimums", code), "requirement %s: the minimum for area %s must not be negative", r.ID, code)
			}
			if areas[code] {
				sumMins += m - r.AreaMinimum // an override replaces the default
			}
		}
	}
	if k := r.AtLeastAreas; k != nil {
		among := k.Among
		if len(among) == 0 {
			among = nil
			for a := range areas {
				among = append(among, a)
			}
		}
		seenAmong := map[string]bool{}
		for j, a := range k.Among {
			if seenAmong[a] {
				l.fail(at("at_least_areas", "among", j), "requirement %s: area %q is listed twice in at_least_areas.among", r.ID, a)
			}
			seenAmong[a] = true
			if areas != nil && !areas[a] {
				l.fail(at("at_least_areas", "among", j), "requirement %s: area %q is not in taxonomy %s", r.ID, a, r.Taxonomy)
			}
		}
		switch {
		case k.Count <= 0 || k.HoursEach <= 0:
			l.fail(at("at_least_areas"), "requirement %s: at_least_areas needs a positive count and hours_each", r.ID)
		case areas != nil && k.Count > len(among):
			l.fail(at("at_least_areas", "count"), "requirement %s: at_least_areas asks for %d areas but only %d are listed", r.ID, k.Count, len(among))
		case total > 0 && float64(k.Count)*k.HoursEach > total+1e-9:
			l.fail(at("at_least_areas"), "requirement %s: %d areas at %g hours each is %g, above the total of %g; raise total or lower the figures", r.ID, k.Count, k.HoursEach, float64(k.Count)*k.HoursEach, total)
		}
		if r.AreaMinimum != 0 || r.AreaMinimums != nil {
			l.fail(at("at_least_areas"), "requirement %s: use either at_least_areas or area minimums, not both", r.ID)
		}
	}
	if total > 0 && sumMins > total+1e-9 {
		l.fail(at("area_minimum"), "requirement %s: the area minimums add up to %g, above the total of %g", r.ID, sumMins, total)
	}
	if areas != nil && len(r.Minimums) > 0 {
		l.fail(at("minimums"), "requirement %s: minimums cannot be combined with a taxonomy; use area minimums", r.ID)
	}
	l.areaMaximums(s, i, r, areas, total)
	sumBuckets := 0.0
	for j, b := range r.Minimums {
		if b.ID == "" || b.Min <= 0 {
			l.fail(at("minimums", j), "requirement %s: minimums[%d] needs an id and a positive min", r.ID, j)
		}
		sumBuckets += b.Min
		l.filter(s, b.Match, "requirements", i, "minimums", j, "match")
		l.matchWithin(r, b.Match, at("minimums", j, "match"))
		for k := range j {
			if !Disjoint(r.Minimums[k].Match, b.Match) {
				l.fail(at("minimums", j), "requirement %s: minimums %s and %s may select the same evidence; make their match filters exclusive", r.ID, r.Minimums[k].ID, b.ID)
			}
		}
	}
	if total > 0 && sumBuckets > total+1e-9 {
		l.fail(at("minimums"), "requirement %s: the minimums add up to %g, above the total of %g", r.ID, sumBuckets, total)
	}
	for j, c := range r.Caps {
		switch {
		case c.ID == "":
			l.fail(at("caps", j), "requirement %s: caps[%d] needs an id", r.ID, j)
		case c.Per != "" && c.Per != CapPerMonth:
			l.fail(at("caps", j, "per"), "requirement %s: cap %s: per %q must be month, or be left out for a cap on the whole period", r.ID, c.ID, c.Per)
		case c.Monthly() && (c.Share != 0 || c.Max <= 0):
			l.fail(at("caps", j), "requirement %s: cap %s is a monthly cap (per: month), which takes a positive max (hours a month), not share", r.ID, c.ID)
		case c.Monthly() && r.Taxonomy != "":
			l.fail(at("caps", j, "per"), "requirement %s: cap %s: a monthly cap cannot be put in a requirement with a taxonomy, whose caps already limit evidence at its source; put it in a requirement without one", r.ID, c.ID)
		case (c.Max > 0) == (c.Share > 0):
			l.fail(at("caps", j), "requirement %s: cap %s needs exactly one of max (hours) or share (0 to 1)", r.ID, c.ID)
		case c.Share >= 1 || c.Share < 0 || c.Max < 0:
			l.fail(at("caps", j), "requirement %s: cap %s share must be between 0 and 1", r.ID, c.ID)
		case !c.Monthly() && total > 0 && c.Max > total:
			l.fail(at("caps", j, "max"), "requirement %s: cap %s of %g is above the total of %g, so it can never bind; lower it or remove it", r.ID, c.ID, c.Max, total)
		}
		l.filter(s, c.Match, "requirements", i, "caps", j, "match")
		l.matchWithin(r, c.Match, at("caps", j, "match"))
		if c.Monthly() {
			// A monthly cap limits evidence at its source, apart from the
			// requirement's other caps and minimums: checkMonthlyCaps
			// checks it against the set's other source-side limits.
			continue
		}
		for k := range j {
			if r.Caps[k].Monthly() {
				continue
			}
			if !Disjoint(r.Caps[k].Match, c.Match) {
				l.fail(at("caps", j), "requirement %s: caps %s and %s may select the same evidence; caps in one requirement must select exclusive evidence", r.ID, r.Caps[k].ID, c.ID)
			}
		}
		for _, b := range r.Minimums {
			if !Disjoint(b.Match, c.Match) {
				l.fail(at("caps", j), "requirement %s: cap %s and minimum %s may select the same evidence; make them exclusive", r.ID, c.ID, b.ID)
			}
		}
	}
	if r.MinSpanMonths < 0 {
		l.fail(at("min_span_months"), "requirement %s: min_span_months must not be negative", r.ID)
	}
}

// matchWithin rejects a cap or minimum filter naming evidence the requirement does not accept.
// matchWithin rejects a cap or minimum filter that cannot select any evidence
// the requirement accepts: it would never bind, or never be met.
func (l *loader) matchWithin(r *Requirement, f Filter, line int) {
	for _, a := range r.Accepts {
		if !Disjoint(a, f) {
			return
		}
	}
	l.fail(line, "requirement %s: this match selects no evidence the requirement accepts; make it select part of what accepts lets in", r.ID)
}

// filter checks the values of one filter and that its fields fit its evidence.
func (l *loader) filter(s *Set, f Filter, path ...any) {
	at := func(p ...any) int { return l.line(append(slices.Clone(path), p...)...) }
	check := func(field string, values, allowed []string) {
		for j, v := range values {
			if !slices.Contains(allowed, v) {
				l.fail(at(field, j), "%s %q is not one of %s", field, v, strings.Join(allowed, ", "))
			}
		}
	}
	if f.Evidence != "" && !slices.Contains(evidenceKinds, f.Evidence) {
		l.fail(at("evidence"), "evidence %q is not one of %s", f.Evidence, strings.Join(evidenceKinds, ", "))
	}
	check("activity_kinds", f.ActivityKinds, activityKinds)
	check("provider_kinds", f.ProviderKinds, providerKinds)
	check("delivery", f.Delivery, deliveries)
	check("format", f.Format, formats)
	check("session_delivery", f.SessionDelivery, append(slices.Clip(sessionModes), SessionDeliveryUnknown))
	check("content", f.Content, contents)
	check("modalities", f.Modalities, modalities)
	check("case_units", f.CaseUnits, caseUnits)
	check("focus", f.Focus, caseFocus)
	if f.MaxGroupSize < 0 {
		l.fail(at("max_group_size"), "max_group_size must not be negative")
	}
	fieldsOf := map[string][]string{
		EvidenceEducation:   {"activity_kinds", "provider_kinds", "approved_by", "not_approved_by", "delivery", "sexuality_related"},
		EvidenceSupervision: {"format", "session_delivery", "max_group_size", "content", "supervisor_credential", "require_contract"},
		EvidenceClinical:    {"modalities", "telehealth_where_licensed", "require_contract", "supervisor_credential", "focus"},
		EvidenceCases:       {"case_units", "focus", "completed", "require_contract"},
	}
	if f.Evidence == "" {
		kinds := map[string]bool{}
		for _, k := range l.keys(path...) {
			var in []string
			for ev, fields := range fieldsOf {
				if slices.Contains(fields, k) {
					in = append(in, ev)
				}
			}
			if len(in) == 1 {
				kinds[in[0]] = true
			}
		}
		if len(kinds) > 1 {
			names := slices.Sorted(maps.Keys(kinds))
			l.fail(at(), "this filter mixes fields of %s evidence, so no item can match it; split it or add evidence", strings.Join(names, " and "))
		}
	}
	if f.Evidence != "" {
		for _, k := range l.keys(path...) {
			for ev, fields := range fieldsOf {
				if ev != f.Evidence && slices.Contains(fields, k) && !slices.Contains(fieldsOf[f.Evidence], k) {
					l.fail(at(k), "%s applies to %s evidence, not %s", k, ev, f.Evidence)
				}
			}
		}
	}
	if w := f.Window; w != nil {
		if w.InCycle && s.Cycle == nil {
			l.fail(at("window", "in_cycle"), "window.in_cycle needs a cycle section in the set")
		}
		if w.YearsBeforeAsOf < 0 || w.MonthsBeforeAsOf < 0 || w.MonthsAfterContractStart < 0 {
			l.fail(at("window"), "window lengths must not be negative")
		}
	}
}

// checkExclusiveCaps enforces the rule that keeps allocation a network flow:
// in a requirement with a taxonomy, capped evidence must be evidence that no
// other hours requirement of the set can count.
func (l *loader) checkExclusiveCaps(s *Set) {
	for i, r := range s.Requirements {
		if r == nil || r.Kind != KindHours || r.Taxonomy == "" || len(r.Caps) == 0 {
			continue
		}
		for j, c := range r.Caps {
			if c.Monthly() {
				continue // rejected in a taxonomy requirement
			}
			for _, o := range s.Requirements {
				if o == nil || o == r || o.Kind != KindHours {
					continue
				}
				for _, a := range r.Accepts {
					if Disjoint(a, c.Match) {
						continue // the cap does not reach this kind of evidence
					}
					for _, oa := range o.Accepts {
						if !Disjoint(a, oa) && !Disjoint(c.Match, oa) {
							l.fail(l.line("requirements", i, "caps", j), "requirement %s: cap %s applies to evidence that requirement %s can also count; in a requirement with area minimums, make capped evidence exclusive to it (for example with activity_kinds)", r.ID, c.ID, o.ID)
						}
					}
				}
			}
		}
	}
}

// areaMaximums checks area_maximum and area_maximums: positive, naming areas
// of the taxonomy, not below the area's minimum (nor below
// at_least_areas.hours_each where that may choose the area), and together
// leaving room for the total.
func (l *loader) areaMaximums(s *Set, i int, r *Requirement, areas map[string]bool, total float64) {
	at := func(path ...any) int { return l.line(append([]any{"requirements", i}, path...)...) }
	unit := r.Unit
	if unit == "" {
		unit = "hours"
	}
	if l.node("requirements", i, "area_maximum") != nil && r.AreaMaximum <= 0 {
		l.fail(at("area_maximum"), "requirement %s: area_maximum must be a positive number of %s", r.ID, unit)
	}
	for code, m := range r.AreaMaximums {
		if areas != nil && !areas[code] {
			l.fail(at("area_maximums", code), "requirement %s: area %q is not in taxonomy %s", r.ID, code, r.Taxonomy)
		}
		if m <= 0 {
			l.fail(at("area_maximums", code), "requirement %s: the maximum for area %s must be a positive number of %s", r.ID, code, unit)
		}
	}
	if areas == nil || (r.AreaMaximum <= 0 && len(r.AreaMaximums) == 0) {
		return
	}
	sum, bounded := 0.0, true
	for _, a := range s.Taxonomies[r.Taxonomy].Areas {
		mx, line := r.AreaMaximum, at("area_maximum")
		if v, ok := r.AreaMaximums[a.Code]; ok {
			mx, line = v, at("area_maximums", a.Code)
		}
		if mx <= 0 {
			bounded = false // no maximum for this area
			continue
		}
		sum += mx
		least := r.AreaMinimum
		if v, ok := r.AreaMinimums[a.Code]; ok {
			least = v
		}
		if mx < least-1e-9 {
			l.fail(line, "requirement %s: the maximum of %g %s for area %s is below its minimum of %g", r.ID, mx, unit, a.Code, least)
		}
		if k := r.AtLeastAreas; k != nil && (len(k.Among) == 0 || slices.Contains(k.Among, a.Code)) && mx < k.HoursEach-1e-9 {
			l.fail(line, "requirement %s: the maximum of %g %s for area %s is below at_least_areas.hours_each of %g, so the area could never reach it", r.ID, mx, unit, a.Code, k.HoursEach)
		}
	}
	if bounded && total > 0 && sum < total-1e-9 {
		line := at("area_maximum")
		if r.AreaMaximum <= 0 {
			line = at("area_maximums")
		}
		l.fail(line, "requirement %s: the area maximums let at most %g %s count in all, below the total of %g, so it can never be met", r.ID, sum, unit, total)
	}
}

// checkMonthlyCaps keeps every item under at most one limit at its source,
// which is what keeps allocation a network flow: a monthly cap limits the
// evidence it selects wherever it counts, so the monthly caps of the set
// must select exclusive evidence, and none may select evidence that a cap
// of a requirement with a taxonomy limits at its source.
func (l *loader) checkMonthlyCaps(s *Set) {
	type capRef struct {
		i, j int
		r    *Requirement
	}
	var monthly, sourceSide []capRef
	for i, r := range s.Requirements {
		if r == nil || r.Kind != KindHours {
			continue
		}
		for j, c := range r.Caps {
			switch {
			case c.Monthly() && r.Taxonomy == "":
				monthly = append(monthly, capRef{i, j, r})
			case !c.Monthly() && r.Taxonomy != "":
				sourceSide = append(sourceSide, capRef{i, j, r})
			}
		}
	}
	for x, m := range monthly {
		mc := m.r.Caps[m.j]
		line := l.line("requirements", m.i, "caps", m.j)
		for _, o := range monthly[:x] {
			if oc := o.r.Caps[o.j]; !Disjoint(oc.Match, mc.Match) {
				l.fail(line, "requirement %s: monthly caps %s (of requirement %s) and %s may select the same evidence; a monthly cap limits the evidence itself wherever it counts, so monthly caps must select exclusive evidence", m.r.ID, oc.ID, o.r.ID, mc.ID)
			}
		}
		for _, t := range sourceSide {
			tc := t.r.Caps[t.j]
			if Disjoint(tc.Match, mc.Match) {
				continue
			}
			for _, a := range t.r.Accepts {
				if !Disjoint(a, tc.Match) && !Disjoint(a, mc.Match) {
					l.fail(line, "requirement %s: monthly cap %s may select evidence that cap %s of requirement %s (which has a taxonomy) limits at its source; make their match filters exclusive", m.r.ID, mc.ID, tc.ID, t.r.ID)
					break
				}
			}
		}
	}
}

// checkRatios checks that each ratio requirement compares two different
// hours requirements of the set.
func (l *loader) checkRatios(s *Set, ids map[string]*Requirement) {
	for i, r := range s.Requirements {
		if r == nil || r.Kind != KindRatio {
			continue
		}
		for _, f := range []struct{ key, id string }{{"of", r.Of}, {"to", r.To}} {
			if f.id == "" {
				l.fail(r.Line, "requirement %s: %s is required: the id of an hours requirement of the set", r.ID, f.key)
				continue
			}
			if target, ok := ids[f.id]; !ok || target == nil || target.Kind != KindHours {
				l.fail(l.line("requirements", i, f.key), "requirement %s: %s %q must be the id of an hours requirement of the set", r.ID, f.key, f.id)
			}
		}
		if r.Of != "" && r.Of == r.To {
			l.fail(l.line("requirements", i, "to"), "requirement %s: of and to both name %s; a ratio compares two different hours requirements", r.ID, r.To)
		}
	}
}

// continuous checks the continuity of a license or insurance requirement.
func (l *loader) continuous(i int, r *Requirement) {
	switch r.Continuous {
	case "", ContinuousAsOf, ContinuousSupervision:
	default:
		l.fail(l.line("requirements", i, "continuous"), "requirement %s: continuous %q must be as_of or supervision (cycle is for memberships)", r.ID, r.Continuous)
	}
}

// caseFilterFields are the fields of a filter that selects cases.
var caseFilterFields = []string{"evidence", "case_units", "focus", "completed", "require_contract", "window"}

// cases checks a cases requirement: a count, filters that select cases,
// and minimums that are whole numbers of cases.
func (l *loader) cases(s *Set, i int, r *Requirement) {
	at := func(path ...any) int { return l.line(append([]any{"requirements", i}, path...)...) }
	most := portfolio.MaxItems("cases")
	switch {
	case r.Count <= 0:
		l.fail(at("count"), "requirement %s: count must be a positive number of cases", r.ID)
	case r.Count > most:
		l.fail(at("count"), "requirement %s: count %d is more than the %d cases a portfolio may hold, so it can never be met", r.ID, r.Count, most)
	}
	if len(r.Accepts) == 0 {
		l.fail(r.Line, "requirement %s: accepts is required: which cases count (evidence: cases)", r.ID)
	}
	for j, f := range r.Accepts {
		if f.Evidence != EvidenceCases {
			l.fail(at("accepts", j), "requirement %s: accepts[%d].evidence must be cases, not %q", r.ID, j, f.Evidence)
		}
		l.filter(s, f, "requirements", i, "accepts", j)
	}
	ids := map[string]bool{}
	for j, b := range r.Minimums {
		switch {
		case b.ID == "":
			l.fail(at("minimums", j), "requirement %s: minimums[%d] needs an id", r.ID, j)
		case ids[b.ID]:
			l.fail(at("minimums", j), "requirement %s: minimum id %q is used twice", r.ID, b.ID)
		}
		ids[b.ID] = true
		switch {
		case b.Min <= 0 || b.Min != math.Trunc(b.Min):
			l.fail(at("minimums", j, "min"), "requirement %s: minimum %s needs min, a positive whole number of cases", r.ID, b.ID)
		case r.Count > 0 && b.Min > float64(r.Count):
			l.fail(at("minimums", j, "min"), "requirement %s: minimum %s of %g cases is above the count of %d; raise count or lower the minimum", r.ID, b.ID, b.Min, r.Count)
		}
		if b.Match.Evidence != "" && b.Match.Evidence != EvidenceCases {
			l.fail(at("minimums", j, "match", "evidence"), "requirement %s: minimum %s must select cases, not %s evidence", r.ID, b.ID, b.Match.Evidence)
		}
		if b.Match.Evidence == "" {
			// A match without evidence selects among cases, so a field of
			// other evidence could never match.
			for _, k := range l.keys("requirements", i, "minimums", j, "match") {
				if !slices.Contains(caseFilterFields, k) {
					l.fail(at("minimums", j, "match", k), "requirement %s: %s does not apply to cases (a case filter takes %s)", r.ID, k, strings.Join(caseFilterFields, ", "))
				}
			}
		}
		l.filter(s, b.Match, "requirements", i, "minimums", j, "match")
		l.matchWithin(r, b.Match, at("minimums", j, "match"))
	}
}

// exam checks an exam requirement.
func (l *loader) exam(i int, r *Requirement) {
	at := func(path ...any) int { return l.line(append([]any{"requirements", i}, path...)...) }
	switch {
	case r.ExamKind == "":
		l.fail(r.Line, "requirement %s: exam_kind is required (%s)", r.ID, strings.Join(examKinds, " or "))
	case !slices.Contains(examKinds, r.ExamKind):
		l.fail(at("exam_kind"), "requirement %s: exam_kind %q is not one of %s", r.ID, r.ExamKind, strings.Join(examKinds, ", "))
	}
	if len(r.Codes) == 0 {
		l.fail(r.Line, "requirement %s: codes is required: the codes of the examinations that qualify, as portfolios name them", r.ID)
	}
	seen := map[string]bool{}
	for j, c := range r.Codes {
		switch {
		case strings.TrimSpace(c) == "":
			l.fail(at("codes", j), "requirement %s: codes[%d] is empty", r.ID, j)
		case seen[c]:
			l.fail(at("codes", j), "requirement %s: code %q is listed twice", r.ID, c)
		}
		seen[c] = true
	}
	if slices.Contains(l.keys("requirements", i), "valid_years") && (r.ValidYears <= 0 || r.ValidYears > 100) {
		l.fail(at("valid_years"), "requirement %s: valid_years %d must be a positive number of years (at most 100)", r.ID, r.ValidYears)
	}
}
