package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/portfolio"
)

// A supervisor named in an applicant's portfolio, whose account has the
// e-mail address the applicant gave for them, confirms or disputes the
// supervision sessions they gave and the clinical hours done under their
// contracts, and records contracts. Their decision is written into the
// live portfolio while the application is open and, once it is submitted,
// into the frozen snapshot the board judges too.

// supFrozenStates are the states in which the board judges the snapshot
// submitted; supervisors' decisions go into it as well.
var supFrozenStates = []State{Submitted, UnderReview, InfoRequested, PeerReview}

// Attestation is a supervisor's decision on one item of evidence that
// names them.
type Attestation struct {
	Item     string
	Decision string // confirm or dispute
	Reason   string // required to dispute
	// Version is the application version the decision was made on.
	Version int
}

// ContractInput is a supervision contract a supervisor records.
type ContractInput struct {
	// Supervisor is the portfolio's id for the supervisor; "" when the
	// portfolio names them once.
	Supervisor           string
	Start, End           string
	SuperviseeMembership string
	Version              int
}

// supSignature is how a supervisor's decision is signed in a verification.
func supSignature(u *auth.User) string {
	return fmt.Sprintf("supervisor: %s <%s>", u.Name, u.Email)
}

// supToday is the board's date.
func (b *Board) supToday() date.Date {
	y, m, d := b.clock.Now().UTC().Date()
	return date.Of(y, m, d)
}

// supervisedApplication reads the application u supervises, with the ids
// under which its portfolio names them. Anyone else, and anyone once the
// application is decided, is told there is no such application: the same
// answer as for an id that does not exist.
func (b *Board) supervisedApplication(ctx context.Context, u *auth.User, id int64) (*Application, []string, error) {
	hidden := notVisible(id)
	app, err := b.store.Application(ctx, id)
	if err != nil {
		if errors.Is(err, certboard.ErrNotFound) {
			return nil, nil, hidden
		}
		return nil, nil, err
	}
	if !u.HasRole(auth.Supervisor) || app.ApplicantID == u.ID || app.State.Final() {
		return nil, nil, hidden
	}
	refs, err := b.supRefs(ctx, u, app.ID)
	if err != nil {
		return nil, nil, err
	}
	if len(refs) == 0 {
		return nil, nil, hidden
	}
	return app, refs, nil
}

// supRefs returns the ids under which the portfolio names the user as a
// supervisor.
func (b *Board) supRefs(ctx context.Context, u *auth.User, appID int64) ([]string, error) {
	links, err := b.store.Supervisors(ctx, appID)
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, l := range links {
		if strings.EqualFold(l.Email, u.Email) {
			refs = append(refs, l.Ref)
		}
	}
	return refs, nil
}

// supTargets decodes the portfolios a supervisor's change goes into: the
// live one while the application is open, the snapshot while the board
// judges it. Either may be nil.
func supTargets(app *Application) (live, snap *portfolio.Portfolio, err error) {
	if app.State.Final() {
		return nil, nil, &certboard.Error{Code: certboard.Conflict, Title: "Application decided",
			Message: fmt.Sprintf("application %d is %s; its evidence can no longer change", app.ID, app.State.Words())}
	}
	if live, err = portfolio.DecodeStored(app.Portfolio); err != nil {
		return nil, nil, fmt.Errorf("application %d: live portfolio: %w", app.ID, err)
	}
	if len(app.Snapshot) > 0 && slices.Contains(supFrozenStates, app.State) {
		if snap, err = portfolio.DecodeStored(app.Snapshot); err != nil {
			return nil, nil, fmt.Errorf("application %d: snapshot: %w", app.ID, err)
		}
	}
	return live, snap, nil
}

// supApplyDecision records a decision in p when the item names one of refs
// and the decision is allowed; it reports whether the item is the
// supervisor's and whether the decision was recorded, with the state before.
func supApplyDecision(p *portfolio.Portfolio, refs []string, id string, v portfolio.Verification, sig string) (mine, done bool, before portfolio.State) {
	if p == nil {
		return false, false, ""
	}
	sessions, clinical, contracts := supMine(p, refs)
	for _, it := range slices.Concat(sessions, clinical, contracts) {
		if it.ID != id {
			continue
		}
		confirm, dispute := supAllowed(it.Verification, sig)
		if (v.State == portfolio.Verified && !confirm) || (v.State == portfolio.Rejected && !dispute) {
			return true, false, it.Verification.EffectiveState()
		}
		before = it.Verification.EffectiveState()
		_ = portfolio.SetVerification(p, id, v) // the item exists: supMine found it
		return true, true, before
	}
	return false, false, ""
}

// supKind names an item for people.
func supKind(p *portfolio.Portfolio, id string) string {
	it, ok := portfolio.Find(p, id)
	if !ok {
		return "item " + id
	}
	switch it.List {
	case "supervision_sessions":
		return "supervision session " + id
	case "clinical_hours":
		return "clinical hours " + id
	case "supervision_contracts":
		return "supervision contract " + id
	}
	return "item " + id
}

// supInvalid is input the rules refuse (422), naming its field.
func supInvalid(field, how string) *certboard.Error {
	return certboard.FieldError(certboard.Invalid, field, how)
}

// Attest records a supervisor's confirmation or dispute of an item of
// evidence that names them: in one transaction the version-guarded change
// of the portfolio and snapshot, the history event, the audit entry and,
// for a dispute, mail to the applicant. It returns the application's new
// version.
func (b *Board) Attest(ctx context.Context, u *auth.User, appID int64, d Attestation) (int, error) {
	d.Reason = strings.TrimSpace(d.Reason)
	var state portfolio.State
	switch d.Decision {
	case "confirm":
		state = portfolio.Verified
	case "dispute":
		state = portfolio.Rejected
		if d.Reason == "" {
			return 0, supInvalid("reason", "say what is not right about this item, so that the applicant can correct it").WithTitle("Reason required")
		}
	default:
		return 0, supInvalid("decision", "give confirm or dispute")
	}
	if len(d.Reason) > 2000 {
		return 0, supInvalid("reason", "write at most 2000 characters")
	}
	app, refs, err := b.supervisedApplication(ctx, u, appID)
	if err != nil {
		return 0, err
	}
	live, snap, err := supTargets(app)
	if err != nil {
		return 0, err
	}
	sig, today := supSignature(u), b.supToday()
	v := portfolio.Verification{State: state, By: sig, At: today, Note: d.Reason}
	mineLive, doneLive, before := supApplyDecision(live, refs, d.Item, v, sig)
	mineSnap, doneSnap, beforeSnap := supApplyDecision(snap, refs, d.Item, v, sig)
	if !mineLive && !mineSnap {
		return 0, &certboard.Error{Code: certboard.NotFound, Title: "Item not found",
			Message: fmt.Sprintf("application %d has no session, clinical hours or contract %q under your supervision", app.ID, d.Item)}
	}
	if !doneLive && !mineLive || !doneLive && doneSnap {
		before = beforeSnap
	}
	if !doneLive && !doneSnap {
		detail := fmt.Sprintf("%s is already %s by someone else; only the board's staff can change it now", d.Item, before)
		if before == state {
			detail = fmt.Sprintf("%s is already %s", d.Item, before)
		}
		return 0, &certboard.Error{Code: certboard.Conflict, Title: "Already decided", Message: detail}
	}
	var liveJSON, snapJSON []byte
	if doneLive {
		if liveJSON, err = portfolio.Encode(live); err != nil {
			return 0, err
		}
	}
	if doneSnap {
		if snapJSON, err = portfolio.Encode(snap); err != nil {
			return 0, err
		}
	}
	what := supKind(live, d.Item)
	if !mineLive {
		what = supKind(snap, d.Item)
	}
	now := b.clock.Now()
	verb := map[string]string{"confirm": "confirmed", "dispute": "disputed"}[d.Decision]
	message := fmt.Sprintf("%s %s %s", u.Name, verb, what)
	if d.Reason != "" {
		message += ": " + d.Reason
	}
	var version int
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if version, err = tx.SaveSupervisedEvidence(ctx, app.ID, d.Version, liveJSON, snapJSON, now); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: app.ID, At: now, ActorID: u.ID, Action: "supervision." + d.Decision,
			Message: message}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "supervision." + d.Decision,
			Subject: fmt.Sprintf("application/%d", app.ID), Before: d.Item + ": " + string(before), After: d.Item + ": " + string(state)}); err != nil {
			return err
		}
		if d.Decision != "dispute" {
			return nil
		}
		return supMail(ctx, tx, app.ApplicantEmail, notify.SupervisionDisputed{Applicant: app.ApplicantName, Supervisor: u.Name, App: app.ID,
			Set: app.SetID, What: what, Reason: d.Reason, Link: fmt.Sprintf("%s/applications/%d", b.PublicURL(), app.ID)}, now)
	})
	return version, err
}

// RecordContract adds a supervision contract, signed by the supervisor, to
// the application's evidence: the live portfolio and, while the board
// judges it, the snapshot, with the history event, the audit entry and mail
// to the applicant, in one transaction. It returns the contract and the
// application's new version.
func (b *Board) RecordContract(ctx context.Context, u *auth.User, appID int64, in ContractInput) (*portfolio.Contract, int, error) {
	app, refs, err := b.supervisedApplication(ctx, u, appID)
	if err != nil {
		return nil, 0, err
	}
	if in.Supervisor == "" && len(refs) == 1 {
		in.Supervisor = refs[0]
	}
	if !slices.Contains(refs, in.Supervisor) {
		return nil, 0, supInvalid("supervisor", "choose one of the supervisor entries that name you: "+strings.Join(refs, ", "))
	}
	start, err := date.Parse(strings.TrimSpace(in.Start))
	if err != nil {
		return nil, 0, supInvalid("start", "give the date the contract began, as YYYY-MM-DD")
	}
	var end date.Date
	if e := strings.TrimSpace(in.End); e != "" {
		if end, err = date.Parse(e); err != nil {
			return nil, 0, supInvalid("end", "give the date the contract ended as YYYY-MM-DD, or leave it empty if it is ongoing")
		}
		if end.Before(start) {
			return nil, 0, supInvalid("end", "the end is before the start")
		}
	}
	live, snap, err := supTargets(app)
	if err != nil {
		return nil, 0, err
	}
	in.SuperviseeMembership = strings.TrimSpace(in.SuperviseeMembership)
	if m := in.SuperviseeMembership; m != "" {
		for _, p := range []*portfolio.Portfolio{live, snap} {
			if p == nil {
				continue
			}
			if it, ok := portfolio.Find(p, m); !ok || it.List != "memberships" {
				return nil, 0, supInvalid("supervisee_membership", fmt.Sprintf("the portfolio has no membership %q; choose one of the applicant's memberships or none", m))
			}
		}
	}
	id := supNewContractID(live, snap)
	k := portfolio.Contract{ID: id, Supervisor: in.Supervisor, Start: start, End: end, SuperviseeMembership: in.SuperviseeMembership,
		Verification: portfolio.Verification{State: portfolio.Verified, By: supSignature(u), At: b.supToday(), Note: "recorded by the supervisor"}}
	var liveJSON, snapJSON []byte
	live.Contracts = append(live.Contracts, k)
	if liveJSON, err = portfolio.Encode(live); err != nil {
		return nil, 0, err
	}
	if snap != nil {
		snap.Contracts = append(snap.Contracts, k)
		if snapJSON, err = portfolio.Encode(snap); err != nil {
			return nil, 0, err
		}
	}
	now := b.clock.Now()
	period := start.String() + " to " + end.String()
	if end.IsZero() {
		period = "from " + start.String()
	}
	var version int
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if version, err = tx.SaveSupervisedEvidence(ctx, app.ID, in.Version, liveJSON, snapJSON, now); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: app.ID, At: now, ActorID: u.ID, Action: "supervision.contract",
			Message: fmt.Sprintf("%s recorded supervision contract %s, %s", u.Name, id, period)}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "supervision.contract",
			Subject: fmt.Sprintf("application/%d", app.ID), After: id + ": " + period}); err != nil {
			return err
		}
		return supMail(ctx, tx, app.ApplicantEmail, notify.SupervisionContractRecorded{Applicant: app.ApplicantName, Supervisor: u.Name,
			App: app.ID, Set: app.SetID, Contract: id, Period: period, Link: fmt.Sprintf("%s/applications/%d", b.PublicURL(), app.ID)}, now)
	})
	if err != nil {
		return nil, 0, err
	}
	return &k, version, nil
}

// supNewContractID is the first contract id free in both portfolios.
func supNewContractID(live, snap *portfolio.Portfolio) string {
	for n := 1; ; n++ {
		id := "con-" + strconv.Itoa(n)
		_, inLive := portfolio.Find(supOrEmpty(live), id)
		_, inSnap := portfolio.Find(supOrEmpty(snap), id)
		if !inLive && !inSnap {
			return id
		}
	}
}

// supOrEmpty turns a nil portfolio into an empty one, for lookups.
func supOrEmpty(p *portfolio.Portfolio) *portfolio.Portfolio {
	if p == nil {
		return &portfolio.Portfolio{}
	}
	return p
}

// supMail renders a mail and puts it in the outbox inside tx, so that it is
// sent exactly when the change it tells of commits.
func supMail(ctx context.Context, tx Tx, to string, m notify.Mail, now time.Time) error {
	msg, err := notify.Render(to, m)
	if err != nil {
		return err
	}
	_, err = tx.EnqueueMail(ctx, jobs.Mail{To: msg.To, Subject: msg.Subject, Body: msg.Body, CreatedAt: now})
	return err
}
