package board

import (
	"context"
	"fmt"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
)

// A regulator (or staff) looks a person up by a credential of theirs to
// learn whether they may use a protected title. The judging of the frozen
// portfolio is board/web's (the title check's set); the reads and the
// audit entry are here.

// TitleHolder is what a look-up by credential finds: the credential, its
// holder, and the application it was issued for (its snapshot is the
// frozen approved portfolio).
type TitleHolder struct {
	Credential *IssuedCredential
	Holder     *auth.User
	App        *Application
}

// LookUpHolder reads credential id, its holder and its application for
// by's look-up. A credential that does not exist is certboard.ErrNotFound;
// so is, to anyone but staff, a private holder (see inRegistry), so that a
// look-up cannot tell the two apart. The caller has checked that by may
// look people up.
func (b *Board) LookUpHolder(ctx context.Context, by *auth.User, id string) (*TitleHolder, error) {
	c, err := b.store.Credential(ctx, id)
	if err != nil {
		return nil, err
	}
	if !by.IsStaff() {
		// Staff see every credential anyway.
		listed, err := b.inRegistry(ctx, c)
		if err != nil {
			return nil, err
		}
		if !listed {
			return nil, fmt.Errorf("credential %s: %w", id, certboard.ErrNotFound)
		}
	}
	holder, err := b.store.UserByID(ctx, c.HolderID)
	if err != nil {
		return nil, err
	}
	app, err := b.store.Application(ctx, c.ApplicationID)
	if err != nil {
		return nil, fmt.Errorf("credential %s: its application %d: %w", c.ID, c.ApplicationID, err)
	}
	return &TitleHolder{Credential: c, Holder: holder, App: app}, nil
}

// RecordLookUp writes to the audit log, in its own transaction, that by
// looked up the holder of c with the outcome outcome; the look-up is shown
// only once it is written.
func (b *Board) RecordLookUp(ctx context.Context, by *auth.User, c *IssuedCredential, outcome string) error {
	return b.store.InTx(ctx, func(tx Tx) error {
		_, err := tx.AppendAudit(ctx, audit.Entry{At: b.clock.Now(), Actor: fmt.Sprintf("user/%d", by.ID), Action: "title_check.lookup",
			Subject: fmt.Sprintf("user/%d", c.HolderID), Before: "credential/" + c.ID, After: outcome})
		return err
	})
}

// inRegistry reports whether a credential's holder is someone the public
// registry shows: the credential is public (the holder's choice) and the
// holder's registry profile is listed. A regulator looks up only such
// holders; anyone else is private.
func (b *Board) inRegistry(ctx context.Context, c *IssuedCredential) (bool, error) {
	if !c.Public {
		return false, nil
	}
	p, err := b.store.Profile(ctx, c.HolderID)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return p.Visible, nil
}
