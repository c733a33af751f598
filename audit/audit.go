// Package audit holds the hash-chained audit log: every state change is an
// entry whose hash covers its content and the hash of the entry before, so
// editing or deleting any entry breaks every hash after it. The package is
// pure: storing entries is the store's job.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one state change: who did what to which object, when, with the
// object before and after.
type Entry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Subject  string    `json:"subject"`
	Before   string    `json:"before,omitempty"`
	After    string    `json:"after,omitempty"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// Sum returns the hash of an entry: SHA-256 over a canonical JSON encoding
// of its fields other than Hash, including PrevHash.
func Sum(e Entry) string {
	canon, err := json.Marshal(struct {
		Seq      int64  `json:"seq"`
		At       string `json:"at"`
		Actor    string `json:"actor"`
		Action   string `json:"action"`
		Subject  string `json:"subject"`
		Before   string `json:"before"`
		After    string `json:"after"`
		PrevHash string `json:"prev_hash"`
	}{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Subject, e.Before, e.After, e.PrevHash})
	if err != nil {
		panic(err) // strings and numbers always encode
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// Seal completes an entry that follows prev (nil for the first): it sets the
// sequence number, the previous hash and the hash.
func Seal(e Entry, prev *Entry) Entry {
	e.Seq, e.PrevHash = 1, Genesis
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = Sum(e)
	return e
}

// BrokenError says where a chain stops being intact.
type BrokenError struct {
	Seq    int64
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", e.Seq, e.Reason)
}

// Verify checks a whole chain, in order: sequence numbers without gaps from
// 1, each previous hash equal to the hash before, each hash equal to the sum
// of its entry. It returns a *BrokenError at the first problem.
func Verify(entries []Entry) error {
	prev := Genesis
	for i, e := range entries {
		want := int64(i + 1)
		switch {
		case e.Seq != want:
			return &BrokenError{Seq: want, Reason: fmt.Sprintf("entry %d is missing (found %d next)", want, e.Seq)}
		case e.PrevHash != prev:
			return &BrokenError{Seq: e.Seq, Reason: "its previous hash does not match the entry before it"}
		case Sum(e) != e.Hash:
			return &BrokenError{Seq: e.Seq, Reason: "its content does not match its hash (edited)"}
		}
		prev = e.Hash
	}
	return nil
}
