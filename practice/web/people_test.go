package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
)

// TestPeoplePages: an admin lists people, adds one (who is mailed a link)
// and changes roles; a refused form shows what to fix and changes nothing.
func TestPeoplePages(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.signIn(t, "admin")
	list := w.get(t, "/people", c)
	if list.Code != http.StatusOK || !strings.Contains(list.Body.String(), "practitioner@practice.example") ||
		!strings.Contains(list.Body.String(), "<legend>Roles</legend>") {
		t.Fatalf("the list: %d %s", list.Code, list.Body)
	}
	bad := w.do(t, http.MethodPost, "/people", url.Values{"name": {""}, "email": {"nope"}}, c)
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body.String(), `id="email-error"`) ||
		!strings.Contains(bad.Body.String(), `id="name-error"`) || !strings.Contains(bad.Body.String(), `id="roles-error"`) {
		t.Fatalf("a bad form: %d %s", bad.Code, bad.Body)
	}
	rec := w.do(t, http.MethodPost, "/people", url.Values{"name": {"Lena Fischer"}, "email": {"lena@practice.example"}, "roles": {"practitioner"}}, c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/people" {
		t.Fatalf("adding: %d %s", rec.Code, rec.Body)
	}
	flash := w.get(t, "/people", c, cookie(rec, FlashCookie)).Body.String()
	if !strings.Contains(flash, "Added Lena Fischer") || !strings.Contains(flash, "lena@practice.example") {
		t.Fatalf("after adding: %s", flash)
	}
	taken := w.do(t, http.MethodPost, "/people", url.Values{"name": {"Again"}, "email": {"lena@practice.example"}, "roles": {"practitioner"}}, c)
	if taken.Code != http.StatusConflict || !strings.Contains(taken.Body.String(), `id="email-error"`) {
		t.Fatalf("a taken address: %d %s", taken.Code, taken.Body)
	}
	lena, err := w.st.UserByEmail(ctx, "lena@practice.example")
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/people/%d/roles", lena.ID)
	rec = w.do(t, http.MethodPost, path, url.Values{"roles": {"practitioner", "practice_admin"}, "version": {strconv.Itoa(lena.Version)}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("changing roles: %d %s", rec.Code, rec.Body)
	}
	if u, _ := w.st.UserByID(ctx, lena.ID); auth.JoinRoles(u.Roles, ",") != "practitioner,practice_admin" {
		t.Fatalf("roles now %v", u.Roles)
	}
	// The same version again: changed meanwhile.
	rec = w.do(t, http.MethodPost, path, url.Values{"roles": {"practitioner"}, "version": {strconv.Itoa(lena.Version)}}, c)
	if rec.Code != http.StatusSeeOther || !strings.Contains(w.get(t, "/people", c, cookie(rec, FlashCookie)).Body.String(), "changed this person") {
		t.Fatalf("an old version: %d", rec.Code)
	}
	own := fmt.Sprintf("/people/%d/roles", w.users["admin"].ID)
	rec = w.do(t, http.MethodPost, own, url.Values{"roles": {"practitioner"}, "version": {strconv.Itoa(w.users["admin"].Version)}}, c)
	if !strings.Contains(w.get(t, "/people", c, cookie(rec, FlashCookie)).Body.String(), "cannot remove your own admin role") {
		t.Fatal("an admin removed their own admin role")
	}
	if rec := w.do(t, http.MethodPost, "/people/x/roles", url.Values{"version": {"1"}}, c); rec.Code != http.StatusNotFound {
		t.Fatalf("a person id that is not a number: %d", rec.Code)
	}
	if rec := w.get(t, "/people", w.signIn(t, "practitioner")); rec.Code != http.StatusForbidden ||
		!strings.Contains(rec.Body.String(), "a practice admin can grant it") {
		t.Fatalf("the list for a practitioner: %d %s", rec.Code, rec.Body)
	}
}

// TestPeopleRevokeCalendarFeed: an admin sees who has a calendar address
// and revokes one from the people page; the address then answers nothing.
func TestPeopleRevokeCalendarFeed(t *testing.T) {
	w := newWorld(t)
	token, err := w.s.practice.CreateCalendarFeed(context.Background(), practice.ActorOf(w.users["practitioner"]))
	if err != nil {
		t.Fatal(err)
	}
	c := w.signIn(t, "admin")
	button := fmt.Sprintf(`action="/people/%d/calendar/revoke"`, w.users["practitioner"].ID)
	if body := w.get(t, "/people", c).Body.String(); !strings.Contains(body, button) {
		t.Fatalf("no revoke button on the people page: %s", body)
	}
	rec := w.do(t, http.MethodPost, fmt.Sprintf("/people/%d/calendar/revoke", w.users["practitioner"].ID), url.Values{}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("revoking: %d %s", rec.Code, rec.Body)
	}
	if body := w.get(t, "/people", c, cookie(rec, FlashCookie)).Body.String(); !strings.Contains(body, "Revoked the calendar address") ||
		strings.Contains(body, button) {
		t.Fatalf("after revoking: %s", body)
	}
	if rec := w.get(t, "/calendar/"+token+".ics"); rec.Code != http.StatusNotFound {
		t.Fatalf("the revoked feed: %d", rec.Code)
	}
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/people/%d/calendar/revoke", w.users["practitioner"].ID), url.Values{}, c)
	if body := w.get(t, "/people", c, cookie(rec, FlashCookie)).Body.String(); !strings.Contains(body, "no calendar address to revoke") {
		t.Fatalf("revoking again: %d %s", rec.Code, body)
	}
}
