package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/practice/practicesql"
)

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	add := func(stdin string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := runUser(append([]string{"add", "--data", dir}, args...), strings.NewReader(stdin), &out, &errb)
		return code, out.String() + errb.String()
	}
	code, out := add("violet kettle mountain breeze\n", "--email", "Staff@Example.org", "--name", "Board Staff", "--role", "staff,admin")
	if code != exitOK || !strings.Contains(out, "created for staff@example.org (staff, admin)") {
		t.Fatalf("%d %q", code, out)
	}
	st, err := boardsql.Open(context.Background(), boardsql.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByEmail(context.Background(), "staff@example.org")
	if err != nil || !u.HasRole(auth.Admin) {
		t.Fatalf("%+v %v", u, err)
	}
	if ok, _, err := auth.Verify(u.PasswordHash, "violet kettle mountain breeze", auth.DefaultParams); !ok || err != nil {
		t.Fatal("the stored password does not verify")
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"violet kettle mountain breeze\n", []string{"--email", "staff@example.org", "--name", "Again"}, "already exists"},
		{"short\n", []string{"--email", "x@example.org", "--name", "X"}, "at least 12 characters"},
		{"violet kettle mountain breeze\n", []string{"--email", "not-an-address", "--name", "X"}, "is not an e-mail address"},
		{"violet kettle mountain breeze\n", []string{"--email", "y@example.org", "--name", "Y", "--role", "king"}, `--role "king" is not one of`},
		{"", []string{"--email", "z@example.org", "--name", "Z"}, "give the password"},
	} {
		if code, out := add(tc.stdin, tc.args...); code != exitBadInput || !strings.Contains(out, tc.want) {
			t.Errorf("%v: %d %q, want %q", tc.args, code, out, tc.want)
		}
	}
}

// TestUserAddPractice: the first admin of a practice is made on the
// practice's own database, with a practice's roles only.
func TestUserAddPractice(t *testing.T) {
	dir := t.TempDir()
	add := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := runUser(append([]string{"add", "--mode", "practice", "--data", dir}, args...), strings.NewReader("violet kettle mountain breeze\n"), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := add("--email", "admin@practice.example", "--name", "Ines Okoro"); code != exitOK || !strings.Contains(out, "(practice_admin)") {
		t.Fatalf("%d %q", code, out)
	}
	if code, out := add("--email", "x@practice.example", "--name", "X", "--role", "staff"); code != exitBadInput || !strings.Contains(out, "practitioner, practice_admin") {
		t.Fatalf("a board role in a practice: %d %q", code, out)
	}
	st, err := practicesql.Open(context.Background(), practicesql.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByEmail(context.Background(), "admin@practice.example")
	if err != nil || !u.HasRole(auth.PracticeAdmin) || u.EmailVerifiedAt.IsZero() {
		t.Fatalf("%+v %v", u, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "certboard.db")); !os.IsNotExist(err) {
		t.Fatalf("a practice's account went to the board's database file: %v", err)
	}
}
