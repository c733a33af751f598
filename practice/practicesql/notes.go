package practicesql

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/sqldb"
)

// Session notes: progress notes (one per case and date of service, locked
// once signed, amended beside the original) and psychotherapy notes, in
// tables of their own. The text of every note (sections, P/LI record,
// amendment, psychotherapy text) is sealed at rest, bound to its row. A
// signed note and every amendment keep the SHA-256 of their body's
// plaintext (migration 00008), which the database never lets change and
// every read checks: a body rewritten behind the store's back does not
// read, while one sealed again under a newer key, the same plaintext,
// does.

// The columns of the notes' tables that name an account: an account they
// name is never deleted as an expired sign-up.
func init() {
	for _, r := range [][2]string{{"progress_notes", "author_id"}, {"progress_notes", "signed_by"},
		{"progress_note_amendments", "by_id"}, {"psychotherapy_notes", "author_id"}} {
		references = append(references, authsql.Reference{Table: r[0], Column: r[1]})
	}
}

// noteBodyContext binds the sealed body of progress note id to its row.
func noteBodyContext(id int64) string {
	return "practice/notes/" + strconv.FormatInt(id, 10) + "/body"
}

// amendmentContext binds the sealed body of amendment seq of note id.
func amendmentContext(id int64, seq int) string {
	return "practice/notes/" + strconv.FormatInt(id, 10) + "/amendments/" + strconv.Itoa(seq)
}

// psychotherapyContext binds the sealed text of psychotherapy note id to
// the note's case and author too: a row moved to another author, who
// alone would read it, or to another case does not open.
func psychotherapyContext(id, caseID, author int64) string {
	return "practice/psychotherapy_notes/" + strconv.FormatInt(id, 10) + "/case/" + strconv.FormatInt(caseID, 10) +
		"/author/" + strconv.FormatInt(author, 10) + "/text"
}

// noteBody is what a progress note's body column holds, sealed.
type noteBody struct {
	Sections map[note.Section]string `json:"sections"`
	PLI      *plissit.PLIRecord      `json:"pli,omitempty"`
}

// amendmentBody is what an amendment's body column holds, sealed.
type amendmentBody struct {
	Reason   string                  `json:"reason"`
	Sections map[note.Section]string `json:"sections"`
	PLI      *plissit.PLIRecord      `json:"pli,omitempty"`
}

// noteSealJSON marshals v and seals it for context.
func (s *Store) noteSealJSON(v any, context string) (string, error) {
	sealed, _, err := s.noteSealDigest(v, context)
	return sealed, err
}

// noteSealDigest marshals v and seals it for context, and returns the
// digest of what it sealed too.
func (s *Store) noteSealDigest(v any, context string) (sealed, digest string, err error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", "", err
	}
	sealed, err = s.seal(plain, context)
	return sealed, noteDigest(plain), err
}

// noteDigest is the digest a signed body keeps: the SHA-256 of its
// plaintext, in hex.
func noteDigest(plain []byte) string {
	sum := sha256.Sum256(plain)
	return hex.EncodeToString(sum[:])
}

// errNoteAltered says that a signed body is not the one signed.
var errNoteAltered = errors.New("its body is not the one kept when it was signed or made (the digest differs); restore it from a backup")

// noteOpenJSON opens sealed, bound to context, into v; when digest is not
// "" the plaintext must have it (errNoteAltered otherwise).
func (s *Store) noteOpenJSON(sealed, context, digest string, v any) error {
	plain, err := s.open(sealed, context)
	if err != nil {
		return err
	}
	if digest != "" && subtle.ConstantTimeCompare([]byte(noteDigest(plain)), []byte(digest)) != 1 {
		return errNoteAltered
	}
	return json.Unmarshal(plain, v)
}

// noteDateTaken is the error of a second note for a case's date of service.
func noteDateTaken(caseID int64, d date.Date) error {
	return fmt.Errorf("case %d has a progress note for %s: %w: %w", caseID, d, practice.ErrNoteDateTaken, certboard.ErrConflict)
}

// NoteCase returns the client whose case caseID is and whether the case
// is open.
func (tx *Tx) NoteCase(ctx context.Context, caseID int64) (int64, bool, error) {
	var client int64
	var status string
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT client_id, status FROM cases WHERE id = ?"), caseID).Scan(&client, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("case %d: %w", caseID, certboard.ErrNotFound)
	}
	return client, status == string(practice.CaseOpen), err
}

// CreateProgressNote adds a draft progress note and returns its id; a
// note for the same case and date of service is ErrNoteDateTaken.
func (tx *Tx) CreateProgressNote(ctx context.Context, n practice.ProgressNote) (int64, error) {
	s := tx.s
	if n.Note.Signed() {
		return 0, fmt.Errorf("a progress note is created unsigned")
	}
	var id int64
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		`INSERT INTO progress_notes (case_id, author_id, date_of_service, format, version, created_at, updated_at)
		 VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id`),
		n.CaseID, n.AuthorID, n.Note.DateOfService.String(), string(n.Note.Format),
		tx.Dialect.Time(n.CreatedAt), tx.Dialect.Time(n.UpdatedAt)).Scan(&id)
	if sqldb.IsUniqueViolation(err) {
		return 0, noteDateTaken(n.CaseID, n.Note.DateOfService)
	}
	if err != nil {
		return 0, fmt.Errorf("creating a progress note: %w", err)
	}
	body, err := s.noteSealJSON(noteBody{Sections: n.Note.Sections, PLI: n.Note.PLI}, noteBodyContext(id))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, tx.Dialect.Rebind("UPDATE progress_notes SET body = ? WHERE id = ?"), body, id); err != nil {
		return 0, err
	}
	return id, nil
}

// noteColumns are what scanNote reads, of progress_notes n joined with
// its case c and its author u.
const noteColumns = `n.id, n.case_id, c.client_id, n.author_id, u.name, n.date_of_service, n.format, n.body, n.body_digest,
	COALESCE(n.signed_by, 0), n.signed_at, n.version, n.created_at, n.updated_at`

// noteFrom is the FROM clause of noteColumns.
const noteFrom = " FROM progress_notes n JOIN cases c ON c.id = n.case_id JOIN users u ON u.id = n.author_id"

// scanNote reads a progress note without its amendments.
func (s *Store) scanNote(r sqldb.Scanner) (*practice.ProgressNote, error) {
	var n practice.ProgressNote
	var day, format, body, digest string
	var signedAt, created, updated any
	if err := r.Scan(&n.ID, &n.CaseID, &n.ClientID, &n.AuthorID, &n.AuthorName, &day, &format, &body, &digest,
		&n.Note.SignedBy, &signedAt, &n.Version, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if n.Note.DateOfService, err = date.Parse(day); err != nil {
		return nil, fmt.Errorf("progress note %d: stored date of service: %w", n.ID, err)
	}
	if n.Note.Format, err = note.ParseFormat(format); err != nil {
		return nil, fmt.Errorf("progress note %d: stored %w", n.ID, err)
	}
	if err := sqldb.ScanOptionalTime(signedAt, &n.Note.SignedAt); err != nil {
		return nil, err
	}
	if n.CreatedAt, err = sqldb.ScanTime(created); err != nil {
		return nil, err
	}
	if n.UpdatedAt, err = sqldb.ScanTime(updated); err != nil {
		return nil, err
	}
	if n.Note.Signed() && digest == "" {
		return nil, fmt.Errorf("progress note %d is signed without the digest of its body; migrate the database with its keys", n.ID)
	}
	if !n.Note.Signed() {
		digest = "" // a draft's body changes
	}
	var b noteBody
	if err := s.noteOpenJSON(body, noteBodyContext(n.ID), digest, &b); err != nil {
		return nil, fmt.Errorf("progress note %d: body: %w", n.ID, err)
	}
	n.Note.Sections, n.Note.PLI = b.Sections, b.PLI
	if n.Note.Sections == nil {
		n.Note.Sections = map[note.Section]string{}
	}
	return &n, nil
}

// noteAmendments reads the amendments of the notes where says (a condition on
// progress_notes n, with its argument), in order, by note id.
func (s *Store) noteAmendments(ctx context.Context, q noteQuerier, where string, arg any) (map[int64][]practice.NoteAmendment, error) {
	rows, err := q.QueryContext(ctx, s.Dialect.Rebind(
		`SELECT a.note_id, a.seq, a.by_id, u.name, a.at, a.body, a.body_digest
		 FROM progress_note_amendments a JOIN progress_notes n ON n.id = a.note_id JOIN users u ON u.id = a.by_id
		 WHERE `+where+` ORDER BY a.note_id, a.seq`), arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]practice.NoteAmendment{}
	for rows.Next() {
		var id int64
		var a practice.NoteAmendment
		var at any
		var body, digest string
		if err := rows.Scan(&id, &a.Seq, &a.By, &a.ByName, &at, &body, &digest); err != nil {
			return nil, err
		}
		if digest == "" {
			return nil, fmt.Errorf("amendment %d of progress note %d is kept without the digest of its body; migrate the database with its keys", a.Seq, id)
		}
		if a.At, err = sqldb.ScanTime(at); err != nil {
			return nil, err
		}
		var b amendmentBody
		if err := s.noteOpenJSON(body, amendmentContext(id, a.Seq), digest, &b); err != nil {
			return nil, fmt.Errorf("amendment %d of progress note %d: %w", a.Seq, id, err)
		}
		a.Reason, a.Sections, a.PLI = b.Reason, b.Sections, b.PLI
		out[id] = append(out[id], a)
	}
	return out, rows.Err()
}

// noteQuerier is what both a transaction and the database offer for reads.
type noteQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readProgressNote reads note id with its amendments.
func (s *Store) readProgressNote(ctx context.Context, q noteQuerier, id int64) (*practice.ProgressNote, error) {
	n, err := s.scanNote(q.QueryRowContext(ctx, s.Dialect.Rebind("SELECT "+noteColumns+noteFrom+" WHERE n.id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("progress note %d: %w", id, certboard.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	as, err := s.noteAmendments(ctx, q, "n.id = ?", id)
	if err != nil {
		return nil, err
	}
	n.Amendments = as[id]
	return n, nil
}

// ProgressNote reads progress note id with its amendments.
func (tx *Tx) ProgressNote(ctx context.Context, id int64) (*practice.ProgressNote, error) {
	return tx.s.readProgressNote(ctx, tx, id)
}

// LockProgressNote reads progress note id with its amendments and locks
// its row until the transaction ends.
func (tx *Tx) LockProgressNote(ctx context.Context, id int64) (*practice.ProgressNote, error) {
	var one int64
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT id FROM progress_notes WHERE id = ?"+tx.Dialect.LockRow()), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("progress note %d: %w", id, certboard.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return tx.s.readProgressNote(ctx, tx, id)
}

// ProgressNotes lists the progress notes of a case with their
// amendments, the latest date of service first.
func (tx *Tx) ProgressNotes(ctx context.Context, caseID int64) ([]practice.ProgressNote, error) {
	s := tx.s
	rows, err := tx.QueryContext(ctx, s.Dialect.Rebind("SELECT "+noteColumns+noteFrom+
		" WHERE n.case_id = ? ORDER BY n.date_of_service DESC, n.id DESC"), caseID)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, deref(s.scanNote))
	if err != nil || len(out) == 0 {
		return nil, err // nil, not empty, when the case has no notes
	}
	as, err := s.noteAmendments(ctx, tx, "n.case_id = ?", caseID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Amendments = as[out[i].ID]
	}
	return out, nil
}

// NoteSummaries counts the progress notes of each case of a client, the
// latest case first; a case without notes counts none.
func (tx *Tx) NoteSummaries(ctx context.Context, clientID int64) ([]practice.NoteSummary, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind(
		`SELECT c.id, COUNT(n.id), COALESCE(SUM(CASE WHEN n.id IS NOT NULL AND n.signed_at IS NULL THEN 1 ELSE 0 END), 0),
		 COALESCE(MAX(n.date_of_service), '')
		 FROM cases c LEFT JOIN progress_notes n ON n.case_id = c.id WHERE c.client_id = ?
		 GROUP BY c.id ORDER BY c.id DESC`), clientID)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (n practice.NoteSummary, err error) {
		var latest string
		if err := r.Scan(&n.CaseID, &n.Notes, &n.Drafts, &latest); err != nil {
			return n, err
		}
		if latest != "" {
			if n.Latest, err = date.Parse(latest); err != nil {
				return n, fmt.Errorf("case %d: stored date of service: %w", n.CaseID, err)
			}
		}
		return n, nil
	})
}

// noteStaleOrGone tells why an update of note id guarded by version changed
// no row: there is no such note, or it changed (or was signed) meanwhile.
func (tx *Tx) noteStaleOrGone(ctx context.Context, id int64, version int) error {
	var one int64
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT 1 FROM progress_notes WHERE id = ?"), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("progress note %d: %w", id, certboard.ErrNotFound)
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("progress note %d is no longer at version %d: %w", id, version, certboard.ErrConflict)
}

// noteUpdated checks that an update guarded by version changed one row.
func (tx *Tx) noteUpdated(ctx context.Context, res sql.Result, id int64, version int) (int, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, tx.noteStaleOrGone(ctx, id, version)
	}
	return version + 1, nil
}

// UpdateProgressDraft replaces the content of the unsigned note id if it
// is still at version and returns the new version.
func (tx *Tx) UpdateProgressDraft(ctx context.Context, id int64, version int, n note.Progress, at time.Time) (int, error) {
	if n.Signed() {
		return 0, fmt.Errorf("a draft is written unsigned")
	}
	body, err := tx.s.noteSealJSON(noteBody{Sections: n.Sections, PLI: n.PLI}, noteBodyContext(id))
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		`UPDATE progress_notes SET date_of_service = ?, format = ?, body = ?, updated_at = ?, version = version + 1
		 WHERE id = ? AND version = ? AND signed_at IS NULL`),
		n.DateOfService.String(), string(n.Format), body, tx.Dialect.Time(at), id, version)
	if sqldb.IsUniqueViolation(err) {
		// A failed statement ends the transaction on PostgreSQL: nothing
		// more is read in it.
		return 0, fmt.Errorf("progress note %d: its case has another note for %s: %w: %w", id, n.DateOfService,
			practice.ErrNoteDateTaken, certboard.ErrConflict)
	}
	if err != nil {
		return 0, err
	}
	return tx.noteUpdated(ctx, res, id, version)
}

// SignProgressNote records the signature of s on the unsigned note id if
// it is still at version, with its sections and P/LI record as signed, and
// returns the new version.
func (tx *Tx) SignProgressNote(ctx context.Context, id int64, version int, s note.Progress) (int, error) {
	if !s.Signed() || s.SignedBy <= 0 {
		return 0, fmt.Errorf("signing progress note %d without a signature", id)
	}
	body, digest, err := tx.s.noteSealDigest(noteBody{Sections: s.Sections, PLI: s.PLI}, noteBodyContext(id))
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		`UPDATE progress_notes SET body = ?, body_digest = ?, signed_by = ?, signed_at = ?, updated_at = ?, version = version + 1
		 WHERE id = ? AND version = ? AND signed_at IS NULL AND date_of_service = ? AND format = ?`),
		body, digest, s.SignedBy, tx.Dialect.Time(s.SignedAt), tx.Dialect.Time(s.SignedAt), id, version,
		s.DateOfService.String(), string(s.Format))
	if err != nil {
		return 0, err
	}
	return tx.noteUpdated(ctx, res, id, version)
}

// AddNoteAmendment keeps amendment a of the signed note id if the note is
// still at version; it returns the amendment's number and the note's new
// version.
func (tx *Tx) AddNoteAmendment(ctx context.Context, id int64, version int, a note.Amendment) (int, int, error) {
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		`UPDATE progress_notes SET updated_at = ?, version = version + 1
		 WHERE id = ? AND version = ? AND signed_at IS NOT NULL`), tx.Dialect.Time(a.At), id, version)
	if err != nil {
		return 0, 0, err
	}
	next, err := tx.noteUpdated(ctx, res, id, version)
	if err != nil {
		return 0, 0, err
	}
	var seq int
	if err := tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"SELECT COALESCE(MAX(seq), 0) + 1 FROM progress_note_amendments WHERE note_id = ?"), id).Scan(&seq); err != nil {
		return 0, 0, err
	}
	body, digest, err := tx.s.noteSealDigest(amendmentBody{Reason: a.Reason, Sections: a.Sections, PLI: a.PLI}, amendmentContext(id, seq))
	if err != nil {
		return 0, 0, err
	}
	if _, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		"INSERT INTO progress_note_amendments (note_id, seq, by_id, at, body, body_digest) VALUES (?, ?, ?, ?, ?, ?)"),
		id, seq, a.By, tx.Dialect.Time(a.At), body, digest); err != nil {
		if sqldb.IsUniqueViolation(err) {
			return 0, 0, fmt.Errorf("amendment %d of progress note %d: %w", seq, id, certboard.ErrConflict)
		}
		return 0, 0, err
	}
	return seq, next, nil
}

// CreatePsychotherapyNote adds a psychotherapy note to a case and returns
// its id.
func (tx *Tx) CreatePsychotherapyNote(ctx context.Context, caseID, clientID int64, n note.Psychotherapy) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		`INSERT INTO psychotherapy_notes (case_id, author_id, date_of_service, written_at)
		 SELECT id, ?, ?, ? FROM cases WHERE id = ? AND client_id = ? RETURNING id`),
		n.Author, n.DateOfService.String(), tx.Dialect.Time(n.WrittenAt), caseID, clientID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("case %d of client %d: %w", caseID, clientID, certboard.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("creating a psychotherapy note: %w", err)
	}
	text, err := tx.s.seal([]byte(n.Text), psychotherapyContext(id, caseID, n.Author))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, tx.Dialect.Rebind("UPDATE psychotherapy_notes SET text = ? WHERE id = ?"), text, id); err != nil {
		return 0, err
	}
	return id, nil
}

// PsychotherapyNotesBy lists the psychotherapy notes author wrote on a
// case, and no one else's, the latest date of service first.
func (tx *Tx) PsychotherapyNotesBy(ctx context.Context, caseID, author int64) ([]practice.PsychotherapyNote, error) {
	s := tx.s
	rows, err := tx.QueryContext(ctx, s.Dialect.Rebind(
		`SELECT p.id, p.case_id, c.client_id, p.author_id, p.date_of_service, p.text, p.written_at
		 FROM psychotherapy_notes p JOIN cases c ON c.id = p.case_id
		 WHERE p.case_id = ? AND p.author_id = ? ORDER BY p.date_of_service DESC, p.id DESC`), caseID, author)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (n practice.PsychotherapyNote, err error) {
		var day, text string
		var written any
		if err := r.Scan(&n.ID, &n.CaseID, &n.ClientID, &n.Note.Author, &day, &text, &written); err != nil {
			return n, err
		}
		if n.Note.DateOfService, err = date.Parse(day); err != nil {
			return n, fmt.Errorf("psychotherapy note %d: stored date of service: %w", n.ID, err)
		}
		if n.Note.WrittenAt, err = sqldb.ScanTime(written); err != nil {
			return n, err
		}
		plain, err := s.open(text, psychotherapyContext(n.ID, n.CaseID, n.Note.Author))
		if err != nil {
			return n, fmt.Errorf("psychotherapy note %d: %w", n.ID, err)
		}
		n.Note.Text = string(plain)
		return n, nil
	})
}

// noteTakeDigests takes the digest of the body of every signed note and
// amendment that has none: those written before migration 00008 (the
// database lets a digest be set once). A body that does not open is an
// error: it was altered, or the keys are not the database's.
func (s *Store) noteTakeDigests(ctx context.Context, tx *sqldb.Tx) error {
	type pending struct {
		noteID int64
		seq    int
		body   string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, 0, body FROM progress_notes WHERE signed_at IS NOT NULL AND body_digest = ''
		UNION ALL SELECT note_id, seq, body FROM progress_note_amendments WHERE body_digest = ''`)
	if err != nil {
		return err
	}
	ps, err := sqldb.Collect(rows, func(r sqldb.Scanner) (p pending, err error) {
		err = r.Scan(&p.noteID, &p.seq, &p.body)
		return p, err
	})
	if err != nil {
		return err
	}
	for _, p := range ps {
		bound, query := noteBodyContext(p.noteID), "UPDATE progress_notes SET body_digest = ? WHERE id = ? AND body_digest = ''"
		args := []any{p.noteID}
		if p.seq > 0 {
			bound, query = amendmentContext(p.noteID, p.seq), "UPDATE progress_note_amendments SET body_digest = ? WHERE note_id = ? AND seq = ? AND body_digest = ''"
			args = append(args, p.seq)
		}
		plain, err := s.open(p.body, bound)
		if err != nil {
			return fmt.Errorf("%s: %w", bound, err)
		}
		if _, err := tx.ExecContext(ctx, tx.Dialect.Rebind(query), append([]any{noteDigest(plain)}, args...)...); err != nil {
			return err
		}
	}
	return nil
}
