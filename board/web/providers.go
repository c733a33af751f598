package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/date"
	kit "github.com/certboard/certboard/web"
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
	s.route("POST /api/v1/completions", Provider, s.handle(s.apiReportCompletion))
	s.route("GET /api/v1/completions", Provider, s.handle(s.apiListCompletions))
	s.route("GET /provider", Provider, s.handle(s.providerPage))
	s.route("GET /api/v1/admin/providers", Admin, s.handle(s.apiProviderProfiles))
	s.route("PUT /api/v1/admin/providers/{uid}", Admin, s.handle(s.apiSetProviderProfile))
}

// completionJSON is a completion as the API shows it to its provider: the
// report as it came (ce.Completion, whose members follow the id) and when.
type completionJSON struct {
	ID int64 `json:"id"`
	ce.Completion
	ReportedAt time.Time `json:"reported_at"`
}

func showCompletion(c *board.Completion) completionJSON {
	return completionJSON{ID: c.ID, Completion: ce.Completion{CredentialID: c.CredentialID, HolderEmail: c.HolderEmail, CourseID: c.CourseID, Title: c.Title, Date: c.Date,
		Hours: c.Hours, Delivery: c.Delivery, SexualityRelated: c.SexualityRelated, Areas: c.Areas}, ReportedAt: c.ReportedAt.UTC()}
}

// apiReportCompletion is POST /api/v1/completions.
func (s *Server) apiReportCompletion(w http.ResponseWriter, r *http.Request) error {
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
		return nil
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
		return board.CompletionRefused(probs)
	}
	rec, created, err := s.board.ReportCompletion(r.Context(), userFrom(r), c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSONStatus(w, status, showCompletion(rec))
	return nil
}

// completionsPage is the most completions one page of the list holds.
const completionsPage = 200

// apiListCompletions is GET /api/v1/completions: the caller's own
// reports, oldest first, a page at a time (?after=ID&limit=N).
func (s *Server) apiListCompletions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, after := 50, int64(0)
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > completionsPage {
			return &certboard.Error{Code: certboard.Malformed, Title: "Invalid request", Message: fmt.Sprintf("limit: give a number from 1 to %d", completionsPage)}
		}
		limit = n
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return &certboard.Error{Code: certboard.Malformed, Title: "Invalid request", Message: "after: give the id of the last completion of the page before (the next link does)"}
		}
		after = n
	}
	list, err := s.board.ReportedBy(r.Context(), userFrom(r), after, limit+1)
	if err != nil {
		return err
	}
	out := map[string]any{"next": nil}
	if len(list) > limit {
		list = list[:limit]
		out["next"] = kit.MountFrom(r).Path(fmt.Sprintf("/api/v1/completions?after=%d&limit=%d", list[len(list)-1].ID, limit))
	}
	items := make([]completionJSON, 0, len(list))
	for _, c := range list {
		items = append(items, showCompletion(c))
	}
	out["completions"] = items
	writeJSON(w, out)
	return nil
}

// providerPage shows a provider its approval and its latest reports, and
// how to report.
func (s *Server) providerPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.board.ProviderHome(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "provider", page{Title: "CE provider", Data: v})
	return nil
}

// providerProfileJSON is a provider profile in the admin API.
type providerProfileJSON struct {
	UserID        int64                    `json:"user_id"`
	Email         string                   `json:"email"`
	Name          string                   `json:"name"`
	Approvals     []board.ProviderApproval `json:"approvals"`
	Approved      bool                     `json:"approved"`
	ApprovedFrom  string                   `json:"approved_from,omitempty"`
	ApprovedUntil string                   `json:"approved_until,omitempty"`
	Active        bool                     `json:"active"`
	UpdatedAt     time.Time                `json:"updated_at"`
}

func (s *Server) showProviderProfile(p *board.ProviderProfile) providerProfileJSON {
	out := providerProfileJSON{UserID: p.UserID, Email: p.Email, Name: p.Name, Approvals: p.Approvals, Approved: p.Approved,
		Active: p.Active(s.today()), UpdatedAt: p.UpdatedAt.UTC()}
	if out.Approvals == nil {
		out.Approvals = []board.ProviderApproval{}
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
func (s *Server) apiProviderProfiles(w http.ResponseWriter, r *http.Request) error {
	list, err := s.board.ProviderProfiles(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	out := make([]providerProfileJSON, 0, len(list))
	for _, p := range list {
		out = append(out, s.showProviderProfile(p))
	}
	writeJSON(w, map[string]any{"providers": out})
	return nil
}

// apiSetProviderProfile is PUT /api/v1/admin/providers/{uid}: an admin
// records a provider account's profile and approval.
func (s *Server) apiSetProviderProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	if err != nil || id <= 0 {
		return notFound("Not found", "No account has id "+strconv.Quote(r.PathValue("uid"))+".")
	}
	var in board.ProviderProfileInput
	if !decodeBody(w, r, &in, "name, approvals, approved, approved_from and approved_until", maxAPIBody) {
		return nil
	}
	saved, err := s.board.SetProviderProfile(r.Context(), userFrom(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, s.showProviderProfile(saved))
	return nil
}
