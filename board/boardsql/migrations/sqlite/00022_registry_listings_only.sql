-- +goose Up
-- The search index holds listings only: a visible profile with at least
-- one public credential (the store writes no entry for anyone else), so
-- that a search counts its matches from the index alone instead of
-- checking each one against the profiles and credentials.
DELETE FROM registry_fts WHERE rowid NOT IN (SELECT holder_id FROM credentials WHERE public = 1);
-- A delete leaves a tombstone that every query then checks its postings
-- against until the segments are merged (43% of a search's time after
-- deleting 3% of 1,000,000 rows): merge them now, once.
INSERT INTO registry_fts (registry_fts) VALUES ('optimize');

-- The vocabulary of the index: every word of the body column ever
-- written, in byte order. A search turns a word prefix of four or more
-- characters (shorter ones have prefix indexes) into the exact words it
-- starts, which FTS5 reads lazily in rowid order, instead of a prefix
-- query, which merges the postings of every word it matches before
-- returning the first row (therapy*: about 200,000 at 1,000,000
-- listings). fts5vocab cannot serve as the vocabulary at query time: it
-- reads every posting of each term it returns. A word no longer used
-- stays (it matches no one).
CREATE TABLE registry_words (
    word TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Words are written in the store's folding (boardsql.FoldText), which
-- FTS5's tokenizer may fold further (a Latin letter FoldText leaves
-- alone, such as the ễ of Nguyễn, becomes e): for such a word the store
-- keeps here its start up to that letter, and the ASCII letter it
-- decomposes to ('' when none); a search term that extends past such a
-- start with that letter (any letter for '') stays a prefix query.
CREATE TABLE registry_unfolded (
    prefix TEXT NOT NULL,
    base   TEXT NOT NULL,
    PRIMARY KEY (prefix, base)
) WITHOUT ROWID;

-- The words already indexed, as the tokenizer wrote them.
CREATE VIRTUAL TABLE registry_fts_terms USING fts5vocab(registry_fts, 'col');
INSERT INTO registry_words (word) SELECT DISTINCT term FROM registry_fts_terms WHERE col = 'body';
DROP TABLE registry_fts_terms;

-- +goose Down
DROP TABLE registry_unfolded;
DROP TABLE registry_words;
