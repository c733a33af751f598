package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/internal/boardtest"
	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/verifier"
)

// board runs the demo board over HTTP at its public URL, as a verifier
// elsewhere would see it.
func board(t *testing.T) (*boardsql.Store, string) {
	t.Helper()
	b := boardtest.StartDemo(t, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return b.Store, b.URL
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
	if err := st.InTx(ctx, func(tx *boardsql.Tx) error { return tx.SetCredentialStatus(ctx, c.ID, "suspend", "lapsed", now) }); err != nil {
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

// TestVerifyLimits: a credential over a limit is not read further: Verify
// reports its format invalid naming the limit, and CheckBounds refuses it
// with an error wrapping a *jsonlimit.Error, before anything is decoded.
func TestVerifyLimits(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	header, sig := b64(`{"alg":"EdDSA","kid":"did:key:z6Mk#z6Mk","typ":"vc+jwt"}`), b64(strings.Repeat("s", 64))
	fetched := false
	fetch := func(context.Context, string) ([]byte, error) {
		fetched = true
		return nil, errors.New("no network in this test")
	}
	for _, tc := range []struct {
		name, data, want string
	}{
		{"200 KB of [", strings.Repeat("[", 200<<10), ""}, // neither format: nothing to bound
		{"deep JSON", `{"@context": ` + strings.Repeat("[", 200<<10), "the credential is nested deeper than 32 levels at byte 45"},
		{"deep JSON-LD in a subject", `{"credentialSubject": ` + strings.Repeat(`{"a": `, 40), "the credential is nested deeper than 32 levels at byte 209"},
		{"oversize JSON", `{"a": "` + strings.Repeat("x", verifier.MaxSize) + `"}`, "the credential is larger than 1 MiB"},
		{"deep JWT payload", header + "." + b64(`{"vc":`+strings.Repeat("[", 100)) + "." + sig, "the payload is nested deeper than 32 levels at byte 38"},
		{"oversize JWT", header + "." + strings.Repeat("A", verifier.MaxSize) + "." + sig, "the credential is larger than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := verifier.CheckBounds([]byte(tc.data))
			r := verifier.Verify(context.Background(), []byte(tc.data), fetch, time.Now())
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckBounds: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want || !errors.As(err, new(*jsonlimit.Error)) {
				t.Fatalf("CheckBounds: %v, want %q wrapping a *jsonlimit.Error", err, tc.want)
			}
			chk, _ := r.Checks.Lookup(verifier.CheckFormat)
			if r.Status() != "invalid" || len(r.Checks) != 1 || chk.Detail != tc.want || r.Credential != nil {
				t.Fatalf("Verify: %s %+v", r.Status(), r.Checks)
			}
		})
	}
	if fetched {
		t.Error("Verify fetched something for a credential over a limit")
	}
	// A status list nested too deep is not read: the status could not be
	// checked, and the message names the limit.
	cred := `{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": "did:key:z6Mk",
		"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "3",
		"statusListCredential": "https://issuer.example/status/1"}}`
	deepList := func(context.Context, string) ([]byte, error) { return []byte(strings.Repeat("[", 200<<10)), nil }
	r := verifier.Verify(context.Background(), []byte(cred), deepList, time.Now())
	if chk, _ := r.Checks.Lookup(verifier.CheckStatus); chk.Outcome != "could_not_check" || !strings.Contains(chk.Detail, "is nested deeper than 32 levels at byte 33") {
		t.Fatalf("a deep status list: %+v", r.Checks)
	}
}
