package fhir

import (
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/session"
)

// Record is a client's record as FHIR carries it, neutral of any store:
// the practice layer fills it from its store to export, and ImportRecord
// writes what ParseBundle returns. Keys name the parts within the record
// (they become resource ids); a store's own ids and accounts stay out.
type Record struct {
	// Client is who the record is about.
	Client RecordClient
	// Cases are the client's cases, the first opened first.
	Cases []RecordCase
	// Consents are the client's consents to treatment, oldest first.
	Consents []RecordConsent
	// Part2 says the record is covered by 42 CFR Part 2: the bundle
	// carries the redisclosure notice and labels every resource
	// (Part2Label), and the practice that imports it marks it so.
	Part2 bool
}

// RecordClient is a client's identity.
type RecordClient struct {
	Name           string
	PreferredName  string
	DateOfBirth    date.Date
	Pronouns       string
	GenderIdentity string
	Email          string
	Phone          string
	// EmergencyName, EmergencyPhone and EmergencyRelationship are the
	// emergency contact; all empty when none is on file.
	EmergencyName         string
	EmergencyPhone        string
	EmergencyRelationship string
}

// RecordCase is one case: its concerns, comorbidities, plan, sessions,
// measure responses and notes.
type RecordCase struct {
	// Key names the case in the record ("case-1").
	Key string
	// Status is "open" or "closed".
	Status string
	// Stage is the PLISSIT stage reached.
	Stage plissit.Stage
	// OpenedAt and ClosedAt bound the case; ClosedAt is zero while open.
	OpenedAt, ClosedAt time.Time
	// CloseReason says why it was closed; "" while open.
	CloseReason string
	// Taxonomy is the version of the concern taxonomy the concerns were
	// recorded under.
	Taxonomy string
	// Concerns are the case's concerns, in order, each with its codes.
	Concerns []RecordConcern
	// Comorbidities are the comorbidities recorded, ended ones too.
	Comorbidities []RecordComorbidity
	// Plan is the latest version of the treatment plan; nil when none.
	Plan *RecordPlan
	// Sessions are the case's sessions, oldest first.
	Sessions []RecordSession
	// Responses are the measure responses on the case, oldest taken
	// first.
	Responses []RecordResponse
	// Notes are the progress notes, oldest first.
	Notes []RecordNote
	// PsychotherapyNotes are included only when the export asked for
	// them explicitly; nil otherwise.
	PsychotherapyNotes []RecordPsychotherapyNote
}

// RecordConcern is one concern of a case with its codes.
type RecordConcern struct {
	// Diagnosis is the concern and its specifiers.
	Diagnosis concern.Diagnosis
	// Name is the concern as people read it.
	Name string
	// Codes are its ICD-10-CM and ICD-11 codes.
	Codes concern.Codes
}

// RecordComorbidity is a comorbidity recorded on a case.
type RecordComorbidity struct {
	// Kind is the comorbidity (escalation.Kind: "depression").
	Kind string
	// Source is where it came from ("measure", "diagnosis", "judgement").
	Source string
	// Measure is the key of the response it came from, "" when none.
	Measure string
	Note    string
	// RecordedAt is when it was recorded; EndedAt when it ended (zero
	// while it stands) and EndReason why.
	RecordedAt, EndedAt time.Time
	EndReason           string
}

// RecordPlan is the latest version of a case's treatment plan.
type RecordPlan struct {
	Version int
	SavedAt time.Time
	Plan    plissit.TreatmentPlan
}

// RecordSession is one session of a case: when it was held (or is to
// be), how, who held it and where it stands. Its video link and the
// reason of a cancellation stay out (the link is a room at the practice
// that made it, the reason free text the practice keeps), and so do its
// fee and payments (the accounts of the practice that charged them).
type RecordSession struct {
	// Key names the session in the record ("session-1").
	Key string
	// Start is when it starts; Minutes how long it lasts.
	Start   time.Time
	Minutes int
	// Status is scheduled, attended, cancelled or a no-show.
	Status   session.Status
	Modality session.Modality
	Kind     session.Kind
	// CPT is the code it is billed under (session.LookupCPT).
	CPT string
	// CancelledBy and CancelledAt say who cancelled a cancelled session
	// (the client, late or not, or the practice) and when; zero
	// otherwise.
	CancelledBy session.Canceller
	CancelledAt time.Time
	// Practitioner is who held it, by name.
	Practitioner string
}

// RecordResponse is one response to a measure.
type RecordResponse struct {
	// Key names the response in the record ("response-3").
	Key        string
	Instrument string
	Sex        measure.Sex
	// Answers are one an item, nil for an item not answered.
	Answers []*int
	// Closing is the label chosen for the closing question.
	Closing string
	// Status is "in_progress", "completed" or "entered_in_error".
	Status string
	// Result is the score; nil while in progress.
	Result *measure.Result
	// TakenAt is when the client answered.
	TakenAt time.Time
	// Corrects is the key of the response this one corrects ("" for
	// none): a completed response that corrects another is "amended".
	Corrects string
	// ErrorReason says why a response was marked entered in error.
	ErrorReason string
}

// RecordNote is one progress note with its amendments.
type RecordNote struct {
	Key string
	// Author is the practitioner who wrote it, by name.
	Author string
	// Note is the note; its SignedBy is 0 (accounts stay out of the
	// record), SignedAt when it was signed.
	Note       note.Progress
	SignedBy   string
	Amendments []RecordAmendment
	CreatedAt  time.Time
	// Session is the key of the session of the case the note records
	// ("" for a note written apart from one).
	Session string
}

// RecordAmendment is an amendment of a signed note.
type RecordAmendment struct {
	// By is the practitioner who amended it, by name.
	By        string
	Amendment note.Amendment
}

// RecordPsychotherapyNote is a psychotherapy note, exported only when
// asked for.
type RecordPsychotherapyNote struct {
	Key    string
	Author string
	// Note is the note; its Author is 0.
	Note note.Psychotherapy
}

// RecordConsent is a signed consent to treatment.
type RecordConsent struct {
	Key string
	// Version, Title and Text are the consent text signed.
	Version int
	Title   string
	Text    string
	// Signer is "client" or "guardian"; SignedName the name typed;
	// GuardianRelationship for a guardian.
	Signer               string
	SignedName           string
	GuardianRelationship string
	// Witness is the practitioner who witnessed it, by name.
	Witness  string
	SignedAt time.Time
	// WithdrawnAt is when it was withdrawn (zero while in force), and
	// WithdrawalReason why.
	WithdrawnAt      time.Time
	WithdrawalReason string
}

// Count is how many resources the record makes: the progress of an
// export or import is counted in these.
func (r Record) Count() int {
	n := 1 + len(r.Consents)
	if r.Part2 {
		n++ // the notice
	}
	for _, c := range r.Cases {
		n += 1 + len(c.Concerns) + len(c.Comorbidities) + len(c.Sessions) + len(c.Notes) + len(c.PsychotherapyNotes)
		if c.Plan != nil {
			n++
		}
		for _, resp := range c.Responses {
			n++
			if resp.Result != nil {
				n++
			}
		}
	}
	return n
}
