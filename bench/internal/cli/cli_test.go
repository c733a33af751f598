package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

func TestParseAndProblems(t *testing.T) {
	var stderr bytes.Buffer
	fs := flag.NewFlagSet("tool", flag.ContinueOnError)
	fs.SetOutput(&stderr)
	n := fs.Int("n", 1, "a number")
	p, err := Parse(fs, []string{"--n", "0"})
	if err != nil || *n != 0 {
		t.Fatalf("Parse = %v, n %d", err, *n)
	}
	if err := p.Err("tool", &stderr); err != nil || stderr.Len() > 0 {
		t.Fatalf("no problem: %v, %q", err, stderr.String())
	}
	p, err = Parse(fs, []string{"--n", "0", "extra"})
	if err != nil {
		t.Fatal(err)
	}
	p.Add("--n must be at least 1")
	err = p.Err("tool", &stderr)
	want := `unexpected argument "extra"; --n must be at least 1`
	if err == nil || err.Error() != want || stderr.String() != "tool: "+want+"\n" {
		t.Errorf("Err = %v, stderr %q", err, stderr.String())
	}
	if _, err := Parse(fs, []string{"-h"}); FlagStatus(err) != ExitOK {
		t.Errorf("help: %v, status %d", err, FlagStatus(err))
	}
	if _, err := Parse(fs, []string{"--m"}); err == nil || FlagStatus(err) != ExitSetup {
		t.Errorf("unknown flag: %v", err)
	}
}

type fakeReport struct {
	Fail bool `json:"fail"`
}

func (r *fakeReport) WriteText(w io.Writer) { io.WriteString(w, "text\n") }
func (r *fakeReport) Failed() bool          { return r.Fail }

func TestFinish(t *testing.T) {
	for _, tc := range []struct {
		name           string
		rep            *fakeReport
		err            error
		asJSON         bool
		code           int
		stdout, stderr string
	}{
		{"passed", &fakeReport{}, nil, false, ExitOK, "text\n", ""},
		{"failed", &fakeReport{Fail: true}, nil, false, ExitFailed, "text\n", ""},
		{"json", &fakeReport{Fail: true}, nil, true, ExitFailed, "{\n  \"fail\": true\n}\n", ""},
		{"setup", nil, errors.New("no database"), true, ExitSetup, "", "tool: no database\n"},
	} {
		var stdout, stderr strings.Builder
		code := Finish(&stdout, &stderr, "tool", tc.rep, tc.err, tc.asJSON)
		if code != tc.code || stdout.String() != tc.stdout || stderr.String() != tc.stderr {
			t.Errorf("%s: %d, %q, %q; want %d, %q, %q", tc.name, code, stdout.String(), stderr.String(), tc.code, tc.stdout, tc.stderr)
		}
	}
}
