package verifier_test

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/server"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/store"
	"github.com/certboard/certboard/verifier"
)

// board runs a real certboard server with the demo board, reachable over
// HTTP at its public URL, as a verifier elsewhere would see it.
func board(t *testing.T) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, store.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sets, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	url := "http://" + ts.Listener.Addr().String()
	srv, err := server.New(server.Config{Store: st, Sets: sets, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: url})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	if _, err := srv.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	return st, url
}

func httpFetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, errors.New(resp.Status)
	}
	return io.ReadAll(resp.Body)
}

func TestVerifyIssuedCredential(t *testing.T) {
	st, _ := board(t)
	ctx := context.Background()
	u, err := st.UserByEmail(ctx, "jordan@demo.certboard.example")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := st.CredentialsOf(ctx, u.ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	c := creds[0]
	now := time.Now()
	for name, data := range map[string][]byte{"json": c.Document, "jwt": []byte(c.JWT)} {
		r := verifier.Verify(ctx, data, httpFetch, now)
		if r.Status() != "valid" {
			t.Fatalf("%s: %s %+v", name, r.Status(), r.Checks)
		}
	}
	// Expired on a later day; not yet valid before.
	if r := verifier.Verify(ctx, c.Document, httpFetch, now.AddDate(4, 0, 0)); r.Status() != "invalid" {
		t.Fatalf("in four years: %s", r.Status())
	}
	// Tampered.
	tampered := strings.Replace(string(c.Document), "Jordan Reyes", "Someone Else", 1)
	if r := verifier.Verify(ctx, []byte(tampered), httpFetch, now); r.Status() != "invalid" {
		t.Fatalf("tampered: %s %+v", r.Status(), r.Checks)
	}
	// The issuer unreachable: could not check, never invalid.
	down := func(context.Context, string) ([]byte, error) { return nil, errors.New("connection refused") }
	if r := verifier.Verify(ctx, c.Document, down, now); r.Status() != "could_not_check" {
		t.Fatalf("issuer down: %s %+v", r.Status(), r.Checks)
	}
	// Suspended by the board: invalid, and says why.
	if err := st.InTx(ctx, func(tx *sql.Tx) error { return st.SetCredentialStatus(ctx, tx, c.ID, "suspend", "lapsed", now) }); err != nil {
		t.Fatal(err)
	}
	r := verifier.Verify(ctx, []byte(c.JWT), httpFetch, now)
	chk, _ := r.Checks.Lookup(verifier.CheckStatus)
	if r.Status() != "invalid" || !strings.Contains(chk.Detail, "suspended") {
		t.Fatalf("suspended: %s %+v", r.Status(), r.Checks)
	}
	// A status list signed by someone else than the issuer is not believed.
	pub, priv, _ := ed25519.GenerateKey(nil)
	forger := did.KeyFromPublic(pub)
	forged := func(ctx context.Context, u string) ([]byte, error) {
		if !strings.Contains(u, "/status/") {
			return httpFetch(ctx, u)
		}
		purpose := "revocation"
		if strings.Contains(u, "suspension") {
			purpose = "suspension"
		}
		l, _ := statuslist.New(statuslist.MinSize)
		enc, _ := l.Encode()
		doc := map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "id": u, "type": []any{"VerifiableCredential", "BitstringStatusListCredential"},
			"issuer": forger, "validFrom": "2026-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": u + "#list", "type": "BitstringStatusList", "statusPurpose": purpose, "encodedList": enc}}
		signed, err := dataintegrity.Sign(doc, priv, did.KeyVerificationMethod(pub), time.Now())
		if err != nil {
			return nil, err
		}
		return json.Marshal(signed)
	}
	r = verifier.Verify(ctx, c.Document, forged, now)
	if chk, _ := r.Checks.Lookup(verifier.CheckStatus); chk.Outcome != "could_not_check" || !strings.Contains(chk.Detail, "not by the credential's issuer") {
		t.Fatalf("a list by another issuer: %+v", r.Checks)
	}
	// Not a credential at all.
	if r := verifier.Verify(ctx, []byte("hello"), httpFetch, now); r.Status() != "invalid" {
		t.Fatalf("garbage: %s", r.Status())
	}
}

// TestReportNames: the issuer's and the holder's names as a credential
// states them, from certboard's credentials and others' shapes.
func TestReportNames(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		cred                     map[string]any
		id, issuerID, iss, holds string
	}{
		{"certboard", map[string]any{"id": "https://b.example/credentials/1", "issuer": map[string]any{"id": "did:web:b.example", "name": " The Board "},
			"credentialSubject": map[string]any{"identifier": []any{
				map[string]any{"identityType": "emailAddress", "identityHash": "sha256$ab", "hashed": true},
				map[string]any{"identityType": "name", "identityHash": "Jordan Reyes", "hashed": false}}}},
			"https://b.example/credentials/1", "did:web:b.example", "The Board", "Jordan Reyes"},
		{"subject name", map[string]any{"issuer": "did:key:z6Mk", "credentialSubject": []any{map[string]any{"name": "Ana Lima"}}},
			"", "did:key:z6Mk", "", "Ana Lima"},
		{"hashed name only", map[string]any{"credentialSubject": map[string]any{"identifier": []any{
			map[string]any{"identityType": "name", "identityHash": "sha256$cd", "hashed": true}}}}, "", "", "", ""},
		{"nothing", nil, "", "", "", ""},
	} {
		r := &verifier.Report{Credential: tc.cred}
		if r.ID() != tc.id || r.IssuerID() != tc.issuerID || r.IssuerName() != tc.iss || r.HolderName() != tc.holds {
			t.Errorf("%s: %q %q %q %q", tc.name, r.ID(), r.IssuerID(), r.IssuerName(), r.HolderName())
		}
	}
}
