package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/files"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/store"
)

// documentRoutes registers document uploads and downloads: the documents
// page with its upload form, the download of each file, and the same in
// the JSON API. Who may see an application's documents is decided per
// application (owner, staff, assigned reviewer); only the owner uploads,
// and only while the portfolio is theirs to change.
func (s *Server) documentRoutes() {
	s.route("GET /applications/{id}/documents", Authenticated, http.HandlerFunc(s.documentsPage))
	s.route("POST /applications/{id}/documents", Authenticated, http.HandlerFunc(s.uploadDocument))
	s.route("GET /applications/{id}/documents/{doc}", Authenticated, http.HandlerFunc(s.downloadDocument))
	s.route("GET /api/v1/applications/{id}/documents", Authenticated, http.HandlerFunc(s.apiDocuments))
	s.route("POST /api/v1/applications/{id}/documents", Authenticated, http.HandlerFunc(s.uploadDocument))
	s.route("GET /api/v1/applications/{id}/documents/{doc}", Authenticated, http.HandlerFunc(s.downloadDocument))
}

// docBodyLimit bounds an upload request: the largest file and room for the
// other fields and the multipart framing.
const docBodyLimit = files.MaxSize + 256<<10

// docAccept is the upload field's accept attribute.
const docAccept = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"

// docKinds are the kinds of document the portfolio knows, from its schema.
func docKinds() []string {
	f, _ := reflect.TypeFor[portfolio.Document]().FieldByName("Kind")
	_, enum, _ := cbTag(f)
	return enum
}

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
}

// docSupport is an evidence item a document supports.
type docSupport struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// SizeText is the file's size for people.
func (d docView) SizeText() string { return docSize(d.Size) }

// docSize writes a byte count for people.
func docSize(n int64) string {
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
func docViews(appID int64, docs []store.Document, live, snap *portfolio.Portfolio, apiBase string) []docView {
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
				for _, id := range doc.Supports {
					label := id
					if target, ok := docFind(live, snap, id); ok {
						label = itemLabel(target)
					}
					v.Supports = append(v.Supports, docSupport{ID: id, Label: label})
				}
			}
		}
		out = append(out, v)
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
	for _, l := range evidenceLists {
		g := docGroup{Title: l.Title}
		for _, it := range portfolio.Items(p, l.Name) {
			id := portfolio.ItemID(it.Value)
			g.Items = append(g.Items, docOption{ID: id, Label: itemLabel(it.Value), Checked: slices.Contains(checked, id)})
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// docsView is the documents page.
type docsView struct {
	App       *store.Application
	Docs      []docView
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

// docPortfolios decodes an application's live portfolio and its snapshot.
func docPortfolios(app *store.Application) (live, snap *portfolio.Portfolio, err error) {
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

func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request) {
	app, rel, ok := s.application(w, r, RelOwner|RelStaff|RelReviewer)
	if !ok {
		return
	}
	s.renderDocuments(w, r, http.StatusOK, app, rel, nil, nil)
}

// renderDocuments shows the documents page, after a failed upload with
// what to fix and the values given.
func (s *Server) renderDocuments(w http.ResponseWriter, r *http.Request, status int, app *store.Application, rel Relation,
	errs map[string]string, form url.Values) {
	live, snap, err := docPortfolios(app)
	if err != nil {
		s.internal(w, err)
		return
	}
	docs, err := s.cfg.Store.Documents(r.Context(), app.ID)
	if err != nil {
		s.internal(w, err)
		return
	}
	v := docsView{App: app, Docs: docViews(app.ID, docs, live, snap, ""), IsOwner: rel&RelOwner != 0, Version: app.Version,
		Kinds: docKinds(), Accept: docAccept, Accepted: files.Accepted, MaxSize: docSize(files.MaxSize),
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
	}
	s.render(w, r, status, "documents", page{Title: fmt.Sprintf("Documents of application %d", app.ID), Data: v, Errors: errs, Form: form})
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelOwner|RelStaff|RelReviewer)
	if !ok {
		return
	}
	live, snap, err := docPortfolios(app)
	if err != nil {
		s.internal(w, err)
		return
	}
	docs, err := s.cfg.Store.Documents(r.Context(), app.ID)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, map[string]any{"documents": docViews(app.ID, docs, live, snap, "/api/v1"), "version": app.Version, "state": app.State})
}

// docRequest is what an upload request carries.
type docRequest struct {
	Filename string
	Data     []byte
	HasFile  bool
	// Form holds the other fields: kind, title, supports, version.
	Form url.Values
}

// docRefusal is an upload refused before anything was stored.
type docRefusal struct {
	Status   int
	Problems []fieldProblem
}

func (e *docRefusal) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.String()
	}
	return strings.Join(msgs, "; ")
}

func docRefuse(status int, field, message string) *docRefusal {
	return &docRefusal{Status: status, Problems: []fieldProblem{{field, message}}}
}

// docTooLarge is the refusal of a file over the limit.
func docTooLarge() *docRefusal {
	return docRefuse(http.StatusRequestEntityTooLarge, "file",
		fmt.Sprintf("the file is larger than %s; send a %s document of at most %s (scan at a lower resolution, or split it)",
			docSize(files.MaxSize), files.Accepted, docSize(files.MaxSize)))
}

// readDocUpload reads a multipart upload without keeping more than the
// largest accepted file in memory; it stops at the first sign that the
// file is too large.
func readDocUpload(w http.ResponseWriter, r *http.Request) (*docRequest, error) {
	r.Body = http.MaxBytesReader(w, r.Body, docBodyLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, docRefuse(http.StatusBadRequest, "file", "send the upload as multipart/form-data with the fields file, kind, title, supports and version")
	}
	up := &docRequest{Form: url.Values{}}
	for fields := 0; ; fields++ {
		if fields > 1000 {
			return nil, docRefuse(http.StatusBadRequest, "supports", "too many fields; name at most a few hundred supported items")
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
				return nil, docRefuse(http.StatusBadRequest, "file", "send one file per upload")
			}
			up.HasFile, up.Filename = true, part.FileName()
			data, err := io.ReadAll(io.LimitReader(part, files.MaxSize+1))
			if err != nil {
				return nil, docReadError(err)
			}
			if len(data) > files.MaxSize {
				return nil, docTooLarge()
			}
			up.Data = data
		case name != "":
			value, err := io.ReadAll(io.LimitReader(part, 4<<10+1))
			if err != nil {
				return nil, docReadError(err)
			}
			if len(value) > 4<<10 {
				return nil, docRefuse(http.StatusBadRequest, name, "this field is too long")
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
		return docTooLarge()
	}
	if errors.Is(err, multipart.ErrMessageTooLarge) {
		return docRefuse(http.StatusBadRequest, "file", "the form's headers are too large")
	}
	return docRefuse(http.StatusBadRequest, "file", "the upload could not be read ("+err.Error()+"); send it again")
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
	want := map[string][]string{files.PDF: {".pdf"}, files.PNG: {".png"}, files.JPEG: {".jpg", ".jpeg"}}[contentType]
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
}

// checkDocUpload checks an upload against the application's portfolio
// and says everything that is wrong, field by field. The status is 413 for
// a file over the limit, 415 for content of a type not accepted, 422 for
// other problems. It is pure: nothing is read or stored.
func checkDocUpload(up *docRequest, p *portfolio.Portfolio) (*docInput, *docRefusal) {
	in := &docInput{Kind: strings.TrimSpace(up.Form.Get("kind")), Title: strings.TrimSpace(up.Form.Get("title")), Data: up.Data}
	ref := &docRefusal{Status: http.StatusUnprocessableEntity}
	add := func(field, msg string) { ref.Problems = append(ref.Problems, fieldProblem{field, msg}) }
	switch {
	case !up.HasFile || (len(up.Data) == 0 && up.Filename == ""):
		add("file", fmt.Sprintf("choose the file to upload: a %s document of at most %s", files.Accepted, docSize(files.MaxSize)))
	case len(up.Data) > files.MaxSize:
		ref.Status = http.StatusRequestEntityTooLarge
		ref.Problems = append(ref.Problems, docTooLarge().Problems...)
	default:
		ct, err := files.Sniff(up.Data)
		if err != nil {
			ref.Status = http.StatusUnsupportedMediaType
			add("file", err.Error())
		} else {
			in.ContentType, in.Filename = ct, docFilename(up.Filename, ct)
		}
	}
	if !slices.Contains(docKinds(), in.Kind) {
		add("kind", "choose what the document is: one of "+strings.Join(docKinds(), ", "))
	}
	if len([]rune(in.Title)) > 200 {
		add("title", "write a title of at most 200 characters")
	}
	for _, id := range up.Form["supports"] {
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
	v, err := strconv.Atoi(up.Form.Get("version"))
	if err != nil || v <= 0 {
		add("version", "the upload lacks the application version it was made from; reload the page (API: send the version from GET .../documents)")
	}
	in.Version = v
	if len(ref.Problems) > 0 {
		return nil, ref
	}
	if in.Title == "" {
		in.Title = in.Filename
	}
	return in, nil
}

// docBlobKey is a new random key for a file of an application.
func docBlobKey(appID int64) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails: crypto/rand aborts the program instead
	return fmt.Sprintf("applications/%d/%s", appID, hex.EncodeToString(b))
}

// errDocState refuses uploads once the portfolio is not the applicant's to change.
type errDocState struct{ state string }

func (e errDocState) Error() string {
	return fmt.Sprintf("documents can be added while the application is a draft, returned to you, or when the board asks for information; it is now %s",
		strings.ReplaceAll(e.state, "_", " "))
}

// addDocument stores a checked upload: the encrypted file first, then, in
// one transaction, the portfolio's new Document item (version-guarded),
// the document row, the history event and the audit entry. When the
// transaction fails the file is deleted again, so that a refused upload
// leaves nothing behind. It returns the new document, the portfolio that
// now holds its item, and the application's new version.
func (s *Server) addDocument(ctx context.Context, u *store.User, app *store.Application, in *docInput) (*store.Document, *portfolio.Portfolio, int, error) {
	if in.Version != app.Version {
		return nil, nil, 0, fmt.Errorf("application %d was changed since version %d (it is now at %d); reload the page and upload again: %w",
			app.ID, in.Version, app.Version, store.ErrConflict)
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("application %d: the portfolio no longer decodes: %w", app.ID, err)
	}
	now := s.now()
	item := portfolio.Document{ID: portfolio.NewID(p, "doc"), Kind: in.Kind, Title: in.Title, Received: s.today(), Supports: in.Supports}
	p.Documents = append(p.Documents, item)
	data, err := portfolio.Encode(p)
	if err != nil {
		return nil, nil, 0, err
	}
	sum := sha256.Sum256(in.Data)
	doc := store.Document{ApplicationID: app.ID, ItemID: item.ID, Filename: in.Filename, ContentType: in.ContentType, Size: int64(len(in.Data)),
		SHA256: hex.EncodeToString(sum[:]), BlobKey: docBlobKey(app.ID), UploadedBy: u.ID, UploadedByName: u.Name, CreatedAt: now}
	if err := s.cfg.Files.Put(ctx, doc.BlobKey, in.Data); err != nil {
		return nil, nil, 0, err
	}
	after, _ := json.Marshal(map[string]any{"item": doc.ItemID, "filename": doc.Filename, "content_type": doc.ContentType,
		"size": doc.Size, "sha256": doc.SHA256})
	var version int
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if version, err = s.cfg.Store.SavePortfolio(ctx, tx, app.ID, in.Version, data, now); err != nil {
			return err
		}
		if doc.ID, err = s.cfg.Store.AddDocument(ctx, tx, doc); err != nil {
			return err
		}
		if err := s.cfg.Store.AddEvent(ctx, tx, store.Event{ApplicationID: app.ID, At: now, ActorID: u.ID, Action: "document_added",
			Message: fmt.Sprintf("%s: %s (%s)", item.ID, doc.Filename, strings.ReplaceAll(item.Kind, "_", " "))}); err != nil {
			return err
		}
		_, err = s.cfg.Store.AppendAudit(ctx, tx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "application.document.add",
			Subject: fmt.Sprintf("application/%d/document/%d", app.ID, doc.ID), After: string(after)})
		return err
	})
	if err != nil {
		// A context already cancelled must not keep the orphan file.
		if derr := s.cfg.Files.Delete(context.WithoutCancel(ctx), doc.BlobKey); derr != nil {
			s.cfg.Log.Error("deleting the file of a failed upload", "key", doc.BlobKey, "error", derr)
		}
		return nil, nil, 0, err
	}
	return &doc, p, version, nil
}

// uploadDocument takes an upload from the documents page or the API.
func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request) {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	app, rel, ok := s.application(w, r, RelOwner|RelStaff|RelReviewer)
	if !ok {
		return
	}
	if s.cfg.Files == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "Uploads unavailable", "This server has no file store configured; ask the board's administrator.")
		return
	}
	if rel&RelOwner == 0 {
		s.fail(w, r, http.StatusForbidden, "Not allowed", "Only the applicant adds documents to an application.")
		return
	}
	if !editable(app.State) {
		s.fail(w, r, http.StatusConflict, "Documents closed", errDocState{app.State}.Error()+".")
		return
	}
	refuse := func(ref *docRefusal, form url.Values) {
		if api {
			title := map[int]string{http.StatusRequestEntityTooLarge: "File too large", http.StatusUnsupportedMediaType: "File type not accepted"}[ref.Status]
			if title == "" {
				title = "Invalid upload"
			}
			problem(w, ref.Status, title, ref.Error())
			return
		}
		errs := map[string]string{"": "The document was not uploaded; fix what is marked below."}
		for _, p := range ref.Problems {
			if _, seen := errs[p.Field]; !seen {
				errs[p.Field] = p.Message
			}
		}
		if m, ok := errs["version"]; ok {
			errs[""] = "The document was not uploaded: " + m + "."
		}
		s.renderDocuments(w, r, ref.Status, app, rel, errs, form)
	}
	up, err := readDocUpload(w, r)
	if err != nil {
		var ref *docRefusal
		if errors.As(err, &ref) {
			refuse(ref, url.Values{})
			return
		}
		s.internal(w, err)
		return
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		s.internal(w, err)
		return
	}
	in, ref := checkDocUpload(up, p)
	if ref != nil {
		refuse(ref, up.Form)
		return
	}
	u := userFrom(r)
	doc, updated, version, err := s.addDocument(r.Context(), u, app, in)
	switch {
	case errors.Is(err, store.ErrConflict):
		s.fail(w, r, http.StatusConflict, "Changed by someone else", err.Error())
		return
	case err != nil:
		s.internal(w, err)
		return
	}
	if api {
		views := docViews(app.ID, []store.Document{*doc}, updated, nil, "/api/v1")
		w.Header().Set("Location", views[0].Download)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"document": views[0], "version": version})
		return
	}
	redirect(w, r, fmt.Sprintf("/applications/%d/documents", app.ID),
		fmt.Sprintf("Uploaded %s as %s. It counts as claimed until the board verifies it.", doc.Filename, doc.ItemID))
}

// downloadDocument sends a document's file, decrypted, as an attachment.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelOwner|RelStaff|RelReviewer)
	if !ok {
		return
	}
	notFound := func() {
		s.fail(w, r, http.StatusNotFound, "Document not found", fmt.Sprintf("Application %d has no document %q.", app.ID, r.PathValue("doc")))
	}
	id, err := strconv.ParseInt(r.PathValue("doc"), 10, 64)
	if err != nil || id <= 0 {
		notFound()
		return
	}
	doc, err := s.cfg.Store.Document(r.Context(), app.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		notFound()
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	if s.cfg.Files == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "Documents unavailable", "This server has no file store configured; ask the board's administrator.")
		return
	}
	data, err := s.cfg.Files.Get(r.Context(), doc.BlobKey)
	if err != nil {
		s.internal(w, fmt.Errorf("document %d of application %d: %w", doc.ID, app.ID, err))
		return
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != doc.SHA256 {
		s.internal(w, fmt.Errorf("document %d of application %d: the file does not match its recorded SHA-256", doc.ID, app.ID))
		return
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
