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
	engines := sqldbtest.Engines(b)
	for _, engine := range []string{"sqlite", "postgres"} {
		db, ok := engines[engine]
		if !ok {
			continue
		}
		st := practicesql.New(db, keys)
		if _, err := st.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		site := newSeededSite(b, st, practiceseed.Config{Clients: 10000, Notes: 5000, Responses: 5000})
		b.Logf("%s: seeded 10,000 clients, 5,000 notes and 5,000 responses in %s", engine, time.Since(start).Round(time.Millisecond))
		seeded, sess := site.seeded, site.practitioner
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
					rec := site.get(p.path, sess)
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

// seededSite is a practice server over a store seeded by practiceseed,
// with a signed-in session of each of its practitioners.
type seededSite struct {
	seeded              *practiceseed.Seeded
	h                   http.Handler
	practitioner, other *http.Cookie
}

// seededNow is the time of a seeded site.
var seededNow = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// newSeededSite seeds st (migrated) as cfg says, at seededNow, and serves it.
func newSeededSite(tb testing.TB, st *practicesql.Store, cfg practiceseed.Config) *seededSite {
	tb.Helper()
	ctx := context.Background()
	cfg.Now = seededNow
	seeded, err := practiceseed.Seed(ctx, st, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := New(Config{Practice: practicesql.ForPractice{Store: st}, Accounts: st.Accounts(), Now: func() time.Time { return seededNow },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: "https://practice.example", HashConcurrency: 1})
	if err != nil {
		tb.Fatal(err)
	}
	site := &seededSite{seeded: seeded, h: s.Handler()}
	for _, who := range []struct {
		id  int64
		dst **http.Cookie
	}{{seeded.Practitioner.ID, &site.practitioner}, {seeded.Other.ID, &site.other}} {
		token, digest, err := auth.NewToken()
		if err != nil {
			tb.Fatal(err)
		}
		if err := st.Accounts().CreateSession(ctx, auth.Session{Digest: digest, UserID: who.id, CreatedAt: seededNow,
			LastSeenAt: seededNow, ExpiresAt: seededNow.Add(auth.SessionMax)}); err != nil {
			tb.Fatal(err)
		}
		*who.dst = &http.Cookie{Name: SessionCookie, Value: token}
	}
	return site
}

// get answers a GET of path with the session.
func (site *seededSite) get(path string, session *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "192.0.2.7:5555"
	req.AddCookie(session)
	rec := httptest.NewRecorder()
	site.h.ServeHTTP(rec, req)
	return rec
}
