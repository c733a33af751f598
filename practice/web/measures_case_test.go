package web

import (
	"context"
	"testing"

	"github.com/certboard/certboard/practice"
)

// measureCase registers a client of the practitioner, has them sign the
// consent to treatment and opens a case for them; it returns the client
// and the case.
func measureCase(t *testing.T, w *world) (clientID, caseID int64) {
	t.Helper()
	ctx := context.Background()
	pr := practice.ActorOf(w.users["practitioner"])
	id, err := w.s.practice.CreateClient(ctx, pr, practice.NewClient{Identity: practice.IdentityInput{Name: "Robin Vale",
		DateOfBirth: "1988-02-11", Email: "robin@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	text, err := w.s.practice.PublishConsentText(ctx, practice.ActorOf(w.users["admin"]), "Consent to treatment",
		"I consent to sex therapy with the practitioners of this practice, and to the screening measures it uses to follow how I am doing.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.practice.SignConsent(ctx, pr, practice.Signature{ClientID: id, TextID: text.ID, Signer: practice.SignerClient,
		SignedName: "Robin Vale", Agreed: true}); err != nil {
		t.Fatal(err)
	}
	caseID, err = w.s.practice.OpenCase(ctx, pr, id, practice.NewCase{Reason: "Referred by the client's GP for low desire"})
	if err != nil {
		t.Fatal(err)
	}
	return id, caseID
}
