package practice

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/measure"
)

// Measures (issue 12, items 7 and 8): the screening instruments a practice
// uses, the responses a client gives to them, scored by package measure,
// and the escalation the rules of package escalation draw from them. A
// scored response never changes: a correction marks it entered in error
// and records a new one. After every score the case's escalation is
// evaluated and its report kept with its reasons, and a PHQ-9 self-harm
// flag opens a same-day safety task that stays open until the
// practitioner records what they did. The use cases are in
// measures_settings.go, measures_responses.go and measures_escalation.go;
// the pure checks in measures_check.go.

// InstrumentSetting is how the practice uses one instrument: whether it is
// enabled, and for an instrument whose items are licensed, who confirmed
// that the practice holds permission to use them, when, and in what words.
type InstrumentSetting struct {
	// Instrument is the instrument's id ("phq-9").
	Instrument string
	// Enabled says whether practitioners may record responses to it.
	Enabled bool
	// Permission is the confirmation that the practice holds permission
	// to use a licensed instrument's items; nil until confirmed.
	Permission *Permission
	// UpdatedAt is when the setting last changed; zero for the default.
	UpdatedAt time.Time
	// Version guards edits; 0 for an instrument never configured (its
	// default: free instruments enabled, licensed ones not).
	Version int
}

// Permission is a practice admin's confirmation that the practice holds
// permission to use a licensed instrument's items.
type Permission struct {
	// By is the admin's account, ByName their name.
	By     int64
	ByName string
	At     time.Time
	// Statement says what permission the practice holds: from whom, the
	// licence or agreement, its date.
	Statement string
}

// ImportedTexts is one import of a licensed instrument's item texts. The
// latest import of an instrument is the wording its form shows; older
// ones are kept, since responses name the wording they were given on.
type ImportedTexts struct {
	ID         int64
	Instrument string
	Texts      measure.Texts
	By         int64
	At         time.Time
}

// InstrumentView is an instrument with the practice's setting, for the
// admin's page and the practitioner's choice of measure.
type InstrumentView struct {
	Instrument measure.Instrument
	Setting    InstrumentSetting
	// Texts is the wording in use: shipped, or the latest import; nil for
	// a licensed instrument without one.
	Texts *measure.Texts
	// TextsRef names that wording (TextsRef), "" when there is none.
	TextsRef string
	// Imports are the imports of a licensed instrument's texts, newest
	// first.
	Imports []ImportedTexts
}

// Usable says whether practitioners may record responses to the
// instrument now: enabled, with its wording.
func (v InstrumentView) Usable() bool { return v.Setting.Enabled && v.Texts != nil }

// ResponseStatus is where a response is.
type ResponseStatus string

// The statuses of a response.
const (
	// InProgress is a response with an item not answered yet: kept, not
	// scored, and completed later.
	InProgress ResponseStatus = "in_progress"
	// Completed is a response with every item answered, scored; it never
	// changes but to be marked entered in error.
	Completed ResponseStatus = "completed"
	// EnteredInError is a response withdrawn as entered in error, with the
	// reason; it no longer counts.
	EnteredInError ResponseStatus = "entered_in_error"
)

// Label returns the status as people read it.
func (s ResponseStatus) Label() string {
	switch s {
	case InProgress:
		return "in progress"
	case Completed:
		return "scored"
	case EnteredInError:
		return "entered in error"
	}
	return string(s)
}

// Response is a client's response to an instrument on a case.
type Response struct {
	ID       int64
	CaseID   int64
	ClientID int64
	// Instrument is the instrument's id ("phq-9").
	Instrument string
	// Sex is the sex the response is scored for (AUDIT-C's threshold
	// depends on it); measure.NoSex when not given.
	Sex measure.Sex
	// Answers are the answers, one an item in order, nil for an item not
	// answered yet (only while InProgress). Sealed at rest.
	Answers []*int
	// Closing is the label chosen for an unscored closing question
	// (PHQ-9's difficulty question), "" when not answered. Sealed at rest.
	Closing string
	// TextsRef names the wording the response was given on: "shipped" or
	// "import:<id>".
	TextsRef string
	Status   ResponseStatus
	// Result is the score, for a response completed (or completed and
	// then entered in error); nil while in progress. Sealed at rest.
	Result *measure.Result
	// TakenAt is when the client gave the answers.
	TakenAt time.Time
	// EnteredBy is the account that entered the response, EnteredByName
	// their name.
	EnteredBy     int64
	EnteredByName string
	// Source says who gave the response: "" for the practitioner who
	// entered it, SourceClientLink for the client through a link.
	Source    ResponseSource
	CreatedAt time.Time
	UpdatedAt time.Time
	// CompletedAt is when the response was scored; zero while in
	// progress.
	CompletedAt time.Time
	// Error is why and by whom the response was marked entered in error;
	// nil otherwise.
	Error *ErrorMark
	// Corrects is the response this one corrects, CorrectedBy the one that
	// corrects this one; 0 for none.
	Corrects    int64
	CorrectedBy int64
	// Version guards edits of a response in progress.
	Version int
}

// ErrorMark is why a response was marked entered in error, by whom and
// when.
type ErrorMark struct {
	// Reason says what was wrong (sealed at rest).
	Reason string
	By     int64
	ByName string
	At     time.Time
}

// Answered returns how many items have an answer.
func (r Response) Answered() int {
	n := 0
	for _, a := range r.Answers {
		if a != nil {
			n++
		}
	}
	return n
}

// InstrumentName is the instrument's name ("PHQ-9"), or its id when
// unknown.
func (r Response) InstrumentName() string { return measureName(r.Instrument) }

// Score writes the response's total as people read it ("12", "19.8"); ""
// while it is not scored.
func (r Response) Score() string {
	if r.Result == nil {
		return ""
	}
	return measureScore(r.Result.Total)
}

// Ref is how escalation reports and pages name the response:
// "response:<id>".
func (r Response) Ref() string { return ResponseRef(r.ID) }

// EscalationTrigger says what made the escalation of a case be evaluated.
type EscalationTrigger string

// The triggers of an evaluation.
const (
	// TriggerScored is a response scored.
	TriggerScored EscalationTrigger = "response_scored"
	// TriggerEnteredInError is a scored response marked entered in error,
	// which no longer counts.
	TriggerEnteredInError EscalationTrigger = "response_entered_in_error"
	// TriggerComorbidity is a comorbidity recorded on the case, or ended
	// (by the cases use cases).
	TriggerComorbidity EscalationTrigger = "comorbidity"
)

// EscalationRecord is one evaluation of a case's escalation, kept with its
// explanation so that what the rules said, and why, can be read later.
type EscalationRecord struct {
	ID     int64
	CaseID int64
	// At is when it was evaluated, By by whose action.
	At time.Time
	By int64
	// Trigger says what made it be evaluated, Response the response that
	// did (0 for none).
	Trigger  EscalationTrigger
	Response int64
	// RulesVersion is the version of the rules evaluated.
	RulesVersion string
	// NeedsIntensiveTherapy is the report's verdict (kept apart from the
	// sealed explanation, for lists).
	NeedsIntensiveTherapy bool
	// Explanation is the report (sealed at rest).
	Explanation Explanation
}

// Explanation is an escalation report as kept: every rule with whether it
// fired, on which measure and value, and why.
type Explanation struct {
	RulesVersion string `json:"rules_version"`
	Effective    string `json:"effective"`
	// Comorbidities are the comorbidities indicated, each with where it
	// came from.
	Comorbidities []ExplainedComorbidity `json:"comorbidities"`
	// NeedsIntensiveTherapy says whether the case needs Intensive
	// Therapy, and Reasons why.
	NeedsIntensiveTherapy bool     `json:"needs_intensive_therapy"`
	Reasons               []string `json:"reasons"`
	// SafetyTasks are the safety tasks the rules call for.
	SafetyTasks []ExplainedTask `json:"safety_tasks"`
	// Rules are every rule, in the rules' order.
	Rules []ExplainedRule `json:"rules"`
}

// ExplainedComorbidity is a comorbidity indicated on a case.
type ExplainedComorbidity struct {
	Kind  escalation.Kind `json:"kind"`
	Label string          `json:"label"`
	// From say where it came from, one sentence each.
	From []string `json:"from"`
}

// ExplainedTask is a safety task the rules call for.
type ExplainedTask struct {
	Task string `json:"task"`
	Rule string `json:"rule"`
	// Response is the response that raised it ("response:<id>").
	Response string `json:"response"`
	Why      string `json:"why"`
}

// ExplainedRule is one rule's outcome: the rule, the measure it was tested
// on (none for a rule on comorbidities, or when the case has no such
// measure), whether it fired and why.
type ExplainedRule struct {
	Rule   string `json:"rule"`
	Says   string `json:"says"`
	Source string `json:"source"`
	// Measure is the measure the rule was tested on; nil for none.
	Measure *MeasureValue `json:"measure,omitempty"`
	Fired   bool          `json:"fired"`
	Why     string        `json:"why"`
}

// MeasureValue is the value a rule was tested on.
type MeasureValue struct {
	Instrument string    `json:"instrument"`
	Total      float64   `json:"total"`
	Band       string    `json:"band,omitempty"`
	Positive   bool      `json:"positive"`
	Flags      []string  `json:"flags"`
	Taken      time.Time `json:"taken"`
	// Response is the response scored ("response:<id>").
	Response string `json:"response"`
}

// InstrumentName is the instrument's name ("PHQ-9").
func (v MeasureValue) InstrumentName() string { return measureName(v.Instrument) }

// Score writes the total as people read it ("12", "19.8").
func (v MeasureValue) Score() string { return measureScore(v.Total) }

// measureName returns an instrument's name, or its id when unknown.
func measureName(id string) string {
	if in, ok := measure.Lookup(id); ok {
		return in.Name
	}
	return id
}

// measureScore writes a total to one decimal place at most, without trailing
// zeros: totals are whole, or tenths for FSFI.
func measureScore(t float64) string {
	return strconv.FormatFloat(math.Round(t*10)/10, 'f', -1, 64)
}

// Fired returns the rules that fired.
func (e Explanation) Fired() []ExplainedRule {
	var out []ExplainedRule
	for _, r := range e.Rules {
		if r.Fired {
			out = append(out, r)
		}
	}
	return out
}

// SafetyTask is a same-day safety task: a PHQ-9 self-harm flag calls for
// follow-up the same day, whatever the total. It stays open, on the home
// page of every practitioner assigned to the client, until one of them
// records what they did.
type SafetyTask struct {
	ID       int64
	CaseID   int64
	ClientID int64
	// Practitioner is the practitioner who entered the response; the
	// follow-up falls to every practitioner assigned to the client.
	Practitioner int64
	// Response is the response that raised it, Rule the rule that opened
	// it and Why the rule's reason. Link is the link through which the
	// client saved the answers that raised it before sending them (0 for
	// none); Response is 0 until they are sent.
	Response int64
	Link     int64
	Rule     string
	Why      string
	OpenedAt time.Time
	// Due is the day it is due: the day it was opened (UTC).
	Due date.Date
	// Resolution is what the practitioner did; nil while open.
	Resolution *Resolution
}

// Open says whether the task is still open.
func (t SafetyTask) Open() bool { return t.Resolution == nil }

// Overdue says whether an open task's day has passed on today.
func (t SafetyTask) Overdue(today date.Date) bool { return t.Open() && t.Due.Before(today) }

// Resolution is what a practitioner did about a safety task.
type Resolution struct {
	// Action says what they did (sealed at rest).
	Action string
	By     int64
	ByName string
	At     time.Time
}

// Series is one instrument's scores on a case over time, for a chart:
// responses scored and not entered in error, oldest first.
type Series struct {
	Instrument measure.Instrument
	Points     []Point
}

// Point is one score of a series.
type Point struct {
	Response int64
	Taken    time.Time
	Total    float64
	Band     string
	Positive bool
	Flags    []string
}

// measureReads are the reads of the measures use cases outside a
// transaction: the practice's settings, which are not part of a client's
// record.
type measureReads interface {
	// MeasureSettings lists the instruments configured (those never
	// configured are absent).
	MeasureSettings(ctx context.Context) ([]InstrumentSetting, error)
	// LatestMeasureTexts returns the latest import of each instrument's
	// texts, by instrument.
	LatestMeasureTexts(ctx context.Context) (map[string]ImportedTexts, error)
}

// measureWrites are the reads and writes of the measures use cases inside
// a transaction. A missing row is certboard.ErrNotFound, wrapped; a write
// that lost a race is certboard.ErrConflict, wrapped.
type measureWrites interface {
	// LockMeasureSetting reads an instrument's setting, locking it
	// (ErrNotFound when never configured).
	LockMeasureSetting(ctx context.Context, instrument string) (*InstrumentSetting, error)
	// SaveMeasureSetting writes an instrument's setting if it is still at
	// s.Version (0: not configured yet), and returns the new version
	// (ErrConflict otherwise).
	SaveMeasureSetting(ctx context.Context, s InstrumentSetting) (int, error)
	// CreateMeasureTexts stores an import of texts and returns its id.
	CreateMeasureTexts(ctx context.Context, t ImportedTexts) (int64, error)
	// MeasureTexts reads an import of texts by id.
	MeasureTexts(ctx context.Context, id int64) (*ImportedTexts, error)
	// MeasureTextsOf lists an instrument's imports, newest first.
	MeasureTextsOf(ctx context.Context, instrument string) ([]ImportedTexts, error)

	// CreateMeasureResponse stores a response and returns its id.
	CreateMeasureResponse(ctx context.Context, r Response) (int64, error)
	// MeasureResponse reads a response.
	MeasureResponse(ctx context.Context, id int64) (*Response, error)
	// LockMeasureResponse reads a response, locking it.
	LockMeasureResponse(ctx context.Context, id int64) (*Response, error)
	// SaveMeasureProgress rewrites a response in progress (answers,
	// closing, status, result, taken, completed and updated times) if it
	// is still in progress at version, and returns the new version
	// (ErrConflict otherwise). A completed response is never rewritten.
	SaveMeasureProgress(ctx context.Context, r Response, version int) (int, error)
	// MarkMeasureInError marks a response in progress or completed
	// entered in error, naming the response that corrects it (0 for
	// none); ErrConflict when it already is.
	MarkMeasureInError(ctx context.Context, id int64, mark ErrorMark, correctedBy int64) error
	// CaseMeasureResponses lists a case's responses, newest taken first.
	CaseMeasureResponses(ctx context.Context, caseID int64) ([]Response, error)
	// ClientMeasureResponses lists a client's responses on all their
	// cases, newest taken first.
	ClientMeasureResponses(ctx context.Context, clientID int64) ([]Response, error)
	// MeasuresForEscalation returns a case's scored responses that count
	// (completed, not entered in error), oldest taken first, as the
	// escalation rules read them: the latest of each instrument (the later
	// id on a tie), the only ones they evaluate; each Ref is
	// "response:<id>". The cases use cases call it too, when a
	// comorbidity is recorded.
	MeasuresForEscalation(ctx context.Context, caseID int64) ([]escalation.Measure, error)

	// CreateEscalationRecord stores an evaluation and returns its id.
	CreateEscalationRecord(ctx context.Context, e EscalationRecord) (int64, error)
	// LatestEscalationRecord returns a case's latest evaluation (ErrNotFound
	// when none).
	LatestEscalationRecord(ctx context.Context, caseID int64) (*EscalationRecord, error)
	// ResponseEscalationRecords lists the evaluations a response triggered,
	// oldest first.
	ResponseEscalationRecords(ctx context.Context, responseID int64) ([]EscalationRecord, error)

	// CreateSafetyTask stores a safety task and returns its id.
	CreateSafetyTask(ctx context.Context, t SafetyTask) (int64, error)
	// ResponseSafetyTasks lists the safety tasks a response raised.
	ResponseSafetyTasks(ctx context.Context, responseID int64) ([]SafetyTask, error)
	// LockSafetyTask reads a safety task, locking it.
	LockSafetyTask(ctx context.Context, id int64) (*SafetyTask, error)
	// ResolveSafetyTask records what was done about an open task
	// (ErrConflict when it is resolved already).
	ResolveSafetyTask(ctx context.Context, id int64, r Resolution) error
	// OpenSafetyTasks lists the open tasks of the clients a
	// practitioner is assigned to now, oldest first.
	OpenSafetyTasks(ctx context.Context, practitionerID int64) ([]SafetyTask, error)
	// CaseSafetyTasks lists a case's tasks, newest first.
	CaseSafetyTasks(ctx context.Context, caseID int64) ([]SafetyTask, error)
	// ClientOpenSafetyTasks lists a client's open tasks, oldest first.
	ClientOpenSafetyTasks(ctx context.Context, clientID int64) ([]SafetyTask, error)
}
