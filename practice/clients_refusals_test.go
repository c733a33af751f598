package practice_test

import (
	"encoding/json"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
)

// TestRefusedAccessIsAudited: a refused read or change of a client's
// record leaves an audit entry, written after the refused transaction
// rolled back: who, which client, what was asked and how it was refused,
// nothing of the record. Through every area's use cases, since they all
// check access the same way.
func TestRefusedAccessIsAudited(t *testing.T) {
	tm := newTeam(t)
	text, err := tm.p.PublishConsentText(tm.ctx, tm.admin, "Consent to treatment",
		"I consent to sex therapy with the practitioners of this practice, and to the screening measures it uses.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.p.SignConsent(tm.ctx, tm.maya, practice.Signature{ClientID: tm.client, TextID: text.ID,
		Signer: practice.SignerClient, SignedName: "Alex Rivera", Agreed: true}); err != nil {
		t.Fatal(err)
	}
	caseID, err := tm.p.OpenCase(tm.ctx, tm.maya, tm.client, practice.NewCase{Reason: "intake"})
	if err != nil {
		t.Fatal(err)
	}
	reads := tm.countAudit(t, practice.ClientRead)

	for _, tc := range []struct {
		name   string
		by     practice.Actor
		client int64
		try    func(by practice.Actor, client int64) error
		code   certboard.Code
		action string
		what   string
	}{
		{"a practitioner not assigned reads the record", tm.noor, tm.client, func(by practice.Actor, id int64) error {
			_, err := tm.p.ClientRecord(tm.ctx, by, id)
			return err
		}, certboard.NotFound, practice.ClientReadDenied, "identity"},
		{"an admin without emergency access reads the record", tm.admin, tm.client, func(by practice.Actor, id int64) error {
			_, err := tm.p.ClientRecord(tm.ctx, by, id)
			return err
		}, certboard.Forbidden, practice.ClientReadDenied, "identity"},
		{"someone with no role reads a client that does not exist", tm.nobody, tm.client + 100, func(by practice.Actor, id int64) error {
			_, err := tm.p.ClientRecord(tm.ctx, by, id)
			return err
		}, certboard.NotFound, practice.ClientReadDenied, "identity"},
		{"a practitioner not assigned reads a case", tm.noor, tm.client, func(by practice.Actor, _ int64) error {
			_, err := tm.p.CaseReport(tm.ctx, by, caseID)
			return err
		}, certboard.NotFound, practice.ClientReadDenied, "case:" + itoa(caseID)},
		{"a practitioner not assigned changes the record", tm.noor, tm.client, func(by practice.Actor, id int64) error {
			_, err := tm.p.UpdateClient(tm.ctx, by, id, alexIdentity(), 1)
			return err
		}, certboard.NotFound, practice.ClientChangeDenied, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tm.countAudit(t, tc.action)
			wantErrCode(t, tc.try(tc.by, tc.client), tc.code)
			if n := tm.countAudit(t, tc.action) - before; n != 1 {
				t.Fatalf("%d %s entries, want 1", n, tc.action)
			}
			e := tm.lastAudit(t, tc.action)
			var after map[string]any
			if err := json.Unmarshal([]byte(e.After), &after); err != nil {
				t.Fatal(err)
			}
			if e.Actor != tc.by.AuditName() || e.Subject != practice.ClientSubject(tc.client) || after["refused"] != string(tc.code) {
				t.Errorf("entry %+v", e)
			}
			if tc.what != "" && after["what"] != tc.what {
				t.Errorf("entry %+v: want what %q", e, tc.what)
			}
		})
	}
	if n := tm.countAudit(t, practice.ClientRead) - reads; n != 0 {
		t.Errorf("%d reads audited as made", n)
	}
	// An allowed read records no refusal.
	before := tm.countAudit(t, practice.ClientReadDenied)
	if _, err := tm.p.ClientRecord(tm.ctx, tm.maya, tm.client); err != nil {
		t.Fatal(err)
	}
	if tm.countAudit(t, practice.ClientReadDenied) != before {
		t.Error("an allowed read recorded a refusal")
	}
}
