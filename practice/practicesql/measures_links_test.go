package practicesql_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
)

func TestMeasureLinks(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			caseID := notesCase(t, s, u.client, u.pat)
			l := practice.MeasureLink{CaseID: caseID, ClientID: u.client, Instrument: "phq-9", Delivery: practice.LinkInRoom,
				CreatedBy: u.pat, CreatedByName: "Pat Practitioner", CreatedAt: measureT0, ExpiresAt: measureT0.AddDate(0, 0, 7)}
			var id int64
			measureTx(t, s, func(tx *practicesql.Tx) error {
				var err error
				id, err = tx.CreateMeasureLink(ctx, l, "hash-1")
				return err
			})
			if err := s.InTx(ctx, func(tx *practicesql.Tx) error {
				_, err := tx.CreateMeasureLink(ctx, l, "hash-1")
				return err
			}); !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("a second link of one hash: %v, want ErrConflict", err)
			}
			l.ID = id
			measureTx(t, s, func(tx *practicesql.Tx) error {
				got, hash, err := tx.LockMeasureLinkByHash(ctx, "hash-1")
				if err != nil {
					return err
				}
				if hash != "hash-1" || !reflect.DeepEqual(*got, l) {
					t.Errorf("link %+v (%s)\nwant %+v", *got, hash, l)
				}
				if _, _, err := tx.LockMeasureLinkByHash(ctx, "hash-2"); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("unknown hash: %v", err)
				}
				return tx.SaveMeasureLinkAnswers(ctx, id, measureAnswers(2, -1, 1, -1, -1, -1, -1, -1, -1), "", measureT0.Add(time.Hour))
			})
			// The answers are sealed at rest, bound to their row.
			if raw := rawColumn(t, s, "measure_links", "answers", id); !strings.HasPrefix(raw, "v1.") || strings.Contains(raw, "answers") {
				t.Errorf("answers stored as %q", raw)
			}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				got, err := tx.LockMeasureLink(ctx, id)
				if err != nil {
					return err
				}
				if got.Answered != 2 || *got.Answers[0] != 2 || got.Answers[1] != nil || !got.SavedAt.Equal(measureT0.Add(time.Hour)) {
					t.Errorf("saved %+v", got)
				}
				return nil
			})
			if err := s.InTx(ctx, func(tx *practicesql.Tx) error {
				return tx.UseMeasureLink(ctx, id, measureT0.Add(2*time.Hour), 0)
			}); err == nil {
				t.Error("used naming no response")
			}
			var resp int64
			measureTx(t, s, func(tx *practicesql.Tx) error {
				var err error
				resp, err = tx.CreateMeasureResponse(ctx, practice.Response{CaseID: caseID, ClientID: u.client, Instrument: "phq-9",
					Status: practice.InProgress, Answers: measureAnswers(1, -1, -1, -1, -1, -1, -1, -1, -1), TextsRef: "shipped",
					TakenAt: measureT0, EnteredBy: u.pat, EnteredByName: "Pat Practitioner", Source: practice.SourceClientLink,
					CreatedAt: measureT0, UpdatedAt: measureT0, Version: 1})
				if err != nil {
					return err
				}
				// The response says the client answered it.
				if r, err := tx.MeasureResponse(ctx, resp); err != nil || r.Source != practice.SourceClientLink {
					t.Errorf("the response's source: %+v, %v", r, err)
				}
				if err := tx.UseMeasureLink(ctx, id, measureT0.Add(2*time.Hour), resp); err != nil {
					return err
				}
				// Once only: a second use, a revoke or a save loses.
				if err := tx.UseMeasureLink(ctx, id, measureT0.Add(3*time.Hour), resp); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("used twice: %v", err)
				}
				if err := tx.RevokeMeasureLink(ctx, id, u.pat, measureT0); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("revoked once used: %v", err)
				}
				if err := tx.SaveMeasureLinkAnswers(ctx, id, nil, "", measureT0); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("saved once used: %v", err)
				}
				return nil
			})
			if raw := rawColumn(t, s, "measure_links", "answers", id); raw != "" {
				t.Errorf("a used link keeps its answers: %q", raw)
			}
			// A second link, revoked.
			var other int64
			measureTx(t, s, func(tx *practicesql.Tx) error {
				var err error
				l2 := l
				l2.Instrument = "gad-7"
				if other, err = tx.CreateMeasureLink(ctx, l2, "hash-2"); err != nil {
					return err
				}
				if err := tx.RevokeMeasureLink(ctx, other, u.sam, measureT0.Add(time.Minute)); err != nil {
					return err
				}
				if err := tx.RevokeMeasureLink(ctx, other, u.sam, measureT0); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("revoked twice: %v", err)
				}
				all, err := tx.CaseMeasureLinks(ctx, caseID)
				if err != nil {
					return err
				}
				if len(all) != 2 || all[0].ID != other || all[0].RevokedBy != u.sam || all[1].ResponseID != resp ||
					all[1].StatusAt(measureT0) != practice.LinkAnswered || all[0].StatusAt(measureT0) != practice.LinkRevoked {
					t.Errorf("links %+v", all)
				}
				return nil
			})
		})
	}
}

func TestMeasureSchedulesStore(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			caseID := notesCase(t, s, u.client, u.pat)
			weekly := practice.MeasureSchedule{CaseID: caseID, ClientID: u.client, Instrument: "phq-9", Kind: practice.EveryWeeks,
				EveryWeeks: 2, Active: true, NextDue: measureT0, CreatedBy: u.pat, CreatedByName: "Pat Practitioner", CreatedAt: measureT0}
			session := practice.MeasureSchedule{CaseID: caseID, ClientID: u.client, Instrument: "gad-7", Kind: practice.BeforeSession,
				Active: true, CreatedBy: u.pat, CreatedByName: "Pat Practitioner", CreatedAt: measureT0}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				var err error
				if weekly.ID, err = tx.CreateMeasureSchedule(ctx, weekly); err != nil {
					return err
				}
				session.ID, err = tx.CreateMeasureSchedule(ctx, session)
				return err
			})
			// The kinds and their intervals go together.
			bad := weekly
			bad.EveryWeeks = 0
			if err := s.InTx(ctx, func(tx *practicesql.Tx) error {
				_, err := tx.CreateMeasureSchedule(ctx, bad)
				return err
			}); err == nil {
				t.Error("every 0 weeks stored")
			}
			due, err := s.DueMeasureSchedules(ctx, measureT0.Add(-time.Second), 10)
			if err != nil || len(due) != 0 {
				t.Fatalf("due before: %v, %v", due, err)
			}
			due, err = s.DueMeasureSchedules(ctx, measureT0, 10)
			if err != nil || len(due) != 1 || due[0] != weekly.ID {
				t.Fatalf("due: %v, %v", due, err)
			}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				got, err := tx.LockMeasureSchedule(ctx, weekly.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*got, weekly) {
					t.Errorf("schedule %+v\nwant %+v", *got, weekly)
				}
				if err := tx.AdvanceMeasureSchedule(ctx, weekly.ID, measureT0.AddDate(0, 0, 14)); err != nil {
					return err
				}
				ss, err := tx.ClientSessionSchedules(ctx, u.client)
				if err != nil || len(ss) != 1 || !reflect.DeepEqual(ss[0], session) {
					t.Errorf("session schedules %+v, %v", ss, err)
				}
				if sent, err := tx.SessionLinkSent(ctx, session.ID, measureT0); err != nil || sent {
					t.Errorf("sent before any link: %v, %v", sent, err)
				}
				_, err = tx.CreateMeasureLink(ctx, practice.MeasureLink{CaseID: caseID, ClientID: u.client, Instrument: "gad-7",
					Delivery: practice.LinkByMail, ScheduleID: session.ID, SessionAt: measureT0, CreatedBy: u.pat, CreatedByName: "Pat",
					CreatedAt: measureT0, ExpiresAt: measureT0.Add(time.Hour)}, "hash-s")
				if err != nil {
					return err
				}
				if sent, err := tx.SessionLinkSent(ctx, session.ID, measureT0); err != nil || !sent {
					t.Errorf("sent after a link: %v, %v", sent, err)
				}
				if err := tx.StopMeasureSchedule(ctx, session.ID, u.sam, measureT0); err != nil {
					return err
				}
				if err := tx.StopMeasureSchedule(ctx, session.ID, u.sam, measureT0); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("stopped twice: %v", err)
				}
				if err := tx.StopMeasureSchedule(ctx, weekly.ID, 0, measureT0); err != nil {
					return err
				}
				all, err := tx.CaseMeasureSchedules(ctx, caseID)
				if err != nil {
					return err
				}
				if len(all) != 2 || all[0].ID != session.ID || all[0].Active || all[0].StoppedBy != u.sam || all[1].StoppedBy != 0 ||
					!all[1].NextDue.Equal(measureT0.AddDate(0, 0, 14)) {
					t.Errorf("schedules %+v", all)
				}
				return nil
			})
			if due, err := s.DueMeasureSchedules(ctx, measureT0.AddDate(1, 0, 0), 10); err != nil || len(due) != 0 {
				t.Fatalf("stopped schedules due: %v, %v", due, err)
			}
		})
	}
}
