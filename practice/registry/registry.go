// Package registry reads a certification board's public registry from the
// practice's side: where a board's registry answers (from its did:web),
// the search a practitioner makes (name, region, credential, accepting
// referrals) as the query string of GET /api/v1/registry, and the answer,
// decoded within a size and nesting limit. It is pure: the caller fetches
// (through verifier/httpfetch) and hands the bytes here.
package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/jsonlimit"
)

// Limits of what is read from a registry.
const (
	// MaxAnswer is the largest answer decoded, in bytes: a page of
	// PageSize entries with their statements is far under it.
	MaxAnswer = 512 << 10
	// MaxDepth is the deepest nesting decoded; an answer nests 4 levels.
	MaxDepth = 8
	// PageSize is how many entries a search asks for.
	PageSize = 20
	// MaxField bounds each search field, in characters.
	MaxField = 100
)

// Address returns the URL of the registry API of the board whose did:web
// is id: the did:web's document address without its did.json (and
// /.well-known), followed by /api/v1/registry. did:web:board.example gives
// https://board.example/api/v1/registry; did:web:localhost%3A8080 gives
// http://localhost:8080/api/v1/registry (did.WebDocumentURL's rule for a
// board on the local machine).
func Address(id string) (string, error) {
	doc, err := did.WebDocumentURL(id)
	if err != nil {
		return "", err
	}
	base := strings.TrimSuffix(doc, "/did.json")
	base = strings.TrimSuffix(base, "/.well-known")
	return base + "/api/v1/registry", nil
}

// Origin returns the scheme and host of a registry address, where the
// links of its entries (a credential's url) are resolved.
func Origin(address string) string {
	u, err := url.Parse(address)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Query is a search of a registry. Zero fields match everything.
type Query struct {
	// Name is words of the name (or practice): the registry's q.
	Name string `json:"name,omitempty"`
	// Region is a state or province.
	Region string `json:"region,omitempty"`
	// Credential is a requirement set id, such as aasect-cst.
	Credential string `json:"credential,omitempty"`
	// Accepting keeps only those who accept referrals.
	Accepting bool `json:"accepting,omitempty"`
}

// Check trims q and says what is wrong with it, field by field ("" when
// nothing is).
func (q *Query) Check() map[string]string {
	errs := map[string]string{}
	for _, f := range []struct {
		name string
		v    *string
	}{{"name", &q.Name}, {"region", &q.Region}, {"credential", &q.Credential}} {
		*f.v = strings.TrimSpace(*f.v)
		switch {
		case utf8.RuneCountInString(*f.v) > MaxField:
			errs[f.name] = fmt.Sprintf("use at most %d characters", MaxField)
		case !utf8.ValidString(*f.v) || strings.ContainsFunc(*f.v, func(r rune) bool { return r < ' ' || r == 0x7f }):
			errs[f.name] = "remove the control characters"
		}
	}
	return errs
}

// URL is the address of the search at the registry address.
func (q Query) URL(address string) string {
	v := url.Values{}
	if q.Name != "" {
		v.Set("q", q.Name)
	}
	if q.Region != "" {
		v.Set("region", q.Region)
	}
	if q.Credential != "" {
		v.Set("credential", q.Credential)
	}
	if q.Accepting {
		v.Set("accepting", "yes")
	}
	v.Set("limit", strconv.Itoa(PageSize))
	return address + "?" + v.Encode()
}

// Credential is a public credential of an entry, with its status as the
// board computed it when it answered.
type Credential struct {
	ID         string `json:"id"`
	URL        string `json:"url"`
	Credential string `json:"credential"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Valid      bool   `json:"valid"`
	ValidUntil string `json:"valid_until,omitempty"`
}

// Entry is one listing of a registry.
type Entry struct {
	ID                 int64        `json:"id"`
	Name               string       `json:"name"`
	Practice           string       `json:"practice"`
	City               string       `json:"city"`
	Region             string       `json:"region"`
	Country            string       `json:"country"`
	Telehealth         bool         `json:"telehealth"`
	AcceptingReferrals bool         `json:"accepting_referrals"`
	Website            string       `json:"website"`
	Email              string       `json:"email"`
	Credentials        []Credential `json:"credentials"`
}

// Place is the entry's city, region and country, as one line.
func (e Entry) Place() string {
	var parts []string
	for _, p := range []string{e.City, e.Region, e.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Valid returns the entry's first valid credential, nil when none is.
func (e Entry) Valid() *Credential {
	for i := range e.Credentials {
		if e.Credentials[i].Valid && e.Credentials[i].Status == "valid" {
			return &e.Credentials[i]
		}
	}
	return nil
}

// Page is a registry's answer to a search.
type Page struct {
	Entries []Entry `json:"entries"`
	Total   int     `json:"total"`
	AsOf    string  `json:"as_of"`
}

// ErrAnswer is an answer that is not a registry's: too large, too deep,
// not JSON, or missing what every answer has.
var ErrAnswer = errors.New("registry: the answer is not a registry search result")

// Decode reads a registry's answer: at most MaxAnswer bytes nesting at
// most MaxDepth levels, with an entries list whose entries each have an
// id and a name. Anything else is ErrAnswer, wrapped with what is wrong.
func Decode(data []byte) (*Page, error) {
	if err := jsonlimit.Check(data, jsonlimit.Limits{MaxBytes: MaxAnswer, MaxDepth: MaxDepth}); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAnswer, err)
	}
	var p struct {
		Entries *[]Entry `json:"entries"`
		Total   int      `json:"total"`
		AsOf    string   `json:"as_of"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAnswer, err)
	}
	if p.Entries == nil {
		return nil, fmt.Errorf("%w: no entries", ErrAnswer)
	}
	if len(*p.Entries) > 100 {
		return nil, fmt.Errorf("%w: more than 100 entries", ErrAnswer)
	}
	for i, e := range *p.Entries {
		if e.ID <= 0 || strings.TrimSpace(e.Name) == "" {
			return nil, fmt.Errorf("%w: entry %d has no id or name", ErrAnswer, i+1)
		}
	}
	return &Page{Entries: *p.Entries, Total: p.Total, AsOf: p.AsOf}, nil
}

// Find returns the entry of id in p, nil when it is not there.
func (p *Page) Find(id int64) *Entry {
	for i := range p.Entries {
		if p.Entries[i].ID == id {
			return &p.Entries[i]
		}
	}
	return nil
}
