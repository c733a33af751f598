package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/requirements"
	kit "github.com/certboard/certboard/web"
)

// The board admin uploads and publishes requirement-set versions, gives
// accounts their roles, and keeps the board's own details.

// adminRoutes registers the board admin's pages and API.
func (s *Server) adminRoutes() {
	s.route("GET /admin", Admin, s.handle(s.adminHome))
	s.route("GET /admin/sets", Admin, s.handle(s.adminSetsPage))
	s.route("POST /admin/sets", Admin, s.handle(s.adminUploadPage))
	s.route("GET /admin/sets/{upload}/preview", Admin, s.handle(s.adminPreviewPage))
	s.route("POST /admin/sets/{upload}/publish", Admin, s.handle(s.adminPublishPage))
	s.route("GET /admin/users", Admin, s.handle(s.adminUsersPage))
	s.route("POST /admin/users/{uid}", Admin, s.handle(s.adminUserPage))
	s.route("GET /admin/board", Admin, s.handle(s.adminBoardPage))
	s.route("POST /admin/board", Admin, s.handle(s.adminBoardSavePage))
	s.route("GET /api/v1/admin/sets", Admin, s.handle(s.adminSetsAPI))
	s.route("POST /api/v1/admin/sets", Admin, s.handle(s.adminUploadAPI))
	s.route("GET /api/v1/admin/sets/{upload}/preview", Admin, s.handle(s.adminPreviewAPI))
	s.route("POST /api/v1/admin/sets/{upload}/publish", Admin, s.handle(s.adminPublishAPI))
	s.route("GET /api/v1/admin/users", Admin, s.handle(s.adminUsersAPI))
	s.route("PATCH /api/v1/admin/users/{uid}", Admin, s.handle(s.adminUserAPI))
	s.route("GET /api/v1/admin/board", Admin, s.handle(s.adminBoardAPI))
	s.route("PUT /api/v1/admin/board", Admin, s.handle(s.adminBoardSaveAPI))
}

// PublishedSets is what LoadPublishedSets reads: the store's uploads of
// requirement sets (board/boardsql.Store has it).
type PublishedSets interface {
	SetUploads(ctx context.Context, publishedOnly bool) ([]*board.SetUpload, error)
}

// LoadPublishedSets returns base with every published upload added, in the
// order they were published; certboard serve calls it at start. An upload
// that no longer loads is an error: the board published it, and its
// applicants may be judged by it.
func LoadPublishedSets(ctx context.Context, st PublishedSets, base *requirements.Catalog) (*requirements.Catalog, error) {
	ups, err := st.SetUploads(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("reading published requirement sets: %w", err)
	}
	reg := base
	for _, up := range ups {
		set, err := requirements.Parse(board.UploadFile(up), []byte(up.YAML))
		if err != nil {
			return nil, fmt.Errorf("published requirement set %s version %s (upload %d) no longer loads:\n%w", up.SetID, up.Version, up.ID, err)
		}
		if reg, err = reg.With(set); err != nil {
			return nil, fmt.Errorf("published requirement set %s version %s (upload %d) does not fit the others:\n%w", up.SetID, up.Version, up.ID, err)
		}
	}
	return reg, nil
}

// boardName is the board's name for pages: the name an admin gave, or
// "certboard" until then (board.NameForPages).
func (s *Server) boardName(ctx context.Context) string {
	return s.board.NameForPages(ctx)
}

// --- Home ---

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	c, err := s.board.AdminCounts(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin", page{Title: "Administration", Data: c})
	return nil
}

// --- Requirement sets ---

// adminVersion is one set version in force.
type adminVersion struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	Version       string `json:"version"`
	EffectiveFrom string `json:"effective_from"`
	EffectiveTo   string `json:"effective_to,omitempty"`
	// Source is "shipped" (embedded in certboard) or "upload".
	Source   string `json:"source"`
	UploadID int64  `json:"upload_id,omitempty"`
}

// adminUpload is one upload as the admin pages and API show it.
type adminUpload struct {
	ID            int64  `json:"id"`
	SetID         string `json:"set_id"`
	Version       string `json:"version"`
	Title         string `json:"title,omitempty"`
	EffectiveFrom string `json:"effective_from,omitempty"`
	EffectiveTo   string `json:"effective_to,omitempty"`
	UploadedBy    string `json:"uploaded_by"`
	UploadedAt    string `json:"uploaded_at"`
	Status        string `json:"status"` // draft or published
	PublishedAt   string `json:"published_at,omitempty"`
	// Problem says why the YAML no longer loads, if it does not.
	Problem string `json:"problem,omitempty"`
}

func adminShowUpload(up *board.SetUpload) adminUpload {
	out := adminUpload{ID: up.ID, SetID: up.SetID, Version: up.Version, UploadedBy: up.UploadedByName,
		UploadedAt: up.UploadedAt.UTC().Format("2006-01-02 15:04 UTC"), Status: "draft"}
	if up.Published() {
		out.Status, out.PublishedAt = "published", up.PublishedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	if set, err := requirements.Parse(board.UploadFile(up), []byte(up.YAML)); err != nil {
		out.Problem = err.Error()
	} else {
		out.Title, out.EffectiveFrom, out.EffectiveTo = set.Title, set.EffectiveFrom.String(), set.EffectiveTo.String()
	}
	return out
}

// adminSetsData is the list of set versions in force and of uploads.
type adminSetsData struct {
	InForce []adminVersion `json:"requirement_sets"`
	Uploads []adminUpload  `json:"uploads"`
}

func (s *Server) adminSetsData(ctx context.Context, me *auth.User) (*adminSetsData, error) {
	ups, err := s.board.SetUploads(ctx, me)
	if err != nil {
		return nil, err
	}
	uploaded := map[[2]string]int64{}
	out := &adminSetsData{InForce: []adminVersion{}, Uploads: []adminUpload{}}
	for _, up := range ups {
		if up.Published() {
			uploaded[[2]string{up.SetID, up.Version}] = up.ID
		}
		out.Uploads = append(out.Uploads, adminShowUpload(up))
	}
	reg := s.sets()
	for _, id := range reg.IDs() {
		for _, v := range reg.Versions(id) {
			av := adminVersion{ID: v.ID, Title: v.Title, Version: v.Version, EffectiveFrom: v.EffectiveFrom.String(),
				EffectiveTo: v.EffectiveTo.String(), Source: "shipped"}
			if n, ok := uploaded[[2]string{v.ID, v.Version}]; ok {
				av.Source, av.UploadID = "upload", n
			}
			out.InForce = append(out.InForce, av)
		}
	}
	return out, nil
}

func (s *Server) adminSetsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminSets(w, r, http.StatusOK, nil, nil)
}

// adminSetsView is the sets page: the lists, and the problems of a
// refused upload.
type adminSetsView struct {
	*adminSetsData
	Problems requirements.Problems
}

func (s *Server) renderAdminSets(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, problems requirements.Problems) error {
	d, err := s.adminSetsData(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	s.render(w, r, status, "admin_sets", page{Title: "Requirement sets", Data: adminSetsView{d, problems}, Errors: errs, Form: r.PostForm})
	return nil
}

func (s *Server) adminSetsAPI(w http.ResponseWriter, r *http.Request) error {
	d, err := s.adminSetsData(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	writeJSON(w, d)
	return nil
}

// adminMaxSetYAML is the largest requirement set accepted: the most the
// loader reads.
const adminMaxSetYAML = requirements.MaxSetSize

func (s *Server) adminUploadPage(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, adminMaxSetYAML+64<<10)
	file, field, data := "pasted.yaml", "yaml", []byte(nil)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		if err := r.ParseMultipartForm(adminMaxSetYAML); err != nil {
			s.pageError(w, r, http.StatusBadRequest, "The form could not be read", "Send the form again; the file may be too large (at most 1 MiB).")
			return nil
		}
		defer r.MultipartForm.RemoveAll()
		if f, hdr, err := r.FormFile("file"); err == nil && hdr.Size > 0 {
			defer f.Close()
			if data, err = io.ReadAll(io.LimitReader(f, adminMaxSetYAML+1)); err != nil {
				return err
			}
			if len(data) > adminMaxSetYAML {
				return s.renderAdminSets(w, r, http.StatusRequestEntityTooLarge, map[string]string{"file": "file: at most 1 MiB"}, nil)
			}
			file, field = path.Base(strings.ReplaceAll(hdr.Filename, `\`, "/")), "file"
		}
	} else if err := s.form(w, r); err != nil {
		return err
	}
	if len(data) == 0 {
		data = []byte(r.PostForm.Get("yaml"))
	}
	up, err := s.board.UploadSet(r.Context(), userFrom(r), file, data)
	var f *certboard.Error
	switch {
	case errors.As(err, &f):
		return s.renderAdminSets(w, r, f.Answer().Status, map[string]string{field: f.Message}, problemsOf(f))
	case err != nil:
		return err
	}
	redirect(w, r, fmt.Sprintf("/admin/sets/%d/preview", up.ID),
		fmt.Sprintf("Uploaded %s version %s as a draft. Check how it would change open applications before publishing it.", up.SetID, up.Version))
	return nil
}

// adminUploadAPI takes a set's YAML as the request body.
func (s *Server) adminUploadAPI(w http.ResponseWriter, r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !slices.Contains([]string{"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}, mt) {
		return &certboard.Error{Code: certboard.Unsupported, Title: "YAML expected",
			Message: "Send the requirement set as the body, with Content-Type: application/yaml."}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, adminMaxSetYAML))
	if err != nil {
		le := jsonlimit.SizeError(adminMaxSetYAML)
		refuseOverLimit(w, le, "the requirement set is "+le.Error())
		return nil
	}
	file := "upload.yaml"
	if name := r.URL.Query().Get("filename"); name != "" {
		file = path.Base(name)
	}
	up, err := s.board.UploadSet(r.Context(), userFrom(r), file, data)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", kit.MountFrom(r).Path(fmt.Sprintf("/api/v1/admin/sets/%d/preview", up.ID)))
	w.WriteHeader(http.StatusCreated)
	writeJSON(w, map[string]any{"upload": adminShowUpload(up)})
	return nil
}

// adminUploadID reads the {upload} path value.
func adminUploadID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("upload"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("Upload not found", "No upload has id "+strconv.Quote(r.PathValue("upload"))+".")
	}
	return id, nil
}

// adminPreview is how publishing an upload would change the verdicts of
// the applications of its set (see board.Preview).
type adminPreview struct {
	Upload adminUpload `json:"upload"`
	AsOf   string      `json:"as_of"`
	// Open are submitted applications not yet decided, Drafts the ones not
	// yet submitted; only those whose verdict would change are listed.
	Open          []board.PreviewRow `json:"open"`
	Drafts        []board.PreviewRow `json:"drafts"`
	OpenCount     int                `json:"open_evaluated"`
	DraftCount    int                `json:"drafts_evaluated"`
	NotEvaluated  []board.PreviewRow `json:"not_evaluated"`
	Publishable   bool               `json:"publishable"`
	PublishDetail string             `json:"publish_problem,omitempty"`
}

// adminPreviewOf reads the upload named by the {upload} path value and
// previews it.
func (s *Server) adminPreviewOf(r *http.Request) (*board.Preview, *adminPreview, error) {
	id, err := adminUploadID(r)
	if err != nil {
		return nil, nil, err
	}
	pv, err := s.board.PreviewUpload(r.Context(), userFrom(r), id)
	if err != nil {
		return nil, nil, err
	}
	return pv, &adminPreview{Upload: adminShowUpload(pv.Upload), AsOf: pv.AsOf.String(), Open: pv.Open, Drafts: pv.Drafts,
		OpenCount: pv.OpenCount, DraftCount: pv.DraftCount, NotEvaluated: pv.NotEvaluated, Publishable: pv.Publishable,
		PublishDetail: pv.PublishProblem}, nil
}

func (s *Server) adminPreviewPage(w http.ResponseWriter, r *http.Request) error {
	pv, out, err := s.adminPreviewOf(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin_set_preview", page{Title: fmt.Sprintf("%s version %s", pv.Set.ID, pv.Set.Version), Data: out})
	return nil
}

func (s *Server) adminPreviewAPI(w http.ResponseWriter, r *http.Request) error {
	_, out, err := s.adminPreviewOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, out)
	return nil
}

// adminPublish publishes the upload named by the {upload} path value.
func (s *Server) adminPublish(r *http.Request) (*board.SetUpload, *requirements.Set, error) {
	id, err := adminUploadID(r)
	if err != nil {
		return nil, nil, err
	}
	return s.board.PublishUpload(r.Context(), userFrom(r), id)
}

func (s *Server) adminPublishPage(w http.ResponseWriter, r *http.Request) error {
	_, set, err := s.adminPublish(r)
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/sets", fmt.Sprintf("Published %s version %s; it is in force from %s.", set.ID, set.Version, set.EffectiveFrom))
	return nil
}

func (s *Server) adminPublishAPI(w http.ResponseWriter, r *http.Request) error {
	up, _, err := s.adminPublish(r)
	if err != nil {
		return err
	}
	writeJSON(w, map[string]any{"upload": adminShowUpload(up)})
	return nil
}

// --- Users and roles ---

// adminUserJSON is an account as the admin sees it.
type adminUserJSON struct {
	ID        int64       `json:"id"`
	Email     string      `json:"email"`
	Name      string      `json:"name"`
	Roles     []auth.Role `json:"roles"`
	Practice  string      `json:"practice"`
	TwoFactor bool        `json:"two_factor"`
	Verified  bool        `json:"email_verified"`
	Version   int         `json:"version"`
}

func adminShowUser(u *auth.User) adminUserJSON {
	roles := u.Roles
	if roles == nil {
		roles = []auth.Role{}
	}
	return adminUserJSON{ID: u.ID, Email: u.Email, Name: u.Name, Roles: roles, Practice: u.Workplace, TwoFactor: u.TwoFactor(),
		Verified: !u.EmailVerifiedAt.IsZero(), Version: u.Version}
}

// adminUserRow is one account on the users page.
type adminUserRow struct {
	*auth.User
	Roles []adminRoleBox
	Self  bool
}

// adminRoleBox is one role checkbox.
type adminRoleBox struct {
	Role    auth.Role
	Checked bool
}

// adminUsersLimit is how many accounts a search shows.
const adminUsersLimit = 100

func (s *Server) adminUsersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminUsers(w, r, http.StatusOK, nil)
}

// adminUsersView is the users page.
type adminUsersView struct {
	Query   string
	Rows    []adminUserRow
	Limited bool
}

func (s *Server) renderAdminUsers(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	q := r.URL.Query().Get("q")
	users, err := s.board.SearchUsers(r.Context(), userFrom(r), q, adminUsersLimit+1)
	if err != nil {
		return err
	}
	v := adminUsersView{Query: q, Limited: len(users) > adminUsersLimit}
	if v.Limited {
		users = users[:adminUsersLimit]
	}
	me := userFrom(r)
	for _, u := range users {
		row := adminUserRow{User: u, Self: u.ID == me.ID}
		for _, role := range auth.Roles {
			row.Roles = append(row.Roles, adminRoleBox{Role: role, Checked: u.HasRole(role)})
		}
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, status, "admin_users", page{Title: "Users and roles", Data: v, Errors: errs})
	return nil
}

func (s *Server) adminUsersAPI(w http.ResponseWriter, r *http.Request) error {
	users, err := s.board.SearchUsers(r.Context(), userFrom(r), r.URL.Query().Get("q"), adminUsersLimit)
	if err != nil {
		return err
	}
	out := []adminUserJSON{}
	for _, u := range users {
		out = append(out, adminShowUser(u))
	}
	writeJSON(w, map[string]any{"users": out})
	return nil
}

// changeUser applies an admin's change of roles and practice to an
// account (see board.ChangeUser).
func (s *Server) changeUser(ctx context.Context, me *auth.User, uid int64, c board.UserChange) (*auth.User, error) {
	return s.board.ChangeUser(ctx, me, uid, c)
}

// adminUserPage takes the roles form of one account.
func (s *Server) adminUserPage(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	uid, err := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	if err != nil {
		return notFound("Account not found", "No account has id "+strconv.Quote(r.PathValue("uid"))+".")
	}
	version, err := parseVersion(r.PostForm.Get("version"))
	if err != nil {
		return err
	}
	roles, practice := r.PostForm["roles"], r.PostForm.Get("practice")
	if roles == nil {
		roles = []string{}
	}
	u, err := s.changeUser(r.Context(), userFrom(r), uid, board.UserChange{Roles: &roles, Practice: &practice, Version: version})
	if err != nil {
		status, errs, ok := formErrors(err, "")
		if !ok {
			return err
		}
		r.URL.RawQuery = url.Values{"q": {r.PostForm.Get("q")}}.Encode()
		return s.renderAdminUsers(w, r, status, errs)
	}
	back := "/admin/users"
	if q := r.PostForm.Get("q"); q != "" {
		back += "?q=" + url.QueryEscape(q)
	}
	msg := fmt.Sprintf("Saved the roles of %s: %s.", u.Name, auth.JoinRoles(u.Roles, ", "))
	if len(u.Roles) == 0 {
		msg = fmt.Sprintf("Saved: %s now holds no role.", u.Name)
	}
	if needsTwoFactor(u) && !u.TwoFactor() {
		msg += " They must turn on two-factor sign-in before they can use staff, admin or regulator pages."
	}
	redirect(w, r, back, msg)
	return nil
}

// adminUserAPI changes one account's roles or practice.
func (s *Server) adminUserAPI(w http.ResponseWriter, r *http.Request) error {
	uid, err := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	if err != nil {
		return notFound("Account not found", "No account has id "+strconv.Quote(r.PathValue("uid"))+".")
	}
	var in struct {
		Roles    *[]string `json:"roles"`
		Practice *string   `json:"practice"`
		Version  int       `json:"version"`
	}
	if !decodeBody(w, r, &in, "roles, practice and version", maxAPIBody) {
		return nil
	}
	version, err := checkVersion(in.Version)
	var u *auth.User
	if err == nil {
		u, err = s.changeUser(r.Context(), userFrom(r), uid, board.UserChange{Roles: in.Roles, Practice: in.Practice, Version: version})
	}
	if err != nil {
		return err
	}
	writeJSON(w, map[string]any{"user": adminShowUser(u)})
	return nil
}

// --- Board details ---

func (s *Server) adminBoardPage(w http.ResponseWriter, r *http.Request) error {
	b, err := s.board.Settings(r.Context())
	if err != nil {
		return err
	}
	form := url.Values{"name": {b.Name}, "short_name": {b.ShortName}, "contact_email": {b.ContactEmail}, "postal_address": {b.PostalAddress},
		"website": {b.Website}, "version": {strconv.Itoa(b.Version)}}
	s.render(w, r, http.StatusOK, "admin_board", page{Title: "The board's details", Form: form})
	return nil
}

func (s *Server) adminBoardSavePage(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var version int
	var err error
	if raw := f.Get("version"); raw != "0" { // 0: the details were never saved
		if version, err = parseVersion(raw); err != nil {
			return err
		}
	}
	_, err = s.board.SaveSettings(r.Context(), userFrom(r), board.BoardSettings{Name: f.Get("name"), ShortName: f.Get("short_name"),
		ContactEmail: f.Get("contact_email"), PostalAddress: f.Get("postal_address"), Website: f.Get("website"), Version: version})
	var ie *certboard.Error
	switch {
	case errors.As(err, &ie) && len(ie.Fields) > 0:
		s.render(w, r, ie.Answer().Status, "admin_board", page{Title: "The board's details", Errors: ie.Fields, Form: r.PostForm})
		return nil
	case err != nil:
		return err
	}
	redirect(w, r, "/admin/board", "Saved the board's details.")
	return nil
}

func (s *Server) adminBoardAPI(w http.ResponseWriter, r *http.Request) error {
	b, err := s.board.Settings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, b)
	return nil
}

func (s *Server) adminBoardSaveAPI(w http.ResponseWriter, r *http.Request) error {
	var in board.BoardSettings
	if !decodeBody(w, r, &in, "name, short_name, contact_email, postal_address, website and version (0 before the first save)", maxAPIBody) {
		return nil
	}
	b, err := s.board.SaveSettings(r.Context(), userFrom(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, b)
	return nil
}
