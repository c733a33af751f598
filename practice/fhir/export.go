package fhir

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/session"
)

// The code systems certboard defines.
var (
	// ConcernSystem codes a concern by its id in the taxonomy.
	ConcernSystem = Base + "/CodeSystem/concern"
	// ComorbiditySystem codes a comorbidity by its kind.
	ComorbiditySystem = Base + "/CodeSystem/comorbidity"
	// ConditionRoleSystem says whether a Condition is a concern or a
	// comorbidity.
	ConditionRoleSystem = Base + "/CodeSystem/condition-role"
	// ScoreSystem codes an Observation by the instrument scored.
	ScoreSystem = Base + "/CodeSystem/score"
	// CPTSystem is the AMA's CPT code system URI.
	CPTSystem = "http://www.ama-assn.org/go/cpt"
	// SessionKindSystem codes an Encounter by the kind of session:
	// individual or couple.
	SessionKindSystem = Base + "/CodeSystem/session-kind"
	// ActCodeSystem is HL7 v3's ActCode, which codes an Encounter's class.
	ActCodeSystem = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	// UCUMSystem is the Unified Code for Units of Measure.
	UCUMSystem = "http://unitsofmeasure.org"
)

// ext is the URL of one of certboard's extensions.
func ext(name string) string { return Base + "/StructureDefinition/" + name }

// The names of certboard's extensions.
const (
	extCase           = "case"
	extPronouns       = "pronouns"
	extGenderIdentity = "gender-identity"
	extStage          = "plissit-stage"
	extCloseReason    = "close-reason"
	extTaxonomy       = "concern-taxonomy"
	extOnset          = "specifier-onset"
	extContext        = "specifier-context"
	extSeverity       = "specifier-severity"
	extSource         = "comorbidity-source"
	extEndReason      = "end-reason"
	extPlan           = "treatment-plan"
	extPlanVersion    = "plan-version"
	extSessionStatus  = "session-status"
	extCancelledBy    = "cancelled-by"
	extCancelledAt    = "cancelled-at"
	extSex            = "sex"
	extCorrects       = "corrects"
	extErrorReason    = "error-reason"
	extBand           = "band"
	extPositive       = "positive"
	extFlag           = "flag"
	extNote           = "note"
	extNoteKind       = "note-kind"
	extConsentVersion = "consent-version"
	extSigner         = "signer"
	extGuardian       = "guardian-relationship"
	extWitness        = "witness"
	extWithdrawnAt    = "withdrawn-at"
	extWithdrawReason = "withdrawal-reason"
)

// ExportOptions say how a record is written.
type ExportOptions struct {
	// ID is the bundle's id; it seeds every fullUrl, so two exports of one
	// record with one ID are the same bytes.
	ID string
	// Timestamp is when the bundle was made.
	Timestamp time.Time
	// Texts returns the wording a response was given on (nil when there
	// is none): the items' texts and answers' labels of the
	// QuestionnaireResponses. Nil gives none.
	Texts func(r RecordResponse) *measure.Texts
	// Progress, when set, is told after each resource how many are done
	// of how many.
	Progress func(done, total int)
	// Part2Notice is the redisclosure notice of 42 CFR 2.32 that a
	// record marked Part2 carries (practice.Part2Notice); required then.
	Part2Notice string
}

// Part2Label is the security label of a record covered by 42 CFR Part 2:
// the code 42CFRPart2 of HL7 v3 ActCode, one of its _ActPrivacyLaw
// concepts (the value set v3-ActPrivacyLaw), which FHIR puts in a
// resource's meta.security (R4 "Security Labels"). Export puts it on the
// bundle and on every resource of a marked record.
var Part2Label = Coding{System: ActCodeSystem, Code: "42CFRPart2", Display: "42 CFR Part2"}

// part2NoticeKind is the note-kind of the DocumentReference that carries
// the redisclosure notice.
const part2NoticeKind = "part2-notice"

// Export writes a record as a FHIR R4 Bundle of type "collection", as
// JSON. The bundle holds one Patient; per case an EpisodeOfCare, a
// Condition per concern and per comorbidity, a CarePlan, an Encounter per
// session, a QuestionnaireResponse per measure response and an
// Observation per score, a DocumentReference per progress note (and per
// psychotherapy note, when the record holds them); and a Consent per
// consent. Every reference is a fullUrl of the bundle. A record marked
// Part2 has Part2Label on the bundle and every resource, and, right after
// the Patient, a DocumentReference of the client (note-kind
// "part2-notice") whose text attachment is the redisclosure notice, for a
// receiver to read: the Bundle itself has no place for text (it is no
// DomainResource), and a document is what a receiver shows a person.
func Export(rec Record, opts ExportOptions) ([]byte, error) {
	w := writer{id: opts.ID, total: rec.Count(), progress: opts.Progress, part2: rec.Part2}
	if opts.Texts == nil {
		opts.Texts = func(RecordResponse) *measure.Texts { return nil }
	}
	if rec.Part2 && opts.Part2Notice == "" {
		return nil, fmt.Errorf("fhir: the record is covered by 42 CFR Part 2 and no notice is given")
	}
	patient := w.patient(rec.Client)
	if rec.Part2 {
		w.part2Notice(opts.Part2Notice, patient)
	}
	for _, c := range rec.Cases {
		w.writeCase(c, patient, opts.Texts)
	}
	for _, c := range rec.Consents {
		w.consent(c, patient)
	}
	if w.err != nil {
		return nil, w.err
	}
	b := Bundle{
		ResourceType: "Bundle",
		ID:           opts.ID,
		Identifier:   &Identifier{System: Base + "/export", Value: opts.ID},
		Type:         "collection",
		Timestamp:    instant(opts.Timestamp),
		Entry:        w.entries,
		Meta:         w.meta(),
	}
	return json.MarshalIndent(b, "", "  ")
}

// writer gathers the entries of a bundle.
type writer struct {
	id       string
	entries  []BundleEntry
	total    int
	progress func(done, total int)
	err      error
	// part2 labels every resource with Part2Label.
	part2 bool
}

// meta is the meta of every resource: Part2Label for a record covered
// by 42 CFR Part 2, none otherwise.
func (w *writer) meta() *Meta {
	if !w.part2 {
		return nil
	}
	return &Meta{Security: []Coding{Part2Label}}
}

// withMeta sets a resource's meta.
func withMeta(res any, m *Meta) any {
	switch r := res.(type) {
	case Patient:
		r.Meta = m
		return r
	case EpisodeOfCare:
		r.Meta = m
		return r
	case Condition:
		r.Meta = m
		return r
	case CarePlan:
		r.Meta = m
		return r
	case Encounter:
		r.Meta = m
		return r
	case QuestionnaireResponse:
		r.Meta = m
		return r
	case Observation:
		r.Meta = m
		return r
	case DocumentReference:
		r.Meta = m
		return r
	case Consent:
		r.Meta = m
		return r
	}
	return res
}

// part2Notice adds the DocumentReference that carries the redisclosure
// notice of a record covered by 42 CFR Part 2.
func (w *writer) part2Notice(notice string, patient Reference) {
	d := DocumentReference{ResourceType: "DocumentReference", ID: "part2-notice", Status: "current",
		Type: &CodeableConcept{Text: "Notice of 42 CFR Part 2: prohibition on redisclosure"}, Subject: patient,
		Description: "This record is covered by 42 CFR Part 2. Read the notice before disclosing any of it.",
		Content:     []DocumentContent{{Attachment: Attachment{ContentType: "text/plain; charset=utf-8", Data: []byte(notice), Title: "42 CFR Part 2 redisclosure notice"}}},
	}
	d.Extension = codeExt(extNoteKind, part2NoticeKind)
	w.add("DocumentReference", d.ID, d)
}

// fullURL is the fullUrl of the resource with the given type and id: a
// urn:uuid derived from the bundle's id and the resource's.
func (w *writer) fullURL(typ, id string) string {
	h := sha256.Sum256([]byte(w.id + "|" + typ + "/" + id))
	h[6] = h[6]&0x0f | 0x80 // version 8: custom
	h[8] = h[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// fullRef is a reference to the resource with the given type and id.
func (w *writer) fullRef(typ, id string) Reference { return Reference{Reference: w.fullURL(typ, id)} }

// add puts a resource in the bundle and returns a reference to it.
func (w *writer) add(typ, id string, res any) Reference {
	url := w.fullURL(typ, id)
	b, err := json.Marshal(withMeta(res, w.meta()))
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("fhir: %s %q: %w", typ, id, err)
	}
	w.entries = append(w.entries, BundleEntry{FullURL: url, Resource: b})
	if w.progress != nil {
		w.progress(len(w.entries), w.total)
	}
	return Reference{Reference: url}
}

// instant writes a time as FHIR's dateTime/instant, in UTC; "" for zero.
func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func strExt(name, v string) []Extension {
	if v == "" {
		return nil
	}
	return []Extension{{URL: ext(name), ValueString: &v}}
}

func codeExt(name, v string) []Extension {
	if v == "" {
		return nil
	}
	return []Extension{{URL: ext(name), ValueCode: v}}
}

func refExt(name string, r Reference) []Extension {
	return []Extension{{URL: ext(name), ValueReference: &r}}
}

func timeExt(name string, t time.Time) []Extension {
	if t.IsZero() {
		return nil
	}
	return []Extension{{URL: ext(name), ValueDateTime: instant(t)}}
}

func jsonExt(name string, v any) []Extension {
	b, _ := json.Marshal(v) // plain data: never fails
	return []Extension{{URL: ext(name), ValueAttachment: &Attachment{ContentType: "application/json", Data: b}}}
}

func exts(parts ...[]Extension) []Extension {
	var out []Extension
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func (w *writer) patient(c RecordClient) Reference {
	p := Patient{ResourceType: "Patient", ID: "patient", BirthDate: c.DateOfBirth.String()}
	if c.DateOfBirth.IsZero() {
		p.BirthDate = ""
	}
	p.Extension = exts(strExt(extPronouns, c.Pronouns), strExt(extGenderIdentity, c.GenderIdentity))
	p.Name = []HumanName{{Use: "official", Text: c.Name}}
	if c.PreferredName != "" {
		p.Name = append(p.Name, HumanName{Use: "usual", Text: c.PreferredName})
	}
	if c.Email != "" {
		p.Telecom = append(p.Telecom, ContactPoint{System: "email", Value: c.Email})
	}
	if c.Phone != "" {
		p.Telecom = append(p.Telecom, ContactPoint{System: "phone", Value: c.Phone})
	}
	if c.EmergencyName != "" || c.EmergencyPhone != "" || c.EmergencyRelationship != "" {
		pc := PatientContact{}
		if c.EmergencyRelationship != "" {
			pc.Relationship = []CodeableConcept{{Text: c.EmergencyRelationship}}
		}
		if c.EmergencyName != "" {
			pc.Name = &HumanName{Text: c.EmergencyName}
		}
		if c.EmergencyPhone != "" {
			pc.Telecom = []ContactPoint{{System: "phone", Value: c.EmergencyPhone}}
		}
		p.Contact = []PatientContact{pc}
	}
	return w.add("Patient", p.ID, p)
}

func (w *writer) writeCase(c RecordCase, patient Reference, texts func(RecordResponse) *measure.Texts) {
	ep := EpisodeOfCare{ResourceType: "EpisodeOfCare", ID: c.Key, Status: "active", Patient: patient,
		Period: &Period{Start: instant(c.OpenedAt), End: instant(c.ClosedAt)}}
	if c.Status == "closed" {
		ep.Status = "finished"
	}
	ep.Type = []CodeableConcept{{Text: "PLISSIT case, stage " + string(c.Stage)}}
	ep.Extension = exts(codeExt(extStage, string(c.Stage)), strExt(extCloseReason, c.CloseReason), strExt(extTaxonomy, c.Taxonomy))
	caseRef := w.add("EpisodeOfCare", c.Key, ep)
	clinical := "active"
	if c.Status == "closed" {
		clinical = "inactive"
	}
	var addresses []Reference
	for i, cc := range c.Concerns {
		cond := Condition{ResourceType: "Condition", ID: fmt.Sprintf("%s-concern-%d", c.Key, i+1), Subject: patient,
			ClinicalStatus: clinicalStatus(clinical),
			Category:       conditionCategory("concern"),
			Code:           concernCode(cc),
			RecordedDate:   instant(c.OpenedAt),
		}
		s := cc.Diagnosis.Specifiers
		cond.Extension = exts(refExt(extCase, caseRef), codeExt(extOnset, string(s.Onset)), codeExt(extContext, string(s.Context)), codeExt(extSeverity, string(s.Severity)))
		addresses = append(addresses, w.add("Condition", cond.ID, cond))
	}
	responses := map[string]Reference{}
	for _, r := range c.Responses {
		responses[r.Key] = Reference{Reference: w.fullURL("QuestionnaireResponse", r.Key)}
	}
	for i, cm := range c.Comorbidities {
		status := "active"
		if !cm.EndedAt.IsZero() {
			status = "resolved"
		}
		cond := Condition{ResourceType: "Condition", ID: fmt.Sprintf("%s-comorbidity-%d", c.Key, i+1), Subject: patient,
			ClinicalStatus:    clinicalStatus(status),
			Category:          conditionCategory("comorbidity"),
			Code:              &CodeableConcept{Coding: []Coding{{System: ComorbiditySystem, Code: cm.Kind}}, Text: cm.Kind},
			RecordedDate:      instant(cm.RecordedAt),
			AbatementDateTime: instant(cm.EndedAt),
		}
		if cm.Note != "" {
			cond.Note = []Annotation{{Text: cm.Note}}
		}
		if cm.Measure != "" {
			ref, ok := responses[cm.Measure]
			if !ok && w.err == nil {
				w.err = fmt.Errorf("fhir: comorbidity %s of %s names response %q, not in the record", cond.ID, c.Key, cm.Measure)
			}
			cond.Evidence = []ConditionEvidence{{Detail: []Reference{ref}}}
		}
		cond.Extension = exts(refExt(extCase, caseRef), codeExt(extSource, cm.Source), strExt(extEndReason, cm.EndReason))
		w.add("Condition", cond.ID, cond)
	}
	if c.Plan != nil {
		w.carePlan(c, *c.Plan, patient, caseRef, addresses)
	}
	sessions := map[string]Reference{}
	for _, s := range c.Sessions {
		sessions[s.Key] = w.fullRef("Encounter", s.Key)
		w.encounter(s, patient, caseRef)
	}
	for _, r := range c.Responses {
		qr := QuestionnaireResponseFor(r, texts(r))
		qr.ID = r.Key
		qr.Subject = &patient
		qr.Extension = append(refExt(extCase, caseRef), qr.Extension...)
		if r.Corrects != "" {
			ref, ok := responses[r.Corrects]
			if !ok && w.err == nil {
				w.err = fmt.Errorf("fhir: response %s corrects %q, not in the record", r.Key, r.Corrects)
			}
			qr.Extension = append(qr.Extension, refExt(extCorrects, ref)...)
		}
		qref := w.add("QuestionnaireResponse", r.Key, qr)
		if r.Result != nil {
			w.add("Observation", "score-"+r.Key, ScoreObservation(r, patient, qref))
		}
	}
	for _, n := range c.Notes {
		var enc []Reference
		if n.Session != "" {
			ref, ok := sessions[n.Session]
			if !ok && w.err == nil {
				w.err = fmt.Errorf("fhir: note %s of %s records session %q, not of the case", n.Key, c.Key, n.Session)
			}
			enc = []Reference{ref}
		}
		w.progressNote(n, patient, caseRef, enc)
	}
	for _, n := range c.PsychotherapyNotes {
		w.psychotherapyNote(n, patient, caseRef)
	}
}

func clinicalStatus(code string) *CodeableConcept {
	return &CodeableConcept{Coding: []Coding{{System: "http://terminology.hl7.org/CodeSystem/condition-clinical", Code: code}}}
}

func conditionCategory(role string) []CodeableConcept {
	return []CodeableConcept{
		{Coding: []Coding{{System: "http://terminology.hl7.org/CodeSystem/condition-category", Code: "problem-list-item"}}},
		{Coding: []Coding{{System: ConditionRoleSystem, Code: role}}},
	}
}

// concernCode codes a concern: its ICD-10-CM and ICD-11 codes and its id
// in certboard's taxonomy.
func concernCode(cc RecordConcern) *CodeableConcept {
	cc2 := &CodeableConcept{Text: cc.Name}
	for _, c := range cc.Codes.ICD10CM {
		cc2.Coding = append(cc2.Coding, Coding{System: ICD10CMSystem, Code: c.Code, Display: c.Title})
	}
	for _, c := range cc.Codes.ICD11 {
		cc2.Coding = append(cc2.Coding, Coding{System: ICD11System, Code: c.Code, Display: c.Title})
	}
	cc2.Coding = append(cc2.Coding, Coding{System: ConcernSystem, Code: cc.Diagnosis.Concern, Display: cc.Name})
	return cc2
}

func (w *writer) carePlan(c RecordCase, p RecordPlan, patient, caseRef Reference, addresses []Reference) {
	status := "active"
	if c.Status == "closed" {
		status = "completed"
	}
	cp := CarePlan{ResourceType: "CarePlan", ID: c.Key + "-plan", Status: status, Intent: "plan",
		Title: "Treatment plan", Subject: patient, Created: instant(p.SavedAt), Addresses: addresses}
	if f := p.Plan.Frequency; f.Sessions > 0 {
		cp.Description = fmt.Sprintf("%d sessions per %s", f.Sessions, f.Per)
	}
	for _, g := range p.Plan.Goals {
		text := "Goal " + g.ID + ": " + g.Text
		if g.Measure != "" {
			text += " (measured by " + g.Measure + ")"
		}
		cp.Note = append(cp.Note, Annotation{Text: text})
	}
	for _, iv := range p.Plan.Interventions {
		d := iv.Text
		if len(iv.Goals) > 0 {
			d += " (goals " + strings.Join(iv.Goals, ", ") + ")"
		}
		cp.Activity = append(cp.Activity, CarePlanActivity{Detail: &CarePlanDetail{Status: "in-progress", Description: d}})
	}
	v := p.Version
	cp.Extension = exts(refExt(extCase, caseRef), []Extension{{URL: ext(extPlanVersion), ValueInteger: &v}}, jsonExt(extPlan, p.Plan))
	w.add("CarePlan", cp.ID, cp)
}

// encounterStatus maps a session's status to the Encounter status of R4
// that says it: a scheduled session is planned, an attended one
// finished, and a cancelled session and a no-show are both cancelled
// ("ended before it has begun"; R4's Encounter has no no-show, which is
// an Appointment's status), told apart by the session-status extension,
// which carries certboard's status itself.
var encounterStatus = map[session.Status]string{
	session.Scheduled: "planned",
	session.Attended:  "finished",
	session.Cancelled: "cancelled",
	session.NoShow:    "cancelled",
}

// encounterClass maps a session's modality to the Encounter class of the
// v3 ActCode system: in person is ambulatory (AMB), by video virtual (VR).
var encounterClass = map[session.Modality]Coding{
	session.InPerson: {System: ActCodeSystem, Code: "AMB", Display: "ambulatory"},
	session.Video:    {System: ActCodeSystem, Code: "VR", Display: "virtual"},
}

func (w *writer) encounter(s RecordSession, patient, caseRef Reference) {
	status, ok := encounterStatus[s.Status]
	class, known := encounterClass[s.Modality]
	cpt, coded := session.LookupCPT(s.CPT)
	if (!ok || !known || !coded || !s.Kind.Known()) && w.err == nil {
		w.err = fmt.Errorf("fhir: session %s: status %q, modality %q, kind %q or CPT %q is none certboard knows", s.Key, s.Status, s.Modality, s.Kind, s.CPT)
	}
	m := float64(s.Minutes)
	e := Encounter{ResourceType: "Encounter", ID: s.Key, Status: status, Class: class, Subject: patient,
		EpisodeOfCare: []Reference{caseRef},
		Type: []CodeableConcept{
			{Coding: []Coding{{System: CPTSystem, Code: s.CPT}}, Text: cpt.Meaning},
			{Coding: []Coding{{System: SessionKindSystem, Code: string(s.Kind)}}, Text: kindText[s.Kind]},
		},
		Participant: []EncounterParticipant{{Individual: &Reference{Display: s.Practitioner}}},
		Period:      &Period{Start: instant(s.Start), End: instant(session.End(s.Start, s.Minutes))},
		Length:      &Duration{Value: &m, Unit: "min", System: UCUMSystem, Code: "min"},
	}
	e.Extension = exts(codeExt(extSessionStatus, string(s.Status)), codeExt(extCancelledBy, string(s.CancelledBy)), timeExt(extCancelledAt, s.CancelledAt))
	w.add("Encounter", e.ID, e)
}

// kindText is the text of a session's kind in Encounter.type.
var kindText = map[session.Kind]string{session.Individual: "Individual session", session.Couple: "Couple session"}

// progressNoteDoc is what a progress note's JSON attachment holds.
type progressNoteDoc struct {
	Author     string          `json:"author"`
	SignedBy   string          `json:"signed_by,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	Note       json.RawMessage `json:"note"`
	Amendments []amendmentDoc  `json:"amendments"`
}

type amendmentDoc struct {
	By        string          `json:"by"`
	Amendment json.RawMessage `json:"amendment"`
}

func (w *writer) progressNote(n RecordNote, patient, caseRef Reference, encounter []Reference) {
	body, _ := json.Marshal(n.Note)
	doc := progressNoteDoc{Author: n.Author, SignedBy: n.SignedBy, CreatedAt: n.CreatedAt, Note: body, Amendments: []amendmentDoc{}}
	for _, a := range n.Amendments {
		ab, _ := json.Marshal(a.Amendment)
		doc.Amendments = append(doc.Amendments, amendmentDoc{By: a.By, Amendment: ab})
	}
	data, _ := json.Marshal(doc)
	docStatus := "preliminary"
	if n.Note.Signed() {
		docStatus = "final"
		if len(n.Amendments) > 0 {
			docStatus = "amended"
		}
	}
	d := DocumentReference{ResourceType: "DocumentReference", ID: n.Key, Status: "current", DocStatus: docStatus,
		Type: &CodeableConcept{Text: "Progress note"}, Subject: patient, Date: instant(n.CreatedAt),
		Author:  []Reference{{Display: n.Author}},
		Content: []DocumentContent{{Attachment: Attachment{ContentType: "application/json", Data: data, Title: "Progress note of " + n.Note.DateOfService.String()}}},
		Context: &DocumentContext{Encounter: encounter, Period: &Period{Start: n.Note.DateOfService.String()}},
	}
	d.Extension = exts(refExt(extCase, caseRef), codeExt(extNoteKind, "progress"))
	w.add("DocumentReference", d.ID, d)
}

// psychotherapyNoteDoc is what a psychotherapy note's attachment holds.
type psychotherapyNoteDoc struct {
	Author string          `json:"author"`
	Note   json.RawMessage `json:"note"`
}

func (w *writer) psychotherapyNote(n RecordPsychotherapyNote, patient, caseRef Reference) {
	body, _ := json.Marshal(n.Note)
	data, _ := json.Marshal(psychotherapyNoteDoc{Author: n.Author, Note: body})
	d := DocumentReference{ResourceType: "DocumentReference", ID: n.Key, Status: "current", DocStatus: "final",
		Type: &CodeableConcept{Text: "Psychotherapy note"}, Subject: patient, Date: instant(n.Note.WrittenAt),
		Author:  []Reference{{Display: n.Author}},
		Content: []DocumentContent{{Attachment: Attachment{ContentType: "application/json", Data: data, Title: "Psychotherapy note of " + n.Note.DateOfService.String()}}},
		Context: &DocumentContext{Period: &Period{Start: n.Note.DateOfService.String()}},
	}
	d.Extension = exts(refExt(extCase, caseRef), codeExt(extNoteKind, "psychotherapy"))
	w.add("DocumentReference", d.ID, d)
}

func (w *writer) consent(c RecordConsent, patient Reference) {
	status := "active"
	if !c.WithdrawnAt.IsZero() {
		status = "inactive"
	}
	v := c.Version
	cs := Consent{ResourceType: "Consent", ID: c.Key, Status: status,
		Scope:    CodeableConcept{Coding: []Coding{{System: "http://terminology.hl7.org/CodeSystem/consentscope", Code: "treatment"}}},
		Category: []CodeableConcept{{Text: "Consent to treatment"}},
		Patient:  patient, DateTime: instant(c.SignedAt),
		Performer:        []Reference{{Display: c.SignedName}},
		SourceAttachment: &Attachment{ContentType: "text/plain; charset=utf-8", Data: []byte(c.Text), Title: c.Title},
	}
	cs.Extension = exts([]Extension{{URL: ext(extConsentVersion), ValueInteger: &v}}, codeExt(extSigner, c.Signer),
		strExt(extGuardian, c.GuardianRelationship), strExt(extWitness, c.Witness),
		timeExt(extWithdrawnAt, c.WithdrawnAt), strExt(extWithdrawReason, c.WithdrawalReason))
	w.add("Consent", cs.ID, cs)
}
