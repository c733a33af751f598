package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// demoHolder is a registry-only demo account: a holder of an issued
// credential with a public profile.
type demoHolder struct {
	name, local string
	profile     boardsql.Profile
	// issuedAgo is how long before now the credential was issued; status
	// is "" (valid), "suspend" or "revoke".
	issuedAgo time.Duration
	status    string
	reason    string
}

const demoYear = 365 * 24 * time.Hour

var demoHolders = []demoHolder{
	{name: "Dr. Amara Osei", local: "amara.osei", issuedAgo: 200 * 24 * time.Hour, profile: boardsql.Profile{City: "Toronto", Region: "Ontario", Country: "CA",
		Specialties: []string{"desire", "disability", "relationship"}, Telehealth: true, Languages: []string{"en", "fr"}, Practice: "Osei Sex Therapy",
		Statement: "Couples and individuals, with a focus on intimacy alongside chronic illness.", Website: "https://osei-therapy.example.org", Visible: true}},
	{name: "Lucía Fernández", local: "lucia.fernandez", issuedAgo: 2 * demoYear, profile: boardsql.Profile{City: "Madrid", Region: "Comunidad de Madrid", Country: "ES",
		Specialties: []string{"pain", "anorgasmia"}, Telehealth: true, Languages: []string{"es", "en", "ca"}, Practice: "Clínica Fernández",
		Statement: "Sexual pain and orgasm concerns; sessions in Spanish, English or Catalan.", Email: "consulta@fernandez.example.org", Visible: true}},
	{name: "Dr. Henrik Lund", local: "henrik.lund", issuedAgo: demoYear, status: "suspend",
		reason: "Professional liability insurance lapsed; the credential is reinstated when a current certificate is on file.",
		profile: boardsql.Profile{City: "Oslo", Region: "Oslo", Country: "NO", Specialties: []string{"ed", "pe"}, Languages: []string{"no", "en", "sv"},
			Practice: "Lund Klinikk", Visible: true}},
	{name: "Mei Tanaka", local: "mei.tanaka", issuedAgo: 3*demoYear + 60*24*time.Hour, profile: boardsql.Profile{City: "Vancouver", Region: "British Columbia", Country: "CA",
		Specialties: []string{"interests", "relationship"}, Telehealth: true, Languages: []string{"en", "ja", "zh"}, Practice: "Tanaka Counselling",
		Statement: "Individual and couples therapy on sexual interests and orientation, in English, Japanese or Mandarin.", Visible: true}},
	{name: "Rafael Costa", local: "rafael.costa", issuedAgo: 500 * 24 * time.Hour, status: "revoke",
		reason: "Revoked after an ethics hearing (case 2026-14).",
		profile: boardsql.Profile{City: "Austin", Region: "Texas", Country: "US", Specialties: []string{"compulsive", "relationship"},
			Languages: []string{"en", "pt", "es"}, Practice: "Costa Therapy Group", Visible: true}},
	{name: "Noor Haddad", local: "noor.haddad", issuedAgo: 100 * 24 * time.Hour, profile: boardsql.Profile{City: "London", Region: "England", Country: "GB",
		Specialties: []string{"disability", "pain"}, Telehealth: true, Languages: []string{"en", "ar"}, Practice: "Haddad Practice",
		Statement: "Sexual pain and intimacy with a disability; sessions in English or Arabic.", Visible: false}},
}

// seedRegistryDemo gives the demo holders public profiles and credentials
// for the registry. users are the demo accounts by e-mail local part.
// Jordan, approved by the demo, makes the credential public and gets a
// listed profile; registry-only holders are issued credentials (one
// expired, one suspended, one revoked, one with a hidden profile). A holder
// already seeded is left alone, so seeding again changes nothing.
func (s *Server) seedRegistryDemo(ctx context.Context, users map[string]*boardsql.User) error {
	staff := users["staff"]
	jordan := users["jordan"]
	if _, err := s.cfg.Store.Profile(ctx, jordan.ID); errors.Is(err, boardsql.ErrNotFound) {
		creds, err := s.cfg.Store.CredentialsOf(ctx, jordan.ID)
		if err != nil {
			return err
		}
		for _, c := range creds {
			if err := s.demoPublish(ctx, jordan, c); err != nil {
				return err
			}
		}
		if _, errs, err := s.saveProfile(ctx, jordan, boardsql.Profile{DisplayName: jordan.Name, City: "Chicago", Region: "Illinois", Country: "US",
			Specialties: []string{"desire", "interests", "relationship"}, Telehealth: true, Languages: []string{"en", "es"}, Practice: jordan.Workplace,
			Statement: "Couples and individual sex therapy in English and Spanish, in person in Chicago or by video.", Visible: true}); err != nil || len(errs) > 0 {
			return fmt.Errorf("jordan's profile: %v %v", err, errs)
		}
	} else if err != nil {
		return err
	}
	for _, h := range demoHolders {
		if _, err := s.cfg.Store.UserByEmail(ctx, demoEmail(h.local)); err == nil {
			continue
		} else if !errors.Is(err, boardsql.ErrNotFound) {
			return err
		}
		now := s.now()
		id, err := s.cfg.Store.CreateUser(ctx, boardsql.User{Email: demoEmail(h.local), Name: h.name, PasswordHash: jordan.PasswordHash,
			Roles: []auth.Role{auth.Applicant}, CreatedAt: now, EmailVerifiedAt: now, Workplace: h.profile.Practice})
		if err != nil {
			return err
		}
		u, err := s.cfg.Store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		c, err := s.demoIssue(ctx, users, staff, u, now.Add(-h.issuedAgo))
		if err != nil {
			return fmt.Errorf("%s: %w", h.local, err)
		}
		if err := s.demoPublish(ctx, u, c); err != nil {
			return err
		}
		if h.status != "" {
			if err := s.demoStatus(ctx, staff, u, c, h.status, h.reason); err != nil {
				return err
			}
		}
		p := h.profile
		p.DisplayName = h.name
		if _, errs, err := s.saveProfile(ctx, u, p); err != nil || len(errs) > 0 {
			return fmt.Errorf("%s's profile: %v %v", h.local, err, errs)
		}
	}
	return nil
}

// demoIssue takes a demo application for the CST credential through peer
// review (two approving votes) to approval, issuing the credential at a
// given time (in the past for an expired one) with the same code as an
// approval.
func (s *Server) demoIssue(ctx context.Context, users map[string]*boardsql.User, staff, u *boardsql.User, at time.Time) (*boardsql.IssuedCredential, error) {
	const setID = "aasect-cst"
	set, err := s.sets().At(setID, date.FromTime(at))
	if err != nil {
		set = s.sets().Latest(setID)
	}
	if set == nil {
		return nil, fmt.Errorf("requirement set %s is not loaded", setID)
	}
	data, err := portfolio.Encode(&portfolio.Portfolio{Format: portfolio.FormatV1,
		Person: portfolio.Person{ID: fmt.Sprintf("p%d", u.ID), Name: u.Name, Email: u.Email, Practice: u.Workplace}})
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		var err error
		if id, err = tx.CreateApplication(ctx, boardsql.Application{ApplicantID: u.ID, SetID: setID, State: board.PeerReview, Portfolio: data, CreatedAt: at}); err != nil {
			return err
		}
		if err := tx.FreezeSnapshot(ctx, id, data, set.Version, at); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: id, At: at, ActorID: staff.ID, Action: string(board.SendToPeerReview), To: board.PeerReview,
			Message: "Demo: an application for the registry."}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, audit.Entry{At: s.now(), Actor: fmt.Sprintf("user/%d", staff.ID), Action: "application.demo",
			Subject: fmt.Sprintf("application/%d", id), After: string(board.PeerReview)})
		return err
	})
	if err != nil {
		return nil, err
	}
	reviewers := []string{"priya.raman", "tomas.silva"}
	if err := s.demoReviews(ctx, id, staff, users, reviewers, map[string]string{"priya.raman": "approve", "tomas.silva": "approve"}); err != nil {
		return nil, err
	}
	app, err := s.cfg.Store.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	var credID string
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		if _, err := tx.SetApplicationState(ctx, id, app.Version, board.PeerReview, board.Approved, at); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: id, At: at, ActorID: staff.ID, Action: string(board.Approve), From: board.PeerReview, To: board.Approved}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: s.now(), Actor: fmt.Sprintf("user/%d", staff.ID), Action: "application.approve",
			Subject: fmt.Sprintf("application/%d", id), Before: string(board.PeerReview), After: string(board.Approved)}); err != nil {
			return err
		}
		credID, err = s.issueCredential(ctx, tx, staff, app, at)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.cfg.Store.Credential(ctx, credID)
}

// demoPublish makes a holder's credential public, as the holder would.
func (s *Server) demoPublish(ctx context.Context, u *boardsql.User, c *boardsql.IssuedCredential) error {
	if c.Public {
		return nil
	}
	now := s.now()
	return s.inTx(ctx, func(tx *boardsql.Tx) error {
		if err := tx.SetCredentialPublic(ctx, c.ID, true); err != nil {
			return err
		}
		if err := s.reindexListing(ctx, tx, u.ID); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "credential.visibility",
			Subject: "credential/" + c.ID, Before: "false", After: "true"})
		return err
	})
}

// demoStatus suspends or revokes a credential as staff would: audited, and
// the holder is mailed.
func (s *Server) demoStatus(ctx context.Context, staff, u *boardsql.User, c *boardsql.IssuedCredential, action, reason string) error {
	now := s.now()
	past := map[string]string{"suspend": "suspended", "revoke": "revoked"}[action]
	return s.inTx(ctx, func(tx *boardsql.Tx) error {
		if err := tx.SetCredentialStatus(ctx, c.ID, action, reason, now); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", staff.ID), Action: "credential." + action,
			Subject: "credential/" + c.ID, Before: c.Status(), After: past}); err != nil {
			return err
		}
		_, err := tx.EnqueueMail(ctx, boardsql.Mail{To: u.Email, Subject: "Your credential has been " + past,
			Body: fmt.Sprintf("Dear %s,\n\nYour credential %s (%s) has been %s by the board.\n\nThe board wrote:\n\n%s\n", u.Name, c.SetID,
				s.publicBase()+"/credentials/"+c.ID, past, reason), CreatedAt: now})
		return err
	})
}
