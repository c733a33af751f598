package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice/practiceseed"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// BenchmarkPracticePages renders the pages that grow with a practice's
// history, on each engine (PostgreSQL where CERTBOARD_TEST_POSTGRES or the
// default test server answers): the record of a client with 5,000 signed
// progress notes and 5,000 scored measure responses, their case's pages,
// and the list of a practitioner with 10,000 clients, whole and filtered
// by name. Each iteration is one request through the server's handler, as
// the practitioner, signed in with two factors. Seeding is not timed.
//
//	go test ./practice/web -run '^$' -bench PracticePages -benchmem -cpu 1
func BenchmarkPracticePages(b *testing.B) {
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		b.Fatal(err)
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		db, ok := sqldbtest.Engines(b)[engine]
		if !ok {
			continue
		}
		st := practicesql.New(db, keys)
		if _, err := st.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		start := time.Now()
		seeded, err := practiceseed.Seed(ctx, st, practiceseed.Config{Clients: 10000, Notes: 5000, Responses: 5000, Now: now})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: seeded 10,000 clients, 5,000 notes and 5,000 responses in %s", engine, time.Since(start).Round(time.Millisecond))
		s, err := New(Config{Practice: practicesql.ForPractice{Store: st}, Accounts: st.Accounts(), Now: func() time.Time { return now },
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: "https://practice.example", HashConcurrency: 1})
		if err != nil {
			b.Fatal(err)
		}
		h := s.Handler()
		token, digest, err := auth.NewToken()
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Accounts().CreateSession(ctx, auth.Session{Digest: digest, UserID: seeded.Practitioner.ID, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(auth.SessionMax)}); err != nil {
			b.Fatal(err)
		}
		sess := &http.Cookie{Name: SessionCookie, Value: token}
		for _, p := range []struct{ name, path string }{
			{"record", fmt.Sprintf("/clients/%d", seeded.BigClient)},
			{"case", fmt.Sprintf("/cases/%d", seeded.BigCase)},
			{"case-notes", fmt.Sprintf("/case-notes/%d", seeded.BigCase)},
			{"case-measures", fmt.Sprintf("/cases/%d/measures", seeded.BigCase)},
			{"clients", "/clients"},
			{"clients-filtered", "/clients?q=" + seeded.BigName[:3]},
		} {
			b.Run(engine+"/"+p.name, func(b *testing.B) {
				var size int
				for b.Loop() {
					req := httptest.NewRequest(http.MethodGet, p.path, nil)
					req.RemoteAddr = "192.0.2.7:5555"
					req.AddCookie(sess)
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s: %d %.300s", p.path, rec.Code, rec.Body)
					}
					size = rec.Body.Len()
				}
				b.ReportMetric(float64(size)/1024, "KB/page")
			})
		}
	}
}
