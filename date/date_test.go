package date

import (
	"testing"
	"time"
)

func TestParseAndString(t *testing.T) {
	for _, s := range []string{"1970-01-01", "1969-12-31", "2000-02-29", "2024-03-01", "0002-01-01", "9999-12-31"} {
		d, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if d.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, d.String())
		}
		if got := d.Time().Format(Layout); got != s {
			t.Fatalf("Time() of %s is %s", s, got)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for s, want := range map[string]string{
		"2023-02-30": "not a real calendar date",
		"2023-13-01": "not a real calendar date",
		"03/02/2023": "not a date in the form YYYY-MM-DD",
		"2023-2-3":   "not a date in the form YYYY-MM-DD",
		"":           "not a date in the form YYYY-MM-DD",
		"0001-01-01": "not a usable date",
	} {
		if _, err := Parse(s); err == nil || !contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", s, err, want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestArithmetic(t *testing.T) {
	d := MustParse("2024-01-31")
	cases := []struct {
		got, want Date
	}{
		{d.AddDays(1), MustParse("2024-02-01")},
		{d.AddDays(-31), MustParse("2023-12-31")},
		{d.AddMonths(1), MustParse("2024-02-29")}, // clamped to the month's last day
		{MustParse("2024-03-31").AddMonths(-1), MustParse("2024-02-29")},
		{MustParse("2024-01-15").AddMonths(-13), MustParse("2022-12-15")},
		{MustParse("2024-12-31").AddMonths(2), MustParse("2025-02-28")},
		{MustParse("2024-02-29").AddYears(1), MustParse("2025-02-28")},
		{MustParse("2024-02-29").AddYears(4), MustParse("2028-02-29")},
		{MustParse("2021-06-01").AddYears(2), MustParse("2023-06-01")},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %s, want %s", i, c.got, c.want)
		}
	}
	if n := MustParse("2024-01-01").DaysUntil(MustParse("2025-01-01")); n != 366 {
		t.Errorf("DaysUntil across a leap year = %d", n)
	}
	if m := MustParse("2024-01-15").MonthsUntil(MustParse("2024-12-14")); m != 10 {
		t.Errorf("MonthsUntil = %d, want 10", m)
	}
	if m := MustParse("2024-01-15").MonthsUntil(MustParse("2024-12-15")); m != 11 {
		t.Errorf("MonthsUntil = %d, want 11", m)
	}
	if !MustParse("2024-05-01").Within(MustParse("2024-05-01"), Date{}) || MustParse("2024-04-30").Within(MustParse("2024-05-01"), MustParse("2024-06-01")) {
		t.Error("Within is wrong at the edges")
	}
}

func TestFromTimeAndOf(t *testing.T) {
	loc := time.FixedZone("UTC-5", -5*3600)
	if got := FromTime(time.Date(2025, 3, 9, 23, 30, 0, 0, loc)); got != Of(2025, time.March, 9) {
		t.Fatalf("FromTime uses the time's own calendar day: got %s", got)
	}
	if (Date{}).String() != "" || !(Date{}).IsZero() || !(Date{}).Time().IsZero() {
		t.Fatal("the zero Date is unset")
	}
}

func TestTextRoundTrip(t *testing.T) {
	var d Date
	if err := d.UnmarshalText([]byte("2026-11-26")); err != nil {
		t.Fatal(err)
	}
	b, _ := d.MarshalText()
	if string(b) != "2026-11-26" {
		t.Fatalf("round trip gave %s", b)
	}
}
