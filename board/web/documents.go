package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/web/evidenceform"
	"github.com/certboard/certboard/portfolio"
	kit "github.com/certboard/certboard/web"
)

// documentRoutes registers document uploads and downloads: the documents
// page with its upload form, the download of each file, and the same in
// the JSON API. Who may see an application's documents is decided per
// application (owner, staff, assigned reviewer); only the owner uploads,
// and only while the portfolio is theirs to change.
func (s *Server) documentRoutes() {
	s.route("GET /applications/{id}/documents", Authenticated, s.handle(s.documentsPage))
	s.route("POST /applications/{id}/documents", Authenticated, s.handle(s.uploadDocument))
	s.route("GET /applications/{id}/documents/{doc}", Authenticated, s.handle(s.downloadDocument))
	s.route("GET /api/v1/applications/{id}/documents", Authenticated, s.handle(s.apiDocuments))
	s.route("POST /api/v1/applications/{id}/documents", Authenticated, s.handle(s.uploadDocument))
	s.route("GET /api/v1/applications/{id}/documents/{doc}", Authenticated, s.handle(s.downloadDocument))
	s.route("POST /applications/{id}/documents/{doc}/delete", Authenticated, s.handle(s.deleteDocument))
	s.route(docDeleteAPIRoute, Authenticated, s.handle(s.deleteDocument))
}

// docDeleteAPIRoute is the API's delete of a document.
const docDeleteAPIRoute = "DELETE /api/v1/applications/{id}/documents/{doc}"

// docPathID is the document id of the request's path ("" when absent).
func docPathID(r *http.Request) string { return r.PathValue("doc") }

// docBodyLimit bounds an upload request: the largest file and room for the
// other fields and the multipart framing.
const docBodyLimit = blob.MaxSize + 256<<10

// Bounds of an upload's parts besides the file (blob.MaxSize) and its
// name and declared type (blob.CheckName, blob.CheckDeclaredType).
const (
	// docMaxParts is the most parts (fields) an upload may have: supports
	// repeats once per supported item.
	docMaxParts = 1000
	// docMaxField is the longest value of a field other than the file.
	docMaxField = 4 << 10
	// docMaxFieldName is the longest field name.
	docMaxFieldName = 64
)

// docAccept is the upload field's accept attribute.
const docAccept = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"

// docKinds are the kinds of document the portfolio knows, from its schema.
func docKinds() []string { return board.DocumentKinds() }

// docView is one document as the page and the API show it: the stored
// facts of the file and, from the portfolio's Document item, what it is.
type docView struct {
	ID          int64        `json:"id"`
	ItemID      string       `json:"item_id"`
	Title       string       `json:"title"`
	Kind        string       `json:"kind"`
	Supports    []docSupport `json:"supports"`
	Filename    string       `json:"filename"`
	ContentType string       `json:"content_type"`
	Size        int64        `json:"size"`
	SHA256      string       `json:"sha256"`
	Received    string       `json:"received,omitempty"`
	UploadedAt  time.Time    `json:"uploaded_at"`
	UploadedBy  string       `json:"uploaded_by"`
	// State is the verification state of the Document item, or "removed"
	// when the portfolio no longer holds it.
	State    string `json:"state"`
	Note     string `json:"note,omitempty"`
	Download string `json:"download"`
	// CanDelete is set, on the owner's page, when the document may be
	// deleted now; Kept says why not otherwise.
	CanDelete bool   `json:"-"`
	Kept      string `json:"-"`
}

// docSupport is an evidence item a document supports.
type docSupport struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// SizeText is the file's size for people.
func (d docView) SizeText() string { return docSize(d.Size) }

// docSize writes a byte count for people.
func docSize(n int64) string { return board.SizeText(n) }

// docFind looks an item up in the live portfolio, then in the submitted
// snapshot (nil when there is none).
func docFind(live, snap *portfolio.Portfolio, id string) (any, bool) {
	for _, p := range []*portfolio.Portfolio{live, snap} {
		if p == nil {
			continue
		}
		if it, ok := portfolio.Find(p, id); ok {
			return it.Value, true
		}
	}
	return nil, false
}

// docViews joins the stored documents with their portfolio items.
func docViews(appID int64, docs []board.Document, live, snap *portfolio.Portfolio, apiBase string) []docView {
	out := make([]docView, 0, len(docs))
	for _, d := range docs {
		v := docView{ID: d.ID, ItemID: d.ItemID, Title: d.Filename, Filename: d.Filename, ContentType: d.ContentType, Size: d.Size,
			SHA256: d.SHA256, UploadedAt: d.CreatedAt, UploadedBy: d.UploadedByName, State: "removed", Supports: []docSupport{},
			Download: fmt.Sprintf("%s/applications/%d/documents/%d", apiBase, appID, d.ID)}
		if item, ok := docFind(live, snap, d.ItemID); ok {
			if doc, ok := item.(*portfolio.Document); ok {
				if doc.Title != "" {
					v.Title = doc.Title
				}
				v.Kind, v.Received = doc.Kind, doc.Received.String()
				vr := doc.Verification
				v.State, v.Note = string(vr.EffectiveState()), vr.Note
				v.Supports = append(v.Supports, docSupports(live, snap, doc.Supports)...)
			}
		}
		out = append(out, v)
	}
	return out
}

// docSupports labels the items a document supports, found in the live
// portfolio or the snapshot (an id found in neither is shown as it is).
func docSupports(live, snap *portfolio.Portfolio, ids []string) []docSupport {
	out := make([]docSupport, 0, len(ids))
	for _, id := range ids {
		label := id
		if target, ok := docFind(live, snap, id); ok {
			label = evidenceform.ItemLabel(target)
		}
		out = append(out, docSupport{ID: id, Label: label})
	}
	return out
}

// docOption is one evidence item offered as something a document supports.
type docOption struct {
	ID, Label string
	Checked   bool
}

// docGroup is the items of one evidence list, for the upload form.
type docGroup struct {
	Title string
	Items []docOption
}

// docSupportGroups lists the items a new document may support, by list.
func docSupportGroups(p *portfolio.Portfolio, checked []string) []docGroup {
	var out []docGroup
	for _, l := range evidenceform.Lists {
		g := docGroup{Title: l.Title}
		for _, it := range portfolio.Items(p, l.Name) {
			id := portfolio.ItemID(it.Value)
			g.Items = append(g.Items, docOption{ID: id, Label: evidenceform.ItemLabel(it.Value), Checked: slices.Contains(checked, id)})
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// docPending is a document item of the portfolio whose file the board does
// not hold ("not on file"): imported without one, or described by a
// producer that kept the file.
type docPending struct {
	ItemID string `json:"item_id"`
	// Name names the document for people: its title, or its kind.
	Name     string       `json:"name"`
	Title    string       `json:"title"`
	Kind     string       `json:"kind"`
	Received string       `json:"received"`
	Supports []docSupport `json:"supports"`
	State    string       `json:"state"`
}

// docPendingViews describes the document items of the live portfolio (or,
// when it has none of them, the snapshot) that no stored document holds a
// file for.
func docPendingViews(docs []board.Document, live, snap *portfolio.Portfolio) []docPending {
	out := []docPending{}
	seen := map[string]bool{}
	for _, p := range []*portfolio.Portfolio{live, snap} {
		for _, d := range notOnFile(p, docs) {
			if seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			v := docPending{ItemID: d.ID, Name: board.DocumentName(d), Title: d.Title, Kind: d.Kind, Received: d.Received.String(), Supports: []docSupport{},
				State: string(d.Verification.EffectiveState())}
			v.Supports = append(v.Supports, docSupports(live, snap, d.Supports)...)
			out = append(out, v)
		}
	}
	return out
}

// docsView is the documents page.
type docsView struct {
	App  *board.Application
	Docs []docView
	// NotOnFile are the portfolio's document items without a file.
	NotOnFile []docPending
	IsOwner   bool
	CanUpload bool
	// Back is the application's main page for this user.
	Back     string
	Version  int
	Kinds    []string
	Groups   []docGroup
	Accept   string
	Accepted string
	MaxSize  string
}

// docsTitle is the documents page's title: the person's own documents, or
// whose application they belong to.
func docsTitle(app *board.Application, owner bool) string {
	if owner {
		return "Your documents"
	}
	return "Documents of the application of " + app.ApplicantName
}

// docPortfolios decodes an application's live portfolio and its snapshot.
func docPortfolios(app *board.Application) (live, snap *portfolio.Portfolio, err error) {
	if live, err = portfolio.DecodeStored(app.Portfolio); err != nil {
		return nil, nil, fmt.Errorf("application %d: the portfolio no longer decodes: %w", app.ID, err)
	}
	if len(app.Snapshot) > 0 {
		if snap, err = portfolio.DecodeStored(app.Snapshot); err != nil {
			return nil, nil, fmt.Errorf("application %d: the snapshot no longer decodes: %w", app.ID, err)
		}
	}
	return live, snap, nil
}

func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request) error {
	app, rel, err := s.appFor(r, RelOwner|RelStaff|RelReviewer)
	if err != nil {
		return err
	}
	return s.renderDocuments(w, r, http.StatusOK, app, rel, nil, nil)
}

// appDocuments returns an application's documents with its live and
// submitted portfolios (see docPortfolios), which say what each supports.
func (s *Server) appDocuments(ctx context.Context, app *board.Application) ([]board.Document, *portfolio.Portfolio, *portfolio.Portfolio, error) {
	live, snap, err := docPortfolios(app)
	if err != nil {
		return nil, nil, nil, err
	}
	docs, err := s.board.Documents(ctx, app.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	return docs, live, snap, nil
}

// renderDocuments shows the documents page, after a failed upload with
// what to fix and the values given.
func (s *Server) renderDocuments(w http.ResponseWriter, r *http.Request, status int, app *board.Application, rel Relation,
	errs map[string]string, form url.Values) error {
	docs, live, snap, err := s.appDocuments(r.Context(), app)
	if err != nil {
		return err
	}
	v := docsView{App: app, Docs: docViews(app.ID, docs, live, snap, ""), NotOnFile: docPendingViews(docs, live, snap), IsOwner: rel&RelOwner != 0, Version: app.Version,
		Kinds: docKinds(), Accept: docAccept, Accepted: blob.Accepted, MaxSize: docSize(blob.MaxSize),
		Back: fmt.Sprintf("/applications/%d", app.ID)}
	v.CanUpload = v.IsOwner && editable(app.State)
	if !v.IsOwner {
		if rel&RelStaff != 0 {
			v.Back = fmt.Sprintf("/queue/%d", app.ID)
		} else {
			v.Back = "/reviews"
		}
	}
	if form != nil {
		if n, err := strconv.Atoi(form.Get("version")); err == nil {
			v.Version = n
		}
	}
	if v.CanUpload {
		v.Groups = docSupportGroups(live, form["supports"])
		for i := range v.Docs {
			if b := docDeleteCheck(docs[i], live, snap); b != nil {
				v.Docs[i].Kept = b.Detail
			} else {
				v.Docs[i].CanDelete = true
			}
		}
	}
	s.render(w, r, status, "documents", page{Title: docsTitle(app, v.IsOwner), Data: v, Errors: errs, Form: form})
	return nil
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) error {
	app, _, err := s.appFor(r, RelOwner|RelStaff|RelReviewer)
	if err != nil {
		return err
	}
	docs, live, snap, err := s.appDocuments(r.Context(), app)
	if err != nil {
		return err
	}
	writeJSON(w, map[string]any{"documents": docViews(app.ID, docs, live, snap, kit.MountFrom(r).Path("/api/v1")), "not_on_file": docPendingViews(docs, live, snap),
		"version": app.Version, "state": app.State})
	return nil
}

// docRequest is what an upload request carries.
type docRequest struct {
	Filename string
	Data     []byte
	HasFile  bool
	// Form holds the other fields: kind, title, supports, version.
	Form url.Values
}

// readDocUpload reads a multipart upload without keeping more than the
// largest accepted file in memory; it stops at the first sign that the
// file is too large.
func readDocUpload(w http.ResponseWriter, r *http.Request) (*docRequest, error) {
	r.Body = http.MaxBytesReader(w, r.Body, docBodyLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, board.RefuseUpload(certboard.Malformed, "file", "send the upload as multipart/form-data with the fields file, kind, title, supports and version")
	}
	up := &docRequest{Form: url.Values{}}
	for parts := 0; ; parts++ {
		if parts > docMaxParts {
			return nil, board.RefuseUpload(certboard.Malformed, "supports", fmt.Sprintf("more than %d fields; name at most a few hundred supported items", docMaxParts))
		}
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, docReadError(err)
		}
		name := part.FormName()
		switch {
		case name == "file":
			if up.HasFile {
				return nil, board.RefuseUpload(certboard.Malformed, "file", "send one file per upload")
			}
			up.HasFile, up.Filename = true, part.FileName()
			if err := blob.CheckName(up.Filename); err != nil {
				return nil, board.RefuseUpload(certboard.Malformed, "file", err.Error())
			}
			if err := blob.CheckDeclaredType(part.Header.Get("Content-Type")); err != nil {
				return nil, board.RefuseUpload(certboard.Malformed, "file", err.Error()+"; the content decides what the file is, so leave it out or send application/pdf, image/png or image/jpeg")
			}
			data, err := io.ReadAll(io.LimitReader(part, blob.MaxSize+1))
			if err != nil {
				return nil, docReadError(err)
			}
			if len(data) > blob.MaxSize {
				return nil, board.FileTooLarge()
			}
			up.Data = data
		case len(name) > docMaxFieldName:
			return nil, board.RefuseUpload(certboard.Malformed, "fields", fmt.Sprintf("a field name is longer than %d bytes; the fields are file, kind, title, supports and version", docMaxFieldName))
		case name != "":
			value, err := io.ReadAll(io.LimitReader(part, docMaxField+1))
			if err != nil {
				return nil, docReadError(err)
			}
			if len(value) > docMaxField {
				return nil, board.RefuseUpload(certboard.Malformed, name, fmt.Sprintf("longer than %d KiB", docMaxField>>10))
			}
			up.Form.Add(name, string(value))
		}
		part.Close()
	}
	return up, nil
}

// docReadError classifies a failure to read the request body.
func docReadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return board.FileTooLarge()
	}
	if errors.Is(err, multipart.ErrMessageTooLarge) {
		return board.RefuseUpload(certboard.Malformed, "file", "the form's headers are too large")
	}
	return board.RefuseUpload(certboard.Malformed, "file", "the upload could not be read ("+err.Error()+"); send it again")
}

// docBlobKey is a new random key for a file of an application.
func docBlobKey(appID int64) string { return board.NewBlobKey(appID) }

// fileStore is the file store as the board sees it: nil when there is none.
func fileStore(f *blob.Store) board.Blobs {
	if f == nil {
		return nil
	}
	return f
}

// uploadDocument takes an upload from the documents page or the API.
func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request) error {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	app, rel, err := s.appFor(r, RelOwner|RelStaff|RelReviewer)
	if err != nil {
		return err
	}
	u := userFrom(r)
	if _, err := s.board.MayUpload(r.Context(), u, app.ID); err != nil {
		return err
	}
	// An upload refused is answered with the form again on the page, and
	// with the message alone (no members) by the API.
	refuse := func(ref *certboard.Error, form url.Values) error {
		status := ref.Answer().Status
		if api {
			title := map[certboard.Code]string{certboard.TooLarge: "File too large", certboard.Unsupported: "File type not accepted"}[ref.Code]
			if title == "" {
				title = "Invalid upload"
			}
			return &certboard.Error{Code: ref.Code, Title: title, Message: ref.Message}
		}
		errs := map[string]string{"": "The document was not uploaded; fix what is marked below."}
		for field, msg := range ref.Fields {
			errs[field] = msg
		}
		if m, ok := errs["version"]; ok {
			errs[""] = "The document was not uploaded: " + m + "."
		}
		return s.renderDocuments(w, r, status, app, rel, errs, form)
	}
	up, err := readDocUpload(w, r)
	if err != nil {
		if ref := refusal(err); ref != nil {
			return refuse(ref, url.Values{})
		}
		return err
	}
	doc, updated, version, err := s.board.Upload(r.Context(), u, app.ID, board.Upload{Filename: up.Filename, Data: up.Data, HasFile: up.HasFile,
		Kind: up.Form.Get("kind"), Title: up.Form.Get("title"), Item: up.Form.Get("item"), Supports: up.Form["supports"], Version: up.Form.Get("version")})
	if ref := refusal(err); ref != nil && ref.Fields != nil {
		return refuse(ref, up.Form)
	}
	if err != nil {
		return err
	}
	if api {
		views := docViews(app.ID, []board.Document{*doc}, updated, nil, kit.MountFrom(r).Path("/api/v1"))
		w.Header().Set("Location", views[0].Download)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"document": views[0], "version": version})
		return nil
	}
	name := doc.Filename
	if it, ok := portfolio.Find(updated, doc.ItemID); ok {
		if d, isDoc := it.Value.(*portfolio.Document); isDoc {
			name = board.DocumentName(d)
		}
	}
	redirect(w, r, fmt.Sprintf("/applications/%d/documents", app.ID),
		fmt.Sprintf("Uploaded %s: %s is on file now, and counts as claimed until the board verifies it.", doc.Filename, name))
	return nil
}

// downloadDocument sends a document's file, decrypted, as an attachment.
// Every download is written to the audit log (who, which document, which
// application) before the file is sent; when that entry cannot be written
// the file is not sent (503).
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) error {
	app, rel, doc, err := s.docFor(r, RelOwner|RelStaff|RelReviewer)
	if err != nil {
		return err
	}
	data, err := s.docFile(r.Context(), app, doc)
	if err != nil {
		return err
	}
	if err := s.auditDownload(r.Context(), userFrom(r), rel, app, doc); err != nil {
		s.cfg.Log.Error("recording a download in the audit log; the file was not sent", "application", app.ID, "document", doc.ID, "error", err)
		return &certboard.Error{Code: certboard.Unavailable, Title: "Download unavailable", RetryAfterSeconds: 30,
			Message: "Every download of a document is recorded, and the record could not be written just now, so the file was not sent. Try again in a minute."}
	}
	h := w.Header()
	h.Set("Content-Type", doc.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Disposition", contentDisposition(doc.Filename))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	// Should a browser render the file anyway, it runs nothing and loads nothing.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, _ = w.Write(data)
	return nil
}

// docFor loads the application of the path, when the caller holds one of
// the relations in need to it (see appFor), and its document the path
// names, for a download or a deletion: on a server without a file store
// its error is errNoFileStore.
func (s *Server) docFor(r *http.Request, need Relation) (*board.Application, Relation, *board.Document, error) {
	app, rel, err := s.appFor(r, need)
	if err != nil {
		return nil, 0, nil, err
	}
	doc, err := s.docPathDocument(r, app)
	if err != nil {
		return nil, 0, nil, err
	}
	if s.cfg.Files == nil {
		return nil, 0, nil, errNoFileStore
	}
	return app, rel, doc, nil
}

// errNoFileStore refuses a document's file on a server without a file
// store.
var errNoFileStore = &certboard.Error{Code: certboard.Unavailable, Title: "Documents unavailable",
	Message: "This server has no file store configured; ask the board's administrator."}

// docFile reads and checks the file of a document read before (see
// board.DocumentFile).
func (s *Server) docFile(ctx context.Context, app *board.Application, doc *board.Document) ([]byte, error) {
	return s.board.DocumentFile(ctx, app, doc)
}

// contentDisposition makes a download an attachment named filename: an
// ASCII fallback for old clients and the exact name in RFC 8187 encoding.
func contentDisposition(filename string) string {
	var ascii, enc strings.Builder
	for _, r := range filename {
		if r < 0x80 && r >= 0x20 && r != '"' && r != '\\' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	for _, b := range []byte(filename) {
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0 {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii.String(), enc.String())
}

// docPathDocument reads the document the path names, of app; its error
// says not found when app has no such document.
func (s *Server) docPathDocument(r *http.Request, app *board.Application) (*board.Document, error) {
	missing := notFound("Document not found", fmt.Sprintf("This application has no document %q.", docPathID(r)))
	id, err := strconv.ParseInt(docPathID(r), 10, 64)
	if err != nil || id <= 0 {
		return nil, missing
	}
	doc, err := s.board.Document(r.Context(), app.ID, id)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, missing
	}
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// docRelName names, for the audit log, the relation under which a user
// reached an application's documents.
func docRelName(rel Relation) string {
	var names []auth.Role
	for _, x := range []struct {
		r    Relation
		name auth.Role
	}{{RelOwner, auth.Applicant}, {RelStaff, auth.Staff}, {RelReviewer, auth.Reviewer}, {RelSupervisor, auth.Supervisor}} {
		if rel&x.r != 0 {
			names = append(names, x.name)
		}
	}
	return auth.JoinRoles(names, "+")
}

// auditDownload records that u is about to receive a document's file (see
// board.RecordDownload). A download is sent only once this entry is
// written.
func (s *Server) auditDownload(ctx context.Context, u *auth.User, rel Relation, app *board.Application, doc *board.Document) error {
	return s.board.RecordDownload(ctx, u, docRelName(rel), app, doc)
}

// docBlock says why a document may not be deleted.
type docBlock struct {
	Title, Detail string
	// Referrers are the items that still refer to the document's item.
	Referrers []docSupport
}

// docReferrers lists the items of p, other than the item id itself, that
// refer to id through a reference field (those tagged cb:"ref=…": a
// document's supports, a session's supervisor or contract, and so on).
func docReferrers(p *portfolio.Portfolio, id string) []docSupport {
	var out []docSupport
	if p == nil || id == "" {
		return out
	}
	v := reflect.ValueOf(p).Elem()
	for i := range v.NumField() {
		list := v.Field(i)
		if list.Kind() != reflect.Slice || list.Type().Elem().Kind() != reflect.Struct {
			continue
		}
		for j := range list.Len() {
			item := list.Index(j)
			if f := item.FieldByName("ID"); f.IsValid() && f.String() != id && docRefersTo(item, id) {
				out = append(out, docSupport{ID: item.FieldByName("ID").String(), Label: evidenceform.ItemLabel(item.Addr().Interface())})
			}
		}
	}
	return out
}

// docRefersTo reports whether a reference field of item names id.
func docRefersTo(item reflect.Value, id string) bool {
	t := item.Type()
	for k := range t.NumField() {
		if evidenceform.Ref(t.Field(k)) == "" {
			continue
		}
		switch f := item.Field(k); f.Kind() {
		case reflect.String:
			if f.String() == id {
				return true
			}
		case reflect.Slice:
			if f.Type().Elem().Kind() != reflect.String {
				continue
			}
			for n := range f.Len() {
				if f.Index(n).String() == id {
					return true
				}
			}
		}
	}
	return false
}

// docDeleteCheck decides whether a document of an editable application may
// be deleted: never when the submitted snapshot holds its item (the board's
// frozen record of the submission keeps the file), nor while other items of
// the live portfolio refer to its item. It is pure.
func docDeleteCheck(d board.Document, live, snap *portfolio.Portfolio) *docBlock {
	if snap != nil {
		if _, ok := portfolio.Find(snap, d.ItemID); ok {
			return &docBlock{Title: "Document kept with the submission",
				Detail: fmt.Sprintf("%s (%s) was part of the application when you submitted it, and the board keeps that submission as it was, files included; it cannot be deleted. Upload a corrected document instead and tell the board which one replaces it.",
					d.Filename, d.ItemID)}
		}
	}
	if refs := docReferrers(live, d.ItemID); len(refs) > 0 {
		labels := make([]string, len(refs))
		for i, r := range refs {
			labels[i] = r.Label
		}
		return &docBlock{Title: "Document in use", Referrers: refs,
			Detail: fmt.Sprintf("%s (%s) is referred to by %s; change or remove those items first, then delete the document.",
				d.Filename, d.ItemID, strings.Join(labels, ", "))}
	}
	return nil
}

// deleteDocument deletes a document the applicant uploaded, from the
// documents page (POST …/delete, with the version and a confirmation) or
// the API (DELETE, ?version=N). Only the applicant sees the route (404 for
// everyone else), and only while the portfolio is theirs to change.
func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) error {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	if !api {
		if err := s.form(w, r); err != nil {
			return err
		}
	}
	app, rel, doc, err := s.docFor(r, RelOwner)
	if err != nil {
		return err
	}
	if !editable(app.State) {
		return conflict("Documents cannot be deleted now",
			fmt.Sprintf("The application is %s; documents can be deleted while it is a draft, returned to you, or when the board asks for more information.",
				app.State.Words()))
	}
	var version int
	if api {
		if version, err = strconv.Atoi(r.URL.Query().Get("version")); err != nil || version <= 0 {
			err = errors.New("version: give ?version=N, the application version you read (GET …/documents)")
		}
	} else {
		version, err = parseVersion(r.PostForm.Get("version"))
	}
	if err != nil {
		return &certboard.Error{Code: certboard.Malformed, Title: "Invalid request", Message: err.Error()}
	}
	pageRefusal := func(status int, msg string) error {
		return s.renderDocuments(w, r, status, app, rel, map[string]string{"": "The document was not deleted: " + msg}, nil)
	}
	if !api && r.PostForm.Get("confirm") != "yes" {
		return pageRefusal(http.StatusUnprocessableEntity, fmt.Sprintf("tick the box that confirms you want %s erased, then press Delete again.", doc.Filename))
	}
	live, snap, err := docPortfolios(app)
	if err != nil {
		return err
	}
	if b := docDeleteCheck(*doc, live, snap); b != nil {
		if !api {
			return pageRefusal(http.StatusConflict, b.Detail)
		}
		refs := b.Referrers
		if refs == nil {
			refs = []docSupport{}
		}
		return &certboard.Error{Code: certboard.Conflict, Title: b.Title, Message: b.Detail, Extra: map[string]any{"referenced_by": refs}}
	}
	newVersion, err := s.board.DeleteDocument(r.Context(), userFrom(r), app, doc, version, live)
	switch {
	case errors.Is(err, certboard.ErrConflict):
		if api {
			return err
		}
		_, _, msg, _ := errorAnswer(err)
		return pageRefusal(http.StatusConflict, msg+".")
	case errors.Is(err, certboard.ErrNotFound):
		return notFound("Document not found", fmt.Sprintf("This application has no document %s any more.", doc.Filename))
	case err != nil:
		return err
	}
	if api {
		writeJSON(w, map[string]any{"deleted": doc.ID, "item_id": doc.ItemID, "version": newVersion})
		return nil
	}
	redirect(w, r, fmt.Sprintf("/applications/%d/documents", app.ID), fmt.Sprintf("Deleted %s; its file is erased.", doc.Filename))
	return nil
}

// docOrphanGrace is how old a file no document names must be before the
// sweep deletes it: an upload writes its file before the transaction that
// records it, and must not lose it in between.
const docOrphanGrace = time.Hour

// docFileClock is the clock the file store dates its files with: the wall
// clock, not the server's (Config.Now may be moved, in tests and demos, far
// from the time the files are written). A variable so that tests can age
// files.
var docFileClock = time.Now

// SweepDocumentFiles deletes the files of the file store that no document
// names and that were last changed before olderThan: files of documents
// deleted while their own deletion failed, and of uploads whose recording
// failed and whose clean-up did not happen. Give it a time well before the
// longest upload could take (such as an hour ago, docOrphanGrace). Whatever
// olderThan says, a file younger than docOrphanGrace by the file store's own
// clock (docFileClock) is never deleted: its upload may not be recorded yet,
// and the server's clock, which olderThan comes from, may be set ahead.
// When no document names any of the files listed, it deletes nothing and
// logs why: the database is then most likely not the one of this file
// store. It returns how many files it deleted; run it at start and then
// daily.
func (s *Server) SweepDocumentFiles(ctx context.Context, olderThan time.Time) (int, error) {
	if s.cfg.Files == nil {
		return 0, nil
	}
	if limit := docFileClock().Add(-docOrphanGrace); olderThan.After(limit) {
		olderThan = limit
	}
	// The orphans are deleted once the listing is done, not while it runs.
	var batch, orphans []string
	listed := 0
	flush := func() error {
		unknown, err := s.board.UnknownBlobKeys(ctx, batch)
		batch = batch[:0]
		orphans = append(orphans, unknown...)
		return err
	}
	err := s.cfg.Files.Walk(ctx, "applications/", func(key string, modified time.Time) error {
		if !modified.Before(olderThan) {
			return nil
		}
		listed++
		if batch = append(batch, key); len(batch) >= 500 {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	if err != nil {
		return 0, err
	}
	if len(orphans) > 0 && len(orphans) == listed {
		// Not one file is named by a document: far more likely a database
		// that is not this file store's (a fresh or wrong --database or
		// --data beside the real --files) than a board whose every document
		// was deleted. Deleting would erase the real board's evidence.
		s.cfg.Log.Error("the document sweep deleted nothing: no document of the database names any of the files of the file store; "+
			"check that --files and the database belong together (files no document names stay until one does)", "files", listed)
		return 0, nil
	}
	deleted := 0
	for _, k := range orphans {
		if err := s.cfg.Files.Delete(ctx, k); err != nil {
			return deleted, err
		}
		s.cfg.Log.Info("deleted a file that no document names", "key", k)
		deleted++
	}
	return deleted, nil
}
