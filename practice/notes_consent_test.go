package practice_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
)

// TestNotesNeedConsentOnTheirDay: a note records a session, which is
// treatment: it is written only for a day on which the client's consent
// to treatment was in force. The session of the day consent is withdrawn
// is still written up, afterwards too; a later one is not, nor one before
// the consent was signed; a draft is not moved to such a day either.
func TestNotesNeedConsentOnTheirDay(t *testing.T) {
	w := newNotesWorld(t)
	day := func(d int) string { return w.now().AddDate(0, 0, d).Format(time.DateOnly) }
	psy := func(d string) practice.PsychotherapyInput {
		return practice.PsychotherapyInput{DateOfService: d, Text: "Transference themes around the father."}
	}
	notes, psys := w.count(t, "progress_notes"), w.count(t, "psychotherapy_notes")

	// The consent was signed ten days ago: the day before had none.
	_, err := w.p.WriteNote(w.ctx, w.alice, w.caseID, notesSOAP(day(-11)))
	wantErrCode(t, err, certboard.Conflict)
	if m := certboard.ErrorMessage(err); !strings.Contains(m, "no consent to treatment in force on "+day(-11)) {
		t.Errorf("refusal %q", m)
	}
	_, err = w.p.WritePsychotherapyNote(w.ctx, w.alice, w.caseID, psy(day(-11)))
	wantErrCode(t, err, certboard.Conflict)
	if w.count(t, "progress_notes") != notes || w.count(t, "psychotherapy_notes") != psys {
		t.Fatal("a refused note was written")
	}
	if _, err := w.p.WriteNote(w.ctx, w.alice, w.caseID, notesSOAP(day(-10))); err != nil {
		t.Fatalf("the note of the day the consent was signed: %v", err)
	}
	if _, err := w.p.WritePsychotherapyNote(w.ctx, w.alice, w.caseID, psy(day(-10))); err != nil {
		t.Fatal(err)
	}

	// Today the client withdraws consent, in session: that session is
	// written up, the next day too.
	if err := w.p.WithdrawConsent(w.ctx, w.alice, w.client, "wants a break"); err != nil {
		t.Fatal(err)
	}
	w.advance(24 * time.Hour)
	draft, err := w.p.WriteNote(w.ctx, w.alice, w.caseID, notesSOAP(day(-1)))
	if err != nil {
		t.Fatalf("the note of the session consent was withdrawn in: %v", err)
	}
	if _, err := w.p.WritePsychotherapyNote(w.ctx, w.alice, w.caseID, psy(day(-1))); err != nil {
		t.Fatalf("the psychotherapy note of the session consent was withdrawn in: %v", err)
	}
	// Today, after the withdrawal, there is no session to record.
	_, err = w.p.WriteNote(w.ctx, w.alice, w.caseID, notesSOAP(day(0)))
	wantErrCode(t, err, certboard.Conflict)
	_, err = w.p.WritePsychotherapyNote(w.ctx, w.alice, w.caseID, psy(day(0)))
	wantErrCode(t, err, certboard.Conflict)
	_, err = w.p.UpdateDraft(w.ctx, w.alice, draft.ID, draft.Version, notesSOAP(day(0)))
	wantErrCode(t, err, certboard.Conflict)
	// A draft whose day stays is still finished and signed.
	if _, err := w.p.UpdateDraft(w.ctx, w.alice, draft.ID, draft.Version, notesSOAP(day(-1))); err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.SignNote(w.ctx, w.alice, draft.ID, draft.Version+1); err != nil {
		t.Fatal(err)
	}
}
