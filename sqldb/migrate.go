package sqldb

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// Migrations returns the folder "migrations" of fsys, the files a store's
// package embeds, as Migrate takes it. It panics if fs.Sub fails, which
// only a broken build can cause.
func Migrations(fsys fs.FS) fs.FS {
	sub, err := fs.Sub(fsys, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}

// Migrate applies every migration of fsys not yet applied and returns the
// versions it applied, in order. fsys holds one folder per dialect, named
// by Dialect.String ("sqlite", "postgres"), of goose SQL migrations: each
// mode embeds its own and migrates its own database.
func (db *DB) Migrate(ctx context.Context, fsys fs.FS) ([]int64, error) {
	return db.MigrateTo(ctx, fsys, 0)
}

// MigrateTo is Migrate stopping after version (0: the last), as a test
// prepares a database that an older version left.
func (db *DB) MigrateTo(ctx context.Context, fsys fs.FS, version int64) ([]int64, error) {
	dir, err := fs.Sub(fsys, db.Dialect.String())
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.DB, dir)
	if err != nil {
		return nil, fmt.Errorf("preparing migrations: %w", err)
	}
	var results []*goose.MigrationResult
	if version > 0 {
		results, err = p.UpTo(ctx, version)
	} else {
		results, err = p.Up(ctx)
	}
	applied := make([]int64, 0, len(results))
	for _, r := range results {
		if r.Source != nil && r.Error == nil {
			applied = append(applied, r.Source.Version)
		}
	}
	if err != nil {
		return applied, fmt.Errorf("migrating the %s database: %w", db.Dialect, err)
	}
	return applied, nil
}
