-- +goose Up
-- The holder's public profile for the registry. Lists are comma-separated
-- codes (specialties from a fixed vocabulary, ISO 639 languages). Listing
-- needs a visible profile and at least one public credential; credentials
-- and their status are joined at query time, never copied here.
CREATE TABLE registry_profiles (
    holder_id         INTEGER PRIMARY KEY REFERENCES users(id),
    display_name      TEXT NOT NULL,
    city              TEXT NOT NULL DEFAULT '',
    region            TEXT NOT NULL DEFAULT '',
    country           TEXT NOT NULL DEFAULT '',
    specialties       TEXT NOT NULL DEFAULT '',
    telehealth        INTEGER NOT NULL DEFAULT 0,
    languages         TEXT NOT NULL DEFAULT '',
    practice          TEXT NOT NULL DEFAULT '',
    statement         TEXT NOT NULL DEFAULT '',
    website           TEXT NOT NULL DEFAULT '',
    email             TEXT NOT NULL DEFAULT '',
    visible           INTEGER NOT NULL DEFAULT 0,
    version           INTEGER NOT NULL DEFAULT 1,
    updated_at        TEXT NOT NULL
);
CREATE INDEX registry_profiles_visible ON registry_profiles(holder_id) WHERE visible = 1;

-- The search index: one row per visible profile, rowid = holder_id. body
-- holds the words people search (name, practice, place, specialties,
-- languages, credential names), folded to lower case without accents;
-- facets holds one token per filter value (country, region, city,
-- specialty, language, telehealth). Contentless: the profile row is the
-- content.
CREATE VIRTUAL TABLE registry_fts USING fts5(body, facets, content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');

-- Public credentials by holder, for the listing's join.
CREATE INDEX credentials_public_holder ON credentials(holder_id, set_id) WHERE public = 1;

-- +goose Down
DROP INDEX credentials_public_holder;
DROP TABLE registry_fts;
DROP TABLE registry_profiles;
