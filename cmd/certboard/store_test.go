package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
)

func TestMigrateAndAuditVerify(t *testing.T) {
	dir := t.TempDir()
	today := date.MustParse("2026-06-01")
	call := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(args, &out, &errb, today)
		return code, out.String() + errb.String()
	}
	if code, out := call("audit", "verify", "--data", dir); code != exitBadInput || !strings.Contains(out, "run certboard migrate first") {
		t.Fatalf("verify before migrating: %d %q", code, out)
	}
	if code, out := call("migrate", "--data", dir); code != exitOK || !strings.Contains(out, "sqlite database is up to date (migrations applied now: ") ||
		strings.Contains(out, "applied now: 0)") {
		t.Fatalf("migrate: %d %q", code, out)
	}
	if code, out := call("migrate", "--data", dir); code != exitOK || !strings.Contains(out, "(migrations applied now: 0)") {
		t.Fatalf("migrate again: %d %q", code, out)
	}
	if code, out := call("audit", "verify", "--data", dir); code != exitOK || !strings.Contains(out, "intact: 0 entries") {
		t.Fatalf("verify an empty log: %d %q", code, out)
	}

	ctx := context.Background()
	s, err := openConfigured(ctx, &storeOptions{Config: boardsql.Config{DataDir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 3 {
		if err := s.InTx(ctx, func(tx *boardsql.Tx) error {
			_, err := tx.AppendAudit(ctx, audit.Entry{At: time.Now(), Actor: "staff", Action: "test", Subject: "x", After: string(rune('a' + i))})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if code, out := call("audit", "verify", "--data", dir); code != exitOK || !strings.Contains(out, "intact: 3 entries") {
		t.Fatalf("verify: %d %q", code, out)
	}
	if _, err := s.DB.ExecContext(ctx, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	if code, out := call("audit", "verify", "--data", dir); code != exitNo || !strings.Contains(out, "BROKEN: audit log broken at entry 2") {
		t.Fatalf("verify after an edit: %d %q", code, out)
	}
	if code, out := call("migrate", "--database", "mysql://x"); code != exitBadInput || !strings.Contains(out, "only postgres:// URLs") {
		t.Fatalf("bad database URL: %d %q", code, out)
	}
}

func TestKeysListAndRotate(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var out, errb bytes.Buffer
	if code := runKeys([]string{"list", "--data", dir}, &out, &errb, now); code != exitOK || !strings.Contains(out.String(), "no signing key yet") {
		t.Fatalf("list on a new board: %d %q %q", code, out.String(), errb.String())
	}
	for i := range 2 {
		out.Reset()
		if code := runKeys([]string{"rotate", "--data", dir}, &out, &errb, now.AddDate(0, i, 0)); code != exitOK {
			t.Fatalf("rotate: %d %s", code, errb.String())
		}
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "new signing key key-20261226-") || !strings.Contains(lines[1], "current") || !strings.Contains(lines[2], "retired 2026-12-26") {
		t.Fatalf("after two rotations:\n%s", out.String())
	}
	if code := runKeys([]string{"spin"}, &out, &errb, now); code != exitBadInput {
		t.Fatalf("unknown subcommand: %d", code)
	}
}
