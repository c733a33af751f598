package ld

import (
	"fmt"
	"testing"
)

// TestValidIRIRemembered: validIRI gives IsURL's answer for http(s) IRIs,
// first computed and then remembered, and the memo never holds more than
// maxKnownURLs answers.
func TestValidIRIRemembered(t *testing.T) {
	for _, iri := range []string{
		"https://www.w3.org/2018/credentials#issuer",
		"http://example.org/a b",
		"https://",
		"http://[::1]:80/x",
		"urn:uuid:1234",
	} {
		for i := 0; i < 2; i++ {
			want := true
			if len(iri) > 4 && (iri[:5] == "http:" || iri[:6] == "https:") {
				want = IsURL(iri)
			}
			if got := validIRI(iri); got != want {
				t.Errorf("validIRI(%q) = %v, want %v", iri, got, want)
			}
		}
	}
	for i := 0; i < maxKnownURLs+10; i++ {
		validIRI(fmt.Sprintf("https://example.org/%d", i))
	}
	knownURLs.mu.RLock()
	n := len(knownURLs.m)
	knownURLs.mu.RUnlock()
	if n > maxKnownURLs {
		t.Fatalf("the memo holds %d answers, more than %d", n, maxKnownURLs)
	}
}
