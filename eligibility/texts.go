package eligibility

import (
	"math"
	"strconv"
	"strings"

	"github.com/certboard/certboard/date"
)

// texts writes several texts of one result into one buffer and, when done,
// cuts them all from one string, instead of allocating each. A text is
// appended to b, then add records where it goes; the destinations must not
// move until done (a result's Progress is grown to its final size first).
type texts struct {
	b    []byte
	cuts []textCut
}

type textCut struct {
	dst      *string
	from, to int
}

// mark returns where the next text starts.
func (t *texts) mark() int { return len(t.b) }

// add records that the text from mark from to the end of the buffer goes to *dst.
func (t *texts) add(dst *string, from int) {
	t.cuts = append(t.cuts, textCut{dst, from, len(t.b)})
}

// done makes the one string and sets every recorded text, then empties t.
func (t *texts) done() {
	if len(t.cuts) > 0 {
		s := string(t.b)
		for _, c := range t.cuts {
			*c.dst = s[c.from:c.to]
		}
	}
	clear(t.cuts)
	t.b, t.cuts = t.b[:0], t.cuts[:0]
}

// The append forms of num, shown, amount and count: each appends exactly
// what the other returns.

func appendNumber(b []byte, x float64) []byte {
	return strconv.AppendFloat(b, round(x)+0, 'f', -1, 64)
}

func appendShown(b []byte, x float64, st Status) []byte {
	if st == Met {
		return appendNumber(b, x)
	}
	return strconv.AppendFloat(b, math.Floor(x*100+1e-6)/100+0, 'f', -1, 64)
}

func appendAmount(b []byte, x float64, unit string) []byte {
	if round(x) == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	return append(append(appendNumber(b, x), ' '), unit...)
}

func appendCount(b []byte, n int, noun string) []byte {
	b = append(append(strconv.AppendInt(b, int64(n), 10), ' '), noun...)
	if n != 1 {
		b = append(b, 's')
	}
	return b
}

// text builds a text in the context's buffer and returns it as one string:
// one allocation however many pieces it has, where fmt.Sprintf makes one
// for the result and one for most of its arguments.
func (c *evalCtx) text(build func(b []byte) []byte) string {
	c.buf = build(c.buf[:0])
	return string(c.buf)
}

// appendDate appends d as its String method writes it.
func appendDate(b []byte, d date.Date) []byte {
	if d.IsZero() {
		return b
	}
	return d.Time().AppendFormat(b, date.Layout)
}
