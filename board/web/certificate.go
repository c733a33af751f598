package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/certboard/certboard/board"
)

// certificatePDF is a printable certificate of a credential, with a QR code
// that opens the credential's page, where anyone sees it verified.
func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request) error {
	c, err := s.visibleCredential(r)
	if err != nil {
		return err
	}
	names, err := credentialNamesOf(c.Document)
	if err != nil {
		return err
	}
	pdf, err := certificate(names, c, s.publicBase()+"/credentials/"+c.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="certificate-`+c.ID+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(pdf)
	return nil
}

// The certificate's page: A4 landscape inside a frame, in millimetres.
// Text is kept inside the frame's inner width, and the page never breaks:
// a certificate is one sheet, however long the names it prints.
const (
	certFrameTop    = 10.0
	certFrameBottom = 200.0
	certTextWidth   = 257.0 // the frame's 277 less 10 each side
	certQRMax       = 50.0
	certQRMin       = 30.0
	certFooter      = 12.0 // the two lines under the code
)

// certificate draws the one-page PDF certificate of credential c, whose
// names are names, with a QR code of link (the credential's page).
func certificate(names credentialNames, c *board.IssuedCredential, link string) ([]byte, error) {
	png, err := qrcode.Encode(link, qrcode.Medium, 512)
	if err != nil {
		return nil, err
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	// Placed by hand within the frame: an automatic break would carry the
	// last lines onto a second sheet.
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(20, certFrameTop, 20)
	pdf.SetTitle(names.Title, true)
	pdf.SetAuthor(names.Issuer, true)
	pdf.SetCreator("certboard", false)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' encoding
	pdf.SetDrawColor(11, 92, 173)
	pdf.SetLineWidth(1.2)
	pdf.Rect(10, certFrameTop, 277, certFrameBottom-certFrameTop, "D")
	line := func(text, style string, size, height float64) {
		fitLine(pdf, tr(text), style, size, height, "")
	}
	pdf.SetY(32)
	line(names.Issuer, "", 14, 10)
	line("certifies that", "", 12, 9)
	line(names.Holder, "B", 28, 16)
	line("holds the credential", "", 12, 9)
	line(names.Title, "B", 18, 12)
	valid := "Valid from " + c.IssuedAt.UTC().Format("2 January 2006")
	if !c.ValidUntil.IsZero() {
		valid += " until " + c.ValidUntil.UTC().Format("2 January 2006")
	}
	line(valid, "", 11, 7)
	line(fmt.Sprintf("Requirements met: %s, version %s", c.SetID, c.SetVersion), "", 11, 7)
	// The code takes the room left above the footer, up to its full size.
	top := pdf.GetY() + 4
	size := min(certQRMax, max(certQRMin, certFrameBottom-4-certFooter-2-top))
	pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	pdf.ImageOptions("qr", (297-size)/2, top, size, size, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, link)
	pdf.SetY(top + size + 2)
	fitLine(pdf, "Scan the code or open "+link+" to see this credential verified now,", "", 9, 6, link)
	fitLine(pdf, "including whether it is still in force, and until when.", "", 9, 6, "")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fitLine writes one centred line of text in Helvetica of style at size
// points, smaller (down to 8 points) when the text is wider than the
// frame; what still does not fit wraps onto further lines. height is the
// line's height at size; link, when not empty, is where the line links.
func fitLine(pdf *fpdf.Fpdf, text, style string, size, height float64, link string) {
	pt := size
	pdf.SetFont("Helvetica", style, pt)
	for pt > 8 && pdf.GetStringWidth(text) > certTextWidth {
		pt--
		pdf.SetFont("Helvetica", style, pt)
	}
	h := height * pt / size
	if pdf.GetStringWidth(text) <= certTextWidth {
		pdf.SetX((297 - certTextWidth) / 2)
		pdf.CellFormat(certTextWidth, h, text, "", 1, "C", false, 0, link)
		return
	}
	pdf.SetX((297 - certTextWidth) / 2)
	pdf.MultiCell(certTextWidth, h, text, "", "C", false)
}

// credentialNames are the names a credential states: its own, its
// issuer's and its holder's (the holder's from its "name" identifier).
type credentialNames struct {
	Title, Issuer, Holder string
}

// credentialNamesOf reads the names of a stored credential document.
func credentialNamesOf(document []byte) (credentialNames, error) {
	var doc struct {
		Name   string `json:"name"`
		Issuer struct {
			Name string `json:"name"`
		} `json:"issuer"`
		Subject struct {
			Identifier []struct {
				IdentityType string `json:"identityType"`
				IdentityHash string `json:"identityHash"`
			} `json:"identifier"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(document, &doc); err != nil {
		return credentialNames{}, err
	}
	n := credentialNames{Title: doc.Name, Issuer: doc.Issuer.Name}
	for _, id := range doc.Subject.Identifier {
		if id.IdentityType == "name" {
			n.Holder = id.IdentityHash
		}
	}
	return n, nil
}
