package practicesql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/sqldb"
)

// Referrals through a registry (their moves and drafts) and the 42 CFR
// Part 2 mark of a client's record; migration 00011 holds their tables.

// AddReferralMove appends a status to a referral's moves.
func (tx *Tx) AddReferralMove(ctx context.Context, referralID int64, m practice.ReferralMove) error {
	_, err := tx.ExecContext(ctx, tx.caseQ("INSERT INTO case_referral_moves (referral_id, seq, status, by_id, by_name, at) VALUES (?, ?, ?, ?, ?, ?)"),
		referralID, m.Seq, string(m.Status), m.By, m.ByName, tx.caseAt(m.At))
	if err != nil {
		return fmt.Errorf("recording move %d of referral %d: %w", m.Seq, referralID, err)
	}
	return nil
}

// referralMoves lists a referral's moves, the first first.
func (tx *Tx) referralMoves(ctx context.Context, referralID int64) ([]practice.ReferralMove, error) {
	rows, err := tx.QueryContext(ctx, tx.caseQ("SELECT seq, status, by_id, by_name, at FROM case_referral_moves WHERE referral_id = ? ORDER BY seq"), referralID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(r sqldb.Scanner) (m practice.ReferralMove, err error) {
		var status string
		var at any
		if err := r.Scan(&m.Seq, &status, &m.By, &m.ByName, &at); err != nil {
			return m, err
		}
		if m.Status, err = practice.ParseReferralStatus(status); err != nil {
			return m, fmt.Errorf("referral %d, move %d: stored %w", referralID, m.Seq, err)
		}
		if m.At, err = sqldb.ScanTime(at); err != nil {
			return m, err
		}
		return m, nil
	})
}

// UpdateReferral rewrites a referral's recipient, board, details, status
// and updater if it is still at version (ErrConflict otherwise), and
// returns the new version.
func (tx *Tx) UpdateReferral(ctx context.Context, r practice.Referral, version int) (int, error) {
	details, recipient, err := tx.caseSealReferral(r, r.ID)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, tx.caseQ("UPDATE case_referrals SET recipient = ?, details = ?, board = ?, status = ?, updated_at = ?, "+
		"updated_by = ?, version = version + 1 WHERE id = ? AND version = ?"),
		recipient, details, r.Board, string(r.Status), tx.caseAt(r.UpdatedAt), caseNullID(r.UpdatedBy), r.ID, version)
	if err != nil {
		return 0, fmt.Errorf("updating referral %d: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, fmt.Errorf("referral %d at version %d: %w", r.ID, version, certboard.ErrConflict)
	}
	return version + 1, nil
}

// ClientPart2 reads a client's Part 2 mark (the zero mark when never
// marked; ErrNotFound for no such client).
func (tx *Tx) ClientPart2(ctx context.Context, clientID int64) (practice.Part2Mark, error) {
	var m practice.Part2Mark
	var by sql.NullInt64
	var at any
	err := tx.QueryRowContext(ctx, tx.caseQ("SELECT part2, part2_by, part2_at FROM clients WHERE id = ?"), clientID).Scan(&m.Covered, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("client %d: %w", clientID, certboard.ErrNotFound)
	}
	if err != nil {
		return m, err
	}
	m.By = by.Int64
	if at != nil {
		if m.At, err = sqldb.ScanTime(at); err != nil {
			return m, err
		}
	}
	return m, nil
}

// SetClientPart2 writes a client's Part 2 mark.
func (tx *Tx) SetClientPart2(ctx context.Context, clientID int64, m practice.Part2Mark) error {
	res, err := tx.ExecContext(ctx, tx.caseQ("UPDATE clients SET part2 = ?, part2_by = ?, part2_at = ? WHERE id = ?"),
		m.Covered, caseNullID(m.By), tx.caseAt(m.At), clientID)
	if err != nil {
		return fmt.Errorf("marking client %d: %w", clientID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("client %d: %w", clientID, certboard.ErrNotFound)
	}
	return nil
}
