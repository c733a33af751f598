package practice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
)

// Consent to treatment: a practice admin publishes the text, in numbered
// versions; a client signs the newest by typing their full name, with an
// assigned practitioner as witness, and the consent keeps the exact text
// and version signed. A text is never changed once someone signed it (a
// new version replaces it); signing a newer version supersedes the
// consent before it; a client may withdraw the consent in force.

// ConsentText is one version of the practice's consent to treatment.
type ConsentText struct {
	ID      int64
	Version int
	Title   string
	Body    string
	// PublishedAt and PublishedBy say when and by whom it was published
	// (or last revised, before anyone signed it).
	PublishedAt time.Time
	PublishedBy int64
}

// Digest is the hex SHA-256 of the text's body, kept with each consent to
// show which words were signed.
func (t ConsentText) Digest() string {
	sum := sha256.Sum256([]byte(t.Body))
	return hex.EncodeToString(sum[:])
}

// The bounds of a consent text (runes).
const (
	MaxConsentTitle   = 200
	MinConsentBody    = 100
	MaxConsentBody    = 50000
	MaxWithdrawReason = 2000
	// AgeOfMajority is the age from which clients sign for themselves;
	// for a younger client a parent or guardian signs. (18 in most of the
	// United States; a practice where it differs must change it.)
	AgeOfMajority = 18
)

// Signer says who signed a consent.
type Signer string

// The signers.
const (
	// SignerClient is the client, of age, signing for themselves.
	SignerClient Signer = "client"
	// SignerGuardian is a parent or legal guardian signing for a client
	// under AgeOfMajority.
	SignerGuardian Signer = "guardian"
)

// ParseSigner reads a signer.
func ParseSigner(s string) (Signer, error) {
	switch Signer(s) {
	case SignerClient, SignerGuardian:
		return Signer(s), nil
	}
	return "", certboard.FieldError(certboard.Invalid, "signer", "choose client or guardian")
}

// Consent is a signed consent to treatment, with the exact text signed.
// It is sealed at rest as a whole, but for what finds it (client, text,
// witness, when, and when withdrawn).
type Consent struct {
	ID       int64
	ClientID int64
	TextID   int64
	// Version, Title, Text and TextDigest are the consent text as signed.
	Version    int
	Title      string
	Text       string
	TextDigest string
	Signer     Signer
	// SignedName is the full name typed as the signature.
	SignedName string
	// GuardianRelationship is how a guardian signer is related to the
	// client ("mother", "legal guardian"), "" for the client.
	GuardianRelationship string
	// WitnessID and WitnessName are the practitioner who witnessed it.
	WitnessID   int64
	WitnessName string
	SignedAt    time.Time
	// WithdrawnAt is zero while the consent is not withdrawn.
	WithdrawnAt      time.Time
	WithdrawnBy      int64
	WithdrawalReason string
}

// Withdrawn reports whether the consent was withdrawn.
func (c Consent) Withdrawn() bool { return !c.WithdrawnAt.IsZero() }

// inForce returns the consent in force among a client's consents, newest
// first: the newest, unless it was withdrawn.
func inForce(cs []Consent) *Consent {
	if len(cs) == 0 || cs[0].Withdrawn() {
		return nil
	}
	c := cs[0]
	return &c
}

// consentOn returns the consent in force on day among a client's
// consents, newest first, nil when none was. A consent is in force from
// the day it was signed until the day it was withdrawn, or the day a newer
// one was signed, both days included: a session on the day consent was
// withdrawn happened under it. Days are UTC, as dates of service are.
func consentOn(cs []Consent, day date.Date) *Consent {
	for i, c := range cs {
		if date.FromTime(c.SignedAt.UTC()).After(day) {
			continue
		}
		var end time.Time
		switch {
		case c.Withdrawn():
			end = c.WithdrawnAt
		case i > 0:
			end = cs[i-1].SignedAt
		default:
			return &c
		}
		if !date.FromTime(end.UTC()).Before(day) {
			return &c
		}
		// The newest consent signed by day ended before it; older ones
		// ended sooner.
		return nil
	}
	return nil
}

// checkConsentText trims a consent text's title and body and says what to
// fix.
func checkConsentText(title, body string) (string, string, error) {
	title = strings.Join(strings.Fields(title), " ")
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		errs["title"] = "give the text a title, such as Consent to treatment"
	case n > MaxConsentTitle:
		errs["title"] = fmt.Sprintf("use at most %d characters (this has %d)", MaxConsentTitle, n)
	}
	switch n := utf8.RuneCountInString(body); {
	case !utf8.ValidString(body):
		errs["body"] = "the text is not valid UTF-8"
	case strings.ContainsFunc(body, func(r rune) bool { return r < ' ' && r != '\n' && r != '\t' }):
		errs["body"] = "remove the control characters"
	case n < MinConsentBody:
		errs["body"] = fmt.Sprintf("a consent to treatment says what the client agrees to; write at least %d characters (this has %d)", MinConsentBody, n)
	case n > MaxConsentBody:
		errs["body"] = fmt.Sprintf("use at most %d characters (this has %d)", MaxConsentBody, n)
	}
	if err := fieldsError("Check the consent text", []string{"title", "body"}, errs); err != nil {
		return "", "", err
	}
	return title, body, nil
}

// PublishConsentText publishes a new version of the consent to treatment
// (practice admins only): the next version number, in force for every
// signature from now on. It is audited ("consent_text.publish").
func (p *Practice) PublishConsentText(ctx context.Context, by Actor, title, body string) (*ConsentText, error) {
	if !by.IsAdmin() {
		return nil, certboard.Errorf(certboard.Forbidden, "only a practice admin publishes the consent text")
	}
	title, body, err := checkConsentText(title, body)
	if err != nil {
		return nil, err
	}
	t := &ConsentText{Title: title, Body: body, PublishedAt: p.clock.Now().UTC(), PublishedBy: by.UserID, Version: 1}
	err = p.store.InTx(ctx, func(tx Tx) error {
		latest, err := tx.LatestConsentText(ctx)
		switch {
		case err == nil:
			t.Version = latest.Version + 1
		case !errors.Is(err, certboard.ErrNotFound):
			return err
		}
		t.ID, err = tx.CreateConsentText(ctx, *t)
		if errors.Is(err, certboard.ErrConflict) {
			return certboard.Errorf(certboard.Conflict, "another admin published version %d meanwhile; reload and check it", t.Version)
		}
		if err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, "consent_text.publish", fmt.Sprintf("consent_text:%d", t.ID), nil,
			map[string]any{"version": t.Version, "digest": t.Digest()})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ReviseConsentText corrects the newest consent text (practice admins
// only) while nobody has signed it; once someone has, it is kept as
// signed, and a new version must be published instead (Conflict). It is
// audited ("consent_text.revise").
func (p *Practice) ReviseConsentText(ctx context.Context, by Actor, id int64, title, body string) error {
	if !by.IsAdmin() {
		return certboard.Errorf(certboard.Forbidden, "only a practice admin revises the consent text")
	}
	title, body, err := checkConsentText(title, body)
	if err != nil {
		return err
	}
	return p.store.InTx(ctx, func(tx Tx) error {
		latest, err := tx.LatestConsentText(ctx) // locked: a signature waits for the revision
		if errors.Is(err, certboard.ErrNotFound) {
			return certboard.Errorf(certboard.NotFound, "there is no consent text %d", id)
		}
		if err != nil {
			return err
		}
		if latest.ID != id {
			return certboard.Errorf(certboard.Conflict, "only the newest consent text (version %d) may be revised, before anyone signs it", latest.Version)
		}
		before := latest.Digest()
		t := *latest
		t.Title, t.Body, t.PublishedAt, t.PublishedBy = title, body, p.clock.Now().UTC(), by.UserID
		err = tx.ReviseConsentText(ctx, t)
		if errors.Is(err, certboard.ErrConflict) {
			return certboard.Errorf(certboard.Conflict,
				"clients have signed version %d, so it is kept as they signed it; publish a new version instead", t.Version)
		}
		if err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, "consent_text.revise", fmt.Sprintf("consent_text:%d", t.ID),
			map[string]any{"version": t.Version, "digest": before}, map[string]any{"version": t.Version, "digest": t.Digest()})
	})
}

// ConsentTexts lists every version of the consent text, newest first, for
// practitioners and practice admins.
func (p *Practice) ConsentTexts(ctx context.Context, by Actor) ([]ConsentText, error) {
	if !by.IsAdmin() && !by.IsPractitioner() {
		return nil, certboard.Errorf(certboard.Forbidden, "only practitioners and practice admins read the consent texts")
	}
	return p.store.ConsentTexts(ctx)
}

// Signature is what signing a consent takes.
type Signature struct {
	ClientID int64
	// TextID is the consent text shown to the signer; it must still be
	// the newest.
	TextID int64
	Signer Signer
	// SignedName is the signer's full name, typed as the signature; a
	// client types the name on their record.
	SignedName string
	// GuardianRelationship is how a guardian is related to the client.
	GuardianRelationship string
	// Agreed is the signer's tick: they read the text and agree.
	Agreed bool
}

// SignConsent records a client's consent to treatment to the newest
// consent text, witnessed by the assigned practitioner by: the exact text
// and its version are kept with the typed signature, sealed. A client of
// age signs for themselves, typing the name on their record; for a client
// under AgeOfMajority a parent or guardian signs. The consent and its
// audit entry ("consent.sign") commit together.
func (p *Practice) SignConsent(ctx context.Context, by Actor, s Signature) (*Consent, error) {
	errs := map[string]string{}
	name := strings.Join(strings.Fields(s.SignedName), " ")
	rel := strings.Join(strings.Fields(s.GuardianRelationship), " ")
	switch n := utf8.RuneCountInString(name); {
	case hasControl(s.SignedName):
		errs["signed_name"] = "remove the control characters"
	case n == 0:
		errs["signed_name"] = "the signer types their full name to sign"
	case n > MaxNameLen:
		errs["signed_name"] = fmt.Sprintf("use at most %d characters", MaxNameLen)
	}
	switch s.Signer {
	case SignerClient:
		rel = ""
	case SignerGuardian:
		switch {
		case rel == "":
			errs["guardian_relationship"] = "say how the guardian is related to the client (mother, father, legal guardian...)"
		case hasControl(s.GuardianRelationship) || utf8.RuneCountInString(rel) > MaxShortTextLen:
			errs["guardian_relationship"] = fmt.Sprintf("use at most %d characters, on one line", MaxShortTextLen)
		}
	default:
		errs["signer"] = "choose who signs: the client, or a parent or guardian"
	}
	if !s.Agreed {
		errs["agreed"] = "the signer ticks that they have read the consent text and agree to it"
	}
	order := []string{"signer", "signed_name", "guardian_relationship", "agreed"}
	if err := fieldsError("Check the signature", order, errs); err != nil {
		return nil, err
	}
	now := p.clock.Now().UTC()
	c := &Consent{ClientID: s.ClientID, Signer: s.Signer, SignedName: name, GuardianRelationship: rel,
		WitnessID: by.UserID, WitnessName: by.Name, SignedAt: now}
	err := p.store.InTx(ctx, func(tx Tx) error {
		if err := p.mayChangeClient(ctx, tx, by, s.ClientID); err != nil {
			return err
		}
		client, err := tx.LockClient(ctx, s.ClientID)
		if err != nil {
			return err
		}
		text, err := tx.LatestConsentText(ctx)
		if errors.Is(err, certboard.ErrNotFound) {
			return certboard.Errorf(certboard.Conflict, "the practice has no consent text yet; a practice admin publishes one first")
		}
		if err != nil {
			return err
		}
		if text.ID != s.TextID {
			return certboard.Errorf(certboard.Conflict,
				"version %d of the consent text was published since this form opened; reload and show the client the new text", text.Version)
		}
		age := client.Identity.AgeOn(date.FromTime(now))
		switch {
		case age < AgeOfMajority && s.Signer == SignerClient:
			return certboard.FieldError(certboard.Invalid, "signer",
				fmt.Sprintf("the client is %d, under %d: a parent or guardian signs for them", age, AgeOfMajority))
		case age >= AgeOfMajority && s.Signer == SignerGuardian:
			return certboard.FieldError(certboard.Invalid, "signer",
				fmt.Sprintf("the client is %d and signs for themselves", age))
		case s.Signer == SignerClient && !sameName(name, client.Identity.Name):
			return certboard.FieldError(certboard.Invalid, "signed_name",
				fmt.Sprintf("the client types their full name as on their record, %q (or correct the record first)", client.Identity.Name))
		}
		cs, err := tx.Consents(ctx, s.ClientID)
		if err != nil {
			return err
		}
		if cur := inForce(cs); cur != nil && cur.TextID == text.ID {
			return certboard.Errorf(certboard.Conflict, "the client already consented to version %d on %s",
				text.Version, cur.SignedAt.Format("2006-01-02"))
		}
		c.TextID, c.Version, c.Title, c.Text, c.TextDigest = text.ID, text.Version, text.Title, text.Body, text.Digest()
		if c.ID, err = tx.CreateConsent(ctx, *c); err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, "consent.sign", ClientSubject(s.ClientID), nil,
			map[string]any{"consent": c.ID, "version": c.Version, "digest": c.TextDigest, "signer": string(c.Signer)})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// WithdrawConsent records that a client withdrew the consent in force,
// with their reason if they gave one (sealed), witnessed by an assigned
// practitioner, and audits it ("consent.withdraw"). A client without
// consent in force is a Conflict.
func (p *Practice) WithdrawConsent(ctx context.Context, by Actor, clientID int64, reason string) error {
	reason, err := checkReason("reason", reason, 0, MaxWithdrawReason)
	if err != nil {
		return err
	}
	return p.store.InTx(ctx, func(tx Tx) error {
		if err := p.mayChangeClient(ctx, tx, by, clientID); err != nil {
			return err
		}
		if _, err := tx.LockClient(ctx, clientID); err != nil {
			return err
		}
		cs, err := tx.Consents(ctx, clientID)
		if err != nil {
			return err
		}
		cur := inForce(cs)
		if cur == nil {
			return certboard.Errorf(certboard.Conflict, "client %d has no consent in force to withdraw", clientID)
		}
		if err := tx.WithdrawConsent(ctx, cur.ID, p.clock.Now().UTC(), by.UserID, reason); err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, "consent.withdraw", ClientSubject(clientID),
			map[string]any{"consent": cur.ID, "version": cur.Version}, map[string]any{"consent": cur.ID, "withdrawn": true})
	})
}

// requireConsentOn is how the notes check, in their transaction, that a
// client had consent to treatment in force on the date of the session a
// note records (consentOn; Conflict otherwise, saying what to do): a
// session held under consent is written up after a withdrawal too, and a
// session on a day without consent is not recorded as treatment.
func (p *Practice) requireConsentOn(ctx context.Context, tx Tx, clientID int64, day date.Date) error {
	cs, err := tx.Consents(ctx, clientID)
	if err != nil {
		return err
	}
	if consentOn(cs, day) == nil {
		return certboard.Errorf(certboard.Conflict,
			"client %d had no consent to treatment in force on %s, so no session of that day is recorded; "+
				"check the date of the session, or have the client sign the consent first", clientID, day).
			WithTitle("No consent to treatment")
	}
	return nil
}

// requireConsent is how other areas check, in their transaction, that a
// client has consent to treatment in force before treatment is recorded
// (Conflict otherwise, saying what to do).
func (p *Practice) requireConsent(ctx context.Context, tx Tx, clientID int64) error {
	cs, err := tx.Consents(ctx, clientID)
	if err != nil {
		return err
	}
	if inForce(cs) == nil {
		return certboard.Errorf(certboard.Conflict,
			"client %d has no consent to treatment in force; have them sign the consent first", clientID)
	}
	return nil
}
