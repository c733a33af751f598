package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
)

// BenchmarkDashboard measures the applicant's dashboard through the whole
// handler (session, application, evaluation, page) on SQLite, for the
// example portfolio (about 80 items) and one grown to 5,000 items: "view"
// reads it again at the same version (the common case), "add+view" adds an
// attestation through the JSON API and then reads it (the path after every
// change).
func BenchmarkDashboard(b *testing.B) {
	for _, items := range []int{0, 5000} {
		s, st := newServer(b)
		h := s.Handler()
		cookie, id := benchApplicant(b, s, st, items)
		name := "example"
		if items > 0 {
			name = strconv.Itoa(items)
		}
		get := func() *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodGet, "/applications/"+strconv.FormatInt(id, 10), nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("dashboard: %d %s", rec.Code, rec.Body)
			}
			return rec
		}
		version := 1
		add := func() {
			body := `{"version":` + strconv.Itoa(version) + `,"item":{"code":"aasect-code-of-conduct","version":"2024","signed":"2026-03-01"}}`
			req := httptest.NewRequest(http.MethodPost, "/api/v1/applications/"+strconv.FormatInt(id, 10)+"/evidence/attestations", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Fatalf("add: %d %s", rec.Code, rec.Body)
			}
			version++
		}
		b.Run("view/"+name, func(b *testing.B) {
			get()
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				size = get().Body.Len()
			}
			b.ReportMetric(float64(size)/1024, "KB/page")
		})
		b.Run("add+view/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				add()
				get()
			}
		})
	}
}

// benchApplicant makes an applicant with a session and a draft aasect-cst
// application holding the example portfolio, grown to items evidence items
// by repeating its supervision sessions when items is more than it holds.
func benchApplicant(b *testing.B, s *Server, st *boardsql.Store, items int) (*http.Cookie, int64) {
	b.Helper()
	ctx := context.Background()
	data, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		b.Fatal(err)
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	count := 0
	for _, l := range portfolio.Lists() {
		count += len(portfolio.Items(p, l))
	}
	for i := 0; count < items; i++ {
		sess := p.Sessions[i%41]
		sess.ID = fmt.Sprintf("ses-bench-%d", i)
		p.Sessions = append(p.Sessions, sess)
		count++
	}
	if data, err = portfolio.Encode(p); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	uid, err := st.CreateUser(ctx, boardsql.User{Email: "bench@example.org", Name: p.Person.Name, PasswordHash: "x", Roles: []auth.Role{auth.Applicant}, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		b.Fatal(err)
	}
	var id int64
	if err := st.InTx(ctx, func(tx *boardsql.Tx) error {
		id, err = tx.CreateApplication(ctx, boardsql.Application{ApplicantID: uid, SetID: "aasect-cst", State: board.Draft, Portfolio: data, CreatedAt: now})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	token, digest, err := auth.NewToken()
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateSession(ctx, boardsql.Session{Digest: digest, UserID: uid, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionMax)}); err != nil {
		b.Fatal(err)
	}
	return &http.Cookie{Name: SessionCookie, Value: token}, id
}
