package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/fhir"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/session"
)

// smallRecord is a client with one case, one session and one scored
// PHQ-9.
func smallRecord(t *testing.T) fhir.Record {
	t.Helper()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	vals := []int{1, 2, 1, 1, 0, 0, 0, 0, 0}
	res, err := measure.Score("phq-9", vals, measure.NoSex)
	if err != nil {
		t.Fatal(err)
	}
	answers := make([]*int, len(vals))
	for i := range vals {
		answers[i] = &vals[i]
	}
	d := concern.Diagnosis{Concern: "erectile-disorder"}
	codes, err := d.Codes()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := concern.Default().Lookup(d.Concern)
	return fhir.Record{
		Client: fhir.RecordClient{Name: "Robin Vale", DateOfBirth: date.MustParse("1988-02-11"), Email: "robin@example.org"},
		Cases: []fhir.RecordCase{{Key: "case-1", Status: "open", Stage: "permission", OpenedAt: at, Taxonomy: concern.Default().Version(),
			Concerns: []fhir.RecordConcern{{Diagnosis: d, Name: c.Name, Codes: codes}},
			Sessions: []fhir.RecordSession{{Key: "session-1", Start: at, Minutes: 50, Status: session.Attended, Modality: session.InPerson,
				Kind: session.Individual, CPT: "90834", Practitioner: "Dr. Ana Holt"}},
			Responses: []fhir.RecordResponse{{Key: "response-1", Instrument: "phq-9", Answers: answers, Status: fhir.StatusCompleted, Result: res, TakenAt: at}},
		}},
	}
}

func TestClientImportExport(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := runUser([]string{"add", "--mode", "practice", "--data", dir, "--email", "doc@practice.example", "--name", "Dana Doc", "--role", "practitioner"},
		strings.NewReader("violet kettle mountain breeze\n"), &out, &errb); code != exitOK {
		t.Fatalf("user add: %d %s", code, errb.String())
	}
	rec := smallRecord(t)
	bundle, err := fhir.Export(rec, fhir.ExportOptions{ID: "from-elsewhere", Timestamp: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "record.json")
	if err := os.WriteFile(file, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := cli(t, "client", "import", file, "--as", "doc@practice.example", "--data", dir)
	if code != exitOK || stdout != "client 1 imported\n" {
		t.Fatalf("import: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	n := rec.Count()
	for _, want := range []string{"checked 1 of", "imported " + itoa(n) + " of " + itoa(n) + " resources"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("import progress %q lacks %q", stderr, want)
		}
	}

	stdout, stderr, code = cli(t, "client", "export", "--client", "1", "--as", "doc@practice.example", "--data", dir)
	if code != exitOK || !strings.Contains(stderr, "exported "+itoa(n)+" of "+itoa(n)+" resources") {
		t.Fatalf("export: exit %d, stderr %q", code, stderr)
	}
	got, err := fhir.ParseBundle([]byte(stdout), fhir.ParseOptions{Now: time.Now()})
	if err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	if got.Client != rec.Client || len(got.Cases) != 1 || len(got.Cases[0].Responses) != 1 || got.Cases[0].Responses[0].Result.Total != 5 ||
		len(got.Cases[0].Sessions) != 1 || got.Cases[0].Sessions[0] != rec.Cases[0].Sessions[0] {
		t.Errorf("exported %+v", got)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"client", "export", "--client", "7", "--as", "doc@practice.example", "--data", dir}, "there is no client 7"},
		{[]string{"client", "export", "--client", "1", "--as", "nobody@practice.example", "--data", dir}, "no account of this practice"},
		{[]string{"client", "export", "--as", "doc@practice.example", "--data", dir}, "--client is required"},
		{[]string{"client", "import", "--as", "doc@practice.example", "--data", dir}, "give exactly one FILE"},
		{[]string{"client", "import", writeFile(t, "bad.json", strings.Replace(string(bundle), `"birthDate": "1988-02-11"`, `"birthDate": "11/02/1988"`, 1)),
			"--as", "doc@practice.example", "--data", dir}, `Patient "patient": birthDate`},
		{[]string{"client"}, "certboard client: use"},
	} {
		stdout, stderr, code := cli(t, tc.args...)
		if code != exitBadInput || stdout != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, stdout, stderr, tc.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
