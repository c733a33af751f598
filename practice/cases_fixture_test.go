package practice_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// casesWorld is a practice on SQLite with two practitioners, Alice (the
// client's) and Bob (not), an admin, and one client who consented to
// treatment, at a clock the test moves.
type casesWorld struct {
	p                 *practice.Practice
	st                *practicesql.Store
	clock             *certboard.FixedClock
	alice, bob, admin practice.Actor
	client            int64
}

func newCasesWorld(t *testing.T) *casesWorld {
	t.Helper()
	return newCasesWorldOn(t, sqldbtest.Engines(t)["sqlite"])
}

// newCasesWorldOn is newCasesWorld on the database db (of
// sqldbtest.Engines).
func newCasesWorldOn(t *testing.T, db *sqldb.DB) *casesWorld {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st := practicesql.New(db, keys)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := &casesWorld{st: st, clock: certboard.NewFixedClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))}
	if w.p, err = practice.New(practice.Config{Store: practicesql.ForPractice{Store: st}, Clock: w.clock, PublicURL: "https://practice.example"}); err != nil {
		t.Fatal(err)
	}
	w.alice = w.actor(t, "alice@practice.example", "Alice Adler", auth.Practitioner)
	w.bob = w.actor(t, "bob@practice.example", "Bob Brown", auth.Practitioner)
	w.admin = w.actor(t, "admin@practice.example", "Ines Okoro", auth.PracticeAdmin)
	w.client = w.newClient(t)
	return w
}

// actor makes an account with roles and returns it as an actor.
func (w *casesWorld) actor(t *testing.T, email, name string, roles ...auth.Role) practice.Actor {
	t.Helper()
	ctx := context.Background()
	now := w.clock.Now()
	id, err := w.st.CreateUser(ctx, auth.User{Email: email, Name: name, PasswordHash: "unused", Roles: roles, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	return practice.Actor{UserID: id, Name: name, Roles: roles}
}

// casesConsent is the consent text the world's client signs.
const casesConsent = "I consent to sex therapy with the practitioners of this practice. I understand what it involves, " +
	"that I may stop at any time, and how my records are kept and shared."

// newClient registers Alice's client, who signs the consent to treatment.
func (w *casesWorld) newClient(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := w.p.CreateClient(ctx, w.alice, practice.NewClient{Identity: practice.IdentityInput{Name: "Sam Rivera", DateOfBirth: "1990-04-02", Email: "sam@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	text, err := w.p.PublishConsentText(ctx, w.admin, "Consent to treatment", casesConsent)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.SignConsent(ctx, w.alice, practice.Signature{ClientID: id, TextID: text.ID, Signer: practice.SignerClient,
		SignedName: "Sam Rivera", Agreed: true}); err != nil {
		t.Fatal(err)
	}
	return id
}

// emergency gives an admin emergency access to a client's record.
func (w *casesWorld) emergency(t *testing.T, admin practice.Actor, client int64) {
	t.Helper()
	if _, err := w.p.RequestEmergencyAccess(context.Background(), admin, client, "the client called in crisis and Alice is away"); err != nil {
		t.Fatal(err)
	}
}

func (w *casesWorld) now() time.Time { return w.clock.Now() }

func (w *casesWorld) advance(d time.Duration) { w.clock.Advance(d) }

// openCase has Alice open a case of her client at Permission, with one
// concern, and returns its id.
func (w *casesWorld) openCase(t *testing.T) int64 {
	t.Helper()
	id, err := w.p.OpenCase(context.Background(), w.alice, w.client, practice.NewCase{Reason: "first session", Concerns: []concern.Diagnosis{caseErectile}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// move has Alice move a case from version and returns the new version.
func (w *casesWorld) move(t *testing.T, id int64, to string, version int) int {
	t.Helper()
	next, err := w.p.MoveCaseStage(context.Background(), w.alice, id, practice.MoveCase{To: to, Reason: "moved to " + to, Version: version})
	if err != nil {
		t.Fatal(err)
	}
	return next
}

// forceStage puts a case at a stage behind the use cases' back, for a
// test of what a stage allows that the rules would not let it reach.
func (w *casesWorld) forceStage(t *testing.T, id int64, stage plissit.Stage) {
	t.Helper()
	if _, err := w.st.DB.ExecContext(context.Background(), "UPDATE cases SET stage = ? WHERE id = ?", string(stage), id); err != nil {
		t.Fatal(err)
	}
}

// audited lists the actions of the audit log, oldest first.
func (w *casesWorld) audited(t *testing.T) []string {
	t.Helper()
	es, err := w.st.AuditLog().Entries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action
	}
	return out
}

func (w *casesWorld) auditCount(t *testing.T) int { return len(w.audited(t)) }

// wantAudit checks that the latest audit entries are actions, in order.
func (w *casesWorld) wantAudit(t *testing.T, actions ...string) {
	t.Helper()
	got := w.audited(t)
	if len(got) < len(actions) || !slices.Equal(got[len(got)-len(actions):], actions) {
		t.Errorf("audit log ends %v, want %v", got, actions)
	}
}
