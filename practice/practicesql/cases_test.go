package practicesql

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/plissit"
)

// caseT0 is when the cases of these tests are opened.
var caseT0 = time.Date(2026, 12, 7, 9, 30, 0, 123456000, time.UTC)

// caseInTx runs f in a transaction of s, failing the test on an error.
func caseInTx(t *testing.T, s *Store, f func(tx *Tx) error) {
	t.Helper()
	if err := s.InTx(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

// caseNew opens a case of client at caseT0 and returns it.
func caseNew(t *testing.T, s *Store, client, practitioner int64) practice.Case {
	t.Helper()
	c := practice.Case{ClientID: client, PractitionerID: practitioner, Status: practice.CaseOpen, Stage: plissit.Permission,
		OpenedAt: caseT0, OpenedBy: practitioner, Version: 1}
	caseInTx(t, s, func(tx *Tx) error {
		id, err := tx.CreateCase(context.Background(), c)
		c.ID = id
		return err
	})
	return c
}

func TestCasesRoundTrip(t *testing.T) {
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a := caseNew(t, s, caseClient1, caseAlice)
			b := caseNew(t, s, caseClient1, caseAlice)
			other := caseNew(t, s, caseClient2, caseBob)
			caseInTx(t, s, func(tx *Tx) error {
				got, err := tx.Case(ctx, a.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*got, a) {
					t.Errorf("read %+v, want %+v", *got, a)
				}
				if _, err := tx.Case(ctx, other.ID+100); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("a missing case: %v", err)
				}
				list, err := tx.ClientCases(ctx, caseClient1)
				if err != nil {
					return err
				}
				if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
					t.Errorf("client 1's cases %+v, want %d then %d", list, b.ID, a.ID)
				}

				locked, err := tx.LockCase(ctx, a.ID)
				if err != nil {
					return err
				}
				locked.Stage, locked.PractitionerID = plissit.IntensiveTherapy, caseBob
				next, err := tx.UpdateCase(ctx, *locked, 1)
				if err != nil || next != 2 {
					t.Fatalf("update: %d, %v", next, err)
				}
				if _, err := tx.UpdateCase(ctx, *locked, 1); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("a stale update: %v", err)
				}

				locked.Status, locked.ClosedAt, locked.ClosedBy, locked.CloseReason = practice.CaseClosed, caseT0.Add(time.Hour), caseBob, "ended well"
				if _, err := tx.UpdateCase(ctx, *locked, 2); err != nil {
					return err
				}
				got, err = tx.Case(ctx, a.ID)
				if err != nil {
					return err
				}
				locked.Version = 3
				if !reflect.DeepEqual(*got, *locked) {
					t.Errorf("closed: read %+v, want %+v", *got, *locked)
				}
				return nil
			})
		})
	}
}

func TestCaseMovesInOrder(t *testing.T) {
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			moves := []practice.CaseMove{
				{Seq: 1, ByName: "Alice Adler", Move: plissit.Move{To: plissit.Permission, By: caseAlice, At: caseT0, Reason: "first session"}},
				{Seq: 2, ByName: "Alice Adler", Move: plissit.Move{From: plissit.Permission, To: plissit.SpecificSuggestions, By: caseAlice,
					At: caseT0.Add(24 * time.Hour), Reason: "history to take\nnext week"}},
				{Seq: 3, ByName: "Bob Brown", Move: plissit.Move{From: plissit.SpecificSuggestions, To: plissit.LimitedInformation, By: caseBob,
					At: caseT0.Add(48 * time.Hour), Reason: "client wants information only"}},
			}
			caseInTx(t, s, func(tx *Tx) error {
				for _, m := range moves {
					if err := tx.AddCaseMove(ctx, c.ID, m); err != nil {
						return err
					}
				}
				return nil
			})
			// On PostgreSQL a unique violation ends the transaction: each
			// is tried in its own.
			if err := s.InTx(ctx, func(tx *Tx) error { return tx.AddCaseMove(ctx, c.ID, moves[0]) }); !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("a second move 1: %v", err)
			}
			caseInTx(t, s, func(tx *Tx) error {
				got, err := tx.CaseMoves(ctx, c.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(got, moves) {
					t.Errorf("moves\n%+v\nwant\n%+v", got, moves)
				}
				none, err := tx.CaseMoves(ctx, c.ID+1)
				if err != nil || none == nil || len(none) != 0 {
					t.Errorf("moves of a case without any: %v, %v", none, err)
				}
				return nil
			})
		})
	}
}

func TestCaseConcernsReplaced(t *testing.T) {
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			first := []concern.Diagnosis{
				{Concern: "erectile-disorder", Specifiers: concern.Specifiers{Onset: concern.Acquired, Context: concern.Situational, Severity: concern.Mild}},
				{Concern: "relationship-concerns"},
			}
			second := []concern.Diagnosis{{Concern: "premature-ejaculation", Specifiers: concern.Specifiers{Onset: concern.Lifelong}}}
			caseInTx(t, s, func(tx *Tx) error {
				if err := tx.SetCaseConcerns(ctx, c.ID, "concerns-v1", first); err != nil {
					return err
				}
				got, err := tx.CaseConcerns(ctx, c.ID)
				if err != nil {
					return err
				}
				want := []practice.StoredConcern{{Diagnosis: first[0], Taxonomy: "concerns-v1"}, {Diagnosis: first[1], Taxonomy: "concerns-v1"}}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("concerns %+v, want %+v", got, want)
				}
				if err := tx.SetCaseConcerns(ctx, c.ID, "concerns-v2", second); err != nil {
					return err
				}
				got, err = tx.CaseConcerns(ctx, c.ID)
				if err != nil {
					return err
				}
				want = []practice.StoredConcern{{Diagnosis: second[0], Taxonomy: "concerns-v2"}}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("replaced: %+v, want %+v", got, want)
				}
				if err := tx.SetCaseConcerns(ctx, c.ID, "concerns-v2", nil); err != nil {
					return err
				}
				got, err = tx.CaseConcerns(ctx, c.ID)
				if err != nil || got == nil || len(got) != 0 {
					t.Errorf("emptied: %+v, %v", got, err)
				}
				return nil
			})
		})
	}
}

func TestCaseComorbiditiesRecordedAndEnded(t *testing.T) {
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			other := caseNew(t, s, caseClient2, caseBob)
			dep := practice.Comorbidity{CaseID: c.ID, Kind: escalation.Depression, Source: practice.FromMeasure, MeasureRef: "measure:7",
				RecordedBy: caseAlice, RecordedByName: "Alice Adler", RecordedAt: caseT0}
			pd := practice.Comorbidity{CaseID: c.ID, Kind: escalation.PersonalityDisorder, Source: practice.FromDiagnosis,
				Note: "F60.3 on file from Dr Ortiz", RecordedBy: caseAlice, RecordedByName: "Alice Adler", RecordedAt: caseT0.Add(time.Minute)}
			caseInTx(t, s, func(tx *Tx) error {
				var err error
				if dep.ID, err = tx.AddComorbidity(ctx, dep); err != nil {
					return err
				}
				if pd.ID, err = tx.AddComorbidity(ctx, pd); err != nil {
					return err
				}
				ended := caseT0.Add(time.Hour)
				if err := tx.EndComorbidity(ctx, c.ID, dep.ID, ended, caseBob, "resolved: PHQ-9 of 4"); err != nil {
					return err
				}
				dep.EndedAt, dep.EndedBy, dep.EndReason = ended, caseBob, "resolved: PHQ-9 of 4"
				if err := tx.EndComorbidity(ctx, c.ID, dep.ID, ended, caseBob, "again"); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("ended twice: %v", err)
				}
				if err := tx.EndComorbidity(ctx, other.ID, pd.ID, ended, caseBob, "wrong case"); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("ended through another case: %v", err)
				}
				got, err := tx.Comorbidities(ctx, c.ID)
				if err != nil {
					return err
				}
				if want := []practice.Comorbidity{dep, pd}; !reflect.DeepEqual(got, want) {
					t.Errorf("comorbidities\n%+v\nwant\n%+v", got, want)
				}
				if none, err := tx.Comorbidities(ctx, other.ID); err != nil || none == nil || len(none) != 0 {
					t.Errorf("another case's: %+v, %v", none, err)
				}
				return nil
			})
		})
	}
}

func TestCaseReferralsStored(t *testing.T) {
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			other := caseNew(t, s, caseClient2, caseBob)
			first := practice.Referral{CaseID: c.ID, Stage: plissit.IntensiveTherapy,
				To:  practice.ReferralTo{Name: "Dr Ines Ortiz", Organisation: "Harbour Sex Therapy", Contact: "+1 555 0100", RegistryURL: "https://board.example/registry/42"},
				Why: "Depression with the sexual concern", Consent: practice.ConsentGiven, Shared: []string{"sexual history", "PHQ-9"},
				Status: practice.ReferralSent, MadeBy: caseAlice, MadeByName: "Alice Adler", MadeAt: caseT0, UpdatedAt: caseT0, Version: 1}
			second := practice.Referral{CaseID: c.ID, Stage: plissit.SpecificSuggestions,
				To:  practice.ReferralTo{Name: "Pelvic floor clinic", Contact: "clinic@example.org"},
				Why: "pelvic floor assessment", Consent: practice.ConsentRefused,
				Status: practice.ReferralSent, MadeBy: caseAlice, MadeByName: "Alice Adler", MadeAt: caseT0.Add(time.Hour), UpdatedAt: caseT0.Add(time.Hour), Version: 1}
			// A referral begun through a registry: the board, the concerns
			// then, the search, and the registry entry chosen.
			first.Board, first.UpdatedBy = "did:web:board.example", caseAlice
			first.Concerns = []practice.ReferredConcern{{Name: "Erectile disorder", Codes: []string{"F52.21"}}, {Name: "relationship-concerns"}}
			// What the client agreed to share, item by item; the second
			// (refused) shares nothing.
			first.Scope = &practice.ReferralScope{Concerns: true, Stage: true, Instruments: []string{"phq-9", "gad-7"}}
			second.Scope = &practice.ReferralScope{}
			first.Search = practice.RegistrySearch{Name: "ortiz", Region: "Illinois", Credential: "aasect-cst", Accepting: true}
			first.To.EntryID, first.To.Credential = 42, "AASECT Certified Sex Therapist: valid"
			caseInTx(t, s, func(tx *Tx) error {
				var err error
				if first.ID, err = tx.AddReferral(ctx, first); err != nil {
					return err
				}
				if second.ID, err = tx.AddReferral(ctx, second); err != nil {
					return err
				}
				first.Moves = []practice.ReferralMove{{Seq: 1, Status: practice.ReferralDraft, By: caseAlice, ByName: "Alice Adler", At: caseT0},
					{Seq: 2, Status: practice.ReferralSent, By: caseAlice, ByName: "Alice Adler", At: caseT0.Add(time.Minute)}}
				for _, m := range first.Moves {
					if err := tx.AddReferralMove(ctx, first.ID, m); err != nil {
						return err
					}
				}
				second.Shared, second.Moves = []string{}, []practice.ReferralMove{}
				got, err := tx.Referrals(ctx, c.ID)
				if err != nil {
					return err
				}
				if want := []practice.Referral{second, first}; !reflect.DeepEqual(got, want) {
					t.Errorf("referrals\n%+v\nwant\n%+v", got, want)
				}
				if _, err := tx.LockReferral(ctx, other.ID, first.ID); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("locked through another case: %v", err)
				}
				r, err := tx.LockReferral(ctx, c.ID, first.ID)
				if err != nil || !reflect.DeepEqual(*r, first) {
					t.Errorf("locked %+v, %v", r, err)
				}
				at := caseT0.Add(2 * time.Hour)
				if next, err := tx.SetReferralStatus(ctx, first.ID, practice.ReferralAccepted, 1, at, caseAlice); err != nil || next != 2 {
					t.Errorf("status: %d, %v", next, err)
				}
				if _, err := tx.SetReferralStatus(ctx, first.ID, practice.ReferralWithdrawn, 1, at, caseAlice); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("a stale status: %v", err)
				}
				r, err = tx.LockReferral(ctx, c.ID, first.ID)
				if err != nil {
					return err
				}
				if r.Status != practice.ReferralAccepted || r.Version != 2 || !r.UpdatedAt.Equal(at) || r.UpdatedBy != caseAlice {
					t.Errorf("after the status: %+v", r)
				}
				// A draft completed: its recipient and search rewritten, sealed.
				r.To = practice.ReferralTo{Name: "Jordan Reyes", Organisation: "Lakeview", Contact: "jordan@example.org",
					RegistryURL: "https://board.example/credentials/abc", EntryID: 7, Credential: "CST: valid"}
				r.Search.Name, r.UpdatedBy, r.UpdatedAt = "jordan", caseBob, at.Add(time.Hour)
				if next, err := tx.UpdateReferral(ctx, *r, 2); err != nil || next != 3 {
					t.Errorf("update: %d, %v", next, err)
				}
				if _, err := tx.UpdateReferral(ctx, *r, 2); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("a stale update: %v", err)
				}
				again, err := tx.LockReferral(ctx, c.ID, first.ID)
				if err != nil {
					return err
				}
				r.Version = 3
				if !reflect.DeepEqual(again, r) {
					t.Errorf("updated\n%+v\nwant\n%+v", again, r)
				}
				var sealed string
				if err := tx.QueryRowContext(ctx, "SELECT recipient || details FROM case_referrals WHERE id = "+strconv.FormatInt(first.ID, 10)).Scan(&sealed); err != nil {
					return err
				}
				for _, plain := range []string{"Jordan", "Illinois", "Erectile", "aasect", "phq-9", "instruments"} {
					if strings.Contains(sealed, plain) {
						t.Errorf("%q is stored in the clear", plain)
					}
				}
				// A referral recorded before consent was itemised keeps
				// reading: no scope, its concerns as one string each.
				old, err := tx.caseSealJSON(map[string]any{"why": "pelvic floor", "shared": []string{"the sexual history"},
					"concerns": []string{"Erectile disorder (ICD-10-CM F52.21)"}}, caseRowContext("referrals", second.ID, "details"))
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, tx.caseQ("UPDATE case_referrals SET details = ? WHERE id = ?"), old, second.ID); err != nil {
					return err
				}
				legacy, err := tx.LockReferral(ctx, c.ID, second.ID)
				if err != nil {
					return err
				}
				if legacy.Scope != nil || !reflect.DeepEqual(legacy.Shared, []string{"the sexual history"}) ||
					!reflect.DeepEqual(legacy.Concerns, []practice.ReferredConcern{{Name: "Erectile disorder (ICD-10-CM F52.21)"}}) {
					t.Errorf("a referral of before: scope %+v, shared %v, concerns %v", legacy.Scope, legacy.Shared, legacy.Concerns)
				}
				return nil
			})
		})
	}
}

func TestCaseSexualHistoryVersionsStored(t *testing.T) {
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			partial := plissit.SexualHistory{Issues: plissit.Issues{Concerns: []plissit.Concern{{ConcernID: "erectile-disorder", Description: "loses erections with a new partner"}}}}
			full := plissit.SexualHistory{
				Issues:        partial.Issues,
				Evolution:     plissit.Evolution{Onset: plissit.Onset{Date: date.MustParse("2025-03-01"), Text: "after the move"}, Course: "worse", Context: "new job", Acquisition: plissit.Acquired, Generality: plissit.Situational},
				Understanding: plissit.Understanding{Client: "performance worry", Options: "sensate focus"},
				Plan:          plissit.Plan{Sources: "stress", Goals: []string{"erections with partner"}, Plan: "weekly sessions"},
			}
			byAge := full
			byAge.Evolution.Onset = plissit.Onset{Age: 31}
			caseInTx(t, s, func(tx *Tx) error {
				if _, err := tx.SexualHistory(ctx, c.ID, 0); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("no history yet: %v", err)
				}
				for i, h := range []plissit.SexualHistory{partial, full, byAge} {
					if err := tx.AddSexualHistory(ctx, practice.SexualHistoryVersion{CaseID: c.ID, Version: i + 1, History: h,
						SavedBy: caseAlice, SavedByName: "Alice Adler", SavedAt: caseT0.Add(time.Duration(i) * time.Hour)}); err != nil {
						return err
					}
				}
				return nil
			})
			if err := s.InTx(ctx, func(tx *Tx) error {
				return tx.AddSexualHistory(ctx, practice.SexualHistoryVersion{CaseID: c.ID, Version: 2, History: full,
					SavedBy: caseBob, SavedByName: "Bob Brown", SavedAt: caseT0})
			}); !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("version 2 twice: %v", err)
			}
			caseInTx(t, s, func(tx *Tx) error {
				for v, want := range map[int]plissit.SexualHistory{0: byAge, 1: partial, 2: full, 3: byAge} {
					got, err := tx.SexualHistory(ctx, c.ID, v)
					if err != nil {
						return err
					}
					if !reflect.DeepEqual(got.History, want) {
						t.Errorf("version %d:\n%+v\nwant\n%+v", v, got.History, want)
					}
					if v != 0 && got.Version != v || v == 0 && got.Version != 3 || got.SavedByName != "Alice Adler" {
						t.Errorf("version %d read as %d by %q", v, got.Version, got.SavedByName)
					}
				}
				if _, err := tx.SexualHistory(ctx, c.ID, 4); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("version 4: %v", err)
				}
				vs, err := tx.SexualHistoryVersions(ctx, c.ID)
				if err != nil {
					return err
				}
				if len(vs) != 3 || vs[0].Version != 3 || vs[2].Version != 1 || !vs[2].SavedAt.Equal(caseT0) {
					t.Errorf("versions %+v", vs)
				}
				return nil
			})
		})
	}
}

func TestCaseTreatmentPlanVersionsStored(t *testing.T) {
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			plan := plissit.TreatmentPlan{
				Goals:         []plissit.Goal{{ID: "g1", Text: "erections with partner", Measure: "IIEF-5 of 22 or more"}},
				Interventions: []plissit.Intervention{{Text: "sensate focus", Goals: []string{"g1"}}, {Text: "CBT for depression"}},
				Frequency:     plissit.Frequency{Sessions: 1, Per: plissit.Week},
				Reviews:       []date.Date{date.MustParse("2027-01-15"), date.MustParse("2027-03-15")},
				Comorbidities: []string{"12"},
			}
			caseInTx(t, s, func(tx *Tx) error {
				if _, err := tx.TreatmentPlan(ctx, c.ID, 0); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("no plan yet: %v", err)
				}
				if err := tx.AddTreatmentPlan(ctx, practice.TreatmentPlanVersion{CaseID: c.ID, Version: 1, Plan: plan,
					SavedBy: caseBob, SavedByName: "Bob Brown", SavedAt: caseT0}); err != nil {
					return err
				}
				return nil
			})
			if err := s.InTx(ctx, func(tx *Tx) error {
				return tx.AddTreatmentPlan(ctx, practice.TreatmentPlanVersion{CaseID: c.ID, Version: 1, Plan: plan,
					SavedBy: caseBob, SavedByName: "Bob Brown", SavedAt: caseT0})
			}); !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("version 1 twice: %v", err)
			}
			caseInTx(t, s, func(tx *Tx) error {
				got, err := tx.TreatmentPlan(ctx, c.ID, 0)
				if err != nil {
					return err
				}
				want := practice.TreatmentPlanVersion{CaseID: c.ID, Version: 1, Plan: plan, SavedBy: caseBob, SavedByName: "Bob Brown", SavedAt: caseT0}
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("plan\n%+v\nwant\n%+v", *got, want)
				}
				vs, err := tx.TreatmentPlanVersions(ctx, c.ID)
				if err != nil || len(vs) != 1 || vs[0].Version != 1 {
					t.Errorf("versions %+v, %v", vs, err)
				}
				return nil
			})
		})
	}
}

// TestCasesSealedAtRest: every sealed column of the cases tables holds no
// clinical text in the clear, and opens with the context caseSealed makes
// from the row, which is what key rotation relies on.
func TestCasesSealedAtRest(t *testing.T) {
	const secret = "SECRET-CLINICAL-TEXT"
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			caseInTx(t, s, func(tx *Tx) error {
				if err := tx.AddCaseMove(ctx, c.ID, practice.CaseMove{Seq: 1, ByName: "A",
					Move: plissit.Move{To: plissit.Permission, By: caseAlice, At: caseT0, Reason: secret}}); err != nil {
					return err
				}
				if err := tx.SetCaseConcerns(ctx, c.ID, "t", []concern.Diagnosis{{Concern: secret}}); err != nil {
					return err
				}
				id, err := tx.AddComorbidity(ctx, practice.Comorbidity{CaseID: c.ID, Kind: escalation.Anxiety, Source: practice.FromJudgement,
					MeasureRef: secret, Note: secret, RecordedBy: caseAlice, RecordedByName: "A", RecordedAt: caseT0})
				if err != nil {
					return err
				}
				if err := tx.EndComorbidity(ctx, c.ID, id, caseT0, caseAlice, secret); err != nil {
					return err
				}
				if _, err := tx.AddReferral(ctx, practice.Referral{CaseID: c.ID, Stage: plissit.IntensiveTherapy, To: practice.ReferralTo{Name: secret, Contact: "C"},
					Why: secret, Consent: practice.ConsentGiven, Shared: []string{secret}, Status: practice.ReferralSent, MadeBy: caseAlice,
					MadeByName: "A", MadeAt: caseT0, UpdatedAt: caseT0, Version: 1}); err != nil {
					return err
				}
				h := plissit.SexualHistory{Understanding: plissit.Understanding{Client: secret}}
				if err := tx.AddSexualHistory(ctx, practice.SexualHistoryVersion{CaseID: c.ID, Version: 1, History: h, SavedBy: caseAlice, SavedByName: "A", SavedAt: caseT0}); err != nil {
					return err
				}
				tp := plissit.TreatmentPlan{Goals: []plissit.Goal{{ID: "g1", Text: secret, Measure: "m"}}}
				if err := tx.AddTreatmentPlan(ctx, practice.TreatmentPlanVersion{CaseID: c.ID, Version: 1, Plan: tp, SavedBy: caseAlice, SavedByName: "A", SavedAt: caseT0}); err != nil {
					return err
				}
				c.Status, c.ClosedAt, c.ClosedBy, c.CloseReason = practice.CaseClosed, caseT0, caseAlice, secret
				_, err = tx.UpdateCase(ctx, c, 1)
				return err
			})
			for _, col := range caseSealed {
				t.Run(col.table+"."+col.column, func(t *testing.T) {
					query := fmt.Sprintf("SELECT %s, %s FROM %s", col.column, caseCastText(col.contextOf), col.table)
					rows, err := s.DB.QueryContext(ctx, query)
					if err != nil {
						t.Fatal(err)
					}
					defer rows.Close()
					n := 0
					for rows.Next() {
						vals := make([]string, len(col.contextOf))
						dest := []any{new(string)}
						for i := range vals {
							dest = append(dest, &vals[i])
						}
						if err := rows.Scan(dest...); err != nil {
							t.Fatal(err)
						}
						sealed := *dest[0].(*string)
						if strings.Contains(sealed, secret) || sealed == "" {
							t.Errorf("stored %q", sealed)
							continue
						}
						plain, err := s.open(sealed, col.context(vals))
						if err != nil {
							t.Errorf("does not open with the context of %v: %v", vals, err)
						} else if !strings.Contains(string(plain), secret) {
							t.Errorf("opens to %q", plain)
						}
						n++
					}
					if err := rows.Err(); err != nil {
						t.Fatal(err)
					}
					if n == 0 {
						t.Error("no value was sealed")
					}
				})
			}
		})
	}
}

// caseCastText selects columns as text on either engine, for contexts made of
// their values.
func caseCastText(cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "CAST(" + c + " AS TEXT)"
	}
	return strings.Join(out, ", ")
}

// TestCaseReferencesListEveryAccountColumn: every column of the cases
// migration that names an account is in caseReferences (so that no
// account a case names is deleted as an expired sign-up), and the list
// names nothing else.
func TestCaseReferencesListEveryAccountColumn(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		sql, err := fs.ReadFile(Migrations, dialect+"/00003_cases.sql")
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		table := ""
		for _, line := range strings.Split(string(sql), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) >= 3 && f[0] == "CREATE" && f[1] == "TABLE":
				table = f[2]
			case len(f) >= 2 && strings.Contains(line, "REFERENCES users(id)"):
				found = append(found, table+"."+f[0])
			}
		}
		var listed []string
		for _, r := range caseReferences {
			listed = append(listed, r.Table+"."+r.Column)
		}
		slices.Sort(found)
		slices.Sort(listed)
		if !slices.Equal(found, listed) {
			t.Errorf("%s: the migration's account columns %v, caseReferences %v", dialect, found, listed)
		}
		for _, r := range caseReferences {
			if !slices.Contains(references, r) {
				t.Errorf("%s.%s is not among the store's references", r.Table, r.Column)
			}
		}
	}
}

// TestClientPart2Stored: a client's record is not marked until marked;
// the mark keeps who and when, and can be taken off; an unknown client is
// NotFound.
func TestClientPart2Stored(t *testing.T) {
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			caseInTx(t, s, func(tx *Tx) error {
				m, err := tx.ClientPart2(ctx, c.ClientID)
				if err != nil || m != (practice.Part2Mark{}) {
					t.Errorf("never marked: %+v, %v", m, err)
				}
				want := practice.Part2Mark{Covered: true, By: caseAlice, At: caseT0}
				if err := tx.SetClientPart2(ctx, c.ClientID, want); err != nil {
					return err
				}
				if m, err := tx.ClientPart2(ctx, c.ClientID); err != nil || m.Covered != want.Covered || m.By != want.By || !m.At.Equal(want.At) {
					t.Errorf("marked: %+v, %v", m, err)
				}
				off := practice.Part2Mark{By: caseBob, At: caseT0.Add(time.Hour)}
				if err := tx.SetClientPart2(ctx, c.ClientID, off); err != nil {
					return err
				}
				if m, err := tx.ClientPart2(ctx, c.ClientID); err != nil || m.Covered || m.By != caseBob {
					t.Errorf("unmarked: %+v, %v", m, err)
				}
				if _, err := tx.ClientPart2(ctx, 9999); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("no such client: %v", err)
				}
				if err := tx.SetClientPart2(ctx, 9999, want); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("marking no such client: %v", err)
				}
				return nil
			})
		})
	}
}
