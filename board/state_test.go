package board

import (
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

var (
	applicant = Actor{Roles: []auth.Role{auth.Applicant}, IsOwner: true}
	stranger  = Actor{Roles: []auth.Role{auth.Applicant}}
	staffer   = Actor{Roles: []auth.Role{auth.Staff}}
	admin     = Actor{Roles: []auth.Role{auth.Admin}}
	reviewer  = Actor{Roles: []auth.Role{auth.Reviewer}}
)

// TestMachine walks the whole product of states, actions and actors and
// checks each answer against the table of allowed transitions written out
// here, independently of the rules map.
func TestMachine(t *testing.T) {
	type key struct {
		from State
		a    Action
	}
	allowed := map[key]State{
		{Draft, Submit}: Submitted, {Returned, Submit}: Submitted,
		{Submitted, StartReview}:        UnderReview,
		{UnderReview, RequestInfo}:      InfoRequested,
		{PeerReview, RequestInfo}:       InfoRequested,
		{InfoRequested, AnswerInfo}:     UnderReview,
		{UnderReview, SendToPeerReview}: PeerReview,
		{PeerReview, Approve}:           Approved,
		{UnderReview, Deny}:             Denied, {PeerReview, Deny}: Denied,
		{UnderReview, Return}: Returned, {PeerReview, Return}: Returned,
		{Draft, Withdraw}: Withdrawn, {Submitted, Withdraw}: Withdrawn, {UnderReview, Withdraw}: Withdrawn,
		{InfoRequested, Withdraw}: Withdrawn, {Returned, Withdraw}: Withdrawn,
	}
	byOwner := map[Action]bool{Submit: true, AnswerInfo: true, Withdraw: true}
	actions := []Action{Submit, StartReview, RequestInfo, AnswerInfo, SendToPeerReview, Approve, Deny, Return, Withdraw}
	for _, from := range States {
		for _, a := range actions {
			for name, who := range map[string]Actor{"applicant": applicant, "stranger": stranger, "staff": staffer, "admin": admin, "reviewer": reviewer} {
				to, err := Next(from, a, who, "because")
				want, ok := allowed[key{from, a}]
				mayAct := byOwner[a] && who.IsOwner || !byOwner[a] && (name == "staff" || name == "admin")
				switch {
				case !mayAct:
					if certboard.ErrorCode(err) != certboard.Forbidden {
						t.Errorf("%s %s by %s: %v, want forbidden", from, a, name, err)
					}
				case !ok:
					if certboard.ErrorCode(err) != certboard.Conflict || to != from {
						t.Errorf("%s %s by %s: %v, want conflict", from, a, name, err)
					}
				default:
					if err != nil || to != want {
						t.Errorf("%s %s by %s: %s %v, want %s", from, a, name, to, err, want)
					}
				}
			}
		}
	}
	for _, s := range States {
		if s.Final() && !slices.Equal(Possible(s, staffer), []string{"none"}) {
			t.Errorf("%s is final but staff may still %v", s, Possible(s, staffer))
		}
	}
}

func TestParseState(t *testing.T) {
	for _, s := range States {
		if got, err := ParseState(string(s)); err != nil || got != s {
			t.Errorf("ParseState(%q) = %q, %v", s, got, err)
		}
	}
	for _, v := range []string{"", "Draft", "under review", "closed"} {
		_, err := ParseState(v)
		want := `state: "` + v + `" is not a state; use one of draft, submitted, under_review, info_requested, peer_review, returned, approved, denied, withdrawn`
		if certboard.ErrorCode(err) != certboard.Malformed || certboard.ErrorMessage(err) != want {
			t.Errorf("ParseState(%q): %v, want malformed %q", v, err, want)
		}
	}
}

func TestMessages(t *testing.T) {
	_, err := Next(Approved, Return, staffer, "x")
	if err == nil || err.Error() != "an application that is approved cannot be returned; possible now: none" {
		t.Fatalf("%v", err)
	}
	if e := certboard.As(err); e.Code != certboard.Conflict || e.Title != "Action refused" {
		t.Fatalf("refused: %s %q", e.Code, e.Title)
	}
	_, err = Next(UnderReview, Deny, staffer, "  ")
	if certboard.ErrorCode(err) != certboard.Invalid || !strings.HasPrefix(certboard.ErrorMessage(err), "reason:") {
		t.Fatalf("deny without a reason: %v", err)
	}
	_, err = Next(Draft, "publish", applicant, "")
	if certboard.ErrorCode(err) != certboard.Invalid || !strings.Contains(certboard.ErrorMessage(err), "the actions are") {
		t.Fatalf("unknown action: %v", err)
	}
	_, err = Next(Submitted, StartReview, applicant, "")
	if err == nil || err.Error() != `"start review" is for board staff only` {
		t.Fatalf("%v", err)
	}
	if got := Possible(UnderReview, staffer); !slices.Equal(got, []string{"deny", "request_info", "return", "send_to_peer_review"}) {
		t.Fatalf("possible for staff under review: %v", got)
	}
}
