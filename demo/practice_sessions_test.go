package demo_test

import (
	"context"
	"testing"

	"github.com/certboard/certboard/practice/session"
)

// checkPracticeSessions: the practice in Chicago; Jordan's upcoming
// sessions; Sofia's past ones attended (paid, with its note) and
// cancelled late; Marcus's no-show charged half its fee.
func checkPracticeSessions(t *testing.T, d *demoPractice) {
	ctx := context.Background()
	settings, err := d.p.SessionSettings(ctx)
	if err != nil || settings.TimeZone != "America/Chicago" {
		t.Errorf("session settings: %+v, %v", settings, err)
	}
	jordan := d.actor(t, "jordan")
	up, _, err := d.p.UpcomingSessions(ctx, jordan)
	if err != nil || len(up) != 3 {
		t.Fatalf("Jordan's upcoming sessions: %d, %v; want 3", len(up), err)
	}
	clients, err := d.p.MyClients(ctx, jordan)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[session.Status]int{}
	var paid, notes int
	for _, c := range clients {
		list, err := d.p.ClientSessions(ctx, jordan, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list.Sessions {
			counts[s.Status]++
			paid += int(s.PaidCents)
			if s.NoteID != 0 {
				notes++
			}
			if s.Status == session.Cancelled && s.CancelledBy != session.ByClientLate {
				t.Errorf("the cancelled session was cancelled %s", s.CancelledBy.Label())
			}
		}
	}
	if counts[session.Attended] != 2 || counts[session.Cancelled] != 1 || counts[session.NoShow] != 1 || counts[session.Scheduled] != 3 {
		t.Errorf("Jordan's sessions by status: %v", counts)
	}
	if paid != 16000+20000+7500 || notes != 1 {
		t.Errorf("paid %d cents and %d notes, want 43500 and 1", paid, notes)
	}
}
