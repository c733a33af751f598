package fhir

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
)

var parseNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func exportSample(t *testing.T) (Record, []byte) {
	t.Helper()
	rec := sampleRecord(t)
	out, err := Export(rec, ExportOptions{ID: "export-1", Timestamp: parseNow})
	if err != nil {
		t.Fatal(err)
	}
	return rec, out
}

func TestExportParseRoundTrip(t *testing.T) {
	rec, out := exportSample(t)
	var progress int
	got, err := ParseBundle(out, ParseOptions{Now: parseNow, Progress: func(done, total int) { progress = done }})
	if err != nil {
		t.Fatalf("ParseBundle: %v", err)
	}
	if !reflect.DeepEqual(got, rec) {
		a, _ := json.MarshalIndent(rec, "", " ")
		b, _ := json.MarshalIndent(got, "", " ")
		al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
		for i := range min(len(al), len(bl)) {
			if al[i] != bl[i] {
				t.Fatalf("round trip lost something at line %d:\nexported %s\nparsed   %s", i, strings.Join(al[max(0, i-8):i+1], "\n"), bl[i])
			}
		}
		t.Fatalf("round trip lost something: %d lines against %d", len(al), len(bl))
	}
	if progress != rec.Count() {
		t.Errorf("progress ended at %d of %d", progress, rec.Count())
	}
	again, err := Export(got, ExportOptions{ID: "export-1", Timestamp: parseNow})
	if err != nil || string(again) != string(out) {
		t.Errorf("exporting the parsed record gives other bytes (err %v)", err)
	}
}

// tamper changes the first resource of the type with the id.
func tamper(t *testing.T, out []byte, id string, change func(m map[string]any)) []byte {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	for _, e := range b["entry"].([]any) {
		res := e.(map[string]any)["resource"].(map[string]any)
		if res["id"] == id {
			change(res)
			data, _ := json.Marshal(b)
			return data
		}
	}
	t.Fatalf("no resource %q", id)
	return nil
}

func TestParseRefusesNamingResourceAndField(t *testing.T) {
	_, out := exportSample(t)
	for _, tc := range []struct {
		name, id string
		change   func(m map[string]any)
		want     []string
	}{
		{"score that disagrees", "score-response-2", func(m map[string]any) {
			m["valueQuantity"].(map[string]any)["value"] = 7
		}, []string{`Observation "score-response-2": valueQuantity.value`}},
		{"answer out of range", "response-3", func(m map[string]any) {
			m["item"].([]any)[0].(map[string]any)["answer"].([]any)[0].(map[string]any)["valueCoding"].(map[string]any)["code"] = "9"
		}, []string{`QuestionnaireResponse "response-3": item[0].answer[0].valueCoding.code`}},
		{"schema: bad birth date", "patient", func(m map[string]any) { m["birthDate"] = "1988-02-31x" },
			[]string{`entry[0] Patient "patient": birthDate`}},
		{"element certboard does not keep", "patient", func(m map[string]any) { m["gender"] = "other" },
			[]string{`Patient "patient"`, "gender"}},
		{"dangling reference", "case-1-plan", func(m map[string]any) {
			m["extension"].([]any)[0].(map[string]any)["valueReference"] = map[string]any{"reference": "urn:uuid:00000000-0000-0000-0000-000000000000"}
		}, []string{`CarePlan "case-1-plan": extension(case)`}},
		{"ICD-10-CM code that disagrees", "case-1-concern-1", func(m map[string]any) {
			m["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"] = "F52.0"
		}, []string{`Condition "case-1-concern-1": code.coding`}},
		{"no-show that says it finished", "session-2", func(m map[string]any) { m["status"] = "finished" },
			[]string{`Encounter "session-2": status`}},
		{"session status certboard does not know", "session-2", func(m map[string]any) {
			m["extension"].([]any)[0].(map[string]any)["valueCode"] = "late"
		}, []string{`Encounter "session-2": extension(session-status)`}},
		{"encounter class neither in person nor virtual", "session-1", func(m map[string]any) {
			m["class"].(map[string]any)["code"] = "IMP"
		}, []string{`Encounter "session-1": class`}},
		{"CPT code that is no session's", "session-1", func(m map[string]any) {
			m["type"].([]any)[0].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"] = "99213"
		}, []string{`Encounter "session-1": type`, "90834"}},
		{"end that disagrees with the length", "session-3", func(m map[string]any) {
			m["period"].(map[string]any)["end"] = "2026-10-15T11:30:00Z"
		}, []string{`Encounter "session-3": period.end`}},
		{"cancelled without who cancelled", "session-3", func(m map[string]any) {
			m["extension"] = m["extension"].([]any)[:1]
		}, []string{`Encounter "session-3": extension(cancelled-by)`}},
		{"attended in the future", "session-5", func(m map[string]any) {
			m["status"] = "finished"
			m["extension"].([]any)[0].(map[string]any)["valueCode"] = "attended"
		}, []string{`Encounter "session-5": period.start`}},
		{"schema: encounter status R4 does not have", "session-1", func(m map[string]any) { m["status"] = "no-show" },
			[]string{`Encounter "session-1": status`}},
		{"note that records a session not attended", "note-1", func(m map[string]any) {
			m["context"].(map[string]any)["encounter"].([]any)[0].(map[string]any)["reference"] = sessionURL(t, out, "session-2")
		}, []string{`DocumentReference "note-1": context.encounter[0]`, "no-show"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := ParseBundle(tamper(t, out, tc.id, tc.change), ParseOptions{Now: parseNow})
			if err == nil {
				t.Fatal("accepted")
			}
			if certboard.ErrorCode(err) != certboard.Invalid {
				t.Errorf("code %s, want invalid: %v", certboard.ErrorCode(err), err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if !reflect.DeepEqual(rec, Record{}) {
				t.Errorf("a refused bundle returned part of a record: %+v", rec.Client)
			}
		})
	}
}

// sessionURL is the fullUrl of the resource with the id.
func sessionURL(t *testing.T, out []byte, id string) string {
	t.Helper()
	var b Bundle
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Entry {
		var head struct{ ID string }
		_ = json.Unmarshal(e.Resource, &head)
		if head.ID == id {
			return e.FullURL
		}
	}
	t.Fatalf("no resource %q", id)
	return ""
}

func TestParseRefusesOverLimits(t *testing.T) {
	deep := strings.Repeat("[", 40) + strings.Repeat("]", 40)
	if _, err := ParseBundle([]byte(deep), ParseOptions{}); certboard.ErrorCode(err) != certboard.Malformed {
		t.Errorf("deep nesting: %v", err)
	}
	big := make([]byte, MaxBundleSize+1)
	if _, err := ParseBundle(big, ParseOptions{}); certboard.ErrorCode(err) != certboard.TooLarge {
		t.Errorf("too large: %v", err)
	}
	if _, err := ParseBundle([]byte(`{"resourceType":"Patient"}`), ParseOptions{}); certboard.ErrorCode(err) != certboard.Invalid {
		t.Errorf("not a bundle: %v", err)
	}
}

// TestPart2RecordRoundTrip: a record covered by 42 CFR Part 2 carries the
// label on the bundle and every resource and the notice as a document,
// all schema-valid, and reads back marked; a resource without the label,
// or a label without the notice, is refused by name.
func TestPart2RecordRoundTrip(t *testing.T) {
	rec := sampleRecord(t)
	rec.Part2 = true
	if _, err := Export(rec, ExportOptions{ID: "p2", Timestamp: parseNow}); err == nil {
		t.Fatal("a Part 2 record exported without its notice")
	}
	const notice = "This record is protected by 42 CFR part 2; do not redisclose it."
	out, err := Export(rec, ExportOptions{ID: "p2", Timestamp: parseNow, Part2Notice: notice})
	if err != nil {
		t.Fatal(err)
	}
	var b Bundle
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	if b.Meta == nil || !reflect.DeepEqual(b.Meta.Security, []Coding{Part2Label}) {
		t.Errorf("the bundle's meta is %+v", b.Meta)
	}
	foundNotice := false
	for i, e := range b.Entry {
		if err := ValidateJSON(e.Resource); err != nil {
			t.Errorf("entry[%d]: %v", i, err)
		}
		var head struct {
			ID   string
			Meta *Meta
		}
		_ = json.Unmarshal(e.Resource, &head)
		if head.Meta == nil || !reflect.DeepEqual(head.Meta.Security, []Coding{Part2Label}) {
			t.Errorf("entry[%d] %s has meta %+v", i, head.ID, head.Meta)
		}
		if head.ID == "part2-notice" {
			var d DocumentReference
			_ = json.Unmarshal(e.Resource, &d)
			foundNotice = string(d.Content[0].Attachment.Data) == notice
		}
	}
	if !foundNotice {
		t.Error("the bundle does not carry the notice")
	}
	shell := b
	shell.Entry = nil
	mustValidate(t, "Bundle", shell)
	got, err := ParseBundle(out, ParseOptions{Now: parseNow})
	if err != nil {
		t.Fatalf("ParseBundle: %v", err)
	}
	if !reflect.DeepEqual(got, rec) {
		t.Errorf("the Part 2 record does not read back as it was (Part2 %v)", got.Part2)
	}

	unlabelled := tamper(t, out, "case-1", func(m map[string]any) { delete(m, "meta") })
	if _, err := ParseBundle(unlabelled, ParseOptions{Now: parseNow}); err == nil || !strings.Contains(err.Error(), `EpisodeOfCare "case-1": meta.security`) {
		t.Errorf("a resource without the label: %v", err)
	}
	plain, err := Export(sampleRecord(t), ExportOptions{ID: "plain", Timestamp: parseNow})
	if err != nil {
		t.Fatal(err)
	}
	labelled := tamper(t, plain, "patient", func(m map[string]any) {
		m["meta"] = map[string]any{"security": []any{map[string]any{"system": ActCodeSystem, "code": "42CFRPart2"}}}
	})
	if _, err := ParseBundle(labelled, ParseOptions{Now: parseNow}); err == nil || !strings.Contains(err.Error(), `Patient "patient": meta.security`) {
		t.Errorf("a label without the notice: %v", err)
	}
}
