// Package pdffont holds the font practice mode's PDFs are set in: DejaVu
// Sans, regular and bold, embedded in the binary, whose glyphs cover
// Latin, Greek, Cyrillic and more, so that a client's or a practitioner's
// name prints as they write it. fpdf's core fonts (Helvetica) know only
// Windows-1252 and would print "Łucja" or "Дмитрий" as question marks.
// The font is under the Bitstream Vera licence, whose notice is
// LICENSE-DejaVu.txt beside it; fpdf embeds only the glyphs a document
// uses.
package pdffont

import (
	_ "embed"

	"github.com/go-pdf/fpdf"
)

// Family is the name under which Register adds the font to a document.
const Family = "DejaVuSans"

var (
	//go:embed DejaVuSans.ttf
	regular []byte
	//go:embed DejaVuSans-Bold.ttf
	bold []byte
)

// Register adds the font to pdf as Family, in the styles "" (regular)
// and "B" (bold); set it with pdf.SetFont(pdffont.Family, "", size).
// Text written in it is UTF-8, as Go strings are: no translator is
// needed. A failure is the document's (pdf.Err).
func Register(pdf *fpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(Family, "", regular)
	pdf.AddUTF8FontFromBytes(Family, "B", bold)
}
