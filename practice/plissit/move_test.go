package plissit

import (
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
)

// every is facts under which every move is allowed.
var every = Facts{IntensiveTherapyInScope: true, HasComorbidity: true, HistoryComplete: true}

// TestCheckMoveMatrix: with every fact in place and a reason, each move
// between different stages is allowed, forwards, backwards, past a stage
// and on opening; a move to the stage the case is at is a Conflict.
func TestCheckMoveMatrix(t *testing.T) {
	for _, from := range append([]Stage{""}, Stages()...) {
		for _, to := range Stages() {
			err := CheckMove(from, to, "clinical judgement after session 3", every)
			switch {
			case from == to && certboard.ErrorCode(err) != certboard.Conflict:
				t.Errorf("%q -> %q: %v, want Conflict", from, to, err)
			case from != to && err != nil:
				t.Errorf("%q -> %q: %v, want allowed", from, to, err)
			}
		}
	}
}

// TestCheckMoveIntoIntensiveTherapy: the scope comes first and is
// Forbidden, pointing to a referral; then a missing comorbidity or
// history is a Conflict naming what is missing. Leaving Intensive Therapy
// needs none of it.
func TestCheckMoveIntoIntensiveTherapy(t *testing.T) {
	for _, tc := range []struct {
		name        string
		from, to    Stage
		reason      string
		f           Facts
		want        certboard.Code
		has, hasNot []string
	}{
		{"everything in place", SpecificSuggestions, IntensiveTherapy, "PHQ-9 of 17", every, "", nil, nil},
		{"out of scope", SpecificSuggestions, IntensiveTherapy, "PHQ-9 of 17",
			Facts{HasComorbidity: true, HistoryComplete: true}, certboard.Forbidden, []string{"CST", "referral"}, nil},
		{"out of scope, no reason: the scope is said first", Permission, IntensiveTherapy, "",
			Facts{}, certboard.Forbidden, []string{"CST", "referral"}, nil},
		{"out of scope, with the scope's own reason", SpecificSuggestions, IntensiveTherapy, "PHQ-9 of 17",
			Facts{HasComorbidity: true, HistoryComplete: true, ScopeReason: "your CST from the demo board was suspended on 2027-01-04"},
			certboard.Forbidden, []string{"suspended on 2027-01-04", "referral"}, []string{"at the level of"}},
		{"out of scope on opening", "", IntensiveTherapy, "referred for IT", Facts{HasComorbidity: true, HistoryComplete: true},
			certboard.Forbidden, []string{"CST"}, nil},
		{"no comorbidity", SpecificSuggestions, IntensiveTherapy, "judgement",
			Facts{IntensiveTherapyInScope: true, HistoryComplete: true}, certboard.Conflict, []string{"comorbidity"}, []string{"sexual history"}},
		{"no complete history", SpecificSuggestions, IntensiveTherapy, "judgement",
			Facts{IntensiveTherapyInScope: true, HasComorbidity: true}, certboard.Conflict, []string{"sexual history"}, []string{"comorbidity"}},
		{"neither", LimitedInformation, IntensiveTherapy, "judgement",
			Facts{IntensiveTherapyInScope: true}, certboard.Conflict, []string{"comorbidity", "sexual history"}, nil},
		{"in scope, no reason", SpecificSuggestions, IntensiveTherapy, " ", every, certboard.Invalid, []string{"reason"}, nil},
		{"in scope, no reason and nothing else: the reason first", SpecificSuggestions, IntensiveTherapy, "",
			Facts{IntensiveTherapyInScope: true}, certboard.Invalid, []string{"reason"}, []string{"comorbidity"}},
		{"leaving IT out of scope", IntensiveTherapy, SpecificSuggestions, "credential lapsed; referred on", Facts{}, "", nil, nil},
		{"leaving IT to P", IntensiveTherapy, Permission, "therapy ended", Facts{}, "", nil, nil},
		{"SS needs nothing", Permission, SpecificSuggestions, "history to take", Facts{}, "", nil, nil},
		{"LI needs nothing", "", LimitedInformation, "first session", Facts{}, "", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckMove(tc.from, tc.to, tc.reason, tc.f)
			if got := certboard.ErrorCode(err); got != tc.want {
				t.Fatalf("%v, want code %q", err, tc.want)
			}
			if err == nil {
				return
			}
			msg := err.Error()
			for _, s := range tc.has {
				if !strings.Contains(msg, s) {
					t.Errorf("%q does not say %q", msg, s)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(msg, s) {
					t.Errorf("%q says %q", msg, s)
				}
			}
		})
	}
}

// TestCheckMoveInput: unknown stages and reasons out of bounds are
// refused on their field.
func TestCheckMoveInput(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to Stage
		reason   string
		field    string
	}{
		{"unknown from", "P", LimitedInformation, "x", "from"},
		{"unknown to", Permission, "IT", "x", "to"},
		{"empty to", Permission, "", "x", "to"},
		{"no reason", Permission, LimitedInformation, "", "reason"},
		{"blank reason", Permission, LimitedInformation, " \n\t", "reason"},
		{"reason at the limit", Permission, LimitedInformation, repeat("é", MaxReason), ""},
		{"reason over the limit", Permission, LimitedInformation, repeat("é", MaxReason+1), "reason"},
		{"reason on lines", Permission, LimitedInformation, "asked for information\r\non arousal\tonly", ""},
		{"reason with a control character", Permission, LimitedInformation, "asked\x00", "reason"},
		{"reason not UTF-8", Permission, LimitedInformation, "asked \xff", "reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckMove(tc.from, tc.to, tc.reason, every)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := certboard.As(err)
			if e == nil || e.Code != certboard.Invalid || e.Field != tc.field || !strings.HasPrefix(e.Message, tc.field+": ") {
				t.Fatalf("%v, want Invalid on %q", err, tc.field)
			}
		})
	}
}

// TestMoveCheck: a move names who made it and when, not after now, then
// follows the rules of CheckMove; Check is CheckAt without the clock.
func TestMoveCheck(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ok := Move{From: Permission, To: LimitedInformation, By: 1, At: now, Reason: "asked about desire"}
	for _, tc := range []struct {
		name   string
		edit   func(*Move)
		code   certboard.Code
		field  string
		future bool // refused only against the clock
	}{
		{"complete, at now", func(*Move) {}, "", "", false},
		{"an hour ago, in another zone", func(m *Move) { m.At = now.Add(-time.Hour).In(time.FixedZone("UTC+9", 9*3600)) }, "", "", false},
		{"a moment after now", func(m *Move) { m.At = now.Add(time.Nanosecond) }, certboard.Invalid, "at", true},
		{"a day after now", func(m *Move) { m.At = now.Add(24 * time.Hour) }, certboard.Invalid, "at", true},
		{"by 0", func(m *Move) { m.By = 0 }, certboard.Invalid, "by", false},
		{"by -1", func(m *Move) { m.By = -1 }, certboard.Invalid, "by", false},
		{"no time", func(m *Move) { m.At = time.Time{} }, certboard.Invalid, "at", false},
		{"no reason", func(m *Move) { m.Reason = "" }, certboard.Invalid, "reason", false},
		{"same stage", func(m *Move) { m.To = Permission }, certboard.Conflict, "to", false},
		{"into IT out of scope", func(m *Move) { m.To = IntensiveTherapy }, certboard.Forbidden, "to", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := ok
			tc.edit(&m)
			f := Facts{HasComorbidity: true, HistoryComplete: true}
			err := m.CheckAt(f, now)
			e := certboard.As(err)
			if certboard.ErrorCode(err) != tc.code || (e != nil && (e.Field != tc.field || !strings.HasPrefix(e.Message, tc.field+": "))) {
				t.Fatalf("%v, want %q on %q", err, tc.code, tc.field)
			}
			if err := m.Check(f); tc.future && err != nil || !tc.future && certboard.ErrorCode(err) != tc.code {
				t.Errorf("Check without the clock: %v", err)
			}
		})
	}
}
