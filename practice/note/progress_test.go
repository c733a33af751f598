package note

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/plissit"
)

// TestProgressCheck: each field on both sides of its bounds.
func TestProgressCheck(t *testing.T) {
	signed := func(n *Progress) { n.SignedBy, n.SignedAt = 7, now.Add(-time.Minute) }
	for _, tc := range []struct {
		name   string
		base   func() Progress
		edit   func(*Progress)
		fields []string
	}{
		{"a SOAP note", soap, func(*Progress) {}, nil},
		{"a DAP note", dap, func(*Progress) {}, nil},
		{"a signed note", soap, signed, nil},
		{"nothing", soap, func(n *Progress) { *n = Progress{} }, []string{"date_of_service", "format"}},

		{"no date of service", soap, func(n *Progress) { n.DateOfService = date.Date{} }, []string{"date_of_service"}},
		{"date of service tomorrow", soap, func(n *Progress) { n.DateOfService = today.AddDays(1) }, []string{"date_of_service"}},
		{"date of service tomorrow, signed: the date alone is named", soap, func(n *Progress) {
			signed(n)
			n.DateOfService = today.AddDays(1)
		}, []string{"date_of_service"}},
		{"date of service long ago", soap, func(n *Progress) { n.DateOfService = date.MustParse("2001-01-01") }, nil},

		{"unknown format", soap, func(n *Progress) { n.Format = "birp" }, []string{"format"}},
		{"SOAP note without Objective", soap, func(n *Progress) { delete(n.Sections, Objective) }, []string{"sections.objective"}},
		{"SOAP note with a blank Plan", soap, func(n *Progress) { n.Sections[Plan] = " \n " }, []string{"sections.plan"}},
		{"SOAP note with no sections", soap, func(n *Progress) { n.Sections = nil },
			[]string{"sections.subjective", "sections.objective", "sections.assessment", "sections.plan"}},
		{"DAP note with a Subjective", dap, func(n *Progress) { n.Sections[Subjective] = "x" }, []string{"sections"}},
		{"SOAP note with Data and notes", soap, func(n *Progress) { n.Sections[Data] = "x"; n.Sections["notes"] = "y" }, []string{"sections"}},
		{"DAP note as SOAP", dap, func(n *Progress) { n.Format = SOAP },
			[]string{"sections.subjective", "sections.objective", "sections"}},
		{"section at the limit", dap, func(n *Progress) { n.Sections[Data] = strings.Repeat("é", MaxSection) }, nil},
		{"section over the limit", dap, func(n *Progress) { n.Sections[Data] = strings.Repeat("é", MaxSection+1) }, []string{"sections.data"}},
		{"section on lines", dap, func(n *Progress) { n.Sections[Data] = "a\r\n\tb" }, nil},
		{"section with a control character", dap, func(n *Progress) { n.Sections[Plan] = "a\x7f" }, []string{"sections.plan"}},
		{"section not UTF-8", dap, func(n *Progress) { n.Sections[Plan] = "\xfe" }, []string{"sections.plan"}},

		{"an empty P/LI record", soap, func(n *Progress) { n.PLI = &plissit.PLIRecord{} }, []string{"pli.topics"}},
		{"a wrong P/LI record and a section", soap, func(n *Progress) {
			n.PLI.Myths = []string{"a\nb"}
			n.Sections[Assessment] = ""
		}, []string{"sections.assessment", "pli.myths.0"}},

		{"signed by nobody", soap, func(n *Progress) { signed(n); n.SignedBy = 0 }, []string{"signed_by"}},
		{"signed by -1", soap, func(n *Progress) { signed(n); n.SignedBy = -1 }, []string{"signed_by"}},
		{"a signer without a time", soap, func(n *Progress) { n.SignedBy = 7 }, []string{"signed_at"}},
		{"signed now", soap, func(n *Progress) { n.SignedBy, n.SignedAt = 7, now }, nil},
		{"signed a nanosecond from now", soap, func(n *Progress) { n.SignedBy, n.SignedAt = 7, now.Add(time.Nanosecond) }, []string{"signed_at"}},
		{"signed on the date of service at 00:00", soap, func(n *Progress) {
			n.SignedBy, n.SignedAt = 7, time.Date(2026, 3, 2, 0, 0, 0, 0, now.Location())
		}, nil},
		{"signed the day before the date of service", soap, func(n *Progress) {
			n.SignedBy, n.SignedAt = 7, time.Date(2026, 3, 1, 23, 59, 59, 0, now.Location())
		}, []string{"signed_at"}},
		{"signed before the date of service in now's zone, not in UTC", soap, func(n *Progress) {
			n.SignedBy, n.SignedAt = 7, time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC) // 1 March, 22:00 in UTC-5
		}, []string{"signed_at"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.base()
			tc.edit(&n)
			before := fmt.Sprintf("%#v %#v", n.Sections, n.PLI)
			wantFields(t, n.Check(now), tc.fields...)
			if fmt.Sprintf("%#v %#v", n.Sections, n.PLI) != before {
				t.Error("Check changed the note")
			}
		})
	}
}

// TestSign: a complete note is signed into a copy; the note given stays
// unsigned and shares nothing with the copy; a signed note is locked.
func TestSign(t *testing.T) {
	n := soap()
	s, err := Sign(n, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Signed() || s.SignedBy != 7 || !s.SignedAt.Equal(now) {
		t.Fatalf("signed: %+v", s)
	}
	if n.Signed() || n.SignedBy != 0 {
		t.Fatal("Sign changed the note given")
	}
	s.Sections[Plan] = "changed"
	s.PLI.Topics[0] = "changed"
	if n.Sections[Plan] == "changed" || n.PLI.Topics[0] == "changed" {
		t.Fatal("the signed copy shares its sections or P/LI record with the note")
	}
	if err := n.MayEdit(); err != nil {
		t.Errorf("unsigned: MayEdit = %v", err)
	}
	s = must(Sign(soap(), 7, now))
	for name, err := range map[string]error{"MayEdit": s.MayEdit(), "Sign again": second(Sign(s, 8, now.Add(time.Hour)))} {
		e := certboard.As(err)
		if e == nil || e.Code != certboard.Conflict || !strings.Contains(e.Message, "amendment") || !strings.Contains(e.Message, "2026-03-02") {
			t.Errorf("%s of a signed note: %v, want a Conflict saying to amend it", name, err)
		}
	}

	for _, tc := range []struct {
		name  string
		n     Progress
		by    int64
		at    time.Time
		field string
	}{
		{"by nobody", soap(), 0, now, "signed_by"},
		{"by -1", soap(), -1, now, "signed_by"},
		{"at no time", soap(), 7, time.Time{}, "signed_at"},
		{"incomplete", func() Progress { n := soap(); delete(n.Sections, Plan); return n }(), 7, now, "sections.plan"},
		{"before the date of service", soap(), 7, now.AddDate(0, 0, -1), "date_of_service"},
		{"on the date of service at 00:00", soap(), 7, time.Date(2026, 3, 2, 0, 0, 0, 0, now.Location()), ""},
		{"a signer set on an unsigned note", func() Progress { n := soap(); n.SignedBy = 3; return n }(), 7, now, "signed_at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Sign(tc.n, tc.by, tc.at)
			if tc.field == "" {
				if err != nil || !s.Signed() {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := certboard.As(err)
			if e == nil || e.Code != certboard.Invalid || e.Field != tc.field || s.Signed() {
				t.Fatalf("%v, want Invalid on %q", err, tc.field)
			}
		})
	}
}

// TestDateTaken: the conflict names the day and says to amend.
func TestDateTaken(t *testing.T) {
	e := DateTaken(today)
	if e.Code != certboard.Conflict || e.Field != "date_of_service" || e.Title == "" {
		t.Fatalf("%+v", e)
	}
	for _, s := range []string{"date_of_service: ", "2026-03-02", "one note per date of service", "amendment"} {
		if !strings.Contains(e.Message, s) {
			t.Errorf("%q does not say %q", e.Message, s)
		}
	}
}

// must returns v, failing on err by panicking (for table set-up).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// second returns the error of a pair.
func second[T any](_ T, err error) error { return err }
