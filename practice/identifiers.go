package practice

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice/superbill"
)

// The practice's identifiers are the one place that names the practice:
// its name, postal address and phone number, which its mails to clients
// (session reminders, questionnaire links), its referral letters and its
// superbills give, and the NPI and tax id a superbill adds. Its admins
// edit them on one page, with the practice's time zone (kept with the
// sessions' settings, SessionSettings). Each practitioner's licence and
// NPI, which the practitioner edits and the admins see, complete a
// superbill. Neither is a client's record: reading them is not audited;
// every change is ("practice.identifiers.update",
// "practitioner.identifiers.update"), naming the fields changed and not
// their values.

// identifierReads are the reads of the identifiers' use cases.
type identifierReads interface {
	// PracticeIdentifiers returns the practice's identifiers, or
	// certboard.ErrNotFound before an admin first saves them.
	PracticeIdentifiers(ctx context.Context) (*PracticeIdentifiers, error)
	// PractitionerIdentifiers returns a practitioner's identifiers, or
	// certboard.ErrNotFound before they first save them.
	PractitionerIdentifiers(ctx context.Context, userID int64) (*PractitionerIdentifiers, error)
	// AllPractitionerIdentifiers returns every practitioner's saved
	// identifiers, by account.
	AllPractitionerIdentifiers(ctx context.Context) (map[int64]PractitionerIdentifiers, error)
}

// identifierWrites are the writes of the identifiers' use cases, methods
// of a transaction.
type identifierWrites interface {
	// PracticeIdentifiers reads the practice's identifiers in the
	// transaction, without locking them; certboard.ErrNotFound before
	// they are first saved.
	PracticeIdentifiers(ctx context.Context) (*PracticeIdentifiers, error)
	// LockPracticeIdentifiers reads the practice's identifiers, locking
	// them; certboard.ErrNotFound before they are first saved.
	LockPracticeIdentifiers(ctx context.Context) (*PracticeIdentifiers, error)
	// SavePracticeIdentifiers writes the practice's identifiers if they
	// are still at pi.Version (0: never saved; certboard.ErrConflict
	// otherwise) and returns the new version.
	SavePracticeIdentifiers(ctx context.Context, pi PracticeIdentifiers) (int, error)
	// LockPractitionerIdentifiers reads a practitioner's identifiers,
	// locking them; certboard.ErrNotFound before they are first saved.
	LockPractitionerIdentifiers(ctx context.Context, userID int64) (*PractitionerIdentifiers, error)
	// SavePractitionerIdentifiers writes a practitioner's identifiers if
	// they are still at pi.Version (0: never saved; certboard.ErrConflict
	// otherwise) and returns the new version.
	SavePractitionerIdentifiers(ctx context.Context, pi PractitionerIdentifiers) (int, error)
}

// PracticeIdentifiers are how the practice is named: by its mails to
// clients, its referral letters and its superbills.
type PracticeIdentifiers struct {
	// Name is the practice's name as clients and insurers know it; every
	// mail, letter and superbill gives it. Saved identifiers always have
	// one; "" only before they are first saved (mails and letters then
	// name the practice by the host of its public address).
	Name string
	// Address is the postal address, a line per line; Phone the phone
	// number. Either may be "" until an admin gives it: mails and letters
	// then leave it out, and no superbill can be made (Missing).
	Address string
	Phone   string
	// NPI is the practice's organisation (type 2) NPI; "" when the
	// practitioners bill under their own.
	NPI string
	// TaxID is the EIN ("12-3456789"), or a sole proprietor's SSN
	// ("123-45-6789"); sealed at rest; "" until an admin gives it.
	TaxID string
	// TimeZone is the practice's time zone (IANA), in which sessions are
	// taken and shown. It is kept with the sessions' settings
	// (SessionSettings): the use cases read and save it with the
	// identifiers, and the store's identifier methods leave it alone.
	TimeZone string
	// UpdatedBy and UpdatedAt say who saved them last, and when; Version
	// counts the saves (0: never saved).
	UpdatedBy int64
	UpdatedAt time.Time
	Version   int
}

// Missing names, in form order, the identifiers a superbill needs that
// are not given yet ("name", "address", "phone", "tax_id"); none when a
// superbill can name the practice.
func (pi PracticeIdentifiers) Missing() []string {
	var out []string
	for _, f := range []struct{ field, value string }{{"name", pi.Name}, {"address", pi.Address}, {"phone", pi.Phone}, {"tax_id", pi.TaxID}} {
		if f.value == "" {
			out = append(out, f.field)
		}
	}
	return out
}

// Superbill returns the identifiers as a superbill prints them.
func (pi PracticeIdentifiers) Superbill() superbill.Practice {
	return superbill.Practice{Name: pi.Name, Address: pi.Address, Phone: pi.Phone, NPI: pi.NPI, TaxID: pi.TaxID}
}

// PractitionerIdentifiers are how a superbill names the practitioner who
// gave the sessions.
type PractitionerIdentifiers struct {
	// UserID is the practitioner's account and Name its name (the
	// account's, filled in by the use cases).
	UserID int64
	Name   string
	// LicenceType is the licence as the board names it ("LMFT");
	// LicenceNumber and LicenceState its number and the two-letter code
	// of the state that issued it.
	LicenceType, LicenceNumber, LicenceState string
	// NPI is the practitioner's individual (type 1) NPI.
	NPI string
	// UpdatedAt is when they were saved last; Version counts the saves
	// (0: never saved).
	UpdatedAt time.Time
	Version   int
}

// Superbill returns the identifiers as a superbill prints them.
func (pi PractitionerIdentifiers) Superbill() superbill.Practitioner {
	return superbill.Practitioner{Name: pi.Name, LicenceType: pi.LicenceType, LicenceNumber: pi.LicenceNumber,
		LicenceState: pi.LicenceState, NPI: pi.NPI}
}

// Complete reports whether a superbill can name the practitioner: every
// identifier saved.
func (pi PractitionerIdentifiers) Complete() bool { return pi.Version > 0 }

// PracticeIdentifiersInput is the practice's identifiers, with its time
// zone, as an admin's form sends them.
type PracticeIdentifiersInput struct {
	Name, Address, Phone, NPI, TaxID, TimeZone string
}

// PractitionerIdentifiersInput is a practitioner's identifiers as their
// form sends them.
type PractitionerIdentifiersInput struct {
	LicenceType, LicenceNumber, LicenceState, NPI string
}

// The form fields the identifiers' refusals name, in form order.
var (
	practiceIdentifierFields     = []string{"name", "address", "phone", "npi", "tax_id", "time_zone"}
	practitionerIdentifierFields = []string{"licence_type", "licence_number", "licence_state", "npi"}
)

// superbillMax bounds a name or a licence type, as superbill does.
const superbillMax = superbill.MaxText

// CheckPracticeIdentifiers trims the practice's identifiers and checks
// them: a name, which every mail, letter and superbill gives, and a time
// zone (an IANA name Go knows, such as America/Chicago) are required; the
// postal address, phone number, NPI and tax id may wait (a superbill
// needs all but the NPI: PracticeIdentifiers.Missing), and each is
// checked when given: an address on at most five lines, a phone number
// (superbill.CheckPhone), an NPI with its check digit, a tax id that is
// an EIN or SSN (superbill.NormalizeTaxID). It returns them, or an
// Invalid error whose Fields say what to fix by field ("name",
// "address", "phone", "npi", "tax_id", "time_zone").
func CheckPracticeIdentifiers(in PracticeIdentifiersInput) (PracticeIdentifiers, error) {
	pi := PracticeIdentifiers{Name: strings.Join(strings.Fields(in.Name), " "), Address: trimLines(in.Address),
		Phone: strings.TrimSpace(in.Phone), NPI: strings.ReplaceAll(strings.TrimSpace(in.NPI), " ", ""),
		TimeZone: strings.TrimSpace(in.TimeZone)}
	errs := map[string]string{}
	switch {
	case hasControl(in.Name):
		errs["name"] = "remove the control characters (tabs, line breaks)"
	case pi.Name == "":
		errs["name"] = "give the practice's name as clients and insurers know it, such as Lakeview Couples Clinic"
	case len([]rune(pi.Name)) > superbillMax:
		errs["name"] = fmt.Sprintf("use at most %d characters", superbillMax)
	}
	switch lines := strings.Count(pi.Address, "\n") + 1; {
	case pi.Address == "":
	case strings.ContainsFunc(pi.Address, func(r rune) bool { return r != '\n' && isControl(r) }):
		errs["address"] = "remove the control characters (tabs); line breaks are fine"
	case lines > 5 || len([]rune(pi.Address)) > superbill.MaxAddress:
		errs["address"] = fmt.Sprintf("write the address on at most five lines and %d characters", superbill.MaxAddress)
	}
	if pi.Phone != "" {
		if msg := superbill.CheckPhone(pi.Phone); msg != "" {
			errs["phone"] = msg
		}
	}
	if pi.NPI != "" && !superbill.ValidNPI(pi.NPI) {
		errs["npi"] = fmt.Sprintf("%q is not an NPI: an NPI has ten digits, the last a check digit; copy the practice's organisation (type 2) NPI from its NPPES record, or leave this empty", pi.NPI)
	}
	if tax, ok := superbill.NormalizeTaxID(in.TaxID); ok {
		pi.TaxID = tax
	} else if strings.TrimSpace(in.TaxID) != "" {
		errs["tax_id"] = "write the EIN's nine digits as 12-3456789 (or a sole proprietor's social security number as 123-45-6789), or leave this empty until you have it"
	}
	switch _, err := time.LoadLocation(pi.TimeZone); {
	case pi.TimeZone == "":
		errs["time_zone"] = "choose the practice's time zone, such as America/Chicago or Europe/Berlin"
	case len(pi.TimeZone) > 64 || hasControl(pi.TimeZone) || err != nil || pi.TimeZone == "Local":
		errs["time_zone"] = fmt.Sprintf("%q is not a time zone; write one such as America/Chicago, Europe/Berlin or UTC", pi.TimeZone)
	}
	if err := fieldsError("Check the practice's details", practiceIdentifierFields, errs); err != nil {
		return PracticeIdentifiers{}, err
	}
	return pi, nil
}

// CheckPractitionerIdentifiers trims a practitioner's identifiers (the
// state in capitals) and checks them as a superbill needs them: the
// licence's type, number and state (a postal code, superbill.ValidState)
// and an individual NPI with its check digit. It returns them, or an
// Invalid error whose Fields say what to fix by field ("licence_type",
// "licence_number", "licence_state", "npi").
func CheckPractitionerIdentifiers(in PractitionerIdentifiersInput) (PractitionerIdentifiers, error) {
	pi := PractitionerIdentifiers{LicenceType: strings.Join(strings.Fields(in.LicenceType), " "),
		LicenceNumber: strings.TrimSpace(in.LicenceNumber), LicenceState: strings.ToUpper(strings.TrimSpace(in.LicenceState)),
		NPI: strings.ReplaceAll(strings.TrimSpace(in.NPI), " ", "")}
	errs := map[string]string{}
	switch {
	case hasControl(in.LicenceType):
		errs["licence_type"] = "remove the control characters (tabs, line breaks)"
	case pi.LicenceType == "":
		errs["licence_type"] = "give your licence as your board names it, such as LMFT or Licensed Clinical Social Worker"
	case len([]rune(pi.LicenceType)) > superbillMax:
		errs["licence_type"] = fmt.Sprintf("use at most %d characters", superbillMax)
	}
	if pi.LicenceNumber == "" {
		errs["licence_number"] = "give your licence's number as the licence shows it"
	} else if msg := superbill.CheckLicenceNumber(pi.LicenceNumber); msg != "" {
		errs["licence_number"] = msg
	}
	if !superbill.ValidState(pi.LicenceState) {
		errs["licence_state"] = "give the two-letter code of the state that issued your licence, such as IL"
	}
	switch {
	case pi.NPI == "":
		errs["npi"] = "give your individual (type 1) NPI: insurers refund only services of a provider they can identify"
	case !superbill.ValidNPI(pi.NPI):
		errs["npi"] = fmt.Sprintf("%q is not an NPI: an NPI has ten digits, the last a check digit; copy yours from your NPPES record", pi.NPI)
	}
	if err := fieldsError("Check your identifiers", practitionerIdentifierFields, errs); err != nil {
		return PractitionerIdentifiers{}, err
	}
	return pi, nil
}

// trimLines trims each line of a multi-line text and drops blank lines.
func trimLines(s string) string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// isControl reports a control character (a tab, a line break...).
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// PracticeIdentifiers returns the practice's identifiers with its time
// zone, for its admins and its practitioners (whose superbills print
// them); before an admin first saves them, empty at version 0 but for the
// time zone.
func (p *Practice) PracticeIdentifiers(ctx context.Context, by Actor) (PracticeIdentifiers, error) {
	if !by.IsAdmin() && !by.IsPractitioner() {
		return PracticeIdentifiers{}, certboard.Errorf(certboard.Forbidden, "only the practice's practitioners and admins see its identifiers")
	}
	var out PracticeIdentifiers
	err := p.store.InTx(ctx, func(tx Tx) error {
		pi, err := tx.PracticeIdentifiers(ctx)
		if errors.Is(err, certboard.ErrNotFound) {
			pi, err = &PracticeIdentifiers{}, nil
		}
		if err != nil {
			return err
		}
		settings, err := tx.SessionSettings(ctx)
		if err != nil {
			return err
		}
		out, out.TimeZone = *pi, settings.TimeZone
		return nil
	})
	return out, err
}

// practiceNamed reads, in tx, the practice's identifiers as its mails
// and letters name it: with its name, or before an admin gives one the
// host of its public address ("practice.example"), or "Your practice"
// when that has none; zero otherwise before they are first saved.
func (p *Practice) practiceNamed(ctx context.Context, tx Tx) (PracticeIdentifiers, error) {
	pi, err := tx.PracticeIdentifiers(ctx)
	if errors.Is(err, certboard.ErrNotFound) {
		pi, err = &PracticeIdentifiers{}, nil
	}
	if err != nil {
		return PracticeIdentifiers{}, err
	}
	if pi.Name == "" {
		pi.Name = "Your practice"
		if u, err := url.Parse(p.PublicURL()); err == nil && u.Host != "" {
			pi.Name = u.Host
		}
	}
	return *pi, nil
}

// staleIdentifiers is the answer to an edit of identifiers changed
// meanwhile.
func staleIdentifiers(whose string) error {
	return certboard.Errorf(certboard.Conflict,
		"%s identifiers were changed by someone else since you opened them; reload the page and apply your change again", whose).
		WithTitle("Changed meanwhile")
}

// SetPracticeIdentifiers saves the practice's identifiers and its time
// zone (practice admins only), checked by CheckPracticeIdentifiers
// (Invalid naming each field at fault, and nothing changes), if they are
// still at version (0 before they are first saved; Conflict otherwise:
// reload). Sessions keep their instants: changing the zone changes how
// they are shown, not when they are. It is audited
// ("practice.identifiers.update", subject "practice", naming the fields
// changed, the time zone among them) and returns the new version.
func (p *Practice) SetPracticeIdentifiers(ctx context.Context, by Actor, in PracticeIdentifiersInput, version int) (int, error) {
	if err := mustAdmin(by, "change the practice's identifiers"); err != nil {
		return 0, err
	}
	pi, err := CheckPracticeIdentifiers(in)
	if err != nil {
		return 0, err
	}
	var next int
	err = p.store.InTx(ctx, func(tx Tx) error {
		old, err := tx.LockPracticeIdentifiers(ctx)
		if errors.Is(err, certboard.ErrNotFound) {
			old = &PracticeIdentifiers{}
		} else if err != nil {
			return err
		}
		if old.Version != version {
			return staleIdentifiers("the practice's")
		}
		settings, err := tx.SessionSettings(ctx)
		if err != nil {
			return err
		}
		old.TimeZone = settings.TimeZone
		pi.UpdatedBy, pi.UpdatedAt, pi.Version = by.UserID, p.clock.Now().UTC(), version
		next, err = tx.SavePracticeIdentifiers(ctx, pi)
		if errors.Is(err, certboard.ErrConflict) {
			return staleIdentifiers("the practice's")
		}
		if err != nil {
			return err
		}
		if pi.TimeZone != old.TimeZone {
			if err := tx.SaveSessionSettings(ctx, SessionSettings{TimeZone: pi.TimeZone, UpdatedBy: pi.UpdatedBy, UpdatedAt: pi.UpdatedAt}); err != nil {
				return err
			}
		}
		changed := []string{}
		for _, f := range []struct {
			name     string
			was, now string
		}{{"name", old.Name, pi.Name}, {"address", old.Address, pi.Address}, {"phone", old.Phone, pi.Phone},
			{"npi", old.NPI, pi.NPI}, {"tax_id", old.TaxID, pi.TaxID}, {"time_zone", old.TimeZone, pi.TimeZone}} {
			if f.was != f.now {
				changed = append(changed, f.name)
			}
		}
		return p.appendAudit(ctx, tx, by, "practice.identifiers.update", "practice", map[string]any{"version": version},
			map[string]any{"version": next, "changed": changed})
	})
	return next, err
}

// mayReadPractitioner checks that by may see practitioner userID's
// identifiers: their own, or any practitioner's for an admin.
func mayReadPractitioner(by Actor, userID int64) error {
	if by.IsAdmin() || (by.IsPractitioner() && by.UserID == userID) {
		return nil
	}
	return certboard.Errorf(certboard.Forbidden, "you may see only your own identifiers; the practice's admins see everyone's")
}

// PractitionerIdentifiers returns practitioner userID's identifiers with
// their name, for themselves or a practice admin (Forbidden otherwise;
// NotFound for an account that is no practitioner of the practice);
// before the practitioner first saves them, empty at version 0.
func (p *Practice) PractitionerIdentifiers(ctx context.Context, by Actor, userID int64) (PractitionerIdentifiers, error) {
	if err := mayReadPractitioner(by, userID); err != nil {
		return PractitionerIdentifiers{}, err
	}
	u, err := p.store.UserByID(ctx, userID)
	if errors.Is(err, certboard.ErrNotFound) || (err == nil && !u.HasRole(auth.Practitioner)) {
		return PractitionerIdentifiers{}, certboard.Errorf(certboard.NotFound, "no practitioner of the practice has the id %d", userID).
			WithTitle("Practitioner not found")
	}
	if err != nil {
		return PractitionerIdentifiers{}, err
	}
	pi, err := p.store.PractitionerIdentifiers(ctx, userID)
	if errors.Is(err, certboard.ErrNotFound) {
		pi, err = &PractitionerIdentifiers{UserID: userID}, nil
	}
	if err != nil {
		return PractitionerIdentifiers{}, err
	}
	pi.Name = u.Name
	return *pi, nil
}

// AllPractitionerIdentifiers lists, for a practice admin, every
// practitioner of the practice by name with their identifiers (version 0
// for those who have saved none yet).
func (p *Practice) AllPractitionerIdentifiers(ctx context.Context, by Actor) ([]PractitionerIdentifiers, error) {
	if err := mustAdmin(by, "see every practitioner's identifiers"); err != nil {
		return nil, err
	}
	people, err := p.store.People(ctx)
	if err != nil {
		return nil, err
	}
	saved, err := p.store.AllPractitionerIdentifiers(ctx)
	if err != nil {
		return nil, err
	}
	var out []PractitionerIdentifiers
	for _, u := range people {
		if !u.HasRole(auth.Practitioner) {
			continue
		}
		pi, ok := saved[u.ID]
		if !ok {
			pi = PractitionerIdentifiers{UserID: u.ID}
		}
		pi.Name = u.Name
		out = append(out, pi)
	}
	return out, nil
}

// SetOwnIdentifiers saves the identifiers of the practitioner who acts
// (only their own: nobody edits another's, an admin neither), checked by
// CheckPractitionerIdentifiers (Invalid naming each field at fault, and
// nothing changes), if they are still at version (0 before they are first
// saved; Conflict otherwise). It is audited
// ("practitioner.identifiers.update", subject the practitioner, naming
// the fields changed) and returns the new version.
func (p *Practice) SetOwnIdentifiers(ctx context.Context, by Actor, in PractitionerIdentifiersInput, version int) (int, error) {
	if !by.IsPractitioner() {
		return 0, certboard.Errorf(certboard.Forbidden, "only practitioners have a licence and an NPI to give")
	}
	pi, err := CheckPractitionerIdentifiers(in)
	if err != nil {
		return 0, err
	}
	var next int
	err = p.store.InTx(ctx, func(tx Tx) error {
		old, err := tx.LockPractitionerIdentifiers(ctx, by.UserID)
		if errors.Is(err, certboard.ErrNotFound) {
			old = &PractitionerIdentifiers{}
		} else if err != nil {
			return err
		}
		if old.Version != version {
			return staleIdentifiers("your")
		}
		pi.UserID, pi.UpdatedAt, pi.Version = by.UserID, p.clock.Now().UTC(), version
		next, err = tx.SavePractitionerIdentifiers(ctx, pi)
		if errors.Is(err, certboard.ErrConflict) {
			return staleIdentifiers("your")
		}
		if err != nil {
			return err
		}
		changed := []string{}
		for _, f := range []struct {
			name     string
			was, now string
		}{{"licence_type", old.LicenceType, pi.LicenceType}, {"licence_number", old.LicenceNumber, pi.LicenceNumber},
			{"licence_state", old.LicenceState, pi.LicenceState}, {"npi", old.NPI, pi.NPI}} {
			if f.was != f.now {
				changed = append(changed, f.name)
			}
		}
		return p.appendAudit(ctx, tx, by, "practitioner.identifiers.update", by.AuditName(), map[string]any{"version": version},
			map[string]any{"version": next, "changed": changed})
	})
	return next, err
}
