package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
)

// testPassword is every test account's password.
const testPassword = "violet kettle mountain breeze"

var testHash = sync.OnceValue(func() string {
	h, err := auth.Hash(testPassword, auth.DefaultParams)
	if err != nil {
		panic(err)
	}
	return h
})

// addUser creates a verified account with roles; staff, admins and
// regulators also get two-factor sign-in marked as on, as they must have it.
func addUser(t *testing.T, st *boardsql.Store, email, name string, roles ...auth.Role) *boardsql.User {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	id, err := st.CreateUser(ctx, boardsql.User{Email: email, Name: name, PasswordHash: testHash(), Roles: roles, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r == auth.Staff || r == auth.Admin || r == auth.Regulator {
			if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind("UPDATE users SET totp_enabled_at = ? WHERE id = ?"), now.UTC().Format("2006-01-02T15:04:05.000000Z"), id); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	u, err := st.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sessionFor signs a user in directly through the store (bypassing the
// password and second factor, which their own tests cover) and returns the
// session cookie.
func sessionFor(t *testing.T, s *Server, u *boardsql.User) *http.Cookie {
	t.Helper()
	token, digest, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := s.now()
	if err := s.store().CreateSession(context.Background(), boardsql.Session{Digest: digest, UserID: u.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(SessionMax)}); err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: SessionCookie, Value: token}
}

// postForm posts a urlencoded form as a same-origin browser would.
func postForm(t *testing.T, h http.Handler, path string, form url.Values, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "192.0.2.7:5555"
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// getAs fetches a path with a session cookie (nil: anonymous).
func getAs(t *testing.T, h http.Handler, path string, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "192.0.2.7:5555"
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// fileEveryDocument has the applicant upload a file (docPDF) for each
// document item of application id that has none yet, through the board's
// upload, so that every document the portfolio lists is on file and counts.
func fileEveryDocument(t *testing.T, s *Server, st *boardsql.Store, applicant *boardsql.User, id int64) {
	t.Helper()
	ctx := context.Background()
	app, err := st.Application(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := st.Documents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	version := app.Version
	for _, d := range board.NotOnFile(p, docs) {
		up := board.Upload{Filename: d.ID + ".pdf", Data: docPDF(t), HasFile: true, Item: d.ID, Version: strconv.Itoa(version)}
		if _, _, version, err = s.board.Upload(ctx, applicant, id, up); err != nil {
			t.Fatalf("uploading the file of %s: %v", d.ID, err)
		}
	}
}

// recordFiles records, straight in the store, a file for every document
// item of p in application id, as uploads would (for applications a test
// creates in a state where the applicant can no longer upload).
func recordFiles(t *testing.T, s *Server, id, uploader int64, p *portfolio.Portfolio) {
	t.Helper()
	ctx := context.Background()
	if err := s.inTx(ctx, func(tx *boardsql.Tx) error {
		for _, d := range p.Documents {
			if _, err := tx.AddDocument(ctx, boardsql.Document{ApplicationID: id, ItemID: d.ID, Filename: d.ID + ".pdf", ContentType: "application/pdf",
				Size: 1, SHA256: "00", BlobKey: board.NewBlobKey(id), UploadedBy: uploader, CreatedAt: s.now()}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
