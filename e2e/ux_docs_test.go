package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/portfolio"
)

// pendingFiles lists the documents the documents page says still need
// their file, by name.
func (p *person) pendingFiles() []string {
	p.t.Helper()
	var names []string
	p.js(`Array.from(document.querySelectorAll('section[aria-labelledby="pending-h"] tbody tr'), tr => tr.cells[0].childNodes[0].textContent.trim())`, &names)
	return names
}

// uploadPendingFile uploads a PDF for the document named name, listed on
// the documents page of dash as still needing its file, with that row's
// own form, and ends back on the documents page.
func (p *person) uploadPendingFile(dash, name, pdf string) {
	p.t.Helper()
	var input string
	p.js(`(() => { const tr = Array.from(document.querySelectorAll('section[aria-labelledby="pending-h"] tbody tr'))
	  .find(tr => tr.cells[0].childNodes[0].textContent.trim() === `+quote(name)+`);
	  const f = tr && tr.querySelector('input[type=file]'); return f ? f.id : ''; })()`, &input)
	if input == "" {
		p.fatalf("the documents page offers no upload for %q; it lists %q as needing their file", name, p.pendingFiles())
	}
	p.upload(input, pdf)
	p.click(`#` + input + ` ~ .actions button[type=submit]`)
	p.expectPath(dash + "/documents")
	p.expectFlash("is on file now")
}

// uploadAllPendingFiles uploads a PDF for every document of dash that
// still needs its file, so that they all count.
func (p *person) uploadAllPendingFiles(t *testing.T, dash string) {
	p.t.Helper()
	pdf := writePDF(t)
	p.open(dash + "/documents")
	for _, name := range p.pendingFiles() {
		p.uploadPendingFile(dash, name, pdf)
	}
	if left := p.pendingFiles(); len(left) != 0 {
		p.fatalf("after uploading every file, %q still need theirs", left)
	}
}

// TestUXDocumentsOnFile: a document counts as on file only once its file
// is uploaded. An applicant imports a portfolio whose documents came
// without their files: the documents page lists them as still needing
// their file and the report does not count them; uploading the files
// makes them count. Staff cannot verify the document left without a file
// (the page says which and what to do), verifying the documents list
// skips it and says so, and once the applicant uploads it on the board's
// request it can be verified.
func TestUXDocumentsOnFile(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)

	const (
		noorName  = "Noor Haddad"
		noorEmail = "noor.haddad@example.org"
	)
	a.addUser(noorName, noorEmail, "Lakeside Counseling", auth.Applicant)
	noor := b.person("applicant")
	noor.open("/login")
	noor.fill("email", noorEmail)
	noor.fill("password", password)
	noor.click(`form[action="/login"] button[type=submit]`)
	noor.open("/applications")
	noor.choose("set_id", "aasect-cst")
	noor.click(`form[action="/applications"] button[type=submit]`)
	noor.expectFlash("Application started")
	id := appID(noor)
	dash := fmt.Sprintf("/applications/%d", id)
	noor.open(dash + "/import")
	noor.upload("file", examplePortfolio)
	noor.click(`form[action="` + dash + `/import"] button[type=submit]`)
	noor.click(`form[action="` + dash + `/import"] button[name=details][value=chosen]`) // keep her own details
	noor.expectPath(dash)
	noor.expectFlash("5 documents are not on file")

	// Listed, but not on file: they do not count, and the dashboard says
	// which need their file.
	if got := noor.text("#req-documents h3 .badge"); got != "unmet" {
		noor.fatalf("with no file uploaded the documents requirement is %q, want unmet", got)
	}
	noor.expectText("#nofile-h", "5 documents need their file")
	noor.expectText(`section[aria-labelledby="nofile-h"]`, "UIC MSW transcript")
	noor.axe("the dashboard with documents not on file")
	noor.open(dash + "/documents")
	noor.expectText("#pending-h", "Still needs its file (5 documents)")
	noor.expectText(`section[aria-labelledby="pending-h"]`, "does not count toward the requirements")
	if got := noor.pendingFiles(); len(got) != 5 || got[2] != "supervision contract" {
		noor.fatalf("the documents needing their file: %q", got)
	}
	noor.expectText("#docs-h", "Documents on file (0 documents)")
	noor.axe("the documents page with documents not on file")
	noor.atPhoneWidth(func() { noor.fitsPhone("the documents page with documents not on file") })

	// Every file but the supervision contract's (no requirement asks for
	// it alone, so she can submit without it).
	pdf := writePDF(t)
	for _, name := range []string{"UIC MSW transcript", "Illinois LCSW license", "Professional reference from Dr. Lena Brandt, clinical director",
		"Supervisory letter from Dr. Maya Okafor"} {
		noor.uploadPendingFile(dash, name, pdf)
	}
	noor.expectText("#pending-h", "Still needs its file (1 document)")
	noor.expectText("#docs-h", "Documents on file (4 documents)")
	noor.open(dash)
	if got := noor.text("#req-documents h3 .badge"); got != "pending" {
		noor.fatalf("with the files uploaded the documents requirement is %q, want pending (on file, not yet verified)", got)
	}
	noor.expectText("#nofile-h", "1 document needs its file")
	noor.click(`form[action="` + dash + `/actions/submit"] button[type=submit]`)
	noor.expectFlash("Submitted")

	// Staff: the document without a file cannot be verified.
	staff := b.person("staff")
	staff.signInDemo(demoLogin(t, logins, "staff"))
	queue := fmt.Sprintf("/queue/%d", id)
	staff.open(queue)
	staff.click(`form[action="` + queue + `/actions/start_review"] button[type=submit]`)
	staff.open(queue)
	staff.expectText("#item-doc-contract", "not on file (no file uploaded)")
	staff.click(`form[action="` + queue + `/items/doc-contract"] button[name=decision][value=verify]`)
	staff.expectText(".error-summary", `"supervision contract" has no file uploaded`)
	staff.expectText("#err-item-doc-contract", "ask the applicant to upload it")
	staff.axe("the work queue's application after a refused verification")
	if got := itemState(t, a, id, "doc-contract", true); got.EffectiveState() != portfolio.Claimed {
		t.Fatalf("the refused verification changed the contract: %+v", got)
	}
	// All the documents at once: the contract is skipped, and named.
	staff.open(queue)
	staff.js(`(() => { document.querySelector('form[action="`+queue+`/lists/documents/verify"]').closest('details').open = true; return true; })()`, new(bool))
	staff.fill("reason-list-documents", "Checked against the originals")
	staff.click(`form[action="` + queue + `/lists/documents/verify"] button[name=decision][value=verify]`)
	staff.expectFlash(`4 documents verified; 1 skipped: "supervision contract" has no file uploaded; ask the applicant to upload it.`)
	for _, d := range []string{"doc-transcript", "doc-license", "doc-reference", "doc-supervisor-letter"} {
		if got := itemState(t, a, id, d, true); got.EffectiveState() != portfolio.Verified {
			t.Errorf("%s after verifying the list: %+v", d, got)
		}
	}
	if got := itemState(t, a, id, "doc-contract", true); got.EffectiveState() != portfolio.Claimed {
		t.Fatalf("the contract, without a file, was verified with the list: %+v", got)
	}
	staff.axe("the work queue's application after verifying the documents")

	// The board asks for the file; Noor uploads it; now it counts and can
	// be verified.
	staff.fill("reason-request_info", "Please upload your signed supervision contract.")
	staff.click(`form[action="` + queue + `/actions/request_info"] button[type=submit]`)
	noor.open(dash + "/documents")
	noor.uploadPendingFile(dash, "supervision contract", pdf)
	if left := noor.pendingFiles(); len(left) != 0 {
		noor.fatalf("after uploading the contract, %q still need their file", left)
	}
	noor.expectText("#docs-h", "Documents on file (5 documents)")
	noor.axe("the documents page with every document on file")
	noor.open(dash)
	noor.fill("answer", "The signed contract is uploaded.")
	noor.click(`form[action="` + dash + `/actions/answer_info"] button[type=submit]`)
	noor.expectFlash("Answer sent to the board.")
	staff.open(queue)
	if strings.Contains(staff.text("#item-doc-contract"), "not on file") {
		staff.fatalf("the contract's file is uploaded, but the queue says it is not on file")
	}
	staff.click(`form[action="` + queue + `/items/doc-contract"] button[name=decision][value=verify]`)
	staff.expectFlash("verified")
	if got := itemState(t, a, id, "doc-contract", true); got.EffectiveState() != portfolio.Verified {
		t.Fatalf("the contract, now on file, was not verified: %+v", got)
	}
}
