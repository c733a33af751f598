package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/requirements"
)

// today is the fixed "current" date the tests give run, so that a default
// --as-of is reproducible.
var today = date.MustParse("2026-06-01")

// examples is the directory of example portfolios, relative to this package.
const examples = "../../examples/portfolios"

// shippedIDs is every set certboard ships, in the order list prints them.
var shippedIDs = []string{
	"aasect-csc",
	"aasect-cse",
	"aasect-cse-supervisor",
	"aasect-cst",
	"aasect-cst-supervisor",
	"aasect-renewal",
	"cosrt-accreditation",
	"efs-essm-ecps",
	"florida-sex-therapist",
	"nacs-clinical-sexologist",
	"sas-psychosexual-therapist-provisional",
	"sash-cpsbt",
}

// cli runs the command in-process and returns its output and exit status.
func cli(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut, today)
	return out.String(), errOut.String(), code
}

func example(name string) string { return filepath.Join(examples, name) }

// writeFile writes data to name in a fresh temporary directory and returns its path.
func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func nonEmptyLines(s string) []string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestUsageAndCommands(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings stdout must contain
		stderr   []string // substrings stderr must contain
		quietOut bool     // stdout must be empty
		quietErr bool     // stderr must be empty
	}{
		{name: "no args", args: nil, code: exitBadInput, stderr: []string{"Usage:", "certboard evaluate", "certboard requirements list"}, quietOut: true},
		{name: "empty args", args: []string{}, code: exitBadInput, stderr: []string{"Usage:"}, quietOut: true},
		{name: "unknown command", args: []string{"frobnicate"}, code: exitBadInput, stderr: []string{`unknown command "frobnicate"`, "Usage:"}, quietOut: true},
		{name: "help", args: []string{"help"}, code: exitOK, stdout: []string{"Usage:", "certboard evaluate --all", "Exit status"}, quietErr: true},
		{name: "-h", args: []string{"-h"}, code: exitOK, stdout: []string{"Usage:"}, quietErr: true},
		{name: "--help", args: []string{"--help"}, code: exitOK, stdout: []string{"Usage:"}, quietErr: true},
		{name: "requirements alone", args: []string{"requirements"}, code: exitBadInput, stderr: []string{"list", "show", "check"}, quietOut: true},
		{name: "requirements unknown subcommand", args: []string{"requirements", "frob"}, code: exitBadInput, stderr: []string{`"frob"`}, quietOut: true},
		{name: "requirements show without id", args: []string{"requirements", "show"}, code: exitBadInput, stderr: []string{"certboard requirements list"}, quietOut: true},
		{name: "requirements show two ids", args: []string{"requirements", "show", "aasect-cst", "aasect-cse"}, code: exitBadInput, quietOut: true},
		{name: "requirements check without file", args: []string{"requirements", "check"}, code: exitBadInput, stderr: []string{"YAML"}, quietOut: true},
		{name: "evaluate alone", args: []string{"evaluate"}, code: exitBadInput, stderr: []string{"portfolio"}, quietOut: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := cli(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tc.quietOut && stdout != "" {
				t.Errorf("stdout should be empty, got:\n%s", stdout)
			}
			if tc.quietErr && stderr != "" {
				t.Errorf("stderr should be empty, got:\n%s", stderr)
			}
		})
	}
}

func TestRequirementsList(t *testing.T) {
	stdout, stderr, code := cli(t, "requirements", "list")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	lines := nonEmptyLines(stdout)
	if len(lines) != len(shippedIDs) {
		t.Fatalf("%d lines, want one per shipped set (%d):\n%s", len(lines), len(shippedIDs), stdout)
	}
	var ids []string
	for i, line := range lines {
		fields := strings.Split(line, "\t")
		if len(fields) != 4 {
			t.Errorf("line %d has %d tab-separated fields, want 4 (id, title, version, effective date): %q", i+1, len(fields), line)
			continue
		}
		for j, f := range fields {
			if strings.TrimSpace(f) == "" {
				t.Errorf("line %d: field %d is empty: %q", i+1, j+1, line)
			}
		}
		if _, err := date.Parse(fields[3]); err != nil {
			t.Errorf("line %d: effective date %q: %v", i+1, fields[3], err)
		}
		ids = append(ids, fields[0])
	}
	if !slices.Equal(ids, shippedIDs) {
		t.Errorf("ids (first field) = %v, want %v", ids, shippedIDs)
	}
	// The fields come from the sets themselves.
	reg, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range lines {
		fields := strings.Split(line, "\t")
		if len(fields) != 4 {
			continue
		}
		s := reg.Latest(fields[0])
		if s == nil {
			t.Errorf("listed id %q is not in the registry", fields[0])
			continue
		}
		if fields[1] != s.Title || fields[2] != s.Version || fields[3] != s.EffectiveFrom.String() {
			t.Errorf("line %q does not match set %s (%q, %q, %s)", line, s.ID, s.Title, s.Version, s.EffectiveFrom)
		}
	}
}

func TestRequirementsShow(t *testing.T) {
	t.Run("aasect-cst", func(t *testing.T) {
		stdout, stderr, code := cli(t, "requirements", "show", "aasect-cst")
		if code != exitOK || stderr != "" {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
		reg, err := requirements.Shipped()
		if err != nil {
			t.Fatal(err)
		}
		s := reg.Latest("aasect-cst")
		if s == nil {
			t.Fatal("aasect-cst is not shipped")
		}
		want := []string{
			"AASECT Certified Sex Therapist (CST)", // title
			"aasect-cst",
			s.Version,
			"Requirements",
			"Sources",
			"Unconfirmed",
		}
		for _, r := range s.Requirements {
			want = append(want, r.Title, r.ID)
		}
		for _, src := range s.Sources {
			want = append(want, src.URL, src.Edition)
		}
		// Every citation shows its quote (once the set carries them).
		for _, r := range s.Requirements {
			for _, c := range r.Cite {
				want = append(want, c.Section+": \""+strings.Join(strings.Fields(c.Quote), " ")+"\"")
			}
		}
		unconfirmed := 0
		for _, c := range s.Confidence {
			if c.Status == "unconfirmed" {
				want = append(want, c.Figure)
				unconfirmed++
			}
		}
		if unconfirmed == 0 {
			t.Error("aasect-cst has no unconfirmed figures; the test expects some")
		}
		for _, w := range want {
			if !strings.Contains(stdout, w) {
				t.Errorf("show output lacks %q", w)
			}
		}
		// The unconfirmed section comes after the requirements.
		if i, j := strings.Index(stdout, "Requirements"), strings.Index(stdout, "Unconfirmed"); i < 0 || j < i {
			t.Errorf("the unconfirmed section should follow the requirements:\n%s", stdout)
		}
	})
	t.Run("cited file", func(t *testing.T) {
		file := writeFile(t, "cited.yaml", citedSet)
		stdout, stderr, code := cli(t, "requirements", "show", file)
		if code != exitOK || stderr != "" {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
		for _, w := range []string{
			"version 2026-draft (certboard draft), by Test Body, in force from 2020-01-01 (unconfirmed)\n",
			"1. Licensed [license, license]\n" +
				"   source: Test Body rules (2019 edition) <https://example.org/rules>\n" +
				"     Section 2: \"Applicants hold a license.\", read 2026-02-01\n",
			"   source: A summary <https://example.net/summary>\n" +
				"     Para 3: \"a license to practice\", read 2026-02-02 (third party)\n",
		} {
			if !strings.Contains(stdout, w) {
				t.Errorf("show output lacks %q:\n%s", w, stdout)
			}
		}
	})
	t.Run("unknown id", func(t *testing.T) {
		stdout, stderr, code := cli(t, "requirements", "show", "no-such-set")
		if code != exitBadInput {
			t.Errorf("exit %d, want %d", code, exitBadInput)
		}
		if stdout != "" {
			t.Errorf("stdout should be empty:\n%s", stdout)
		}
		if !strings.Contains(stderr, `"no-such-set"`) || !strings.Contains(stderr, "certboard requirements list") {
			t.Errorf("stderr should name the id and hint at 'certboard requirements list':\n%s", stderr)
		}
	})
}

// citedSet is a small set whose requirement cites two sources, a certboard
// draft with an unconfirmed effective date.
const citedSet = `id: test-cited
title: Test cited set
body: Test Body
version: 2026-draft
version_by: certboard
effective_from: 2020-01-01
sources:
  - {id: rules, url: "https://example.org/rules", title: Test Body rules, edition: 2019 edition, retrieved: 2026-02-01, primary: true}
  - {id: summary, url: "https://example.net/summary", title: A summary, retrieved: 2026-02-02, primary: false}
confidence:
  - {figure: set.effective_from, status: unconfirmed, note: No date is printed.}
  - {figure: license, status: unconfirmed, note: Only a summary words it so.}
requirements:
  - id: license
    kind: license
    title: Licensed
    professions: [counseling]
    cite:
      - {source: rules, section: Section 2, quote: Applicants hold a license.}
      - {source: summary, section: Para 3, quote: a license to practice}
`

// validSet is a small requirement set that loads, used for check and evaluate.
const validSet = `# A small set for tests.
id: test-license-only
title: Test set requiring a license
body: Test Body
version: "1"
effective_from: 2020-01-01
sources:
  - url: https://example.org/rules
    title: Example rules
requirements:
  - id: license
    kind: license
    title: A psychotherapy license
    professions: [social_work, psychology]
  - id: named
    kind: expression
    title: Has a name
    expression: portfolio.person.name != ""
    explanation: The person has a name.
`

// problemLine matches one file:line: message line of requirements check.
func problemLine(file string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(file) + `:(\d+): (.+)$`)
}

// checkProblems asserts stderr is only file:line: message lines and that one
// of them is at line with a message containing msg.
func checkProblems(t *testing.T, stderr, file string, line int, msg string) {
	t.Helper()
	re := problemLine(file)
	lines := nonEmptyLines(stderr)
	if len(lines) == 0 {
		t.Fatalf("no problems on stderr")
	}
	found := false
	for _, l := range lines {
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("stderr line is not FILE:LINE: message: %q", l)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if n < 1 {
			t.Errorf("line number %d in %q", n, l)
		}
		if n == line && strings.Contains(m[2], msg) {
			found = true
		}
	}
	if !found {
		t.Errorf("no problem at line %d containing %q in:\n%s", line, msg, stderr)
	}
}

func TestRequirementsCheck(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		p := writeFile(t, "valid.yaml", validSet)
		stdout, stderr, code := cli(t, "requirements", "check", p)
		if code != exitOK || stderr != "" {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
		for _, w := range []string{p, "ok", "test-license-only", "2 requirements"} {
			if !strings.Contains(stdout, w) {
				t.Errorf("stdout lacks %q: %s", w, stdout)
			}
		}
	})
	for _, id := range shippedIDs {
		t.Run("shipped "+id, func(t *testing.T) {
			p := filepath.Join("../../requirements/sets", id+".yaml")
			if _, err := os.Stat(p); err != nil {
				t.Skipf("no file for set %s: %v", id, err)
			}
			if _, stderr, code := cli(t, "requirements", "check", p); code != exitOK {
				t.Errorf("exit %d, stderr:\n%s", code, stderr)
			}
		})
	}
	invalid := []struct {
		name string
		yaml string
		line int
		msg  string
	}{
		{"bad indentation", strings.Replace(validSet, "    kind: license\n", "      kind: license\n", 1), 12, "mapping values are not allowed"},
		{"unknown field", strings.Replace(validSet, "body: Test Body\n", "body: Test Body\ncolour: blue\n", 1), 5, "colour"},
		{"wrong type", strings.Replace(validSet, "[social_work, psychology]", "{social_work: 1}", 1), 14, "expected a list, found a mapping"},
		{"impossible date", strings.Replace(validSet, "2020-01-01", "2020-02-30", 1), 6, "effective_from"},
		{"bad CEL", strings.Replace(validSet, `portfolio.person.name != ""`, `portfolio.person.name +`, 1), 18, "expression does not compile"},
		{"CEL not boolean", strings.Replace(validSet, `portfolio.person.name != ""`, `1 + 2`, 1), 18, "true or false"},
		{"unknown kind", strings.Replace(validSet, "kind: license", "kind: licence", 1), 12, `kind "licence"`},
		{"field of another kind", strings.Replace(validSet, "    professions:", "    total: 3\n    professions:", 1), 14, "total does not apply"},
		{"bad id", strings.Replace(validSet, "id: test-license-only", "id: Test_Set", 1), 2, "lower-case"},
		{"duplicate requirement id", strings.Replace(validSet, "id: named", "id: license", 1), 15, "used twice"},
		{"no sources", strings.Replace(validSet, "sources:\n  - url: https://example.org/rules\n    title: Example rules\n", "", 1), 2, "sources is required"},
		{"not a mapping", "- just\n- a list\n", 1, "mapping"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "set.yaml", tc.yaml)
			stdout, stderr, code := cli(t, "requirements", "check", p)
			if code != exitBadInput {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitBadInput, stdout, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout should be empty:\n%s", stdout)
			}
			checkProblems(t, stderr, p, tc.line, tc.msg)
		})
	}
	t.Run("missing file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "missing.yaml")
		stdout, stderr, code := cli(t, "requirements", "check", p)
		if code != exitBadInput || stdout != "" {
			t.Fatalf("exit %d, want %d; stdout:\n%s", code, exitBadInput, stdout)
		}
		if !strings.HasPrefix(stderr, p+":") || !strings.Contains(stderr, "cannot read") {
			t.Errorf("stderr should start with the file name and say it cannot be read:\n%s", stderr)
		}
	})
}

// expectation is one entry of examples/portfolios/expectations.json.
type expectation struct {
	File         string   `json:"file"`
	Requirements string   `json:"requirements"`
	AsOf         string   `json:"as_of"`
	Eligible     bool     `json:"eligible"`
	Verdict      string   `json:"verdict"`
	Failing      []string `json:"failing"`
}

func loadExpectations(t *testing.T) []expectation {
	t.Helper()
	data, err := os.ReadFile(example("expectations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var es []expectation
	if err := json.Unmarshal(data, &es); err != nil {
		t.Fatalf("expectations.json: %v", err)
	}
	if len(es) == 0 {
		t.Fatal("expectations.json lists no examples")
	}
	return es
}

// jsonReport is the part of the JSON report the tests read.
type jsonReport struct {
	Set struct {
		ID      string `json:"id"`
		Version string `json:"version"`
	} `json:"set"`
	AsOf     string                       `json:"as_of"`
	Eligible *bool                        `json:"eligible"`
	Verdict  string                       `json:"verdict"`
	Results  []map[string]json.RawMessage `json:"results"`
}

// decodeReport decodes a JSON report, checks its shape, and returns it with
// the sorted ids of results that are neither met nor not applicable.
func decodeReport(t *testing.T, stdout string) (*jsonReport, []string) {
	t.Helper()
	var r jsonReport
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Errorf("more than one JSON value on stdout")
	}
	if r.Eligible == nil {
		t.Fatalf("report has no boolean eligible:\n%s", stdout)
	}
	if len(r.Results) == 0 {
		t.Fatalf("report has no results:\n%s", stdout)
	}
	var failing []string
	for i, res := range r.Results {
		fields := map[string]string{}
		for _, k := range []string{"id", "status", "explanation"} {
			raw, ok := res[k]
			var s string
			if !ok || json.Unmarshal(raw, &s) != nil || s == "" {
				t.Errorf("results[%d].%s is missing or not a non-empty string: %s", i, k, raw)
			}
			fields[k] = s
		}
		switch fields["status"] {
		case "met", "not_applicable":
		case "unmet", "pending":
			failing = append(failing, fields["id"])
		default:
			t.Errorf("results[%d] (%s) has unknown status %q", i, fields["id"], fields["status"])
		}
	}
	slices.Sort(failing)
	return &r, failing
}

func TestEvaluateExamples(t *testing.T) {
	for _, e := range loadExpectations(t) {
		wantCode := exitNo
		if e.Eligible {
			wantCode = exitOK
		}
		portfolio := example(e.File)
		t.Run(e.File+"/"+e.Requirements+"/json", func(t *testing.T) {
			stdout, stderr, code := cli(t, "evaluate", "--requirements", e.Requirements, "--as-of", e.AsOf, "--format", "json", portfolio)
			if code != wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, wantCode, stderr)
			}
			if stderr != "" {
				t.Errorf("stderr should be empty:\n%s", stderr)
			}
			r, failing := decodeReport(t, stdout)
			if *r.Eligible != e.Eligible {
				t.Errorf("eligible = %v, want %v", *r.Eligible, e.Eligible)
			}
			if e.Verdict != "" && r.Verdict != e.Verdict {
				t.Errorf("verdict = %q, want %q", r.Verdict, e.Verdict)
			}
			if r.Set.ID != e.Requirements {
				t.Errorf("set.id = %q, want %q", r.Set.ID, e.Requirements)
			}
			if r.AsOf != e.AsOf {
				t.Errorf("as_of = %q, want %q", r.AsOf, e.AsOf)
			}
			want := slices.Sorted(slices.Values(e.Failing))
			if !slices.Equal(failing, want) {
				t.Errorf("failing requirements = %v, want %v", failing, want)
			}
		})
		t.Run(e.File+"/"+e.Requirements+"/text", func(t *testing.T) {
			stdout, stderr, code := cli(t, "evaluate", "--requirements", e.Requirements, "--as-of", e.AsOf, portfolio)
			if code != wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, wantCode, stderr)
			}
			if stderr != "" {
				t.Errorf("stderr should be empty:\n%s", stderr)
			}
			if !strings.Contains(stdout, "as of "+e.AsOf) {
				t.Errorf("text report does not name the as-of date:\n%s", stdout)
			}
			for _, id := range e.Failing {
				found := false
				for _, l := range strings.Split(stdout, "\n") {
					if (strings.HasPrefix(l, "[UNMET") || strings.HasPrefix(l, "[pending")) && strings.HasSuffix(l, "("+id+")") {
						found = true
					}
				}
				if !found {
					t.Errorf("text report does not mark %s unmet or pending:\n%s", id, stdout)
				}
			}
		})
	}
}

// TestEvaluateDefaultAsOf checks that without --as-of the run's today is used.
func TestEvaluateDefaultAsOf(t *testing.T) {
	stdout, stderr, code := cli(t, "evaluate", "--requirements", "aasect-cst", "--format", "json", example("cst-eligible.json"))
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	r, _ := decodeReport(t, stdout)
	if r.AsOf != today.String() {
		t.Errorf("as_of = %q, want today %s", r.AsOf, today)
	}
}

func TestEvaluateCustomSetFile(t *testing.T) {
	set := writeFile(t, "custom.yaml", validSet)
	tests := []struct {
		portfolio string
		code      int
		failing   []string
	}{
		{"cst-eligible.json", exitOK, nil},
		{"cst-license-expired.json", exitNo, []string{"license"}},
	}
	for _, tc := range tests {
		t.Run(tc.portfolio, func(t *testing.T) {
			stdout, stderr, code := cli(t, "evaluate", "--requirements", set, "--as-of", "2026-06-01", "--format", "json", example(tc.portfolio))
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			r, failing := decodeReport(t, stdout)
			if r.Set.ID != "test-license-only" {
				t.Errorf("set.id = %q, want the custom set", r.Set.ID)
			}
			if len(r.Results) != 2 {
				t.Errorf("%d results, want the custom set's 2", len(r.Results))
			}
			if *r.Eligible != (tc.code == exitOK) {
				t.Errorf("eligible = %v with exit %d", *r.Eligible, code)
			}
			if !slices.Equal(failing, tc.failing) {
				t.Errorf("failing = %v, want %v", failing, tc.failing)
			}
		})
	}
	t.Run("invalid set file", func(t *testing.T) {
		bad := writeFile(t, "bad.yaml", strings.Replace(validSet, "2020-01-01", "2020-13-01", 1))
		stdout, stderr, code := cli(t, "evaluate", "--requirements", bad, "--as-of", "2026-06-01", example("cst-eligible.json"))
		if code != exitBadInput || stdout != "" {
			t.Fatalf("exit %d, want %d; stdout:\n%s", code, exitBadInput, stdout)
		}
		checkProblems(t, stderr, bad, 6, "effective_from")
	})
	t.Run("missing set file", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "missing.yaml")
		stdout, stderr, code := cli(t, "evaluate", "--requirements", missing, "--as-of", "2026-06-01", example("cst-eligible.json"))
		if code != exitBadInput || stdout != "" {
			t.Fatalf("exit %d, want %d; stdout:\n%s", code, exitBadInput, stdout)
		}
		if !strings.Contains(stderr, missing) {
			t.Errorf("stderr does not name %s:\n%s", missing, stderr)
		}
	})
}

// allVerdicts parses the text of evaluate --all into id -> line, checking
// there is one line per shipped set after a heading.
func allVerdicts(t *testing.T, stdout string) map[string]string {
	t.Helper()
	lines := nonEmptyLines(stdout)
	if len(lines) != len(shippedIDs)+1 {
		t.Fatalf("%d lines, want a heading and one per shipped set (%d):\n%s", len(lines), len(shippedIDs), stdout)
	}
	if !strings.HasPrefix(lines[0], "What ") {
		t.Errorf("heading %q", lines[0])
	}
	byID := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 3 {
			t.Errorf("short verdict line %q", l)
			continue
		}
		if _, dup := byID[f[1]]; dup {
			t.Errorf("set %s has two lines", f[1])
		}
		byID[f[1]] = l
	}
	for _, id := range shippedIDs {
		if _, ok := byID[id]; !ok {
			t.Errorf("no verdict line for %s:\n%s", id, stdout)
		}
	}
	return byID
}

func TestEvaluateAll(t *testing.T) {
	t.Run("cst-eligible", func(t *testing.T) {
		stdout, stderr, code := cli(t, "evaluate", "--all", "--as-of", "2026-06-01", example("cst-eligible.json"))
		if code != exitOK {
			t.Errorf("exit %d, want %d; stderr:\n%s", code, exitOK, stderr)
		}
		byID := allVerdicts(t, stdout)
		cst := byID["aasect-cst"]
		if !strings.HasPrefix(cst, "YES") || !strings.Contains(cst, "eligible") || strings.Contains(cst, "not eligible") {
			t.Errorf("aasect-cst line should say eligible: %q", cst)
		}
	})
	t.Run("cst-eligible json", func(t *testing.T) {
		stdout, stderr, code := cli(t, "evaluate", "--all", "--as-of", "2026-06-01", "--format", "json", example("cst-eligible.json"))
		if code != exitOK {
			t.Errorf("exit %d, want %d; stderr:\n%s", code, exitOK, stderr)
		}
		var r struct {
			Sets []struct {
				ID       string `json:"id"`
				Eligible bool   `json:"eligible"`
				Verdict  string `json:"verdict"`
			} `json:"sets"`
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, stdout)
		}
		var ids []string
		for _, s := range r.Sets {
			ids = append(ids, s.ID)
			if want := s.ID == "aasect-cst"; s.Eligible != want {
				t.Errorf("set %s: eligible = %v, want %v", s.ID, s.Eligible, want)
			}
		}
		if !slices.Equal(ids, shippedIDs) {
			t.Errorf("sets %v, want %v", ids, shippedIDs)
		}
	})
	for _, name := range []string{"cst-license-expired.json", "cst-claimed-only.json"} {
		t.Run(name+" eligible for nothing", func(t *testing.T) {
			stdout, stderr, code := cli(t, "evaluate", "--all", "--as-of", "2026-06-01", example(name))
			if code != exitNo {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitNo, stderr)
			}
			for id, l := range allVerdicts(t, stdout) {
				if strings.HasPrefix(l, "YES") {
					t.Errorf("set %s says eligible: %q", id, l)
				}
			}
		})
	}
}

func TestEvaluateBadInput(t *testing.T) {
	dir := t.TempDir()
	// A portfolio with a string where a number belongs.
	data, err := os.ReadFile(example("cst-eligible.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	edu, ok := tree["education"].([]any)
	if !ok || len(edu) == 0 {
		t.Fatal("cst-eligible.json has no education to spoil")
	}
	edu[0].(map[string]any)["hours"] = "ten"
	wrongType, _ := json.Marshal(tree)
	wrongTypeFile := filepath.Join(dir, "wrong-type.json")
	syntaxFile := filepath.Join(dir, "syntax.json")
	missingFile := filepath.Join(dir, "missing.json")
	for name, content := range map[string][]byte{wrongTypeFile: wrongType, syntaxFile: []byte("{\"format\": \n")} {
		if err := os.WriteFile(name, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := example("cst-eligible.json")

	tests := []struct {
		name   string
		args   []string
		stderr []string
	}{
		{"wrong type", []string{"--requirements", "aasect-cst", wrongTypeFile}, []string{wrongTypeFile, "$.education[0].hours"}},
		{"json syntax", []string{"--requirements", "aasect-cst", syntaxFile}, []string{syntaxFile}},
		{"missing portfolio", []string{"--requirements", "aasect-cst", missingFile}, []string{missingFile, "cannot read"}},
		{"portfolio is a directory", []string{"--requirements", "aasect-cst", dir}, []string{dir, "cannot read"}},
		{"impossible --as-of", []string{"--requirements", "aasect-cst", "--as-of", "2026-02-30", good}, []string{"--as-of", "2026-02-30"}},
		{"malformed --as-of", []string{"--requirements", "aasect-cst", "--as-of", "yesterday", good}, []string{"--as-of"}},
		{"bad --format", []string{"--requirements", "aasect-cst", "--format", "xml", good}, []string{"--format", "xml"}},
		{"both --requirements and --all", []string{"--requirements", "aasect-cst", "--all", good}, []string{"--requirements", "--all"}},
		{"neither --requirements nor --all", []string{good}, []string{"--requirements", "--all"}},
		{"unknown set id", []string{"--requirements", "no-such-set", good}, []string{"--requirements", `"no-such-set"`}},
		{"no portfolio", []string{"--requirements", "aasect-cst"}, []string{"portfolio"}},
		{"two portfolios", []string{"--requirements", "aasect-cst", good, good}, []string{"portfolio"}},
		{"unknown flag", []string{"--frob", good}, []string{"frob"}},
		{"all with wrong type", []string{"--all", wrongTypeFile}, []string{wrongTypeFile, "$.education[0].hours"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := cli(t, append([]string{"evaluate"}, tc.args...)...)
			if code != exitBadInput {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitBadInput, stdout, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout should be empty on bad input:\n%s", stdout)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

// TestBinary builds the command and runs it, to prove main passes run's
// status to the operating system.
func TestBinary(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CERTBOARD_CI") == "1" {
			t.Fatalf("go is not on PATH and CERTBOARD_CI=1: %v", err)
		}
		t.Skipf("go is not on PATH: %v", err)
	}
	exe := filepath.Join(t.TempDir(), "certboard")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	build := exec.Command(goTool, "build", "-o", exe, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	runExe := func(args ...string) (string, string, int) {
		t.Helper()
		var out, errOut bytes.Buffer
		cmd := exec.Command(exe, args...)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
			return out.String(), errOut.String(), 0
		case errors.As(err, &ee):
			return out.String(), errOut.String(), ee.ExitCode()
		}
		t.Fatalf("running %s: %v", exe, err)
		return "", "", -1
	}

	stdout, stderr, code := runExe("requirements", "list")
	if code != exitOK {
		t.Errorf("requirements list: exit %d; stderr:\n%s", code, stderr)
	}
	if n := len(nonEmptyLines(stdout)); n != len(shippedIDs) {
		t.Errorf("requirements list: %d lines, want %d:\n%s", n, len(shippedIDs), stdout)
	}

	for _, tc := range []struct {
		portfolio string
		code      int
	}{
		{"cst-eligible.json", exitOK},
		{"cst-license-expired.json", exitNo},
		{"missing.json", exitBadInput},
	} {
		_, stderr, code := runExe("evaluate", "--requirements", "aasect-cst", "--as-of", "2026-06-01", example(tc.portfolio))
		if code != tc.code {
			t.Errorf("evaluate %s: exit %d, want %d; stderr:\n%s", tc.portfolio, code, tc.code, stderr)
		}
	}
	if _, _, code := runExe(); code != exitBadInput {
		t.Errorf("no arguments: exit %d, want %d", code, exitBadInput)
	}
}
