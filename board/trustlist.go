package board

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/verifier"
)

// The board's trust list: the issuers, by DID, whose credentials the public
// verification page and API name under a name the board gives them. Admins
// confirm an issuer's DID with that issuer before listing it; the board
// itself is always trusted, under its own name.

// Limits of a trust list entry.
const (
	maxTrustDID  = 500
	maxTrustNote = 1000
)

// BoardDID is the board's did:web, derived from its public URL.
func (b *Board) BoardDID() (string, error) { return did.WebFromURL(b.PublicURL()) }

// mayEditTrustList refuses anyone but an admin.
func mayEditTrustList(by *auth.User) error {
	if by == nil || !by.HasRole(auth.Admin) {
		return &certboard.Error{Code: certboard.Forbidden, Message: "Only the board's admins keep the trust list."}
	}
	return nil
}

// checkTrustEntry trims an entry and says what to fix, by field.
func (b *Board) checkTrustEntry(t *TrustedIssuer) map[string]string {
	errs := map[string]string{}
	t.DID, t.Name, t.Note = strings.TrimSpace(t.DID), strings.TrimSpace(t.Name), strings.TrimSpace(t.Note)
	own, _ := b.BoardDID()
	switch {
	case t.DID == "":
		errs["did"] = "did: give the issuer's DID, such as did:web:issuer.example.org or did:key:z6Mk…"
	case len(t.DID) > maxTrustDID:
		errs["did"] = "did: at most 500 characters"
	case t.DID == own:
		errs["did"] = "did: this is this board's own DID, always trusted under the board's name"
	default:
		if err := verifier.CheckIssuerDID(t.DID); err != nil {
			errs["did"] = "did: " + err.Error()
		}
	}
	if err := verifier.CheckIssuerName(t.Name); err != nil {
		errs["name"] = "name: " + err.Error() + "; give the name the public should read, as the issuer is known"
	}
	if !utf8.ValidString(t.Note) || utf8.RuneCountInString(t.Note) > maxTrustNote {
		errs["note"] = "note: at most 1000 characters of text"
	}
	return errs
}

// trustAudit is an entry as the audit log shows it.
func trustAudit(t *TrustedIssuer) string {
	out, _ := json.Marshal(map[string]string{"did": t.DID, "name": t.Name, "note": t.Note})
	return string(out)
}

// AddTrustedIssuer is an admin adding an issuer to the trust list, with
// its audit entry, in one transaction. Refused input is Invalid with
// Fields saying what to fix; a DID listed already is a Conflict about the
// field did.
func (b *Board) AddTrustedIssuer(ctx context.Context, by *auth.User, t TrustedIssuer) error {
	if err := mayEditTrustList(by); err != nil {
		return err
	}
	if errs := b.checkTrustEntry(&t); len(errs) > 0 {
		var msgs []string
		for _, k := range []string{"did", "name", "note"} {
			if m := errs[k]; m != "" {
				msgs = append(msgs, m)
			}
		}
		return &certboard.Error{Code: certboard.Invalid, Title: "Invalid trust list entry", Message: strings.Join(msgs, "; "), Fields: errs}
	}
	t.AddedBy, t.AddedAt = by.ID, b.clock.Now()
	err := b.store.InTx(ctx, func(tx Tx) error {
		if err := tx.AddTrustedIssuer(ctx, t); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, audit.Entry{At: t.AddedAt, Actor: fmt.Sprintf("user/%d", by.ID), Action: "trust_list.add",
			Subject: "trusted_issuer/" + t.DID, After: trustAudit(&t)})
		return err
	})
	if errors.Is(err, certboard.ErrConflict) {
		msg := "did: " + strings.TrimSuffix(err.Error(), ": "+certboard.ErrConflict.Error())
		return &certboard.Error{Code: certboard.Conflict, Title: "Changed by someone else", Field: "did", Message: msg,
			Fields: map[string]string{"did": msg}, Err: err}
	}
	return err
}

// RemoveTrustedIssuer is an admin removing an issuer from the trust list,
// with its audit entry, in one transaction; it returns the entry removed.
// A DID not listed is NotFound.
func (b *Board) RemoveTrustedIssuer(ctx context.Context, by *auth.User, issuer string) (*TrustedIssuer, error) {
	if err := mayEditTrustList(by); err != nil {
		return nil, err
	}
	issuer = strings.TrimSpace(issuer)
	if issuer == "" {
		return nil, certboard.FieldError(certboard.Invalid, "did", "say which DID to remove from the trust list")
	}
	var removed *TrustedIssuer
	now := b.clock.Now()
	err := b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if removed, err = tx.RemoveTrustedIssuer(ctx, issuer); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "trust_list.remove",
			Subject: "trusted_issuer/" + issuer, Before: trustAudit(removed)})
		return err
	})
	return removed, storeRefusal(err)
}

// TrustedIssuers lists the trust list, for admins.
func (b *Board) TrustedIssuers(ctx context.Context, by *auth.User) ([]*TrustedIssuer, error) {
	if err := mayEditTrustList(by); err != nil {
		return nil, err
	}
	return b.store.TrustedIssuers(ctx)
}
