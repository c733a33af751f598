// Package letter renders a referral letter as a PDF: what one practice
// sends the therapist a client is referred to, with the minimum necessary
// and nothing else. It is a pure renderer: the caller gathers the Letter
// (practice/referrals_letter.go decides what goes in it) and gets the
// bytes of the PDF.
package letter

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// Letter is everything a referral letter says.
type Letter struct {
	// Practice is the referring practice's name, PracticeAddress its
	// postal address (a line per line) and PracticePhone its phone
	// number, each "" when not given; Practitioner is the referring
	// practitioner's name (with their credential, when they hold one the
	// practice verified).
	Practice        string
	PracticeAddress string
	PracticePhone   string
	Practitioner    string
	// Date is when the letter is made.
	Date time.Time
	// To is the therapist the client is referred to.
	To Recipient
	// Client is the client's name and DateOfBirth their date of birth
	// (YYYY-MM-DD).
	Client      string
	DateOfBirth string
	// Stage is the PLISSIT stage the client is referred for, and Reached
	// the stage the case reached here (shown only with Shares.Stage).
	Stage   string
	Reached string
	// Shares says which parts of the record the client agreed to share:
	// the letter shows those and no other.
	Shares Shares
	// Concerns name the concerns the case works on, each with its codes
	// when they are shared (shown only with Shares.Concerns).
	Concerns []string
	// Scores are the latest score of each instrument shared, with its
	// band (shown only with Shares.Scores).
	Scores []Score
	// Reason is why the client is referred.
	Reason string
	// Consent is the client's consent to disclose: when it was given and
	// what it covers.
	Consent Consent
	// Part2Notice is the redisclosure notice of 42 CFR 2.32 when the
	// client's record is covered by 42 CFR Part 2, one paragraph an entry;
	// nil otherwise.
	Part2Notice []string
	// Part2Source cites where the notice comes from.
	Part2Source string
}

// Recipient is whom a letter is addressed to.
type Recipient struct {
	Name         string
	Organisation string
	Contact      string
	// Credential names their credential as the board's registry showed
	// it, and Registry where it can be checked.
	Credential string
	Registry   string
}

// Score is one instrument's latest score.
type Score struct {
	Instrument string
	Total      string
	Band       string
	Taken      string
}

// Shares are the parts of the record a letter may show, each only when
// the client agreed to share it.
type Shares struct {
	Concerns, Stage, Scores bool
}

// Consent is the client's consent to disclose: when it was given, what it
// covers in words (Scope, the reason for referral first), what else the
// client agreed to share in their words (Other), and what the letter
// leaves out (Withheld). Legacy says the consent was recorded before it
// was itemised: the letter then holds the reason and Other only.
type Consent struct {
	Given    time.Time
	Scope    []string
	Other    []string
	Withheld []string
	Legacy   bool
}

// Render returns the letter as a PDF. compress false leaves the page
// content uncompressed, so that a test can read its words.
func Render(l Letter, compress bool) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.SetCompression(compress)
	pdf.SetTitle("Referral of "+l.Client, true)
	pdf.SetAuthor(l.Practitioner, true)
	pdf.SetCreator("certboard", false)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' encoding
	text := func(style string, size float64, s string) {
		pdf.SetFont("Helvetica", style, size)
		pdf.MultiCell(0, size*0.5, tr(s), "", "L", false)
	}
	gap := func() { pdf.Ln(3) }
	heading := func(s string) {
		gap()
		text("B", 12, s)
		pdf.Ln(1)
	}
	text("B", 16, "Referral for "+l.Stage)
	text("", 10, l.Practice)
	for _, line := range strings.Split(l.PracticeAddress, "\n") {
		if line != "" {
			text("", 10, line)
		}
	}
	if l.PracticePhone != "" {
		text("", 10, "Phone: "+l.PracticePhone)
	}
	text("", 10, "From "+l.Practitioner+", "+l.Date.UTC().Format("January 2, 2006"))
	heading("To")
	for _, s := range []string{l.To.Name, l.To.Organisation, l.To.Contact} {
		if s != "" {
			text("", 10, s)
		}
	}
	if l.To.Credential != "" {
		text("", 10, "Credential: "+l.To.Credential)
	}
	if l.To.Registry != "" {
		text("", 10, "Registry entry: "+l.To.Registry)
	}
	heading("Client")
	text("", 10, "Name: "+l.Client)
	text("", 10, "Date of birth: "+l.DateOfBirth)
	heading("Reason for referral")
	text("", 10, l.Reason)
	if l.Shares.Stage {
		heading("Where care stands")
		text("", 10, fmt.Sprintf("PLISSIT stage reached here: %s. Referred for: %s.", l.Reached, l.Stage))
	}
	if l.Shares.Concerns {
		heading("Concerns")
		if len(l.Concerns) == 0 {
			text("", 10, "No concern was recorded on the case when the referral was made.")
		}
		for _, c := range l.Concerns {
			text("", 10, "  - "+c)
		}
	}
	if l.Shares.Scores {
		heading("Latest scores")
		if len(l.Scores) == 0 {
			text("", 10, "None of the measures the client agreed to share was scored on the case.")
		}
		for _, s := range l.Scores {
			line := fmt.Sprintf("%s: %s", s.Instrument, s.Total)
			if s.Band != "" {
				line += " (" + s.Band + ")"
			}
			text("", 10, line+", "+s.Taken)
		}
	}
	heading("Consent to disclose")
	given := l.Consent.Given.UTC().Format("January 2, 2006")
	if l.Consent.Legacy {
		text("", 10, fmt.Sprintf("The client consented on %s to share what follows, in the words recorded then: %s.", given,
			strings.Join(append([]string{"the reason for referral"}, l.Consent.Other...), "; ")))
		text("", 10, "That consent was recorded before the practice recorded it item by item, so this letter holds only the reason for referral and what the consent says in words.")
	} else {
		text("", 10, fmt.Sprintf("The client consented on %s to share: %s.", given, strings.Join(l.Consent.Scope, "; ")))
		if len(l.Consent.Other) > 0 {
			text("", 10, "And, in the words recorded with their consent: "+strings.Join(l.Consent.Other, "; ")+".")
		}
		if len(l.Consent.Withheld) > 0 {
			text("", 10, "Not shared, as the consent does not cover it: "+strings.Join(l.Consent.Withheld, "; ")+".")
		}
	}
	text("", 10, "This letter holds only what the client agreed to share; ask the client, or the referring practitioner with the client's consent, for more.")
	if len(l.Part2Notice) > 0 {
		heading("Notice: 42 CFR Part 2")
		for _, p := range l.Part2Notice {
			text("", 9, p)
			pdf.Ln(1)
		}
		if l.Part2Source != "" {
			text("I", 8, "Source: "+l.Part2Source)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("rendering the referral letter: %w", err)
	}
	return buf.Bytes(), nil
}
