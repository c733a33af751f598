package dataintegrity

import (
	"reflect"
	"strings"
	"sync"
	"testing"
)

// TestSharedContextsUnchanged: the contexts decoded once and shared by every
// call stay equal to the bundled files after signing and verifying, and
// none uses @import, the one feature with which json-gold would write into
// a loaded context.
func TestSharedContextsUnchanged(t *testing.T) {
	signed := signOB(t)
	_, _, resolve := obKey()
	if r, err := Verify(signed, resolve); err != nil || !r.Valid() {
		t.Fatalf("Verify: %v %+v", err, r)
	}
	for _, u := range BundledContexts() {
		shared, err := bundledLoader{}.LoadDocument(u)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := DocumentLoader{}.LoadDocument(u)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(shared.Document, fresh.Document) {
			t.Errorf("%s: the shared context no longer matches the bundled file", u)
		}
		b, err := contextFiles.ReadFile(bundled[u])
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), `"@import"`) {
			t.Errorf("%s uses @import", u)
		}
	}
}

// TestActiveContextCache: a @context made of bundled URLs is processed once
// and the same active context is handed out again; any other value is left
// to json-gold.
func TestActiveContextCache(t *testing.T) {
	ctx := []any{ContextCredentialsV2, ContextOpenBadgesV3}
	a, ok, err := activeContext(ctx)
	if err != nil || !ok {
		t.Fatalf("bundled list: %v %v", ok, err)
	}
	b, _, _ := activeContext([]any{ContextCredentialsV2, ContextOpenBadgesV3})
	if a != b {
		t.Fatal("the same @context was processed twice")
	}
	for _, v := range []any{
		nil,
		"https://example.org/unbundled",
		[]any{ContextCredentialsV2, "https://example.org/unbundled"},
		[]any{ContextCredentialsV2, map[string]any{"ex": "https://example.org/#"}},
		map[string]any{"@vocab": "https://example.org/#"},
	} {
		if _, ok, _ := activeContext(v); ok {
			t.Errorf("%v: processed ahead, want it left to json-gold", v)
		}
	}
}

// TestVerifyConcurrently: verifications share the processed contexts;
// run with -race, this shows that none of them writes into what it shares.
func TestVerifyConcurrently(t *testing.T) {
	signed := signOB(t)
	_, _, resolve := obKey()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 3 {
				r, err := Verify(signed, resolve)
				if err != nil || !r.Valid() {
					t.Errorf("Verify: %v %+v", err, r)
				}
			}
		})
	}
	wg.Wait()
}
