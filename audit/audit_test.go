package audit

import (
	"errors"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var es []Entry
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for i := range n {
		var prev *Entry
		if i > 0 {
			prev = &es[i-1]
		}
		es = append(es, Seal(Entry{At: at.Add(time.Duration(i) * time.Minute), Actor: "staff-1", Action: "application.submit",
			Subject: "application/7", Before: `{"state":"draft"}`, After: `{"state":"submitted"}`}, prev))
	}
	return es
}

func TestVerifyIntact(t *testing.T) {
	if err := Verify(chain(5)); err != nil {
		t.Fatal(err)
	}
	if err := Verify(nil); err != nil {
		t.Fatalf("an empty log is intact: %v", err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func([]Entry) []Entry
		seq    int64
	}{
		{"edited content", func(es []Entry) []Entry { es[2].After = `{"state":"approved"}`; return es }, 3},
		{"edited actor", func(es []Entry) []Entry { es[0].Actor = "someone-else"; return es }, 1},
		{"edited and rehashed", func(es []Entry) []Entry { es[2].After = "x"; es[2].Hash = Sum(es[2]); return es }, 4},
		{"deleted in the middle", func(es []Entry) []Entry { return append(es[:1], es[2:]...) }, 2},
		{"deleted first", func(es []Entry) []Entry { return es[1:] }, 1},
		{"reordered", func(es []Entry) []Entry { es[1], es[2] = es[2], es[1]; return es }, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.tamper(chain(5)))
			var be *BrokenError
			if !errors.As(err, &be) || be.Seq != tc.seq {
				t.Fatalf("got %v, want a break at entry %d", err, tc.seq)
			}
		})
	}
}

func TestSumCoversEveryField(t *testing.T) {
	base := chain(1)[0]
	for name, change := range map[string]func(*Entry){
		"seq": func(e *Entry) { e.Seq++ }, "at": func(e *Entry) { e.At = e.At.Add(time.Nanosecond) },
		"actor": func(e *Entry) { e.Actor += "x" }, "action": func(e *Entry) { e.Action += "x" },
		"subject": func(e *Entry) { e.Subject += "x" }, "before": func(e *Entry) { e.Before += "x" },
		"after": func(e *Entry) { e.After += "x" }, "prev_hash": func(e *Entry) { e.PrevHash = "1" + e.PrevHash[1:] },
	} {
		e := base
		change(&e)
		if Sum(e) == base.Hash {
			t.Errorf("changing %s leaves the hash unchanged", name)
		}
	}
}
