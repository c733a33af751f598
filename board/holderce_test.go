package board_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// entryRows reads CE rows as a holder's file holds them, as of today.
func entryRows(t *testing.T, text string, today date.Date) []board.CERow {
	t.Helper()
	rows, err := ce.ReadEntries(strings.NewReader("date,title,provider,provider_kind,approved_by,kind,delivery,hours,sexuality_related\n"+text), today)
	if err != nil {
		t.Fatal(err)
	}
	return board.CERows(rows)
}

// rowProblems writes each row's problems as "line:column" ("line:" for
// the whole row), for comparing.
func rowProblems(c *board.CECheck) string {
	var out []string
	for _, r := range c.Rows {
		for _, p := range r.Problems {
			out = append(out, strconv.Itoa(r.Line)+":"+p.Field)
		}
	}
	return strings.Join(out, " ")
}

// TestAddOwnCE: the holder's CE becomes claimed education items of the
// renewal (started by the first), with a history event and an audit entry
// in one transaction; a check changes nothing; rows before the cycle, bad
// rows and repeats are refused, naming the row and the column; nobody else
// adds to the renewal, and a submitted renewal takes no CE.
func TestAddOwnCE(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := f.issue(t) // issued 2026-11-26: the cycle starts then
			f.now = time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC)
			today := board.DayOf(f.now)

			own, err := f.b.HeldCE(ctx, f.holder, c.ID)
			if err != nil || own.App != nil || !own.CanAdd || own.CycleStart != date.Of(2026, 11, 26) {
				t.Fatalf("before any CE: %+v %v", own, err)
			}
			if _, err := f.b.HeldCE(ctx, f.staff, c.ID); certboard.ErrorCode(err) != certboard.NotFound {
				t.Fatalf("someone else's CE page: %v", err)
			}

			// One activity by the form starts the renewal.
			form := entryRows(t, "2027-02-10,Desire in long-term couples,Sunrise Sexuality Institute,approved_provider,AASECT,ce,live_online,6,yes\n", today)
			form[0].Line = 0
			if _, err := f.b.AddOwnCE(ctx, f.staff, c.ID, form, "the form"); certboard.ErrorCode(err) != certboard.NotFound {
				t.Fatalf("someone else adds CE: %v", err)
			}
			res, err := f.b.AddOwnCE(ctx, f.holder, c.ID, form, "the form")
			if err != nil || !res.Started || res.Accepted() != 1 || res.AppID == 0 || res.Rows[0].ItemID == "" {
				t.Fatalf("the form: %+v %v", res, err)
			}
			app, err := f.st.Application(ctx, res.AppID)
			if err != nil || app.RenewsCredential != c.ID || app.State != board.Draft {
				t.Fatalf("the renewal: %+v %v", app, err)
			}
			p, _ := portfolio.DecodeStored(app.Portfolio)
			it, ok := portfolio.Find(p, res.Rows[0].ItemID)
			if !ok {
				t.Fatalf("item %s not in the renewal", res.Rows[0].ItemID)
			}
			a := it.Value.(*portfolio.Activity)
			if a.Verification.EffectiveState() != portfolio.Claimed || a.Provider.Kind != "approved_provider" || strings.Join(a.Provider.ApprovedBy, ",") != "AASECT" ||
				a.Hours != 6 || a.Kind != "ce" || a.SexualityRelated == nil || !*a.SexualityRelated || len(p.Credentials) != 1 {
				t.Errorf("the item: %+v", a)
			}

			// The same activity again: refused, nothing written.
			again, err := f.b.AddOwnCE(ctx, f.holder, c.ID, form, "the form")
			if err != nil || again.Accepted() != 0 || !strings.Contains(again.Rows[0].Problems.Error(), "already in your renewal") {
				t.Fatalf("again: %+v %v", again, err)
			}
			if now, _ := f.st.Application(ctx, app.ID); now.Version != app.Version {
				t.Errorf("a refused entry changed the renewal: version %d→%d", app.Version, now.Version)
			}

			// A file: checked first, which writes nothing.
			file := entryRows(t, ""+
				"2027-03-01,Genito-pelvic pain,Sunrise Sexuality Institute,approved_provider,AASECT,ce,in_person,4.5,yes\n"+ // line 2: good
				"2027-03-02,Bad hours,Coastal CE,other_ce,,ce,in_person,1.333,yes\n"+ // 3: two decimals at most
				"2026-11-01,Before the cycle,Coastal CE,other_ce,,ce,in_person,2,yes\n"+ // 4: before the cycle
				"2027-02-10,Desire in long-term couples,Sunrise Sexuality Institute,approved_provider,AASECT,ce,live_online,6,yes\n"+ // 5: in the renewal
				"2027-03-01,genito-pelvic  pain,Sunrise Sexuality Institute,approved_provider,AASECT,ce,in_person,4.50,yes\n"+ // 6: repeats row 2
				"2027-04-15,Taught a workshop on consent,Bayside College,accredited_university,,teaching,in_person,3,yes\n", // 7: good
				today)
			before, _ := f.st.AuditLog(ctx)
			chk, err := f.b.CheckOwnCE(ctx, f.holder, c.ID, file)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := rowProblems(chk), "3:hours 4:date 5: 6:"; got != want || chk.Accepted() != 2 || chk.Refused() != 4 {
				t.Fatalf("check: %q, want %q; %d accepted", got, want, chk.Accepted())
			}
			if !strings.Contains(chk.Rows[4].Problems.Error(), "repeats row 2") || !strings.Contains(chk.Rows[2].Problems.Error(), "before your credential's current cycle began (2026-11-26)") {
				t.Errorf("check: %v / %v", chk.Rows[4].Problems, chk.Rows[2].Problems)
			}
			if now, _ := f.st.Application(ctx, app.ID); now.Version != app.Version {
				t.Errorf("a check changed the renewal")
			}
			if after, _ := f.st.AuditLog(ctx); len(after) != len(before) {
				t.Errorf("a check wrote %d audit entries", len(after)-len(before))
			}

			// Confirmed: the valid rows are added, together.
			added, err := f.b.AddOwnCE(ctx, f.holder, c.ID, file, "ce.csv")
			if err != nil || added.Accepted() != 2 || added.Started || added.AppID != app.ID || rowProblems(added) != "3:hours 4:date 5: 6:" {
				t.Fatalf("added: %+v %v", added, err)
			}
			now, _ := f.st.Application(ctx, app.ID)
			if now.Version != app.Version+1 {
				t.Errorf("two rows in %d versions", now.Version-app.Version)
			}
			p, _ = portfolio.DecodeStored(now.Portfolio)
			if len(p.Education) != 3 || p.Education[2].Kind != "teaching" || p.Education[2].ID != added.Rows[5].ItemID {
				t.Errorf("education: %+v", p.Education)
			}
			after, _ := f.st.AuditLog(ctx)
			var entries []string
			for _, e := range after[len(before):] {
				entries = append(entries, e.Action+" "+e.After)
			}
			if len(entries) != 1 || !strings.HasPrefix(entries[0], "ce.entry 2 CE activities (7.5 hours) from ce.csv") {
				t.Errorf("audit: %q", entries)
			}
			events, err := f.st.Events(ctx, app.ID)
			if err != nil || events[len(events)-1].Action != "ce_entered" || !strings.Contains(events[len(events)-1].Message, "2 CE activities (7.5 hours) from ce.csv") {
				t.Errorf("history: %+v %v", events, err)
			}
			// The same file again adds nothing.
			if re, err := f.b.AddOwnCE(ctx, f.holder, c.ID, file, "ce.csv"); err != nil || re.Accepted() != 0 {
				t.Fatalf("the same file again: %+v %v", re, err)
			}

			// Submitted, the renewal takes no CE until it comes back.
			// (Submitted as the store records it: the CE is not yet enough for the holder to submit.)
			if err := (boardsql.ForBoard{Store: f.st}).InTx(ctx, func(tx board.Tx) error {
				_, err := tx.SetApplicationState(ctx, now.ID, now.Version, board.Draft, board.Submitted, f.now)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			own, err = f.b.HeldCE(ctx, f.holder, c.ID)
			if err != nil || own.CanAdd || !strings.Contains(own.Why, "submitted") || len(own.Education) != 3 {
				t.Fatalf("submitted: %+v %v", own, err)
			}
			more := entryRows(t, "2027-05-01,Late addition,Coastal CE,other_ce,,ce,in_person,1,yes\n", today)
			if _, err := f.b.AddOwnCE(ctx, f.holder, c.ID, more, "the form"); certboard.ErrorCode(err) != certboard.Conflict {
				t.Fatalf("CE added to a submitted renewal: %v", err)
			}
			if _, err := f.b.CheckOwnCE(ctx, f.holder, c.ID, more); certboard.ErrorCode(err) != certboard.Conflict {
				t.Fatalf("CE checked for a submitted renewal: %v", err)
			}
		})
	}
}

// TestOwnCEOfARevokedCredential: a credential that cannot be renewed takes
// no CE, and says why.
func TestOwnCEOfARevokedCredential(t *testing.T) {
	for name, f := range credFixtures(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := f.issue(t)
			if _, err := f.b.ChangeCredentialStatus(ctx, f.staff, c.ID, "revoke", "licence lost"); err != nil {
				t.Fatal(err)
			}
			own, err := f.b.HeldCE(ctx, f.holder, c.ID)
			if err != nil || own.CanAdd || !strings.Contains(own.Why, "revoked") {
				t.Fatalf("%+v %v", own, err)
			}
			rows := entryRows(t, "2026-11-26,Ethics,Coastal CE,other_ce,,ce,in_person,1,yes\n", board.DayOf(f.now))
			if _, err := f.b.AddOwnCE(ctx, f.holder, c.ID, rows, "the form"); certboard.ErrorCode(err) != certboard.Conflict {
				t.Fatalf("CE for a revoked credential: %v", err)
			}
			if apps, _ := f.st.Applications(ctx, board.ApplicationFilter{ApplicantID: f.holder.ID, SetID: board.RenewalSet}); len(apps) != 0 {
				t.Errorf("a renewal was started: %d", len(apps))
			}
		})
	}
}
