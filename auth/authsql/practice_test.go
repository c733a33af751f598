package authsql_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/certboard/certboard"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/audit/auditsql"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// practiceMigrations are practice mode's migrations, read from its folder:
// the schema a practice's database starts with.
var practiceMigrations = os.DirFS("../../practice/practicesql/migrations")

// sharedTables are the tables of the shared code (authsql, auditsql,
// jobsql) that the practice's first migration creates.
var sharedTables = []string{"users", "sessions", "email_tokens", "recovery_codes", "api_tokens", "sign_in_throttle",
	"known_devices", "mail_quota", "audit_log", "audit_checkpoint", "jobs", "outbox"}

// practiceDBs returns a fresh database on each engine with the practice's
// migrations only.
func practiceDBs(t *testing.T) map[string]*sqldb.DB {
	t.Helper()
	dbs := sqldbtest.Engines(t)
	for name, db := range dbs {
		applied, err := db.Migrate(context.Background(), practiceMigrations)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Contains(applied, 1) {
			t.Fatalf("%s: applied %v, want migration 1 among them", name, applied)
		}
	}
	return dbs
}

// TestPracticeSchemaIsTheBoards: the shared tables of a new practice
// database are those the board's migrations leave (columns with their
// types, nullability and defaults, keys, foreign keys, checks, indexes),
// on both engines, but for the one difference the migration states:
// users.roles has no default there.
func TestPracticeSchemaIsTheBoards(t *testing.T) {
	practice := practiceDBs(t)
	board := sqldbtest.Engines(t)
	for name, db := range board {
		if _, err := db.Migrate(context.Background(), boardsql.Migrations); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for name, pdb := range practice {
		t.Run(name, func(t *testing.T) {
			bdb := board[name]
			for _, table := range sharedTables {
				want := describe(t, bdb, table)
				if table == "users" {
					want = withoutDefault(t, want, "roles")
				}
				got := describe(t, pdb, table)
				if len(want) < 3 {
					t.Fatalf("%s: the board's table describes as %q: is describe broken?", table, want)
				}
				if d := diff(want, got); d != "" {
					t.Errorf("%s differs from the board's (- board, + practice):\n%s", table, d)
				}
			}
		})
	}
}

// describe lists what a table is made of, a line per column, key, foreign
// key, check and index, in an order that does not depend on how the table
// was made (one CREATE, or a CREATE and ALTERs).
func describe(t *testing.T, db *sqldb.DB, table string) []string {
	t.Helper()
	var queries []string
	if db.Dialect == sqldb.Postgres {
		queries = []string{
			`SELECT 'column ' || column_name || ': ' || data_type || ' nullable=' || is_nullable || ' default ' || COALESCE(column_default, '')
			 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
			`SELECT 'constraint ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass ORDER BY conname`,
			`SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 ORDER BY indexname`,
		}
	} else {
		queries = []string{
			`SELECT 'column ' || name || ': ' || type || ' notnull=' || "notnull" || ' pk=' || pk || ' default ' || COALESCE(dflt_value, '')
			 FROM pragma_table_info(?) ORDER BY cid`,
			`SELECT 'foreign key ' || "from" || ' -> ' || "table" || '(' || "to" || ') on delete ' || on_delete || ' on update ' || on_update
			 FROM pragma_foreign_key_list(?) ORDER BY id, seq`,
			`SELECT 'index ' || l.name || ' unique=' || l."unique" || ' origin=' || l.origin || ' partial=' || l.partial ||
			 ' on (' || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) || ')'
			 FROM pragma_index_list(?) l ORDER BY l.name`,
			// A partial index's condition and a table's checks are only in
			// the SQL it was made with.
			`SELECT 'index sql ' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`,
			`SELECT 'table sql ' || sql FROM sqlite_master WHERE type = 'table' AND name = ?`,
		}
	}
	var out []string
	for _, q := range queries {
		rows, err := db.QueryContext(context.Background(), q, table)
		if err != nil {
			t.Fatalf("describing %s: %v", table, err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			switch {
			case strings.HasPrefix(line, "index sql "):
				line = strings.Join(strings.Fields(line), " ")
			case strings.HasPrefix(line, "table sql "):
				// Of the table's SQL only its checks: the rest is above.
				for _, c := range checkClause.FindAllString(line, -1) {
					out = append(out, "check "+strings.Join(strings.Fields(c), " "))
				}
				continue
			}
			out = append(out, line)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// checkClause finds the CHECK constraints in a table's SQL (none of
// certboard's nests parentheses).
var checkClause = regexp.MustCompile(`(?i)CHECK\s*\([^()]*\)`)

// withoutDefault drops the default of a column from a description.
func withoutDefault(t *testing.T, lines []string, column string) []string {
	t.Helper()
	out := slices.Clone(lines)
	for i, l := range out {
		if strings.HasPrefix(l, "column "+column+": ") {
			before, _, ok := strings.Cut(l, " default ")
			if !ok {
				t.Fatalf("no default in %q", l)
			}
			out[i] = before + " default "
			return out
		}
	}
	t.Fatalf("no column %s in %q", column, lines)
	return nil
}

// diff lists the lines only in want (-) and only in got (+).
func diff(want, got []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "- %s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "+ %s\n", g)
		}
	}
	if b.Len() == 0 && !slices.Equal(want, got) {
		fmt.Fprintf(&b, "the same lines in another order:\n- %q\n+ %q\n", want, got)
	}
	return b.String()
}

// TestAccountsOnPracticeSchema runs the account store on a database made
// by the practice's migrations alone, on both engines: an account with a
// practice role made and verified with its link, a session, two factors
// with recovery codes, a throttle charged, an API token, a known device,
// a confirmation, the mail quota, the audit log (its chain verified), the
// outbox and the job queue, and the sign-up sweep.
func TestAccountsOnPracticeSchema(t *testing.T) {
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	for name, db := range practiceDBs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			log := auditsql.New(db, keys)
			s := authsql.New(db, authsql.Config{Keys: keys, Audit: log, Roles: auth.PracticeRoles})
			at := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
			const email = "Dana.Osei@Practice.example"

			// Made, with its link, in one transaction that audits and mails.
			var uid int64
			err := s.InTx(ctx, func(tx auth.Tx) error {
				var err error
				if uid, err = tx.CreateUser(ctx, auth.User{Email: email, Name: "Dana Osei", PasswordHash: "hash-1",
					Roles: []auth.Role{auth.Practitioner}, CreatedAt: at, Workplace: "Osei Practice"}); err != nil {
					return err
				}
				if err := tx.CreateEmailToken(ctx, "link-digest", uid, auth.PurposeVerify, at.Add(time.Hour)); err != nil {
					return err
				}
				if ok, err := tx.TakeMailQuota(ctx, email, at, time.Hour, 1); err != nil || !ok {
					return fmt.Errorf("the first mail's quota: %v %v", ok, err)
				}
				if _, err := tx.EnqueueMail(ctx, jobs.Mail{To: email, Subject: "Verify your e-mail address", Body: "Open the link", CreatedAt: at}); err != nil {
					return err
				}
				_, err = tx.AppendAudit(ctx, audit.Entry{At: at, Actor: fmt.Sprintf("user/%d", uid), Action: "account.sign_up", Subject: fmt.Sprintf("user/%d", uid)})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateUser(ctx, auth.User{Email: strings.ToUpper(email), Name: "Someone", PasswordHash: "x", CreatedAt: at}); !errors.Is(err, authsql.ErrConflict) {
				t.Fatalf("a second account with the address: %v, want a conflict", err)
			}
			if u, err := s.EmailTokenUser(ctx, "link-digest", auth.PurposeVerify, at); err != nil || u.ID != uid {
				t.Fatalf("the link's account: %+v %v", u, err)
			}
			err = s.InTx(ctx, func(tx auth.Tx) error {
				id, err := tx.UseEmailToken(ctx, "link-digest", auth.PurposeVerify, at.Add(time.Minute))
				if err != nil || id != uid {
					return fmt.Errorf("using the link: %d %v", id, err)
				}
				return tx.MarkEmailVerifiedWithHash(ctx, uid, "hash-1", at.Add(time.Minute))
			})
			if err != nil {
				t.Fatal(err)
			}
			u, err := s.UserByEmail(ctx, email)
			if err != nil || u.ID != uid || u.Email != strings.ToLower(email) || !slices.Equal(u.Roles, []auth.Role{auth.Practitioner}) ||
				!u.EmailVerifiedAt.Equal(at.Add(time.Minute)) || u.Workplace != "Osei Practice" || u.Version != 2 {
				t.Fatalf("the account: %+v %v", u, err)
			}
			if found, err := s.SearchUsers(ctx, "osei", 10); err != nil || len(found) != 1 {
				t.Fatalf("search: %v %v", found, err)
			}
			if admins, err := s.Users(ctx, auth.PracticeAdmin); err != nil || len(admins) != 0 {
				t.Fatalf("practice admins: %v %v", admins, err)
			}

			// A session, confirmed.
			ss := auth.Session{Digest: strings.Repeat("ab", 32), UserID: uid, CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(12 * time.Hour), UserAgent: "test"}
			if err := s.InTx(ctx, func(tx auth.Tx) error { return tx.CreateSession(ctx, ss) }); err != nil {
				t.Fatal(err)
			}
			got, owner, err := s.LiveSession(ctx, ss.Digest, at.Add(2*time.Minute), time.Hour)
			if err != nil || owner.ID != uid || got.Pending || !got.LastSeenAt.Equal(at.Add(2*time.Minute)) {
				t.Fatalf("the session: %+v %+v %v", got, owner, err)
			}
			if _, _, err := s.LiveSession(ctx, ss.Digest, at.Add(3*time.Hour), time.Hour); !errors.Is(err, authsql.ErrNotFound) {
				t.Fatalf("an idle session: %v, want not found", err)
			}
			ss.Digest = strings.Repeat("cd", 32)
			if err := s.CreateSession(ctx, ss); err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx auth.Tx) error { return tx.MarkReauthenticated(ctx, uid, ss.Digest, at.Add(4*time.Minute)) }); err != nil {
				t.Fatal(err)
			}
			if when, err := s.ReauthenticatedAt(ctx, ss.Digest); err != nil || !when.Equal(at.Add(4*time.Minute)) {
				t.Fatalf("confirmed at: %v %v", when, err)
			}
			if list, err := s.UserSessions(ctx, uid, at.Add(5*time.Minute), time.Hour); err != nil || len(list) != 1 {
				t.Fatalf("sessions: %+v %v", list, err)
			}

			// Two factors: the secret sealed, confirmed with recovery codes,
			// a replayed step refused, a code spent once.
			const secret = "JBSWY3DPEHPK3PXP"
			err = s.InTx(ctx, func(tx auth.Tx) error {
				if err := tx.BeginTOTP(ctx, uid, secret); err != nil {
					return err
				}
				return tx.ConfirmTOTP(ctx, uid, 100, []string{"r1", "r2"}, at)
			})
			if err != nil {
				t.Fatal(err)
			}
			var stored string
			if err := db.QueryRow(db.Dialect.Rebind("SELECT totp_secret FROM users WHERE id = ?"), uid).Scan(&stored); err != nil || strings.Contains(stored, secret) {
				t.Fatalf("the stored secret %q (%v) is not sealed", stored, err)
			}
			if st, err := s.TOTP(ctx, uid); err != nil || st.Secret != secret || !st.EnabledAt.Equal(at) || st.LastStep != 100 {
				t.Fatalf("two factors: %+v %v", st, err)
			}
			if err := s.InTx(ctx, func(tx auth.Tx) error { return tx.UseTOTPStep(ctx, uid, 100) }); !errors.Is(err, authsql.ErrConflict) {
				t.Fatalf("a replayed step: %v, want a conflict", err)
			}
			if err := s.InTx(ctx, func(tx auth.Tx) error { return tx.UseRecoveryCode(ctx, uid, "r1", at) }); err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx auth.Tx) error { return tx.UseRecoveryCode(ctx, uid, "r1", at) }); !errors.Is(err, authsql.ErrNotFound) {
				t.Fatalf("a spent code: %v, want not found", err)
			}
			if n, err := s.RecoveryCodesLeft(ctx, uid); err != nil || n != 1 {
				t.Fatalf("codes left: %d %v", n, err)
			}

			// The throttle: one free attempt, then a wait; a failure told once.
			charge := auth.Charge{ThrottleKey: auth.ThrottleKey{Scope: "password", Key: "dana|net", Account: email},
				Policy: auth.Throttle{Free: 1, Base: time.Minute, Max: time.Hour, Window: time.Hour}}
			if wait, err := s.ChargeAttempt(ctx, at, charge); err != nil || wait != 0 {
				t.Fatalf("the first attempt: %v %v", wait, err)
			}
			if wait, err := s.ChargeAttempt(ctx, at.Add(time.Second), charge); err != nil || wait != time.Minute-time.Second {
				t.Fatalf("the second attempt: waits %v (%v), want 59s", wait, err)
			}
			if a, err := s.Throttle(ctx, charge.ThrottleKey); err != nil || a.Failures != 1 {
				t.Fatalf("the counter: %+v %v", a, err)
			}
			notice := auth.Notice{After: 1, Window: time.Hour}
			for i, want := range []bool{true, false} {
				var tell bool
				err := s.InTx(ctx, func(tx auth.Tx) error {
					var err error
					tell, err = tx.CountFailure(ctx, auth.ThrottleKey{Scope: "notice", Key: "dana", Account: email}, notice, at)
					return err
				})
				if err != nil || tell != want {
					t.Fatalf("failure %d: tell %v (%v), want %v", i+1, tell, err, want)
				}
			}
			if err := s.InTx(ctx, func(tx auth.Tx) error { return tx.ClearAccountThrottles(ctx, uid) }); err != nil {
				t.Fatal(err)
			}
			if a, err := s.Throttle(ctx, charge.ThrottleKey); err != nil || a.Failures != 0 {
				t.Fatalf("the counter after clearing the account's: %+v %v", a, err)
			}

			// An API token and a known device.
			tok := auth.APIToken{Digest: strings.Repeat("ef", 32), UserID: uid, Name: "records export", CreatedAt: at, ExpiresAt: at.AddDate(0, 0, 90)}
			err = s.InTx(ctx, func(tx auth.Tx) error {
				if err := tx.CreateAPIToken(ctx, tok); err != nil {
					return err
				}
				return tx.RememberDevice(ctx, uid, "device-digest", at, at.AddDate(0, 0, 30))
			})
			if err != nil {
				t.Fatal(err)
			}
			if owner, exp, err := s.APITokenUser(ctx, tok.Digest, at.Add(time.Hour)); err != nil || owner.ID != uid || !exp.Equal(tok.ExpiresAt) {
				t.Fatalf("the token's user: %+v %v %v", owner, exp, err)
			}
			if _, _, err := s.APITokenUser(ctx, tok.Digest, tok.ExpiresAt); !errors.Is(err, auth.ErrTokenExpired) {
				t.Fatalf("an expired token: %v", err)
			}
			if list, err := s.APITokens(ctx, uid); err != nil || len(list) != 1 || list[0].LastUsedAt.IsZero() {
				t.Fatalf("tokens: %+v %v", list, err)
			}
			if known, err := s.KnownDevice(ctx, uid, "device-digest", at.Add(time.Hour)); err != nil || !known {
				t.Fatalf("the device: %v %v", known, err)
			}

			// A password change ends the other session, revokes the token
			// and forgets the device.
			var sessions, tokens int64
			err = s.InTx(ctx, func(tx auth.Tx) error {
				var err error
				sessions, tokens, err = tx.ChangePassword(ctx, uid, "hash-1", "hash-2", "")
				return err
			})
			if err != nil || sessions != 1 || tokens != 1 {
				t.Fatalf("changing the password: %d sessions, %d tokens, %v", sessions, tokens, err)
			}
			if known, err := s.KnownDevice(ctx, uid, "device-digest", at.Add(time.Hour)); err != nil || known {
				t.Fatalf("the device after the change: %v %v", known, err)
			}

			// Practice mode takes no sign-ups: an invited practitioner who
			// has not verified yet is neither replaced by a stranger
			// signing up with the address nor swept, and the job is
			// finished.
			var invited int64
			err = s.InTx(ctx, func(tx auth.Tx) error {
				var err error
				invited, err = tx.CreateUser(ctx, auth.User{Email: "late@practice.example", Name: "Late", PasswordHash: "x",
					Roles: []auth.Role{auth.Practitioner}, CreatedAt: at.AddDate(0, 0, -30)})
				if err != nil {
					return err
				}
				id, replaced, err := tx.ReplaceUnverifiedUser(ctx, auth.User{Email: "late@practice.example", Name: "Stranger",
					PasswordHash: "stranger", Roles: []auth.Role{auth.Practitioner}, CreatedAt: at})
				if err != nil || replaced || id != invited {
					return fmt.Errorf("a sign-up over the invited account: id %d, replaced %v, %v", id, replaced, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var jobID int64
			err = db.InTx(ctx, func(tx *sqldb.Tx) error {
				if _, err := jobsql.Enqueue(ctx, tx, jobs.Job{Kind: "account_sweep", Key: "sweep/2027-02-01", RunAt: at}); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, "SELECT id FROM jobs").Scan(&jobID)
			})
			if err != nil {
				t.Fatal(err)
			}
			accounts, err := auth.NewAccounts(auth.AccountsConfig{Store: s})
			if err != nil {
				t.Fatal(err)
			}
			err = accounts.SignUp(ctx, auth.SignUp{Email: "late@practice.example", Name: "Stranger", Password: "a long enough passphrase"})
			if certboard.ErrorCode(err) != certboard.Forbidden {
				t.Fatalf("signing up where sign-up is closed: %v, want forbidden", err)
			}
			if err := accounts.Sweep(ctx, jobID, "system", at); err != nil {
				t.Fatal(err)
			}
			if u, err := s.UserByEmail(ctx, "late@practice.example"); err != nil || u.Name != "Late" || u.PasswordHash != "x" {
				t.Fatalf("the invited account after a sign-up and the sweep: %+v %v, want it kept as it was", u, err)
			}
			// A board role in the practice's database is refused when read.
			if _, err := db.ExecContext(ctx, db.Dialect.Rebind("UPDATE users SET roles = ? WHERE id = ?"), "applicant", invited); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UserByEmail(ctx, "late@practice.example"); err == nil || !strings.Contains(err.Error(), "not a role of this mode") {
				t.Fatalf("a board role read from the practice's database: %v", err)
			}
			if js, err := jobsql.List(ctx, db, "sweep/"); err != nil || len(js) != 1 || js[0].Outcome != jobs.Skipped {
				t.Fatalf("the sweep's job: %+v %v", js, err)
			}

			// The audit log holds the sign-up and the sweep, chained and
			// checkpointed; the outbox the mail, sealed.
			if n, err := log.Verify(ctx); err != nil || n != 1 {
				t.Fatalf("the audit log: %d entries, %v", n, err)
			}
			es, err := log.Entries(ctx)
			if err != nil || len(es) != 1 || es[0].Action != "account.sign_up" {
				t.Fatalf("entries: %+v %v", es, err)
			}
			due, err := (&jobsql.Outbox{DB: db, Keys: keys}).DueMail(ctx, at, 10)
			if err != nil || len(due) != 1 || due[0].Body != "Open the link" || due[0].Unreadable != nil {
				t.Fatalf("the outbox: %+v %v", due, err)
			}
		})
	}
}
