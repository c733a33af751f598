package practice

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/plissit"
)

// SaveSexualHistory saves a new version of a case's sexual history, the
// one of Specific Suggestions in its four steps, if the latest saved is
// still version (0 when none was saved; Conflict otherwise). It may be
// partly written, step by step over sessions: what is written is checked
// (plissit.SexualHistory.Check, and each concern of step 1 must be one the
// taxonomy lists), and Complete says which steps are done. The case must
// be open and at Specific Suggestions or Intensive Therapy, Specific
// Suggestions within the saver's scope, and the client's consent to
// treatment in force. The history is sealed at rest;
// the audit entry ("case.history.save") gives the version and the steps
// done, nothing of the text. It returns the new version.
func (p *Practice) SaveSexualHistory(ctx context.Context, by Actor, caseID int64, h plissit.SexualHistory, version int) (int, error) {
	now := p.clock.Now().UTC()
	if err := checkCaseHistory(concern.Default(), h, now); err != nil {
		return 0, err
	}
	var next int
	err := p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.caseForRecord(ctx, tx, by, caseID, plissit.SpecificSuggestions, "the sexual history is taken at")
		if err != nil {
			return err
		}
		versions, err := tx.SexualHistoryVersions(ctx, caseID)
		if err != nil {
			return err
		}
		next, err = addCaseRecordVersion("sexual history", caseID, version, versions, func(v int) error {
			return tx.AddSexualHistory(ctx, SexualHistoryVersion{CaseID: caseID, Version: v, History: h,
				SavedBy: by.UserID, SavedByName: by.Name, SavedAt: now})
		})
		if err != nil {
			return err
		}
		var done []int
		for _, s := range h.Complete() {
			if s.Done {
				done = append(done, s.Step)
			}
		}
		return p.caseAudit(ctx, tx, by, "case.history.save", c, map[string]any{"version": version},
			map[string]any{"version": next, "steps_done": done})
	})
	return next, err
}

// caseForRecord locks case caseID in tx for a save of its sexual history
// or treatment plan, the record of stage (record says so: "the sexual
// history is taken at"): the case must be open, at stage or past it
// (Conflict), and stage within the saver's scope (Forbidden, offering a
// referral).
func (p *Practice) caseForRecord(ctx context.Context, tx Tx, by Actor, caseID int64, stage plissit.Stage, record string) (*Case, error) {
	c, err := p.changeCase(ctx, tx, by, caseID, caseTreatment)
	if err != nil {
		return nil, err
	}
	if c.Stage.Order() < stage.Order() {
		return nil, certboard.Errorf(certboard.Conflict,
			"%s %s, and case %d is at %s; move the case to %s first", record, stage.Name(), caseID, c.Stage.Name(), stage.Name()).
			WithTitle("Not possible now")
	}
	if ok, why, err := p.casePermits(ctx, tx, by.UserID, stage); err != nil {
		return nil, err
	} else if !ok {
		return nil, refusedForScope(stage, why, nil)
	}
	return c, nil
}

// checkCaseHistory is the history's own Check, and each concern of step 1
// one the taxonomy lists (field "step1.concerns.0.concern_id").
func checkCaseHistory(t *concern.Taxonomy, h plissit.SexualHistory, now time.Time) error {
	var f caseForm
	if err := f.addErr("", h.Check(now)); err != nil {
		return err
	}
	for i, c := range h.Issues.Concerns {
		if _, ok := t.Lookup(c.ConcernID); !ok && c.ConcernID != "" {
			f.add(fmt.Sprintf("step1.concerns.%d.concern_id", i),
				fmt.Sprintf("there is no concern %q in %s; choose one from the list of concerns", caseClip(c.ConcernID), t.Version()))
		}
	}
	return f.err("Invalid sexual history")
}

// addCaseRecordVersion adds, through add, the version after version of
// a case's sexual history or treatment plan (what) and returns its
// number, when version is still the latest of versions (latest first; 0
// when there is none). A save made from an older version, or one that
// loses the race to another save (certboard.ErrConflict), is stale.
func addCaseRecordVersion(what string, caseID int64, version int, versions []SavedVersion, add func(next int) error) (int, error) {
	latest := 0
	if len(versions) > 0 {
		latest = versions[0].Version
	}
	if latest != version {
		return 0, staleCaseRecord(what, caseID)
	}
	err := add(version + 1)
	if errors.Is(err, certboard.ErrConflict) {
		return 0, staleCaseRecord(what, caseID)
	} else if err != nil {
		return 0, err
	}
	return version + 1, nil
}

// staleCaseRecord is the answer to a save made from an old version of a
// case's sexual history or treatment plan.
func staleCaseRecord(what string, caseID int64) error {
	return certboard.Errorf(certboard.Conflict,
		"the %s of case %d was saved by someone else since you opened it; reload the page and make your change again", what, caseID)
}

// SaveTreatmentPlan saves a new version of a case's treatment plan, the
// plan of Intensive Therapy, if the latest saved is still version (0 when
// none was saved; Conflict otherwise). The plan must be complete
// (plissit.TreatmentPlan.Check: goals with measures, interventions,
// frequency, review days) and cite at least one comorbidity standing on
// the case, by id, as what warrants Intensive Therapy (Invalid, naming the
// field: "comorbidities.0"). The case must be open and at Intensive
// Therapy, Intensive Therapy within the saver's scope (Forbidden
// otherwise, offering a referral), and the client's consent to treatment
// in force. The plan is sealed at rest; the audit
// entry ("case.plan.save") gives the version and the comorbidities cited.
// It returns the new version.
func (p *Practice) SaveTreatmentPlan(ctx context.Context, by Actor, caseID int64, tp plissit.TreatmentPlan, version int) (int, error) {
	now := p.clock.Now().UTC()
	if err := tp.Check(now); err != nil {
		return 0, err
	}
	var next int
	err := p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.caseForRecord(ctx, tx, by, caseID, plissit.IntensiveTherapy, "a treatment plan is the plan of")
		if err != nil {
			return err
		}
		cs, err := tx.Comorbidities(ctx, caseID)
		if err != nil {
			return err
		}
		if err := planComorbidities(tp, cs); err != nil {
			return err
		}
		versions, err := tx.TreatmentPlanVersions(ctx, caseID)
		if err != nil {
			return err
		}
		next, err = addCaseRecordVersion("treatment plan", caseID, version, versions, func(v int) error {
			return tx.AddTreatmentPlan(ctx, TreatmentPlanVersion{CaseID: caseID, Version: v, Plan: tp,
				SavedBy: by.UserID, SavedByName: by.Name, SavedAt: now})
		})
		if err != nil {
			return err
		}
		return p.caseAudit(ctx, tx, by, "case.plan.save", c, map[string]any{"version": version},
			map[string]any{"version": next, "comorbidities": tp.Comorbidities})
	})
	return next, err
}

// planComorbidities refuses a plan citing a comorbidity that does not
// stand on the case (cs are the case's), naming the field.
func planComorbidities(tp plissit.TreatmentPlan, cs []Comorbidity) error {
	standing := map[string]bool{}
	for _, c := range cs {
		if c.Active() {
			standing[c.Ref()] = true
		}
	}
	var f caseForm
	for i, id := range tp.Comorbidities {
		if !standing[id] {
			f.add("comorbidities."+strconv.Itoa(i), fmt.Sprintf("comorbidity %q is not one standing on the case; choose from %s",
				caseClip(id), describeComorbidities(cs)))
		}
	}
	return f.err("Invalid treatment plan")
}

// SexualHistoryAt reads one saved version of a case's sexual history (0
// for the latest), for a reader of the client's record; the read is
// audited ("case:<id>/history/<version>"). A case without that version is
// NotFound.
func (p *Practice) SexualHistoryAt(ctx context.Context, by Actor, caseID int64, version int) (*SexualHistoryVersion, error) {
	return caseRecordAt(ctx, p, by, caseID, version, "sexual history", "/history/", Tx.SexualHistory)
}

// TreatmentPlanAt reads one saved version of a case's treatment plan (0
// for the latest), for a reader of the client's record; the read is
// audited ("case:<id>/plan/<version>"). A case without that version is
// NotFound.
func (p *Practice) TreatmentPlanAt(ctx context.Context, by Actor, caseID int64, version int) (*TreatmentPlanVersion, error) {
	return caseRecordAt(ctx, p, by, caseID, version, "treatment plan", "/plan/", Tx.TreatmentPlan)
}

// caseRecordAt reads, through read, one saved version of a case's sexual
// history or treatment plan (what; 0 for the latest) for a reader of the
// client's record, auditing the read as "case:<id><path><version>". A case
// without that version is NotFound.
func caseRecordAt[V any](ctx context.Context, p *Practice, by Actor, caseID int64, version int, what, path string,
	read func(tx Tx, ctx context.Context, caseID int64, version int) (*V, error)) (*V, error) {
	var out *V
	err := p.store.InTx(ctx, func(tx Tx) error {
		if _, _, err := p.readCase(ctx, tx, by, caseID, path+strconv.Itoa(version)); err != nil {
			return err
		}
		v, err := read(tx, ctx, caseID, version)
		if errors.Is(err, certboard.ErrNotFound) {
			return caseNoVersion(what, caseID, version)
		}
		out = v
		return err
	})
	return out, err
}

func caseNoVersion(what string, caseID int64, version int) error {
	if version == 0 {
		return certboard.Errorf(certboard.NotFound, "case %d has no %s yet", caseID, what)
	}
	return certboard.Errorf(certboard.NotFound, "case %d has no version %d of its %s", caseID, version, what)
}
