package board

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// A credential holder enters the CE they completed themselves, one activity
// by a form or many from a CSV file (ce.ParseEntry, ce.ReadEntries), when
// no approved provider reports it. Each entry becomes a claimed education
// item of the holder's renewal of the credential (started if need be),
// which the board's staff verify like any other claimed evidence; a file is
// checked first (CheckOwnCE, which writes nothing), and its valid rows are
// added in one transaction once the holder confirms (AddOwnCE). Only the
// holder reaches their credential's CE: anyone else is told it does not
// exist.

// OwnCE is where a holder's CE for the renewal of a credential stands.
type OwnCE struct {
	Credential *IssuedCredential
	// Title is the credential's (CredentialTitle).
	Title string
	// App is the renewal in progress, or nil when none is open yet (adding
	// CE starts one).
	App *Application
	// CycleStart is the first day of the credential's current cycle: CE
	// before it does not count.
	CycleStart date.Date
	// CanAdd: CE may be added now (the renewal is open to the holder's
	// changes, or may be started).
	CanAdd bool
	// Why says why CE cannot be added now, when it cannot.
	Why string
	// Education is the renewal's education evidence as it stands.
	Education []portfolio.Activity
}

// CERow is one activity a holder entered, by the form or as a row of a CSV
// file, and what became of it.
type CERow struct {
	// Line is the row's line in the file (a spreadsheet's row number); 0
	// for the form.
	Line  int
	Entry ce.Entry
	// Problems say why the row is refused, each naming its column ("" for
	// the row as a whole); none when it is accepted.
	Problems ce.Problems
	// ItemID is the education item the row became, once added.
	ItemID string
}

// CERows turns the rows read from a CE file into rows to check.
func CERows(rows []ce.EntryRow) []CERow {
	out := make([]CERow, len(rows))
	for i, r := range rows {
		out[i] = CERow{Line: r.Line, Entry: r.Entry, Problems: r.Problems}
	}
	return out
}

// CECheck is what checking (and adding) a holder's CE found, row by row.
type CECheck struct {
	Rows []CERow
	// AppID is the renewal the accepted rows went to, once added.
	AppID int64
	// Started: adding them started the renewal.
	Started bool
}

// Accepted counts the rows without problems.
func (c *CECheck) Accepted() int {
	n := 0
	for _, r := range c.Rows {
		if len(r.Problems) == 0 {
			n++
		}
	}
	return n
}

// Refused counts the rows with problems.
func (c *CECheck) Refused() int { return len(c.Rows) - c.Accepted() }

// HeldCE is where the holder's CE for the renewal of credential id
// stands; the credential must be the holder's (see HeldCredential).
func (b *Board) HeldCE(ctx context.Context, holder *auth.User, id string) (*OwnCE, error) {
	own, _, err := b.ownCE(ctx, holder, id)
	return own, err
}

// ownCE is HeldCE with the renewal's live portfolio (nil when no renewal
// is open), which callers must not change in place.
func (b *Board) ownCE(ctx context.Context, holder *auth.User, id string) (*OwnCE, *portfolio.Portfolio, error) {
	c, err := b.HeldCredential(ctx, holder, id)
	if err != nil {
		return nil, nil, err
	}
	own := &OwnCE{Credential: c, Title: b.CredentialTitle(c), CycleStart: CycleStart(c, b.CycleYears(c))}
	if own.App, err = b.OpenRenewal(ctx, holder.ID, c.ID); err != nil {
		return nil, nil, err
	}
	if own.App == nil {
		rn, err := b.renewalOf(ctx, c)
		if err != nil {
			return nil, nil, err
		}
		own.CanAdd, own.Why = rn.CanStart, rn.Why
		return own, nil, nil
	}
	p, err := b.LivePortfolio(own.App)
	if err != nil {
		return nil, nil, err
	}
	own.Education = p.Education
	own.CanAdd = Editable(own.App.State)
	if !own.CanAdd {
		own.Why = fmt.Sprintf("Your renewal is %s, so its evidence cannot change now. You can add CE if the board returns it to you or asks you for more information.",
			own.App.State.Words())
	}
	return own, p, nil
}

// CheckOwnCE checks activities the holder entered for the renewal of
// credential id, as AddOwnCE would, and changes nothing: each row keeps
// the problems found reading it, and is refused also when it falls before
// the cycle began, is already in the renewal or repeats an earlier row.
// A renewal that cannot take CE now is a Conflict saying why.
func (b *Board) CheckOwnCE(ctx context.Context, holder *auth.User, id string, rows []CERow) (*CECheck, error) {
	own, p, err := b.ownCE(ctx, holder, id)
	if err != nil {
		return nil, err
	}
	if !own.CanAdd {
		return nil, refused(certboard.Conflict, own.Why)
	}
	return b.checkCE(own, p, rows), nil
}

// checkCE checks rows against the cycle and the renewal's portfolio p (nil
// before the renewal starts).
func (b *Board) checkCE(own *OwnCE, p *portfolio.Portfolio, rows []CERow) *CECheck {
	have := map[string]portfolio.Activity{}
	if p != nil {
		for _, a := range p.Education {
			have[ce.EntryKey(a.Date, a.Title, a.Provider.Name, a.Hours)] = a
		}
	}
	seen := map[string]int{}
	out := &CECheck{Rows: make([]CERow, len(rows))}
	for i, r := range rows {
		r.Problems = append(ce.Problems(nil), r.Problems...)
		r.ItemID = ""
		if len(r.Problems) == 0 {
			r.Problems = ceRowProblems(own, r, have, seen)
		}
		if len(r.Problems) == 0 {
			seen[r.Entry.Key()] = r.Line
		}
		out.Rows[i] = r
	}
	return out
}

// ceRowProblems is what refuses a row read without problems: a date before
// the cycle, an activity already in the renewal or repeating an earlier row,
// or a value the portfolio refuses.
func ceRowProblems(own *OwnCE, r CERow, have map[string]portfolio.Activity, seen map[string]int) ce.Problems {
	e := r.Entry
	if !own.CycleStart.IsZero() && e.Date.Before(own.CycleStart) {
		return ce.Problems{{Field: "date", Message: fmt.Sprintf("%s is before your credential's current cycle began (%s); only CE completed in the cycle counts toward the renewal",
			e.Date, own.CycleStart)}}
	}
	key := e.Key()
	if a, ok := have[key]; ok {
		return ce.Problems{{Field: "", Message: fmt.Sprintf("already in your renewal: %q on %s, %s hours, %s; it is not added twice",
			a.Title, a.Date, hoursText(a.Hours), a.Provider.Name)}}
	}
	if line, ok := seen[key]; ok {
		where := "the form"
		if line > 0 {
			where = fmt.Sprintf("row %d", line)
		}
		return ce.Problems{{Field: "", Message: fmt.Sprintf("repeats %s (the same day, title, provider and hours); it is not added twice", where)}}
	}
	// The portfolio's own rules, on the item alone.
	scratch := &portfolio.Portfolio{Format: portfolio.FormatV1, Education: []portfolio.Activity{ceActivity("ce-1", e)}}
	var probs ce.Problems
	for _, fe := range portfolio.Validate(scratch) {
		if rest, ok := strings.CutPrefix(fe.Path, "$.education[0]"); ok {
			probs = append(probs, ce.Problem{Field: ceColumn(strings.TrimPrefix(rest, ".")), Message: fe.Message})
		}
	}
	return probs
}

// ceColumn names the column of an education item's field (a path inside
// the item, such as provider.name).
func ceColumn(path string) string {
	switch {
	case path == "provider.name":
		return "provider"
	case path == "provider.kind":
		return "provider_kind"
	case strings.HasPrefix(path, "provider.approved_by"):
		return "approved_by"
	}
	col, _, _ := strings.Cut(path, ".")
	col, _, _ = strings.Cut(col, "[")
	return col
}

// ceActivity is the claimed education item of a holder's entry.
func ceActivity(id string, e ce.Entry) portfolio.Activity {
	related := e.SexualityRelated
	return portfolio.Activity{ID: id, Title: e.Title, Kind: e.Kind,
		Provider: portfolio.Provider{Name: e.Provider, Kind: e.ProviderKind, ApprovedBy: append([]string(nil), e.ApprovedBy...)},
		Delivery: e.Delivery, Date: e.Date, Hours: e.Hours, SexualityRelated: &related}
}

// AddOwnCE adds the activities the holder entered for the renewal of
// credential id: the rows CheckOwnCE accepts become claimed education
// items of the renewal (started when none is open), with a history event
// and an audit entry, in one transaction; refused rows are not added, and
// when none is accepted nothing is written. source says where the rows
// came from, for the history ("the form", a file's name). The answer is
// every row, the added ones with their item ids.
//
// Errors: NotFound for a credential that is not the holder's; Conflict
// when the renewal cannot take CE now, or kept changing; Invalid when the
// renewal would grow past the portfolio's size limit.
func (b *Board) AddOwnCE(ctx context.Context, holder *auth.User, id string, rows []CERow, source string) (*CECheck, error) {
	for range maxPortfolioRetries {
		res, err := b.addOwnCE(ctx, holder, id, rows, source)
		if !errors.Is(err, errPortfolioChanged) {
			return res, storeRefusal(err)
		}
	}
	return nil, &certboard.Error{Code: certboard.Conflict, Title: "Changed by someone else",
		Message: "your renewal kept changing while the CE was added; add it again"}
}

func (b *Board) addOwnCE(ctx context.Context, holder *auth.User, id string, rows []CERow, source string) (*CECheck, error) {
	own, live, err := b.ownCE(ctx, holder, id)
	if err != nil {
		return nil, err
	}
	if !own.CanAdd {
		return nil, refused(certboard.Conflict, own.Why)
	}
	res := b.checkCE(own, live, rows)
	if res.Accepted() == 0 {
		return res, nil
	}
	// A portfolio of our own to add to: the renewal's, or the one a
	// renewal starts with.
	var p *portfolio.Portfolio
	if own.App != nil {
		p, err = portfolio.DecodeStored(own.App.Portfolio)
	} else {
		p, err = b.RenewalPortfolio(ctx, holder, own.Credential)
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	var hours float64
	for i := range res.Rows {
		r := &res.Rows[i]
		if len(r.Problems) > 0 {
			continue
		}
		r.ItemID = portfolio.NewID(p, "ce")
		p.Education = append(p.Education, ceActivity(r.ItemID, r.Entry))
		ids = append(ids, r.ItemID)
		hours += r.Entry.Hours
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		return nil, err
	}
	if len(data) > portfolio.MaxSize {
		return nil, refused(certboard.Invalid, fmt.Sprintf("your renewal's evidence would be larger than %d MiB with these %d activities; add fewer at a time, or ask the board",
			portfolio.MaxSize>>20, len(ids)))
	}
	now := b.clock.Now()
	what := fmt.Sprintf("%d CE %s (%s hours) from %s", len(ids), ceActivities(len(ids)), hoursText(hours), source)
	err = b.store.InTx(ctx, func(tx Tx) error {
		appID, err := tx.OpenRenewalID(ctx, own.Credential.ID)
		if err != nil {
			return err
		}
		switch {
		case own.App == nil && appID != 0, own.App != nil && appID != own.App.ID:
			return errPortfolioChanged // a renewal started or ended meanwhile: check again
		case own.App == nil:
			var created bool
			if appID, created, err = b.StartRenewalIn(ctx, tx, holder, holder.ID, own.Credential.ID, p, now); err != nil {
				return err
			} else if !created {
				return errPortfolioChanged
			}
			res.Started = true
		default:
			// The version read guards against any change in between (an
			// edit, a provider's report, a state change).
			if _, err := tx.SavePortfolio(ctx, appID, own.App.Version, data, now); errors.Is(err, certboard.ErrConflict) {
				return errPortfolioChanged
			} else if err != nil {
				return err
			}
		}
		res.AppID = appID
		if err := tx.AddEvent(ctx, Event{ApplicationID: appID, At: now, ActorID: holder.ID, Action: "ce_entered",
			Message: "entered " + what + "; claimed until the board verifies them"}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: userActor(holder), Action: "ce.entry", Subject: applicationSubject(appID),
			After: fmt.Sprintf("%s for credential %s: %s", what, own.Credential.ID, strings.Join(ids, ", "))})
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ceActivities is "activity" or "activities", by n.
func ceActivities(n int) string {
	if n == 1 {
		return "activity"
	}
	return "activities"
}
