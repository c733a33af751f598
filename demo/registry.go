package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// holder is a registry-only demo account: a holder of an issued
// credential with a public profile.
type holder struct {
	name, local string
	profile     board.Profile
	// issuedAgo is how long before now the credential was issued; status
	// is "" (valid), "suspend" or "revoke".
	issuedAgo time.Duration
	status    string
	reason    string
	// licence is the professional licence the holder's approved
	// portfolio lists (regulators search by its number); none when empty.
	licence portfolio.License
}

const year = 365 * 24 * time.Hour

var holders = []holder{
	{name: "Dr. Amara Osei", local: "amara.osei", issuedAgo: 200 * 24 * time.Hour, profile: board.Profile{City: "Toronto", Region: "Ontario", Country: "CA",
		Specialties: []string{"desire", "disability", "relationship"}, Telehealth: true, Languages: []string{"en", "fr"}, Practice: "Osei Sex Therapy",
		Statement: "Couples and individuals, with a focus on intimacy alongside chronic illness.", Website: "https://osei-therapy.example.org", Visible: true,
		AcceptingReferrals: true},
		licence: portfolio.License{Profession: "psychology", Jurisdiction: "CA-ON", Number: "CPO-6021", Title: "Psychologist", ValidFrom: date.Of(2014, time.September, 1),
			IndependentPractice: true}},
	{name: "Lucía Fernández", local: "lucia.fernandez", issuedAgo: 2 * year, profile: board.Profile{City: "Madrid", Region: "Comunidad de Madrid", Country: "ES",
		Specialties: []string{"pain", "anorgasmia"}, Telehealth: true, Languages: []string{"es", "en", "ca"}, Practice: "Clínica Fernández",
		Statement: "Sexual pain and orgasm concerns; sessions in Spanish, English or Catalan.", Email: "consulta@fernandez.example.org", Visible: true,
		AcceptingReferrals: true}},
	{name: "Dr. Henrik Lund", local: "henrik.lund", issuedAgo: year, status: "suspend",
		reason: "Professional liability insurance lapsed; the credential is reinstated when a current certificate is on file.",
		profile: board.Profile{City: "Oslo", Region: "Oslo", Country: "NO", Specialties: []string{"ed", "pe"}, Languages: []string{"no", "en", "sv"},
			Practice: "Lund Klinikk", Visible: true},
		licence: portfolio.License{Profession: "medicine", Jurisdiction: "NO", Number: "HPR 9081734", Title: "Lege (physician)", ValidFrom: date.Of(2009, time.June, 15),
			IndependentPractice: true}},
	{name: "Mei Tanaka", local: "mei.tanaka", issuedAgo: 3*year + 60*24*time.Hour, profile: board.Profile{City: "Vancouver", Region: "British Columbia", Country: "CA",
		Specialties: []string{"interests", "relationship"}, Telehealth: true, Languages: []string{"en", "ja", "zh"}, Practice: "Tanaka Counselling",
		Statement: "Individual and couples therapy on sexual interests and orientation, in English, Japanese or Mandarin.", Visible: true},
		licence: portfolio.License{Profession: "counseling", Jurisdiction: "CA-BC", Number: "RCC-14527", Title: "Registered Clinical Counsellor",
			ValidFrom: date.Of(2016, time.March, 1), IndependentPractice: true}},
	{name: "Rafael Costa", local: "rafael.costa", issuedAgo: 500 * 24 * time.Hour, status: "revoke",
		reason: "Revoked after an ethics hearing (case 2026-14).",
		profile: board.Profile{City: "Austin", Region: "Texas", Country: "US", Specialties: []string{"compulsive", "relationship"},
			Languages: []string{"en", "pt", "es"}, Practice: "Costa Therapy Group", Visible: true},
		licence: portfolio.License{Profession: "counseling", Jurisdiction: "US-TX", Number: "LPC 70112", Title: "Licensed Professional Counselor",
			ValidFrom: date.Of(2015, time.August, 3), IndependentPractice: true}},
	// Dr. Maren Holt's credential is valid when the board is seeded; the
	// demo practice, where she works, attaches it, and then the board
	// suspends it (SeedPractice), so that the practice sees a CST lost.
	{name: "Dr. Maren Holt", local: "maren.holt", issuedAgo: 300 * 24 * time.Hour, profile: board.Profile{City: "Evanston", Region: "Illinois", Country: "US",
		Specialties: []string{"desire", "anorgasmia", "relationship"}, Languages: []string{"en", "de"}, Practice: "Lakeview Couples Clinic",
		Statement: "Sex therapy for individuals and couples, in person, in English or German.", Visible: true}},
	{name: "Noor Haddad", local: "noor.haddad", issuedAgo: 100 * 24 * time.Hour, profile: board.Profile{City: "London", Region: "England", Country: "GB",
		Specialties: []string{"disability", "pain"}, Telehealth: true, Languages: []string{"en", "ar"}, Practice: "Haddad Practice",
		Statement: "Sexual pain and intimacy with a disability; sessions in English or Arabic.", Visible: false}},
}

// registry gives the demo holders public profiles and credentials for
// the registry. Jordan, approved by the demo, makes the credential public
// and gets a listed profile; registry-only holders are certified earlier
// (one expired, one suspended, one revoked, one with a hidden profile, and
// one whose credential the demo practice's seeding has the board suspend).
// A holder already seeded is left alone, so seeding again changes nothing.
func (s *seeder) registry(ctx context.Context) error {
	staff, jordan := s.users["staff"], s.users["jordan"]
	if _, err := s.store.Profile(ctx, jordan.ID); errors.Is(err, certboard.ErrNotFound) {
		creds, err := s.store.CredentialsOf(ctx, jordan.ID)
		if err != nil {
			return err
		}
		for _, c := range creds {
			if err := s.publish(ctx, jordan, c); err != nil {
				return err
			}
		}
		if _, err := s.board.SaveProfile(ctx, jordan, board.Profile{DisplayName: jordan.Name, City: "Chicago", Region: "Illinois", Country: "US",
			Specialties: []string{"desire", "interests", "relationship"}, Telehealth: true, Languages: []string{"en", "es"}, Practice: jordan.Workplace,
			Statement: "Couples and individual sex therapy in English and Spanish, in person in Chicago or by video.", Visible: true,
			AcceptingReferrals: true}); err != nil {
			return fmt.Errorf("jordan's profile: %w", err)
		}
	} else if err != nil {
		return err
	}
	for _, h := range holders {
		u, existing, err := s.account(ctx, h.local, h.name, h.profile.Practice, []auth.Role{auth.Applicant})
		if err != nil {
			return err
		}
		if existing {
			continue
		}
		c, err := s.issueEarlier(ctx, u, s.now().Add(-h.issuedAgo), h.licence)
		if err != nil {
			return fmt.Errorf("%s: %w", h.local, err)
		}
		if err := s.publish(ctx, u, c); err != nil {
			return err
		}
		if h.status != "" {
			if _, err := s.board.ChangeCredentialStatus(ctx, staff, c.ID, h.status, h.reason); err != nil {
				return err
			}
		}
		p := h.profile
		p.DisplayName = h.name
		if _, err := s.board.SaveProfile(ctx, u, p); err != nil {
			return fmt.Errorf("%s's profile: %w", h.local, err)
		}
	}
	return nil
}

// issueEarlier certifies a registry holder for the CST credential at a
// time in the past (at; for an expired credential, long enough ago), by
// the set version then in force: an application with only the holder's
// details and their licence (when lic has a number, verified by the board
// then), through peer review (see certifiedEarlier).
func (s *seeder) issueEarlier(ctx context.Context, u *auth.User, at time.Time, lic portfolio.License) (*board.IssuedCredential, error) {
	const setID = "aasect-cst"
	sets := s.board.Catalog()
	set, err := sets.At(setID, date.FromTime(at))
	if err != nil {
		set = sets.Latest(setID)
	}
	if set == nil {
		return nil, fmt.Errorf("requirement set %s is not loaded", setID)
	}
	p := &portfolio.Portfolio{Format: portfolio.FormatV1,
		Person: portfolio.Person{ID: fmt.Sprintf("p%d", u.ID), Name: u.Name, Email: u.Email, Practice: u.Workplace}}
	if lic.Number != "" {
		lic.ID = "licence-1"
		lic.Verification = portfolio.Verification{State: portfolio.Verified, By: "board staff", At: date.FromTime(at)}
		p.Licenses = append(p.Licenses, lic)
	}
	return s.certifiedEarlier(ctx, u, p, set.ID, set.Version, at, "Demo: an application for the registry.")
}

// certifiedEarlier records an application of u's for set setID (version
// setVersion) with portfolio p, sent to peer review at a time in the past
// (at), and then, through a board whose clock is stopped at that time,
// has staff assign two reviewers who approve it and staff approve it,
// which issues its credential as of at. It returns the credential.
//
// The first step writes to the store: no use case makes an application
// that was submitted and reviewed before the board kept it (submitting
// would judge the evidence on today's rules, and the registry holders'
// portfolios hold none).
func (s *seeder) certifiedEarlier(ctx context.Context, u *auth.User, p *portfolio.Portfolio, setID, setVersion string, at time.Time, why string) (*board.IssuedCredential, error) {
	staff := s.users["staff"]
	data, err := portfolio.Encode(p)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.store.InTx(ctx, func(tx board.Tx) error {
		var err error
		if id, err = tx.CreateApplication(ctx, board.Application{ApplicantID: u.ID, SetID: setID, State: board.PeerReview, Portfolio: data, CreatedAt: at}); err != nil {
			return err
		}
		if err := tx.FreezeSnapshot(ctx, id, data, setVersion, at); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, board.Event{ApplicationID: id, At: at, ActorID: staff.ID, Action: string(board.SendToPeerReview),
			To: board.PeerReview, Message: why}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, audit.Entry{At: s.now(), Actor: fmt.Sprintf("user/%d", staff.ID), Action: "application.demo",
			Subject: fmt.Sprintf("application/%d", id), After: string(board.PeerReview)})
		return err
	})
	if err != nil {
		return nil, err
	}
	then, err := s.at(at)
	if err != nil {
		return nil, err
	}
	if err := s.reviews(ctx, then, id, s.earlierReviewers(u)); err != nil {
		return nil, err
	}
	// A record of what was decided then, before the board kept the
	// evidence (the registry holders' portfolios hold only their details).
	if err := s.act(ctx, then, staff, id, board.Approve, "", board.Recorded); err != nil {
		return nil, fmt.Errorf("approving application %d: %w", id, err)
	}
	creds, err := s.store.CredentialsOf(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range creds {
		if c.ApplicationID == id {
			return c, nil
		}
	}
	return nil, fmt.Errorf("application %d: approved without a credential", id)
}

// earlierReviewers are the two reviewers who approved a holder certified
// earlier: Dr. Raman and Dr. Silva, or Dr. Kim for a holder who works in
// Dr. Silva's practice (the board refuses a reviewer with a conflict).
func (s *seeder) earlierReviewers(u *auth.User) []vote {
	if s.users["tomas.silva"].Workplace == u.Workplace {
		return []vote{{"priya.raman", board.VoteApprove}, {"grace.kim", board.VoteApprove}}
	}
	return approvedBy
}

// publish makes a holder's credential public, as the holder would.
func (s *seeder) publish(ctx context.Context, u *auth.User, c *board.IssuedCredential) error {
	if c.Public {
		return nil
	}
	_, err := s.board.SetCredentialPublic(ctx, u, c.ID, true)
	return err
}
