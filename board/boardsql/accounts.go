package boardsql

import (
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/sqldb"
)

// The board's accounts are package authsql over the board's database:
// Store embeds an authsql.Store and Tx an authsql.Tx bound to the
// transaction, so the account methods (CreateUser, LiveSession,
// ChargeAttempt, TOTP, APITokens, ... and, on Tx, UpdateUser,
// ReplaceUnverifiedUser, CountFailure, ...) are authsql's, documented
// there; the board's own methods of the same name (InTx, AppendAudit,
// EnqueueMail, FinishJob) take precedence.

// accounts is authsql.Store under the name Store embeds it by.
type accounts = authsql.Store

// accountWrites is authsql.Tx under the name Tx embeds it by.
type accountWrites = authsql.Tx

// ErrNotFound is returned when a looked-up row does not exist (it is
// sqldb.ErrNotFound).
var ErrNotFound = sqldb.ErrNotFound

// ErrConflict is returned when a write would break a uniqueness rule or
// lost a race with another edit (it is sqldb.ErrConflict).
var ErrConflict = sqldb.ErrConflict

// Querier is what both *sql.DB and *sql.Tx offer, so a method can run
// inside a caller's transaction or on its own (authsql.Querier).
type Querier = authsql.Querier

// KnownDevicesPerUser bounds the devices remembered for one account; the
// least recently used are forgotten first.
const KnownDevicesPerUser = authsql.KnownDevicesPerUser

// userReferences are the columns of the board's tables that name an
// account without deleting their row with it (no ON DELETE CASCADE): an
// account any of them names is never deleted as an expired sign-up. A new
// table that names users must be listed here (a test reads the migrations
// to check).
var userReferences = []struct{ Table, Column string }{
	{"applications", "applicant_id"},
	{"application_events", "actor_id"},
	{"documents", "uploaded_by"},
	{"review_assignments", "reviewer_id"},
	{"review_assignments", "assigned_by"},
	{"conflicts", "reviewer_id"},
	{"conflicts", "applicant_id"},
	{"requirement_set_uploads", "uploaded_by"},
	{"credentials", "holder_id"},
	{"registry_profiles", "holder_id"},
	{"ce_providers", "user_id"},
	{"ce_completions", "provider_id"},
	{"ce_completions", "holder_id"},
	{"trusted_issuers", "added_by"},
}

// accountReferences is userReferences as authsql takes them.
func accountReferences() []authsql.Reference {
	refs := make([]authsql.Reference, len(userReferences))
	for i, r := range userReferences {
		refs[i] = authsql.Reference(r)
	}
	return refs
}
