package practice

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/plissit"
)

// What a person writes on a case, checked here before a use case opens
// its transaction: every check is pure, says field by field what to fix,
// and changes nothing.

// Bounds of what a person writes on a case, in characters.
const (
	// MaxCaseReason bounds a reason (of a move, of closing a case, of
	// ending a comorbidity, of a referral).
	MaxCaseReason = plissit.MaxReason
	// MaxCaseNote bounds a comorbidity's note.
	MaxCaseNote = plissit.MaxReason
	// MaxReferralLine bounds one line of a referral: a name, an
	// organisation, a contact, one thing shared.
	MaxReferralLine = 300
	// MaxReferralURL bounds the registry link of a referral.
	MaxReferralURL = 500
	// MaxShared bounds how many things a referral shares.
	MaxShared = 20
	// MaxCaseConcerns bounds the concerns of a case.
	MaxCaseConcerns = plissit.MaxItems
	// MaxMeasureRef bounds the reference to a stored measure.
	MaxMeasureRef = plissit.MaxID
)

// form gathers what is wrong with an input, field by field in the order
// found, and becomes one Invalid error: the common part of caseForm and
// noteForm.
type form struct {
	order  []string
	fields map[string]string
}

// addMessage records a message that already names its field; a field
// keeps its first problem.
func (f *form) addMessage(field, msg string) {
	if f.fields == nil {
		f.fields = map[string]string{}
	}
	if _, seen := f.fields[field]; seen {
		return
	}
	f.fields[field] = msg
	f.order = append(f.order, field)
}

// err returns nil when nothing is wrong, or an Invalid error with the
// title given: Fields say what to fix by field, the message lists them in
// the order found, and Field names the first.
func (f *form) err(title string) error {
	if len(f.order) == 0 {
		return nil
	}
	msgs := make([]string, len(f.order))
	for i, k := range f.order {
		msgs[i] = f.fields[k]
	}
	return &certboard.Error{Code: certboard.Invalid, Title: title, Field: f.order[0],
		Message: strings.Join(msgs, "; "), Fields: f.fields}
}

// caseForm is the form of the case records' inputs, whose checks say how
// to fix a field.
type caseForm struct{ form }

// add records that field is wrong and how to fix it; a field keeps its
// first problem.
func (f *caseForm) add(field, how string) {
	if _, seen := f.fields[field]; seen {
		return
	}
	f.addMessage(field, certboard.FieldError(certboard.Invalid, field, how).Message)
}

// addErr records the fields of an Invalid error another check returned,
// each under prefix; any other error is returned as it is.
func (f *caseForm) addErr(prefix string, err error) error {
	e := certboard.As(err)
	if e == nil {
		return nil
	}
	if e.Code != certboard.Invalid {
		return err
	}
	if len(e.Fields) == 0 {
		f.add(prefix+e.Field, strings.TrimPrefix(e.Message, e.Field+": "))
		return nil
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if e.Field != "" { // the first problem first
		keys = slices.DeleteFunc(keys, func(k string) bool { return k == e.Field })
		keys = append([]string{e.Field}, keys...)
	}
	for _, k := range keys {
		f.add(prefix+k, strings.TrimPrefix(e.Fields[k], k+": "))
	}
	return nil
}

// text checks free text and returns it trimmed: valid UTF-8, no control
// characters (but line breaks and tabs when multiline), at most max
// characters. Blank text is refused with need when need is not "".
func (f *caseForm) text(field, s string, max int, multiline bool, need string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if need != "" {
			f.add(field, need)
		}
		return ""
	}
	if !utf8.ValidString(s) {
		f.add(field, "is not valid text (UTF-8); type or paste it again as plain text")
		return s
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if !multiline && (r == '\n' || r == '\r') {
			f.add(field, "keep it to one line")
			return s
		}
		if unicode.IsControl(r) {
			f.add(field, fmt.Sprintf("remove the control character %U", r))
			return s
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		f.add(field, fmt.Sprintf("write at most %d characters (this has %d)", max, n))
	}
	return s
}

// ComorbiditySource is where a comorbidity recorded on a case comes from.
type ComorbiditySource string

// The sources of a comorbidity, in the order a form offers them.
const (
	// FromMeasure is a scored measure (its reference is required).
	FromMeasure ComorbiditySource = "measure"
	// FromDiagnosis is a diagnosis on file.
	FromDiagnosis ComorbiditySource = "diagnosis"
	// FromJudgement is the practitioner's clinical judgement.
	FromJudgement ComorbiditySource = "judgement"
)

// ComorbiditySources lists the sources in order.
func ComorbiditySources() []ComorbiditySource {
	return []ComorbiditySource{FromMeasure, FromDiagnosis, FromJudgement}
}

// Label returns the source as people read it.
func (s ComorbiditySource) Label() string {
	switch s {
	case FromMeasure:
		return "a scored measure"
	case FromDiagnosis:
		return "a diagnosis on file"
	case FromJudgement:
		return "the practitioner's judgement"
	}
	return string(s)
}

// Known says whether s is one of ComorbiditySources.
func (s ComorbiditySource) Known() bool { return slices.Contains(ComorbiditySources(), s) }

// escalationSource is the source the escalation rules know the record by.
// A screening measure indicates, it does not diagnose: a comorbidity a
// practitioner records from one is their judgement on the measure, and the
// measure itself reaches the rules on its own (Input.Measures).
func (s ComorbiditySource) escalationSource() escalation.Source {
	if s == FromDiagnosis {
		return escalation.Diagnosis
	}
	return escalation.Judgement
}

// ComorbidityInput is what recording a comorbidity on a case takes.
type ComorbidityInput struct {
	// Kind is the comorbidity (escalation.Kinds lists them).
	Kind string
	// Source is where it comes from (ComorbiditySources lists them).
	Source string
	// MeasureRef identifies the scored measure it comes from: required
	// with the source "measure", and otherwise optional (a measure that
	// supports a diagnosis or a judgement).
	MeasureRef string
	// Note says more: which diagnosis, what the practitioner saw. It is
	// sealed at rest.
	Note string
}

// checkComorbidity checks a comorbidity to record and returns its parts.
func checkComorbidity(in ComorbidityInput) (escalation.Kind, ComorbiditySource, string, string, error) {
	var f caseForm
	kind, err := escalation.ParseKind(strings.TrimSpace(in.Kind))
	if err := f.addErr("", err); err != nil {
		return "", "", "", "", err
	}
	src := ComorbiditySource(strings.TrimSpace(in.Source))
	if !src.Known() {
		f.add("source", fmt.Sprintf("choose where the comorbidity comes from: %s", comorbiditySourceList()))
	}
	ref := strings.TrimSpace(in.MeasureRef)
	switch {
	case ref == "" && src == FromMeasure:
		f.add("measure_ref", "name the scored measure the comorbidity comes from, or choose another source")
	case ref != "" && !plissit.ValidID(ref): // MaxMeasureRef is plissit.MaxID
		f.add("measure_ref", fmt.Sprintf("%q is not a reference to a measure: use 1 to %d letters, digits, '.', '_', ':' or '-', as the list of measures offers them", caseClip(ref), MaxMeasureRef))
	}
	note := f.text("note", in.Note, MaxCaseNote, true, "")
	if src == FromDiagnosis && note == "" {
		f.add("note", "name the diagnosis on file: which, by whom, when")
	}
	return kind, src, ref, note, f.err("Invalid comorbidity")
}

// comorbiditySourceList names the sources for messages: "measure, diagnosis or
// judgement".
func comorbiditySourceList() string {
	s := ComorbiditySources()
	ids := make([]string, len(s))
	for i, x := range s {
		ids[i] = string(x)
	}
	return strings.Join(ids[:len(ids)-1], ", ") + " or " + ids[len(ids)-1]
}

// caseClip shortens s for a message.
func caseClip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// ShareConsent is the client's answer to sharing their record with the
// person a referral is made to.
type ShareConsent string

// The answers; there is no default: a referral records the client's
// answer.
const (
	// ConsentGiven: the client agreed to share what the referral lists.
	ConsentGiven ShareConsent = "yes"
	// ConsentRefused: the client did not agree; nothing is shared, and
	// the client takes the referral's details themselves.
	ConsentRefused ShareConsent = "no"
)

// ReferralTo is whom a referral is made to.
type ReferralTo struct {
	// Name is the practitioner's or the service's name.
	Name string
	// Organisation is where they work; optional.
	Organisation string
	// Contact is how to reach them: an address, a telephone, a mail.
	Contact string
	// RegistryURL is their entry in a board's public registry, where their
	// credential can be checked; optional, an https address.
	RegistryURL string
	// EntryID is their entry's id in the registry of the board they were
	// chosen from (Referral.Board); 0 when they were not.
	EntryID int64
	// Credential names the credential they hold, as the registry showed
	// it when they were chosen ("AASECT Certified Sex Therapist: valid").
	Credential string
}

// ReferralInput is what recording a referral takes.
type ReferralInput struct {
	// Stage is the PLISSIT stage the client is referred for (usually
	// intensive_therapy); empty means Intensive Therapy.
	Stage string
	// To is whom the client is referred to.
	To ReferralTo
	// Why says why the client is referred. It is sealed at rest.
	Why string
	// Consent is the client's answer to sharing their record: "yes" or
	// "no".
	Consent string
	// Share ticks what of the record the client agreed to share, each one
	// of ShareItems (the reason for referral always goes), and
	// Instruments the instruments whose latest score is shared (with
	// ShareScores ticked). Both must be empty when the client did not
	// consent.
	Share       []string
	Instruments []string
	// Shared lists anything else the client agreed to share, in words
	// ("the sexual history"), one thing a line; it must be empty when the
	// client did not consent. It is sealed at rest.
	Shared []string
}

// referralBody is the checked input of a referral.
type referralBody struct {
	stage   plissit.Stage
	to      ReferralTo
	why     string
	consent ShareConsent
	scope   *ReferralScope
	shared  []string
}

// checkReferral checks a referral to record.
func checkReferral(in ReferralInput) (referralBody, error) {
	b, f := checkReferralBody(in, true)
	return b, f.err("Invalid referral")
}

// checkReferralBody checks a referral, whom to (in.To) only when withTo
// (a draft's therapist is chosen later), and returns what is wrong,
// field by field.
func checkReferralBody(in ReferralInput, withTo bool) (referralBody, *caseForm) {
	f := &caseForm{}
	var b referralBody
	b.stage = plissit.IntensiveTherapy
	if s := strings.TrimSpace(in.Stage); s != "" {
		st, err := plissit.ParseStage(s)
		_ = f.addErr("", err) // an Invalid error, added field by field
		b.stage = st
	}
	if withTo {
		b.to.Name = f.text("to.name", in.To.Name, MaxReferralLine, false, "name the practitioner or service the client is referred to")
		b.to.Organisation = f.text("to.organisation", in.To.Organisation, MaxReferralLine, false, "")
		b.to.Contact = f.text("to.contact", in.To.Contact, MaxReferralLine, false, "say how to reach them: an address, a telephone or a mail")
		if u := strings.TrimSpace(in.To.RegistryURL); u != "" {
			b.to.RegistryURL = u
			if how := checkRegistryURL(u); how != "" {
				f.add("to.registry_url", how)
			}
		}
	}
	b.why = f.text("why", in.Why, MaxCaseReason, true, "say why the client is referred")
	switch ShareConsent(strings.TrimSpace(in.Consent)) {
	case ConsentGiven:
		b.consent = ConsentGiven
	case ConsentRefused:
		b.consent = ConsentRefused
	case "":
		f.add("consent", "record the client's answer: yes if they agree to share their record with the person referred to, no otherwise")
	default:
		f.add("consent", fmt.Sprintf("%q is not an answer; use yes or no", caseClip(in.Consent)))
	}
	b.scope = checkScope(f, b.consent, in.Share, in.Instruments)
	switch {
	case b.consent == ConsentRefused && len(in.Shared) > 0:
		f.add("shared", "the client did not consent to share; list nothing, or record their consent")
	case len(in.Shared) > MaxShared:
		f.add("shared", fmt.Sprintf("list at most %d things (this has %d); merge the ones that belong together", MaxShared, len(in.Shared)))
	default:
		seen := map[string]int{}
		for i, s := range in.Shared {
			field := fmt.Sprintf("shared.%d", i)
			s = f.text(field, s, MaxReferralLine, false, fmt.Sprintf("thing shared %d is empty; write it or remove it", i+1))
			k := strings.ToLower(s)
			if j, dup := seen[k]; dup && k != "" {
				f.add(field, fmt.Sprintf("thing shared %d repeats thing shared %d; remove one of them", i+1, j))
				continue
			}
			seen[k] = i + 1
			b.shared = append(b.shared, s)
		}
	}
	return b, f
}

// checkRegistryURL says what is wrong with a registry link, "" when
// nothing is: an absolute https address of at most MaxReferralURL
// characters, without credentials.
func checkRegistryURL(s string) string {
	if len(s) > MaxReferralURL {
		return fmt.Sprintf("use a link of at most %d characters", MaxReferralURL)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || strings.ContainsAny(s, " \t\r\n"):
		return "give the full address of their registry entry, starting with https://, or leave it empty"
	case u.Scheme != "https":
		return "use the registry's https:// address"
	case u.User != nil:
		return "remove the name and password from the link"
	}
	return ""
}

// ReferralStatus is where a referral stands.
type ReferralStatus string

// The statuses of a referral.
const (
	// ReferralDraft: begun, the therapist not chosen yet or the referral
	// not passed on (a board's registry that could not be reached keeps
	// it here); it is completed and sent later.
	ReferralDraft ReferralStatus = "draft"
	// ReferralSent: recorded and passed on to the client or the person
	// referred to (migration 00011 renamed "made" to it).
	ReferralSent ReferralStatus = "sent"
	// ReferralAccepted: the person referred to took the client on.
	ReferralAccepted ReferralStatus = "accepted"
	// ReferralDeclined: the person referred to could not take the client.
	ReferralDeclined ReferralStatus = "declined"
	// ReferralCompleted: the client was seen and the referral is done.
	ReferralCompleted ReferralStatus = "completed"
	// ReferralWithdrawn: the referral was withdrawn (the client changed
	// their mind, or it was made in error).
	ReferralWithdrawn ReferralStatus = "withdrawn"
)

// ReferralStatuses lists every status, in the order a referral goes
// through them.
func ReferralStatuses() []ReferralStatus {
	return []ReferralStatus{ReferralDraft, ReferralSent, ReferralAccepted, ReferralDeclined, ReferralCompleted, ReferralWithdrawn}
}

// Label returns the status as people read it.
func (s ReferralStatus) Label() string {
	switch s {
	case ReferralDraft:
		return "Draft"
	case ReferralSent:
		return "Sent"
	case ReferralAccepted:
		return "Accepted"
	case ReferralDeclined:
		return "Declined"
	case ReferralCompleted:
		return "Completed"
	case ReferralWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// Next lists the statuses a referral at s may move to: a draft is sent or
// withdrawn; a sent referral is accepted, declined or withdrawn; an
// accepted one completed or withdrawn; the others are final.
func (s ReferralStatus) Next() []ReferralStatus {
	switch s {
	case ReferralDraft:
		return []ReferralStatus{ReferralSent, ReferralWithdrawn}
	case ReferralSent:
		return []ReferralStatus{ReferralAccepted, ReferralDeclined, ReferralWithdrawn}
	case ReferralAccepted:
		return []ReferralStatus{ReferralCompleted, ReferralWithdrawn}
	}
	return nil
}

// ParseReferralStatus reads a status's id; anything else is an Invalid
// error naming the field "status".
func ParseReferralStatus(s string) (ReferralStatus, error) {
	if st := ReferralStatus(s); slices.Contains(ReferralStatuses(), st) {
		return st, nil
	}
	ids := make([]string, 0, len(ReferralStatuses()))
	for _, st := range ReferralStatuses() {
		ids = append(ids, string(st))
	}
	return "", certboard.FieldError(certboard.Invalid, "status",
		fmt.Sprintf("unknown status %q; use one of %s", caseClip(s), strings.Join(ids, ", ")))
}

// caseReason checks a reason written on a case (closing it, ending a
// comorbidity) and returns it trimmed; need says what to write when it is
// blank.
func caseReason(field, s, need string) (string, error) {
	var f caseForm
	s = f.text(field, s, MaxCaseReason, true, need)
	return s, f.err("Check your input")
}

// checkConcerns checks the concerns of a case against the taxonomy: each
// a concern it lists, with specifiers the concern takes (concern.Check),
// none twice, at most MaxCaseConcerns. Field names are
// "concerns.0.concern", "concerns.1.specifiers.onset" and so on.
func checkConcerns(t *concern.Taxonomy, ds []concern.Diagnosis) error {
	var f caseForm
	if len(ds) > MaxCaseConcerns {
		f.add("concerns", fmt.Sprintf("record at most %d concerns (this has %d); keep those the case works on", MaxCaseConcerns, len(ds)))
		return f.err("Invalid concerns")
	}
	seen := map[string]int{}
	for i, d := range ds {
		prefix := fmt.Sprintf("concerns.%d.", i)
		if err := f.addErr(prefix, t.Check(d)); err != nil {
			return err
		}
		if j, dup := seen[d.Concern]; dup && d.Concern != "" {
			f.add(prefix+concern.FieldConcern, fmt.Sprintf("concern %d is the same as concern %d; record it once", i+1, j))
		} else {
			seen[d.Concern] = i + 1
		}
	}
	return f.err("Invalid concerns")
}
