package web

import (
	"context"
	"testing"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/verifier"
)

// benchBoard is the demo board with Jordan's approved application and
// credential, for the issuance and verification benchmarks.
func benchBoard(b *testing.B) (*Server, *boardsql.Application, *boardsql.User, *boardsql.IssuedCredential) {
	b.Helper()
	s, st := newServer(b)
	s.usePublicURL(b, "https://board.example")
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx); err != nil {
		b.Fatal(err)
	}
	jordan, err := st.UserByEmail(ctx, demoEmail("jordan"))
	if err != nil {
		b.Fatal(err)
	}
	staff, err := st.UserByEmail(ctx, demoEmail("staff"))
	if err != nil {
		b.Fatal(err)
	}
	creds, err := st.CredentialsOf(ctx, jordan.ID)
	if err != nil || len(creds) == 0 {
		b.Fatalf("Jordan's credentials: %v", err)
	}
	app, err := st.Application(ctx, creds[0].ApplicationID)
	if err != nil {
		b.Fatal(err)
	}
	return s, app, staff, creds[0]
}

// BenchmarkIssueCredential issues a credential the way approval does: the
// status places, both proofs and the stored, sealed forms, committed.
func BenchmarkIssueCredential(b *testing.B) {
	s, app, staff, _ := benchBoard(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		err := s.inTx(ctx, func(tx *boardsql.Tx) error {
			_, err := s.issueCredential(ctx, tx, staff, app, s.now())
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyHosted verifies the board's own credential as the verify
// page does, with the DID document and both status lists answered
// in-process: the Data Integrity form and the VC-JWT form.
func BenchmarkVerifyHosted(b *testing.B) {
	s, _, _, c := benchBoard(b)
	ctx := context.Background()
	for _, f := range []struct {
		name string
		data []byte
	}{{"DataIntegrity", c.Document}, {"VCJWT", []byte(c.JWT)}} {
		b.Run(f.name, func(b *testing.B) {
			if r := verifier.Verify(ctx, f.data, s.verifierFetch, s.now()); r.Status() != "valid" {
				b.Fatalf("the credential does not verify: %s", r.Status())
			}
			for b.Loop() {
				verifier.Verify(ctx, f.data, s.verifierFetch, s.now())
			}
		})
	}
}
