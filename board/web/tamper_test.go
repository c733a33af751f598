package web

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/vcjwt"
)

// leafPaths lists the path of every string, number and boolean in a JSON
// value, each path a list of map keys and slice indexes.
func leafPaths(v any, prefix []any, out *[][]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			leafPaths(c, append(append([]any(nil), prefix...), k), out)
		}
	case []any:
		for i, c := range x {
			leafPaths(c, append(append([]any(nil), prefix...), i), out)
		}
	default:
		*out = append(*out, prefix)
	}
}

// alterAt changes the leaf at path: a string gets a character more, a
// number one more, a boolean its opposite.
func alterAt(v any, path []any) {
	parent := v
	for _, step := range path[:len(path)-1] {
		switch p := parent.(type) {
		case map[string]any:
			parent = p[step.(string)]
		case []any:
			parent = p[step.(int)]
		}
	}
	change := func(old any) any {
		switch o := old.(type) {
		case string:
			return o + "x"
		case float64:
			return o + 1
		case bool:
			return !o
		}
		return "changed"
	}
	last := path[len(path)-1]
	switch p := parent.(type) {
	case map[string]any:
		p[last.(string)] = change(p[last.(string)])
	case []any:
		p[last.(int)] = change(p[last.(int)])
	}
}

// TestChangingAnyFieldOfAnIssuedCredentialFailsVerification changes each
// value of the board's issued credential, one at a time, in both proof
// formats: none of the changed copies verifies.
func TestChangingAnyFieldOfAnIssuedCredentialFailsVerification(t *testing.T) {
	s, st := newServer(t)
	s.usePublicURL(t, "https://board.example")
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	jordan, _ := st.UserByEmail(ctx, demoEmail("jordan"))
	creds, err := st.CredentialsOf(ctx, jordan.ID)
	if err != nil || len(creds) == 0 {
		t.Fatalf("credentials: %v", err)
	}
	c := creds[0]
	doc, err := did.ParseDocument(getAs(t, s.Handler(), "/.well-known/did.json", nil).Body.Bytes(), "did:web:board.example")
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(vm string) (ed25519.PublicKey, error) { return doc.Key(vm) }
	fresh := func() map[string]any {
		var m map[string]any
		if err := json.Unmarshal(c.Document, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}

	if r, err := dataintegrity.Verify(fresh(), resolve); err != nil || r.Status() != "valid" {
		t.Fatalf("the credential as issued: %v %+v", err, r)
	}
	if r, err := vcjwt.Verify(c.JWT, resolve, time.Now()); err != nil || r.Status() != "valid" {
		t.Fatalf("the VC-JWT as issued: %v %+v", err, r)
	}
	var paths [][]any
	leafPaths(fresh(), nil, &paths)
	if len(paths) < 30 {
		t.Fatalf("only %d values in the credential", len(paths))
	}
	for _, p := range paths {
		m := fresh()
		alterAt(m, p)
		r, err := dataintegrity.Verify(m, resolve)
		if err == nil && r.Status() != "invalid" && r.Status() != "could_not_check" {
			t.Errorf("Data Integrity: changing %v gives %s", p, r.Status())
		}
		if err == nil && r.Status() == "valid" {
			t.Errorf("Data Integrity: changing %v still verifies", p)
		}
	}

	parts := strings.Split(c.JWT, ".")
	for i, name := range []string{"header", "payload"} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		var whole map[string]any
		if err := json.Unmarshal(raw, &whole); err != nil {
			t.Fatal(err)
		}
		var jp [][]any
		leafPaths(whole, nil, &jp)
		for _, p := range jp {
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			alterAt(m, p)
			b, _ := json.Marshal(m)
			changed := append([]string(nil), parts...)
			changed[i] = base64.RawURLEncoding.EncodeToString(b)
			r, err := vcjwt.Verify(strings.Join(changed, "."), resolve, time.Now())
			if err == nil && r.Status() == "valid" {
				t.Errorf("VC-JWT: changing the %s's %v still verifies", name, fmt.Sprint(p))
			}
		}
	}
}

// TestProgramsGetProblemsOutsideTheAPI: a program asking for a credential
// as JSON or JWT gets its error as problem+json, a browser a page.
func TestProgramsGetProblemsOutsideTheAPI(t *testing.T) {
	s, _ := newServer(t)
	h := s.Handler()
	for accept, want := range map[string]string{
		"application/ld+json": "application/problem+json",
		"application/vc+jwt":  "application/problem+json",
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": "text/html",
		"": "text/html",
	} {
		req := httptest.NewRequest("GET", "/credentials/no-such-credential", nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 404 || !strings.HasPrefix(rec.Header().Get("Content-Type"), want) {
			t.Errorf("Accept %q: %d %s, want 404 %s", accept, rec.Code, rec.Header().Get("Content-Type"), want)
		}
	}
}
