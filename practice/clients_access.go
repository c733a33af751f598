package practice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/notify"
)

// Actor is the person a use case acts for: every area's use cases take
// one. The web layer makes it from the signed-in account (ActorOf).
type Actor struct {
	UserID int64
	Name   string
	Roles  []auth.Role
}

// ActorOf returns the actor of a signed-in account.
func ActorOf(u *auth.User) Actor {
	return Actor{UserID: u.ID, Name: u.Name, Roles: slices.Clone(u.Roles)}
}

// IsAdmin reports whether the actor administers the practice.
func (a Actor) IsAdmin() bool { return slices.Contains(a.Roles, auth.PracticeAdmin) }

// IsPractitioner reports whether the actor sees clients.
func (a Actor) IsPractitioner() bool { return slices.Contains(a.Roles, auth.Practitioner) }

// AuditName is how the audit log names the actor: "user:<id>".
func (a Actor) AuditName() string { return "user:" + strconv.FormatInt(a.UserID, 10) }

// ClientSubject is how the audit log names a client: "client:<id>".
func ClientSubject(clientID int64) string { return "client:" + strconv.FormatInt(clientID, 10) }

// appendAudit appends an audit entry by the actor at the clock's time;
// before and after are marshalled to JSON unless nil (they must never
// hold clinical free text or identity: the log is not sealed).
func (p *Practice) appendAudit(ctx context.Context, tx Tx, by Actor, action, subject string, before, after any) error {
	return appendAuditAt(ctx, tx, p.clock.Now().UTC(), by.AuditName(), action, subject, before, after)
}

// ClientRead is the audit action of every read of a client's record, by
// every area: its subject is the client ("client:<id>") and its After
// says what was read and by which access, so that one query finds who
// read what of a client.
const ClientRead = "client.read"

// Access is how a reader reached a client's record.
type Access struct {
	// Assigned says the reader is one of the client's practitioners.
	Assigned bool
	// Emergency is the live emergency access of an admin reading the
	// record; nil otherwise.
	Emergency *EmergencyGrant
}

// Kind is "assigned" or "emergency", as the audit log writes it.
func (a Access) Kind() string {
	if a.Assigned {
		return "assigned"
	}
	return "emergency"
}

// errNoClient is what a reader who may not know that a client exists is
// told, the same as for a client that does not exist.
func errNoClient(id int64) error {
	return certboard.Errorf(certboard.NotFound, "there is no client %d among your clients", id).WithTitle("Client not found")
}

// clientAccess works out how by reaches client clientID's record, in tx,
// without auditing: an assigned practitioner, or a practice admin with
// live emergency access. Anyone else is refused: NotFound when they may
// not know the client exists (a practitioner who is not assigned, someone
// with neither role, a client that does not exist), Forbidden for a
// practice admin (who sees the directory of clients), saying how to ask
// for emergency access.
func (p *Practice) clientAccess(ctx context.Context, tx Tx, by Actor, clientID int64) (Access, error) {
	if by.IsPractitioner() {
		ok, err := tx.ClientAssigned(ctx, clientID, by.UserID)
		if err != nil {
			return Access{}, err
		}
		if ok {
			return Access{Assigned: true}, nil
		}
	}
	if !by.IsAdmin() {
		return Access{}, errNoClient(clientID)
	}
	if ok, err := tx.ClientExists(ctx, clientID); err != nil {
		return Access{}, err
	} else if !ok {
		return Access{}, errNoClient(clientID)
	}
	g, err := tx.LiveEmergencyAccess(ctx, clientID, by.UserID, p.clock.Now())
	if errors.Is(err, certboard.ErrNotFound) {
		return Access{}, certboard.Errorf(certboard.Forbidden,
			"you are not assigned to client %d; in an emergency, ask for emergency access to the record and say why", clientID).
			WithTitle("Emergency access needed")
	}
	if err != nil {
		return Access{}, err
	}
	return Access{Emergency: g}, nil
}

// openClient is how every area reads a client's record: in the use
// case's transaction, it checks that by may read client clientID's
// record now (clientAccess: assigned, or a practice admin with live
// emergency access; NotFound or Forbidden otherwise) and appends the
// audit entry of the read (ClientRead, subject the client, After
// {"what": what, "access": "assigned"|"emergency", "grant": id}). what
// names the part read, without clinical text: "identity", "case:12",
// "notes", "measures". Call it once per use case, before reading. A
// refusal is audited (ClientReadDenied) once the transaction has rolled
// back (refusalsStore).
func (p *Practice) openClient(ctx context.Context, tx Tx, by Actor, clientID int64, what string) (Access, error) {
	acc, err := p.clientAccess(ctx, tx, by, clientID)
	if err != nil {
		noteRefusal(tx, ClientReadDenied, by, clientID, what, err)
		return Access{}, err
	}
	after := map[string]any{"what": what, "access": acc.Kind()}
	if acc.Emergency != nil {
		after["grant"] = acc.Emergency.ID
	}
	if err := p.appendAudit(ctx, tx, by, ClientRead, ClientSubject(clientID), nil, after); err != nil {
		return Access{}, err
	}
	return acc, nil
}

// lockForChange locks, through lock, a case, session, link or schedule
// of a client for a change by by, checked by mayChangeClient (clientOf
// says whose it is). When there is none, or by may not know the client,
// the answer is notFound, which names what was asked for.
func lockForChange[T any](ctx context.Context, p *Practice, tx Tx, by Actor, notFound error,
	lock func() (*T, error), clientOf func(*T) int64) (*T, error) {
	v, err := lock()
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if err := p.mayChangeClient(ctx, tx, by, clientOf(v)); err != nil {
		return nil, hidden(err, notFound)
	}
	return v, nil
}

// mayChangeClient is how every area checks, in the use case's
// transaction, that by may change client clientID's record: only an
// assigned practitioner may. Emergency access lets an admin read a
// record, never change it (Forbidden); anyone else gets clientAccess's
// answer. The change writes its own audit entry; a refusal is audited
// (ClientChangeDenied) once the transaction has rolled back.
func (p *Practice) mayChangeClient(ctx context.Context, tx Tx, by Actor, clientID int64) error {
	acc, err := p.clientAccess(ctx, tx, by, clientID)
	if err == nil && !acc.Assigned {
		err = certboard.Errorf(certboard.Forbidden,
			"emergency access lets you read client %d's record, not change it; ask an assigned practitioner", clientID)
	}
	if err != nil {
		noteRefusal(tx, ClientChangeDenied, by, clientID, "", err)
	}
	return err
}

// The audit actions of a refused read or change of a client's record,
// subject the client ("client:<id>", which may not exist), After
// {"refused": "not_found"|"forbidden", "what": the part asked for} and
// nothing of the record.
const (
	ClientReadDenied   = "client.read_denied"
	ClientChangeDenied = "client.change_denied"
)

// refusal is an access to a client's record refused in a transaction.
type refusal struct {
	action   string
	by       Actor
	clientID int64
	what     string
	code     certboard.Code
}

// refusalsTx is a transaction as refusalsStore hands it out: it keeps
// the refusals noted in it, which outlive its rollback.
type refusalsTx struct {
	Tx
	refused *[]refusal
}

// noteRefusal notes, in tx, that by was refused access to a client's
// record with err, when err is a refusal (NotFound or Forbidden) and tx
// keeps refusals; other errors, and transactions that do not keep them,
// note nothing.
func noteRefusal(tx Tx, action string, by Actor, clientID int64, what string, err error) {
	code := certboard.ErrorCode(err)
	t, ok := tx.(refusalsTx)
	if !ok || (code != certboard.NotFound && code != certboard.Forbidden) {
		return
	}
	*t.refused = append(*t.refused, refusal{action: action, by: by, clientID: clientID, what: what, code: code})
}

// refusalsStore is the store as the use cases see it (New wraps the
// configured one in it): the same store, whose transactions keep the
// refusals of access to client records that happen in them, and whose
// InTx, when a transaction failed after a refusal (and so rolled back,
// the refusal's reason with it), audits each refusal in a small
// transaction of its own. A refusal that the use case got past (the
// transaction committed) is not audited: nothing was refused. A failure
// to audit is logged; the caller gets the refusal.
type refusalsStore struct {
	Store
	clock certboard.Clock
	log   *slog.Logger
}

// InTx runs f in one transaction, then audits the refusals it met if it
// failed.
func (s refusalsStore) InTx(ctx context.Context, f func(tx Tx) error) error {
	var refused []refusal
	err := s.Store.InTx(ctx, func(tx Tx) error {
		refused = refused[:0]
		return f(refusalsTx{Tx: tx, refused: &refused})
	})
	if err == nil || len(refused) == 0 {
		return err
	}
	// The refusal is recorded even when the request was cancelled.
	if aerr := s.Store.InTx(context.WithoutCancel(ctx), func(tx Tx) error {
		for _, r := range refused {
			after, err := json.Marshal(map[string]any{"refused": r.code, "what": r.what})
			if err != nil {
				return err
			}
			if _, err := tx.AppendAudit(ctx, audit.Entry{At: s.clock.Now().UTC(), Actor: r.by.AuditName(), Action: r.action,
				Subject: ClientSubject(r.clientID), After: string(after)}); err != nil {
				return err
			}
		}
		return nil
	}); aerr != nil {
		s.log.Error("auditing refused access to client records", "error", aerr, "refused", len(refused))
	}
	return err
}

// EmergencyAccessFor is how long an admin's emergency access lasts.
const EmergencyAccessFor = time.Hour

// The bounds of an emergency access reason (runes, after trimming).
const (
	MinEmergencyReason = 20
	MaxEmergencyReason = 2000
)

// EmergencyGrant is a practice admin's emergency access to one client's
// record: asked with a reason, live from GrantedAt until ExpiresAt.
type EmergencyGrant struct {
	ID        int64
	ClientID  int64
	AdminID   int64
	AdminName string
	// Reason is what the admin wrote (sealed at rest: it may say what
	// happened to the client).
	Reason    string
	GrantedAt time.Time
	ExpiresAt time.Time
}

// LiveAt reports whether the grant gives access at t.
func (g EmergencyGrant) LiveAt(t time.Time) bool {
	return !t.Before(g.GrantedAt) && t.Before(g.ExpiresAt)
}

// checkReason trims a free-text reason and says what to fix.
func checkReason(field, s string, min, max int) (string, error) {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return "", certboard.FieldError(certboard.Invalid, field, "remove the control characters")
		}
	}
	if !utf8.ValidString(s) {
		return "", certboard.FieldError(certboard.Invalid, field, "the text is not valid UTF-8")
	}
	switch n := utf8.RuneCountInString(s); {
	case n < min:
		return "", certboard.FieldError(certboard.Invalid, field,
			fmt.Sprintf("say in at least %d characters what happened and why you need the record now (this has %d)", min, n))
	case n > max:
		return "", certboard.FieldError(certboard.Invalid, field, fmt.Sprintf("use at most %d characters (this has %d)", max, n))
	}
	return s, nil
}

// RequestEmergencyAccess gives a practice admin access to one client's
// record for EmergencyAccessFor, for the reason they give (required, at
// least MinEmergencyReason characters). The grant, its audit entry
// ("client.emergency_access") and a mail to each practitioner assigned to
// the client commit together. An admin who is assigned to the client, or
// already holds live access to it, is refused (Conflict).
func (p *Practice) RequestEmergencyAccess(ctx context.Context, by Actor, clientID int64, reason string) (*EmergencyGrant, error) {
	if !by.IsAdmin() {
		return nil, certboard.Errorf(certboard.Forbidden, "only a practice admin may ask for emergency access")
	}
	reason, err := checkReason("reason", reason, MinEmergencyReason, MaxEmergencyReason)
	if err != nil {
		return nil, err
	}
	now := p.clock.Now().UTC()
	g := &EmergencyGrant{ClientID: clientID, AdminID: by.UserID, AdminName: by.Name, Reason: reason, GrantedAt: now,
		ExpiresAt: now.Add(EmergencyAccessFor)}
	err = p.store.InTx(ctx, func(tx Tx) error {
		team, err := lockTeam(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(team, func(m Member) bool { return m.ID == by.UserID }) && by.IsPractitioner() {
			return certboard.Errorf(certboard.Conflict, "you are assigned to client %d: open the record directly", clientID)
		}
		live, err := tx.LiveEmergencyAccess(ctx, clientID, by.UserID, now)
		if err == nil {
			return certboard.Errorf(certboard.Conflict, "you already have emergency access to client %d until %s UTC",
				clientID, live.ExpiresAt.Format("15:04"))
		}
		if !errors.Is(err, certboard.ErrNotFound) {
			return err
		}
		if g.ID, err = tx.CreateEmergencyAccess(ctx, *g); err != nil {
			return err
		}
		if err := p.appendAudit(ctx, tx, by, "client.emergency_access", ClientSubject(clientID), nil,
			map[string]any{"grant": g.ID, "expires_at": g.ExpiresAt.Format(time.RFC3339)}); err != nil {
			return err
		}
		for _, m := range team {
			if err := p.mail(ctx, tx, m.Email, notify.EmergencyAccess{Practitioner: m.Name, Admin: by.Name,
				Client: clientID, At: now.Format("2006-01-02 15:04 UTC"), Until: g.ExpiresAt.Format("15:04 UTC"),
				Link: fmt.Sprintf("%s/clients/%d", p.PublicURL(), clientID)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// mail renders m to to and puts it in the outbox of tx.
func (p *Practice) mail(ctx context.Context, tx Tx, to string, m notify.Mail) error {
	return notify.Enqueue(ctx, tx, to, m, p.clock.Now().UTC())
}
