package pdffont_test

import (
	"bytes"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/certboard/certboard/practice/pdffont"
)

// TestRegister: both styles are added, text in other scripts is written,
// and the document embeds the font's glyphs (FontFile2), not a core font.
func TestRegister(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdffont.Register(pdf)
	pdf.AddPage()
	for _, style := range []string{"", "B"} {
		pdf.SetFont(pdffont.Family, style, 12)
		pdf.CellFormat(0, 6, "Łucja Дмитриева, Ελένη, Zoë", "", 1, "L", false, 0, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("/FontFile2")) || bytes.Contains(buf.Bytes(), []byte("/Helvetica")) {
		t.Error("the document does not embed the font")
	}
	if n := bytes.Count(buf.Bytes(), []byte("/Type /Font")); n < 2 {
		t.Errorf("%d fonts, want the regular and the bold", n)
	}
}
