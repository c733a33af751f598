package board

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/portfolio"
)

// Move is an action on an application, as its caller decided it may be
// taken (see Next): where it leads and what goes with it.
type Move struct {
	Action Action
	// To is the state the action leads to, as Next (or, for a renewal
	// approved without peer review, the renewal rule) decided.
	To     State
	Reason string
	// Version is the application's version the person acted on.
	Version int
	// Snapshot, when not nil, is frozen as the submitted evidence, judged
	// by SetVersion (on submission and when the applicant answers).
	Snapshot   []byte
	SetVersion string
	// Issue issues the credential of an approval inside the transaction
	// at the time of the transition and returns its id; it is called when
	// To is Approved.
	Issue func(ctx context.Context, tx Tx, at time.Time) (string, error)
}

// Transition applies an action to an application in one transaction: the
// version-guarded state change (and the frozen snapshot, the credential
// of an approval), the history event, the audit entry, and mail to the
// people concerned: staff when the applicant submits or answers, the
// applicant when staff act, and the applicant a confirmation of their
// submission (confirmSubmission). by is the applicant or a member of staff
// signed in with two factors; anyone else is refused.
func (b *Board) Transition(ctx context.Context, by *auth.User, app *Application, m Move) (State, error) {
	from := app.State
	if by.ID != app.ApplicantID && (!by.IsStaff() || !by.TwoFactor()) {
		return from, notVisible(app.ID)
	}
	now := b.clock.Now()
	reason := m.Reason
	err := b.store.InTx(ctx, func(tx Tx) error {
		if _, err := tx.SetApplicationState(ctx, app.ID, m.Version, from, m.To, now); err != nil {
			return err
		}
		if m.Snapshot != nil {
			if err := tx.FreezeSnapshot(ctx, app.ID, m.Snapshot, m.SetVersion, now); err != nil {
				return err
			}
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: app.ID, At: now, ActorID: by.ID, Action: string(m.Action),
			From: from, To: m.To, Message: strings.TrimSpace(reason)}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "application." + string(m.Action),
			Subject: fmt.Sprintf("application/%d", app.ID), Before: string(from), After: string(m.To)}); err != nil {
			return err
		}
		var issued *IssuedCredential
		if m.To == Approved {
			if m.Issue == nil {
				return fmt.Errorf("application %d: approved without a credential to issue", app.ID)
			}
			credID, err := m.Issue(ctx, tx, now)
			if err != nil {
				return err
			}
			if issued, err = tx.CredentialForUpdate(ctx, credID); err != nil {
				return err
			}
		}
		if m.Action == Submit {
			if err := b.confirmSubmission(ctx, tx, app, m, now); err != nil {
				return err
			}
		}
		return b.notifyTransition(ctx, tx, by, app, m.Action, m.To, reason, issued, now)
	})
	if err != nil {
		return from, err
	}
	return m.To, nil
}

// notifyTransition mails the people an action concerns: staff when the
// applicant submits or answers, the applicant when staff act; an approval's
// mail names the credential issued (nil for none) and who sees it.
func (b *Board) notifyTransition(ctx context.Context, tx Tx, by *auth.User, app *Application, action Action, to State, reason string, issued *IssuedCredential, now time.Time) error {
	switch action {
	case Submit, AnswerInfo:
		staff, err := b.store.Users(ctx, auth.Staff)
		if err != nil {
			return err
		}
		m := notify.ApplicationForStaff{App: app.ID, Set: b.setTitle(app.SetID), Applicant: app.ApplicantName, State: to.Words(),
			Link: fmt.Sprintf("%s/queue/%d", b.PublicURL(), app.ID)}
		if action == AnswerInfo {
			m.Answer = reason
		}
		for _, u := range staff {
			if err := notify.Enqueue(ctx, tx, u.Email, m, now); err != nil {
				return err
			}
		}
		return nil
	}
	if by.ID == app.ApplicantID {
		return nil
	}
	m := notify.ApplicationStateChanged{Name: app.ApplicantName, App: app.ID, Set: b.setTitle(app.SetID), State: to.Words(),
		Answer: to == InfoRequested, Link: fmt.Sprintf("%s/applications/%d", b.PublicURL(), app.ID)}
	if strings.TrimSpace(reason) != "" {
		m.Reason = reason
	}
	if issued != nil {
		m.Credential, m.Public = b.credentialURL(issued.ID), issued.Public
	}
	return notify.Enqueue(ctx, tx, app.ApplicantEmail, m, now)
}

// confirmSubmission mails the applicant that the board received their
// application: what they submitted (the snapshot m freezes), when, what
// happens next and where to follow it, with the board's name and contact
// address.
func (b *Board) confirmSubmission(ctx context.Context, tx Tx, app *Application, m Move, now time.Time) error {
	settings, err := b.store.BoardSettings(ctx)
	if err != nil {
		return err
	}
	snapshot := m.Snapshot
	if snapshot == nil {
		snapshot = app.Portfolio
	}
	p, err := portfolio.DecodeStored(snapshot)
	if err != nil {
		return fmt.Errorf("application %d: %w", app.ID, err)
	}
	items, unconfirmed := countEvidence(p)
	return notify.Enqueue(ctx, tx, app.ApplicantEmail, notify.ApplicationReceived{Name: app.ApplicantName, Board: settings.DisplayName(),
		Set: b.setTitle(app.SetID), Version: m.SetVersion, At: now, Items: items, Unconfirmed: unconfirmed,
		Renewal: app.RenewsCredential != "", Link: fmt.Sprintf("%s/applications/%d", b.PublicURL(), app.ID),
		Contact: settings.ContactEmail}, now)
}

// countEvidence counts a portfolio's evidence items, and those of them
// nobody has confirmed yet (claimed).
func countEvidence(p *portfolio.Portfolio) (items, claimed int) {
	for _, list := range portfolio.Lists() {
		for _, it := range portfolio.Items(p, list) {
			items++
			if st := portfolio.VerificationOf(it.Value).State; st == "" || st == portfolio.Claimed {
				claimed++
			}
		}
	}
	return items, claimed
}
