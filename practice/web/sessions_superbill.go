package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/session"
)

// Superbills: the form on a client's sessions section that asks for the
// superbill of a month, a button per attended session for the superbill
// of that session, and the one route both post to, which answers the PDF
// or, when the superbill cannot be made yet, a page saying how to fix it.
// Making one is a disclosure, audited, so it is a POST (the kit's
// cross-origin protection keeps another site from triggering it).

// superbillRoutes registers the superbill's route; New calls it.
func (s *Server) superbillRoutes() {
	s.route("POST /client-sessions/{id}/superbill", Practitioner, s.handle(s.superbillPDF))
}

// SuperbillFormView is what the superbill's form shows: the client, the
// month it offers first, and who reads it (whose attended sessions get
// a link to their own superbill).
type SuperbillFormView struct {
	Client int64
	// Month is "2026-11": the month of the reader's latest attended
	// session with the client, or the current month.
	Month string
	// Reader is the account reading the page.
	Reader int64
	// Error is what to fix in the month, shown at its field.
	Error string
}

// superbillForm is the form of client v's sessions for reader at now.
func superbillForm(v *practice.ClientSessionsView, reader int64, now time.Time) SuperbillFormView {
	loc := v.Settings.Location()
	out := SuperbillFormView{Client: v.ClientID, Reader: reader, Month: now.In(loc).Format("2006-01")}
	for _, x := range v.Sessions { // the latest first
		if x.PractitionerID == reader && x.Status == session.Attended {
			out.Month = x.Start.In(loc).Format("2006-01")
			break
		}
	}
	return out
}

// SuperbillRefusalView is the page shown when a superbill cannot be made:
// each problem, in the order found, and where to fix them.
type SuperbillRefusalView struct {
	Form     SuperbillFormView
	Problems []string
	// Practice, Practitioner, ClientRecord and Diagnoses say which links
	// to fixing them to show.
	Practice, Practitioner, ClientRecord, Diagnoses bool
	// PracticeLink and OwnLink are where identifiers are given.
	PracticeLink, OwnLink string
}

// superbillPDF answers the superbill of client {id} for the form's
// month=YYYY-MM or session=<id> (practice.Practice.Superbill) as a PDF download that is
// never cached and whose file name does not name the client; a superbill
// that cannot be made yet shows the page that says why and how to fix it.
func (s *Server) superbillPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	q := r.PostForm
	period := practice.SuperbillPeriod{Month: q.Get("month")}
	if v := q.Get("session"); v != "" {
		if period.Session, err = strconv.ParseInt(v, 10, 64); err != nil || period.Session <= 0 {
			period.Session = -1
		}
	}
	doc, err := s.practice.Superbill(r.Context(), actor(r), id, period)
	if e := refusal(err); e != nil && e.Code == certboard.Invalid {
		return s.renderSuperbillRefusal(w, r, id, e, q)
	}
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `attachment; filename="`+doc.Filename+`"`)
	h.Set("Content-Length", strconv.Itoa(len(doc.PDF)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(doc.PDF)
	return nil
}

// renderSuperbillRefusal shows why the superbill asked for by form q cannot
// be made, with the form to ask again.
func (s *Server) renderSuperbillRefusal(w http.ResponseWriter, r *http.Request, clientID int64, e *certboard.Error, q url.Values) error {
	errs := fieldErrors(e)
	v := SuperbillRefusalView{Form: SuperbillFormView{Client: clientID, Month: q.Get("month"), Reader: actor(r).UserID},
		PracticeLink: practice.PracticeIdentifiersPath, OwnLink: practice.OwnIdentifiersPath}
	for field, msg := range errs {
		msg = strings.TrimPrefix(msg, field+": ")
		if field == "month" {
			v.Form.Error = msg
		}
		v.Problems = append(v.Problems, msg)
		switch {
		case field == "practice" || strings.HasPrefix(field, "practice."):
			v.Practice = true
		case field == "practitioner" || strings.HasPrefix(field, "practitioner."):
			v.Practitioner = true
		case strings.HasPrefix(field, "client."):
			v.ClientRecord = true
		case strings.HasPrefix(field, "diagnoses"):
			v.Diagnoses = true
		}
	}
	// In the order the refusal lists them.
	slices.SortFunc(v.Problems, func(a, b string) int { return strings.Index(e.Message, a) - strings.Index(e.Message, b) })
	title := e.Title
	if title == "" {
		title = "Superbill not ready"
	}
	s.render(w, r, http.StatusUnprocessableEntity, "sessions_superbill", page{Title: title, Data: v})
	return nil
}
