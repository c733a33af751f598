package practice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/measure"
)

// What a client does through a link, without an account: open it, save
// answers step by step, send them. The token is the only credential; each
// use case looks it up by its hash in its own transaction, and a link
// that is unknown, used, revoked or expired, or that can no longer be
// answered (its case closed, consent withdrawn, its practitioner no
// longer assigned, the instrument no longer usable) is refused with one
// and the same answer, ErrLinkUnusable, which says nothing of why.

// errLinkUnusable is the one refusal of a link that cannot be used.
func errLinkUnusable() error {
	return &certboard.Error{Code: certboard.NotFound, Title: "This link cannot be used",
		Message: "This link has been used already, has expired, or is not one the practice sent. " +
			"If you still need to answer, ask your practitioner for a new link."}
}

// IsLinkUnusable reports whether err is the refusal of a link that cannot
// be used.
func IsLinkUnusable(err error) bool {
	e := certboard.As(err)
	return e != nil && e.Code == certboard.NotFound && e.Title == "This link cannot be used"
}

// LinkForm is what the client's form needs, and nothing more: the items
// in the instrument's wording, the answers saved so far and the progress.
// It names neither the client nor the practitioner nor the instrument.
type LinkForm struct {
	// LeadIn is the question printed before the items.
	LeadIn string
	// Items are the items with their answers, in order.
	Items []measure.ItemText
	// Closing is the unscored closing question; nil for none.
	Closing *measure.Closing
	// Answers are the answers saved, one an item, nil for one not
	// answered; ClosingAnswer the closing question's label.
	Answers       []*int
	ClosingAnswer string
	// ExpiresAt is when the link stops working.
	ExpiresAt time.Time
}

// Answered counts the items answered.
func (f LinkForm) Answered() int {
	n := 0
	for _, a := range f.Answers {
		if a != nil {
			n++
		}
	}
	return n
}

// Complete says whether every item is answered.
func (f LinkForm) Complete() bool { return f.Answered() == len(f.Items) }

// LinkStep is what one step of the client's form sends: the answers given
// on it, by item number, and the closing question's answer when the step
// shows it. Items it leaves out keep the answers saved before.
type LinkStep struct {
	Answers map[int]int
	// HasClosing says the step shows the closing question; Closing is
	// the label chosen ("" for none).
	HasClosing bool
	Closing    string
}

// liveLink is a link that can be answered now, with what answering it
// takes.
type liveLink struct {
	link   *MeasureLink
	sender Actor
	in     measure.Instrument
	texts  measure.Texts
}

// linkIn looks a token up in tx, locking its link, and returns it if it
// can be answered now; ErrLinkUnusable otherwise, whatever the reason.
func (p *Practice) linkIn(ctx context.Context, tx Tx, token string) (*liveLink, error) {
	hash, ok := checkLinkToken(token)
	if !ok {
		return nil, errLinkUnusable()
	}
	l, stored, err := tx.LockMeasureLinkByHash(ctx, hash)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, errLinkUnusable()
	}
	if err != nil {
		return nil, err
	}
	if !sameHash(stored, hash) {
		return nil, errLinkUnusable()
	}
	if st := l.StatusAt(p.clock.Now()); st != LinkWaiting && st != LinkPartly {
		return nil, errLinkUnusable()
	}
	// The link speaks for the practitioner who sent it, while they may
	// record on the client's record.
	m, err := tx.PracticeMember(ctx, l.CreatedBy)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, errLinkUnusable()
	}
	if err != nil {
		return nil, err
	}
	if !m.IsPractitioner() {
		return nil, errLinkUnusable()
	}
	if ok, err := tx.ClientAssigned(ctx, l.ClientID, m.ID); err != nil {
		return nil, err
	} else if !ok {
		return nil, errLinkUnusable()
	}
	c, err := tx.Case(ctx, l.CaseID)
	if err != nil {
		return nil, err
	}
	if !c.Open() {
		return nil, errLinkUnusable()
	}
	if err := p.requireConsent(ctx, tx, l.ClientID); err != nil {
		if certboard.ErrorCode(err) == certboard.Conflict {
			return nil, errLinkUnusable()
		}
		return nil, err
	}
	in, err := checkInstrument(l.Instrument)
	if err != nil {
		return nil, err
	}
	v, err := instrumentIn(ctx, tx, in)
	if err != nil {
		return nil, err
	}
	if usable(v) != nil {
		return nil, errLinkUnusable()
	}
	if len(l.Answers) != len(in.Items) {
		l.Answers = make([]*int, len(in.Items))
	}
	return &liveLink{link: l, sender: Actor{UserID: m.ID, Name: m.Name, Roles: slices.Clone(m.Roles)}, in: in,
		texts: *v.Texts}, nil
}

// form is what the client's form shows of a live link.
func (ll *liveLink) form() *LinkForm {
	return &LinkForm{LeadIn: ll.texts.LeadIn, Items: ll.texts.Items, Closing: ll.texts.Closing,
		Answers: slices.Clone(ll.link.Answers), ClosingAnswer: ll.link.Closing, ExpiresAt: ll.link.ExpiresAt}
}

// merge puts a step's answers over those saved, checking each.
func (ll *liveLink) merge(step LinkStep) error {
	answers := slices.Clone(ll.link.Answers)
	nums := make([]int, 0, len(step.Answers))
	for n := range step.Answers {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	for _, n := range nums {
		v := step.Answers[n]
		if n < 1 || n > len(ll.in.Items) {
			return certboard.FieldError(certboard.Invalid, "answers", fmt.Sprintf("there is no question %d; answer the questions shown", n))
		}
		if !slices.Contains(ll.in.Items[n-1].Allowed, v) {
			return certboard.FieldError(certboard.Invalid, fmt.Sprintf("item %d", n),
				fmt.Sprintf("question %d: choose one of the answers shown", n))
		}
		answers[n-1] = &v
	}
	closing := ll.link.Closing
	if step.HasClosing {
		var err error
		if closing, err = checkClosing(ll.texts, step.Closing); err != nil {
			return certboard.FieldError(certboard.Invalid, "closing", "choose one of the answers shown to the last question")
		}
	}
	ll.link.Answers, ll.link.Closing = answers, closing
	return nil
}

// OpenLink returns what the client's form of a link shows: the items in
// the instrument's wording, the answers saved so far and the progress. A
// link that cannot be answered is ErrLinkUnusable (IsLinkUnusable), the
// same whatever the reason. Audited ("measure_link.open", in the link's
// name).
func (p *Practice) OpenLink(ctx context.Context, token string) (*LinkForm, error) {
	var out *LinkForm
	err := p.store.InTx(ctx, func(tx Tx) error {
		ll, err := p.linkIn(ctx, tx, token)
		if err != nil {
			return err
		}
		out = ll.form()
		return p.auditAs(ctx, tx, linkActor(ll.link.ID), "measure_link.open", ClientSubject(ll.link.ClientID), nil,
			map[string]any{"link": ll.link.ID, "case": ll.link.CaseID})
	})
	return out, err
}

// SaveLinkAnswers saves the answers of one step of a link's form over
// those saved before (sealed at rest), so that the client may leave and
// resume until the link expires. An answer an item does not allow is
// Invalid, naming the item, and nothing is saved. Answers that raise a
// flag the escalation rules open a safety task on whatever the rest get
// (PHQ-9 item 9 above 0) open it now, in the same transaction, once per
// link, and mail it to the client's practitioners (raiseSavedFlags); no
// response is recorded until the client sends the answers. Audited
// ("measure_link.save": how many items are answered, never the answers).
func (p *Practice) SaveLinkAnswers(ctx context.Context, token string, step LinkStep) (*LinkForm, error) {
	var out *LinkForm
	err := p.store.InTx(ctx, func(tx Tx) error {
		ll, err := p.linkIn(ctx, tx, token)
		if err != nil {
			return err
		}
		if err := ll.merge(step); err != nil {
			return err
		}
		now := p.clock.Now().UTC()
		err = tx.SaveMeasureLinkAnswers(ctx, ll.link.ID, ll.link.Answers, ll.link.Closing, now)
		if errors.Is(err, certboard.ErrConflict) {
			return errLinkUnusable()
		}
		if err != nil {
			return err
		}
		out = ll.form()
		if err := p.auditAs(ctx, tx, linkActor(ll.link.ID), "measure_link.save", ClientSubject(ll.link.ClientID), nil,
			map[string]any{"link": ll.link.ID, "case": ll.link.CaseID, "answered": out.Answered(), "of": len(out.Items)}); err != nil {
			return err
		}
		_, err = p.raiseSavedFlags(ctx, tx, ll, now)
		return err
	})
	return out, err
}

// SubmitLink sends a link's answers: the last step's over those saved,
// every item answered (Invalid naming the first unanswered otherwise). In
// one transaction the link is marked used and the response recorded on
// the case exactly as RecordResponse records a practitioner's entry,
// entered in the name of the practitioner who sent the link: scored, the
// case's escalation evaluated, and a PHQ-9 self-harm flag opening the
// same-day safety task, mailed to the client's practitioners; a task the
// answers opened when saved (SaveLinkAnswers) is joined to the response,
// not opened again. A second submit of the same link loses (the link
// is used: ErrLinkUnusable). It returns nothing of the score. Audited
// ("measure_link.submit" in the link's name, source SourceClientLink, beside
// the entries of the response).
func (p *Practice) SubmitLink(ctx context.Context, token string, step LinkStep) error {
	return p.store.InTx(ctx, func(tx Tx) error {
		ll, err := p.linkIn(ctx, tx, token)
		if err != nil {
			return err
		}
		if err := ll.merge(step); err != nil {
			return err
		}
		for i, a := range ll.link.Answers {
			if a == nil {
				return certboard.FieldError(certboard.Invalid, fmt.Sprintf("item %d", i+1),
					fmt.Sprintf("question %d is not answered yet; answer it, then send your answers", i+1))
			}
		}
		now := p.clock.Now().UTC()
		c := checkedAnswers{sex: measure.NoSex, answers: slices.Clone(ll.link.Answers), complete: true, takenAt: now.Truncate(time.Second),
			source: SourceClientLink}
		l := ll.link
		r, err := p.recordIn(ctx, tx, ll.sender, l.CaseID, ll.in, c, l.Closing, 0)
		if err != nil {
			return err
		}
		err = tx.UseMeasureLink(ctx, l.ID, now, r.ID)
		if errors.Is(err, certboard.ErrConflict) {
			return errLinkUnusable()
		}
		if err != nil {
			return err
		}
		if err := p.auditAs(ctx, tx, linkActor(l.ID), "measure_link.submit", ClientSubject(l.ClientID), nil,
			map[string]any{"link": l.ID, "case": l.CaseID, "response": r.ID, "source": SourceClientLink}); err != nil {
			return err
		}
		if err := tx.AttachLinkSafetyTasks(ctx, l.ID, r.ID); err != nil {
			return err
		}
		out, err := p.afterScore(ctx, tx, ll.sender, *r)
		if err != nil {
			return err
		}
		return p.mailSafetyTasks(ctx, tx, l.ClientID, out.SafetyTasks)
	})
}
