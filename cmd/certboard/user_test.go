package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
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
