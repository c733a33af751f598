package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/session"
	"github.com/certboard/certboard/practice/superbill"
)

// checkPracticeSuperbills: every attended session of the demo gives its
// practitioner a superbill, of the session and of its month, that names
// the practice, the practitioner, the client, a diagnosis, the session's
// code and what was paid; but Jamal's, whose case records only
// relationship concerns, whose code (Z63.0) the taxonomy has not
// confirmed: his is refused, saying so.
func checkPracticeSuperbills(t *testing.T, d *demoPractice) {
	ctx := context.Background()
	settings, err := d.p.SessionSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	made, refused := 0, 0
	for _, who := range []string{"jordan", "lena.fischer"} {
		by := d.actor(t, who)
		clients, err := d.p.MyClients(ctx, by)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range clients {
			list, err := d.p.ClientSessions(ctx, by, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range list.Sessions {
				if s.Status != session.Attended || s.PractitionerID != by.UserID {
					continue
				}
				month := s.Start.In(settings.Location()).Format("2006-01")
				for _, period := range []practice.SuperbillPeriod{{Session: s.ID}, {Month: month}} {
					doc, err := d.p.Superbill(ctx, by, c.ID, period)
					if c.Name == "Jamal Carter" {
						if e := certboard.As(err); e == nil || e.Fields["diagnoses"] == "" || !strings.Contains(e.Message, "Z63.0") {
							t.Errorf("Jamal's superbill (%+v): %v, want a refusal naming the unconfirmed Z63.0", period, err)
						}
						refused++
						continue
					}
					if err != nil {
						t.Errorf("%s's superbill of %s (%+v): %v", by.Name, c.Name, period, err)
						continue
					}
					made++
					text, err := superbill.Text(doc.PDF)
					if err != nil {
						t.Fatal(err)
					}
					flat := strings.Join(strings.Fields(text), " ")
					for _, want := range []string{"Lakeview Couples Clinic", by.Name, c.Name, s.CPT,
						"Total paid by the client " + s.Paid().String(), s.Start.In(settings.Location()).Format(time.DateOnly),
						doc.Input.Diagnoses[0].Code} {
						if !strings.Contains(flat, want) {
							t.Errorf("%s's superbill of %s (%+v) does not show %q:\n%s", by.Name, c.Name, period, want, text)
						}
					}
					if strings.Contains(doc.Filename, strings.Fields(c.Name)[0]) {
						t.Errorf("the file name %q names the client", doc.Filename)
					}
				}
			}
		}
	}
	if made < 4 || refused != 2 {
		t.Errorf("%d superbills made from the demo's attended sessions and %d refused, want at least 4 and 2", made, refused)
	}
}
