package paging

import (
	"testing"

	"github.com/certboard/certboard"
)

func TestPage(t *testing.T) {
	for _, tc := range []struct {
		number, size, total                                  int
		wantNumber, pages, from, to, first, last, prev, next int
	}{
		{1, 50, 0, 1, 1, 0, 0, 0, 0, 0, 0},
		{1, 50, 50, 1, 1, 0, 50, 1, 50, 0, 0},
		{1, 50, 51, 1, 2, 0, 50, 1, 50, 0, 2},
		{2, 50, 51, 2, 2, 50, 51, 51, 51, 1, 0},
		{9, 50, 51, 2, 2, 50, 51, 51, 51, 1, 0}, // past the last: the last
		{0, 50, 120, 1, 3, 0, 50, 1, 50, 0, 2},
		{2, 0, 3, 2, 3, 1, 2, 2, 2, 1, 3}, // size at least 1
	} {
		p := New(tc.number, tc.size, tc.total)
		from, to := p.Bounds()
		if p.Number != tc.wantNumber || p.Pages() != tc.pages || from != tc.from || to != tc.to || p.First() != tc.first ||
			p.Last() != tc.last || p.Prev() != tc.prev || p.Next() != tc.next || p.Many() != (tc.pages > 1) {
			t.Errorf("New(%d, %d, %d) = %+v: pages %d, bounds %d-%d, rows %d-%d, prev %d, next %d", tc.number, tc.size, tc.total,
				p, p.Pages(), from, to, p.First(), p.Last(), p.Prev(), p.Next())
		}
	}
}

// TestZeroPage: the zero Page is one empty page (a view not filled).
func TestZeroPage(t *testing.T) {
	var p Page
	if p.Pages() != 1 || p.Many() || p.Next() != 0 || p.Prev() != 0 || p.First() != 0 || p.Last() != 0 {
		t.Errorf("%+v", p)
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]int{"": 1, " 3 ": 3, "1": 1, "10000": MaxNumber} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"0", "-1", "two", "1.5", "10001", "99999999999999999999"} {
		_, err := Parse(in)
		var e *certboard.Error
		if certboard.ErrorCode(err) != certboard.Invalid {
			t.Errorf("Parse(%q): %v", in, err)
		} else if e, _ = err.(*certboard.Error); e == nil || e.Field != "page" {
			t.Errorf("Parse(%q) names %v", in, err)
		}
	}
}
