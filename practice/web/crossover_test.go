package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	bweb "github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
)

// TestNoCrossoverWithTheBoard: a board and a practice side by side, as the
// demo serves them. The same address and password sign in to each only on
// its own; a board session is no practice session, under the board's
// cookie name or the practice's, and the other way round.
func TestNoCrossoverWithTheBoard(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	bst, err := boardsql.Open(ctx, boardsql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer bst.Close()
	if _, err := bst.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sets, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	board, err := bweb.New(bweb.Config{Board: boardsql.ForBoard{Store: bst}, Accounts: boardsql.ForAuth{Store: bst}, Sets: sets,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: w.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	bh := board.Handler()
	// The practitioner has an account on the board too, with the same
	// address and password: a separate account in a separate database.
	hash, err := auth.Hash(testPassword, auth.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	now := w.clock.now()
	if _, err := bst.CreateUser(ctx, auth.User{Email: "practitioner@practice.example", Name: "On the board", PasswordHash: hash,
		Roles: []auth.Role{auth.Applicant}, CreatedAt: now, EmailVerifiedAt: now}); err != nil {
		t.Fatal(err)
	}
	boardDo := func(path string, c *http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if c != nil {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		bh.ServeHTTP(rec, req)
		return rec
	}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"email": {"practitioner@practice.example"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	bh.ServeHTTP(rec, req)
	boardSession := cookie(rec, bweb.SessionCookie)
	if rec.Code != http.StatusSeeOther || boardSession == nil {
		t.Fatalf("signing in to the board: %d %v", rec.Code, rec.Header())
	}
	if rec := boardDo("/account", boardSession); rec.Code != http.StatusOK {
		t.Fatalf("the board's own session: %d", rec.Code)
	}
	practiceSession := w.signIn(t, "practitioner")
	if rec := w.get(t, "/", practiceSession); rec.Code != http.StatusOK {
		t.Fatalf("the practice's own session: %d", rec.Code)
	}
	// The board's session at the practice, under either name.
	asPractice := &http.Cookie{Name: SessionCookie, Value: boardSession.Value}
	for _, c := range []*http.Cookie{boardSession, asPractice} {
		if rec := w.get(t, "/account", c); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("the board's session as %s at the practice: %d %v", c.Name, rec.Code, rec.Header())
		}
	}
	// The practice's session at the board, under either name.
	asBoard := &http.Cookie{Name: bweb.SessionCookie, Value: practiceSession.Value}
	for _, c := range []*http.Cookie{practiceSession, asBoard} {
		if rec := boardDo("/account", c); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("the practice's session as %s at the board: %d %v", c.Name, rec.Code, rec.Header())
		}
	}
	for _, pair := range [][2]string{{SessionCookie, bweb.SessionCookie}, {DeviceCookie, bweb.DeviceCookie}, {FlashCookie, bweb.FlashCookie}} {
		if pair[0] == pair[1] {
			t.Errorf("the practice and the board share the cookie name %s", pair[0])
		}
	}
}
