package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/sqldb"
)

// TestJobsCommand: on a board's and on a practice's database, certboard
// jobs lists the dead jobs and mail (payloads summed up), retries a job
// and discards a message, audited; a job that is not dead is refused.
func TestJobsCommand(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, mode := range []string{"board", "practice"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			var db *sqldb.DB
			var auditLen func() int
			if mode == "board" {
				st, err := openConfigured(ctx, &storeOptions{Config: boardsql.Config{DataDir: dir}})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				if _, err := st.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				db = st.DB
				auditLen = func() int { l, _ := st.AuditLog(ctx); return len(l) }
			} else {
				st, err := openPracticeStore(ctx, &storeOptions{Config: boardsql.Config{DataDir: dir}})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				if _, err := st.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				db = st.DB
				auditLen = func() int { l, _ := st.AuditLog().Entries(ctx); return len(l) }
			}
			err := db.InTx(ctx, func(tx *sqldb.Tx) error {
				if _, err := jobsql.Enqueue(ctx, tx, jobs.Job{Kind: "reminder", Key: "session/7/reminder", Payload: `{"session":7,"client":"Jo Doe, 12 Elm St"}`, RunAt: now}); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, tx.Dialect.Rebind("INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, '', ?, ?)"),
					"jo@example.org", "Your appointment", tx.Dialect.Time(now), tx.Dialect.Time(now))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			at := now
			for range jobs.MaxAttempts {
				js, err := jobsql.Claim(ctx, db, at, time.Minute, 10)
				if err != nil || len(js) != 1 {
					t.Fatalf("%+v %v", js, err)
				}
				if _, err := jobsql.Retry(ctx, db, js[0].ID, js[0].Attempts, "template missing", at); err != nil {
					t.Fatal(err)
				}
				if err := (&jobsql.Outbox{DB: db}).MarkMailFailed(ctx, 1, "550 no such user", at, at); err != nil {
					t.Fatal(err)
				}
				at = at.Add(8 * time.Hour)
			}
			jobsCmd := func(args ...string) (int, string) {
				var out, errb bytes.Buffer
				code := runJobs(append(args, "--mode", mode, "--data", dir), &out, &errb, at)
				return code, out.String() + errb.String()
			}
			code, out := jobsCmd("list")
			if code != exitOK || !strings.Contains(out, "dead jobs: 1") || !strings.Contains(out, "session/7/reminder") || !strings.Contains(out, "client=(17 chars) session=7") ||
				!strings.Contains(out, "template missing") || !strings.Contains(out, "dead mail: 1") || !strings.Contains(out, "550 no such user") {
				t.Fatalf("list: %d\n%s", code, out)
			}
			if strings.Contains(out, "Elm St") {
				t.Fatalf("list shows a payload:\n%s", out)
			}
			dead, _ := jobsql.DeadJobs(ctx, db, 10)
			id := strconv.FormatInt(dead[0].ID, 10)
			before := auditLen()
			if code, out := jobsCmd("retry", "--id", id); code != exitOK || !strings.Contains(out, "due again") {
				t.Fatalf("retry: %d %s", code, out)
			}
			if code, out := jobsCmd("retry", "--id", id); code != exitBadInput || !strings.Contains(out, "not dead") {
				t.Fatalf("retrying a pending job: %d %s", code, out)
			}
			if code, out := jobsCmd("discard", "--mail", "--id", "1"); code != exitOK || !strings.Contains(out, "discarded") {
				t.Fatalf("discard: %d %s", code, out)
			}
			if code, out := jobsCmd("discard"); code != exitBadInput || !strings.Contains(out, "--id") {
				t.Fatalf("no id: %d %s", code, out)
			}
			if n := auditLen() - before; n != 2 {
				t.Fatalf("%d audit entries", n)
			}
			if js, _ := jobsql.Claim(ctx, db, at, time.Minute, 10); len(js) != 1 || js[0].Attempts != 1 {
				t.Fatalf("the retried job: %+v", js)
			}
			if code, out := jobsCmd("list"); code != exitOK || !strings.Contains(out, "dead jobs: 0") || !strings.Contains(out, "dead mail: 0") {
				t.Fatalf("list after: %d\n%s", code, out)
			}
		})
	}
}
