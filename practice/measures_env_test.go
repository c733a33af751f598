package practice_test

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

// measureEnv is a practice over a fresh SQLite store at a fixed time, for
// the measures' use cases: Pat and Sam are practitioners assigned to a
// client who has signed consent to treatment, with one open case; a
// stranger is a practitioner who is not assigned, and an admin.
type measureEnv struct {
	p                         *practice.Practice
	st                        *practicesql.Store
	clock                     *certboard.FixedClock
	pat, sam, stranger, admin practice.Actor
	clientID, caseID          int64
}

func newMeasureEnv(t *testing.T) *measureEnv {
	t.Helper()
	db, err := sqldb.Open(context.Background(), sqldb.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newMeasureEnvOn(t, db)
}

// newMeasureEnvOn is newMeasureEnv on a fresh database of either engine.
func newMeasureEnvOn(t *testing.T, db *sqldb.DB) *measureEnv {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	e := &measureEnv{st: practicesql.New(db, keys), clock: certboard.NewFixedClock(time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC))}
	if _, err := e.st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if e.p, err = practice.New(practice.Config{Store: practicesql.ForPractice{Store: e.st}, Clock: e.clock}); err != nil {
		t.Fatal(err)
	}
	person := func(name, email string, role auth.Role) practice.Actor {
		now := e.clock.Now()
		id, err := e.st.CreateUser(ctx, auth.User{Email: email, Name: name, PasswordHash: "unused", Roles: []auth.Role{role},
			CreatedAt: now, EmailVerifiedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		u, err := e.st.UserByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return practice.ActorOf(u)
	}
	e.pat = person("Pat Lindqvist", "pat@practice.example", auth.Practitioner)
	e.sam = person("Sam Osei", "sam@practice.example", auth.Practitioner)
	e.stranger = person("Kim Stranger", "kim@practice.example", auth.Practitioner)
	e.admin = person("Ada Admin", "ada@practice.example", auth.PracticeAdmin)
	if e.clientID, err = e.p.CreateClient(ctx, e.admin, practice.NewClient{Practitioners: []int64{e.pat.UserID, e.sam.UserID},
		Identity: practice.IdentityInput{Name: "Robin Vale", DateOfBirth: "1988-02-11", Email: "robin@example.org"}}); err != nil {
		t.Fatal(err)
	}
	text, err := e.p.PublishConsentText(ctx, e.admin, "Consent to treatment",
		"I consent to sex therapy with the practitioners of this practice, and to the screening measures it uses.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.SignConsent(ctx, e.pat, practice.Signature{ClientID: e.clientID, TextID: text.ID, Signer: practice.SignerClient,
		SignedName: "Robin Vale", Agreed: true}); err != nil {
		t.Fatal(err)
	}
	e.caseID = openMeasureCase(t, e)
	return e
}

// audits returns the practice's audit log, oldest first.
func (e *measureEnv) audits(t *testing.T) []audit.Entry {
	t.Helper()
	rows, err := e.st.DB.QueryContext(context.Background(), "SELECT seq, actor, action, subject, before, after FROM audit_log ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var en audit.Entry
		if err := rows.Scan(&en.Seq, &en.Actor, &en.Action, &en.Subject, &en.Before, &en.After); err != nil {
			t.Fatal(err)
		}
		out = append(out, en)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
