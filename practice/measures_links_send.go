package practice

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/practice/measure"
)

// NewLink is what sending a measure to a client takes.
type NewLink struct {
	CaseID     int64
	Instrument string
	// Delivery is LinkByMail (to the client's address on file) or
	// LinkInRoom (the link is returned, to show as a QR code).
	Delivery LinkDelivery
	// Days is how long the link lives, MinLinkDays to MaxLinkDays; 0
	// means DefaultLinkDays.
	Days int
}

// SentLink is a link just sent.
type SentLink struct {
	Link MeasureLink
	// URL is the link's address, for a link shown in the room; "" for
	// one mailed (it is in the mail only).
	URL string
}

// checkNewLink checks a link's request before any transaction.
func checkNewLink(req NewLink) (measure.Instrument, int, error) {
	in, err := checkInstrument(req.Instrument)
	if err != nil {
		return in, 0, err
	}
	if req.Delivery != LinkByMail && req.Delivery != LinkInRoom {
		return in, 0, certboard.FieldError(certboard.Invalid, "delivery",
			fmt.Sprintf("choose how the client gets the link: %q or %q", LinkByMail, LinkInRoom))
	}
	days := req.Days
	if days == 0 {
		days = DefaultLinkDays
	}
	if days < MinLinkDays || days > MaxLinkDays {
		return in, 0, certboard.FieldError(certboard.Invalid, "days",
			fmt.Sprintf("a link lives %d to %d days; %d is outside", MinLinkDays, MaxLinkDays, req.Days))
	}
	return in, days, nil
}

// SendMeasureLink sends a client a measure to answer as a one-time link
// that expires after req.Days: mailed to the client's address on file, or
// returned to be shown in the room. Only a practitioner assigned to the
// client may, on an open case, with the client's consent to treatment in
// force and the instrument usable in the practice (enabled, with its
// wording; Conflict otherwise). The mail names the practice and the link
// only. Audited ("measure_link.send": the link, case, instrument,
// delivery and expiry; never the token).
func (p *Practice) SendMeasureLink(ctx context.Context, by Actor, req NewLink) (*SentLink, error) {
	in, days, err := checkNewLink(req)
	if err != nil {
		return nil, err
	}
	var out *SentLink
	err = p.store.InTx(ctx, func(tx Tx) error {
		c, err := p.linkCase(ctx, tx, by, req.CaseID, in)
		if err != nil {
			return err
		}
		now := p.clock.Now().UTC()
		l := MeasureLink{CaseID: c.ID, ClientID: c.ClientID, Instrument: in.ID, Delivery: req.Delivery,
			CreatedBy: by.UserID, CreatedByName: by.Name, CreatedAt: now, ExpiresAt: now.AddDate(0, 0, days)}
		token, err := p.createLink(ctx, tx, by.AuditName(), &l)
		if err != nil {
			return err
		}
		out = &SentLink{Link: l}
		if req.Delivery == LinkInRoom {
			out.URL = p.LinkURL(token)
		}
		return nil
	})
	return out, err
}

// linkCase locks case caseID in tx for sending links of instrument in or
// scheduling them, by by: a change that records treatment (changeCase),
// of an instrument the practice can use now (instrumentUsable).
func (p *Practice) linkCase(ctx context.Context, tx Tx, by Actor, caseID int64, in measure.Instrument) (*Case, error) {
	c, err := p.changeCase(ctx, tx, by, caseID, caseTreatment)
	if err != nil {
		return nil, err
	}
	if err := instrumentUsable(ctx, tx, in); err != nil {
		return nil, err
	}
	return c, nil
}

// instrumentUsable refuses an instrument the practice cannot use now.
func instrumentUsable(ctx context.Context, tx Tx, in measure.Instrument) error {
	v, err := instrumentIn(ctx, tx, in)
	if err != nil {
		return err
	}
	return usable(v)
}

// createLink stores link l with a new token, mails it when it goes by
// mail, and audits it ("measure_link.send") in the name of actor; it
// sets l.ID and returns the token.
func (p *Practice) createLink(ctx context.Context, tx Tx, actor string, l *MeasureLink) (string, error) {
	var email string
	if l.Delivery == LinkByMail {
		cl, err := tx.Client(ctx, l.ClientID)
		if err != nil {
			return "", err
		}
		if email = strings.TrimSpace(cl.Identity.Email); email == "" {
			return "", certboard.FieldError(certboard.Invalid, "delivery",
				"the client has no e-mail address on file; add one to their record, or show the link in the room")
		}
	}
	token, hash := newLinkToken()
	var err error
	if l.ID, err = tx.CreateMeasureLink(ctx, *l, hash); err != nil {
		return "", err
	}
	if email != "" {
		named, err := p.practiceNamed(ctx, tx)
		if err != nil {
			return "", err
		}
		if err := p.mail(ctx, tx, email, notify.MeasureLinkSent{Practice: named.Name, Link: p.LinkURL(token),
			Until: l.ExpiresAt.Format("2006-01-02")}); err != nil {
			return "", err
		}
	}
	after := map[string]any{"link": l.ID, "case": l.CaseID, "instrument": l.Instrument, "delivery": l.Delivery,
		"expires_at": l.ExpiresAt.Format(time.RFC3339)}
	if l.ScheduleID != 0 {
		after["schedule"] = l.ScheduleID
	}
	return token, p.auditAs(ctx, tx, actor, "measure_link.send", ClientSubject(l.ClientID), nil, after)
}

// auditAs appends an audit entry in the name of actor ("user:<id>",
// "link:<id>", "schedule:<id>"), as appendAudit does for a person.
func (p *Practice) auditAs(ctx context.Context, tx Tx, actor, action, subject string, before, after any) error {
	return p.appendAudit(ctx, namedTx{Tx: tx, actor: actor}, Actor{}, action, subject, before, after)
}

// namedTx is a transaction whose audit entries name actor, whoever
// appendAudit is told acts.
type namedTx struct {
	Tx
	actor string
}

// AppendAudit appends e in the name of the transaction's actor.
func (t namedTx) AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error) {
	e.Actor = t.actor
	return t.Tx.AppendAudit(ctx, e)
}

// errNoLink is what someone who may not know a link exists is told.
func errNoLink(id int64) error {
	return certboard.Errorf(certboard.NotFound, "there is no link %d among your clients' measures", id).WithTitle("Link not found")
}

// RevokeLink revokes a link not yet answered, so that it no longer
// opens; answers saved through it are dropped with it, how many there
// were kept for the list. Only a
// practitioner assigned to the client may; a link already answered or
// revoked is a Conflict (an expired one may still be revoked). Audited
// ("measure_link.revoke").
func (p *Practice) RevokeLink(ctx context.Context, by Actor, linkID int64) (*MeasureLink, error) {
	var out *MeasureLink
	err := p.store.InTx(ctx, func(tx Tx) error {
		l, err := lockForChange(ctx, p, tx, by, errNoLink(linkID),
			func() (*MeasureLink, error) { return tx.LockMeasureLink(ctx, linkID) },
			func(l *MeasureLink) int64 { return l.ClientID })
		if err != nil {
			return err
		}
		now := p.clock.Now().UTC()
		if st := l.StatusAt(now); st == LinkAnswered || st == LinkRevoked {
			return certboard.Errorf(certboard.Conflict, "link %d is %s already and cannot be revoked", linkID, st.Label())
		}
		err = tx.RevokeMeasureLink(ctx, linkID, by.UserID, now)
		if errors.Is(err, certboard.ErrConflict) {
			return certboard.Errorf(certboard.Conflict, "link %d was answered or revoked meanwhile; reload the page", linkID)
		}
		if err != nil {
			return err
		}
		l.RevokedAt, l.RevokedBy, l.Answers, l.Closing = now, by.UserID, nil, ""
		out = l
		return p.appendAudit(ctx, tx, by, "measure_link.revoke", ClientSubject(l.ClientID), nil,
			map[string]any{"link": linkID, "case": l.CaseID})
	})
	return out, err
}

// CaseLinks is a case's links and schedules, for its measures page.
type CaseLinks struct {
	CaseID   int64
	ClientID int64
	// Links are every link sent, newest first, without their answers.
	Links []MeasureLink
	// Flagged are the safety tasks links' answers raised before they
	// were sent (SaveLinkAnswers), by link.
	Flagged map[int64][]SafetyTask
	// Schedules are every schedule, newest first.
	Schedules []MeasureSchedule
	// Usable are the instruments that may be sent now.
	Usable []measure.Instrument
	// HasEmail says whether the client has an e-mail address on file.
	HasEmail bool
	// CanSend says whether the reader may send and schedule (an assigned
	// practitioner, not an admin with emergency access).
	CanSend bool
	// Assigned says whether the reader is assigned to the client (and
	// may resolve the safety tasks).
	Assigned bool
	// Now is when it was read, for the links' status.
	Now time.Time
}

// CaseLinks reads the links sent on a case and its schedules, for an
// assigned practitioner or an admin with emergency access; the answers
// saved through a link are not part of it. The read is audited
// (ClientRead, "case:<id>:links").
func (p *Practice) CaseLinks(ctx context.Context, by Actor, caseID int64) (*CaseLinks, error) {
	var out *CaseLinks
	err := p.store.InTx(ctx, func(tx Tx) error {
		c, acc, err := p.readCase(ctx, tx, by, caseID, ":links")
		if err != nil {
			return err
		}
		cl := &CaseLinks{CaseID: caseID, ClientID: c.ClientID, CanSend: acc.Assigned && c.Open(), Assigned: acc.Assigned,
			Now: p.clock.Now().UTC()}
		if cl.Links, err = tx.CaseMeasureLinks(ctx, caseID); err != nil {
			return err
		}
		for i := range cl.Links {
			cl.Links[i].Answers, cl.Links[i].Closing = nil, ""
		}
		tasks, err := tx.CaseSafetyTasks(ctx, caseID)
		if err != nil {
			return err
		}
		cl.Flagged = map[int64][]SafetyTask{}
		for _, t := range tasks {
			if t.Link != 0 {
				cl.Flagged[t.Link] = append(cl.Flagged[t.Link], t)
			}
		}
		if cl.Schedules, err = tx.CaseMeasureSchedules(ctx, caseID); err != nil {
			return err
		}
		if cl.CanSend {
			client, err := tx.Client(ctx, c.ClientID)
			if err != nil {
				return err
			}
			cl.HasEmail = strings.TrimSpace(client.Identity.Email) != ""
		}
		out = cl
		return nil
	})
	if err != nil || !out.CanSend {
		return out, err
	}
	all, err := p.Instruments(ctx, by)
	if err != nil {
		return nil, err
	}
	for _, v := range all {
		if v.Usable() {
			out.Usable = append(out.Usable, v.Instrument)
		}
	}
	return out, nil
}
