package board

import (
	"strings"
	"testing"

	"github.com/certboard/certboard/notify"
)

// TestRejectionMailSaysWhenToCorrect: under review the applicant cannot
// change the portfolio, so the mail does not tell them to do it now; when
// the board has asked for information, it does.
func TestRejectionMailSaysWhenToCorrect(t *testing.T) {
	items := []notify.RejectedItem{{ID: "lic-1", Label: "Licence", Reason: "expired"}}
	app := &Application{ID: 7, ApplicantName: "Ana", ApplicantEmail: "ana@example.org", State: "under_review"}
	render := func() notify.Message {
		t.Helper()
		m, err := notify.Render(app.ApplicantEmail, rejectionMail(app, items, "https://board.example/applications/7"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := render()
	if strings.Contains(m.Body, "Correct or replace them on your application's page") ||
		!strings.Contains(m.Body, "under review, so it cannot be changed now") || !strings.Contains(m.Body, "https://board.example/applications/7") {
		t.Errorf("mail while under review:\n%s", m.Body)
	}
	app.State = "info_requested"
	m = render()
	if !strings.Contains(m.Body, "Correct or replace them on your application's page: https://board.example/applications/7") {
		t.Errorf("mail while information is asked for:\n%s", m.Body)
	}
}
