package practicesql

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth/authsql"
)

// TestLinkReferencesListEveryAccountColumn: every column of migration
// 00010 that names an account is among the store's references, so that
// an account a link or a schedule names is never deleted as an expired
// sign-up.
func TestLinkReferencesListEveryAccountColumn(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		sql, err := fs.ReadFile(Migrations, dialect+"/00010_measure_links.sql")
		if err != nil {
			t.Fatal(err)
		}
		table, n := "", 0
		for _, line := range strings.Split(string(sql), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) >= 3 && f[0] == "CREATE" && f[1] == "TABLE":
				table = f[2]
			case len(f) >= 2 && strings.Contains(line, "REFERENCES users(id)"):
				n++
				if !slices.Contains(references, authsql.Reference{Table: table, Column: f[0]}) {
					t.Errorf("%s: %s.%s is not among the store's references", dialect, table, f[0])
				}
			}
		}
		if n != 4 {
			t.Errorf("%s: %d account columns, want 4", dialect, n)
		}
	}
}
