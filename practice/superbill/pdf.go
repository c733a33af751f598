package superbill

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/pdffont"
)

// Paper is the paper size a superbill is laid out for.
type Paper string

// The paper sizes: A4, and US Letter, which insurers in the United States
// print on.
const (
	A4     Paper = "A4"
	Letter Paper = "Letter"
)

// Statement is what the superbill says it is, printed under the totals.
const Statement = "This superbill is for the client to submit to their health insurer, with the insurer's claim form, " +
	"to claim reimbursement of the services listed. The client has paid the practice the amounts shown as paid; " +
	"the practice does not file a claim for these services, and the insurer decides what it reimburses."

// PDF lays out a superbill as a PDF document on the paper given (""
// means Letter): the practitioner and the practice with their
// identifiers, the client, the period, the diagnoses, a line per session
// with its date, CPT code, place of service, minutes, fee and amount
// paid, the totals (charged, paid, balance), Statement and a line for the
// practitioner's signature. Text is set in pdffont's font, so names in
// any script it covers print as written. It refuses an input that
// Validate refuses, with Validate's error, and an unknown paper as
// Invalid "paper".
func PDF(in Input, paper Paper) ([]byte, error) { return render(in, paper, true) }

// render is PDF, with the page streams compressed or, for tests that read
// the text, not.
func render(in Input, paper Paper, compress bool) (out []byte, err error) {
	if paper == "" {
		paper = Letter
	}
	if paper != A4 && paper != Letter {
		return nil, certboard.FieldError(certboard.Invalid, "paper", fmt.Sprintf("%q is not a paper size; choose A4 or Letter", string(paper)))
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	defer func() { // fpdf panics on what it cannot lay out; never take the server down for it
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("superbill: laying out the PDF: %v", r)
		}
	}()
	l := newLayout(in, paper, compress)
	l.header()
	l.parties()
	l.diagnoses()
	l.services()
	l.totals()
	l.closing()
	var buf bytes.Buffer
	if err := l.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("superbill: writing the PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// The layout's measures, in millimetres and points.
const (
	margin   = 15.0
	gap      = 6.0
	lineH    = 5.0
	bodySize = 9.5
	// tableSize is the services table's rows', a little smaller, so
	// that a procedure's description fits its column on one line.
	tableSize = 8.5
)

// layout is a superbill being laid out.
type layout struct {
	pdf *fpdf.Fpdf
	in  Input
	// width is the width between the margins.
	width float64
}

func newLayout(in Input, paper Paper, compress bool) *layout {
	pdf := fpdf.New("P", "mm", string(paper), "")
	pdf.SetCompression(compress)
	pdf.SetCatalogSort(true) // the same input gives the same bytes
	pdffont.Register(pdf)
	at := in.Issued.Time()
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetTitle(clean("Superbill: "+in.Client.Name+", "+in.Period.Label()), true)
	pdf.SetAuthor(clean(in.Practice.Name), true)
	pdf.SetCreator("certboard", false)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+5)
	pdf.AliasNbPages("{nb}")
	w, _ := pdf.GetPageSize()
	l := &layout{pdf: pdf, in: in, width: w - 2*margin}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin)
		pdf.SetFont(pdffont.Family, "", 7.5)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 4, clean(fmt.Sprintf("Superbill for %s, %s. Page %d of {nb}", in.Client.Name, in.Period.Label(), pdf.PageNo())),
			"", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	return l
}

// clean makes text safe for fpdf: characters beyond the Basic
// Multilingual Plane (fpdf's width tables stop there) become U+FFFD, and
// "\r\n" becomes "\n".
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return '\uFFFD'
		}
		return r
	}, s)
}

func (l *layout) font(style string, size float64) { l.pdf.SetFont(pdffont.Family, style, size) }

// heading writes a section's heading.
func (l *layout) heading(text string) {
	l.pdf.Ln(3)
	l.font("B", 11)
	l.pdf.CellFormat(0, 7, text, "B", 1, "L", false, 0, "")
	l.pdf.Ln(1)
	l.font("", bodySize)
}

// header writes the title, the period and the day issued.
func (l *layout) header() {
	p := l.pdf
	l.font("B", 20)
	p.CellFormat(l.width/2, 10, "Superbill", "", 0, "L", false, 0, "")
	l.font("", bodySize)
	p.CellFormat(l.width/2, 10, "Issued "+longDate(l.in.Issued), "", 1, "R", false, 0, "")
	l.font("B", 12)
	p.CellFormat(0, 7, clean(l.in.Period.Label()), "", 1, "L", false, 0, "")
	l.font("", bodySize)
	p.CellFormat(0, lineH, "Statement of services for reimbursement by the client's health insurer", "", 1, "L", false, 0, "")
}

// block writes a titled block of lines in a column at x, from y, and
// returns where it ends.
func (l *layout) block(x, y, w float64, title string, lines []string) float64 {
	p := l.pdf
	p.SetXY(x, y)
	l.font("B", 10)
	p.CellFormat(w, 6, title, "B", 2, "L", false, 0, "")
	p.SetY(p.GetY() + 1)
	l.font("", bodySize)
	for _, line := range lines {
		p.SetX(x)
		p.MultiCell(w, lineH, clean(line), "", "L", false)
	}
	return p.GetY()
}

// parties writes the practitioner, the practice and the client.
func (l *layout) parties() {
	p := l.pdf
	in := l.in
	p.Ln(3)
	col := (l.width - gap) / 2
	y := p.GetY()
	pt := in.Practitioner
	left := []string{
		pt.Name + ", " + pt.LicenceType,
		fmt.Sprintf("Licence: %s no. %s, %s", pt.LicenceType, pt.LicenceNumber, pt.LicenceState),
		"NPI (individual, type 1): " + pt.NPI,
	}
	pr := in.Practice
	right := []string{pr.Name}
	right = append(right, addressLines(pr.Address)...)
	right = append(right, "Phone: "+pr.Phone)
	if pr.NPI != "" {
		right = append(right, "NPI (organisation, type 2): "+pr.NPI)
	}
	taxID, _ := NormalizeTaxID(pr.TaxID)
	kind := "EIN"
	if len(taxID) == 11 { // 123-45-6789
		kind = "SSN"
	}
	right = append(right, fmt.Sprintf("Tax id (%s): %s", kind, taxID))
	endL := l.block(margin, y, col, "Rendering provider", left)
	endR := l.block(margin+col+gap, y, col, "Billing provider", right)
	p.SetXY(margin, max(endL, endR)+3)

	c := in.Client
	lines := []string{c.Name, "Date of birth: " + longDate(c.DateOfBirth)}
	if a := addressLines(c.Address); len(a) > 0 {
		lines = append(lines, strings.Join(a, ", "))
	}
	end := l.block(margin, p.GetY(), l.width, "Client (patient)", lines)
	p.SetXY(margin, end)
}

// diagnoses writes the case's codes, lettered as a claim points at them.
func (l *layout) diagnoses() {
	p := l.pdf
	l.heading("Diagnoses (ICD-10-CM)")
	for i, d := range l.in.Diagnoses {
		l.font("B", bodySize)
		p.CellFormat(8, lineH, string(rune('A'+i)), "", 0, "L", false, 0, "")
		p.CellFormat(22, lineH, d.Code, "", 0, "L", false, 0, "")
		l.font("", bodySize)
		p.MultiCell(l.width-30, lineH, clean(d.Description), "", "L", false)
	}
}

// column is one column of the services table.
type column struct {
	title string
	w     float64
	align string
}

// columns are the services table's columns; the service's takes what
// the others leave.
func (l *layout) columns() []column {
	cols := []column{{"Date", 22, "L"}, {"CPT", 14, "L"}, {"Service", 0, "L"}, {"Place", 13, "C"},
		{"Minutes", 16, "R"}, {"Fee", 27, "R"}, {"Paid", 27, "R"}}
	rest := l.width
	for _, c := range cols {
		rest -= c.w
	}
	cols[2].w = rest
	return cols
}

// tableHeader writes the services table's header row.
func (l *layout) tableHeader(cols []column) {
	p := l.pdf
	l.font("B", 8.5)
	p.SetFillColor(230, 234, 240)
	for _, c := range cols {
		title := c.title
		if c.title == "Fee" || c.title == "Paid" {
			title += " (" + l.in.Currency + ")"
		}
		p.CellFormat(c.w, 6, title, "1", 0, c.align, true, 0, "")
	}
	p.Ln(-1)
	l.font("", tableSize)
}

// services writes a row per session, keeping each row whole on a page
// and repeating the header on each page the table goes on to.
func (l *layout) services() {
	p := l.pdf
	_, pageH := p.GetPageSize()
	_, _, _, bottom := p.GetMargins()
	if p.GetY()+30 > pageH-bottom { // the heading, the header and a row together
		p.AddPage()
	}
	l.heading("Services")
	cols := l.columns()
	l.tableHeader(cols)
	used := map[Place]bool{}
	for _, line := range l.in.Lines {
		used[line.Place] = true
		what := p.SplitText(clean(line.What()), cols[2].w)
		h := float64(max(1, len(what))) * lineH
		if p.GetY()+h > pageH-bottom-5 {
			p.AddPage()
			l.tableHeader(cols)
		}
		x, y := p.GetXY()
		cells := []string{line.Date.String(), line.CPT, "", string(line.Place), fmt.Sprint(line.Minutes),
			FormatCents(line.FeeCents), FormatCents(line.PaidCents)}
		for i, c := range cols {
			if i == 2 {
				p.Rect(x, y, c.w, h, "D")
				for j, t := range what {
					p.SetXY(x, y+float64(j)*lineH)
					p.CellFormat(c.w, lineH, t, "", 0, "L", false, 0, "")
				}
			} else {
				p.SetXY(x, y)
				p.CellFormat(c.w, h, cells[i], "1", 0, c.align, false, 0, "")
			}
			x += c.w
		}
		p.SetXY(margin, y+h)
	}
	var legend []string
	for _, pl := range Places() {
		if used[pl] {
			legend = append(legend, string(pl)+": "+pl.Name())
		}
	}
	p.Ln(1)
	l.font("", 8)
	p.MultiCell(0, 4, "Place of service (CMS code set): "+strings.Join(legend, "; ")+".", "", "L", false)
	l.font("", bodySize)
}

// totals writes what was charged, paid and remains.
func (l *layout) totals() {
	p := l.pdf
	t := l.in.Totals()
	p.Ln(3)
	labelW, amountW := 60.0, 40.0
	for _, row := range []struct {
		label string
		cents int64
		bold  bool
	}{
		{"Total charged", t.Charged, false},
		{"Total paid by the client", t.Paid, false},
		{"Balance due", t.Balance, true},
	} {
		style := ""
		if row.bold {
			style = "B"
		}
		l.font(style, 10)
		p.SetX(margin + l.width - labelW - amountW)
		p.CellFormat(labelW, 6, row.label, "", 0, "L", false, 0, "")
		p.CellFormat(amountW, 6, FormatMoney(l.in.Currency, row.cents), "", 1, "R", false, 0, "")
	}
	l.font("", bodySize)
}

// closing writes the statement and the line for the signature.
func (l *layout) closing() {
	p := l.pdf
	p.Ln(4)
	l.font("", 9)
	p.MultiCell(0, 4.5, Statement, "", "L", false)
	p.Ln(8)
	l.font("", bodySize)
	_, pageH := p.GetPageSize()
	if p.GetY()+12 > pageH-margin-5 {
		p.AddPage()
	}
	y := p.GetY() + 6
	p.Line(margin, y, margin+95, y)
	p.Line(margin+110, y, margin+l.width, y)
	p.SetXY(margin, y+1)
	l.font("", 8)
	p.CellFormat(95, 4, clean("Signature of "+l.in.Practitioner.Name), "", 0, "L", false, 0, "")
	p.SetX(margin + 110)
	p.CellFormat(l.width-110, 4, "Date", "", 1, "L", false, 0, "")
}
