package practicesql_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practiceseed"
	"github.com/certboard/certboard/practice/practicesql"
)

// TestPagedReads: the paged reads of notes and responses cover the whole
// lists once, in their order; the chart's scores are the latest of each
// instrument, without answers; the escalation reads only the latest of
// each instrument; a client's list follows a renamed identity. On both
// engines.
func TestPagedReads(t *testing.T) {
	ctx := context.Background()
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s, err := practiceseed.Seed(ctx, st, practiceseed.Config{Clients: 30, Notes: 23, Responses: 31, Batch: 10,
				Now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			inTx(t, st, func(tx *practicesql.Tx) error {
				whole, err := tx.ProgressNotes(ctx, s.BigCase)
				if err != nil {
					return err
				}
				if n, err := tx.CountProgressNotes(ctx, s.BigCase); err != nil || n != 23 {
					t.Errorf("count %d %v", n, err)
				}
				var got []practice.ProgressNote
				for off := 0; off < 23; off += 5 {
					page, err := tx.ProgressNotesPage(ctx, s.BigCase, 5, off)
					if err != nil {
						return err
					}
					got = append(got, page...)
				}
				if !slices.EqualFunc(got, whole, func(a, b practice.ProgressNote) bool { return a.ID == b.ID && a.Version == b.Version }) {
					t.Errorf("notes by page differ from the whole list")
				}
				if none, err := tx.ProgressNotesPage(ctx, s.BigCase, 5, 100); err != nil || len(none) != 0 {
					t.Errorf("past the end: %d %v", len(none), err)
				}

				all, err := tx.CaseMeasureResponses(ctx, s.BigCase)
				if err != nil {
					return err
				}
				for _, by := range []struct{ caseID, clientID int64 }{{s.BigCase, 0}, {0, s.BigClient}} {
					if n, err := tx.CountMeasureResponses(ctx, by.caseID, by.clientID); err != nil || n != 31 {
						t.Errorf("count %+v: %d %v", by, n, err)
					}
					var ids []int64
					for off := 0; off < 31; off += 7 {
						page, err := tx.MeasureResponsesPage(ctx, by.caseID, by.clientID, 7, off)
						if err != nil {
							return err
						}
						for _, r := range page {
							ids = append(ids, r.ID)
						}
					}
					if !slices.EqualFunc(ids, all, func(id int64, r practice.Response) bool { return id == r.ID }) {
						t.Errorf("responses by page %+v: %v", by, ids)
					}
					scores, err := tx.ChartScores(ctx, by.caseID, by.clientID, 4)
					if err != nil {
						return err
					}
					per := map[string][]int64{}
					for _, sc := range scores {
						if sc.Answers != nil || sc.Result == nil || sc.Status != practice.Completed {
							t.Errorf("score %d: %+v", sc.ID, sc)
						}
						per[sc.Instrument] = append(per[sc.Instrument], sc.ID)
					}
					for instrument, ids := range per {
						var want []int64
						for _, r := range all {
							if r.Instrument == instrument && len(want) < 4 {
								want = append(want, r.ID)
							}
						}
						if !slices.Equal(ids, want) {
							t.Errorf("%s scores %v, want the latest four %v", instrument, ids, want)
						}
					}
					if len(per) != 2 {
						t.Errorf("instruments charted: %v", per)
					}
				}
				ms, err := tx.MeasuresForEscalation(ctx, s.BigCase)
				if err != nil {
					return err
				}
				// The latest of each instrument (all[0] and all[1], PHQ-9 and
				// GAD-7 in turn), oldest first.
				if len(ms) != 2 || ms[0].Ref != practice.ResponseRef(all[1].ID) || ms[1].Ref != practice.ResponseRef(all[0].ID) {
					t.Errorf("escalation measures %+v", ms)
				}
				return nil
			})

			var before []practice.ClientSummary
			inTx(t, st, func(tx *practicesql.Tx) (err error) { before, err = tx.ClientsOf(ctx, s.Practitioner.ID); return err })
			if len(before) != 30 {
				t.Fatalf("clients: %d", len(before))
			}
			inTx(t, st, func(tx *practicesql.Tx) error {
				c, err := tx.Client(ctx, s.BigClient)
				if err != nil {
					return err
				}
				c.Identity.Name = "aaaa First"
				_, err = tx.SaveClientIdentity(ctx, s.BigClient, c.Identity, c.Version, time.Now())
				return err
			})
			inTx(t, st, func(tx *practicesql.Tx) error {
				after, err := tx.ClientsOf(ctx, s.Practitioner.ID)
				if err != nil {
					return err
				}
				if len(after) != 30 || after[0].ID != s.BigClient || after[0].Name != "aaaa First" || !after[0].Consented {
					t.Errorf("after the rename: %+v", after[0])
				}
				if other, err := tx.ClientNamesOf(ctx, s.Other.ID); err != nil || len(other) != 0 {
					t.Errorf("the other practitioner's clients: %d %v", len(other), err)
				}
				return nil
			})
		})
	}
}

// TestClientListCacheFollowsChanges: a practitioner's list, kept between
// reads, follows every assignment and unassignment at once, and a list
// read inside a transaction that rolled back is never served.
func TestClientListCacheFollowsChanges(t *testing.T) {
	ctx := context.Background()
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s, err := practiceseed.Seed(ctx, st, practiceseed.Config{Clients: 12, Now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			count := func(who int64) int {
				var n int
				inTx(t, st, func(tx *practicesql.Tx) error {
					l, err := tx.ClientNamesOf(ctx, who)
					n = len(l)
					return err
				})
				return n
			}
			for range 2 { // read, then served from the cache
				if count(s.Practitioner.ID) != 12 || count(s.Other.ID) != 0 {
					t.Fatal("the seeded lists")
				}
			}
			at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
			inTx(t, st, func(tx *practicesql.Tx) error {
				return tx.AssignClient(ctx, s.BigClient, s.Other.ID, s.Practitioner.ID, at)
			})
			if count(s.Other.ID) != 1 {
				t.Error("an assignment is not listed")
			}
			inTx(t, st, func(tx *practicesql.Tx) error { return tx.UnassignClient(ctx, s.BigClient, s.Other.ID) })
			if count(s.Other.ID) != 0 {
				t.Error("an unassigned client is still listed")
			}
			inTx(t, st, func(tx *practicesql.Tx) error { return tx.UnassignClient(ctx, s.BigClient, s.Practitioner.ID) })
			if count(s.Practitioner.ID) != 11 {
				t.Error("an unassigned client is still listed")
			}
			// A list read inside a transaction that then rolls back.
			rollback := errors.New("roll back")
			err = st.InTx(ctx, func(tx *practicesql.Tx) error {
				if err := tx.AssignClient(ctx, s.BigClient, s.Other.ID, s.Practitioner.ID, at); err != nil {
					return err
				}
				if l, err := tx.ClientNamesOf(ctx, s.Other.ID); err != nil || len(l) != 1 {
					t.Errorf("inside the transaction: %d %v", len(l), err)
				}
				return rollback
			})
			if !errors.Is(err, rollback) {
				t.Fatal(err)
			}
			if count(s.Other.ID) != 0 {
				t.Error("a list of a transaction rolled back was served")
			}
		})
	}
}
