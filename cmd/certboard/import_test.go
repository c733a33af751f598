package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
)

// importBoard makes a data directory with a credential holder and an
// approved CE provider.
func importBoard(t *testing.T) (dir string, st *boardsql.Store) {
	t.Helper()
	dir = t.TempDir()
	ctx := context.Background()
	st, err := openConfigured(ctx, &storeOptions{Config: boardsql.Config{DataDir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	issued := time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)
	holder, err := st.CreateUser(ctx, boardsql.User{Email: "hana@example.org", Name: "Hana Holder", PasswordHash: "x", CreatedAt: issued})
	if err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx *boardsql.Tx) error {
		app, err := tx.CreateApplication(ctx, boardsql.Application{ApplicantID: holder, SetID: "aasect-cst", State: "approved", Portfolio: []byte("{}"), CreatedAt: issued})
		if err != nil {
			return err
		}
		return tx.AddCredential(ctx, boardsql.IssuedCredential{ID: "cred-hana", ApplicationID: app, HolderID: holder, SetID: "aasect-cst", SetVersion: "2025.T.1",
			Document: []byte("{}"), JWT: "x", IssuedAt: issued, RevocationList: "revocation-1", RevocationIndex: 3, SuspensionList: "suspension-1", SuspensionIndex: 4})
	})
	if err != nil {
		t.Fatal(err)
	}
	prov, err := st.CreateUser(ctx, boardsql.User{Email: "ce@sunrise.example", Name: "Sunrise", PasswordHash: "x", Roles: []auth.Role{auth.Provider}, CreatedAt: issued})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetProviderProfile(ctx, st.DB, boardsql.ProviderProfile{UserID: prov, Name: "Sunrise Sexuality Institute", Approved: true,
		Approvals: []boardsql.ProviderApproval{{Body: "AASECT", Number: "AP-1"}}, UpdatedAt: issued}); err != nil {
		t.Fatal(err)
	}
	return dir, st
}

func importNow() time.Time { return time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC) }

func runImportFile(t *testing.T, dir, csvText string, extra ...string) (int, string, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "completions.csv")
	if err := os.WriteFile(file, []byte(csvText), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	args := append([]string{"completions", file, "--data", dir}, extra...)
	code := runImport(args, &out, &errb, importNow)
	return code, out.String(), errb.String()
}

const importHeader = "holder_email,credential_id,course_id,title,date,hours,delivery,sexuality_related\n"

func TestImportCompletions(t *testing.T) {
	dir, st := importBoard(t)
	ctx := context.Background()
	text := "\uFEFF" + importHeader +
		`hana@example.org,cred-hana,SSI-101,"Pleasure, desire and consent",2026-03-02,6,live_online,yes` + "\n" +
		`hana@example.org,cred-hana,SSI-102,Bad hours,2026-03-03,-2,in_person,yes` + "\n" +
		`hana@example.org,cred-hana,SSI-103,Bad date,2026-13-01,2,in_person,no` + "\n" +
		`someone@example.org,cred-hana,SSI-104,Wrong holder,2026-03-04,2,in_person,no` + "\n" +
		`hana@example.org,cred-hana,SSI-105,Before the cycle,2024-12-01,2,in_person,no` + "\n" +
		`hana@example.org,cred-hana,SSI-106,Ethics in sex therapy,2026-04-10,3.5,elearning,yes` + "\n"
	report := filepath.Join(t.TempDir(), "errors.csv")
	code, out, errs := runImportFile(t, dir, text, "--provider", "ce@sunrise.example", "--errors", report)
	if code != exitNo {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitNo, out, errs)
	}
	if !strings.Contains(out, "6 row(s): 2 imported, 0 already reported, 4 rejected") || !strings.Contains(out, report) {
		t.Errorf("summary: %s", out)
	}
	if !strings.Contains(errs, "progress: 6 of 6 rows, 4 rejected") {
		t.Errorf("no progress lines: %q", errs)
	}
	got, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"line,credential_id,course_id,field,reason",
		"3,cred-hana,SSI-102,hours,must be more than 0",
		`4,cred-hana,SSI-103,date,"""2026-13-01"" is not a real calendar date"`,
		"5,cred-hana,SSI-104,credential_id,no credential with this id is held by the holder_email given",
		"6,cred-hana,SSI-105,date,2024-12-01 is before the credential's current cycle began (2025-01-15)",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("the error report lacks %q:\n%s", want, got)
		}
	}
	// The good rows landed, as verified evidence in the renewal.
	list, err := st.Completions(ctx, boardsql.CompletionFilter{})
	if err != nil || len(list) != 2 || list[0].CourseID != "SSI-101" || list[1].CourseID != "SSI-106" || list[1].Hours != 3.5 {
		t.Fatalf("stored: %+v %v", list, err)
	}
	app, err := st.Application(ctx, list[0].ApplicationID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	if app.SetID != "aasect-renewal" || len(p.Education) != 2 || p.Education[0].Verification.State != portfolio.Verified || p.Education[1].Title != "Ethics in sex therapy" {
		t.Fatalf("renewal %s: %+v", app.SetID, p.Education)
	}

	// Again, without the bad rows and with a text report: nothing is
	// repeated, and every row is accounted for.
	good := importHeader + strings.Join([]string{
		`hana@example.org,cred-hana,SSI-101,"Pleasure, desire and consent",2026-03-02,6,live_online,yes`,
		`hana@example.org,cred-hana,SSI-107,Desire discrepancy,2026-05-01,1.5,in_person,yes`}, "\n") + "\n"
	textReport := filepath.Join(t.TempDir(), "errors.txt")
	code, out, errs = runImportFile(t, dir, good, "--provider", "ce@sunrise.example", "--errors", textReport)
	if code != exitOK || !strings.Contains(out, "2 row(s): 1 imported, 1 already reported, 0 rejected") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if b, _ := os.ReadFile(textReport); len(b) != 0 {
		t.Errorf("an empty import has errors: %s", b)
	}
	if list, _ := st.Completions(ctx, boardsql.CompletionFilter{}); len(list) != 3 {
		t.Errorf("after the second import: %d completions", len(list))
	}

	// Without --errors the rejected rows go to standard error.
	code, _, errs = runImportFile(t, dir, importHeader+"hana@example.org,cred-hana,SSI-108,Far future,2030-01-01,1,in_person,yes\n", "--provider", "ce@sunrise.example")
	if code != exitNo || !strings.Contains(errs, "line 2: date: 2030-01-01 is in the future") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestImportCompletionsRefusesBadUsage(t *testing.T) {
	dir, st := importBoard(t)
	ctx := context.Background()
	row := "hana@example.org,cred-hana,SSI-101,Title,2026-03-02,6,live_online,yes\n"
	for _, tc := range []struct {
		name, text string
		args       []string
		want       string
	}{
		{"no provider", importHeader + row, nil, "--provider is required"},
		{"unknown provider", importHeader + row, []string{"--provider", "nobody@example.org"}, "no account has the address nobody@example.org"},
		{"not a provider", importHeader + row, []string{"--provider", "hana@example.org"}, "does not hold the provider role"},
		{"unknown column", strings.TrimSuffix(importHeader, "\n") + ",provider\n" + strings.TrimSuffix(row, "\n") + ",x\n", []string{"--provider", "ce@sunrise.example"}, `unknown column "provider"`},
		{"missing column", "holder_email,credential_id\n", []string{"--provider", "ce@sunrise.example"}, "missing column(s) course_id"},
		{"empty file", "", []string{"--provider", "ce@sunrise.example"}, "the file is empty"},
		{"a quote left open", importHeader + row + `hana@example.org,cred-hana,SSI-102,"open` + strings.Repeat("on and on\n", 20000),
			[]string{"--provider", "ce@sunrise.example"}, "line 3: the row starting here is longer than 64 KiB (a quote left open runs on to the end of the file); close the quote or shorten the row; nothing was imported"},
		{"a header too wide", strings.Repeat("title,", 100) + "\n" + row, []string{"--provider", "ce@sunrise.example"}, "has 101 columns, more than the 32 read"},
	} {
		code, _, errs := runImportFile(t, dir, tc.text, tc.args...)
		if code != exitBadInput || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d %q, want 2 saying %q", tc.name, code, errs, tc.want)
		}
	}
	var out, errb bytes.Buffer
	if code := runImport([]string{"completions", filepath.Join(dir, "no-such.csv"), "--provider", "ce@sunrise.example", "--data", dir}, &out, &errb, importNow); code != exitBadInput {
		t.Errorf("an unreadable file: exit %d", code)
	}
	if code := runImport([]string{"users"}, &out, &errb, importNow); code != exitBadInput {
		t.Errorf("import users: exit %d", code)
	}
	if list, _ := st.Completions(ctx, boardsql.CompletionFilter{}); len(list) != 0 {
		t.Errorf("refused imports stored %d completions", len(list))
	}
}

// TestImportErrorReportIsInert: values from the imported file that a
// spreadsheet would run as formulas are written to the CSV error report
// as text, and a field that ran on (an unclosed quote holds the rest of
// the file) is echoed only by its start.
func TestImportErrorReportIsInert(t *testing.T) {
	dir, _ := importBoard(t)
	text := importHeader +
		`hana@example.org,"=HYPERLINK(""http://evil.example"")",+SUM(1),Formula,2026-03-02,2,in_person,yes` + "\n" +
		`hana@example.org,@cmd,-2,Formula 2,2026-03-02,2,in_person,yes` + "\n" +
		`hana@example.org,cred-hana,` + strings.Repeat("x", 5000) + `,Long,2026-03-02,2,in_person,yes` + "\n" +
		`hana@example.org,cred-hana,"` + strings.Repeat("y", 5000) + "\n"
	report := filepath.Join(t.TempDir(), "errors.csv")
	code, out, errs := runImportFile(t, dir, text, "--provider", "ce@sunrise.example", "--errors", report)
	if code != exitNo {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	got, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for i, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %d of %v starts a formula: %q", i, rec[0], cell)
			}
			if len(cell) > 1000 {
				t.Errorf("cell %d of line %s is %d bytes long", i, rec[0], len(cell))
			}
		}
	}
	if !strings.Contains(string(got), `'=HYPERLINK(""http://evil.example"")`) || !strings.Contains(string(got), "'@cmd") {
		t.Errorf("the formula values are not kept as text:\n%s", got)
	}
}
