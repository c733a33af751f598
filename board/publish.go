package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// An admin uploads a requirement-set version as a draft (its YAML checked
// by the loader and against the versions in force), previews how it would
// change the verdicts of the set's applications, and publishes it: the
// upload is marked published in one transaction, then the catalog in force
// is swapped for one holding the version too.

// publishMu makes publications of requirement-set versions one at a time,
// so that two publications never swap the catalog from the same base.
var publishMu sync.Mutex

// UploadFile is the name under which an upload's YAML is read, for the
// loader's messages (file:line).
func UploadFile(up *SetUpload) string {
	return fmt.Sprintf("upload-%d.yaml", up.ID)
}

// refusedSet is a requirement set refused, with the loader's problems,
// which travel to problem+json as "problems".
func refusedSet(code certboard.Code, detail string, ps requirements.Problems) *certboard.Error {
	e := &certboard.Error{Code: code, Title: "Requirement set refused", Message: detail}
	if len(ps) > 0 {
		e.Extra = map[string]any{"problems": ps}
	}
	return e
}

// UploadSet checks a set's YAML with the loader (file names it in the
// problems) and against the versions in force, and stores it as a draft
// with an audit entry; nothing is stored when it is refused.
func (b *Board) UploadSet(ctx context.Context, by *auth.User, file string, data []byte) (*SetUpload, error) {
	if err := mayAdminister(by); err != nil {
		return nil, err
	}
	if strings.TrimSpace(string(data)) == "" {
		return nil, certboard.FieldError(certboard.Invalid, "yaml", "give the requirement set, as a file or pasted").WithTitle("Requirement set refused")
	}
	set, err := requirements.Parse(file, data)
	var ps requirements.Problems
	if errors.Is(err, requirements.ErrLimit) && errors.As(err, &ps) {
		// Over a size or nesting limit (400), named by the detail.
		first := ps[slices.IndexFunc(ps, func(p requirements.Problem) bool { return errors.Is(p, requirements.ErrLimit) })]
		return nil, refusedSet(certboard.Malformed, first.Error()+"; nothing was stored.", ps)
	}
	if errors.As(err, &ps) {
		return nil, refusedSet(certboard.Invalid, fmt.Sprintf("The set has %d problem(s); nothing was stored.", len(ps)), ps)
	}
	if err != nil {
		return nil, err
	}
	if _, err := b.Catalog().With(set); err != nil {
		if errors.As(err, &ps) {
			return nil, refusedSet(certboard.Invalid, "The set does not fit the versions in force; nothing was stored.", ps)
		}
		return nil, err
	}
	up := SetUpload{SetID: set.ID, Version: set.Version, YAML: string(data), UploadedBy: by.ID, UploadedAt: b.clock.Now()}
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if up.ID, err = tx.CreateSetUpload(ctx, up); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, adminEntry(up.UploadedAt, by, "requirement_set.upload", fmt.Sprintf("requirement_set_upload/%d", up.ID),
			"", set.ID+" "+set.Version))
		return err
	})
	if isConflict(err) {
		return nil, &certboard.Error{Code: certboard.Conflict, Title: "Requirement set refused",
			Message: fmt.Sprintf("Version %q of %s was uploaded before (see the list of uploads); give this one another version.", set.Version, set.ID)}
	}
	if err != nil {
		return nil, err
	}
	return &up, nil
}

// SetUploads lists the uploads for an admin: the published ones in the
// order they were published, then the drafts.
func (b *Board) SetUploads(ctx context.Context, by *auth.User) ([]*SetUpload, error) {
	if err := mayAdminister(by); err != nil {
		return nil, err
	}
	return b.store.SetUploads(ctx, false)
}

// SetUpload reads an upload for an admin and parses its YAML: NotFound when
// there is none, Invalid when it no longer loads.
func (b *Board) SetUpload(ctx context.Context, by *auth.User, id int64) (*SetUpload, *requirements.Set, error) {
	if err := mayAdminister(by); err != nil {
		return nil, nil, err
	}
	if id <= 0 {
		return nil, nil, uploadNotFound(strconv.FormatInt(id, 10))
	}
	up, err := b.store.SetUploadByID(ctx, id)
	if isNotFound(err) {
		return nil, nil, &certboard.Error{Code: certboard.NotFound, Title: "Upload not found", Message: fmt.Sprintf("No upload has id %d.", id)}
	}
	if err != nil {
		return nil, nil, err
	}
	set, err := requirements.Parse(UploadFile(up), []byte(up.YAML))
	if err != nil {
		return nil, nil, &certboard.Error{Code: certboard.Invalid, Title: "The upload no longer loads",
			Message: "This version of certboard reads the upload differently:\n" + err.Error()}
	}
	return up, set, nil
}

// uploadNotFound answers an upload id that names none, as it was given.
func uploadNotFound(raw string) *certboard.Error {
	return &certboard.Error{Code: certboard.NotFound, Title: "Upload not found", Message: "No upload has id " + strconv.Quote(raw) + "."}
}

// Preview is how publishing an upload would change the verdicts of the
// applications of its set, judged today.
type Preview struct {
	Upload *SetUpload
	Set    *requirements.Set
	AsOf   date.Date
	// Open are submitted applications not yet decided, Drafts the ones not
	// yet submitted; only those whose verdict would change are listed.
	Open, Drafts []PreviewRow
	// OpenCount and DraftCount count the applications judged.
	OpenCount, DraftCount int
	// NotEvaluated are applications that could not be judged, with why.
	NotEvaluated []PreviewRow
	// Publishable says whether the upload can be published now; when not
	// (and it is a draft), PublishProblem says why.
	Publishable    bool
	PublishProblem string
}

// PreviewRow is one application whose verdict would change (or that could
// not be judged: Problem says why).
type PreviewRow struct {
	ApplicationID int64          `json:"application_id"`
	Applicant     string         `json:"applicant"`
	State         State          `json:"state"`
	OldVersion    string         `json:"current_version,omitempty"`
	OldVerdict    string         `json:"current_verdict,omitempty"`
	NewVerdict    string         `json:"new_verdict,omitempty"`
	Changes       []StatusChange `json:"changes,omitempty"`
	Problem       string         `json:"problem,omitempty"`
}

// StatusChange is a requirement whose status would change.
type StatusChange struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// The states of applications the preview judges: drafts (not yet
// submitted) and open ones (submitted, not yet decided).
var (
	previewDraftStates = []State{Draft, Returned}
	previewOpenStates  = []State{Submitted, UnderReview, InfoRequested, PeerReview}
)

// statusChangesOf lists the requirements whose status differs between two
// reports, including requirements only one of the versions has.
func statusChangesOf(before, after *eligibility.Report) []StatusChange {
	var out []StatusChange
	old := map[string]eligibility.Result{}
	for _, r := range before.Results {
		old[r.ID] = r
	}
	seen := map[string]bool{}
	for _, r := range after.Results {
		seen[r.ID] = true
		o, ok := old[r.ID]
		switch {
		case !ok:
			out = append(out, StatusChange{ID: r.ID, Title: r.Title, Before: "absent", After: string(r.Status)})
		case o.Status != r.Status:
			out = append(out, StatusChange{ID: r.ID, Title: r.Title, Before: string(o.Status), After: string(r.Status)})
		}
	}
	for _, r := range before.Results {
		if !seen[r.ID] {
			out = append(out, StatusChange{ID: r.ID, Title: r.Title, Before: string(r.Status), After: "absent"})
		}
	}
	return out
}

// previewOne judges one application today by the version it is judged by
// now and by the uploaded one, counting only its documents on file (docs,
// see OnFile); the row is nil when the verdict is the same.
func previewOne(app *Application, docs []Document, reg *requirements.Catalog, next *requirements.Set, today date.Date) *PreviewRow {
	row := &PreviewRow{ApplicationID: app.ID, Applicant: app.ApplicantName, State: app.State}
	frozen := slices.Contains(previewOpenStates, app.State) && len(app.Snapshot) > 0
	data := app.Portfolio
	if frozen {
		data = app.Snapshot
	}
	p, err := portfolio.DecodeStored(data)
	if err != nil {
		row.Problem = "the portfolio does not decode: " + err.Error()
		return row
	}
	cur, err := SetOf(reg, app, p, frozen, today)
	if err != nil {
		row.Problem = err.Error()
		return row
	}
	onFile := OnFile(p, docs)
	before, after := eligibility.Evaluate(onFile, cur, today), eligibility.Evaluate(onFile, next, today)
	if before.Verdict == after.Verdict {
		return nil
	}
	row.OldVersion, row.OldVerdict, row.NewVerdict = cur.Version, before.Verdict, after.Verdict
	row.Changes = statusChangesOf(before, after)
	return row
}

// PreviewUpload reads an upload (see Upload) and judges the applications
// of its set by it, today: it changes nothing.
func (b *Board) PreviewUpload(ctx context.Context, by *auth.User, id int64) (*Preview, error) {
	up, set, err := b.SetUpload(ctx, by, id)
	if err != nil {
		return nil, err
	}
	apps, err := b.store.Applications(ctx, ApplicationFilter{SetID: set.ID, WithPortfolio: true})
	if err != nil {
		return nil, err
	}
	reg := b.Catalog()
	y, m, d := b.clock.Now().UTC().Date()
	today := date.Of(y, m, d)
	out := &Preview{Upload: up, Set: set, AsOf: today, Open: []PreviewRow{}, Drafts: []PreviewRow{}, NotEvaluated: []PreviewRow{}}
	for _, app := range apps {
		var list *[]PreviewRow
		switch {
		case slices.Contains(previewOpenStates, app.State):
			out.OpenCount++
			list = &out.Open
		case slices.Contains(previewDraftStates, app.State):
			out.DraftCount++
			list = &out.Drafts
		default:
			continue
		}
		docs, err := b.store.Documents(ctx, app.ID)
		if err != nil {
			return nil, err
		}
		row := previewOne(app, docs, reg, set, today)
		switch {
		case row == nil:
		case row.Problem != "":
			out.NotEvaluated = append(out.NotEvaluated, *row)
		default:
			*list = append(*list, *row)
		}
	}
	out.Publishable = !up.Published()
	if out.Publishable {
		if _, err := reg.With(set); err != nil {
			out.Publishable, out.PublishProblem = false, err.Error()
		}
	}
	return out, nil
}

// PublishUpload publishes an upload: it is marked published with its audit
// entry in one transaction, then the catalog in force is swapped for one
// holding the version too (requests in flight keep the catalog they
// started with). Publications are made one at a time. It returns the
// upload as stored now and its set.
func (b *Board) PublishUpload(ctx context.Context, by *auth.User, id int64) (*SetUpload, *requirements.Set, error) {
	up, set, err := b.SetUpload(ctx, by, id)
	if err != nil {
		return nil, nil, err
	}
	publishMu.Lock()
	defer publishMu.Unlock()
	if _, err := b.Catalog().With(set); err != nil {
		return nil, nil, &certboard.Error{Code: certboard.Conflict, Title: "Not published", Message: "It does not fit the versions in force: " + err.Error()}
	}
	now := b.clock.Now()
	var next *requirements.Catalog
	var misfit *certboard.Error
	err = b.store.InTx(ctx, func(tx Tx) error {
		// Another instance may have published a version since this one
		// last looked: judge the set against every version published,
		// with the uploads locked until this transaction ends, so that
		// publications on all instances are made one at a time.
		published, err := tx.PublishedSetUploads(ctx)
		if err != nil {
			return err
		}
		for _, p := range published {
			if p.ID == up.ID { // by another instance
				return certboard.ErrConflict
			}
		}
		cat, _, _ := takeIn(b.Catalog(), published) // what does not fit is RefreshSets' to report
		if next, err = cat.With(set); err != nil {
			misfit = &certboard.Error{Code: certboard.Conflict, Title: "Not published", Message: "It does not fit the versions in force: " + err.Error()}
			return misfit
		}
		if err := tx.PublishSetUpload(ctx, up.ID, now); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, adminEntry(now, by, "requirement_set.publish", fmt.Sprintf("requirement_set_upload/%d", up.ID),
			"draft", "published "+set.ID+" "+set.Version))
		return err
	})
	if misfit != nil {
		return nil, nil, misfit
	}
	if isConflict(err) {
		return nil, nil, &certboard.Error{Code: certboard.Conflict, Title: "Not published",
			Message: fmt.Sprintf("%s version %s is already published.", set.ID, set.Version)}
	}
	if err != nil {
		return nil, nil, err
	}
	b.SetCatalog(next)
	if up, err = b.store.SetUploadByID(ctx, up.ID); err != nil {
		return nil, nil, err
	}
	return up, set, nil
}
