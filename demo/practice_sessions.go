package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/session"
)

// The demo practice's sessions, seeded once its clients' stories are
// told: Ines sets the practice's name and time zone (Chicago) the day it
// was set up; then each session is booked ahead, and the past ones are
// marked as they went: attended and paid (one with its progress note
// written from it), cancelled late by the client, a no-show charged half
// its fee. The upcoming ones include a video session tomorrow, whose
// client's reminder the practice's jobs send within the day.

// practiceZone is the demo practice's time zone.
const practiceZone = "America/Chicago"

// demoSession is one session of a demo client, in the practice's time.
type demoSession struct {
	client string // the client's name
	// days is the session's day from the seeding's (negative: past), at
	// clock ("15:00") in practiceZone.
	days  int
	clock string
	// bookedHours is how long before the start it was booked (0: at the
	// seeding, for an upcoming session).
	bookedHours int
	in          practice.SessionInput
	// outcome is what became of a past session: "attended", "no_show" or
	// "cancelled_late" (by the client, 20 hours before); paid what the
	// client paid of the fee; note writes its progress note from it.
	outcome, paid string
	note          bool
}

// sessionIn is a session's form: length, modality, kind, code and fee.
func sessionIn(minutes, modality, kind, cpt, fee string) practice.SessionInput {
	in := practice.SessionInput{Minutes: minutes, Modality: modality, Kind: kind, CPT: cpt, Fee: fee, Currency: "USD"}
	if modality == string(session.Video) {
		in.VideoLink = "https://meet.example/lakeview-" + cpt
	}
	return in
}

// demoSessions are the demo practice's sessions, in the order they are
// seeded (each practitioner's do not overlap).
var demoSessions = []demoSession{
	{client: "Sofia Alvarez", days: -14, clock: "15:00", bookedHours: 7 * 24, in: sessionIn("50", "in_person", "individual", "90834", "160.00"),
		outcome: "attended", paid: "160.00", note: true},
	{client: "Sofia Alvarez", days: -7, clock: "15:00", bookedHours: 7 * 24, in: sessionIn("50", "in_person", "individual", "90834", "160.00"),
		outcome: "cancelled_late"},
	{client: "Sofia Alvarez", days: 1, clock: "15:00", in: sessionIn("50", "video", "couple", "90847", "180.00")},
	{client: "Marcus Lindqvist", days: -3, clock: "11:00", bookedHours: 14 * 24, in: sessionIn("50", "in_person", "individual", "90834", "150.00"),
		outcome: "no_show", paid: "75.00"},
	{client: "Marcus Lindqvist", days: 6, clock: "11:00", in: sessionIn("50", "in_person", "individual", "90834", "150.00")},
	{client: "Jamal Carter", days: -3, clock: "10:00", bookedHours: 4, in: sessionIn("60", "in_person", "individual", "90791", "200.00"),
		outcome: "attended", paid: "200.00"},
	{client: "Jamal Carter", days: 4, clock: "10:00", in: sessionIn("45", "video", "individual", "90834", "150.00")},
	{client: "Hannah Becker", days: -7, clock: "13:00", bookedHours: 7 * 24, in: sessionIn("50", "in_person", "couple", "90847", "170.00"),
		outcome: "attended", paid: "170.00"},
	{client: "Hannah Becker", days: 2, clock: "13:00", in: sessionIn("50", "in_person", "couple", "90847", "170.00")},
	{client: "Theo Marshall", days: 1, clock: "09:00", in: sessionIn("60", "video", "individual", "90837", "190.00")},
}

// seedSessions seeds demoSessions through the use cases, each step at
// its time, in the practice's time zone (practiceZone, which the admin
// set with the practice's identifiers).
func (s *practiceSeeder) seedSessions(ctx context.Context) error {
	loc, err := time.LoadLocation(practiceZone)
	if err != nil {
		return err
	}
	p, err := s.at(s.now)
	if err != nil {
		return err
	}
	// Whose each client is.
	type where struct {
		by     practice.Actor
		client int64
	}
	clients := map[string]where{}
	for _, who := range []string{"jordan", "lena.fischer"} {
		list, err := p.MyClients(ctx, s.actors[who])
		if err != nil {
			return err
		}
		for _, c := range list {
			clients[c.Name] = where{by: s.actors[who], client: c.ID}
		}
	}
	for _, d := range demoSessions {
		if err := s.seedSession(ctx, d, loc, clients[d.client].by, clients[d.client].client); err != nil {
			return fmt.Errorf("a session of %s: %w", d.client, err)
		}
	}
	return nil
}

// seedSession books session d of client by by, then marks it as it went.
func (s *practiceSeeder) seedSession(ctx context.Context, d demoSession, loc *time.Location, by practice.Actor, client int64) error {
	if client == 0 {
		return fmt.Errorf("no such client")
	}
	day := s.now.In(loc).AddDate(0, 0, d.days)
	in := d.in
	in.Date, in.Time = day.Format("2006-01-02"), d.clock
	clock, err := time.Parse("15:04", d.clock)
	if err != nil {
		return err
	}
	start := time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
	booked := s.now
	if d.bookedHours > 0 {
		booked = start.Add(-time.Duration(d.bookedHours) * time.Hour)
	}
	p, err := s.at(booked)
	if err != nil {
		return err
	}
	list, err := p.ClientSessions(ctx, by, client)
	if err != nil {
		return err
	}
	if len(list.OpenCases) == 0 {
		return fmt.Errorf("no open case")
	}
	x, err := p.ScheduleSession(ctx, by, list.OpenCases[0], in)
	if err != nil {
		return err
	}
	if d.outcome == "" {
		return nil
	}
	after := session.End(start, x.Minutes).Add(10 * time.Minute)
	if d.outcome == "cancelled_late" {
		if p, err = s.at(start.Add(-20 * time.Hour)); err != nil {
			return err
		}
		_, err = p.CancelSession(ctx, by, x.ID, x.Version, practice.CancelInput{By: "client",
			Reason: "Called in the morning: her child is ill and she has no one to look after him."})
		return err
	}
	if p, err = s.at(after); err != nil {
		return err
	}
	if x, err = p.MarkSession(ctx, by, x.ID, x.Version, d.outcome); err != nil {
		return err
	}
	if d.paid != "" {
		if x, err = p.RecordPayment(ctx, by, x.ID, x.Version, d.paid); err != nil {
			return err
		}
	}
	if d.note {
		if _, err := p.WriteSessionNote(ctx, by, x.ID); err != nil {
			return err
		}
	}
	return nil
}
