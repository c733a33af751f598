package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice/fhir"
	"github.com/certboard/certboard/practice/measure"
)

func TestMeasureScore(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string // a part of stderr; "" wants none
	}{
		{"phq-9 text", []string{"measure", "score", "phq-9", "--answers", "1,2,3,0,1,2,3,0,1"}, 0,
			"instrument: phq-9\ntotal: 13\nband: moderate\npositive: yes\nflags: self-harm\n", ""},
		{"flags after", []string{"measure", "score", "--answers", "0,0,0,0,0,0,0", "gad-7"}, 0,
			"instrument: gad-7\ntotal: 0\nband: minimal\npositive: no\nflags: none\n", ""},
		{"phq-9 json", []string{"measure", "score", "phq-9", "--answers", "3,3,3,3,3,3,3,3,0", "--format", "json"}, 0,
			`{
  "instrument": "phq-9",
  "total": 24,
  "band": "severe",
  "positive": true,
  "flags": []
}
`, ""},
		{"audit json dependence", []string{"measure", "score", "audit", "--format", "json", "--answers", "0,0,0,1,1,2,0,0,0,0"}, 0,
			`{
  "instrument": "audit",
  "total": 4,
  "band": "zone_1",
  "positive": false,
  "flags": [
    "dependence"
  ]
}
`, ""},
		{"audit-c no sex", []string{"measure", "score", "audit-c", "--answers", "1,1,1", "--format", "json"}, 0,
			`{
  "instrument": "audit-c",
  "total": 3,
  "positive": true,
  "flags": []
}
`, ""},
		{"audit-c male", []string{"measure", "score", "audit-c", "--answers", "1,1,1", "--sex", "male"}, 0,
			"instrument: audit-c\ntotal: 3\npositive: no\nflags: none\n", ""},
		{"audit-c female", []string{"measure", "score", "audit-c", "--answers", "1,1,1", "--sex", "female"}, 0,
			"instrument: audit-c\ntotal: 3\npositive: yes\nflags: none\n", ""},
		{"fsfi text", []string{"measure", "score", "fsfi", "--answers", "1,2,3,3,3,3,4,4,4,4,2,2,2,1,1,1,5,5,5"}, 0,
			"instrument: fsfi\ntotal: 19.8\npositive: yes\nflags: none\n" +
				"domains: desire 1.8, arousal 3.6, lubrication 4.8, orgasm 2.4, satisfaction 1.2, pain 6\n", ""},
		{"fsfi json", []string{"measure", "score", "fsfi", "--format", "json", "--answers", "5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5"}, 0,
			`{
  "instrument": "fsfi",
  "total": 36,
  "positive": false,
  "flags": [],
  "domains": {
    "desire": 6,
    "arousal": 6,
    "lubrication": 6,
    "orgasm": 6,
    "satisfaction": 6,
    "pain": 6
  }
}
`, ""},
		{"asex", []string{"measure", "score", "asex", "--answers", "4, 4, 4, 1, 1"}, 0,
			"instrument: asex\ntotal: 14\npositive: yes\nflags: none\n", ""},
		{"iief-5", []string{"measure", "score", "iief-5", "--answers", "5,5,5,5,2"}, 0,
			"instrument: iief-5\ntotal: 22\nband: none\npositive: no\nflags: none\n", ""},
		{"pedt", []string{"measure", "score", "pedt", "--answers", "4,4,1,0,0"}, 0,
			"instrument: pedt\ntotal: 9\nband: probable_pe\npositive: no\nflags: none\n", ""},

		{"count", []string{"measure", "score", "phq-9", "--answers", "1,2,3"}, 2, "",
			"certboard measure: answers: PHQ-9 has 9 items; got 3 answers\n"},
		{"range", []string{"measure", "score", "gad-7", "--answers", "0,0,0,0,4,0,0", "--format", "json"}, 2, "",
			"certboard measure: item 5: 4 is out of range; GAD-7 item 5 takes 0 to 3\n"},
		{"audit 9-10", []string{"measure", "score", "audit", "--answers", "0,0,0,0,0,0,0,0,0,3"}, 2, "",
			"certboard measure: item 10: 3 is not allowed; AUDIT item 10 takes only 0, 2 or 4\n"},
		{"unknown instrument", []string{"measure", "score", "bdi", "--answers", "1"}, 2, "",
			`certboard measure: instrument: unknown instrument "bdi"; use one of phq-9, gad-7, audit-c, audit, iief-5, pedt, fsfi, asex` + "\n"},
		{"unknown sex", []string{"measure", "score", "audit-c", "--answers", "1,1,1", "--sex", "m"}, 2, "",
			`certboard measure: --sex: unknown sex "m"; use female or male, or give none` + "\n"},
		{"not a number", []string{"measure", "score", "phq-9", "--answers", "1,x,0,0,0,0,0,0,0"}, 2, "",
			`certboard measure: item 2: "x" is not a whole number` + "\n"},
		{"missing answer", []string{"measure", "score", "phq-9", "--answers", "1,,0,0,0,0,0,0,0"}, 2, "",
			"certboard measure: item 2: the answer is missing; every item needs one\n"},
		{"no answers", []string{"measure", "score", "phq-9"}, 2, "",
			"certboard measure: answers: give the answers with --answers A1,A2,..., one an item in order\n"},
		{"no instrument", []string{"measure", "score", "--answers", "1"}, 2, "",
			"certboard measure: give exactly one instrument: phq-9, gad-7, audit-c, audit, iief-5, pedt, fsfi, asex\n"},
		{"two instruments", []string{"measure", "score", "phq-9", "gad-7", "--answers", "1"}, 2, "",
			"give exactly one instrument"},
		{"format", []string{"measure", "score", "phq-9", "--answers", "0,0,0,0,0,0,0,0,0", "--format", "xml"}, 2, "",
			`certboard measure: --format "xml": use text, json or fhir` + "\n"},
		{"no subcommand", []string{"measure"}, 2, "", "certboard measure: use certboard measure score INSTRUMENT"},
		{"unknown flag", []string{"measure", "score", "phq-9", "--bogus"}, 2, "", "flag provided but not defined: -bogus"},
		{"help", []string{"measure", "score", "-h"}, 0, "", "Usage: certboard measure score INSTRUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := cli(t, tt.args...)
			if code != tt.code || stdout != tt.stdout {
				t.Errorf("exit %d, stdout:\n%s\nwant exit %d, stdout:\n%s\n(stderr: %s)", code, stdout, tt.code, tt.stdout, stderr)
			}
			if tt.stderr == "" && stderr != "" {
				t.Errorf("stderr %q; want none", stderr)
			}
			if tt.stderr != "" && (stderr != tt.stderr && !strings.Contains(stderr, tt.stderr)) {
				t.Errorf("stderr %q; want %q", stderr, tt.stderr)
			}
		})
	}
}

func TestMeasureInUsage(t *testing.T) {
	if !strings.Contains(usage, "certboard measure score INSTRUMENT --answers A1,A2,...") {
		t.Error("usage does not list certboard measure score")
	}
}

func TestMeasureQuestionnaire(t *testing.T) {
	for _, id := range measure.IDs() {
		stdout, stderr, code := cli(t, "measure", "questionnaire", id)
		if code != 0 || stderr != "" {
			t.Fatalf("%s: exit %d, stderr %q", id, code, stderr)
		}
		if err := fhir.ValidateJSON([]byte(stdout)); err != nil {
			t.Errorf("%s: the Questionnaire does not validate: %v", id, err)
		}
		var q fhir.Questionnaire
		if err := json.Unmarshal([]byte(stdout), &q); err != nil {
			t.Fatal(err)
		}
		in, _ := measure.Lookup(id)
		if q.URL != fhir.QuestionnaireURL(id) || q.Title != in.Name || q.Status != "active" {
			t.Errorf("%s: url %q title %q status %q", id, q.URL, q.Title, q.Status)
		}
	}
	stdout, _, _ := cli(t, "measure", "questionnaire", "phq-9")
	if !strings.Contains(stdout, `"code": "44249-1"`) || !strings.Contains(stdout, "Little interest or pleasure in doing things") {
		t.Errorf("PHQ-9's Questionnaire lacks its LOINC code or its wording:\n%s", stdout)
	}
	for _, args := range [][]string{{"measure", "questionnaire"}, {"measure", "questionnaire", "bdi"}, {"measure", "questionnaire", "phq-9", "gad-7"}} {
		if stdout, stderr, code := cli(t, args...); code != 2 || stdout != "" || stderr == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and a message", args, code, stdout, stderr)
		}
	}
}

func TestMeasureScoreFHIR(t *testing.T) {
	for _, tc := range []struct {
		id, answers, sex string
		total            float64
	}{
		{"phq-9", "1,2,3,0,1,2,3,0,1", "", 13},
		{"audit-c", "1,1,1", "male", 3},
		{"fsfi", "1,2,3,3,3,3,4,4,4,4,2,2,2,1,1,1,5,5,5", "", 19.8},
		{"asex", "4,4,4,1,1", "", 14},
	} {
		args := []string{"measure", "score", tc.id, "--answers", tc.answers, "--format", "fhir"}
		if tc.sex != "" {
			args = append(args, "--sex", tc.sex)
		}
		stdout, stderr, code := cli(t, args...)
		if code != 0 || stderr != "" {
			t.Fatalf("%s: exit %d, stderr %q", tc.id, code, stderr)
		}
		if err := fhir.ValidateJSON([]byte(stdout)); err != nil {
			t.Errorf("%s: the QuestionnaireResponse does not validate: %v", tc.id, err)
		}
		var qr fhir.QuestionnaireResponse
		if err := json.Unmarshal([]byte(stdout), &qr); err != nil {
			t.Fatal(err)
		}
		if qr.Status != "completed" || qr.Questionnaire != fhir.QuestionnaireURL(tc.id) {
			t.Errorf("%s: status %q, questionnaire %q", tc.id, qr.Status, qr.Questionnaire)
		}
		qout, _, _ := cli(t, "measure", "questionnaire", tc.id)
		var q fhir.Questionnaire
		_ = json.Unmarshal([]byte(qout), &q)
		links := map[string]bool{}
		for _, it := range q.Item {
			links[it.LinkID] = true
		}
		in, _ := measure.Lookup(tc.id)
		answered := 0
		for _, it := range qr.Item {
			if !links[it.LinkID] {
				t.Errorf("%s: answer to %q, no item of the Questionnaire", tc.id, it.LinkID)
			}
			if it.LinkID == fhir.LinkTotal {
				if got := *it.Answer[0].ValueDecimal; got != tc.total {
					t.Errorf("%s: total %v, want %v", tc.id, got, tc.total)
				}
				continue
			}
			answered++
		}
		if answered != len(in.Items) {
			t.Errorf("%s: %d items answered, want %d", tc.id, answered, len(in.Items))
		}
	}
	if stdout, _, code := cli(t, "measure", "score", "phq-9", "--answers", "1,2", "--format", "fhir"); code != 2 || stdout != "" {
		t.Errorf("bad answers with --format fhir: exit %d, stdout %q", code, stdout)
	}
}
