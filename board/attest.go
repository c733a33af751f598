package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
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
			Message: fmt.Sprintf("the application is %s; its evidence can no longer change", app.State.Words())}
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
// supervisor's and whether the decision was recorded, with the item's
// verification before.
func supApplyDecision(p *portfolio.Portfolio, refs []string, id string, v portfolio.Verification, sig string) (mine, done bool, before portfolio.Verification) {
	if p == nil {
		return false, false, before
	}
	sessions, clinical, contracts := supMine(p, refs)
	for _, it := range slices.Concat(sessions, clinical, contracts) {
		if it.ID != id {
			continue
		}
		confirm, dispute := supAllowed(it.Verification, sig)
		if (v.State == portfolio.Verified && !confirm) || (v.State == portfolio.Rejected && !dispute) {
			return true, false, it.Verification
		}
		before = it.Verification
		_ = portfolio.SetVerification(p, id, v) // the item exists: supMine found it
		return true, true, before
	}
	return false, false, before
}

// supNoun names the kind of an item for people, for one and for several.
func supNoun(p *portfolio.Portfolio, id string) (one, many string) {
	it, ok := portfolio.Find(supOrEmpty(p), id)
	if !ok {
		return "item", "items"
	}
	switch it.List {
	case "supervision_sessions":
		return "supervision session", "supervision sessions"
	case "clinical_hours":
		return "clinical hours", "clinical hours"
	case "supervision_contracts":
		return "supervision contract", "supervision contracts"
	}
	return "item", "items"
}

// supKind names an item for people: "supervision session ses-1".
func supKind(p *portfolio.Portfolio, id string) string {
	one, _ := supNoun(p, id)
	return one + " " + id
}

// supInvalid is input the rules refuse (422), naming its field.
func supInvalid(field, how string) *certboard.Error {
	return certboard.FieldError(certboard.Invalid, field, how)
}

// MaxAttestations is the most items a supervisor decides in one request
// (AttestMany): more than a year of weekly sessions with the clinical
// hours beside them, and few enough that the one transaction, with an
// audit entry per item, stays short.
const MaxAttestations = 200

// maxSupReason bounds a supervisor's reason, in bytes.
const maxSupReason = 2000

// ItemDecision is a supervisor's decision on one item of a batch.
type ItemDecision struct {
	Item     string
	Decision string // confirm or dispute
	// Reason says what is not right; a dispute without one takes the
	// batch's. On a confirmation it is kept as a note.
	Reason string
}

// AttestBatch is a supervisor's decisions on items of one application,
// taken together.
type AttestBatch struct {
	Decisions []ItemDecision
	// Reason is the reason of every dispute that gives none of its own.
	Reason string
	// Version is the application version the decisions were made on.
	Version int
}

// Attested is what a batch recorded: the items confirmed and those
// disputed, in the order given, and the application's new version.
type Attested struct {
	Confirmed, Disputed []string
	Version             int
}

// Attest records a supervisor's confirmation or dispute of one item of
// evidence that names them (AttestMany with one decision) and returns the
// application's new version.
func (b *Board) Attest(ctx context.Context, u *auth.User, appID int64, d Attestation) (int, error) {
	res, err := b.AttestMany(ctx, u, appID, AttestBatch{Decisions: []ItemDecision{{Item: d.Item, Decision: d.Decision, Reason: d.Reason}},
		Version: d.Version})
	if err != nil {
		return 0, err
	}
	return res.Version, nil
}

// supDecision is one decision of a batch, checked: what it records and,
// once applied, on what.
type supDecision struct {
	item, decision, reason string
	state                  portfolio.State
	// what names the item for people; before is its state before.
	what   string
	before portfolio.State
}

// supProblem is why one item of a batch cannot be decided.
type supProblem struct {
	item string
	err  *certboard.Error
}

// AttestMany records a supervisor's confirmations and disputes of items of
// evidence that name them, in one application, all or none. Each item must
// be a session, clinical hours or contract under the supervisor's
// supervision, in the live portfolio or the snapshot the board judges, on
// which the decision is allowed (a claimed item, or the supervisor's own
// earlier decision to change); a dispute needs a reason, its own or the
// batch's. When any item fails, nothing is recorded and the error names
// every item at fault (Fields, by item id), so that the supervisor can
// correct the batch and send it again; its code is the items' when they
// share one (NotFound, Conflict), Invalid otherwise. With one decision the
// error is that item's own, with Fields.
//
// In one transaction it writes the version-guarded change of the portfolio
// and snapshot, a history event per decision and reason ("confirmed 12
// items: ..."), an audit entry per item and, when something is disputed,
// one mail to the applicant listing what was disputed.
func (b *Board) AttestMany(ctx context.Context, u *auth.User, appID int64, in AttestBatch) (*Attested, error) {
	decisions, err := supCheckBatch(in)
	if err != nil {
		return nil, err
	}
	app, refs, err := b.supervisedApplication(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	live, snap, err := supTargets(app)
	if err != nil {
		return nil, err
	}
	sig, today := supSignature(u), b.supToday()
	var problems []supProblem
	changedLive, changedSnap := false, false
	for i := range decisions {
		d := &decisions[i]
		v := portfolio.Verification{State: d.state, By: sig, At: today, Note: d.reason}
		mineLive, doneLive, before := supApplyDecision(live, refs, d.item, v, sig)
		mineSnap, doneSnap, beforeSnap := supApplyDecision(snap, refs, d.item, v, sig)
		if !mineLive && !mineSnap {
			problems = append(problems, supProblem{d.item, &certboard.Error{Code: certboard.NotFound, Title: "Item not found",
				Message: fmt.Sprintf("the application has no session, clinical hours or contract %q under your supervision", d.item)}})
			continue
		}
		if !doneLive && !mineLive || !doneLive && doneSnap {
			before = beforeSnap
		}
		was := before.EffectiveState()
		if !doneLive && !doneSnap {
			detail := fmt.Sprintf("%s is already %s by someone else; only the board's staff can change it now", d.item, was)
			if before.By == sig {
				detail = fmt.Sprintf("%s is already %s by you", d.item, was)
			}
			problems = append(problems, supProblem{d.item, &certboard.Error{Code: certboard.Conflict, Title: "Already decided", Message: detail}})
			continue
		}
		changedLive, changedSnap = changedLive || doneLive, changedSnap || doneSnap
		d.before, d.what = was, supKind(live, d.item)
		if !mineLive {
			d.what = supKind(snap, d.item)
		}
	}
	if len(problems) > 0 {
		return nil, supBatchError(problems, len(decisions))
	}
	var liveJSON, snapJSON []byte
	if changedLive {
		if liveJSON, err = portfolio.Encode(live); err != nil {
			return nil, err
		}
	}
	if changedSnap {
		if snapJSON, err = portfolio.Encode(snap); err != nil {
			return nil, err
		}
	}
	res := &Attested{}
	for _, d := range decisions {
		if d.decision == "confirm" {
			res.Confirmed = append(res.Confirmed, d.item)
		} else {
			res.Disputed = append(res.Disputed, d.item)
		}
	}
	now := b.clock.Now()
	actor := fmt.Sprintf("user/%d", u.ID)
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if res.Version, err = tx.SaveSupervisedEvidence(ctx, app.ID, in.Version, liveJSON, snapJSON, now); err != nil {
			return err
		}
		for _, ev := range supEvents(u.Name, live, snap, decisions) {
			ev.ApplicationID, ev.At, ev.ActorID = app.ID, now, u.ID
			if err := tx.AddEvent(ctx, ev); err != nil {
				return err
			}
		}
		for _, d := range decisions {
			if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor, Action: "supervision." + d.decision,
				Subject: fmt.Sprintf("application/%d", app.ID), Before: d.item + ": " + string(d.before), After: d.item + ": " + string(d.state)}); err != nil {
				return err
			}
		}
		if m := supDisputeMail(app, b.setTitle(app.SetID), u, decisions, fmt.Sprintf("%s/applications/%d", b.PublicURL(), app.ID)); m != nil {
			return notify.Enqueue(ctx, tx, app.ApplicantEmail, m, now)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// supCheckBatch checks what a batch asks for, before anything is read:
// at least one item and at most MaxAttestations, each once, each decision
// confirm or dispute, and a reason for every dispute.
func supCheckBatch(in AttestBatch) ([]supDecision, error) {
	n := len(in.Decisions)
	switch {
	case n == 0:
		return nil, supInvalid("items", "select at least one session or block of clinical hours to confirm or dispute").WithTitle("Nothing selected")
	case n > MaxAttestations:
		return nil, supInvalid("items", fmt.Sprintf("decide at most %d items at once; %d were sent", MaxAttestations, n)).WithTitle("Too many items")
	}
	shared := strings.TrimSpace(in.Reason)
	if len(shared) > maxSupReason {
		return nil, supInvalid("reason", fmt.Sprintf("write at most %d characters", maxSupReason))
	}
	out := make([]supDecision, 0, n)
	seen := map[string]bool{}
	var problems []supProblem
	var unexplained []string
	for _, d := range in.Decisions {
		item, reason := strings.TrimSpace(d.Item), strings.TrimSpace(d.Reason)
		if item == "" {
			return nil, supInvalid("items", "an item without an id was sent; give each item's id")
		}
		var state portfolio.State
		switch d.Decision {
		case "confirm":
			state = portfolio.Verified
		case "dispute":
			state = portfolio.Rejected
			if reason == "" {
				reason = shared
			}
			if reason == "" {
				unexplained = append(unexplained, item)
			}
		default:
			problems = append(problems, supProblem{item, supInvalid("decision", "give confirm or dispute")})
			continue
		}
		switch {
		case len(reason) > maxSupReason:
			problems = append(problems, supProblem{item, supInvalid("reason", fmt.Sprintf("write at most %d characters", maxSupReason))})
		case seen[item]:
			problems = append(problems, supProblem{item, supInvalid("items", fmt.Sprintf("%s is given more than once; decide each item once", item))})
		}
		seen[item] = true
		out = append(out, supDecision{item: item, decision: d.Decision, reason: reason, state: state})
	}
	if len(problems) > 0 {
		return nil, supBatchError(problems, n)
	}
	if len(unexplained) > 0 {
		how := "say what is not right about this item, so that the applicant can correct it"
		if n > 1 {
			have := "have"
			if len(unexplained) == 1 {
				have = "has"
			}
			how = fmt.Sprintf("say what is not right about the items you dispute, so that the applicant can correct them: one reason for all, or one for each (%s %s none)",
				strings.Join(unexplained, ", "), have)
		}
		return nil, supInvalid("reason", how).WithTitle("Reason required")
	}
	return out, nil
}

// supBatchError is the one error refusing a batch of n decisions for its
// problems: with one decision, that item's own (naming it in Fields as
// well); otherwise one naming every item at fault in its message and in
// Fields (by item id), with the code the problems share, or Invalid when
// they differ.
func supBatchError(problems []supProblem, n int) *certboard.Error {
	if n == 1 {
		e := *problems[0].err
		e.Fields = map[string]string{problems[0].item: e.Message}
		return &e
	}
	code := problems[0].err.Code
	fields := map[string]string{}
	msgs := make([]string, 0, len(problems))
	for _, p := range problems {
		if p.err.Code != code {
			code = certboard.Invalid
		}
		msg := p.err.Message
		if !strings.Contains(msg, p.item) {
			msg = p.item + ": " + msg
		}
		fields[p.item], msgs = msg, append(msgs, msg)
	}
	return &certboard.Error{Code: code, Title: "Nothing recorded", Fields: fields,
		Message: fmt.Sprintf("%d of the %d items cannot be decided, so none was recorded: %s", len(problems), n, strings.Join(msgs, "; "))}
}

// supEvents are the history events of a batch: one per decision and
// reason, naming the items ("Ana Lee confirmed supervision session ses-1";
// "Ana Lee confirmed 12 items: supervision sessions ses-1, ses-2; clinical
// hours clin-1"), in the order the decisions first came.
func supEvents(name string, live, snap *portfolio.Portfolio, decisions []supDecision) []Event {
	type group struct {
		decision, reason string
		items            []supDecision
	}
	var groups []*group
	for _, d := range decisions {
		i := slices.IndexFunc(groups, func(g *group) bool { return g.decision == d.decision && g.reason == d.reason })
		if i < 0 {
			groups = append(groups, &group{decision: d.decision, reason: d.reason})
			i = len(groups) - 1
		}
		groups[i].items = append(groups[i].items, d)
	}
	verbs := map[string]string{"confirm": "confirmed", "dispute": "disputed"}
	events := make([]Event, 0, len(groups))
	for _, g := range groups {
		what := g.items[0].what
		if len(g.items) > 1 {
			what = fmt.Sprintf("%d items: %s", len(g.items), supList(live, snap, g.items))
		}
		msg := name + " " + verbs[g.decision] + " " + what
		if g.reason != "" {
			msg += ": " + g.reason
		}
		events = append(events, Event{Action: "supervision." + g.decision, Message: msg})
	}
	return events
}

// supList names items grouped by kind, in the order each kind first
// comes: "supervision sessions ses-1, ses-2; clinical hours clin-1".
func supList(live, snap *portfolio.Portfolio, items []supDecision) string {
	type kind struct {
		one, many string
		ids       []string
	}
	var kinds []*kind
	for _, d := range items {
		p := live
		if _, ok := portfolio.Find(supOrEmpty(live), d.item); !ok {
			p = snap
		}
		one, many := supNoun(p, d.item)
		i := slices.IndexFunc(kinds, func(k *kind) bool { return k.one == one })
		if i < 0 {
			kinds = append(kinds, &kind{one: one, many: many})
			i = len(kinds) - 1
		}
		kinds[i].ids = append(kinds[i].ids, d.item)
	}
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		noun := k.one
		if len(k.ids) > 1 {
			noun = k.many
		}
		parts = append(parts, noun+" "+strings.Join(k.ids, ", "))
	}
	return strings.Join(parts, "; ")
}

// supDisputeMail is the mail telling the applicant what the supervisor
// disputed in a batch: nil when nothing was, the one-item mail for one
// item, a list for several; set is the title of the requirement set
// applied for.
func supDisputeMail(app *Application, set string, u *auth.User, decisions []supDecision, link string) notify.Mail {
	var disputed []supDecision
	for _, d := range decisions {
		if d.decision == "dispute" {
			disputed = append(disputed, d)
		}
	}
	switch len(disputed) {
	case 0:
		return nil
	case 1:
		return notify.SupervisionDisputed{Applicant: app.ApplicantName, Supervisor: u.Name, App: app.ID, Set: set,
			What: disputed[0].what, Reason: disputed[0].reason, Link: link}
	}
	m := notify.SupervisionDisputedItems{Applicant: app.ApplicantName, Supervisor: u.Name, App: app.ID, Set: set, Link: link,
		Reason: disputed[0].reason}
	for _, d := range disputed {
		if d.reason != m.Reason {
			m.Reason = ""
		}
	}
	for _, d := range disputed {
		it := notify.DisputedItem{What: d.what}
		if m.Reason == "" {
			it.Reason = d.reason
		}
		m.Items = append(m.Items, it)
	}
	return m
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
		return notify.Enqueue(ctx, tx, app.ApplicantEmail, notify.SupervisionContractRecorded{Applicant: app.ApplicantName, Supervisor: u.Name,
			App: app.ID, Set: b.setTitle(app.SetID), Contract: id, Period: period, Link: fmt.Sprintf("%s/applications/%d", b.PublicURL(), app.ID)}, now)
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
