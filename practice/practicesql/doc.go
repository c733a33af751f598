// Package practicesql will hold practice mode's storage, on its own
// database (embedded SQLite by default, PostgreSQL), never the board's.
// It is reserved: see docs/architecture.md.
package practicesql
