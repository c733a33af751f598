// Package date holds Date, a calendar day without a time of day or time zone,
// as certification rules speak of them ("valid on 2025-03-01").
package date

import (
	"fmt"
	"time"
)

// Layout is the only accepted textual form of a Date: an ISO 8601 calendar date.
const Layout = "2006-01-02"

// Date is a calendar day. The zero Date is "no date".
//
// It is stored as a day number, so it is small, holds no pointer and
// compares in one instruction; evaluations compare dates millions of times.
type Date struct {
	n int32 // days since 0001-01-01 plus one; 0 when unset
}

// dateOf converts midnight UTC of a day through Unix days.
func dateOf(t time.Time) Date {
	const unixDay1 = 719162 // days from 0001-01-01 to 1970-01-01
	days := t.Unix() / 86400
	if t.Unix() < 0 && t.Unix()%86400 != 0 {
		days--
	}
	return Date{int32(days + unixDay1 + 1)}
}

// Of returns the Date of the given year, month and day. It panics on an
// impossible day, so use Parse for input.
func Of(year int, month time.Month, day int) Date {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Year() != year || t.Month() != month || t.Day() != day {
		panic(fmt.Sprintf("date.Of: impossible date %04d-%02d-%02d", year, month, day))
	}
	return dateOf(t)
}

// FromTime returns the calendar day of t in t's own location.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	return dateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// Parse reads a YYYY-MM-DD date and rejects impossible days such as 2023-02-30.
func Parse(s string) (Date, error) {
	if !shaped(s) {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a real calendar date", s)
	}
	if t.Year() < 2 {
		// Year 1 is where the zero time lives; no certification rule needs it.
		return Date{}, fmt.Errorf("%q is not a usable date", s)
	}
	return dateOf(t), nil
}

// MustParse is Parse for constants in tests and tables; it panics on error.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.n == 0 }

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(Layout)
}

// Time returns midnight UTC of d (the zero time for the zero Date).
func (d Date) Time() time.Time {
	if d.n == 0 {
		return time.Time{}
	}
	return time.Unix(int64(d.n-1-719162)*86400, 0).UTC()
}

// Before reports whether d is strictly earlier than e.
func (d Date) Before(e Date) bool { return d.n < e.n }

// After reports whether d is strictly later than e.
func (d Date) After(e Date) bool { return d.n > e.n }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return 1
	}
	return 0
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{d.n + int32(n)} }

// AddMonths returns d moved by n calendar months. A day that the target month
// lacks is clamped to its last day: 2024-03-31 minus one month is 2024-02-29,
// as people count months, not 2024-03-02 as time.AddDate would give.
func (d Date) AddMonths(n int) Date {
	t := d.Time()
	y, m := t.Year(), int(t.Month())-1+n
	y += m / 12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	first := time.Date(y, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return dateOf(first.AddDate(0, 0, min(t.Day(), last)-1))
}

// AddYears returns d moved by n calendar years; 29 February becomes
// 28 February in a year without it.
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// DaysUntil returns the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.n - d.n) }

// MonthsUntil returns the number of whole calendar months from d to e.
func (d Date) MonthsUntil(e Date) int {
	if e.Before(d) {
		return -e.MonthsUntil(d)
	}
	dt, et := d.Time(), e.Time()
	m := (et.Year()-dt.Year())*12 + int(et.Month()-dt.Month())
	if d.AddMonths(m).After(e) {
		m--
	}
	return m
}

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Within reports whether d lies in the closed period [from, to]; a zero to
// means the period is open-ended.
func (d Date) Within(from, to Date) bool {
	if d.Before(from) {
		return false
	}
	return to.IsZero() || !d.After(to)
}

// shaped reports whether s looks like YYYY-MM-DD: digits and two dashes.
func shaped(s string) bool {
	if len(s) != len(Layout) {
		return false
	}
	for i := range len(s) {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
