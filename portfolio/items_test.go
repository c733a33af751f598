package portfolio

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func loadFull(t *testing.T) *Portfolio {
	t.Helper()
	b, err := os.ReadFile("testdata/full.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEncodeRoundTrips(t *testing.T) {
	p := loadFull(t)
	b, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Decode(b)
	if err != nil {
		t.Fatalf("the encoded portfolio does not decode: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatal("decode(encode(p)) differs from p")
	}
}

func TestFindSetVerificationRemove(t *testing.T) {
	p := loadFull(t)
	lists := Lists()
	if !slices.Contains(lists, "education") || !slices.Contains(lists, "supervision_sessions") || slices.Contains(lists, "person") {
		t.Fatalf("Lists() = %v", lists)
	}
	if len(p.Education) == 0 || len(p.Sessions) == 0 {
		t.Fatal("the full example lacks education or sessions")
	}
	id := p.Education[0].ID
	it, ok := Find(p, id)
	if !ok || it.List != "education" || it.Index != 0 || ItemID(it.Value) != id {
		t.Fatalf("Find(%s) = %+v, %v", id, it, ok)
	}
	v := Verification{State: Verified, By: "staff/1", Note: "transcript checked"}
	if err := SetVerification(p, id, v); err != nil {
		t.Fatal(err)
	}
	if p.Education[0].Verification != v || VerificationOf(&p.Education[0]) != v {
		t.Fatalf("verification not set: %+v", p.Education[0].Verification)
	}
	if err := SetVerification(p, "nope", v); err == nil {
		t.Fatal("an unknown id was accepted")
	}
	n := len(p.Education)
	if err := Remove(p, id); err != nil {
		t.Fatal(err)
	}
	if len(p.Education) != n-1 {
		t.Fatalf("education has %d items after removing one of %d", len(p.Education), n)
	}
	if _, ok := Find(p, id); ok {
		t.Fatal("the removed item is still found")
	}
	sup := p.Sessions[0].Supervisor
	if err := Remove(p, sup); err == nil {
		t.Fatal("a supervisor that sessions refer to was removed")
	}
	// The contract is used by sessions, clinical hours and cases; a case
	// alone keeps it too.
	p.Sessions, p.ClinicalHours = nil, nil
	if err := Remove(p, "con-rivera"); err == nil || !strings.Contains(err.Error(), "case-2023-01, case-2023-02") {
		t.Fatalf("removing a contract cases refer to: %v", err)
	}
	if got := NewID(p, "edu"); got == "" {
		t.Fatal("no new id")
	} else if _, taken := Find(p, got); taken {
		t.Fatalf("NewID returned a taken id %s", got)
	}
	if len(Items(p, "no_such_list")) != 0 {
		t.Fatal("an unknown list has items")
	}
}

// TestDecodeStoredMatchesDecode checks that the fast path reads every
// example exactly as the strict decoder does.
func TestDecodeStoredMatchesDecode(t *testing.T) {
	files, _ := filepath.Glob("../examples/portfolios/*.json")
	files = append(files, "testdata/full.json")
	n := 0
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "expectations") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		strict, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// What the store holds is what Encode wrote.
		stored, err := Encode(strict)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := DecodeStored(stored)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !reflect.DeepEqual(strict, fast) {
			t.Errorf("%s: DecodeStored differs from Decode", f)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d portfolios compared", n)
	}
	if _, err := DecodeStored([]byte(`{"format":"other"}`)); err == nil {
		t.Fatal("a foreign format was accepted")
	}
	if _, err := DecodeStored([]byte(`{`)); err == nil {
		t.Fatal("broken JSON was accepted")
	}
}
