package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// auditActions counts the audit entries of an action on a subject.
func auditActions(t *testing.T, s *Server, action, subject string) int {
	t.Helper()
	log, err := s.store().AuditLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == action && e.Subject == subject {
			n++
		}
	}
	return n
}

// TestSignUpWithTakenAddress: signing up with the address of a verified
// account answers exactly as a new sign-up (API and form), changes nothing
// of the account, and mails its owner a notice (no link to verify); the
// attempt is audited.
func TestSignUpWithTakenAddress(t *testing.T) {
	s, _ := withAccount(t)
	s.usePublicURL(t, "https://board.example.org")
	h := s.Handler()
	ctx := context.Background()
	before, err := s.store().UserByEmail(ctx, "jordan@example.org")
	if err != nil {
		t.Fatal(err)
	}
	fresh := anonFrom(h, "POST", "/api/v1/accounts", `{"email": "new@example.org", "name": "New Person", "password": "amber orchard river climb"}`, "203.0.113.1:1")
	taken := anonFrom(h, "POST", "/api/v1/accounts", `{"email": "Jordan@Example.org", "name": "Intruder", "password": "amber orchard river climb"}`, "203.0.113.2:1")
	if fresh.Code != http.StatusAccepted || taken.Code != fresh.Code || taken.Body.String() != fresh.Body.String() ||
		taken.Header().Get("Content-Type") != fresh.Header().Get("Content-Type") {
		t.Fatalf("answers differ: %d %s / %d %s", fresh.Code, fresh.Body, taken.Code, taken.Body)
	}
	form := func(email string) *httptest.ResponseRecorder {
		return anonFrom(h, "POST", "/signup", url.Values{"email": {email}, "name": {"Form Person"}, "password": {"amber orchard river climb"}}.Encode(), "203.0.113.3:1")
	}
	freshForm, takenForm := form("new2@example.org"), form("jordan@example.org")
	if freshForm.Code != http.StatusSeeOther || takenForm.Code != freshForm.Code || takenForm.Header().Get("Location") != freshForm.Header().Get("Location") {
		t.Fatalf("form answers differ: %d %q / %d %q", freshForm.Code, freshForm.Header().Get("Location"), takenForm.Code, takenForm.Header().Get("Location"))
	}

	if subject, token := mailTo(t, s, "new@example.org"); subject != "Verify your e-mail address" || token == "" {
		t.Fatalf("new address: %q %q", subject, token)
	}
	mails := mailsTo(t, s.store(), "jordan@example.org")
	if len(mails) != 2 {
		t.Fatalf("%d mails to the owner, want 2 notices", len(mails))
	}
	for _, m := range mails {
		if m.Subject != "Someone tried to sign up with your address" || tokenInMail.MatchString(m.Body) ||
			!strings.Contains(m.Body, "https://board.example.org/login") || !strings.Contains(m.Body, "https://board.example.org/password-reset") {
			t.Fatalf("notice: %q\n%s", m.Subject, m.Body)
		}
	}
	after, err := s.store().UserByEmail(ctx, "jordan@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if after.Name != before.Name || after.PasswordHash != before.PasswordHash || after.Version != before.Version || !after.CreatedAt.Equal(before.CreatedAt) {
		t.Fatalf("the account changed: %+v -> %+v", before, after)
	}
	if rec := call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "violet kettle mountain breeze"}`); rec.Code != http.StatusOK {
		t.Fatalf("the owner's password: %d %s", rec.Code, rec.Body)
	}
	if n := auditActions(t, s, "account.sign_up_existing", fmt.Sprintf("user/%d", before.ID)); n != 2 {
		t.Fatalf("%d audited attempts, want 2", n)
	}
}

// TestSignUpAgainReplacesUnverified: an unverified sign-up never keeps the
// address from its owner: signing up again with it replaces the account
// (name, password), mails a new link, and the earlier link stops working.
func TestSignUpAgainReplacesUnverified(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	ctx := context.Background()
	if rec := anonFrom(h, "POST", "/api/v1/accounts", `{"email": "ana@example.org", "name": "Squatter", "password": "squatter chose this one"}`, "203.0.113.66:1"); rec.Code != http.StatusAccepted {
		t.Fatalf("first sign-up: %d %s", rec.Code, rec.Body)
	}
	_, first := mailTo(t, s, "ana@example.org")
	first1, err := s.store().UserByEmail(ctx, "ana@example.org")
	if err != nil {
		t.Fatal(err)
	}
	rec := anonFrom(h, "POST", "/signup", url.Values{"email": {"ana@example.org"}, "name": {"Ana Souza"}, "password": {"quiet harbour lantern seven"}}.Encode(), "203.0.113.7:1")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/signup/sent" {
		t.Fatalf("sign-up again: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	subject, second := mailTo(t, s, "ana@example.org")
	if subject != "Verify your e-mail address" || second == "" || second == first {
		t.Fatalf("second mail: %q, token %q (first %q)", subject, second, first)
	}
	if rec := call(t, h, "POST", "/api/v1/accounts/verify", `{"token": "`+first+`", "password": "squatter chose this one"}`); rec.Code != http.StatusBadRequest {
		t.Fatalf("the earlier link: %d %s, want 400", rec.Code, rec.Body)
	}
	if rec := call(t, h, "POST", "/api/v1/accounts/verify", `{"token": "`+second+`", "password": "quiet harbour lantern seven"}`); rec.Code != http.StatusOK {
		t.Fatalf("the new link: %d %s", rec.Code, rec.Body)
	}
	if rec := call(t, h, "POST", "/api/v1/session", `{"email": "ana@example.org", "password": "squatter chose this one"}`); rec.Code != http.StatusUnauthorized {
		t.Fatalf("the first password: %d", rec.Code)
	}
	if rec := call(t, h, "POST", "/api/v1/session", `{"email": "ana@example.org", "password": "quiet harbour lantern seven"}`); rec.Code != http.StatusOK {
		t.Fatalf("the owner's password: %d %s", rec.Code, rec.Body)
	}
	u, err := s.store().UserByEmail(ctx, "ana@example.org")
	if err != nil || u.ID != first1.ID || u.Name != "Ana Souza" {
		t.Fatalf("account: %+v %v", u, err)
	}
	if n := auditActions(t, s, "account.sign_up_again", fmt.Sprintf("user/%d", u.ID)); n != 1 {
		t.Fatalf("%d audited replacements, want 1", n)
	}
}

// TestAccountSweepDeletesExpiredSignUps: the daily sweep, a durable job,
// deletes accounts left unverified for UnverifiedAccountTTL (audited), and
// keeps verified and younger ones; the address can then sign up afresh.
func TestAccountSweepDeletesExpiredSignUps(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	ctx := context.Background()
	start := *clock
	signUp := func(email string) {
		t.Helper()
		if rec := anonFrom(h, "POST", "/api/v1/accounts", `{"email": "`+email+`", "name": "Someone", "password": "quiet harbour lantern seven"}`, "203.0.113.8:1"); rec.Code != http.StatusAccepted {
			t.Fatalf("sign-up %s: %d %s", email, rec.Code, rec.Body)
		}
	}
	signUp("old@example.org")
	*clock = start.Add(UnverifiedAccountTTL - 24*time.Hour)
	signUp("young@example.org")
	// Verified at once, long ago: kept.
	signUp("kept@example.org")
	_, token := mailTo(t, s, "kept@example.org")
	if rec := call(t, h, "POST", "/api/v1/accounts/verify", `{"token": "`+token+`", "password": "quiet harbour lantern seven"}`); rec.Code != http.StatusOK {
		t.Fatalf("verify: %d", rec.Code)
	}
	old, err := s.store().UserByEmail(ctx, "old@example.org")
	if err != nil {
		t.Fatal(err)
	}

	*clock = start.Add(UnverifiedAccountTTL + time.Hour)
	if _, err := s.RunDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store().UserByEmail(ctx, "old@example.org"); err != boardsql.ErrNotFound {
		t.Fatalf("the expired sign-up: %v, want deleted", err)
	}
	for _, email := range []string{"young@example.org", "kept@example.org", "jordan@example.org"} {
		if _, err := s.store().UserByEmail(ctx, email); err != nil {
			t.Fatalf("%s: %v, want kept", email, err)
		}
	}
	if n := auditActions(t, s, "account.expire_unverified", fmt.Sprintf("user/%d", old.ID)); n != 1 {
		t.Fatalf("%d audit entries of the deletion, want 1", n)
	}
	jobs, err := s.store().Jobs(ctx, "sweep/accounts/")
	if err != nil || len(jobs) != 1 || jobs[0].Outcome != boardsql.JobDone {
		t.Fatalf("sweep jobs: %+v %v", jobs, err)
	}
	signUp("old@example.org")
	if u, err := s.store().UserByEmail(ctx, "old@example.org"); err != nil || u.ID == old.ID {
		t.Fatalf("signing up afresh: %+v %v", u, err)
	}
}

// TestMailQuotaPerRecipient: mail that anonymous requests cause is
// limited per recipient, whatever causes it (reset links, sign-up notices,
// verification links): past the quota the answer is the same and nothing
// is queued or changed; the next window allows mail again.
func TestMailQuotaPerRecipient(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	ctx := context.Background()
	reset := func(remote string) *httptest.ResponseRecorder {
		return anonFrom(h, "POST", "/api/v1/password-reset", `{"email": "jordan@example.org"}`, remote)
	}
	first := reset("203.0.113.1:1")
	for i := 1; i < MailsPerRecipient; i++ {
		reset(fmt.Sprintf("203.0.113.%d:1", i+1))
	}
	if n := len(mailsTo(t, s.store(), "jordan@example.org")); n != MailsPerRecipient {
		t.Fatalf("%d reset mails within the quota, want %d", n, MailsPerRecipient)
	}
	over := reset("198.51.100.1:1")
	if over.Code != first.Code || over.Body.String() != first.Body.String() {
		t.Fatalf("past the quota the answer differs: %d %s", over.Code, over.Body)
	}
	if rec := anonFrom(h, "POST", "/password-reset", "email=jordan%40example.org", "198.51.100.2:1"); rec.Code != http.StatusSeeOther {
		t.Fatalf("reset form past the quota: %d", rec.Code)
	}
	if rec := anonFrom(h, "POST", "/api/v1/accounts", `{"email": "jordan@example.org", "name": "X", "password": "amber orchard river climb"}`, "198.51.100.3:1"); rec.Code != http.StatusAccepted {
		t.Fatalf("sign-up past the quota: %d", rec.Code)
	}
	if n := len(mailsTo(t, s.store(), "jordan@example.org")); n != MailsPerRecipient {
		t.Fatalf("%d mails queued, want still %d", n, MailsPerRecipient)
	}

	// Verification links of repeated sign-ups count too; past the quota a
	// sign-up changes nothing: the last link and password stay good.
	for i := range MailsPerRecipient + 1 {
		body := fmt.Sprintf(`{"email": "ana@example.org", "name": "Ana", "password": "quiet harbour lantern number %d"}`, i)
		if rec := anonFrom(h, "POST", "/api/v1/accounts", body, fmt.Sprintf("192.0.2.%d:1", 10+i)); rec.Code != http.StatusAccepted {
			t.Fatalf("sign-up %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	if n := len(mailsTo(t, s.store(), "ana@example.org")); n != MailsPerRecipient {
		t.Fatalf("%d verification mails, want %d", n, MailsPerRecipient)
	}
	_, token := mailTo(t, s, "ana@example.org")
	verify := fmt.Sprintf(`{"token": "%s", "password": "quiet harbour lantern number %d"}`, token, MailsPerRecipient-1)
	if rec := call(t, h, "POST", "/api/v1/accounts/verify", verify); rec.Code != http.StatusOK {
		t.Fatalf("the last link sent: %d %s", rec.Code, rec.Body)
	}
	u, err := s.store().UserByEmail(ctx, "ana@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := auth.Verify(u.PasswordHash, fmt.Sprintf("quiet harbour lantern number %d", MailsPerRecipient-1), auth.DefaultParams); !ok {
		t.Fatal("a sign-up past the quota replaced the password")
	}

	*clock = clock.Add(MailQuotaWindow)
	reset("203.0.113.200:1")
	if n := len(mailsTo(t, s.store(), "jordan@example.org")); n != MailsPerRecipient+1 {
		t.Fatalf("next window: %d mails, want %d", n, MailsPerRecipient+1)
	}
}
