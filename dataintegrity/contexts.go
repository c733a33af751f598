package dataintegrity

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/piprate/json-gold/ld"
)

// URLs of the JSON-LD contexts bundled with the package, the only ones its
// document loader serves.
const (
	// ContextCredentialsV2 is the base context of the W3C Verifiable
	// Credentials Data Model 2.0; it also defines DataIntegrityProof.
	ContextCredentialsV2 = "https://www.w3.org/ns/credentials/v2"
	// ContextCredentialsExamplesV2 is the examples context of the Data Model
	// 2.0, used by the W3C test vectors.
	ContextCredentialsExamplesV2 = "https://www.w3.org/ns/credentials/examples/v2"
	// ContextDataIntegrityV2 is the W3C Data Integrity v2 context.
	ContextDataIntegrityV2 = "https://w3id.org/security/data-integrity/v2"
	// ContextMultikeyV1 is the W3C Multikey v1 context.
	ContextMultikeyV1 = "https://w3id.org/security/multikey/v1"
	// ContextOpenBadgesV3 is the 1EdTech Open Badges 3.0 context, version
	// 3.0.3.
	ContextOpenBadgesV3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// ErrContextNotBundled reports a JSON-LD context URL that is not bundled
// with the package. Contexts are never fetched, so a document that uses such
// a context can be neither signed nor checked.
var ErrContextNotBundled = errors.New("dataintegrity: context not bundled")

//go:embed contexts/*.jsonld
var contextFiles embed.FS

// bundled maps each served URL to its file in contextFiles.
var bundled = map[string]string{
	ContextCredentialsV2:         "contexts/credentials-v2.jsonld",
	ContextCredentialsExamplesV2: "contexts/credentials-examples-v2.jsonld",
	ContextDataIntegrityV2:       "contexts/data-integrity-v2.jsonld",
	ContextMultikeyV1:            "contexts/multikey-v1.jsonld",
	ContextOpenBadgesV3:          "contexts/ob-v3p0-context-3.0.3.jsonld",
}

var (
	contextsOnce sync.Once
	contextBytes map[string][]byte
	contextsErr  error
)

// loadContexts reads the embedded files once.
func loadContexts() (map[string][]byte, error) {
	contextsOnce.Do(func() {
		contextBytes = make(map[string][]byte, len(bundled))
		for u, name := range bundled {
			b, err := contextFiles.ReadFile(name)
			if err != nil {
				contextsErr = fmt.Errorf("dataintegrity: read bundled context %s: %w", u, err)
				return
			}
			contextBytes[u] = b
		}
	})
	return contextBytes, contextsErr
}

// BundledContexts returns the URLs of the bundled contexts, sorted.
func BundledContexts() []string {
	urls := make([]string, 0, len(bundled))
	for u := range bundled {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	return urls
}

// DocumentLoader is a json-gold document loader (ld.DocumentLoader) that
// serves only the bundled contexts, by their exact URL, and refuses any
// other URL with an error wrapping ErrContextNotBundled that names it. It
// never performs I/O. The zero value is ready to use and safe for concurrent
// use.
type DocumentLoader struct{}

var _ ld.DocumentLoader = DocumentLoader{}

// LoadDocument returns the bundled context published at u, freshly decoded
// (so that a caller that modifies it cannot affect later loads), or an error
// wrapping ErrContextNotBundled.
func (DocumentLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	all, err := loadContexts()
	if err != nil {
		return nil, err
	}
	b, ok := all[u]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrContextNotBundled, u)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("dataintegrity: bundled context %s: %w", u, err)
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// notBundledError is the error the package's loaders return for a URL
// that is not bundled; it names the URL and matches ErrContextNotBundled.
// json-gold wraps a loader's error in errors it can unwrap, so canonicalize
// finds it with errors.As wherever in the processing the URL was met.
type notBundledError struct{ url string }

func (e *notBundledError) Error() string { return ErrContextNotBundled.Error() + ": " + e.url }

func (e *notBundledError) Is(target error) bool { return target == ErrContextNotBundled }

// Processed contexts.
//
// Turning a context into json-gold's active context (decoding the JSON,
// creating a term definition for each term) cost about half of a
// verification when it was done on every call. The bundled contexts are
// fixed, so both steps are done once:
//
//   - bundledLoader serves each bundled context decoded once and shared.
//     json-gold only reads a loaded context; it would write into one that
//     uses @import, which none of the bundled contexts does
//     (TestSharedContextsUnchanged checks both).
//   - activeContext keeps the active context json-gold makes of a document's
//     @context when that is a list of bundled URLs (as every credential
//     certboard signs or reads has), and canonicalize hands it to json-gold
//     in place of the list. json-gold's context processing accepts an
//     already processed *ld.Context as a local context and then uses it as
//     the active context.
//   - With the option KeepScopedContexts (of the json-gold patched under
//     third_party/json-gold), json-gold keeps on each active context the
//     contexts its type-scoped and property-scoped contexts give (Open
//     Badges 3.0 has one per type), instead of processing them at every
//     node of every document.
//
// The active contexts are therefore shared between calls and goroutines;
// json-gold only reads them (the patch makes it skip writing a processing
// mode a shared context already has). TestVerifyConcurrently, run with
// -race, checks that nothing shared is written.

// bundledLoader is a json-gold document loader serving the bundled contexts
// decoded once. Its documents are shared and must not be modified.
type bundledLoader struct{}

var (
	sharedOnce sync.Once
	sharedDocs map[string]*ld.RemoteDocument
	sharedErr  error
)

func (bundledLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	sharedOnce.Do(func() {
		docs := make(map[string]*ld.RemoteDocument, len(bundled))
		for _, url := range BundledContexts() {
			d, err := DocumentLoader{}.LoadDocument(url)
			if err != nil {
				sharedErr = err
				return
			}
			docs[url] = d
		}
		sharedDocs = docs
	})
	if sharedErr != nil {
		return nil, sharedErr
	}
	d, ok := sharedDocs[u]
	if !ok {
		return nil, &notBundledError{url: u}
	}
	return d, nil
}

// jsonLdOptions returns the options of every JSON-LD operation of the
// package: JSON-LD 1.1, safe mode, contexts from the bundle only.
func jsonLdOptions() *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = bundledLoader{}
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.SafeMode = true
	opts.KeepScopedContexts = true
	return opts
}

// maxActiveContexts bounds the number of active contexts kept: one per
// distinct list of bundled URLs met, which in practice is one or two.
const maxActiveContexts = 32

var (
	activeMu       sync.Mutex
	activeContexts = map[string]*ld.Context{}
)

// activeContext returns the active context that json-gold makes of the
// @context value ctx, processed once and kept, when ctx is a bundled URL or
// a list of them; ok is false for any other value, which the caller leaves
// to json-gold to process. The context returned is shared and read only.
func activeContext(ctx any) (active *ld.Context, ok bool, err error) {
	var urls []string
	switch v := ctx.(type) {
	case string:
		urls = []string{v}
	case []any:
		for _, e := range v {
			s, isString := e.(string)
			if !isString {
				return nil, false, nil
			}
			urls = append(urls, s)
		}
	default:
		return nil, false, nil
	}
	for _, u := range urls {
		if _, ok := bundled[u]; !ok {
			return nil, false, nil
		}
	}
	key := strings.Join(urls, " ") // URLs hold no spaces
	activeMu.Lock()
	active, ok = activeContexts[key]
	activeMu.Unlock()
	if ok {
		return active, true, nil
	}
	active, err = ld.NewContext(nil, jsonLdOptions()).Parse(ctx)
	if err != nil {
		return nil, false, err
	}
	activeMu.Lock()
	defer activeMu.Unlock()
	if prev, ok := activeContexts[key]; ok {
		return prev, true, nil
	}
	if len(activeContexts) < maxActiveContexts {
		activeContexts[key] = active
	}
	return active, true, nil
}
