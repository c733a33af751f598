package practice_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

// team is a practice over a fresh SQLite store, at a fixed time, with
// two practitioners, an admin and an account without a practice role,
// and one client of Maya's.
type team struct {
	ctx                       context.Context
	p                         *practice.Practice
	st                        *practicesql.Store
	clock                     *certboard.FixedClock
	maya, noor, admin, nobody practice.Actor
	client                    int64
}

func newTeam(t *testing.T) *team {
	t.Helper()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.Open(context.Background(), sqldb.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tm := &team{ctx: context.Background(), st: practicesql.New(db, keys),
		clock: certboard.NewFixedClock(time.Date(2026, 5, 4, 14, 3, 0, 0, time.UTC))}
	if _, err := tm.st.Migrate(tm.ctx); err != nil {
		t.Fatal(err)
	}
	tm.p, err = practice.New(practice.Config{Store: practicesql.ForPractice{Store: tm.st}, Clock: tm.clock, PublicURL: "https://practice.example"})
	if err != nil {
		t.Fatal(err)
	}
	tm.maya = tm.person(t, "Maya Patel", auth.Practitioner)
	tm.noor = tm.person(t, "Noor Haddad", auth.Practitioner)
	tm.admin = tm.person(t, "Sam Okafor", auth.PracticeAdmin)
	tm.nobody = tm.person(t, "Riley Front")
	if tm.client, err = tm.p.CreateClient(tm.ctx, tm.maya, practice.NewClient{Identity: alexIdentity()}); err != nil {
		t.Fatal(err)
	}
	return tm
}

// person makes an account with roles and returns it as an actor.
func (tm *team) person(t *testing.T, name string, roles ...auth.Role) practice.Actor {
	t.Helper()
	now := tm.clock.Now()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@practice.example"
	id, err := tm.st.CreateUser(tm.ctx, auth.User{Email: email, Name: name, PasswordHash: "unused", Roles: roles, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	u, err := tm.st.UserByID(tm.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return practice.ActorOf(u)
}

// count counts the rows of a table.
func (tm *team) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := tm.st.DB.QueryRowContext(tm.ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// countAudit counts the audit entries of an action.
func (tm *team) countAudit(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := tm.st.DB.QueryRowContext(tm.ctx, "SELECT COUNT(*) FROM audit_log WHERE action = ?", action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// lastAudit returns the latest audit entry of an action, and fails the
// test when there is none.
func (tm *team) lastAudit(t *testing.T, action string) audit.Entry {
	t.Helper()
	var e audit.Entry
	err := tm.st.DB.QueryRowContext(tm.ctx, "SELECT seq, actor, action, subject, before, after FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1",
		action).Scan(&e.Seq, &e.Actor, &e.Action, &e.Subject, &e.Before, &e.After)
	if err != nil {
		t.Fatalf("no %s audit entry: %v", action, err)
	}
	return e
}

// mailsSince returns the mails queued after the first n.
func (tm *team) mailsSince(t *testing.T, n int) []jobs.Mail {
	t.Helper()
	due, err := tm.st.DueMail(tm.ctx, tm.clock.Now().Add(time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) < n {
		t.Fatalf("%d mails due, fewer than %d", len(due), n)
	}
	return due[n:]
}

// alex is a valid identity.
func alexIdentity() practice.IdentityInput {
	return practice.IdentityInput{Name: "Alex Rivera", DateOfBirth: "1990-04-23", Pronouns: "they/them",
		GenderIdentity: "non-binary", Email: "alex@example.org", Phone: "+1 305 555 0142",
		EmergencyName: "Sam Rivera", EmergencyPhone: "305 555 0199", EmergencyRelationship: "sibling"}
}

func wantErrCode(t *testing.T, err error, want certboard.Code) {
	t.Helper()
	if got := certboard.ErrorCode(err); got != want {
		t.Fatalf("got %q (%v), want %q", got, err, want)
	}
}

func TestCreateClientByAPractitionerAssignsThem(t *testing.T) {
	tm := newTeam(t)
	rec, err := tm.p.ClientRecord(tm.ctx, tm.maya, tm.client)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Client.Identity.Name != "Alex Rivera" || rec.Client.Identity.DateOfBirth.String() != "1990-04-23" ||
		rec.Client.Identity.Emergency.Relationship != "sibling" || rec.Client.Version != 1 {
		t.Errorf("record %+v", rec.Client)
	}
	if len(rec.Practitioners) != 1 || rec.Practitioners[0].ID != tm.maya.UserID || !rec.Access.Assigned {
		t.Errorf("practitioners %+v, access %+v", rec.Practitioners, rec.Access)
	}
	if rec.Consent != nil || len(rec.Consents) != 0 {
		t.Errorf("a new client with consent: %+v", rec.Consents)
	}
	e := tm.lastAudit(t, "client.create")
	if e.Actor != tm.maya.AuditName() || e.Subject != practice.ClientSubject(tm.client) || strings.Contains(e.After, "Alex") {
		t.Errorf("audit %+v", e)
	}
	// A practitioner names no one else.
	_, err = tm.p.CreateClient(tm.ctx, tm.maya, practice.NewClient{Identity: alexIdentity(), Practitioners: []int64{tm.noor.UserID}})
	wantErrCode(t, err, certboard.Forbidden)
	// Nor does someone with neither role register a client.
	_, err = tm.p.CreateClient(tm.ctx, tm.nobody, practice.NewClient{Identity: alexIdentity()})
	wantErrCode(t, err, certboard.Forbidden)
}

func TestCreateClientByAnAdminAssignsThePractitionersNamed(t *testing.T) {
	tm := newTeam(t)
	for _, tc := range []struct {
		name string
		team []int64
		want certboard.Code
	}{
		{"nobody named", nil, certboard.Invalid},
		{"an account that is not a practitioner", []int64{tm.nobody.UserID}, certboard.Invalid},
		{"an account that does not exist", []int64{999}, certboard.Invalid},
		{"two practitioners, one twice", []int64{tm.noor.UserID, tm.maya.UserID, tm.noor.UserID}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tm.count(t, "clients")
			id, err := tm.p.CreateClient(tm.ctx, tm.admin, practice.NewClient{Identity: alexIdentity(), Practitioners: tc.team})
			wantErrCode(t, err, tc.want)
			if tc.want != "" {
				if f := certboard.As(err).Field; f != "practitioners" {
					t.Errorf("field %q", f)
				}
				if n := tm.count(t, "clients"); n != before {
					t.Errorf("refused, yet %d clients were written", n-before)
				}
				return
			}
			for _, a := range []practice.Actor{tm.maya, tm.noor} {
				if _, err := tm.p.ClientRecord(tm.ctx, a, id); err != nil {
					t.Errorf("%s: %v", a.Name, err)
				}
			}
		})
	}
}

func TestBadInputIsRefusedByFieldAndWritesNothing(t *testing.T) {
	tm := newTeam(t)
	clients, audits := tm.count(t, "clients"), tm.count(t, "audit_log")
	bad := alexIdentity()
	bad.DateOfBirth, bad.Email, bad.EmergencyPhone = "2030-01-01", "alex at example", ""
	_, err := tm.p.CreateClient(tm.ctx, tm.maya, practice.NewClient{Identity: bad})
	wantErrCode(t, err, certboard.Invalid)
	e := certboard.As(err)
	for _, f := range []string{"date_of_birth", "email", "emergency_phone"} {
		if !strings.HasPrefix(e.Fields[f], f+": ") {
			t.Errorf("%s not named: %v", f, e.Fields)
		}
	}
	_, err = tm.p.UpdateClient(tm.ctx, tm.maya, tm.client, bad, 1)
	wantErrCode(t, err, certboard.Invalid)
	_, err = tm.p.RequestEmergencyAccess(tm.ctx, tm.admin, tm.client, "urgent")
	wantErrCode(t, err, certboard.Invalid)
	if f := certboard.As(err).Field; f != "reason" {
		t.Errorf("field %q", f)
	}
	if c, a := tm.count(t, "clients"), tm.count(t, "audit_log"); c != clients || a != audits || tm.count(t, "emergency_access") != 0 {
		t.Errorf("refused input wrote %d clients and %d audit entries", c-clients, a-audits)
	}
	rec, err := tm.p.ClientRecord(tm.ctx, tm.maya, tm.client)
	if err != nil || rec.Client.Version != 1 || rec.Client.Identity.Email != "alex@example.org" {
		t.Errorf("the record changed: %+v, %v", rec, err)
	}
}

func TestWhoReadsARecord(t *testing.T) {
	tm := newTeam(t)
	missing := tm.client + 100
	_, notFound := tm.p.ClientRecord(tm.ctx, tm.noor, missing)
	wantErrCode(t, notFound, certboard.NotFound)
	for _, tc := range []struct {
		name   string
		by     practice.Actor
		client int64
		want   certboard.Code
	}{
		{"the assigned practitioner", tm.maya, tm.client, ""},
		{"a practitioner not assigned", tm.noor, tm.client, certboard.NotFound},
		{"a practitioner, a client that does not exist", tm.noor, missing, certboard.NotFound},
		{"an account without a practice role", tm.nobody, tm.client, certboard.NotFound},
		{"an admin without emergency access", tm.admin, tm.client, certboard.Forbidden},
		{"an admin, a client that does not exist", tm.admin, missing, certboard.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads := tm.countAudit(t, practice.ClientRead)
			_, err := tm.p.ClientRecord(tm.ctx, tc.by, tc.client)
			wantErrCode(t, err, tc.want)
			switch {
			case tc.want == "" && tm.countAudit(t, practice.ClientRead) != reads+1:
				t.Error("the read was not audited")
			case tc.want != "" && tm.countAudit(t, practice.ClientRead) != reads:
				t.Error("a refused read was audited as a read")
			}
			// A refused practitioner cannot tell a client that exists from
			// one that does not.
			if tc.want == certboard.NotFound {
				got := strings.Replace(certboard.ErrorMessage(err), strconv.FormatInt(tc.client, 10), "N", 1)
				want := strings.Replace(certboard.ErrorMessage(notFound), strconv.FormatInt(missing, 10), "N", 1)
				if got != want || certboard.As(err).Title != certboard.As(notFound).Title {
					t.Errorf("%q differs from %q", got, want)
				}
			}
		})
	}
	// An unassigned practitioner changes nothing either.
	_, err := tm.p.UpdateClient(tm.ctx, tm.noor, tm.client, alexIdentity(), 1)
	wantErrCode(t, err, certboard.NotFound)
}

func TestEveryReadIsAudited(t *testing.T) {
	tm := newTeam(t)
	before := tm.countAudit(t, practice.ClientRead)
	for range 3 {
		if _, err := tm.p.ClientRecord(tm.ctx, tm.maya, tm.client); err != nil {
			t.Fatal(err)
		}
	}
	if n := tm.countAudit(t, practice.ClientRead) - before; n != 3 {
		t.Fatalf("3 reads, %d audit entries", n)
	}
	e := tm.lastAudit(t, practice.ClientRead)
	var after map[string]any
	if err := json.Unmarshal([]byte(e.After), &after); err != nil {
		t.Fatal(err)
	}
	if e.Actor != tm.maya.AuditName() || e.Subject != practice.ClientSubject(tm.client) ||
		after["what"] != "identity" || after["access"] != "assigned" {
		t.Errorf("audit %+v", e)
	}
}

// TestListsAuditTheirClients: the practitioner's list and the admin's
// directory audit which clients they showed, by id and without names.
func TestListsAuditTheirClients(t *testing.T) {
	tm := newTeam(t)
	other, err := tm.p.CreateClient(tm.ctx, tm.noor, practice.NewClient{Identity: practice.IdentityInput{Name: "Jo Lind", DateOfBirth: "1985-01-02", Email: "jo@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(e audit.Entry) []int64 {
		t.Helper()
		var after struct {
			Count   int     `json:"count"`
			Clients []int64 `json:"clients"`
		}
		if err := json.Unmarshal([]byte(e.After), &after); err != nil {
			t.Fatal(err)
		}
		if after.Count != len(after.Clients) || strings.Contains(e.After, "Alex") || strings.Contains(e.After, "Jo Lind") {
			t.Errorf("audit %+v: want the count and the ids, no names", e)
		}
		slices.Sort(after.Clients)
		return after.Clients
	}
	if _, err := tm.p.MyClients(tm.ctx, tm.maya); err != nil {
		t.Fatal(err)
	}
	if got := ids(tm.lastAudit(t, "client.list")); !slices.Equal(got, []int64{tm.client}) {
		t.Errorf("Maya's list audited clients %v, want [%d]", got, tm.client)
	}
	if _, err := tm.p.ClientDirectory(tm.ctx, tm.admin); err != nil {
		t.Fatal(err)
	}
	if got := ids(tm.lastAudit(t, "client.directory")); !slices.Equal(got, []int64{tm.client, other}) {
		t.Errorf("the directory audited clients %v, want [%d %d]", got, tm.client, other)
	}
}

func TestEmergencyAccess(t *testing.T) {
	tm := newTeam(t)
	if err := tm.p.AssignPractitioner(tm.ctx, tm.admin, tm.client, tm.noor.UserID); err != nil {
		t.Fatal(err)
	}
	reason := "Alex called the front desk in crisis; Maya and Noor are unreachable."
	_, err := tm.p.RequestEmergencyAccess(tm.ctx, tm.maya, tm.client, reason)
	wantErrCode(t, err, certboard.Forbidden)
	_, err = tm.p.RequestEmergencyAccess(tm.ctx, tm.admin, tm.client+100, reason)
	wantErrCode(t, err, certboard.NotFound)
	mails := tm.count(t, "outbox")

	g, err := tm.p.RequestEmergencyAccess(tm.ctx, tm.admin, tm.client, "  "+reason+"  ")
	if err != nil {
		t.Fatal(err)
	}
	if g.Reason != reason || !g.ExpiresAt.Equal(g.GrantedAt.Add(time.Hour)) {
		t.Errorf("grant %+v", g)
	}
	e := tm.lastAudit(t, "client.emergency_access")
	if e.Actor != tm.admin.AuditName() || e.Subject != practice.ClientSubject(tm.client) || strings.Contains(e.After, "crisis") {
		t.Errorf("audit %+v", e)
	}
	sent := tm.mailsSince(t, mails)
	if len(sent) != 2 {
		t.Fatalf("%d mails, want one to each of the 2 practitioners", len(sent))
	}
	for _, m := range sent {
		if !strings.Contains(m.Subject, "Emergency access") || !strings.Contains(m.Body, "Sam Okafor") ||
			strings.Contains(m.Body, "Alex") || strings.Contains(m.Body, "crisis") {
			t.Errorf("mail to %s: %s\n%s", m.To, m.Subject, m.Body)
		}
	}
	_, err = tm.p.RequestEmergencyAccess(tm.ctx, tm.admin, tm.client, reason)
	wantErrCode(t, err, certboard.Conflict)

	// The admin reads the record for an hour, each read audited as
	// emergency access; they change nothing.
	rec, err := tm.p.ClientRecord(tm.ctx, tm.admin, tm.client)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Access.Assigned || rec.Access.Emergency == nil || rec.Access.Emergency.ID != g.ID {
		t.Errorf("access %+v", rec.Access)
	}
	if len(rec.Emergency) != 1 || rec.Emergency[0].Reason != reason || rec.Emergency[0].AdminName != "Sam Okafor" {
		t.Errorf("emergency history %+v", rec.Emergency)
	}
	if e := tm.lastAudit(t, practice.ClientRead); !strings.Contains(e.After, `"access":"emergency"`) || e.Actor != tm.admin.AuditName() {
		t.Errorf("read audited as %s", e.After)
	}
	_, err = tm.p.UpdateClient(tm.ctx, tm.admin, tm.client, alexIdentity(), 1)
	wantErrCode(t, err, certboard.Forbidden)
	// The practitioner sees who opened the record and why.
	rec, err = tm.p.ClientRecord(tm.ctx, tm.maya, tm.client)
	if err != nil || len(rec.Emergency) != 1 || rec.Emergency[0].Reason != reason {
		t.Errorf("practitioner's view: %+v, %v", rec, err)
	}

	tm.clock.Advance(time.Hour - time.Second)
	if _, err := tm.p.ClientRecord(tm.ctx, tm.admin, tm.client); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	tm.clock.Advance(time.Second)
	_, err = tm.p.ClientRecord(tm.ctx, tm.admin, tm.client)
	wantErrCode(t, err, certboard.Forbidden)
	// Asked again, with a reason, it opens again.
	if _, err := tm.p.RequestEmergencyAccess(tm.ctx, tm.admin, tm.client, reason); err != nil {
		t.Fatal(err)
	}
	// Access is to one client only.
	other, err := tm.p.CreateClient(tm.ctx, tm.noor, practice.NewClient{Identity: alexIdentity()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tm.p.ClientRecord(tm.ctx, tm.admin, other)
	wantErrCode(t, err, certboard.Forbidden)
}

func TestUpdateClient(t *testing.T) {
	tm := newTeam(t)
	in := alexIdentity()
	in.Phone, in.PreferredName = "+1 305 555 0100", "Lex"
	v, err := tm.p.UpdateClient(tm.ctx, tm.maya, tm.client, in, 1)
	if err != nil || v != 2 {
		t.Fatalf("version %d, %v", v, err)
	}
	e := tm.lastAudit(t, "client.update")
	if e.After != `{"changed":["preferred_name","phone"],"version":2}` || strings.Contains(e.After, "Lex") {
		t.Errorf("audit after %s", e.After)
	}
	_, err = tm.p.UpdateClient(tm.ctx, tm.maya, tm.client, alexIdentity(), 1)
	wantErrCode(t, err, certboard.Conflict)
	if !strings.Contains(certboard.ErrorMessage(err), "reload") {
		t.Errorf("message %q", certboard.ErrorMessage(err))
	}
	rec, err := tm.p.ClientRecord(tm.ctx, tm.maya, tm.client)
	if err != nil || rec.Client.Identity.CalledBy() != "Lex" || rec.Client.Version != 2 {
		t.Errorf("%+v, %v", rec, err)
	}
}

func TestAssignments(t *testing.T) {
	tm := newTeam(t)
	wantErrCode(t, tm.p.AssignPractitioner(tm.ctx, tm.maya, tm.client, tm.noor.UserID), certboard.Forbidden)
	wantErrCode(t, tm.p.AssignPractitioner(tm.ctx, tm.admin, tm.client, tm.nobody.UserID), certboard.Invalid)
	wantErrCode(t, tm.p.AssignPractitioner(tm.ctx, tm.admin, tm.client+100, tm.noor.UserID), certboard.NotFound)
	wantErrCode(t, tm.p.UnassignPractitioner(tm.ctx, tm.admin, tm.client, tm.maya.UserID), certboard.Conflict) // the last one
	if err := tm.p.AssignPractitioner(tm.ctx, tm.admin, tm.client, tm.noor.UserID); err != nil {
		t.Fatal(err)
	}
	tm.lastAudit(t, "client.assign")
	wantErrCode(t, tm.p.AssignPractitioner(tm.ctx, tm.admin, tm.client, tm.noor.UserID), certboard.Conflict)
	if _, err := tm.p.ClientRecord(tm.ctx, tm.noor, tm.client); err != nil {
		t.Fatalf("assigned, yet: %v", err)
	}
	wantErrCode(t, tm.p.UnassignPractitioner(tm.ctx, tm.noor, tm.client, tm.maya.UserID), certboard.Forbidden)
	if err := tm.p.UnassignPractitioner(tm.ctx, tm.admin, tm.client, tm.maya.UserID); err != nil {
		t.Fatal(err)
	}
	tm.lastAudit(t, "client.unassign")
	_, err := tm.p.ClientRecord(tm.ctx, tm.maya, tm.client)
	wantErrCode(t, err, certboard.NotFound)
	wantErrCode(t, tm.p.UnassignPractitioner(tm.ctx, tm.admin, tm.client, tm.maya.UserID), certboard.NotFound)
	wantErrCode(t, tm.p.UnassignPractitioner(tm.ctx, tm.admin, tm.client, tm.noor.UserID), certboard.Conflict)
}

func TestListsAndTheDirectory(t *testing.T) {
	tm := newTeam(t)
	zoe := alexIdentity()
	zoe.Name = "Zoe Adams"
	if _, err := tm.p.CreateClient(tm.ctx, tm.noor, practice.NewClient{Identity: zoe}); err != nil {
		t.Fatal(err)
	}
	aaron := alexIdentity()
	aaron.Name = "aaron Brook"
	if _, err := tm.p.CreateClient(tm.ctx, tm.maya, practice.NewClient{Identity: aaron}); err != nil {
		t.Fatal(err)
	}
	mine, err := tm.p.MyClients(tm.ctx, tm.maya)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 2 || mine[0].Name != "aaron Brook" || mine[1].Name != "Alex Rivera" || mine[1].Pronouns != "they/them" {
		t.Errorf("Maya's clients %+v", mine)
	}
	if none, err := tm.p.MyClients(tm.ctx, tm.admin); err != nil || len(none) != 0 {
		t.Errorf("an admin's own clients: %v, %v", none, err)
	}
	_, err = tm.p.ClientDirectory(tm.ctx, tm.maya)
	wantErrCode(t, err, certboard.Forbidden)
	dir, err := tm.p.ClientDirectory(tm.ctx, tm.admin)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range dir {
		names = append(names, e.Name+"/"+e.Practitioners[0].Name)
	}
	if got := strings.Join(names, ","); got != "aaron Brook/Maya Patel,Alex Rivera/Maya Patel,Zoe Adams/Noor Haddad" {
		t.Errorf("directory %s", got)
	}
	ps, err := tm.p.Practitioners(tm.ctx, tm.admin)
	if err != nil || len(ps) != 2 || ps[0].Name != "Maya Patel" || ps[1].Name != "Noor Haddad" {
		t.Errorf("practitioners %+v, %v", ps, err)
	}
}

const consentBody = "I consent to sex therapy with the practitioners of this practice. I understand what it involves, " +
	"that I may stop at any time, and how my records are kept and shared."

func TestConsent(t *testing.T) {
	tm := newTeam(t)
	sign := func(by practice.Actor, textID int64, mod func(*practice.Signature)) (*practice.Consent, error) {
		s := practice.Signature{ClientID: tm.client, TextID: textID, Signer: practice.SignerClient, SignedName: "alex  rivera", Agreed: true}
		if mod != nil {
			mod(&s)
		}
		return tm.p.SignConsent(tm.ctx, by, s)
	}
	_, err := sign(tm.maya, 1, nil)
	wantErrCode(t, err, certboard.Conflict) // no text yet
	_, err = tm.p.PublishConsentText(tm.ctx, tm.maya, "Consent to treatment", consentBody)
	wantErrCode(t, err, certboard.Forbidden)
	_, err = tm.p.PublishConsentText(tm.ctx, tm.admin, "Consent to treatment", "Too short.")
	wantErrCode(t, err, certboard.Invalid)
	v1, err := tm.p.PublishConsentText(tm.ctx, tm.admin, "Consent to treatment", consentBody)
	if err != nil || v1.Version != 1 {
		t.Fatalf("%+v, %v", v1, err)
	}
	// Revised before anyone signs it.
	if err := tm.p.ReviseConsentText(tm.ctx, tm.admin, v1.ID, "Consent to treatment", consentBody+" Revised."); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		by    practice.Actor
		mod   func(*practice.Signature)
		code  certboard.Code
		field string
	}{
		{"not ticked", tm.maya, func(s *practice.Signature) { s.Agreed = false }, certboard.Invalid, "agreed"},
		{"no name typed", tm.maya, func(s *practice.Signature) { s.SignedName = " " }, certboard.Invalid, "signed_name"},
		{"another name typed", tm.maya, func(s *practice.Signature) { s.SignedName = "Alex Rivers" }, certboard.Invalid, "signed_name"},
		{"a guardian for an adult", tm.maya, func(s *practice.Signature) {
			s.Signer, s.SignedName, s.GuardianRelationship = practice.SignerGuardian, "Pat Rivera", "mother"
		}, certboard.Invalid, "signer"},
		{"no signer", tm.maya, func(s *practice.Signature) { s.Signer = "" }, certboard.Invalid, "signer"},
		{"an unassigned witness", tm.noor, nil, certboard.NotFound, ""},
		{"an admin as witness", tm.admin, nil, certboard.Forbidden, ""},
		{"a text that is not the newest", tm.maya, func(s *practice.Signature) { s.TextID = v1.ID + 1 }, certboard.Conflict, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sign(tc.by, v1.ID, tc.mod)
			wantErrCode(t, err, tc.code)
			if f := certboard.As(err).Field; tc.field != "" && f != tc.field {
				t.Errorf("field %q, want %q", f, tc.field)
			}
			if n := tm.count(t, "consents"); n != 0 {
				t.Errorf("refused, yet %d consents", n)
			}
		})
	}

	c, err := sign(tm.maya, v1.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 1 || c.Text != consentBody+" Revised." || c.SignedName != "alex rivera" || c.WitnessName != "Maya Patel" {
		t.Errorf("consent %+v", c)
	}
	_, err = sign(tm.maya, v1.ID, nil)
	wantErrCode(t, err, certboard.Conflict) // already signed
	// Once signed, the text is kept as signed.
	err = tm.p.ReviseConsentText(tm.ctx, tm.admin, v1.ID, "Consent to treatment", consentBody+" Changed.")
	wantErrCode(t, err, certboard.Conflict)
	v2, err := tm.p.PublishConsentText(tm.ctx, tm.admin, "Consent to treatment", consentBody+" Version two.")
	if err != nil || v2.Version != 2 {
		t.Fatalf("%+v, %v", v2, err)
	}
	rec, err := tm.p.ClientRecord(tm.ctx, tm.maya, tm.client)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Consent == nil || rec.Consent.Version != 1 || rec.Consent.Text != consentBody+" Revised." ||
		rec.Consent.TextDigest != (practice.ConsentText{Body: consentBody + " Revised."}).Digest() ||
		!rec.Consent.SignedAt.Equal(c.SignedAt) || rec.Consent.WitnessID != tm.maya.UserID {
		t.Errorf("consent in force %+v", rec.Consent)
	}
	if e := tm.lastAudit(t, "consent.sign"); strings.Contains(e.After, "Alex") || strings.Contains(e.After, "consent to") {
		t.Errorf("audit %s", e.After)
	}
	// Signing the newer version supersedes; withdrawing ends consent.
	if _, err := sign(tm.maya, v2.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := tm.p.WithdrawConsent(tm.ctx, tm.maya, tm.client, "Client wants to pause therapy."); err != nil {
		t.Fatal(err)
	}
	wantErrCode(t, tm.p.WithdrawConsent(tm.ctx, tm.maya, tm.client, ""), certboard.Conflict)
	rec, err = tm.p.ClientRecord(tm.ctx, tm.maya, tm.client)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Consent != nil || len(rec.Consents) != 2 || rec.Consents[0].Version != 2 ||
		rec.Consents[0].WithdrawalReason != "Client wants to pause therapy." || rec.Consents[1].Withdrawn() {
		t.Errorf("after withdrawal: in force %+v, all %+v", rec.Consent, rec.Consents)
	}
	texts, err := tm.p.ConsentTexts(tm.ctx, tm.maya)
	if err != nil || len(texts) != 2 || texts[0].Version != 2 {
		t.Errorf("texts %+v, %v", texts, err)
	}
}

func TestAGuardianSignsForAMinor(t *testing.T) {
	tm := newTeam(t)
	text, err := tm.p.PublishConsentText(tm.ctx, tm.admin, "Consent to treatment", consentBody)
	if err != nil {
		t.Fatal(err)
	}
	teen := alexIdentity()
	teen.Name, teen.DateOfBirth = "Jo Rivera", tm.clock.Now().AddDate(-18, 0, 1).Format("2006-01-02") // 18 tomorrow
	id, err := tm.p.CreateClient(tm.ctx, tm.maya, practice.NewClient{Identity: teen})
	if err != nil {
		t.Fatal(err)
	}
	s := practice.Signature{ClientID: id, TextID: text.ID, Signer: practice.SignerClient, SignedName: "Jo Rivera", Agreed: true}
	_, err = tm.p.SignConsent(tm.ctx, tm.maya, s)
	wantErrCode(t, err, certboard.Invalid)
	s.Signer, s.SignedName = practice.SignerGuardian, "Pat Rivera"
	_, err = tm.p.SignConsent(tm.ctx, tm.maya, s)
	wantErrCode(t, err, certboard.Invalid) // no relationship
	s.GuardianRelationship = "mother"
	c, err := tm.p.SignConsent(tm.ctx, tm.maya, s)
	if err != nil || c.Signer != practice.SignerGuardian || c.GuardianRelationship != "mother" {
		t.Fatalf("%+v, %v", c, err)
	}
	rec, err := tm.p.ClientRecord(tm.ctx, tm.maya, id)
	if err != nil || rec.Consent == nil || rec.Consent.SignedName != "Pat Rivera" || rec.Consent.GuardianRelationship != "mother" {
		t.Errorf("%+v, %v", rec, err)
	}
}
