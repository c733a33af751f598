package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
)

// TestHomeByRole: on the demo board, each role lands on a home page of
// its own work, the primary role's first, with what waits for it counted
// and linked; someone who only applies has their applications as home,
// and a visitor the start page.
func TestHomeByRole(t *testing.T) {
	s, st := newServer(t)
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	apps, err := st.Applications(ctx, board.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[board.State]int{}
	riley := int64(0)
	for _, a := range apps {
		count[a.State]++
		if a.ApplicantName == "Riley Chen" {
			riley = a.ID
		}
	}
	user := func(local string) *boardsql.User {
		u, err := st.UserByEmail(ctx, demoEmail(local))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	for _, tc := range []struct {
		local string
		// want appear in this order.
		want []string
		not  []string
	}{
		{"staff", []string{"<h1>Welcome, Sam Okafor</h1>", "Work queue",
			fmt.Sprintf(`href="/queue?state=submitted">Submitted (%d)</a>`, count[board.Submitted]),
			fmt.Sprintf(`href="/queue?state=under_review">Under review (%d)</a>`, count[board.UnderReview]),
			fmt.Sprintf(`href="/queue?state=peer_review">Peer review (%d)</a>`, count[board.PeerReview]),
			fmt.Sprintf(`information requested (%d)`, count[board.InfoRequested]),
			fmt.Sprintf(`returned (%d)`, count[board.Returned]), `href="/queue"`},
			[]string{"Administration", "Two-factor", "Your applications and credentials"}},
		{"admin", []string{"as an admin and board staff", `<h2 id="h-admin">Administration</h2>`, `href="/admin/sets"`,
			`<h2 id="h-staff">Work queue</h2>`, `href="/queue?state=submitted"`}, nil},
		{"tomas.silva", []string{"Peer reviews", "1 application waits for your vote",
			fmt.Sprintf(`<a href="/reviews/%d">Riley Chen</a>`, riley), `href="/reviews"`}, []string{"Work queue"}},
		{"priya.raman", []string{"Peer reviews", "0 applications wait for your vote"}, []string{"Riley Chen</a>"}},
		{"lee.park", []string{"Supervision", "for your confirmation", `<a href="/supervision/`, `href="/supervision"`}, []string{"Peer reviews"}},
		{"regulator", []string{"Title checks", `href="/title-check"`, `href="/registry"`}, []string{"Work queue"}},
		{"provider", []string{"CE reports", "The board's approval is in force.", `href="/provider"`}, []string{"Work queue"}},
	} {
		t.Run(tc.local, func(t *testing.T) {
			rec := getAs(t, h, "/", sessionFor(t, s, user(tc.local)))
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("home: %d %s", rec.Code, body)
			}
			at := 0
			for _, w := range tc.want {
				i := strings.Index(body[at:], w)
				if i < 0 {
					t.Fatalf("home lacks %q (after what came before)\n%s", w, mainOf(body))
				}
				at += i + len(w)
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("home shows %q", n)
				}
			}
		})
	}

	// An applicant and holder's home is their applications.
	rec := getAs(t, h, "/", sessionFor(t, s, user("jordan")))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/applications" {
		t.Errorf("an applicant's home: %d to %q, want their applications", rec.Code, rec.Header().Get("Location"))
	}
	// A visitor's is the start page.
	if rec := getAs(t, h, "/", nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Create an account") {
		t.Errorf("a visitor's home: %d", rec.Code)
	}

	// A reviewer who also holds a credential sees it, with its certificate,
	// after their reviews; one who has not turned on two-factor sign-in is
	// told to before the staff work.
	jordan := user("jordan")
	jordan.Roles = append(jordan.Roles, auth.Reviewer)
	if _, err := st.UpdateUser(ctx, st.DB, *jordan); err != nil {
		t.Fatal(err)
	}
	creds, err := st.CredentialsOf(ctx, jordan.ID)
	if err != nil || len(creds) == 0 {
		t.Fatalf("jordan's credentials: %d, %v", len(creds), err)
	}
	body := getAs(t, h, "/", sessionFor(t, s, jordan)).Body.String()
	iRev, iOwn := strings.Index(body, "Peer reviews"), strings.Index(body, "Your applications and credentials")
	if iRev < 0 || iOwn < iRev || !strings.Contains(body, `href="/credentials/`+creds[0].ID+`/certificate.pdf"`) {
		t.Errorf("a reviewer holding a credential: reviews at %d, own at %d, certificate linked %v\n%s", iRev, iOwn,
			strings.Contains(body, "certificate.pdf"), mainOf(body))
	}
	// The approved application's page leads to the credential it issued
	// and its certificate, and so do the holder's applications.
	for _, path := range []string{fmt.Sprintf("/applications/%d", creds[0].ApplicationID), "/applications"} {
		body := getAs(t, h, path, sessionFor(t, s, jordan)).Body.String()
		for _, w := range []string{`href="/credentials/` + creds[0].ID + `"`, `href="/credentials/` + creds[0].ID + `/certificate.pdf"`} {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %s", path, w)
			}
		}
	}
	rileyUser := user("riley")
	if body := getAs(t, h, fmt.Sprintf("/applications/%d", riley), sessionFor(t, s, rileyUser)).Body.String(); strings.Contains(body, "Your credential") {
		t.Error("an application in peer review shows a credential")
	}
	newStaff := addUser(t, st, "new.staff@example.org", "New Staff", auth.Staff)
	if _, err := st.DB.ExecContext(ctx, "UPDATE users SET totp_enabled_at = NULL WHERE id = ?", newStaff.ID); err != nil {
		t.Fatal(err)
	}
	body = getAs(t, h, "/", sessionFor(t, s, newStaff)).Body.String()
	if !strings.Contains(body, `href="/account/two-factor"`) || strings.Contains(body, `href="/queue?state=submitted"`) {
		t.Errorf("staff without two factors: %s", mainOf(body))
	}
}

// mainOf returns the main element of a page, for failure messages.
func mainOf(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}
