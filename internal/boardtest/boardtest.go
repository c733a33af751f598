// Package boardtest starts the demo board for the tests of what reaches a
// board over HTTP, as a verifier, a practice or a browser elsewhere
// would: the verifier's, the practice's, the demo's and the end-to-end
// tests. Only tests import it.
package boardtest

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/demo"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
)

// Demo is the demo board seeded on a fresh SQLite database and serving
// over HTTP on a free port of the loopback interface, as `certboard
// serve --demo` runs it.
type Demo struct {
	// URL is where it answers (http://127.0.0.1:port), DID its did:web.
	URL, DID string
	// Store is its store, for what a test checks behind the pages.
	Store *boardsql.Store
	// Deps is how the demo acts on the board, for demo.SeedPractice.
	Deps demo.Deps
	hs   *http.Server
}

// StartDemo opens and migrates the board's store, makes its signing key,
// builds its server with the shipped requirement sets, seeds the demo
// (web.Server.SeedDemo) and serves it until the test ends. log takes the
// server's log.
func StartDemo(tb testing.TB, log *slog.Logger) *Demo {
	tb.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		tb.Fatal(err)
	}
	st, err := boardsql.Open(ctx, boardsql.Config{DataDir: tb.TempDir(), Keys: keys})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.EnsureSigningKey(ctx, time.Now()); err != nil {
		tb.Fatal(err)
	}
	sets, err := requirements.Shipped()
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	// The demo uploads a file for every document of its applications.
	docs, err := blob.OpenDir(filepath.Join(tb.TempDir(), "files"), keys)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { docs.Close() })
	store := boardsql.ForBoard{Store: st}
	srv, err := web.New(web.Config{Board: store, Accounts: boardsql.ForAuth{Store: st}, Demo: store,
		Sets: sets, Log: log, PublicURL: url, Files: docs})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := srv.SeedDemo(ctx); err != nil {
		tb.Fatalf("seeding the demo board: %v", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	tb.Cleanup(func() { hs.Close() })
	id, err := did.WebFromURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	return &Demo{URL: url, DID: id, Store: st, hs: hs,
		Deps: demo.Deps{Store: store, Config: board.Config{Store: store, Catalog: sets, PublicURL: url, Log: log}}}
}

// Close stops serving: the board becomes unreachable.
func (d *Demo) Close() { d.hs.Close() }
