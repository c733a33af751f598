package practice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/certboard/certboard"
)

// RecordReferral records a referral made from an open case: whom the
// client is referred to (name, organisation, contact, their entry in a
// board's registry), for which stage (Intensive Therapy unless given),
// why, and the client's consent to share their record, with what is
// shared item by item (ReferralInput.Share: the letter holds only those)
// and in words (sealed, like why, and like the case's concerns, kept as
// they stand). Bad input is Invalid, naming each field at
// fault, and nothing is written. Any practitioner assigned to the client
// may refer, whatever their scope: a referral is what a practitioner
// outside the scope of a stage offers. The audit entry ("case.referral")
// names the stage, the consent and how many things are shared, not what.
// It returns the referral's id.
func (p *Practice) RecordReferral(ctx context.Context, by Actor, caseID int64, in ReferralInput) (int64, error) {
	b, err := checkReferral(in)
	if err != nil {
		return 0, err
	}
	return p.addReferral(ctx, by, caseID, Referral{Stage: b.stage, To: b.to, Why: b.why, Consent: b.consent, Scope: b.scope,
		Shared: b.shared, Status: ReferralSent})
}

// addReferral adds referral r, sent or a draft, to open case caseID: made
// by by now, at version 1, with the case's concerns as they stand and its
// first move. The audit entry ("case.referral") names the stage, the
// consent, how many things are shared and the status. It returns the
// referral's id.
func (p *Practice) addReferral(ctx context.Context, by Actor, caseID int64, r Referral) (int64, error) {
	now := p.clock.Now().UTC()
	var id int64
	err := p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.changeCase(ctx, tx, by, caseID, caseNotTreatment)
		if err != nil {
			return err
		}
		if r.Concerns, err = p.concernNames(ctx, tx, caseID); err != nil {
			return err
		}
		r.CaseID, r.Version = caseID, 1
		r.MadeBy, r.MadeByName, r.MadeAt, r.UpdatedAt, r.UpdatedBy = by.UserID, by.Name, now, now, by.UserID
		if id, err = tx.AddReferral(ctx, r); err != nil {
			return err
		}
		if err := tx.AddReferralMove(ctx, id, ReferralMove{Seq: 1, Status: r.Status, By: by.UserID, ByName: by.Name, At: now}); err != nil {
			return err
		}
		return p.caseAudit(ctx, tx, by, "case.referral", c, nil, map[string]any{"referral": id, "stage": r.Stage,
			"consent": r.Consent, "shared": len(r.Shared), "status": r.Status})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// SetReferralStatus moves a referral of a case to another status (a draft
// to sent or withdrawn; sent to accepted, declined or withdrawn; accepted
// to completed or withdrawn), if it is still at version (Conflict
// otherwise, and for a move its status does not allow, or a draft sent
// before its therapist is chosen). A referral's status may change while
// its case is open; each move is kept with who and when. The audit entry
// is "case.referral.status". It returns the new version.
func (p *Practice) SetReferralStatus(ctx context.Context, by Actor, caseID, referralID int64, status string, version int) (int, error) {
	to, err := ParseReferralStatus(strings.TrimSpace(status))
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
		r, err := tx.LockReferral(ctx, caseID, referralID)
		if errors.Is(err, certboard.ErrNotFound) {
			return certboard.Errorf(certboard.NotFound, "case %d has no referral %d", caseID, referralID)
		}
		if err != nil {
			return err
		}
		if r.Version != version {
			return staleReferral(referralID)
		}
		if !slices.Contains(r.Status.Next(), to) {
			return referralMoveRefused(r.Status, to)
		}
		if to == ReferralSent && r.To.Name == "" {
			return certboard.FieldError(certboard.Conflict, "status",
				"choose the therapist from the registry first: a referral is sent to someone")
		}
		if next, err = tx.SetReferralStatus(ctx, referralID, to, version, now, by.UserID); errors.Is(err, certboard.ErrConflict) {
			return staleReferral(referralID)
		} else if err != nil {
			return err
		}
		if err := tx.AddReferralMove(ctx, referralID, ReferralMove{Seq: len(r.Moves) + 1, Status: to, By: by.UserID, ByName: by.Name, At: now}); err != nil {
			return err
		}
		return p.caseAudit(ctx, tx, by, "case.referral.status", c, map[string]any{"referral": referralID, "status": r.Status},
			map[string]any{"referral": referralID, "status": to, "version": next})
	})
	return next, err
}

func staleReferral(id int64) error {
	return certboard.Errorf(certboard.Conflict,
		"referral %d was changed by someone else since you opened it; reload the page and make your change again", id)
}

// referralMoveRefused says that a referral at from cannot become to, and
// what it can become.
func referralMoveRefused(from, to ReferralStatus) error {
	next := from.Next()
	if len(next) == 0 {
		return certboard.FieldError(certboard.Conflict, "status",
			fmt.Sprintf("the referral is %s, which is final; record a new referral instead", strings.ToLower(from.Label())))
	}
	names := make([]string, len(next))
	for i, s := range next {
		names[i] = string(s)
	}
	return certboard.FieldError(certboard.Conflict, "status",
		fmt.Sprintf("a referral that is %s cannot become %s; choose %s", strings.ToLower(from.Label()), to, strings.Join(names, ", ")))
}
