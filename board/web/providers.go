package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/date"
)

// CE providers report the courses credential holders completed, as
// Florida's providers report to CE Broker. A provider is an account with the
// provider role that the board approved (its provider profile); it reports
// by API token (POST /api/v1/completions) or in bulk with
// `certboard import completions`. Both call board.ReportCompletion; these
// handlers decode the report and show its record.

// providerRoutes registers the CE provider API, the provider's page and the
// admins' provider profiles.
func (s *Server) providerRoutes() {
	s.route("POST /api/v1/completions", Provider, http.HandlerFunc(s.apiReportCompletion))
	s.route("GET /api/v1/completions", Provider, http.HandlerFunc(s.apiListCompletions))
	s.route("GET /provider", Provider, http.HandlerFunc(s.providerPage))
	s.route("GET /api/v1/admin/providers", Admin, http.HandlerFunc(s.apiProviderProfiles))
	s.route("PUT /api/v1/admin/providers/{uid}", Admin, http.HandlerFunc(s.apiSetProviderProfile))
}

// completionJSON is a completion as the API shows it to its provider.
type completionJSON struct {
	ID               int64               `json:"id"`
	CredentialID     string              `json:"credential_id"`
	HolderEmail      string              `json:"holder_email"`
	CourseID         string              `json:"course_id"`
	Title            string              `json:"title"`
	Date             date.Date           `json:"date"`
	Hours            float64             `json:"hours"`
	Delivery         string              `json:"delivery"`
	SexualityRelated bool                `json:"sexuality_related"`
	Areas            map[string][]string `json:"areas,omitempty"`
	ReportedAt       time.Time           `json:"reported_at"`
}

func showCompletion(c *boardsql.Completion) completionJSON {
	return completionJSON{ID: c.ID, CredentialID: c.CredentialID, HolderEmail: c.HolderEmail, CourseID: c.CourseID, Title: c.Title, Date: c.Date,
		Hours: c.Hours, Delivery: c.Delivery, SexualityRelated: c.SexualityRelated, Areas: c.Areas, ReportedAt: c.ReportedAt.UTC()}
}

// apiReportCompletion is POST /api/v1/completions.
func (s *Server) apiReportCompletion(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CredentialID     string              `json:"credential_id"`
		HolderEmail      string              `json:"holder_email"`
		CourseID         string              `json:"course_id"`
		Title            string              `json:"title"`
		Date             string              `json:"date"`
		Hours            float64             `json:"hours"`
		Delivery         string              `json:"delivery"`
		SexualityRelated *bool               `json:"sexuality_related"`
		Areas            map[string][]string `json:"areas"`
	}
	if !decodeBody(w, r, &in, "credential_id, holder_email, course_id, title, date, hours, delivery and sexuality_related", maxAPIBody) {
		return
	}
	c := ce.Completion{CredentialID: in.CredentialID, HolderEmail: in.HolderEmail, CourseID: in.CourseID, Title: in.Title,
		Hours: in.Hours, Delivery: in.Delivery, Areas: in.Areas}
	var probs ce.Problems
	if strings.TrimSpace(in.Date) != "" {
		d, err := date.Parse(strings.TrimSpace(in.Date))
		if err != nil {
			probs = append(probs, ce.Problem{Field: "date", Message: err.Error()})
		}
		c.Date = d
	}
	if in.SexualityRelated == nil {
		probs = append(probs, ce.Problem{Field: "sexuality_related", Message: "is required: true when the course is about sexuality, false otherwise"})
	} else {
		c.SexualityRelated = *in.SexualityRelated
	}
	if len(probs) > 0 {
		c.Normalize()
		for _, p := range ce.Check(c, s.today()) {
			if !slices.ContainsFunc(probs, func(q ce.Problem) bool { return q.Field == p.Field }) {
				probs = append(probs, p)
			}
		}
		s.answerError(w, r, board.CompletionRefused(probs))
		return
	}
	rec, created, err := s.board.ReportCompletion(r.Context(), userFrom(r), c)
	if err != nil {
		s.answerError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSONStatus(w, status, showCompletion(rec))
}

// completionsPage is the most completions one page of the list holds.
const completionsPage = 200

// apiListCompletions is GET /api/v1/completions: the caller's own
// reports, oldest first, a page at a time (?after=ID&limit=N).
func (s *Server) apiListCompletions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, after := 50, int64(0)
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > completionsPage {
			problem(w, http.StatusBadRequest, "Invalid request", fmt.Sprintf("limit: give a number from 1 to %d", completionsPage))
			return
		}
		limit = n
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			problem(w, http.StatusBadRequest, "Invalid request", "after: give the id of the last completion of the page before (the next link does)")
			return
		}
		after = n
	}
	list, err := s.cfg.Store.Completions(r.Context(), boardsql.CompletionFilter{ProviderID: userFrom(r).ID, After: after, Limit: limit + 1})
	if err != nil {
		s.internal(w, err)
		return
	}
	out := map[string]any{"next": nil}
	if len(list) > limit {
		list = list[:limit]
		out["next"] = fmt.Sprintf("/api/v1/completions?after=%d&limit=%d", list[len(list)-1].ID, limit)
	}
	items := make([]completionJSON, 0, len(list))
	for _, c := range list {
		items = append(items, showCompletion(c))
	}
	out["completions"] = items
	writeJSON(w, out)
}

// providerView is the provider's own page.
type providerView struct {
	Profile     *boardsql.ProviderProfile
	Active      bool
	Completions []*boardsql.Completion
	More        bool
}

// providerPage shows a provider its approval and its latest reports, and
// how to report.
func (s *Server) providerPage(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	v := providerView{}
	prof, err := s.cfg.Store.ProviderProfile(r.Context(), u.ID)
	switch {
	case err == nil:
		v.Profile, v.Active = prof, prof.Active(s.today())
	case !errors.Is(err, boardsql.ErrNotFound):
		s.internal(w, err)
		return
	}
	all, err := s.cfg.Store.Completions(r.Context(), boardsql.CompletionFilter{ProviderID: u.ID})
	if err != nil {
		s.internal(w, err)
		return
	}
	slices.Reverse(all)
	if len(all) > 50 {
		all, v.More = all[:50], true
	}
	v.Completions = all
	s.render(w, r, http.StatusOK, "provider", page{Title: "CE provider", Data: v})
}

// providerProfileJSON is a provider profile in the admin API.
type providerProfileJSON struct {
	UserID        int64                       `json:"user_id"`
	Email         string                      `json:"email"`
	Name          string                      `json:"name"`
	Approvals     []boardsql.ProviderApproval `json:"approvals"`
	Approved      bool                        `json:"approved"`
	ApprovedFrom  string                      `json:"approved_from,omitempty"`
	ApprovedUntil string                      `json:"approved_until,omitempty"`
	Active        bool                        `json:"active"`
	UpdatedAt     time.Time                   `json:"updated_at"`
}

func (s *Server) showProviderProfile(p *boardsql.ProviderProfile) providerProfileJSON {
	out := providerProfileJSON{UserID: p.UserID, Email: p.Email, Name: p.Name, Approvals: p.Approvals, Approved: p.Approved,
		Active: p.Active(s.today()), UpdatedAt: p.UpdatedAt.UTC()}
	if out.Approvals == nil {
		out.Approvals = []boardsql.ProviderApproval{}
	}
	if !p.ApprovedFrom.IsZero() {
		out.ApprovedFrom = p.ApprovedFrom.String()
	}
	if !p.ApprovedUntil.IsZero() {
		out.ApprovedUntil = p.ApprovedUntil.String()
	}
	return out
}

// apiProviderProfiles is GET /api/v1/admin/providers.
func (s *Server) apiProviderProfiles(w http.ResponseWriter, r *http.Request) {
	list, err := s.cfg.Store.ProviderProfiles(r.Context())
	if err != nil {
		s.internal(w, err)
		return
	}
	out := make([]providerProfileJSON, 0, len(list))
	for _, p := range list {
		out = append(out, s.showProviderProfile(p))
	}
	writeJSON(w, map[string]any{"providers": out})
}

// providerProfileInput is what an admin sets.
type providerProfileInput struct {
	Name          string                      `json:"name"`
	Approvals     []boardsql.ProviderApproval `json:"approvals"`
	Approved      bool                        `json:"approved"`
	ApprovedFrom  string                      `json:"approved_from"`
	ApprovedUntil string                      `json:"approved_until"`
}

// profile checks the input and returns the profile it describes.
func (in providerProfileInput) profile(userID int64, at time.Time) (boardsql.ProviderProfile, []fieldProblem) {
	p := boardsql.ProviderProfile{UserID: userID, Name: strings.TrimSpace(in.Name), Approved: in.Approved, UpdatedAt: at}
	var probs []fieldProblem
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 200 {
		probs = append(probs, fieldProblem{"name", "give the name the provider reports under, as holders know it (at most 200 characters)"})
	}
	for i, a := range in.Approvals {
		a.Body, a.Number = strings.TrimSpace(a.Body), strings.TrimSpace(a.Number)
		if a.Body == "" || utf8.RuneCountInString(a.Body) > 100 || utf8.RuneCountInString(a.Number) > 100 {
			probs = append(probs, fieldProblem{fmt.Sprintf("approvals[%d]", i), "name the approving body (such as AASECT or Florida CE Broker) and give its provider number, each at most 100 characters"})
			continue
		}
		p.Approvals = append(p.Approvals, a)
	}
	for _, f := range []struct {
		name, value string
		to          *date.Date
	}{{"approved_from", in.ApprovedFrom, &p.ApprovedFrom}, {"approved_until", in.ApprovedUntil, &p.ApprovedUntil}} {
		if v := strings.TrimSpace(f.value); v != "" {
			d, err := date.Parse(v)
			if err != nil {
				probs = append(probs, fieldProblem{f.name, err.Error() + "; leave it empty for no limit"})
			}
			*f.to = d
		}
	}
	if !p.ApprovedFrom.IsZero() && !p.ApprovedUntil.IsZero() && p.ApprovedUntil.Before(p.ApprovedFrom) {
		probs = append(probs, fieldProblem{"approved_until", "is before approved_from"})
	}
	return p, probs
}

// apiSetProviderProfile is PUT /api/v1/admin/providers/{uid}: an admin
// records a provider account's profile and approval.
func (s *Server) apiSetProviderProfile(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	if err != nil || id <= 0 {
		problem(w, http.StatusNotFound, "Not found", "No account has id "+strconv.Quote(r.PathValue("uid"))+".")
		return
	}
	u, err := s.cfg.Store.UserByID(r.Context(), id)
	if errors.Is(err, boardsql.ErrNotFound) {
		problem(w, http.StatusNotFound, "Not found", fmt.Sprintf("No account has id %d.", id))
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	var in providerProfileInput
	if !decodeBody(w, r, &in, "name, approvals, approved, approved_from and approved_until", maxAPIBody) {
		return
	}
	if !u.HasRole(auth.Provider) {
		problem(w, http.StatusUnprocessableEntity, "Not a provider account", fmt.Sprintf("uid: account %d (%s) does not hold the provider role; grant it on the users page first", id, u.Email))
		return
	}
	now := s.now()
	p, probs := in.profile(id, now)
	if len(probs) > 0 {
		msgs := make([]string, len(probs))
		for i, pr := range probs {
			msgs[i] = pr.String()
		}
		problem(w, http.StatusUnprocessableEntity, "Invalid provider profile", strings.Join(msgs, "; "))
		return
	}
	var before string
	if old, err := s.cfg.Store.ProviderProfile(r.Context(), id); err == nil {
		before = profileSummary(old)
	}
	admin := userFrom(r)
	err = s.inTx(r.Context(), func(tx *boardsql.Tx) error {
		if err := s.cfg.Store.SetProviderProfile(r.Context(), tx, p); err != nil {
			return err
		}
		_, err := tx.AppendAudit(r.Context(), audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", admin.ID), Action: "provider.profile",
			Subject: fmt.Sprintf("user/%d", id), Before: before, After: profileSummary(&p)})
		return err
	})
	if err != nil {
		s.internal(w, err)
		return
	}
	saved, err := s.cfg.Store.ProviderProfile(r.Context(), id)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, s.showProviderProfile(saved))
}

// profileSummary is a provider profile for the audit log.
func profileSummary(p *boardsql.ProviderProfile) string {
	b, _ := json.Marshal(map[string]any{"name": p.Name, "approvals": p.Approvals, "approved": p.Approved,
		"approved_from": dateOrEmpty(p.ApprovedFrom), "approved_until": dateOrEmpty(p.ApprovedUntil)})
	return string(b)
}

func dateOrEmpty(d date.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// seedProviderDemo approves the demo CE provider (AASECT-approved, with a
// Florida CE Broker number), unless it already has a profile. users are
// the demo accounts by e-mail local part.
func (s *Server) seedProviderDemo(ctx context.Context, users map[string]*boardsql.User) error {
	u := users["provider"]
	if u == nil {
		return nil
	}
	if _, err := s.cfg.Store.ProviderProfile(ctx, u.ID); err == nil {
		return nil
	} else if !errors.Is(err, boardsql.ErrNotFound) {
		return err
	}
	now := s.now()
	p := boardsql.ProviderProfile{UserID: u.ID, Name: u.Name, Approved: true, ApprovedFrom: date.FromTime(now.UTC()).AddYears(-2), UpdatedAt: now,
		Approvals: []boardsql.ProviderApproval{{Body: "AASECT", Number: "AP-2024-0117"}, {Body: "Florida CE Broker", Number: "50-21876"}}}
	return s.inTx(ctx, func(tx *boardsql.Tx) error {
		if err := s.cfg.Store.SetProviderProfile(ctx, tx, p); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "system", Action: "provider.profile",
			Subject: fmt.Sprintf("user/%d", u.ID), After: profileSummary(&p)})
		return err
	})
}
