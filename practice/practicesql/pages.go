package practicesql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/sqldb"
)

// The pages of long lists: a case's progress notes and measure responses a
// page at a time, and the scores a chart draws without the answers. The
// queries ride on the indexes of migration 00012.

// CountProgressNotes counts the progress notes of a case.
func (tx *Tx) CountProgressNotes(ctx context.Context, caseID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT COUNT(*) FROM progress_notes WHERE case_id = ?"), caseID).Scan(&n)
	return n, err
}

// ProgressNotesPage lists limit progress notes of a case with their
// amendments, after skipping offset, in the order of ProgressNotes: the
// latest date of service first, which is a total order, since a case has
// one note a day (so the unique index on case and day serves the page).
func (tx *Tx) ProgressNotesPage(ctx context.Context, caseID int64, limit, offset int) ([]practice.ProgressNote, error) {
	s := tx.s
	rows, err := tx.QueryContext(ctx, s.Dialect.Rebind("SELECT "+noteColumns+noteFrom+
		" WHERE n.case_id = ? ORDER BY n.date_of_service DESC LIMIT ? OFFSET ?"), caseID, limit, offset)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, deref(s.scanNote))
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, len(out))
	for i, n := range out {
		ids[i] = strconv.FormatInt(n.ID, 10) // numbers read from the database, not input
	}
	as, err := s.noteAmendments(ctx, tx, "n.case_id = ? AND n.id IN ("+strings.Join(ids, ", ")+")", caseID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Amendments = as[out[i].ID]
	}
	return out, nil
}

// CountMeasureResponses counts a case's responses (clientID 0), or a
// client's on all their cases (caseID 0).
func (tx *Tx) CountMeasureResponses(ctx context.Context, caseID, clientID int64) (int, error) {
	where, arg := responsesOf(caseID, clientID)
	var n int
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT COUNT(*) FROM measure_responses WHERE "+where), arg).Scan(&n)
	return n, err
}

// MeasureResponsesPage lists limit responses of a case (clientID 0) or of
// a client (caseID 0) after skipping offset, newest taken first, as
// CaseMeasureResponses and ClientMeasureResponses order them.
func (tx *Tx) MeasureResponsesPage(ctx context.Context, caseID, clientID int64, limit, offset int) ([]practice.Response, error) {
	where, arg := responsesOf(caseID, clientID)
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+responseColumns+
		" FROM measure_responses WHERE "+where+" ORDER BY taken_at DESC, id DESC LIMIT ? OFFSET ?"), arg, limit, offset)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, deref(tx.scanResponse))
}

// responsesOf is the condition on measure_responses of a case or a client.
func responsesOf(caseID, clientID int64) (string, int64) {
	if caseID != 0 {
		return "case_id = ?", caseID
	}
	return "client_id = ?", clientID
}

// scoreColumns are what a chart draws of a response: never its answers.
const scoreColumns = "id, case_id, client_id, instrument, sex, taken_at, result"

// ChartScores returns, for each instrument, the latest perInstrument
// completed responses of a case (clientID 0) or of a client (caseID 0),
// newest taken first, with their scores only: the answers are neither
// read nor opened. Responses in progress or entered in error are left
// out, as charts leave them out.
func (tx *Tx) ChartScores(ctx context.Context, caseID, clientID int64, perInstrument int) ([]practice.Response, error) {
	where, arg := responsesOf(caseID, clientID)
	out := []practice.Response{}
	for _, id := range measure.IDs() {
		rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+scoreColumns+" FROM measure_responses WHERE "+where+
			" AND instrument = ? AND status = 'completed' ORDER BY taken_at DESC, id DESC LIMIT ?"), arg, id, perInstrument)
		if err != nil {
			return nil, err
		}
		scores, err := sqldb.Collect(rows, deref(tx.scanScore))
		if err != nil {
			return nil, err
		}
		out = append(out, scores...)
	}
	return out, nil
}

// scanScore reads scoreColumns: a completed response with its score.
func (tx *Tx) scanScore(r sqldb.Scanner) (*practice.Response, error) {
	x := practice.Response{Status: practice.Completed}
	var sex, result string
	var taken any
	if err := r.Scan(&x.ID, &x.CaseID, &x.ClientID, &x.Instrument, &sex, &taken, &result); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, sqldb.ErrNotFound
		}
		return nil, err
	}
	var err error
	if x.Sex, err = measure.ParseSex(sex); err != nil {
		return nil, fmt.Errorf("response %d: %w", x.ID, err)
	}
	if x.TakenAt, err = sqldb.ScanTime(taken); err != nil {
		return nil, fmt.Errorf("response %d: %w", x.ID, err)
	}
	if result == "" {
		return nil, fmt.Errorf("response %d is completed without a score", x.ID)
	}
	plain, err := tx.s.open(result, responseContext(x.ID, "result"))
	if err != nil {
		return nil, fmt.Errorf("response %d: result: %w", x.ID, err)
	}
	x.Result = &measure.Result{}
	if err := json.Unmarshal(plain, x.Result); err != nil {
		return nil, fmt.Errorf("response %d: result: %w", x.ID, err)
	}
	return &x, nil
}
