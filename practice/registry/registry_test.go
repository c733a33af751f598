package registry

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestAddress(t *testing.T) {
	for _, c := range []struct{ did, want string }{
		{"did:web:board.example", "https://board.example/api/v1/registry"},
		{"did:web:board.example:boards:aasect", "https://board.example/boards/aasect/api/v1/registry"},
		{"did:web:localhost%3A8080", "http://localhost:8080/api/v1/registry"},
	} {
		if got, err := Address(c.did); err != nil || got != c.want {
			t.Errorf("Address(%q) = %q, %v; want %q", c.did, got, err, c.want)
		}
	}
	for _, bad := range []string{"did:key:z6Mk", "did:web:", "https://board.example", "did:web:10.0.0.1"} {
		if got, err := Address(bad); err == nil {
			t.Errorf("Address(%q) = %q, want an error", bad, got)
		}
	}
	if o := Origin("http://localhost:8080/api/v1/registry"); o != "http://localhost:8080" {
		t.Errorf("origin %q", o)
	}
}

func TestQuery(t *testing.T) {
	q := Query{Name: "  jor ", Region: "Illinois", Credential: "aasect-cst", Accepting: true}
	if errs := q.Check(); len(errs) != 0 || q.Name != "jor" {
		t.Fatalf("a good query: %v %+v", errs, q)
	}
	u, err := url.Parse(q.URL("https://board.example/api/v1/registry"))
	if err != nil {
		t.Fatal(err)
	}
	v := u.Query()
	if v.Get("q") != "jor" || v.Get("region") != "Illinois" || v.Get("credential") != "aasect-cst" || v.Get("accepting") != "yes" || v.Get("limit") != "20" {
		t.Errorf("query %v", v)
	}
	if v := (Query{}).URL("https://b.example/r"); v != "https://b.example/r?limit=20" {
		t.Errorf("an empty query: %s", v)
	}
	bad := Query{Name: strings.Repeat("é", MaxField+1), Region: "a\x00b"}
	if errs := bad.Check(); errs["name"] == "" || errs["region"] == "" || errs["credential"] != "" {
		t.Errorf("bad query: %v", errs)
	}
}

func TestDecode(t *testing.T) {
	p, err := Decode([]byte(`{"entries":[{"id":3,"name":"Jordan","accepting_referrals":true,"credentials":[
		{"id":"a","url":"/credentials/a","name":"CST","status":"valid","valid":true},{"id":"b","status":"expired"}]}],"total":1,"as_of":"x"}`))
	if err != nil || len(p.Entries) != 1 || p.Find(3) == nil || p.Find(4) != nil || !p.Entries[0].AcceptingReferrals {
		t.Fatalf("decode: %+v %v", p, err)
	}
	if c := p.Entries[0].Valid(); c == nil || c.ID != "a" {
		t.Errorf("valid credential %+v", c)
	}
	for name, in := range map[string]string{
		"not JSON":     `<html>`,
		"no entries":   `{"total":0}`,
		"no id":        `{"entries":[{"name":"x"}]}`,
		"no name":      `{"entries":[{"id":1,"name":" "}]}`,
		"too deep":     `{"entries":[{"id":1,"name":"x","credentials":[{"x":[[[[[[[[1]]]]]]]]}]}]}`,
		"too large":    `{"entries":[],"as_of":"` + strings.Repeat("x", MaxAnswer) + `"}`,
		"many entries": `{"entries":[` + strings.TrimSuffix(strings.Repeat(`{"id":1,"name":"x"},`, 101), ",") + `]}`,
	} {
		if _, err := Decode([]byte(in)); !errors.Is(err, ErrAnswer) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
