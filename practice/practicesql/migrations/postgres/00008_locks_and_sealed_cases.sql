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
CREATE FUNCTION progress_notes_digest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL AND (
        (OLD.body_digest <> '' AND NEW.body_digest IS DISTINCT FROM OLD.body_digest) OR
        NEW.id IS DISTINCT FROM OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.version < OLD.version) THEN
        RAISE EXCEPTION 'a signed progress note is locked; amend it';
    END IF;
    IF OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL AND NEW.body_digest = '' THEN
        RAISE EXCEPTION 'a progress note is signed with the digest of its body';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER progress_notes_digest BEFORE UPDATE ON progress_notes
FOR EACH ROW EXECUTE FUNCTION progress_notes_digest();

-- +goose StatementBegin
CREATE FUNCTION progress_note_amendments_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.body_digest = '' THEN
            RAISE EXCEPTION 'an amendment is kept with the digest of its body';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.note_id IS DISTINCT FROM OLD.note_id OR NEW.seq IS DISTINCT FROM OLD.seq OR
       NEW.by_id IS DISTINCT FROM OLD.by_id OR NEW.at IS DISTINCT FROM OLD.at OR
       (OLD.body_digest <> '' AND NEW.body_digest IS DISTINCT FROM OLD.body_digest) THEN
        RAISE EXCEPTION 'an amendment is kept as it was made';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER progress_note_amendments_fixed BEFORE INSERT OR UPDATE ON progress_note_amendments
FOR EACH ROW EXECUTE FUNCTION progress_note_amendments_fixed();

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION measure_responses_fixed() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'in_progress' AND (
        (OLD.answers <> '' AND NEW.answers IS DISTINCT FROM OLD.answers) OR
        (OLD.result <> '' AND NEW.result IS DISTINCT FROM OLD.result) OR
        NEW.id IS DISTINCT FROM OLD.id OR NEW.instrument IS DISTINCT FROM OLD.instrument OR
        NEW.case_id IS DISTINCT FROM OLD.case_id OR NEW.client_id IS DISTINCT FROM OLD.client_id OR
        NEW.sex IS DISTINCT FROM OLD.sex OR NEW.texts_ref IS DISTINCT FROM OLD.texts_ref OR
        NEW.taken_at IS DISTINCT FROM OLD.taken_at OR NEW.entered_by IS DISTINCT FROM OLD.entered_by OR
        NEW.entered_by_name IS DISTINCT FROM OLD.entered_by_name OR NEW.created_at IS DISTINCT FROM OLD.created_at OR
        NEW.completed_at IS DISTINCT FROM OLD.completed_at OR NEW.corrects IS DISTINCT FROM OLD.corrects OR
        ((NEW.status IS DISTINCT FROM OLD.status OR NEW.error_reason IS DISTINCT FROM OLD.error_reason OR
          NEW.error_by IS DISTINCT FROM OLD.error_by OR NEW.error_by_name IS DISTINCT FROM OLD.error_by_name OR
          NEW.error_at IS DISTINCT FROM OLD.error_at OR NEW.corrected_by IS DISTINCT FROM OLD.corrected_by OR
          NEW.updated_at IS DISTINCT FROM OLD.updated_at OR NEW.version IS DISTINCT FROM OLD.version)
         AND NOT (OLD.status = 'completed' AND NEW.status = 'entered_in_error' AND NEW.error_reason <> '' AND
                  NEW.error_by IS NOT NULL AND NEW.error_at IS NOT NULL))) THEN
        RAISE EXCEPTION 'measure_responses: a scored response never changes';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

ALTER TABLE case_concerns ADD COLUMN diagnosis TEXT NOT NULL DEFAULT ''; -- sealed
UPDATE case_concerns SET diagnosis = json_build_object('concern', concern, 'onset', onset, 'context', context, 'severity', severity)::text;
ALTER TABLE case_concerns DROP COLUMN concern, DROP COLUMN onset, DROP COLUMN context, DROP COLUMN severity;

ALTER TABLE case_comorbidities ADD COLUMN finding TEXT NOT NULL DEFAULT ''; -- sealed
UPDATE case_comorbidities SET finding = json_build_object('kind', kind, 'source', source, 'measure_ref', measure_ref)::text;
ALTER TABLE case_comorbidities DROP COLUMN kind, DROP COLUMN source, DROP COLUMN measure_ref;

ALTER TABLE case_referrals ADD COLUMN recipient TEXT NOT NULL DEFAULT ''; -- sealed
UPDATE case_referrals SET recipient = json_build_object('name', to_name, 'organisation', to_organisation,
    'contact', to_contact, 'registry_url', registry_url)::text;
ALTER TABLE case_referrals DROP COLUMN to_name, DROP COLUMN to_organisation, DROP COLUMN to_contact, DROP COLUMN registry_url;

-- +goose Down
-- The sealed values cannot be opened here: the plain columns come back
-- empty, as an earlier migration's Down drops its tables.
ALTER TABLE case_referrals ADD COLUMN to_name TEXT NOT NULL DEFAULT '', ADD COLUMN to_organisation TEXT NOT NULL DEFAULT '',
    ADD COLUMN to_contact TEXT NOT NULL DEFAULT '', ADD COLUMN registry_url TEXT NOT NULL DEFAULT '', DROP COLUMN recipient;
ALTER TABLE case_comorbidities ADD COLUMN kind TEXT NOT NULL DEFAULT '', ADD COLUMN source TEXT NOT NULL DEFAULT '',
    ADD COLUMN measure_ref TEXT NOT NULL DEFAULT '', DROP COLUMN finding;
ALTER TABLE case_concerns ADD COLUMN concern TEXT NOT NULL DEFAULT '', ADD COLUMN onset TEXT NOT NULL DEFAULT '',
    ADD COLUMN context TEXT NOT NULL DEFAULT '', ADD COLUMN severity TEXT NOT NULL DEFAULT '', DROP COLUMN diagnosis;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION measure_responses_fixed() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'in_progress' AND (
        (OLD.answers <> '' AND NEW.answers IS DISTINCT FROM OLD.answers) OR
        (OLD.result <> '' AND NEW.result IS DISTINCT FROM OLD.result) OR
        NEW.instrument IS DISTINCT FROM OLD.instrument OR NEW.case_id IS DISTINCT FROM OLD.case_id OR
        NEW.client_id IS DISTINCT FROM OLD.client_id OR NEW.sex IS DISTINCT FROM OLD.sex OR
        NEW.taken_at IS DISTINCT FROM OLD.taken_at OR NEW.status = 'in_progress' OR
        (OLD.status = 'entered_in_error' AND NEW.status <> 'entered_in_error')) THEN
        RAISE EXCEPTION 'measure_responses: a scored response never changes';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

DROP TRIGGER progress_note_amendments_fixed ON progress_note_amendments;
DROP FUNCTION progress_note_amendments_fixed();
DROP TRIGGER progress_notes_digest ON progress_notes;
DROP FUNCTION progress_notes_digest();
ALTER TABLE progress_note_amendments DROP COLUMN body_digest;
ALTER TABLE progress_notes DROP COLUMN body_digest;
