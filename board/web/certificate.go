package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
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
	link := s.publicBase() + "/credentials/" + c.ID
	png, err := qrcode.Encode(link, qrcode.Medium, 512)
	if err != nil {
		return err
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetTitle(names.Title, true)
	pdf.SetAuthor(names.Issuer, true)
	pdf.SetCreator("certboard", false)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' encoding
	pdf.SetDrawColor(11, 92, 173)
	pdf.SetLineWidth(1.2)
	pdf.Rect(10, 10, 277, 190, "D")
	pdf.SetFont("Helvetica", "", 14)
	pdf.SetY(28)
	pdf.CellFormat(0, 10, tr(names.Issuer), "", 1, "C", false, 0, "")
	pdf.SetFont("Helvetica", "", 12)
	pdf.CellFormat(0, 10, "certifies that", "", 1, "C", false, 0, "")
	pdf.SetFont("Helvetica", "B", 28)
	pdf.CellFormat(0, 18, tr(names.Holder), "", 1, "C", false, 0, "")
	pdf.SetFont("Helvetica", "", 12)
	pdf.CellFormat(0, 10, "holds the credential", "", 1, "C", false, 0, "")
	pdf.SetFont("Helvetica", "B", 18)
	pdf.CellFormat(0, 12, tr(names.Title), "", 1, "C", false, 0, "")
	pdf.SetFont("Helvetica", "", 11)
	valid := "Valid from " + c.IssuedAt.UTC().Format("2 January 2006")
	if !c.ValidUntil.IsZero() {
		valid += " until " + c.ValidUntil.UTC().Format("2 January 2006")
	}
	pdf.CellFormat(0, 8, valid, "", 1, "C", false, 0, "")
	pdf.CellFormat(0, 8, tr(fmt.Sprintf("Requirements met: %s, version %s", c.SetID, c.SetVersion)), "", 1, "C", false, 0, "")
	pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	pdf.ImageOptions("qr", 123.5, 132, 50, 50, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, link)
	pdf.SetY(184)
	pdf.SetFont("Helvetica", "", 9)
	pdf.CellFormat(0, 6, "Scan the code or open "+link+" to see this credential verified now,", "", 1, "C", false, 0, link)
	pdf.CellFormat(0, 5, "including whether it has since been suspended or revoked. The signed credential is there too.", "", 1, "C", false, 0, "")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="certificate-`+c.ID+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = buf.WriteTo(w)
	return nil
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
