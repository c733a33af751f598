package sqldb

import (
	"context"
	"database/sql"
	"fmt"
)

// Tx is one transaction, with the dialect of its database, so that code
// given only the transaction can still write the dialect's SQL.
type Tx struct {
	*sql.Tx
	Dialect Dialect
}

// InTx runs f in a transaction and commits when f returns nil; any error
// rolls it back. On SQLite, which has one writer at a time, transactions
// started here queue in the process.
func (db *DB) InTx(ctx context.Context, f func(tx *Tx) error) error {
	if db.Dialect.queuesWriters() {
		db.writers.Lock()
		defer db.writers.Unlock()
	} else if db.writeSlots != nil {
		select {
		case db.writeSlots <- struct{}{}:
			defer func() { <-db.writeSlots }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	sqltx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(&Tx{Tx: sqltx, Dialect: db.Dialect}); err != nil {
		sqltx.Rollback()
		return err
	}
	return sqltx.Commit()
}

// Begin starts a transaction that the caller commits or rolls back, for
// work committed in batches of its own (seeding a load test). Prefer InTx:
// on SQLite, Begin does not queue behind the database's other writers.
func (db *DB) Begin(ctx context.Context) (*Tx, error) {
	sqltx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: sqltx, Dialect: db.Dialect}, nil
}

// LockMode is how LockTable locks a table.
type LockMode string

// The table locks certboard takes. Exclusive lets others read the table
// but not write it or lock it in Share mode; Share lets others read it
// but makes its writers wait.
const (
	Exclusive LockMode = "EXCLUSIVE"
	Share     LockMode = "SHARE"
)

// LockTable locks a table until the transaction ends, on PostgreSQL. On
// SQLite it does nothing: a write transaction there already holds the
// whole database (InTx starts them IMMEDIATE, one at a time).
func (tx *Tx) LockTable(ctx context.Context, table string, mode LockMode) error {
	if tx.Dialect.queuesWriters() {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE "+table+" IN "+string(mode)+" MODE"); err != nil {
		return fmt.Errorf("locking %s: %w", table, err)
	}
	return nil
}
