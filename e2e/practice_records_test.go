package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"testing"

	"github.com/certboard/certboard/practice/fhir"
)

// TestPracticeRecordImport: Jordan's client's record page offers the
// record's FHIR export, as a form that posts; the export runs in the
// background, its page reloading itself with a progress bar until it
// offers the file, which Jordan downloads once. Lena imports that record
// from the import page
// without JavaScript being needed: the import runs in the background and
// its page reloads itself, showing a progress bar, until it links to the
// new client, whose record opens. Every page passes axe.
func TestPracticeRecordImport(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startPractice(t)
	pb := newPracticeBrowser(t, pa)
	clientID, _ := pa.practiceClient(practitioner, "Kai Morgan", "1996-11-30")

	jordan := pb.person("jordan")
	pb.signIn(jordan, pa.login(practitioner))
	jordan.open(fmt.Sprintf("/clients/%d", clientID))
	jordan.expectText("#export-h", "Export the record")
	jordan.expectText("#export", "Download the record (FHIR)")
	// The export is a disclosure: a form that posts (which the kit
	// refuses from another site), never a link.
	if !jordan.has(fmt.Sprintf(`#export form[method="post"][action="/clients/%d/export"] button[type=submit]`, clientID)) {
		jordan.fatalf("the export is not a form that posts")
	}
	pb.axe(jordan, "a client's record with its export")

	// The export runs in the background: its page reloads itself with a
	// progress bar until it offers the file, downloaded once.
	jordan.click(fmt.Sprintf(`#export form[action="/clients/%d/export"] button[type=submit]`, clientID))
	if !strings.HasPrefix(jordan.path(), "/record-exports/") {
		jordan.fatalf("after the export's form, at %s, not the export's page", jordan.path())
	}
	exportPage := jordan.path()
	download := `main form[action="` + exportPage + `/file"] button[type=submit]`
	waitJob(jordan, download)
	jordan.expectText("main", "The record is ready")
	if !jordan.has("main progress") {
		jordan.fatalf("the finished export's page shows no progress bar")
	}
	pb.axe(jordan, "a finished export")
	name, bundle := jordan.download(download)
	if name != fmt.Sprintf("client-%d-record.fhir.json", clientID) || strings.Contains(name, "Kai") {
		t.Errorf("the download is named %q", name)
	}
	if _, err := fhir.ParseBundle(bundle, fhir.ParseOptions{Now: time.Now()}); err != nil {
		t.Fatalf("the download is no record: %v", err)
	}
	jordan.open(exportPage)
	jordan.expectText("main", "The record was downloaded")
	if jordan.has(download) {
		jordan.fatalf("a downloaded export offers its file again")
	}
	pb.axe(jordan, "a downloaded export")

	file := filepath.Join(t.TempDir(), "kai-morgan.fhir.json")
	if err := os.WriteFile(file, bundle, 0o600); err != nil {
		t.Fatal(err)
	}

	lena := pb.person("lena")
	pb.signIn(lena, pa.login(uncertified))
	lena.open("/record-imports")
	pb.axe(lena, "the import page")
	lena.upload("file", file)
	lena.click(`form[action="/record-imports"] button[type=submit]`)
	if !strings.HasPrefix(lena.path(), "/record-imports/") {
		lena.fatalf("after the upload, at %s, not the import's page", lena.path())
	}
	waitJob(lena, `main a[href^="/clients/"]`)
	lena.expectText("main", "The record is imported")
	pb.axe(lena, "a finished import")
	lena.click(`main a[href^="/clients/"]`)
	lena.expectText("h1", "Kai Morgan")
	pb.axe(lena, "the imported client's record")
}

// waitJob reloads the page of an import or export that p shows until it
// has done (an element matches sel), each time checking that it says how
// many resources it has come through, with a progress bar.
func waitJob(p *person, done string) {
	p.t.Helper()
	page := p.path()
	deadline := time.Now().Add(30 * time.Second)
	for !p.has(done) {
		p.expectText("main", "resources")
		if !p.has("main progress") {
			p.fatalf("the page of %s shows no progress bar", page)
		}
		if time.Now().After(deadline) {
			p.fatalf("%s did not end: %s", page, p.text("main"))
		}
		time.Sleep(300 * time.Millisecond)
		p.open(page)
	}
}
