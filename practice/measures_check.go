package practice

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/chart"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/measure"
)

// The pure checks and derivations of the measures use cases: what a person
// sends is checked here, field by field, before a transaction opens, so
// bad input changes nothing.

// The bounds of what a person writes about measures, in characters.
const (
	// MinPermissionStatement and MaxPermissionStatement bound the
	// statement of the permission a practice holds.
	MinPermissionStatement = 20
	MaxPermissionStatement = 2000
	// MinErrorReason and MaxErrorReason bound why a response was entered
	// in error.
	MinErrorReason = 10
	MaxErrorReason = 2000
	// MinSafetyAction and MaxSafetyAction bound what a practitioner did
	// about a safety task.
	MinSafetyAction = 10
	MaxSafetyAction = 4000
)

// ShippedTextsRef names the wording certboard ships, for a response given
// on it.
const ShippedTextsRef = "shipped"

// ImportRef names an import of texts: "import:<id>".
func ImportRef(id int64) string { return "import:" + strconv.FormatInt(id, 10) }

// ResponseRef names a response: "response:<id>".
func ResponseRef(id int64) string { return "response:" + strconv.FormatInt(id, 10) }

// ParseResponseRef reads "response:<id>"; false for anything else.
func ParseResponseRef(s string) (int64, bool) { return parseRef(s, "response:") }

// parseRef reads "<kind><id>", kind ending in its colon, the id positive
// and written as FormatInt writes it; false for anything else.
func parseRef(s, kind string) (int64, bool) {
	rest, ok := strings.CutPrefix(s, kind)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != rest {
		return 0, false
	}
	return id, true
}

// CheckAnswers checks a response's answers to an instrument: one an item,
// in order, each nil (not answered yet) or a value the item allows. It
// reports whether every item is answered, so that the response can be
// scored. A response with no answer at all is refused: there is nothing
// to keep. Problems are an Invalid *certboard.Error whose Fields name each
// item at fault ("item 3").
func CheckAnswers(in measure.Instrument, answers []*int) (complete bool, err error) {
	if len(answers) != len(in.Items) {
		return false, certboard.FieldError(certboard.Invalid, "answers",
			fmt.Sprintf("%s has %d items; got %d answers (leave an item unanswered rather than leaving it out)",
				in.Name, len(in.Items), len(answers)))
	}
	fields := map[string]string{}
	first := ""
	answered := 0
	for i, a := range answers {
		if a == nil {
			continue
		}
		answered++
		it := in.Items[i]
		if slices.Contains(it.Allowed, *a) {
			continue
		}
		field := fmt.Sprintf("item %d", it.Number)
		fields[field] = fmt.Sprintf("%s: %d is not an answer %s item %d allows; choose one of %s",
			field, *a, in.Name, it.Number, allowedWords(it))
		if first == "" {
			first = field
		}
	}
	if first != "" {
		return false, &certboard.Error{Code: certboard.Invalid, Field: first, Message: fields[first], Fields: fields}
	}
	if answered == 0 {
		return false, certboard.FieldError(certboard.Invalid, "answers",
			fmt.Sprintf("no item of %s is answered; answer at least one item to keep the response", in.Name))
	}
	return answered == len(answers), nil
}

// allowedWords describes the values an item allows: "0 to 3" or "0, 2 or 4".
func allowedWords(it measure.Item) string {
	contiguous := true
	for i := 1; i < len(it.Allowed); i++ {
		if it.Allowed[i] != it.Allowed[i-1]+1 {
			contiguous = false
		}
	}
	if contiguous && len(it.Allowed) > 1 {
		return fmt.Sprintf("%d to %d", it.Allowed[0], it.Allowed[len(it.Allowed)-1])
	}
	vals := make([]string, len(it.Allowed))
	for i, v := range it.Allowed {
		vals[i] = strconv.Itoa(v)
	}
	if len(vals) < 2 {
		return strings.Join(vals, "")
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

// checkClosing checks the label chosen for the wording's closing question:
// "" (not answered) or one of its labels.
func checkClosing(t measure.Texts, label string) (string, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		return "", nil
	}
	if t.Closing == nil {
		return "", certboard.FieldError(certboard.Invalid, "closing",
			fmt.Sprintf("%s has no closing question; leave it empty", strings.ToUpper(t.Instrument)))
	}
	if !slices.Contains(t.Closing.Labels, label) {
		return "", certboard.FieldError(certboard.Invalid, "closing",
			fmt.Sprintf("%q is not one of the answers to the closing question; choose one of %s", label,
				strings.Join(t.Closing.Labels, "; ")))
	}
	return label, nil
}

// earliestTaken is the earliest day a response may be dated.
var earliestTaken = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// takenSkew is how far ahead of the clock a response may be dated, for
// clocks a little apart.
const takenSkew = 5 * time.Minute

// checkTakenAt checks when a response was taken: given, not in the future
// and not before 2000.
func checkTakenAt(t, now time.Time) (time.Time, error) {
	switch {
	case t.IsZero():
		return t, certboard.FieldError(certboard.Invalid, "taken_at", "give the day and time the client answered")
	case t.After(now.Add(takenSkew)):
		return t, certboard.FieldError(certboard.Invalid, "taken_at",
			fmt.Sprintf("%s is in the future; give when the client answered", t.UTC().Format("2006-01-02 15:04 UTC")))
	case t.Before(earliestTaken):
		return t, certboard.FieldError(certboard.Invalid, "taken_at",
			fmt.Sprintf("%s is before 2000; check the year", t.UTC().Format("2006-01-02")))
	}
	return t.UTC().Truncate(time.Second), nil
}

// checkWords checks free text a person writes and returns it trimmed:
// valid UTF-8, no control characters but line breaks and tabs, from min to
// max characters. need says what to write, for a message.
func checkWords(field, s string, min, max int, need string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", certboard.FieldError(certboard.Invalid, field, "is not valid text (UTF-8); type or paste it again as plain text")
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return "", certboard.FieldError(certboard.Invalid, field, fmt.Sprintf("remove the control character %U", r))
		}
	}
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", certboard.FieldError(certboard.Invalid, field, need)
	case n < min:
		return "", certboard.FieldError(certboard.Invalid, field,
			fmt.Sprintf("%s; write at least %d characters (this has %d)", need, min, n))
	case n > max:
		return "", certboard.FieldError(certboard.Invalid, field, fmt.Sprintf("write at most %d characters (this has %d)", max, n))
	}
	return s, nil
}

// checkInstrument looks an instrument up, naming the field "instrument".
func checkInstrument(id string) (measure.Instrument, error) {
	in, ok := measure.Lookup(id)
	if !ok {
		return measure.Instrument{}, certboard.FieldError(certboard.Invalid, "instrument",
			fmt.Sprintf("unknown instrument %q; use one of %s", id, strings.Join(measure.IDs(), ", ")))
	}
	return in, nil
}

// SeriesOf returns the scores of each instrument over time, in the order
// of measure.IDs, from a case's responses: only responses completed and
// not entered in error count; points are oldest first. Instruments
// without a score are left out.
func SeriesOf(responses []Response) []Series {
	by := map[string][]Point{}
	for _, r := range responses {
		if r.Status != Completed || r.Result == nil {
			continue
		}
		by[r.Instrument] = append(by[r.Instrument], Point{Response: r.ID, Taken: r.TakenAt, Total: r.Result.Total,
			Band: r.Result.Band, Positive: r.Result.Positive, Flags: slices.Clone(r.Result.Flags)})
	}
	var out []Series
	for _, id := range measure.IDs() {
		pts, ok := by[id]
		if !ok {
			continue
		}
		slices.SortStableFunc(pts, func(a, b Point) int {
			return cmp.Or(a.Taken.Compare(b.Taken), cmp.Compare(a.Response, b.Response))
		})
		in, _ := measure.Lookup(id)
		out = append(out, Series{Instrument: in, Points: pts})
	}
	return out
}

// ChartSeries returns a case's responses as the series package chart
// draws, one an instrument that has a score, in the order of
// measure.IDs: every response, dated when the client answered, with its
// status (chart draws only the scored ones, so those in progress or
// entered in error are left off). A series is scored for the sex of its
// latest scored response (AUDIT-C's threshold depends on it).
func ChartSeries(responses []Response) []chart.Series {
	by := map[string]*chart.Series{}
	latest := map[string]time.Time{}
	for _, r := range responses {
		s, ok := by[r.Instrument]
		if !ok {
			s = &chart.Series{Instrument: r.Instrument}
			by[r.Instrument] = s
		}
		p := chart.Point{At: r.TakenAt}
		switch r.Status {
		case Completed:
			p.Status = chart.Completed
		case InProgress:
			p.Status = chart.InProgress
		default:
			p.Status = chart.EnteredInError
		}
		if r.Result != nil {
			p.Total, p.Positive, p.Flags = r.Result.Total, r.Result.Positive, slices.Clone(r.Result.Flags)
		}
		if p.Status == chart.Completed && !r.TakenAt.Before(latest[r.Instrument]) {
			s.Sex, latest[r.Instrument] = r.Sex, r.TakenAt
		}
		s.Points = append(s.Points, p)
	}
	var out []chart.Series
	for _, id := range measure.IDs() {
		if s, ok := by[id]; ok && !latest[id].IsZero() {
			out = append(out, *s)
		}
	}
	return out
}

// Explain turns the report the escalation rules gave on input into the
// explanation kept: every rule, in order, with whether it fired, the
// measure and value it was tested on, and why.
func Explain(input escalation.Input, rep escalation.Report) Explanation {
	latest := map[string]*escalation.Measure{}
	for i := range input.Measures {
		m := &input.Measures[i]
		if cur, ok := latest[m.Result.Instrument]; !ok || !m.Taken.Before(cur.Taken) {
			latest[m.Result.Instrument] = m
		}
	}
	e := Explanation{RulesVersion: rep.Version, Effective: rep.Effective, NeedsIntensiveTherapy: rep.NeedsIntensiveTherapy,
		Comorbidities: []ExplainedComorbidity{}, Reasons: []string{}, SafetyTasks: []ExplainedTask{}, Rules: []ExplainedRule{}}
	for _, c := range rep.Comorbidities {
		ec := ExplainedComorbidity{Kind: c.Kind, Label: c.Label, From: []string{}}
		for _, ev := range c.From {
			ec.From = append(ec.From, ev.Why)
		}
		e.Comorbidities = append(e.Comorbidities, ec)
	}
	for _, r := range rep.IntensiveTherapyReasons {
		e.Reasons = append(e.Reasons, r.Why)
	}
	for _, t := range rep.SafetyTasks {
		e.SafetyTasks = append(e.SafetyTasks, ExplainedTask{Task: t.Task, Rule: t.Rule, Response: t.Measure.Ref, Why: t.Why})
	}
	for _, o := range rep.Outcomes {
		r := o.Rule
		er := ExplainedRule{Rule: r.ID, Says: r.Says, Source: r.Source, Fired: o.Fired, Why: o.Why}
		if m := latest[r.When.Instrument]; m != nil && !r.When.AnyComorbidity {
			er.Measure = &MeasureValue{Instrument: m.Result.Instrument, Total: m.Result.Total, Band: m.Result.Band,
				Positive: m.Result.Positive, Flags: slices.Clone(m.Result.Flags), Taken: m.Taken.UTC(), Response: m.Ref}
			if er.Measure.Flags == nil {
				er.Measure.Flags = []string{}
			}
		}
		e.Rules = append(e.Rules, er)
	}
	return e
}
