package certboard_test

import (
	"testing"

	"github.com/certboard/certboard"
)

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0 documents"},
		{1, "1 document"},
		{2, "2 documents"},
		{11, "11 documents"},
		{-1, "-1 document"},
		{-3, "-3 documents"},
	} {
		if got := certboard.Plural(tc.n, "document", "documents"); got != tc.want {
			t.Errorf("Plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := certboard.Plural(1, "activity", "activities"); got != "1 activity" {
		t.Errorf("irregular singular: %q", got)
	}
	if got := certboard.Plural(3, "activity", "activities"); got != "3 activities" {
		t.Errorf("irregular plural: %q", got)
	}
}
