package practicesql

import (
	"context"
	"fmt"

	"github.com/certboard/certboard/sqldb"
)

// Migration 00008 sealed what the cases tables said of a client's
// diagnoses and whom a referral goes to, and gave signed notes and
// amendments the digest of their bodies. SQL cannot seal, nor open a
// sealed body: the migration moves the values of rows already there into
// their sealed column as JSON text, and sealMigrated, which Migrate runs
// after every migration, seals them and takes the digests the migration
// could not. It has nothing to do on a database whose rows were all
// written since.

// caseMovedColumns are the sealed columns of caseSealed that migration
// 00008 filled in the clear.
var caseMovedColumns = map[string]bool{"case_concerns.diagnosis": true, "case_comorbidities.finding": true, "case_referrals.recipient": true}

// caseUnsealed is how a value of caseMovedColumns the migration left in the
// clear begins (JSON); a sealed value begins "v1.".
const caseUnsealed = "{"

// sealMigrated seals the values migration 00008 left in the clear and
// takes the body digests of signed notes and amendments written before it,
// in one transaction; without keys it fails only when there is something
// to do.
func (s *Store) sealMigrated(ctx context.Context) error {
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := s.caseSealMoved(ctx, tx); err != nil {
			return fmt.Errorf("sealing the diagnoses and referrals of cases: %w", err)
		}
		if err := s.noteTakeDigests(ctx, tx); err != nil {
			return fmt.Errorf("taking the digests of signed notes: %w", err)
		}
		return nil
	})
}

// caseSealMoved seals every value of caseMovedColumns still in the clear,
// bound to its row as the store's reads open it, and returns how many
// there were.
func (s *Store) caseSealMoved(ctx context.Context, tx *sqldb.Tx) (int, error) {
	n := 0
	for _, col := range caseSealed {
		if !caseMovedColumns[col.table+"."+col.column] {
			continue
		}
		type moved struct {
			id, plain string
		}
		rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT CAST(id AS TEXT), "+col.column+" FROM "+col.table+
			" WHERE "+col.column+" LIKE ?"), caseUnsealed+"%")
		if err != nil {
			return n, err
		}
		ms, err := sqldb.Collect(rows, func(r sqldb.Scanner) (m moved, err error) {
			err = r.Scan(&m.id, &m.plain)
			return m, err
		})
		if err != nil {
			return n, err
		}
		n += len(ms)
		if len(ms) > 0 && s.keys == nil {
			return n, errNoKeys
		}
		for _, m := range ms {
			sealed, err := s.seal([]byte(m.plain), col.context([]string{m.id}))
			if err != nil {
				return n, err
			}
			if _, err := tx.ExecContext(ctx, tx.Dialect.Rebind("UPDATE "+col.table+" SET "+col.column+" = ? WHERE id = ?"),
				sealed, caseAtoi(m.id)); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
