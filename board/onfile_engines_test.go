package board_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/examples"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
)

// onePagePDF is the smallest file the upload accepts as a PDF.
var onePagePDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")

// TestDocumentsCountOnlyOnFile, on each engine: a document item without an
// uploaded file does not count for eligibility; once its file is uploaded
// it does. Staff cannot verify a document without a file, and verifying
// the documents list skips it and names it.
func TestDocumentsCountOnlyOnFile(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			keys, err := seal.New(seal.Generate())
			if err != nil {
				t.Fatal(err)
			}
			files, err := blob.OpenDir(filepath.Join(t.TempDir(), "files"), keys)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { files.Close() })
			cat, err := requirements.Shipped()
			if err != nil {
				t.Fatal(err)
			}
			b, err := board.New(board.Config{Store: boardsql.ForBoard{Store: st}, Catalog: cat, Blobs: files,
				Clock: certboard.ClockFunc(func() time.Time { return t0 }), PublicURL: "https://board.example"})
			if err != nil {
				t.Fatal(err)
			}
			ann := addUser(t, st, auth.User{Email: "ann@example.org", Name: "Ann Applicant", PasswordHash: "x", Roles: []auth.Role{auth.Applicant}, CreatedAt: t0})
			sam := addUser(t, st, auth.User{Email: "sam@example.org", Name: "Sam Staff", PasswordHash: "x", Roles: []auth.Role{auth.Staff}, CreatedAt: t0})
			sam.TOTPEnabledAt = t0

			app, err := b.StartApplication(ctx, ann, "aasect-cst")
			if err != nil {
				t.Fatal(err)
			}
			raw, err := examples.Portfolio("cst-eligible.json")
			if err != nil {
				t.Fatal(err)
			}
			p, err := portfolio.Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			p.Person.Name, p.Person.Email = ann.Name, ann.Email
			for i := range p.Documents {
				p.Documents[i].Verification = portfolio.Verification{} // claimed
			}
			if _, err := b.SavePortfolio(ctx, ann, app, app.Version, p, "the example"); err != nil {
				t.Fatal(err)
			}
			load := func() *board.Application {
				t.Helper()
				a, err := st.Application(ctx, app.ID)
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			status := func(id string) eligibility.Status {
				t.Helper()
				ev, err := b.Evaluate(ctx, load(), false)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range ev.Report.Results {
					if r.ID == id {
						return r.Status
					}
				}
				t.Fatalf("no requirement %s", id)
				return ""
			}
			// Listed but not uploaded: the documents do not count.
			if got := status("documents"); got == eligibility.Met || got == eligibility.Pending {
				t.Fatalf("documents with no file: %s", got)
			}
			if _, err := b.Act(ctx, ann, load(), load().Version, board.Submit, ""); code(err) == "" {
				t.Fatal("submitted with no document on file")
			}
			upload := func(item string) {
				t.Helper()
				a := load()
				if _, _, _, err := b.Upload(ctx, ann, a.ID, board.Upload{Filename: item + ".pdf", Data: onePagePDF, HasFile: true, Item: item,
					Version: strconv.Itoa(a.Version)}); err != nil {
					t.Fatalf("uploading %s: %v", item, err)
				}
			}
			// Every file but the supervision contract's (which no
			// requirement of the set asks for by itself).
			for _, d := range p.Documents {
				if d.ID != "doc-contract" {
					upload(d.ID)
				}
			}
			if got := status("documents"); got != eligibility.Pending {
				t.Fatalf("documents on file, not yet verified: %s", got)
			}
			if _, err := b.Act(ctx, ann, load(), load().Version, board.Submit, ""); err != nil {
				t.Fatalf("submitting: %v", err)
			}
			if _, err := b.Act(ctx, sam, load(), load().Version, board.StartReview, ""); err != nil {
				t.Fatal(err)
			}

			// One at a time: the document without a file is refused,
			// by name, with what to do; nothing changes.
			before := load().Version
			_, err = b.VerifyItem(ctx, sam, app.ID, "doc-contract", "verify", "", before)
			if code(err) != certboard.Invalid || !strings.Contains(certboard.ErrorMessage(err), `"supervision contract" has no file uploaded`) ||
				!strings.Contains(certboard.ErrorMessage(err), "ask the applicant to upload it") {
				t.Fatalf("verifying a document without a file: %v", err)
			}
			if load().Version != before {
				t.Fatal("a refused verification changed the application")
			}
			// All at once: it is skipped and named; the others are verified.
			res, err := b.VerifyList(ctx, sam, app.ID, "documents", "verify", "checked", before)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"doc-transcript", "doc-license", "doc-reference", "doc-supervisor-letter"}; !slices.Equal(res.Decided, want) ||
				len(res.Skipped) != 1 || res.Skipped[0].ID != "doc-contract" {
				t.Fatalf("verified %v, skipped %v", res.Decided, res.Skipped)
			}
			snap, err := portfolio.DecodeStored(load().Snapshot)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range snap.Documents {
				want := portfolio.Verified
				if d.ID == "doc-contract" {
					want = portfolio.Claimed
				}
				if got := d.Verification.EffectiveState(); got != want {
					t.Errorf("%s is %s, want %s", d.ID, got, want)
				}
			}
			// Again: only the document without a file waits, so nothing
			// is done and the refusal names it.
			_, err = b.VerifyList(ctx, sam, app.ID, "documents", "verify", "", res.Version)
			if code(err) != certboard.Invalid || !strings.Contains(certboard.ErrorMessage(err), `"supervision contract"`) {
				t.Fatalf("verifying only documents without a file: %v", err)
			}
			// Rejecting a document without a file stays possible.
			if _, err := b.VerifyItem(ctx, sam, app.ID, "doc-contract", "reject", "The contract was never uploaded.", res.Version); err != nil {
				t.Fatalf("rejecting a document without a file: %v", err)
			}
		})
	}
}
