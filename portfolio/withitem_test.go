package portfolio

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// TestWithItemMatchesDecode checks WithItem against Decode of the whole
// portfolio with the item spliced in: the same portfolio, or the same errors
// at the same paths.
func TestWithItemMatchesDecode(t *testing.T) {
	data, err := os.ReadFile("../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := Encode(p)
	n := len(p.Attestations)
	// splice puts item last in the attestations of the encoded portfolio.
	enc, _ := Encode(p)
	start := bytes.Index(enc, []byte(`"attestations": [`))
	at := start + bytes.Index(enc[start:], []byte("\n  ]"))
	splice := func(item string) []byte {
		return append(append(append([]byte{}, enc[:at]...), []byte(","+item)...), enc[at:]...)
	}
	for _, item := range []string{
		`{"id":"att-2","code":"c","signed":"2026-01-02"}`,
		`{"id":"att-2","code":"c","signed":"2026-01-02","code":"d"}`,
		`{"id":"att-2","code":"c","signed":"2026-13-02"}`,
		`{"id":"att-code","code":"c","signed":"2026-01-02"}`,
		`{"id":"att-2","signed":"2026-01-02","extra":{"a":1,"a":2}}`,
		`{"id":"att-2","code":"c"`,
	} {
		q, err := WithItem(p, "attestations", -1, []byte(item))
		if err == nil && len(q.Attestations) != n+1 {
			t.Errorf("%s: adding gave %d attestations, want %d", item, len(q.Attestations), n+1)
		}
		want, wantErr := Decode(splice(item))
		if len(item) > 0 && item[len(item)-1] != '}' {
			// Broken JSON is reported at the item, with its own line and column.
			if err == nil || wantErr == nil {
				t.Errorf("%s: broken JSON accepted", item)
			}
			continue
		}
		if !reflect.DeepEqual(errorPaths(err), errorPaths(wantErr)) {
			t.Errorf("%s:\n got %v\nwant %v", item, err, wantErr)
		}
		if err == nil {
			g, _ := Encode(q)
			w, _ := Encode(want)
			if !bytes.Equal(g, w) {
				t.Errorf("%s: the portfolios differ", item)
			}
		}
	}
	// Replacing an item in place keeps its place and the others.
	q, err := WithItem(p, "attestations", 0, []byte(`{"id":"att-code","code":"c","signed":"2026-01-02"}`))
	if err != nil || len(q.Attestations) != n || q.Attestations[0].Code != "c" {
		t.Fatalf("replace: %v", err)
	}
	if _, err := WithItem(p, "nonsense", -1, []byte(`{}`)); err == nil {
		t.Error("an unknown list was accepted")
	}
	if after, _ := Encode(p); !bytes.Equal(after, before) {
		t.Fatal("WithItem changed the portfolio it was given")
	}
}

func errorPaths(err error) []FieldError {
	if err == nil {
		return nil
	}
	es, _ := err.(Errors)
	return es
}
