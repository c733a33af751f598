package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/chromedp/chromedp"
)

// Helpers of TestDoneWhen (lifecycle_test.go): the registry as a visitor
// reads it, in the browser and from the API, and an HTTP client for the
// steps that are not about pages (a CE provider's program reporting by API).

// registryCredential is one credential of a registry entry as the page shows
// it: its link and the whole line of text (name and status).
type registryCredential struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

// registryCard is one person found by a registry search, as the page shows
// them: the heading (the name), the card's text and its credentials.
type registryCard struct {
	Name        string               `json:"name"`
	Text        string               `json:"text"`
	Credentials []registryCredential `json:"credentials"`
}

// registryCards reads the people a registry page lists: each heading of a
// result (h3) with what surrounds it, and the credential links in it.
func (p *person) registryCards() []registryCard {
	p.t.Helper()
	var out []registryCard
	p.js(`Array.from(document.querySelectorAll('main h3'), h => {
	  const card = h.closest('li, article') || h.parentElement;
	  return {name: h.innerText.trim(), text: card.innerText,
	    credentials: Array.from(card.querySelectorAll('a[href^="/credentials/"]'), a => {
	      const line = a.closest('li') || a.parentElement;
	      return {href: a.getAttribute('href'), text: line.innerText.trim()};
	    })};
	})`, &out)
	return out
}

// registryCard returns the card of the person named, failing when the page
// does not list them.
func (p *person) registryCard(name string) registryCard {
	p.t.Helper()
	cards := p.registryCards()
	for _, c := range cards {
		if c.Name == name {
			return c
		}
	}
	p.fatalf("the registry page does not list %s; it lists %v", name, cardNames(cards))
	return registryCard{}
}

// cardNames lists the names on registry cards.
func cardNames(cards []registryCard) []string {
	var out []string
	for _, c := range cards {
		out = append(out, c.Name)
	}
	return out
}

// credentialLine returns the line of the credential linked to path on a
// card, and whether the card has one.
func (c registryCard) credentialLine(path string) (registryCredential, bool) {
	i := slices.IndexFunc(c.Credentials, func(rc registryCredential) bool { return rc.Href == path })
	if i < 0 {
		return registryCredential{}, false
	}
	return c.Credentials[i], true
}

// notValidWords are the statuses a registry line names for a credential
// that is not in force.
var notValidWords = []string{"not valid", "suspended", "revoked", "expired", "superseded"}

// showsValid reports whether a registry line presents its credential as
// valid: it says "valid" and no status that says otherwise.
func showsValid(line string) bool {
	l := strings.ToLower(line)
	if !strings.Contains(l, "valid") {
		return false
	}
	for _, w := range notValidWords {
		if strings.Contains(l, w) {
			return false
		}
	}
	return true
}

// searchRegistry fills the registry form as a visitor does, the words in the
// search field and the filters (field id to value: a text field is typed
// into, a select is chosen from) under "More filters", and presses Search.
func (p *person) searchRegistry(q string, filters map[string]string) {
	p.t.Helper()
	p.open("/registry")
	p.fill("r-q", q)
	if len(filters) > 0 {
		var open bool
		p.js(`(() => { const d = document.querySelector('form[action="/registry"] details'); return !d || d.open; })()`, &open)
		if !open {
			ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
			err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/registry"] details summary`), chromedp.NodeVisible))
			cancel()
			if err != nil {
				p.fatalf("opening the registry's filters: %v", err)
			}
		}
		for _, id := range slices.Sorted(func(yield func(string) bool) {
			for k := range filters {
				if !yield(k) {
					return
				}
			}
		}) {
			var tag string
			p.js(`(() => { const e = document.getElementById(`+quote(id)+`); return e ? e.tagName : ''; })()`, &tag)
			switch tag {
			case "SELECT":
				p.choose(id, filters[id])
			case "INPUT":
				p.fill(id, filters[id])
			default:
				p.fatalf("the registry form has no field #%s", id)
			}
		}
	}
	p.click(`form[action="/registry"] button[type=submit]`)
	if !strings.HasPrefix(p.path(), "/registry?") {
		p.fatalf("the search did not lead to a registry result page")
	}
}

// apiRegistryEntry is an entry of GET /api/v1/registry.
type apiRegistryEntry struct {
	Name        string                  `json:"name"`
	City        string                  `json:"city"`
	Credentials []apiRegistryCredential `json:"credentials"`
}

// apiRegistryCredential is a credential of an entry of GET /api/v1/registry.
type apiRegistryCredential struct {
	ID         string `json:"id"`
	URL        string `json:"url"`
	Credential string `json:"credential"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Valid      bool   `json:"valid"`
}

// apiRegistry is the answer of GET /api/v1/registry.
type apiRegistry struct {
	Entries    []apiRegistryEntry `json:"entries"`
	Total      int                `json:"total"`
	TotalExact bool               `json:"total_exact"`
}

// registryAPI searches the registry's API as a program with no session does.
func (a *app) registryAPI(query url.Values) apiRegistry {
	a.t.Helper()
	status, body := a.call(http.MethodGet, "/api/v1/registry?"+query.Encode(), "", nil)
	if status != http.StatusOK {
		a.t.Fatalf("GET /api/v1/registry?%s: HTTP %d: %s", query.Encode(), status, body)
	}
	var out apiRegistry
	if err := json.Unmarshal(body, &out); err != nil {
		a.t.Fatalf("GET /api/v1/registry?%s: not the registry's JSON: %v\n%s", query.Encode(), err, body)
	}
	return out
}

// entry returns the API's entry of the person named, or nil.
func (r apiRegistry) entry(name string) *apiRegistryEntry {
	for i := range r.Entries {
		if r.Entries[i].Name == name {
			return &r.Entries[i]
		}
	}
	return nil
}

// call sends a request to the application with Go's HTTP client and no
// cookies: with an API token (bearer) when given, and a JSON body when body
// is not nil. It returns the status and the body.
func (a *app) call(method, path, bearer string, body any) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, a.url+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// checkPasted verifies a credential on /check as anyone does: pasted into
// the field, then Verify.
func (p *person) checkPasted(credential string) {
	p.t.Helper()
	p.open("/check")
	p.paste("credential", credential)
	p.click(`form[action="/check"] button[type=submit]`)
	p.expectPath("/check")
}

// checkRow returns the row of the check named (as the page words it, "board
// record" for board_record), failing when there is none.
func (p *person) checkRow(name string) checkRow {
	p.t.Helper()
	rows := p.checkRows()
	want := strings.ReplaceAll(name, "_", " ")
	for _, r := range rows {
		if strings.EqualFold(strings.ReplaceAll(r.Name, "_", " "), want) {
			return r
		}
	}
	p.fatalf("/check shows no %s check; it shows %+v", name, rows)
	return checkRow{}
}

// value is the value of the form field with the id.
func (p *person) value(id string) string {
	p.t.Helper()
	var v string
	p.js(`(() => { const e = document.getElementById(`+quote(id)+`); return e ? e.value : ''; })()`, &v)
	return v
}
