package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/seal"
)

// docPortfolio is a small valid portfolio with one degree to support.
const docPortfolio = `{"format":"certboard.portfolio/v1","person":{"id":"p1","name":"Ana Example"},
 "degrees":[{"id":"deg-1","level":"master","field":"Counseling","institution":"Example University","accreditation":"regional","conferred":"2015-06-01"}]}`

// docServer is a test server whose file store lives in a directory the
// test can look into.
func docServer(t *testing.T) (*Server, *boardsql.Store, string) {
	t.Helper()
	s, st := newServer(t)
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "files")
	fstore, err := blob.OpenDir(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fstore.Close() })
	s.cfg.Files = fstore
	s.usePublicURL(t, s.cfg.PublicURL) // builds the board again, over this file store
	return s, st, dir
}

// docApp creates a draft application for owner directly through the store.
func docApp(t *testing.T, s *Server, owner *boardsql.User, portfolioJSON string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := s.inTx(ctx, func(tx *boardsql.Tx) error {
		var err error
		id, err = tx.CreateApplication(ctx, boardsql.Application{ApplicantID: owner.ID, SetID: "aasect-cst", State: "draft",
			Portfolio: []byte(portfolioJSON), CreatedAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// docPDF is a small but well-formed PDF with one empty page.
func docPDF(t *testing.T) []byte {
	t.Helper()
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offsets []int
	for i, o := range objs {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// docPNG is a real 3x2 PNG image.
func docPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// docField is one multipart field.
type docField struct{ Name, Value string }

// docMultipart builds an upload body: the fields, then the file (when
// filename is not empty).
func docMultipart(t *testing.T, fields []docField, filename string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := mw.WriteField(f.Name, f.Value); err != nil {
			t.Fatal(err)
		}
	}
	if filename != "" {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, mw.FormDataContentType()
}

// docUpload posts an upload as a same-origin browser (or a program) would.
func docUpload(t *testing.T, h http.Handler, path string, c *http.Cookie, fields []docField, filename string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	body, ct := docMultipart(t, fields, filename, data)
	req := httptest.NewRequest(http.MethodPost, path, body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "192.0.2.7:5555"
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// docFields are the form fields of an upload.
func docFields(version int, kind, title string, supports ...string) []docField {
	out := []docField{{"version", fmt.Sprint(version)}, {"kind", kind}, {"title", title}}
	for _, s := range supports {
		out = append(out, docField{"supports", s})
	}
	return out
}

// docBlobs lists the files under the file store's directory.
func docBlobs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// docNothingStored checks that a refused upload left no trace.
func docNothingStored(t *testing.T, st *boardsql.Store, dir string, app *boardsql.Application, what string) {
	t.Helper()
	ctx := context.Background()
	docs, err := st.Documents(ctx, app.ID)
	if err != nil || len(docs) != 0 {
		t.Errorf("%s: documents recorded: %+v, %v", what, docs, err)
	}
	if blobs := docBlobs(t, dir); len(blobs) != 0 {
		t.Errorf("%s: files left in the file store: %d", what, len(blobs))
	}
	now, err := st.Application(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if now.Version != app.Version || !bytes.Equal(now.Portfolio, app.Portfolio) {
		t.Errorf("%s: the portfolio changed (version %d to %d)", what, app.Version, now.Version)
	}
	events, _ := st.Events(ctx, app.ID)
	for _, e := range events {
		if e.Action == "document_added" {
			t.Errorf("%s: an event was recorded: %+v", what, e)
		}
	}
}

func TestDocumentsUploadListDownload(t *testing.T) {
	s, st, dir := docServer(t)
	h := s.Handler()
	ctx := context.Background()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := docApp(t, s, ana, docPortfolio)
	base := appPath(id, "/documents")
	api := "/api/v1" + base

	// The page offers the form with every kind and the degree to support.
	rec := getAs(t, h, base, c)
	body := rec.Body.String()
	for _, want := range []string{`enctype="multipart/form-data"`, `name="version" value="1"`, `<option value="transcript"`, `<option value="recommendation_letter"`,
		`name="supports" value="deg-1"`, `accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"`, "No documents yet"} {
		if !strings.Contains(body, want) {
			t.Errorf("documents page lacks %s", want)
		}
	}
	if rec.Code != 200 {
		t.Fatalf("documents page: %d", rec.Code)
	}

	// A PDF through the form.
	pdf := docPDF(t)
	rec = docUpload(t, h, base, c, docFields(1, "transcript", "Master's transcript", "deg-1"), "transcript.pdf", pdf)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != base {
		t.Fatalf("form upload: %d %s %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if !strings.Contains(rec.Header().Get("Set-Cookie"), FlashCookie) {
		t.Error("no flash message after the upload")
	}

	// A PNG through the API, named .pdf: its content decides.
	pngData := docPNG(t)
	rec = docUpload(t, h, api, c, docFields(2, "diploma", "", "deg-1"), "diploma.pdf", pngData)
	if rec.Code != http.StatusCreated {
		t.Fatalf("API upload: %d %s", rec.Code, rec.Body)
	}
	var created struct {
		Document docView `json:"document"`
		Version  int     `json:"version"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
		t.Fatal(err)
	}
	d := created.Document
	if created.Version != 3 || d.ItemID != "doc-2" || d.ContentType != "image/png" || d.Filename != "diploma.pdf.png" || d.Title != "diploma.pdf.png" ||
		d.Kind != "diploma" || d.State != "claimed" || d.Size != int64(len(pngData)) || len(d.Supports) != 1 || d.Supports[0].ID != "deg-1" ||
		rec.Header().Get("Location") != d.Download || d.Download != fmt.Sprintf("%s/%d", api, d.ID) {
		t.Fatalf("API answer: %s", rec.Body)
	}

	// Stored: rows, portfolio items, events, audit entries.
	docs, err := st.Documents(ctx, id)
	if err != nil || len(docs) != 2 {
		t.Fatalf("documents: %+v, %v", docs, err)
	}
	app, p := appLoad(t, st, id)
	if app.Version != 3 || len(p.Documents) != 2 {
		t.Fatalf("portfolio: version %d, documents %+v", app.Version, p.Documents)
	}
	first := p.Documents[0]
	if first.ID != "doc-1" || first.Kind != "transcript" || first.Title != "Master's transcript" || first.Received != s.today() ||
		len(first.Supports) != 1 || first.Supports[0] != "deg-1" {
		t.Fatalf("portfolio item: %+v", first)
	}
	if problems := portfolio.Validate(p); len(problems) > 0 {
		t.Fatalf("the portfolio with documents does not validate: %v", problems)
	}
	if docs[0].ItemID != "doc-1" || docs[0].ContentType != "application/pdf" || docs[0].Filename != "transcript.pdf" || docs[0].UploadedBy != ana.ID {
		t.Fatalf("row: %+v", docs[0])
	}
	events, _ := st.Events(ctx, id)
	added := 0
	for _, e := range events {
		if e.Action == "document_added" && e.ActorID == ana.ID {
			added++
		}
	}
	if added != 2 {
		t.Fatalf("document events: %d, want 2 (%+v)", added, events)
	}
	log, err := st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var audited []string
	for _, e := range log {
		if e.Action == "application.document.add" {
			audited = append(audited, e.After)
			if !strings.Contains(e.After, docs[len(audited)-1].SHA256) || strings.Contains(e.After, "%PDF") || strings.Contains(e.After, "PNG") {
				t.Errorf("audit entry: %s", e.After)
			}
		}
	}
	if len(audited) != 2 || !strings.Contains(audited[0], "transcript.pdf") {
		t.Fatalf("audit entries: %v", audited)
	}

	// At rest: two objects, both sealed, neither showing the content.
	blobs := docBlobs(t, dir)
	if len(blobs) != 2 {
		t.Fatalf("objects in the file store: %d, want 2", len(blobs))
	}
	for p, b := range blobs {
		if !bytes.HasPrefix(b, []byte("v1.")) || bytes.Contains(b, []byte("%PDF")) || bytes.Contains(b, []byte("IHDR")) || bytes.Contains(b, pdf[:40]) {
			t.Errorf("%s is not encrypted: %.40q", p, b)
		}
		if !strings.Contains(filepath.ToSlash(p), fmt.Sprintf("/applications/%d/", id)) {
			t.Errorf("object outside the application's prefix: %s", p)
		}
	}

	// The list, on the page and in the API.
	body = getAs(t, h, base, c).Body.String()
	for _, want := range []string{"Master&#39;s transcript", "transcript.pdf", "diploma.pdf.png", "Counseling (deg-1)", "claimed",
		fmt.Sprintf(`href="%s/%d"`, base, docs[0].ID)} {
		if !strings.Contains(body, want) {
			t.Errorf("documents page lacks %q", want)
		}
	}
	if strings.Contains(body, "No documents yet") {
		t.Error("the page still says there are no documents")
	}
	rec = getAs(t, h, api, c)
	var list struct {
		Documents []docView `json:"documents"`
		Version   int       `json:"version"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &list) != nil || len(list.Documents) != 2 || list.Version != 3 ||
		list.Documents[0].Kind != "transcript" || list.Documents[1].SHA256 != docs[1].SHA256 {
		t.Fatalf("API list: %d %s", rec.Code, rec.Body)
	}

	// Downloads are byte-identical, as attachments that are never sniffed or cached.
	for _, tc := range []struct {
		path, ct, name string
		data           []byte
	}{
		{fmt.Sprintf("%s/%d", base, docs[0].ID), "application/pdf", "transcript.pdf", pdf},
		{fmt.Sprintf("%s/%d", api, docs[1].ID), "image/png", "diploma.pdf.png", pngData},
	} {
		rec := getAs(t, h, tc.path, c)
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), tc.data) {
			t.Fatalf("download %s: %d, %d bytes", tc.path, rec.Code, rec.Body.Len())
		}
		hd := rec.Header()
		if hd.Get("Content-Type") != tc.ct || hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("Cache-Control") != "private, no-store" ||
			hd.Get("Content-Disposition") != fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, tc.name, tc.name) ||
			!strings.Contains(hd.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("download %s headers: %v", tc.path, hd)
		}
	}

	// Staff see and download the documents, but do not upload.
	sam := addUser(t, st, "sam@board.example", "Sam Staff", auth.Staff)
	sc := sessionFor(t, s, sam)
	if rec := getAs(t, h, fmt.Sprintf("%s/%d", base, docs[0].ID), sc); rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), pdf) {
		t.Fatalf("staff download: %d", rec.Code)
	}
	if rec := getAs(t, h, base, sc); rec.Code != 200 || strings.Contains(rec.Body.String(), `enctype="multipart/form-data"`) ||
		!strings.Contains(rec.Body.String(), "transcript.pdf") {
		t.Fatalf("staff page: %d", rec.Code)
	}
	if rec := docUpload(t, h, api, sc, docFields(3, "other", ""), "x.pdf", pdf); rec.Code != http.StatusForbidden {
		t.Fatalf("staff upload: %d, want 403", rec.Code)
	}

	// A document id of another application, or none at all, is not found.
	other := docApp(t, s, ana, docPortfolio)
	for _, path := range []string{fmt.Sprintf("%s/%d", appPath(other, "/documents"), docs[0].ID), base + "/999", base + "/x", api + "/0"} {
		if rec := getAs(t, h, path, c); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, rec.Code)
		}
	}
}

func TestDocumentsRefusedUploadsStoreNothing(t *testing.T) {
	s, st, dir := docServer(t)
	h := s.Handler()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := docApp(t, s, ana, docPortfolio)
	app, _ := appLoad(t, st, id)
	base := appPath(id, "/documents")
	api := "/api/v1" + base
	pdf := docPDF(t)
	over := append(bytes.Clone(pdf), bytes.Repeat([]byte("x"), blob.MaxSize)...)
	zip := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00" + strings.Repeat("\x00", 40))
	html := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")

	for _, tc := range []struct {
		name     string
		path     string
		fields   []docField
		filename string
		data     []byte
		status   int
		says     []string
	}{
		{"over the limit", base, docFields(1, "transcript", ""), "big.pdf", over, 413, []string{"larger than 10 MiB", "PDF, PNG or JPEG"}},
		{"over the limit (API)", api, docFields(1, "transcript", ""), "big.pdf", over, 413, []string{"larger than", "PDF, PNG or JPEG"}},
		{"far over the limit", api, docFields(1, "transcript", ""), "huge.pdf", append(over, make([]byte, 2<<20)...), 413, []string{"larger than"}},
		{"HTML named .pdf", base, docFields(1, "transcript", ""), "transcript.pdf", html, 415, []string{"HTML", "PDF, PNG or JPEG", `aria-invalid="true"`}},
		{"ZIP named .pdf (API)", api, docFields(1, "transcript", ""), "transcript.pdf", zip, 415, []string{"ZIP", "PDF, PNG or JPEG"}},
		{"text named .pdf", api, docFields(1, "transcript", ""), "notes.pdf", []byte("just some notes"), 415, []string{"plain text"}},
		{"empty file", api, docFields(1, "transcript", ""), "empty.pdf", nil, 415, []string{"empty"}},
		{"no file", api, docFields(1, "transcript", ""), "", nil, 422, []string{"file: choose the file"}},
		{"no kind", base, docFields(1, "", ""), "t.pdf", pdf, 422, []string{"choose what the document is", `id="doc-kind-error"`}},
		{"unknown kind", api, docFields(1, "selfie", ""), "t.pdf", pdf, 422, []string{"kind: choose what the document is"}},
		{"unknown item supported", api, docFields(1, "transcript", "", "deg-9"), "t.pdf", pdf, 422, []string{`supports: \"deg-9\" is not an evidence item`}},
		{"no version", api, []docField{{"kind", "transcript"}}, "t.pdf", pdf, 422, []string{"version:"}},
		{"stale version", base, docFields(7, "transcript", ""), "t.pdf", pdf, 409, []string{"reload"}},
		{"stale version (API)", api, docFields(app.Version+1, "transcript", ""), "t.pdf", pdf, 409, []string{"reload"}},
		{"a file name too long", api, docFields(1, "transcript", ""), strings.Repeat("n", 300) + ".pdf", pdf, 400,
			[]string{"file: the file name is 304 bytes long, more than the 255 accepted"}},
		{"too many fields", api, append(docFields(1, "transcript", ""), slices.Repeat([]docField{{"supports", "deg-1"}}, 1200)...), "t.pdf", pdf, 400,
			[]string{"supports: more than 1000 fields"}},
		{"a field too long", api, append(docFields(1, "transcript", ""), docField{"title", strings.Repeat("t", 5000)}), "t.pdf", pdf, 400,
			[]string{"title: longer than 4 KiB"}},
		{"a field name too long", api, append(docFields(1, "transcript", ""), docField{strings.Repeat("f", 100), "x"}), "t.pdf", pdf, 400,
			[]string{"fields: a field name is longer than 64 bytes"}},
	} {
		rec := docUpload(t, h, tc.path, c, tc.fields, tc.filename, tc.data)
		if rec.Code != tc.status {
			t.Errorf("%s: %d, want %d: %.300s", tc.name, rec.Code, tc.status, rec.Body)
			continue
		}
		for _, want := range tc.says {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s: the answer does not say %q: %s", tc.name, want, rec.Body)
			}
		}
		if strings.HasPrefix(tc.path, "/api/") && rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: API answer is %s, not problem+json", tc.name, rec.Header().Get("Content-Type"))
		}
		docNothingStored(t, st, dir, app, tc.name)
	}

	// A form refused for its content keeps what was chosen.
	rec := docUpload(t, h, base, c, docFields(1, "license", "My license", "deg-1"), "l.pdf", html)
	body := rec.Body.String()
	if rec.Code != 415 || !strings.Contains(body, `<option value="license" selected>`) || !strings.Contains(body, `value="My license"`) ||
		!strings.Contains(body, `value="deg-1" checked`) {
		t.Fatalf("refilled form: %d\n%s", rec.Code, body)
	}
	// A file name with a control character (it can only come percent-
	// encoded, RFC 2231), a declared content type that is not one or is
	// too long: refused before the file is read, naming the field.
	for _, tc := range []struct{ disposition, ct, want string }{
		{`form-data; name="file"; filename*=UTF-8''dip%0Aloma.pdf`, "application/pdf", "file: the file name holds control characters"},
		{`form-data; name="file"; filename="t.pdf"`, "pdf please", "file: the declared content type \"pdf please\" is not a media type"},
		{`form-data; name="file"; filename="t.pdf"`, "application/pdf; x=" + strings.Repeat("y", 300), "file: the declared content type is 319 bytes long, more than the 255 accepted"},
	} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for _, f := range docFields(1, "transcript", "") {
			mw.WriteField(f.Name, f.Value)
		}
		part, err := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {tc.disposition}, "Content-Type": {tc.ct}})
		if err != nil {
			t.Fatal(err)
		}
		part.Write(pdf)
		mw.Close()
		req := httptest.NewRequest(http.MethodPost, api, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(c)
		rw := httptest.NewRecorder()
		h.ServeHTTP(rw, req)
		var answer struct{ Detail string }
		json.Unmarshal(rw.Body.Bytes(), &answer)
		if rw.Code != http.StatusBadRequest || !strings.Contains(answer.Detail, tc.want) {
			t.Errorf("%s %.20q: %d %s", tc.disposition, tc.ct, rw.Code, rw.Body)
		}
		docNothingStored(t, st, dir, app, tc.want)
	}
	// Not multipart at all.
	req := httptest.NewRequest(http.MethodPost, api, strings.NewReader(`{"kind":"transcript"}`))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(c)
	rw := httptest.NewRecorder()
	h.ServeHTTP(rw, req)
	if rw.Code != http.StatusBadRequest || !strings.Contains(rw.Body.String(), "multipart/form-data") {
		t.Fatalf("JSON body: %d %s", rw.Code, rw.Body)
	}
	docNothingStored(t, st, dir, app, "not multipart")
}

func TestDocumentsAccess(t *testing.T) {
	s, st, dir := docServer(t)
	h := s.Handler()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	ben := addUser(t, st, "ben@example.org", "Ben Other", auth.Applicant)
	c, bc := sessionFor(t, s, ana), sessionFor(t, s, ben)
	id := docApp(t, s, ana, docPortfolio)
	base := appPath(id, "/documents")
	api := "/api/v1" + base
	pdf := docPDF(t)
	if rec := docUpload(t, h, base, c, docFields(1, "transcript", ""), "t.pdf", pdf); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	docs, _ := st.Documents(context.Background(), id)
	if len(docs) != 1 {
		t.Fatal("no document")
	}
	file := fmt.Sprintf("/documents/%d", docs[0].ID)
	app, _ := appLoad(t, st, id)

	// Anonymous: sent to sign in from pages, 401 from the API.
	for _, path := range []string{base, appPath(id, file)} {
		if rec := getAs(t, h, path, nil); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("anonymous %s: %d %s", path, rec.Code, rec.Header().Get("Location"))
		}
	}
	for _, path := range []string{api, "/api/v1" + appPath(id, file)} {
		if rec := getAs(t, h, path, nil); rec.Code != http.StatusUnauthorized {
			t.Errorf("anonymous %s: %d", path, rec.Code)
		}
	}
	if rec := docUpload(t, h, api, nil, docFields(2, "other", ""), "x.pdf", pdf); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous upload: %d", rec.Code)
	}

	// Another applicant: not found, whatever they try, and nothing changes.
	for _, path := range []string{base, api, appPath(id, file), "/api/v1" + appPath(id, file)} {
		if rec := getAs(t, h, path, bc); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "t.pdf") {
			t.Errorf("another applicant, %s: %d", path, rec.Code)
		}
	}
	for _, path := range []string{base, api} {
		if rec := docUpload(t, h, path, bc, docFields(2, "other", ""), "x.pdf", pdf); rec.Code != http.StatusNotFound {
			t.Errorf("another applicant uploads to %s: %d", path, rec.Code)
		}
	}
	if now, _ := appLoad(t, st, id); now.Version != app.Version || len(docBlobs(t, dir)) != 1 {
		t.Errorf("another applicant changed something: version %d, %d files", now.Version, len(docBlobs(t, dir)))
	}
	if docs, _ := st.Documents(context.Background(), id); len(docs) != 1 {
		t.Errorf("documents: %d", len(docs))
	}

	// A peer reviewer sees the documents once assigned, and never uploads.
	rita := addUser(t, st, "rita@example.org", "Rita Reviewer", auth.Reviewer)
	rc := sessionFor(t, s, rita)
	if rec := getAs(t, h, appPath(id, file), rc); rec.Code != http.StatusNotFound {
		t.Errorf("an unassigned reviewer downloads: %d", rec.Code)
	}
	sam := addUser(t, st, "sam@board.example", "Sam Staff", auth.Staff)
	if _, err := st.DB.Exec(st.Dialect.Rebind("INSERT INTO review_assignments (application_id, reviewer_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)"),
		id, rita.ID, sam.ID, time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")); err != nil {
		t.Fatal(err)
	}
	if rec := getAs(t, h, appPath(id, file), rc); rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), pdf) {
		t.Errorf("an assigned reviewer downloads: %d", rec.Code)
	}
	if rec := getAs(t, h, api, rc); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"filename": "t.pdf"`) {
		t.Errorf("an assigned reviewer lists: %d %s", rec.Code, rec.Body)
	}
	if rec := docUpload(t, h, api, rc, docFields(app.Version, "other", ""), "x.pdf", pdf); rec.Code != http.StatusForbidden {
		t.Errorf("an assigned reviewer uploads: %d, want 403", rec.Code)
	}
}

func TestDocumentsClosedOnceSubmitted(t *testing.T) {
	s, st, dir := docServer(t)
	h := s.Handler()
	ctx := context.Background()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := docApp(t, s, ana, docPortfolio)
	base := appPath(id, "/documents")
	err := s.inTx(ctx, func(tx *boardsql.Tx) error {
		_, err := tx.SetApplicationState(ctx, id, 1, "draft", "submitted", time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	app, _ := appLoad(t, st, id)
	for _, path := range []string{base, "/api/v1" + base} {
		rec := docUpload(t, h, path, c, docFields(app.Version, "transcript", ""), "t.pdf", docPDF(t))
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "now submitted") {
			t.Errorf("upload to %s once submitted: %d %.300s", path, rec.Code, rec.Body)
		}
	}
	docNothingStored(t, st, dir, app, "submitted")
	body := getAs(t, h, base, c).Body.String()
	if strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "Documents can be added while") {
		t.Fatalf("the page of a submitted application still offers the upload form")
	}
}

func TestDocumentHelpers(t *testing.T) {
	if got := contentDisposition("Zeugnis – Köln.pdf"); got != `attachment; filename="Zeugnis _ K_ln.pdf"; filename*=UTF-8''Zeugnis%20%E2%80%93%20K%C3%B6ln.pdf` {
		t.Errorf("contentDisposition: %s", got)
	}
	for n, want := range map[int64]string{12: "12 bytes", 2048: "2 KiB", 3 << 20: "3 MiB", 3<<20 + 300<<10: "3.3 MiB"} {
		if got := docSize(n); got != want {
			t.Errorf("docSize(%d) = %s", n, got)
		}
	}
	kinds := docKinds()
	if len(kinds) < 10 || kinds[0] != "transcript" {
		t.Errorf("kinds from the portfolio schema: %v", kinds)
	}
}

// docDeleteAPI sends DELETE …/documents/{doc}?version=N through the API.
func docDeleteAPI(t *testing.T, h http.Handler, appID, docID int64, version int, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodDelete, fmt.Sprintf("/api/v1/applications/%d/documents/%d?version=%d", appID, docID, version), nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "192.0.2.7:5555"
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		openAPICheckAnswer(t, openAPICompiler(t), openAPIDocument(t), "delete", "/api/v1/applications/{id}/documents/{doc}", rec)
	}
	return rec
}

// docDeleteForm posts the documents page's delete form.
func docDeleteForm(t *testing.T, h http.Handler, appID, docID int64, version int, confirm bool, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	form := url.Values{"version": {fmt.Sprint(version)}}
	if confirm {
		form.Set("confirm", "yes")
	}
	return postForm(t, h, fmt.Sprintf("/applications/%d/documents/%d/delete", appID, docID), form, c)
}

// docUploaded uploads a PDF through the API and returns its row.
func docUploaded(t *testing.T, s *Server, st *boardsql.Store, c *http.Cookie, appID int64, title string, supports ...string) boardsql.Document {
	t.Helper()
	app, _ := appLoad(t, st, appID)
	rec := docUpload(t, s.Handler(), "/api/v1"+appPath(appID, "/documents"), c, docFields(app.Version, "transcript", title, supports...), title+".pdf", docPDF(t))
	if rec.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	var created struct {
		Document docView `json:"document"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
		t.Fatal(err)
	}
	d, err := st.Document(context.Background(), appID, created.Document.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *d
}

// docAudit returns the audit entries with an action.
func docAudit(t *testing.T, st *boardsql.Store, action string) []audit.Entry {
	t.Helper()
	log, err := st.AuditLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	for _, e := range log {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// docBlobExists reports whether the file store holds an object under key.
func docBlobExists(t *testing.T, s *Server, key string) bool {
	t.Helper()
	_, err := s.cfg.Files.Get(context.Background(), key)
	if err != nil && !errors.Is(err, blob.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func TestDocumentDelete(t *testing.T) {
	s, st, dir := docServer(t)
	h := s.Handler()
	ctx := context.Background()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := docApp(t, s, ana, docPortfolio)
	first := docUploaded(t, s, st, c, id, "transcript", "deg-1")
	second := docUploaded(t, s, st, c, id, "diploma")
	if len(docBlobs(t, dir)) != 2 {
		t.Fatal("two uploads, not two files")
	}

	// The page offers a confirmed delete per document.
	body := getAs(t, h, appPath(id, "/documents"), c).Body.String()
	for _, want := range []string{fmt.Sprintf(`action="/applications/%d/documents/%d/delete"`, id, first.ID), `name="confirm" value="yes" required`,
		`class="danger"`, "erased for good"} {
		if !strings.Contains(body, want) {
			t.Errorf("documents page lacks %s", want)
		}
	}

	// Without the confirmation, nothing happens and the page says why.
	app, _ := appLoad(t, st, id)
	rec := docDeleteForm(t, h, id, first.ID, app.Version, false, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "tick the box") || !docBlobExists(t, s, first.BlobKey) {
		t.Fatalf("delete without confirmation: %d %.300s", rec.Code, rec.Body)
	}

	// A stale version: 409, nothing changed.
	rec = docDeleteForm(t, h, id, first.ID, app.Version-1, true, c)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "was changed since version") {
		t.Fatalf("stale version from the page: %d %.300s", rec.Code, rec.Body)
	}
	if rec := docDeleteAPI(t, h, id, first.ID, app.Version-1, c); rec.Code != http.StatusConflict {
		t.Fatalf("stale version from the API: %d %s", rec.Code, rec.Body)
	}
	if rec := docDeleteAPI(t, h, id, first.ID, 0, c); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "version") {
		t.Fatalf("no version: %d %s", rec.Code, rec.Body)
	}
	if now, _ := appLoad(t, st, id); now.Version != app.Version {
		t.Fatal("a refused delete changed the application")
	}

	// Deleted from the page: the row, the item and the file go, in the history and the audit log.
	rec = docDeleteForm(t, h, id, first.ID, app.Version, true, c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != appPath(id, "/documents") {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	if _, err := st.Document(ctx, id, first.ID); !errors.Is(err, boardsql.ErrNotFound) {
		t.Fatalf("the row remains: %v", err)
	}
	if docBlobExists(t, s, first.BlobKey) || !docBlobExists(t, s, second.BlobKey) || len(docBlobs(t, dir)) != 1 {
		t.Fatal("the deleted document's file remains, or the other's went")
	}
	now, p := appLoad(t, st, id)
	if now.Version != app.Version+1 || len(p.Documents) != 1 || p.Documents[0].ID != second.ItemID {
		t.Fatalf("portfolio after delete: version %d, documents %+v", now.Version, p.Documents)
	}
	if problems := portfolio.Validate(p); len(problems) > 0 {
		t.Fatalf("the portfolio no longer validates: %v", problems)
	}
	events, _ := st.Events(ctx, id)
	if e := events[len(events)-1]; e.Action != "document_deleted" || e.ActorID != ana.ID || !strings.Contains(e.Message, first.ItemID) {
		t.Fatalf("last event: %+v", e)
	}
	deletes := docAudit(t, st, "application.document.delete")
	if len(deletes) != 1 || deletes[0].Actor != fmt.Sprintf("user/%d", ana.ID) || deletes[0].Subject != fmt.Sprintf("application/%d/document/%d", id, first.ID) ||
		!strings.Contains(deletes[0].Before, first.SHA256) {
		t.Fatalf("audit entries: %+v", deletes)
	}
	if rec := getAs(t, h, fmt.Sprintf("%s/%d", appPath(id, "/documents"), first.ID), c); rec.Code != http.StatusNotFound {
		t.Fatalf("download of a deleted document: %d", rec.Code)
	}

	// Deleted through the API.
	rec = docDeleteAPI(t, h, id, second.ID, now.Version, c)
	var out struct {
		Deleted int64  `json:"deleted"`
		ItemID  string `json:"item_id"`
		Version int    `json:"version"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Deleted != second.ID || out.ItemID != second.ItemID || out.Version != now.Version+1 {
		t.Fatalf("API delete: %d %s", rec.Code, rec.Body)
	}
	if len(docBlobs(t, dir)) != 0 {
		t.Fatal("files remain after every document was deleted")
	}
	if docs, _ := st.Documents(ctx, id); len(docs) != 0 {
		t.Fatalf("rows remain: %+v", docs)
	}
	if rec := docDeleteAPI(t, h, id, second.ID, out.Version, c); rec.Code != http.StatusNotFound {
		t.Fatalf("deleting twice: %d", rec.Code)
	}
}

func TestDocumentDeleteRefused(t *testing.T) {
	s, st, _ := docServer(t)
	h := s.Handler()
	ctx := context.Background()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := docApp(t, s, ana, docPortfolio)
	doc := docUploaded(t, s, st, c, id, "transcript", "deg-1")
	save := func(f func(tx *boardsql.Tx, app *boardsql.Application) error) {
		t.Helper()
		app, _ := appLoad(t, st, id)
		if err := s.inTx(ctx, func(tx *boardsql.Tx) error { return f(tx, app) }); err != nil {
			t.Fatal(err)
		}
	}
	unchanged := func(what string) {
		t.Helper()
		if _, err := st.Document(ctx, id, doc.ID); err != nil || !docBlobExists(t, s, doc.BlobKey) {
			t.Errorf("%s: the document went: %v", what, err)
		}
	}

	// Not the owner: not found, whoever asks (staff and an assigned reviewer see the documents, but never delete).
	bob := addUser(t, st, "bob@example.org", "Bob Other", auth.Applicant)
	sam := addUser(t, st, "sam@board.example", "Sam Staff", auth.Staff)
	rita := addUser(t, st, "rita@example.org", "Rita Reviewer", auth.Reviewer)
	if _, err := st.DB.Exec(st.Dialect.Rebind("INSERT INTO review_assignments (application_id, reviewer_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)"),
		id, rita.ID, sam.ID, time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")); err != nil {
		t.Fatal(err)
	}
	app, _ := appLoad(t, st, id)
	for _, u := range []*boardsql.User{bob, sam, rita} {
		uc := sessionFor(t, s, u)
		if rec := docDeleteAPI(t, h, id, doc.ID, app.Version, uc); rec.Code != http.StatusNotFound {
			t.Errorf("%s deletes through the API: %d", u.Name, rec.Code)
		}
		if rec := docDeleteForm(t, h, id, doc.ID, app.Version, true, uc); rec.Code != http.StatusNotFound {
			t.Errorf("%s deletes from the page: %d", u.Name, rec.Code)
		}
		if body := getAs(t, h, appPath(id, "/documents"), uc).Body.String(); strings.Contains(body, "/delete") {
			t.Errorf("%s is offered a delete form", u.Name)
		}
	}
	if rec := docDeleteAPI(t, h, id, doc.ID, app.Version, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous delete: %d", rec.Code)
	}
	unchanged("not the owner")

	// Referred to by another item: 409 naming it.
	save(func(tx *boardsql.Tx, app *boardsql.Application) error {
		p, _ := portfolio.DecodeStored(app.Portfolio)
		p.Documents = append(p.Documents, portfolio.Document{ID: "doc-9", Kind: "other", Title: "Cover letter", Received: s.today(), Supports: []string{doc.ItemID}})
		data, err := portfolio.Encode(p)
		if err != nil {
			return err
		}
		_, err = tx.SavePortfolio(ctx, id, app.Version, data, time.Now())
		return err
	})
	app, _ = appLoad(t, st, id)
	rec := docDeleteAPI(t, h, id, doc.ID, app.Version, c)
	var prob struct {
		Detail       string       `json:"detail"`
		ReferencedBy []docSupport `json:"referenced_by"`
	}
	if rec.Code != http.StatusConflict || json.Unmarshal(rec.Body.Bytes(), &prob) != nil || len(prob.ReferencedBy) != 1 ||
		prob.ReferencedBy[0].ID != "doc-9" || !strings.Contains(prob.Detail, "Cover letter (doc-9)") {
		t.Fatalf("referenced document, API: %d %s", rec.Code, rec.Body)
	}
	rec = docDeleteForm(t, h, id, doc.ID, app.Version, true, c)
	if body := rec.Body.String(); rec.Code != http.StatusConflict || !strings.Contains(body, "Cover letter (doc-9)") || !strings.Contains(body, "error-summary") {
		t.Fatalf("referenced document, page: %d %.400s", rec.Code, body)
	}
	if body := getAs(t, h, appPath(id, "/documents"), c).Body.String(); strings.Contains(body, fmt.Sprintf("/documents/%d/delete", doc.ID)) ||
		!strings.Contains(body, "Kept: ") {
		t.Error("the page offers to delete a document that is referred to")
	}
	unchanged("referenced")
	save(func(tx *boardsql.Tx, app *boardsql.Application) error {
		p, _ := portfolio.DecodeStored(app.Portfolio)
		p.Documents = p.Documents[:1]
		data, _ := portfolio.Encode(p)
		_, err := tx.SavePortfolio(ctx, id, app.Version, data, time.Now())
		return err
	})

	// Submitted: closed.
	save(func(tx *boardsql.Tx, app *boardsql.Application) error {
		if err := tx.FreezeSnapshot(ctx, id, app.Portfolio, "1", time.Now()); err != nil {
			return err
		}
		_, err := tx.SetApplicationState(ctx, id, app.Version, "draft", "submitted", time.Now())
		return err
	})
	app, _ = appLoad(t, st, id)
	if rec := docDeleteAPI(t, h, id, doc.ID, app.Version, c); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "is submitted") {
		t.Fatalf("submitted: %d %s", rec.Code, rec.Body)
	}
	unchanged("submitted")

	// Returned, but in the submitted snapshot: kept for the board's record.
	save(func(tx *boardsql.Tx, app *boardsql.Application) error {
		_, err := tx.SetApplicationState(ctx, id, app.Version, "submitted", "returned", time.Now())
		return err
	})
	app, _ = appLoad(t, st, id)
	rec = docDeleteAPI(t, h, id, doc.ID, app.Version, c)
	prob.ReferencedBy = nil
	if rec.Code != http.StatusConflict || json.Unmarshal(rec.Body.Bytes(), &prob) != nil || prob.ReferencedBy == nil || len(prob.ReferencedBy) != 0 ||
		!strings.Contains(prob.Detail, "when you submitted it") {
		t.Fatalf("in the snapshot: %d %s", rec.Code, rec.Body)
	}
	if rec := docDeleteForm(t, h, id, doc.ID, app.Version, true, c); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "when you submitted it") {
		t.Fatalf("in the snapshot, page: %d", rec.Code)
	}
	unchanged("in the snapshot")

	// A document uploaded after the submission, while returned, is the applicant's to delete.
	later := docUploaded(t, s, st, c, id, "late")
	app, _ = appLoad(t, st, id)
	if rec := docDeleteAPI(t, h, id, later.ID, app.Version, c); rec.Code != 200 {
		t.Fatalf("a document added after the submission: %d %s", rec.Code, rec.Body)
	}
	if docBlobExists(t, s, later.BlobKey) {
		t.Fatal("its file remains")
	}
	unchanged("after another delete")
	if n := len(docAudit(t, st, "application.document.delete")); n != 1 {
		t.Fatalf("delete audit entries: %d, want 1", n)
	}
}

func TestDocumentDownloadsAudited(t *testing.T) {
	s, st, _ := docServer(t)
	h := s.Handler()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := docApp(t, s, ana, docPortfolio)
	doc := docUploaded(t, s, st, c, id, "transcript")
	sam := addUser(t, st, "sam@board.example", "Sam Staff", auth.Staff)
	rita := addUser(t, st, "rita@example.org", "Rita Reviewer", auth.Reviewer)
	lee := addUser(t, st, "lee@example.org", "Lee Supervisor", auth.Supervisor)
	if _, err := st.DB.Exec(st.Dialect.Rebind("INSERT INTO review_assignments (application_id, reviewer_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)"),
		id, rita.ID, sam.ID, time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("%s/%d", appPath(id, "/documents"), doc.ID)
	for i, tc := range []struct {
		who  *boardsql.User
		path string
		as   string
	}{
		{ana, page, "applicant"},
		{sam, "/api/v1" + page, "staff"},
		{rita, page, "reviewer"},
	} {
		rec := getAs(t, h, tc.path, sessionFor(t, s, tc.who))
		if rec.Code != 200 || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
			t.Fatalf("%s downloads: %d", tc.who.Name, rec.Code)
		}
		log := docAudit(t, st, "application.document.download")
		if len(log) != i+1 {
			t.Fatalf("after %s's download: %d audit entries, want %d", tc.who.Name, len(log), i+1)
		}
		e := log[i]
		if e.Actor != fmt.Sprintf("user/%d", tc.who.ID) || e.Subject != fmt.Sprintf("application/%d/document/%d", id, doc.ID) ||
			!strings.Contains(e.After, `"as":"`+tc.as+`"`) || !strings.Contains(e.After, doc.SHA256) || !strings.Contains(e.After, doc.ItemID) {
			t.Fatalf("audit entry of %s's download: %+v", tc.who.Name, e)
		}
	}
	// Those who may not download leave no entry: a supervisor not named, another applicant, a missing document.
	for _, u := range []*boardsql.User{lee, addUser(t, st, "bob@example.org", "Bob Other", auth.Applicant)} {
		if rec := getAs(t, h, page, sessionFor(t, s, u)); rec.Code != http.StatusNotFound {
			t.Errorf("%s downloads: %d, want 404", u.Name, rec.Code)
		}
	}
	if rec := getAs(t, h, appPath(id, "/documents/999"), c); rec.Code != http.StatusNotFound {
		t.Errorf("missing document: %d", rec.Code)
	}
	if n := len(docAudit(t, st, "application.document.download")); n != 3 {
		t.Fatalf("audit entries after refused downloads: %d, want 3", n)
	}

	// The audit log refuses writes: the file is not sent.
	if st.Dialect.String() != "sqlite" {
		t.Skipf("the audit failure is injected with a SQLite trigger; the dialect is %s", st.Dialect)
	}
	if _, err := st.DB.Exec(`CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{page, "/api/v1" + page} {
		rec := getAs(t, h, path, c)
		if rec.Code != http.StatusServiceUnavailable || bytes.Contains(rec.Body.Bytes(), []byte("%PDF")) || rec.Header().Get("Content-Disposition") != "" ||
			!strings.Contains(rec.Body.String(), "could not be written") {
			t.Fatalf("download while the audit log fails, %s: %d %.300s", path, rec.Code, rec.Body)
		}
		if strings.HasPrefix(path, "/api/") {
			openAPICheckAnswer(t, openAPICompiler(t), openAPIDocument(t), "get", "/api/v1/applications/{id}/documents/{doc}", rec)
		}
	}
}

func TestSweepDocumentFiles(t *testing.T) {
	s, st, dir := docServer(t)
	ctx := context.Background()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := docApp(t, s, ana, docPortfolio)
	doc := docUploaded(t, s, st, c, id, "transcript")
	orphan := docBlobKey(id)
	if err := s.cfg.Files.Put(ctx, orphan, docPDF(t)); err != nil {
		t.Fatal(err)
	}
	// Young files are left alone: an upload writes its file before recording it.
	if n, err := s.SweepDocumentFiles(ctx, time.Now().Add(-docOrphanGrace)); err != nil || n != 0 || len(docBlobs(t, dir)) != 2 {
		t.Fatalf("sweep of young files: %d, %v", n, err)
	}
	// Past the grace by the file store's clock, the orphan goes.
	docAgeFiles(t, 2*docOrphanGrace)
	n, err := s.SweepDocumentFiles(ctx, time.Now().Add(time.Minute))
	if err != nil || n != 1 || docBlobExists(t, s, orphan) || !docBlobExists(t, s, doc.BlobKey) {
		t.Fatalf("sweep: %d, %v; the orphan remains or the document's file went", n, err)
	}
	if n, err := s.SweepDocumentFiles(ctx, time.Now().Add(time.Minute)); err != nil || n != 0 {
		t.Fatalf("second sweep: %d, %v", n, err)
	}
}

// docAgeFiles moves the file store's clock by d for the rest of the test,
// as if every file were d older.
func docAgeFiles(t *testing.T, d time.Duration) {
	t.Helper()
	t.Cleanup(func() { docFileClock = time.Now })
	docFileClock = func() time.Time { return time.Now().Add(d) }
}

// TestSweepKeepsYoungFilesWhateverTheServerClock: the files' times are the
// file store's (the wall clock), so a server clock set ahead, as in tests
// and demos, must not make the daily sweep delete the file of an upload
// whose row is not committed yet.
func TestSweepKeepsYoungFilesWhateverTheServerClock(t *testing.T) {
	s, st, _ := docServer(t)
	ctx := context.Background()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	doc := docUploaded(t, s, st, sessionFor(t, s, ana), docApp(t, s, ana, docPortfolio), "transcript")
	inFlight := docBlobKey(1) // written by an upload, its transaction still running
	if err := s.cfg.Files.Put(ctx, inFlight, docPDF(t)); err != nil {
		t.Fatal(err)
	}
	ahead := time.Now().AddDate(0, 0, 30)
	s.cfg.Now = func() time.Time { return ahead }
	if _, err := s.RunDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if !docBlobExists(t, s, inFlight) {
		t.Fatal("the daily sweep, run by a server clock 30 days ahead, deleted a file written a moment ago")
	}
	if n, err := s.SweepDocumentFiles(ctx, ahead); err != nil || n != 0 || !docBlobExists(t, s, inFlight) {
		t.Fatalf("a sweep told to take everything older than 30 days ahead: %d, %v", n, err)
	}
	// Once the file is older than the grace by its own clock, it goes.
	docAgeFiles(t, docOrphanGrace+time.Minute)
	if n, err := s.SweepDocumentFiles(ctx, ahead); err != nil || n != 1 || docBlobExists(t, s, inFlight) || !docBlobExists(t, s, doc.BlobKey) {
		t.Fatalf("sweep of the aged orphan: %d, %v", n, err)
	}
}

// TestSweepWithTheWrongDatabaseDeletesNothing: a server started on a fresh
// or wrong database beside the real file store finds that no document names
// any file; it must not take that as every file being an orphan.
func TestSweepWithTheWrongDatabaseDeletesNothing(t *testing.T) {
	s, st, dir := docServer(t)
	ctx := context.Background()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := docApp(t, s, ana, docPortfolio)
	docUploaded(t, s, st, c, id, "transcript")
	docUploaded(t, s, st, c, id, "diploma")
	// The same file store under a server with an empty database.
	other, _ := newServer(t)
	other.cfg.Files = s.cfg.Files
	docAgeFiles(t, 2*docOrphanGrace)
	if n, err := other.SweepDocumentFiles(ctx, time.Now()); err != nil || n != 0 || len(docBlobs(t, dir)) != 2 {
		t.Fatalf("sweep against a database naming none of the files: %d, %v, %d files left", n, err, len(docBlobs(t, dir)))
	}
	// The right database still sweeps: nothing to delete there.
	if n, err := s.SweepDocumentFiles(ctx, time.Now()); err != nil || n != 0 || len(docBlobs(t, dir)) != 2 {
		t.Fatalf("sweep against the right database: %d, %v", n, err)
	}
}

func TestDocReferrers(t *testing.T) {
	p := &portfolio.Portfolio{
		Documents: []portfolio.Document{
			{ID: "doc-1", Kind: "transcript", Supports: []string{"deg-1"}},
			{ID: "doc-2", Kind: "other", Title: "Letter", Supports: []string{"doc-1", "deg-1"}},
		},
		Sessions: []portfolio.Session{{ID: "ses-1", Supervisor: "sup-1", Contract: "con-1"}},
	}
	for id, want := range map[string]string{"doc-1": "doc-2", "deg-1": "doc-1 doc-2", "sup-1": "ses-1", "con-1": "ses-1", "doc-2": "", "nothing": ""} {
		var got []string
		for _, r := range docReferrers(p, id) {
			got = append(got, r.ID)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("docReferrers(%s) = %v, want %s", id, got, want)
		}
	}
	if got := docReferrers(nil, "doc-1"); len(got) != 0 {
		t.Errorf("docReferrers(nil) = %v", got)
	}
}

// TestDocumentDownloadRacingItsDeletion: a download that read the document's
// row just before the applicant deleted it finds the file gone; that is a
// document not found (404), not a server failure. A row whose file is
// missing, on the other hand, is one (500).
func TestDocumentDownloadRacingItsDeletion(t *testing.T) {
	s, st, _ := docServer(t)
	h := s.Handler()
	ctx := context.Background()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := docApp(t, s, ana, docPortfolio)
	gone := docUploaded(t, s, st, c, id, "transcript")
	kept := docUploaded(t, s, st, c, id, "diploma")
	app, _ := appLoad(t, st, id)
	read, err := st.Document(ctx, id, gone.ID) // the download's read of the row
	if err != nil {
		t.Fatal(err)
	}
	if rec := docDeleteAPI(t, h, id, gone.ID, app.Version, c); rec.Code != http.StatusOK {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	_, err = s.docFile(ctx, app, read)
	if status, _, detail, ok := errorAnswer(err); !ok || status != http.StatusNotFound || !strings.Contains(detail, "deleted") {
		t.Fatalf("file of a document deleted meanwhile: %v (status %d)", err, status)
	}
	if err := s.cfg.Files.Delete(ctx, kept.BlobKey); err != nil {
		t.Fatal(err)
	}
	if _, err := s.docFile(ctx, app, &kept); err == nil {
		t.Fatal("a row without its file was served")
	} else if _, _, _, ok := errorAnswer(err); ok {
		t.Fatalf("a row without its file answered as the caller's fault: %v", err)
	}
	if rec := getAs(t, h, fmt.Sprintf("%s/%d", appPath(id, "/documents"), kept.ID), c); rec.Code != http.StatusInternalServerError {
		t.Fatalf("download of a row without its file: %d", rec.Code)
	}
}

// TestDashboardNamesDocumentsNotOnFile: the applicant's dashboard names
// the documents listed without a file, which do not count, until their
// files are uploaded.
func TestDashboardNamesDocumentsNotOnFile(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ana := addUser(t, st, "jordan@example.org", "Jordan Reyes", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := appStart(t, s, c, "aasect-cst")
	example, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	if rec := postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "details": {"imported"}, "json": {string(example)}}, c); rec.Code != 303 {
		t.Fatalf("import: %d", rec.Code)
	}
	body := getAs(t, h, appPath(id, ""), c).Body.String()
	for _, want := range []string{`id="nofile-h">5 documents need their file`, "UIC MSW transcript", "supervision contract", appPath(id, "/documents")} {
		if !strings.Contains(body, want) {
			t.Errorf("the dashboard does not say %q", want)
		}
	}
	fileEveryDocument(t, s, st, ana, id)
	if body := getAs(t, h, appPath(id, ""), c).Body.String(); strings.Contains(body, "nofile-h") {
		t.Error("with every file uploaded, the dashboard still asks for files")
	}
}
