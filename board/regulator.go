package board

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/portfolio"
)

// A regulator searches the registry for the people they license: by name
// and region, as anyone may, and by licence number, which only
// regulators (and the board's staff) may, because licence numbers are not
// public. Licence numbers are kept only inside the sealed portfolio an
// application was approved on; the store keeps beside it a blind index
// (a keyed hash of each normalised number, see IndexLicences), so that it
// can find a holder by a number without holding the number. Every search
// by licence number is written to the audit log before its results are
// shown.

// Limits of a holder search, by field.
const (
	// MaxHolderName bounds the name searched (as the registry's q).
	MaxHolderName = 200
	// MaxLicenceNumber bounds a licence number as typed.
	MaxLicenceNumber = 40
	// MaxHolderRegion bounds the region (as the registry's region).
	MaxHolderRegion = 100
	// HolderSearchLimit is the most holders a search shows; a search that
	// finds more says so, to be narrowed.
	HolderSearchLimit = 50
)

// NormalizeLicence is the form in which licence numbers are compared:
// letters and digits only, in upper case, so that "mh 15873", "MH-15873"
// and "MH15873" are one number. It is "" when s holds no letter or digit.
func NormalizeLicence(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// LicenceNumbers returns the normalised numbers of the licences a
// portfolio lists as the person's own (not their supervisors'), each once,
// in order.
func LicenceNumbers(p *portfolio.Portfolio) []string {
	var out []string
	for _, l := range p.Licenses {
		if n := NormalizeLicence(l.Number); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// licenceReads is what the holder search reads outside a transaction.
type licenceReads interface {
	// HoldersByLicence finds the approved applications whose frozen
	// portfolio lists a licence of this normalised number, through the
	// blind index.
	HoldersByLicence(ctx context.Context, number string) ([]LicenceHolder, error)
}

// licenceWrites is what keeps the blind index, in a transaction.
type licenceWrites interface {
	// IndexLicences replaces the blind index entries of an application
	// with the keyed hashes of numbers (normalised).
	IndexLicences(ctx context.Context, appID int64, numbers []string) error
}

// LicenceHolder is an application whose frozen portfolio lists a licence
// number looked up, and its applicant.
type LicenceHolder struct {
	HolderID      int64
	ApplicationID int64
}

// indexLicences writes the blind index entries of an approved
// application's frozen portfolio (app.Snapshot), in the approving
// transaction, so that the holder can be found by licence number from the
// moment their credential exists.
func indexLicences(ctx context.Context, tx Tx, app *Application) error {
	if len(app.Snapshot) == 0 {
		return nil
	}
	p, err := portfolio.DecodeStored(app.Snapshot)
	if err != nil {
		return fmt.Errorf("application %d: the frozen portfolio does not decode for the licence index: %w", app.ID, err)
	}
	return tx.IndexLicences(ctx, app.ID, LicenceNumbers(p))
}

// HolderQuery is a regulator's search of the registry. At least one field
// is given; every field given must match.
type HolderQuery struct {
	// Name is words of the holder's name, as the registry's free text
	// (it also matches their practice and place).
	Name string
	// Licence is a licence number, as typed (see NormalizeLicence).
	Licence string
	// Region is the holder's state or province, matched exactly but for
	// case and accents.
	Region string
}

// HolderMatch is one holder found: their registry listing, with every
// public credential and its status, and, for a search by licence number,
// the licences of that number in the portfolios the board approved.
type HolderMatch struct {
	Listing
	Licences []portfolio.License
}

// HolderResults is what a holder search found.
type HolderResults struct {
	Matches []HolderMatch
	// More says that more holders match than HolderSearchLimit.
	More bool
	// ByLicence says that the search was by licence number (and audited).
	ByLicence bool
}

// check trims q and refuses it, naming each field at fault, when it is
// empty or a field is too long.
func (q *HolderQuery) check() error {
	q.Name, q.Licence, q.Region = strings.TrimSpace(q.Name), strings.TrimSpace(q.Licence), strings.TrimSpace(q.Region)
	errs := map[string]string{}
	var msgs []string
	bad := func(field, msg string) {
		errs[field] = msg
		msgs = append(msgs, field+": "+msg)
	}
	if q.Name == "" && q.Licence == "" && q.Region == "" {
		msg := "give a name, a licence number or a region (any of them, or several)"
		errs["name"], errs["licence_number"], errs["region"] = msg, msg, msg
		return &certboard.Error{Code: certboard.Invalid, Title: "Nothing to search by",
			Message: "name, licence_number, region: " + msg + ".", Fields: errs}
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{{"name", q.Name, MaxHolderName}, {"licence_number", q.Licence, MaxLicenceNumber}, {"region", q.Region, MaxHolderRegion}} {
		switch {
		case !utf8.ValidString(f.value) || strings.ContainsRune(f.value, 0):
			bad(f.field, "holds characters that are not text")
		case utf8.RuneCountInString(f.value) > f.max:
			bad(f.field, fmt.Sprintf("at most %d characters (this is %d)", f.max, utf8.RuneCountInString(f.value)))
		}
	}
	if _, done := errs["licence_number"]; !done && q.Licence != "" && NormalizeLicence(q.Licence) == "" {
		bad("licence_number", "give the number as the licence shows it: it has no letter or digit")
	}
	if len(errs) > 0 {
		return &certboard.Error{Code: certboard.Invalid, Title: "Invalid search", Message: strings.Join(msgs, "; ") + ".", Fields: errs}
	}
	return nil
}

// mayRegulate reports whether by may search holders: regulators and the
// board's staff, signed in with two factors (the results are personal
// data).
func mayRegulate(by *auth.User) error {
	if by == nil || !(by.HasRole(auth.Regulator) || by.IsStaff()) {
		return &certboard.Error{Code: certboard.Forbidden, Title: "Regulators only",
			Message: "Only regulators and the board's staff may search holders here, by licence number among others; anyone may search the registry by name and place at /registry."}
	}
	if !by.TwoFactor() {
		return &certboard.Error{Code: certboard.Forbidden, Title: "Two-factor sign-in required",
			Message: "Searching holders shows personal data: regulators and staff must turn on two-factor sign-in (Account, Two-factor) first."}
	}
	return nil
}

// SearchHolders is a regulator's search of the registry by name, licence
// number and region. Only people the public registry lists are found (a
// visible profile and a public credential), as for a look-up by
// credential (LookUpHolder), with every public credential and its status,
// read live. A search by licence number finds the holders whose approved
// portfolio lists that licence, through the blind index, shows the
// licence as the board has it on file, and is written to the audit log
// (who searched, and whom it found; never the number) before anything is
// returned.
func (b *Board) SearchHolders(ctx context.Context, by *auth.User, q HolderQuery) (*HolderResults, error) {
	if err := mayRegulate(by); err != nil {
		return nil, err
	}
	if err := q.check(); err != nil {
		return nil, err
	}
	out := &HolderResults{ByLicence: q.Licence != ""}
	rq := RegistryQuery{Q: q.Name, Region: q.Region, Limit: HolderSearchLimit, NoCount: true}
	apps := map[int64][]int64{} // holder -> applications whose portfolio lists the number
	number := NormalizeLicence(q.Licence)
	if out.ByLicence {
		found, err := b.store.HoldersByLicence(ctx, number)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			if _, seen := apps[f.HolderID]; !seen {
				rq.Holders = append(rq.Holders, f.HolderID)
			}
			apps[f.HolderID] = append(apps[f.HolderID], f.ApplicationID)
		}
	}
	if !out.ByLicence || len(rq.Holders) > 0 {
		page, err := b.store.SearchRegistry(ctx, rq)
		if err != nil {
			return nil, err
		}
		out.More = page.Next != 0
		for _, l := range page.Listings {
			m := HolderMatch{Listing: l}
			for _, id := range apps[l.HolderID] {
				lics, err := b.licencesOnFile(ctx, id, number)
				if err != nil {
					return nil, err
				}
				m.Licences = append(m.Licences, lics...)
			}
			out.Matches = append(out.Matches, m)
		}
	}
	if out.ByLicence {
		if err := b.recordLicenceSearch(ctx, by, q, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// licencesOnFile returns the licences of a normalised number in the
// frozen portfolio of application id.
func (b *Board) licencesOnFile(ctx context.Context, id int64, number string) ([]portfolio.License, error) {
	app, err := b.store.Application(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("application %d, found by licence number: %w", id, err)
	}
	p, err := portfolio.DecodeStored(app.Snapshot)
	if err != nil {
		return nil, fmt.Errorf("application %d: the frozen portfolio does not decode: %w", id, err)
	}
	var out []portfolio.License
	for _, l := range p.Licenses {
		if NormalizeLicence(l.Number) == number {
			out = append(out, l)
		}
	}
	return out, nil
}

// recordLicenceSearch writes to the audit log, in its own transaction,
// that by searched holders by licence number, with the other fields given
// and the holders found; the number itself is not written (it would sit in
// the log in plain text, which the blind index exists to avoid).
func (b *Board) recordLicenceSearch(ctx context.Context, by *auth.User, q HolderQuery, res *HolderResults) error {
	before := "licence number"
	if q.Name != "" {
		before += ", name"
	}
	if q.Region != "" {
		before += ", region"
	}
	var found []string
	for _, m := range res.Matches {
		found = append(found, fmt.Sprintf("user/%d", m.HolderID))
	}
	after := "found no one"
	if len(found) > 0 {
		after = "found " + strings.Join(found, " ")
		if res.More {
			after += " and more"
		}
	}
	return b.store.InTx(ctx, func(tx Tx) error {
		_, err := tx.AppendAudit(ctx, adminEntry(b.clock.Now(), by, "registry.licence_search", "registry", before, after))
		return err
	})
}
