package dataintegrity

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// recordingLoader wraps DocumentLoader and remembers the first URL it
// refused, since json-gold does not keep the loader's error in a form
// errors.Is can see.
type recordingLoader struct {
	refused string
}

func (l *recordingLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	d, err := DocumentLoader{}.LoadDocument(u)
	if errors.Is(err, ErrContextNotBundled) && l.refused == "" {
		l.refused = u
	}
	return d, err
}
