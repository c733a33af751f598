package web

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
)

// The board's status lists: one per purpose for now. Their URLs are where
// the signed lists will be published.
const (
	revocationList = "revocation-1"
	suspensionList = "suspension-1"
)

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// publicBase is the server's public URL without a trailing slash.
func (s *Server) publicBase() string { return s.board.PublicURL() }

// allocate picks a random index never used in a status list.
func (s *Server) allocate(ctx context.Context, tx *boardsql.Tx, purpose, list string) (int, error) {
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

// issueCredential issues the Open Badges 3.0 credential of an approved
// application, inside the approving transaction: built from the frozen set
// version, signed with the board's current key in both proof formats (a
// Data Integrity eddsa-rdfc-2022 proof in the JSON, and a VC-JWT), with
// random, never reused places in the revocation and suspension lists.
func (s *Server) issueCredential(ctx context.Context, tx *boardsql.Tx, by *boardsql.User, app *boardsql.Application, now time.Time) (string, error) {
	var set *requirements.Set
	for _, v := range s.sets().Versions(app.SetID) {
		if v.Version == app.SnapshotSetVersion {
			set = v
		}
	}
	if set == nil {
		return "", fmt.Errorf("application %d: requirement set %s version %q is not loaded", app.ID, app.SetID, app.SnapshotSetVersion)
	}
	// A renewal issues the renewed credential again, with continued validity (renewal.go).
	plan, err := s.planIssue(ctx, tx, app, set, now)
	if err != nil {
		return "", err
	}
	set = plan.set
	key, err := s.cfg.Store.CurrentSigningKey(ctx)
	if errors.Is(err, boardsql.ErrNotFound) {
		// certboard serve makes one at start; a board without one gets it now.
		key, err = tx.NewSigningKeyIn(ctx, nil, now)
	}
	if err != nil {
		return "", fmt.Errorf("the signing key: %w", err)
	}
	issuer, err := s.boardDID()
	if err != nil {
		return "", err
	}
	salt, err := credential.NewSalt(nil)
	if err != nil {
		return "", err
	}
	rev, err := s.allocate(ctx, tx, "revocation", revocationList)
	if err != nil {
		return "", err
	}
	sus, err := s.allocate(ctx, tx, "suspension", suspensionList)
	if err != nil {
		return "", err
	}
	id := newUUID()
	base := s.publicBase()
	years := 0
	if set.Validity != nil {
		years = set.Validity.Years
	}
	credType := set.Credential
	if credType == "" {
		credType = set.ID
	}
	cred, err := credential.Issue(credential.IssueInput{
		IssuerDID: issuer, BoardName: s.boardName(ctx), BoardURL: base,
		CredentialID: base + "/credentials/" + id,
		HolderName:   app.ApplicantName, HolderEmail: app.ApplicantEmail, Salt: salt,
		CredentialType: credType, Title: set.Title,
		RequirementSetID: set.ID, RequirementSetVersion: set.Version,
		ValidFrom: now, ValidYears: years,
		Revocation: credential.StatusInput{ListURL: base + "/status/" + revocationList, Index: rev},
		Suspension: credential.StatusInput{ListURL: base + "/status/" + suspensionList, Index: sus},
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
	ic := boardsql.IssuedCredential{ID: id, ApplicationID: app.ID, HolderID: app.ApplicantID, SetID: set.ID, SetVersion: set.Version,
		Document: doc, JWT: jwt, IssuedAt: now, RevocationList: revocationList, RevocationIndex: rev,
		SuspensionList: suspensionList, SuspensionIndex: sus}
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
	if _, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "credential.issue",
		Subject: "credential/" + id, After: fmt.Sprintf("application/%d %s %s", app.ID, set.ID, set.Version)}); err != nil {
		return "", err
	}
	// Supersession of a renewed credential, reminders and expiry jobs (renewal.go, lifecycle.go).
	return id, s.afterIssue(ctx, tx, by, app, ic, plan, now)
}
