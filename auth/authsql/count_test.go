package authsql_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// countedDBs returns a database on each engine with the board's
// migrations, as sqldbtest.Engines does, whose driver counts the
// statements it is given to run, and the count. On PostgreSQL each is a
// round trip to the server (pgx prepares a statement once per connection
// and keeps it; that first preparation is one more, not counted).
func countedDBs(t testing.TB) (map[string]*sqldb.DB, *atomic.Int64) {
	t.Helper()
	ctx := context.Background()
	n := new(atomic.Int64)
	out := map[string]*sqldb.DB{}
	open := func(name, dsn string, dialect sqldb.Dialect) {
		plain, err := sql.Open(name, dsn)
		if err != nil {
			t.Fatal(err)
		}
		db := &sqldb.DB{DB: sql.OpenDB(counter{d: plain.Driver(), dsn: dsn, n: n}), Dialect: dialect}
		plain.Close()
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx, boardsql.Migrations); err != nil {
			t.Fatalf("%s: %v", dialect, err)
		}
		out[dialect.String()] = db
	}
	// As sqldb.Open opens SQLite.
	open("sqlite", "file:"+filepath.Join(t.TempDir(), "count.db")+
		"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_txlock=immediate", sqldb.SQLite)
	if u, err := sqldbtest.Postgres(t); err != nil {
		t.Logf("SQLite only: %v", err)
	} else {
		open("pgx", u, sqldb.Postgres)
	}
	return out, n
}

// counter is a driver.Connector that counts the statements run on its
// connections, prepared or not.
type counter struct {
	d   driver.Driver
	dsn string
	n   *atomic.Int64
}

func (c counter) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.d.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &countConn{Conn: conn, n: c.n}, nil
}

func (c counter) Driver() driver.Driver { return c.d }

// countConn passes everything on to its connection, counting the
// statements it runs.
type countConn struct {
	driver.Conn
	n *atomic.Int64
}

func (c *countConn) Prepare(q string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), q)
}

func (c *countConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, q)
	} else {
		st, err = c.Conn.Prepare(q)
	}
	if err != nil {
		return nil, err
	}
	return &countStmt{Stmt: st, conn: c}, nil
}

func (c *countConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts) // as both drivers do
}

func (c *countConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip // prepared, and counted there
	}
	rows, err := qc.QueryContext(ctx, q, args)
	if err != driver.ErrSkip {
		c.n.Add(1)
	}
	return rows, err
}

func (c *countConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	res, err := ec.ExecContext(ctx, q, args)
	if err != driver.ErrSkip {
		c.n.Add(1)
	}
	return res, err
}

func (c *countConn) CheckNamedValue(v *driver.NamedValue) error {
	if nc, ok := c.Conn.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(v)
	}
	return driver.ErrSkip
}

func (c *countConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *countConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// countStmt is a prepared statement counting its runs.
type countStmt struct {
	driver.Stmt
	conn *countConn
}

func (s *countStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.conn.n.Add(1)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args) // as both drivers do
}

func (s *countStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.conn.n.Add(1)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args) // as both drivers do
}

func (s *countStmt) CheckNamedValue(v *driver.NamedValue) error {
	if nc, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(v)
	}
	return s.conn.CheckNamedValue(v)
}
