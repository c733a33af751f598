package practicesql

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/sqldb"
)

// The scope of practice (migrations 00006 and 00007): the practice's trust
// list with the kinds of credential each issuer may vouch for, its
// practitioners' attached credentials (the document sealed, bound to the
// row) with the outcome of their last check, when each practitioner's
// scope was last judged, and the flags raised on cases when a
// practitioner's scope stops including Intensive Therapy.

// credentialDocumentContext binds a credential's sealed document to its
// row.
func credentialDocumentContext(id int64) string {
	return "practice/credentials/" + strconv.FormatInt(id, 10) + "/document"
}

// caseFlagContext binds a flag's sealed resolution to its row.
func caseFlagContext(id int64) string {
	return "practice/case_flags/" + strconv.FormatInt(id, 10) + "/resolution"
}

// The columns of the scope of practice's tables that name an account:
// such an account is never deleted as an expired sign-up.
func init() {
	references = append(references,
		authsql.Reference{Table: "trusted_issuers", Column: "added_by"},
		authsql.Reference{Table: "practitioner_credentials", Column: "user_id"},
		authsql.Reference{Table: "case_flags", Column: "practitioner_id"},
		authsql.Reference{Table: "case_flags", Column: "resolved_by"},
		authsql.Reference{Table: "scope_judgements", Column: "user_id"})
}

// querier is what both the database and a transaction offer for reads.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ---- the trust list ----

// TrustedIssuers lists the trust list by name (without regard to case),
// then DID: the same order on both engines; each entry's types in the
// order of their ids.
func (s *Store) TrustedIssuers(ctx context.Context) ([]practice.TrustedIssuer, error) {
	return trustedIssuers(ctx, s.DB, s.Dialect)
}

func trustedIssuers(ctx context.Context, q querier, d sqldb.Dialect) ([]practice.TrustedIssuer, error) {
	rows, err := q.QueryContext(ctx,
		"SELECT t.did, t.name, t.added_by, COALESCE(u.name, ''), t.added_at FROM trusted_issuers t LEFT JOIN users u ON u.id = t.added_by")
	if err != nil {
		return nil, fmt.Errorf("reading the trust list: %w", err)
	}
	out, err := scanAll(rows, func(r sqldb.Scanner) (t practice.TrustedIssuer, err error) {
		var at any
		if err := r.Scan(&t.DID, &t.Name, &t.AddedBy, &t.AddedByName, &at); err != nil {
			return t, err
		}
		t.AddedAt, err = sqldb.ScanTime(at)
		t.Types = []string{}
		return t, err
	})
	if err != nil {
		return nil, err
	}
	types, err := issuerTypes(ctx, q, d, "")
	if err != nil {
		return nil, err
	}
	for i := range out {
		if ts := types[out[i].DID]; ts != nil {
			out[i].Types = ts
		}
	}
	slices.SortFunc(out, func(a, b practice.TrustedIssuer) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.DID, b.DID))
	})
	return out, nil
}

// issuerTypes reads the types the trust list trusts issuers for, by DID,
// each list in the order of the ids: of one issuer, or of all when did is
// "".
func issuerTypes(ctx context.Context, q querier, d sqldb.Dialect, did string) (map[string][]string, error) {
	query, args := "SELECT did, type_id FROM trusted_issuer_types", []any{}
	if did != "" {
		query, args = query+" WHERE did = ?", append(args, did)
	}
	rows, err := q.QueryContext(ctx, d.Rebind(query+" ORDER BY did, type_id"), args...)
	if err != nil {
		return nil, fmt.Errorf("reading the types of the trust list: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var d, id string
		if err := rows.Scan(&d, &id); err != nil {
			return nil, err
		}
		out[d] = append(out[d], id)
	}
	return out, rows.Err()
}

// CredentialTrustList is the trust list as the scope of practice takes it:
// each DID with its name and types.
func (tx *Tx) CredentialTrustList(ctx context.Context) (scope.TrustList, error) {
	list, err := trustedIssuers(ctx, tx, tx.Dialect)
	if err != nil {
		return nil, err
	}
	return practice.TrustListOf(list), nil
}

// AddTrustedIssuer adds an issuer to the trust list with its types; a DID
// listed already is certboard.ErrConflict. The caller validates the entry.
func (tx *Tx) AddTrustedIssuer(ctx context.Context, t practice.TrustedIssuer) error {
	d := tx.Dialect
	_, err := tx.ExecContext(ctx, d.Rebind("INSERT INTO trusted_issuers (did, name, added_by, added_at) VALUES (?, ?, ?, ?)"),
		t.DID, t.Name, t.AddedBy, d.Time(t.AddedAt))
	if sqldb.IsUniqueViolation(err) {
		return fmt.Errorf("%s is on the trust list already: %w", t.DID, certboard.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("storing the trusted issuer: %w", err)
	}
	return tx.insertIssuerTypes(ctx, t.DID, t.Types)
}

func (tx *Tx) insertIssuerTypes(ctx context.Context, did string, types []string) error {
	for _, id := range types {
		if _, err := tx.ExecContext(ctx, tx.Dialect.Rebind("INSERT INTO trusted_issuer_types (did, type_id) VALUES (?, ?)"), did, id); err != nil {
			return fmt.Errorf("storing the types of %s: %w", did, err)
		}
	}
	return nil
}

// RemoveTrustedIssuer removes an issuer from the trust list and returns
// the entry removed, with its types; a DID not listed is
// certboard.ErrNotFound.
func (tx *Tx) RemoveTrustedIssuer(ctx context.Context, did string) (*practice.TrustedIssuer, error) {
	types, err := issuerTypes(ctx, tx, tx.Dialect, did)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, tx.Dialect.Rebind("DELETE FROM trusted_issuer_types WHERE did = ?"), did); err != nil {
		return nil, fmt.Errorf("removing the types of %s: %w", did, err)
	}
	// One statement: of two admins removing the same entry at once, one
	// removes it and the other finds nothing.
	var t practice.TrustedIssuer
	var at any
	err = tx.QueryRowContext(ctx, tx.Dialect.Rebind("DELETE FROM trusted_issuers WHERE did = ? RETURNING did, name, added_by, added_at"), did).
		Scan(&t.DID, &t.Name, &t.AddedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s is not on the trust list: %w", did, certboard.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("removing the trusted issuer: %w", err)
	}
	if t.AddedAt, err = sqldb.ScanTime(at); err != nil {
		return nil, err
	}
	t.Types = append([]string{}, types[did]...)
	return &t, nil
}

// SetTrustedIssuerTypes replaces the types an issuer on the trust list is
// trusted for, its row locked until the transaction ends, and returns the
// entry as it was; a DID not listed is certboard.ErrNotFound.
func (tx *Tx) SetTrustedIssuerTypes(ctx context.Context, did string, types []string) (*practice.TrustedIssuer, error) {
	d := tx.Dialect
	var t practice.TrustedIssuer
	var at any
	err := tx.QueryRowContext(ctx, d.Rebind("SELECT did, name, added_by, added_at FROM trusted_issuers WHERE did = ?"+d.LockRow()), did).
		Scan(&t.DID, &t.Name, &t.AddedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s is not on the trust list: %w", did, certboard.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the trusted issuer: %w", err)
	}
	if t.AddedAt, err = sqldb.ScanTime(at); err != nil {
		return nil, err
	}
	was, err := issuerTypes(ctx, tx, tx.Dialect, did)
	if err != nil {
		return nil, err
	}
	t.Types = append([]string{}, was[did]...)
	if _, err := tx.ExecContext(ctx, d.Rebind("DELETE FROM trusted_issuer_types WHERE did = ?"), did); err != nil {
		return nil, fmt.Errorf("replacing the types of %s: %w", did, err)
	}
	if err := tx.insertIssuerTypes(ctx, did, types); err != nil {
		return nil, err
	}
	return &t, nil
}

// IssuerPractitioners lists, by id, the practitioners with a credential of
// issuer attached.
func (tx *Tx) IssuerPractitioners(ctx context.Context, issuer string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT DISTINCT user_id FROM practitioner_credentials WHERE issuer = ? ORDER BY user_id"), issuer)
	if err != nil {
		return nil, fmt.Errorf("listing the holders of credentials of %s: %w", issuer, err)
	}
	return sqldb.ScanIDs(rows)
}

// LockScopeJudgement locks practitioner userID's scope judgement until the
// transaction ends (making its row when there is none) and returns when
// their scope was last judged; zero when it never was.
func (tx *Tx) LockScopeJudgement(ctx context.Context, userID int64) (time.Time, error) {
	d := tx.Dialect
	if _, err := tx.ExecContext(ctx, d.Rebind("INSERT INTO scope_judgements (user_id, judged_at) VALUES (?, NULL) ON CONFLICT (user_id) DO NOTHING"), userID); err != nil {
		return time.Time{}, fmt.Errorf("the scope judgement of %d: %w", userID, err)
	}
	var at any
	if err := tx.QueryRowContext(ctx, d.Rebind("SELECT judged_at FROM scope_judgements WHERE user_id = ?"+d.LockRow()), userID).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("the scope judgement of %d: %w", userID, err)
	}
	var t time.Time
	if err := sqldb.ScanOptionalTime(at, &t); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// SetScopeJudgement records that practitioner userID's scope was judged at
// at; LockScopeJudgement made their row.
func (tx *Tx) SetScopeJudgement(ctx context.Context, userID int64, at time.Time) error {
	d := tx.Dialect
	if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE scope_judgements SET judged_at = ? WHERE user_id = ?"), d.Time(at), userID); err != nil {
		return fmt.Errorf("recording the scope judgement of %d: %w", userID, err)
	}
	return nil
}

// MarkIssuerCredentialsDue makes every credential of issuer due at at,
// unless due earlier, and returns how many it changed.
func (tx *Tx) MarkIssuerCredentialsDue(ctx context.Context, issuer string, at time.Time) (int, error) {
	d := tx.Dialect
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE practitioner_credentials SET due_at = ? WHERE issuer = ? AND due_at > ?"),
		d.Time(at), issuer, d.Time(at))
	if err != nil {
		return 0, fmt.Errorf("making the credentials of %s due: %w", issuer, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ---- accounts, as the credentials use cases name and mail them ----

// CredentialHolder returns an account's name and address;
// certboard.ErrNotFound when there is none.
func (s *Store) CredentialHolder(ctx context.Context, userID int64) (practice.Contact, error) {
	return credentialHolder(ctx, s.DB, s.Dialect, userID)
}

// TxCredentialHolder is CredentialHolder in the transaction.
func (tx *Tx) TxCredentialHolder(ctx context.Context, userID int64) (practice.Contact, error) {
	return credentialHolder(ctx, tx, tx.Dialect, userID)
}

func credentialHolder(ctx context.Context, q querier, d sqldb.Dialect, userID int64) (practice.Contact, error) {
	c := practice.Contact{ID: userID}
	err := q.QueryRowContext(ctx, d.Rebind("SELECT name, email FROM users WHERE id = ?"), userID).Scan(&c.Name, &c.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("account %d: %w", userID, certboard.ErrNotFound)
	}
	return c, err
}

// PracticeAdminContacts lists the accounts holding the practice admin
// role, by id.
func (tx *Tx) PracticeAdminContacts(ctx context.Context) ([]practice.Contact, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT id, name, email, roles FROM users WHERE ',' || roles || ',' LIKE ? ORDER BY id"),
		"%,"+string(auth.PracticeAdmin)+",%")
	if err != nil {
		return nil, fmt.Errorf("listing the practice's admins: %w", err)
	}
	defer rows.Close()
	var out []practice.Contact
	for rows.Next() {
		var c practice.Contact
		var roles string
		if err := rows.Scan(&c.ID, &c.Name, &c.Email, &roles); err != nil {
			return nil, err
		}
		// The LIKE finds the role among the comma-separated values; check
		// it exactly, in case a value ever holds a comma's neighbour.
		if slices.Contains(strings.Split(roles, ","), string(auth.PracticeAdmin)) {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// ---- attached credentials ----

const credentialColumns = "id, user_id, holder_email, credential_key, verified, attached_at, due_at, judged_at, last_error, failures, version"

func scanCredential(r sqldb.Scanner, extra ...any) (practice.Credential, error) {
	var c practice.Credential
	var verified string
	var attached, due, judged any
	dest := append([]any{&c.ID, &c.UserID, &c.HolderEmail, &c.Key, &verified, &attached, &due, &judged, &c.LastError, &c.Failures, &c.Version}, extra...)
	if err := r.Scan(dest...); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(verified), &c.Verified); err != nil {
		return c, fmt.Errorf("credential %d: stored verification: %w", c.ID, err)
	}
	var err error
	if c.AttachedAt, err = sqldb.ScanTime(attached); err != nil {
		return c, err
	}
	if c.DueAt, err = sqldb.ScanTime(due); err != nil {
		return c, err
	}
	if c.JudgedAt, err = sqldb.ScanTime(judged); err != nil {
		return c, err
	}
	return c, nil
}

func credentials(rows *sql.Rows, err error) ([]practice.Credential, error) {
	if err != nil {
		return nil, fmt.Errorf("reading credentials: %w", err)
	}
	return scanAll(rows, func(r sqldb.Scanner) (practice.Credential, error) { return scanCredential(r) })
}

// PractitionerCredentials lists a practitioner's credentials, oldest
// first, without their documents.
func (s *Store) PractitionerCredentials(ctx context.Context, userID int64) ([]practice.Credential, error) {
	return credentials(s.DB.QueryContext(ctx, s.Dialect.Rebind(
		"SELECT "+credentialColumns+" FROM practitioner_credentials WHERE user_id = ? ORDER BY attached_at, id"), userID))
}

// CredentialsOf lists a practitioner's credentials in the transaction,
// oldest first; with lock, locking their rows until it ends.
func (tx *Tx) CredentialsOf(ctx context.Context, userID int64, lock bool) ([]practice.Credential, error) {
	q := "SELECT " + credentialColumns + " FROM practitioner_credentials WHERE user_id = ? ORDER BY attached_at, id"
	if lock {
		q += tx.Dialect.LockRow()
	}
	return credentials(tx.QueryContext(ctx, tx.Dialect.Rebind(q), userID))
}

// openDocument opens credential id's sealed document.
func (s *Store) openDocument(id int64, sealed string) ([]byte, error) {
	doc, err := s.open(sealed, credentialDocumentContext(id))
	if err != nil {
		return nil, fmt.Errorf("credential %d: document: %w", id, err)
	}
	return doc, nil
}

// DueCredentials lists, with their documents, up to limit credentials
// whose next check is at or before now, the most overdue first.
func (s *Store) DueCredentials(ctx context.Context, now time.Time, limit int) ([]practice.DueCredential, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(
		"SELECT "+credentialColumns+", document FROM practitioner_credentials WHERE due_at <= ? ORDER BY due_at, id LIMIT ?"),
		s.Dialect.Time(now), limit)
	if err != nil {
		return nil, fmt.Errorf("reading the credentials due: %w", err)
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (practice.DueCredential, error) {
		var sealed string
		c, err := scanCredential(r, &sealed)
		if err != nil {
			return practice.DueCredential{}, err
		}
		doc, err := s.openDocument(c.ID, sealed)
		return practice.DueCredential{Credential: c, Document: doc}, err
	})
}

// CredentialForCheck returns one credential with its document;
// certboard.ErrNotFound when there is none.
func (s *Store) CredentialForCheck(ctx context.Context, id int64) (practice.DueCredential, error) {
	var sealed string
	c, err := scanCredential(s.DB.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT "+credentialColumns+", document FROM practitioner_credentials WHERE id = ?"), id), &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return practice.DueCredential{}, fmt.Errorf("credential %d: %w", id, certboard.ErrNotFound)
	}
	if err != nil {
		return practice.DueCredential{}, err
	}
	doc, err := s.openDocument(c.ID, sealed)
	if err != nil {
		return practice.DueCredential{}, err
	}
	return practice.DueCredential{Credential: c, Document: doc}, nil
}

// InsertCredential stores an attached credential, its document sealed
// and bound to the row, and returns its id; the same credential (issuer
// and key) attached twice by a practitioner is certboard.ErrConflict.
func (tx *Tx) InsertCredential(ctx context.Context, c practice.Credential, document []byte) (int64, error) {
	d := tx.Dialect
	verified, err := json.Marshal(c.Verified)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, d.Rebind(`INSERT INTO practitioner_credentials
		(user_id, holder_email, issuer, credential_key, verified, status, attached_at, due_at, judged_at, last_error, failures, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`),
		c.UserID, c.HolderEmail, c.Verified.Issuer, c.Key, string(verified), string(c.Verified.Status),
		d.Time(c.AttachedAt), d.Time(c.DueAt), d.Time(c.JudgedAt), c.LastError, c.Failures).Scan(&id)
	if sqldb.IsUniqueViolation(err) {
		return 0, fmt.Errorf("credential %s of %s is attached already: %w", c.Key, c.Verified.Issuer, certboard.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("storing a credential: %w", err)
	}
	sealed, err := tx.s.seal(document, credentialDocumentContext(id))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE practitioner_credentials SET document = ? WHERE id = ?"), sealed, id); err != nil {
		return 0, fmt.Errorf("storing credential %d: %w", id, err)
	}
	return id, nil
}

// UpdateCredentialCheck stores the outcome of a check of credential c.ID,
// provided it is still at c.Version (else certboard.ErrConflict), and
// increments its version.
func (tx *Tx) UpdateCredentialCheck(ctx context.Context, c practice.Credential) error {
	d := tx.Dialect
	verified, err := json.Marshal(c.Verified)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, d.Rebind(`UPDATE practitioner_credentials SET verified = ?, status = ?, due_at = ?, judged_at = ?,
		last_error = ?, failures = ?, version = version + 1 WHERE id = ? AND version = ?`),
		string(verified), string(c.Verified.Status), d.Time(c.DueAt), d.Time(c.JudgedAt), c.LastError, c.Failures, c.ID, c.Version)
	if err != nil {
		return fmt.Errorf("storing the check of credential %d: %w", c.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("credential %d is no longer at version %d: %w", c.ID, c.Version, certboard.ErrConflict)
	}
	return nil
}

// DeleteCredential removes credential id at version: certboard.ErrNotFound
// when it is gone, certboard.ErrConflict when it is at another version.
func (tx *Tx) DeleteCredential(ctx context.Context, id int64, version int) error {
	d := tx.Dialect
	res, err := tx.ExecContext(ctx, d.Rebind("DELETE FROM practitioner_credentials WHERE id = ? AND version = ?"), id, version)
	if err != nil {
		return fmt.Errorf("removing credential %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, d.Rebind("SELECT COUNT(*) FROM practitioner_credentials WHERE id = ?"), id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("credential %d: %w", id, certboard.ErrNotFound)
	}
	return fmt.Errorf("credential %d is no longer at version %d: %w", id, version, certboard.ErrConflict)
}

// ---- flags on cases ----

// caseOpen is the status of an open case in the cases table (the cases
// area's practice.CaseOpen).
const caseOpen = "open"

// FlagITCasesForReview raises a flag, with why, on every open Intensive
// Therapy case of the practitioner that has no open flag, and returns the
// ids of the cases flagged, in order.
func (tx *Tx) FlagITCasesForReview(ctx context.Context, practitionerID int64, why string, at time.Time) ([]int64, error) {
	d := tx.Dialect
	rows, err := tx.QueryContext(ctx, d.Rebind(`INSERT INTO case_flags (case_id, practitioner_id, reason, raised_at)
		SELECT c.id, c.practitioner_id, ?, ? FROM cases c
		WHERE c.practitioner_id = ? AND c.status = ? AND c.stage = ?
		AND NOT EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.resolved_at IS NULL)
		RETURNING case_id`), why, d.Time(at), practitionerID, caseOpen, string(plissit.IntensiveTherapy))
	if err != nil {
		return nil, fmt.Errorf("flagging the Intensive Therapy cases of %d: %w", practitionerID, err)
	}
	ids, err := sqldb.ScanIDs(rows)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// ResolveScopeFlag records a flag's review, its resolution sealed, and
// returns the flag's case: certboard.ErrNotFound when there is no such
// flag, certboard.ErrConflict when it was resolved already.
func (tx *Tx) ResolveScopeFlag(ctx context.Context, id, by int64, resolution string, at time.Time) (int64, error) {
	d := tx.Dialect
	sealed, err := tx.s.seal([]byte(resolution), caseFlagContext(id))
	if err != nil {
		return 0, err
	}
	var caseID int64
	err = tx.QueryRowContext(ctx, d.Rebind(
		"UPDATE case_flags SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL RETURNING case_id"),
		d.Time(at), by, sealed, id).Scan(&caseID)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := tx.QueryRowContext(ctx, d.Rebind("SELECT COUNT(*) FROM case_flags WHERE id = ?"), id).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, fmt.Errorf("flag %d: %w", id, certboard.ErrNotFound)
		}
		return 0, fmt.Errorf("flag %d was resolved already: %w", id, certboard.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("resolving flag %d: %w", id, err)
	}
	return caseID, nil
}

// ScopeFlags lists the flags, newest first: only the open ones when open
// is true.
func (s *Store) ScopeFlags(ctx context.Context, open bool) ([]practice.ScopeFlag, error) {
	q := `SELECT f.id, f.case_id, f.practitioner_id, COALESCE(p.name, ''), f.reason, f.raised_at,
		f.resolved_at, COALESCE(f.resolved_by, 0), COALESCE(r.name, ''), f.resolution
		FROM case_flags f LEFT JOIN users p ON p.id = f.practitioner_id LEFT JOIN users r ON r.id = f.resolved_by`
	if open {
		q += " WHERE f.resolved_at IS NULL"
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY f.raised_at DESC, f.id DESC")
	if err != nil {
		return nil, fmt.Errorf("reading the flags: %w", err)
	}
	return scanAll(rows, func(r sqldb.Scanner) (f practice.ScopeFlag, err error) {
		var raised, resolved any
		var sealed string
		if err := r.Scan(&f.ID, &f.CaseID, &f.PractitionerID, &f.PractitionerName, &f.Reason, &raised,
			&resolved, &f.ResolvedBy, &f.ResolvedByName, &sealed); err != nil {
			return f, err
		}
		if f.RaisedAt, err = sqldb.ScanTime(raised); err != nil {
			return f, err
		}
		if err := sqldb.ScanOptionalTime(resolved, &f.ResolvedAt); err != nil {
			return f, err
		}
		if sealed != "" {
			plain, err := s.open(sealed, caseFlagContext(f.ID))
			if err != nil {
				return f, fmt.Errorf("flag %d: resolution: %w", f.ID, err)
			}
			f.Resolution = string(plain)
		}
		return f, nil
	})
}
