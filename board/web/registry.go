package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board/boardsql"
)

// The public registry lists holders who keep a visible profile and at
// least one public credential. Credentials and their status are read live
// at every request (joined in the query; the index keeps only the set ids
// of public credentials, to narrow the credential filter), so a suspension
// or revocation shows at once; expiry is judged on s.now().

// registryRoutes registers the public registry and the holder's profile.
func (s *Server) registryRoutes() {
	// The page and the API share one limit.
	limit := s.limiter(registryLimit)
	s.route("GET /registry", Public, limit(http.HandlerFunc(s.registryPage)))
	s.route("GET /api/v1/registry", Public, limit(http.HandlerFunc(s.registryAPI)))
	s.route("GET /account/profile", Authenticated, http.HandlerFunc(s.profilePage))
	s.route("POST /account/profile", Authenticated, http.HandlerFunc(s.profileSavePage))
	s.route("GET /api/v1/profile", Authenticated, http.HandlerFunc(s.profileAPI))
	s.route("PUT /api/v1/profile", Authenticated, http.HandlerFunc(s.profileSaveAPI))
	s.route("GET /staff/registry.csv", Staff, http.HandlerFunc(s.registryCSV))
}

// --- Vocabularies ---

// registryOption is one code of a fixed vocabulary and its label.
type registryOption struct{ Code, Label string }

// registrySpecialties is the fixed vocabulary of specialties a holder may
// list, in the order forms show them.
var registrySpecialties = []registryOption{
	{"desire", "Desire and arousal concerns"},
	{"interests", "Sexual interests and orientation"},
	{"compulsive", "Compulsive sexual behaviour"},
	{"ed", "Erectile dysfunction"},
	{"pe", "Premature ejaculation"},
	{"anorgasmia", "Anorgasmia"},
	{"pain", "Painful intercourse"},
	{"disability", "Intimacy with a disability or chronic condition"},
	{"relationship", "Relationship concerns"},
}

// registryLanguages are the languages a holder may list, by ISO 639-1 code.
var registryLanguages = []registryOption{
	{"af", "Afrikaans"}, {"am", "Amharic"}, {"ar", "Arabic"}, {"bg", "Bulgarian"}, {"bn", "Bengali"}, {"bs", "Bosnian"},
	{"ca", "Catalan"}, {"cs", "Czech"}, {"cy", "Welsh"}, {"da", "Danish"}, {"de", "German"}, {"el", "Greek"}, {"en", "English"},
	{"es", "Spanish"}, {"et", "Estonian"}, {"eu", "Basque"}, {"fa", "Persian"}, {"fi", "Finnish"}, {"fil", "Filipino"},
	{"fr", "French"}, {"ga", "Irish"}, {"gl", "Galician"}, {"gu", "Gujarati"}, {"ha", "Hausa"}, {"he", "Hebrew"}, {"hi", "Hindi"},
	{"hr", "Croatian"}, {"ht", "Haitian Creole"}, {"hu", "Hungarian"}, {"hy", "Armenian"}, {"id", "Indonesian"}, {"ig", "Igbo"},
	{"is", "Icelandic"}, {"it", "Italian"}, {"ja", "Japanese"}, {"ka", "Georgian"}, {"kk", "Kazakh"}, {"km", "Khmer"},
	{"kn", "Kannada"}, {"ko", "Korean"}, {"ku", "Kurdish"}, {"lt", "Lithuanian"}, {"lv", "Latvian"}, {"mk", "Macedonian"},
	{"ml", "Malayalam"}, {"mn", "Mongolian"}, {"mr", "Marathi"}, {"ms", "Malay"}, {"mt", "Maltese"}, {"my", "Burmese"},
	{"ne", "Nepali"}, {"nl", "Dutch"}, {"no", "Norwegian"}, {"pa", "Punjabi"}, {"pl", "Polish"}, {"ps", "Pashto"},
	{"pt", "Portuguese"}, {"ro", "Romanian"}, {"ru", "Russian"}, {"sgn", "Sign language"}, {"si", "Sinhala"}, {"sk", "Slovak"},
	{"sl", "Slovenian"}, {"so", "Somali"}, {"sq", "Albanian"}, {"sr", "Serbian"}, {"sv", "Swedish"}, {"sw", "Swahili"},
	{"ta", "Tamil"}, {"te", "Telugu"}, {"th", "Thai"}, {"tl", "Tagalog"}, {"tr", "Turkish"}, {"uk", "Ukrainian"}, {"ur", "Urdu"},
	{"uz", "Uzbek"}, {"vi", "Vietnamese"}, {"xh", "Xhosa"}, {"yi", "Yiddish"}, {"yo", "Yoruba"}, {"yue", "Cantonese"},
	{"zh", "Chinese (Mandarin)"}, {"zu", "Zulu"},
}

// registryCountries are the ISO 3166-1 alpha-2 codes.
var registryCountries = strings.Fields(`AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR
LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK
PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`)

func optionLabel(opts []registryOption, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// languageCode finds a language by code or English name, ignoring case.
func languageCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, o := range registryLanguages {
		if strings.EqualFold(o.Code, s) || strings.EqualFold(o.Label, s) {
			return o.Code, true
		}
	}
	return "", false
}

// --- The profile ---

// profileJSON is the holder's profile in the API.
type profileJSON struct {
	DisplayName string   `json:"display_name"`
	City        string   `json:"city"`
	Region      string   `json:"region"`
	Country     string   `json:"country"`
	Specialties []string `json:"specialties"`
	Telehealth  bool     `json:"telehealth"`
	Languages   []string `json:"languages"`
	Practice    string   `json:"practice"`
	Statement   string   `json:"statement"`
	Website     string   `json:"website"`
	Email       string   `json:"email"`
	Visible     bool     `json:"visible"`
	Version     int      `json:"version"`
	// Listed says whether the registry shows the holder now: a visible
	// profile and at least one public credential (read only).
	Listed bool `json:"listed"`
}

func showProfile(p *boardsql.Profile, listed bool) profileJSON {
	return profileJSON{DisplayName: p.DisplayName, City: p.City, Region: p.Region, Country: p.Country,
		Specialties: append([]string{}, p.Specialties...), Telehealth: p.Telehealth, Languages: append([]string{}, p.Languages...),
		Practice: p.Practice, Statement: p.Statement, Website: p.Website, Email: p.Email, Visible: p.Visible, Version: p.Version, Listed: listed}
}

// hasControl reports characters that have no place in a one-line field.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return true
		}
	}
	return !utf8.ValidString(s)
}

// checkProfile trims a profile and says what to fix, by field. Lists are
// put in vocabulary order without repeats.
func checkProfile(p *boardsql.Profile) map[string]string {
	errs := map[string]string{}
	for _, f := range []*string{&p.DisplayName, &p.City, &p.Region, &p.Country, &p.Practice, &p.Statement, &p.Website, &p.Email} {
		*f = strings.TrimSpace(*f)
	}
	p.Country = strings.ToUpper(p.Country)
	text := func(field, v string, max int, multiline bool) {
		switch {
		case utf8.RuneCountInString(v) > max:
			errs[field] = fmt.Sprintf("%s: at most %d characters", field, max)
		case hasControl(v, multiline):
			errs[field] = field + ": remove the control characters"
		}
	}
	if p.DisplayName == "" {
		errs["display_name"] = "display_name: give the name the registry shows, such as Dr. Jordan Reyes"
	} else {
		text("display_name", p.DisplayName, 120, false)
	}
	text("city", p.City, 100, false)
	text("region", p.Region, 100, false)
	text("practice", p.Practice, 200, false)
	text("statement", p.Statement, 1000, true)
	if p.Country != "" && !slices.Contains(registryCountries, p.Country) {
		errs["country"] = "country: give the two-letter ISO 3166 code of the country, such as US, CA or GB"
	}
	var spec []string
	for _, code := range p.Specialties {
		if !slices.ContainsFunc(registrySpecialties, func(o registryOption) bool { return o.Code == code }) {
			var codes []string
			for _, o := range registrySpecialties {
				codes = append(codes, o.Code)
			}
			errs["specialties"] = fmt.Sprintf("specialties: %q is not one of the specialties the registry lists (%s)", code, strings.Join(codes, ", "))
			break
		}
	}
	for _, o := range registrySpecialties {
		if slices.Contains(p.Specialties, o.Code) {
			spec = append(spec, o.Code)
		}
	}
	p.Specialties = spec
	var langs []string
	for _, l := range p.Languages {
		code, ok := languageCode(l)
		if !ok {
			errs["languages"] = fmt.Sprintf("languages: %q is not a language we know; give names such as English, Spanish or codes such as en, es", l)
			break
		}
		if !slices.Contains(langs, code) {
			langs = append(langs, code)
		}
	}
	if len(langs) > 12 {
		errs["languages"] = "languages: list at most 12"
	}
	p.Languages = langs
	if p.Website != "" {
		u, err := url.Parse(p.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(p.Website) > 500 {
			errs["website"] = "website: give an address that starts with https://, such as https://practice.example.org"
		}
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || !strings.Contains(p.Email, "@") || len(p.Email) > 320 {
			errs["email"] = "email: give just an e-mail address, such as office@practice.example.org, or leave it empty"
		}
	}
	return errs
}

// profileFields are the fields in the order error messages list them.
var profileFields = []string{"display_name", "city", "region", "country", "specialties", "languages", "practice", "statement", "website", "email"}

// listingExtra is the searchable text of a profile beyond its own fields:
// the labels of its specialties and languages, and the names of the
// holder's public credentials (set id, title, credential name).
func (s *Server) listingExtra(p *boardsql.Profile, sets []string) string {
	var words []string
	for _, c := range p.Specialties {
		words = append(words, optionLabel(registrySpecialties, c))
	}
	for _, l := range p.Languages {
		words = append(words, optionLabel(registryLanguages, l))
	}
	for _, id := range sets {
		words = append(words, id)
		if set := s.sets().Latest(id); set != nil {
			words = append(words, set.Title, set.Credential)
		}
	}
	return strings.Join(words, " ")
}

// reindexListing rewrites a holder's search-index entry in the caller's
// transaction. Call it where a holder's public credentials change (issue,
// visibility), so that credential names find the listing; the listing and
// its statuses never depend on it.
func (s *Server) reindexListing(ctx context.Context, tx *boardsql.Tx, holderID int64) error {
	sets, err := tx.PublicCredentialSets(ctx, holderID)
	if err != nil {
		return err
	}
	return tx.ReindexProfile(ctx, holderID, func(p *boardsql.Profile) string { return s.listingExtra(p, sets) })
}

// saveProfile validates and stores a holder's profile with its index
// entry and an audit entry, in one transaction; it returns the new version.
func (s *Server) saveProfile(ctx context.Context, me *boardsql.User, p boardsql.Profile) (int, map[string]string, error) {
	p.HolderID = me.ID
	if errs := checkProfile(&p); len(errs) > 0 {
		return 0, errs, nil
	}
	old, err := s.cfg.Store.Profile(ctx, me.ID)
	if err != nil && !errors.Is(err, boardsql.ErrNotFound) {
		return 0, nil, err
	}
	before := ""
	if old != nil {
		b, _ := json.Marshal(showProfile(old, false))
		before = string(b)
	}
	p.UpdatedAt = s.now()
	var version int
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		sets, err := tx.PublicCredentialSets(ctx, me.ID)
		if err != nil {
			return err
		}
		if version, err = tx.SaveProfile(ctx, p, s.listingExtra(&p, sets)); err != nil {
			return err
		}
		p.Version = version
		after, _ := json.Marshal(showProfile(&p, false))
		_, err = tx.AppendAudit(ctx, audit.Entry{At: p.UpdatedAt, Actor: fmt.Sprintf("user/%d", me.ID), Action: "profile.save",
			Subject: fmt.Sprintf("profile/%d", me.ID), Before: before, After: string(after)})
		return err
	})
	return version, nil, err
}

// profileView is what the profile page shows besides the form.
type profileView struct {
	Specialties []registryOption
	Languages   []registryOption
	Checked     map[string]bool
	// HasPublic says whether the holder has a public credential now.
	HasPublic bool
	Listed    bool
}

// listed reports whether the holder has a public credential, and whether
// the registry lists them now.
func (s *Server) listed(ctx context.Context, holderID int64, p *boardsql.Profile) (hasPublic, listed bool, err error) {
	creds, err := s.cfg.Store.CredentialsOf(ctx, holderID)
	if err != nil {
		return false, false, err
	}
	for _, c := range creds {
		if c.Public {
			hasPublic = true
		}
	}
	return hasPublic, hasPublic && p != nil && p.Visible, nil
}

func profileForm(p *boardsql.Profile) url.Values {
	f := url.Values{"display_name": {p.DisplayName}, "city": {p.City}, "region": {p.Region}, "country": {p.Country},
		"specialties": p.Specialties, "practice": {p.Practice}, "statement": {p.Statement}, "website": {p.Website}, "email": {p.Email},
		"version": {strconv.Itoa(p.Version)}}
	var langs []string
	for _, l := range p.Languages {
		langs = append(langs, optionLabel(registryLanguages, l))
	}
	f.Set("languages", strings.Join(langs, ", "))
	if p.Telehealth {
		f.Set("telehealth", "true")
	}
	if p.Visible {
		f.Set("visible", "true")
	}
	return f
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, form url.Values, errs map[string]string) {
	u := userFrom(r)
	p, err := s.cfg.Store.Profile(r.Context(), u.ID)
	if err != nil && !errors.Is(err, boardsql.ErrNotFound) {
		s.internal(w, err)
		return
	}
	v := profileView{Specialties: registrySpecialties, Languages: registryLanguages, Checked: map[string]bool{}}
	if v.HasPublic, v.Listed, err = s.listed(r.Context(), u.ID, p); err != nil {
		s.internal(w, err)
		return
	}
	if form == nil {
		if p == nil {
			// Not listed until the holder ticks the box: privacy by default.
			p = &boardsql.Profile{DisplayName: u.Name, Practice: u.Workplace}
		}
		form = profileForm(p)
	}
	for _, c := range form["specialties"] {
		v.Checked[c] = true
	}
	s.render(w, r, status, "profile", page{Title: "Your public profile", Form: form, Errors: errs, Data: v})
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) {
	s.renderProfile(w, r, http.StatusOK, nil, nil)
}

func (s *Server) profileSavePage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	version, err := strconv.Atoi(f.Get("version"))
	if err != nil || version < 0 {
		s.fail(w, r, http.StatusBadRequest, "Version missing", "version: reload the page and save again.")
		return
	}
	var langs []string
	for _, l := range strings.Split(f.Get("languages"), ",") {
		if strings.TrimSpace(l) != "" {
			langs = append(langs, l)
		}
	}
	p := boardsql.Profile{DisplayName: f.Get("display_name"), City: f.Get("city"), Region: f.Get("region"), Country: f.Get("country"),
		Specialties: f["specialties"], Telehealth: f.Get("telehealth") == "true", Languages: langs, Practice: f.Get("practice"),
		Statement: f.Get("statement"), Website: f.Get("website"), Email: f.Get("email"), Visible: f.Get("visible") == "true", Version: version}
	_, errs, err := s.saveProfile(r.Context(), userFrom(r), p)
	switch {
	case len(errs) > 0:
		errs[""] = "The profile was not saved: " + strings.Join(orderedErrors(errs), "; ")
		s.renderProfile(w, r, http.StatusUnprocessableEntity, f, errs)
	case errors.Is(err, boardsql.ErrConflict):
		s.fail(w, r, http.StatusConflict, "Changed elsewhere", "Your profile was saved from another page since you opened this one; reload it and save again.")
	case err != nil:
		s.internal(w, err)
	default:
		redirect(w, r, "/account/profile", "Saved your public profile.")
	}
}

func orderedErrors(errs map[string]string) []string {
	var msgs []string
	for _, k := range profileFields {
		if m := errs[k]; m != "" {
			msgs = append(msgs, m)
		}
	}
	return msgs
}

func (s *Server) profileAPI(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	p, err := s.cfg.Store.Profile(r.Context(), u.ID)
	if errors.Is(err, boardsql.ErrNotFound) {
		problem(w, http.StatusNotFound, "No profile yet", "You have no public profile yet; create it with PUT /api/v1/profile and version 0.")
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	_, listed, err := s.listed(r.Context(), u.ID, p)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, showProfile(p, listed))
}

// maxProfileBody bounds a profile sent to the API: a profile within every
// field's limit is about 2,600 characters, up to 12 bytes each when a
// client escapes them (\ud83d\ude00), so the 8 KiB of other requests is
// too little.
const maxProfileBody = 64 << 10

func (s *Server) profileSaveAPI(w http.ResponseWriter, r *http.Request) {
	var in profileJSON
	if !decodeBody(w, r, &in, "display_name, city, region, country, specialties, telehealth, "+
		"languages, practice, statement, website, email, visible and version (0 for a first save)", maxProfileBody) {
		return
	}
	if in.Version < 0 {
		problem(w, http.StatusBadRequest, "Invalid request", "version: give the version you read, or 0 for a first save.")
		return
	}
	u := userFrom(r)
	p := boardsql.Profile{DisplayName: in.DisplayName, City: in.City, Region: in.Region, Country: in.Country, Specialties: in.Specialties,
		Telehealth: in.Telehealth, Languages: in.Languages, Practice: in.Practice, Statement: in.Statement, Website: in.Website,
		Email: in.Email, Visible: in.Visible, Version: in.Version}
	_, errs, err := s.saveProfile(r.Context(), u, p)
	switch {
	case len(errs) > 0:
		problemWith(w, http.StatusUnprocessableEntity, "Invalid profile", strings.Join(orderedErrors(errs), "; "), map[string]any{"errors": errs})
	case errors.Is(err, boardsql.ErrConflict):
		problem(w, http.StatusConflict, "Changed elsewhere", err.Error())
	case err != nil:
		s.internal(w, err)
	default:
		s.profileAPI(w, r)
	}
}

// --- The registry ---

// registryMaxOffset bounds page-number pagination; deeper pages use the
// cursor.
const registryMaxOffset = 100000

// registryParams is a parsed search: the store query and the paging asked.
type registryParams struct {
	Q     boardsql.RegistryQuery
	Page  int
	Limit int
}

// parseRegistry reads a search from the query string; errors name the
// parameter.
func parseRegistry(v url.Values) (*registryParams, error) {
	p := &registryParams{Page: 1, Limit: 20}
	trim := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	p.Q = boardsql.RegistryQuery{Q: trim("q"), Credential: trim("credential"), City: trim("city"), Region: trim("region"),
		Country: strings.ToUpper(trim("country")), Specialty: trim("specialty"), Telehealth: trim("telehealth")}
	if len(p.Q.Q) > 200 {
		return nil, errors.New("q: at most 200 characters")
	}
	for _, k := range []string{"credential", "city", "region"} {
		if len(v.Get(k)) > 100 {
			return nil, fmt.Errorf("%s: at most 100 characters", k)
		}
	}
	if c := p.Q.Country; c != "" && !slices.Contains(registryCountries, c) {
		return nil, errors.New("country: give a two-letter ISO 3166 code such as US, CA or GB")
	}
	if sp := p.Q.Specialty; sp != "" && !slices.ContainsFunc(registrySpecialties, func(o registryOption) bool { return o.Code == sp }) {
		return nil, fmt.Errorf("specialty: %q is not a specialty code the registry knows", sp)
	}
	if l := trim("language"); l != "" {
		code, ok := languageCode(l)
		if !ok {
			return nil, fmt.Errorf("language: %q is not a language code the registry knows, such as en or es", l)
		}
		p.Q.Language = code
	}
	switch p.Q.Telehealth {
	case "", "yes", "no":
	default:
		return nil, errors.New("telehealth: say yes or no, or leave it out")
	}
	if s := trim("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return nil, errors.New("limit: give a number from 1 to 100")
		}
		p.Limit = n
	}
	if s := trim("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, errors.New("page: give a page number from 1")
		}
		p.Page = n
	}
	// Compared by division: (page-1)*limit overflows for a page number
	// near the largest integer and would pass as a negative offset.
	if p.Page-1 > registryMaxOffset/p.Limit {
		return nil, fmt.Errorf("page: pages beyond the first %d entries are reached with cursor (next_cursor), or narrow the search", registryMaxOffset)
	}
	if s := trim("cursor"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return nil, errors.New("cursor: give the next_cursor of the previous page, as it was")
		}
		if v.Get("page") != "" {
			return nil, errors.New("cursor: give either page or cursor, not both")
		}
		p.Q.After = n
	}
	p.Q.Limit, p.Q.Offset = p.Limit, (p.Page-1)*p.Limit
	return p, nil
}

// registryCredentialJSON is one public credential of a listing.
type registryCredentialJSON struct {
	ID         string `json:"id"`
	URL        string `json:"url"`
	Credential string `json:"credential"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Valid      bool   `json:"valid"`
	IssuedAt   string `json:"issued_at"`
	ValidUntil string `json:"valid_until,omitempty"`
}

// registryEntryJSON is one listing.
type registryEntryJSON struct {
	ID          int64                    `json:"id"`
	Name        string                   `json:"name"`
	Practice    string                   `json:"practice"`
	City        string                   `json:"city"`
	Region      string                   `json:"region"`
	Country     string                   `json:"country"`
	Specialties []string                 `json:"specialties"`
	Telehealth  bool                     `json:"telehealth"`
	Languages   []string                 `json:"languages"`
	Statement   string                   `json:"statement"`
	Website     string                   `json:"website"`
	Email       string                   `json:"email"`
	Credentials []registryCredentialJSON `json:"credentials"`
}

// credentialName is the name of a set's credential for people.
func (s *Server) credentialName(setID string) string {
	if set := s.sets().Latest(setID); set != nil && set.Title != "" {
		return set.Title
	}
	return setID
}

func (s *Server) registryEntry(l *boardsql.Listing, now time.Time) registryEntryJSON {
	e := registryEntryJSON{ID: l.HolderID, Name: l.DisplayName, Practice: l.Practice, City: l.City, Region: l.Region, Country: l.Country,
		Specialties: append([]string{}, l.Specialties...), Telehealth: l.Telehealth, Languages: append([]string{}, l.Languages...),
		Statement: l.Statement, Website: l.Website, Email: l.Email, Credentials: []registryCredentialJSON{}}
	for _, c := range l.Credentials {
		st := c.StatusAt(now)
		cj := registryCredentialJSON{ID: c.ID, URL: "/credentials/" + c.ID, Credential: c.SetID, Name: s.credentialName(c.SetID),
			Status: st, Valid: st == boardsql.StatusValid, IssuedAt: c.IssuedAt.UTC().Format(time.RFC3339)}
		if !c.ValidUntil.IsZero() {
			cj.ValidUntil = c.ValidUntil.UTC().Format(time.RFC3339)
		}
		e.Credentials = append(e.Credentials, cj)
	}
	return e
}

// registryResult is an answered search.
type registryResult struct {
	Entries    []registryEntryJSON `json:"entries"`
	Total      int                 `json:"total"`
	TotalExact bool                `json:"total_exact"`
	Page       int                 `json:"page,omitempty"`
	Limit      int                 `json:"limit"`
	NextCursor string              `json:"next_cursor,omitempty"`
	AsOf       string              `json:"as_of"`
}

func (s *Server) searchRegistry(ctx context.Context, p *registryParams) (*registryResult, error) {
	res, err := s.cfg.Store.SearchRegistry(ctx, p.Q)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := &registryResult{Entries: []registryEntryJSON{}, Total: res.Total, TotalExact: !res.TotalCapped, Limit: p.Limit,
		AsOf: now.UTC().Format(time.RFC3339)}
	if p.Q.After == 0 {
		out.Page = p.Page
	}
	if res.Next != 0 {
		out.NextCursor = strconv.FormatInt(res.Next, 10)
	}
	for i := range res.Listings {
		out.Entries = append(out.Entries, s.registryEntry(&res.Listings[i], now))
	}
	return out, nil
}

func (s *Server) registryAPI(w http.ResponseWriter, r *http.Request) {
	p, err := parseRegistry(r.URL.Query())
	if err != nil {
		problem(w, http.StatusBadRequest, "Invalid search", err.Error())
		return
	}
	res, err := s.searchRegistry(r.Context(), p)
	if err != nil {
		s.internal(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, res)
}

// registryPageView is what the registry page shows.
type registryPageView struct {
	Result      *registryResult
	Searched    bool
	Specialties []registryOption
	Languages   []registryOption
	Credentials []registryOption
	Prev, Next  string
	From, To    int
}

// SpecialtyLabel names a specialty code.
func (registryPageView) SpecialtyLabel(code string) string {
	return optionLabel(registrySpecialties, code)
}

// LanguageLabel names a language code.
func (registryPageView) LanguageLabel(code string) string {
	return optionLabel(registryLanguages, code)
}

func (s *Server) registryPage(w http.ResponseWriter, r *http.Request) {
	v := registryPageView{Specialties: registrySpecialties, Languages: registryLanguages}
	for _, id := range s.sets().IDs() {
		v.Credentials = append(v.Credentials, registryOption{id, s.credentialName(id)})
	}
	query := r.URL.Query()
	form := url.Values{}
	for _, k := range []string{"q", "credential", "city", "region", "country", "specialty", "telehealth", "language"} {
		if x := strings.TrimSpace(query.Get(k)); x != "" {
			form.Set(k, x)
			v.Searched = true
		}
	}
	p, err := parseRegistry(query)
	if err != nil {
		field, _, _ := strings.Cut(err.Error(), ":")
		s.render(w, r, http.StatusBadRequest, "registry", page{Title: "Registry of certified professionals", Form: form,
			Errors: map[string]string{"": err.Error(), field: err.Error()}, Data: v})
		return
	}
	res, err := s.searchRegistry(r.Context(), p)
	if err != nil {
		s.internal(w, err)
		return
	}
	v.Result = res
	link := func(page int, cursor string) string {
		q := url.Values{}
		for k, x := range form {
			q[k] = x
		}
		if p.Limit != 20 {
			q.Set("limit", strconv.Itoa(p.Limit))
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		} else if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		return "/registry?" + q.Encode()
	}
	if p.Q.After == 0 {
		v.From = p.Q.Offset + 1
		if p.Page > 1 {
			v.Prev = link(p.Page-1, "")
		}
		if res.NextCursor != "" {
			if p.Page*p.Limit <= registryMaxOffset {
				v.Next = link(p.Page+1, "")
			} else {
				v.Next = link(0, res.NextCursor)
			}
		}
	} else if res.NextCursor != "" {
		v.Next = link(0, res.NextCursor)
	}
	v.To = v.From + len(res.Entries) - 1
	w.Header().Set("Vary", "Cookie")
	s.render(w, r, http.StatusOK, "registry", page{Title: "Registry of certified professionals", Form: form, Data: v})
}

// --- CSV export for staff ---

// csvSafe keeps a cell from being read as a formula by a spreadsheet: a
// cell that starts with = + - @ (or a tab or carriage return) gets a
// leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *Server) registryCSV(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	now := s.now()
	err := s.inTx(r.Context(), func(tx *boardsql.Tx) error {
		_, err := tx.AppendAudit(r.Context(), audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "registry.export",
			Subject: "registry", After: "csv"})
		return err
	})
	if err != nil {
		s.internal(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="registry-`+now.UTC().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"holder_id", "name", "practice", "city", "region", "country", "specialties", "telehealth", "languages",
		"website", "email", "credential_id", "credential", "credential_name", "status", "issued_at", "valid_until", "url"})
	q := boardsql.RegistryQuery{Limit: 100, NoCount: true}
	for {
		res, err := s.cfg.Store.SearchRegistry(r.Context(), q)
		if err != nil {
			// The header is sent: say so in the file, and log.
			s.cfg.Log.Error("registry export", "error", err)
			_ = cw.Write([]string{"error: the export stopped early; try again"})
			break
		}
		for i := range res.Listings {
			e := s.registryEntry(&res.Listings[i], now)
			tele := "no"
			if e.Telehealth {
				tele = "yes"
			}
			for _, c := range e.Credentials {
				row := []string{strconv.FormatInt(e.ID, 10), e.Name, e.Practice, e.City, e.Region, e.Country, strings.Join(e.Specialties, " "),
					tele, strings.Join(e.Languages, " "), e.Website, e.Email, c.ID, c.Credential, c.Name, c.Status, c.IssuedAt, c.ValidUntil,
					s.publicBase() + c.URL}
				for j := range row {
					row[j] = csvSafe(row[j])
				}
				_ = cw.Write(row)
			}
		}
		if res.Next == 0 {
			break
		}
		q.After = res.Next
	}
	cw.Flush()
}
