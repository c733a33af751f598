// Command registry loads synthetic registry listings in bulk into a fresh
// database (SQLite or PostgreSQL) and measures the latency of typical
// registry searches through the store's own SearchRegistry.
//
//	go run ./bench/registry                       # SQLite, 1,000,000 listings
//	go run ./bench/registry --database 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	go run ./bench/registry --n 100000 --runs 100
//
// The database is temporary: a directory removed at the end, or a
// PostgreSQL database created for the run and dropped after it (--keep
// leaves either in place and prints where; --reuse measures again a kept
// one without loading).
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/bench/internal/measure"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/seal"
)

// benchKeys is a throw-away keyring: migrating needs one (it fills the
// licence number index), and the bench seals nothing it reads again.
var benchKeys = func() *seal.Keyring {
	k, err := seal.New(seal.Generate())
	if err != nil {
		panic(err)
	}
	return k
}()

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "registry bench:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 1000000, "listings to load")
	database := flag.String("database", "", "a PostgreSQL URL; a database is created on that server for the run (empty: SQLite in a temporary directory)")
	runs := flag.Int("runs", 200, "times each query is measured")
	keep := flag.Bool("keep", false, "keep the database after the run")
	countCap := flag.Int("cap", 0, "the count cap (0: the store's default)")
	reuse := flag.String("reuse", "", "measure a kept database without loading: a SQLite directory or a PostgreSQL database URL")
	bareOnly := flag.Bool("bare-only", false, "measure only the searches set beside the bare index queries")
	asJSON := flag.Bool("json", false, "with --bare-only: print the comparison as one line of JSON (for go run ./bench/goals) instead of a table")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measuring to this file")
	flag.Parse()
	ctx := context.Background()

	var st *boardsql.Store
	var err error
	var cleanup func()
	switch {
	case *reuse != "" && strings.HasPrefix(*reuse, "postgres"):
		st, err = boardsql.Open(ctx, boardsql.Config{DatabaseURL: *reuse, Keys: benchKeys})
	case *reuse != "":
		st, err = boardsql.Open(ctx, boardsql.Config{DataDir: *reuse, Keys: benchKeys})
	case *database != "":
		st, cleanup, err = freshPostgres(ctx, *database, *keep)
	default:
		dir, derr := os.MkdirTemp("", "certboard-registry-bench-")
		if derr != nil {
			return derr
		}
		if *keep {
			fmt.Println("keeping the SQLite database in", dir)
		} else {
			cleanup = func() { os.RemoveAll(dir) }
		}
		st, err = boardsql.Open(ctx, boardsql.Config{DataDir: dir, Keys: benchKeys})
	}
	if cleanup != nil {
		defer cleanup()
	}
	if err != nil {
		return err
	}
	defer st.Close()
	// A kept database gets the migrations written since it was loaded.
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if *reuse == "" {
		start := time.Now()
		if err := load(ctx, st, *n); err != nil {
			return fmt.Errorf("loading: %w", err)
		}
		fmt.Printf("loaded %d listings into %s in %s\n", *n, st.Dialect, time.Since(start).Round(time.Second))
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *bareOnly {
		return compareBare(ctx, st, *runs, *countCap, *asJSON)
	}
	return measureSearches(ctx, st, *runs, *countCap)
}

// freshPostgres creates a database for the run on the server of url.
func freshPostgres(ctx context.Context, admin string, keep bool) (*boardsql.Store, func(), error) {
	adminDB, err := sql.Open("pgx", admin)
	if err != nil {
		return nil, nil, err
	}
	name := fmt.Sprintf("certboard_registry_%d", time.Now().UnixNano())
	if _, err := adminDB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adminDB.Close()
		return nil, nil, err
	}
	u, err := url.Parse(admin)
	if err != nil {
		return nil, nil, err
	}
	u.Path = "/" + name
	cleanup := func() {
		if keep {
			fmt.Println("keeping the PostgreSQL database", u.Redacted())
		} else if _, err := adminDB.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintln(os.Stderr, "dropping", name+":", err)
		}
		adminDB.Close()
	}
	st, err := boardsql.Open(ctx, boardsql.Config{DatabaseURL: u.String(), Keys: benchKeys})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return st, cleanup, nil
}

// --- synthetic listings ---

var (
	firstNames = strings.Fields(`James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah
Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle
Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy Jacob Amy
Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda Larry Pamela Justin Nicole Scott Anna Brandon Samantha Benjamin Katherine Samuel
Christine Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia Dennis Heather Jerry Helen Tyler Catherine Aaron Diane Jose
Julie Adam Victoria Nathan Joyce Henry Lauren Zachary Kelly Douglas Christina Peter Ruth Kyle Joan Noah Virginia Ethan Judith Jeremy Evelyn Walter Hannah
Christian Andrea Keith Megan Roger Cheryl Terry Jacqueline Austin Madison Sean Teresa Gerald Abigail Carl Sophia Harold Martha Dylan Sara Arthur Gloria
Lawrence Janice Jordan Kathryn Jesse Ann Bryan Isabella Billy Judy Bruce Charlotte Gabriel Julia Joe Grace Logan Amber Alan Alice Juan Jean Albert Denise
Willie Frances Elijah Danielle Wayne Marilyn Randy Natalie Vincent Beverly Mason Diana Roy Brittany Ralph Theresa Bobby Kayla Russell Alexis Bradley Doris
Philip Lori Eugene Tiffany Jorge Lucia Amara Mei Henrik Noor Rafael Priya Tomas Kai Quinn Riley Casey Avery Taylor Morgan`)
	lastNames = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor
Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green
Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales
Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett
Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler
Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant
Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry
Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner
Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant
Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley
Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Osei Lund Tanaka Costa Haddad`)
	places = [][3]string{
		{"New York", "New York", "US"}, {"Los Angeles", "California", "US"}, {"Chicago", "Illinois", "US"}, {"Houston", "Texas", "US"},
		{"Phoenix", "Arizona", "US"}, {"Philadelphia", "Pennsylvania", "US"}, {"San Antonio", "Texas", "US"}, {"San Diego", "California", "US"},
		{"Dallas", "Texas", "US"}, {"Austin", "Texas", "US"}, {"Jacksonville", "Florida", "US"}, {"Miami", "Florida", "US"}, {"Tampa", "Florida", "US"},
		{"Orlando", "Florida", "US"}, {"Columbus", "Ohio", "US"}, {"Charlotte", "North Carolina", "US"}, {"Seattle", "Washington", "US"},
		{"Denver", "Colorado", "US"}, {"Boston", "Massachusetts", "US"}, {"Portland", "Oregon", "US"}, {"Atlanta", "Georgia", "US"},
		{"Minneapolis", "Minnesota", "US"}, {"Detroit", "Michigan", "US"}, {"Nashville", "Tennessee", "US"}, {"Baltimore", "Maryland", "US"},
		{"Evanston", "Illinois", "US"}, {"Springfield", "Illinois", "US"}, {"Sacramento", "California", "US"}, {"San Francisco", "California", "US"},
		{"Toronto", "Ontario", "CA"}, {"Ottawa", "Ontario", "CA"}, {"Montréal", "Québec", "CA"}, {"Québec", "Québec", "CA"}, {"Vancouver", "British Columbia", "CA"},
		{"Calgary", "Alberta", "CA"}, {"Halifax", "Nova Scotia", "CA"}, {"London", "England", "GB"}, {"Manchester", "England", "GB"},
		{"Edinburgh", "Scotland", "GB"}, {"Cardiff", "Wales", "GB"}, {"Dublin", "Leinster", "IE"}, {"Madrid", "Comunidad de Madrid", "ES"},
		{"Barcelona", "Cataluña", "ES"}, {"Sevilla", "Andalucía", "ES"}, {"Mexico City", "CDMX", "MX"}, {"Guadalajara", "Jalisco", "MX"},
		{"São Paulo", "São Paulo", "BR"}, {"Rio de Janeiro", "Rio de Janeiro", "BR"}, {"Sydney", "New South Wales", "AU"}, {"Melbourne", "Victoria", "AU"},
		{"Auckland", "Auckland", "NZ"}, {"Berlin", "Berlin", "DE"}, {"München", "Bayern", "DE"}, {"Paris", "Île-de-France", "FR"}, {"Lyon", "Auvergne-Rhône-Alpes", "FR"},
		{"Amsterdam", "Noord-Holland", "NL"}, {"Oslo", "Oslo", "NO"}, {"Stockholm", "Stockholm", "SE"}, {"Tokyo", "Tokyo", "JP"}, {"Osaka", "Osaka", "JP"},
	}
	specialties    = []string{"desire", "interests", "compulsive", "ed", "pe", "anorgasmia", "pain", "disability", "relationship"}
	specialtyWords = map[string]string{"desire": "Desire and arousal concerns", "interests": "Sexual interests and orientation",
		"compulsive": "Compulsive sexual behaviour", "ed": "Erectile dysfunction", "pe": "Premature ejaculation", "anorgasmia": "Anorgasmia",
		"pain": "Painful intercourse", "disability": "Intimacy with a disability or chronic condition", "relationship": "Relationship concerns"}
	languages     = []string{"es", "fr", "de", "pt", "zh", "ar", "hi", "ja", "ko", "it", "ru", "tl", "vi", "pl", "he"}
	languageWords = map[string]string{"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese", "zh": "Chinese", "ar": "Arabic",
		"hi": "Hindi", "ja": "Japanese", "ko": "Korean", "it": "Italian", "ru": "Russian", "tl": "Tagalog", "vi": "Vietnamese", "pl": "Polish", "he": "Hebrew"}
	practiceKinds = []string{"Therapy", "Counseling", "Wellness", "Clinic", "Psychology", "Sex Therapy", "Couples Center", "Health", "Associates", "Practice"}
)

// listing is one synthetic holder.
type listing struct {
	p                          boardsql.Profile
	public                     bool
	issued, until              time.Time
	revoked, suspended         bool
	superseded                 bool
	body, facets, setID, email string
}

func synth(r *rand.Rand, id int64, now time.Time) listing {
	first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	pl := places[r.IntN(len(places))]
	var spec []string
	for _, s := range specialties {
		if r.IntN(4) == 0 {
			spec = append(spec, s)
		}
	}
	langs := []string{}
	if r.IntN(100) < 85 {
		langs = append(langs, "en")
	}
	for r.IntN(3) == 0 || len(langs) == 0 {
		if l := languages[r.IntN(len(languages))]; !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	p := boardsql.Profile{HolderID: id, DisplayName: first + " " + last, City: pl[0], Region: pl[1], Country: pl[2], Specialties: spec,
		Telehealth: r.IntN(2) == 0, Languages: langs, Practice: last + " " + practiceKinds[r.IntN(len(practiceKinds))],
		Visible: r.IntN(100) < 95, UpdatedAt: now}
	l := listing{p: p, public: r.IntN(100) < 97, setID: "aasect-cst", email: fmt.Sprintf("holder%d@bench.example", id)}
	l.issued = now.AddDate(0, 0, -r.IntN(3*365))
	l.until = l.issued.AddDate(3, 0, 0)
	switch x := r.IntN(100); {
	case x < 2:
		l.suspended = true
	case x < 3:
		l.revoked = true
	case x < 8:
		l.issued = l.issued.AddDate(-3, 0, 0)
		l.until = l.issued.AddDate(3, 0, 0)
	case x < 9:
		l.superseded = true
	case x < 20:
		l.setID = "aasect-cse"
	}
	var extra []string
	for _, s := range spec {
		extra = append(extra, specialtyWords[s])
	}
	for _, lg := range langs {
		extra = append(extra, languageWords[lg])
	}
	if l.setID == "aasect-cst" {
		extra = append(extra, "aasect-cst AASECT Certified Sex Therapist (CST) CST")
	} else {
		extra = append(extra, "aasect-cse AASECT Certified Sexuality Educator (CSE) CSE")
	}
	// Only a listing has an index entry (empty words and tokens make an
	// empty search vector on PostgreSQL), as the store writes it: the set
	// ids of the public credentials are its filter tokens.
	if l.public {
		l.body, l.facets = boardsql.RegistryIndexText(&l.p, strings.Join(extra, " "), []string{l.setID})
	}
	return l
}

// --- bulk loading ---

// table is one table's rows, column by column.
type table struct {
	name string
	cols []string
	rows [][]any
}

func load(ctx context.Context, st *boardsql.Store, n int) error {
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC().Truncate(time.Second)
	ts := func(t time.Time) any {
		if st.Dialect == boardsql.SQLite {
			return t.UTC().Format("2006-01-02T15:04:05.000000Z")
		}
		return t
	}
	if st.Dialect == boardsql.SQLite {
		// Bulk load only: no fsync per transaction.
		if _, err := st.DB.ExecContext(ctx, "PRAGMA synchronous = OFF"); err != nil {
			return err
		}
	}
	const batch = 20000
	for start := 1; start <= n; start += batch {
		end := min(start+batch-1, n)
		users := table{"users", []string{"id", "email", "name", "password_hash", "roles", "created_at"}, nil}
		apps := table{"applications", []string{"id", "applicant_id", "set_id", "state", "portfolio", "created_at", "updated_at"}, nil}
		creds := table{"credentials", []string{"id", "application_id", "holder_id", "set_id", "set_version", "document", "jwt", "issued_at", "valid_until",
			"revocation_list", "revocation_index", "suspension_list", "suspension_index", "public", "revoked_at", "suspended_at", "superseded_by"}, nil}
		profiles := table{"registry_profiles", []string{"holder_id", "display_name", "city", "region", "country", "specialties", "telehealth",
			"languages", "practice", "visible", "updated_at"}, nil}
		fts := table{"registry_fts", []string{"rowid", "body", "facets"}, nil}
		stage := table{"registry_stage", profiles.cols, nil} // PostgreSQL: the profile row with its words and tokens
		for i := start; i <= end; i++ {
			id := int64(i)
			l := synth(r, id, now)
			users.rows = append(users.rows, []any{id, l.email, l.p.DisplayName, "x", string(auth.Applicant), ts(now)})
			apps.rows = append(apps.rows, []any{id, id, l.setID, string(board.Approved), "", ts(l.issued), ts(l.issued)})
			var revoked, suspended any
			if l.revoked {
				revoked = ts(now)
			}
			if l.suspended {
				suspended = ts(now)
			}
			sup := ""
			if l.superseded {
				sup = fmt.Sprintf("renewed-%d", id)
			}
			creds.rows = append(creds.rows, []any{fmt.Sprintf("bench-%d", id), id, id, l.setID, "1", "-", "-", ts(l.issued), ts(l.until),
				"revocation-1", i, "suspension-1", i, l.public, revoked, suspended, sup})
			profiles.rows = append(profiles.rows, []any{id, l.p.DisplayName, l.p.City, l.p.Region, l.p.Country, strings.Join(l.p.Specialties, ","),
				l.p.Telehealth, strings.Join(l.p.Languages, ","), l.p.Practice, l.p.Visible, ts(now)})
			stage.rows = append(stage.rows, append(slices.Clone(profiles.rows[len(profiles.rows)-1]), l.body, l.facets))
			if l.p.Visible && l.public {
				fts.rows = append(fts.rows, []any{id, l.body, l.facets})
			}
		}
		var err error
		if st.Dialect == boardsql.SQLite {
			err = st.InTx(ctx, func(tx *boardsql.Tx) error {
				for _, t := range []table{users, apps, creds, profiles, fts} {
					if err := insertRows(ctx, tx, t); err != nil {
						return err
					}
				}
				return nil
			})
		} else {
			err = copyPostgres(ctx, st, []table{users, apps, creds}, stage)
		}
		if err != nil {
			return err
		}
		if end%100000 == 0 || end == n {
			fmt.Printf("  %d\n", end)
		}
	}
	if st.Dialect == boardsql.Postgres {
		for _, q := range []string{"SELECT setval('users_id_seq', (SELECT max(id) FROM users))",
			"SELECT setval('applications_id_seq', (SELECT max(id) FROM applications))",
			// The vocabulary of the index, as SaveProfile keeps it.
			boardsql.PostgresRegistryWords + " ON CONFLICT DO NOTHING", "VACUUM ANALYZE"} {
			if _, err := st.DB.ExecContext(ctx, q); err != nil {
				return err
			}
		}
	} else {
		// The vocabulary of the index, as the store keeps it.
		for _, q := range slices.Concat(boardsql.SQLiteRegistryWords, []string{"INSERT INTO registry_fts(registry_fts) VALUES ('optimize')", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"}) {
			if _, err := st.DB.ExecContext(ctx, q); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertRows inserts a table's rows with multi-row INSERTs of 500 rows.
func insertRows(ctx context.Context, tx *boardsql.Tx, t table) error {
	const per = 500
	for i := 0; i < len(t.rows); i += per {
		chunk := t.rows[i:min(i+per, len(t.rows))]
		one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + ")"
		q := "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", len(chunk)), ", ")
		args := make([]any, 0, len(chunk)*len(t.cols))
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return nil
}

// copyPostgres loads tables with COPY in one transaction, then the
// profiles, whose search column PostgreSQL computes from a staging table
// as SaveProfile computes it (boardsql.PostgresSearchVector).
func copyPostgres(ctx context.Context, st *boardsql.Store, tables []table, profiles table) error {
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		for _, t := range tables {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		// The profiles go through a staging table with their words and
		// filter tokens, and in with the search vector computed: one write
		// per row (an UPDATE after COPY would leave a dead copy of each).
		cols := slices.Concat(profiles.cols, []string{"body", "facets"})
		if _, err := tx.Exec(ctx, "CREATE TEMP TABLE registry_stage (LIKE registry_profiles INCLUDING DEFAULTS, body TEXT, facets TEXT) ON COMMIT DROP"); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"registry_stage"}, cols, pgx.CopyFromRows(profiles.rows)); err != nil {
			return err
		}
		vector := strings.NewReplacer("$1", "body", "$2", "facets").Replace(boardsql.PostgresSearchVector)
		list := strings.Join(profiles.cols, ", ")
		if _, err := tx.Exec(ctx, "INSERT INTO registry_profiles ("+list+", search) SELECT "+list+", "+vector+" FROM registry_stage"); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// --- measuring ---

type benchQuery struct {
	name string
	make func(r *rand.Rand) boardsql.RegistryQuery
}

// measureSearches times typical registry searches, runs times each, and prints
// their latencies.
func measureSearches(ctx context.Context, st *boardsql.Store, runs, countCap int) error {
	var total int
	if err := st.DB.QueryRowContext(ctx, "SELECT count(*) FROM registry_profiles").Scan(&total); err != nil {
		return err
	}
	queries := []benchQuery{
		{"name prefix (q=3 letters of a first name)", func(r *rand.Rand) boardsql.RegistryQuery {
			return boardsql.RegistryQuery{Q: firstNames[r.IntN(len(firstNames))][:3]}
		}},
		{"full name (q=first last)", func(r *rand.Rand) boardsql.RegistryQuery {
			return boardsql.RegistryQuery{Q: firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]}
		}},
		{"specialty + region filter", func(r *rand.Rand) boardsql.RegistryQuery {
			pl := places[r.IntN(len(places))]
			return boardsql.RegistryQuery{Specialty: specialties[r.IntN(len(specialties))], Region: pl[1], Country: pl[2]}
		}},
		{"empty q, page 1", func(r *rand.Rand) boardsql.RegistryQuery { return boardsql.RegistryQuery{} }},
		{"empty q, page 1000 (offset)", func(r *rand.Rand) boardsql.RegistryQuery { return boardsql.RegistryQuery{Offset: 999 * 20} }},
		{"empty q, deep page by cursor", func(r *rand.Rand) boardsql.RegistryQuery {
			return boardsql.RegistryQuery{After: int64(1 + r.IntN(total))}
		}},
		{"common word (q=therapy)", func(r *rand.Rand) boardsql.RegistryQuery { return boardsql.RegistryQuery{Q: "therapy"} }},
		{"common word, page 50", func(r *rand.Rand) boardsql.RegistryQuery {
			return boardsql.RegistryQuery{Q: "therapy", Offset: 49 * 20}
		}},
		{"word + telehealth + language", func(r *rand.Rand) boardsql.RegistryQuery {
			return boardsql.RegistryQuery{Q: "couples", Telehealth: "yes", Language: languages[r.IntN(len(languages))]}
		}},
		{"credential filter + city", func(r *rand.Rand) boardsql.RegistryQuery {
			return boardsql.RegistryQuery{Credential: "aasect-cse", City: places[r.IntN(len(places))][0]}
		}},
	}
	capText := "the default"
	if countCap > 0 {
		capText = fmt.Sprint(countCap)
	}
	fmt.Printf("\n%s, %d profiles, %d runs per query (count capped at %s; 20 per page)\n\n", st.Dialect, total, runs, capText)
	fmt.Println("| query | p50 | p99 | max | results (last run) |")
	fmt.Println("|---|---:|---:|---:|---:|")
	r := rand.New(rand.NewPCG(3, 4))
	for _, q := range queries {
		// Warm up the cache as a running server would be.
		for range 5 {
			if _, err := st.SearchRegistry(ctx, q.make(r)); err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
		}
		var took []time.Duration
		var last *boardsql.RegistryPage
		for range runs {
			rq := q.make(r)
			rq.CountCap = countCap
			start := time.Now()
			res, err := st.SearchRegistry(ctx, rq)
			if err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			took = append(took, time.Since(start))
			last = res
		}
		slices.Sort(took)
		count := fmt.Sprint(last.Total)
		if last.TotalCapped {
			count = "> " + count
		}
		fmt.Printf("| %s | %s | %s | %s | %s |\n", q.name, ms(took[len(took)/2]), ms(took[len(took)*99/100]), ms(took[len(took)-1]), count)
	}
	return compareBare(ctx, st, runs, countCap, false)
}

// bareQuery is a search set beside the index query it stands on, written
// by hand: a prefix match of the words as typed, and the exact words.
type bareQuery struct {
	name              string
	kind              string // rare, common or filtered: which goal it is measured for
	q                 boardsql.RegistryQuery
	prefix, exact     string // FTS5 MATCH expressions
	pgPrefix, pgExact string // PostgreSQL tsqueries
}

// compareBare measures searches against the bare index queries they stand
// on, run by run in turn so that the machine's load falls on both alike,
// each measured right after an unmeasured run of itself.
// A bare query reads the first cap+1 matches from the index alone (what a
// count capped at cap must read at least): on SQLite the FTS5 table, on
// PostgreSQL the GIN index and the rows it points to.
func compareBare(ctx context.Context, st *boardsql.Store, runs, countCap int, asJSON bool) error {
	if countCap <= 0 {
		countCap = 1000
	}
	queries := []bareQuery{
		{"rare surname (q=Haddad)", "rare", boardsql.RegistryQuery{Q: "Haddad"},
			`body : "haddad"*`, `body : "haddad"`, "haddad:*D", "haddad:D"},
		{"common word (q=therapy)", "common", boardsql.RegistryQuery{Q: "therapy"},
			`body : "therapy"*`, `body : "therapy"`, "therapy:*D", "therapy:D"},
		{"word + telehealth + language (q=couples, es)", "filtered", boardsql.RegistryQuery{Q: "couples", Telehealth: "yes", Language: "es"},
			`body : "couples"* AND facets : "th1" AND facets : "lnes"`, `body : "couples" AND facets : "th1" AND facets : "lnes"`,
			"couples:*D & th1:A & lnes:A", "couples:D & th1:A & lnes:A"},
	}
	bare := func(expr string) (int, error) {
		var q string
		if st.Dialect == boardsql.Postgres {
			q = fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM registry_profiles WHERE visible AND search @@ to_tsquery('simple', '%s') LIMIT %d) n", expr, countCap+1)
		} else {
			q = fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM registry_fts WHERE registry_fts MATCH '%s' LIMIT %d) n", expr, countCap+1)
		}
		var n int
		err := st.DB.QueryRowContext(ctx, q).Scan(&n)
		return n, err
	}
	report := measure.BareReport{Engine: st.Dialect.String(), Runs: runs}
	if !asJSON {
		fmt.Printf("\n%s: each search against the bare index query (the first %d matches), p50 / p99, %d runs in turn\n\n", st.Dialect, countCap+1, runs)
		fmt.Println("| query | search | bare prefix | bare exact words | search / prefix | search / exact |")
		fmt.Println("|---|---:|---:|---:|---:|---:|")
	}
	for _, b := range queries {
		prefix, exact := b.prefix, b.exact
		if st.Dialect == boardsql.Postgres {
			prefix, exact = b.pgPrefix, b.pgExact
		}
		rq := b.q
		rq.CountCap = countCap
		// The three queries of a run, each run once unmeasured right before
		// it is measured: a query measured right after the prefix query
		// (which reads hundreds of thousands of postings) found the caches
		// it emptied, so each is measured in the caches its own work leaves.
		steps := []struct {
			name string
			run  func() error
			took *[]time.Duration
		}{
			{"", func() error { _, err := st.SearchRegistry(ctx, rq); return err }, new([]time.Duration)},
			{"bare prefix", func() error { _, err := bare(prefix); return err }, new([]time.Duration)},
			{"bare exact", func() error { _, err := bare(exact); return err }, new([]time.Duration)},
		}
		for i := range runs + 5 {
			for _, s := range steps {
				var took time.Duration
				for range 2 { // the second run is measured
					t0 := time.Now()
					if err := s.run(); err != nil {
						return fmt.Errorf("%s: %w", strings.TrimSuffix(b.name+", "+s.name, ", "), err)
					}
					took = time.Since(t0)
				}
				if i >= 5 { // five warm-up runs
					*s.took = append(*s.took, took)
				}
			}
		}
		search, tp, te := *steps[0].took, *steps[1].took, *steps[2].took
		for _, d := range [][]time.Duration{search, tp, te} {
			slices.Sort(d)
		}
		p := func(d []time.Duration, q int) time.Duration { return d[len(d)*q/100] }
		ratio := func(a, b []time.Duration) string {
			return fmt.Sprintf("%.1fx / %.1fx", float64(p(a, 50))/float64(p(b, 50)), float64(p(a, 99))/float64(p(b, 99)))
		}
		pair := func(d []time.Duration) string { return ms(p(d, 50)) + " / " + ms(p(d, 99)) }
		if !asJSON {
			fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", b.name, pair(search), pair(tp), pair(te), ratio(search, tp), ratio(search, te))
			continue
		}
		r := func(a, b []time.Duration, q int) float64 { return float64(p(a, q)) / float64(p(b, q)) }
		msf := func(d []time.Duration, q int) float64 { return float64(p(d, q).Microseconds()) / 1000 }
		report.Queries = append(report.Queries, measure.BareQuery{Name: b.name, Kind: b.kind,
			P50Prefix: r(search, tp, 50), P99Prefix: r(search, tp, 99), P50Exact: r(search, te, 50), P99Exact: r(search, te, 99),
			SearchP50Ms: msf(search, 50), SearchP99Ms: msf(search, 99)})
	}
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(report)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
