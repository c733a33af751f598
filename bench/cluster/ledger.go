package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
)

// Kinds of acknowledged write: a request that wrote something and whose
// success the client saw.
const (
	ackSession     = "sign-in"      // a session, by the digest of its token
	ackEvidence    = "add-evidence" // an item in an application's portfolio
	ackSubmit      = "submit"       // an application submitted, with the items added before
	ackStartReview = "start-review" // an application taken into review
	ackVerify      = "verify-item"  // an item of the submitted evidence verified
)

// ack is one acknowledged write, with what the answer returned.
type ack struct {
	Kind string
	// App is the application written to; Version the version the answer
	// gave (the application's version after the write).
	App     int64
	Version int
	// Item is the evidence item added or verified.
	Item string
	// Items are, for a submission, the items acknowledged before it: the
	// snapshot must hold them.
	Items []string
	// Digest is a new session's, for a sign-in.
	Digest string
}

// String names the write in a report.
func (a ack) String() string {
	switch a.Kind {
	case ackSession:
		return fmt.Sprintf("%s (session %.12s)", a.Kind, a.Digest)
	case ackEvidence, ackVerify:
		return fmt.Sprintf("%s %s of application %d (version %d)", a.Kind, a.Item, a.App, a.Version)
	}
	return fmt.Sprintf("%s of application %d (version %d)", a.Kind, a.App, a.Version)
}

// ledger records the acknowledged writes of every user.
type ledger = collector[ack]

// ackStore is what the checker reads: board/boardsql's Store.
type ackStore interface {
	Application(ctx context.Context, id int64) (*board.Application, error)
	LiveSession(ctx context.Context, digest string, now time.Time, idle time.Duration) (*auth.Session, *auth.User, error)
}

// checkResult is what the check of the acknowledged writes found.
type checkResult struct {
	Checked int `json:"checked"`
	// ByKind counts the writes checked by kind.
	ByKind map[string]int `json:"by_kind"`
	// Missing says, for each write not found as acknowledged, what is
	// missing.
	Missing []string `json:"missing,omitempty"`
}

// checkAcks looks up every acknowledged write in the database: each must
// be there, as the answer said. An error is a failure to read, not a
// missing write.
func checkAcks(ctx context.Context, st ackStore, acks []ack) (checkResult, error) {
	res := checkResult{ByKind: map[string]int{}}
	apps := map[int64]*board.Application{}
	live := map[int64]*portfolio.Portfolio{}
	snaps := map[int64]*portfolio.Portfolio{}
	app := func(id int64) (*board.Application, error) {
		if a, ok := apps[id]; ok {
			return a, nil
		}
		a, err := st.Application(ctx, id)
		if errors.Is(err, boardsql.ErrNotFound) {
			a, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
		apps[id] = a
		if a != nil {
			if p, err := portfolio.DecodeStored(a.Portfolio); err == nil {
				live[id] = p
			}
			if len(a.Snapshot) > 0 {
				if p, err := portfolio.DecodeStored(a.Snapshot); err == nil {
					snaps[id] = p
				}
			}
		}
		return a, nil
	}
	for _, k := range acks {
		res.Checked++
		res.ByKind[k.Kind]++
		miss := func(format string, args ...any) {
			res.Missing = append(res.Missing, k.String()+": "+fmt.Sprintf(format, args...))
		}
		if k.Kind == ackSession {
			_, _, err := st.LiveSession(ctx, k.Digest, time.Now(), 24*time.Hour)
			switch {
			case errors.Is(err, boardsql.ErrNotFound):
				miss("no such session")
			case err != nil:
				return res, err
			}
			continue
		}
		a, err := app(k.App)
		if err != nil {
			return res, err
		}
		if a == nil {
			miss("no such application")
			continue
		}
		if a.Version < k.Version {
			miss("the application is at version %d, before the acknowledged one", a.Version)
			continue
		}
		switch k.Kind {
		case ackEvidence:
			p := live[k.App]
			if p == nil {
				miss("the portfolio does not decode")
			} else if _, ok := portfolio.Find(p, k.Item); !ok {
				miss("the portfolio has no such item")
			}
		case ackSubmit:
			p := snaps[k.App]
			if a.State == board.Draft || p == nil {
				miss("the application is %s, without a submitted snapshot", a.State)
				continue
			}
			for _, id := range k.Items {
				if _, ok := portfolio.Find(p, id); !ok {
					miss("the submitted snapshot lacks item %s, added before the submission", id)
				}
			}
		case ackStartReview:
			if a.State == board.Draft || a.State == board.Submitted {
				miss("the application is %s, not taken into review", a.State)
			}
		case ackVerify:
			p := snaps[k.App]
			if p == nil {
				miss("the application has no snapshot that decodes")
				continue
			}
			it, ok := portfolio.Find(p, k.Item)
			if !ok {
				miss("the snapshot has no such item")
			} else if st := portfolio.VerificationOf(it.Value).EffectiveState(); st != portfolio.Verified {
				miss("the item is %q, not verified", st)
			}
		default:
			return res, fmt.Errorf("unknown kind of write %q", k.Kind)
		}
	}
	return res, nil
}
