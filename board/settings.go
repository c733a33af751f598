package board

import (
	"context"
	"encoding/json"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// Settings returns the board's details as an admin last saved them (zero,
// version 0, before the first save).
func (b *Board) Settings(ctx context.Context) (*BoardSettings, error) {
	return b.store.BoardSettings(ctx)
}

// NameTTL is how long NameForPages keeps the board's name before reading
// it again. Every page shows the name, so reading it for each one was a
// statement a page (a quarter of PostgreSQL's work for a dashboard); a
// rename shows at once on the instance that saved it and on the others
// within NameTTL. What a credential states reads the name afresh (Name).
const NameTTL = 10 * time.Second

// cachedName is the board's display name, the settings' version it
// comes from, and when it was read.
type cachedName struct {
	name    string
	version int
	at      time.Time
}

// NameForPages is Name for pages: read from the store at most once per
// NameTTL.
func (b *Board) NameForPages(ctx context.Context) string {
	now := b.clock.Now()
	last := b.name.Load()
	if last != nil && !now.Before(last.at) && now.Sub(last.at) < NameTTL {
		return last.name
	}
	s, err := b.store.BoardSettings(ctx)
	if err != nil {
		b.log.Error("reading the board settings", "error", err)
		return "certboard" // and read again next time
	}
	// Kept only when no save came in between, whose name is newer.
	b.name.CompareAndSwap(last, &cachedName{name: s.DisplayName(), version: s.Version, at: now})
	return s.DisplayName()
}

// DisplayName is the board's name for pages and mail: the name an admin gave, or
// "certboard" until then.
func (s *BoardSettings) DisplayName() string {
	if s == nil || s.Name == "" {
		return "certboard"
	}
	return s.Name
}

// settingsFields are the settings' fields, in the order messages list them.
var settingsFields = []string{"name", "short_name", "contact_email", "postal_address", "website"}

// checkSettings trims the board's details and says what to fix, by field.
func checkSettings(s *BoardSettings) map[string]string {
	errs := map[string]string{}
	for _, f := range []*string{&s.Name, &s.ShortName, &s.ContactEmail, &s.PostalAddress, &s.Website} {
		*f = strings.TrimSpace(*f)
	}
	switch {
	case s.Name == "":
		errs["name"] = "name: give the board's full name, as pages and mail show it"
	case len(s.Name) > 200:
		errs["name"] = "name: at most 200 characters"
	}
	if len(s.ShortName) > 40 {
		errs["short_name"] = "short_name: at most 40 characters, such as an acronym"
	}
	if s.ContactEmail == "" {
		errs["contact_email"] = "contact_email: give an address where applicants can reach the board, such as office@board.example.org"
	} else if a, err := mail.ParseAddress(s.ContactEmail); err != nil || a.Address != s.ContactEmail || !strings.Contains(s.ContactEmail, "@") {
		errs["contact_email"] = "contact_email: give just an e-mail address, such as office@board.example.org"
	}
	if len(s.PostalAddress) > 1000 {
		errs["postal_address"] = "postal_address: at most 1000 characters"
	}
	if s.Website != "" {
		u, err := url.Parse(s.Website)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			errs["website"] = "website: give an address that starts with https://, such as https://board.example.org"
		}
	}
	return errs
}

// settingsAudit writes the details for the audit log (without version).
func settingsAudit(s *BoardSettings) string {
	out, _ := json.Marshal(BoardSettings{Name: s.Name, ShortName: s.ShortName, ContactEmail: s.ContactEmail,
		PostalAddress: s.PostalAddress, Website: s.Website})
	return string(out)
}

// SaveSettings checks and stores the board's details, if they are still
// at s.Version (0 before the first save; a Conflict otherwise), with an
// audit entry of the details before and after. Details refused are an
// Invalid error whose Fields say what to fix, by field. It returns the
// details as stored, trimmed, with their new version.
func (b *Board) SaveSettings(ctx context.Context, by *auth.User, s BoardSettings) (*BoardSettings, error) {
	if err := mayAdminister(by); err != nil {
		return nil, err
	}
	if errs := checkSettings(&s); len(errs) > 0 {
		var msgs []string
		for _, k := range settingsFields {
			if m := errs[k]; m != "" {
				msgs = append(msgs, m)
			}
		}
		return nil, &certboard.Error{Code: certboard.Invalid, Title: "Invalid board details", Message: strings.Join(msgs, "; "), Fields: errs}
	}
	old, err := b.store.BoardSettings(ctx)
	if err != nil {
		return nil, err
	}
	err = b.store.InTx(ctx, func(tx Tx) error {
		version, err := tx.SaveBoardSettings(ctx, s)
		if err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, adminEntry(b.clock.Now(), by, "board.settings", "board", settingsAudit(old), settingsAudit(&s)))
		s.Version = version
		return err
	})
	if err != nil {
		return nil, err
	}
	// Two saves may finish in either order: the later version stays.
	saved := &cachedName{name: s.DisplayName(), version: s.Version, at: b.clock.Now()}
	for {
		cur := b.name.Load()
		if cur != nil && cur.version > saved.version || b.name.CompareAndSwap(cur, saved) {
			break
		}
	}
	return &s, nil
}
