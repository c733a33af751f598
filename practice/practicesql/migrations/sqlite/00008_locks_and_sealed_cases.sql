-- +goose Up
-- What a security review of practice mode asked for (docs/practice.md).
--
-- 1. A signed progress note, and every amendment, keeps the SHA-256 of the
--    plaintext of its sealed body (body_digest, hex), taken when it is
--    signed or made. The store checks it on every read, so a body rewritten
--    behind the code's back does not read; re-sealing under a newer key,
--    which keeps the plaintext, still does. Once set, a digest never
--    changes, and nothing of an amendment but its sealed body does.
-- 2. A scored measure response changes only by being marked entered in
--    error, once: its status and error fields, nothing else.
-- 3. What a case says of a client's diagnoses (each concern with its
--    specifiers; each comorbidity's kind, source and measure) and whom a
--    referral goes to are sealed, each bound to its row, in one column
--    each. Rows already there are moved into it here as JSON text (a value
--    starting with "{"), which Store.Migrate seals right after.

ALTER TABLE progress_notes ADD COLUMN body_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE progress_note_amendments ADD COLUMN body_digest TEXT NOT NULL DEFAULT '';

-- +goose StatementBegin
CREATE TRIGGER progress_notes_digest_kept BEFORE UPDATE ON progress_notes
WHEN OLD.signed_at IS NOT NULL AND (
    (OLD.body_digest <> '' AND NEW.body_digest IS NOT OLD.body_digest) OR
    NEW.id IS NOT OLD.id OR NEW.created_at IS NOT OLD.created_at OR NEW.version < OLD.version)
BEGIN
    SELECT RAISE(ABORT, 'a signed progress note is locked; amend it');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_notes_signed_digest BEFORE UPDATE OF signed_at ON progress_notes
WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL AND NEW.body_digest = ''
BEGIN
    SELECT RAISE(ABORT, 'a progress note is signed with the digest of its body');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_note_amendments_fixed BEFORE UPDATE ON progress_note_amendments
WHEN NEW.note_id IS NOT OLD.note_id OR NEW.seq IS NOT OLD.seq OR NEW.by_id IS NOT OLD.by_id OR NEW.at IS NOT OLD.at OR
    (OLD.body_digest <> '' AND NEW.body_digest IS NOT OLD.body_digest)
BEGIN
    SELECT RAISE(ABORT, 'an amendment is kept as it was made');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_note_amendments_digest BEFORE INSERT ON progress_note_amendments
WHEN NEW.body_digest = ''
BEGIN
    SELECT RAISE(ABORT, 'an amendment is kept with the digest of its body');
END;
-- +goose StatementEnd

DROP TRIGGER measure_responses_fixed;
-- +goose StatementBegin
CREATE TRIGGER measure_responses_fixed BEFORE UPDATE ON measure_responses
WHEN OLD.status <> 'in_progress' AND (
    (OLD.answers <> '' AND NEW.answers IS NOT OLD.answers) OR
    (OLD.result <> '' AND NEW.result IS NOT OLD.result) OR
    NEW.id IS NOT OLD.id OR NEW.instrument IS NOT OLD.instrument OR NEW.case_id IS NOT OLD.case_id OR
    NEW.client_id IS NOT OLD.client_id OR NEW.sex IS NOT OLD.sex OR NEW.texts_ref IS NOT OLD.texts_ref OR
    NEW.taken_at IS NOT OLD.taken_at OR NEW.entered_by IS NOT OLD.entered_by OR
    NEW.entered_by_name IS NOT OLD.entered_by_name OR NEW.created_at IS NOT OLD.created_at OR
    NEW.completed_at IS NOT OLD.completed_at OR NEW.corrects IS NOT OLD.corrects OR
    ((NEW.status IS NOT OLD.status OR NEW.error_reason IS NOT OLD.error_reason OR NEW.error_by IS NOT OLD.error_by OR
      NEW.error_by_name IS NOT OLD.error_by_name OR NEW.error_at IS NOT OLD.error_at OR
      NEW.corrected_by IS NOT OLD.corrected_by OR NEW.updated_at IS NOT OLD.updated_at OR NEW.version IS NOT OLD.version)
     AND NOT (OLD.status = 'completed' AND NEW.status = 'entered_in_error' AND NEW.error_reason <> '' AND
              NEW.error_by IS NOT NULL AND NEW.error_at IS NOT NULL)))
BEGIN
    SELECT RAISE(ABORT, 'measure_responses: a scored response never changes');
END;
-- +goose StatementEnd

ALTER TABLE case_concerns ADD COLUMN diagnosis TEXT NOT NULL DEFAULT ''; -- sealed
UPDATE case_concerns SET diagnosis = json_object('concern', concern, 'onset', onset, 'context', context, 'severity', severity);
ALTER TABLE case_concerns DROP COLUMN concern;
ALTER TABLE case_concerns DROP COLUMN onset;
ALTER TABLE case_concerns DROP COLUMN context;
ALTER TABLE case_concerns DROP COLUMN severity;

ALTER TABLE case_comorbidities ADD COLUMN finding TEXT NOT NULL DEFAULT ''; -- sealed
UPDATE case_comorbidities SET finding = json_object('kind', kind, 'source', source, 'measure_ref', measure_ref);
ALTER TABLE case_comorbidities DROP COLUMN kind;
ALTER TABLE case_comorbidities DROP COLUMN source;
ALTER TABLE case_comorbidities DROP COLUMN measure_ref;

ALTER TABLE case_referrals ADD COLUMN recipient TEXT NOT NULL DEFAULT ''; -- sealed
UPDATE case_referrals SET recipient = json_object('name', to_name, 'organisation', to_organisation,
    'contact', to_contact, 'registry_url', registry_url);
ALTER TABLE case_referrals DROP COLUMN to_name;
ALTER TABLE case_referrals DROP COLUMN to_organisation;
ALTER TABLE case_referrals DROP COLUMN to_contact;
ALTER TABLE case_referrals DROP COLUMN registry_url;

-- +goose Down
-- The sealed values cannot be opened here: the plain columns come back
-- empty, as an earlier migration's Down drops its tables.
ALTER TABLE case_referrals ADD COLUMN to_name TEXT NOT NULL DEFAULT '';
ALTER TABLE case_referrals ADD COLUMN to_organisation TEXT NOT NULL DEFAULT '';
ALTER TABLE case_referrals ADD COLUMN to_contact TEXT NOT NULL DEFAULT '';
ALTER TABLE case_referrals ADD COLUMN registry_url TEXT NOT NULL DEFAULT '';
ALTER TABLE case_referrals DROP COLUMN recipient;
ALTER TABLE case_comorbidities ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE case_comorbidities ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE case_comorbidities ADD COLUMN measure_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE case_comorbidities DROP COLUMN finding;
ALTER TABLE case_concerns ADD COLUMN concern TEXT NOT NULL DEFAULT '';
ALTER TABLE case_concerns ADD COLUMN onset TEXT NOT NULL DEFAULT '';
ALTER TABLE case_concerns ADD COLUMN context TEXT NOT NULL DEFAULT '';
ALTER TABLE case_concerns ADD COLUMN severity TEXT NOT NULL DEFAULT '';
ALTER TABLE case_concerns DROP COLUMN diagnosis;

DROP TRIGGER measure_responses_fixed;
-- +goose StatementBegin
CREATE TRIGGER measure_responses_fixed BEFORE UPDATE ON measure_responses
WHEN OLD.status <> 'in_progress' AND (
    (OLD.answers <> '' AND NEW.answers IS NOT OLD.answers) OR
    (OLD.result <> '' AND NEW.result IS NOT OLD.result) OR
    NEW.instrument IS NOT OLD.instrument OR NEW.case_id IS NOT OLD.case_id OR
    NEW.client_id IS NOT OLD.client_id OR NEW.sex IS NOT OLD.sex OR
    NEW.taken_at IS NOT OLD.taken_at OR NEW.status = 'in_progress' OR
    (OLD.status = 'entered_in_error' AND NEW.status <> 'entered_in_error'))
BEGIN
    SELECT RAISE(ABORT, 'measure_responses: a scored response never changes');
END;
-- +goose StatementEnd

DROP TRIGGER progress_note_amendments_digest;
DROP TRIGGER progress_note_amendments_fixed;
DROP TRIGGER progress_notes_signed_digest;
DROP TRIGGER progress_notes_digest_kept;
ALTER TABLE progress_note_amendments DROP COLUMN body_digest;
ALTER TABLE progress_notes DROP COLUMN body_digest;
