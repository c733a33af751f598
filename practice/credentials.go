package practice

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/verifier"
)

// A practitioner's scope of practice follows from the credentials they
// attach (Open Badges 3.0 / VC 2.0, either proof format) from an issuer on
// the practice's trust list, trusted for the kind of credential it is. The
// practice verifies a credential with certboard's verifier when it is
// attached (scope.Attach) and again whenever it is due (ReverifyDue:
// daily, sooner when a status list's ttl or validity or the credential's
// end says so), and judges the stages a practitioner may work from the
// results stored and the trust list as it stands (scopeFor,
// scope.Allowed). Every change that can alter a scope (a check recorded, a
// credential attached or removed, the trust list changed) judges the
// practitioner's scope again in its transaction and compares it with the
// last judgement (judgeScope, scope.Changed): when Intensive Therapy is
// lost, their open Intensive Therapy cases are flagged for review and every
// practice admin is mailed, once. The practice reaches an issuer only
// through open standards: the credential, its status lists and the
// issuer's did:web document.

// credentialReads are the reads of the credentials use cases.
type credentialReads interface {
	// TrustedIssuers lists the practice's trust list by name.
	TrustedIssuers(ctx context.Context) ([]TrustedIssuer, error)
	// CredentialHolder returns an account's name and e-mail address;
	// certboard.ErrNotFound when there is none.
	CredentialHolder(ctx context.Context, userID int64) (Contact, error)
	// PractitionerCredentials lists a practitioner's attached credentials,
	// oldest first, without their documents.
	PractitionerCredentials(ctx context.Context, userID int64) ([]Credential, error)
	// DueCredentials lists, with their documents, up to limit attached
	// credentials whose next check is at or before now, the most overdue
	// first.
	DueCredentials(ctx context.Context, now time.Time, limit int) ([]DueCredential, error)
	// CredentialForCheck returns one attached credential with its
	// document; certboard.ErrNotFound when there is none.
	CredentialForCheck(ctx context.Context, id int64) (DueCredential, error)
	// ScopeFlags lists the flags raised on cases for review after a
	// practitioner's scope changed, newest first: only those not resolved
	// when open is true.
	ScopeFlags(ctx context.Context, open bool) ([]ScopeFlag, error)
}

// credentialWrites are the writes of the credentials use cases, methods of a
// transaction (with the reads that decide them).
type credentialWrites interface {
	// AddTrustedIssuer adds an issuer to the trust list; a DID listed
	// already is certboard.ErrConflict.
	AddTrustedIssuer(ctx context.Context, t TrustedIssuer) error
	// RemoveTrustedIssuer removes an issuer and returns the entry removed;
	// certboard.ErrNotFound when it is not listed.
	RemoveTrustedIssuer(ctx context.Context, did string) (*TrustedIssuer, error)
	// SetTrustedIssuerTypes replaces the types an issuer is trusted for,
	// locking its entry, and returns the entry as it was;
	// certboard.ErrNotFound when it is not listed.
	SetTrustedIssuerTypes(ctx context.Context, did string, types []string) (*TrustedIssuer, error)
	// CredentialTrustList is the trust list as the scope of practice
	// takes it.
	CredentialTrustList(ctx context.Context) (scope.TrustList, error)
	// IssuerPractitioners lists, by id, the practitioners with a
	// credential of issuer attached.
	IssuerPractitioners(ctx context.Context, issuer string) ([]int64, error)
	// LockScopeJudgement locks practitioner userID's scope judgement until
	// the transaction ends and returns when their scope was last judged;
	// zero when it never was. Every use case that judges a scope calls it
	// before reading the practitioner's credentials.
	LockScopeJudgement(ctx context.Context, userID int64) (time.Time, error)
	// SetScopeJudgement records that practitioner userID's scope was
	// judged at at.
	SetScopeJudgement(ctx context.Context, userID int64, at time.Time) error
	// MarkIssuerCredentialsDue makes every credential of issuer due for a
	// check at at (when the trust list changed), and returns how many.
	MarkIssuerCredentialsDue(ctx context.Context, issuer string, at time.Time) (int, error)
	// TxCredentialHolder is CredentialHolder in the transaction.
	TxCredentialHolder(ctx context.Context, userID int64) (Contact, error)
	// PracticeAdminContacts lists the practice's admins, to mail.
	PracticeAdminContacts(ctx context.Context) ([]Contact, error)
	// CredentialsOf lists a practitioner's credentials in the
	// transaction, oldest first; with lock, locking their rows until it
	// ends.
	CredentialsOf(ctx context.Context, userID int64, lock bool) ([]Credential, error)
	// InsertCredential stores an attached credential with its document
	// (sealed at rest) and returns its id; the same credential attached
	// twice by a practitioner (same issuer and Key) is
	// certboard.ErrConflict.
	InsertCredential(ctx context.Context, c Credential, document []byte) (int64, error)
	// UpdateCredentialCheck stores the outcome of a check of credential
	// c.ID, whose version must still be c.Version (else
	// certboard.ErrConflict), and increments the version.
	UpdateCredentialCheck(ctx context.Context, c Credential) error
	// DeleteCredential removes credential id at version (else
	// certboard.ErrConflict; certboard.ErrNotFound when it is gone).
	DeleteCredential(ctx context.Context, id int64, version int) error
	// FlagITCasesForReview raises a flag, with why, on every open
	// Intensive Therapy case of the practitioner that has no flag open,
	// and returns the ids of the cases flagged.
	FlagITCasesForReview(ctx context.Context, practitionerID int64, why string, at time.Time) ([]int64, error)
	// ResolveScopeFlag records that a flag was reviewed: by whom, when and
	// how (sealed at rest). It returns the flag's case;
	// certboard.ErrNotFound when there is no such flag,
	// certboard.ErrConflict when it was resolved already.
	ResolveScopeFlag(ctx context.Context, id, by int64, resolution string, at time.Time) (caseID int64, err error)
}

// TrustedIssuer is an issuer on the practice's trust list: its DID, the
// name the practice gives it and the kinds of credential it may vouch for.
// Only a credential of a trusted issuer, of a type the issuer is trusted
// for, counts toward a scope of practice.
type TrustedIssuer struct {
	DID  string
	Name string
	// Types are the ids of the scope map's types (scope.Type.ID, such as
	// "aasect-cst") whose credentials the issuer is trusted to vouch for.
	Types []string
	// AddedBy is the admin who listed it; AddedByName is read from their
	// account.
	AddedBy     int64
	AddedByName string
	AddedAt     time.Time
}

// Contact is an account as the credentials use cases mail or name it.
type Contact struct {
	ID    int64
	Name  string
	Email string
}

// Credential is a credential a practitioner attached, with the outcome of
// its last check.
type Credential struct {
	ID     int64
	UserID int64
	// HolderEmail is the address the credential was attached under, which
	// every later check binds it to.
	HolderEmail string
	// Key tells credentials apart: the credential's id, or for one
	// without an id "sha256:" and the digest of its document.
	Key string
	// Verified is what the last check that could be made found (its
	// Status is NoLongerVerifies when the credential stopped verifying).
	Verified scope.Verified
	// AttachedAt is when the practitioner attached it.
	AttachedAt time.Time
	// DueAt is when it is next checked.
	DueAt time.Time
	// JudgedAt is when the practice last looked at it: a check, or an
	// attempt that could not check.
	JudgedAt time.Time
	// LastError says why the attempts since the last check could not
	// check it (the issuer's site down); "" when the last attempt checked.
	LastError string
	// Failures counts those attempts.
	Failures int
	// Version guards the row.
	Version int
}

// DueCredential is a credential due for a check, with its document.
type DueCredential struct {
	Credential
	Document []byte
}

// ScopeFlag is a flag on an open Intensive Therapy case, raised when its
// practitioner's scope stopped including Intensive Therapy, until an admin
// records its review.
type ScopeFlag struct {
	ID               int64
	CaseID           int64
	PractitionerID   int64
	PractitionerName string
	// Reason says what changed (scope.Changed's sentence); it names no
	// client.
	Reason   string
	RaisedAt time.Time
	// ResolvedAt, ResolvedBy (ResolvedByName) and Resolution record the
	// review; zero while the flag is open. Resolution is sealed at rest.
	ResolvedAt     time.Time
	ResolvedBy     int64
	ResolvedByName string
	Resolution     string
}

// Open reports whether the flag still waits for its review.
func (f ScopeFlag) Open() bool { return f.ResolvedAt.IsZero() }

// NoLongerVerifies is the standing stored for an attached credential that,
// checked again, no longer verifies at all (its issuer now publishes
// another key under the same id, or the stored document was altered):
// scope.NoLongerVerifies. It counts for nothing, like a revoked one.
const NoLongerVerifies = scope.NoLongerVerifies

// Bounds of the credentials use cases.
const (
	// MaxCredentialSize is the largest credential a practitioner may
	// attach, in bytes: the most the verifier reads.
	MaxCredentialSize = verifier.MaxSize
	// MaxCredentialsEach bounds the credentials one practitioner keeps
	// attached: each is checked again every day.
	MaxCredentialsEach = 20
	// MaxScopeResolution bounds the text recording a flag's review, in
	// characters.
	MaxScopeResolution = 2000
	// ReverifyBatch is how many due credentials one ReverifyDue checks;
	// the rest wait for the next call.
	ReverifyBatch = 100
	// maxFetchesPerCheck bounds the documents one check fetches.
	maxFetchesPerCheck = 8
)

// CredentialsActor is who the audit log names for the checks the practice
// makes on its own.
const CredentialsActor = "system:credentials"

// The audit actions of the credentials use cases.
const (
	AuditTrustAdd        = "trust_list.add"
	AuditTrustRemove     = "trust_list.remove"
	AuditTrustTypes      = "trust_list.types"
	AuditCredentialAdd   = "credential.attach"
	AuditCredentialDel   = "credential.detach"
	AuditCredentialCheck = "credential.check"
	AuditScopeLost       = "scope.lost"
	AuditCaseFlag        = "case.flag"
	AuditCaseFlagResolve = "case.flag.resolve"
)

// CredentialSubject is how the audit log names an attached credential.
func CredentialSubject(id int64) string { return "credential:" + strconv.FormatInt(id, 10) }

// scopeMap is the shipped scope map, read once.
var scopeMap = sync.OnceValues(scope.Shipped)

// ScopeMap returns the scope map the practice judges scopes by (the
// shipped one): its types are what a trust list entry names.
func ScopeMap() (*scope.Map, error) { return scopeMap() }

// UseFetch sets how the practice fetches what verifying a credential needs
// (the issuer's DID document and status lists): in production
// httpfetch.Public, or httpfetch.Origins when it trusts a board on a
// local address (the demo); tests serve from memory. Until it is called,
// attaching and checking credentials fail as Internal errors: the
// practice package does no network I/O of its own. Call it before serving.
func (p *Practice) UseFetch(f verifier.Fetch) {
	if f == nil {
		p.fetch.Store(nil)
		return
	}
	p.fetch.Store(&f)
}

// checkFetch is the fetch for one check: the practice's, bounded in the
// number of documents it fetches.
func (p *Practice) checkFetch() (verifier.Fetch, error) {
	v := p.fetch.Load()
	if v == nil {
		return nil, certboard.Wrap(errors.New("practice: no fetch set for verifying credentials (UseFetch)"), "credentials cannot be checked now")
	}
	f := *v
	var calls atomic.Int32
	return func(ctx context.Context, url string) ([]byte, error) {
		if calls.Add(1) > maxFetchesPerCheck {
			return nil, fmt.Errorf("more than %d documents to fetch for one credential", maxFetchesPerCheck)
		}
		return f(ctx, url)
	}, nil
}

// mayKeepTrustList refuses anyone but a practice admin.
func mayKeepTrustList(by Actor) error {
	if !by.IsAdmin() {
		return certboard.Errorf(certboard.Forbidden, "only the practice's admins keep its trust list")
	}
	return nil
}

// TrustedIssuers lists the practice's trust list, each entry's types in
// the scope map's order: every member of the practice may read it, to
// know whose credentials count.
func (p *Practice) TrustedIssuers(ctx context.Context, by Actor) ([]TrustedIssuer, error) {
	if !by.IsAdmin() && !by.IsPractitioner() {
		return nil, certboard.Errorf(certboard.Forbidden, "only the practice's members see its trust list")
	}
	m, err := scopeMap()
	if err != nil {
		return nil, certboard.Wrap(err, "the scope map cannot be read")
	}
	list, err := p.store.TrustedIssuers(ctx)
	for i := range list {
		list[i].Types = inMapOrder(m, list[i].Types)
	}
	return list, err
}

// inMapOrder returns type ids in the scope map's order, any the map does
// not know (of an older map) after them in the order given.
func inMapOrder(m *scope.Map, ids []string) []string {
	out := []string{}
	for _, id := range m.TypeIDs() {
		if slices.Contains(ids, id) {
			out = append(out, id)
		}
	}
	for _, id := range ids {
		if m.Type(id) == nil {
			out = append(out, id)
		}
	}
	return out
}

// Limits of a trust list entry.
const maxTrustDID = 500

// checkTypes checks the types a trust list entry names: at least one, each
// a type of the scope map. It returns them without repeats, in the map's
// order, or the message of the field types.
func checkTypes(m *scope.Map, types []string) ([]string, string) {
	seen := map[string]bool{}
	for _, id := range types {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if m.Type(id) == nil {
			return nil, fmt.Sprintf("types: %q is not a kind of credential the scope map %s knows; choose among %s", id, m.Version, strings.Join(m.TypeIDs(), ", "))
		}
		seen[id] = true
	}
	var out []string
	for _, id := range m.TypeIDs() {
		if seen[id] {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, "types: choose the kinds of credential the practice trusts this issuer to vouch for; a credential of any other kind from it allows nothing beyond what every practitioner may work"
	}
	return out, ""
}

// invalidEntry is the error of a refused trust list entry: each field's
// message, in the order given.
func invalidEntry(fields map[string]string, order ...string) error {
	var msgs, named []string
	for _, k := range order {
		if m := fields[k]; m != "" {
			msgs, named = append(msgs, m), append(named, k)
		}
	}
	e := &certboard.Error{Code: certboard.Invalid, Title: "Invalid trust list entry", Message: strings.Join(msgs, "; "), Fields: fields}
	if len(named) == 1 {
		e.Field = named[0]
	}
	return e
}

// AddTrustedIssuer is an admin adding an issuer to the trust list, with
// its audit entry. The DID must be a did:web or did:key the verifier
// resolves, the name what the practice calls the issuer, and the types
// the kinds of credential (the scope map's type ids) the practice trusts
// the issuer to vouch for: at least one. Credentials of the issuer attached
// earlier are checked again at once.
func (p *Practice) AddTrustedIssuer(ctx context.Context, by Actor, t TrustedIssuer) error {
	if err := mayKeepTrustList(by); err != nil {
		return err
	}
	m, err := scopeMap()
	if err != nil {
		return certboard.Wrap(err, "the scope map cannot be read")
	}
	t.DID, t.Name = strings.TrimSpace(t.DID), strings.TrimSpace(t.Name)
	fields := map[string]string{}
	switch {
	case t.DID == "":
		fields["did"] = "did: give the issuer's DID, such as did:web:board.example.org"
	case len(t.DID) > maxTrustDID:
		fields["did"] = fmt.Sprintf("did: at most %d characters", maxTrustDID)
	default:
		if err := verifier.CheckIssuerDID(t.DID); err != nil {
			fields["did"] = "did: " + err.Error()
		}
	}
	if err := verifier.CheckIssuerName(t.Name); err != nil {
		fields["name"] = "name: " + err.Error() + "; give the name practitioners know the issuer by"
	}
	var msg string
	if t.Types, msg = checkTypes(m, t.Types); msg != "" {
		fields["types"] = msg
	}
	if len(fields) > 0 {
		return invalidEntry(fields, "did", "name", "types")
	}
	now := p.clock.Now().UTC()
	t.AddedBy, t.AddedAt = by.UserID, now
	err = p.changeTrust(ctx, by, t.DID, now, func(tx Tx) (string, any, any, error) {
		if err := tx.AddTrustedIssuer(ctx, t); err != nil {
			return "", nil, nil, err
		}
		if _, err := tx.MarkIssuerCredentialsDue(ctx, t.DID, now); err != nil {
			return "", nil, nil, err
		}
		return AuditTrustAdd, nil, trustAudit(&t), nil
	})
	if errors.Is(err, certboard.ErrConflict) {
		msg := "did: " + t.DID + " is on the trust list already; change its types there, or remove it first to change its name"
		return &certboard.Error{Code: certboard.Conflict, Field: "did", Message: msg, Fields: map[string]string{"did": msg}, Err: err}
	}
	return err
}

// trustAudit is a trust list entry as the audit log shows it.
func trustAudit(t *TrustedIssuer) map[string]any {
	return map[string]any{"did": t.DID, "name": t.Name, "types": t.Types}
}

// SetIssuerTypes is an admin changing the kinds of credential an issuer on
// the trust list is trusted to vouch for (at least one type of the scope
// map), with its audit entry; it returns the entry as changed. The change
// counts at once: a practitioner whose credential of a type no longer
// trusted allowed Intensive Therapy has their open Intensive Therapy cases
// flagged for review, and the admins are mailed. Giving the types the
// entry has already changes nothing.
func (p *Practice) SetIssuerTypes(ctx context.Context, by Actor, did string, types []string) (*TrustedIssuer, error) {
	if err := mayKeepTrustList(by); err != nil {
		return nil, err
	}
	m, err := scopeMap()
	if err != nil {
		return nil, certboard.Wrap(err, "the scope map cannot be read")
	}
	did = strings.TrimSpace(did)
	if did == "" {
		return nil, certboard.FieldError(certboard.Invalid, "did", "say which issuer's types to change")
	}
	types, msg := checkTypes(m, types)
	if msg != "" {
		return nil, invalidEntry(map[string]string{"types": msg}, "types")
	}
	now := p.clock.Now().UTC()
	var entry *TrustedIssuer
	err = p.changeTrust(ctx, by, did, now, func(tx Tx) (string, any, any, error) {
		was, err := tx.SetTrustedIssuerTypes(ctx, did, types)
		if err != nil {
			return "", nil, nil, err
		}
		was.Types = inMapOrder(m, was.Types)
		is := *was
		is.Types = types
		entry = &is
		if slices.Equal(was.Types, types) {
			return "", nil, nil, nil
		}
		return AuditTrustTypes, trustAudit(was), trustAudit(&is), nil
	})
	if err != nil {
		return nil, notOnTrustList(did, err)
	}
	return entry, nil
}

// RemoveTrustedIssuer is an admin removing an issuer from the trust list,
// with its audit entry; it returns the entry removed. From then on its
// credentials count for nothing (scopeFor), and in the same transaction
// every practitioner who loses Intensive Therapy by it has their open
// Intensive Therapy cases flagged and the admins are mailed. Its
// credentials are also checked again at once, which finds them untrusted
// without fetching anything of the issuer.
func (p *Practice) RemoveTrustedIssuer(ctx context.Context, by Actor, did string) (*TrustedIssuer, error) {
	if err := mayKeepTrustList(by); err != nil {
		return nil, err
	}
	did = strings.TrimSpace(did)
	if did == "" {
		return nil, certboard.FieldError(certboard.Invalid, "did", "say which DID to remove from the trust list")
	}
	m, err := scopeMap()
	if err != nil {
		return nil, certboard.Wrap(err, "the scope map cannot be read")
	}
	now := p.clock.Now().UTC()
	var removed *TrustedIssuer
	err = p.changeTrust(ctx, by, did, now, func(tx Tx) (string, any, any, error) {
		var err error
		if removed, err = tx.RemoveTrustedIssuer(ctx, did); err != nil {
			return "", nil, nil, err
		}
		removed.Types = inMapOrder(m, removed.Types)
		if _, err := tx.MarkIssuerCredentialsDue(ctx, did, now); err != nil {
			return "", nil, nil, err
		}
		return AuditTrustRemove, trustAudit(removed), nil, nil
	})
	if err != nil {
		return nil, notOnTrustList(did, err)
	}
	return removed, nil
}

// changeTrust changes the trust list's entry for did in a transaction
// and acts on it, at now: change makes the change and says how it is
// audited (action, before and after; no action when it changed
// nothing), then the scope of every practitioner with a credential of
// did is judged again against the list as it was (trustChanged).
func (p *Practice) changeTrust(ctx context.Context, by Actor, did string, now time.Time,
	change func(tx Tx) (action string, before, after any, err error)) error {
	return p.store.InTx(ctx, func(tx Tx) error {
		list, err := tx.CredentialTrustList(ctx)
		if err != nil {
			return err
		}
		action, before, after, err := change(tx)
		if err != nil || action == "" {
			return err
		}
		if err := appendAuditAt(ctx, tx, now, by.AuditName(), action, trustSubject(did), before, after); err != nil {
			return err
		}
		return p.trustChanged(ctx, tx, by.AuditName(), did, list, now)
	})
}

// notOnTrustList answers err, from a change to did's entry of the trust
// list, with NotFound naming the field "did" when there is no such entry.
func notOnTrustList(did string, err error) error {
	if errors.Is(err, certboard.ErrNotFound) {
		return certboard.FieldError(certboard.NotFound, "did", did+" is not on the trust list")
	}
	return err
}

func trustSubject(did string) string { return "trusted_issuer:" + did }

// trustList reads the trust list as the scope of practice takes it.
func (p *Practice) trustList(ctx context.Context) (scope.TrustList, error) {
	list, err := p.store.TrustedIssuers(ctx)
	if err != nil {
		return nil, err
	}
	return TrustListOf(list), nil
}

// TrustListOf is a trust list as the scope of practice takes it: each
// DID with its name and types.
func TrustListOf(list []TrustedIssuer) scope.TrustList {
	out := scope.TrustList{}
	for _, t := range list {
		out[t.DID] = scope.Trusted{Name: t.Name, Types: slices.Clone(t.Types)}
	}
	return out
}

// mayHaveCredentials refuses anyone but a practitioner: a credential
// decides a practitioner's scope of practice.
func mayHaveCredentials(by Actor) error {
	if !by.IsPractitioner() {
		return certboard.Errorf(certboard.Forbidden, "only practitioners attach credentials: a credential decides what a practitioner may deliver")
	}
	return nil
}

// AttachCredential is a practitioner attaching a credential of theirs:
// raw is the credential as its issuer gave it (a JSON credential with a
// Data Integrity proof, or a VC-JWT), at most MaxCredentialSize bytes.
// The practice verifies it now (scope.Attach): its proof, that it was
// issued to the practitioner's e-mail address, that its issuer is on the
// trust list, its validity dates and its status lists. A credential that
// does not verify, or is not current, is refused with the verifier's
// reason and nothing is stored; one that does is stored (its document
// sealed) with the result, and counts toward the practitioner's scope at
// once.
func (p *Practice) AttachCredential(ctx context.Context, by Actor, raw []byte) (*Credential, error) {
	if err := mayHaveCredentials(by); err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > MaxCredentialSize {
		return nil, certboard.FieldError(certboard.TooLarge, "credential",
			fmt.Sprintf("the credential is %d bytes, more than the %d a credential may have; attach the credential file its issuer sent, not a bundle", len(raw), MaxCredentialSize))
	}
	holder, err := p.store.CredentialHolder(ctx, by.UserID)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, certboard.Errorf(certboard.Forbidden, "your account is gone; sign in again")
	}
	if err != nil {
		return nil, err
	}
	trust, err := p.trustList(ctx)
	if err != nil {
		return nil, err
	}
	fetch, err := p.checkFetch()
	if err != nil {
		return nil, err
	}
	now := p.clock.Now().UTC()
	v, err := scope.Attach(ctx, raw, holder.Email, trust, fetch, now)
	if err != nil {
		return nil, err
	}
	c := &Credential{UserID: by.UserID, HolderEmail: holder.Email, Key: credentialKey(v, raw), Verified: v,
		AttachedAt: now, DueAt: v.NextCheck, JudgedAt: now, Version: 1}
	err = p.store.InTx(ctx, func(tx Tx) error {
		last, err := tx.LockScopeJudgement(ctx, by.UserID)
		if err != nil {
			return err
		}
		h, err := tx.TxCredentialHolder(ctx, by.UserID)
		if err != nil {
			return err
		}
		if h.Email != holder.Email {
			return certboard.Errorf(certboard.Conflict, "your e-mail address changed while the credential was checked; attach it again")
		}
		trustNow, err := tx.CredentialTrustList(ctx)
		if err != nil {
			return err
		}
		if !trustNow.Lists(v.Issuer) {
			return certboard.Errorf(certboard.Conflict, "the credential's issuer was removed from the practice's trust list while it was checked; ask the practice's admin")
		}
		mine, err := tx.CredentialsOf(ctx, by.UserID, true)
		if err != nil {
			return err
		}
		if len(mine) >= MaxCredentialsEach {
			return certboard.FieldError(certboard.Invalid, "credential", fmt.Sprintf(
				"you have %d credentials attached, the most one practitioner may keep; remove one you no longer need first", len(mine)))
		}
		if c.ID, err = tx.InsertCredential(ctx, *c, raw); err != nil {
			return err
		}
		if err := appendAuditAt(ctx, tx, c.AttachedAt, by.AuditName(), AuditCredentialAdd, CredentialSubject(c.ID), nil, credentialAudit(c)); err != nil {
			return err
		}
		_, err = p.judgeScope(ctx, tx, by.AuditName(), by.UserID, last, mine, append(slices.Clone(mine), *c), trustNow, trustNow, now)
		return err
	})
	if errors.Is(err, certboard.ErrConflict) {
		return nil, certboard.FieldError(certboard.Conflict, "credential", "this credential is attached already; it is checked again every day on its own")
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// credentialKey is the credential's id, or the digest of its document
// when it has none.
func credentialKey(v scope.Verified, raw []byte) string {
	if v.CredentialID != "" {
		return v.CredentialID
	}
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// credentialAudit is a credential as the audit log shows it: what it is
// and its standing, never its document.
func credentialAudit(c *Credential) map[string]any {
	v := c.Verified
	out := map[string]any{"practitioner": c.UserID, "issuer": v.Issuer, "credential": c.Key,
		"achievement": v.Achievement.Name, "status": string(v.Status)}
	if !v.ValidUntil.IsZero() {
		out["valid_until"] = v.ValidUntil.Format(time.DateOnly)
	}
	return out
}

// PractitionerScope is a practitioner's credentials and the scope of
// practice they give now, and why.
type PractitionerScope struct {
	Practitioner Contact
	// Credentials are the attached credentials, oldest first; as the
	// scope judges them, Scope.Standings[i] is Credentials[i]'s standing.
	Credentials []Credential
	// Scope is what the practitioner may work now.
	Scope scope.Scope
	// Map is the scope map the scope was judged by.
	Map *scope.Map
}

// Credentials returns a practitioner's credentials and the scope they
// give: for the practitioner themself, or a practice admin.
func (p *Practice) Credentials(ctx context.Context, by Actor, practitionerID int64) (*PractitionerScope, error) {
	if by.UserID != practitionerID && !by.IsAdmin() {
		return nil, certboard.Errorf(certboard.Forbidden, "you may see only your own credentials")
	}
	m, err := scopeMap()
	if err != nil {
		return nil, certboard.Wrap(err, "the scope map cannot be read")
	}
	holder, err := p.store.CredentialHolder(ctx, practitionerID)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, certboard.Errorf(certboard.NotFound, "there is no practitioner %d", practitionerID)
	}
	if err != nil {
		return nil, err
	}
	creds, err := p.store.PractitionerCredentials(ctx, practitionerID)
	if err != nil {
		return nil, err
	}
	trust, err := p.trustList(ctx)
	if err != nil {
		return nil, err
	}
	return &PractitionerScope{Practitioner: holder, Credentials: creds, Map: m,
		Scope: scope.Allowed(m, trust, verifiedOf(creds), p.clock.Now().UTC())}, nil
}

// scopeFor returns the scope of practice of practitioner userID now, in
// tx: the shipped map's baseline and what their credentials allow, as last
// checked, counting a credential only while its issuer is on the trust
// list and trusted for its type, both as the list stands now (and for as
// long as scope.Grace allows when it could not be checked again).
func (p *Practice) scopeFor(ctx context.Context, tx Tx, userID int64) (scope.Scope, error) {
	m, err := scopeMap()
	if err != nil {
		return scope.Scope{}, certboard.Wrap(err, "the scope map cannot be read")
	}
	creds, err := tx.CredentialsOf(ctx, userID, false)
	if err != nil {
		return scope.Scope{}, err
	}
	trust, err := tx.CredentialTrustList(ctx)
	if err != nil {
		return scope.Scope{}, err
	}
	return scope.Allowed(m, trust, verifiedOf(creds), p.clock.Now().UTC()), nil
}

// verifiedOf returns the credentials' verifications as stored.
func verifiedOf(creds []Credential) []scope.Verified {
	out := make([]scope.Verified, len(creds))
	for i, c := range creds {
		out[i] = c.Verified
	}
	return out
}

// DetachCredential is a practitioner removing a credential of theirs, at
// the version they saw. When that takes Intensive Therapy out of their
// scope, their open Intensive Therapy cases are flagged for review and
// the practice's admins are mailed, as when a credential lapses.
func (p *Practice) DetachCredential(ctx context.Context, by Actor, id int64, version int) error {
	if err := mayHaveCredentials(by); err != nil {
		return err
	}
	if version <= 0 {
		return certboard.FieldError(certboard.PreconditionRequired, "version", "say which version of the credential you are removing; reload the page")
	}
	now := p.clock.Now().UTC()
	return p.store.InTx(ctx, func(tx Tx) error {
		last, err := tx.LockScopeJudgement(ctx, by.UserID)
		if err != nil {
			return err
		}
		trust, err := tx.CredentialTrustList(ctx)
		if err != nil {
			return err
		}
		creds, err := tx.CredentialsOf(ctx, by.UserID, true)
		if err != nil {
			return err
		}
		i := credentialIndex(creds, id)
		if i < 0 {
			return certboard.Errorf(certboard.NotFound, "there is no credential %d among yours", id)
		}
		c := creds[i]
		if c.Version != version {
			return certboard.Errorf(certboard.Conflict, "the credential was checked again since you loaded the page; reload it and remove it again")
		}
		if err := tx.DeleteCredential(ctx, id, version); err != nil {
			return err
		}
		if err := appendAuditAt(ctx, tx, now, by.AuditName(), AuditCredentialDel, CredentialSubject(id), credentialAudit(&c), nil); err != nil {
			return err
		}
		rest := append(creds[:i:i], creds[i+1:]...)
		_, err = p.judgeScope(ctx, tx, by.AuditName(), by.UserID, last, creds, rest, trust, trust, now)
		return err
	})
}

func credentialIndex(creds []Credential, id int64) int {
	for i := range creds {
		if creds[i].ID == id {
			return i
		}
	}
	return -1
}
