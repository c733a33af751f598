package practice

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/plissit"
)

// A case is a client's episode of care: the concerns it works on (from
// the concern taxonomy), the comorbidities recorded on it and where each
// came from, its PLISSIT stage with the history of every move, the sexual
// history of Specific Suggestions and the treatment plan of Intensive
// Therapy (both versioned and sealed), and the referrals made from it. A
// case is reached through its client: whoever may read or change the
// client's record may read or change its cases (clients_access.go), and
// every read is audited as a read of the client's record.

// CaseStatus says whether a case is open.
type CaseStatus string

// The statuses of a case.
const (
	// CaseOpen is a case being worked.
	CaseOpen CaseStatus = "open"
	// CaseClosed is a case whose episode of care has ended; it is kept,
	// and changes no more.
	CaseClosed CaseStatus = "closed"
)

// Case is a client's episode of care.
type Case struct {
	ID       int64
	ClientID int64
	// PractitionerID is the practitioner responsible for the case: who
	// opened it, then who moved it to Intensive Therapy (whose scope of
	// practice includes it).
	PractitionerID int64
	Status         CaseStatus
	// Stage is the case's current PLISSIT stage: the To of its latest
	// move.
	Stage    plissit.Stage
	OpenedAt time.Time
	OpenedBy int64
	// ClosedAt, ClosedBy and CloseReason say when, by whom and why a
	// closed case was closed; zero while it is open. CloseReason is
	// sealed at rest.
	ClosedAt    time.Time
	ClosedBy    int64
	CloseReason string
	// Version guards edits of the case (a move, its concerns, closing).
	Version int
}

// Open says whether the case is open.
func (c Case) Open() bool { return c.Status == CaseOpen }

// CaseSubject is how the audit log's After names a case: "case:<id>".
func CaseSubject(id int64) string { return "case:" + strconv.FormatInt(id, 10) }

// CaseConcern is a concern recorded on a case: the diagnosis as stored,
// the taxonomy's entry for it and its codes. Taxonomy is the version of
// the taxonomy it was recorded under.
type CaseConcern struct {
	Diagnosis concern.Diagnosis
	Taxonomy  string
	// Concern is the taxonomy's entry; Known is false when the taxonomy in
	// use no longer lists the id (the page then shows the id alone).
	Concern concern.Concern
	Known   bool
	// Codes are the diagnosis's codes under the taxonomy in use.
	Codes concern.Codes
}

// Comorbidity is a comorbidity recorded on a case.
type Comorbidity struct {
	ID     int64
	CaseID int64
	Kind   escalation.Kind
	Source ComorbiditySource
	// MeasureRef identifies the scored measure it comes from, if any.
	MeasureRef string
	// Note says more (sealed at rest).
	Note           string
	RecordedBy     int64
	RecordedByName string
	RecordedAt     time.Time
	// EndedAt, EndedBy and EndReason say when, by whom and why the
	// comorbidity was ended (resolved, or recorded in error); zero while
	// it stands. EndReason is sealed at rest.
	EndedAt   time.Time
	EndedBy   int64
	EndReason string
}

// Active says whether the comorbidity stands (was not ended).
func (c Comorbidity) Active() bool { return c.EndedAt.IsZero() }

// Ref is the comorbidity's id as a treatment plan names it.
func (c Comorbidity) Ref() string { return strconv.FormatInt(c.ID, 10) }

// CaseMove is one entry of a case's stage history: the move (from, to,
// by, when, why; the reason sealed at rest) and the mover's name then.
type CaseMove struct {
	Seq    int
	Move   plissit.Move
	ByName string
}

// Referral is a referral made from a case.
type Referral struct {
	ID     int64
	CaseID int64
	// Stage is the PLISSIT stage the client is referred for.
	Stage plissit.Stage
	To    ReferralTo
	// Why says why (sealed at rest).
	Why string
	// Consent is the client's answer to sharing their record, and Shared
	// what else it covers in words (sealed at rest); empty when they said
	// no.
	Consent ShareConsent
	Shared  []string
	// Scope is what of the record the client agreed to share, item by
	// item (sealed at rest); nil for a referral recorded before consent
	// was itemised, whose letter holds only the reason and Shared.
	Scope      *ReferralScope
	Status     ReferralStatus
	MadeBy     int64
	MadeByName string
	MadeAt     time.Time
	UpdatedAt  time.Time
	Version    int
	// Board is the did:web of the trusted board whose registry the
	// therapist is chosen from; empty for a referral written by hand.
	Board string
	// Concerns are the case's concerns with their codes when the referral
	// was made (sealed at rest), and Search the registry search of a draft
	// (sealed).
	Concerns []ReferredConcern
	Search   RegistrySearch
	// UpdatedBy is who last changed it (0 before migration 00011).
	UpdatedBy int64
	// Moves are its statuses with who and when, the first first.
	Moves []ReferralMove
}

// SexualHistoryVersion is one saved version of a case's sexual history.
type SexualHistoryVersion struct {
	CaseID      int64
	Version     int
	History     plissit.SexualHistory
	SavedBy     int64
	SavedByName string
	SavedAt     time.Time
}

// TreatmentPlanVersion is one saved version of a case's treatment plan.
type TreatmentPlanVersion struct {
	CaseID      int64
	Version     int
	Plan        plissit.TreatmentPlan
	SavedBy     int64
	SavedByName string
	SavedAt     time.Time
}

// SavedVersion is a line of the list of a record's versions: which, by
// whom, when; nothing of its content.
type SavedVersion struct {
	Version     int
	SavedBy     int64
	SavedByName string
	SavedAt     time.Time
}

// caseReads are the reads of the cases use cases outside a transaction:
// none, since every read of a case is audited in the transaction that
// makes it.
type caseReads interface{}

// caseWrites are the reads and writes of the cases use cases, methods of
// a transaction. A missing row is certboard.ErrNotFound, wrapped; a write
// that lost a race or breaks a uniqueness rule is certboard.ErrConflict,
// wrapped. Sealed fields are sealed and opened by the store.
type caseWrites interface {
	// CreateCase adds a case and returns its id.
	CreateCase(ctx context.Context, c Case) (int64, error)
	// LockCase reads a case, locking its row until the transaction ends.
	LockCase(ctx context.Context, id int64) (*Case, error)
	// Case reads a case.
	Case(ctx context.Context, id int64) (*Case, error)
	// ClientCases lists a client's cases, the latest opened first.
	ClientCases(ctx context.Context, clientID int64) ([]Case, error)
	// UpdateCase writes a case's practitioner, status, stage and closing
	// if its row is still at version (ErrConflict otherwise), and returns
	// the new version.
	UpdateCase(ctx context.Context, c Case, version int) (int, error)

	// AddCaseMove appends a move to a case's stage history.
	AddCaseMove(ctx context.Context, caseID int64, m CaseMove) error
	// CaseMoves lists a case's stage history, oldest first.
	CaseMoves(ctx context.Context, caseID int64) ([]CaseMove, error)

	// SetCaseConcerns replaces a case's concerns, in order.
	SetCaseConcerns(ctx context.Context, caseID int64, taxonomy string, ds []concern.Diagnosis) error
	// CaseConcerns lists a case's concerns, in order, each with the
	// version of the taxonomy it was recorded under.
	CaseConcerns(ctx context.Context, caseID int64) ([]StoredConcern, error)

	// AddComorbidity records a comorbidity and returns its id.
	AddComorbidity(ctx context.Context, c Comorbidity) (int64, error)
	// Comorbidities lists a case's comorbidities, ended ones too, in the
	// order they were recorded.
	Comorbidities(ctx context.Context, caseID int64) ([]Comorbidity, error)
	// EndComorbidity ends a comorbidity of a case if it stands
	// (ErrConflict otherwise; ErrNotFound when the case has no such
	// comorbidity).
	EndComorbidity(ctx context.Context, caseID, id int64, at time.Time, by int64, reason string) error

	// AddReferral records a referral and returns its id.
	AddReferral(ctx context.Context, r Referral) (int64, error)
	// LockReferral reads a referral of a case, locking it (ErrNotFound
	// when the case has no such referral).
	LockReferral(ctx context.Context, caseID, id int64) (*Referral, error)
	// Referrals lists a case's referrals, the latest made first.
	Referrals(ctx context.Context, caseID int64) ([]Referral, error)
	// SetReferralStatus sets a referral's status if it is still at
	// version (ErrConflict otherwise) and returns the new version.
	SetReferralStatus(ctx context.Context, id int64, status ReferralStatus, version int, at time.Time, by int64) (int, error)

	// AddSexualHistory stores a version of a case's sexual history
	// (ErrConflict when that version exists).
	AddSexualHistory(ctx context.Context, v SexualHistoryVersion) error
	// SexualHistory reads a version of a case's sexual history, the
	// latest when version is 0 (ErrNotFound when there is none).
	SexualHistory(ctx context.Context, caseID int64, version int) (*SexualHistoryVersion, error)
	// SexualHistoryVersions lists the versions of a case's sexual
	// history, the latest first.
	SexualHistoryVersions(ctx context.Context, caseID int64) ([]SavedVersion, error)

	// AddTreatmentPlan stores a version of a case's treatment plan
	// (ErrConflict when that version exists).
	AddTreatmentPlan(ctx context.Context, v TreatmentPlanVersion) error
	// TreatmentPlan reads a version of a case's treatment plan, the
	// latest when version is 0 (ErrNotFound when there is none).
	TreatmentPlan(ctx context.Context, caseID int64, version int) (*TreatmentPlanVersion, error)
	// TreatmentPlanVersions lists the versions of a case's treatment
	// plan, the latest first.
	TreatmentPlanVersions(ctx context.Context, caseID int64) ([]SavedVersion, error)
}

// StoredConcern is a concern as a case stores it: the diagnosis and the
// version of the taxonomy it was recorded under.
type StoredConcern struct {
	Diagnosis concern.Diagnosis
	Taxonomy  string
}

// errNoCase is what a reader who may not know that a case exists is told,
// the same as for a case that does not exist.
func errNoCase(id int64) error {
	return certboard.Errorf(certboard.NotFound, "there is no case %d among your clients' cases", id).WithTitle("Case not found")
}

// staleCase is the answer to an edit made from an old version of a case.
func staleCase(id int64) error {
	return certboard.Errorf(certboard.Conflict,
		"case %d was changed by someone else since you opened it; reload the page and make your change again", id)
}

// closedCase is the answer to a change of a closed case.
func closedCase(id int64) error {
	return certboard.Errorf(certboard.Conflict, "case %d is closed; its record is kept and changes no more", id).
		WithTitle("Case closed")
}

// readCase reads case id for by in tx, checking that by may read its
// client's record and auditing the read (what names the part read:
// "case:<id>" and a suffix). A reader who may not know the case exists
// gets NotFound.
func (p *Practice) readCase(ctx context.Context, tx Tx, by Actor, id int64, what string) (*Case, Access, error) {
	c, err := tx.Case(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, Access{}, errNoCase(id)
	}
	if err != nil {
		return nil, Access{}, err
	}
	acc, err := p.openClient(ctx, tx, by, c.ClientID, CaseSubject(id)+what)
	if certboard.ErrorCode(err) == certboard.NotFound {
		return nil, Access{}, errNoCase(id)
	}
	if err != nil {
		return nil, Access{}, err
	}
	return c, acc, nil
}

// Whether a change records treatment, which needs the client's consent
// to treatment in force: opening a case, moving it, its concerns,
// comorbidities, sexual history and plan do; closing it, ending a
// comorbidity and referring do not (they are what follows a withdrawn
// consent).
const (
	caseTreatment    = true
	caseNotTreatment = false
)

// changeCase locks case id for a change by by in tx, checking that by may
// change its client's record, that the case is open and, for a change
// that records treatment, that the client's consent to treatment is in
// force. A reader who may not know the case exists gets NotFound.
func (p *Practice) changeCase(ctx context.Context, tx Tx, by Actor, id int64, records bool) (*Case, error) {
	c, err := lockForChange(ctx, p, tx, by, errNoCase(id),
		func() (*Case, error) { return tx.LockCase(ctx, id) },
		func(c *Case) int64 { return c.ClientID })
	if err != nil {
		return nil, err
	}
	if !c.Open() {
		return nil, closedCase(id)
	}
	if records {
		if err := p.requireConsent(ctx, tx, c.ClientID); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// caseAudit appends the audit entry of a change to a case: the subject is
// the client, and After names the case with what changed, in ids and
// counts: never clinical text, nor a concern, a comorbidity's kind or
// source, or whom a referral goes to, since the audit log is never
// redacted.
func (p *Practice) caseAudit(ctx context.Context, tx Tx, by Actor, action string, c *Case, before, after map[string]any) error {
	if after == nil {
		after = map[string]any{}
	}
	after["case"] = c.ID
	var b any
	if before != nil {
		b = before
	}
	return p.appendAudit(ctx, tx, by, action, ClientSubject(c.ClientID), b, after)
}

// NewCase is what opening a case takes.
type NewCase struct {
	// Stage is the stage the case opens at; empty means Permission.
	Stage string
	// Reason says why the case is opened at that stage: the first entry
	// of its stage history.
	Reason string
	// Concerns are the concerns the case works on, from the taxonomy;
	// they may be recorded later.
	Concerns []concern.Diagnosis
}

// OpenCase opens a case for a client: an episode of care at the stage
// given (Permission by default), with its first stage-history entry, the
// concerns given and an audit entry ("case.open"). Only a practitioner
// assigned to the client may, while the client's consent to treatment is
// in force (Conflict otherwise). Concerns and the reason are checked first,
// naming each field at fault; the opening move follows plissit.CheckMove
// (so no case opens at Intensive Therapy: it has no comorbidity yet).
// Nothing is written unless everything is. It returns the case's id.
func (p *Practice) OpenCase(ctx context.Context, by Actor, clientID int64, req NewCase) (int64, error) {
	tax := concern.Default()
	var f caseForm
	stage := plissit.Permission
	if req.Stage != "" {
		st, err := plissit.ParseStage(req.Stage)
		if err := f.addErr("", err); err != nil {
			return 0, err
		}
		stage = st
	}
	if err := f.addErr("", checkConcerns(tax, req.Concerns)); err != nil {
		return 0, err
	}
	if err := f.err("Check the case"); err != nil {
		return 0, err
	}
	now := p.clock.Now().UTC()
	var id int64
	err := p.store.InTx(ctx, func(tx Tx) error {
		if err := p.mayChangeClient(ctx, tx, by, clientID); err != nil {
			return err
		}
		if err := p.requireConsent(ctx, tx, clientID); err != nil {
			return err
		}
		facts, why, err := p.openingFacts(ctx, tx, by, stage)
		if err != nil {
			return err
		}
		m := plissit.Move{To: stage, By: by.UserID, At: now, Reason: req.Reason}
		if err := checkCaseMove(m, facts, why); err != nil {
			return err
		}
		c := Case{ClientID: clientID, PractitionerID: by.UserID, Status: CaseOpen, Stage: stage,
			OpenedAt: now, OpenedBy: by.UserID, Version: 1}
		if id, err = tx.CreateCase(ctx, c); err != nil {
			return err
		}
		c.ID = id
		m.Reason = strings.TrimSpace(m.Reason)
		if err := tx.AddCaseMove(ctx, id, CaseMove{Seq: 1, Move: m, ByName: by.Name}); err != nil {
			return err
		}
		if len(req.Concerns) > 0 {
			if err := tx.SetCaseConcerns(ctx, id, tax.Version(), req.Concerns); err != nil {
				return err
			}
		}
		return p.caseAudit(ctx, tx, by, "case.open", &c, nil,
			map[string]any{"stage": stage, "concerns": len(req.Concerns)})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// openingFacts are the facts of a case being opened: the opener's scope,
// with its sentence why (asked only for Intensive Therapy), and nothing
// recorded yet.
func (p *Practice) openingFacts(ctx context.Context, tx Tx, by Actor, to plissit.Stage) (plissit.Facts, string, error) {
	var f plissit.Facts
	if to != plissit.IntensiveTherapy {
		return f, "", nil
	}
	ok, why, err := p.casePermits(ctx, tx, by.UserID, to)
	f.IntensiveTherapyInScope = ok
	return f, why, err
}

// CloseCase closes an open case, for the reason given (required), if it is
// still at version (Conflict otherwise). Only a practitioner assigned to
// the client may. The case keeps its record and changes no more; the audit
// entry is "case.close". It returns the new version.
func (p *Practice) CloseCase(ctx context.Context, by Actor, caseID int64, reason string, version int) (int, error) {
	reason, err := caseReason("reason", reason, "say why the case is closed: the episode of care ended, the client was referred on, stopped attending")
	if err != nil {
		return 0, err
	}
	now := p.clock.Now().UTC()
	var next int
	err = p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.changeCase(ctx, tx, by, caseID, caseNotTreatment)
		if err != nil {
			return err
		}
		if c.Version != version {
			return staleCase(caseID)
		}
		c.Status, c.ClosedAt, c.ClosedBy, c.CloseReason = CaseClosed, now, by.UserID, reason
		if next, err = tx.UpdateCase(ctx, *c, version); errors.Is(err, certboard.ErrConflict) {
			return staleCase(caseID)
		} else if err != nil {
			return err
		}
		return p.caseAudit(ctx, tx, by, "case.close", c, map[string]any{"status": CaseOpen, "version": version},
			map[string]any{"status": CaseClosed, "version": next})
	})
	return next, err
}

// SetCaseConcerns replaces the concerns of an open case, if it is still at
// version (Conflict otherwise): each from the taxonomy, with the
// specifiers its concern takes, none twice (Invalid, naming each field at
// fault: "concerns.1.specifiers.onset"); the client's consent to
// treatment must be in force. The audit entry
// ("case.concerns") counts the concerns before and after. It returns the
// new version.
func (p *Practice) SetCaseConcerns(ctx context.Context, by Actor, caseID int64, ds []concern.Diagnosis, version int) (int, error) {
	tax := concern.Default()
	if err := checkConcerns(tax, ds); err != nil {
		return 0, err
	}
	var next int
	err := p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.changeCase(ctx, tx, by, caseID, caseTreatment)
		if err != nil {
			return err
		}
		if c.Version != version {
			return staleCase(caseID)
		}
		old, err := tx.CaseConcerns(ctx, caseID)
		if err != nil {
			return err
		}
		if err := tx.SetCaseConcerns(ctx, caseID, tax.Version(), ds); err != nil {
			return err
		}
		if next, err = tx.UpdateCase(ctx, *c, version); errors.Is(err, certboard.ErrConflict) {
			return staleCase(caseID)
		} else if err != nil {
			return err
		}
		return p.caseAudit(ctx, tx, by, "case.concerns", c, map[string]any{"concerns": len(old), "version": version},
			map[string]any{"concerns": len(ds), "version": next})
	})
	return next, err
}

// RecordComorbidity records a comorbidity on an open case: its kind, where
// it comes from (a measure, named by its reference; a diagnosis on file,
// named in the note; the practitioner's judgement) and a note, sealed.
// Bad input is Invalid, naming the field; the client's consent to
// treatment must be in force. The audit entry ("case.comorbidity.record")
// names the comorbidity's id only. It returns the comorbidity's id, which a
// treatment plan cites.
func (p *Practice) RecordComorbidity(ctx context.Context, by Actor, caseID int64, in ComorbidityInput) (int64, error) {
	kind, src, ref, note, err := checkComorbidity(in)
	if err != nil {
		return 0, err
	}
	now := p.clock.Now().UTC()
	var id int64
	err = p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.changeCase(ctx, tx, by, caseID, caseTreatment)
		if err != nil {
			return err
		}
		if id, err = tx.AddComorbidity(ctx, Comorbidity{CaseID: caseID, Kind: kind, Source: src, MeasureRef: ref, Note: note,
			RecordedBy: by.UserID, RecordedByName: by.Name, RecordedAt: now}); err != nil {
			return err
		}
		if err := p.caseAudit(ctx, tx, by, "case.comorbidity.record", c, nil, map[string]any{"comorbidity": id}); err != nil {
			return err
		}
		// A condition recorded is evaluated at once, and the report kept.
		_, _, err = p.escalate(ctx, tx, by, c.ID, c.ClientID, TriggerComorbidity, 0)
		return err
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// EndComorbidity ends a comorbidity recorded on an open case (resolved,
// or recorded in error), for the reason given (required, sealed). It is
// kept in the case's record, and no longer counts for escalation or a
// treatment plan. Ending one already ended is a Conflict. The audit entry
// is "case.comorbidity.end".
func (p *Practice) EndComorbidity(ctx context.Context, by Actor, caseID, comorbidityID int64, reason string) error {
	reason, err := caseReason("reason", reason, "say why the comorbidity is ended: resolved, or recorded in error")
	if err != nil {
		return err
	}
	now := p.clock.Now().UTC()
	return p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.changeCase(ctx, tx, by, caseID, caseNotTreatment)
		if err != nil {
			return err
		}
		switch err := tx.EndComorbidity(ctx, caseID, comorbidityID, now, by.UserID, reason); {
		case errors.Is(err, certboard.ErrNotFound):
			return certboard.Errorf(certboard.NotFound, "case %d has no comorbidity %d", caseID, comorbidityID)
		case errors.Is(err, certboard.ErrConflict):
			return certboard.Errorf(certboard.Conflict, "comorbidity %d of case %d is already ended", comorbidityID, caseID)
		case err != nil:
			return err
		}
		if err := p.caseAudit(ctx, tx, by, "case.comorbidity.end", c, nil, map[string]any{"comorbidity": comorbidityID}); err != nil {
			return err
		}
		_, _, err = p.escalate(ctx, tx, by, c.ID, c.ClientID, TriggerComorbidity, 0)
		return err
	})
}

// describeComorbidities names a case's standing comorbidities for a
// message: "12 (Depression), 14 (Substance use)".
func describeComorbidities(cs []Comorbidity) string {
	out := ""
	for _, c := range cs {
		if !c.Active() {
			continue
		}
		if out != "" {
			out += ", "
		}
		out += fmt.Sprintf("%d (%s)", c.ID, c.Kind.Label())
	}
	if out == "" {
		return "none is recorded"
	}
	return out
}
