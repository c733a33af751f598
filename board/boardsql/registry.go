package boardsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/sqldb"
)

// The statuses StatusAt gives (see board.StatusValid).
const (
	StatusValid      = board.StatusValid
	StatusExpired    = board.StatusExpired
	StatusSuspended  = board.StatusSuspended
	StatusRevoked    = board.StatusRevoked
	StatusSuperseded = board.StatusSuperseded
)

// MaxRegistryTerms bounds how many words of a query count.
const MaxRegistryTerms = 8

// FoldText lowers s and strips the accents of Latin letters, the form in
// which the index keeps words, so that "Montréal" finds "montreal" on
// both engines.
func FoldText(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if f, ok := foldMap[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var foldMap = func() map[rune]string {
	m := map[rune]string{}
	for base, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥħ",
		"i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏő",
		"r": "ŕŗř", "s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
		"ss": "ß", "ae": "æ", "oe": "œ", "th": "þ",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// SearchTerms cuts free text into search terms: folded words of letters
// and digits, each at most 40 characters, without repeats, at most
// MaxRegistryTerms. Everything else (quotes, operators, punctuation) only
// separates words, so no input can change the query's structure.
func SearchTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(FoldText(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if r := []rune(w); len(r) > 40 {
			w = string(r[:40])
		}
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == MaxRegistryTerms {
			break
		}
	}
	return out
}

// maxFacetRunes bounds the value of a filter token, on both sides alike:
// PostgreSQL refuses a tsquery word longer than 2,047 bytes.
const maxFacetRunes = 200

// facetToken is the index token of one filter value: a kind and the value
// folded to letters and digits only, at most maxFacetRunes of them.
func facetToken(kind, value string) string {
	var b strings.Builder
	b.WriteString(kind)
	n := 0
	for _, r := range FoldText(value) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if n++; n > maxFacetRunes {
				break
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// profileFacets are the filter tokens of a profile; sets are the set ids
// of the holder's public credentials.
func profileFacets(p *Profile, sets []string) []string {
	var out []string
	add := func(kind, v string) {
		if strings.TrimSpace(v) != "" {
			out = append(out, facetToken(kind, v))
		}
	}
	add("co", p.Country)
	add("rg", p.Region)
	add("ci", p.City)
	// With the country (its code is two letters, so the token is
	// unambiguous): a search that names both matches one token, not the
	// intersection of a region with a whole country.
	if strings.TrimSpace(p.Country) != "" {
		if strings.TrimSpace(p.Region) != "" {
			add("rc", p.Country+" "+p.Region)
		}
		if strings.TrimSpace(p.City) != "" {
			add("cc", p.Country+" "+p.City)
		}
	}
	for _, s := range p.Specialties {
		add("sp", s)
	}
	for _, l := range p.Languages {
		add("ln", l)
	}
	for _, id := range sets {
		add("cr", id)
	}
	if p.Telehealth {
		out = append(out, "th1")
	} else {
		out = append(out, "th0")
	}
	// Only the yes: entries indexed before the choice existed hold no
	// token, and all of them said no (RegistryQuery.Accepting "no" is
	// the column, in registrySQL).
	if p.AcceptingReferrals {
		out = append(out, "rf1")
	}
	return out
}

// queryFacets are the filter tokens a query asks for.
func queryFacets(q *RegistryQuery) []string {
	var out []string
	add := func(kind, v string) {
		if t := facetToken(kind, v); t != kind {
			out = append(out, t)
		}
	}
	switch {
	case strings.TrimSpace(q.Country) != "" && (strings.TrimSpace(q.Region) != "" || strings.TrimSpace(q.City) != ""):
		if strings.TrimSpace(q.Region) != "" {
			add("rc", q.Country+" "+q.Region)
		}
		if strings.TrimSpace(q.City) != "" {
			add("cc", q.Country+" "+q.City)
		}
	default:
		add("co", q.Country)
		add("rg", q.Region)
		add("ci", q.City)
	}
	add("sp", q.Specialty)
	add("ln", q.Language)
	// A pre-filter: the live EXISTS on credentials decides (registrySQL).
	add("cr", q.Credential)
	switch q.Telehealth {
	case "yes":
		out = append(out, "th1")
	case "no":
		out = append(out, "th0")
	}
	if q.Accepting == "yes" {
		out = append(out, "rf1")
	}
	return out
}

// profileBody is the searchable text of a profile: its words folded and
// separated by spaces. extra holds more words (the names of the holder's
// public credentials, the names of specialties and languages).
func profileBody(p *Profile, extra string) string {
	words := SearchTerms(strings.Join([]string{p.DisplayName, p.Practice, p.City, p.Region, p.Country}, " "))
	all := strings.Join([]string{strings.Join(words, " "), extra}, " ")
	return strings.Join(strings.FieldsFunc(FoldText(all), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
}

func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

const profileColumns = "holder_id, display_name, city, region, country, specialties, telehealth, accepting_referrals, languages, practice, statement, website, email, visible, version, updated_at"

func scanProfile(r sqldb.Scanner) (*Profile, error) {
	var p Profile
	var spec, langs string
	var updated any
	if err := r.Scan(&p.HolderID, &p.DisplayName, &p.City, &p.Region, &p.Country, &spec, &p.Telehealth, &p.AcceptingReferrals, &langs, &p.Practice,
		&p.Statement, &p.Website, &p.Email, &p.Visible, &p.Version, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	p.Specialties, p.Languages = splitCodes(spec), splitCodes(langs)
	var err error
	if p.UpdatedAt, err = sqldb.ScanTime(updated); err != nil {
		return nil, err
	}
	return &p, nil
}

// Profile reads a holder's profile; ErrNotFound when they have none.
func (s *Store) Profile(ctx context.Context, holderID int64) (*Profile, error) {
	return scanProfile(s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT "+profileColumns+" FROM registry_profiles WHERE holder_id = ?"), holderID))
}

// SaveProfile stores a profile in the caller's transaction if it is still
// at p.Version (0: the holder has none yet), and writes its search-index
// entry in the same transaction; extra is more searchable text (the names
// of the holder's public credentials, of specialties and languages). It
// returns the new version, or ErrConflict when another save came first.
func (tx *Tx) SaveProfile(ctx context.Context, p Profile, extra string) (int, error) {
	s := tx.s
	args := []any{p.DisplayName, p.City, p.Region, p.Country, strings.Join(p.Specialties, ","), p.Telehealth, p.AcceptingReferrals,
		strings.Join(p.Languages, ","), p.Practice, p.Statement, p.Website, p.Email, p.Visible, s.timeArg(p.UpdatedAt), p.HolderID}
	var res sql.Result
	var err error
	if p.Version == 0 {
		res, err = tx.ExecContext(ctx, s.Dialect.Rebind(`INSERT INTO registry_profiles (display_name, city, region, country, specialties, telehealth,
			accepting_referrals, languages, practice, statement, website, email, visible, updated_at, holder_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (holder_id) DO NOTHING`), args...)
	} else {
		res, err = tx.ExecContext(ctx, s.Dialect.Rebind(`UPDATE registry_profiles SET display_name = ?, city = ?, region = ?, country = ?,
			specialties = ?, telehealth = ?, accepting_referrals = ?, languages = ?, practice = ?, statement = ?, website = ?, email = ?, visible = ?, updated_at = ?,
			version = version + 1 WHERE holder_id = ? AND version = ?`), append(args, p.Version)...)
	}
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, fmt.Errorf("the profile was saved by someone else since version %d; reload it and save again: %w", p.Version, ErrConflict)
	}
	if err := tx.indexProfile(ctx, &p, extra); err != nil {
		return 0, err
	}
	return p.Version + 1, nil
}

// ReindexProfile rewrites a holder's search-index entry in the caller's
// transaction, with extra(profile) as the searchable text beyond the
// profile's own. Call it in every transaction that changes which
// credentials of the holder are public (a credential issued, or its
// visibility changed): the entry keeps their set ids as filter tokens. A
// holder without a profile has nothing to index.
func (tx *Tx) ReindexProfile(ctx context.Context, holderID int64, extra func(*Profile) string) error {
	s := tx.s
	p, err := scanProfile(tx.QueryRowContext(ctx, s.Dialect.Rebind("SELECT "+profileColumns+" FROM registry_profiles WHERE holder_id = ?"), holderID))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return tx.indexProfile(ctx, p, extra(p))
}

// RegistryIndexText is what the search index keeps of a profile: the
// searchable words and the filter tokens, each separated by spaces (for
// bulk loaders that fill the index directly). sets are the set ids of the
// holder's public credentials (PublicCredentialSets), kept as filter tokens
// so that the credential filter is an index lookup; the filter is still
// checked against the credentials themselves at query time.
func RegistryIndexText(p *Profile, extra string, sets []string) (body, facets string) {
	return profileBody(p, extra), strings.Join(profileFacets(p, sets), " ")
}

// PostgresSearchVector is how PostgreSQL's index entry is computed from
// the words ($1) and the filter tokens ($2) of RegistryIndexText.
const PostgresSearchVector = "setweight(to_tsvector('simple', $1), 'D') || setweight(to_tsvector('simple', $2), 'A')"

// PostgresRegistryWords is the start of the statement that adds the words
// (weight D) of index entries to registry_words, the vocabulary through
// which a search turns a word prefix into the few words it stands for; the
// caller adds the WHERE (and ON CONFLICT DO NOTHING).
const PostgresRegistryWords = "INSERT INTO registry_words (word) SELECT unnest(tsvector_to_array(ts_filter(search, '{d}'))) FROM registry_profiles"

// SQLiteRegistryWords fills SQLite's vocabulary, registry_words, from the
// FTS5 index itself, as the tokenizer wrote its words (for bulk loaders
// that write registry_fts directly; run in order).
var SQLiteRegistryWords = []string{
	"CREATE VIRTUAL TABLE temp.registry_fts_terms USING fts5vocab(main, registry_fts, 'col')",
	"INSERT OR IGNORE INTO registry_words (word) SELECT term FROM temp.registry_fts_terms WHERE col = 'body'",
	"DROP TABLE temp.registry_fts_terms",
}

// maxPrefixWords bounds how many words of the vocabulary a prefix may
// stand for; a prefix of more stays a prefix match.
const maxPrefixWords = 32

// prefixWords finds the words of the index each search term is the start
// of (at most maxPrefixWords; a term without an entry stays a prefix
// match), from the vocabulary of the index, registry_words. The vocabulary
// only ever grows (a word no longer used matches no one), so the expansion
// finds exactly what the prefix would.
//
// On PostgreSQL, for every term of two or more characters: a prefix match
// (term:*) makes GIN collect every posting of every matching word into a
// bitmap before intersecting anything (30 ms for "couples", a word of
// 100,000 listings), whereas exact words are intersected with the filters
// by skipping through their posting lists (5 ms).
//
// On SQLite, for terms of four or more ASCII letters and digits: FTS5
// answers a prefix of two or three characters from its prefix indexes,
// lazily, but a longer one by merging the postings of every word it
// matches before returning anything (therapy*: 6 ms for 200,000
// postings), whereas an exact word is read lazily and a page or a capped
// count stops early (0.1 ms). A term that extends past a prefix kept in
// registry_unfolded, or holds other characters, stays a prefix match:
// the vocabulary holds words as FoldText wrote them, which the tokenizer
// may fold further (unfoldedPrefix).
func (s *Store) prefixWords(ctx context.Context, db registryReader, terms []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, t := range terms {
		r := []rune(t)
		if len(r) < 2 {
			continue
		}
		if s.Dialect == SQLite && (len(r) < 4 || !isASCIIWord(t)) {
			continue
		}
		// The first string after every string that starts with t, in
		// code-point (UTF-8 byte, collation C or SQLite's BINARY) order.
		next := r[len(r)-1] + 1
		if next >= 0xD800 && next < 0xE000 {
			next = 0xE000
		}
		if next > unicode.MaxRune {
			continue
		}
		upper := string(r[:len(r)-1]) + string(next)
		q, args := "SELECT word FROM registry_words WHERE word >= $1 AND word < $2", []any{t, upper}
		if s.Dialect == SQLite {
			// Bound values compared with an indexed column, which
			// ANALYZE's statistics could weigh, make SQLite prepare the
			// kept statement again on every run (a third of its time);
			// as scalar subqueries they bound the same range unweighed.
			q = "SELECT word FROM registry_words WHERE word >= (SELECT $1) AND word < (SELECT $2)"
			// No words at all when the term extends past an unfolded start.
			q += " AND NOT EXISTS (" + unfoldedBefore + ")"
			args = append(args, unfoldedBeforeArgs(t)...)
		}
		rows, err := s.searchQuery(ctx, db, true, q+" ORDER BY word LIMIT "+strconv.Itoa(maxPrefixWords+1), args...)
		if err != nil {
			return nil, fmt.Errorf("searching the registry: %w", err)
		}
		var words []string
		plain := true
		for rows.Next() {
			var w string
			if err := rows.Scan(&w); err != nil {
				rows.Close()
				return nil, err
			}
			if !strings.HasPrefix(w, t) || !isWord(w) {
				plain = false
			}
			words = append(words, w)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if plain && len(words) > 0 && len(words) <= maxPrefixWords {
			out[t] = words
		}
	}
	return out, nil
}

// unfoldedBefore finds, in SQLite's registry_unfolded, the start of a
// word that the term $1 extends past: a proper prefix of the term ($3:
// all of them, as a JSON array), followed in the term by the letter that
// word's unfolded letter decomposes to, or by any when it decomposes to
// none. Then the index may hold a word that starts with the term although
// no word of the vocabulary does.
const unfoldedBefore = "SELECT 1 FROM registry_unfolded WHERE prefix IN (SELECT value FROM json_each($3)) AND (base = '' OR base = substr($1, length(prefix) + 1, 1))"

// unfoldedBeforeArgs is the $3 of unfoldedBefore for the ASCII term t.
func unfoldedBeforeArgs(t string) []any {
	var b strings.Builder
	b.WriteString(`[""`)
	for i := 1; i < len(t); i++ {
		b.WriteString(`,"` + t[:i] + `"`)
	}
	b.WriteString("]")
	return []any{b.String()}
}

// isASCIIWord reports whether w is ASCII letters and digits only.
func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return w != ""
}

// isWord reports whether w is letters and digits only.
func isWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return w != "" && utf8.ValidString(w)
}

// indexProfile writes the index entry of a profile: only a listing (a
// visible profile with at least one public credential) has one, so that a
// search counts its matches from the index alone. The set ids of the
// holder's public credentials are read here, in the caller's transaction,
// so that every writer of the entry keeps them current.
func (tx *Tx) indexProfile(ctx context.Context, p *Profile, extra string) error {
	s := tx.s
	sets, err := tx.PublicCredentialSets(ctx, p.HolderID)
	if err != nil {
		return err
	}
	var body, facets string
	listed := p.Visible && len(sets) > 0
	if listed {
		body, facets = RegistryIndexText(p, extra, sets)
	}
	// The engines index differently: PostgreSQL a tsvector column of the
	// profile (empty for anyone not listed) and a table of its words,
	// SQLite a row of the FTS5 table and a table of its words.
	if s.Dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `UPDATE registry_profiles SET search = `+PostgresSearchVector+` WHERE holder_id = $3`, body, facets, p.HolderID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, PostgresRegistryWords+" WHERE holder_id = $1 ORDER BY 1 ON CONFLICT DO NOTHING", p.HolderID)
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM registry_fts WHERE rowid = ?", p.HolderID); err != nil {
		return err
	}
	if !listed {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO registry_fts (rowid, body, facets) VALUES (?, ?, ?)", p.HolderID, body, facets); err != nil {
		return err
	}
	return tx.addSQLiteWords(ctx, body)
}

// addSQLiteWords adds the words of an index entry's body to SQLite's
// vocabulary (registry_words), and to registry_unfolded the start of each
// word up to a Latin letter the FTS5 tokenizer may fold differently from
// FoldText (see unfoldedPrefix).
func (tx *Tx) addSQLiteWords(ctx context.Context, body string) error {
	var words, unfolded []any
	seen := map[string]bool{}
	for _, w := range strings.Fields(body) {
		if seen[w] {
			continue
		}
		seen[w] = true
		words = append(words, w)
		if pre, base, ok := unfoldedPrefix(w); ok && !seen["\x00"+pre+"\x00"+base] {
			seen["\x00"+pre+"\x00"+base] = true
			unfolded = append(unfolded, pre, base)
		}
	}
	if len(words) > 0 {
		q := "INSERT INTO registry_words (word) VALUES (?)" + strings.Repeat(", (?)", len(words)-1) + " ON CONFLICT DO NOTHING"
		if _, err := tx.ExecContext(ctx, q, words...); err != nil {
			return err
		}
	}
	if len(unfolded) > 0 {
		q := "INSERT INTO registry_unfolded (prefix, base) VALUES (?, ?)" + strings.Repeat(", (?, ?)", len(unfolded)/2-1) + " ON CONFLICT DO NOTHING"
		if _, err := tx.ExecContext(ctx, q, unfolded...); err != nil {
			return err
		}
	}
	return nil
}

// unfoldedPrefix is, for a word that holds a non-ASCII Latin letter (one
// FoldText does not fold, such as the ễ of nguyễn), the word up to the
// first non-ASCII letter, and the ASCII letter that letter decomposes to
// (NFD), or "" when it decomposes to none. FTS5's tokenizer (unicode61,
// remove_diacritics 2) may fold that letter to an ASCII one, so the index
// may hold a word (nguyen) that starts with a longer ASCII term (nguye)
// although the word kept in the vocabulary (nguyễn) does not: such a term
// is not expanded (prefixWords). The tokenizer sees the words of FoldText
// only (the body is those words separated by spaces), so it splits them
// as FoldText does; letters of other scripts keep a non-ASCII form under
// it.
func unfoldedPrefix(w string) (prefix, base string, ok bool) {
	for i, r := range w {
		if r < utf8.RuneSelf {
			continue
		}
		if !unicode.Is(unicode.Latin, r) {
			return "", "", false
		}
		if d := norm.NFD.String(string(r)); d[0] < utf8.RuneSelf && unicode.IsLetter(rune(d[0])) {
			base = strings.ToLower(d[:1])
		}
		return w[:i], base, true
	}
	return "", "", false
}

// PublicCredentialSets lists the set ids of a holder's public credentials,
// in the caller's transaction, for the searchable text.
func (tx *Tx) PublicCredentialSets(ctx context.Context, holderID int64) ([]string, error) {
	s := tx.s
	rows, err := tx.QueryContext(ctx, s.Dialect.Rebind("SELECT DISTINCT set_id FROM credentials WHERE holder_id = ? AND public = ? ORDER BY set_id"), holderID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// registrySQL builds the FROM and WHERE of a search, and its arguments.
// words holds the words of the index a term is the start of
// (prefixWords); a term not in it is matched as a prefix.
//
// For the page (count false), credentials are joined live: a listing
// needs a public credential now, and the credential filter one of that
// set. For the count (count true) of a search that goes through the index
// (any term or filter), the index alone decides: it holds only listings
// (indexProfile), and the set ids of their public credentials, both
// written in the transaction that changes them, so counting a match costs
// no look-up in the profiles or the credentials.
func (s *Store) registrySQL(q *RegistryQuery, words map[string][]string, count bool) (body, key string, args []any, err error) {
	terms, facets := SearchTerms(q.Q), queryFacets(q)
	indexed := len(terms) > 0 || len(facets) > 0
	var where []string
	var from string
	pub := s.Dialect.IsTrue("c.public")
	// The engines search with different machinery, FTS5 against a
	// tsvector with a GIN index, so each builds its own query.
	switch {
	case s.Dialect == SQLite && indexed:
		// FTS5 walks its match in rowid (holder id) order, so a page of a
		// broad match stops early instead of sorting every match.
		var parts []string
		for _, t := range terms {
			// Terms and words are letters and digits only: quoting is
			// enough.
			switch ws := words[t]; {
			case len(ws) == 1:
				parts = append(parts, `body : "`+ws[0]+`"`)
			case len(ws) > 1:
				parts = append(parts, `body : ("`+strings.Join(ws, `" OR "`)+`")`)
			case len([]rune(t)) >= 2:
				parts = append(parts, `body : "`+t+`"*`)
			default:
				parts = append(parts, `body : "`+t+`"`)
			}
		}
		for _, f := range facets {
			parts = append(parts, `facets : "`+f+`"`)
		}
		key = "f.rowid"
		if count && q.Accepting != "no" {
			// The index holds visible profiles only.
			from = "registry_fts f"
		} else {
			from = "registry_fts f JOIN registry_profiles p ON p.holder_id = f.rowid"
			where = append(where, "p.visible = 1")
		}
		where = append(where, "registry_fts MATCH ?")
		args = append(args, strings.Join(parts, " AND "))
	case s.Dialect == SQLite:
		from, key = "registry_profiles p", "p.holder_id"
		where = append(where, "p.visible = 1")
	default:
		from, key = "registry_profiles p", "p.holder_id"
		where = append(where, "p.visible")
		// Words must match a word (weight D), filters a filter token
		// (weight A); one tsquery, so the GIN index intersects them all.
		var tq []string
		for _, t := range terms {
			if ws := words[t]; len(ws) == 1 {
				tq = append(tq, ws[0]+":D")
			} else if len(ws) > 1 {
				tq = append(tq, "("+strings.Join(ws, ":D | ")+":D)")
			} else if len([]rune(t)) >= 2 {
				tq = append(tq, t+":*D")
			} else {
				tq = append(tq, t+":D")
			}
		}
		for _, f := range facets {
			tq = append(tq, f+":A")
		}
		if len(tq) > 0 {
			lit, err := tsqueryLiteral(strings.Join(tq, " & "))
			if err != nil {
				return "", "", nil, err
			}
			where = append(where, "p.search @@ to_tsquery('simple', "+lit+")")
		}
	}
	if !count || !indexed {
		exists := "EXISTS (SELECT 1 FROM credentials c WHERE c.holder_id = p.holder_id AND " + pub
		if q.Credential != "" {
			exists += " AND c.set_id = ?"
			args = append(args, q.Credential)
		}
		if q.After > 0 {
			// Said of the credentials too, so that a merge join starts there.
			exists += " AND c.holder_id > ?"
			args = append(args, q.After)
		}
		where = append(where, exists+")")
	}
	if len(q.Holders) > 0 {
		holder := "p.holder_id"
		if !strings.Contains(from, "registry_profiles") {
			holder = "f.rowid"
		}
		where = append(where, holder+" IN (?"+strings.Repeat(", ?", len(q.Holders)-1)+")")
		for _, h := range q.Holders {
			args = append(args, h)
		}
	}
	if q.Accepting == "no" {
		where = append(where, "NOT ("+s.Dialect.IsTrue("p.accepting_referrals")+")")
	}
	if q.After > 0 {
		where, args = append(where, key+" > ?"), append(args, q.After)
	}
	return "FROM " + from + " WHERE " + strings.Join(where, " AND "), key, args, nil
}

// errUnsafeLiteral is a tsquery that holds something other than what
// SearchTerms and facetToken make; it is never written into a statement.
var errUnsafeLiteral = errors.New("store: a registry search query holds characters that are not letters, digits or tsquery operators")

// tsqueryLiteral quotes a tsquery for SQL. The text queries are written
// into the statement rather than bound: PostgreSQL then plans each search
// for its words (a rare name through the GIN index, a common word along
// the holder order), where a generic plan for a bound tsquery, chosen after
// a few runs of a prepared statement, walked a million rows for a rare
// name. SearchTerms and facetToken make only letters and digits, joined by
// spaces, & and the suffixes :*, :A and :D, and the words a prefix stands
// for (letters and digits) as ( w1:D | w2:D ); anything else (a quote, a
// backslash, a NUL, a control or combining character, invalid UTF-8) is
// refused here rather than trusted to quoting, which would also depend on
// the server's standard_conforming_strings.
func tsqueryLiteral(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errUnsafeLiteral
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" &:*|()", r) {
			return "", errUnsafeLiteral
		}
	}
	return "'" + s + "'", nil
}

// searchQuery runs a query of a search. Through the pool on SQLite, the
// statement is prepared once and kept (sqldb.DB) when cache is set: a
// statement of a bounded set of texts. Preparing the statements of a
// search was a quarter of its time (a CPU profile of 4,000 searches at
// 1,000,000 listings). Texts without bound (an OFFSET, a list of holders)
// run unprepared.
func (s *Store) searchQuery(ctx context.Context, db registryReader, cache bool, q string, args ...any) (*sql.Rows, error) {
	if !cache {
		ctx = sqldb.Unprepared(ctx)
	}
	return db.QueryContext(ctx, q, args...)
}

// searchQueryRow is searchQuery for one row.
func (s *Store) searchQueryRow(ctx context.Context, db registryReader, cache bool, q string, args ...any) *sql.Row {
	if !cache {
		ctx = sqldb.Unprepared(ctx)
	}
	return db.QueryRowContext(ctx, q, args...)
}

// registryReader is what a search reads through: the pool, or (on
// PostgreSQL) a read-only transaction.
type registryReader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// SearchRegistry finds listings: visible profiles with at least one public
// credential, matching every term and filter, in the order holders joined
// (by holder id), one page at a time, with a count capped at CountCap.
// The page, its credentials and the count are one statement (one
// snapshot); on PostgreSQL it runs with the look-up of the vocabulary in a
// read-only transaction without parallel workers: a search stops after a
// page or the cap, and workers cost more to start and overshoot the limit
// than they save.
func (s *Store) SearchRegistry(ctx context.Context, q RegistryQuery) (*RegistryPage, error) {
	// Only PostgreSQL plans parallel workers (and needs one snapshot taken
	// explicitly: SQLite reads from one connection's snapshot anyway).
	if s.Dialect != Postgres {
		return s.searchRegistry(ctx, s.DB, q)
	}
	tx, err := s.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL max_parallel_workers_per_gather = 0"); err != nil {
		return nil, err
	}
	page, err := s.searchRegistry(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	return page, tx.Commit()
}

func (s *Store) searchRegistry(ctx context.Context, db registryReader, q RegistryQuery) (*RegistryPage, error) {
	if q.Limit <= 0 {
		q.Limit = 20
	}
	q.Limit = min(q.Limit, 100)
	// The only value compared as it is: PostgreSQL refuses NUL bytes.
	q.Credential = strings.ToValidUTF8(strings.ReplaceAll(q.Credential, "\x00", ""), "")
	if q.CountCap <= 0 {
		q.CountCap = 1000
	}
	words, err := s.prefixWords(ctx, db, SearchTerms(q.Q))
	if err != nil {
		return nil, err
	}
	body, key, args, err := s.registrySQL(&q, words, false)
	if err != nil {
		return nil, err
	}
	out := &RegistryPage{}
	page := "SELECT p.holder_id, p.display_name, p.city, p.region, p.country, p.specialties, p.telehealth, p.accepting_referrals, p.languages, p.practice, " +
		"p.statement, p.website, p.email, p.visible, p.version, p.updated_at " + body + " ORDER BY " + key + " LIMIT " + strconv.Itoa(q.Limit+1)
	if q.After == 0 && q.Offset > 0 {
		page += " OFFSET " + strconv.Itoa(q.Offset)
	}
	// The count: how many match, up to the cap (an exact count of a
	// million-row match would read every row). With a cursor it is still
	// the count of the whole result.
	cq := q
	cq.After = 0
	countBody, _, countArgs, err := s.registrySQL(&cq, words, true)
	if err != nil {
		return nil, err
	}
	countQ := "SELECT count(*) FROM (SELECT 1 " + countBody + " LIMIT " + strconv.Itoa(q.CountCap+1) + ") n"
	// The page, its public credentials (a holder with several comes on as
	// many rows, newest first) and the count in one statement: one
	// snapshot, one round trip.
	sel := "SELECT pg.*, c.id, c.set_id, c.set_version, c.issued_at, c.valid_until, c.revoked_at, c.suspended_at, c.superseded_by"
	if !q.NoCount {
		sel += ", (" + countQ + ")"
		args = slices.Concat(countArgs, args)
	}
	sel += " FROM (" + page + ") pg JOIN credentials c ON c.holder_id = pg.holder_id AND " + s.Dialect.IsTrue("c.public") + " ORDER BY pg.holder_id, c.issued_at DESC, c.id"
	// Deep pages and a regulator's holders make texts without bound.
	rows, err := s.searchQuery(ctx, db, q.Offset == 0 && len(q.Holders) == 0, s.Dialect.Rebind(sel), args...)
	if err != nil {
		return nil, fmt.Errorf("searching the registry: %w", err)
	}
	defer rows.Close()
	total := -1
	for rows.Next() {
		l, err := scanListingRow(rows, !q.NoCount, &total)
		if err != nil {
			return nil, err
		}
		if n := len(out.Listings); n > 0 && out.Listings[n-1].HolderID == l.HolderID {
			out.Listings[n-1].Credentials = append(out.Listings[n-1].Credentials, l.Credentials...)
			continue
		}
		out.Listings = append(out.Listings, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out.Listings) > q.Limit {
		out.Listings = out.Listings[:q.Limit]
		out.Next = out.Listings[q.Limit-1].HolderID
	}
	switch {
	case q.After == 0 && out.Next == 0 && (len(out.Listings) > 0 || q.Offset == 0):
		// A last page read from the start says the count itself.
		out.Total = q.Offset + len(out.Listings)
	case q.NoCount:
	case total < 0:
		// No row to carry the count (a page past the end).
		if err := s.searchQueryRow(ctx, db, len(q.Holders) == 0, s.Dialect.Rebind(countQ), countArgs...).Scan(&total); err != nil {
			return nil, fmt.Errorf("counting the registry: %w", err)
		}
		fallthrough
	default:
		out.Total = total
		if out.Total > q.CountCap {
			out.Total, out.TotalCapped = q.CountCap, true
		}
	}
	return out, nil
}

// scanListingRow reads a row of a search's page: a profile and one of its
// public credentials, and the count into total when the row carries it.
func scanListingRow(rows *sql.Rows, count bool, total *int) (Listing, error) {
	var c RegistryCredential
	var issued, until, revoked, suspended any
	extra := []any{&c.ID, &c.SetID, &c.SetVersion, &issued, &until, &revoked, &suspended, &c.SupersededBy}
	if count {
		extra = append(extra, total)
	}
	p, err := scanProfile(scanExtra{rows, extra})
	if err != nil {
		return Listing{}, err
	}
	c.HolderID = p.HolderID
	if c.IssuedAt, err = sqldb.ScanTime(issued); err != nil {
		return Listing{}, err
	}
	for _, v := range []struct {
		raw any
		to  *time.Time
	}{{until, &c.ValidUntil}, {revoked, &c.RevokedAt}, {suspended, &c.SuspendedAt}} {
		if v.raw != nil {
			if *v.to, err = sqldb.ScanTime(v.raw); err != nil {
				return Listing{}, err
			}
		}
	}
	return Listing{Profile: *p, Credentials: []RegistryCredential{c}}, nil
}

// scanExtra scans a row into a scanner's destinations followed by more.
type scanExtra struct {
	rows  *sql.Rows
	extra []any
}

// Scan scans the row into dest and then the extra destinations.
func (s scanExtra) Scan(dest ...any) error {
	return s.rows.Scan(append(dest, s.extra...)...)
}
