package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/web/evidenceform"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
	kit "github.com/certboard/certboard/web"
)

// applicantRoutes registers the applicant's pages and API: starting an
// application, building the portfolio item by item, import and export, the
// live eligibility dashboard, and submitting.
func (s *Server) applicantRoutes() {
	s.route("GET /applications", Authenticated, s.handle(s.myApplications))
	s.route("POST /applications", Authenticated, s.handle(s.startApplication))
	s.route("GET /applications/{id}", Authenticated, s.handle(s.dashboard))
	s.route("GET /applications/{id}/evidence/{list}", Authenticated, s.handle(s.evidenceList))
	s.route("GET /applications/{id}/evidence/{list}/new", Authenticated, s.handle(s.itemForm))
	s.route("POST /applications/{id}/evidence/{list}", Authenticated, s.handle(s.saveItem))
	s.route("GET /applications/{id}/evidence/{list}/{item}/edit", Authenticated, s.handle(s.itemForm))
	s.route("POST /applications/{id}/evidence/{list}/{item}", Authenticated, s.handle(s.saveItem))
	s.route("POST /applications/{id}/evidence/{list}/{item}/delete", Authenticated, s.handle(s.deleteItem))
	s.route("GET /applications/{id}/export", Authenticated, s.handle(s.exportPortfolio))
	s.route("GET /applications/{id}/import", Authenticated, s.handle(s.importForm))
	s.route("POST /applications/{id}/import", Authenticated, s.handle(s.importPortfolio))
	s.route("POST /applications/{id}/actions/{action}", Authenticated, s.handle(s.ownerAction))

	s.route("POST /api/v1/applications", Authenticated, s.handle(s.apiStartApplication))
	s.route("GET /api/v1/applications/{id}/portfolio", Authenticated, s.handle(s.exportPortfolio))
	s.route("PUT /api/v1/applications/{id}/portfolio", Authenticated, s.handle(s.importPortfolio))
	s.route("POST /api/v1/applications/{id}/evidence/{list}", Authenticated, s.handle(s.apiAddItem))
	s.route("DELETE /api/v1/applications/{id}/evidence/{list}/{item}", Authenticated, s.handle(s.deleteItem))
	s.route("GET /api/v1/applications/{id}/eligibility", Authenticated, s.handle(s.apiEligibility))
}

// editable reports whether the applicant may change the portfolio now.
func editable(state board.State) bool { return board.Editable(state) }

type applicationsView struct {
	Applications []*board.Application
	Sets         []*requirements.Set
	Credentials  []*board.IssuedCredential
	// Now is when the page was made, to judge expiry (StandingAt).
	Now time.Time
}

func (s *Server) myApplications(w http.ResponseWriter, r *http.Request) error {
	apps, creds, err := s.board.MyApplications(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "applications", page{Title: "My applications",
		Data: applicationsView{Applications: apps, Sets: s.board.ApplicationSets(), Credentials: creds, Now: s.now()}})
	return nil
}

func (s *Server) startApplication(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	app, err := s.board.StartApplication(r.Context(), userFrom(r), r.PostForm.Get("set_id"))
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/applications/%d", app.ID), "Application started. Add your evidence below; the dashboard shows what each requirement still needs.")
	return nil
}

func (s *Server) apiStartApplication(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		SetID string `json:"set_id"`
	}
	if !decodeBody(w, r, &in, "set_id", maxAPIBody) {
		return nil
	}
	app, err := s.board.StartApplication(r.Context(), userFrom(r), in.SetID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", kit.MountFrom(r).Path(fmt.Sprintf("/api/v1/applications/%d", app.ID)))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": app.ID, "set_id": app.SetID, "state": app.State, "version": app.Version})
	return nil
}

// itemView is one evidence item on the dashboard.
type itemView struct {
	ID, Label, Summary, State, Note string
}

// listView is one evidence list, or a part of it (see evidencelist.go).
type listView struct {
	evidenceform.List
	Items  []itemView   // the items shown
	Total  int          // the items the list holds
	States []stateCount // the list's items by verification state
	First  int          // the position of the first item shown, from 1
	Last   int          // and of the last
}

// same reports whether two views of a list show the same.
func (l listView) same(o listView) bool {
	return l.List == o.List && l.Total == o.Total && l.First == o.First && l.Last == o.Last && slices.Equal(l.Items, o.Items) && slices.Equal(l.States, o.States)
}

type dashboardView struct {
	App      *board.Application
	Eval     *evaluation
	Report   template.HTML // the rendered eligibility report
	Progress template.HTML // the rendered progress at a glance
	Evidence template.HTML // the rendered evidence tables
	Editable bool
	Lists    []listView
	Person   portfolio.Person
	Events   []board.Event
	Actions  []string
	// Request is the board's latest request for information, when one is open.
	Request string
	// Credential is the credential issued for the application once it is
	// approved.
	Credential *board.IssuedCredential
}

// dateType is the type of the portfolio's dates.
var dateType = reflect.TypeFor[date.Date]()

// itemSummary is the dates and hours of an item, for the evidence tables.
func itemSummary(item any) string {
	v := reflect.ValueOf(item).Elem()
	var parts []string
	for _, f := range []string{"Date", "Conferred", "Signed", "Start", "From", "ValidFrom"} {
		if fv := v.FieldByName(f); fv.IsValid() && fv.Type() == dateType && !fv.Interface().(date.Date).IsZero() {
			d := fv.Interface().(date.Date).String()
			for _, to := range []string{"To", "End", "ValidTo"} {
				if tv := v.FieldByName(to); tv.IsValid() && tv.Type() == dateType && !tv.Interface().(date.Date).IsZero() {
					d += " to " + tv.Interface().(date.Date).String()
				}
			}
			parts = append(parts, d)
			break
		}
	}
	if h := v.FieldByName("Hours"); h.IsValid() && h.Kind() == reflect.Float64 {
		parts = append(parts, formatNum(h.Float())+" h")
	}
	for _, f := range []string{"Kind", "Format", "Modality", "Level", "Outcome"} {
		if fv := v.FieldByName(f); fv.IsValid() && fv.Kind() == reflect.String && fv.String() != "" {
			parts = append(parts, strings.ReplaceAll(fv.String(), "_", " "))
			break
		}
	}
	return strings.Join(parts, " · ")
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	app, ev, err := s.ownEvaluation(r)
	if err != nil {
		return err
	}
	u := userFrom(r)
	events, err := s.board.OwnHistory(r.Context(), u, app)
	if err != nil {
		return err
	}
	// Who reviews an application and how they voted is the board's business.
	events = slices.DeleteFunc(events, func(e board.Event) bool { return boardOnlyEvent(e.Action) })
	v := dashboardView{App: app, Eval: ev, Editable: editable(app.State), Events: events, Person: ev.Portfolio.Person}
	if v.Credential, err = s.board.IssuedFor(r.Context(), u, app); err != nil {
		return err
	}
	for _, a := range board.Possible(app.State, board.Actor{Roles: u.Roles, IsOwner: true}) {
		if a != "none" && slices.Contains([]string{"submit", "withdraw", "answer_info"}, a) {
			v.Actions = append(v.Actions, a)
		}
	}
	if app.State == board.InfoRequested {
		for _, e := range events {
			if e.Action == string(board.RequestInfo) {
				v.Request = e.Message
			}
		}
	}
	if v.Report, err = s.reportHTML(ev); err != nil {
		return err
	}
	if v.Progress, err = s.progressHTML(app.ID, ev); err != nil {
		return err
	}
	if v.Evidence, err = s.evidenceHTML(ev, func() dashboardView {
		e := v
		e.Lists = evidenceViews(ev.Portfolio)
		return e
	}); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "dashboard", page{Title: "Your application: " + ev.Set.Title, Data: v})
	return nil
}

// formView is the evidence item form.
type formView struct {
	App     *board.Application
	List    evidenceform.List
	ItemID  string // empty for a new item
	Fields  []evidenceform.Field
	Action  string
	Version int
}

// listParam reads the {list} path value: an editable list, or "person".
func listParam(r *http.Request) (evidenceform.List, error) {
	name := r.PathValue("list")
	if name == "person" {
		return evidenceform.List{Name: "person", Title: "Your details", Singular: "your details"}, nil
	}
	l, ok := evidenceform.FindList(name)
	if !ok {
		return l, notFound("No such evidence list", fmt.Sprintf("%q is not an evidence list; the lists are person, %s.", name, strings.Join(listNames(), ", ")))
	}
	return l, nil
}

func listNames() []string {
	var out []string
	for _, l := range evidenceform.Lists {
		out = append(out, l.Name)
	}
	return out
}

// ownApp loads the application named by the {id} path value when the
// signed-in user is its applicant (board.OwnApplication); its error says
// not found otherwise.
func (s *Server) ownApp(r *http.Request) (*board.Application, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, notFound("Application not found", "No application has id "+strconv.Quote(r.PathValue("id"))+".")
	}
	return s.board.OwnApplication(r.Context(), userFrom(r), id)
}

// ownEvaluation loads the application named by the {id} path value when
// the signed-in user is its applicant, with the evaluation of its live
// portfolio (board.OwnEvaluation: the portfolio is read and decrypted only
// when that evaluation is not cached); its error says not found otherwise.
// The application's Portfolio and Snapshot may be empty: use the
// evaluation's portfolio.
func (s *Server) ownEvaluation(r *http.Request) (*board.Application, *evaluation, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, notFound("Application not found", "No application has id "+strconv.Quote(r.PathValue("id"))+".")
	}
	return s.board.OwnEvaluation(r.Context(), userFrom(r), id)
}

// editableApp loads the caller's own application and checks that it is
// open to change (board.EditableApplication). The portfolio may be shared
// with the evaluation cache: callers must not change it in place
// (portfolio.WithItem makes a changed copy).
func (s *Server) editableApp(r *http.Request) (*board.Application, *portfolio.Portfolio, error) {
	app, err := s.ownApp(r)
	if err != nil {
		return nil, nil, err
	}
	return s.board.EditableApplication(r.Context(), userFrom(r), app.ID)
}

func (s *Server) setFor(app *board.Application, p *portfolio.Portfolio) *requirements.Set {
	set, _, err := eligibility.Select(s.sets(), app.SetID, p, s.today())
	if err != nil {
		return s.sets().Latest(app.SetID)
	}
	return set
}

func (s *Server) itemForm(w http.ResponseWriter, r *http.Request) error {
	app, p, err := s.editableApp(r)
	if err != nil {
		return err
	}
	l, err := listParam(r)
	if err != nil {
		return err
	}
	values := url.Values{}
	itemID := r.PathValue("item")
	switch {
	case l.Name == "person":
		itemID = p.Person.ID
		values = evidenceform.Values(&p.Person)
	case itemID != "":
		it, found := portfolio.Find(p, itemID)
		if !found || it.List != l.Name {
			return notFound("No such item", fmt.Sprintf("This application has no %s item %q.", l.Name, itemID))
		}
		values = evidenceform.Values(it.Value)
	}
	s.renderItemForm(w, r, http.StatusOK, app, p, l, itemID, values, nil)
	return nil
}

func (s *Server) renderItemForm(w http.ResponseWriter, r *http.Request, status int, app *board.Application, p *portfolio.Portfolio,
	l evidenceform.List, itemID string, values url.Values, errs map[string]string) {
	action := fmt.Sprintf("/applications/%d/evidence/%s", app.ID, l.Name)
	title := "Add " + l.Singular
	if itemID != "" {
		action += "/" + url.PathEscape(itemID)
		title = "Change " + l.Singular
	}
	fields := evidenceform.Fields(l.Name, values, errs, evidenceform.Context{P: p, Set: s.setFor(app, p)})
	s.render(w, r, status, "item_form", page{Title: title, Errors: errs, Form: values,
		Data: formView{App: app, List: l, ItemID: itemID, Fields: fields, Action: action, Version: app.Version}})
}

// keepOtherAreas keeps, when an education activity is edited, the areas it
// has in taxonomies the form did not offer (those of other requirement
// sets), so that editing under one set never erases another set's areas.
func keepOtherAreas(p *portfolio.Portfolio, set *requirements.Set, itemID string, obj map[string]any) {
	if itemID == "" {
		return
	}
	it, ok := portfolio.Find(p, itemID)
	if !ok {
		return
	}
	act, ok := it.Value.(*portfolio.Activity)
	if !ok {
		return
	}
	areas, _ := obj["areas"].(map[string]any)
	for tax, codes := range act.Areas {
		if set != nil && set.Taxonomies[tax] != nil {
			continue // offered on the form: what was posted stands
		}
		if areas == nil {
			areas = map[string]any{}
		}
		list := make([]any, len(codes))
		for i, c := range codes {
			list[i] = c
		}
		areas[tax] = list
	}
	if areas != nil {
		obj["areas"] = areas
	}
}

// withItem returns the portfolio with an item added (itemID empty) or
// replaced, the item decoded strictly in its place and the portfolio
// validated as a whole (portfolio.WithItem: the unchanged items, valid when
// stored, are not decoded again); errs gets the problems by form field. p is
// not changed.
func withItem(p *portfolio.Portfolio, list, itemID string, obj map[string]any, errs map[string]string) (*portfolio.Portfolio, string) {
	index := -1
	var path string
	if list == "person" {
		obj["id"] = p.Person.ID
		path = "$.person"
	} else {
		for _, it := range portfolio.Items(p, list) {
			if itemID != "" && portfolio.ItemID(it.Value) == itemID {
				index = it.Index
			}
		}
		if itemID == "" {
			if given, ok := obj["id"].(string); ok && given != "" {
				itemID = given // an API caller's own id: the decoder and validator check it
			} else {
				prefix := "item"
				if l, ok := evidenceform.FindList(list); ok {
					prefix = l.Prefix
				}
				itemID = portfolio.NewID(p, prefix)
			}
		}
		obj["id"] = itemID // an edited item is claimed again: its verification is not carried over
		at := index
		if at < 0 {
			at = len(portfolio.Items(p, list))
		}
		path = fmt.Sprintf("$.%s[%d]", list, at)
	}
	data, err := json.Marshal(obj)
	if err != nil {
		errs[""] = "the item cannot be written: " + err.Error()
		return nil, ""
	}
	q, err := portfolio.WithItem(p, list, index, data)
	if err != nil {
		evidenceform.FieldErrors(err, path, errs)
		return nil, ""
	}
	return q, itemID
}

// savePortfolio stores an edited portfolio (board.SavePortfolio).
func (s *Server) savePortfolio(ctx context.Context, u *auth.User, app *board.Application, version int, p *portfolio.Portfolio, what string) (int, error) {
	return s.board.SavePortfolio(ctx, u, app, version, p, what)
}

// itemEdit is the shared start of the handlers that change one evidence
// item: the caller's editable application, the list and the version the
// change was made from (read by version from the request).
func (s *Server) itemEdit(r *http.Request, version func() string) (*board.Application, *portfolio.Portfolio, evidenceform.List, int, error) {
	app, p, err := s.editableApp(r)
	if err != nil {
		return nil, nil, evidenceform.List{}, 0, err
	}
	l, err := listParam(r)
	if err != nil {
		return nil, nil, l, 0, err
	}
	v, err := parseVersion(version())
	if err != nil {
		return nil, nil, l, 0, err
	}
	return app, p, l, v, nil
}

func (s *Server) saveItem(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	app, p, l, version, err := s.itemEdit(r, func() string { return r.PostForm.Get("version") })
	if err != nil {
		return err
	}
	itemID := r.PathValue("item")
	if itemID != "" && l.Name != "person" {
		if it, found := portfolio.Find(p, itemID); !found || it.List != l.Name {
			return board.NoSuchItem(app.ID, l.Name, itemID)
		}
	}
	errs := map[string]string{}
	obj := evidenceform.Object(l.Name, r.PostForm, errs)
	keepOtherAreas(p, s.setFor(app, p), itemID, obj)
	var q *portfolio.Portfolio
	if len(errs) == 0 {
		q, itemID = withItem(p, l.Name, itemID, obj, errs)
	}
	if len(errs) > 0 {
		if errs[""] == "" {
			errs[""] = "Some fields need attention; each says what to fix."
		}
		s.renderItemForm(w, r, http.StatusUnprocessableEntity, app, p, l, r.PathValue("item"), r.PostForm, errs)
		return nil
	}
	verb := "added"
	if r.PathValue("item") != "" || l.Name == "person" {
		verb = "changed"
	}
	if _, err := s.savePortfolio(r.Context(), userFrom(r), app, version, q, fmt.Sprintf("%s %s %s", verb, l.Name, itemID)); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/applications/%d#%s", app.ID, l.Name), fmt.Sprintf("Saved: %s %s.", l.Singular, verb))
	return nil
}

func (s *Server) deleteItem(w http.ResponseWriter, r *http.Request) error {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	if !api {
		if err := s.form(w, r); err != nil {
			return err
		}
	}
	app, _, l, version, err := s.itemEdit(r, func() string {
		if api {
			return r.URL.Query().Get("version")
		}
		return r.PostForm.Get("version")
	})
	if err != nil {
		return err
	}
	id := r.PathValue("item")
	newVersion, err := s.board.DeleteItem(r.Context(), userFrom(r), app, version, l.Name, id)
	if err != nil {
		return err
	}
	if api {
		writeJSON(w, map[string]any{"removed": id, "version": newVersion})
		return nil
	}
	redirect(w, r, fmt.Sprintf("/applications/%d#%s", app.ID, l.Name), "Removed "+id+".")
	return nil
}

func (s *Server) apiAddItem(w http.ResponseWriter, r *http.Request) error {
	app, p, err := s.editableApp(r)
	if err != nil {
		return err
	}
	l, ok := evidenceform.FindList(r.PathValue("list"))
	if !ok {
		return notFound("No such evidence list", fmt.Sprintf("%q is not an evidence list; the lists are %s.", r.PathValue("list"), strings.Join(listNames(), ", ")))
	}
	var in struct {
		Version int            `json:"version"`
		Item    map[string]any `json:"item"`
	}
	if !decodeBody(w, r, &in, "version and item", maxAPIBody) {
		return nil
	}
	// The item is bounded as it would be in the portfolio (see
	// portfolio.WithItem): the portfolio and the list are two levels above.
	if err := jsonlimit.CheckValue(in.Item, portfolio.MaxDepth-2); err != nil {
		refuseOverLimit(w, overLimit(err), "the item is "+err.Error())
		return nil
	}
	if in.Version <= 0 || in.Item == nil {
		return &certboard.Error{Code: certboard.Malformed, Title: "Invalid request", Message: "version and item are required: {\"version\": N, \"item\": {...}}"}
	}
	delete(in.Item, "verification")
	if id, _ := in.Item["id"].(string); id != "" {
		if _, taken := portfolio.Find(p, id); taken || id == p.Person.ID {
			return conflict("Id in use", fmt.Sprintf("item.id: %q is already used; leave it out to get a new one", id))
		}
	}
	errs := map[string]string{}
	q, newID := withItem(p, l.Name, "", in.Item, errs)
	if len(errs) > 0 {
		var msgs []string
		for _, k := range slices.Sorted(maps.Keys(errs)) {
			if k == "" {
				msgs = append(msgs, errs[k])
			} else {
				msgs = append(msgs, "item."+k+": "+errs[k])
			}
		}
		return &certboard.Error{Code: certboard.Invalid, Title: "Invalid item", Message: strings.Join(msgs, "; ")}
	}
	v, err := s.savePortfolio(r.Context(), userFrom(r), app, in.Version, q, "added "+l.Name+" "+newID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": newID, "version": v})
	return nil
}

// exportPortfolio sends the live portfolio in the interchange format; a
// peer reviewer gets the submitted snapshot, which is what they judge, never
// the applicant's working copy. Each document the application holds a file
// for names it by SHA-256, so that an import finds it again
// (portfoliodocs.go).
func (s *Server) exportPortfolio(w http.ResponseWriter, r *http.Request) error {
	app, rel, err := s.appFor(r, RelOwner|RelStaff|RelReviewer)
	if err != nil {
		return err
	}
	data := app.Portfolio
	if rel&(RelOwner|RelStaff) == 0 {
		data = app.Snapshot
	}
	data, err = s.exportedPortfolio(r.Context(), app.ID, data)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(app.Version)))
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="application-%d-portfolio.json"`, app.ID))
	}
	_, _ = w.Write(data)
	return nil
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	app, _, err := s.editableApp(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "import", page{Title: "Import a portfolio", Data: importView{App: app}})
	return nil
}

type importView struct {
	App      *board.Application
	Problems []portfolio.FieldError
	// Changes are the person details in which the portfolio posted
	// differs from the application, for the applicant to choose from
	// (importdetails.go); JSON is that portfolio, posted again with the
	// choice.
	Changes []detailChange
	JSON    string
}

// clearVerification makes every item claimed: an applicant cannot verify
// their own evidence by importing it.
func clearVerification(p *portfolio.Portfolio) {
	for _, list := range portfolio.Lists() {
		for _, it := range portfolio.Items(p, list) {
			_ = portfolio.SetVerification(p, portfolio.ItemID(it.Value), portfolio.Verification{})
		}
	}
}

// importPortfolio replaces the live portfolio with an uploaded one (a form
// with a file or pasted JSON, or PUT with a JSON body and If-Match: the
// version). Verification states are dropped (but for documents on file
// that did not change); documents already uploaded are kept, and the
// document items of the import are matched with files (planImportDocs):
// held by the application, copied from the importer's other uploads, or
// not on file.
func (s *Server) importPortfolio(w http.ResponseWriter, r *http.Request) error {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	app, cur, err := s.editableApp(r)
	if err != nil {
		return err
	}
	var data []byte
	var version int
	if api {
		version, err = strconv.Atoi(strings.Trim(r.Header.Get("If-Match"), `"W/`))
		if err != nil {
			return &certboard.Error{Code: certboard.PreconditionRequired, Title: "Version required",
				Message: "If-Match: send the application version you read (the ETag of GET .../portfolio)"}
		}
		data, err = io.ReadAll(http.MaxBytesReader(w, r.Body, portfolio.MaxSize))
		if tooLarge(err) {
			le := jsonlimit.SizeError(portfolio.MaxSize)
			refuseOverLimit(w, le, "the portfolio is "+le.Error())
			return nil
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, portfolio.MaxSize+64<<10)
		if err = r.ParseMultipartForm(portfolio.MaxSize); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return &certboard.Error{Code: certboard.TooLarge, Title: "The portfolio could not be read",
				Message: "Send a JSON file of at most " + jsonlimit.FormatSize(portfolio.MaxSize) + ": " + err.Error()}
		}
		if errors.Is(err, http.ErrNotMultipart) {
			if err = r.ParseForm(); err != nil {
				return &certboard.Error{Code: certboard.Malformed, Title: "The form could not be read", Message: err.Error()}
			}
		}
		if version, err = parseVersion(r.PostForm.Get("version")); err != nil {
			return err
		}
		data = []byte(r.PostForm.Get("json"))
		if f, _, ferr := r.FormFile("file"); ferr == nil {
			// One byte over the limit, for Decode to refuse naming the limit.
			data, err = io.ReadAll(io.LimitReader(f, portfolio.MaxSize+1))
			f.Close()
		}
	}
	if err != nil {
		return &certboard.Error{Code: certboard.Malformed, Title: "Invalid request", Message: err.Error()}
	}
	var problems portfolio.Errors
	var plan *importDocs
	var ask []detailChange
	var kept []string
	p, err := portfolio.Decode(data)
	if len(strings.TrimSpace(string(data))) == 0 {
		problems = portfolio.Errors{{Path: "$", Message: "empty: choose a portfolio JSON file or paste its text"}}
	} else if err != nil {
		var list portfolio.Errors
		var one portfolio.FieldError
		switch {
		case errors.As(err, &list):
			problems = list
		case errors.As(err, &one):
			problems = portfolio.Errors{one}
		default:
			problems = portfolio.Errors{{Path: "$", Message: err.Error()}}
		}
	} else {
		clearVerification(p)
		if !api {
			if ask, kept, err = chooseDetails(r.PostForm, cur, p); err != nil {
				return err
			}
		}
		if plan, problems, err = s.planImportDocs(r.Context(), userFrom(r), app, cur, p); err != nil {
			return err
		}
		if len(problems) == 0 {
			problems = portfolio.Validate(p)
		}
	}
	if len(problems) > 0 {
		status := http.StatusUnprocessableEntity
		if le := overLimit(problems); le != nil {
			if api {
				refuseOverLimit(w, le, problems[0].Message)
				return nil
			}
			status = limitStatus(le)
		}
		if api {
			return &certboard.Error{Code: certboard.Invalid, Title: "Invalid portfolio",
				Message: certboard.Plural(len(problems), "problem", "problems") + "; nothing was changed", Extra: map[string]any{"errors": problems}}
		}
		s.render(w, r, status, "import", page{Title: "Import a portfolio",
			Errors: map[string]string{"": "The portfolio was not imported; nothing was changed. Fix these problems and try again."},
			Data:   importView{App: app, Problems: problems}})
		return nil
	}
	if len(ask) > 0 {
		s.render(w, r, http.StatusOK, "import", page{Title: "Import a portfolio", Data: importView{App: app, Changes: ask, JSON: string(data)}})
		return nil
	}
	ctx, u := r.Context(), userFrom(r)
	if err := s.copyFiles(ctx, plan); err != nil {
		return err
	}
	newVersion, err := s.board.SavePortfolioWith(ctx, u, app, version, p, "imported a portfolio", func(tx board.Tx, now time.Time) error {
		return s.recordCopies(ctx, tx, u, plan, now)
	})
	if err != nil {
		s.dropCopies(ctx, plan)
		return err
	}
	if api {
		writeJSON(w, map[string]any{"version": newVersion, "documents": map[string]any{"on_file": plan.OnFile, "copied": plan.Copied, "not_on_file": plan.NotOnFile}})
		return nil
	}
	msg := "Portfolio imported. Every item is claimed until the board or your supervisor confirms it."
	if len(kept) > 0 {
		msg += " Your details were kept where the file's differed (" + strings.Join(kept, ", ") + ")."
	}
	if n := len(plan.Copied); n > 0 {
		msg += " " + certboard.Plural(n, "document file was", "document files were") + " copied from your other applications."
	}
	if n := len(plan.NotOnFile); n > 0 {
		files, count := "their files", "they do"
		if n == 1 {
			files, count = "its file", "it does"
		}
		msg += fmt.Sprintf(" %s not on file: upload %s on the Documents page; until then %s not count.",
			certboard.Plural(n, "document is", "documents are"), files, count)
	}
	redirect(w, r, fmt.Sprintf("/applications/%d", app.ID), msg)
	return nil
}

// ownerAction is the applicant's submit, withdraw and answer buttons.
func (s *Server) ownerAction(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	app, err := s.ownApp(r)
	if err != nil {
		return err
	}
	action := board.Action(r.PathValue("action"))
	if !slices.Contains([]board.Action{board.Submit, board.Withdraw, board.AnswerInfo}, action) {
		return notFound("No such action", "Applicants can submit, withdraw or answer_info here.")
	}
	version, err := parseVersion(r.PostForm.Get("version"))
	if err != nil {
		return err
	}
	to, err := s.act(r.Context(), userFrom(r), app, version, action, r.PostForm.Get("reason"))
	if err != nil {
		if e := refusal(err); e != nil && (e.Code == certboard.Invalid || e.Code == certboard.Conflict) {
			redirect(w, r, fmt.Sprintf("/applications/%d", app.ID), "!Not done: "+e.Message)
			return nil
		}
		return err
	}
	msg := map[board.State]string{
		board.Submitted:   "Submitted. Your evidence is frozen as it stands now. A confirmation is on its way to your e-mail address, with what happens next; the board will write to you at each step.",
		board.Withdrawn:   "Withdrawn.",
		board.UnderReview: "Answer sent to the board.",
	}[to]
	redirect(w, r, fmt.Sprintf("/applications/%d", app.ID), msg)
	return nil
}

// apiEligibility returns the eligibility report of an application: of the
// live portfolio today, or with ?frozen=true of the submitted snapshot (the
// only one a peer reviewer gets).
func (s *Server) apiEligibility(w http.ResponseWriter, r *http.Request) error {
	app, rel, err := s.appFor(r, RelOwner|RelStaff|RelReviewer)
	if err != nil {
		return err
	}
	frozen := r.URL.Query().Get("frozen") == "true" || rel&(RelOwner|RelStaff) == 0
	ev, err := s.evaluate(r.Context(), app, frozen)
	if err != nil {
		return err
	}
	writeJSON(w, map[string]any{"report": ev.Report, "problems": ev.Problems})
	return nil
}
