package practice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/notify"
)

// A client's record is reachable only by the practitioners assigned to it
// (a client keeps at least one); a practice admin assigns them and sees a
// directory of names, and reads a record only through emergency access
// (clients_access.go). Every read of a record is audited, like every
// change. Consent to treatment is in clients_consent.go.

// Client is a client of the practice: who they are, and the version of
// the row, which guards edits.
type Client struct {
	ID        int64
	Identity  Identity
	CreatedAt time.Time
	// CreatedBy is the account that registered the client.
	CreatedBy int64
	UpdatedAt time.Time
	Version   int
}

// Member is an account of the practice, as the clients use cases see it.
type Member struct {
	ID    int64
	Name  string
	Email string
	Roles []auth.Role
}

// IsPractitioner reports whether the account sees clients.
func (m Member) IsPractitioner() bool { return slices.Contains(m.Roles, auth.Practitioner) }

// IsAdmin reports whether the account administers the practice.
func (m Member) IsAdmin() bool { return slices.Contains(m.Roles, auth.PracticeAdmin) }

// ClientSummary is a line of a practitioner's list of clients.
type ClientSummary struct {
	ID            int64
	Name          string
	PreferredName string
	Pronouns      string
	DateOfBirth   date.Date
	// Consented says whether the client's latest consent to treatment
	// stands (signed and not withdrawn).
	Consented bool
	CreatedAt time.Time
}

// DirectoryEntry is a line of the admin's directory of clients: a name
// and who sees the client, nothing of the record.
type DirectoryEntry struct {
	ID            int64
	Name          string
	Practitioners []Member
}

// ClientRecord is what a reader sees of a client's record: identity,
// consent and assigned practitioners. Other areas' parts of the record
// (cases, notes, measures) are read by their own use cases.
type ClientRecord struct {
	Client        Client
	Practitioners []Member
	// Consent is the consent in force, nil when there is none.
	Consent *Consent
	// Consents is every consent signed, newest first (withdrawn ones
	// included).
	Consents []Consent
	// Emergency lists the emergency accesses ever given to the record,
	// newest first.
	Emergency []EmergencyGrant
	// Access is how the reader reached the record.
	Access Access
	// Part2 says whether the record is marked as covered by 42 CFR Part 2
	// (MarkPart2), by whom and when.
	Part2 Part2Mark
}

// clientReads are the reads of the clients use cases outside a
// transaction.
type clientReads interface {
	// Practitioners lists the accounts that hold the practitioner role,
	// by name.
	Practitioners(ctx context.Context) ([]Member, error)
	// ConsentTexts lists every consent text, newest version first.
	ConsentTexts(ctx context.Context) ([]ConsentText, error)
}

// clientWrites are the reads and writes of the clients use cases inside a
// transaction. A missing row is certboard.ErrNotFound, wrapped; a write
// that lost a race or breaks a uniqueness rule is certboard.ErrConflict,
// wrapped.
type clientWrites interface {
	// CreateClient adds a client and returns its id.
	CreateClient(ctx context.Context, c Client) (int64, error)
	// LockClient reads a client, locking the row until the transaction
	// ends.
	LockClient(ctx context.Context, id int64) (*Client, error)
	// Client reads a client.
	Client(ctx context.Context, id int64) (*Client, error)
	// ClientExists reports whether a client exists.
	ClientExists(ctx context.Context, id int64) (bool, error)
	// SaveClientIdentity replaces a client's identity if the row is still
	// at version (ErrConflict otherwise) and returns the new version.
	SaveClientIdentity(ctx context.Context, id int64, identity Identity, version int, at time.Time) (int, error)
	// ClientAssigned reports whether a practitioner is assigned to a
	// client (false for a client that does not exist).
	ClientAssigned(ctx context.Context, clientID, practitionerID int64) (bool, error)
	// AssignClient assigns a practitioner to a client (ErrConflict when
	// already assigned).
	AssignClient(ctx context.Context, clientID, practitionerID, by int64, at time.Time) error
	// UnassignClient ends an assignment (ErrNotFound when there is none).
	UnassignClient(ctx context.Context, clientID, practitionerID int64) error
	// ClientPractitioners lists the practitioners assigned to a client,
	// by name.
	ClientPractitioners(ctx context.Context, clientID int64) ([]Member, error)
	// PracticeMember reads an account of the practice.
	PracticeMember(ctx context.Context, userID int64) (*Member, error)
	// ClientsOf lists the clients a practitioner is assigned to, by name.
	ClientsOf(ctx context.Context, practitionerID int64) ([]ClientSummary, error)
	// ClientDirectory lists every client, by name, with their
	// practitioners.
	ClientDirectory(ctx context.Context) ([]DirectoryEntry, error)

	// LiveEmergencyAccess returns an admin's emergency access to a client
	// live at now, the latest to expire (ErrNotFound when none).
	LiveEmergencyAccess(ctx context.Context, clientID, adminID int64, now time.Time) (*EmergencyGrant, error)
	// CreateEmergencyAccess records a grant and returns its id.
	CreateEmergencyAccess(ctx context.Context, g EmergencyGrant) (int64, error)
	// EmergencyAccesses lists a client's grants, newest first.
	EmergencyAccesses(ctx context.Context, clientID int64) ([]EmergencyGrant, error)

	// LatestConsentText returns the newest consent text (ErrNotFound when
	// none was published), locking it.
	LatestConsentText(ctx context.Context) (*ConsentText, error)
	// ConsentText reads a consent text by id.
	ConsentText(ctx context.Context, id int64) (*ConsentText, error)
	// CreateConsentText adds a consent text and returns its id
	// (ErrConflict when its version exists).
	CreateConsentText(ctx context.Context, t ConsentText) (int64, error)
	// ReviseConsentText rewrites a consent text's title and body if no
	// consent was signed to it (ErrConflict otherwise).
	ReviseConsentText(ctx context.Context, t ConsentText) error
	// CreateConsent records a signed consent and returns its id.
	CreateConsent(ctx context.Context, c Consent) (int64, error)
	// Consents lists a client's consents, newest first.
	Consents(ctx context.Context, clientID int64) ([]Consent, error)
	// WithdrawConsent marks a consent withdrawn if it is not already
	// (ErrConflict otherwise).
	WithdrawConsent(ctx context.Context, consentID int64, at time.Time, by int64, reason string) error
}

// NewClient is what registering a client takes.
type NewClient struct {
	Identity IdentityInput
	// Practitioners are the accounts to assign, when a practice admin
	// registers the client; a practitioner who registers a client is
	// assigned to it and leaves this empty.
	Practitioners []int64
}

// CreateClient registers a client. A practitioner registers their own
// client and is assigned to it (naming other practitioners is for a
// practice admin); a practice admin names at least one practitioner to
// assign. Details refused are an Invalid error naming each field, and
// nothing is written; the client, its assignments and the audit entry
// ("client.create", without identity) commit together. It returns the
// client's id.
func (p *Practice) CreateClient(ctx context.Context, by Actor, req NewClient) (int64, error) {
	if !by.IsPractitioner() && !by.IsAdmin() {
		return 0, certboard.Errorf(certboard.Forbidden, "only practitioners and practice admins register clients")
	}
	now := p.clock.Now().UTC()
	identity, err := CheckIdentity(req.Identity, date.FromTime(now))
	if err != nil {
		return 0, err
	}
	team := slices.Clone(req.Practitioners)
	slices.Sort(team)
	team = slices.Compact(team)
	switch {
	case len(team) == 0 && by.IsPractitioner():
		team = []int64{by.UserID}
	case len(team) == 0:
		return 0, certboard.FieldError(certboard.Invalid, "practitioners", "choose at least one practitioner to see the client")
	case !by.IsAdmin() && (len(team) > 1 || team[0] != by.UserID):
		return 0, certboard.FieldError(certboard.Forbidden, "practitioners",
			"only a practice admin assigns other practitioners; leave the choice empty to see the client yourself")
	}
	var id int64
	err = p.store.InTx(ctx, func(tx Tx) error {
		for _, uid := range team {
			if err := mustBePractitioner(ctx, tx, uid); err != nil {
				return err
			}
		}
		id, err = tx.CreateClient(ctx, Client{Identity: identity, CreatedAt: now, CreatedBy: by.UserID, UpdatedAt: now, Version: 1})
		if err != nil {
			return err
		}
		for _, uid := range team {
			if err := tx.AssignClient(ctx, id, uid, by.UserID, now); err != nil {
				return err
			}
		}
		return p.appendAudit(ctx, tx, by, "client.create", ClientSubject(id), nil, map[string]any{"practitioners": team})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// mustBePractitioner refuses an account that is not a practitioner of the
// practice, naming the field "practitioners".
func mustBePractitioner(ctx context.Context, tx Tx, uid int64) error {
	_, err := practitionerMember(ctx, tx, uid)
	return err
}

// practitionerMember reads a practitioner of the practice, refusing an
// account that is not one (naming the field "practitioners").
func practitionerMember(ctx context.Context, tx Tx, uid int64) (*Member, error) {
	m, err := tx.PracticeMember(ctx, uid)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, certboard.FieldError(certboard.Invalid, "practitioners", fmt.Sprintf("there is no account %d in the practice", uid))
	}
	if err != nil {
		return nil, err
	}
	if !m.IsPractitioner() {
		return nil, certboard.FieldError(certboard.Invalid, "practitioners", fmt.Sprintf("%s is not a practitioner; choose a practitioner", m.Name))
	}
	return m, nil
}

// UpdateClient replaces a client's identity, if the record is still at
// version (Conflict otherwise: reload and edit again). Only an assigned
// practitioner may; details refused are an Invalid error naming each
// field, and nothing is written. The audit entry ("client.update") names
// the fields changed, not their values. It returns the new version.
func (p *Practice) UpdateClient(ctx context.Context, by Actor, clientID int64, in IdentityInput, version int) (int, error) {
	now := p.clock.Now().UTC()
	identity, err := CheckIdentity(in, date.FromTime(now))
	if err != nil {
		return 0, err
	}
	var next int
	err = p.store.InTx(ctx, func(tx Tx) error {
		if err := p.mayChangeClient(ctx, tx, by, clientID); err != nil {
			return err
		}
		old, err := tx.LockClient(ctx, clientID)
		if err != nil {
			return err
		}
		if old.Version != version {
			return staleClient(clientID)
		}
		next, err = tx.SaveClientIdentity(ctx, clientID, identity, version, now)
		if errors.Is(err, certboard.ErrConflict) {
			return staleClient(clientID)
		}
		if err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, "client.update", ClientSubject(clientID), map[string]any{"version": version},
			map[string]any{"version": next, "changed": changedFields(old.Identity, identity)})
	})
	return next, err
}

func staleClient(id int64) error {
	return certboard.Errorf(certboard.Conflict,
		"client %d's details were changed by someone else since you opened them; reload the page and make your change again", id)
}

// changedFields names the identity fields that differ, in form order.
func changedFields(a, b Identity) []string {
	x, y := a.Input(), b.Input()
	pairs := [][2]string{{x.Name, y.Name}, {x.PreferredName, y.PreferredName}, {x.DateOfBirth, y.DateOfBirth},
		{x.Pronouns, y.Pronouns}, {x.GenderIdentity, y.GenderIdentity}, {x.Email, y.Email}, {x.Phone, y.Phone},
		{x.EmergencyName, y.EmergencyName}, {x.EmergencyPhone, y.EmergencyPhone}, {x.EmergencyRelationship, y.EmergencyRelationship}}
	out := []string{}
	for i, p := range pairs {
		if p[0] != p[1] {
			out = append(out, identityFields[i])
		}
	}
	return out
}

// The bounds of the reason a practice admin gives for assigning a
// practitioner who is a practice admin too (runes, after trimming).
const (
	MinAssignReason = 20
	MaxAssignReason = 500
)

// AssignPractitioner assigns a practitioner to a client without a reason:
// AssignWithReason with none, which is refused when the practitioner is a
// practice admin too.
func (p *Practice) AssignPractitioner(ctx context.Context, by Actor, clientID, practitionerID int64) error {
	return p.AssignWithReason(ctx, by, clientID, practitionerID, "")
}

// AssignWithReason assigns a practitioner to a client, for a practice
// admin, who may not assign themselves (Forbidden): being assigned opens
// the whole record for reading and changing, without the reason, the time
// limit and the notice of emergency access, so another admin must do it.
// A practitioner who is a practice admin too is assigned only with a
// reason (MinAssignReason to MaxAssignReason characters, Invalid
// otherwise); for anyone else a reason is optional. The assignment, its
// audit entry ("client.assign": the practitioner, whether they are an
// admin and whether a reason was given, never the reason) and a mail to
// each practitioner assigned to the client already (notify.PracticeAssignment,
// with the reason) commit together. A practice whose only admin is also
// its practitioner registers its own clients (CreateClient), and adds a
// second admin to be assigned to another practitioner's clients.
func (p *Practice) AssignWithReason(ctx context.Context, by Actor, clientID, practitionerID int64, reason string) error {
	if !by.IsAdmin() {
		return certboard.Errorf(certboard.Forbidden, "only a practice admin assigns practitioners to clients")
	}
	if practitionerID == by.UserID {
		return certboard.FieldError(certboard.Forbidden, "practitioner",
			"you cannot assign yourself to a client: that would open the record to you without emergency access. "+
				"Another practice admin must assign you, giving a reason, and the client's practitioners are told").
			WithTitle("Another admin must assign you")
	}
	reason, err := checkReason("reason", reason, 0, MaxAssignReason)
	if err != nil {
		return err
	}
	return p.store.InTx(ctx, func(tx Tx) error {
		if _, err := tx.LockClient(ctx, clientID); errors.Is(err, certboard.ErrNotFound) {
			return errNoClient(clientID)
		} else if err != nil {
			return err
		}
		m, err := practitionerMember(ctx, tx, practitionerID)
		if err != nil {
			return err
		}
		if n := utf8.RuneCountInString(reason); m.IsAdmin() && n < MinAssignReason {
			return certboard.FieldError(certboard.Invalid, "reason", fmt.Sprintf(
				"%s is a practice admin too: say in at least %d characters why they take on this client, such as whom they stand in for and until when (this has %d). "+
					"The client's practitioners are told by mail, so give no clinical details", m.Name, MinAssignReason, n)).
				WithTitle("A reason is needed")
		}
		team, err := tx.ClientPractitioners(ctx, clientID)
		if err != nil {
			return err
		}
		err = tx.AssignClient(ctx, clientID, practitionerID, by.UserID, p.clock.Now().UTC())
		if errors.Is(err, certboard.ErrConflict) {
			return certboard.Errorf(certboard.Conflict, "that practitioner is already assigned to client %d", clientID)
		}
		if err != nil {
			return err
		}
		if err := p.appendAudit(ctx, tx, by, "client.assign", ClientSubject(clientID), nil,
			map[string]any{"practitioner": practitionerID, "practice_admin": m.IsAdmin(), "reason": reason != ""}); err != nil {
			return err
		}
		return p.tellTeam(ctx, tx, by, team, clientID, notify.PracticeAssignment{Who: m.Name, Assigned: true, WhoIsAdmin: m.IsAdmin(), Reason: reason}, 0)
	})
}

// tellTeam mails m to each practitioner of team but by, filling in whom
// it is to, the client, the admin and the time; the practitioner you is
// told it is them (0 for none).
func (p *Practice) tellTeam(ctx context.Context, tx Tx, by Actor, team []Member, clientID int64, m notify.PracticeAssignment, you int64) error {
	m.Admin, m.Client, m.At = by.Name, clientID, p.clock.Now().UTC().Format("2006-01-02 15:04 UTC")
	m.Link = fmt.Sprintf("%s/clients/%d", p.PublicURL(), clientID)
	for _, t := range team {
		if t.ID == by.UserID {
			continue
		}
		m.Practitioner, m.You = t.Name, t.ID == you
		if err := p.mail(ctx, tx, t.Email, m); err != nil {
			return err
		}
	}
	return nil
}

// lockTeam locks client clientID, which serialises the changes of its
// team, and returns the team; NotFound when there is no such client.
func lockTeam(ctx context.Context, tx Tx, clientID int64) ([]Member, error) {
	if _, err := tx.LockClient(ctx, clientID); errors.Is(err, certboard.ErrNotFound) {
		return nil, errNoClient(clientID)
	} else if err != nil {
		return nil, err
	}
	return tx.ClientPractitioners(ctx, clientID)
}

// UnassignPractitioner ends a practitioner's assignment to a client
// (practice admins only), with an audit entry ("client.unassign") and a
// mail to each practitioner the client had (notify.PracticeAssignment),
// the one unassigned included. A client keeps at least one practitioner:
// assign another first.
func (p *Practice) UnassignPractitioner(ctx context.Context, by Actor, clientID, practitionerID int64) error {
	if !by.IsAdmin() {
		return certboard.Errorf(certboard.Forbidden, "only a practice admin unassigns practitioners from clients")
	}
	return p.store.InTx(ctx, func(tx Tx) error {
		// The lock on the client serialises changes of its team, so two
		// admins cannot each remove one of its last two practitioners.
		team, err := lockTeam(ctx, tx, clientID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(team, func(m Member) bool { return m.ID == practitionerID })
		if i < 0 {
			return certboard.Errorf(certboard.NotFound, "that practitioner is not assigned to client %d", clientID)
		}
		if len(team) == 1 {
			return certboard.Errorf(certboard.Conflict,
				"client %d keeps at least one practitioner: assign another before unassigning this one", clientID)
		}
		if err := tx.UnassignClient(ctx, clientID, practitionerID); err != nil {
			return err
		}
		if err := p.appendAudit(ctx, tx, by, "client.unassign", ClientSubject(clientID), map[string]any{"practitioner": practitionerID}, nil); err != nil {
			return err
		}
		return p.tellTeam(ctx, tx, by, team, clientID, notify.PracticeAssignment{Who: team[i].Name, WhoIsAdmin: team[i].IsAdmin()}, practitionerID)
	})
}

// MyClients lists the clients by is assigned to, by name, with an audit
// entry ("client.list": the list holds names), which names the clients
// shown by id, never by name. Only practitioners have clients; others get
// an empty list.
func (p *Practice) MyClients(ctx context.Context, by Actor) ([]ClientSummary, error) {
	if !by.IsPractitioner() {
		return []ClientSummary{}, nil
	}
	var out []ClientSummary
	err := p.store.InTx(ctx, func(tx Tx) error {
		var err error
		if out, err = tx.ClientsOf(ctx, by.UserID); err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i, c := range out {
			ids[i] = c.ID
		}
		return p.appendAudit(ctx, tx, by, "client.list", "clients", nil, map[string]any{"count": len(out), "clients": ids})
	})
	return out, err
}

// ClientDirectory lists every client by name with their practitioners,
// for practice admins, who assign practitioners: no date of birth,
// contact or consent, nothing of the record. It is audited
// ("client.directory", naming the clients shown by id, never by name).
func (p *Practice) ClientDirectory(ctx context.Context, by Actor) ([]DirectoryEntry, error) {
	if !by.IsAdmin() {
		return nil, certboard.Errorf(certboard.Forbidden, "only a practice admin sees the directory of clients")
	}
	var out []DirectoryEntry
	err := p.store.InTx(ctx, func(tx Tx) error {
		var err error
		if out, err = tx.ClientDirectory(ctx); err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i, c := range out {
			ids[i] = c.ID
		}
		return p.appendAudit(ctx, tx, by, "client.directory", "clients", nil, map[string]any{"count": len(out), "clients": ids})
	})
	return out, err
}

// Practitioners lists the practice's practitioners, for the forms that
// assign them (practice admins only).
func (p *Practice) Practitioners(ctx context.Context, by Actor) ([]Member, error) {
	if !by.IsAdmin() {
		return nil, certboard.Errorf(certboard.Forbidden, "only a practice admin assigns practitioners")
	}
	return p.store.Practitioners(ctx)
}

// ClientRecord reads a client's record, for an assigned practitioner or a
// practice admin with live emergency access, and audits the read
// (ClientRead, "identity"). Anyone else gets NotFound, or Forbidden for a
// practice admin without emergency access.
func (p *Practice) ClientRecord(ctx context.Context, by Actor, clientID int64) (*ClientRecord, error) {
	var rec ClientRecord
	err := p.store.InTx(ctx, func(tx Tx) error {
		acc, err := p.openClient(ctx, tx, by, clientID, "identity")
		if err != nil {
			return err
		}
		rec.Access = acc
		c, err := tx.Client(ctx, clientID)
		if err != nil {
			return err
		}
		rec.Client = *c
		if rec.Practitioners, err = tx.ClientPractitioners(ctx, clientID); err != nil {
			return err
		}
		if rec.Consents, err = tx.Consents(ctx, clientID); err != nil {
			return err
		}
		rec.Consent = inForce(rec.Consents)
		if rec.Part2, err = tx.ClientPart2(ctx, clientID); err != nil {
			return err
		}
		rec.Emergency, err = tx.EmergencyAccesses(ctx, clientID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// sameName reports whether two names are the same, ignoring case and
// spacing: how a typed signature is compared with the record.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}
