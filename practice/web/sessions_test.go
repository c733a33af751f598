package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
)

// TestSessionRoutesRules pins the access rule of every sessions route.
func TestSessionRoutesRules(t *testing.T) {
	w := newWorld(t)
	rules := map[string]string{}
	for _, r := range w.s.Routes() {
		rules[r.Pattern] = r.Access.String()
	}
	const staff, prac, admin = "practitioner or practice admin", "practitioner", "practice admin"
	want := map[string]string{
		"GET /client-sessions/{id}/new":        prac,
		"POST /client-sessions/{id}":           prac,
		"POST /client-sessions/{id}/superbill": prac,
		"GET /sessions":                        prac,
		"GET /sessions/settings":               admin,
		"GET /sessions/{id}":                   staff,
		"POST /sessions/{id}":                  prac,
		"POST /sessions/{id}/cancel":           prac,
		"POST /sessions/{id}/mark":             prac,
		"POST /sessions/{id}/payment":          prac,
		"POST /sessions/{id}/note":             prac,
		"GET /calendar":                        prac,
		"POST /calendar":                       prac,
		"POST /calendar/revoke":                prac,
		"GET /calendar/{file}":                 "public",
	}
	for pattern, rule := range want {
		if rules[pattern] != rule {
			t.Errorf("%s: rule %q, want %q", pattern, rules[pattern], rule)
		}
	}
	for pattern := range rules {
		if (strings.Contains(pattern, " /sessions") || strings.Contains(pattern, " /calendar") || strings.Contains(pattern, " /client-sessions")) && want[pattern] == "" {
			t.Errorf("%s has no expectation here", pattern)
		}
	}
}

// sessionsWebWorld is a world with a case of the practitioner's client
// and the practice in America/Chicago.
func sessionsWebWorld(t *testing.T) (w *world, client, caseID int64) {
	t.Helper()
	w, client, caseID = notesWorld(t)
	if _, err := w.s.practice.SetPracticeIdentifiers(context.Background(), practice.ActorOf(w.users["admin"]),
		practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic", TimeZone: "America/Chicago"}, 0); err != nil {
		t.Fatal(err)
	}
	return w, client, caseID
}

// scheduleForm is a video couple's session on 2026-12-07 at 10:00 in
// Chicago, an hour after the world's clock (09:00 UTC is 03:00 there).
func scheduleForm(caseID int64) url.Values {
	return url.Values{"case": {fmt.Sprint(caseID)}, "date": {"2026-12-07"}, "time": {"10:00"}, "minutes": {"50"},
		"modality": {"video"}, "video_link": {"https://meet.example/room-1"}, "kind": {"couple"}, "cpt": {"90847"},
		"fee": {"150.00"}, "currency": {"USD"}}
}

func TestSchedulePages(t *testing.T) {
	w, client, caseID := sessionsWebWorld(t)
	prac := w.session(t, "practitioner")
	if rec := w.get(t, fmt.Sprintf("/client-sessions/%d/new", client), prac); rec.Code != http.StatusOK ||
		!strings.Contains(rec.Body.String(), `<option value="90847"`) || !strings.Contains(rec.Body.String(), "America/Chicago") {
		t.Fatalf("the form: %d\n%s", rec.Code, rec.Body)
	}
	bad := scheduleForm(caseID)
	bad.Set("time", "25:00")
	bad.Set("cpt", "99213")
	bad.Del("video_link")
	rec := w.do(t, http.MethodPost, fmt.Sprintf("/client-sessions/%d", client), bad, prac)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad input: %d", rec.Code)
	}
	for _, id := range []string{"sf-time-error", "sf-cpt-error", "sf-video-error"} {
		if !strings.Contains(rec.Body.String(), `id="`+id+`"`) {
			t.Errorf("bad input: no %s", id)
		}
	}
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/client-sessions/%d", client), scheduleForm(caseID), prac)
	var id int64
	if _, err := fmt.Sscanf(rec.Header().Get("Location"), "/sessions/%d", &id); rec.Code != http.StatusSeeOther || err != nil {
		t.Fatalf("scheduling: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	page := w.get(t, fmt.Sprintf("/sessions/%d", id), prac).Body.String()
	for _, want := range []string{"Mon 7 Dec 2026, 10:00", "couple, video", "Cancel the session", "USD 0.00 paid of USD 150.00"} {
		if !strings.Contains(page, want) {
			t.Errorf("the session's page lacks %q", want)
		}
	}
	if rec := w.get(t, fmt.Sprintf("/clients/%d", client), prac); !strings.Contains(rec.Body.String(), fmt.Sprintf(`href="/sessions/%d"`, id)) {
		t.Errorf("the record does not list the session")
	}
	if home := w.get(t, "/", prac).Body.String(); !strings.Contains(home, "Session at 10:00 with Alex Rivera") {
		t.Errorf("the home page does not show today's session")
	}
	if up := w.get(t, "/sessions", prac).Body.String(); !strings.Contains(up, "Alex Rivera") {
		t.Errorf("the upcoming sessions do not list it")
	}
	// The admin, not assigned, is refused; the payment form names its field.
	if rec := w.get(t, fmt.Sprintf("/sessions/%d", id), w.session(t, "admin")); rec.Code != http.StatusForbidden {
		t.Errorf("the admin reads the session: %d", rec.Code)
	}
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/sessions/%d/payment", id), url.Values{"version": {"1"}, "paid": {"200"}}, prac)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="pay-paid-error"`) {
		t.Errorf("overpaying: %d", rec.Code)
	}
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/sessions/%d/cancel", id), url.Values{"version": {"1"}, "by": {"client"}, "reason": {"ill"}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("cancelling: %d %s", rec.Code, rec.Body)
	}
	if page := w.get(t, fmt.Sprintf("/sessions/%d", id), prac).Body.String(); !strings.Contains(page, "cancelled by the client, late") {
		t.Errorf("the cancelled session's page does not say it")
	}
}

var feedAddress = regexp.MustCompile(`https://practice\.example(/calendar/[A-Za-z0-9_-]{43}\.ics)`)

func TestCalendarFeedPages(t *testing.T) {
	w, client, caseID := sessionsWebWorld(t)
	prac := w.session(t, "practitioner")
	if rec := w.do(t, http.MethodPost, fmt.Sprintf("/client-sessions/%d", client), scheduleForm(caseID), prac); rec.Code != http.StatusSeeOther {
		t.Fatalf("scheduling: %d", rec.Code)
	}
	second := scheduleForm(caseID)
	second.Set("time", "11:00")
	second.Set("modality", "in_person")
	second.Set("kind", "individual")
	rec := w.do(t, http.MethodPost, fmt.Sprintf("/client-sessions/%d", client), second, prac)
	var cancelled int64
	fmt.Sscanf(rec.Header().Get("Location"), "/sessions/%d", &cancelled)
	if rec := w.do(t, http.MethodPost, fmt.Sprintf("/sessions/%d/cancel", cancelled), url.Values{"version": {"1"}, "by": {"practice"}, "reason": {"closed"}}, prac); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancelling: %d", rec.Code)
	}

	rec = w.do(t, http.MethodPost, "/calendar", url.Values{}, prac)
	m := feedAddress.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("making a feed: %d %q\n%s", rec.Code, rec.Header().Get("Cache-Control"), rec.Body)
	}
	if again := w.get(t, "/calendar", prac).Body.String(); strings.Contains(again, m[1]) {
		t.Error("the feed's address is shown again")
	}
	feed := w.get(t, m[1]) // no cookie: a calendar program
	body := feed.Body.String()
	if feed.Code != http.StatusOK || !strings.HasPrefix(feed.Header().Get("Content-Type"), "text/calendar") {
		t.Fatalf("the feed: %d %q", feed.Code, feed.Header().Get("Content-Type"))
	}
	if strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
		t.Error("the feed has a line not ended by CRLF")
	}
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "PRODID:", "SUMMARY:Session (couple\\, video)\r\n",
		"DTSTART:20261207T160000Z\r\n", "DTEND:20261207T165000Z\r\n", "DTSTAMP:20261207T090000Z\r\n", "UID:session-1@practice.example\r\n",
		"STATUS:CONFIRMED\r\n", "SUMMARY:Cancelled: Session (individual\\, in person)\r\n", "STATUS:CANCELLED\r\n", "END:VCALENDAR\r\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("the feed lacks %q:\n%s", want, body)
		}
	}
	for _, never := range []string{"Alex", "Rivera", "meet.example", "closed", "90847", "Case", "case"} {
		if strings.Contains(body, never) {
			t.Errorf("the feed says %q", never)
		}
	}
	// Replaced: the old address is gone; revoked: the new one too; both
	// answer as an unknown address does.
	rec = w.do(t, http.MethodPost, "/calendar", url.Values{}, prac)
	m2 := feedAddress.FindStringSubmatch(rec.Body.String())
	if m2 == nil || m2[1] == m[1] {
		t.Fatal("no new address")
	}
	unknown := w.get(t, "/calendar/"+strings.Repeat("A", 43)+".ics")
	for name, path := range map[string]string{"replaced": m[1], "not .ics": strings.TrimSuffix(m2[1], ".ics")} {
		if rec := w.get(t, path); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", name, rec.Code)
		}
	}
	if w.get(t, m2[1]).Code != http.StatusOK {
		t.Error("the new address does not answer")
	}
	if rec := w.do(t, http.MethodPost, "/calendar/revoke", url.Values{}, prac); rec.Code != http.StatusSeeOther {
		t.Fatalf("revoking: %d", rec.Code)
	}
	revoked := w.get(t, m2[1])
	if revoked.Code != http.StatusNotFound || unknown.Code != http.StatusNotFound || revoked.Body.String() != unknown.Body.String() {
		t.Errorf("revoked %d and unknown %d answer differently", revoked.Code, unknown.Code)
	}
}

// TestSessionActionsFromRecord marks a session attended and writes its
// note from the buttons of the client's record.
func TestSessionActionsFromRecord(t *testing.T) {
	w, client, caseID := sessionsWebWorld(t)
	prac := w.session(t, "practitioner")
	rec := w.do(t, http.MethodPost, fmt.Sprintf("/client-sessions/%d", client), scheduleForm(caseID), prac)
	var id int64
	if _, err := fmt.Sscanf(rec.Header().Get("Location"), "/sessions/%d", &id); err != nil {
		t.Fatalf("scheduling: %d", rec.Code)
	}
	record := fmt.Sprintf("/clients/%d", client)
	mark := fmt.Sprintf(`action="/sessions/%d/mark"`, id)
	if strings.Contains(w.get(t, record, prac).Body.String(), mark) {
		t.Error("the record offers to mark a session that has not started")
	}
	w.clock.advance(8 * time.Hour) // 17:00 UTC: the session has ended
	prac = w.session(t, "practitioner")
	if !strings.Contains(w.get(t, record, prac).Body.String(), mark) {
		t.Fatal("the record does not offer to mark the session")
	}
	if rec := w.do(t, http.MethodPost, fmt.Sprintf("/sessions/%d/mark", id), url.Values{"version": {"1"}, "status": {"attended"}}, prac); rec.Code != http.StatusSeeOther {
		t.Fatalf("marking: %d %s", rec.Code, rec.Body)
	}
	page := w.get(t, record, prac).Body.String()
	if !strings.Contains(page, fmt.Sprintf(`action="/sessions/%d/note"`, id)) {
		t.Fatal("the record does not offer to write the note")
	}
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/sessions/%d/note", id), url.Values{}, prac)
	var note int64
	if _, err := fmt.Sscanf(rec.Header().Get("Location"), "/notes/%d", &note); rec.Code != http.StatusSeeOther || err != nil {
		t.Fatalf("writing the note: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if page := w.get(t, record, prac).Body.String(); !strings.Contains(page, fmt.Sprintf(`href="/notes/%d"`, note)) {
		t.Error("the record does not link the session's note")
	}
	// A second note of the session is refused on the session's page.
	if rec := w.do(t, http.MethodPost, fmt.Sprintf("/sessions/%d/note", id), url.Values{}, prac); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "has its progress note already") {
		t.Errorf("a second note: %d", rec.Code)
	}
}

// TestCalendarFeedLimits: made-up addresses from a few client addresses
// drain only the bucket of unknown feeds, and a real feed is still read;
// one feed read too often is refused on its own.
func TestCalendarFeedLimits(t *testing.T) {
	w := newWorld(t)
	token, err := w.s.practice.CreateCalendarFeed(context.Background(), practice.ActorOf(w.users["practitioner"]))
	if err != nil {
		t.Fatal(err)
	}
	from := func(addr, path string) int {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = addr + ":4000"
		rec := httptest.NewRecorder()
		w.h.ServeHTTP(rec, req)
		return rec.Code
	}
	guesses := 0
	for a := 1; a <= feedLimit.overall/feedLimit.perAddress+1; a++ {
		for range feedLimit.perAddress {
			from(fmt.Sprintf("198.51.100.%d", a), "/calendar/made-up.ics")
			guesses++
		}
	}
	if code := from("198.51.100.200", "/calendar/made-up.ics"); code != http.StatusTooManyRequests {
		t.Errorf("an unknown feed after %d guesses: %d, want 429", guesses, code)
	}
	if code := from("203.0.113.9", "/calendar/"+token+".ics"); code != http.StatusOK {
		t.Fatalf("the real feed after the guesses: %d, want 200", code)
	}
	// The feed's own bucket: one more read than it allows.
	limited := false
	for i := range feedPerFeed + 1 {
		if code := from(fmt.Sprintf("203.0.113.%d", 10+i%50), "/calendar/"+token+".ics"); code == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Errorf("no 429 after %d reads of one feed", feedPerFeed+1)
	}
}

// TestImportedSessionPages: a session held at another practice, which
// came with an imported record, is shown as such on its page and in the
// client's list, without the reminder, payment or other actions.
func TestImportedSessionPages(t *testing.T) {
	w, client, caseID := sessionsWebWorld(t)
	ctx := context.Background()
	prac := w.session(t, "practitioner")
	by := practice.ActorOf(w.users["practitioner"])
	in := practice.SessionInput{Date: "2026-12-01", Time: "10:00", Minutes: "50", Modality: "in_person", Kind: "couple", CPT: "90847", Fee: "0"}
	x, err := w.s.practice.ScheduleSession(ctx, by, caseID, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.InTx(ctx, func(tx *practicesql.Tx) error {
		return tx.CreateClientImport(ctx, practice.ClientImport{ClientID: client, BundleID: "bundle-1", ImportedBy: by.UserID,
			ImportedAt: w.s.now(), Resources: 1})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.DB.ExecContext(ctx, w.st.DB.Dialect.Rebind("UPDATE therapy_sessions SET imported_from = ? WHERE id = ?"), client, x.ID); err != nil {
		t.Fatal(err)
	}
	page := w.get(t, fmt.Sprintf("/sessions/%d", x.ID), prac).Body.String()
	if !strings.Contains(page, "held at another practice") || strings.Contains(page, "not sent yet") ||
		strings.Contains(page, "/payment") || strings.Contains(page, "/mark") || strings.Contains(page, "/cancel") {
		t.Errorf("the imported session's page:\n%s", page)
	}
	record := w.get(t, fmt.Sprintf("/clients/%d", client), prac).Body.String()
	if !strings.Contains(record, "held at another practice (imported)") || strings.Contains(record, fmt.Sprintf(`value="%d"`, x.ID)) {
		t.Errorf("the record's list of sessions:\n%s", record)
	}
	rec := w.do(t, http.MethodPost, fmt.Sprintf("/sessions/%d/payment", x.ID), url.Values{"version": {fmt.Sprint(x.Version)}, "paid": {"0"}}, prac)
	if rec.Code != http.StatusConflict {
		t.Errorf("a payment on the imported session: %d", rec.Code)
	}
}
