package boardsql

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestRegistryPagesWithSeveralCredentials pins what the one-statement
// search must keep: pages of holders with several public credentials (and
// private ones), by cursor and by offset, with arguments both in the count
// and in the page, on both engines.
func TestRegistryPagesWithSeveralCredentials(t *testing.T) {
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	until := now.AddDate(1, 0, 0)
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var ids []int64
			for i := range 5 {
				var creds []IssuedCredential
				// Holder i has i+1 public credentials, issued on different days,
				// one of florida-sex-therapist, and a private one.
				for k := range i + 1 {
					c := IssuedCredential{ID: fmt.Sprintf("h%d-pub%d", i, k), Public: true, ValidUntil: until,
						IssuedAt: time.Date(2026, 1, 1+k, 0, 0, 0, 0, time.UTC)}
					if k == 0 {
						c.SetID = "florida-sex-therapist"
					}
					creds = append(creds, c)
				}
				creds = append(creds, IssuedCredential{ID: fmt.Sprintf("h%d-priv", i), ValidUntil: until})
				ids = append(ids, addRegistryHolder(t, s, 100+i, registryHolder{p: Profile{DisplayName: fmt.Sprintf("Therapist Number%d", i),
					City: "Chicago", Country: "US", Visible: true, Practice: "Lakeview Therapy"}, creds: creds}))
			}
			check := func(what string, pg *RegistryPage, wantIdx []int, wantNext int64, wantTotal int) {
				t.Helper()
				var got []int64
				for _, l := range pg.Listings {
					got = append(got, l.HolderID)
					i := slices.Index(ids, l.HolderID)
					if len(l.Credentials) != i+1 {
						t.Errorf("%s: holder %d has %d credentials, want %d", what, i, len(l.Credentials), i+1)
					}
					for k, c := range l.Credentials {
						if want := fmt.Sprintf("h%d-pub%d", i, i-k); c.ID != want || c.HolderID != l.HolderID {
							t.Errorf("%s: holder %d credential %d is %s (holder %d), want %s newest first", what, i, k, c.ID, c.HolderID, want)
						}
					}
				}
				var want []int64
				for _, i := range wantIdx {
					want = append(want, ids[i])
				}
				if !slices.Equal(got, want) || pg.Next != wantNext || pg.Total != wantTotal {
					t.Errorf("%s: got %v next %d total %d, want %v next %d total %d", what, got, pg.Next, pg.Total, want, wantNext, wantTotal)
				}
			}
			for _, q := range []RegistryQuery{{}, {Q: "therapy"}, {Credential: "florida-sex-therapist"}, {Q: "therap", Credential: "florida-sex-therapist", City: "chicago"}} {
				what := fmt.Sprintf("%+v", q)
				q.Limit = 2
				pg, err := s.SearchRegistry(ctx, q)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				check(what+" page 1", pg, []int{0, 1}, ids[1], 5)
				q.After = pg.Next
				if pg, err = s.SearchRegistry(ctx, q); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				check(what+" page 2", pg, []int{2, 3}, ids[3], 5)
				q.After = pg.Next
				if pg, err = s.SearchRegistry(ctx, q); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				check(what+" page 3", pg, []int{4}, 0, 5)
				q.After = 0
				for off, want := range map[int][]int{2: {2, 3}, 4: {4}, 6: nil} {
					q.Offset = off
					if pg, err = s.SearchRegistry(ctx, q); err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					next := int64(0)
					if off == 2 {
						next = ids[3]
					}
					check(fmt.Sprintf("%s offset %d", what, off), pg, want, next, 5)
				}
				q.Offset, q.CountCap = 0, 3
				for _, after := range []int64{0, ids[0], ids[3]} {
					q.After = after
					if pg, err = s.SearchRegistry(ctx, q); err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					if pg.Total != 3 || !pg.TotalCapped {
						t.Errorf("%s capped after %d: total %d capped %v", what, after, pg.Total, pg.TotalCapped)
					}
				}
				q.After, q.CountCap = 0, 0
				q.Offset, q.NoCount, q.Limit = 0, true, 3
				if pg, err = s.SearchRegistry(ctx, q); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				check(what+" no count", pg, []int{0, 1, 2}, ids[2], 0)
			}
		})
	}
}
