package board

import (
	"testing"

	"github.com/certboard/certboard/date"
)

func TestEvalCacheKeepsOnlyTheLatestVersionOfAnApplication(t *testing.T) {
	var c evalCache
	day := date.Of(2026, 11, 26)
	k1 := evalKey{app: 1, version: 1, asOf: day}
	e1 := c.put(k1, &evalEntry{})
	if c.get(k1) != e1 {
		t.Fatal("a cached entry is not found")
	}
	if again := c.put(k1, &evalEntry{}); again != e1 {
		t.Fatal("a second put of one key replaced the first entry")
	}
	other := evalKey{app: 2, version: 1, asOf: day}
	c.put(other, &evalEntry{})
	k2 := evalKey{app: 1, version: 2, asOf: day}
	c.put(k2, &evalEntry{})
	if c.get(k1) != nil {
		t.Fatal("an older version of application 1 is still cached")
	}
	if c.get(k2) == nil || c.get(other) == nil {
		t.Fatal("the newest version, or another application, was dropped")
	}
	for i := range EvalCacheSize + 10 {
		c.put(evalKey{app: int64(100 + i), version: 1, asOf: day}, &evalEntry{})
	}
	if len(c.m) > EvalCacheSize {
		t.Fatalf("the cache grew to %d entries", len(c.m))
	}
}

func TestMemoMakesOncePerCachedEvaluation(t *testing.T) {
	calls := 0
	f := func() (any, error) { calls++; return calls, nil }
	cached := (&evalEntry{}).evaluation()
	for range 2 {
		if v, _ := cached.Memo("report", f); v != 1 {
			t.Fatalf("a cached evaluation made its memo again: %v", v)
		}
	}
	if v, _ := (&Evaluation{}).Memo("report", f); v != 2 {
		t.Fatalf("an evaluation that is not cached did not make its memo: %v", v)
	}
}
