package practicesql_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/practicesql"
)

var measureT0 = time.Date(2027, 3, 4, 9, 30, 0, 0, time.UTC)

func measureAnswers(vals ...int) []*int {
	out := make([]*int, len(vals))
	for i, v := range vals {
		if v >= 0 {
			out[i] = &v
		}
	}
	return out
}

// people are the accounts a test of the measures' store names, and two
// clients.
type people struct{ pat, sam, admin, other, client, client2 int64 }

// measurePeople adds the accounts the tests name to st.
func measurePeople(t *testing.T, st *practicesql.Store) people {
	t.Helper()
	var ids []int64
	for i, name := range []string{"Pat Practitioner", "Sam Practitioner", "Ada Admin", "Oli Other"} {
		role := auth.Practitioner
		if i == 2 {
			role = auth.PracticeAdmin
		}
		id, err := st.CreateUser(context.Background(), auth.User{Email: fmt.Sprintf("person%d@practice.example", i), Name: name,
			PasswordHash: "unused", Roles: []auth.Role{role}, CreatedAt: measureT0, EmailVerifiedAt: measureT0})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	u := people{pat: ids[0], sam: ids[1], admin: ids[2], other: ids[3]}
	measureTx(t, st, func(tx *practicesql.Tx) error {
		var err error
		c := practice.Client{Identity: practice.Identity{Name: "Robin Vale"}, CreatedAt: measureT0, CreatedBy: u.pat, UpdatedAt: measureT0}
		if u.client, err = tx.CreateClient(context.Background(), c); err != nil {
			return err
		}
		c.Identity.Name = "Jo Marsh"
		u.client2, err = tx.CreateClient(context.Background(), c)
		return err
	})
	return u
}

// measureTx runs f in a transaction of s, failing the test on an error.
func measureTx(t *testing.T, s *practicesql.Store, f func(tx *practicesql.Tx) error) {
	t.Helper()
	if err := s.InTx(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

// rawColumn reads one text column of a row, as stored.
func rawColumn(t *testing.T, s *practicesql.Store, table, column string, id int64) string {
	t.Helper()
	var v string
	if err := s.DB.QueryRowContext(context.Background(), s.Dialect.Rebind("SELECT "+column+" FROM "+table+" WHERE id = ?"), id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMeasureSettings(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			measureTx(t, s, func(tx *practicesql.Tx) error {
				if _, err := tx.LockMeasureSetting(ctx, "asex"); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("unconfigured: %v, want ErrNotFound", err)
				}
				v, err := tx.SaveMeasureSetting(ctx, practice.InstrumentSetting{Instrument: "asex", UpdatedAt: measureT0})
				if err != nil || v != 1 {
					t.Fatalf("insert: %d, %v", v, err)
				}
				return nil
			})
			// A second first write lost the race.
			err := s.InTx(ctx, func(tx *practicesql.Tx) error {
				_, err := tx.SaveMeasureSetting(ctx, practice.InstrumentSetting{Instrument: "asex", UpdatedAt: measureT0})
				return err
			})
			if !errors.Is(err, certboard.ErrConflict) {
				t.Fatalf("second insert: %v, want ErrConflict", err)
			}
			perm := &practice.Permission{By: u.admin, ByName: "Ada Admin", At: measureT0, Statement: "Licence 12 from the Arizona Board of Regents, 2027-01-02"}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				v, err := tx.SaveMeasureSetting(ctx, practice.InstrumentSetting{Instrument: "asex", Enabled: true, Permission: perm,
					UpdatedAt: measureT0.Add(time.Hour), Version: 1})
				if err != nil || v != 2 {
					t.Fatalf("update: %d, %v", v, err)
				}
				_, err = tx.SaveMeasureSetting(ctx, practice.InstrumentSetting{Instrument: "asex", UpdatedAt: measureT0, Version: 1})
				if !errors.Is(err, certboard.ErrConflict) {
					t.Fatalf("stale update: %v, want ErrConflict", err)
				}
				got, err := tx.LockMeasureSetting(ctx, "asex")
				if err != nil {
					return err
				}
				want := practice.InstrumentSetting{Instrument: "asex", Enabled: true, Permission: perm, UpdatedAt: measureT0.Add(time.Hour), Version: 2}
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("setting %+v\nwant %+v", *got, want)
				}
				return nil
			})
			all, err := s.MeasureSettings(ctx)
			if err != nil || len(all) != 1 || all[0].Instrument != "asex" || all[0].Permission == nil {
				t.Fatalf("MeasureSettings: %+v, %v", all, err)
			}
		})
	}
}

func TestMeasureTexts(t *testing.T) {
	ctx := context.Background()
	phq, _ := measure.ShippedTexts("phq-9") // any valid texts will do for storage
	gad, _ := measure.ShippedTexts("gad-7")
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			var first, second, other int64
			measureTx(t, s, func(tx *practicesql.Tx) error {
				var err error
				if first, err = tx.CreateMeasureTexts(ctx, practice.ImportedTexts{Instrument: "asex", Texts: phq, By: u.admin, At: measureT0}); err != nil {
					return err
				}
				if second, err = tx.CreateMeasureTexts(ctx, practice.ImportedTexts{Instrument: "asex", Texts: gad, By: u.admin, At: measureT0.Add(time.Hour)}); err != nil {
					return err
				}
				other, err = tx.CreateMeasureTexts(ctx, practice.ImportedTexts{Instrument: "pedt", Texts: phq, By: u.other, At: measureT0})
				return err
			})
			measureTx(t, s, func(tx *practicesql.Tx) error {
				got, err := tx.MeasureTexts(ctx, first)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(got.Texts, phq) || got.By != u.admin || !got.At.Equal(measureT0) || got.Instrument != "asex" {
					t.Errorf("texts %d read back as %+v", first, got)
				}
				list, err := tx.MeasureTextsOf(ctx, "asex")
				if err != nil {
					return err
				}
				if len(list) != 2 || list[0].ID != second || list[1].ID != first {
					t.Errorf("imports of asex %v, want newest first", list)
				}
				if _, err := tx.MeasureTexts(ctx, 999); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("missing texts: %v", err)
				}
				return nil
			})
			latest, err := s.LatestMeasureTexts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(latest) != 2 || latest["asex"].ID != second || latest["pedt"].ID != other {
				t.Errorf("latest %v", latest)
			}
		})
	}
}

func TestMeasureResponses(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			const caseID = 41
			clientID := u.client
			progress := practice.Response{CaseID: caseID, ClientID: clientID, Instrument: "phq-9", Sex: measure.Female,
				Answers: measureAnswers(1, 1, -1, 0, 0, 0, 0, 0, 0), Closing: "Somewhat difficult", TextsRef: "shipped",
				Status: practice.InProgress, TakenAt: measureT0, EnteredBy: u.pat, EnteredByName: "Pat Practitioner",
				CreatedAt: measureT0, UpdatedAt: measureT0, Version: 1}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				id, err := tx.CreateMeasureResponse(ctx, progress)
				if err != nil {
					return err
				}
				progress.ID = id
				got, err := tx.MeasureResponse(ctx, id)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*got, progress) {
					t.Errorf("read back %+v\nwant %+v", *got, progress)
				}
				return nil
			})
			if raw := rawColumn(t, s, "measure_responses", "answers", progress.ID); strings.Contains(raw, "Somewhat") || strings.Contains(raw, "[1,1") {
				t.Errorf("answers stored in the clear: %q", raw)
			}

			// Completing it scores it; a stale version or a completed
			// response is not rewritten.
			done := progress
			done.Answers = measureAnswers(1, 1, 2, 0, 0, 0, 0, 0, 1)
			done.Status = practice.Completed
			done.Result, _ = measure.Score("phq-9", []int{1, 1, 2, 0, 0, 0, 0, 0, 1}, measure.Female)
			done.UpdatedAt, done.CompletedAt = measureT0.Add(time.Hour), measureT0.Add(time.Hour)
			measureTx(t, s, func(tx *practicesql.Tx) error {
				if _, err := tx.SaveMeasureProgress(ctx, done, 2); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("stale version: %v, want ErrConflict", err)
				}
				v, err := tx.SaveMeasureProgress(ctx, done, 1)
				if err != nil || v != 2 {
					t.Fatalf("complete: %d, %v", v, err)
				}
				done.Version = 2
				if _, err := tx.SaveMeasureProgress(ctx, done, 2); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("a completed response rewritten: %v", err)
				}
				got, err := tx.LockMeasureResponse(ctx, done.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*got, done) {
					t.Errorf("completed %+v\nwant %+v", *got, done)
				}
				return nil
			})
			if raw := rawColumn(t, s, "measure_responses", "result", done.ID); strings.Contains(raw, "self-harm") || strings.Contains(raw, "total") {
				t.Errorf("result stored in the clear: %q", raw)
			}

			// A correction, then the original marked entered in error.
			corr := done
			corr.ID, corr.Corrects, corr.TakenAt = 0, done.ID, measureT0.Add(2*time.Hour)
			mark := practice.ErrorMark{Reason: "Answers of another client typed in", By: u.pat, ByName: "Pat Practitioner", At: measureT0.Add(3 * time.Hour)}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				id, err := tx.CreateMeasureResponse(ctx, corr)
				if err != nil {
					return err
				}
				corr.ID = id
				if err := tx.MarkMeasureInError(ctx, done.ID, mark, id); err != nil {
					return err
				}
				if err := tx.MarkMeasureInError(ctx, done.ID, mark, 0); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("marked twice: %v, want ErrConflict", err)
				}
				got, err := tx.MeasureResponse(ctx, done.ID)
				if err != nil {
					return err
				}
				if got.Status != practice.EnteredInError || got.CorrectedBy != id || got.Error == nil || *got.Error != mark ||
					got.Result == nil || got.Result.Total != done.Result.Total {
					t.Errorf("marked %+v", got)
				}
				back, err := tx.MeasureResponse(ctx, id)
				if err != nil || back.Corrects != done.ID {
					t.Errorf("correction %+v, %v", back, err)
				}
				return nil
			})
			if raw := rawColumn(t, s, "measure_responses", "error_reason", done.ID); strings.Contains(raw, "another client") {
				t.Errorf("reason stored in the clear: %q", raw)
			}

			// Another case's response, and one in progress, do not count.
			measureTx(t, s, func(tx *practicesql.Tx) error {
				other := corr
				other.CaseID, other.Corrects = 99, 0
				if _, err := tx.CreateMeasureResponse(ctx, other); err != nil {
					return err
				}
				open := progress
				open.TakenAt = measureT0.Add(4 * time.Hour)
				openID, err := tx.CreateMeasureResponse(ctx, open)
				if err != nil {
					return err
				}
				list, err := tx.CaseMeasureResponses(ctx, caseID)
				if err != nil {
					return err
				}
				var ids []int64
				for _, r := range list {
					ids = append(ids, r.ID)
				}
				if want := []int64{openID, corr.ID, done.ID}; !reflect.DeepEqual(ids, want) {
					t.Errorf("case responses %v, want %v (newest taken first)", ids, want)
				}
				all, err := tx.ClientMeasureResponses(ctx, clientID)
				if err != nil || len(all) != 4 || all[0].ID != openID {
					t.Errorf("the client's responses: %d, %v; want all four, newest first", len(all), err)
				}
				if none, err := tx.ClientMeasureResponses(ctx, u.client2); err != nil || len(none) != 0 {
					t.Errorf("another client's responses: %+v, %v", none, err)
				}
				ms, err := tx.MeasuresForEscalation(ctx, caseID)
				if err != nil {
					return err
				}
				if len(ms) != 1 || ms[0].Ref != practice.ResponseRef(corr.ID) || !ms[0].Taken.Equal(corr.TakenAt) ||
					!reflect.DeepEqual(ms[0].Result, *corr.Result) {
					t.Errorf("measures for escalation %+v, want the correction only", ms)
				}
				return nil
			})
		})
	}
}

// TestScoredResponseFixed checks that the database itself refuses to
// change a scored response, whatever the code above it does.
func TestScoredResponseFixed(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			r := practice.Response{CaseID: 1, ClientID: u.client, Instrument: "gad-7", Answers: measureAnswers(0, 0, 0, 0, 0, 0, 0),
				TextsRef: "shipped", Status: practice.Completed, TakenAt: measureT0, EnteredBy: u.pat, EnteredByName: "P",
				CreatedAt: measureT0, UpdatedAt: measureT0, CompletedAt: measureT0, Version: 1}
			r.Result, _ = measure.Score("gad-7", []int{0, 0, 0, 0, 0, 0, 0}, measure.NoSex)
			var id int64
			measureTx(t, s, func(tx *practicesql.Tx) error {
				var err error
				id, err = tx.CreateMeasureResponse(ctx, r)
				return err
			})
			for _, set := range []string{"answers = 'x'", "result = 'x'", "sex = 'male'", "client_id = 2", "instrument = 'phq-9'",
				"case_id = 2", "status = 'in_progress'"} {
				_, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE measure_responses SET "+set+" WHERE id = ?"), id)
				if err == nil || !strings.Contains(err.Error(), "never changes") {
					t.Errorf("SET %s: %v, want refused", set, err)
				}
			}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				return tx.MarkMeasureInError(ctx, id, practice.ErrorMark{Reason: "wrong client", By: u.pat, At: measureT0}, 0)
			})
			if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE measure_responses SET status = 'completed' WHERE id = ?"), id); err == nil {
				t.Error("a response entered in error was restored")
			}
		})
	}
}

func TestEscalationRecords(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			exp := practice.Explanation{RulesVersion: "1", Effective: "2026-12-01", NeedsIntensiveTherapy: true,
				Comorbidities: []practice.ExplainedComorbidity{{Kind: "depression", Label: "Depression", From: []string{"rule phq9-depression: PHQ-9 total 12"}}},
				Reasons:       []string{"rule comorbidity-intensive-therapy: Depression coexists"},
				SafetyTasks:   []practice.ExplainedTask{},
				Rules: []practice.ExplainedRule{{Rule: "phq9-depression", Says: "s", Source: "src", Fired: true, Why: "w",
					Measure: &practice.MeasureValue{Instrument: "phq-9", Total: 12, Band: "moderate", Positive: true, Flags: []string{}, Taken: measureT0, Response: "response:3"}}}}
			var first, second int64
			measureTx(t, s, func(tx *practicesql.Tx) error {
				r := practice.Response{CaseID: 9, ClientID: u.client, Instrument: "gad-7", Answers: measureAnswers(0, -1, 0, 0, 0, 0, 0),
					TextsRef: "shipped", Status: practice.InProgress, TakenAt: measureT0, EnteredBy: u.pat, EnteredByName: "P",
					CreatedAt: measureT0, UpdatedAt: measureT0, Version: 1}
				respID, err := tx.CreateMeasureResponse(ctx, r)
				if err != nil {
					return err
				}
				if _, err := tx.LatestEscalationRecord(ctx, 9); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("no record yet: %v", err)
				}
				e := practice.EscalationRecord{CaseID: 9, At: measureT0, By: u.pat, Trigger: practice.TriggerScored, Response: respID,
					RulesVersion: "1", NeedsIntensiveTherapy: true, Explanation: exp}
				if first, err = tx.CreateEscalationRecord(ctx, e); err != nil {
					return err
				}
				e.Trigger, e.Response, e.At = practice.TriggerComorbidity, 0, measureT0.Add(time.Minute)
				if second, err = tx.CreateEscalationRecord(ctx, e); err != nil {
					return err
				}
				latest, err := tx.LatestEscalationRecord(ctx, 9)
				if err != nil {
					return err
				}
				if latest.ID != second || latest.Trigger != practice.TriggerComorbidity || latest.Response != 0 {
					t.Errorf("latest %+v", latest)
				}
				of, err := tx.ResponseEscalationRecords(ctx, respID)
				if err != nil {
					return err
				}
				if len(of) != 1 || of[0].ID != first || !reflect.DeepEqual(of[0].Explanation, exp) || !of[0].NeedsIntensiveTherapy ||
					of[0].RulesVersion != "1" || !of[0].At.Equal(measureT0) || of[0].By != u.pat {
					t.Errorf("records of the response %+v", of)
				}
				return nil
			})
			if raw := rawColumn(t, s, "measure_escalations", "explanation", first); strings.Contains(raw, "phq9") || strings.Contains(raw, "Depression") {
				t.Errorf("explanation stored in the clear: %q", raw)
			}
		})
	}
}

func TestSafetyTasks(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			var resp, other int64
			measureTx(t, s, func(tx *practicesql.Tx) error {
				r := practice.Response{CaseID: 9, ClientID: u.client, Instrument: "phq-9", Answers: measureAnswers(0, 0, 0, 0, 0, 0, 0, 0, 1),
					TextsRef: "shipped", Status: practice.Completed, TakenAt: measureT0, EnteredBy: u.pat, EnteredByName: "P",
					CreatedAt: measureT0, UpdatedAt: measureT0, CompletedAt: measureT0, Version: 1}
				r.Result, _ = measure.Score("phq-9", []int{0, 0, 0, 0, 0, 0, 0, 0, 1}, measure.NoSex)
				var err error
				if resp, err = tx.CreateMeasureResponse(ctx, r); err != nil {
					return err
				}
				r.CaseID = 10
				other, err = tx.CreateMeasureResponse(ctx, r)
				return err
			})
			task := practice.SafetyTask{CaseID: 9, ClientID: u.client, Practitioner: u.pat, Response: resp, Rule: "phq9-self-harm",
				Why: "rule phq9-self-harm: PHQ-9 total 1 raised the self-harm flag", OpenedAt: measureT0, Due: date.MustParse("2027-03-04")}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				id, err := tx.CreateSafetyTask(ctx, task)
				if err != nil {
					return err
				}
				task.ID = id
				t2 := task
				t2.CaseID, t2.Response, t2.Practitioner, t2.OpenedAt = 10, other, u.sam, measureT0.Add(time.Hour)
				_, err = tx.CreateSafetyTask(ctx, t2)
				return err
			})
			err := s.InTx(ctx, func(tx *practicesql.Tx) error { _, err := tx.CreateSafetyTask(ctx, task); return err })
			if !errors.Is(err, certboard.ErrConflict) {
				t.Fatalf("a second task for the response and rule: %v, want ErrConflict", err)
			}
			if raw := rawColumn(t, s, "safety_tasks", "why", task.ID); strings.Contains(raw, "self-harm") {
				t.Errorf("reason stored in the clear: %q", raw)
			}
			res := practice.Resolution{Action: "Phoned the client at 11:00; safety plan agreed", By: u.pat, ByName: "Pat", At: measureT0.Add(2 * time.Hour)}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				// A practitioner's open tasks are those of the clients
				// they are assigned to, whoever the task names.
				if open, err := tx.OpenSafetyTasks(ctx, u.pat); err != nil || len(open) != 0 {
					t.Errorf("open tasks of a practitioner assigned to no client: %+v, %v", open, err)
				}
				if err := tx.AssignClient(ctx, u.client, u.pat, u.admin, measureT0); err != nil {
					return err
				}
				open, err := tx.OpenSafetyTasks(ctx, u.pat)
				if err != nil {
					return err
				}
				if len(open) != 2 || !reflect.DeepEqual(open[0], task) || open[1].Practitioner != u.sam {
					t.Errorf("open tasks %+v\nwant %+v and Sam's", open, task)
				}
				if theirs, err := tx.OpenSafetyTasks(ctx, u.sam); err != nil || len(theirs) != 0 {
					t.Errorf("the open tasks of Sam, who is not assigned to the client: %+v, %v", theirs, err)
				}
				if byClient, err := tx.ClientOpenSafetyTasks(ctx, u.client); err != nil || len(byClient) != 2 || byClient[0].ID != task.ID {
					t.Errorf("the client's open tasks %+v, %v", byClient, err)
				}
				if err := tx.ResolveSafetyTask(ctx, task.ID, res); err != nil {
					return err
				}
				if byClient, err := tx.ClientOpenSafetyTasks(ctx, u.client); err != nil || len(byClient) != 1 || byClient[0].ID == task.ID {
					t.Errorf("the client's open tasks once one is resolved %+v, %v", byClient, err)
				}
				if err := tx.ResolveSafetyTask(ctx, task.ID, res); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("resolved twice: %v, want ErrConflict", err)
				}
				if open, _ := tx.OpenSafetyTasks(ctx, u.pat); len(open) != 1 || open[0].ID == task.ID {
					t.Errorf("resolved task still open: %+v", open)
				}
				if err := tx.UnassignClient(ctx, u.client, u.pat); err != nil {
					return err
				}
				if open, _ := tx.OpenSafetyTasks(ctx, u.pat); len(open) != 0 {
					t.Errorf("open tasks of a client Pat is no longer assigned to: %+v", open)
				}
				got, err := tx.LockSafetyTask(ctx, task.ID)
				if err != nil {
					return err
				}
				if got.Resolution == nil || *got.Resolution != res {
					t.Errorf("resolution %+v, want %+v", got.Resolution, res)
				}
				byResp, err := tx.ResponseSafetyTasks(ctx, resp)
				if err != nil || len(byResp) != 1 || byResp[0].ID != task.ID {
					t.Errorf("tasks of the response %+v, %v", byResp, err)
				}
				byCase, err := tx.CaseSafetyTasks(ctx, 10)
				if err != nil || len(byCase) != 1 || byCase[0].Practitioner != u.sam {
					t.Errorf("tasks of case 10 %+v, %v", byCase, err)
				}
				if _, err := tx.LockSafetyTask(ctx, 999); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("missing task: %v", err)
				}
				return nil
			})
			if raw := rawColumn(t, s, "safety_tasks", "action", task.ID); strings.Contains(raw, "Phoned") {
				t.Errorf("action stored in the clear: %q", raw)
			}
		})
	}
}
