package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
)

// pdExport exports an application's portfolio through the API.
func pdExport(t *testing.T, h http.Handler, appID int64, c *http.Cookie) []byte {
	t.Helper()
	rec := getAs(t, h, "/api/v1"+appPath(appID, "/portfolio"), c)
	if rec.Code != 200 {
		t.Fatalf("export: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// pdImported is the API's answer to an import.
type pdImported struct {
	Version   int `json:"version"`
	Documents struct {
		OnFile    []string `json:"on_file"`
		Copied    []string `json:"copied"`
		NotOnFile []string `json:"not_on_file"`
	} `json:"documents"`
}

// pdImport imports a portfolio through the API at the application's
// current version.
func pdImport(t *testing.T, s *Server, appID int64, data []byte, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	app, _ := appLoad(t, s.store(), appID)
	req := httptest.NewRequest("PUT", "/api/v1"+appPath(appID, "/portfolio"), bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", strconv.Quote(strconv.Itoa(app.Version)))
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func pdImportOK(t *testing.T, s *Server, appID int64, data []byte, c *http.Cookie) pdImported {
	t.Helper()
	rec := pdImport(t, s, appID, data, c)
	var out pdImported
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		t.Fatalf("import into application %d: %d %s", appID, rec.Code, rec.Body)
	}
	return out
}

// pdDownload downloads a document's file as c.
func pdDownload(t *testing.T, h http.Handler, appID, docID int64, c *http.Cookie) []byte {
	t.Helper()
	rec := getAs(t, h, fmt.Sprintf("/api/v1/applications/%d/documents/%d", appID, docID), c)
	if rec.Code != 200 {
		t.Fatalf("download of document %d of application %d: %d %s", docID, appID, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// TestExportImportKeepsDocuments: a portfolio with two uploaded documents,
// exported and imported again, keeps them. Into the same application the
// files stay on record (an edited description too); into a fresh
// application of the same account the files are copied; a file named by a
// digest that is not this one's is refused; another account gets the items
// "not on file", and can upload a file for one.
func TestExportImportKeepsDocuments(t *testing.T) {
	s, st, _ := docServer(t)
	h := s.Handler()
	ctx := context.Background()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	first := docApp(t, s, ana, docPortfolio)
	transcript := docUploaded(t, s, st, c, first, "transcript", "deg-1")
	app, _ := appLoad(t, st, first)
	rec := docUpload(t, h, "/api/v1"+appPath(first, "/documents"), c, docFields(app.Version, "diploma", "Diploma", "deg-1"), "diploma.png", docPNG(t))
	if rec.Code != http.StatusCreated {
		t.Fatalf("second upload: %d %s", rec.Code, rec.Body)
	}
	held, _ := st.Documents(ctx, first)
	if len(held) != 2 {
		t.Fatalf("%d documents", len(held))
	}
	diploma := held[1]

	// The export names each file by its digest.
	exported := pdExport(t, h, first, c)
	p, err := portfolio.Decode(exported)
	if err != nil {
		t.Fatalf("the export does not decode: %v\n%s", err, exported)
	}
	if len(p.Documents) != 2 || p.Documents[0].FileSHA256 != transcript.SHA256 || p.Documents[1].FileSHA256 != diploma.SHA256 {
		t.Fatalf("exported documents: %+v", p.Documents)
	}

	// Into the same application: both stay on file, once each.
	out := pdImportOK(t, s, first, exported, c)
	if !slices.Equal(out.Documents.OnFile, []string{transcript.ItemID, diploma.ItemID}) || len(out.Documents.Copied)+len(out.Documents.NotOnFile) != 0 {
		t.Fatalf("same application: %+v", out.Documents)
	}
	if after, _ := st.Documents(ctx, first); len(after) != 2 || after[0].ID != transcript.ID || after[1].ID != diploma.ID {
		t.Fatalf("documents after the import: %+v", after)
	}
	_, live := appLoad(t, st, first)
	if len(live.Documents) != 2 || live.Documents[0].ID != transcript.ItemID || live.Documents[0].FileSHA256 != "" {
		t.Fatalf("live documents: %+v", live.Documents)
	}
	if got := pdDownload(t, h, first, transcript.ID, c); !bytes.Equal(got, docPDF(t)) {
		t.Fatal("the transcript's file changed")
	}
	// An edited description keeps its file.
	edited := bytes.Replace(exported, []byte(`"title": "transcript"`), []byte(`"title": "Master's transcript"`), 1)
	if bytes.Equal(edited, exported) {
		t.Fatalf("the export has no transcript title to edit:\n%s", exported)
	}
	pdImportOK(t, s, first, edited, c)
	if _, live := appLoad(t, st, first); live.Documents[0].Title != "Master's transcript" {
		t.Fatalf("edited title: %+v", live.Documents[0])
	}
	// A digest that is not this item's file is refused, naming the field.
	wrong := bytes.Replace(exported, []byte(transcript.SHA256), []byte(strings.Repeat("0", 64)), 1)
	if rec := pdImport(t, s, first, wrong, c); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "$.documents[0].file_sha256") {
		t.Fatalf("a wrong digest: %d %s", rec.Code, rec.Body)
	}

	// Into a fresh application of the same account: the files are copied.
	second := docApp(t, s, ana, `{"format":"certboard.portfolio/v1","person":{"id":"p1","name":"Ana Example"}}`)
	out = pdImportOK(t, s, second, exported, c)
	if !slices.Equal(out.Documents.Copied, []string{transcript.ItemID, diploma.ItemID}) || len(out.Documents.OnFile)+len(out.Documents.NotOnFile) != 0 {
		t.Fatalf("fresh application: %+v", out.Documents)
	}
	copies, _ := st.Documents(ctx, second)
	if len(copies) != 2 || copies[0].ItemID != transcript.ItemID || copies[0].SHA256 != transcript.SHA256 || copies[0].BlobKey == transcript.BlobKey ||
		copies[1].Filename != diploma.Filename || copies[1].ContentType != "image/png" {
		t.Fatalf("copied documents: %+v", copies)
	}
	if got := pdDownload(t, h, second, copies[1].ID, c); !bytes.Equal(got, docPNG(t)) {
		t.Fatal("the copied diploma differs")
	}
	if n := len(docAudit(t, st, "application.document.copy")); n != 2 {
		t.Fatalf("%d copies audited", n)
	}
	// The copy is the new application's own: deleting the original keeps it.
	app, _ = appLoad(t, st, first)
	if rec := docDeleteAPI(t, h, first, diploma.ID, app.Version, c); rec.Code != 200 {
		t.Fatalf("deleting the original: %d %s", rec.Code, rec.Body)
	}
	if got := pdDownload(t, h, second, copies[1].ID, c); !bytes.Equal(got, docPNG(t)) {
		t.Fatal("the copied diploma went with the original")
	}

	// Another account never gets Ana's files: the items are not on file.
	bo := addUser(t, st, "bo@example.org", "Bo Other", auth.Applicant)
	bc := sessionFor(t, s, bo)
	theirs := docApp(t, s, bo, `{"format":"certboard.portfolio/v1","person":{"id":"p1","name":"Bo Other"}}`)
	out = pdImportOK(t, s, theirs, exported, bc)
	if !slices.Equal(out.Documents.NotOnFile, []string{transcript.ItemID, diploma.ItemID}) || len(out.Documents.OnFile)+len(out.Documents.Copied) != 0 {
		t.Fatalf("another account: %+v", out.Documents)
	}
	if docs, _ := st.Documents(ctx, theirs); len(docs) != 0 {
		t.Fatalf("another account got files: %+v", docs)
	}
	page := getAs(t, h, appPath(theirs, "/documents"), bc).Body.String()
	if !strings.Contains(page, "Still needs its file") || !strings.Contains(page, "(2 documents)") || !strings.Contains(page, `name="item" value="`+transcript.ItemID+`"`) {
		t.Fatalf("the documents page does not list the documents not on file:\n%s", page)
	}
	// Bo uploads the file of the transcript item: it is on file, as it was.
	app, _ = appLoad(t, st, theirs)
	rec = docUpload(t, h, "/api/v1"+appPath(theirs, "/documents"), bc, []docField{{"version", fmt.Sprint(app.Version)}, {"item", transcript.ItemID}}, "t.pdf", docPDF(t))
	if rec.Code != http.StatusCreated {
		t.Fatalf("upload for an item not on file: %d %s", rec.Code, rec.Body)
	}
	var listed struct {
		Documents []docView    `json:"documents"`
		NotOnFile []docPending `json:"not_on_file"`
	}
	if err := json.Unmarshal(getAs(t, h, "/api/v1"+appPath(theirs, "/documents"), bc).Body.Bytes(), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed.Documents) != 1 || listed.Documents[0].ItemID != transcript.ItemID || listed.Documents[0].Kind != "transcript" ||
		len(listed.NotOnFile) != 1 || listed.NotOnFile[0].ItemID != diploma.ItemID {
		t.Fatalf("after the upload: %+v", listed)
	}
	if _, live := appLoad(t, st, theirs); len(live.Documents) != 2 {
		t.Fatalf("the upload added an item: %+v", live.Documents)
	}
	// A second file for the same item is refused.
	app, _ = appLoad(t, st, theirs)
	rec = docUpload(t, h, "/api/v1"+appPath(theirs, "/documents"), bc, []docField{{"version", fmt.Sprint(app.Version)}, {"item", transcript.ItemID}}, "t.pdf", docPDF(t))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "item:") {
		t.Fatalf("a second file for the item: %d %s", rec.Code, rec.Body)
	}
}

// TestImportPageSaysWhatBecameOfDocuments: the import form says which
// documents were copied and which are not on file.
func TestImportPageSaysWhatBecameOfDocuments(t *testing.T) {
	s, st, _ := docServer(t)
	h := s.Handler()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	first := docApp(t, s, ana, docPortfolio)
	doc := docUploaded(t, s, st, c, first, "transcript", "deg-1")
	exported := pdExport(t, h, first, c)
	// One more document, described but never uploaded.
	var tree map[string]any
	if err := json.Unmarshal(exported, &tree); err != nil {
		t.Fatal(err)
	}
	tree["documents"] = append(tree["documents"].([]any), map[string]any{"id": "doc-cv", "kind": "cv", "received": "2026-01-05"})
	withCV, _ := json.Marshal(tree)
	second := docApp(t, s, ana, `{"format":"certboard.portfolio/v1","person":{"id":"p1","name":"Ana Example"}}`)
	rec := postForm(t, h, appPath(second, "/import"), url.Values{"version": {"1"}, "json": {string(withCV)}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	var flash string
	for _, k := range rec.Result().Cookies() {
		if k.Name == FlashCookie {
			flash, _ = url.QueryUnescape(k.Value)
		}
	}
	for _, want := range []string{"1 document file was copied from your other applications", "1 document is not on file: upload its file"} {
		if !strings.Contains(flash, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if docs, _ := st.Documents(context.Background(), second); len(docs) != 1 || docs[0].ItemID != doc.ItemID {
		t.Fatalf("documents: %+v", docs)
	}
}

// TestStaffSeeDocumentsNotOnFile: the staff and reviewer pages mark the
// document items the board holds no file for, and only those (the demo
// uploads a file for each document; one is taken away here).
func TestStaffSeeDocumentsNotOnFile(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	app, p := appLoad(t, w.st, w.review.ID)
	if len(p.Documents) < 2 {
		t.Fatalf("Riley's portfolio has %d documents", len(p.Documents))
	}
	snap, err := portfolio.DecodeStored(app.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	held, missing := snap.Documents[0].ID, snap.Documents[1].ID
	docs, err := w.st.Documents(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.inTx(ctx, func(tx *boardsql.Tx) error {
		for _, d := range docs {
			if d.ItemID == missing {
				return tx.DeleteDocument(ctx, app.ID, d.ID)
			}
		}
		return fmt.Errorf("the demo uploaded no file for %s", missing)
	}); err != nil {
		t.Fatal(err)
	}
	for who, path := range map[string]string{"staff": "/queue/%d", "priya.raman": "/reviews/%d"} {
		body := getAs(t, w.s.Handler(), fmt.Sprintf(path, app.ID), w.cookie[who]).Body.String()
		row := func(id string) string {
			i := strings.Index(body, "<td><code>"+id+"</code></td>")
			if i < 0 {
				t.Fatalf("%s: no row for %s", who, id)
			}
			end := strings.Index(body[i:], "</tr>")
			return body[i : i+end]
		}
		if strings.Contains(row(held), "not on file") || !strings.Contains(row(missing), "not on file") {
			t.Errorf("%s: %s marked %v, %s marked %v", who, held, strings.Contains(row(held), "not on file"), missing, strings.Contains(row(missing), "not on file"))
		}
	}
}
