package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
)

// statusRoutes publishes the board's status lists, where verifiers look up
// whether a credential is revoked or suspended.
func (s *Server) statusRoutes() {
	s.route("GET /status/{list}", Public, s.handle(s.statusList))
}

// boardLists are the board's lists and their purposes.
var boardLists = map[string]statuslist.Purpose{revocationList: statuslist.Revocation, suspensionList: statuslist.Suspension}

// errNoStatusList reports a list name the board does not publish.
var errNoStatusList = errors.New("no such status list")

// statusList serves one list as a signed BitstringStatusListCredential: the
// JSON with a Data Integrity proof, or the VC-JWT for Accept:
// application/vc+jwt (see signedStatusList). Answers carry an ETag, and an
// If-None-Match naming the current one is answered with 304.
func (s *Server) statusList(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("list")
	jwtForm := strings.Contains(r.Header.Get("Accept"), "application/vc+jwt")
	v, err := s.statusListVersion(r.Context(), name, jwtForm)
	switch {
	case errors.Is(err, errNoStatusList):
		return notFound("No such status list", fmt.Sprintf("The board publishes the lists %s and %s.", revocationList, suspensionList))
	case errors.Is(err, errNoSigningKey):
		noSigningKey(w)
		return nil
	case err != nil:
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Vary", "Accept")
	w.Header().Set("ETag", v.tag)
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, v.tag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	ctype := "application/vc+ld+json"
	if jwtForm {
		ctype = "application/vc+jwt"
	}
	w.Header().Set("Content-Type", ctype)
	body, err := s.signedStatusList(v)
	if err != nil {
		return err
	}
	_, _ = w.Write(body)
	return nil
}

// statusListBytes is the body statusList serves for the list name in the
// JSON form (jwtForm false) or as a VC-JWT. It fails with errNoStatusList
// for a name the board does not publish and with errNoSigningKey before the
// first key is made.
func (s *Server) statusListBytes(ctx context.Context, name string, jwtForm bool) ([]byte, error) {
	v, err := s.statusListVersion(ctx, name, jwtForm)
	if err != nil {
		return nil, err
	}
	return s.signedStatusList(v)
}

// listVersion is the current content of one list in one form, as read from
// the store, and the tag naming it, before it is signed.
type listVersion struct {
	name    string
	purpose statuslist.Purpose
	jwtForm bool
	issuer  string
	key     *board.SigningKey
	set     []int
	tag     string
}

// statusListVersion reads the current content of the list name.
func (s *Server) statusListVersion(ctx context.Context, name string, jwtForm bool) (listVersion, error) {
	purpose, ok := boardLists[name]
	if !ok {
		return listVersion{}, errNoStatusList
	}
	set, err := s.board.StatusBits(ctx, string(purpose), name)
	if err != nil {
		return listVersion{}, err
	}
	issuer, err := s.boardDID()
	if err != nil {
		return listVersion{}, err
	}
	key, err := s.board.CurrentSigningKey(ctx)
	if errors.Is(err, certboard.ErrNotFound) {
		return listVersion{}, errNoSigningKey
	}
	if err != nil {
		return listVersion{}, err
	}
	return listVersion{
		name: name, purpose: purpose, jwtForm: jwtForm, issuer: issuer, key: key, set: set,
		tag: statusTag(name, jwtForm, issuer, key.ID, set),
	}, nil
}

// signedStatusList is v as a signed BitstringStatusListCredential, reused
// from the cache while its tag is current. A bit is 1 for a revoked
// credential (revocation list) or a suspended one (suspension list). The
// list has the specification's minimum size, which hides whose status a
// verifier asks for among 131,072 places.
func (s *Server) signedStatusList(v listVersion) ([]byte, error) {
	if body, ok := s.statusCache.get(v.tag, s.now()); ok {
		return body, nil
	}
	list, err := statuslist.New(statuslist.MinSize)
	if err != nil {
		return nil, err
	}
	for _, i := range v.set {
		if err := list.Set(i, true); err != nil {
			return nil, err
		}
	}
	encoded, err := list.Encode()
	if err != nil {
		return nil, err
	}
	url := s.publicBase() + "/status/" + v.name
	doc := map[string]any{
		"@context":  []any{credential.ContextVC},
		"id":        url,
		"type":      []any{"VerifiableCredential", statuslist.CredentialType},
		"issuer":    v.issuer,
		"validFrom": credential.FormatTime(s.now()),
		"credentialSubject": map[string]any{
			"id":            url + "#list",
			"type":          statuslist.SubjectType,
			"statusPurpose": string(v.purpose),
			"encodedList":   encoded,
		},
	}
	vm := v.issuer + "#" + v.key.ID
	var body []byte
	if v.jwtForm {
		token, err := vcjwt.Sign(doc, v.key.Private, vm)
		if err != nil {
			return nil, err
		}
		body = []byte(token)
	} else {
		signed, err := dataintegrity.Sign(doc, v.key.Private, vm, s.now())
		if err != nil {
			return nil, err
		}
		if body, err = json.MarshalIndent(signed, "", "  "); err != nil {
			return nil, err
		}
		body = append(body, '\n')
	}
	s.statusCache.put(v.tag, body, s.now())
	return body, nil
}

// statusTag names one signed form of a list's content: the list, the form,
// the issuer, the signing key and the set bits. Equal tags mean the same
// statements, so a signed answer is reused (and If-None-Match answered with
// 304) until a status changes or the key rotates.
func statusTag(name string, jwtForm bool, issuer, keyID string, set []int) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%t\n%s\n%s\n", name, jwtForm, issuer, keyID)
	sorted := slices.Clone(set)
	slices.Sort(sorted)
	for _, i := range sorted {
		fmt.Fprintf(h, "%d,", i)
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// statusListLife is how long a signed list is reused at most: its validFrom
// stays recent, and a cache entry never outlives a day of no changes.
const statusListLife = time.Hour

// statusCache keeps the signed lists by tag: signing a list (GZIP of 16 KiB
// and a Data Integrity proof) costs milliseconds, and verifiers ask for the
// lists on every verification.
type statusCache struct {
	mu      sync.Mutex
	entries map[string]statusEntry
}

type statusEntry struct {
	body []byte
	made time.Time
}

func (c *statusCache) get(tag string, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[tag]
	if !ok || now.Sub(e.made) > statusListLife || now.Before(e.made) {
		return nil, false
	}
	return e.body, true
}

func (c *statusCache) put(tag string, body []byte, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 64 {
		// Few tags are live at once (two lists, two forms); old ones go.
		c.entries = map[string]statusEntry{}
	}
	c.entries[tag] = statusEntry{body: body, made: now}
}
