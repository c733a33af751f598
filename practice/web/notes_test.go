package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
)

// notesWorld is a world with a case of the practitioner's client, who
// signed the consent to treatment.
func notesWorld(t *testing.T) (w *world, client, caseID int64) {
	t.Helper()
	w = casesWorld(t)
	client = casesClient(t, w)
	caseID, err := w.s.practice.OpenCase(context.Background(), practice.ActorOf(w.users["practitioner"]), client,
		practice.NewCase{Reason: "first session"})
	if err != nil {
		t.Fatal(err)
	}
	return w, client, caseID
}

// TestNoteRoutesRules pins the access rule of every notes route.
func TestNoteRoutesRules(t *testing.T) {
	w, _, _ := notesWorld(t)
	rules := map[string]string{}
	for _, r := range w.s.Routes() {
		rules[r.Pattern] = r.Access.String()
	}
	const staff, prac = "practitioner or practice admin", "practitioner"
	want := map[string]string{
		"GET /case-notes/{id}":                staff,
		"POST /case-notes/{id}":               prac,
		"POST /case-notes/{id}/export":        staff,
		"POST /case-notes/{id}/psychotherapy": prac,
		"GET /notes/{id}":                     staff,
		"POST /notes/{id}":                    prac,
		"POST /notes/{id}/sign":               prac,
		"POST /notes/{id}/amendments":         prac,
	}
	for pattern, rule := range want {
		if rules[pattern] != rule {
			t.Errorf("%s: rule %q, want %q", pattern, rules[pattern], rule)
		}
	}
	for pattern := range rules {
		if (strings.Contains(pattern, " /notes") || strings.Contains(pattern, " /case-notes")) && want[pattern] == "" {
			t.Errorf("%s has no expectation here", pattern)
		}
	}
}

// TestNoteRoutesAsEveryRole calls every notes route as each kind of
// person, on a signed note of the practitioner's client with a
// psychotherapy note: the guard answers by rule, nothing answers a server
// error, and nobody but the client's practitioner sees the note.
func TestNoteRoutesAsEveryRole(t *testing.T) {
	w, _, caseID := notesWorld(t)
	ctx := context.Background()
	prac := practice.ActorOf(w.users["practitioner"])
	const secret, private = "SECRET-SUBJECTIVE-OF-THE-NOTE", "PRIVATE-PSYCHOTHERAPY-TEXT"
	in := notesForm(w.clock.now().Format("2006-01-02"))
	n, err := w.s.practice.WriteNote(ctx, prac, caseID, practice.NoteInput{DateOfService: in.Get("date_of_service"), Format: "dap",
		Sections: map[string]string{"data": secret, "assessment": "a", "plan": "p"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.practice.SignNote(ctx, prac, n.ID, n.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.practice.WritePsychotherapyNote(ctx, prac, caseID, practice.PsychotherapyInput{DateOfService: in.Get("date_of_service"), Text: private}); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"version": {"999"}}
	for _, r := range w.s.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if !strings.HasPrefix(path, "/notes/") && !strings.HasPrefix(path, "/case-notes/") {
			continue
		}
		id := n.ID
		if strings.HasPrefix(path, "/case-notes/") {
			id = caseID
		}
		path = strings.Replace(path, "{id}", fmt.Sprint(id), 1)
		if rec := w.do(t, method, path, form); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
			t.Errorf("%s anonymously: %d %s", r.Pattern, rec.Code, rec.Header().Get("Location"))
		}
		for _, who := range []string{"admin", "practitioner", "both", "nofactor", "noadmin2fa", "norole"} {
			u := w.users[who]
			rec := w.do(t, method, path, form, w.session(t, who))
			body := rec.Body.String()
			switch {
			case rec.Code >= 500:
				t.Errorf("%s as %s: %d %s", r.Pattern, who, rec.Code, body)
			case !r.Access.Allows(u):
				if rec.Code != http.StatusForbidden {
					t.Errorf("%s as %s: %d, want 403", r.Pattern, who, rec.Code)
				}
			case !u.TwoFactor():
				if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/two-factor?required=1" {
					t.Errorf("%s as %s without two factors: %d %s", r.Pattern, who, rec.Code, rec.Header().Get("Location"))
				}
			case who == "admin" && method == http.MethodGet && rec.Code != http.StatusForbidden:
				t.Errorf("%s as an admin without emergency access: %d, want 403", r.Pattern, rec.Code)
			case who == "both" && rec.Code != http.StatusForbidden:
				// Not assigned, and an admin without emergency access.
				t.Errorf("%s as a practitioner and admin not assigned: %d, want 403", r.Pattern, rec.Code)
			}
			if who != "practitioner" && (strings.Contains(body, secret) || strings.Contains(body, private)) {
				t.Errorf("%s as %s shows the note", r.Pattern, who)
			}
		}
	}
}

// notesForm is a complete SOAP note's form for a day.
func notesForm(day string) url.Values {
	return url.Values{"date_of_service": {day}, "format": {"soap"},
		"sections.subjective": {"Reports less worry before intimacy."}, "sections.objective": {"Calm, engaged. IIEF-5: 18."},
		"sections.assessment": {"Performance anxiety easing."}, "sections.plan": {"Continue sensate focus, stage 2."},
		"sections.data": {""}, "pli.topics": {"masturbation\r\n"}, "pli.myths": {"erections must be spontaneous"}, "pli.information": {""}}
}

// noteOpened is the note id a write redirected to.
func noteOpened(t *testing.T, rec interface{ Header() http.Header }) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(rec.Header().Get("Location"), "/notes/%d", &id); err != nil {
		t.Fatalf("redirected to %q: %v", rec.Header().Get("Location"), err)
	}
	return id
}

// wantPage fails the test unless the answer has the status and says each
// of says.
func wantPage(t *testing.T, what string, rec interface {
	Result() *http.Response
}, body string, status int, says ...string) {
	t.Helper()
	if got := rec.Result().StatusCode; got != status {
		t.Fatalf("%s: %d, want %d: %s", what, got, status, body)
	}
	for _, s := range says {
		if !strings.Contains(body, s) {
			t.Errorf("%s does not say %q", what, s)
		}
	}
}

// TestNotePages walks a note through its pages: a draft written with a
// section left for later, a form refused at its field, the signature
// asked to confirm and refused while a section is missing, signed,
// refused as a second note of the day, amended with the original kept;
// psychotherapy notes shown to their author only; the export; the notes
// section of the client's record.
func TestNotePages(t *testing.T) {
	w, client, caseID := notesWorld(t)
	prac := w.signIn(t, "practitioner")
	day := w.clock.now().Format("2006-01-02")
	notes := fmt.Sprintf("/case-notes/%d", caseID)

	rec := w.get(t, notes, prac)
	wantPage(t, "the notes of the case", rec, rec.Body.String(), http.StatusOK, "No progress note yet", "Write a progress note",
		"Your psychotherapy notes", "Download the notes")

	bad := notesForm(day)
	bad.Set("format", "")
	bad.Set("pli.myths", "ok\n"+strings.Repeat("m", 501))
	rec = w.do(t, http.MethodPost, notes, bad, prac)
	wantPage(t, "a note without a format", rec, rec.Body.String(), http.StatusUnprocessableEntity, `id="nf-format-error"`,
		"choose the note&#39;s format", `id="nf-pli-myths-error"`, "line 2:")

	draft := notesForm(day)
	draft.Del("sections.plan")
	rec = w.do(t, http.MethodPost, notes, draft, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("writing a draft: %d %s", rec.Code, rec.Body)
	}
	id := noteOpened(t, rec)
	page := fmt.Sprintf("/notes/%d", id)
	rec = w.get(t, page, prac)
	wantPage(t, "the draft", rec, rec.Body.String(), http.StatusOK, "Edit the draft", "Sign the note", "Reports less worry", "masturbation")

	rec = w.do(t, http.MethodPost, page+"/sign", url.Values{"version": {"1"}}, prac)
	wantPage(t, "signing unconfirmed", rec, rec.Body.String(), http.StatusUnprocessableEntity, `id="confirm-error"`, "tick the box")
	rec = w.do(t, http.MethodPost, page+"/sign", url.Values{"version": {"1"}, "confirm": {"yes"}}, prac)
	wantPage(t, "signing an incomplete note", rec, rec.Body.String(), http.StatusUnprocessableEntity, `id="nf-plan-error"`, "write the Plan section")

	rec = w.do(t, http.MethodPost, page, func() url.Values { f := notesForm(day); f.Set("version", "1"); return f }(), prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("completing the draft: %d %s", rec.Code, rec.Body)
	}
	rec = w.do(t, http.MethodPost, page, func() url.Values { f := notesForm(day); f.Set("version", "1"); return f }(), prac)
	wantPage(t, "an edit from an old version", rec, rec.Body.String(), http.StatusConflict, "reload")
	rec = w.do(t, http.MethodPost, page+"/sign", url.Values{"version": {"2"}, "confirm": {"yes"}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("signing: %d %s", rec.Code, rec.Body)
	}
	rec = w.get(t, page, prac)
	body := rec.Body.String()
	wantPage(t, "the signed note", rec, body, http.StatusOK, "signed", "locked", "Amend the note", "Continue sensate focus, stage 2.")
	if strings.Contains(body, "Edit the draft") {
		t.Error("a signed note offers its draft's form")
	}

	rec = w.do(t, http.MethodPost, notes, notesForm(day), prac)
	wantPage(t, "a second note of the day", rec, rec.Body.String(), http.StatusConflict, "one note per date of service")

	amend := notesForm(day)
	amend.Set("version", "3")
	amend.Set("reason", "wrong score copied")
	amend.Set("sections.objective", "Calm, engaged. IIEF-5: 19.")
	rec = w.do(t, http.MethodPost, page+"/amendments", amend, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("amending: %d %s", rec.Code, rec.Body)
	}
	rec = w.get(t, page, prac)
	wantPage(t, "the amended note", rec, rec.Body.String(), http.StatusOK, "The note as amended", "IIEF-5: 19.", "Objective as signed",
		"IIEF-5: 18.", "Amendment 1", "wrong score copied", "Changed: Objective.")
	amend.Set("version", "4")
	amend.Set("reason", "")
	rec = w.do(t, http.MethodPost, page+"/amendments", amend, prac)
	wantPage(t, "an amendment without a reason", rec, rec.Body.String(), http.StatusUnprocessableEntity, `id="am-reason-error"`)

	rec = w.do(t, http.MethodPost, notes+"/psychotherapy", url.Values{"psychotherapy.date_of_service": {day}, "psychotherapy.text": {" "}}, prac)
	wantPage(t, "a blank psychotherapy note", rec, rec.Body.String(), http.StatusUnprocessableEntity, `id="ps-text-error"`)
	rec = w.do(t, http.MethodPost, notes+"/psychotherapy", url.Values{"psychotherapy.date_of_service": {day},
		"psychotherapy.text": {"Transference: anger at me as at his father."}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a psychotherapy note: %d %s", rec.Code, rec.Body)
	}
	rec = w.get(t, notes, prac)
	body = rec.Body.String()
	wantPage(t, "the notes with a psychotherapy note", rec, body, http.StatusOK, "Transference: anger at me", fmt.Sprintf(`href="/notes/%d"`, id), "amended 1×")

	// The export: the signed note, psychotherapy notes only when asked;
	// a form that posts, never a link.
	if !strings.Contains(body, fmt.Sprintf(`<form method="post" action="/case-notes/%d/export"`, caseID)) {
		t.Errorf("the export is not a form that posts: %s", body)
	}
	rec = w.do(t, http.MethodPost, notes+"/export", url.Values{}, prac)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("the export: %d %v", rec.Code, rec.Header())
	}
	var x practice.NotesExport
	if err := json.Unmarshal(rec.Body.Bytes(), &x); err != nil {
		t.Fatal(err)
	}
	if len(x.ProgressNotes) != 1 || !x.ProgressNotes[0].Amended || len(x.PsychotherapyNotes) != 0 || strings.Contains(rec.Body.String(), "Transference") {
		t.Errorf("the export: %s", rec.Body)
	}
	rec = w.do(t, http.MethodPost, notes+"/export", url.Values{"psychotherapy": {"yes"}}, prac)
	if !strings.Contains(rec.Body.String(), "Transference") {
		t.Errorf("the export asked for psychotherapy notes: %s", rec.Body)
	}
	// A link (GET), or a form of another site, discloses nothing.
	if rec := w.get(t, notes+"/export?psychotherapy=yes", prac); rec.Code < 400 || strings.Contains(rec.Body.String(), "Transference") {
		t.Errorf("the export by GET: %d, want it refused", rec.Code)
	}
	forged := httptest.NewRequest(http.MethodPost, notes+"/export", strings.NewReader("psychotherapy=yes"))
	forged.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	forged.Header.Set("Sec-Fetch-Site", "cross-site")
	forged.AddCookie(prac)
	frec := httptest.NewRecorder()
	w.h.ServeHTTP(frec, forged)
	if frec.Code != http.StatusForbidden || strings.Contains(frec.Body.String(), "Transference") {
		t.Errorf("the export posted from another site: %d, want 403", frec.Code)
	}

	// The client's record lists the case's notes.
	rec = w.get(t, fmt.Sprintf("/clients/%d", client), prac)
	wantPage(t, "the client's record", rec, rec.Body.String(), http.StatusOK, "Session notes", fmt.Sprintf(`href="/case-notes/%d"`, caseID))

	// An admin under emergency access reads the notes, never the
	// psychotherapy notes, and is offered no form.
	if _, err := w.s.practice.RequestEmergencyAccess(context.Background(), practice.ActorOf(w.users["admin"]), client,
		"the client called in crisis and their practitioner is away"); err != nil {
		t.Fatal(err)
	}
	admin := w.session(t, "admin")
	for _, path := range []string{notes, page, notes + "/export"} {
		if path == notes+"/export" {
			rec = w.do(t, http.MethodPost, path, url.Values{"psychotherapy": {"yes"}}, admin)
		} else {
			rec = w.get(t, path, admin)
		}
		body = rec.Body.String()
		if rec.Code != http.StatusOK || (path != notes && !strings.Contains(body, "IIEF-5: 19.")) {
			t.Errorf("%s under emergency access: %d %s", path, rec.Code, body)
		}
		// The export is the one form offered (it writes nothing).
		if strings.Contains(body, "Transference") || regexp.MustCompile(`method="post"[^>]*action="/(case-)?notes/\d+(/psychotherapy|/sign|/amendments)?"`).MatchString(body) {
			t.Errorf("%s under emergency access shows a psychotherapy note or a form: %s", path, body)
		}
	}
}
