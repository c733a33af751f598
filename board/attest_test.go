package board_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// supervisedPortfolio names two supervisors: Okafor, with a contract,
// five claimed sessions, one session staff verified and two claimed
// blocks of clinical hours under the contract; and Lee, with one claimed
// session.
func supervisedPortfolio() *portfolio.Portfolio {
	p := &portfolio.Portfolio{Format: portfolio.FormatV1}
	p.Person.Name = "Ann Applicant"
	p.Supervisors = []portfolio.Supervisor{{ID: "sup-okafor", Name: "Maya Okafor", Email: "okafor@example.org"},
		{ID: "sup-lee", Name: "Sam Lee", Email: "lee@example.org"}}
	p.Contracts = []portfolio.Contract{{ID: "con-1", Supervisor: "sup-okafor", Start: date.MustParse("2025-01-01")}}
	for i := 1; i <= 6; i++ {
		s := portfolio.Session{ID: fmt.Sprintf("ses-%d", i), Date: date.MustParse(fmt.Sprintf("2025-02-%02d", i)), Hours: 1,
			Format: "individual", Supervisor: "sup-okafor", Content: "case", Contract: "con-1"}
		if i == 6 {
			s.Verification = portfolio.Verification{State: portfolio.Verified, By: "Sam Staff", At: date.MustParse("2026-01-05")}
		}
		p.Sessions = append(p.Sessions, s)
	}
	p.Sessions = append(p.Sessions, portfolio.Session{ID: "ses-lee", Date: date.MustParse("2025-03-03"), Hours: 1, Format: "individual",
		Supervisor: "sup-lee", Content: "case"})
	p.ClinicalHours = []portfolio.ClinicalHours{
		{ID: "clin-1", From: date.MustParse("2025-01-01"), To: date.MustParse("2025-02-28"), Hours: 20, Modality: "in_person", Contract: "con-1"},
		{ID: "clin-2", From: date.MustParse("2025-03-01"), To: date.MustParse("2025-04-30"), Hours: 22, Modality: "in_person", Contract: "con-1"},
	}
	return p
}

// supervised stores Ann's application naming Okafor and Lee, moved on to
// state with its snapshot frozen (a draft keeps none), and returns it
// with Okafor's account.
func (w *world) supervised(t *testing.T, state board.State) (*board.Application, *auth.User) {
	t.Helper()
	ctx := context.Background()
	okafor := w.users["okafor"]
	if okafor == nil {
		okafor = w.user(t, "okafor", "Maya Okafor", "", auth.Supervisor)
		w.user(t, "lee", "Sam Lee", "", auth.Supervisor)
	}
	data, err := portfolio.Encode(supervisedPortfolio())
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = w.st.InTx(ctx, func(tx *boardsql.Tx) error {
		if id, err = tx.CreateApplication(ctx, board.Application{ApplicantID: w.users["ann"].ID, SetID: "aasect-cst", State: board.Draft,
			Portfolio: data, CreatedAt: t0}); err != nil {
			return err
		}
		if state != board.Draft {
			if _, err := tx.SetApplicationState(ctx, id, 1, board.Draft, state, t0); err != nil {
				return err
			}
			if err := tx.FreezeSnapshot(ctx, id, data, "2024", t0); err != nil {
				return err
			}
		}
		return tx.SetSupervisors(ctx, id, []board.SupervisorLink{{Ref: "sup-okafor", Email: "okafor@example.org"}, {Ref: "sup-lee", Email: "lee@example.org"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err := w.st.Application(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return app, okafor
}

// evidence reads an application's live portfolio and snapshot (nil for none).
func (w *world) evidence(t *testing.T, id int64) (*board.Application, *portfolio.Portfolio, *portfolio.Portfolio) {
	t.Helper()
	app, err := w.st.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	live, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	var snap *portfolio.Portfolio
	if len(app.Snapshot) > 0 {
		if snap, err = portfolio.DecodeStored(app.Snapshot); err != nil {
			t.Fatal(err)
		}
	}
	return app, live, snap
}

// states gives the state of each item in p, "id=state", in the order asked.
func states(p *portfolio.Portfolio, ids ...string) string {
	var out []string
	for _, id := range ids {
		it, ok := portfolio.Find(p, id)
		if !ok {
			out = append(out, id+"=missing")
			continue
		}
		out = append(out, id+"="+string(portfolio.VerificationOf(it.Value).EffectiveState()))
	}
	return strings.Join(out, " ")
}

// outbox lists the mails queued for an address.
func (w *world) outbox(t *testing.T, to string) []boardsql.Mail {
	t.Helper()
	due, err := w.st.DueMail(context.Background(), t0.AddDate(1, 0, 0), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []boardsql.Mail
	for _, m := range due {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// auditOf lists the audit entries of an action, "before -> after".
func (w *world) auditOf(t *testing.T, action string) []string {
	t.Helper()
	log, err := w.st.AuditLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		if e.Action == action {
			out = append(out, e.Before+" -> "+e.After)
		}
	}
	return out
}

// TestAttestManyDecidesManyItemsAtOnce: a supervisor confirms sessions and
// clinical hours and disputes two sessions, one with its own reason and
// one with the batch's, in one change of the application: the live
// portfolio and the snapshot the board judges both take every decision,
// the history has one event per decision and reason, the audit log an
// entry per item, and the applicant one mail listing what was disputed.
func TestAttestManyDecidesManyItemsAtOnce(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			app, okafor := w.supervised(t, board.UnderReview)
			res, err := w.b.AttestMany(ctx, okafor, app.ID, board.AttestBatch{Version: app.Version, Reason: "We did not meet that week.",
				Decisions: []board.ItemDecision{
					{Item: "ses-1", Decision: "confirm"}, {Item: "ses-2", Decision: "confirm"}, {Item: "clin-1", Decision: "confirm"},
					{Item: "ses-3", Decision: "dispute", Reason: "It lasted one hour, not two."}, {Item: "ses-4", Decision: "dispute"},
				}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Confirmed, []string{"ses-1", "ses-2", "clin-1"}) || !slices.Equal(res.Disputed, []string{"ses-3", "ses-4"}) ||
				res.Version != app.Version+1 {
				t.Fatalf("result %+v, want 3 confirmed and 2 disputed at version %d", res, app.Version+1)
			}
			after, live, snap := w.evidence(t, app.ID)
			if after.Version != res.Version {
				t.Errorf("stored version %d, answered %d", after.Version, res.Version)
			}
			want := "ses-1=verified ses-2=verified clin-1=verified ses-3=rejected ses-4=rejected ses-5=claimed clin-2=claimed"
			for which, p := range map[string]*portfolio.Portfolio{"live": live, "snapshot": snap} {
				if got := states(p, "ses-1", "ses-2", "clin-1", "ses-3", "ses-4", "ses-5", "clin-2"); got != want {
					t.Errorf("%s portfolio: %s\nwant %s", which, got, want)
				}
			}
			for id, note := range map[string]string{"ses-3": "It lasted one hour, not two.", "ses-4": "We did not meet that week.", "ses-1": ""} {
				it, _ := portfolio.Find(snap, id)
				v := portfolio.VerificationOf(it.Value)
				if v.Note != note || v.By != "supervisor: Maya Okafor <okafor@example.org>" || v.At.String() != "2026-06-02" {
					t.Errorf("%s: %+v, want note %q signed by the supervisor today", id, v, note)
				}
			}

			events, err := w.st.Events(ctx, app.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range events {
				got = append(got, e.Action+" "+e.Message)
			}
			wantEvents := []string{
				"supervision.confirm Maya Okafor confirmed 3 items: supervision sessions ses-1, ses-2; clinical hours clin-1",
				"supervision.dispute Maya Okafor disputed supervision session ses-3: It lasted one hour, not two.",
				"supervision.dispute Maya Okafor disputed supervision session ses-4: We did not meet that week.",
			}
			if !slices.Equal(got, wantEvents) {
				t.Errorf("events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantEvents, "\n"))
			}
			if a := w.auditOf(t, "supervision.confirm"); !slices.Equal(a, []string{"ses-1: claimed -> ses-1: verified", "ses-2: claimed -> ses-2: verified",
				"clin-1: claimed -> clin-1: verified"}) {
				t.Errorf("audit of confirmations: %q", a)
			}
			if a := w.auditOf(t, "supervision.dispute"); !slices.Equal(a, []string{"ses-3: claimed -> ses-3: rejected", "ses-4: claimed -> ses-4: rejected"}) {
				t.Errorf("audit of disputes: %q", a)
			}
			mails := w.outbox(t, "ann@example.org")
			if len(mails) != 1 || mails[0].Subject != "Your supervisor disputed 2 items of your evidence" ||
				!strings.Contains(mails[0].Body, "- supervision session ses-3\n  Reason: It lasted one hour, not two.") ||
				!strings.Contains(mails[0].Body, "- supervision session ses-4\n  Reason: We did not meet that week.") ||
				strings.Contains(mails[0].Body, "ses-1") {
				t.Fatalf("mail to the applicant: %+v", mails)
			}

			// The supervisor changes their mind on ses-3 with the next
			// version; a draft has no snapshot and takes it in the live
			// portfolio alone.
			res, err = w.b.AttestMany(ctx, okafor, app.ID, board.AttestBatch{Version: res.Version,
				Decisions: []board.ItemDecision{{Item: "ses-3", Decision: "confirm"}}})
			if err != nil || len(res.Confirmed) != 1 {
				t.Fatalf("confirming what they disputed: %+v %v", res, err)
			}
			draft, _ := w.supervised(t, board.Draft)
			if _, err := w.b.AttestMany(ctx, okafor, draft.ID, board.AttestBatch{Version: draft.Version,
				Decisions: []board.ItemDecision{{Item: "ses-5", Decision: "confirm"}, {Item: "clin-2", Decision: "confirm"}}}); err != nil {
				t.Fatal(err)
			}
			if after, live, snap := w.evidence(t, draft.ID); states(live, "ses-5", "clin-2", "ses-1") != "ses-5=verified clin-2=verified ses-1=claimed" ||
				snap != nil || after.Version != draft.Version+1 {
				t.Errorf("draft: %s, snapshot %v, version %d", states(live, "ses-5", "clin-2", "ses-1"), snap != nil, after.Version)
			}
			if n := len(w.outbox(t, "ann@example.org")); n != 1 {
				t.Errorf("confirmations sent mail: %d mails", n)
			}
		})
	}
}

// TestAttestManyRefusesTheWholeBatch: when any item of a batch cannot be
// decided, nothing is recorded, and the error names each item at fault;
// its code is the one the problems share, Invalid when they differ.
func TestAttestManyRefusesTheWholeBatch(t *testing.T) {
	confirm := func(ids ...string) []board.ItemDecision {
		var out []board.ItemDecision
		for _, id := range ids {
			out = append(out, board.ItemDecision{Item: id, Decision: "confirm"})
		}
		return out
	}
	many := make([]string, board.MaxAttestations+1)
	for i := range many {
		many[i] = fmt.Sprintf("ses-%d", i+1)
	}
	cases := []struct {
		name      string
		who       string // okafor when ""
		decisions []board.ItemDecision
		reason    string
		stale     bool
		code      certboard.Code
		field     string   // the error's field, for a batch refused as a whole
		items     []string // the items the error names in Fields
		says      string
	}{
		{name: "an unknown item", decisions: confirm("ses-1", "ses-99"), code: certboard.NotFound, items: []string{"ses-99"},
			says: `1 of the 2 items cannot be decided, so none was recorded: the application has no session, clinical hours or contract "ses-99" under your supervision`},
		{name: "another supervisor's item", decisions: confirm("ses-1", "ses-lee", "clin-1"), code: certboard.NotFound, items: []string{"ses-lee"}},
		{name: "an item staff verified", decisions: confirm("ses-6", "ses-2"), code: certboard.Conflict, items: []string{"ses-6"},
			says: "ses-6 is already verified by someone else; only the board's staff can change it now"},
		{name: "problems of different kinds", decisions: confirm("ses-6", "ses-99", "ses-1"), code: certboard.Invalid, items: []string{"ses-6", "ses-99"},
			says: "2 of the 3 items cannot be decided"},
		{name: "an item twice", decisions: confirm("ses-1", "ses-2", "ses-1"), code: certboard.Invalid, items: []string{"ses-1"},
			says: "ses-1 is given more than once"},
		{name: "a decision that is neither", decisions: []board.ItemDecision{{Item: "ses-1", Decision: "confirm"}, {Item: "ses-2", Decision: "approve"}},
			code: certboard.Invalid, items: []string{"ses-2"}, says: "ses-2: decision: give confirm or dispute"},
		{name: "a dispute without a reason", decisions: []board.ItemDecision{{Item: "ses-1", Decision: "dispute", Reason: "no"},
			{Item: "ses-2", Decision: "dispute", Reason: "  "}}, code: certboard.Invalid, field: "reason", says: "(ses-2 has none)"},
		{name: "a reason too long", decisions: []board.ItemDecision{{Item: "ses-1", Decision: "dispute"}, {Item: "ses-2", Decision: "confirm"}},
			reason: strings.Repeat("x", 2001), code: certboard.Invalid, field: "reason", says: "at most 2000 characters"},
		{name: "nothing", code: certboard.Invalid, field: "items", says: "select at least one"},
		{name: "an item without an id", decisions: confirm("ses-1", " "), code: certboard.Invalid, field: "items"},
		{name: "too many", decisions: confirm(many...), code: certboard.Invalid, field: "items", says: "decide at most 200 items at once; 201 were sent"},
		{name: "a stale version", decisions: confirm("ses-1", "ses-2"), stale: true, code: certboard.Conflict, says: "changed by someone else"},
		{name: "a supervisor the application does not name", who: "stranger", decisions: confirm("ses-1"), code: certboard.NotFound,
			says: "No application %d is visible to you."},
		{name: "the applicant", who: "ann", decisions: confirm("ses-1"), code: certboard.NotFound},
	}
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			app, okafor := w.supervised(t, board.UnderReview)
			w.user(t, "stranger", "Stella Stranger", "", auth.Supervisor)
			log, err := w.st.AuditLog(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					who := okafor
					if tc.who != "" {
						who = w.users[tc.who]
					}
					version := app.Version
					if tc.stale {
						version--
					}
					_, err := w.b.AttestMany(ctx, who, app.ID, board.AttestBatch{Decisions: tc.decisions, Reason: tc.reason, Version: version})
					var e *certboard.Error
					switch {
					case err == nil:
						t.Fatalf("accepted, want a %s error", tc.code)
					case tc.stale:
						// The store's refusal, which the web answers 409.
						if !errors.Is(err, certboard.ErrConflict) {
							t.Fatalf("%v, want the store's conflict", err)
						}
					case !errors.As(err, &e) || e.Code != tc.code:
						t.Fatalf("%v (code %s), want a %s error", err, code(err), tc.code)
					}
					if e != nil && e.Field != tc.field {
						t.Errorf("field %q, want %q: %v", e.Field, tc.field, err)
					}
					if e != nil && tc.items != nil && !slices.Equal(slices.Sorted(maps.Keys(e.Fields)), tc.items) {
						t.Errorf("the error names %v, want %v", e.Fields, tc.items)
					}
					if says := tc.says; says != "" {
						if strings.Contains(says, "%d") {
							says = fmt.Sprintf(says, app.ID)
						}
						if !strings.Contains(err.Error(), says) {
							t.Errorf("the error says %q, want it to say %q", err, says)
						}
					}
				})
			}
			after, live, snap := w.evidence(t, app.ID)
			if after.Version != app.Version || states(live, "ses-1", "ses-2", "clin-1") != "ses-1=claimed ses-2=claimed clin-1=claimed" ||
				states(snap, "ses-1", "ses-2", "clin-1") != "ses-1=claimed ses-2=claimed clin-1=claimed" {
				t.Errorf("a refused batch changed the application: version %d→%d, %s", app.Version, after.Version, states(live, "ses-1", "ses-2", "clin-1"))
			}
			if now, _ := w.st.AuditLog(ctx); len(now) != len(log) {
				t.Errorf("refused batches wrote %d audit entries", len(now)-len(log))
			}
			if events, _ := w.st.Events(ctx, app.ID); len(events) != 0 {
				t.Errorf("refused batches wrote history: %+v", events)
			}
			if m := w.outbox(t, "ann@example.org"); len(m) != 0 {
				t.Errorf("refused batches sent mail: %+v", m)
			}
		})
	}
}

// TestAttestManyClosesWithTheApplication: once the board decides, the
// application is no longer the supervisor's to change.
func TestAttestManyClosesWithTheApplication(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			app, okafor := w.supervised(t, board.Approved)
			_, err := w.b.AttestMany(context.Background(), okafor, app.ID, board.AttestBatch{Version: app.Version,
				Decisions: []board.ItemDecision{{Item: "ses-1", Decision: "confirm"}}})
			if code(err) != certboard.NotFound {
				t.Fatalf("%v, want not found", err)
			}
		})
	}
}
