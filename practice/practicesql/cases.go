package practicesql

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/sqldb"
)

// The cases of a practice (migrations 00003_cases.sql and 00008): cases,
// their stage history, concerns, comorbidities, referrals, and the versions
// of their sexual histories and treatment plans. Clinical free text, what a
// case says of a client's diagnoses (concerns and their specifiers,
// comorbidities' kinds, sources and measures) and whom a referral goes to
// are sealed, each value bound to its row by the context caseSealed gives.

// caseContext is the sealing context of a value of a case's row or of a
// row keyed by its case and a number: "practice/cases/<id>/<what>".
func caseContext(caseID int64, what string) string {
	return "practice/cases/" + strconv.FormatInt(caseID, 10) + "/" + what
}

// caseRowContext is the sealing context of a value of a row with its own id:
// "practice/<table>/<id>/<column>".
func caseRowContext(table string, id int64, column string) string {
	return "practice/" + table + "/" + strconv.FormatInt(id, 10) + "/" + column
}

// caseSealed lists the sealed columns of the cases tables, with the
// columns each value's context is made from and how: what key rotation
// reseals.
var caseSealed = []struct {
	table, column string
	contextOf     []string
	context       func(v []string) string
}{
	{"cases", "close_reason", []string{"id"}, func(v []string) string { return caseContext(caseAtoi(v[0]), "close_reason") }},
	{"case_moves", "reason", []string{"case_id", "seq"}, func(v []string) string { return caseContext(caseAtoi(v[0]), "moves/"+v[1]) }},
	{"case_concerns", "diagnosis", []string{"id"}, func(v []string) string { return caseRowContext("concerns", caseAtoi(v[0]), "diagnosis") }},
	{"case_comorbidities", "finding", []string{"id"}, func(v []string) string { return caseRowContext("comorbidities", caseAtoi(v[0]), "finding") }},
	{"case_comorbidities", "note", []string{"id"}, func(v []string) string { return caseRowContext("comorbidities", caseAtoi(v[0]), "note") }},
	{"case_comorbidities", "end_reason", []string{"id"}, func(v []string) string { return caseRowContext("comorbidities", caseAtoi(v[0]), "end_reason") }},
	{"case_referrals", "recipient", []string{"id"}, func(v []string) string { return caseRowContext("referrals", caseAtoi(v[0]), "recipient") }},
	{"case_referrals", "details", []string{"id"}, func(v []string) string { return caseRowContext("referrals", caseAtoi(v[0]), "details") }},
	{"case_histories", "body", []string{"case_id", "version"}, func(v []string) string { return caseContext(caseAtoi(v[0]), "history/"+v[1]) }},
	{"case_plans", "body", []string{"case_id", "version"}, func(v []string) string { return caseContext(caseAtoi(v[0]), "plan/"+v[1]) }},
}

// caseAtoi reads an id scanned as text; a malformed one gives a context that
// opens nothing.
func caseAtoi(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// caseSealText seals s, or stores "" for an empty s (nothing to hide, and a
// column default stays comparable).
func (tx *Tx) caseSealText(s, context string) (string, error) {
	if s == "" {
		return "", nil
	}
	return tx.s.seal([]byte(s), context)
}

// caseOpenText opens a value caseSealText stored.
func (tx *Tx) caseOpenText(v, context string) (string, error) {
	if v == "" {
		return "", nil
	}
	b, err := tx.s.open(v, context)
	if err != nil {
		return "", fmt.Errorf("opening %s: %w", context, err)
	}
	return string(b), nil
}

// caseQ rebinds a query to the dialect.
func (tx *Tx) caseQ(query string) string { return tx.Dialect.Rebind(query) }

// caseAt is the argument that stores t; a zero t is NULL.
func (tx *Tx) caseAt(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return tx.Dialect.Time(t)
}

// caseNullID is the argument that stores an account id; 0 is NULL.
func caseNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const caseColumns = "id, client_id, practitioner_id, status, stage, opened_at, opened_by, closed_at, closed_by, close_reason, version"

// caseScan reads a row of caseColumns.
func (tx *Tx) caseScan(r sqldb.Scanner) (*practice.Case, error) {
	var c practice.Case
	var status, stage, reason string
	var opened, closed any
	var closedBy sql.NullInt64
	if err := r.Scan(&c.ID, &c.ClientID, &c.PractitionerID, &status, &stage, &opened, &c.OpenedBy, &closed, &closedBy,
		&reason, &c.Version); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("case: %w", certboard.ErrNotFound)
		}
		return nil, err
	}
	c.Status = practice.CaseStatus(status)
	if c.Status != practice.CaseOpen && c.Status != practice.CaseClosed {
		return nil, fmt.Errorf("case %d: stored status %q is none of open, closed", c.ID, status)
	}
	st, err := plissit.ParseStage(stage)
	if err != nil {
		return nil, fmt.Errorf("case %d: stored %w", c.ID, err)
	}
	c.Stage = st
	if c.OpenedAt, err = sqldb.ScanTime(opened); err != nil {
		return nil, err
	}
	if err := sqldb.ScanOptionalTime(closed, &c.ClosedAt); err != nil {
		return nil, err
	}
	c.ClosedBy = closedBy.Int64
	if c.CloseReason, err = tx.caseOpenText(reason, caseContext(c.ID, "close_reason")); err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateCase adds a case and returns its id.
func (tx *Tx) CreateCase(ctx context.Context, c practice.Case) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, tx.caseQ(
		"INSERT INTO cases (client_id, practitioner_id, status, stage, opened_at, opened_by, version) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
		c.ClientID, c.PractitionerID, string(c.Status), string(c.Stage), tx.caseAt(c.OpenedAt), c.OpenedBy, c.Version).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("creating the case: %w", err)
	}
	return id, nil
}

// LockCase reads a case, locking its row until the transaction ends.
func (tx *Tx) LockCase(ctx context.Context, id int64) (*practice.Case, error) {
	return tx.caseScan(tx.QueryRowContext(ctx, tx.caseQ("SELECT "+caseColumns+" FROM cases WHERE id = ?"+tx.Dialect.LockRow()), id))
}

// Case reads a case.
func (tx *Tx) Case(ctx context.Context, id int64) (*practice.Case, error) {
	return tx.caseScan(tx.QueryRowContext(ctx, tx.caseQ("SELECT "+caseColumns+" FROM cases WHERE id = ?"), id))
}

// caseRows reads the cases a query selects.
func (tx *Tx) caseRows(ctx context.Context, query string, args ...any) ([]practice.Case, error) {
	rows, err := tx.QueryContext(ctx, tx.caseQ(query), args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, deref(tx.caseScan))
}

// ClientCases lists a client's cases, the latest opened first.
func (tx *Tx) ClientCases(ctx context.Context, clientID int64) ([]practice.Case, error) {
	return tx.caseRows(ctx, "SELECT "+caseColumns+" FROM cases WHERE client_id = ? ORDER BY opened_at DESC, id DESC", clientID)
}

// UpdateCase writes a case's practitioner, status, stage and closing if
// its row is still at version (ErrConflict otherwise), and returns the new
// version.
func (tx *Tx) UpdateCase(ctx context.Context, c practice.Case, version int) (int, error) {
	reason, err := tx.caseSealText(c.CloseReason, caseContext(c.ID, "close_reason"))
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, tx.caseQ(
		"UPDATE cases SET practitioner_id = ?, status = ?, stage = ?, closed_at = ?, closed_by = ?, close_reason = ?, version = version + 1 WHERE id = ? AND version = ?"),
		c.PractitionerID, string(c.Status), string(c.Stage), tx.caseAt(c.ClosedAt), caseNullID(c.ClosedBy), reason, c.ID, version)
	if err != nil {
		return 0, fmt.Errorf("updating case %d: %w", c.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, fmt.Errorf("case %d at version %d: %w", c.ID, version, certboard.ErrConflict)
	}
	return version + 1, nil
}

// AddCaseMove appends a move to a case's stage history (ErrConflict when
// the case already has a move of that Seq).
func (tx *Tx) AddCaseMove(ctx context.Context, caseID int64, m practice.CaseMove) error {
	seq := strconv.Itoa(m.Seq)
	reason, err := tx.caseSealText(m.Move.Reason, caseContext(caseID, "moves/"+seq))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, tx.caseQ(
		"INSERT INTO case_moves (case_id, seq, from_stage, to_stage, by_id, by_name, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
		caseID, m.Seq, string(m.Move.From), string(m.Move.To), m.Move.By, m.ByName, tx.caseAt(m.Move.At), reason)
	if sqldb.IsUniqueViolation(err) {
		return fmt.Errorf("move %d of case %d: %w", m.Seq, caseID, certboard.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("recording the move: %w", err)
	}
	return nil
}

// CaseMoves lists a case's stage history, oldest first.
func (tx *Tx) CaseMoves(ctx context.Context, caseID int64) ([]practice.CaseMove, error) {
	rows, err := tx.QueryContext(ctx, tx.caseQ(
		"SELECT seq, from_stage, to_stage, by_id, by_name, at, reason FROM case_moves WHERE case_id = ? ORDER BY seq"), caseID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(r sqldb.Scanner) (m practice.CaseMove, err error) {
		var from, to, reason string
		var at any
		if err := r.Scan(&m.Seq, &from, &to, &m.Move.By, &m.ByName, &at, &reason); err != nil {
			return m, err
		}
		if from != "" {
			if m.Move.From, err = plissit.ParseStage(from); err != nil {
				return m, fmt.Errorf("case %d, move %d: stored %w", caseID, m.Seq, err)
			}
		}
		if m.Move.To, err = plissit.ParseStage(to); err != nil {
			return m, fmt.Errorf("case %d, move %d: stored %w", caseID, m.Seq, err)
		}
		if m.Move.At, err = sqldb.ScanTime(at); err != nil {
			return m, err
		}
		if m.Move.Reason, err = tx.caseOpenText(reason, caseContext(caseID, "moves/"+strconv.Itoa(m.Seq))); err != nil {
			return m, err
		}
		return m, nil
	})
}

// caseSealJSON seals the JSON of v for context.
func (tx *Tx) caseSealJSON(v any, context string) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return tx.s.seal(plain, context)
}

// caseOpenJSON opens a value caseSealJSON stored and decodes it, strictly,
// into v.
func (tx *Tx) caseOpenJSON(sealed, context string, v any) error {
	plain, err := tx.s.open(sealed, context)
	if err != nil {
		return fmt.Errorf("opening %s: %w", context, err)
	}
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", context, err)
	}
	return nil
}

// caseStoredDiagnosis is what a concern's diagnosis column holds, sealed:
// the concern's id in the taxonomy and its specifiers. Migration 00008
// writes the same fields.
type caseStoredDiagnosis struct {
	Concern  string `json:"concern"`
	Onset    string `json:"onset"`
	Context  string `json:"context"`
	Severity string `json:"severity"`
}

// SetCaseConcerns replaces a case's concerns, in order, each sealed to its
// row.
func (tx *Tx) SetCaseConcerns(ctx context.Context, caseID int64, taxonomy string, ds []concern.Diagnosis) error {
	if _, err := tx.ExecContext(ctx, tx.caseQ("DELETE FROM case_concerns WHERE case_id = ?"), caseID); err != nil {
		return fmt.Errorf("replacing the concerns: %w", err)
	}
	for i, d := range ds {
		var id int64
		if err := tx.QueryRowContext(ctx, tx.caseQ(
			"INSERT INTO case_concerns (case_id, position, taxonomy) VALUES (?, ?, ?) RETURNING id"),
			caseID, i, taxonomy).Scan(&id); err != nil {
			return fmt.Errorf("recording concern %d: %w", i+1, err)
		}
		sealed, err := tx.caseSealJSON(caseStoredDiagnosis{Concern: d.Concern, Onset: string(d.Specifiers.Onset),
			Context: string(d.Specifiers.Context), Severity: string(d.Specifiers.Severity)}, caseRowContext("concerns", id, "diagnosis"))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.caseQ("UPDATE case_concerns SET diagnosis = ? WHERE id = ?"), sealed, id); err != nil {
			return fmt.Errorf("recording concern %d: %w", i+1, err)
		}
	}
	return nil
}

// CaseConcerns lists a case's concerns, in order.
func (tx *Tx) CaseConcerns(ctx context.Context, caseID int64) ([]practice.StoredConcern, error) {
	rows, err := tx.QueryContext(ctx, tx.caseQ(
		"SELECT id, diagnosis, taxonomy FROM case_concerns WHERE case_id = ? ORDER BY position"), caseID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(r sqldb.Scanner) (s practice.StoredConcern, err error) {
		var id int64
		var sealed string
		if err := r.Scan(&id, &sealed, &s.Taxonomy); err != nil {
			return s, err
		}
		var d caseStoredDiagnosis
		if err := tx.caseOpenJSON(sealed, caseRowContext("concerns", id, "diagnosis"), &d); err != nil {
			return s, fmt.Errorf("a concern of case %d: %w", caseID, err)
		}
		s.Diagnosis = concern.Diagnosis{Concern: d.Concern,
			Specifiers: concern.Specifiers{Onset: concern.Onset(d.Onset), Context: concern.Context(d.Context), Severity: concern.Severity(d.Severity)}}
		return s, nil
	})
}

// caseStoredFinding is what a comorbidity's finding column holds, sealed:
// its kind, where it came from and the measure it rests on. Migration
// 00008 writes the same fields.
type caseStoredFinding struct {
	Kind       string `json:"kind"`
	Source     string `json:"source"`
	MeasureRef string `json:"measure_ref"`
}

// AddComorbidity records a comorbidity and returns its id.
func (tx *Tx) AddComorbidity(ctx context.Context, c practice.Comorbidity) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, tx.caseQ(
		"INSERT INTO case_comorbidities (case_id, recorded_by, recorded_by_name, recorded_at) VALUES (?, ?, ?, ?) RETURNING id"),
		c.CaseID, c.RecordedBy, c.RecordedByName, tx.caseAt(c.RecordedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("recording the comorbidity: %w", err)
	}
	finding, err := tx.caseSealJSON(caseStoredFinding{Kind: string(c.Kind), Source: string(c.Source), MeasureRef: c.MeasureRef},
		caseRowContext("comorbidities", id, "finding"))
	if err != nil {
		return 0, err
	}
	note, err := tx.caseSealText(c.Note, caseRowContext("comorbidities", id, "note"))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, tx.caseQ("UPDATE case_comorbidities SET finding = ?, note = ? WHERE id = ?"), finding, note, id); err != nil {
		return 0, err
	}
	return id, nil
}

// Comorbidities lists a case's comorbidities, ended ones too, in the order
// they were recorded.
func (tx *Tx) Comorbidities(ctx context.Context, caseID int64) ([]practice.Comorbidity, error) {
	rows, err := tx.QueryContext(ctx, tx.caseQ(
		"SELECT id, finding, note, recorded_by, recorded_by_name, recorded_at, ended_at, ended_by, end_reason FROM case_comorbidities WHERE case_id = ? ORDER BY id"),
		caseID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(r sqldb.Scanner) (c practice.Comorbidity, err error) {
		c.CaseID = caseID
		var finding, note, reason string
		var recorded, ended any
		var endedBy sql.NullInt64
		if err := r.Scan(&c.ID, &finding, &note, &c.RecordedBy, &c.RecordedByName, &recorded, &ended,
			&endedBy, &reason); err != nil {
			return c, err
		}
		var f caseStoredFinding
		if err := tx.caseOpenJSON(finding, caseRowContext("comorbidities", c.ID, "finding"), &f); err != nil {
			return c, err
		}
		if c.Kind = escalation.Kind(f.Kind); !c.Kind.Known() {
			return c, fmt.Errorf("comorbidity %d: stored kind %q is unknown", c.ID, f.Kind)
		}
		if c.Source = practice.ComorbiditySource(f.Source); !c.Source.Known() {
			return c, fmt.Errorf("comorbidity %d: stored source %q is unknown", c.ID, f.Source)
		}
		c.MeasureRef = f.MeasureRef
		if c.RecordedAt, err = sqldb.ScanTime(recorded); err != nil {
			return c, err
		}
		if err := sqldb.ScanOptionalTime(ended, &c.EndedAt); err != nil {
			return c, err
		}
		c.EndedBy = endedBy.Int64
		if c.Note, err = tx.caseOpenText(note, caseRowContext("comorbidities", c.ID, "note")); err != nil {
			return c, err
		}
		if c.EndReason, err = tx.caseOpenText(reason, caseRowContext("comorbidities", c.ID, "end_reason")); err != nil {
			return c, err
		}
		return c, nil
	})
}

// EndComorbidity ends a standing comorbidity of a case: ErrNotFound when
// the case has no such comorbidity, ErrConflict when it is already ended.
func (tx *Tx) EndComorbidity(ctx context.Context, caseID, id int64, at time.Time, by int64, reason string) error {
	var ended any
	err := tx.QueryRowContext(ctx, tx.caseQ("SELECT ended_at FROM case_comorbidities WHERE id = ? AND case_id = ?"+tx.Dialect.LockRow()),
		id, caseID).Scan(&ended)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("comorbidity %d of case %d: %w", id, caseID, certboard.ErrNotFound)
	}
	if err != nil {
		return err
	}
	if ended != nil {
		return fmt.Errorf("comorbidity %d is ended: %w", id, certboard.ErrConflict)
	}
	sealed, err := tx.caseSealText(reason, caseRowContext("comorbidities", id, "end_reason"))
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, tx.caseQ(
		"UPDATE case_comorbidities SET ended_at = ?, ended_by = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL"),
		tx.caseAt(at), by, sealed, id)
	if err != nil {
		return fmt.Errorf("ending comorbidity %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("comorbidity %d is ended: %w", id, certboard.ErrConflict)
	}
	return nil
}

// caseReferralDetails is the sealed part of a referral: why, and what is
// shared.
type caseReferralDetails struct {
	Why    string   `json:"why"`
	Shared []string `json:"shared"`
	// Concerns and Search are written from migration 00011 on: the
	// concerns when the referral was begun (each a name with its codes in
	// one string), and a draft's search.
	Concerns []string                 `json:"concerns,omitempty"`
	Search   *practice.RegistrySearch `json:"search,omitempty"`
	// Scope and ConcernList are written once consent is itemised: what the
	// client agreed to share, item by item, and the concerns with their
	// codes apart. A referral without Scope was recorded before.
	Scope       *caseStoredScope    `json:"scope,omitempty"`
	ConcernList []caseStoredConcern `json:"concern_list,omitempty"`
}

// caseStoredScope is a referral's ReferralScope as its details hold it.
type caseStoredScope struct {
	Concerns    bool     `json:"concerns"`
	Codes       bool     `json:"codes"`
	Stage       bool     `json:"stage"`
	Instruments []string `json:"instruments"`
}

// caseStoredConcern is a referral's ReferredConcern as its details hold
// it.
type caseStoredConcern struct {
	Name  string   `json:"name"`
	Codes []string `json:"codes,omitempty"`
}

// caseStoredRecipient is what a referral's recipient column holds, sealed:
// whom the client is referred to. Migration 00008 writes the same fields.
type caseStoredRecipient struct {
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	Contact      string `json:"contact"`
	RegistryURL  string `json:"registry_url"`
	// EntryID and Credential are written from migration 00011 on.
	EntryID    int64  `json:"entry_id,omitempty"`
	Credential string `json:"credential,omitempty"`
}

// AddReferral records a referral and returns its id.
func (tx *Tx) AddReferral(ctx context.Context, r practice.Referral) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, tx.caseQ(
		"INSERT INTO case_referrals (case_id, stage, consent, status, made_by, made_by_name, made_at, updated_at, version, board, updated_by) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
		r.CaseID, string(r.Stage), string(r.Consent), string(r.Status),
		r.MadeBy, r.MadeByName, tx.caseAt(r.MadeAt), tx.caseAt(r.UpdatedAt), r.Version, r.Board, caseNullID(r.UpdatedBy)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("recording the referral: %w", err)
	}
	details, recipient, err := tx.caseSealReferral(r, id)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, tx.caseQ("UPDATE case_referrals SET details = ?, recipient = ? WHERE id = ?"), details, recipient, id); err != nil {
		return 0, err
	}
	return id, nil
}

// caseSealReferral seals the details and the recipient of referral r
// stored as id.
func (tx *Tx) caseSealReferral(r practice.Referral, id int64) (details, recipient string, err error) {
	shared := r.Shared
	if shared == nil {
		shared = []string{}
	}
	d := caseReferralDetails{Why: r.Why, Shared: shared}
	if r.Scope != nil {
		instruments := r.Scope.Instruments
		if instruments == nil {
			instruments = []string{}
		}
		d.Scope = &caseStoredScope{Concerns: r.Scope.Concerns, Codes: r.Scope.Codes, Stage: r.Scope.Stage, Instruments: instruments}
	}
	for _, c := range r.Concerns {
		d.ConcernList = append(d.ConcernList, caseStoredConcern{Name: c.Name, Codes: c.Codes})
	}
	if r.Search != (practice.RegistrySearch{}) {
		d.Search = &r.Search
	}
	if details, err = tx.caseSealJSON(d, caseRowContext("referrals", id, "details")); err != nil {
		return "", "", err
	}
	recipient, err = tx.caseSealJSON(caseStoredRecipient{Name: r.To.Name, Organisation: r.To.Organisation, Contact: r.To.Contact,
		RegistryURL: r.To.RegistryURL, EntryID: r.To.EntryID, Credential: r.To.Credential}, caseRowContext("referrals", id, "recipient"))
	return details, recipient, err
}

const caseReferralColumns = "id, case_id, stage, recipient, consent, details, status, made_by, made_by_name, made_at, updated_at, version, board, updated_by"

// caseScanReferral reads a row of caseReferralColumns.
func (tx *Tx) caseScanReferral(r sqldb.Scanner) (*practice.Referral, error) {
	var ref practice.Referral
	var stage, recipient, consent, details, status string
	var made, updated any
	var updatedBy sql.NullInt64
	if err := r.Scan(&ref.ID, &ref.CaseID, &stage, &recipient, &consent, &details, &status, &ref.MadeBy, &ref.MadeByName,
		&made, &updated, &ref.Version, &ref.Board, &updatedBy); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("referral: %w", certboard.ErrNotFound)
		}
		return nil, err
	}
	var err error
	if ref.Stage, err = plissit.ParseStage(stage); err != nil {
		return nil, fmt.Errorf("referral %d: stored %w", ref.ID, err)
	}
	if ref.Consent = practice.ShareConsent(consent); ref.Consent != practice.ConsentGiven && ref.Consent != practice.ConsentRefused {
		return nil, fmt.Errorf("referral %d: stored consent %q is neither yes nor no", ref.ID, consent)
	}
	if ref.Status, err = practice.ParseReferralStatus(status); err != nil {
		return nil, fmt.Errorf("referral %d: stored %w", ref.ID, err)
	}
	if ref.MadeAt, err = sqldb.ScanTime(made); err != nil {
		return nil, err
	}
	if ref.UpdatedAt, err = sqldb.ScanTime(updated); err != nil {
		return nil, err
	}
	var to caseStoredRecipient
	if err := tx.caseOpenJSON(recipient, caseRowContext("referrals", ref.ID, "recipient"), &to); err != nil {
		return nil, err
	}
	ref.UpdatedBy = updatedBy.Int64
	ref.To = practice.ReferralTo{Name: to.Name, Organisation: to.Organisation, Contact: to.Contact, RegistryURL: to.RegistryURL,
		EntryID: to.EntryID, Credential: to.Credential}
	plain, err := tx.s.open(details, caseRowContext("referrals", ref.ID, "details"))
	if err != nil {
		return nil, fmt.Errorf("opening referral %d: %w", ref.ID, err)
	}
	var d caseReferralDetails
	if err := json.Unmarshal(plain, &d); err != nil {
		return nil, fmt.Errorf("referral %d: stored details: %w", ref.ID, err)
	}
	ref.Why, ref.Shared = d.Why, d.Shared
	if d.Scope != nil {
		ref.Scope = &practice.ReferralScope{Concerns: d.Scope.Concerns, Codes: d.Scope.Codes, Stage: d.Scope.Stage}
		if len(d.Scope.Instruments) > 0 {
			ref.Scope.Instruments = d.Scope.Instruments
		}
	}
	for _, c := range d.ConcernList {
		ref.Concerns = append(ref.Concerns, practice.ReferredConcern{Name: c.Name, Codes: c.Codes})
	}
	for _, c := range d.Concerns { // kept before concerns were stored apart from their codes
		ref.Concerns = append(ref.Concerns, practice.ReferredConcern{Name: c})
	}
	if d.Search != nil {
		ref.Search = *d.Search
	}
	return &ref, nil
}

// LockReferral reads a referral of a case, locking it (ErrNotFound when
// the case has no such referral).
func (tx *Tx) LockReferral(ctx context.Context, caseID, id int64) (*practice.Referral, error) {
	r, err := tx.caseScanReferral(tx.QueryRowContext(ctx, tx.caseQ("SELECT "+caseReferralColumns+" FROM case_referrals WHERE id = ? AND case_id = ?"+tx.Dialect.LockRow()),
		id, caseID))
	if err != nil {
		return nil, err
	}
	if r.Moves, err = tx.referralMoves(ctx, r.ID); err != nil {
		return nil, err
	}
	return r, nil
}

// Referrals lists a case's referrals, the latest made first.
func (tx *Tx) Referrals(ctx context.Context, caseID int64) ([]practice.Referral, error) {
	rows, err := tx.QueryContext(ctx, tx.caseQ("SELECT "+caseReferralColumns+" FROM case_referrals WHERE case_id = ? ORDER BY made_at DESC, id DESC"), caseID)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, deref(tx.caseScanReferral))
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Moves, err = tx.referralMoves(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetReferralStatus sets a referral's status if it is still at version
// (ErrConflict otherwise) and returns the new version.
func (tx *Tx) SetReferralStatus(ctx context.Context, id int64, status practice.ReferralStatus, version int, at time.Time, by int64) (int, error) {
	res, err := tx.ExecContext(ctx, tx.caseQ("UPDATE case_referrals SET status = ?, updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ? AND version = ?"),
		string(status), tx.caseAt(at), caseNullID(by), id, version)
	if err != nil {
		return 0, fmt.Errorf("updating referral %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, fmt.Errorf("referral %d at version %d: %w", id, version, certboard.ErrConflict)
	}
	return version + 1, nil
}

// A sexual history and a treatment plan are versioned the same way: one
// row a version, its body sealed JSON.

// caseAddVersion stores a version of a record (table case_histories or
// case_plans, what "history" or "plan"), its body the JSON given:
// ErrConflict when it exists.
func (tx *Tx) caseAddVersion(ctx context.Context, table, what string, caseID int64, version int, plain []byte, by int64, byName string, at time.Time) error {
	sealed, err := tx.s.seal(plain, caseContext(caseID, what+"/"+strconv.Itoa(version)))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, tx.caseQ("INSERT INTO "+table+" (case_id, version, body, saved_by, saved_by_name, saved_at) VALUES (?, ?, ?, ?, ?, ?)"),
		caseID, version, sealed, by, byName, tx.caseAt(at))
	if sqldb.IsUniqueViolation(err) {
		return fmt.Errorf("%s version %d of case %d: %w", what, version, caseID, certboard.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("saving the %s: %w", what, err)
	}
	return nil
}

// caseReadVersion reads a version of a record (the latest when version is 0)
// and decodes its body, strictly, into body: ErrNotFound when there is
// none.
func (tx *Tx) caseReadVersion(ctx context.Context, table, what string, caseID int64, version int, body any) (practice.SavedVersion, error) {
	query := "SELECT version, body, saved_by, saved_by_name, saved_at FROM " + table + " WHERE case_id = ?"
	args := []any{caseID}
	if version > 0 {
		query += " AND version = ?"
		args = append(args, version)
	} else {
		query += " ORDER BY version DESC LIMIT 1"
	}
	var v practice.SavedVersion
	var sealed string
	var at any
	err := tx.QueryRowContext(ctx, tx.caseQ(query), args...).Scan(&v.Version, &sealed, &v.SavedBy, &v.SavedByName, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("%s of case %d: %w", what, caseID, certboard.ErrNotFound)
	}
	if err != nil {
		return v, err
	}
	if v.SavedAt, err = sqldb.ScanTime(at); err != nil {
		return v, err
	}
	plain, err := tx.s.open(sealed, caseContext(caseID, what+"/"+strconv.Itoa(v.Version)))
	if err != nil {
		return v, fmt.Errorf("opening the %s of case %d, version %d: %w", what, caseID, v.Version, err)
	}
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(body); err != nil {
		return v, fmt.Errorf("the %s of case %d, version %d: %w", what, caseID, v.Version, err)
	}
	return v, nil
}

// versions lists the versions of a record, the latest first.
func (tx *Tx) caseVersions(ctx context.Context, table string, caseID int64) ([]practice.SavedVersion, error) {
	rows, err := tx.QueryContext(ctx, tx.caseQ("SELECT version, saved_by, saved_by_name, saved_at FROM "+table+" WHERE case_id = ? ORDER BY version DESC"), caseID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(r sqldb.Scanner) (v practice.SavedVersion, err error) {
		var at any
		if err := r.Scan(&v.Version, &v.SavedBy, &v.SavedByName, &at); err != nil {
			return v, err
		}
		if v.SavedAt, err = sqldb.ScanTime(at); err != nil {
			return v, err
		}
		return v, nil
	})
}

// caseStoredHistory is how a sexual history is stored: plissit's steps, with
// the onset's date as text, since a zero date.Date writes "" and reads
// back only a real day.
type caseStoredHistory struct {
	Step1 plissit.Issues        `json:"step1"`
	Step2 caseStoredEvolution   `json:"step2"`
	Step3 plissit.Understanding `json:"step3"`
	Step4 plissit.Plan          `json:"step4"`
}

type caseStoredEvolution struct {
	Onset       caseStoredOnset     `json:"onset"`
	Course      string              `json:"course"`
	Context     string              `json:"context"`
	Acquisition plissit.Acquisition `json:"acquisition"`
	Generality  plissit.Generality  `json:"generality"`
}

type caseStoredOnset struct {
	Date string `json:"date"`
	Age  int    `json:"age"`
	Text string `json:"text"`
}

func caseEncodeHistory(h plissit.SexualHistory) ([]byte, error) {
	e := h.Evolution
	return json.Marshal(caseStoredHistory{Step1: h.Issues, Step3: h.Understanding, Step4: h.Plan,
		Step2: caseStoredEvolution{Onset: caseStoredOnset{Date: e.Onset.Date.String(), Age: e.Onset.Age, Text: e.Onset.Text},
			Course: e.Course, Context: e.Context, Acquisition: e.Acquisition, Generality: e.Generality}})
}

func (s caseStoredHistory) history() (plissit.SexualHistory, error) {
	e := s.Step2
	h := plissit.SexualHistory{Issues: s.Step1, Understanding: s.Step3, Plan: s.Step4,
		Evolution: plissit.Evolution{Onset: plissit.Onset{Age: e.Onset.Age, Text: e.Onset.Text},
			Course: e.Course, Context: e.Context, Acquisition: e.Acquisition, Generality: e.Generality}}
	if e.Onset.Date != "" {
		d, err := date.Parse(e.Onset.Date)
		if err != nil {
			return h, fmt.Errorf("stored onset: %w", err)
		}
		h.Evolution.Onset.Date = d
	}
	return h, nil
}

// AddSexualHistory stores a version of a case's sexual history
// (ErrConflict when that version exists).
func (tx *Tx) AddSexualHistory(ctx context.Context, v practice.SexualHistoryVersion) error {
	plain, err := caseEncodeHistory(v.History)
	if err != nil {
		return err
	}
	return tx.caseAddVersion(ctx, "case_histories", "history", v.CaseID, v.Version, plain, v.SavedBy, v.SavedByName, v.SavedAt)
}

// SexualHistory reads a version of a case's sexual history, the latest
// when version is 0 (ErrNotFound when there is none).
func (tx *Tx) SexualHistory(ctx context.Context, caseID int64, version int) (*practice.SexualHistoryVersion, error) {
	var body caseStoredHistory
	v, err := tx.caseReadVersion(ctx, "case_histories", "history", caseID, version, &body)
	if err != nil {
		return nil, err
	}
	h, err := body.history()
	if err != nil {
		return nil, fmt.Errorf("the history of case %d, version %d: %w", caseID, v.Version, err)
	}
	return &practice.SexualHistoryVersion{CaseID: caseID, Version: v.Version, History: h,
		SavedBy: v.SavedBy, SavedByName: v.SavedByName, SavedAt: v.SavedAt}, nil
}

// SexualHistoryVersions lists the versions of a case's sexual history, the
// latest first.
func (tx *Tx) SexualHistoryVersions(ctx context.Context, caseID int64) ([]practice.SavedVersion, error) {
	return tx.caseVersions(ctx, "case_histories", caseID)
}

// caseStoredPlan is how a treatment plan is stored: plissit's plan, with its
// review days as text.
type caseStoredPlan struct {
	Goals         []plissit.Goal         `json:"goals"`
	Interventions []plissit.Intervention `json:"interventions"`
	Frequency     plissit.Frequency      `json:"frequency"`
	Reviews       []string               `json:"reviews"`
	Comorbidities []string               `json:"comorbidities"`
}

func caseEncodePlan(tp plissit.TreatmentPlan) ([]byte, error) {
	reviews := make([]string, len(tp.Reviews))
	for i, d := range tp.Reviews {
		reviews[i] = d.String()
	}
	return json.Marshal(caseStoredPlan{Goals: tp.Goals, Interventions: tp.Interventions, Frequency: tp.Frequency,
		Reviews: reviews, Comorbidities: tp.Comorbidities})
}

func (s caseStoredPlan) plan() (plissit.TreatmentPlan, error) {
	tp := plissit.TreatmentPlan{Goals: s.Goals, Interventions: s.Interventions, Frequency: s.Frequency, Comorbidities: s.Comorbidities}
	for _, r := range s.Reviews {
		var d date.Date
		if r != "" {
			var err error
			if d, err = date.Parse(r); err != nil {
				return tp, fmt.Errorf("stored review: %w", err)
			}
		}
		tp.Reviews = append(tp.Reviews, d)
	}
	return tp, nil
}

// AddTreatmentPlan stores a version of a case's treatment plan
// (ErrConflict when that version exists).
func (tx *Tx) AddTreatmentPlan(ctx context.Context, v practice.TreatmentPlanVersion) error {
	plain, err := caseEncodePlan(v.Plan)
	if err != nil {
		return err
	}
	return tx.caseAddVersion(ctx, "case_plans", "plan", v.CaseID, v.Version, plain, v.SavedBy, v.SavedByName, v.SavedAt)
}

// TreatmentPlan reads a version of a case's treatment plan, the latest
// when version is 0 (ErrNotFound when there is none).
func (tx *Tx) TreatmentPlan(ctx context.Context, caseID int64, version int) (*practice.TreatmentPlanVersion, error) {
	var body caseStoredPlan
	v, err := tx.caseReadVersion(ctx, "case_plans", "plan", caseID, version, &body)
	if err != nil {
		return nil, err
	}
	tp, err := body.plan()
	if err != nil {
		return nil, fmt.Errorf("the plan of case %d, version %d: %w", caseID, v.Version, err)
	}
	return &practice.TreatmentPlanVersion{CaseID: caseID, Version: v.Version, Plan: tp,
		SavedBy: v.SavedBy, SavedByName: v.SavedByName, SavedAt: v.SavedAt}, nil
}

// TreatmentPlanVersions lists the versions of a case's treatment plan, the
// latest first.
func (tx *Tx) TreatmentPlanVersions(ctx context.Context, caseID int64) ([]practice.SavedVersion, error) {
	return tx.caseVersions(ctx, "case_plans", caseID)
}

// caseReferences are the columns of the cases tables that name an account
// without ON DELETE CASCADE: an account a case names is never deleted as
// an expired sign-up.
var caseReferences = []authsql.Reference{
	{Table: "cases", Column: "practitioner_id"}, {Table: "cases", Column: "opened_by"}, {Table: "cases", Column: "closed_by"},
	{Table: "case_moves", Column: "by_id"},
	{Table: "case_comorbidities", Column: "recorded_by"}, {Table: "case_comorbidities", Column: "ended_by"},
	{Table: "case_referrals", Column: "made_by"},
	{Table: "case_histories", Column: "saved_by"}, {Table: "case_plans", Column: "saved_by"},
}

func init() { references = append(references, caseReferences...) }
