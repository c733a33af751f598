package audit

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func testKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func TestCheckpointSignatureAndParse(t *testing.T) {
	priv := testKey(t)
	es := chain(3)
	c := SignCheckpoint(3, es[2].Hash, es[2].At, "k1", priv)
	pub := priv.Public().(ed25519.PublicKey)
	if err := c.VerifySignature(pub); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c)
	back, err := ParseCheckpoint(b)
	if err != nil || back.VerifySignature(pub) != nil || back.Count != 3 || back.Head != es[2].Hash {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	other := testKey(t).Public().(ed25519.PublicKey)
	var ce *CheckpointError
	if err := c.VerifySignature(other); !errors.As(err, &ce) {
		t.Fatalf("another key: %v", err)
	}
	for name, change := range map[string]func(*Checkpoint){
		"count": func(c *Checkpoint) { c.Count = 2 },
		"head":  func(c *Checkpoint) { c.Head = es[1].Hash },
		"at":    func(c *Checkpoint) { c.At = c.At.Add(1) },
		"key":   func(c *Checkpoint) { c.Key = "k2" },
	} {
		t.Run(name, func(t *testing.T) {
			d := c
			change(&d)
			if err := d.VerifySignature(pub); !errors.As(err, &ce) {
				t.Fatalf("a checkpoint with its %s changed verifies: %v", name, err)
			}
		})
	}
	for name, text := range map[string]string{
		"not json":      "count=3",
		"unknown field": strings.Replace(string(b), `"count"`, `"extra":1,"count"`, 1),
		"short head":    strings.Replace(string(b), es[2].Hash, "abc", 1),
		"upper head":    strings.Replace(string(b), es[2].Hash, strings.ToUpper(es[2].Hash), 1),
		"negative":      strings.Replace(string(b), `"count":3`, `"count":-1`, 1),
		"two objects":   string(b) + string(b),
		"too large":     string(b) + strings.Repeat(" ", MaxCheckpointSize),
		"no signature":  strings.Replace(string(b), c.Signature, "", 1),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseCheckpoint([]byte(text)); !errors.As(err, &ce) {
				t.Fatalf("ParseCheckpoint(%s): %v", name, err)
			}
		})
	}
}

func TestReaches(t *testing.T) {
	es := chain(5)
	at := es[4].At
	cp := func(n int64) Checkpoint {
		head := Genesis
		if n > 0 {
			head = es[n-1].Hash
		}
		return Checkpoint{Count: n, Head: head, At: at}
	}
	for _, tc := range []struct {
		name    string
		log     []Entry
		c       Checkpoint
		exact   bool
		wantSeq int64 // 0: reaches
	}{
		{"intact, exact", es, cp(5), true, 0},
		{"an older checkpoint kept outside", es, cp(3), false, 0},
		{"empty log, empty checkpoint", nil, cp(0), true, 0},
		{"last two deleted", es[:3], cp(5), true, 4},
		{"all deleted", nil, cp(5), false, 1},
		{"appended without a checkpoint", es, cp(3), true, 4},
		{"rewritten head", chain(5)[:4], Checkpoint{Count: 4, Head: es[2].Hash, At: at}, false, 4},
		{"empty checkpoint with a head", es, Checkpoint{Count: 0, Head: es[0].Hash, At: at}, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Reaches(tc.log, tc.c, tc.exact)
			var be *BrokenError
			switch {
			case tc.wantSeq == 0 && err != nil:
				t.Fatalf("want it reached: %v", err)
			case tc.wantSeq != 0 && (!errors.As(err, &be) || be.Seq != tc.wantSeq):
				t.Fatalf("got %v, want a break at entry %d", err, tc.wantSeq)
			}
		})
	}
	err := Reaches(es[:3], cp(5), true)
	if !strings.Contains(err.Error(), "the last 2 were deleted") {
		t.Fatalf("truncation message: %v", err)
	}
}
