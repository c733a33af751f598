package plissit

import (
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard"
)

// Move is one entry of a case's stage history: who moved the case from
// which stage to which, when and why. A case's current stage is the To
// of its latest move; its first move, made when the case is opened, has
// an empty From.
type Move struct {
	// From is the stage the case was at; "" when the case is opened.
	From Stage
	// To is the stage the case moves to.
	To Stage
	// By is the account (auth.User.ID) of the practitioner who moved it.
	By int64
	// At is when.
	At time.Time
	// Reason says why, in the practitioner's words.
	Reason string
}

// Facts are what the rules of a move depend on beyond the move itself,
// as the use case finds them when it decides.
type Facts struct {
	// IntensiveTherapyInScope says whether the practitioner's scope of
	// practice includes Intensive Therapy: a current credential at the
	// level of a certified sex therapist.
	IntensiveTherapyInScope bool
	// ScopeReason is why the scope does not include Intensive Therapy, as
	// the practitioner's scope explains it (scope.Scope.Permits: "your CST
	// was suspended on ..."); the refusal quotes it. Empty: a general
	// explanation.
	ScopeReason string
	// HasComorbidity says whether at least one comorbidity is recorded on
	// the case.
	HasComorbidity bool
	// HistoryComplete says whether the case's sexual history has all four
	// steps done (SexualHistory.Done).
	HistoryComplete bool
}

// CheckAt refuses a move a person could have got wrong or may not make,
// at now (the practice's clock): it checks who and when (By is set, At is
// set and not after now), then the rules of CheckMove.
func (m Move) CheckAt(f Facts, now time.Time) error {
	return m.check(f, now)
}

// Check is CheckAt without the check against the clock: a move dated in
// the future passes. Use CheckAt.
func (m Move) Check(f Facts) error { return m.check(f, time.Time{}) }

// check is CheckAt; a zero now skips the check against the clock.
func (m Move) check(f Facts, now time.Time) error {
	if m.By <= 0 {
		return certboard.FieldError(certboard.Invalid, "by", "name the practitioner who moves the case (their account id)")
	}
	if m.At.IsZero() {
		return certboard.FieldError(certboard.Invalid, "at", "give the time of the move")
	}
	if !now.IsZero() && m.At.After(now) {
		return certboard.FieldError(certboard.Invalid, "at",
			fmt.Sprintf("%s is later than now; give the time of the move", m.At.Format(time.RFC3339)))
	}
	return CheckMove(m.From, m.To, m.Reason, f)
}

// CheckMove says whether a case at stage from (or "" for a case being
// opened) may move to stage to, for the reason given and the facts of the
// case. The rules:
//
//   - from is one of the stages or "", to is one of the stages (Invalid,
//     field "from" or "to"), and they differ (Conflict: the case is
//     already there);
//   - a move to Intensive Therapy needs the practitioner's scope to
//     include it (Forbidden, which says that a referral can be recorded
//     instead); this is decided before the reason, so nobody writes one
//     for a move they may not make;
//   - every move has a reason of at most MaxReason characters (Invalid,
//     field "reason"), backwards as well as forwards: the history must
//     say why a case went back;
//   - a move to Intensive Therapy needs at least one comorbidity recorded
//     and the sexual history complete, all four steps (Conflict, naming
//     each that is missing): PLISSIT keeps Intensive Therapy for concerns
//     where other complex issues coexist, and the history of Specific
//     Suggestions is what the treatment plan is built on.
//
// Anything else is allowed: a case may move forward past a stage (a
// client may need a sexual history at the first session), and back to any
// earlier stage (Intensive Therapy ended, or the client now wants only
// information). Leaving Intensive Therapy never needs the scope, so a case
// can always be brought back within it.
func CheckMove(from, to Stage, reason string, f Facts) error {
	if from != "" && !from.Known() {
		return certboard.FieldError(certboard.Invalid, "from",
			fmt.Sprintf("unknown stage %q; use one of %s, or leave it empty when the case is opened", clip(string(from)), stageList()))
	}
	if !to.Known() {
		return certboard.FieldError(certboard.Invalid, "to",
			fmt.Sprintf("unknown stage %q; use one of %s", clip(string(to)), stageList()))
	}
	if from == to {
		return (&certboard.Error{Code: certboard.Conflict, Field: "to",
			Message: fmt.Sprintf("to: the case is already at %s; choose another stage", to.Name())}).WithTitle("Not possible now")
	}
	if to == IntensiveTherapy && !f.IntensiveTherapyInScope {
		why := "Intensive Therapy needs a current credential at the level of a certified sex therapist (CST), and your scope of practice does not include it"
		if r := strings.TrimSpace(f.ScopeReason); r != "" {
			why = r
		}
		return (&certboard.Error{Code: certboard.Forbidden, Field: "to",
			Message: "to: " + why + "; record a referral for Intensive Therapy on the case instead"}).
			WithTitle("Outside your scope of practice")
	}
	var p problems
	p.text("reason", reason, MaxReason, true, "say why the case moves; the case history keeps it")
	if err := p.Err("Invalid move"); err != nil {
		return err
	}
	if to == IntensiveTherapy {
		var missing []string
		if !f.HasComorbidity {
			missing = append(missing, "record at least one comorbidity (such as depression, an anxiety disorder or substance use) that calls for Intensive Therapy")
		}
		if !f.HistoryComplete {
			missing = append(missing, "complete all four steps of the sexual history")
		}
		if len(missing) > 0 {
			return (&certboard.Error{Code: certboard.Conflict, Field: "to",
				Message: "to: the case is not ready for Intensive Therapy: " + strings.Join(missing, ", and ")}).WithTitle("Not possible now")
		}
	}
	return nil
}
