package board

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
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

// StaffCanVerify reports whether evidence may be verified in a state: while
// staff review it, wait for information, or peer reviewers look at it.
func StaffCanVerify(state State) bool {
	switch state {
	case UnderReview, InfoRequested, PeerReview:
		return true
	}
	return false
}

// SameItem reports whether two items are the same apart from their
// verification, so that a verification of one may be copied to the other.
func SameItem(a, b any) bool {
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false
	}
	strip := func(item any) []byte {
		v := reflect.New(reflect.TypeOf(item).Elem()).Elem()
		v.Set(reflect.ValueOf(item).Elem())
		if f := v.FieldByName("Verification"); f.IsValid() {
			f.Set(reflect.Zero(f.Type()))
		}
		out, _ := json.Marshal(v.Interface())
		return out
	}
	return bytes.Equal(strip(a), strip(b))
}

// ItemLabel describes an evidence item in one line.
func ItemLabel(item any) string {
	period := func(from, to date.Date) string {
		switch {
		case from.IsZero():
			return ""
		case to.IsZero():
			return "from " + from.String()
		}
		return from.String() + " to " + to.String()
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	join := func(parts ...string) string {
		var out []string
		for _, p := range parts {
			if strings.TrimSpace(p) != "" {
				out = append(out, p)
			}
		}
		return strings.Join(out, " · ")
	}
	w := func(s string) string { return strings.ReplaceAll(s, "_", " ") }
	switch v := item.(type) {
	case *portfolio.Degree:
		return join(w(v.Level)+" in "+v.Field, v.Institution, "conferred "+v.Conferred.String())
	case *portfolio.License:
		return join(v.Title, w(v.Profession)+" license "+v.Number, v.Jurisdiction, period(v.ValidFrom, v.ValidTo))
	case *portfolio.Membership:
		return join(v.Organization, v.Category, period(v.From, v.To))
	case *portfolio.Insurance:
		return join(v.Carrier, v.Policy, period(v.From, v.To))
	case *portfolio.Experience:
		return join(w(v.Role), v.Employer, period(v.From, v.To), num(v.HoursPerWeek)+" h/week")
	case *portfolio.Credential:
		return join(v.Type, v.Body, v.Number, period(v.ValidFrom, v.ValidTo))
	case *portfolio.Activity:
		return join(v.Title, v.Provider.Name, w(v.Kind), w(v.Delivery), v.Date.String(), num(v.Hours)+" h")
	case *portfolio.ClinicalHours:
		when := v.Date.String()
		if v.Date.IsZero() {
			when = period(v.From, v.To)
		}
		return join(num(v.Hours)+" h", w(v.Modality), v.ClientJurisdiction, when)
	case *portfolio.Supervisor:
		return join(v.Name, v.Practice)
	case *portfolio.Contract:
		return join("with "+v.Supervisor, period(v.Start, v.End))
	case *portfolio.Session:
		return join(v.Date.String(), num(v.Hours)+" h", v.Format, w(v.Content), "with "+v.Supervisor)
	case *portfolio.SupervisionGiven:
		return join(v.Date.String(), num(v.Hours)+" h", v.Format, "to "+v.Supervisee)
	case *portfolio.Attestation:
		return join(v.Code, v.Version, "signed "+v.Signed.String())
	case *portfolio.Document:
		return join(w(v.Kind), v.Title, "received "+v.Received.String())
	case *portfolio.PeerReview:
		return join(v.Kind, v.ReviewerName, v.Outcome, v.Date.String())
	}
	return portfolio.ItemID(item)
}

// verifyingApplication reads an application whose evidence a member of
// staff verifies: never their own, and only while the board judges the
// submitted snapshot.
func (b *Board) verifyingApplication(ctx context.Context, by *auth.User, id int64) (*Application, error) {
	app, err := b.staffApplication(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !StaffCanVerify(app.State) || len(app.Snapshot) == 0 {
		hint := ""
		if app.State == Submitted {
			hint = "; start the review first"
		}
		return nil, refused(certboard.Conflict, fmt.Sprintf(
			"evidence is verified while an application is under review, waiting for information or in peer review; this application is %s%s",
			app.State.Words(), hint))
	}
	return app, nil
}

// verificationDecision reads staff's decision on evidence ("verify" or
// "reject") and its reason, trimmed: required to reject, since the
// applicant is mailed it, and at most 2000 characters.
func verificationDecision(decision, reason string) (portfolio.State, string, error) {
	state := map[string]portfolio.State{"verify": portfolio.Verified, "reject": portfolio.Rejected}[decision]
	if state == "" {
		return "", "", certboard.FieldError(certboard.Malformed, "decision", "choose verify or reject")
	}
	reason = strings.TrimSpace(reason)
	if state == portfolio.Rejected && reason == "" {
		return "", "", certboard.FieldError(certboard.Malformed, "reason", "say why the evidence is rejected; the applicant will read it")
	}
	if len(reason) > 2000 {
		return "", "", certboard.FieldError(certboard.Malformed, "reason", "write at most 2000 characters")
	}
	return state, reason, nil
}

// VerifyItem records staff's verification or rejection (decision "verify"
// or "reject", with a reason the applicant is mailed) of one evidence item
// of the submitted snapshot, guarded by the application's version, and
// copies it to the live portfolio when the applicant's item there is still
// the same, so that they see it and keep it on resubmission. It returns
// the new version.
func (b *Board) VerifyItem(ctx context.Context, by *auth.User, appID int64, itemID, decision, reason string, version int) (int, error) {
	app, err := b.verifyingApplication(ctx, by, appID)
	if err != nil {
		return 0, err
	}
	state, reason, err := verificationDecision(decision, reason)
	if err != nil {
		return 0, err
	}
	snap, err := portfolio.DecodeStored(app.Snapshot)
	if err != nil {
		return 0, fmt.Errorf("application %d: the snapshot no longer decodes: %w", app.ID, err)
	}
	it, ok := portfolio.Find(snap, itemID)
	if !ok {
		return 0, fmt.Errorf("the submitted evidence of application %d has no item %q: %w", app.ID, itemID, certboard.ErrNotFound)
	}
	if doc, isDoc := it.Value.(*portfolio.Document); isDoc && state == portfolio.Verified {
		docs, err := b.store.Documents(ctx, app.ID)
		if err != nil {
			return 0, err
		}
		if !FilesHeld(docs)[doc.ID] {
			return 0, noFile(doc)
		}
	}
	before := portfolio.VerificationOf(it.Value).EffectiveState()
	msg := itemID + " verified"
	if state == portfolio.Rejected {
		msg = itemID + " rejected: " + reason
	}
	ver := portfolio.Verification{State: state, By: by.Name, At: b.Today(), Note: reason}
	return b.saveVerifications(ctx, by, app, version, snap, []string{itemID}, ver,
		Event{Action: decision + "_item", Message: msg},
		audit.Entry{Action: "application.item." + decision, Subject: fmt.Sprintf("application/%d/item/%s", app.ID, itemID), Before: string(before), After: string(state)})
}

// noFile refuses to verify a document item whose file was never
// uploaded: there is nothing to check.
func noFile(doc *portfolio.Document) error {
	return certboard.FieldError(certboard.Invalid, "decision", fmt.Sprintf(
		"%q has no file uploaded, so there is nothing to verify; ask the applicant to upload it (request information), then verify it",
		DocumentName(doc)))
}

// ListVerification is what VerifyList decided.
type ListVerification struct {
	// Decided are the ids of the items verified or rejected.
	Decided []string
	// Skipped are the document items left claimed because no file was
	// uploaded for them (only when verifying).
	Skipped []*portfolio.Document
	// Version is the application's new version.
	Version int
}

// VerifyList verifies (decision "verify" or "") or rejects ("reject", with
// a reason the applicant is mailed) every claimed item of one list of the
// snapshot (copied to the live portfolio where the applicant's item is
// unchanged). Verifying documents skips those without a file, which stay
// claimed and are named in the result; when every claimed document lacks
// its file, nothing is changed and the error names them.
func (b *Board) VerifyList(ctx context.Context, by *auth.User, appID int64, list, decision, note string, version int) (*ListVerification, error) {
	app, err := b.verifyingApplication(ctx, by, appID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(portfolio.Lists(), list) {
		return nil, certboard.FieldError(certboard.Invalid, "list", fmt.Sprintf("%q is not an evidence list; use one of %s", list, strings.Join(portfolio.Lists(), ", ")))
	}
	if decision == "" {
		decision = "verify"
	}
	state, note, err := verificationDecision(decision, note)
	if err != nil {
		return nil, err
	}
	snap, err := portfolio.DecodeStored(app.Snapshot)
	if err != nil {
		return nil, err
	}
	var held map[string]bool
	if list == "documents" && state == portfolio.Verified {
		docs, err := b.store.Documents(ctx, app.ID)
		if err != nil {
			return nil, err
		}
		held = FilesHeld(docs)
	}
	res := &ListVerification{}
	var ids []string
	for _, it := range portfolio.Items(snap, list) {
		if portfolio.VerificationOf(it.Value).EffectiveState() != portfolio.Claimed {
			continue
		}
		if doc, isDoc := it.Value.(*portfolio.Document); isDoc && held != nil && !held[doc.ID] {
			res.Skipped = append(res.Skipped, doc)
			continue
		}
		ids = append(ids, portfolio.ItemID(it.Value))
	}
	what := strings.ReplaceAll(list, "_", " ")
	if len(ids) == 0 && len(res.Skipped) > 0 {
		var names []string
		for _, d := range res.Skipped {
			names = append(names, fmt.Sprintf("%q", DocumentName(d)))
		}
		return nil, certboard.FieldError(certboard.Invalid, "list", fmt.Sprintf(
			"no document waiting for verification has its file uploaded (%s); ask the applicant to upload them (request information), then verify them",
			strings.Join(names, ", ")))
	}
	if len(ids) == 0 {
		return nil, certboard.FieldError(certboard.Invalid, "list", "no item of "+what+" is waiting for verification")
	}
	verb := map[portfolio.State]string{portfolio.Verified: "verify", portfolio.Rejected: "reject"}[state]
	msg := fmt.Sprintf("%s of %s %s: %s", certboard.Plural(len(ids), "item", "items"), what, state, strings.Join(ids, ", "))
	if state == portfolio.Rejected {
		msg += ": " + note
	}
	ver := portfolio.Verification{State: state, By: by.Name, At: b.Today(), Note: note}
	next, err := b.saveVerifications(ctx, by, app, version, snap, ids, ver,
		Event{Action: verb + "_items", Message: msg},
		audit.Entry{Action: "application.items." + verb, Subject: fmt.Sprintf("application/%d/list/%s", app.ID, list), Before: "claimed",
			After: string(state) + ": " + strings.Join(ids, ",")})
	if err != nil {
		return nil, err
	}
	res.Decided, res.Version = ids, next
	return res, nil
}

// saveVerifications records one verification on items of the submitted
// snapshot (already decoded as snap) and copies it to the live portfolio
// where the applicant's item is still the same, so that they see it and keep
// it on resubmission; then, in one transaction, both portfolios
// (version-guarded), the history event and the audit entry, whose time,
// actor and application it fills in, and, for a rejection, one mail to the
// applicant listing the items rejected with the reason. It returns the new
// version.
func (b *Board) saveVerifications(ctx context.Context, by *auth.User, app *Application, version int, snap *portfolio.Portfolio,
	ids []string, ver portfolio.Verification, ev Event, entry audit.Entry) (int, error) {
	live, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		return 0, err
	}
	liveChanged := false
	var rejected []notify.RejectedItem
	for _, id := range ids {
		it, ok := portfolio.Find(snap, id)
		if !ok {
			return 0, fmt.Errorf("the submitted evidence of application %d has no item %q: %w", app.ID, id, certboard.ErrNotFound)
		}
		rejected = append(rejected, notify.RejectedItem{ID: id, Label: ItemLabel(it.Value), Reason: ver.Note})
		if lit, ok := portfolio.Find(live, id); ok && SameItem(it.Value, lit.Value) {
			if err := portfolio.SetVerification(live, id, ver); err != nil {
				return 0, err
			}
			liveChanged = true
		}
		if err := portfolio.SetVerification(snap, id, ver); err != nil {
			return 0, err
		}
	}
	frozen, err := portfolio.Encode(snap)
	if err != nil {
		return 0, err
	}
	var liveData []byte
	if liveChanged {
		if liveData, err = portfolio.Encode(live); err != nil {
			return 0, err
		}
	}
	now := b.clock.Now()
	var next int
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if next, err = tx.SaveSnapshot(ctx, app.ID, version, frozen, now); err != nil {
			return err
		}
		if liveData != nil {
			if next, err = tx.SavePortfolio(ctx, app.ID, next, liveData, now); err != nil {
				return err
			}
		}
		ev.ApplicationID, ev.At, ev.ActorID = app.ID, now, by.ID
		if err := tx.AddEvent(ctx, ev); err != nil {
			return err
		}
		entry.At, entry.Actor = now, fmt.Sprintf("user/%d", by.ID)
		if _, err := tx.AppendAudit(ctx, entry); err != nil {
			return err
		}
		if ver.State != portfolio.Rejected {
			return nil
		}
		return notify.Enqueue(ctx, tx, app.ApplicantEmail, rejectionMail(app, rejected, fmt.Sprintf("%s/applications/%d", b.PublicURL(), app.ID)), now)
	})
	return next, err
}

// rejectionMail tells the applicant which evidence items staff rejected
// in one save, each with its reason, and where to correct them.
func rejectionMail(app *Application, items []notify.RejectedItem, link string) notify.EvidenceRejected {
	return notify.EvidenceRejected{Name: app.ApplicantName, App: app.ID, Items: items, Editable: Editable(app.State),
		State: app.State.Words(), Link: link}
}
