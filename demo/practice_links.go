package demo

import (
	"context"
	"fmt"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
)

// seedLinks seeds the measures sent to clients: Jordan mailed Marc
// Lindqvist a PHQ-9 yesterday afternoon that he has not answered yet (a
// waiting link on his case), and scheduled Sofia Alvarez's GAD-7 every four
// weeks, the next in two weeks.
func (s *practiceSeeder) seedLinks(ctx context.Context) error {
	jordan := s.actors["jordan"]
	p, err := s.at(s.day(1, 16, 10))
	if err != nil {
		return err
	}
	marc, err := openCaseOf(ctx, p, jordan, "Marcus Lindqvist")
	if err != nil {
		return err
	}
	if _, err := p.SendMeasureLink(ctx, jordan, practice.NewLink{CaseID: marc, Instrument: "phq-9", Delivery: practice.LinkByMail}); err != nil {
		return fmt.Errorf("sending Marc a PHQ-9: %w", err)
	}
	sofia, err := openCaseOf(ctx, p, jordan, "Sofia Alvarez")
	if err != nil {
		return err
	}
	if _, err := p.AddSchedule(ctx, jordan, practice.NewSchedule{CaseID: sofia, Instrument: "gad-7", Kind: practice.EveryWeeks,
		EveryWeeks: 4, First: date.FromTime(s.now).AddDays(14)}); err != nil {
		return fmt.Errorf("scheduling Sofia's GAD-7: %w", err)
	}
	return nil
}

// openCaseOf finds the open case of the practitioner's client named name.
func openCaseOf(ctx context.Context, p *practice.Practice, by practice.Actor, name string) (int64, error) {
	clients, err := p.MyClients(ctx, by)
	if err != nil {
		return 0, err
	}
	for _, c := range clients {
		if c.Name != name {
			continue
		}
		cases, err := p.ClientCases(ctx, by, c.ID)
		if err != nil {
			return 0, err
		}
		for _, cs := range cases {
			if cs.Case.Open() {
				return cs.Case.ID, nil
			}
		}
	}
	return 0, fmt.Errorf("%s has no open case of %s", by.Name, name)
}
