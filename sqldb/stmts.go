package sqldb

import (
	"context"
	"database/sql"
	"sync"
)

// On SQLite, parsing and planning a query is a good share of a small
// query's cost (about a tenth of the CPU of the board's dashboard under
// load), and the driver parses the text again on every call. So the
// queries run outside a transaction through DB's QueryContext,
// QueryRowContext and ExecContext are prepared once per query text and
// kept (database/sql then prepares each on a connection the first time it
// runs there). A statement is reset when its rows are closed, so it holds
// no read snapshot between calls. PostgreSQL's driver (pgx) keeps
// prepared statements per connection itself, so its queries pass through
// unchanged.

// maxStmts bounds the prepared statements kept: queries whose text is
// built at run time (filters, lists of ids) beyond it run unprepared.
const maxStmts = 256

// stmts are the prepared statements of a DB, by query text.
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// unpreparedKey marks a context whose queries are not to be prepared.
type unpreparedKey struct{}

// Unprepared returns ctx marked so that DB's queries run with it are not
// prepared and kept: for query texts built at run time without bound (an
// OFFSET or a list of ids written into the text), which would otherwise
// take the places of the statements worth keeping.
func Unprepared(ctx context.Context) context.Context {
	return context.WithValue(ctx, unpreparedKey{}, true)
}

// stmt returns the prepared statement of query, preparing it on first use;
// nil when queries are not prepared here (PostgreSQL, a context marked by
// Unprepared, the bound reached, or a query that does not prepare, whose
// error the unprepared call reports).
func (db *DB) stmt(ctx context.Context, query string) *sql.Stmt {
	if db.Dialect != SQLite || ctx.Value(unpreparedKey{}) != nil {
		return nil
	}
	c := &db.prepared
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m) >= maxStmts {
		return nil
	}
	st, err := db.DB.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

// QueryContext is sql.DB's QueryContext, through a prepared statement on
// SQLite.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := db.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext is sql.DB's QueryRowContext, through a prepared
// statement on SQLite.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.DB.QueryRowContext(ctx, query, args...)
}

// ExecContext is sql.DB's ExecContext, through a prepared statement on
// SQLite.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := db.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.DB.ExecContext(ctx, query, args...)
}

// Close closes the prepared statements and the database.
func (db *DB) Close() error {
	c := &db.prepared
	c.mu.Lock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
	c.mu.Unlock()
	return db.DB.Close()
}
