-- +goose Up
-- The holder's public profile for the registry. Lists are comma-separated
-- codes (specialties from a fixed vocabulary, ISO 639 languages). Listing
-- needs a visible profile and at least one public credential; credentials
-- and their status are joined at query time, never copied here.
-- search is the index entry, written with the profile in its transaction:
-- the words people search (name, practice, place, specialties, languages,
-- credential names), folded to lower case without accents, with weight D,
-- and one token per filter value (country, region, city, specialty,
-- language, telehealth) with weight A. One tsvector and one GIN index, so
-- that words and filters intersect inside the index.
CREATE TABLE registry_profiles (
    holder_id         BIGINT PRIMARY KEY REFERENCES users(id),
    display_name      TEXT NOT NULL,
    city              TEXT NOT NULL DEFAULT '',
    region            TEXT NOT NULL DEFAULT '',
    country           TEXT NOT NULL DEFAULT '',
    specialties       TEXT NOT NULL DEFAULT '',
    telehealth        BOOLEAN NOT NULL DEFAULT false,
    languages         TEXT NOT NULL DEFAULT '',
    practice          TEXT NOT NULL DEFAULT '',
    statement         TEXT NOT NULL DEFAULT '',
    website           TEXT NOT NULL DEFAULT '',
    email             TEXT NOT NULL DEFAULT '',
    visible           BOOLEAN NOT NULL DEFAULT false,
    version           INTEGER NOT NULL DEFAULT 1,
    updated_at        TIMESTAMPTZ NOT NULL,
    search            TSVECTOR NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX registry_profiles_visible ON registry_profiles(holder_id) WHERE visible;
CREATE INDEX registry_profiles_search ON registry_profiles USING GIN (search) WHERE visible;

-- The vocabulary of the index: every word (weight D) ever written into a
-- search vector, in byte order. A search looks up the words a short prefix
-- stands for and asks the GIN index for those exact words, which it
-- intersects with the filters cheaply, instead of a prefix match, which
-- collects every posting of every matching word first. A word no longer
-- used stays (it matches no one).
CREATE TABLE registry_words (
    word TEXT COLLATE "C" PRIMARY KEY
);

-- Public credentials by holder, for the listing's join.
CREATE INDEX credentials_public_holder ON credentials(holder_id, set_id) WHERE public;

-- +goose Down
DROP INDEX credentials_public_holder;
DROP TABLE registry_words;
DROP TABLE registry_profiles;
