package practicesql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/sqldb"
)

// Clients, their practitioners, consent texts, consents and emergency
// access (migration 00002). A client's identity is sealed as a whole, the
// name included: lists open each row's identity and sort by name in Go,
// which keeps every name out of plain text at rest at the cost of
// searching names in SQL (ClientsOf opens each identity once a version,
// through the cache in clients_cache.go).

// The columns of the clients' tables that name an account: such an
// account is never deleted as an expired sign-up.
func init() {
	for _, r := range [][2]string{{"clients", "created_by"}, {"client_practitioners", "practitioner_id"},
		{"client_practitioners", "assigned_by"}, {"consent_texts", "published_by"}, {"consents", "witness_id"},
		{"consents", "withdrawn_by"}, {"emergency_access", "admin_id"}} {
		references = append(references, authsql.Reference{Table: r[0], Column: r[1]})
	}
}

func clientContext(id int64) string {
	return "practice/clients/" + strconv.FormatInt(id, 10) + "/identity"
}

func consentContext(id int64, what string) string {
	return "practice/consents/" + strconv.FormatInt(id, 10) + "/" + what
}

func emergencyContext(id int64) string {
	return "practice/emergency_access/" + strconv.FormatInt(id, 10) + "/reason"
}

// sealIdentity seals a client's identity for its row.
func (s *Store) sealIdentity(id int64, identity practice.Identity) (string, error) {
	plain, err := json.Marshal(identity)
	if err != nil {
		return "", err
	}
	return s.seal(plain, clientContext(id))
}

// openIdentity opens the sealed identity of client id.
func (s *Store) openIdentity(id int64, sealed string) (practice.Identity, error) {
	var identity practice.Identity
	plain, err := s.open(sealed, clientContext(id))
	if err != nil {
		return identity, fmt.Errorf("client %d: identity: %w", id, err)
	}
	if err := json.Unmarshal(plain, &identity); err != nil {
		return identity, fmt.Errorf("client %d: identity: %w", id, err)
	}
	return identity, nil
}

// CreateClient adds a client and returns its id.
func (tx *Tx) CreateClient(ctx context.Context, c practice.Client) (int64, error) {
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind(
		"INSERT INTO clients (identity, created_at, created_by, updated_at, version) VALUES ('', ?, ?, ?, 1) RETURNING id"),
		d.Time(c.CreatedAt), c.CreatedBy, d.Time(c.UpdatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("creating a client: %w", err)
	}
	sealed, err := tx.s.sealIdentity(id, c.Identity)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE clients SET identity = ? WHERE id = ?"), sealed, id); err != nil {
		return 0, fmt.Errorf("creating client %d: %w", id, err)
	}
	return id, nil
}

const clientColumns = "id, identity, created_at, created_by, updated_at, version"

func (s *Store) scanClient(r sqldb.Scanner) (*practice.Client, error) {
	var c practice.Client
	var sealed string
	var created, updated any
	if err := r.Scan(&c.ID, &sealed, &created, &c.CreatedBy, &updated, &c.Version); err != nil {
		return nil, err
	}
	var err error
	if c.CreatedAt, err = sqldb.ScanTime(created); err != nil {
		return nil, err
	}
	if c.UpdatedAt, err = sqldb.ScanTime(updated); err != nil {
		return nil, err
	}
	if c.Identity, err = s.openIdentity(c.ID, sealed); err != nil {
		return nil, err
	}
	return &c, nil
}

func (tx *Tx) client(ctx context.Context, id int64, lock string) (*practice.Client, error) {
	c, err := tx.s.scanClient(tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT "+clientColumns+" FROM clients WHERE id = ?"+lock), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("client %d: %w", id, sqldb.ErrNotFound)
	}
	return c, err
}

// Client reads a client.
func (tx *Tx) Client(ctx context.Context, id int64) (*practice.Client, error) {
	return tx.client(ctx, id, "")
}

// LockClient reads a client, locking its row until the transaction ends.
func (tx *Tx) LockClient(ctx context.Context, id int64) (*practice.Client, error) {
	return tx.client(ctx, id, tx.Dialect.LockRow())
}

// ClientExists reports whether a client exists.
func (tx *Tx) ClientExists(ctx context.Context, id int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT COUNT(*) FROM clients WHERE id = ?"), id).Scan(&n)
	return n > 0, err
}

// SaveClientIdentity replaces a client's identity if its row is still at
// version, and returns the new version (sqldb.ErrConflict when it is not).
func (tx *Tx) SaveClientIdentity(ctx context.Context, id int64, identity practice.Identity, version int, at time.Time) (int, error) {
	sealed, err := tx.s.sealIdentity(id, identity)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		"UPDATE clients SET identity = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"),
		sealed, tx.Dialect.Time(at), id, version)
	if err != nil {
		return 0, fmt.Errorf("saving client %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, fmt.Errorf("client %d is no longer at version %d: %w", id, version, sqldb.ErrConflict)
	}
	return version + 1, nil
}

// ClientAssigned reports whether a practitioner is assigned to a client.
func (tx *Tx) ClientAssigned(ctx context.Context, clientID, practitionerID int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"SELECT COUNT(*) FROM client_practitioners WHERE client_id = ? AND practitioner_id = ?"), clientID, practitionerID).Scan(&n)
	return n > 0, err
}

// AssignClient assigns a practitioner to a client (ErrConflict when
// already assigned). The conflict is no error in SQL, so that the
// transaction stays usable on PostgreSQL.
func (tx *Tx) AssignClient(ctx context.Context, clientID, practitionerID, by int64, at time.Time) error {
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		"INSERT INTO client_practitioners (client_id, practitioner_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"),
		clientID, practitionerID, tx.Dialect.Time(at), by)
	if err != nil {
		return fmt.Errorf("assigning practitioner %d to client %d: %w", practitionerID, clientID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("practitioner %d is already assigned to client %d: %w", practitionerID, clientID, sqldb.ErrConflict)
	}
	return nil
}

// UnassignClient ends an assignment (sqldb.ErrNotFound when there is none).
func (tx *Tx) UnassignClient(ctx context.Context, clientID, practitionerID int64) error {
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		"DELETE FROM client_practitioners WHERE client_id = ? AND practitioner_id = ?"), clientID, practitionerID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("practitioner %d is not assigned to client %d: %w", practitionerID, clientID, sqldb.ErrNotFound)
	}
	return nil
}

// memberColumns are the columns of an account a Member holds, from users u.
const memberColumns = "u.id, u.name, u.email, u.roles"

func scanMember(r sqldb.Scanner) (practice.Member, error) {
	var m practice.Member
	var roles string
	if err := r.Scan(&m.ID, &m.Name, &m.Email, &roles); err != nil {
		return m, err
	}
	var err error
	if m.Roles, err = parseRoles(roles); err != nil {
		return m, fmt.Errorf("account %d: stored %w", m.ID, err)
	}
	return m, nil
}

// parseRoles reads the comma-separated roles of an account.
func parseRoles(s string) ([]auth.Role, error) {
	var out []auth.Role
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		r, err := auth.ParseRole(v)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func members(rows *sql.Rows, err error) ([]practice.Member, error) {
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanMember)
}

// ClientPractitioners lists the practitioners assigned to a client, by
// name.
func (tx *Tx) ClientPractitioners(ctx context.Context, clientID int64) ([]practice.Member, error) {
	return members(tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+memberColumns+
		" FROM client_practitioners cp JOIN users u ON u.id = cp.practitioner_id WHERE cp.client_id = ? ORDER BY u.name, u.id"), clientID))
}

// PracticeMember reads an account of the practice.
func (tx *Tx) PracticeMember(ctx context.Context, userID int64) (*practice.Member, error) {
	m, err := scanMember(tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT "+memberColumns+" FROM users u WHERE u.id = ?"), userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("account %d: %w", userID, sqldb.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Practitioners lists the accounts that hold the practitioner role, by
// name.
func (s *Store) Practitioners(ctx context.Context) ([]practice.Member, error) {
	return members(s.DB.QueryContext(ctx, s.Dialect.Rebind("SELECT "+memberColumns+
		" FROM users u WHERE ',' || u.roles || ',' LIKE ? ORDER BY u.name, u.id"), "%,"+string(auth.Practitioner)+",%"))
}

// ClientDirectory lists every client by name with their practitioners.
func (tx *Tx) ClientDirectory(ctx context.Context) ([]practice.DirectoryEntry, error) {
	names, err := tx.namesOf(ctx, "SELECT id, version FROM clients")
	if err != nil {
		return nil, err
	}
	out := make([]practice.DirectoryEntry, len(names))
	index := make(map[int64]int, len(names))
	for i, c := range names {
		out[i] = practice.DirectoryEntry{ID: c.ID, Name: c.Name, Practitioners: []practice.Member{}}
		index[c.ID] = i
	}
	rows, err := tx.QueryContext(ctx, "SELECT cp.client_id, "+memberColumns+
		" FROM client_practitioners cp JOIN users u ON u.id = cp.practitioner_id ORDER BY u.name, u.id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var m practice.Member
		var roles string
		if err := rows.Scan(&cid, &m.ID, &m.Name, &m.Email, &roles); err != nil {
			return nil, err
		}
		if m.Roles, err = parseRoles(roles); err != nil {
			return nil, fmt.Errorf("account %d: stored %w", m.ID, err)
		}
		if i, ok := index[cid]; ok {
			out[i].Practitioners = append(out[i].Practitioners, m)
		}
	}
	return out, rows.Err()
}

const grantColumns = "e.id, e.client_id, e.admin_id, u.name, e.reason, e.granted_at, e.expires_at"

func (s *Store) scanGrant(r sqldb.Scanner) (practice.EmergencyGrant, error) {
	var g practice.EmergencyGrant
	var sealed string
	var granted, expires any
	if err := r.Scan(&g.ID, &g.ClientID, &g.AdminID, &g.AdminName, &sealed, &granted, &expires); err != nil {
		return g, err
	}
	var err error
	if g.GrantedAt, err = sqldb.ScanTime(granted); err != nil {
		return g, err
	}
	if g.ExpiresAt, err = sqldb.ScanTime(expires); err != nil {
		return g, err
	}
	reason, err := s.open(sealed, emergencyContext(g.ID))
	if err != nil {
		return g, fmt.Errorf("emergency access %d: reason: %w", g.ID, err)
	}
	g.Reason = string(reason)
	return g, nil
}

// LiveEmergencyAccess returns an admin's emergency access to a client live
// at now, the latest to expire (sqldb.ErrNotFound when there is none).
func (tx *Tx) LiveEmergencyAccess(ctx context.Context, clientID, adminID int64, now time.Time) (*practice.EmergencyGrant, error) {
	d := tx.Dialect
	g, err := tx.s.scanGrant(tx.QueryRowContext(ctx, d.Rebind("SELECT "+grantColumns+
		" FROM emergency_access e JOIN users u ON u.id = e.admin_id"+
		" WHERE e.client_id = ? AND e.admin_id = ? AND e.granted_at <= ? AND e.expires_at > ? ORDER BY e.expires_at DESC LIMIT 1"),
		clientID, adminID, d.Time(now), d.Time(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("emergency access of %d to client %d: %w", adminID, clientID, sqldb.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// CreateEmergencyAccess records a grant, its reason sealed, and returns
// its id.
func (tx *Tx) CreateEmergencyAccess(ctx context.Context, g practice.EmergencyGrant) (int64, error) {
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind(
		"INSERT INTO emergency_access (client_id, admin_id, reason, granted_at, expires_at) VALUES (?, ?, '', ?, ?) RETURNING id"),
		g.ClientID, g.AdminID, d.Time(g.GrantedAt), d.Time(g.ExpiresAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("recording emergency access: %w", err)
	}
	sealed, err := tx.s.seal([]byte(g.Reason), emergencyContext(id))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE emergency_access SET reason = ? WHERE id = ?"), sealed, id); err != nil {
		return 0, err
	}
	return id, nil
}

// EmergencyAccesses lists a client's emergency accesses, newest first.
func (tx *Tx) EmergencyAccesses(ctx context.Context, clientID int64) ([]practice.EmergencyGrant, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+grantColumns+
		" FROM emergency_access e JOIN users u ON u.id = e.admin_id WHERE e.client_id = ? ORDER BY e.granted_at DESC, e.id DESC"), clientID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, tx.s.scanGrant)
}

const consentTextColumns = "id, version, title, body, published_at, published_by"

func scanConsentText(r sqldb.Scanner) (*practice.ConsentText, error) {
	var t practice.ConsentText
	var published any
	if err := r.Scan(&t.ID, &t.Version, &t.Title, &t.Body, &published, &t.PublishedBy); err != nil {
		return nil, err
	}
	var err error
	t.PublishedAt, err = sqldb.ScanTime(published)
	return &t, err
}

// LatestConsentText returns the newest consent text, locking it
// (sqldb.ErrNotFound when none was published).
func (tx *Tx) LatestConsentText(ctx context.Context) (*practice.ConsentText, error) {
	t, err := scanConsentText(tx.QueryRowContext(ctx, "SELECT "+consentTextColumns+
		" FROM consent_texts ORDER BY version DESC LIMIT 1"+tx.Dialect.LockRow()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no consent text: %w", sqldb.ErrNotFound)
	}
	return t, err
}

// ConsentText reads a consent text.
func (tx *Tx) ConsentText(ctx context.Context, id int64) (*practice.ConsentText, error) {
	t, err := scanConsentText(tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT "+consentTextColumns+" FROM consent_texts WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("consent text %d: %w", id, sqldb.ErrNotFound)
	}
	return t, err
}

// ConsentTexts lists every consent text, newest version first.
func (s *Store) ConsentTexts(ctx context.Context) ([]practice.ConsentText, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+consentTextColumns+" FROM consent_texts ORDER BY version DESC")
	if err != nil {
		return nil, err
	}
	return scanAll(rows, deref(scanConsentText))
}

// CreateConsentText adds a consent text and returns its id
// (sqldb.ErrConflict when its version exists; no error in SQL, so that
// the transaction stays usable on PostgreSQL).
func (tx *Tx) CreateConsentText(ctx context.Context, t practice.ConsentText) (int64, error) {
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind(
		"INSERT INTO consent_texts (version, title, body, published_at, published_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (version) DO NOTHING RETURNING id"),
		t.Version, t.Title, t.Body, d.Time(t.PublishedAt), t.PublishedBy).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("consent text version %d exists: %w", t.Version, sqldb.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("publishing consent text version %d: %w", t.Version, err)
	}
	return id, nil
}

// ReviseConsentText rewrites a consent text's title and body if nobody
// signed it (sqldb.ErrConflict otherwise). The caller holds the text's lock
// (LatestConsentText), so that no signature slips in between.
func (tx *Tx) ReviseConsentText(ctx context.Context, t practice.ConsentText) error {
	d := tx.Dialect
	var n int
	if err := tx.QueryRowContext(ctx, d.Rebind("SELECT COUNT(*) FROM consents WHERE text_id = ?"), t.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("consent text %d was signed: %w", t.ID, sqldb.ErrConflict)
	}
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE consent_texts SET title = ?, body = ?, published_at = ?, published_by = ? WHERE id = ?"),
		t.Title, t.Body, d.Time(t.PublishedAt), t.PublishedBy, t.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("consent text %d: %w", t.ID, sqldb.ErrNotFound)
	}
	return nil
}

// signature is the sealed record of a signed consent.
type signature struct {
	ClientID             int64     `json:"client_id"`
	TextID               int64     `json:"text_id"`
	Version              int       `json:"version"`
	Title                string    `json:"title"`
	Text                 string    `json:"text"`
	TextDigest           string    `json:"text_sha256"`
	Signer               string    `json:"signer"`
	SignedName           string    `json:"signed_name"`
	GuardianRelationship string    `json:"guardian_relationship,omitempty"`
	WitnessID            int64     `json:"witness_id"`
	WitnessName          string    `json:"witness_name"`
	SignedAt             time.Time `json:"signed_at"`
}

// CreateConsent records a signed consent, its signature sealed, and
// returns its id.
func (tx *Tx) CreateConsent(ctx context.Context, c practice.Consent) (int64, error) {
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind(
		"INSERT INTO consents (client_id, text_id, witness_id, signed_at, signature) VALUES (?, ?, ?, ?, '') RETURNING id"),
		c.ClientID, c.TextID, c.WitnessID, d.Time(c.SignedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("recording a consent: %w", err)
	}
	plain, err := json.Marshal(signature{ClientID: c.ClientID, TextID: c.TextID, Version: c.Version, Title: c.Title, Text: c.Text,
		TextDigest: c.TextDigest, Signer: string(c.Signer), SignedName: c.SignedName, GuardianRelationship: c.GuardianRelationship,
		WitnessID: c.WitnessID, WitnessName: c.WitnessName, SignedAt: c.SignedAt.UTC()})
	if err != nil {
		return 0, err
	}
	sealed, err := tx.s.seal(plain, consentContext(id, "signature"))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE consents SET signature = ? WHERE id = ?"), sealed, id); err != nil {
		return 0, err
	}
	return id, nil
}

// Consents lists a client's consents, newest first.
func (tx *Tx) Consents(ctx context.Context, clientID int64) ([]practice.Consent, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind(
		"SELECT id, client_id, text_id, witness_id, signature, withdrawn_at, withdrawn_by, withdrawal FROM consents WHERE client_id = ? ORDER BY id DESC"),
		clientID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(r sqldb.Scanner) (c practice.Consent, err error) {
		var sealed, withdrawal string
		var withdrawnAt any
		var withdrawnBy sql.NullInt64
		if err := r.Scan(&c.ID, &c.ClientID, &c.TextID, &c.WitnessID, &sealed, &withdrawnAt, &withdrawnBy, &withdrawal); err != nil {
			return c, err
		}
		plain, err := tx.s.open(sealed, consentContext(c.ID, "signature"))
		if err != nil {
			return c, fmt.Errorf("consent %d: signature: %w", c.ID, err)
		}
		var sig signature
		if err := json.Unmarshal(plain, &sig); err != nil {
			return c, fmt.Errorf("consent %d: signature: %w", c.ID, err)
		}
		if sig.ClientID != c.ClientID || sig.TextID != c.TextID || sig.WitnessID != c.WitnessID {
			return c, fmt.Errorf("consent %d: the sealed signature is of another client, text or witness than its row", c.ID)
		}
		if c.Signer, err = practice.ParseSigner(sig.Signer); err != nil {
			return c, fmt.Errorf("consent %d: stored %w", c.ID, err)
		}
		c.Version, c.Title, c.Text, c.TextDigest = sig.Version, sig.Title, sig.Text, sig.TextDigest
		c.SignedName, c.GuardianRelationship, c.WitnessName, c.SignedAt = sig.SignedName, sig.GuardianRelationship, sig.WitnessName, sig.SignedAt
		if err := sqldb.ScanOptionalTime(withdrawnAt, &c.WithdrawnAt); err != nil {
			return c, err
		}
		c.WithdrawnBy = withdrawnBy.Int64
		if withdrawal != "" {
			reason, err := tx.s.open(withdrawal, consentContext(c.ID, "withdrawal"))
			if err != nil {
				return c, fmt.Errorf("consent %d: withdrawal: %w", c.ID, err)
			}
			c.WithdrawalReason = string(reason)
		}
		return c, nil
	})
}

// WithdrawConsent marks a consent withdrawn, with the reason sealed ("" for
// none), if it is not already (sqldb.ErrConflict otherwise).
func (tx *Tx) WithdrawConsent(ctx context.Context, consentID int64, at time.Time, by int64, reason string) error {
	sealed := ""
	if reason != "" {
		var err error
		if sealed, err = tx.s.seal([]byte(reason), consentContext(consentID, "withdrawal")); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		"UPDATE consents SET withdrawn_at = ?, withdrawn_by = ?, withdrawal = ? WHERE id = ? AND withdrawn_at IS NULL"),
		tx.Dialect.Time(at), by, sealed, consentID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("consent %d is withdrawn already, or does not exist: %w", consentID, sqldb.ErrConflict)
	}
	return nil
}
