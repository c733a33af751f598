package board_test

import (
	"context"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/requirements"
)

// TestAct: the one use case of an application's actions refuses what the
// state machine and the board's rules refuse, leaving the application as
// it was, and takes what they allow.
func TestAct(t *testing.T) {
	cases := []struct {
		name   string
		by     string
		from   board.State
		action board.Action
		reason string
		opts   []board.ActOption
		code   certboard.Code
		msg    string // the refusal's message starts with it
		to     board.State
	}{
		{name: "submit an empty portfolio", by: "ann", from: board.Returned, action: board.Submit, code: certboard.Invalid, msg: "not yet eligible, even counting unverified evidence"},
		{name: "submit recorded", by: "ann", from: board.Returned, action: board.Submit, opts: []board.ActOption{board.Recorded}, to: board.Submitted},
		{name: "start review", by: "sam", from: board.Submitted, action: board.StartReview, to: board.UnderReview},
		{name: "answer", by: "ann", from: board.InfoRequested, action: board.AnswerInfo, reason: "Here it is.", to: board.UnderReview},
		{name: "withdraw", by: "ann", from: board.Submitted, action: board.Withdraw, to: board.Withdrawn},
		{name: "deny without a reason", by: "sam", from: board.UnderReview, action: board.Deny, code: certboard.Invalid, msg: "reason: say why"},
		{name: "approve by the applicant", by: "ann", from: board.PeerReview, action: board.Approve, code: certboard.Forbidden, msg: `"approve" is for board staff only`},
		{name: "approve from review", by: "sam", from: board.UnderReview, action: board.Approve, code: certboard.Conflict, msg: "an application that is under review cannot be approved"},
		{name: "approve without reviewers", by: "sam", from: board.PeerReview, action: board.Approve, code: certboard.Invalid,
			msg: "cannot approve yet: the submitted evidence is not eligible"},
		{name: "approve recorded, still without reviewers", by: "sam", from: board.PeerReview, action: board.Approve, opts: []board.ActOption{board.Recorded},
			code: certboard.Invalid, msg: "cannot approve yet: no peer reviewer is assigned"},
	}
	sets, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for engine, w := range worlds(t) {
		ctx := context.Background()
		w.b.SetCatalog(sets)
		for _, c := range cases {
			app := w.application(t, c.from)
			to, err := w.b.Act(ctx, w.users[c.by], app, app.Version, c.action, c.reason, c.opts...)
			after, rerr := w.st.Application(ctx, app.ID)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if c.code != "" {
				e := certboard.As(err)
				if e == nil || e.Code != c.code || e.Title != "Action refused" || !strings.HasPrefix(e.Message, c.msg) || to != c.from || after.State != c.from {
					t.Errorf("%s: %s: %s %v (now %s), want %s %q", engine, c.name, to, err, after.State, c.code, c.msg)
				}
				continue
			}
			if err != nil || to != c.to || after.State != c.to {
				t.Errorf("%s: %s: %s %v (now %s), want %s", engine, c.name, to, err, after.State, c.to)
			}
		}
	}
}
