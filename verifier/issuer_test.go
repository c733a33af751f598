package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/vcjwt"
	"github.com/certboard/certboard/verifier"
)

// testCredential is a small credential of issuer id named name.
func testCredential(id, name string) map[string]any {
	return map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiableCredential"},
		"issuer": map[string]any{"id": id, "name": name}, "validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"name": "Ana Lima"}}
}

func signed(t *testing.T, cred map[string]any, key ed25519.PrivateKey, vm string) []byte {
	t.Helper()
	doc, err := dataintegrity.Sign(cred, key, vm, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	return b
}

// TestIssuerJudgement: the report says which key verified the proof; a
// credential is the board's only with one of the board's own keys (the
// current one or a retired one), trusted under the board's name; another
// issuer only when on the trust list, under the list's name; a name a
// credential gives itself is only ever its claim.
func TestIssuerJudgement(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	const boardDID = "did:web:board.example"
	curPub, curPriv, _ := ed25519.GenerateKey(nil)
	oldPub, oldPriv, _ := ed25519.GenerateKey(nil)
	keys := []did.NamedKey{{ID: "key-2", Public: curPub}, {ID: "key-1", Public: oldPub}}
	doc, _ := did.NewWebDocument(boardDID, keys)
	docJSON, _ := json.Marshal(doc)
	fetch := func(_ context.Context, u string) ([]byte, error) {
		if u == "https://board.example/.well-known/did.json" {
			return docJSON, nil
		}
		return nil, errors.New("not found")
	}
	board := &verifier.Board{DID: boardDID, Name: "The Board", Keys: keys}
	strangerPub, strangerPriv, _ := ed25519.GenerateKey(nil)
	stranger := did.KeyFromPublic(strangerPub)
	friendPub, friendPriv, _ := ed25519.GenerateKey(nil)
	friend := did.KeyFromPublic(friendPub)
	trust := verifier.TrustList{friend: "Friendly Institute", boardDID: "Listed Board"}

	jwt := func(cred map[string]any, key ed25519.PrivateKey, kid string) []byte {
		tok, err := vcjwt.Sign(cred, key, kid)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(tok)
	}
	tampered := strings.Replace(string(signed(t, testCredential(friend, "Friend"), friendPriv, did.KeyVerificationMethod(friendPub))), "Ana Lima", "Someone", 1)
	for _, tc := range []struct {
		name     string
		data     []byte
		board    *verifier.Board
		want     verifier.Issuer
		signedBy string
	}{
		{"the board's current key", signed(t, testCredential(boardDID, "The Board"), curPriv, boardDID+"#key-2"), board,
			verifier.Issuer{ID: boardDID, VerificationMethod: boardDID + "#key-2", Trusted: true, Name: "The Board", ClaimedName: "The Board", IssuedByThisBoard: true}, boardDID},
		{"the board's retired key, as a JWT", jwt(testCredential(boardDID, "Old Name"), oldPriv, boardDID+"#key-1"), board,
			verifier.Issuer{ID: boardDID, VerificationMethod: boardDID + "#key-1", Trusted: true, Name: "The Board", ClaimedName: "Old Name", IssuedByThisBoard: true}, boardDID},
		{"the board's DID, judged by a verifier that is no board, from its trust list", signed(t, testCredential(boardDID, "The Board"), curPriv, boardDID+"#key-2"), nil,
			verifier.Issuer{ID: boardDID, VerificationMethod: boardDID + "#key-2", Trusted: true, Name: "Listed Board", ClaimedName: "The Board"}, boardDID},
		{"the board's DID, a key of its document the board does not know", signed(t, testCredential(boardDID, "The Board"), curPriv, boardDID+"#key-2"),
			&verifier.Board{DID: boardDID, Name: "The Board", Keys: keys[1:]},
			verifier.Issuer{ID: boardDID, VerificationMethod: boardDID + "#key-2", ClaimedName: "The Board"}, boardDID},
		{"a stranger copying the board's name", signed(t, testCredential(stranger, "The Board"), strangerPriv, did.KeyVerificationMethod(strangerPub)), board,
			verifier.Issuer{ID: stranger, VerificationMethod: did.KeyVerificationMethod(strangerPub), ClaimedName: "The Board"}, stranger},
		{"a listed issuer", signed(t, testCredential(friend, "Whatever It Says"), friendPriv, did.KeyVerificationMethod(friendPub)), board,
			verifier.Issuer{ID: friend, VerificationMethod: did.KeyVerificationMethod(friendPub), Trusted: true, Name: "Friendly Institute", ClaimedName: "Whatever It Says"}, friend},
		{"a listed issuer, altered", []byte(tampered), board, verifier.Issuer{ID: friend, ClaimedName: "Friend"}, ""},
		{"a listed DID, signed by a stranger", signed(t, testCredential(friend, "Friend"), strangerPriv, did.KeyVerificationMethod(strangerPub)), board,
			verifier.Issuer{ID: friend, ClaimedName: "Friend"}, ""},
		{"the board's DID, signed by a stranger", signed(t, testCredential(boardDID, "The Board"), strangerPriv, boardDID+"#key-2"), board,
			verifier.Issuer{ID: boardDID, ClaimedName: "The Board"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := verifier.Verify(ctx, tc.data, fetch, now)
			if got := r.SignedBy(); got != tc.signedBy {
				t.Errorf("SignedBy %q, want %q (checks %+v)", got, tc.signedBy, r.Checks)
			}
			if tc.signedBy != "" && r.SignedWith == nil {
				t.Error("no key recorded for a verified proof")
			}
			if got := r.Issuer(tc.board, trust); got != tc.want {
				t.Errorf("Issuer\n got %+v\nwant %+v\nchecks %+v", got, tc.want, r.Checks)
			}
		})
	}
}

// TestParseTrustList: "DID name" lines, comments and blank lines skipped;
// errors name the line.
func TestParseTrustList(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	key := did.KeyFromPublic(pub)
	got, err := verifier.ParseTrustList([]byte("# issuers we trust\n\ndid:web:aasect.org   AASECT \n" + key + "\tA Small Board, Inc.\n"))
	if err != nil || len(got) != 2 || got["did:web:aasect.org"] != "AASECT" || got[key] != "A Small Board, Inc." {
		t.Fatalf("%v %v", got, err)
	}
	for _, tc := range []struct{ text, want string }{
		{"did:web:aasect.org", "line 1: did:web:aasect.org: give the issuer's name"},
		{"\nhttps://aasect.org AASECT", "line 2: \"https://aasect.org\" is not a did:web or did:key"},
		{"did:web:aasect.org#key-1 AASECT", "line 1: "},
		{"did:web:a.org A\ndid:web:a.org B", "line 2: did:web:a.org is listed twice"},
	} {
		if _, err := verifier.ParseTrustList([]byte(tc.text)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.text, err, tc.want)
		}
	}
}
