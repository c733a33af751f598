package fhir

import "encoding/json"

// The FHIR R4 data types certboard writes and reads. Each holds only the
// elements certboard uses; the JSON names are FHIR's, and the tests check
// every resource built from them against the vendored schema.

// Coding is a code in a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a concept as codes and text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Reference points at another resource of the bundle by its fullUrl.
type Reference struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

// Period is a span of time; either end may be open.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Identifier is an identifier in a system.
type Identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// HumanName is a person's name.
type HumanName struct {
	Use  string `json:"use,omitempty"`
	Text string `json:"text,omitempty"`
}

// ContactPoint is a way to reach someone.
type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// Attachment is content carried in the resource.
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	// Data is base64 in JSON, as FHIR's base64Binary.
	Data  []byte `json:"data,omitempty"`
	Title string `json:"title,omitempty"`
}

// Quantity is a measured amount.
type Quantity struct {
	Value *float64 `json:"value,omitempty"`
	Unit  string   `json:"unit,omitempty"`
}

// Annotation is a text note.
type Annotation struct {
	Text string `json:"text"`
}

// Expression is an expression in a language (FHIRPath).
type Expression struct {
	Description string `json:"description,omitempty"`
	Language    string `json:"language"`
	Expression  string `json:"expression,omitempty"`
}

// Extension is an extension of an element: a URL and one value.
type Extension struct {
	URL             string      `json:"url"`
	ValueString     *string     `json:"valueString,omitempty"`
	ValueCode       string      `json:"valueCode,omitempty"`
	ValueDecimal    *float64    `json:"valueDecimal,omitempty"`
	ValueInteger    *int        `json:"valueInteger,omitempty"`
	ValueBoolean    *bool       `json:"valueBoolean,omitempty"`
	ValueReference  *Reference  `json:"valueReference,omitempty"`
	ValueAttachment *Attachment `json:"valueAttachment,omitempty"`
	ValueExpression *Expression `json:"valueExpression,omitempty"`
	ValueDateTime   string      `json:"valueDateTime,omitempty"`
}

// Meta is a resource's metadata; certboard writes only its security
// labels (Part2Label).
type Meta struct {
	Security []Coding `json:"security,omitempty"`
}

// Patient is the client.
type Patient struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id,omitempty"`
	Meta         *Meta            `json:"meta,omitempty"`
	Extension    []Extension      `json:"extension,omitempty"`
	Name         []HumanName      `json:"name,omitempty"`
	Telecom      []ContactPoint   `json:"telecom,omitempty"`
	BirthDate    string           `json:"birthDate,omitempty"`
	Contact      []PatientContact `json:"contact,omitempty"`
}

// PatientContact is a contact person of a patient (the emergency contact).
type PatientContact struct {
	Relationship []CodeableConcept `json:"relationship,omitempty"`
	Name         *HumanName        `json:"name,omitempty"`
	Telecom      []ContactPoint    `json:"telecom,omitempty"`
}

// Condition is a concern or a comorbidity on a case.
type Condition struct {
	ResourceType       string              `json:"resourceType"`
	ID                 string              `json:"id,omitempty"`
	Meta               *Meta               `json:"meta,omitempty"`
	Extension          []Extension         `json:"extension,omitempty"`
	ClinicalStatus     *CodeableConcept    `json:"clinicalStatus,omitempty"`
	VerificationStatus *CodeableConcept    `json:"verificationStatus,omitempty"`
	Category           []CodeableConcept   `json:"category,omitempty"`
	Severity           *CodeableConcept    `json:"severity,omitempty"`
	Code               *CodeableConcept    `json:"code,omitempty"`
	Subject            Reference           `json:"subject"`
	Encounter          *Reference          `json:"encounter,omitempty"`
	RecordedDate       string              `json:"recordedDate,omitempty"`
	AbatementDateTime  string              `json:"abatementDateTime,omitempty"`
	Evidence           []ConditionEvidence `json:"evidence,omitempty"`
	Note               []Annotation        `json:"note,omitempty"`
}

// ConditionEvidence is what a condition rests on.
type ConditionEvidence struct {
	Detail []Reference `json:"detail,omitempty"`
}

// CarePlan is a case's treatment plan.
type CarePlan struct {
	ResourceType string             `json:"resourceType"`
	ID           string             `json:"id,omitempty"`
	Meta         *Meta              `json:"meta,omitempty"`
	Extension    []Extension        `json:"extension,omitempty"`
	Status       string             `json:"status"`
	Intent       string             `json:"intent"`
	Title        string             `json:"title,omitempty"`
	Description  string             `json:"description,omitempty"`
	Subject      Reference          `json:"subject"`
	Period       *Period            `json:"period,omitempty"`
	Created      string             `json:"created,omitempty"`
	Addresses    []Reference        `json:"addresses,omitempty"`
	Activity     []CarePlanActivity `json:"activity,omitempty"`
	Note         []Annotation       `json:"note,omitempty"`
}

// CarePlanActivity is one intervention of a plan.
type CarePlanActivity struct {
	Detail *CarePlanDetail `json:"detail,omitempty"`
}

// CarePlanDetail describes an intervention.
type CarePlanDetail struct {
	Status      string `json:"status"`
	Description string `json:"description,omitempty"`
}

// Encounter is a session.
type Encounter struct {
	ResourceType  string            `json:"resourceType"`
	ID            string            `json:"id,omitempty"`
	Meta          *Meta             `json:"meta,omitempty"`
	Extension     []Extension       `json:"extension,omitempty"`
	Status        string            `json:"status"`
	Class         Coding            `json:"class"`
	Type          []CodeableConcept `json:"type,omitempty"`
	Subject       Reference         `json:"subject"`
	EpisodeOfCare []Reference       `json:"episodeOfCare,omitempty"`
	// Participant is the practitioner who held the session.
	Participant []EncounterParticipant `json:"participant,omitempty"`
	Period      *Period                `json:"period,omitempty"`
	Length      *Duration              `json:"length,omitempty"`
}

// EncounterParticipant is someone who took part in an encounter, named.
type EncounterParticipant struct {
	Individual *Reference `json:"individual,omitempty"`
}

// Duration is a length of time.
type Duration struct {
	Value  *float64 `json:"value,omitempty"`
	Unit   string   `json:"unit,omitempty"`
	System string   `json:"system,omitempty"`
	Code   string   `json:"code,omitempty"`
}

// Observation is a measure's score.
type Observation struct {
	ResourceType      string                 `json:"resourceType"`
	ID                string                 `json:"id,omitempty"`
	Meta              *Meta                  `json:"meta,omitempty"`
	Extension         []Extension            `json:"extension,omitempty"`
	Status            string                 `json:"status"`
	Category          []CodeableConcept      `json:"category,omitempty"`
	Code              CodeableConcept        `json:"code"`
	Subject           Reference              `json:"subject"`
	EffectiveDateTime string                 `json:"effectiveDateTime,omitempty"`
	ValueQuantity     *Quantity              `json:"valueQuantity,omitempty"`
	Interpretation    []CodeableConcept      `json:"interpretation,omitempty"`
	DerivedFrom       []Reference            `json:"derivedFrom,omitempty"`
	Component         []ObservationComponent `json:"component,omitempty"`
}

// ObservationComponent is one part of a score (an FSFI domain).
type ObservationComponent struct {
	Code          CodeableConcept `json:"code"`
	ValueQuantity *Quantity       `json:"valueQuantity,omitempty"`
}

// Consent is a client's consent to treatment.
type Consent struct {
	ResourceType     string            `json:"resourceType"`
	ID               string            `json:"id,omitempty"`
	Meta             *Meta             `json:"meta,omitempty"`
	Extension        []Extension       `json:"extension,omitempty"`
	Status           string            `json:"status"`
	Scope            CodeableConcept   `json:"scope"`
	Category         []CodeableConcept `json:"category"`
	Patient          Reference         `json:"patient"`
	DateTime         string            `json:"dateTime,omitempty"`
	Performer        []Reference       `json:"performer,omitempty"`
	SourceAttachment *Attachment       `json:"sourceAttachment,omitempty"`
}

// DocumentReference is a progress note (or, asked for, a psychotherapy
// note).
type DocumentReference struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *Meta             `json:"meta,omitempty"`
	Extension    []Extension       `json:"extension,omitempty"`
	Status       string            `json:"status"`
	DocStatus    string            `json:"docStatus,omitempty"`
	Type         *CodeableConcept  `json:"type,omitempty"`
	Subject      Reference         `json:"subject"`
	Date         string            `json:"date,omitempty"`
	Author       []Reference       `json:"author,omitempty"`
	Description  string            `json:"description,omitempty"`
	Content      []DocumentContent `json:"content"`
	Context      *DocumentContext  `json:"context,omitempty"`
}

// DocumentContent is a document's content.
type DocumentContent struct {
	Attachment Attachment `json:"attachment"`
}

// DocumentContext is what a document is about.
type DocumentContext struct {
	Encounter []Reference `json:"encounter,omitempty"`
	Period    *Period     `json:"period,omitempty"`
}

// Questionnaire is an instrument as a form.
type Questionnaire struct {
	ResourceType string              `json:"resourceType"`
	ID           string              `json:"id,omitempty"`
	URL          string              `json:"url,omitempty"`
	Name         string              `json:"name,omitempty"`
	Title        string              `json:"title,omitempty"`
	Status       string              `json:"status"`
	SubjectType  []string            `json:"subjectType,omitempty"`
	Description  string              `json:"description,omitempty"`
	Copyright    string              `json:"copyright,omitempty"`
	Code         []Coding            `json:"code,omitempty"`
	Item         []QuestionnaireItem `json:"item,omitempty"`
}

// QuestionnaireItem is one item of a form.
type QuestionnaireItem struct {
	Extension    []Extension    `json:"extension,omitempty"`
	LinkID       string         `json:"linkId"`
	Code         []Coding       `json:"code,omitempty"`
	Prefix       string         `json:"prefix,omitempty"`
	Text         string         `json:"text,omitempty"`
	Type         string         `json:"type"`
	Required     bool           `json:"required,omitempty"`
	ReadOnly     bool           `json:"readOnly,omitempty"`
	AnswerOption []AnswerOption `json:"answerOption,omitempty"`
}

// AnswerOption is one answer an item allows.
type AnswerOption struct {
	Extension   []Extension `json:"extension,omitempty"`
	ValueCoding *Coding     `json:"valueCoding,omitempty"`
	ValueString *string     `json:"valueString,omitempty"`
}

// QuestionnaireResponse is a client's response to an instrument.
type QuestionnaireResponse struct {
	ResourceType  string         `json:"resourceType"`
	ID            string         `json:"id,omitempty"`
	Meta          *Meta          `json:"meta,omitempty"`
	Extension     []Extension    `json:"extension,omitempty"`
	Questionnaire string         `json:"questionnaire,omitempty"`
	Status        string         `json:"status"`
	Subject       *Reference     `json:"subject,omitempty"`
	Authored      string         `json:"authored,omitempty"`
	Item          []ResponseItem `json:"item,omitempty"`
}

// ResponseItem is the answer to one item.
type ResponseItem struct {
	LinkID string           `json:"linkId"`
	Text   string           `json:"text,omitempty"`
	Answer []ResponseAnswer `json:"answer,omitempty"`
}

// ResponseAnswer is one answer value.
type ResponseAnswer struct {
	ValueCoding  *Coding  `json:"valueCoding,omitempty"`
	ValueDecimal *float64 `json:"valueDecimal,omitempty"`
	ValueInteger *int     `json:"valueInteger,omitempty"`
	ValueString  *string  `json:"valueString,omitempty"`
}

// Bundle is a client's record: a collection of resources.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id,omitempty"`
	Meta         *Meta         `json:"meta,omitempty"`
	Identifier   *Identifier   `json:"identifier,omitempty"`
	Type         string        `json:"type"`
	Timestamp    string        `json:"timestamp,omitempty"`
	Total        *int          `json:"total,omitempty"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// BundleEntry is one resource of a bundle, with the URL references use.
type BundleEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
}

// EpisodeOfCare is a case: the span of care for one set of concerns.
type EpisodeOfCare struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *Meta             `json:"meta,omitempty"`
	Extension    []Extension       `json:"extension,omitempty"`
	Status       string            `json:"status"`
	Type         []CodeableConcept `json:"type,omitempty"`
	Patient      Reference         `json:"patient"`
	Period       *Period           `json:"period,omitempty"`
}
