package requirements

import "testing"

func TestShippedSetsLoad(t *testing.T) {
	r, err := Shipped()
	if err != nil {
		t.Fatalf("shipped sets do not load:\n%v", err)
	}
	if len(r.IDs()) == 0 {
		t.Fatal("no shipped sets")
	}
}
