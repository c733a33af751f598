package practicesql_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
)

var clientsAt = time.Date(2026, 5, 4, 14, 3, 0, 123456000, time.UTC)

// clientsAccount makes an account with roles.
func clientsAccount(t *testing.T, st *practicesql.Store, name string, roles ...auth.Role) int64 {
	t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@practice.example"
	id, err := st.CreateUser(context.Background(), auth.User{Email: email, Name: name, PasswordHash: "unused", Roles: roles,
		CreatedAt: clientsAt, EmailVerifiedAt: clientsAt})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func inTx(t *testing.T, st *practicesql.Store, f func(tx *practicesql.Tx) error) {
	t.Helper()
	if err := st.InTx(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

func identityOf(name string) practice.Identity {
	return practice.Identity{Name: name, DateOfBirth: date.MustParse("1990-04-23"), Pronouns: "they/them", Email: "alex@example.org",
		Emergency: practice.EmergencyContact{Name: "Sam Rivera", Phone: "305 555 0199", Relationship: "sibling"}}
}

func TestClientsStore(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			maya := clientsAccount(t, st, "Maya Patel", auth.Practitioner)
			noor := clientsAccount(t, st, "Noor Haddad", auth.Practitioner, auth.PracticeAdmin)
			admin := clientsAccount(t, st, "Sam Okafor", auth.PracticeAdmin)
			var alex, zoe int64
			inTx(t, st, func(tx *practicesql.Tx) error {
				var err error
				if alex, err = tx.CreateClient(ctx, practice.Client{Identity: identityOf("Alex Rivera"), CreatedAt: clientsAt, CreatedBy: maya, UpdatedAt: clientsAt}); err != nil {
					return err
				}
				if zoe, err = tx.CreateClient(ctx, practice.Client{Identity: identityOf("zoe Adams"), CreatedAt: clientsAt, CreatedBy: admin, UpdatedAt: clientsAt}); err != nil {
					return err
				}
				for _, a := range [][2]int64{{alex, maya}, {zoe, noor}, {zoe, maya}} {
					if err := tx.AssignClient(ctx, a[0], a[1], admin, clientsAt); err != nil {
						return err
					}
				}
				return nil
			})

			// Identity round-trips, sealed: no name in plain text.
			inTx(t, st, func(tx *practicesql.Tx) error {
				c, err := tx.LockClient(ctx, alex)
				if err != nil {
					return err
				}
				if c.Identity != identityOf("Alex Rivera") || !c.CreatedAt.Equal(clientsAt) || c.CreatedBy != maya || c.Version != 1 {
					t.Errorf("read back %+v", c)
				}
				if _, err := tx.Client(ctx, alex+100); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("a missing client: %v", err)
				}
				if ok, err := tx.ClientExists(ctx, alex); !ok || err != nil {
					t.Errorf("exists: %v %v", ok, err)
				}
				if ok, err := tx.ClientExists(ctx, alex+100); ok || err != nil {
					t.Errorf("a missing client exists: %v %v", ok, err)
				}
				return nil
			})
			var raw string
			if err := st.DB.QueryRowContext(ctx, st.Dialect.Rebind("SELECT identity FROM clients WHERE id = ?"), alex).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, "Alex") || strings.Contains(raw, "1990") || strings.Contains(raw, "sibling") {
				t.Errorf("identity in plain text: %s", raw)
			}
			// A sealed identity moved to another row does not open.
			if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind("UPDATE clients SET identity = ? WHERE id = ?"), raw, zoe); err != nil {
				t.Fatal(err)
			}
			err := st.InTx(ctx, func(tx *practicesql.Tx) error { _, err := tx.Client(ctx, zoe); return err })
			if err == nil {
				t.Error("an identity moved to another client opened")
			}
			inTx(t, st, func(tx *practicesql.Tx) error {
				_, err := tx.SaveClientIdentity(ctx, zoe, identityOf("zoe Adams"), 1, clientsAt)
				return err
			})

			// Versions guard edits.
			inTx(t, st, func(tx *practicesql.Tx) error {
				id := identityOf("Alex Rivera")
				id.PreferredName = "Lex"
				v, err := tx.SaveClientIdentity(ctx, alex, id, 1, clientsAt.Add(time.Minute))
				if err != nil || v != 2 {
					t.Errorf("save: %d %v", v, err)
				}
				if _, err := tx.SaveClientIdentity(ctx, alex, id, 1, clientsAt); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("a stale save: %v", err)
				}
				c, err := tx.Client(ctx, alex)
				if err != nil || c.Identity.PreferredName != "Lex" || c.Version != 2 || !c.UpdatedAt.Equal(clientsAt.Add(time.Minute)) {
					t.Errorf("after save %+v %v", c, err)
				}
				return nil
			})

			// Assignments.
			inTx(t, st, func(tx *practicesql.Tx) error {
				if err := tx.AssignClient(ctx, alex, maya, admin, clientsAt); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("assigned twice: %v", err)
				}
				if ok, _ := tx.ClientAssigned(ctx, alex, maya); !ok {
					t.Error("Maya is not assigned to Alex")
				}
				if ok, _ := tx.ClientAssigned(ctx, alex, noor); ok {
					t.Error("Noor is assigned to Alex")
				}
				team, err := tx.ClientPractitioners(ctx, zoe)
				if err != nil || len(team) != 2 || team[0].Name != "Maya Patel" || team[1].Name != "Noor Haddad" ||
					team[1].Email != "noor.haddad@practice.example" || !team[1].IsPractitioner() {
					t.Errorf("Zoe's practitioners %+v %v", team, err)
				}
				m, err := tx.PracticeMember(ctx, admin)
				if err != nil || m.Name != "Sam Okafor" || m.IsPractitioner() {
					t.Errorf("member %+v %v", m, err)
				}
				if _, err := tx.PracticeMember(ctx, admin+100); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("a missing member: %v", err)
				}
				mine, err := tx.ClientsOf(ctx, maya)
				if err != nil || len(mine) != 2 || mine[0].Name != "Alex Rivera" || mine[0].PreferredName != "Lex" || mine[1].Name != "zoe Adams" {
					t.Errorf("Maya's clients %+v %v", mine, err)
				}
				dir, err := tx.ClientDirectory(ctx)
				if err != nil || len(dir) != 2 || dir[0].Name != "Alex Rivera" || len(dir[0].Practitioners) != 1 || len(dir[1].Practitioners) != 2 {
					t.Errorf("directory %+v %v", dir, err)
				}
				if err := tx.UnassignClient(ctx, zoe, maya); err != nil {
					return err
				}
				if err := tx.UnassignClient(ctx, zoe, maya); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("unassigned twice: %v", err)
				}
				return nil
			})
			ps, err := st.Practitioners(ctx)
			if err != nil || len(ps) != 2 || ps[0].ID != maya || ps[1].ID != noor {
				t.Errorf("practitioners %+v %v", ps, err)
			}

			// Consent texts and consents.
			body := strings.Repeat("I consent to treatment. ", 6)
			var v1 int64
			inTx(t, st, func(tx *practicesql.Tx) error {
				if _, err := tx.LatestConsentText(ctx); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("no text yet: %v", err)
				}
				var err error
				if v1, err = tx.CreateConsentText(ctx, practice.ConsentText{Version: 1, Title: "Consent", Body: body, PublishedAt: clientsAt, PublishedBy: admin}); err != nil {
					return err
				}
				if _, err := tx.CreateConsentText(ctx, practice.ConsentText{Version: 1, Title: "Again", Body: body, PublishedAt: clientsAt, PublishedBy: admin}); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("version 1 twice: %v", err)
				}
				if _, err := tx.ExecContext(ctx, "SELECT 1"); err != nil {
					t.Errorf("the transaction is unusable after a conflict: %v", err)
				}
				return nil
			})
			if err := st.InTx(ctx, func(tx *practicesql.Tx) error {
				return tx.ReviseConsentText(ctx, practice.ConsentText{ID: v1, Title: "Consent to treatment", Body: body + "Revised.", PublishedAt: clientsAt, PublishedBy: admin})
			}); err != nil {
				t.Fatal(err)
			}
			var signed int64
			inTx(t, st, func(tx *practicesql.Tx) error {
				text, err := tx.LatestConsentText(ctx)
				if err != nil || text.ID != v1 || text.Version != 1 || text.Title != "Consent to treatment" || text.Body != body+"Revised." {
					t.Errorf("latest %+v %v", text, err)
				}
				c := practice.Consent{ClientID: alex, TextID: v1, Version: 1, Title: text.Title, Text: text.Body, TextDigest: text.Digest(),
					Signer: practice.SignerClient, SignedName: "Alex Rivera", WitnessID: maya, WitnessName: "Maya Patel", SignedAt: clientsAt}
				if signed, err = tx.CreateConsent(ctx, c); err != nil {
					return err
				}
				got, err := tx.Consents(ctx, alex)
				if err != nil || len(got) != 1 {
					t.Fatalf("consents %+v %v", got, err)
				}
				c.ID = signed
				if got[0] != c {
					t.Errorf("consent read back\n%+v\nwant\n%+v", got[0], c)
				}
				return nil
			})
			err = st.InTx(ctx, func(tx *practicesql.Tx) error {
				return tx.ReviseConsentText(ctx, practice.ConsentText{ID: v1, Title: "Changed", Body: body, PublishedAt: clientsAt, PublishedBy: admin})
			})
			if !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("a signed text revised: %v", err)
			}
			if err := st.DB.QueryRowContext(ctx, st.Dialect.Rebind("SELECT signature FROM consents WHERE id = ?"), signed).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, "Alex") || strings.Contains(raw, "consent") {
				t.Errorf("signature in plain text: %s", raw)
			}
			inTx(t, st, func(tx *practicesql.Tx) error {
				mine, err := tx.ClientsOf(ctx, maya)
				if err != nil || !mine[0].Consented {
					t.Errorf("consented: %+v %v", mine, err)
				}
				if err := tx.WithdrawConsent(ctx, signed, clientsAt.Add(time.Hour), maya, "Pausing therapy."); err != nil {
					return err
				}
				if err := tx.WithdrawConsent(ctx, signed, clientsAt, maya, ""); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("withdrawn twice: %v", err)
				}
				got, err := tx.Consents(ctx, alex)
				if err != nil || !got[0].WithdrawnAt.Equal(clientsAt.Add(time.Hour)) || got[0].WithdrawnBy != maya || got[0].WithdrawalReason != "Pausing therapy." {
					t.Errorf("withdrawn %+v %v", got, err)
				}
				if mine, err = tx.ClientsOf(ctx, maya); err != nil || mine[0].Consented {
					t.Errorf("consented after withdrawal: %+v %v", mine, err)
				}
				return nil
			})
			texts, err := st.ConsentTexts(ctx)
			if err != nil || len(texts) != 1 || texts[0].ID != v1 {
				t.Errorf("texts %+v %v", texts, err)
			}

			// Emergency access: live from granted_at until expires_at.
			g := practice.EmergencyGrant{ClientID: alex, AdminID: admin, Reason: "Alex called in crisis; Maya unreachable.",
				GrantedAt: clientsAt, ExpiresAt: clientsAt.Add(time.Hour)}
			inTx(t, st, func(tx *practicesql.Tx) error {
				var err error
				if g.ID, err = tx.CreateEmergencyAccess(ctx, g); err != nil {
					return err
				}
				g.AdminName = "Sam Okafor"
				for _, tc := range []struct {
					at   time.Time
					live bool
				}{
					{clientsAt.Add(-time.Microsecond), false},
					{clientsAt, true},
					{clientsAt.Add(time.Hour - time.Microsecond), true},
					{clientsAt.Add(time.Hour), false},
				} {
					got, err := tx.LiveEmergencyAccess(ctx, alex, admin, tc.at)
					switch {
					case tc.live && (err != nil || *got != g):
						t.Errorf("at %s: %+v %v", tc.at, got, err)
					case !tc.live && !errors.Is(err, certboard.ErrNotFound):
						t.Errorf("at %s: live %+v %v", tc.at, got, err)
					}
				}
				if _, err := tx.LiveEmergencyAccess(ctx, zoe, admin, clientsAt); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("access to another client: %v", err)
				}
				if _, err := tx.LiveEmergencyAccess(ctx, alex, noor, clientsAt); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("access of another admin: %v", err)
				}
				all, err := tx.EmergencyAccesses(ctx, alex)
				if err != nil || len(all) != 1 || all[0] != g {
					t.Errorf("grants %+v %v", all, err)
				}
				return nil
			})
			if err := st.DB.QueryRowContext(ctx, st.Dialect.Rebind("SELECT reason FROM emergency_access WHERE id = ?"), g.ID).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, "crisis") {
				t.Errorf("reason in plain text: %s", raw)
			}
		})
	}
}
