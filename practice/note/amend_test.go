package note

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/plissit"
)

// TestAmend: a change to a signed note is checked field by field and
// returned as an amendment sharing nothing with it; the note is never
// changed.
func TestAmend(t *testing.T) {
	signedAt := now.Add(-time.Hour)
	original := must(Sign(soap(), 7, signedAt))
	ok := Amendment{Reason: "wrong score", Sections: map[Section]string{Objective: "Calm, engaged. IIEF-5: 19."}, By: 7, At: now}
	for _, tc := range []struct {
		name   string
		edit   func(*Amendment)
		fields []string
	}{
		{"a section", func(*Amendment) {}, nil},
		{"the P/LI record only", func(a *Amendment) {
			a.Sections = nil
			a.PLI = &plissit.PLIRecord{Information: []string{"refractory period"}}
		}, nil},
		{"by someone else", func(a *Amendment) { a.By = 9 }, nil},
		{"at the time of the signature", func(a *Amendment) { a.At = signedAt }, nil},
		{"before the signature", func(a *Amendment) { a.At = signedAt.Add(-time.Nanosecond) }, []string{"at"}},
		{"at no time", func(a *Amendment) { a.At = time.Time{} }, []string{"at"}},
		{"by nobody", func(a *Amendment) { a.By = 0 }, []string{"by"}},
		{"no reason", func(a *Amendment) { a.Reason = " " }, []string{"reason"}},
		{"reason at the limit", func(a *Amendment) { a.Reason = strings.Repeat("x", MaxReason) }, nil},
		{"reason over the limit", func(a *Amendment) { a.Reason = strings.Repeat("x", MaxReason+1) }, []string{"reason"}},
		{"nothing changed", func(a *Amendment) { a.Sections = map[Section]string{} }, []string{"sections"}},
		{"a section as it reads", func(a *Amendment) { a.Sections = map[Section]string{Objective: "Calm, engaged. IIEF-5: 18."} },
			[]string{"sections.objective"}},
		{"a section as it reads but for spaces", func(a *Amendment) { a.Sections[Plan] = "  Continue sensate focus, stage 2.\n" },
			[]string{"sections.plan"}},
		{"the P/LI record as it reads", func(a *Amendment) {
			a.Sections = nil
			a.PLI = &plissit.PLIRecord{Topics: []string{"masturbation"}, Myths: []string{"erections must be spontaneous"}}
		}, []string{"pli"}},
		{"the P/LI record with one entry more", func(a *Amendment) {
			a.PLI = &plissit.PLIRecord{Topics: []string{"masturbation"}, Myths: []string{"erections must be spontaneous"},
				Information: []string{"refractory period"}}
		}, nil},
		{"in the future, unchecked without a clock", func(a *Amendment) { a.At = now.Add(time.Hour) }, nil},
		{"a section emptied", func(a *Amendment) { a.Sections[Plan] = "" }, []string{"sections.plan"}},
		{"a section over the limit", func(a *Amendment) { a.Sections[Plan] = strings.Repeat("x", MaxSection+1) }, []string{"sections.plan"}},
		{"a section of DAP", func(a *Amendment) { a.Sections[Data] = "x" }, []string{"sections"}},
		{"an empty P/LI record", func(a *Amendment) { a.PLI = &plissit.PLIRecord{} }, []string{"pli.topics"}},
		{"everything wrong", func(a *Amendment) { *a = Amendment{PLI: &plissit.PLIRecord{Myths: []string{""}}} },
			[]string{"reason", "by", "at", "pli.myths.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			change := ok
			change.Sections = map[Section]string{Objective: ok.Sections[Objective]}
			tc.edit(&change)
			before := fmt.Sprintf("%#v %#v", original.Sections, original.PLI)
			a, err := Amend(original, change)
			wantFields(t, err, tc.fields...)
			if fmt.Sprintf("%#v %#v", original.Sections, original.PLI) != before {
				t.Fatal("Amend changed the original")
			}
			if err != nil {
				if !reflect.ValueOf(a).IsZero() {
					t.Errorf("refused, but returned %+v", a)
				}
				return
			}
			if !reflect.DeepEqual(a, change) {
				t.Errorf("amendment %+v, want %+v", a, change)
			}
			for s := range a.Sections {
				a.Sections[s] = "changed"
			}
			if a.PLI != nil {
				a.PLI.Information[0] = "changed"
			}
			if strings.Contains(fmt.Sprint(change.Sections, change.PLI), "changed") {
				t.Error("the amendment shares its sections or P/LI record with the change")
			}
		})
	}

	_, err := Amend(soap(), ok)
	if e := certboard.As(err); e == nil || e.Code != certboard.Conflict || !strings.Contains(e.Message, "edit it") {
		t.Errorf("amending an unsigned note: %v, want a Conflict saying to edit it", err)
	}
}

// TestCurrent: the note reads with its amendments applied in order, later
// ones winning; the original and the amendments stay as they were.
func TestCurrent(t *testing.T) {
	original := must(Sign(soap(), 7, now.Add(-2*time.Hour)))
	amendments := []Amendment{
		{Reason: "score", Sections: map[Section]string{Objective: "IIEF-5: 19.", Plan: "Stage 3."}, By: 7, At: now.Add(-time.Hour)},
		{Reason: "info", PLI: &plissit.PLIRecord{Information: []string{"refractory period"}}, By: 7, At: now.Add(-30 * time.Minute)},
		{Reason: "plan", Sections: map[Section]string{Plan: "Stage 2 again."}, By: 8, At: now},
	}
	for i, a := range amendments {
		amendments[i] = must(Amend(original, a))
	}
	before := fmt.Sprintf("%#v %#v %#v", original.Sections, original.PLI, amendments)

	for _, tc := range []struct {
		name    string
		n       int
		objPlan [2]string
		info    []string
	}{
		{"none", 0, [2]string{"Calm, engaged. IIEF-5: 18.", "Continue sensate focus, stage 2."}, nil},
		{"the first", 1, [2]string{"IIEF-5: 19.", "Stage 3."}, nil},
		{"two", 2, [2]string{"IIEF-5: 19.", "Stage 3."}, []string{"refractory period"}},
		{"all: the last plan wins", 3, [2]string{"IIEF-5: 19.", "Stage 2 again."}, []string{"refractory period"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Current(original, amendments[:tc.n])
			if got.Sections[Objective] != tc.objPlan[0] || got.Sections[Plan] != tc.objPlan[1] ||
				got.Sections[Subjective] != original.Sections[Subjective] || got.Sections[Assessment] != original.Sections[Assessment] {
				t.Errorf("sections %v", got.Sections)
			}
			wantPLI := original.PLI
			if tc.info != nil {
				wantPLI = &plissit.PLIRecord{Information: tc.info} // replaced whole
			}
			if !reflect.DeepEqual(got.PLI, wantPLI) {
				t.Errorf("P/LI %+v, want %+v", got.PLI, wantPLI)
			}
			if got.SignedBy != 7 || !got.SignedAt.Equal(original.SignedAt) || got.DateOfService != original.DateOfService || got.Format != SOAP {
				t.Errorf("signature or date changed: %+v", got)
			}
			if err := got.Check(now); err != nil {
				t.Errorf("the note as amended does not check: %v", err)
			}
			got.Sections[Subjective] = "changed"
			got.PLI.Topics = append(got.PLI.Topics, "changed")
			if strings.Contains(fmt.Sprintf("%#v %#v %#v", original.Sections, original.PLI, amendments), "changed") {
				t.Error("the reading shares its sections or P/LI record")
			}
			if fmt.Sprintf("%#v %#v %#v", original.Sections, original.PLI, amendments) != before {
				t.Error("Current changed the original or an amendment")
			}
		})
	}

	bare := original
	bare.Sections = nil
	if got := Current(bare, amendments[2:]); got.Sections[Plan] != "Stage 2 again." {
		t.Errorf("amending a note read without sections: %v", got.Sections)
	}
}

// TestAmendAt: a change is checked against the note as it reads with its
// earlier amendments, and against the clock.
func TestAmendAt(t *testing.T) {
	signedAt := now.Add(-2 * time.Hour)
	original := must(Sign(soap(), 7, signedAt))
	earlierAt := now.Add(-time.Hour)
	earlier := []Amendment{must(AmendAt(original, nil, Amendment{Reason: "score", By: 7, At: earlierAt,
		Sections: map[Section]string{Objective: "IIEF-5: 19."},
		PLI:      &plissit.PLIRecord{Information: []string{"refractory period"}}}, now))}
	for _, tc := range []struct {
		name   string
		change Amendment
		fields []string
	}{
		{"a section changed again", Amendment{Sections: map[Section]string{Objective: "IIEF-5: 20."}}, nil},
		{"a section back as signed", Amendment{Sections: map[Section]string{Objective: "Calm, engaged. IIEF-5: 18."}}, nil},
		{"a section as last amended", Amendment{Sections: map[Section]string{Objective: "IIEF-5: 19."}}, []string{"sections.objective"}},
		{"a section never amended, as signed", Amendment{Sections: map[Section]string{Plan: "Continue sensate focus, stage 2."}}, []string{"sections.plan"}},
		{"the P/LI record as last amended", Amendment{PLI: &plissit.PLIRecord{Information: []string{"refractory period"}}}, []string{"pli"}},
		{"the P/LI record back as signed", Amendment{PLI: &plissit.PLIRecord{Topics: []string{"masturbation"}, Myths: []string{"erections must be spontaneous"}}}, nil},
		{"at now", Amendment{At: now}, nil},
		{"a moment after now", Amendment{At: now.Add(time.Nanosecond)}, []string{"at"}},
		{"a day after now", Amendment{At: now.Add(24 * time.Hour)}, []string{"at"}},
		{"at the time of the last amendment", Amendment{At: earlierAt}, nil},
		{"before the last amendment", Amendment{At: earlierAt.Add(-time.Nanosecond)}, []string{"at"}},
		{"before the signature", Amendment{At: signedAt.Add(-time.Nanosecond)}, []string{"at"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			change := tc.change
			change.Reason, change.By = "why", 8
			if change.At.IsZero() {
				change.At = now
			}
			if change.Sections == nil && change.PLI == nil {
				change.Sections = map[Section]string{Assessment: "Anxiety gone."}
			}
			before := fmt.Sprintf("%#v %#v", earlier, original)
			_, err := AmendAt(original, earlier, change, now)
			wantFields(t, err, tc.fields...)
			if fmt.Sprintf("%#v %#v", earlier, original) != before {
				t.Error("AmendAt changed the note or its amendments")
			}
		})
	}
	if _, err := AmendAt(soap(), nil, earlier[0], now); certboard.ErrorCode(err) != certboard.Conflict {
		t.Errorf("amending an unsigned note: %v, want a Conflict", err)
	}
}
