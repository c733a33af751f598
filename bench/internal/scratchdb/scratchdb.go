// Package scratchdb makes the throwaway PostgreSQL databases the load
// tools under bench/ seed and measure, so that a run never touches the
// database it was pointed at.
package scratchdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"time"

	// The PostgreSQL driver, registered as "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"
)

// Create creates a fresh database, named prefix and the time in
// nanoseconds, on the PostgreSQL server of rawURL (connecting to the URL's
// own database to do so). It returns the new database's URL and a function
// that drops it, reporting on standard error a drop that failed.
func Create(ctx context.Context, rawURL, prefix string) (string, func(), error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("--database %q: give a postgres:// URL", rawURL)
	}
	admin, err := sql.Open("pgx", rawURL)
	if err != nil {
		return "", nil, err
	}
	admin.SetMaxOpenConns(1)
	name := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("creating database %s: %w", name, err)
	}
	fresh := *u
	fresh.Path = "/" + name
	fresh.RawPath = ""
	drop := func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "could not drop database %s: %v\n", name, err)
		}
		admin.Close()
	}
	return fresh.String(), drop, nil
}
