package board

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
)

// The board's status lists: one per purpose for now. Their URLs are where
// the signed lists are published.
const (
	RevocationList = "revocation-1"
	SuspensionList = "suspension-1"
)

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// allocate picks a random index never used in a status list.
func allocate(ctx context.Context, tx Tx, purpose, list string) (int, error) {
	used, err := tx.UsedStatusIndexes(ctx, purpose, list)
	if err != nil {
		return 0, err
	}
	a, err := statuslist.NewAllocator(statuslist.MinSize, used, nil)
	if err != nil {
		return 0, err
	}
	return a.Next()
}

// DID is the board's did:web, derived from its public URL.
func (b *Board) DID() (string, error) { return did.WebFromURL(b.PublicURL()) }

// Name is the board's name as credentials and mail state it, read afresh
// (pages use NameForPages): the name an admin gave, or "certboard" until
// then (and when the settings cannot be read).
func (b *Board) Name(ctx context.Context) string {
	s, err := b.store.BoardSettings(ctx)
	if err != nil {
		b.log.Error("reading the board settings", "error", err)
		return "certboard"
	}
	return s.DisplayName()
}

// IssueCredential issues the Open Badges 3.0 credential of an approved
// application, inside the approving transaction tx (an approval and its
// credential commit together, or neither): built from the frozen set
// version, signed with the board's current key in both proof formats (a
// Data Integrity eddsa-rdfc-2022 proof in the JSON, and a VC-JWT), with
// random, never reused places in the revocation and suspension lists,
// audited, and followed by its lifecycle jobs (and, for a renewal, the
// superseding of the credential renewed). It returns the credential's id.
func (b *Board) IssueCredential(ctx context.Context, tx Tx, by *auth.User, app *Application, now time.Time) (string, error) {
	set := FrozenSet(b.Catalog(), app)
	if set == nil {
		return "", fmt.Errorf("application %d: requirement set %s version %q is not loaded", app.ID, app.SetID, app.SnapshotSetVersion)
	}
	// A renewal issues the renewed credential again, with continued validity (renew.go).
	plan, err := b.planIssue(ctx, tx, app, set, now)
	if err != nil {
		return "", err
	}
	set = plan.set
	key, err := b.store.CurrentSigningKey(ctx)
	if errors.Is(err, certboard.ErrNotFound) {
		// certboard serve makes one at start; a board without one gets it now.
		key, err = tx.NewSigningKeyIn(ctx, nil, now)
	}
	if err != nil {
		return "", fmt.Errorf("the signing key: %w", err)
	}
	issuer, err := b.DID()
	if err != nil {
		return "", err
	}
	salt, err := credential.NewSalt(nil)
	if err != nil {
		return "", err
	}
	rev, err := allocate(ctx, tx, "revocation", RevocationList)
	if err != nil {
		return "", err
	}
	sus, err := allocate(ctx, tx, "suspension", SuspensionList)
	if err != nil {
		return "", err
	}
	id := newUUID()
	base := b.PublicURL()
	years := 0
	if set.Validity != nil {
		years = set.Validity.Years
	}
	credType := set.Credential
	if credType == "" {
		credType = set.ID
	}
	cred, err := credential.Issue(credential.IssueInput{
		IssuerDID: issuer, BoardName: b.Name(ctx), BoardURL: base,
		CredentialID: base + "/credentials/" + id,
		HolderName:   app.ApplicantName, HolderEmail: app.ApplicantEmail, Salt: salt,
		CredentialType: credType, Title: set.Title,
		RequirementSetID: set.ID, RequirementSetVersion: set.Version,
		ValidFrom: now, ValidYears: years,
		Revocation: credential.StatusInput{ListURL: base + "/status/" + RevocationList, Index: rev},
		Suspension: credential.StatusInput{ListURL: base + "/status/" + SuspensionList, Index: sus},
	})
	if err != nil {
		return "", fmt.Errorf("building the credential of application %d: %w", app.ID, err)
	}
	if !plan.until.IsZero() {
		cred.ValidUntil = credential.FormatTime(plan.until)
	}
	doc, err := json.Marshal(cred)
	if err != nil {
		return "", err
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return "", err
	}
	vm := issuer + "#" + key.ID
	jwt, err := vcjwt.Sign(m, key.Private, vm)
	if err != nil {
		return "", fmt.Errorf("signing the credential of application %d: %w", app.ID, err)
	}
	signed, err := dataintegrity.Sign(m, key.Private, vm, now)
	if err != nil {
		return "", fmt.Errorf("signing the credential of application %d: %w", app.ID, err)
	}
	if doc, err = json.Marshal(signed); err != nil {
		return "", err
	}
	ic := IssuedCredential{ID: id, ApplicationID: app.ID, HolderID: app.ApplicantID, SetID: set.ID, SetVersion: set.Version,
		Document: doc, JWT: jwt, IssuedAt: now, RevocationList: RevocationList, RevocationIndex: rev,
		SuspensionList: SuspensionList, SuspensionIndex: sus}
	if years > 0 {
		ic.ValidUntil = now.AddDate(years, 0, 0)
	}
	if !plan.until.IsZero() {
		ic.ValidUntil = plan.until
	}
	if plan.renews != nil {
		ic.Public = plan.renews.Public // the holder's choice carries over to the renewal
	}
	if err := tx.AddCredential(ctx, ic); err != nil {
		return "", err
	}
	// Regulators find the holder by a licence number of the approved
	// portfolio from now on (regulator.go).
	if err := indexLicences(ctx, tx, app); err != nil {
		return "", err
	}
	if _, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "credential.issue",
		Subject: "credential/" + id, After: fmt.Sprintf("application/%d %s %s", app.ID, set.ID, set.Version)}); err != nil {
		return "", err
	}
	// Supersession of a renewed credential, reminders and expiry jobs (renew.go, expire.go).
	return id, b.afterIssue(ctx, tx, by, app, ic, plan, now)
}
