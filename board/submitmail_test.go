package board_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// TestSubmitMailsApplicantAndStaff: submitting an application queues, in
// its transaction, a confirmation to the applicant (the board's name and
// contact, what was submitted and when, what happens next, the link) and
// the "received" notice to each member of staff; staff moving it on sends
// no second confirmation.
func TestSubmitMailsApplicantAndStaff(t *testing.T) {
	sets, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for engine, w := range worlds(t) {
		ctx := context.Background()
		w.b.SetCatalog(sets)
		if err := w.st.InTx(ctx, func(tx *boardsql.Tx) error {
			_, err := tx.SaveBoardSettings(ctx, board.BoardSettings{Name: "Board of Examples", ContactEmail: "office@board.example"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: "p1", Name: "Ann Applicant"},
			Education: []portfolio.Activity{{ID: "ed-1", Title: "Ethics", Hours: 6, Date: date.Of(2025, 3, 1)},
				{ID: "ed-2", Title: "Anatomy", Hours: 10, Date: date.Of(2025, 4, 1),
					Verification: portfolio.Verification{State: portfolio.Verified, By: "staff", At: date.Of(2025, 5, 1)}}},
			Exams: []portfolio.Exam{{ID: "ex-1", Date: date.Of(2025, 6, 1)}}}
		data, err := portfolio.Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := w.st.InTx(ctx, func(tx *boardsql.Tx) error {
			id, err = tx.CreateApplication(ctx, board.Application{ApplicantID: w.users["ann"].ID, SetID: "aasect-cst", State: board.Draft,
				Portfolio: data, CreatedAt: t0})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		app, err := w.st.Application(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.b.Act(ctx, w.users["ann"], app, app.Version, board.Submit, "", board.Recorded); err != nil {
			t.Fatalf("%s: submitting: %v", engine, err)
		}
		mails := mailsByAddress(t, w.st)
		got := mails["ann@example.org"]
		if len(got) != 1 {
			t.Fatalf("%s: the applicant got %d mails, want the confirmation: %+v", engine, len(got), got)
		}
		if want := "Board of Examples received your application for AASECT Certified Sex Therapist"; !strings.HasPrefix(got[0].Subject, want) {
			t.Errorf("%s: the confirmation's subject %q, want %q", engine, got[0].Subject, want)
		}
		for _, want := range []string{"Dear Ann Applicant,", "on 2 June 2026 at 10:00 UTC",
			"with 3 evidence items", "2 of them are still to be confirmed", "What happens next:", "Peer reviewers",
			"Your application: https://board.example/applications/" + strconv.FormatInt(id, 10), "Questions? Write to office@board.example."} {
			if !strings.Contains(got[0].Body, want) {
				t.Errorf("%s: the confirmation does not say %q:\n%s", engine, want, got[0].Body)
			}
		}
		if staff := mails["sam@example.org"]; len(staff) != 1 || !strings.Contains(staff[0].Subject, "is submitted") ||
			!strings.Contains(staff[0].Body, "https://board.example/queue/"+strconv.FormatInt(id, 10)) {
			t.Errorf("%s: staff got %+v, want the notice of a submission", engine, staff)
		}
		// Staff starting the review write to the applicant, but confirm
		// nothing again.
		app, _ = w.st.Application(ctx, id)
		if _, err := w.b.Act(ctx, w.users["sam"], app, app.Version, board.StartReview, ""); err != nil {
			t.Fatal(err)
		}
		if got := mailsByAddress(t, w.st)["ann@example.org"]; len(got) != 2 || strings.Contains(got[1].Subject, "received") {
			t.Errorf("%s: after the review started the applicant has %+v", engine, got)
		}
	}
}

// mailsByAddress is the outbox's queued mail by recipient, oldest first.
func mailsByAddress(t *testing.T, st *boardsql.Store) map[string][]boardsql.Mail {
	t.Helper()
	due, err := st.DueMail(context.Background(), t0.Add(24*time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]boardsql.Mail{}
	for _, m := range due {
		out[m.To] = append(out[m.To], m)
	}
	return out
}
