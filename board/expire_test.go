package board

import (
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

func TestDecisions(t *testing.T) {
	until := time.Date(2029, 3, 10, 14, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		status string
		now    time.Time
		want   bool
	}{
		{"active", until.Add(-time.Hour), true},
		{"suspended", until.Add(-time.Hour), false}, // cannot be renewed until reinstated: no "start your renewal" mail
		{"superseded", until.Add(-time.Hour), false},
		{"revoked", until.Add(-time.Hour), false},
		{"active", until, false},
	} {
		if got, _ := reminderDecision(c.status, until, c.now); got != c.want {
			t.Errorf("reminderDecision(%s, %s) = %v", c.status, c.now, got)
		}
	}
	if expiryDecision("active", until, until.Add(-time.Second)) || !expiryDecision("active", until, until) || expiryDecision("superseded", until, until) {
		t.Error("expiryDecision")
	}
	m := func(org string, from, to date.Date, state portfolio.State) portfolio.Membership {
		return portfolio.Membership{ID: "m", Organization: org, From: from, To: to, Verification: portfolio.Verification{State: state}}
	}
	d := date.Of
	today := d(2027, 1, 1)
	for i, c := range []struct {
		ms   []portfolio.Membership
		want bool
		on   date.Date
	}{
		{nil, false, date.Date{}},
		{[]portfolio.Membership{m("AASECT", d(2020, 1, 1), d(2026, 12, 31), portfolio.Verified)}, true, d(2026, 12, 31)},
		{[]portfolio.Membership{m("AASECT", d(2020, 1, 1), d(2027, 1, 1), portfolio.Verified)}, false, date.Date{}},
		{[]portfolio.Membership{m("AASECT", d(2020, 1, 1), d(2025, 12, 31), portfolio.Verified), m("AASECT", d(2026, 1, 1), d(2026, 6, 30), portfolio.Claimed)}, true, d(2025, 12, 31)},
		// A claimed membership, open or not, keeps nothing alive; alone it decides nothing.
		{[]portfolio.Membership{m("AASECT", d(2020, 1, 1), d(2025, 12, 31), portfolio.Verified), m("AASECT", d(2026, 1, 1), date.Date{}, portfolio.Claimed)}, true, d(2025, 12, 31)},
		{[]portfolio.Membership{m("AASECT", d(2020, 1, 1), d(2025, 12, 31), portfolio.Claimed)}, false, date.Date{}},
		{[]portfolio.Membership{m("AASECT", d(2020, 1, 1), d(2025, 12, 31), portfolio.Verified), m("AASECT", d(2026, 1, 1), date.Date{}, portfolio.Verified)}, false, date.Date{}},
		{[]portfolio.Membership{m("AASECT", d(2020, 1, 1), d(2025, 12, 31), portfolio.Verified), m("AASECT", d(2026, 1, 1), d(2027, 12, 31), portfolio.Rejected)}, true, d(2025, 12, 31)},
		{[]portfolio.Membership{m("AASECT", d(2020, 1, 1), date.Date{}, portfolio.Verified)}, false, date.Date{}},
		{[]portfolio.Membership{m("SSTAR", d(2020, 1, 1), d(2021, 1, 1), portfolio.Verified)}, false, date.Date{}},
		{[]portfolio.Membership{m("AASECT", d(2020, 1, 1), d(2021, 1, 1), portfolio.Verified), m("AASECT", d(2027, 6, 1), d(2028, 1, 1), portfolio.Verified)}, true, d(2021, 1, 1)},
	} {
		got, on := membershipDecision(c.ms, []string{"AASECT"}, today)
		if got != c.want || on != c.on {
			t.Errorf("case %d: %v %s, want %v %s", i, got, on, c.want, c.on)
		}
	}
	// Renewal validity: before expiry the cycle continues; after, from approval.
	old := time.Date(2029, 3, 10, 14, 0, 0, 0, time.UTC)
	if got := RenewalValidity(old, old.AddDate(0, -2, 0), 3); !got.Equal(time.Date(2032, 3, 10, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("early renewal: %s", got)
	}
	late := old.AddDate(0, 0, 10)
	if got := RenewalValidity(old, late, 3); !got.Equal(late.AddDate(3, 0, 0)) {
		t.Errorf("late renewal: %s", got)
	}
}

// TestRenewalAdvice: reminders and the expiry mail tell the holder
// something they can actually do.
func TestRenewalAdvice(t *testing.T) {
	link, base := "https://board.example/credentials/c1", "https://board.example"
	draft := &Application{ID: 9, State: "draft"}
	review := &Application{ID: 9, State: "under_review"}
	for _, tc := range []struct {
		name    string
		renewal *Application
		expired bool
		want    []string
		mustNot []string
	}{
		{"before expiry, none open", nil, false, []string{link + "/renewal"}, []string{"apply"}},
		{"before expiry, a draft", draft, false, []string{"/applications/9", "before the credential expires"}, nil},
		{"expired, none open", nil, true, []string{"apply for the credential again", base + "/applications"}, []string{"/renewal", "Start your renewal"}},
		{"expired, a draft", draft, true, []string{"Submit it for review", "issued again"}, []string{"before the credential expires", "suspen"}},
		{"expired, under review", review, true, []string{"under review"}, []string{"Submit", "before the credential expires"}},
	} {
		got := RenewalAdvice(tc.renewal, link, base, tc.expired)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		for _, w := range tc.mustNot {
			if strings.Contains(got, w) {
				t.Errorf("%s: %q says %q", tc.name, got, w)
			}
		}
	}
}

// TestStandingAt: expiry is judged on the date and never reads as a
// suspension; a decision of the board's comes first.
func TestStandingAt(t *testing.T) {
	until := time.Date(2029, 3, 10, 14, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		c    IssuedCredential
		now  time.Time
		want string
	}{
		{"active", IssuedCredential{ValidUntil: until}, until.Add(-time.Second), "active"},
		{"expired at the moment", IssuedCredential{ValidUntil: until}, until, "expired"},
		{"expired long since", IssuedCredential{ValidUntil: until}, until.AddDate(2, 0, 0), "expired"},
		{"without an end", IssuedCredential{}, until.AddDate(50, 0, 0), "active"},
		{"suspended before expiry", IssuedCredential{ValidUntil: until, SuspendedAt: until.AddDate(0, -1, 0)}, until.AddDate(0, 1, 0), "suspended"},
		{"revoked", IssuedCredential{ValidUntil: until, RevokedAt: until.AddDate(-1, 0, 0)}, until.AddDate(1, 0, 0), "revoked"},
		{"renewed", IssuedCredential{ValidUntil: until, SupersededBy: "next"}, until.AddDate(1, 0, 0), "superseded"},
	} {
		if got := c.c.StandingAt(c.now); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
