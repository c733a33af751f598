package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// databaseBytes is everything the SQLite database of a store holds on disk:
// the database file and its write-ahead log.
func databaseBytes(t *testing.T, st *boardsql.Store) []byte {
	t.Helper()
	var seq int
	var name, file string
	if err := st.DB.QueryRow("PRAGMA database_list").Scan(&seq, &name, &file); err != nil || file == "" {
		t.Fatalf("the database file: %q %v", file, err)
	}
	var all []byte
	for _, f := range []string{file, file + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// TestTokensAreStoredOnlyAsDigests: the sign-up and password-reset links
// and the session cookie carry tokens that the database never holds, not
// in the token tables, not in the outbox, not anywhere in its files: only
// their SHA-256 digests.
func TestTokensAreStoredOnlyAsDigests(t *testing.T) {
	s, _ := withAccount(t)
	st := s.store()
	h := s.Handler()
	ctx := context.Background()
	if rec := call(t, h, "POST", "/api/v1/accounts", `{"email": "ana@example.org", "name": "Ana Souza", "password": "quiet harbour lantern seven"}`); rec.Code != 202 {
		t.Fatalf("sign-up: %d %s", rec.Code, rec.Body)
	}
	_, verifyToken := mailTo(t, s, "ana@example.org")
	if rec := call(t, h, "POST", "/api/v1/password-reset", `{"email": "jordan@example.org"}`); rec.Code != 202 {
		t.Fatalf("reset: %d %s", rec.Code, rec.Body)
	}
	_, resetToken := mailTo(t, s, "jordan@example.org")
	rec := call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "violet kettle mountain breeze"}`)
	var session string
	for _, c := range rec.Result().Cookies() {
		if c.Name == SessionCookie {
			session = c.Value
		}
	}
	if rec.Code != http.StatusOK || verifyToken == "" || resetToken == "" || session == "" {
		t.Fatalf("tokens: verify %q reset %q session %q (sign-in %d)", verifyToken, resetToken, session, rec.Code)
	}

	digests := map[string]bool{}
	rows, err := st.DB.QueryContext(ctx, "SELECT digest FROM email_tokens UNION ALL SELECT digest FROM sessions")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		digests[d] = true
	}
	rows.Close()
	for name, token := range map[string]string{"verification": verifyToken, "reset": resetToken, "session": session} {
		if !digests[auth.Digest(token)] {
			t.Errorf("the %s token's SHA-256 digest is not what is stored (stored: %v)", name, digests)
		}
		if digests[token] {
			t.Errorf("the %s token is stored as it is", name)
		}
		// Nowhere on disk either (the mail that carries it is sealed).
		if bytes.Contains(databaseBytes(t, st), []byte(token)) {
			t.Errorf("the %s token is in the database files in plain text", name)
		}
	}
	// And the links still work: the digest is the token's.
	if rec := call(t, h, "POST", "/api/v1/accounts/verify", `{"token": "`+verifyToken+`", "password": "quiet harbour lantern seven"}`); rec.Code != 200 {
		t.Fatalf("verify with the token: %d %s", rec.Code, rec.Body)
	}
}

// TestAuditCheckpointIsPublished: GET /audit/checkpoint serves the signed
// checkpoint, which matches the log and names only its length and hash.
func TestAuditCheckpointIsPublished(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	if rec := get(t, h, "/audit/checkpoint"); rec.Code != http.StatusNotFound {
		t.Fatalf("before any entry: %d %s", rec.Code, rec.Body)
	}
	addUser(t, st, "staff@example.org", "Staff", auth.Staff)
	if rec := call(t, h, "POST", "/api/v1/accounts", `{"email": "ana@example.org", "name": "Ana Souza", "password": "quiet harbour lantern seven"}`); rec.Code != 202 {
		t.Fatalf("sign-up: %d %s", rec.Code, rec.Body)
	}
	rec := get(t, h, "/audit/checkpoint")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("checkpoint: %d %s", rec.Code, rec.Body)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	for k := range body {
		switch k {
		case "count", "head", "at", "key", "public_key", "signature":
		default:
			t.Errorf("the published checkpoint has %q", k)
		}
	}
	log, err := st.AuditLog(context.Background())
	if err != nil || len(log) == 0 {
		t.Fatalf("%d entries, %v", len(log), err)
	}
	if body["count"] != float64(len(log)) || body["head"] != log[len(log)-1].Hash {
		t.Fatalf("published %v; the log has %d entries ending in %s", body, len(log), log[len(log)-1].Hash)
	}
	cp, err := st.AuditCheckpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.VerifyAuditAgainst(context.Background(), cp); err != nil {
		t.Fatal(err)
	}
}
