package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/examples"
	"github.com/certboard/certboard/portfolio"
)

// application is one demo applicant's application: the example portfolio
// it starts from and the actions that bring it to its state.
type application struct {
	who, example string
	claimed      bool // drop verification states (evidence not yet confirmed)
	steps        []board.Action
	reasons      map[board.Action]string
	// votes are the peer reviewers assigned (in order) and their votes
	// ("" for none yet).
	votes []vote
}

// vote is a peer reviewer's vote on an application.
type vote struct{ reviewer, vote string }

// approvedBy are two reviewers who both approved.
var approvedBy = []vote{{"priya.raman", board.VoteApprove}, {"tomas.silva", board.VoteApprove}}

// voteComments is what the demo reviewers say when they approve.
const voteComments = "Evidence complete and well documented; supervision log consistent with the contract."

var review = []board.Action{board.Submit, board.StartReview}

var applications = []application{
	{who: "jordan", example: "cst-eligible.json", steps: append(review, board.SendToPeerReview, board.Approve), votes: approvedBy},
	{who: "riley", example: "cst-eligible.json", steps: append(review, board.SendToPeerReview),
		votes: []vote{{"priya.raman", board.VoteApprove}, {"tomas.silva", ""}}},
	{who: "casey", example: "cst-eligible.json", steps: review},
	{who: "alex", example: "cst-eligible.json", steps: append(review, board.RequestInfo),
		reasons: map[board.Action]string{board.RequestInfo: "Please upload the signed supervision contract with Dr. Park; the copy on file is unsigned."}},
	{who: "taylor", example: "cst-eligible.json", steps: []board.Action{board.Submit}},
	{who: "quinn", example: "cst-eligible.json", steps: append(review, board.Return),
		reasons: map[board.Action]string{board.Return: "The clinical hours log for 2024 lacks your supervisor's signature on each page; correct it and submit again."}},
	{who: "drew", example: "cst-eligible.json", steps: append(review, board.Deny),
		reasons: map[board.Action]string{board.Deny: "The peer review found the case formulations outside the scope of sex therapy; you may apply again after further supervised practice."}},
	{who: "jamie", example: "cst-eligible.json", claimed: true},
	{who: "morgan", example: "florida-eligible-not-aasect.json", claimed: true},
	{who: "kai", example: "cst-eligible.json", steps: []board.Action{board.Submit, board.Withdraw}},
}

// applications starts each demo applicant's application, fills in its
// portfolio and takes it to its state, each step as the applicant or
// staff would take it.
func (s *seeder) applications(ctx context.Context) error {
	staff, supervisor := s.users["staff"], s.users["lee.park"]
	for _, a := range applications {
		u := s.users[a.who]
		set := "aasect-cst"
		if strings.HasPrefix(a.example, "florida") {
			set = "florida-sex-therapist"
		}
		app, err := s.board.StartApplication(ctx, u, set)
		if err != nil {
			return fmt.Errorf("demo: %s: %w", u.Email, err)
		}
		p, err := examplePortfolio(a.example, u)
		if err != nil {
			return err
		}
		if len(p.Supervisors) > 0 {
			p.Supervisors[0].Name, p.Supervisors[0].Email = supervisor.Name, supervisor.Email
		}
		if a.claimed {
			clearVerification(p)
			if a.who == "jamie" {
				// Part-way: the education and supervision of the first year,
				// with August 2024 off supervision (one session later
				// instead), a gap the dashboard's timeline shows.
				p.Education = p.Education[:len(p.Education)/2]
				p.Sessions = slices.DeleteFunc(p.Sessions[:len(p.Sessions)/3+1], func(s portfolio.Session) bool {
					return strings.HasPrefix(s.Date.String(), "2024-08")
				})
				p.ClinicalHours = p.ClinicalHours[:len(p.ClinicalHours)/3]
				p.PeerReviews, p.Documents = nil, nil
			}
		}
		version, err := s.board.SavePortfolio(ctx, u, app, app.Version, p, "demo portfolio "+a.example)
		if err != nil {
			return fmt.Errorf("demo: %s: %w", u.Email, err)
		}
		if _, err := s.uploadDocuments(ctx, u, app.ID, version); err != nil {
			return err
		}
		for _, step := range a.steps {
			if step == board.Approve {
				if err := s.reviews(ctx, s.board, app.ID, a.votes); err != nil {
					return err
				}
			}
			actor := staff
			if step == board.Submit || step == board.Withdraw || step == board.AnswerInfo {
				actor = u
			}
			if err := s.act(ctx, s.board, actor, app.ID, step, a.reasons[step]); err != nil {
				return fmt.Errorf("demo: %s: %s: %w", u.Email, step, err)
			}
		}
		if len(a.steps) > 0 && a.steps[len(a.steps)-1] == board.SendToPeerReview {
			if err := s.reviews(ctx, s.board, app.ID, a.votes); err != nil {
				return err
			}
		}
	}
	return nil
}

// examplePortfolio is an example portfolio made u's.
func examplePortfolio(name string, u *auth.User) (*portfolio.Portfolio, error) {
	raw, err := examples.Portfolio(name)
	if err != nil {
		return nil, err
	}
	p, err := portfolio.Decode(raw)
	if err != nil {
		return nil, err
	}
	p.Person.ID, p.Person.Name, p.Person.Email, p.Person.Practice = fmt.Sprintf("p%d", u.ID), u.Name, u.Email, u.Workplace
	// A licence number is one person's: several people start from one
	// example, and a regulator searching a number finds its holder only.
	for i := range p.Licenses {
		p.Licenses[i].Number = personalNumber(p.Licenses[i].Number, u.Email)
	}
	return p, nil
}

// personalNumber is a licence number of the example's form made the
// person's: its last run of digits replaced by as many digits drawn from
// their e-mail address (the same on every seeding).
func personalNumber(number, email string) string {
	end := len(number)
	start := end
	for start > 0 && number[start-1] >= '0' && number[start-1] <= '9' {
		start--
	}
	if start == end {
		return number
	}
	h := fnv.New64a()
	h.Write([]byte(email))
	digits := strconv.FormatUint(h.Sum64(), 10)
	for len(digits) < end-start {
		digits += digits
	}
	return number[:start] + digits[:end-start]
}

// act takes an action on application id as by, through b's use case
// (board.Board.Act), on the application as it stands, with opts (such as
// board.Recorded for a decision taken before the board kept the evidence).
func (s *seeder) act(ctx context.Context, b *board.Board, by *auth.User, id int64, action board.Action, reason string, opts ...board.ActOption) error {
	app, err := s.store.Application(ctx, id)
	if err != nil {
		return err
	}
	_, err = b.Act(ctx, by, app, app.Version, action, reason, opts...)
	return err
}

// reviews has staff assign the reviewers of votes to application id
// (those not assigned yet) through b, and each reviewer cast their vote.
func (s *seeder) reviews(ctx context.Context, b *board.Board, id int64, votes []vote) error {
	staff := s.users["staff"]
	for _, v := range votes {
		rev := s.users[v.reviewer]
		app, err := s.store.Application(ctx, id)
		if err != nil {
			return err
		}
		chk, err := b.ReviewerCheck(ctx, app)
		if err != nil {
			return err
		}
		if chk.Assigned(rev.ID) {
			continue
		}
		if _, err := b.AssignReviewer(ctx, staff, id, rev.ID, app.Version); err != nil {
			return fmt.Errorf("demo: assigning %s: %w", rev.Email, err)
		}
		if v.vote != "" {
			if err := b.CastVote(ctx, rev, id, v.vote, voteComments); err != nil {
				return fmt.Errorf("demo: %s's vote: %w", rev.Email, err)
			}
		}
	}
	return nil
}

// clearVerification drops the verification states of a portfolio's
// evidence, as if the applicant had only claimed it.
func clearVerification(p *portfolio.Portfolio) {
	for _, list := range portfolio.Lists() {
		for _, it := range portfolio.Items(p, list) {
			_ = portfolio.SetVerification(p, portfolio.ItemID(it.Value), portfolio.Verification{})
		}
	}
}
