package board

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/portfolio"
)

// Uploaded documents: only the applicant uploads, and only while the
// portfolio is theirs to change; each upload adds (or fills) a Document
// item of the portfolio, its file kept, encrypted, in the board's Blobs.

// Upload is an upload as the request carried it, before any check.
type Upload struct {
	Filename string
	Data     []byte
	// HasFile is set when the request had a file part, even an empty one.
	HasFile bool
	// Kind, Title and Supports describe a new document; Item names instead
	// the document item not on file whose file this is.
	Kind, Title, Item string
	Supports          []string
	// Version is the application version the upload was made from, as sent.
	Version string
}

// DocumentKinds are the kinds of document the portfolio knows, from its
// schema.
func DocumentKinds() []string {
	f, _ := reflect.TypeFor[portfolio.Document]().FieldByName("Kind")
	for _, part := range strings.Split(f.Tag.Get("cb"), ",") {
		if enum, ok := strings.CutPrefix(part, "enum="); ok {
			return strings.Split(enum, "|")
		}
	}
	return nil
}

// SizeText writes a byte count for people.
func SizeText(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// An upload refused before anything was stored is a *certboard.Error whose
// message lists every problem ("field: what to do"), in order, and whose
// Fields hold the first problem of each field, for the form.

// RefuseUpload is the refusal of an upload for one problem.
func RefuseUpload(code certboard.Code, field, message string) *certboard.Error {
	e := &certboard.Error{Code: code}
	uploadProblem(e, field, message)
	return e
}

// uploadProblem adds a problem to the refusal of an upload.
func uploadProblem(e *certboard.Error, field, message string) {
	if e.Message != "" {
		e.Message += "; "
	}
	e.Message += field + ": " + message
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, seen := e.Fields[field]; !seen {
		e.Fields[field] = message
	}
}

// FileTooLarge is the refusal of a file over the limit.
func FileTooLarge() *certboard.Error {
	return RefuseUpload(certboard.TooLarge, "file",
		fmt.Sprintf("the file is larger than %s; send a %s document of at most %s (scan at a lower resolution, or split it)",
			SizeText(blob.MaxSize), blob.Accepted, SizeText(blob.MaxSize)))
}

// NewBlobKey is a new random key for a file of an application.
func NewBlobKey(appID int64) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails: crypto/rand aborts the program instead
	return fmt.Sprintf("applications/%d/%s", appID, hex.EncodeToString(b))
}

// docFilename keeps the last element of a file name as a person would
// read it, without control characters, and adds the extension of its real
// content when the name claims another (a PNG named "diploma.pdf" is kept
// as "diploma.pdf.png").
func docFilename(name, contentType string) string {
	name = strings.ToValidUTF8(name, "")
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == "/" {
		name = "document"
	}
	if rs := []rune(name); len(rs) > 150 {
		name = string(rs[:150])
	}
	want := map[string][]string{blob.PDF: {".pdf"}, blob.PNG: {".png"}, blob.JPEG: {".jpg", ".jpeg"}}[contentType]
	if len(want) > 0 && !slices.Contains(want, strings.ToLower(path.Ext(name))) {
		name += want[0]
	}
	return name
}

// docInput is a checked upload, ready to store.
type docInput struct {
	Filename, ContentType, Kind, Title string
	Supports                           []string
	Version                            int
	Data                               []byte
	// ItemID, when set, is the document item not on file that the upload
	// gives its file; the item stays as it is.
	ItemID string
}

// checkUpload checks an upload against the application's portfolio
// (held: the item ids it holds files for) and says everything that is
// wrong, field by field. The code is TooLarge for a file over the limit,
// Unsupported for content of a type not accepted, Invalid for other
// problems. An upload naming an item (a document item not on file) gives
// that item its file; kind, title and supports then come from the item.
// It is pure: nothing is read or stored.
func checkUpload(up Upload, p *portfolio.Portfolio, held map[string]bool) (*docInput, *certboard.Error) {
	in := &docInput{Kind: strings.TrimSpace(up.Kind), Title: strings.TrimSpace(up.Title), Data: up.Data}
	ref := &certboard.Error{Code: certboard.Invalid}
	add := func(field, msg string) { uploadProblem(ref, field, msg) }
	if id := strings.TrimSpace(up.Item); id != "" {
		it, ok := portfolio.Find(p, id)
		doc, isDoc := it.Value.(*portfolio.Document)
		switch {
		case !ok || !isDoc:
			add("item", fmt.Sprintf("%q is not a document of this portfolio; choose one listed as not on file, or leave item out to add a new document", id))
		case held[id]:
			add("item", fmt.Sprintf("%s is on file already; delete it first to replace its file, or leave item out to add a new document", id))
		default:
			in.ItemID, in.Kind, in.Title, in.Supports = id, doc.Kind, doc.Title, doc.Supports
		}
	}
	switch {
	case !up.HasFile || (len(up.Data) == 0 && up.Filename == ""):
		add("file", fmt.Sprintf("choose the file to upload: a %s document of at most %s", blob.Accepted, SizeText(blob.MaxSize)))
	case len(up.Data) > blob.MaxSize:
		ref.Code = certboard.TooLarge
		add("file", FileTooLarge().Fields["file"])
	default:
		ct, err := blob.Sniff(up.Data)
		if err != nil {
			ref.Code = certboard.ErrorCode(err)
			add("file", certboard.ErrorMessage(err))
		} else {
			in.ContentType, in.Filename = ct, docFilename(up.Filename, ct)
		}
	}
	if in.ItemID == "" && !slices.Contains(DocumentKinds(), in.Kind) {
		add("kind", "choose what the document is: one of "+strings.Join(DocumentKinds(), ", "))
	}
	if len([]rune(in.Title)) > 200 {
		add("title", "write a title of at most 200 characters")
	}
	for _, id := range up.Supports {
		if in.ItemID != "" {
			break // the item says what it supports
		}
		id = strings.TrimSpace(id)
		if id == "" || slices.Contains(in.Supports, id) {
			continue
		}
		it, ok := portfolio.Find(p, id)
		if !ok || it.List == "documents" {
			add("supports", fmt.Sprintf("%q is not an evidence item of this portfolio; choose among the items listed", id))
			continue
		}
		in.Supports = append(in.Supports, id)
	}
	v, err := strconv.Atoi(up.Version)
	if err != nil || v <= 0 {
		add("version", "the upload lacks the application version it was made from; reload the page (API: send the version from GET .../documents)")
	}
	in.Version = v
	if ref.Message != "" {
		return nil, ref
	}
	if in.Title == "" && in.ItemID == "" {
		in.Title = in.Filename
	}
	return in, nil
}

// DocumentsEditable reports whether an application's documents may be
// added or deleted in a state: while the portfolio is the applicant's to
// change.
func DocumentsEditable(state State) bool {
	switch state {
	case Draft, Returned, InfoRequested:
		return true
	}
	return false
}

// docsClosed refuses uploads once the portfolio is not the applicant's to
// change.
func docsClosed(state State) *certboard.Error {
	return &certboard.Error{Code: certboard.Conflict, Title: "Documents closed", Message: fmt.Sprintf("documents can be added while the application is a draft, returned to you, "+
		"or when the board asks for information; it is now %s.", state.Words())}
}

// docsUnavailable is the answer when the board has no file store.
func docsUnavailable(title string) *certboard.Error {
	return &certboard.Error{Code: certboard.Unavailable, Title: title, Message: "This server has no file store configured; ask the board's administrator."}
}

// docApplication reads an application whose documents u reaches, with the
// roles under which they reach it (see docRoles); anyone else is told
// there is no such application.
func (b *Board) docApplication(ctx context.Context, u *auth.User, id int64) (*Application, []auth.Role, error) {
	app, err := b.store.Application(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, nil, notVisible(id)
	}
	if err != nil {
		return nil, nil, err
	}
	roles, err := b.docRoles(ctx, u, app)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(roles, auth.Applicant) && !slices.Contains(roles, auth.Staff) && !slices.Contains(roles, auth.Reviewer) {
		return nil, nil, notVisible(id)
	}
	return app, roles, nil
}

// docRoles are the roles under which u reaches app: its applicant, staff
// (with two factors), a supervisor it names and an assigned reviewer (the
// last two only while it is undecided).
func (b *Board) docRoles(ctx context.Context, u *auth.User, app *Application) ([]auth.Role, error) {
	var roles []auth.Role
	if app.ApplicantID == u.ID {
		roles = append(roles, auth.Applicant)
	}
	if u.IsStaff() && u.TwoFactor() {
		roles = append(roles, auth.Staff)
	}
	if app.State.Final() {
		return roles, nil
	}
	if u.HasRole(auth.Supervisor) && app.ApplicantID != u.ID {
		refs, err := b.supRefs(ctx, u, app.ID)
		if err != nil {
			return nil, err
		}
		if len(refs) > 0 {
			roles = append(roles, auth.Supervisor)
		}
	}
	if u.HasRole(auth.Reviewer) {
		ok, err := b.store.IsAssigned(ctx, app.ID, u.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			roles = append(roles, auth.Reviewer)
		}
	}
	return roles, nil
}

// MayUpload says whether u may upload a document to application appID
// now, before the upload is read: NotFound for an application they do not
// see, Unavailable without a file store, Forbidden for anyone but the
// applicant, Conflict once the portfolio is not theirs to change.
func (b *Board) MayUpload(ctx context.Context, u *auth.User, appID int64) (*Application, error) {
	app, roles, err := b.docApplication(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if b.blobs == nil {
		return nil, docsUnavailable("Uploads unavailable")
	}
	if !slices.Contains(roles, auth.Applicant) {
		return nil, &certboard.Error{Code: certboard.Forbidden, Title: "Not allowed", Message: "Only the applicant adds documents to an application."}
	}
	if !DocumentsEditable(app.State) {
		return nil, docsClosed(app.State)
	}
	return app, nil
}

// Upload stores an applicant's document: the encrypted file first, then,
// in one transaction, the portfolio's new Document item (version-guarded),
// the document row, the history event and the audit entry. When the
// transaction fails the file is deleted again, so that a refused upload
// leaves nothing behind. An upload the checks refuse is a *certboard.Error
// with Fields. It returns the new document, the portfolio that now holds
// its item, and the application's new version.
func (b *Board) Upload(ctx context.Context, u *auth.User, appID int64, up Upload) (*Document, *portfolio.Portfolio, int, error) {
	app, err := b.MayUpload(ctx, u, appID)
	if err != nil {
		return nil, nil, 0, err
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("application %d: the portfolio no longer decodes: %w", app.ID, err)
	}
	stored, err := b.store.Documents(ctx, app.ID)
	if err != nil {
		return nil, nil, 0, err
	}
	held := map[string]bool{}
	for _, d := range stored {
		held[d.ItemID] = true
	}
	in, ref := checkUpload(up, p, held)
	if ref != nil {
		return nil, nil, 0, ref
	}
	if in.Version != app.Version {
		return nil, nil, 0, fmt.Errorf("application %d was changed since version %d (it is now at %d); reload the page and upload again: %w",
			app.ID, in.Version, app.Version, certboard.ErrConflict)
	}
	now := b.clock.Now()
	item := portfolio.Document{ID: portfolio.NewID(p, "doc"), Kind: in.Kind, Title: in.Title, Received: b.supToday(), Supports: in.Supports}
	if in.ItemID != "" {
		// The file of an item not on file: the item stays as it is.
		it, ok := portfolio.Find(p, in.ItemID)
		doc, isDoc := it.Value.(*portfolio.Document)
		if !ok || !isDoc {
			return nil, nil, 0, fmt.Errorf("application %d has no document item %s any more; reload the page: %w", app.ID, in.ItemID, certboard.ErrConflict)
		}
		item = *doc
	} else {
		p.Documents = append(p.Documents, item)
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		return nil, nil, 0, err
	}
	sum := sha256.Sum256(in.Data)
	doc := Document{ApplicationID: app.ID, ItemID: item.ID, Filename: in.Filename, ContentType: in.ContentType, Size: int64(len(in.Data)),
		SHA256: hex.EncodeToString(sum[:]), BlobKey: NewBlobKey(app.ID), UploadedBy: u.ID, UploadedByName: u.Name, CreatedAt: now}
	if err := b.blobs.Put(ctx, doc.BlobKey, in.Data); err != nil {
		return nil, nil, 0, err
	}
	after, _ := json.Marshal(map[string]any{"item": doc.ItemID, "filename": doc.Filename, "content_type": doc.ContentType,
		"size": doc.Size, "sha256": doc.SHA256})
	var version int
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if version, err = tx.SavePortfolio(ctx, app.ID, in.Version, data, now); err != nil {
			return err
		}
		if doc.ID, err = tx.AddDocument(ctx, doc); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: app.ID, At: now, ActorID: u.ID, Action: "document_added",
			Message: fmt.Sprintf("%s: %s (%s)", item.ID, doc.Filename, strings.ReplaceAll(item.Kind, "_", " "))}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "application.document.add",
			Subject: fmt.Sprintf("application/%d/document/%d", app.ID, doc.ID), After: string(after)})
		return err
	})
	if err != nil {
		// A context already cancelled must not keep the orphan file.
		if derr := b.blobs.Delete(context.WithoutCancel(ctx), doc.BlobKey); derr != nil {
			b.log.Error("deleting the file of a failed upload", "key", doc.BlobKey, "error", derr)
		}
		return nil, nil, 0, err
	}
	return &doc, p, version, nil
}
