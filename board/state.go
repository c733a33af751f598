// Package board holds the certification board's domain: the life of an application as an
// explicit state machine: which actions move it from which states, who may
// take each, and what each needs. It is pure; storing applications and
// notifying people are other packages' work.
package board

import (
	"fmt"
	"slices"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// State is where an application stands.
type State string

// States.
const (
	Draft         State = "draft"          // the applicant is gathering evidence
	Submitted     State = "submitted"      // evidence frozen, waiting for staff
	UnderReview   State = "under_review"   // staff verify the evidence
	InfoRequested State = "info_requested" // staff asked the applicant for more
	PeerReview    State = "peer_review"    // assigned reviewers vote
	Returned      State = "returned"       // sent back to the applicant to change and resubmit
	Approved      State = "approved"       // decided: the credential is issued
	Denied        State = "denied"         // decided: not granted, with reasons
	Withdrawn     State = "withdrawn"      // the applicant gave up
)

// States lists every state, in the order pages show them.
var States = []State{Draft, Submitted, UnderReview, InfoRequested, PeerReview, Returned, Approved, Denied, Withdrawn}

// ParseState returns the state a stored or typed value names. A value that
// names none is Malformed, naming it and the states there are; a store
// reading such a value reports it as its own failure.
func ParseState(s string) (State, error) {
	if slices.Contains(States, State(s)) {
		return State(s), nil
	}
	names := make([]string, len(States))
	for i, st := range States {
		names[i] = string(st)
	}
	return "", certboard.FieldError(certboard.Malformed, "state", fmt.Sprintf("%q is not a state; use one of %s", s, strings.Join(names, ", ")))
}

// Words writes the state as words: "under review".
func (s State) Words() string { return words(s) }

// Final reports whether no action leads out of a state.
func (s State) Final() bool { return s == Approved || s == Denied || s == Withdrawn }

// Action is something a person does to an application.
type Action string

// Actions.
const (
	Submit           Action = "submit"
	StartReview      Action = "start_review"
	RequestInfo      Action = "request_info"
	AnswerInfo       Action = "answer_info"
	SendToPeerReview Action = "send_to_peer_review"
	Approve          Action = "approve"
	Deny             Action = "deny"
	Return           Action = "return"
	Withdraw         Action = "withdraw"
)

// Who may take an action.
type party int

const (
	owner party = iota // the applicant whose application it is
	staff              // board staff or admin
)

// rule is one allowed transition.
type rule struct {
	from       []State
	to         State
	by         party
	needReason bool
}

// rules is the whole machine.
var rules = map[Action]rule{
	Submit:           {from: []State{Draft, Returned}, to: Submitted, by: owner},
	StartReview:      {from: []State{Submitted}, to: UnderReview, by: staff},
	RequestInfo:      {from: []State{UnderReview, PeerReview}, to: InfoRequested, by: staff, needReason: true},
	AnswerInfo:       {from: []State{InfoRequested}, to: UnderReview, by: owner, needReason: true},
	SendToPeerReview: {from: []State{UnderReview}, to: PeerReview, by: staff},
	Approve:          {from: []State{PeerReview}, to: Approved, by: staff},
	Deny:             {from: []State{UnderReview, PeerReview}, to: Denied, by: staff, needReason: true},
	Return:           {from: []State{UnderReview, PeerReview}, to: Returned, by: staff, needReason: true},
	Withdraw:         {from: []State{Draft, Submitted, UnderReview, InfoRequested, Returned}, to: Withdrawn, by: owner},
}

// Actor is who acts: their roles, and whether the application is theirs.
type Actor struct {
	Roles   []auth.Role
	IsOwner bool
}

func (a Actor) is(p party) bool {
	if p == owner {
		return a.IsOwner
	}
	return slices.Contains(a.Roles, auth.Staff) || slices.Contains(a.Roles, auth.Admin)
}

// Next applies an action: it returns the new state, or a *certboard.Error
// titled "Action refused" (see refused) saying why the action is refused (an unknown action
// is Invalid; an action by the wrong person is Forbidden; an action from
// the wrong state is a Conflict; a missing reason is Invalid).
func Next(from State, a Action, who Actor, reason string) (State, error) {
	r, ok := rules[a]
	if !ok {
		return from, refused(certboard.Invalid, fmt.Sprintf("%q is not an action; the actions are %s", a, strings.Join(actionNames(), ", ")))
	}
	if !who.is(r.by) {
		whom := "the applicant"
		if r.by == staff {
			whom = "board staff"
		}
		return from, refused(certboard.Forbidden, fmt.Sprintf("%q is for %s only", words(a), whom))
	}
	if !slices.Contains(r.from, from) {
		return from, refused(certboard.Conflict, fmt.Sprintf("an application that is %s cannot be %s; possible now: %s",
			words(from), pastTense(a), strings.Join(Possible(from, who), ", ")))
	}
	if r.needReason && strings.TrimSpace(reason) == "" {
		return from, refused(certboard.Invalid, fmt.Sprintf("reason: say why (%s needs a reason the applicant will read)", words(a)))
	}
	return r.to, nil
}

// Possible lists the actions the actor may take from a state.
func Possible(from State, who Actor) []string {
	var out []string
	for _, a := range actionNames() {
		r := rules[Action(a)]
		if slices.Contains(r.from, from) && who.is(r.by) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}

func actionNames() []string {
	var names []string
	for a := range rules {
		names = append(names, string(a))
	}
	slices.Sort(names)
	return names
}

func words[T ~string](s T) string { return strings.ReplaceAll(string(s), "_", " ") }

func pastTense(a Action) string {
	switch a {
	case Submit:
		return "submitted"
	case Approve:
		return "approved"
	case Deny:
		return "denied"
	case Return:
		return "returned"
	case Withdraw:
		return "withdrawn"
	case RequestInfo:
		return "asked for more information"
	case AnswerInfo:
		return "answered"
	case StartReview:
		return "taken into review"
	case SendToPeerReview:
		return "sent to peer review"
	}
	return words(a)
}
