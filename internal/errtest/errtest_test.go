package errtest_test

import (
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/internal/errtest"
)

// TestFields: an Invalid error with exactly the fields wanted passes and
// is returned; no error passes when none is wanted.
func TestFields(t *testing.T) {
	if e := errtest.Fields(t, nil); e != nil {
		t.Fatalf("%v", e)
	}
	err := &certboard.Error{Code: certboard.Invalid, Field: "b", Message: "b: too long; a: give it",
		Fields: map[string]string{"a": "a: give it", "b": "b: too long"}}
	if e := errtest.Fields(t, err, "b", "a"); e != err {
		t.Fatalf("got %v", e)
	}
}
