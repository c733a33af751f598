package practice_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/practice"
)

// mailTo returns the one mail of mails sent to the address of name, and
// fails the test when there is not exactly one.
func mailTo(t *testing.T, mails []jobs.Mail, name string) jobs.Mail {
	t.Helper()
	addr := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@practice.example"
	var found []jobs.Mail
	for _, m := range mails {
		if m.To == addr {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d mails to %s among %d, want 1", len(found), addr, len(mails))
	}
	return found[0]
}

// TestAssignmentsAreMailed: every assignment and unassignment is mailed to
// the client's practitioners (not to the admin who made it, nor to the
// one assigned), the one unassigned included.
func TestAssignmentsAreMailed(t *testing.T) {
	tm := newTeam(t)
	n := tm.count(t, "outbox")
	if err := tm.p.AssignPractitioner(tm.ctx, tm.admin, tm.client, tm.noor.UserID); err != nil {
		t.Fatal(err)
	}
	sent := tm.mailsSince(t, n)
	if len(sent) != 1 {
		t.Fatalf("%d mails on an assignment, want one to Maya", len(sent))
	}
	m := mailTo(t, sent, "Maya Patel")
	if !strings.Contains(m.Subject, "Noor Haddad was assigned") || !strings.Contains(m.Body, "Sam Okafor, a practice admin, assigned Noor Haddad") ||
		strings.Contains(m.Body, "Alex") {
		t.Errorf("assignment mail %q\n%s", m.Subject, m.Body)
	}
	if e := tm.lastAudit(t, "client.assign"); e.After != `{"practice_admin":false,"practitioner":`+itoa(tm.noor.UserID)+`,"reason":false}` {
		t.Errorf("audit %s", e.After)
	}

	n = tm.count(t, "outbox")
	if err := tm.p.UnassignPractitioner(tm.ctx, tm.admin, tm.client, tm.maya.UserID); err != nil {
		t.Fatal(err)
	}
	sent = tm.mailsSince(t, n)
	if len(sent) != 2 {
		t.Fatalf("%d mails on an unassignment, want one to each of the 2 practitioners", len(sent))
	}
	if m := mailTo(t, sent, "Maya Patel"); m.Subject != "You were unassigned from client "+itoa(tm.client) {
		t.Errorf("mail to the one unassigned: %q\n%s", m.Subject, m.Body)
	}
	if m := mailTo(t, sent, "Noor Haddad"); !strings.Contains(m.Subject, "Maya Patel was unassigned from your client") {
		t.Errorf("mail to the one staying: %q\n%s", m.Subject, m.Body)
	}
	// A refused change mails nobody.
	n = tm.count(t, "outbox")
	wantErrCode(t, tm.p.UnassignPractitioner(tm.ctx, tm.admin, tm.client, tm.noor.UserID), certboard.Conflict)
	if tm.count(t, "outbox") != n {
		t.Error("a refused unassignment was mailed")
	}
}

// TestAdminAssignment: an admin may give themselves the practitioner role
// (a small practice's admin sees clients too), but may not assign
// themselves to a client's record, which would open it without emergency
// access; another admin assigns them, only with a reason, which the
// client's practitioners are mailed.
func TestAdminAssignment(t *testing.T) {
	tm := newTeam(t)
	ines := tm.person(t, "Ines Okoro", auth.PracticeAdmin)
	u, err := tm.st.UserByID(tm.ctx, tm.admin.UserID)
	if err != nil {
		t.Fatal(err)
	}
	u, err = tm.p.ChangeRoles(tm.ctx, u, u.ID, practice.RoleChange{Roles: []string{"practice_admin", "practitioner"}, Version: u.Version})
	if err != nil {
		t.Fatalf("an admin giving themselves the practitioner role: %v", err)
	}
	sam := practice.ActorOf(u)
	reason := "Sam stands in for Maya while she is on leave until June."
	mails := tm.count(t, "outbox")

	for _, r := range []string{"", reason} {
		err := tm.p.AssignWithReason(tm.ctx, sam, tm.client, sam.UserID, r)
		wantErrCode(t, err, certboard.Forbidden)
		if e := certboard.As(err); e.Field != "practitioner" || !strings.Contains(e.Message, "Another practice admin must assign you") {
			t.Errorf("self-assignment refused with %+v", e)
		}
	}
	wantErrCode(t, tm.p.AssignPractitioner(tm.ctx, sam, tm.client, sam.UserID), certboard.Forbidden)
	_, err = tm.p.ClientRecord(tm.ctx, sam, tm.client)
	wantErrCode(t, err, certboard.Forbidden) // still only through emergency access

	// Another admin assigns them, with a reason of at least
	// MinAssignReason characters.
	for _, r := range []string{"", "  ", strings.Repeat("x", practice.MinAssignReason-1)} {
		err := tm.p.AssignWithReason(tm.ctx, ines, tm.client, sam.UserID, r)
		wantErrCode(t, err, certboard.Invalid)
		if e := certboard.As(err); e.Field != "reason" || !strings.Contains(e.Message, "Sam Okafor is a practice admin too") {
			t.Errorf("assignment without a reason refused with %+v", e)
		}
	}
	err = tm.p.AssignWithReason(tm.ctx, ines, tm.client, sam.UserID, strings.Repeat("x", practice.MaxAssignReason+1))
	wantErrCode(t, err, certboard.Invalid)
	if tm.count(t, "outbox") != mails || tm.countAudit(t, "client.assign") != 0 {
		t.Fatal("a refused assignment wrote or mailed something")
	}
	if err := tm.p.AssignWithReason(tm.ctx, ines, tm.client, sam.UserID, "  "+reason+"  "); err != nil {
		t.Fatal(err)
	}
	e := tm.lastAudit(t, "client.assign")
	var after map[string]any
	if err := json.Unmarshal([]byte(e.After), &after); err != nil {
		t.Fatal(err)
	}
	if e.Actor != ines.AuditName() || after["practice_admin"] != true || after["reason"] != true || strings.Contains(e.After, "leave") {
		t.Errorf("audit %+v: want the admin and that a reason was given, not the reason", e)
	}
	sent := tm.mailsSince(t, mails)
	if len(sent) != 1 {
		t.Fatalf("%d mails, want one to Maya", len(sent))
	}
	m := mailTo(t, sent, "Maya Patel")
	if !strings.Contains(m.Body, "Sam Okafor is also a practice admin") || !strings.Contains(m.Body, "The reason Ines Okoro gave: "+reason+"\n") {
		t.Errorf("mail %q\n%s", m.Subject, m.Body)
	}
	rec, err := tm.p.ClientRecord(tm.ctx, sam, tm.client)
	if err != nil || !rec.Access.Assigned {
		t.Fatalf("assigned by another admin: %+v, %v", rec, err)
	}

	// Unassigned, they are refused again; the mail says they were an
	// admin.
	mails = tm.count(t, "outbox")
	if err := tm.p.UnassignPractitioner(tm.ctx, ines, tm.client, sam.UserID); err != nil {
		t.Fatal(err)
	}
	for _, m := range tm.mailsSince(t, mails) {
		if !strings.Contains(m.Body, "also a practice admin") {
			t.Errorf("unassignment mail %q\n%s", m.Subject, m.Body)
		}
	}
	_, err = tm.p.ClientRecord(tm.ctx, sam, tm.client)
	wantErrCode(t, err, certboard.Forbidden)
}
