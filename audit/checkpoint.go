package audit

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// Checkpoint is a signed statement of the log's length and last hash at a
// moment: the anchor that makes deleting entries from the end of the log
// detectable, which the chain alone cannot do (what remains of a truncated
// chain is still a valid chain). A copy kept outside the database anchors
// the log against someone who can rewrite the whole database, too.
type Checkpoint struct {
	// Count is how many entries the log held; Head is the hash of the last
	// of them (Genesis for an empty log).
	Count int64  `json:"count"`
	Head  string `json:"head"`
	// At is the time of the last entry.
	At time.Time `json:"at"`
	// Key names the key that signed; PublicKey is its public half (base64url),
	// for whoever keeps checkpoints outside and wants to check them alone.
	Key       string `json:"key"`
	PublicKey string `json:"public_key,omitempty"`
	// Signature is the Ed25519 signature (base64url) of Message.
	Signature string `json:"signature"`
}

// Message is what a checkpoint's signature covers. Its first line sets it
// apart from anything else the board signs, so that a checkpoint signature
// can never be taken for another document's.
func (c Checkpoint) Message() []byte {
	return fmt.Appendf(nil, "certboard audit checkpoint v1\ncount %d\nhead %s\nat %s\nkey %s\n",
		c.Count, c.Head, c.At.UTC().Format(time.RFC3339Nano), c.Key)
}

// SignCheckpoint makes the checkpoint of a log of count entries whose last
// hash is head, signed with priv, the key named keyID.
func SignCheckpoint(count int64, head string, at time.Time, keyID string, priv ed25519.PrivateKey) Checkpoint {
	c := Checkpoint{Count: count, Head: head, At: at.UTC(), Key: keyID}
	c.PublicKey = base64.RawURLEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
	c.Signature = base64.RawURLEncoding.EncodeToString(ed25519.Sign(priv, c.Message()))
	return c
}

// CheckpointError says that a checkpoint is malformed or its signature does
// not verify.
type CheckpointError struct{ Reason string }

func (e *CheckpointError) Error() string { return "audit checkpoint: " + e.Reason }

// VerifySignature checks the checkpoint's signature with pub, the public
// key its Key names (which the caller looked up from keys it trusts, never
// from the checkpoint itself).
func (c Checkpoint) VerifySignature(pub ed25519.PublicKey) error {
	sig, err := base64.RawURLEncoding.DecodeString(c.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, c.Message(), sig) {
		return &CheckpointError{Reason: fmt.Sprintf("the signature of the checkpoint of %d entries (key %s) does not verify: it was not made by this board's key, or was altered", c.Count, c.Key)}
	}
	return nil
}

// MaxCheckpointSize bounds a checkpoint read from outside, in bytes.
const MaxCheckpointSize = 4096

// ParseCheckpoint reads a checkpoint written as JSON (what the board
// publishes and `certboard audit checkpoint` writes), checking its form; it
// does not check the signature.
func ParseCheckpoint(b []byte) (Checkpoint, error) {
	var c Checkpoint
	if len(b) > MaxCheckpointSize {
		return c, &CheckpointError{Reason: fmt.Sprintf("a checkpoint is at most %d bytes; this one is %d", MaxCheckpointSize, len(b))}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, &CheckpointError{Reason: "not a checkpoint (JSON with count, head, at, key and signature): " + err.Error()}
	}
	if dec.More() {
		return c, &CheckpointError{Reason: "text after the checkpoint's JSON object"}
	}
	switch {
	case c.Count < 0:
		return c, &CheckpointError{Reason: fmt.Sprintf("count: %d is negative", c.Count)}
	case !isHash(c.Head):
		return c, &CheckpointError{Reason: "head: want 64 lowercase hex digits (a SHA-256)"}
	case c.At.IsZero():
		return c, &CheckpointError{Reason: "at: missing"}
	case c.Key == "":
		return c, &CheckpointError{Reason: "key: missing"}
	case c.Signature == "":
		return c, &CheckpointError{Reason: "signature: missing"}
	}
	return c, nil
}

// isHash reports whether s is a SHA-256 in lowercase hex, as Sum writes.
func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// Reaches checks that a log reaches a checkpoint: it holds at least the
// checkpoint's count of entries and the entry at that count has the
// checkpoint's hash. With exact set (the checkpoint the board keeps with
// the log, written with every entry), the log must also end there. It does
// not check the chain itself (Verify does) nor the signature. Problems are
// a *BrokenError.
func Reaches(entries []Entry, c Checkpoint, exact bool) error {
	n := int64(len(entries))
	switch {
	case n < c.Count:
		return &BrokenError{Seq: n + 1, Reason: fmt.Sprintf(
			"missing: the checkpoint signed at %s covers %d entries, but the log ends at entry %d (the last %d were deleted)",
			c.At.UTC().Format(time.RFC3339), c.Count, n, c.Count-n)}
	case c.Count == 0 && c.Head != Genesis:
		return &BrokenError{Seq: 1, Reason: "the checkpoint of an empty log names a head other than the genesis hash"}
	case c.Count > 0 && entries[c.Count-1].Hash != c.Head:
		return &BrokenError{Seq: c.Count, Reason: fmt.Sprintf(
			"it is not the entry the checkpoint signed at %s (its hash differs): the log was rewritten up to here", c.At.UTC().Format(time.RFC3339))}
	case exact && n > c.Count:
		return &BrokenError{Seq: c.Count + 1, Reason: fmt.Sprintf(
			"entries %d to %d come after the last checkpoint (%d entries), which certboard writes with every entry: they were added outside certboard",
			c.Count+1, n, c.Count)}
	}
	return nil
}
