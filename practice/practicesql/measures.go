package practicesql

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/sqldb"
)

// The measures' storage: instrument settings, imported item texts,
// responses (answers, score and the reason of an error sealed), kept
// escalation reports (sealed) and safety tasks (their reason and what was
// done sealed). Sealed values are bound to their row: responseContext,
// escalationContext, taskContext.

// The columns of the measures' tables that name an account: an account
// they name is never deleted as an expired sign-up.
func init() {
	for _, r := range [][2]string{{"measure_settings", "permission_by"}, {"measure_texts", "imported_by"},
		{"measure_responses", "entered_by"}, {"measure_responses", "error_by"}, {"measure_escalations", "by_user"},
		{"safety_tasks", "practitioner_id"}, {"safety_tasks", "resolved_by"}} {
		references = append(references, authsql.Reference{Table: r[0], Column: r[1]})
	}
}

func responseContext(id int64, what string) string {
	return "practice/measures/responses/" + strconv.FormatInt(id, 10) + "/" + what
}

func escalationContext(id int64) string {
	return "practice/measures/escalations/" + strconv.FormatInt(id, 10)
}

func taskContext(id int64, what string) string {
	return "practice/safety_tasks/" + strconv.FormatInt(id, 10) + "/" + what
}

// ---- settings and texts

const settingColumns = "instrument, enabled, permission_by, permission_by_name, permission_at, permission_statement, updated_at, version"

func scanSetting(r sqldb.Scanner) (*practice.InstrumentSetting, error) {
	var s practice.InstrumentSetting
	var permBy sql.NullInt64
	var permName, statement string
	var permAt, updated any
	if err := r.Scan(&s.Instrument, &s.Enabled, &permBy, &permName, &permAt, &statement, &updated, &s.Version); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, sqldb.ErrNotFound
		}
		return nil, err
	}
	var err error
	if s.UpdatedAt, err = sqldb.ScanTime(updated); err != nil {
		return nil, err
	}
	if permBy.Valid {
		p := &practice.Permission{By: permBy.Int64, ByName: permName, Statement: statement}
		if err := sqldb.ScanOptionalTime(permAt, &p.At); err != nil {
			return nil, err
		}
		s.Permission = p
	}
	return &s, nil
}

// MeasureSettings lists the instruments configured.
func (s *Store) MeasureSettings(ctx context.Context) ([]practice.InstrumentSetting, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+settingColumns+" FROM measure_settings ORDER BY instrument")
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, deref(scanSetting))
}

// LatestMeasureTexts returns the latest import of each instrument's
// texts, by instrument.
func (s *Store) LatestMeasureTexts(ctx context.Context) (map[string]practice.ImportedTexts, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+textsColumns+" FROM measure_texts t WHERE id = "+
		"(SELECT MAX(id) FROM measure_texts u WHERE u.instrument = t.instrument)")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]practice.ImportedTexts{}
	for rows.Next() {
		t, err := scanTexts(rows)
		if err != nil {
			return nil, err
		}
		out[t.Instrument] = *t
	}
	return out, rows.Err()
}

// LockMeasureSetting reads an instrument's setting, locking it.
func (tx *Tx) LockMeasureSetting(ctx context.Context, instrument string) (*practice.InstrumentSetting, error) {
	s, err := scanSetting(tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"SELECT "+settingColumns+" FROM measure_settings WHERE instrument = ?"+tx.Dialect.LockRow()), instrument))
	if err != nil {
		return nil, fmt.Errorf("the setting of %s: %w", instrument, err)
	}
	return s, nil
}

// SaveMeasureSetting writes an instrument's setting if it is still at
// s.Version (0: never configured) and returns the new version.
func (tx *Tx) SaveMeasureSetting(ctx context.Context, st practice.InstrumentSetting) (int, error) {
	d := tx.Dialect
	var permBy, permAt any
	permName, statement := "", ""
	if p := st.Permission; p != nil {
		permBy, permAt, permName, statement = p.By, d.Time(p.At), p.ByName, p.Statement
	}
	if st.Version == 0 {
		_, err := tx.ExecContext(ctx, d.Rebind("INSERT INTO measure_settings ("+settingColumns+
			") VALUES (?, ?, ?, ?, ?, ?, ?, 1)"), st.Instrument, st.Enabled, permBy, permName, permAt, statement, d.Time(st.UpdatedAt))
		if sqldb.IsUniqueViolation(err) {
			return 0, fmt.Errorf("the setting of %s was configured meanwhile: %w", st.Instrument, sqldb.ErrConflict)
		}
		if err != nil {
			return 0, err
		}
		return 1, nil
	}
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE measure_settings SET enabled = ?, permission_by = ?, permission_by_name = ?, "+
		"permission_at = ?, permission_statement = ?, updated_at = ?, version = version + 1 WHERE instrument = ? AND version = ?"),
		st.Enabled, permBy, permName, permAt, statement, d.Time(st.UpdatedAt), st.Instrument, st.Version)
	if err := oneRow(res, err, "the setting of "+st.Instrument); err != nil {
		return 0, err
	}
	return st.Version + 1, nil
}

// oneRow turns an update that changed no row into ErrConflict.
func oneRow(res sql.Result, err error, what string) error {
	n, err := sqldb.Affected(res, err)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s changed meanwhile: %w", what, sqldb.ErrConflict)
	}
	return nil
}

const textsColumns = "id, instrument, texts, imported_by, imported_at"

func scanTexts(r sqldb.Scanner) (*practice.ImportedTexts, error) {
	var t practice.ImportedTexts
	var texts string
	var at any
	if err := r.Scan(&t.ID, &t.Instrument, &texts, &t.By, &at); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, sqldb.ErrNotFound
		}
		return nil, err
	}
	var err error
	if t.At, err = sqldb.ScanTime(at); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(texts), &t.Texts); err != nil {
		return nil, fmt.Errorf("texts %d: %w", t.ID, err)
	}
	return &t, nil
}

// CreateMeasureTexts stores an import of texts and returns its id. The
// wording of a licensed instrument is not clinical, and is kept as JSON.
func (tx *Tx) CreateMeasureTexts(ctx context.Context, t practice.ImportedTexts) (int64, error) {
	data, err := json.Marshal(t.Texts)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"INSERT INTO measure_texts (instrument, texts, imported_by, imported_at) VALUES (?, ?, ?, ?) RETURNING id"),
		t.Instrument, string(data), t.By, tx.Dialect.Time(t.At)).Scan(&id)
	return id, err
}

// MeasureTexts reads an import of texts by id.
func (tx *Tx) MeasureTexts(ctx context.Context, id int64) (*practice.ImportedTexts, error) {
	t, err := scanTexts(tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT "+textsColumns+" FROM measure_texts WHERE id = ?"), id))
	if err != nil {
		return nil, fmt.Errorf("texts %d: %w", id, err)
	}
	return t, nil
}

// MeasureTextsOf lists an instrument's imports, newest first.
func (tx *Tx) MeasureTextsOf(ctx context.Context, instrument string) ([]practice.ImportedTexts, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+textsColumns+" FROM measure_texts WHERE instrument = ? ORDER BY id DESC"), instrument)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, deref(scanTexts))
}

// ---- responses

// sealedAnswers is what a response's sealed answers column holds.
type sealedAnswers struct {
	Answers []*int `json:"answers"`
	Closing string `json:"closing,omitempty"`
}

const responseColumns = "id, case_id, client_id, instrument, sex, status, answers, result, texts_ref, taken_at, entered_by, " +
	"entered_by_name, created_at, updated_at, completed_at, error_reason, error_by, error_by_name, error_at, corrects, corrected_by, version, source"

func (tx *Tx) scanResponse(r sqldb.Scanner) (*practice.Response, error) {
	var x practice.Response
	var sex, status, answers, result, errReason, errByName, source string
	var taken, created, updated, completed, errAt any
	var errBy, corrects, correctedBy sql.NullInt64
	if err := r.Scan(&x.ID, &x.CaseID, &x.ClientID, &x.Instrument, &sex, &status, &answers, &result, &x.TextsRef, &taken,
		&x.EnteredBy, &x.EnteredByName, &created, &updated, &completed, &errReason, &errBy, &errByName, &errAt,
		&corrects, &correctedBy, &x.Version, &source); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, sqldb.ErrNotFound
		}
		return nil, err
	}
	fail := func(err error) (*practice.Response, error) { return nil, fmt.Errorf("response %d: %w", x.ID, err) }
	var err error
	if x.Sex, err = measure.ParseSex(sex); err != nil {
		return fail(err)
	}
	switch st := practice.ResponseStatus(status); st {
	case practice.InProgress, practice.Completed, practice.EnteredInError:
		x.Status = st
	default:
		return fail(fmt.Errorf("unknown status %q", status))
	}
	for _, t := range []struct {
		v   any
		dst *time.Time
	}{{taken, &x.TakenAt}, {created, &x.CreatedAt}, {updated, &x.UpdatedAt}} {
		if *t.dst, err = sqldb.ScanTime(t.v); err != nil {
			return fail(err)
		}
	}
	if err := sqldb.ScanOptionalTime(completed, &x.CompletedAt); err != nil {
		return fail(err)
	}
	plain, err := tx.s.open(answers, responseContext(x.ID, "answers"))
	if err != nil {
		return fail(fmt.Errorf("answers: %w", err))
	}
	var sa sealedAnswers
	if err := json.Unmarshal(plain, &sa); err != nil {
		return fail(fmt.Errorf("answers: %w", err))
	}
	x.Answers, x.Closing = sa.Answers, sa.Closing
	if result != "" {
		plain, err := tx.s.open(result, responseContext(x.ID, "result"))
		if err != nil {
			return fail(fmt.Errorf("result: %w", err))
		}
		x.Result = &measure.Result{}
		if err := json.Unmarshal(plain, x.Result); err != nil {
			return fail(fmt.Errorf("result: %w", err))
		}
	}
	if errBy.Valid {
		m := &practice.ErrorMark{By: errBy.Int64, ByName: errByName}
		if err := sqldb.ScanOptionalTime(errAt, &m.At); err != nil {
			return fail(err)
		}
		reason, err := tx.s.open(errReason, responseContext(x.ID, "error"))
		if err != nil {
			return fail(fmt.Errorf("error reason: %w", err))
		}
		m.Reason = string(reason)
		x.Error = m
	}
	x.Corrects, x.CorrectedBy = corrects.Int64, correctedBy.Int64
	if source != sourcePractitioner {
		x.Source = practice.ResponseSource(source)
	}
	return &x, nil
}

// sealResponse seals a response's answers and score for row id.
func (tx *Tx) sealResponse(r practice.Response, id int64) (answers, result string, err error) {
	plain, err := json.Marshal(sealedAnswers{Answers: r.Answers, Closing: r.Closing})
	if err != nil {
		return "", "", err
	}
	if answers, err = tx.s.seal(plain, responseContext(id, "answers")); err != nil {
		return "", "", err
	}
	if r.Result != nil {
		plain, err := json.Marshal(r.Result)
		if err != nil {
			return "", "", err
		}
		if result, err = tx.s.seal(plain, responseContext(id, "result")); err != nil {
			return "", "", err
		}
	}
	return answers, result, nil
}

// sourcePractitioner is how the source of a response a practitioner
// entered is stored (practice.ResponseSource "").
const sourcePractitioner = "practitioner"

// responseSource is how a response's source is stored.
func responseSource(s practice.ResponseSource) string {
	if s == "" {
		return sourcePractitioner
	}
	return string(s)
}

// nullID is NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// optionalTime is NULL for the zero time.
func optionalTime(d sqldb.Dialect, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return d.Time(t)
}

// CreateMeasureResponse stores a response and returns its id; its answers
// and score are sealed to the row.
func (tx *Tx) CreateMeasureResponse(ctx context.Context, r practice.Response) (int64, error) {
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind("INSERT INTO measure_responses (case_id, client_id, instrument, sex, status, texts_ref, "+
		"taken_at, entered_by, entered_by_name, created_at, updated_at, completed_at, corrects, version, source) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
		r.CaseID, r.ClientID, r.Instrument, string(r.Sex), string(r.Status), r.TextsRef, d.Time(r.TakenAt), r.EnteredBy,
		r.EnteredByName, d.Time(r.CreatedAt), d.Time(r.UpdatedAt), optionalTime(d, r.CompletedAt), nullID(r.Corrects), r.Version, responseSource(r.Source)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("creating the response: %w", err)
	}
	answers, result, err := tx.sealResponse(r, id)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE measure_responses SET answers = ?, result = ? WHERE id = ?"), answers, result, id); err != nil {
		return 0, err
	}
	return id, nil
}

// MeasureResponse reads a response.
func (tx *Tx) MeasureResponse(ctx context.Context, id int64) (*practice.Response, error) {
	r, err := tx.scanResponse(tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT "+responseColumns+" FROM measure_responses WHERE id = ?"), id))
	if err != nil {
		return nil, fmt.Errorf("response %d: %w", id, err)
	}
	return r, nil
}

// LockMeasureResponse reads a response, locking it.
func (tx *Tx) LockMeasureResponse(ctx context.Context, id int64) (*practice.Response, error) {
	r, err := tx.scanResponse(tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"SELECT "+responseColumns+" FROM measure_responses WHERE id = ?"+tx.Dialect.LockRow()), id))
	if err != nil {
		return nil, fmt.Errorf("response %d: %w", id, err)
	}
	return r, nil
}

// SaveMeasureProgress rewrites a response in progress if it is still in
// progress at version, and returns the new version.
func (tx *Tx) SaveMeasureProgress(ctx context.Context, r practice.Response, version int) (int, error) {
	d := tx.Dialect
	answers, result, err := tx.sealResponse(r, r.ID)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE measure_responses SET sex = ?, status = ?, answers = ?, result = ?, taken_at = ?, "+
		"updated_at = ?, completed_at = ?, version = version + 1 WHERE id = ? AND status = 'in_progress' AND version = ?"),
		string(r.Sex), string(r.Status), answers, result, d.Time(r.TakenAt), d.Time(r.UpdatedAt), optionalTime(d, r.CompletedAt),
		r.ID, version)
	if err := oneRow(res, err, "response "+strconv.FormatInt(r.ID, 10)); err != nil {
		return 0, err
	}
	return version + 1, nil
}

// MarkMeasureInError marks a response entered in error, naming the
// response that corrects it (0 for none).
func (tx *Tx) MarkMeasureInError(ctx context.Context, id int64, m practice.ErrorMark, correctedBy int64) error {
	d := tx.Dialect
	reason, err := tx.s.seal([]byte(m.Reason), responseContext(id, "error"))
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE measure_responses SET status = 'entered_in_error', error_reason = ?, error_by = ?, "+
		"error_by_name = ?, error_at = ?, corrected_by = ?, version = version + 1 WHERE id = ? AND status <> 'entered_in_error'"),
		reason, m.By, m.ByName, d.Time(m.At), nullID(correctedBy), id)
	return oneRow(res, err, "response "+strconv.FormatInt(id, 10))
}

// CaseMeasureResponses lists a case's responses, newest taken first.
func (tx *Tx) CaseMeasureResponses(ctx context.Context, caseID int64) ([]practice.Response, error) {
	return tx.responses(ctx, "case_id = ?", caseID)
}

// ClientMeasureResponses lists a client's responses, newest taken first.
func (tx *Tx) ClientMeasureResponses(ctx context.Context, clientID int64) ([]practice.Response, error) {
	return tx.responses(ctx, "client_id = ?", clientID)
}

// responses lists the responses where holds, newest taken first.
func (tx *Tx) responses(ctx context.Context, where string, args ...any) ([]practice.Response, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+responseColumns+
		" FROM measure_responses WHERE "+where+" ORDER BY taken_at DESC, id DESC"), args...)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, deref(tx.scanResponse))
}

// MeasuresForEscalation returns the latest scored response that counts of
// each instrument on a case (the later id on a tie), oldest taken first:
// the escalation rules evaluate only those (escalation.Input), so the
// others are neither read nor opened.
func (tx *Tx) MeasuresForEscalation(ctx context.Context, caseID int64) ([]escalation.Measure, error) {
	return tx.escalationMeasures(ctx, "case_id = ?", caseID)
}

// escalationMeasures returns the latest scored response that counts of
// each instrument where holds, oldest taken first.
func (tx *Tx) escalationMeasures(ctx context.Context, where string, args ...any) ([]escalation.Measure, error) {
	var out []escalation.Measure
	var ids []int64
	for _, instrument := range measure.IDs() {
		var id int64
		var result string
		var taken any
		err := tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT id, result, taken_at FROM measure_responses "+
			"WHERE "+where+" AND instrument = ? AND status = 'completed' ORDER BY taken_at DESC, id DESC LIMIT 1"),
			append(slices.Clip(args), instrument)...).Scan(&id, &result, &taken)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		m := escalation.Measure{Ref: practice.ResponseRef(id)}
		if m.Taken, err = sqldb.ScanTime(taken); err != nil {
			return nil, err
		}
		plain, err := tx.s.open(result, responseContext(id, "result"))
		if err != nil {
			return nil, fmt.Errorf("response %d: result: %w", id, err)
		}
		if err := json.Unmarshal(plain, &m.Result); err != nil {
			return nil, fmt.Errorf("response %d: result: %w", id, err)
		}
		out = append(out, m)
		ids = append(ids, id)
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Or(out[a].Taken.Compare(out[b].Taken), cmp.Compare(ids[a], ids[b])) })
	sorted := make([]escalation.Measure, len(out))
	for i, k := range order {
		sorted[i] = out[k]
	}
	return sorted, nil
}

// ---- escalation records

const escalationColumns = "id, case_id, evaluated_at, by_user, cause, response_id, rules_version, needs_intensive_therapy, explanation"

func (tx *Tx) scanEscalation(r sqldb.Scanner) (*practice.EscalationRecord, error) {
	var e practice.EscalationRecord
	var at any
	var cause, explanation string
	var resp sql.NullInt64
	if err := r.Scan(&e.ID, &e.CaseID, &at, &e.By, &cause, &resp, &e.RulesVersion, &e.NeedsIntensiveTherapy, &explanation); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, sqldb.ErrNotFound
		}
		return nil, err
	}
	var err error
	if e.At, err = sqldb.ScanTime(at); err != nil {
		return nil, err
	}
	e.Trigger, e.Response = practice.EscalationTrigger(cause), resp.Int64
	plain, err := tx.s.open(explanation, escalationContext(e.ID))
	if err != nil {
		return nil, fmt.Errorf("escalation %d: %w", e.ID, err)
	}
	if err := json.Unmarshal(plain, &e.Explanation); err != nil {
		return nil, fmt.Errorf("escalation %d: %w", e.ID, err)
	}
	return &e, nil
}

// CreateEscalationRecord stores an evaluation, its explanation sealed,
// and returns its id.
func (tx *Tx) CreateEscalationRecord(ctx context.Context, e practice.EscalationRecord) (int64, error) {
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind("INSERT INTO measure_escalations (case_id, evaluated_at, by_user, cause, response_id, "+
		"rules_version, needs_intensive_therapy) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
		e.CaseID, d.Time(e.At), e.By, string(e.Trigger), nullID(e.Response), e.RulesVersion, e.NeedsIntensiveTherapy).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("creating the escalation record: %w", err)
	}
	plain, err := json.Marshal(e.Explanation)
	if err != nil {
		return 0, err
	}
	sealed, err := tx.s.seal(plain, escalationContext(id))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE measure_escalations SET explanation = ? WHERE id = ?"), sealed, id); err != nil {
		return 0, err
	}
	return id, nil
}

// LatestEscalationRecord returns a case's latest evaluation.
func (tx *Tx) LatestEscalationRecord(ctx context.Context, caseID int64) (*practice.EscalationRecord, error) {
	e, err := tx.scanEscalation(tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT "+escalationColumns+
		" FROM measure_escalations WHERE case_id = ? ORDER BY id DESC LIMIT 1"), caseID))
	if err != nil {
		return nil, fmt.Errorf("the escalation of case %d: %w", caseID, err)
	}
	return e, nil
}

// ResponseEscalationRecords lists the evaluations a response triggered,
// oldest first.
func (tx *Tx) ResponseEscalationRecords(ctx context.Context, responseID int64) ([]practice.EscalationRecord, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+escalationColumns+
		" FROM measure_escalations WHERE response_id = ? ORDER BY id"), responseID)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, deref(tx.scanEscalation))
}

// ---- safety tasks

const taskColumns = "id, case_id, client_id, practitioner_id, response_id, link_id, rule, why, opened_at, due, resolved_at, resolved_by, " +
	"resolved_by_name, action"

func (tx *Tx) scanTask(r sqldb.Scanner) (*practice.SafetyTask, error) {
	var t practice.SafetyTask
	var why, due, byName, action string
	var opened, resolved any
	var by, response, link sql.NullInt64
	if err := r.Scan(&t.ID, &t.CaseID, &t.ClientID, &t.Practitioner, &response, &link, &t.Rule, &why, &opened, &due, &resolved,
		&by, &byName, &action); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, sqldb.ErrNotFound
		}
		return nil, err
	}
	t.Response, t.Link = response.Int64, link.Int64
	fail := func(err error) (*practice.SafetyTask, error) { return nil, fmt.Errorf("safety task %d: %w", t.ID, err) }
	var err error
	if t.OpenedAt, err = sqldb.ScanTime(opened); err != nil {
		return fail(err)
	}
	if t.Due, err = date.Parse(due); err != nil {
		return fail(err)
	}
	plain, err := tx.s.open(why, taskContext(t.ID, "why"))
	if err != nil {
		return fail(err)
	}
	t.Why = string(plain)
	if by.Valid {
		res := &practice.Resolution{By: by.Int64, ByName: byName}
		if err := sqldb.ScanOptionalTime(resolved, &res.At); err != nil {
			return fail(err)
		}
		plain, err := tx.s.open(action, taskContext(t.ID, "action"))
		if err != nil {
			return fail(err)
		}
		res.Action = string(plain)
		t.Resolution = res
	}
	return &t, nil
}

func (tx *Tx) tasks(ctx context.Context, where string, args ...any) ([]practice.SafetyTask, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+taskColumns+" FROM safety_tasks WHERE "+where), args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, deref(tx.scanTask))
}

// CreateSafetyTask stores a safety task, its reason sealed, and returns
// its id (ErrConflict when the response, or the link, opened one for the
// rule already).
func (tx *Tx) CreateSafetyTask(ctx context.Context, t practice.SafetyTask) (int64, error) {
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind("INSERT INTO safety_tasks (case_id, client_id, practitioner_id, response_id, link_id, rule, "+
		"opened_at, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
		t.CaseID, t.ClientID, t.Practitioner, nullID(t.Response), nullID(t.Link), t.Rule, d.Time(t.OpenedAt), t.Due.String()).Scan(&id)
	if sqldb.IsUniqueViolation(err) {
		return 0, fmt.Errorf("response %d or link %d opened a safety task for rule %s already: %w", t.Response, t.Link, t.Rule, sqldb.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("creating the safety task: %w", err)
	}
	why, err := tx.s.seal([]byte(t.Why), taskContext(id, "why"))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE safety_tasks SET why = ? WHERE id = ?"), why, id); err != nil {
		return 0, err
	}
	return id, nil
}

// ResponseSafetyTasks lists the safety tasks a response raised.
func (tx *Tx) ResponseSafetyTasks(ctx context.Context, responseID int64) ([]practice.SafetyTask, error) {
	return tx.tasks(ctx, "response_id = ? ORDER BY id", responseID)
}

// LockSafetyTask reads a safety task, locking it.
func (tx *Tx) LockSafetyTask(ctx context.Context, id int64) (*practice.SafetyTask, error) {
	t, err := tx.scanTask(tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT "+taskColumns+" FROM safety_tasks WHERE id = ?"+
		tx.Dialect.LockRow()), id))
	if err != nil {
		return nil, fmt.Errorf("safety task %d: %w", id, err)
	}
	return t, nil
}

// ResolveSafetyTask records what was done about an open task, sealed.
func (tx *Tx) ResolveSafetyTask(ctx context.Context, id int64, r practice.Resolution) error {
	d := tx.Dialect
	action, err := tx.s.seal([]byte(r.Action), taskContext(id, "action"))
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE safety_tasks SET resolved_at = ?, resolved_by = ?, resolved_by_name = ?, action = ? "+
		"WHERE id = ? AND resolved_at IS NULL"), d.Time(r.At), r.By, r.ByName, action, id)
	return oneRow(res, err, "safety task "+strconv.FormatInt(id, 10))
}

// OpenSafetyTasks lists the open tasks of the clients a practitioner is
// assigned to now, whoever opened them, oldest first.
func (tx *Tx) OpenSafetyTasks(ctx context.Context, practitionerID int64) ([]practice.SafetyTask, error) {
	return tx.tasks(ctx, "resolved_at IS NULL AND client_id IN "+
		"(SELECT client_id FROM client_practitioners WHERE practitioner_id = ?) ORDER BY opened_at, id", practitionerID)
}

// CaseSafetyTasks lists a case's tasks, newest first.
func (tx *Tx) CaseSafetyTasks(ctx context.Context, caseID int64) ([]practice.SafetyTask, error) {
	return tx.tasks(ctx, "case_id = ? ORDER BY opened_at DESC, id DESC", caseID)
}

// ClientOpenSafetyTasks lists a client's open tasks, oldest first.
func (tx *Tx) ClientOpenSafetyTasks(ctx context.Context, clientID int64) ([]practice.SafetyTask, error) {
	return tx.tasks(ctx, "client_id = ? AND resolved_at IS NULL ORDER BY opened_at, id", clientID)
}
