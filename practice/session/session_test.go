package session

import (
	"testing"
	"time"
)

func TestCancel(t *testing.T) {
	start := time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		client bool
		at     time.Time
		want   Canceller
	}{
		{true, start.Add(-25 * time.Hour), ByClient},
		{true, start.Add(-24 * time.Hour), ByClient},
		{true, start.Add(-23 * time.Hour), ByClientLate},
		{false, start.Add(-time.Hour), ByPractice},
	} {
		if got := Cancel(c.client, start, c.at); got != c.want {
			t.Errorf("Cancel(%v, %v before) = %s, want %s", c.client, start.Sub(c.at), got, c.want)
		}
	}
}

func TestOverlap(t *testing.T) {
	at := time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC)
	h := time.Hour
	for _, c := range []struct {
		b0, b1 time.Duration
		want   bool
	}{
		{-h, 0, false}, {h, 2 * h, false}, {-h, time.Minute, true}, {30 * time.Minute, 2 * h, true}, {10 * time.Minute, 20 * time.Minute, true},
	} {
		if got := Overlap(at, at.Add(h), at.Add(c.b0), at.Add(c.b1)); got != c.want {
			t.Errorf("Overlap with [%v, %v) = %v, want %v", c.b0, c.b1, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	start := time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	for _, c := range []struct {
		s   Status
		m   Move
		now time.Time
		ok  bool
	}{
		{Scheduled, MoveAttended, start.Add(-time.Minute), false},
		{Scheduled, MoveAttended, start, true},
		{Scheduled, MoveNoShow, end.Add(time.Hour), true},
		{Scheduled, MoveCancel, start.Add(-time.Hour), true},
		{Scheduled, MoveCancel, end, false},
		{Scheduled, MoveReschedule, end.Add(time.Minute), false},
		{Attended, MoveCancel, start.Add(-time.Hour), false},
		{Cancelled, MoveAttended, end, false},
	} {
		if got := Check(c.s, c.m, start, end, c.now); (got == "") != c.ok {
			t.Errorf("Check(%s, %s, %v) = %q, want ok %v", c.s, c.m, c.now.Sub(start), got, c.ok)
		}
	}
}

func TestCPT(t *testing.T) {
	if len(CPTs()) != 7 {
		t.Errorf("%d codes, want the 7 documented", len(CPTs()))
	}
	if c, ok := LookupCPT("90847"); !ok || c.Minutes != 50 {
		t.Errorf("LookupCPT(90847) = %v, %v", c, ok)
	}
	for _, code := range []string{"", "99213", "9083", "90834 "} {
		if _, ok := LookupCPT(code); ok {
			t.Errorf("LookupCPT(%q) is known", code)
		}
	}
	for _, c := range []struct {
		k    Kind
		min  int
		want string
	}{{Individual, 30, "90832"}, {Individual, 45, "90834"}, {Individual, 53, "90837"}, {Couple, 50, "90847"}} {
		if got := SuggestCPT(c.k, c.min); got != c.want {
			t.Errorf("SuggestCPT(%s, %d) = %s, want %s", c.k, c.min, got, c.want)
		}
		if _, ok := LookupCPT(SuggestCPT(c.k, c.min)); !ok {
			t.Errorf("suggested an unknown code")
		}
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{"120": 12000, "120.5": 12050, "120.05": 12005, "1,200.00": 120000, " 0 ": 0} {
		if got, err := ParseAmount(in); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-5", "1.234", "12.", ".5", "abc", "1e3", "99999999999", "+3"} {
		if got, err := ParseAmount(in); err == nil {
			t.Errorf("ParseAmount(%q) = %d, want a refusal", in, got)
		}
	}
	if s := (Money{Cents: 12005, Currency: "USD"}).String(); s != "USD 120.05" {
		t.Errorf("Money.String = %q", s)
	}
	if !ValidCurrency("EUR") || ValidCurrency("eur") || ValidCurrency("EURO") {
		t.Error("ValidCurrency is wrong")
	}
}
