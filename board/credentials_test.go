package board_test

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/requirements"
)

// credFixture is a board on one engine with a holder and a staff member
// (both signed in with a second factor).
type credFixture struct {
	st            *boardsql.Store
	b             *board.Board
	set           *requirements.Set
	holder, staff *auth.User
	now           time.Time
}

// credFixtures builds a fresh credFixture on each engine (sqldbtest.Engines).
func credFixtures(t *testing.T) map[string]*credFixture {
	t.Helper()
	cat, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*credFixture{}
	for name, st := range stores(t) {
		now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		f := &credFixture{st: st, now: now, set: cat.Latest("aasect-cst")}
		if f.set == nil {
			t.Fatal("no aasect-cst set shipped")
		}
		f.b = newBoard(t, st, cat, func() time.Time { return f.now })
		user := func(email string, roles ...auth.Role) *auth.User {
			return addUser(t, st, auth.User{Email: email, Name: email, PasswordHash: "x", Roles: roles, CreatedAt: now, TOTPEnabledAt: now})
		}
		f.holder, f.staff = user("holder@example.org", auth.Applicant), user("staff@example.org", auth.Staff)
		out[name] = f
	}
	return out
}

// issue issues the credential of a new approved application of the
// holder's, as staff's approval does, in one transaction.
func (f *credFixture) issue(t *testing.T) *board.IssuedCredential {
	t.Helper()
	ctx := context.Background()
	var id string
	err := boardsql.ForBoard{Store: f.st}.InTx(ctx, func(tx board.Tx) error {
		appID, err := tx.CreateApplication(ctx, board.Application{ApplicantID: f.holder.ID, SetID: f.set.ID, State: board.Approved,
			Portfolio: []byte("{}"), CreatedAt: f.now})
		if err != nil {
			return err
		}
		app := &board.Application{ID: appID, ApplicantID: f.holder.ID, SetID: f.set.ID, State: board.Approved,
			SnapshotSetVersion: f.set.Version, ApplicantName: f.holder.Name, ApplicantEmail: f.holder.Email}
		id, err = f.b.IssueCredential(ctx, tx, f.staff, app, f.now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.st.Credential(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestIssueCredential: the credential is stored signed, with its places
// in both status lists, its audit entry and its lifecycle jobs.
func TestIssueCredential(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := f.issue(t)
			if c.HolderID != f.holder.ID || c.JWT == "" || len(c.Document) == 0 || c.Status() != "active" ||
				c.RevocationList != board.RevocationList || c.SuspensionList != board.SuspensionList {
				t.Fatalf("issued %+v", c)
			}
			if f.set.Validity != nil && !c.ValidUntil.Equal(f.now.AddDate(f.set.Validity.Years, 0, 0)) {
				t.Errorf("valid until %s", c.ValidUntil)
			}
			jobs, err := f.st.Jobs(ctx, board.CredentialJobPrefix(c.ID))
			// Three reminders and the expiry: expiry suspends nothing.
			if err != nil || (f.set.Validity != nil && len(jobs) != 4) {
				t.Errorf("lifecycle jobs: %d %v", len(jobs), err)
			}
		})
	}
}

// TestChangeCredentialStatus: who may change a credential's status, with
// what, and what a refusal says.
func TestChangeCredentialStatus(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for _, tc := range []struct {
				name           string
				before         string // an action taken first, "" for none
				by             func() *auth.User
				id             string // "" for the credential issued
				action, reason string
				want           certboard.Code
				status         string // the credential's status after
			}{
				{"suspends", "", f.staffUser, "", "suspend", "under review", "", "suspended"},
				{"revokes", "", f.staffUser, "", "revoke", "licence lost", "", "revoked"},
				{"reinstates without a reason", "suspend", f.staffUser, "", "reinstate", "", "", "active"},
				{"no such credential", "", f.staffUser, "nope", "suspend", "x", certboard.NotFound, ""},
				{"no such action", "", f.staffUser, "", "delete", "x", certboard.Invalid, "active"},
				{"a reason is needed", "", f.staffUser, "", "suspend", "  ", certboard.Invalid, "active"},
				{"not on one's own", "", f.holderUser, "", "suspend", "x", certboard.Forbidden, "active"},
				{"revocation is final", "revoke", f.staffUser, "", "reinstate", "", certboard.Conflict, "revoked"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					c := f.issue(t)
					if tc.before != "" {
						if _, err := f.b.ChangeCredentialStatus(ctx, f.staff, c.ID, tc.before, "first"); err != nil {
							t.Fatal(err)
						}
					}
					id := c.ID
					if tc.id != "" {
						id = tc.id
					}
					got, err := f.b.ChangeCredentialStatus(ctx, tc.by(), id, tc.action, tc.reason)
					if code := certboard.ErrorCode(err); code != tc.want {
						t.Fatalf("code %q (%v), want %q", code, err, tc.want)
					}
					if err == nil && got.Status() != tc.status {
						t.Errorf("answered %s, want %s", got.Status(), tc.status)
					}
					if tc.status != "" {
						if now, _ := f.st.Credential(ctx, c.ID); now.Status() != tc.status {
							t.Errorf("stored %s, want %s", now.Status(), tc.status)
						}
					}
				})
			}
		})
	}
}

// TestCredentialVisibility: only the holder publishes a credential; once
// public, anyone sees it.
func TestCredentialVisibility(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := f.issue(t)
			if _, err := f.b.VisibleCredential(ctx, nil, c.ID); certboard.ErrorCode(err) != certboard.NotFound {
				t.Fatalf("a private credential shown to a visitor: %v", err)
			}
			if _, err := f.b.SetCredentialPublic(ctx, f.staff, c.ID, true); certboard.ErrorCode(err) != certboard.NotFound {
				t.Fatalf("staff published the holder's credential: %v", err)
			}
			if _, err := f.b.SetCredentialPublic(ctx, f.holder, c.ID, true); err != nil {
				t.Fatal(err)
			}
			if got, err := f.b.VisibleCredential(ctx, nil, c.ID); err != nil || !got.Public {
				t.Fatalf("a public credential: %v", err)
			}
		})
	}
}

// TestStartRenewal: the holder starts one renewal, found again by a second
// start; nobody else starts it.
func TestStartRenewal(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := f.issue(t)
			if _, _, err := f.b.StartRenewal(ctx, f.staff, c.ID); certboard.ErrorCode(err) != certboard.NotFound {
				t.Fatalf("someone else renews: %v", err)
			}
			app, created, err := f.b.StartRenewal(ctx, f.holder, c.ID)
			if err != nil || !created || app.SetID != board.RenewalSet || app.RenewsCredential != c.ID || app.State != board.Draft {
				t.Fatalf("started %+v %v %v", app, created, err)
			}
			again, created, err := f.b.StartRenewal(ctx, f.holder, c.ID)
			if err != nil || created || again.ID != app.ID {
				t.Fatalf("started again: %v %v", created, err)
			}
			rn, err := f.b.HeldRenewal(ctx, f.holder, c.ID)
			if err != nil || rn.App == nil || rn.App.ID != app.ID || rn.CanStart {
				t.Fatalf("renewal %+v %v", rn, err)
			}
		})
	}
}

func (f *credFixture) staffUser() *auth.User  { return f.staff }
func (f *credFixture) holderUser() *auth.User { return f.holder }

// TestExpiryIsNotSuspension: the lifecycle's jobs run past a credential's
// validUntil leave it expired, never suspended, and out of the suspension
// list; a missed-renewal job an earlier version scheduled finishes without
// effect, and the suspension such a job made is lifted, audited, while a
// suspension of the staff's stands.
func TestExpiryIsNotSuspension(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if f.set.Validity == nil {
				t.Skip("the set gives no validity")
			}
			expiring, legacy, staffs := f.issue(t), f.issue(t), f.issue(t)
			// What an earlier version left behind: a pending missed-renewal
			// job, and a suspension it made.
			err := boardsql.ForBoard{Store: f.st}.InTx(ctx, func(tx board.Tx) error {
				if _, err := tx.EnqueueJob(ctx, jobs.Job{Kind: "credential.missed_renewal", Key: board.CredentialJobPrefix(expiring.ID) + "missed-renewal",
					Payload: `{"credential":"` + expiring.ID + `"}`, RunAt: expiring.ValidUntil, CreatedAt: f.now}); err != nil {
					return err
				}
				if err := tx.SetCredentialStatus(ctx, legacy.ID, "suspend", "renewal not completed by 2029-11-26", f.now); err != nil {
					return err
				}
				return tx.SetCredentialStatus(ctx, staffs.ID, "suspend", "complaint under investigation", f.now)
			})
			if err != nil {
				t.Fatal(err)
			}
			f.now = expiring.ValidUntil.Add(time.Hour)
			if _, err := f.b.RunDueJobs(ctx); err != nil {
				t.Fatal(err)
			}
			cur, err := f.st.Credential(ctx, expiring.ID)
			if err != nil {
				t.Fatal(err)
			}
			if cur.Status() != "active" || cur.StandingAt(f.now) != "expired" {
				t.Fatalf("after expiry: status %s, standing %s, reason %q", cur.Status(), cur.StandingAt(f.now), cur.SuspendReason)
			}
			js, err := f.st.Jobs(ctx, board.CredentialJobPrefix(expiring.ID))
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range js {
				if j.DoneAt.IsZero() || (j.Kind == "credential.missed_renewal" && j.Outcome != jobs.Skipped) {
					t.Errorf("job %s: done %s, outcome %s", j.Key, j.DoneAt, j.Outcome)
				}
			}
			n, err := f.b.LiftMissedRenewalSuspensions(ctx)
			if err != nil || n != 1 {
				t.Fatalf("lifted %d, %v; want the one missed-renewal suspension", n, err)
			}
			if again, err := f.b.LiftMissedRenewalSuspensions(ctx); err != nil || again != 0 {
				t.Fatalf("lifting again: %d, %v", again, err)
			}
			if c, _ := f.st.Credential(ctx, legacy.ID); c.Status() != "active" || c.StandingAt(f.now) != "expired" {
				t.Errorf("the legacy suspension: %s, %s", c.Status(), c.StandingAt(f.now))
			}
			if c, _ := f.st.Credential(ctx, staffs.ID); c.Status() != "suspended" {
				t.Errorf("the staff's suspension was lifted: %s", c.Status())
			}
			bits, err := f.st.SetStatusBits(ctx, "suspension", board.SuspensionList)
			if err != nil || len(bits) != 1 || bits[0] != staffs.SuspensionIndex {
				t.Errorf("suspension bits %v (%v); want only the staff's suspension, %d", bits, err, staffs.SuspensionIndex)
			}
			log, err := f.st.AuditLog(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range log {
				if e.Subject == "credential/"+legacy.ID && e.Action == "credential.reinstate" && e.Actor == board.LifecycleActor {
					found = true
				}
				if e.Action == "credential.suspend" && e.Actor == board.LifecycleActor {
					t.Errorf("the lifecycle suspended %s: %s", e.Subject, e.After)
				}
			}
			if !found {
				t.Error("the lifted suspension is not audited")
			}
		})
	}
}
