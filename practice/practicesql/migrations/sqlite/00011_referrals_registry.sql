-- +goose Up
-- Referrals through a board's registry, and records under 42 CFR Part 2.
--
-- 1. A referral starts as a draft (whom to is chosen from a trusted
--    board's registry, which may not answer at once), is sent, then
--    accepted or declined, completed, or withdrawn. What was "made" is
--    "sent". Each move is kept with who and when (case_referral_moves);
--    a referral there before gets one move: sent, by who made it, when.
--    Which board's registry the therapist was chosen from is the board's
--    did:web (not sealed: it names no one); the registry entry, the
--    credential and the search are sealed with the recipient and details.
-- 2. A practitioner marks a client's record as covered by 42 CFR Part 2
--    (records of a Part 2 program): every disclosure then carries the
--    redisclosure notice. Who marked it and when are kept.

UPDATE case_referrals SET status = 'sent' WHERE status = 'made';
ALTER TABLE case_referrals ADD COLUMN board TEXT NOT NULL DEFAULT '';
ALTER TABLE case_referrals ADD COLUMN updated_by INTEGER REFERENCES users(id);

CREATE TABLE case_referral_moves (
    referral_id  INTEGER NOT NULL REFERENCES case_referrals(id),
    seq          INTEGER NOT NULL,
    status       TEXT NOT NULL,
    by_id        INTEGER NOT NULL REFERENCES users(id),
    by_name      TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (referral_id, seq)
);
INSERT INTO case_referral_moves (referral_id, seq, status, by_id, by_name, at)
SELECT id, 1, 'sent', made_by, made_by_name, made_at FROM case_referrals;

ALTER TABLE clients ADD COLUMN part2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN part2_by INTEGER REFERENCES users(id);
ALTER TABLE clients ADD COLUMN part2_at TEXT;

-- +goose Down
ALTER TABLE clients DROP COLUMN part2_at;
ALTER TABLE clients DROP COLUMN part2_by;
ALTER TABLE clients DROP COLUMN part2;
DROP TABLE case_referral_moves;
ALTER TABLE case_referrals DROP COLUMN updated_by;
ALTER TABLE case_referrals DROP COLUMN board;
DELETE FROM case_referrals WHERE status = 'draft';
UPDATE case_referrals SET status = 'made' WHERE status = 'sent';
