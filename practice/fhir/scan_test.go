package fhir

import (
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/note"
)

// bundleOf is a collection bundle of one entry holding res.
func bundleOf(res string) []byte {
	return []byte(`{"resourceType":"Bundle","id":"b","type":"collection","entry":[{"fullUrl":"urn:uuid:1","resource":` + res + `}]}`)
}

// listOf is a JSON list of about size bytes of item.
func listOf(item string, size int) string {
	return "[" + strings.TrimSuffix(strings.Repeat(item+",", size/(len(item)+1)), ",") + "]"
}

// allocated is what f allocates, in bytes.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestParseRefusesHugeListsCheaply is the review's finding: 2 MiB of
// integers where a list of names belongs made the schema validator build
// an error a value, about 460 MiB of heap per MiB of input. Each shape
// must be refused naming the resource and field, allocating less than
// the input's own size.
func TestParseRefusesHugeListsCheaply(t *testing.T) {
	const mib = 1 << 20
	ints := listOf("1", 2*mib)
	for _, tc := range []struct {
		name   string
		bundle []byte
		field  string
		says   string
	}{
		{"integers as given names", bundleOf(`{"resourceType":"Patient","id":"p","name":[{"given":` + ints + `}]}`),
			`entry[0] Patient "p": name[0].given`, "more than 1000 items"},
		{"id after the list", bundleOf(`{"resourceType":"Patient","name":[{"given":` + ints + `}],"id":"late"}`),
			`entry[0] Patient "late": name[0].given`, "more than 1000 items"},
		{"objects as telecoms", bundleOf(`{"resourceType":"Patient","id":"p","telecom":` + listOf(`{}`, 2*mib) + `}`),
			`entry[0] Patient "p": telecom`, "more than 1000 items"},
		{"answers of a response", bundleOf(`{"resourceType":"QuestionnaireResponse","id":"r","status":"completed","item":[{"linkId":"1","answer":` + ints + `}]}`),
			`entry[0] QuestionnaireResponse "r": item[0].answer`, "more than 1000 items"},
		{"many short lists", bundleOf(`{"resourceType":"Patient","id":"p","name":` + listOf(`{"given":`+listOf("1", 1800)+`}`, 2*mib) + `}`),
			`entry[0] Patient "p": name[`, "more than 10000 values"},
		{"a list beside the entries", []byte(`{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:1","link":` + ints + `}]}`),
			`bundle entry[0].link`, "more than 1000 items"},
		{"a resource too large", bundleOf(`{"resourceType":"Patient","id":"p","name":[{"text":"` + strings.Repeat("x", 2*mib) + `"}],"gender":"other"}`),
			`entry[0] Patient "p"`, "larger than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = ParseBundle(tc.bundle, ParseOptions{Now: parseNow}) })
			if certboard.ErrorCode(err) != certboard.Invalid {
				t.Fatalf("code %s, want invalid: %v", certboard.ErrorCode(err), err)
			}
			if !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not name %q and say %q", err, tc.field, tc.says)
			}
			if limit := uint64(len(tc.bundle)); n > limit {
				t.Errorf("refusing %d bytes allocated %d bytes; want at most the input's size", len(tc.bundle), n)
			}
		})
	}
}

func TestParseRefusesTooManyEntriesBeforeDecoding(t *testing.T) {
	data := []byte(`{"resourceType":"Bundle","type":"collection","entry":` + listOf("1", 4*(MaxEntries+10)) + `}`)
	var err error
	n := allocated(func() { _, err = ParseBundle(data, ParseOptions{Now: parseNow}) })
	if certboard.ErrorCode(err) != certboard.TooLarge {
		t.Fatalf("code %s, want too_large: %v", certboard.ErrorCode(err), err)
	}
	if n > uint64(len(data)) {
		t.Errorf("refusing %d bytes allocated %d", len(data), n)
	}
}

// TestSchemaProblemsStopEarly checks that a resource with many values at
// fault, within the scan's bounds, is reported by its first few problems.
func TestSchemaProblemsStopEarly(t *testing.T) {
	err := ValidateJSON([]byte(`{"resourceType":"Patient","id":"p","name":[{"given":` + listOf("1", 1800) + `}]}`))
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a SchemaError", err)
	}
	if len(se.Problems) != MaxSchemaProblems {
		t.Errorf("%d problems, want the first %d", len(se.Problems), MaxSchemaProblems)
	}
}

// TestLongestNoteImports checks MaxResourceSize against the largest
// progress note certboard writes: four sections of note.MaxSection
// characters that JSON escapes to six bytes each.
func TestLongestNoteImports(t *testing.T) {
	rec := sampleRecord(t)
	n := &rec.Cases[0].Notes[0]
	for s := range n.Note.Sections {
		n.Note.Sections[s] = strings.Repeat("<", note.MaxSection)
	}
	rec.Cases[0].PsychotherapyNotes[0].Note.Text = strings.Repeat("&", note.MaxPsychotherapy)
	out, err := Export(rec, ExportOptions{ID: "long", Timestamp: parseNow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseBundle(out, ParseOptions{Now: parseNow}); err != nil {
		t.Fatalf("the longest note is refused: %v", err)
	}
}

func TestScanReadsLargeRecord(t *testing.T) {
	out, err := Export(largeRecord(&testing.B{}, 200), ExportOptions{ID: "bench"})
	if err != nil {
		t.Fatal(err)
	}
	if se := scanBundle(out); se != nil {
		t.Fatalf("%s: %s", se.field(), se.problem)
	}
	if n := allocated(func() { scanBundle(out) }); n > 4096 {
		t.Errorf("the scan of %d bytes allocated %d", len(out), n)
	}
}

// TestParseStopsAtAFullRefusal: resources each within the scan's bounds
// but each with thousands of values at fault stop the check once a
// refusal holds as many problems as it lists (certboard.MaxProblems),
// instead of building the validator's error tree for every one.
func TestParseStopsAtAFullRefusal(t *testing.T) {
	res := `{"resourceType":"Patient","id":"p","name":` + listOf(`{"given":`+listOf("1", 1998)+`}`, 9*2010) + `}`
	entries := make([]string, 300)
	for i := range entries {
		entries[i] = `{"fullUrl":"urn:uuid:` + strconv.Itoa(i) + `","resource":` + res + `}`
	}
	data := []byte(`{"resourceType":"Bundle","type":"collection","entry":[` + strings.Join(entries, ",") + `]}`)
	if se := scanBundle(data); se != nil {
		t.Fatalf("the shape passes the scan's bounds, but: %s %s", se.field(), se.problem)
	}
	// The schema's definitions are compiled once, on first use: not
	// what is measured.
	_ = ValidateJSON([]byte(`{"resourceType":"Patient"}`))
	_ = ValidateJSON([]byte(`{"resourceType":"Bundle","type":"collection"}`))
	var err error
	n := allocated(func() { _, err = ParseBundle(data, ParseOptions{Now: parseNow}) })
	if certboard.ErrorCode(err) != certboard.Invalid {
		t.Fatalf("code %s: %v", certboard.ErrorCode(err), err)
	}
	t.Logf("refusing %d KiB allocated %d MiB", len(data)>>10, n>>20)
	if limit := 8*uint64(len(data)) + 64<<20; n > limit {
		t.Errorf("refusing %d bytes allocated %d MiB; want at most %d MiB", len(data), n>>20, limit>>20)
	}
}
