// Package requirements holds requirement sets: a certification body's rules
// for one credential, as data. Sets are written in YAML (see
// docs/requirements-format.md), checked for consistency when loaded, and the
// sets certboard ships are embedded in the binary.
//
// The package is pure: it parses bytes it is given and the embedded files.
package requirements

import (
	"strings"
	"sync"

	"github.com/certboard/certboard/date"
)

// Set is one version of a body's rules for one credential.
type Set struct {
	ID            string               `yaml:"id"`
	Title         string               `yaml:"title"`
	Body          string               `yaml:"body"`
	Credential    string               `yaml:"credential"`
	Version       string               `yaml:"version"`
	VersionBy     string               `yaml:"version_by"`
	EffectiveFrom date.Date            `yaml:"effective_from"`
	EffectiveCite []Citation           `yaml:"effective_cite"`
	EffectiveTo   date.Date            `yaml:"effective_to"`
	AppliesBy     string               `yaml:"applies_by"`
	Description   string               `yaml:"description"`
	Sources       []Source             `yaml:"sources"`
	Confidence    []Confidence         `yaml:"confidence"`
	Validity      *Validity            `yaml:"validity"`
	Cycle         *Cycle               `yaml:"cycle"`
	Credits       []CreditRule         `yaml:"credits"`
	Taxonomies    map[string]*Taxonomy `yaml:"taxonomies"`
	Requirements  []*Requirement       `yaml:"requirements"`

	// File is where the set was read from, for messages.
	File string `yaml:"-"`
	// lines holds the line of each top-level key, for messages.
	lines map[string]int
	// compiled holds what Compiled made of the set. Parse sets it; a copy
	// of a set must be given a new one (see Catalog.With).
	compiled *compiledForm
}

// compiledForm is the value Compiled keeps, made once.
type compiledForm struct {
	once sync.Once
	v    any
}

// Who labels a set's version (VersionBy).
const (
	// VersionByBody: Version is the body's own label or date (the default).
	VersionByBody = "body"
	// VersionByCertboard: Version is a label certboard's authors gave a draft
	// of the body's rules; readers are told it is a certboard draft.
	VersionByCertboard = "certboard"
)

// Compiled returns what build makes of the set, calling build only the
// first time, however many goroutines ask at once. An evaluation engine
// keeps there what it derives from the set alone (such as its tables of
// areas and minimums), so that it is worked out once per set version
// rather than once per evaluation.
//
// A Set must therefore not be changed once it has been evaluated: the
// loaders build a set completely before returning it, and nothing in
// certboard changes one afterwards. Only one kind of value may be kept:
// build must always return the same type. A set not made by Parse (a
// literal in a test) keeps nothing: build is called every time.
func (s *Set) Compiled(build func() any) any {
	c := s.compiled
	if c == nil {
		return build()
	}
	c.once.Do(func() { c.v = build() })
	return c.v
}

// CertboardDraft reports whether the set's version label is certboard's
// own rather than the body's.
func (s *Set) CertboardDraft() bool { return s.VersionBy == VersionByCertboard }

// Source returns the source with the given id, or nil.
func (s *Set) Source(id string) *Source {
	for i := range s.Sources {
		if s.Sources[i].ID != "" && s.Sources[i].ID == id {
			return &s.Sources[i]
		}
	}
	return nil
}

// EffectiveUnconfirmed reports whether a confidence entry marks the set's
// effective_from unconfirmed.
func (s *Set) EffectiveUnconfirmed() bool {
	for _, c := range s.Confidence {
		if c.Figure == "set.effective_from" && c.Status == "unconfirmed" {
			return true
		}
	}
	return false
}

// line returns the line of a top-level key, or 1 when unknown.
func (s *Set) line(key string) int {
	if n := s.lines[key]; n > 0 {
		return n
	}
	return 1
}

// Ways a set chooses which of its versions applies to an applicant.
const (
	// AppliesByAsOf: the version in force on the evaluation date.
	AppliesByAsOf = "as_of"
	// AppliesByContractStart: the version in force when the applicant's first
	// supervision contract was signed (AASECT's rule).
	AppliesByContractStart = "contract_start"
)

// Source is a public document the set's figures come from.
type Source struct {
	// ID names the source in citations: lower-case letters, digits and
	// hyphens, unique in the set. Optional for the loader, so that sets
	// written before citations still load; shipped sets give one.
	ID    string `yaml:"id"`
	URL   string `yaml:"url"`
	Title string `yaml:"title"`
	// Edition is the document's own edition label or printed date.
	Edition string `yaml:"edition"`
	// Retrieved is the date the document was read.
	Retrieved date.Date `yaml:"retrieved"`
	// Primary is true for the body's own text, false for a third party's
	// copy or account of it, and nil when the set does not say.
	Primary *bool `yaml:"primary"`

	// Line is the line of the source in its file, for messages.
	Line int `yaml:"-"`
}

// ThirdParty reports whether the source is marked as a third party's copy
// or account of the body's rules (primary: false).
func (src Source) ThirdParty() bool { return src.Primary != nil && !*src.Primary }

// Citation points a figure at the words of a source it comes from.
type Citation struct {
	// Source is the id of one of the set's sources.
	Source string `yaml:"source"`
	// Section is the section, heading or paragraph of the source cited.
	Section string `yaml:"section"`
	// Quote is the source's exact words, at most MaxQuote characters.
	Quote string `yaml:"quote"`

	// Line is the line of the citation in its file, for messages.
	Line int `yaml:"-"`
}

// MaxQuote is the most characters a citation's quote may hold: a quote
// shows where a figure comes from, not the document.
const MaxQuote = 300

// Confidence marks how sure the set's authors are of one figure.
type Confidence struct {
	// Figure names what the note is about: a requirement id, optionally with
	// a field ("supervision.caps.group-size").
	Figure string `yaml:"figure"`
	// Status is confirmed or unconfirmed.
	Status string `yaml:"status"`
	Note   string `yaml:"note"`
}

// Validity is how long a credential issued under the set is valid.
type Validity struct {
	Years int `yaml:"years"`
}

// Cycle describes a renewal set: the credential types being renewed and the
// cycle's length. Evidence filtered with window.in_cycle must fall inside the
// holder's current cycle.
type Cycle struct {
	Credentials []string `yaml:"credentials"`
	Years       int      `yaml:"years"`
}

// CreditRule converts hours of matching evidence into credits at Rate
// (0.5 means 2 hours give 1 credit). Evidence matching no rule counts 1:1.
// The first matching rule applies.
type CreditRule struct {
	Match Filter     `yaml:"match"`
	Rate  float64    `yaml:"rate"`
	Note  string     `yaml:"note"`
	Cite  []Citation `yaml:"cite"`

	// Line is the line of the rule in its file, for messages.
	Line int `yaml:"-"`
}

// Taxonomy is a named list of areas that education activities are tagged with.
type Taxonomy struct {
	Title string     `yaml:"title"`
	Areas []Area     `yaml:"areas"`
	Cite  []Citation `yaml:"cite"`
}

// Area is one area of a taxonomy.
type Area struct {
	Code string `yaml:"code"`
	Name string `yaml:"name"`
}

// Requirement kinds.
const (
	KindHours       = "hours"
	KindDegree      = "degree"
	KindExperience  = "experience"
	KindLicense     = "license"
	KindMembership  = "membership"
	KindInsurance   = "insurance"
	KindCredential  = "credential"
	KindAttestation = "attestation"
	KindDocuments   = "documents"
	KindPeerReview  = "peer_review"
	KindExpression  = "expression"
	KindCases       = "cases"
	KindExam        = "exam"
	KindRatio       = "ratio"
)

// Kinds lists every requirement kind.
var Kinds = []string{KindHours, KindDegree, KindExperience, KindLicense, KindMembership,
	KindInsurance, KindCredential, KindAttestation, KindDocuments, KindPeerReview, KindExpression,
	KindCases, KindExam, KindRatio}

// Requirement is one typed rule. Which fields apply depends on Kind; the
// loader rejects fields that do not belong to the kind.
type Requirement struct {
	ID          string `yaml:"id"`
	Kind        string `yaml:"kind"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	// AppliesIf is an optional CEL condition; when false the requirement is
	// not_applicable.
	AppliesIf string `yaml:"applies_if"`
	// Cite says where in the sources the requirement comes from.
	Cite []Citation `yaml:"cite"`

	// hours (accepts and minimums also for cases)
	Unit          string             `yaml:"unit"`
	Total         float64            `yaml:"total"`
	RatioTo       *RatioTo           `yaml:"ratio_to"`
	Accepts       []Filter           `yaml:"accepts"`
	Taxonomy      string             `yaml:"taxonomy"`
	AreaMinimum   float64            `yaml:"area_minimum"`
	AreaMinimums  map[string]float64 `yaml:"area_minimums"`
	AreaMaximum   float64            `yaml:"area_maximum"`
	AreaMaximums  map[string]float64 `yaml:"area_maximums"`
	AtLeastAreas  *AtLeastAreas      `yaml:"at_least_areas"`
	Minimums      []Bucket           `yaml:"minimums"`
	Caps          []Cap              `yaml:"caps"`
	MinSpanMonths int                `yaml:"min_span_months"`

	// degree
	Routes []Route `yaml:"routes"`

	// experience (and degree routes)
	Roles    []string `yaml:"roles"`
	MinYears float64  `yaml:"min_years"`
	MinHours float64  `yaml:"min_hours"`
	Window   *Window  `yaml:"window"`

	// license
	Professions         []string `yaml:"professions"`
	Jurisdictions       []string `yaml:"jurisdictions"`
	IndependentPractice bool     `yaml:"independent_practice"`

	// membership (continuous also for license and insurance)
	Organizations []string `yaml:"organizations"`
	Categories    []string `yaml:"categories"`
	Continuous    string   `yaml:"continuous"`

	// credential
	Types       []string `yaml:"types"`
	HeldYears   float64  `yaml:"held_years"`
	MustBeValid bool     `yaml:"must_be_valid"`
	// HeldAt is when held_years is measured: as_of (the evaluation date,
	// the default) or first_contract_start.
	HeldAt string `yaml:"held_at"`

	// attestation
	Code string `yaml:"code"`

	// documents
	Documents []DocumentRule `yaml:"documents"`

	// peer_review
	ReviewKind         string `yaml:"review_kind"`
	Approvals          int    `yaml:"approvals"`
	ExcludeSupervisors bool   `yaml:"exclude_supervisors"`

	// cases: at least Count cases that some accepts filter selects, and
	// each minimum's Min of them matching its filter.
	Count int `yaml:"count"`

	// exam: a pass of an examination (or interview) of ExamKind with one
	// of Codes, no older than ValidYears when given.
	ExamKind   string   `yaml:"exam_kind"`
	Codes      []string `yaml:"codes"`
	ValidYears int      `yaml:"valid_years"`

	// expression
	Expression  string `yaml:"expression"`
	Explanation string `yaml:"explanation"`

	// ratio: at least one unit of To's evidence per Per units of Of's
	// evidence (both ids of hours requirements of the set), counted over
	// everything each accepts; when Running, at the end of every calendar
	// month, not only on the evaluation date.
	Of      string  `yaml:"of"`
	To      string  `yaml:"to"`
	Per     float64 `yaml:"per"`
	Running bool    `yaml:"running"`

	// Line is the line of the requirement in its file, for messages.
	Line int `yaml:"-"`

	appliesIf *Program
	program   *Program
}

// RatioTo derives a total from another requirement: Per units of that
// requirement's total need one unit here (COSRT: 1 hour of supervision per 6
// clinical hours).
type RatioTo struct {
	Requirement string  `yaml:"requirement"`
	Per         float64 `yaml:"per"`
}

// AtLeastAreas asks for at least Count areas with at least HoursEach each,
// among Among (all areas of the taxonomy when empty).
type AtLeastAreas struct {
	Count     int      `yaml:"count"`
	HoursEach float64  `yaml:"hours_each"`
	Among     []string `yaml:"among"`
}

// Bucket is a minimum on part of a pool: at least Min hours of evidence that
// matches Match ("at least 12 hours of individual supervision").
type Bucket struct {
	ID    string     `yaml:"id"`
	Title string     `yaml:"title"`
	Match Filter     `yaml:"match"`
	Min   float64    `yaml:"min"`
	Cite  []Citation `yaml:"cite"`

	// Line is the line of the minimum in its file, for messages.
	Line int `yaml:"-"`
}

// Cap is an upper limit on part of a pool: at most Max hours (or Share of the
// total) of evidence that matches Match counts.
//
// A cap with Per set to CapPerMonth limits the evidence itself instead: of
// the evidence that matches Match, at most Max hours a calendar month count
// anywhere in the set, whichever requirement counts them.
type Cap struct {
	ID    string     `yaml:"id"`
	Title string     `yaml:"title"`
	Match Filter     `yaml:"match"`
	Max   float64    `yaml:"max"`
	Share float64    `yaml:"share"`
	Per   string     `yaml:"per"`
	Cite  []Citation `yaml:"cite"`

	// Line is the line of the cap in its file, for messages.
	Line int `yaml:"-"`
}

// Name is the cap's title, or its id when it has none.
func (c Cap) Name() string {
	if strings.TrimSpace(c.Title) == "" {
		return c.ID
	}
	return c.Title
}

// Name is the minimum's title, or its id when it has none.
func (b Bucket) Name() string {
	if strings.TrimSpace(b.Title) == "" {
		return b.ID
	}
	return b.Title
}

// CapPerMonth is the value of Cap.Per for a limit per calendar month.
const CapPerMonth = "month"

// Monthly reports whether the cap is a limit per calendar month.
func (c Cap) Monthly() bool { return c.Per == CapPerMonth }

// Limit returns the cap in hours for a pool of the given total.
func (c Cap) Limit(total float64) float64 {
	if c.Share > 0 {
		return c.Share * total
	}
	return c.Max
}

// Route is one way to meet a degree requirement: a degree of one of Levels
// (and optionally field keywords or clinical), plus post-degree experience.
type Route struct {
	Title         string          `yaml:"title"`
	Levels        []string        `yaml:"levels"`
	Clinical      bool            `yaml:"clinical"`
	Accreditation []string        `yaml:"accreditation"`
	Experience    *ExperienceRule `yaml:"experience"`
	Cite          []Citation      `yaml:"cite"`

	// Line is the line of the route in its file, for messages.
	Line int `yaml:"-"`
}

// ExperienceRule asks for professional experience in Roles: MinYears of
// calendar time and/or MinHours of work, after the degree when AfterDegree.
type ExperienceRule struct {
	Roles       []string `yaml:"roles"`
	MinYears    float64  `yaml:"min_years"`
	MinHours    float64  `yaml:"min_hours"`
	AfterDegree bool     `yaml:"after_degree"`
}

// DocumentRule asks for a document of Kind on file, supporting an item of
// Supports (a portfolio collection such as degrees) when given: Count
// distinct documents when above 1 ("two reference letters").
type DocumentRule struct {
	Kind     string `yaml:"kind"`
	Supports string `yaml:"supports"`
	Title    string `yaml:"title"`
	Count    int    `yaml:"count"`
}

// Filter selects evidence items. Every field given must match; empty fields
// match everything.
type Filter struct {
	// Evidence is the collection: education, clinical, supervision or cases.
	Evidence string `yaml:"evidence"`

	// education
	ActivityKinds []string `yaml:"activity_kinds"`
	ProviderKinds []string `yaml:"provider_kinds"`
	ApprovedBy    []string `yaml:"approved_by"`
	// NotApprovedBy keeps activities whose provider none of these bodies
	// approved ("non-AASECT education").
	NotApprovedBy    []string `yaml:"not_approved_by"`
	Delivery         []string `yaml:"delivery"`
	SexualityRelated bool     `yaml:"sexuality_related"`

	// supervision
	Format               []string `yaml:"format"`
	SessionDelivery      []string `yaml:"session_delivery"`
	MaxGroupSize         int      `yaml:"max_group_size"`
	Content              []string `yaml:"content"`
	SupervisorCredential []string `yaml:"supervisor_credential"`
	RequireContract      bool     `yaml:"require_contract"`

	// clinical
	Modalities              []string `yaml:"modalities"`
	TelehealthWhereLicensed bool     `yaml:"telehealth_where_licensed"`

	// cases
	CaseUnits []string `yaml:"case_units"`
	// Completed keeps cases completed on or before the evaluation date.
	Completed bool `yaml:"completed"`

	// clinical and cases
	// Focus keeps items whose focus shares a value with it; items with no
	// focus recorded do not match.
	Focus []string `yaml:"focus"`

	// any
	Window *Window `yaml:"window"`
}

// SessionDeliveryUnknown in a filter's session_delivery matches supervision
// sessions that do not say how they were held.
const SessionDeliveryUnknown = "unknown"

// Window limits evidence to a period.
type Window struct {
	// YearsBeforeAsOf and MonthsBeforeAsOf keep evidence dated no earlier than
	// that long before the evaluation date.
	YearsBeforeAsOf  int `yaml:"years_before_as_of"`
	MonthsBeforeAsOf int `yaml:"months_before_as_of"`
	// AfterContractStart keeps evidence dated on or after the start of its
	// supervision contract; evidence that names no contract is measured from
	// the earliest contract, and with no contract at all nothing counts.
	AfterContractStart bool `yaml:"after_contract_start"`
	// MonthsAfterContractStart keeps evidence dated no later than that many
	// months after the start of its supervision contract ("supervision over
	// at most 24 months"); combine with after_contract_start for both ends.
	MonthsAfterContractStart int `yaml:"months_after_contract_start"`
	// InCycle keeps evidence inside the holder's current renewal cycle.
	InCycle bool `yaml:"in_cycle"`
}
