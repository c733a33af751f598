package web

import (
	"context"
	"crypto/subtle"
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
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// CE providers report the courses credential holders completed, as
// Florida's providers report to CE Broker. A provider is an account with the
// provider role that the board approved (its provider profile); it reports
// by API token (POST /api/v1/completions) or in bulk with
// `certboard import completions`. Both go through ReportCompletion: the
// completion becomes a verified education item in the holder's renewal
// application, stored with the completion, a history event, an audit entry
// and a mail to the holder in one transaction.

// providerRoutes registers the CE provider API, the provider's page and the
// admins' provider profiles.
func (s *Server) providerRoutes() {
	s.route("POST /api/v1/completions", Provider, http.HandlerFunc(s.apiReportCompletion))
	s.route("GET /api/v1/completions", Provider, http.HandlerFunc(s.apiListCompletions))
	s.route("GET /provider", Provider, http.HandlerFunc(s.providerPage))
	s.route("GET /api/v1/admin/providers", Admin, http.HandlerFunc(s.apiProviderProfiles))
	s.route("PUT /api/v1/admin/providers/{uid}", Admin, http.HandlerFunc(s.apiSetProviderProfile))
}

// ErrProviderNotApproved is returned for a provider account the board has
// not approved, or whose approval is not in force today.
var ErrProviderNotApproved = errors.New("provider not approved")

// ApprovedProvider returns the profile of a provider account whose approval
// is in force today; otherwise an error that says why (wrapping
// ErrProviderNotApproved).
func (s *Server) ApprovedProvider(ctx context.Context, u *boardsql.User) (*boardsql.ProviderProfile, error) {
	if !u.HasRole(auth.Provider) {
		return nil, fmt.Errorf("%s does not hold the provider role; a board admin grants it: %w", u.Email, ErrProviderNotApproved)
	}
	p, err := s.cfg.Store.ProviderProfile(ctx, u.ID)
	if errors.Is(err, boardsql.ErrNotFound) {
		return nil, fmt.Errorf("the board has not approved %s as a CE provider yet; ask the board to record its approval: %w", u.Email, ErrProviderNotApproved)
	}
	if err != nil {
		return nil, err
	}
	if today := s.today(); !p.Active(today) {
		why := "the board's approval is withdrawn"
		switch {
		case p.Approved && !p.ApprovedUntil.IsZero() && today.After(p.ApprovedUntil):
			why = "the board's approval ended on " + p.ApprovedUntil.String()
		case p.Approved && !p.ApprovedFrom.IsZero() && today.Before(p.ApprovedFrom):
			why = "the board's approval starts on " + p.ApprovedFrom.String()
		case !p.Approved:
			why = "the board has not approved it"
		}
		return nil, fmt.Errorf("%s cannot report completions: %s; ask the board: %w", p.Name, why, ErrProviderNotApproved)
	}
	return p, nil
}

// cycleStart is the first day of a credential's current cycle: cycleYears
// before it expires, which is the day it was issued for a first credential
// and the day the renewed one expired for an early renewal (whose cycle
// continues the last; CE taken between the approval and that day belongs
// to the cycle already renewed). Without an end date or a cycle length, the
// day it was issued.
func cycleStart(c *boardsql.IssuedCredential, cycleYears int) date.Date {
	issued := date.FromTime(c.IssuedAt.UTC())
	if c.ValidUntil.IsZero() || cycleYears <= 0 {
		return issued
	}
	start := date.FromTime(c.ValidUntil.UTC().AddDate(-cycleYears, 0, 0))
	if start.Before(issued) {
		// A renewal approved after expiry starts its cycle when issued.
		return issued
	}
	return start
}

// noSuchHolder is the one answer for an unknown credential and for a
// credential held by someone else, so that a provider cannot learn which
// credential ids exist.
var noSuchHolder = ce.Problems{{Field: "credential_id", Message: "no credential with this id is held by the holder_email given; check both against the holder's certificate"}}

// maxPortfolioRetries is how often a report reloads the renewal
// application when someone else changed it in the meantime.
const maxPortfolioRetries = 5

// ReportCompletion records a completion a provider reports: checked (as
// ce.Check, the holder by credential id and e-mail, the date in the
// credential's cycle), then added as a verified education item to the
// holder's renewal application (started if need be), stored, with a history
// event, an audit entry and a mail to the holder, in one transaction. A
// course the provider already reported for the credential is not added
// again: its record is returned with created false.
//
// Errors: ce.Problems for a completion to fix (422), an
// ErrProviderNotApproved error (403), *application.Error when the
// credential cannot be renewed (409), boardsql.ErrConflict when the renewal
// kept changing; anything else is internal.
func (s *Server) ReportCompletion(ctx context.Context, provider *boardsql.User, in ce.Completion) (*boardsql.Completion, bool, error) {
	prof, err := s.ApprovedProvider(ctx, provider)
	if err != nil {
		return nil, false, err
	}
	in.Normalize()
	today := s.today()
	if probs := ce.Check(in, today); len(probs) > 0 {
		return nil, false, probs
	}
	// An unknown credential and another holder's answer alike, and after
	// the same work (two look-ups, a constant-time comparison), so that
	// neither the answer nor its timing tells which credential ids exist.
	cred, err := s.cfg.Store.Credential(ctx, in.CredentialID)
	known := err == nil
	if err != nil && !errors.Is(err, boardsql.ErrNotFound) {
		return nil, false, err
	}
	var holderID int64
	if known {
		holderID = cred.HolderID
	}
	holder, err := s.cfg.Store.UserByID(ctx, holderID)
	if err != nil && !errors.Is(err, boardsql.ErrNotFound) {
		return nil, false, err
	}
	var email string
	if err == nil {
		email = strings.ToLower(holder.Email)
	}
	if subtle.ConstantTimeCompare([]byte(email), []byte(in.HolderEmail)) != 1 || !known || holder == nil {
		return nil, false, noSuchHolder
	}
	if old, err := s.cfg.Store.CompletionByKey(ctx, s.cfg.Store.DB, provider.ID, in.CourseID, cred.ID); err == nil {
		return old, false, nil
	} else if !errors.Is(err, boardsql.ErrNotFound) {
		return nil, false, err
	}
	if p := ce.CheckCycle(in, cycleStart(cred, s.cycleYears(cred))); p != nil {
		return nil, false, ce.Problems{*p}
	}
	// The portfolio a renewal starts with, should the report have to start it.
	start, err := s.renewalPortfolio(ctx, holder, cred)
	if err != nil {
		return nil, false, err
	}
	for range maxPortfolioRetries {
		rec, created, err := s.addCompletion(ctx, provider, prof, holder, cred, start, in)
		if !errors.Is(err, errPortfolioChanged) {
			return rec, created, err
		}
	}
	return nil, false, fmt.Errorf("the holder's renewal application kept changing; report the completion again: %w", boardsql.ErrConflict)
}

// errPortfolioChanged is an edit of the renewal application that came first.
var errPortfolioChanged = errors.New("the portfolio changed")

// approvingBodies are the bodies requirement sets name in approved_by, as
// they spell them.
var approvingBodies = []string{"AASECT"}

// completionActivity is the verified education item of a completion.
func completionActivity(id string, prof *boardsql.ProviderProfile, in ce.Completion, today date.Date) portfolio.Activity {
	related := in.SexualityRelated
	note := fmt.Sprintf("reported by %s, course %s, on %s", prof.Name, in.CourseID, today)
	var nums []string
	for _, a := range prof.Approvals {
		if a.Number != "" {
			nums = append(nums, a.Body+" "+a.Number)
		}
	}
	if len(nums) > 0 {
		note += " (approved provider: " + strings.Join(nums, "; ") + ")"
	}
	by := prof.ApprovedBy()
	for i, b := range by {
		// The requirement sets name approving bodies exactly ("AASECT");
		// an admin's "aasect" must not turn full-value CE into half-value.
		for _, known := range approvingBodies {
			if strings.EqualFold(b, known) {
				by[i] = known
			}
		}
	}
	return portfolio.Activity{ID: id, Title: in.Title, Kind: "ce",
		Provider: portfolio.Provider{Name: prof.Name, Kind: "approved_provider", ApprovedBy: by},
		Delivery: in.Delivery, Date: in.Date, Hours: in.Hours, Areas: in.Areas, SexualityRelated: &related,
		Verification: portfolio.Verification{State: portfolio.Verified, By: "provider:" + prof.Name, At: today, Note: note}}
}

// withCompletion adds the completion's item to a portfolio (changed in
// place) and returns the item's id, or the item's problems.
func withCompletion(p *portfolio.Portfolio, prof *boardsql.ProviderProfile, in ce.Completion, today date.Date) (string, error) {
	itemID := portfolio.NewID(p, "ce")
	p.Education = append(p.Education, completionActivity(itemID, prof, in, today))
	path := fmt.Sprintf("$.education[%d]", len(p.Education)-1)
	var mine ce.Problems
	for _, e := range portfolio.Validate(p) {
		if e.Path == path || strings.HasPrefix(e.Path, path+".") || strings.HasPrefix(e.Path, path+"[") {
			mine = append(mine, ce.Problem{Field: strings.TrimPrefix(strings.TrimPrefix(e.Path, path), "."), Message: e.Message})
		}
	}
	if len(mine) > 0 {
		return "", mine
	}
	return itemID, nil
}

// addCompletion adds the item to the holder's open renewal of the
// credential, or starts the renewal with it (from the portfolio start),
// and stores the completion, all in one transaction: a report that fails
// leaves nothing behind, not even an empty renewal draft. It answers
// errPortfolioChanged when the application moved on while it worked.
func (s *Server) addCompletion(ctx context.Context, provider *boardsql.User, prof *boardsql.ProviderProfile, holder *boardsql.User,
	cred *boardsql.IssuedCredential, start *portfolio.Portfolio, in ce.Completion) (*boardsql.Completion, bool, error) {
	now := s.now()
	today := s.today()
	rec := boardsql.Completion{ProviderID: provider.ID, CourseID: in.CourseID, CredentialID: cred.ID, HolderID: holder.ID, HolderEmail: holder.Email,
		Title: in.Title, Date: in.Date, Hours: in.Hours, Delivery: in.Delivery,
		SexualityRelated: in.SexualityRelated, Areas: in.Areas, ReportedAt: now}
	hours := formatNum(in.Hours)
	err := s.inTx(ctx, func(tx *boardsql.Tx) error {
		appID, err := tx.OpenRenewalID(ctx, cred.ID)
		if err != nil {
			return err
		}
		if appID != 0 {
			app, err := s.cfg.Store.Application(ctx, appID)
			if err != nil {
				return err
			}
			p, err := portfolio.DecodeStored(app.Portfolio)
			if err != nil {
				return fmt.Errorf("application %d holds a portfolio that no longer decodes: %w", app.ID, err)
			}
			if rec.ItemID, err = withCompletion(p, prof, in, today); err != nil {
				return err
			}
			data, err := portfolio.Encode(p)
			if err != nil {
				return err
			}
			// The version read guards against an edit in between (the holder's, or another report's).
			if _, err := tx.SavePortfolio(ctx, app.ID, app.Version, data, now); errors.Is(err, boardsql.ErrConflict) {
				return errPortfolioChanged
			} else if err != nil {
				return err
			}
		} else {
			// A fresh copy of the starting portfolio for this attempt.
			data, err := portfolio.Encode(start)
			if err != nil {
				return err
			}
			p, err := portfolio.DecodeStored(data)
			if err != nil {
				return err
			}
			if rec.ItemID, err = withCompletion(p, prof, in, today); err != nil {
				return err
			}
			var created bool
			if appID, created, err = s.startRenewalTx(ctx, tx, holder, provider.ID, cred.ID, p, now); err != nil {
				return err
			} else if !created {
				return errPortfolioChanged // another request started it first: add to that one
			}
		}
		rec.ApplicationID = appID
		id, err := tx.AddCompletion(ctx, rec)
		if err != nil {
			return err
		}
		rec.ID = id
		msg := fmt.Sprintf("%s reported %s hours: %s (%s, course %s)", prof.Name, hours, in.Title, in.Date, in.CourseID)
		if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: appID, At: now, ActorID: provider.ID, Action: "ce_reported", Message: msg}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", provider.ID), Action: "ce.completion",
			Subject: fmt.Sprintf("application/%d", appID), After: fmt.Sprintf("completion/%d %s: credential %s, course %s, %s, %s hours", id, rec.ItemID, cred.ID, in.CourseID, in.Date, hours)}); err != nil {
			return err
		}
		body := fmt.Sprintf("Dear %s,\n\n%s reported that you completed %q on %s: %s hours of continuing education (course %s).\n\n"+
			"It is in your renewal as verified evidence: %s\n\nIf you did not take this course, tell the board by answering this message.\n",
			holder.Name, prof.Name, in.Title, in.Date, hours, in.CourseID, s.link(fmt.Sprintf("/applications/%d", appID), ""))
		_, err = tx.EnqueueMail(ctx, boardsql.Mail{To: holder.Email, Subject: fmt.Sprintf("%s reported %s hours", prof.Name, hours), Body: body, CreatedAt: now})
		return err
	})
	if errors.Is(err, boardsql.ErrConflict) {
		// The same course, reported at the same moment by another request.
		if old, lerr := s.cfg.Store.CompletionByKey(ctx, s.cfg.Store.DB, provider.ID, in.CourseID, cred.ID); lerr == nil {
			return old, false, nil
		}
	}
	if err != nil {
		return nil, false, err
	}
	return &rec, true, nil
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

// completionError answers a refused report.
func (s *Server) completionError(w http.ResponseWriter, r *http.Request, err error) {
	var probs ce.Problems
	switch {
	case errors.As(err, &probs):
		problem(w, http.StatusUnprocessableEntity, "Completion refused", probs.Error())
	case errors.Is(err, ErrProviderNotApproved):
		problem(w, http.StatusForbidden, "Provider not approved", err.Error())
	default:
		s.actError(w, r, err)
	}
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
		problem(w, http.StatusUnprocessableEntity, "Completion refused", probs.Error())
		return
	}
	rec, created, err := s.ReportCompletion(r.Context(), userFrom(r), c)
	if err != nil {
		s.completionError(w, r, err)
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
