// Package paging cuts long lists (a practitioner's clients, a case's
// notes and measure responses) into numbered pages: which page a request
// asks for, which rows it covers, and the pages to link to. Pages are
// numbered from 1, like the board's registry search; a page past the
// last shows the last, so that a link kept after rows were removed still
// lands somewhere. It does no I/O.
package paging

import (
	"strconv"
	"strings"

	"github.com/certboard/certboard"
)

// MaxNumber is the highest page number a request may ask for: a bound on
// the offset a query skips, whatever the page size.
const MaxNumber = 10000

// Parse reads a page number from a query value: "" is page 1; anything
// but a whole number from 1 to MaxNumber is an Invalid error naming the
// field "page".
func Parse(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxNumber {
		return 0, certboard.FieldError(certboard.Invalid, "page",
			"the page is a whole number from 1 to "+strconv.Itoa(MaxNumber)+"; follow the page links instead of typing one")
	}
	return n, nil
}

// Page is one page of a list of Total rows, Size rows a page.
type Page struct {
	// Number is the page, from 1 to Pages (1 for an empty list).
	Number int
	Size   int
	Total  int
}

// New returns page number of a list of total rows, size a page (at
// least 1); a number past the last page gives the last.
func New(number, size, total int) Page {
	size = max(size, 1)
	p := Page{Number: max(number, 1), Size: size, Total: max(total, 0)}
	p.Number = min(p.Number, p.Pages())
	return p
}

// Pages is how many pages the list has: at least 1, an empty list (and
// the zero Page) having one empty page.
func (p Page) Pages() int {
	size := max(p.Size, 1)
	return max(1, (p.Total+size-1)/size)
}

// Offset is how many rows come before the page.
func (p Page) Offset() int { return (max(p.Number, 1) - 1) * p.Size }

// Bounds are the indexes of the page's rows in the whole list, [from, to).
func (p Page) Bounds() (from, to int) {
	from = min(p.Offset(), p.Total)
	return from, min(from+p.Size, p.Total)
}

// First and Last are the numbers (from 1) of the first and last row the
// page shows; both 0 for an empty list.
func (p Page) First() int {
	if p.Total == 0 {
		return 0
	}
	return p.Offset() + 1
}

// Last is the number of the last row the page shows.
func (p Page) Last() int { _, to := p.Bounds(); return to }

// Prev is the number of the page before, 0 on the first.
func (p Page) Prev() int {
	if p.Number <= 1 {
		return 0
	}
	return p.Number - 1
}

// Next is the number of the page after, 0 on the last.
func (p Page) Next() int {
	n := max(p.Number, 1)
	if n >= p.Pages() {
		return 0
	}
	return n + 1
}

// Many says whether the list takes more than one page, and so needs
// page links.
func (p Page) Many() bool { return p.Pages() > 1 }
