package demo

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/portfolio"
)

// A document counts as on file only when its file was uploaded, so every
// document item a demo portfolio lists gets a file: a one-page PDF made
// here, uploaded by the applicant through board.Board.Upload like any
// other, and so kept encrypted in the board's file store.

// uploadDocuments has u upload a file for each document item of their
// application appID that has none yet, starting from version, and returns
// the application's version after the last upload.
func (s *seeder) uploadDocuments(ctx context.Context, u *auth.User, appID int64, version int) (int, error) {
	app, err := s.store.Application(ctx, appID)
	if err != nil {
		return 0, err
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		return 0, err
	}
	for _, d := range p.Documents {
		data, err := documentPDF(u.Name, &d, s.now())
		if err != nil {
			return 0, err
		}
		up := board.Upload{Filename: d.ID + ".pdf", Data: data, HasFile: true, Item: d.ID, Version: strconv.Itoa(version)}
		if _, _, version, err = s.board.Upload(ctx, u, appID, up); err != nil {
			return 0, fmt.Errorf("demo: %s's document %s: %w", u.Email, d.ID, err)
		}
	}
	return version, nil
}

// documentPDF is a one-page PDF standing for document d of a demo
// applicant: its title, kind and date received, and a line saying that it
// is demo data.
func documentPDF(name string, d *portfolio.Document, at time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetTitle(board.DocumentName(d), true)
	pdf.SetAuthor(name, true)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 9, tr(board.DocumentName(d)), "", "L", false)
	pdf.SetFont("Helvetica", "", 11)
	pdf.Ln(4)
	for _, line := range []string{
		"Applicant: " + name,
		"Kind: " + board.DocumentName(&portfolio.Document{Kind: d.Kind}),
		"Received: " + d.Received.String(),
		"",
		"A demonstration document made by certboard's demo seeding; it stands for the real file an applicant would upload.",
	} {
		pdf.MultiCell(0, 6, tr(line), "", "L", false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
