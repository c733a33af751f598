// Package portfolio holds the evidence model: everything a certification body
// asks an applicant to show (degrees, licenses, memberships, education hours,
// supervised clinical hours, cases, supervision, examinations, attestations,
// documents, peer review), and its strict JSON interchange format.
//
// The package is pure: it decodes and validates bytes given to it and does no I/O.
package portfolio

import "github.com/certboard/certboard/date"

// FormatV1 is the value of the "format" member of a version 1 portfolio.
const FormatV1 = "certboard.portfolio/v1"

// Portfolio is one person's evidence. Every item carries an id, unique within
// the portfolio, and a verification state.
type Portfolio struct {
	Format           string             `json:"format" cb:"required"`
	Person           Person             `json:"person" cb:"required"`
	Degrees          []Degree           `json:"degrees,omitempty"`
	Licenses         []License          `json:"licenses,omitempty"`
	Memberships      []Membership       `json:"memberships,omitempty"`
	Insurance        []Insurance        `json:"insurance,omitempty"`
	Experience       []Experience       `json:"experience,omitempty"`
	Credentials      []Credential       `json:"credentials,omitempty"`
	Education        []Activity         `json:"education,omitempty"`
	ClinicalHours    []ClinicalHours    `json:"clinical_hours,omitempty"`
	Cases            []Case             `json:"cases,omitempty" cb:"max=2000"`
	Supervisors      []Supervisor       `json:"supervisors,omitempty"`
	Contracts        []Contract         `json:"supervision_contracts,omitempty"`
	Sessions         []Session          `json:"supervision_sessions,omitempty"`
	SupervisionGiven []SupervisionGiven `json:"supervision_given,omitempty"`
	Exams            []Exam             `json:"exams,omitempty" cb:"max=200"`
	Attestations     []Attestation      `json:"attestations,omitempty"`
	Documents        []Document         `json:"documents,omitempty"`
	PeerReviews      []PeerReview       `json:"peer_reviews,omitempty"`
}

// State is where an item stands in verification.
type State string

// Verification states. An item without a verification block is claimed.
const (
	Claimed  State = "claimed"
	Verified State = "verified"
	Rejected State = "rejected"
)

// Verification records who checked an item, when, and with what outcome.
type Verification struct {
	State State     `json:"state" cb:"required,enum=claimed|verified|rejected"`
	By    string    `json:"by,omitempty"`
	At    date.Date `json:"at,omitzero"`
	Note  string    `json:"note,omitempty"`
}

// Person is the applicant or holder.
type Person struct {
	ID        string   `json:"id" cb:"required"`
	Name      string   `json:"name" cb:"required"`
	Email     string   `json:"email,omitempty"`
	Country   string   `json:"country,omitempty"`
	Region    string   `json:"region,omitempty"`
	City      string   `json:"city,omitempty"`
	Practice  string   `json:"practice,omitempty"`
	Languages []string `json:"languages,omitempty"`
}

// Degree is an academic degree.
type Degree struct {
	ID            string       `json:"id" cb:"required"`
	Level         string       `json:"level" cb:"required,enum=associate|bachelor|master|doctorate"`
	Field         string       `json:"field" cb:"required"`
	Clinical      bool         `json:"clinical,omitempty"`
	Institution   string       `json:"institution" cb:"required"`
	Accreditation string       `json:"accreditation" cb:"required,enum=regional|national|faith_based|international|none"`
	Conferred     date.Date    `json:"conferred" cb:"required"`
	Verification  Verification `json:"verification,omitzero"`
}

// License is a professional license or certificate from a jurisdiction.
type License struct {
	ID                  string       `json:"id" cb:"required"`
	Profession          string       `json:"profession" cb:"required,enum=psychology|medicine|social_work|counseling|nursing|marriage_family_therapy|other"`
	Jurisdiction        string       `json:"jurisdiction" cb:"required"`
	Number              string       `json:"number" cb:"required"`
	Title               string       `json:"title,omitempty"`
	ValidFrom           date.Date    `json:"valid_from" cb:"required"`
	ValidTo             date.Date    `json:"valid_to,omitzero"`
	IndependentPractice bool         `json:"independent_practice,omitempty"`
	Verification        Verification `json:"verification,omitzero"`
}

// Membership is membership of a professional organisation over a period.
type Membership struct {
	ID           string       `json:"id" cb:"required"`
	Organization string       `json:"organization" cb:"required"`
	Category     string       `json:"category,omitempty"`
	From         date.Date    `json:"from" cb:"required"`
	To           date.Date    `json:"to,omitzero"`
	Verification Verification `json:"verification,omitzero"`
}

// Insurance is professional liability insurance over a period.
type Insurance struct {
	ID           string       `json:"id" cb:"required"`
	Carrier      string       `json:"carrier" cb:"required"`
	Policy       string       `json:"policy,omitempty"`
	From         date.Date    `json:"from" cb:"required"`
	To           date.Date    `json:"to,omitzero"`
	Verification Verification `json:"verification,omitzero"`
}

// Experience is a period of professional work.
type Experience struct {
	ID           string       `json:"id" cb:"required"`
	Role         string       `json:"role" cb:"required,enum=clinical|sex_therapy|sexuality_education|sexuality_counseling|counseling|clinical_supervision|teaching|other"`
	Description  string       `json:"description,omitempty"`
	Employer     string       `json:"employer,omitempty"`
	From         date.Date    `json:"from" cb:"required"`
	To           date.Date    `json:"to,omitzero"`
	HoursPerWeek float64      `json:"hours_per_week" cb:"required,nonneg,max=100"`
	Verification Verification `json:"verification,omitzero"`
}

// Credential is a credential the person already holds (for renewal, or as a
// prerequisite of a supervisor credential).
type Credential struct {
	ID           string       `json:"id" cb:"required"`
	Type         string       `json:"type" cb:"required"`
	Body         string       `json:"body" cb:"required"`
	Number       string       `json:"number,omitempty"`
	ValidFrom    date.Date    `json:"valid_from" cb:"required"`
	ValidTo      date.Date    `json:"valid_to,omitzero"`
	Status       string       `json:"status,omitempty" cb:"enum=active|suspended|revoked|expired"`
	Verification Verification `json:"verification,omitzero"`
}

// Provider is who delivered an education activity.
type Provider struct {
	Name       string   `json:"name" cb:"required"`
	Kind       string   `json:"kind" cb:"required,enum=accredited_university|faith_based_institution|approved_provider|other_ce"`
	ApprovedBy []string `json:"approved_by,omitempty"`
}

// Activity is an education activity: a university course, continuing
// education, a training, a Sexual Attitude Reassessment, or teaching.
type Activity struct {
	ID               string              `json:"id" cb:"required"`
	Title            string              `json:"title" cb:"required"`
	Kind             string              `json:"kind" cb:"required,enum=university_course|ce|training|sar|teaching"`
	Provider         Provider            `json:"provider" cb:"required"`
	Delivery         string              `json:"delivery" cb:"required,enum=in_person|live_online|elearning"`
	Date             date.Date           `json:"date" cb:"required"`
	Hours            float64             `json:"hours" cb:"required,positive,max=2000"`
	Areas            map[string][]string `json:"areas,omitempty"`
	SexualityRelated *bool               `json:"sexuality_related,omitempty"`
	Verification     Verification        `json:"verification,omitzero"`
}

// ClinicalHours is a block of supervised clinical hours, on one date or over a period.
type ClinicalHours struct {
	ID                 string       `json:"id" cb:"required"`
	Date               date.Date    `json:"date,omitzero"`
	From               date.Date    `json:"from,omitzero"`
	To                 date.Date    `json:"to,omitzero"`
	Hours              float64      `json:"hours" cb:"required,positive,max=5000"`
	Modality           string       `json:"modality" cb:"required,enum=in_person|telehealth_video|telehealth_phone|telehealth_text"`
	Focus              []string     `json:"focus,omitempty" cb:"enum=sexual|relationship|other"`
	ClientJurisdiction string       `json:"client_jurisdiction,omitempty"`
	Contract           string       `json:"contract,omitempty"`
	Description        string       `json:"description,omitempty"`
	Verification       Verification `json:"verification,omitzero"`
}

// Case is a client case the applicant worked, counted (not measured in
// hours) by requirements that ask for a number of cases. It carries nothing
// that identifies the client.
type Case struct {
	ID   string `json:"id" cb:"required"`
	Unit string `json:"unit" cb:"required,enum=individual|couple|family|group"`
	// Focus is what the work was about; a case may have several.
	Focus  []string  `json:"focus,omitempty" cb:"enum=sexual|relationship|other"`
	Opened date.Date `json:"opened" cb:"required"`
	Closed date.Date `json:"closed,omitzero"`
	// Completed marks a case carried through to its planned end; it needs
	// Closed, the day it ended.
	Completed    bool         `json:"completed,omitempty"`
	Contract     string       `json:"contract,omitempty" cb:"ref=supervision_contracts"`
	Description  string       `json:"description,omitempty"`
	Verification Verification `json:"verification,omitzero"`
}

// Supervisor is a person who supervises the applicant, with the credentials
// they hold; whether a supervisor was qualified is judged on each session date.
type Supervisor struct {
	ID   string `json:"id" cb:"required"`
	Name string `json:"name" cb:"required"`
	// Email is the supervisor's address; a supervisor who has an account
	// under it sees the application and confirms what they supervised.
	Email       string           `json:"email,omitempty"`
	Practice    string           `json:"practice,omitempty"`
	Credentials []HeldCredential `json:"credentials,omitempty"`
	// Verification records that the board checked who the supervisor is and
	// the credentials listed; until then sessions resting on them are pending.
	Verification Verification `json:"verification,omitzero"`
}

// HeldCredential is a supervisor's own credential and its validity period.
type HeldCredential struct {
	Type      string    `json:"type" cb:"required"`
	Body      string    `json:"body,omitempty"`
	Number    string    `json:"number,omitempty"`
	ValidFrom date.Date `json:"valid_from" cb:"required"`
	ValidTo   date.Date `json:"valid_to,omitzero"`
}

// Contract is a supervision contract between the applicant and a primary supervisor.
type Contract struct {
	ID                   string       `json:"id" cb:"required"`
	Supervisor           string       `json:"supervisor" cb:"required,ref=supervisors"`
	Start                date.Date    `json:"start" cb:"required"`
	End                  date.Date    `json:"end,omitzero"`
	SuperviseeMembership string       `json:"supervisee_membership,omitempty" cb:"ref=memberships"`
	Verification         Verification `json:"verification,omitzero"`
}

// Session is supervision the applicant received.
type Session struct {
	ID           string       `json:"id" cb:"required"`
	Date         date.Date    `json:"date" cb:"required"`
	Hours        float64      `json:"hours" cb:"required,positive,max=24"`
	Format       string       `json:"format" cb:"required,enum=individual|group"`
	GroupSize    int          `json:"group_size,omitempty" cb:"nonneg,max=100"`
	Supervisor   string       `json:"supervisor" cb:"required,ref=supervisors"`
	Content      string       `json:"content" cb:"required,enum=case|didactic|supervision_of_supervision"`
	Delivery     string       `json:"delivery,omitempty" cb:"enum=in_person|video|phone"`
	Contract     string       `json:"contract,omitempty" cb:"ref=supervision_contracts"`
	Verification Verification `json:"verification,omitzero"`
}

// SupervisionGiven is supervision the person gave (for supervisor credentials).
type SupervisionGiven struct {
	ID           string       `json:"id" cb:"required"`
	Date         date.Date    `json:"date" cb:"required"`
	Hours        float64      `json:"hours" cb:"required,positive,max=24"`
	Supervisee   string       `json:"supervisee" cb:"required"`
	Format       string       `json:"format" cb:"required,enum=individual|group"`
	Verification Verification `json:"verification,omitzero"`
}

// Exam is an attempt at an examination or an interview set by a body, and
// its outcome.
type Exam struct {
	ID   string `json:"id" cb:"required"`
	Kind string `json:"kind" cb:"required,enum=exam|interview"`
	// Code names the examination as requirement sets name it (ecps-written).
	Code    string    `json:"code" cb:"required"`
	Title   string    `json:"title" cb:"required"`
	Body    string    `json:"body" cb:"required"`
	Date    date.Date `json:"date" cb:"required"`
	Outcome string    `json:"outcome" cb:"required,enum=passed|failed"`
	Score   float64   `json:"score,omitempty" cb:"nonneg"`
	// ValidTo is the last day a pass counts, when the body limits it.
	ValidTo      date.Date    `json:"valid_to,omitzero"`
	Verification Verification `json:"verification,omitzero"`
}

// Attestation is a signed agreement, such as a code of conduct.
type Attestation struct {
	ID           string       `json:"id" cb:"required"`
	Code         string       `json:"code" cb:"required"`
	Version      string       `json:"version,omitempty"`
	Signed       date.Date    `json:"signed" cb:"required"`
	Verification Verification `json:"verification,omitzero"`
}

// Document is a document on file and the items it supports.
type Document struct {
	ID       string    `json:"id" cb:"required"`
	Kind     string    `json:"kind" cb:"required,enum=transcript|diploma|license|insurance_certificate|membership_certificate|certificate_of_completion|supervision_contract|supervision_log|recommendation_letter|cv|equivalence|theory_statement|reflective_account|reference_letter|other"`
	Title    string    `json:"title,omitempty"`
	Received date.Date `json:"received" cb:"required"`
	Supports []string  `json:"supports,omitempty" cb:"ref=*"`
	// FileSHA256 is the SHA-256 digest of the document's file (64
	// lower-case hexadecimal digits) when a board holds the file: certboard
	// gives it on export, and an import uses it to find the file again.
	FileSHA256   string       `json:"file_sha256,omitempty" cb:"sha256"`
	Verification Verification `json:"verification,omitzero"`
}

// PeerReview is a peer reviewer's outcome, a recommendation or an endorsement.
type PeerReview struct {
	ID           string       `json:"id" cb:"required"`
	Kind         string       `json:"kind" cb:"required,enum=review|recommendation|endorsement"`
	Reviewer     string       `json:"reviewer" cb:"required"`
	ReviewerName string       `json:"reviewer_name,omitempty"`
	Outcome      string       `json:"outcome" cb:"required,enum=approve|reject|revise"`
	Date         date.Date    `json:"date" cb:"required"`
	Comments     string       `json:"comments,omitempty"`
	Verification Verification `json:"verification,omitzero"`
}

// EffectiveState returns the item's state, claimed when no state was given.
func (v Verification) EffectiveState() State {
	if v.State == "" {
		return Claimed
	}
	return v.State
}
