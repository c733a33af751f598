package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/practice"
)

// The demo practice and the demo board: the practice trusts the board's
// did:web, its practitioners attach the credentials the board issued them,
// and the board's staff suspend one of them. The practice learns of it as
// it would of any issuer's: by checking the credential again against the
// board's status lists.

// consentTitle and consentBody are the demo practice's consent to
// treatment.
const (
	consentTitle = "Consent to treatment at Lakeview Couples Clinic"
	consentBody  = `I agree to sex therapy at Lakeview Couples Clinic with the practitioners assigned to me.

What it involves: conversations about my sexual concerns, information and suggestions, and, where my practitioner's scope of practice includes it and it is needed, Intensive Therapy with a written treatment plan. I may be asked to complete short questionnaires (such as the PHQ-9, GAD-7 and AUDIT-C) to follow how I am doing.

Confidentiality: my record is kept encrypted and read only by the practitioners assigned to me; every read is logged. It is shared with someone outside the practice only with my consent, or where the law requires it, including when there is a serious risk of harm to me or to others.

I may ask questions at any time, and I may withdraw this consent at any time; withdrawing it ends treatment but not the record kept of it.`
	// holtSuspension is why the board suspends Dr. Holt's credential.
	holtSuspension = "Continuing-education hours for the current cycle not reported; the credential is reinstated when they are on file."
	// holtReinstatement is why the board reinstates it when a fresh demo
	// practice is seeded beside a board that suspended it already.
	holtReinstatement = "Continuing-education hours received (demo: reinstated so that a new demo practice can attach the credential)."
)

// boardCSTSet is the requirement set of the AASECT CST, and the scope
// map's type of the credential it gives.
const boardCSTSet = "aasect-cst"

// setUp is the admin setting up the practice, the day it began: the demo
// board on its trust list, by its did:web and the name it gives itself,
// trusted to vouch for the AASECT CST (the kind of credential its
// practitioners hold), and the consent to treatment.
func (s *practiceSeeder) setUp(ctx context.Context) error {
	b, err := board.New(s.board.Config)
	if err != nil {
		return err
	}
	id, err := did.WebFromURL(s.board.Config.PublicURL)
	if err != nil {
		return fmt.Errorf("the demo board's did:web, from its public URL %q: %w", s.board.Config.PublicURL, err)
	}
	p, err := s.at(s.day(setUpDaysAgo, 10, 0))
	if err != nil {
		return err
	}
	admin := s.actors["ines.okoro"]
	if err := p.AddTrustedIssuer(ctx, admin, practice.TrustedIssuer{DID: id, Name: b.Name(ctx), Types: []string{boardCSTSet}}); err != nil {
		return fmt.Errorf("trusting the demo board: %w", err)
	}
	if _, err := p.PublishConsentText(ctx, admin, consentTitle, consentBody); err != nil {
		return fmt.Errorf("the consent text: %w", err)
	}
	return nil
}

// attachCredentials has Dr. Holt attach her CST the day she joined, and
// Jordan his today, the day the board approved it: each the credential
// the board issued to the address they use at the practice, as they
// would download it from their board account, verified by the practice
// over HTTP against the board's did:web document and status lists.
func (s *practiceSeeder) attachCredentials(ctx context.Context) error {
	for _, a := range []struct {
		local string
		at    int // days ago
	}{{"maren.holt", joinedDaysAgo["maren.holt"]}, {"jordan", 0}} {
		c, err := s.boardCST(ctx, a.local)
		if err != nil {
			return err
		}
		if c.Status() == "suspended" && a.local == "maren.holt" {
			// A board that suspended it for an earlier demo practice.
			if c, err = s.changeOnBoard(ctx, c, "reinstate", holtReinstatement); err != nil {
				return err
			}
		}
		at := s.now
		if a.at > 0 {
			at = s.day(a.at, 10, 0)
		}
		p, err := s.at(at)
		if err != nil {
			return err
		}
		if _, err := p.AttachCredential(ctx, s.actors[a.local], c.Document); err != nil {
			return fmt.Errorf("%s attaching the CST the demo board issued: %w", a.local, err)
		}
	}
	return nil
}

// suspendHolt has the board's staff suspend Dr. Holt's credential, and
// the practice check the credentials due, as its server does every
// minute: hers, attached two days ago, is due; the check finds it
// suspended, which takes Intensive Therapy out of her scope, so her open
// Intensive Therapy case is flagged and the admin mailed.
func (s *practiceSeeder) suspendHolt(ctx context.Context) error {
	c, err := s.boardCST(ctx, "maren.holt")
	if err != nil {
		return err
	}
	if _, err := s.changeOnBoard(ctx, c, "suspend", holtSuspension); err != nil {
		return err
	}
	p, err := s.at(s.now)
	if err != nil {
		return err
	}
	r, err := p.ReverifyDue(ctx)
	if err != nil {
		return fmt.Errorf("checking the credentials due: %w", err)
	}
	if r.Lost != 1 {
		return fmt.Errorf("checking the credentials due found %d scopes lost, not Dr. Holt's (%d checked, %d could not be checked)",
			r.Lost, r.Checked, r.Unavailable)
	}
	return nil
}

// boardCST is the latest CST credential the demo board issued to the
// holder with the local part local that is neither revoked nor
// superseded.
func (s *practiceSeeder) boardCST(ctx context.Context, local string) (*board.IssuedCredential, error) {
	u, err := s.board.Store.UserByEmail(ctx, Email(local))
	if err != nil {
		return nil, fmt.Errorf("%s on the demo board: %w", local, err)
	}
	creds, err := s.board.Store.CredentialsOf(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var found *board.IssuedCredential
	for _, c := range creds {
		if c.SetID != boardCSTSet || c.Status() == "revoked" || c.Status() == "superseded" {
			continue
		}
		if found == nil || c.IssuedAt.After(found.IssuedAt) {
			found = c
		}
	}
	if found == nil {
		return nil, fmt.Errorf("the demo board issued %s no CST credential in force", Email(local))
	}
	return found, nil
}

// changeOnBoard has the board's staff suspend or reinstate a credential
// through the board's use case (the audit entry, the holder's mail and
// the status list, at once).
func (s *practiceSeeder) changeOnBoard(ctx context.Context, c *board.IssuedCredential, action, reason string) (*board.IssuedCredential, error) {
	b, err := board.New(s.board.Config)
	if err != nil {
		return nil, err
	}
	staff, err := s.board.Store.UserByEmail(ctx, Email("staff"))
	if err != nil {
		return nil, fmt.Errorf("the demo board's staff: %w", err)
	}
	out, err := b.ChangeCredentialStatus(ctx, staff, c.ID, action, reason)
	if err != nil {
		return nil, fmt.Errorf("the board's staff: %s credential %s: %w", action, c.ID, err)
	}
	if out == nil {
		return nil, errors.New("the board returned no credential")
	}
	return out, nil
}
