package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/ical"
	"github.com/certboard/certboard/practice/session"
	kit "github.com/certboard/certboard/web"
)

// The pages of sessions: a client's sessions (a section of their record
// page), the form that schedules one, one session with what may be done
// to it (reschedule, cancel, mark attended or a no-show, record a
// payment, write its note), a practitioner's upcoming sessions, their
// calendar feed's page, and the feed itself: GET /calendar/<token>.ics, public and rate limited.

func init() { clientSections = append(clientSections, sessionsSection) }

// feedLimit bounds the reads of calendar feeds, which anyone holding an
// address may make: calendar programs poll every few minutes at most.
// Every read costs its client address's bucket (perAddress); the overall
// bucket is taken only by addresses that find no feed (unknown, revoked
// or made-up tokens), so that a few addresses guessing cannot make the
// practice refuse the calendar services that read real feeds. A known
// feed has a bucket of its own instead (feedPerFeed): a calendar service
// polls one every 5 to 60 minutes.
var feedLimit = limitRule{"reading calendar feeds", 60, 600, time.Hour}

// feedPerFeed is how often one feed may be read in feedLimit.per.
const feedPerFeed = 60

// feedLimits are the buckets of calendar feed reads.
type feedLimits struct {
	byAddress, byFeed, unknown *kit.Limiter
}

// newFeedLimits makes the buckets of feedLimit.
func (s *Server) newFeedLimits() *feedLimits {
	return &feedLimits{byAddress: kit.NewLimiter(feedLimit.perAddress, feedLimit.per, s.now).Share(s.cfg.Limits, feedLimit.name+"/address", s.cfg.Log),
		byFeed:  kit.NewLimiter(feedPerFeed, feedLimit.per, s.now).Share(s.cfg.Limits, feedLimit.name+"/feed", s.cfg.Log),
		unknown: kit.NewLimiter(feedLimit.overall, feedLimit.per, s.now).Share(s.cfg.Limits, feedLimit.name+"/unknown", s.cfg.Log)}
}

// before takes a read of token from r's address's bucket and from the
// token's own (keyed by its SHA-256, never the token); nil when both had
// one.
func (l *feedLimits) before(r *http.Request, token string, now time.Time) error {
	key := kit.LimitKey(r)
	if ok, wait := l.byAddress.Allow(r.Context(), key); !ok {
		return kit.TooMany(wait, now, fmt.Sprintf("The practice allows %s %d %s from one address %s",
			feedLimit.name, feedLimit.perAddress, kit.Plural(feedLimit.perAddress, "time"), perWords(feedLimit.per)))
	}
	sum := sha256.Sum256([]byte(token))
	if ok, wait := l.byFeed.Allow(r.Context(), hex.EncodeToString(sum[:])); !ok {
		l.byAddress.Refund(r.Context(), key)
		return kit.TooMany(wait, now, fmt.Sprintf("The practice allows reading one calendar feed %d %s %s; set your calendar program to refresh it less often",
			feedPerFeed, kit.Plural(feedPerFeed, "time"), perWords(feedLimit.per)))
	}
	return nil
}

// unknownFeed takes a read that found no feed from the bucket of all
// addresses together; over it, the answer is 429 rather than 404.
func (l *feedLimits) unknownFeed(ctx context.Context, now time.Time) error {
	if ok, wait := l.unknown.Allow(ctx, overallKey); !ok {
		return kit.TooMany(wait, now, fmt.Sprintf("The practice is busy: it allows %d reads of calendar addresses that do not exist from all addresses together %s",
			feedLimit.overall, perWords(feedLimit.per)))
	}
	return nil
}

// sessionRoutes registers the pages of sessions; New calls it.
func (s *Server) sessionRoutes() {
	s.route("GET /client-sessions/{id}/new", Practitioner, s.handle(s.newSessionPage))
	s.route("POST /client-sessions/{id}", Practitioner, s.handle(s.scheduleSession))
	s.route("GET /sessions", Practitioner, s.handle(s.upcomingPage))
	// The session settings became part of the practice's page.
	s.route("GET /sessions/settings", PracticeAdmin, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kit.SeeOther(w, r, "/admin/identifiers", http.StatusMovedPermanently)
	}))
	s.route("GET /sessions/{id}", ClientStaff, s.handle(s.sessionPage))
	s.route("POST /sessions/{id}", Practitioner, s.handle(s.rescheduleSession))
	s.route("POST /sessions/{id}/cancel", Practitioner, s.handle(s.cancelSession))
	s.route("POST /sessions/{id}/mark", Practitioner, s.handle(s.markSession))
	s.route("POST /sessions/{id}/payment", Practitioner, s.handle(s.recordPayment))
	s.route("POST /sessions/{id}/note", Practitioner, s.handle(s.writeSessionNote))
	s.route("GET /calendar", Practitioner, s.handle(s.calendarPage))
	s.route("POST /calendar", Practitioner, s.handle(s.createCalendarFeed))
	s.route("POST /calendar/revoke", Practitioner, s.handle(s.revokeCalendarFeed))
	feeds := s.newFeedLimits()
	s.route("GET /calendar/{file}", Public, s.handle(func(w http.ResponseWriter, r *http.Request) error { return s.calendarFeed(w, r, feeds) }))
	s.homeParts = append(s.homeParts, s.sessionsHome)
}

// SessionLine is a session as the pages list it, its time in the
// practice's time zone.
type SessionLine struct {
	practice.Session
	// When is its day and time ("Tue 8 Dec 2026, 10:00"), Day and Time
	// the form's values.
	When, Day, Time string
	// ClientName is the client's, where a list of several clients' shows
	// it.
	ClientName string
	// Markable says it is scheduled and has started, so it may be marked
	// attended or a no-show; NoteDue that it was attended and has no
	// progress note yet. A client's list offers both as buttons.
	Markable, NoteDue bool
}

// sessionLine is s in loc.
func sessionLine(s practice.Session, loc *time.Location) SessionLine {
	t := s.Start.In(loc)
	return SessionLine{Session: s, When: t.Format("Mon 2 Jan 2006, 15:04"), Day: t.Format("2006-01-02"), Time: t.Format("15:04")}
}

// sessionFormView is what the form of a session offers.
type sessionFormView struct {
	Zone       string
	Modalities []session.Modality
	Kinds      []session.Kind
	CPTs       []session.CPT
	MinMinutes int
	MaxMinutes int
}

func newSessionFormView(settings practice.SessionSettings) sessionFormView {
	return sessionFormView{Zone: settings.Location().String(), Modalities: session.Modalities(), Kinds: session.Kinds(), CPTs: session.CPTs(),
		MinMinutes: session.MinMinutes, MaxMinutes: session.MaxMinutes}
}

// sessionInput reads a session's form.
func sessionInput(f url.Values) practice.SessionInput {
	return practice.SessionInput{Date: f.Get("date"), Time: f.Get("time"), Minutes: f.Get("minutes"), Modality: f.Get("modality"),
		VideoLink: f.Get("video_link"), Kind: f.Get("kind"), CPT: f.Get("cpt"), Fee: f.Get("fee"), Currency: f.Get("currency")}
}

// sessionFormValues are the form values of session l.
func sessionFormValues(l SessionLine) url.Values {
	return url.Values{"date": {l.Day}, "time": {l.Time}, "minutes": {strconv.Itoa(l.Minutes)}, "modality": {string(l.Modality)},
		"video_link": {l.VideoLink}, "kind": {string(l.Kind)}, "cpt": {l.CPT}, "fee": {l.Fee().Amount()}, "currency": {l.Currency},
		"paid": {l.Paid().Amount()}}
}

// sessionVersion reads the version a session's form was made from.
func sessionVersion(r *http.Request) (int, error) {
	v, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || v < 1 {
		return 0, certboard.FieldError(certboard.PreconditionRequired, "version",
			"the form lacks the version of the session it was made from; reload the page and make your change again")
	}
	return v, nil
}

// The sessions section of a client's record page.

// SessionsSectionView is what the sessions section of a client's record
// shows.
type SessionsSectionView struct {
	Client   int64
	Assigned bool
	Zone     string
	Lines    []SessionLine
	// Superbill is the form that asks for a month's superbill.
	Superbill SuperbillFormView
}

// sessionsSection is the sessions part of a client's record page
// (practice.Practice.ClientSessions, which audits the read).
func sessionsSection(s *Server, r *http.Request, rec *practice.ClientRecord) (*ClientSection, error) {
	v, err := s.practice.ClientSessions(r.Context(), actor(r), rec.Client.ID)
	if err != nil {
		return nil, err
	}
	loc := v.Settings.Location()
	now := s.now()
	out := SessionsSectionView{Client: rec.Client.ID, Assigned: v.Access.Assigned, Zone: loc.String(),
		Superbill: superbillForm(v, actor(r).UserID, now)}
	for _, x := range v.Sessions {
		l := sessionLine(x, loc)
		// Only the session's own practitioner marks it and writes its
		// note; a session held at another practice (imported) takes
		// neither.
		own := x.PractitionerID == actor(r).UserID && !x.Imported()
		l.Markable = own && x.Status == session.Scheduled && !now.Before(x.Start)
		l.NoteDue = own && x.Status == session.Attended && x.NoteID == 0
		out.Lines = append(out.Lines, l)
	}
	return &ClientSection{ID: "sessions", Title: "Sessions", Block: "sessions-section", Data: out}, nil
}

// Scheduling.

// NewSessionView is the page that schedules a session for a client.
type NewSessionView struct {
	Client    int64
	OpenCases []int64
	sessionFormView
}

func (s *Server) renderNewSession(w http.ResponseWriter, r *http.Request, status int, clientID int64, errs map[string]string, form url.Values) error {
	v, err := s.practice.ClientSessions(r.Context(), actor(r), clientID)
	if err != nil {
		return err
	}
	if form == nil {
		form = url.Values{"minutes": {"50"}, "modality": {string(session.InPerson)}, "kind": {string(session.Individual)},
			"cpt": {session.SuggestCPT(session.Individual, 50)}, "currency": {"USD"},
			"date": {s.now().In(v.Settings.Location()).AddDate(0, 0, 7).Format("2006-01-02")}, "time": {"10:00"}}
		if len(v.OpenCases) > 0 {
			form.Set("case", strconv.FormatInt(v.OpenCases[0], 10))
		}
		if len(v.Sessions) > 0 { // the latest session's fee and currency
			form.Set("fee", v.Sessions[0].Fee().Amount())
			form.Set("currency", v.Sessions[0].Currency)
		}
	}
	s.render(w, r, status, "sessions_new", page{Title: "Schedule a session", Errors: errs, Form: form,
		Data: NewSessionView{Client: clientID, OpenCases: v.OpenCases, sessionFormView: newSessionFormView(v.Settings)}})
	return nil
}

func (s *Server) newSessionPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	return s.renderNewSession(w, r, http.StatusOK, id, nil, nil)
}

// scheduleSession schedules a session from the form
// (practice.Practice.ScheduleSession) and opens it; a refusal shows the
// form again with what to fix.
func (s *Server) scheduleSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	caseID, perr := strconv.ParseInt(r.PostForm.Get("case"), 10, 64)
	if perr != nil || caseID <= 0 {
		return s.renderNewSession(w, r, http.StatusUnprocessableEntity, id,
			map[string]string{"case": "choose the case the session belongs to; open a case first if the client has none"}, r.PostForm)
	}
	x, err := s.practice.ScheduleSession(r.Context(), actor(r), caseID, sessionInput(r.PostForm))
	if e := refusal(err); e != nil && e.Code != certboard.NotFound && e.Code != certboard.Forbidden {
		return s.renderNewSession(w, r, e.Answer().Status, id, fieldErrors(e), r.PostForm)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/sessions/%d", x.ID), "Scheduled the session.")
	return nil
}

// One session.

// SessionPageView is what a session's page shows.
type SessionPageView struct {
	Line SessionLine
	// Assigned says the reader is one of the client's practitioners, who
	// changes it; Scheduled that it may still be changed.
	Assigned, Scheduled bool
	// Own says the reader holds the session: only they mark it, record
	// its payment and write its note.
	Own bool
	// Started says it has started (it may be marked), Ended that it has
	// ended (it may no longer be moved or cancelled).
	Started, Ended bool
	sessionFormView
}

func (s *Server) renderSession(w http.ResponseWriter, r *http.Request, status int, id int64, errs map[string]string, posted url.Values) error {
	v, err := s.practice.ReadSession(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	l := sessionLine(*v.Session, v.Settings.Location())
	now := s.now()
	form := sessionFormValues(l)
	for k, vs := range posted {
		form[k] = vs
	}
	s.render(w, r, status, "sessions_session", page{Title: "Session of " + l.When, Errors: errs, Form: form,
		Data: SessionPageView{Line: l, Assigned: v.Access.Assigned, Own: l.PractitionerID == actor(r).UserID, Scheduled: l.Status == session.Scheduled,
			Started: !now.Before(l.Start), Ended: !now.Before(l.End()), sessionFormView: newSessionFormView(v.Settings)}})
	return nil
}

func (s *Server) sessionPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	return s.renderSession(w, r, http.StatusOK, id, nil, nil)
}

// sessionChange reads the form of a change of session id and makes it
// with do; a refusal shows the session again with what to fix, success
// goes back to it with flash.
func (s *Server) sessionChange(w http.ResponseWriter, r *http.Request, chars int,
	do func(ctx context.Context, by practice.Actor, id int64, version int) (string, error)) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	if err := textForm(w, r, chars); err != nil {
		return err
	}
	version, err := sessionVersion(r)
	if err != nil {
		return err
	}
	flash, err := do(r.Context(), actor(r), id, version)
	if e := refusal(err); e != nil && e.Code != certboard.NotFound && e.Code != certboard.Forbidden {
		return s.renderSession(w, r, e.Answer().Status, id, fieldErrors(e), r.PostForm)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/sessions/%d", id), flash)
	return nil
}

// rescheduleSession changes a session from the form
// (practice.Practice.RescheduleSession).
func (s *Server) rescheduleSession(w http.ResponseWriter, r *http.Request) error {
	return s.sessionChange(w, r, practice.MaxVideoLink, func(ctx context.Context, by practice.Actor, id int64, version int) (string, error) {
		_, err := s.practice.RescheduleSession(ctx, by, id, version, sessionInput(r.PostForm))
		return "Saved the session's changes.", err
	})
}

// cancelSession cancels a session (practice.Practice.CancelSession).
func (s *Server) cancelSession(w http.ResponseWriter, r *http.Request) error {
	return s.sessionChange(w, r, practice.MaxCancelReason, func(ctx context.Context, by practice.Actor, id int64, version int) (string, error) {
		x, err := s.practice.CancelSession(ctx, by, id, version, practice.CancelInput{By: r.PostForm.Get("by"), Reason: r.PostForm.Get("reason")})
		if err != nil {
			return "", err
		}
		return "Cancelled the session, " + x.CancelledBy.Label() + ".", nil
	})
}

// markSession marks a session attended or a no-show
// (practice.Practice.MarkSession).
func (s *Server) markSession(w http.ResponseWriter, r *http.Request) error {
	return s.sessionChange(w, r, 0, func(ctx context.Context, by practice.Actor, id int64, version int) (string, error) {
		x, err := s.practice.MarkSession(ctx, by, id, version, r.PostForm.Get("status"))
		if err != nil {
			return "", err
		}
		return "Marked the session: " + strings.ToLower(x.Status.Label()) + ".", nil
	})
}

// recordPayment records what the client paid
// (practice.Practice.RecordPayment).
func (s *Server) recordPayment(w http.ResponseWriter, r *http.Request) error {
	return s.sessionChange(w, r, 0, func(ctx context.Context, by practice.Actor, id int64, version int) (string, error) {
		x, err := s.practice.RecordPayment(ctx, by, id, version, r.PostForm.Get("paid"))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Recorded %s paid of %s.", x.Paid(), x.Fee()), nil
	})
}

// writeSessionNote starts the session's progress note
// (practice.Practice.WriteSessionNote) and opens it.
func (s *Server) writeSessionNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	n, err := s.practice.WriteSessionNote(r.Context(), actor(r), id)
	if e := refusal(err); e != nil && e.Code != certboard.NotFound && e.Code != certboard.Forbidden {
		return s.renderSession(w, r, e.Answer().Status, id, map[string]string{"": e.Message}, nil)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/notes/%d", n.ID), "Started the progress note of the session. Write it and sign it once it is complete.")
	return nil
}

// A practitioner's upcoming sessions.

// UpcomingView is a practitioner's page of upcoming sessions.
type UpcomingView struct {
	Zone  string
	Lines []SessionLine
}

func (s *Server) upcomingPage(w http.ResponseWriter, r *http.Request) error {
	list, settings, err := s.practice.UpcomingSessions(r.Context(), actor(r))
	if err != nil {
		return err
	}
	loc := settings.Location()
	v := UpcomingView{Zone: loc.String()}
	for _, x := range list {
		l := sessionLine(x.Session, loc)
		l.ClientName = x.ClientName
		v.Lines = append(v.Lines, l)
	}
	s.render(w, r, http.StatusOK, "sessions_upcoming", page{Title: "Your upcoming sessions", Data: v})
	return nil
}

// sessionsHome puts a practitioner's sessions of the next 24 hours among
// the things of today on their home page.
func (s *Server) sessionsHome(ctx context.Context, u *auth.User, v *HomeView) error {
	if !v.Practitioner {
		return nil
	}
	list, settings, err := s.practice.UpcomingSessions(ctx, practice.ActorOf(u))
	if err != nil {
		return err
	}
	loc := settings.Location()
	until := s.now().Add(24 * time.Hour)
	for _, x := range list {
		if x.Start.After(until) {
			break
		}
		if x.Status != session.Scheduled {
			continue
		}
		l := sessionLine(x.Session, loc)
		v.Tasks = append(v.Tasks, HomeItem{Text: fmt.Sprintf("Session at %s with %s", l.Time, x.ClientName),
			Href: fmt.Sprintf("/sessions/%d", x.ID), Note: fmt.Sprintf("%d minutes, %s, %s", x.Minutes, x.Kind.Label(), x.Modality.Label())})
	}
	return nil
}

// The calendar feed.

// CalendarView is a practitioner's calendar feed page.
type CalendarView struct {
	Feed *practice.CalendarFeed
	// Address is the feed's address, shown once, right after it is made;
	// "" otherwise.
	Address string
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	f, err := s.practice.MyCalendarFeed(r.Context(), actor(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "sessions_calendar", page{Title: "Your calendar feed", Data: CalendarView{Feed: f}})
	return nil
}

// createCalendarFeed makes (or replaces) the practitioner's feed and shows
// its address this once, on a page no one caches.
func (s *Server) createCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	ctx, by := r.Context(), actor(r)
	token, err := s.practice.CreateCalendarFeed(ctx, by)
	if err != nil {
		return err
	}
	f, err := s.practice.MyCalendarFeed(ctx, by)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "sessions_calendar", page{Title: "Your calendar feed",
		Flash: "Made a new calendar address. Copy it now: it is not shown again.",
		Data:  CalendarView{Feed: f, Address: s.cfg.PublicURL + "/calendar/" + token + ".ics"}})
	return nil
}

func (s *Server) revokeCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	if err := s.practice.RevokeCalendarFeed(r.Context(), actor(r)); err != nil {
		return err
	}
	redirect(w, r, "/calendar", "Revoked your calendar address: calendar programs that read it get nothing from now on.")
	return nil
}

// feedProdID names the program in every feed.
const feedProdID = "-//certboard//practice sessions//EN"

// calendarFeed serves a practitioner's sessions as an iCalendar file
// (practice.Practice.ReadCalendarFeed): each session's time, length,
// kind, modality and whether it was cancelled, nothing of its client.
// Reads are limited by feeds (feedLimit).
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request, feeds *feedLimits) error {
	if err := feeds.before(r, r.PathValue("file"), s.now()); err != nil {
		return err
	}
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		if err := feeds.unknownFeed(r.Context(), s.now()); err != nil {
			return err
		}
		return certboard.Errorf(certboard.NotFound, "there is no calendar at this address").WithTitle("Calendar not found")
	}
	fs, err := s.practice.ReadCalendarFeed(r.Context(), token)
	if certboard.ErrorCode(err) == certboard.NotFound {
		if err := feeds.unknownFeed(r.Context(), s.now()); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	host := "practice"
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	c := ical.Calendar{ProdID: feedProdID, Name: "Sessions"}
	for _, x := range fs.Sessions {
		e := ical.Event{UID: fmt.Sprintf("session-%d@%s", x.ID, host), Stamp: fs.At, Start: x.Start, End: x.End(),
			Summary: x.Summary(), Status: ical.Confirmed, Sequence: x.Version - 1, Modified: x.UpdatedAt}
		if x.Status == session.Cancelled {
			e.Status = ical.Cancelled
			e.Summary = "Cancelled: " + e.Summary
		}
		c.Events = append(c.Events, e)
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="sessions.ics"`)
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("X-Robots-Tag", "noindex")
	return ical.Encode(w, c)
}

// sendSessionReminders reminds clients of their sessions of the next day
// (practice.Practice.SendSessionReminders), with the links of the measures
// due before each session (practice.Practice.MeasuresBeforeSession),
// logging what it could not do. RunJobs calls it.
func (s *Server) sendSessionReminders(ctx context.Context) {
	r, err := s.practice.SendSessionReminders(ctx, s.practice.MeasuresBeforeSession)
	if err != nil && ctx.Err() == nil {
		s.cfg.Log.Error("sending session reminders", "err", err)
	}
	if r.Mailed+r.NoAddress > 0 {
		s.cfg.Log.Info("reminded clients of their sessions", "mailed", r.Mailed, "no_address", r.NoAddress)
	}
}
