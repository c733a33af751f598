package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
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
	s.route("GET /registry", Public, limit(s.handle(s.registryPage)))
	s.route("GET /api/v1/registry", Public, limit(s.handle(s.registryAPI)))
	s.route("GET /account/profile", Authenticated, s.handle(s.profilePage))
	s.route("POST /account/profile", Authenticated, s.handle(s.profileSavePage))
	s.route("GET /api/v1/profile", Authenticated, s.handle(s.profileAPI))
	s.route("PUT /api/v1/profile", Authenticated, s.handle(s.profileSaveAPI))
	s.route("GET /staff/registry.csv", Staff, s.handle(s.registryCSV))
}

// --- The profile ---

// profileJSON is the holder's profile in the API.
type profileJSON = board.ProfileRecord

// saveProfile stores a holder's profile (see board.Board.SaveProfile); a
// profile refused comes back as what to fix, by field.
func (s *Server) saveProfile(ctx context.Context, me *auth.User, p board.Profile) (int, map[string]string, error) {
	version, err := s.board.SaveProfile(ctx, me, p)
	if errs := profileErrors(err); errs != nil {
		return 0, errs, nil
	}
	return version, nil, err
}

// profileErrors returns what to fix, by field, of a profile refused; nil
// for any other error.
func profileErrors(err error) map[string]string {
	var ie *certboard.Error
	if errors.As(err, &ie) && ie.Code == certboard.Invalid && len(ie.Fields) > 0 {
		return ie.Fields
	}
	return nil
}

// profileView is what the profile page shows besides the form.
type profileView struct {
	Specialties []board.Option
	Languages   []board.Option
	Checked     map[string]bool
	// HasPublic says whether the holder has a public credential now.
	HasPublic bool
	Listed    bool
}

func profileForm(p *board.Profile) url.Values {
	f := url.Values{"display_name": {p.DisplayName}, "city": {p.City}, "region": {p.Region}, "country": {p.Country},
		"specialties": p.Specialties, "practice": {p.Practice}, "statement": {p.Statement}, "website": {p.Website}, "email": {p.Email},
		"version": {strconv.Itoa(p.Version)}}
	var langs []string
	for _, l := range p.Languages {
		langs = append(langs, board.OptionLabel(board.Languages, l))
	}
	f.Set("languages", strings.Join(langs, ", "))
	if p.Telehealth {
		f.Set("telehealth", "true")
	}
	if p.AcceptingReferrals {
		f.Set("accepting_referrals", "true")
	}
	if p.Visible {
		f.Set("visible", "true")
	}
	return f
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, form url.Values, errs map[string]string) error {
	u := userFrom(r)
	mine, err := s.board.MyProfile(r.Context(), u)
	if err != nil {
		return err
	}
	p := mine.Profile
	v := profileView{Specialties: board.Specialties, Languages: board.Languages, Checked: map[string]bool{}, HasPublic: mine.HasPublic,
		Listed: mine.Listed}
	if form == nil {
		if p == nil {
			// Not listed until the holder ticks the box: privacy by default.
			p = &board.Profile{DisplayName: u.Name, Practice: u.Workplace}
		}
		form = profileForm(p)
	}
	for _, c := range form["specialties"] {
		v.Checked[c] = true
	}
	s.render(w, r, status, "profile", page{Title: "Your public profile", Form: form, Errors: errs, Data: v})
	return nil
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderProfile(w, r, http.StatusOK, nil, nil)
}

func (s *Server) profileSavePage(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	f := r.PostForm
	version, err := strconv.Atoi(f.Get("version"))
	if err != nil || version < 0 {
		return badInput("version", "reload the page and save again.").WithTitle("Version missing")
	}
	var langs []string
	for _, l := range strings.Split(f.Get("languages"), ",") {
		if strings.TrimSpace(l) != "" {
			langs = append(langs, l)
		}
	}
	p := board.Profile{DisplayName: f.Get("display_name"), City: f.Get("city"), Region: f.Get("region"), Country: f.Get("country"),
		Specialties: f["specialties"], Telehealth: f.Get("telehealth") == "true", Languages: langs, Practice: f.Get("practice"),
		AcceptingReferrals: f.Get("accepting_referrals") == "true",
		Statement:          f.Get("statement"), Website: f.Get("website"), Email: f.Get("email"), Visible: f.Get("visible") == "true", Version: version}
	_, err = s.board.SaveProfile(r.Context(), userFrom(r), p)
	switch errs := profileErrors(err); {
	case errs != nil:
		errs[""] = "The profile was not saved: " + asError(err).Message
		return s.renderProfile(w, r, http.StatusUnprocessableEntity, f, errs)
	case errors.Is(err, certboard.ErrConflict):
		return conflict("Changed elsewhere", "Your profile was saved from another page since you opened this one; reload it and save again.")
	case err != nil:
		return err
	}
	redirect(w, r, "/account/profile", "Saved your public profile.")
	return nil
}

func (s *Server) profileAPI(w http.ResponseWriter, r *http.Request) error {
	mine, err := s.board.MyProfile(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	if mine.Profile == nil {
		return notFound("No profile yet", "You have no public profile yet; create it with PUT /api/v1/profile and version 0.")
	}
	writeJSON(w, mine.Profile.Record(mine.Listed))
	return nil
}

// maxProfileBody bounds a profile sent to the API: a profile within every
// field's limit is about 2,600 characters, up to 12 bytes each when a
// client escapes them (\ud83d\ude00), so the 8 KiB of other requests is
// too little.
const maxProfileBody = 64 << 10

func (s *Server) profileSaveAPI(w http.ResponseWriter, r *http.Request) error {
	var in profileJSON
	if !decodeBody(w, r, &in, "display_name, city, region, country, specialties, telehealth, accepting_referrals, "+
		"languages, practice, statement, website, email, visible and version (0 for a first save)", maxProfileBody) {
		return nil
	}
	if in.Version < 0 {
		return badInput("version", "give the version you read, or 0 for a first save.").WithTitle("Invalid request")
	}
	_, err := s.board.SaveProfile(r.Context(), userFrom(r), in.Profile())
	switch errs := profileErrors(err); {
	case errs != nil:
		return refusedForm("Invalid profile", asError(err).Message, errs)
	case errors.Is(err, certboard.ErrConflict):
		return conflict("Changed elsewhere", err.Error())
	case err != nil:
		return err
	}
	return s.profileAPI(w, r)
}

// --- The registry ---

// registryMaxOffset bounds page-number pagination; deeper pages use the
// cursor.
const registryMaxOffset = 100000

// registryParams is a parsed search: the store query and the paging asked.
type registryParams struct {
	Q     board.RegistryQuery
	Page  int
	Limit int
}

// parseRegistry reads a search from the query string; errors name the
// parameter.
func parseRegistry(v url.Values) (*registryParams, error) {
	p := &registryParams{Page: 1, Limit: 20}
	// Licence numbers are not public: the registry is searched by them
	// only through the regulators' search, which is audited.
	for _, k := range []string{"licence_number", "license_number", "licence", "license"} {
		if v.Has(k) {
			return nil, fmt.Errorf("%s: licence numbers are not public; regulators search by licence number at /regulator/search", k)
		}
	}
	trim := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	p.Q = board.RegistryQuery{Q: trim("q"), Credential: trim("credential"), City: trim("city"), Region: trim("region"),
		Country: strings.ToUpper(trim("country")), Specialty: trim("specialty"), Telehealth: trim("telehealth"),
		Accepting: trim("accepting")}
	if len(p.Q.Q) > 200 {
		return nil, errors.New("q: at most 200 characters")
	}
	for _, k := range []string{"credential", "city", "region"} {
		if len(v.Get(k)) > 100 {
			return nil, fmt.Errorf("%s: at most 100 characters", k)
		}
	}
	if c := p.Q.Country; c != "" && !slices.Contains(board.Countries, c) {
		return nil, errors.New("country: give a two-letter ISO 3166 code such as US, CA or GB")
	}
	if sp := p.Q.Specialty; sp != "" && !slices.ContainsFunc(board.Specialties, func(o board.Option) bool { return o.Code == sp }) {
		return nil, fmt.Errorf("specialty: %q is not a specialty code the registry knows", sp)
	}
	if l := trim("language"); l != "" {
		code, ok := board.LanguageCode(l)
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
	switch p.Q.Accepting {
	case "", "yes", "no":
	default:
		return nil, errors.New("accepting: say yes (accepting referrals) or no, or leave it out")
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
	ID   int64  `json:"id"`
	Name string `json:"name"`
	board.ProfileFields
	Credentials []registryCredentialJSON `json:"credentials"`
}

// credentialName is the name of a set's credential for people.
func (s *Server) credentialName(setID string) string {
	if set := s.sets().Latest(setID); set != nil && set.Title != "" {
		return set.Title
	}
	return setID
}

func (s *Server) registryEntry(l *board.Listing, now time.Time) registryEntryJSON {
	e := registryEntryJSON{ID: l.HolderID, Name: l.DisplayName, ProfileFields: l.Fields(), Credentials: []registryCredentialJSON{}}
	for _, c := range l.Credentials {
		st := c.StatusAt(now)
		cj := registryCredentialJSON{ID: c.ID, URL: s.mount.Path("/credentials/" + c.ID), Credential: c.SetID, Name: s.credentialName(c.SetID),
			Status: st, Valid: st == board.StatusValid, IssuedAt: c.IssuedAt.UTC().Format(time.RFC3339)}
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
	res, err := s.board.SearchRegistry(ctx, p.Q)
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

func (s *Server) registryAPI(w http.ResponseWriter, r *http.Request) error {
	p, err := parseRegistry(r.URL.Query())
	if err != nil {
		return &certboard.Error{Code: certboard.Malformed, Title: "Invalid search", Message: err.Error()}
	}
	res, err := s.searchRegistry(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, res)
	return nil
}

// registryPageView is what the registry page shows.
type registryPageView struct {
	Result      *registryResult
	Searched    bool
	Specialties []board.Option
	Languages   []board.Option
	Credentials []board.Option
	Prev, Next  string
	From, To    int
}

// SpecialtyLabel names a specialty code.
func (registryPageView) SpecialtyLabel(code string) string {
	return board.OptionLabel(board.Specialties, code)
}

// LanguageLabel names a language code.
func (registryPageView) LanguageLabel(code string) string {
	return board.OptionLabel(board.Languages, code)
}

func (s *Server) registryPage(w http.ResponseWriter, r *http.Request) error {
	v := registryPageView{Specialties: board.Specialties, Languages: board.Languages}
	for _, id := range s.sets().IDs() {
		v.Credentials = append(v.Credentials, board.Option{Code: id, Label: s.credentialName(id)})
	}
	query := r.URL.Query()
	form := url.Values{}
	for _, k := range []string{"q", "credential", "city", "region", "country", "specialty", "telehealth", "accepting", "language"} {
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
		return nil
	}
	res, err := s.searchRegistry(r.Context(), p)
	if err != nil {
		return err
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
	return nil
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

func (s *Server) registryCSV(w http.ResponseWriter, r *http.Request) error {
	listings, err := s.board.ExportRegistry(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	now := s.now()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="registry-`+now.UTC().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"holder_id", "name", "practice", "city", "region", "country", "specialties", "telehealth", "languages",
		"website", "email", "credential_id", "credential", "credential_name", "status", "issued_at", "valid_until", "url",
		"accepting_referrals"})
	for l, err := range listings {
		if err != nil {
			// The header is sent: say so in the file, and log.
			s.cfg.Log.Error("registry export", "error", err)
			_ = cw.Write([]string{"error: the export stopped early; try again"})
			break
		}
		e := s.registryEntry(l, now)
		tele, accepting := "no", "no"
		if e.Telehealth {
			tele = "yes"
		}
		if e.AcceptingReferrals {
			accepting = "yes"
		}
		for _, c := range e.Credentials {
			row := []string{strconv.FormatInt(e.ID, 10), e.Name, e.Practice, e.City, e.Region, e.Country, strings.Join(e.Specialties, " "),
				tele, strings.Join(e.Languages, " "), e.Website, e.Email, c.ID, c.Credential, c.Name, c.Status, c.IssuedAt, c.ValidUntil,
				s.publicBase() + "/credentials/" + c.ID, accepting}
			for j := range row {
				row[j] = csvSafe(row[j])
			}
			_ = cw.Write(row)
		}
	}
	cw.Flush()
	return nil
}
