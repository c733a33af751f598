package practice

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/session"
	"github.com/certboard/certboard/practice/superbill"
)

// Superbills: the statement a self-pay client sends their insurer to claim
// back what they paid (package superbill lays it out). A superbill names
// one rendering provider and carries their signature line, so it is made
// by the practitioner who held the sessions, of their own sessions only:
// a client seen by two practitioners in a month gets one superbill from
// each, and a practitioner asking for a month in which only a colleague
// saw the client is told to ask that colleague. Only an assigned
// practitioner makes one: an admin's emergency access reads a record, it
// does not bill from it.
//
// A superbill lists services rendered: sessions marked attended. A
// no-show or a late cancellation may be charged to the client, but no
// service was given, and insurers do not reimburse missed appointments;
// cancelled, no-show and still scheduled sessions are left out. Where a
// session was held gives its place of service: in person is the office
// (11), video is telehealth in the client's home (10), the usual case of
// a couple at home; a session does not record that the client joined from
// elsewhere (02). The diagnoses are the confirmed primary ICD-10-CM codes
// of the concerns of the cases the sessions belong to; a code the
// taxonomy marks unconfirmed is not printed as a diagnosis.

// AuditClientSuperbill is the audit action of a superbill made: a
// disclosure of the client's record (to the client, for their insurer).
// Its subject is the client; its After names the period, the sessions
// and the cases billed by id, never an amount, a code or a name.
const AuditClientSuperbill = "client.superbill"

// SuperbillPaper is the paper superbills are laid out on: US Letter,
// which the insurers they go to print on.
const SuperbillPaper = superbill.Letter

// SuperbillPeriod says what a superbill covers: a calendar month of the
// practice's time zone, written as a month field sends it ("2026-11"), or
// one session, by id. Exactly one is given.
type SuperbillPeriod struct {
	Month   string
	Session int64
}

// SuperbillDoc is a superbill made: its PDF, a file name for it that does
// not name the client, and what it shows.
type SuperbillDoc struct {
	// Filename is "superbill-<client>-<YYYY-MM>.pdf" or
	// "superbill-<client>-session-<id>.pdf".
	Filename string
	PDF      []byte
	// Input is what the PDF shows; Sessions the ids of the sessions it
	// bills, in its order.
	Input    superbill.Input
	Sessions []int64
}

// Where a superbill's refusals send the person to fix what is missing.
const (
	// PracticeIdentifiersPath is where an admin gives the practice's
	// identifiers.
	PracticeIdentifiersPath = "/admin/identifiers"
	// OwnIdentifiersPath is where a practitioner gives their own.
	OwnIdentifiersPath = "/identifiers"
)

// Earliest and latest months a superbill may be asked for.
const (
	superbillFirstYear = 2000
	superbillLastYear  = 9999
)

// checkSuperbillPeriod reads a period: Invalid "month" or "session" when
// it is neither, or both, or not a month.
func checkSuperbillPeriod(in SuperbillPeriod) (month time.Time, err error) {
	in.Month = strings.TrimSpace(in.Month)
	switch {
	case in.Month != "" && in.Session != 0:
		return time.Time{}, certboard.FieldError(certboard.Invalid, "month",
			"ask for the superbill of a month or of one session, not both")
	case in.Session < 0:
		return time.Time{}, certboard.FieldError(certboard.Invalid, "session", "there is no such session; choose one from the client's list")
	case in.Session > 0:
		return time.Time{}, nil
	case in.Month == "":
		return time.Time{}, certboard.FieldError(certboard.Invalid, "month", "choose the month the superbill covers, such as 2026-11")
	}
	m, perr := time.Parse("2006-01", in.Month)
	if len(in.Month) > len("2006-01") {
		return time.Time{}, certboard.FieldError(certboard.Invalid, "month", "write the year and month as YYYY-MM, such as 2026-11")
	}
	if perr != nil || m.Year() < superbillFirstYear || m.Year() > superbillLastYear {
		return time.Time{}, certboard.FieldError(certboard.Invalid, "month",
			fmt.Sprintf("%q is not a month: write the year and month as YYYY-MM, such as 2026-11", in.Month))
	}
	return m, nil
}

// Superbill makes the superbill of client clientID for period (a month of
// the practice's time zone, or one session), for by, who must be a
// practitioner assigned to the client: anyone else is refused as a read
// of the record is (NotFound, or Forbidden for an admin) and the refusal
// audited. It bills by's own sessions that were attended (see the
// comment at the top of this file for what is left out and why); a month
// without any, or a session that is not one, is Invalid naming "month"
// or "session" and saying why. It gathers the practice's and by's
// identifiers (Invalid naming each one missing, "practice" or
// "practitioner", and where to give it: PracticeIdentifiersPath,
// OwnIdentifiersPath), the client's name and date of birth and the cases'
// ICD-10-CM codes; checks the whole with superbill.Validate (Invalid
// naming each field to fix) and lays it out on SuperbillPaper. Nothing is
// written but the audit entry of the disclosure (AuditClientSuperbill).
func (p *Practice) Superbill(ctx context.Context, by Actor, clientID int64, period SuperbillPeriod) (*SuperbillDoc, error) {
	month, err := checkSuperbillPeriod(period)
	if err != nil {
		return nil, err
	}
	// The identifiers are the practice's, not the client's: read outside
	// the transaction, and reported only once access is granted.
	practiceIDs, err := p.store.PracticeIdentifiers(ctx)
	if errors.Is(err, certboard.ErrNotFound) {
		practiceIDs, err = &PracticeIdentifiers{}, nil
	}
	if err != nil {
		return nil, err
	}
	ownIDs, err := p.store.PractitionerIdentifiers(ctx, by.UserID)
	if errors.Is(err, certboard.ErrNotFound) {
		ownIDs, err = &PractitionerIdentifiers{UserID: by.UserID}, nil
	}
	if err != nil {
		return nil, err
	}
	ownIDs.Name = by.Name

	now := p.clock.Now().UTC()
	var out *SuperbillDoc
	err = p.store.InTx(ctx, func(tx Tx) error {
		if err := p.maySuperbill(ctx, tx, by, clientID); err != nil {
			return err
		}
		settings, err := tx.SessionSettings(ctx)
		if err != nil {
			return err
		}
		loc := settings.Location()
		all, err := tx.ClientSessions(ctx, clientID)
		if err != nil {
			return err
		}
		var billed []Session
		var sp superbill.Period
		if period.Session != 0 {
			s, err := superbillSession(by, all, period.Session, loc)
			if err != nil {
				return err
			}
			billed = []Session{*s}
			sp = superbill.Period{Kind: superbill.Session, Day: date.FromTime(s.Start.In(loc))}
		} else {
			sp = superbill.Period{Kind: superbill.Month, Day: date.Of(month.Year(), month.Month(), 1)}
			if billed, err = superbillMonth(by, clientID, all, sp, loc); err != nil {
				return err
			}
		}
		c, err := tx.Client(ctx, clientID)
		if err != nil {
			return err
		}
		in := superbill.Input{Practice: practiceIDs.Superbill(), Practitioner: ownIDs.Superbill(),
			Client:   superbill.Client{Name: c.Identity.Name, DateOfBirth: c.Identity.DateOfBirth},
			Period:   sp,
			Currency: billed[0].Currency,
			Issued:   date.FromTime(now.In(loc)),
		}
		var ids, cases []int64
		for _, s := range billed {
			if s.Currency != in.Currency {
				return certboard.FieldError(certboard.Invalid, "month", fmt.Sprintf(
					"the sessions of %s are billed in %s and %s; a superbill is in one currency: make one per session, or correct the sessions' currency",
					sp.Label(), in.Currency, s.Currency)).WithTitle("Superbill not ready")
			}
			place := superbill.Office
			if s.Modality == session.Video {
				place = superbill.TelehealthHome
			}
			in.Lines = append(in.Lines, superbill.Line{Date: date.FromTime(s.Start.In(loc)), CPT: s.CPT, Place: place,
				Minutes: s.Minutes, FeeCents: s.FeeCents, PaidCents: s.PaidCents})
			ids = append(ids, s.ID)
			if !slices.Contains(cases, s.CaseID) {
				cases = append(cases, s.CaseID)
			}
		}
		var unconfirmed []string
		for _, caseID := range cases {
			stored, err := tx.CaseConcerns(ctx, caseID)
			if err != nil {
				return err
			}
			for _, cc := range caseConcerns(concern.Default(), stored) {
				for _, k := range cc.Codes.ICD10CM {
					switch {
					case !k.Confirmed:
						unconfirmed = append(unconfirmed, k.Code)
					case !slices.ContainsFunc(in.Diagnoses, func(d superbill.Diagnosis) bool { return d.Code == k.Code }):
						in.Diagnoses = append(in.Diagnoses, superbill.Diagnosis{Code: k.Code, Description: k.Title})
					}
				}
			}
		}
		if err := superbillReady(in, *practiceIDs, *ownIDs, cases, unconfirmed); err != nil {
			return err
		}
		pdf, err := superbill.PDF(in, SuperbillPaper)
		if err != nil {
			return err
		}
		out = &SuperbillDoc{PDF: pdf, Input: in, Sessions: ids}
		after := map[string]any{"sessions": ids, "cases": cases, "access": "assigned"}
		if period.Session != 0 {
			out.Filename = fmt.Sprintf("superbill-%d-session-%d.pdf", clientID, period.Session)
			after["period"], after["session"] = "session", period.Session
		} else {
			out.Filename = fmt.Sprintf("superbill-%d-%s.pdf", clientID, month.Format("2006-01"))
			after["period"] = month.Format("2006-01")
		}
		return p.appendAudit(ctx, tx, by, AuditClientSuperbill, ClientSubject(clientID), nil, after)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// maySuperbill checks that by may make a superbill of client clientID: an
// assigned practitioner. A refusal is audited as a refused read.
func (p *Practice) maySuperbill(ctx context.Context, tx Tx, by Actor, clientID int64) error {
	acc, err := p.clientAccess(ctx, tx, by, clientID)
	if err == nil && !acc.Assigned {
		err = certboard.Errorf(certboard.Forbidden,
			"a superbill is made and signed by the practitioner who held the sessions; emergency access reads client %d's record, it does not bill from it: ask an assigned practitioner",
			clientID).WithTitle("Superbill refused")
	}
	if err != nil {
		noteRefusal(tx, ClientReadDenied, by, clientID, "superbill", err)
	}
	return err
}

// superbillSession finds session id among a client's sessions: it must be
// one by held and that was attended.
func superbillSession(by Actor, all []Session, id int64, loc *time.Location) (*Session, error) {
	i := slices.IndexFunc(all, func(s Session) bool { return s.ID == id })
	if i < 0 {
		return nil, errNoSession(id)
	}
	s := &all[i]
	when := s.Start.In(loc).Format("2 January 2006")
	switch {
	case s.Imported():
		return nil, certboard.FieldError(certboard.Invalid, "session", fmt.Sprintf(
			"the session of %s was held at another practice and came with the client's imported record; it is billed by that practice, not on a superbill of this one",
			when)).WithTitle("Superbill not ready")
	case s.PractitionerID != by.UserID:
		return nil, certboard.FieldError(certboard.Invalid, "session", fmt.Sprintf(
			"the session of %s was held by %s; a superbill names and is signed by the practitioner who held the session: ask them for it",
			when, s.PractitionerName)).WithTitle("Superbill not ready")
	case s.Status != session.Attended:
		return nil, certboard.FieldError(certboard.Invalid, "session", fmt.Sprintf(
			"the session of %s is %s; a superbill lists services rendered, sessions that were attended: mark it attended once it has taken place",
			when, strings.ToLower(s.Status.Label()))).WithTitle("Superbill not ready")
	}
	return s, nil
}

// superbillMonth picks, from a client's sessions (the latest first), the
// attended sessions by held in period's month of loc, the earliest first,
// leaving out those held at another practice (imported), which that
// practice bills. None is Invalid "month", naming the colleagues who did
// see the client that month and saying why imported ones are left out.
func superbillMonth(by Actor, clientID int64, all []Session, period superbill.Period, loc *time.Location) ([]Session, error) {
	first := period.First().Time()
	from := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, loc)
	to := from.AddDate(0, 1, 0)
	var out []Session
	var others []string
	imported := 0
	for _, s := range all {
		if s.Start.Before(from) || !s.Start.Before(to) || s.Status != session.Attended {
			continue
		}
		if s.Imported() {
			// Held at the other practice, which bills it.
			imported++
			continue
		}
		if s.PractitionerID != by.UserID {
			if !slices.Contains(others, s.PractitionerName) {
				others = append(others, s.PractitionerName)
			}
			continue
		}
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b Session) int { return a.Start.Compare(b.Start) })
	switch {
	case len(out) > superbill.MaxLines:
		return nil, certboard.FieldError(certboard.Invalid, "month", fmt.Sprintf(
			"%s has %d sessions, more than a superbill lists (%d); make superbills per session", period.Label(), len(out), superbill.MaxLines))
	case len(out) > 0:
		return out, nil
	}
	msg := fmt.Sprintf("client %d has no attended session with you in %s; a superbill lists services rendered, sessions marked attended (not cancelled, no-show or scheduled ones)",
		clientID, period.Label())
	if imported > 0 {
		what := "the session of that month was held at another practice and came with the client's imported record: it is"
		if imported > 1 {
			what = fmt.Sprintf("the %d sessions of that month were held at another practice and came with the client's imported record: they are", imported)
		}
		msg += "; " + what + " billed by that practice, not on a superbill of this one"
	}
	if len(others) > 0 {
		msg += fmt.Sprintf("; the sessions with %s that month go on their own superbill, which they make", strings.Join(others, " and "))
	} else if imported == 0 {
		msg += ": choose another month, or mark the month's sessions attended"
	}
	return nil, certboard.FieldError(certboard.Invalid, "month", msg).WithTitle("No sessions to bill")
}

// superbillReady checks a superbill before it is laid out: identifiers
// never given, or the practice's given without all a superbill needs
// (PracticeIdentifiers.Missing), are named as a whole ("practice",
// "practitioner") with where to give them; anything else superbill.Validate refuses is named
// by its field with how to fix it where it is kept.
func superbillReady(in superbill.Input, practiceIDs PracticeIdentifiers, ownIDs PractitionerIdentifiers, cases []int64, unconfirmed []string) error {
	fields := map[string]string{}
	var order []string
	add := func(field, msg string) {
		if _, ok := fields[field]; !ok {
			order = append(order, field)
			fields[field] = msg
		}
	}
	if len(practiceIDs.Missing()) > 0 {
		add("practice", "practice: the practice's identifiers (name, address, phone, tax id) have not all been given; a practice admin gives them at "+PracticeIdentifiersPath)
	}
	if !ownIDs.Complete() {
		add("practitioner", "practitioner: your licence and NPI have not been given; give them at "+OwnIdentifiersPath)
	}
	var e *certboard.Error
	if err := in.Validate(); errors.As(err, &e) {
		keys := slices.Collect(maps.Keys(e.Fields))
		slices.SortStableFunc(keys, func(a, b string) int {
			return strings.Index(e.Message, e.Fields[a]) - strings.Index(e.Message, e.Fields[b])
		})
		for _, f := range keys {
			msg := e.Fields[f]
			switch {
			case strings.HasPrefix(f, "practice."):
				if len(practiceIDs.Missing()) > 0 {
					continue
				}
				msg += " (a practice admin corrects it at " + PracticeIdentifiersPath + ")"
			case strings.HasPrefix(f, "practitioner."):
				if !ownIDs.Complete() {
					continue
				}
				msg += " (correct it at " + OwnIdentifiersPath + ")"
			case strings.HasPrefix(f, "client."):
				msg += " (correct it on the client's record)"
			case f == "diagnoses":
				msg = fmt.Sprintf("diagnoses: the %s of the sessions (%s) records no concern with a confirmed ICD-10-CM code, and insurers refund only services for a diagnosis; record the client's concerns on the case",
					plural(len(cases), "case", "cases"), joinIDs(cases))
				if len(unconfirmed) > 0 {
					msg += fmt.Sprintf(" (%s is not confirmed by its sources in the practice's taxonomy, so it is not printed as a diagnosis)", strings.Join(unconfirmed, ", "))
				}
			}
			add(f, msg)
		}
	} else if err != nil {
		return err
	}
	if len(order) == 0 {
		return nil
	}
	msgs := make([]string, len(order))
	for i, f := range order {
		msgs[i] = fields[f]
	}
	return &certboard.Error{Code: certboard.Invalid, Title: "Superbill not ready", Field: order[0],
		Message: strings.Join(msgs, "; "), Fields: fields}
}

// plural is one or many, by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// joinIDs writes ids as "12, 14".
func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}
