package practice_test

import (
	"context"
	"testing"

	"github.com/certboard/certboard/practice"
)

// openMeasureCase opens a case for the env's client, by Pat.
func openMeasureCase(t *testing.T, e *measureEnv) int64 {
	t.Helper()
	id, err := e.p.OpenCase(context.Background(), e.pat, e.clientID, practice.NewCase{Reason: "Referred by the client's GP for low desire"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
