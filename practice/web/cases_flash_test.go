package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
)

// flashOf is the one-time message a response leaves in the flash cookie,
// decoded; "" when it leaves none.
func flashOf(t *testing.T, rec interface{ Result() *http.Response }) string {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == FlashCookie && c.Value != "" {
			v, err := url.QueryUnescape(c.Value)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	return ""
}

// TestReferralFlashNamesNoOne: the flash cookie, which is not sealed,
// says that a referral was recorded, not to whom.
func TestReferralFlashNamesNoOne(t *testing.T) {
	w := casesWorld(t)
	client := casesClient(t, w)
	id, err := w.s.practice.OpenCase(context.Background(), practice.ActorOf(w.users["practitioner"]), client, practice.NewCase{Reason: "intake"})
	if err != nil {
		t.Fatal(err)
	}
	prac := w.signIn(t, "practitioner")
	rec := w.do(t, http.MethodPost, fmt.Sprintf("/cases/%d/referrals", id), url.Values{"referral.stage": {"intensive_therapy"},
		"referral.to.name": {"Dr Wren Halvorsen"}, "referral.to.organisation": {"Northgate Clinic"}, "referral.to.contact": {"+1 555 0100"},
		"referral.why": {"needs Intensive Therapy"}, "referral.consent": {"no"}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("recording the referral: %d %s", rec.Code, rec.Body)
	}
	msg := flashOf(t, rec)
	if msg != "Recorded the referral." {
		t.Errorf("the flash says %q, want %q", msg, "Recorded the referral.")
	}
	for _, s := range []string{"Wren", "Halvorsen", "Northgate", "555"} {
		if strings.Contains(msg, s) {
			t.Errorf("the flash names %q: %q", s, msg)
		}
	}
}
