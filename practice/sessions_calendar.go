package practice

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// The calendar feed: each practitioner may have one secret address at
// which calendar programs read their sessions (GET /calendar/<token>.ics).
// The token is shown once, when it is made, and kept only as its SHA-256:
// a feed is found by looking up the hash of the token asked for, so a
// revoked or unknown token finds nothing. The feed says when each session
// is, its kind and modality, and whether it was cancelled: no client's
// name, initials or anything of the record.

// calendarWrites are the reads and writes of the calendar feed.
type calendarWrites interface {
	// LiveCalendarFeed returns practitioner id's live (not revoked) feed;
	// certboard.ErrNotFound when they have none.
	LiveCalendarFeed(ctx context.Context, id int64) (*CalendarFeed, error)
	// CreateCalendarFeed revokes practitioner id's live feed, if any, at
	// at, and adds a live one whose token hashes to hash; it returns its
	// id.
	CreateCalendarFeed(ctx context.Context, id int64, hash string, at time.Time) (int64, error)
	// RevokeCalendarFeed revokes practitioner id's live feed at at and
	// reports whether there was one.
	RevokeCalendarFeed(ctx context.Context, id int64, at time.Time) (bool, error)
	// CalendarFeedByHash returns the live feed whose token hashes to hash;
	// certboard.ErrNotFound for a hash no feed has and for a revoked one.
	CalendarFeedByHash(ctx context.Context, hash string) (*CalendarFeed, error)
	// LiveCalendarFeedHolders lists the accounts that have a live feed.
	LiveCalendarFeedHolders(ctx context.Context) ([]int64, error)
}

// CalendarFeed is a practitioner's secret calendar address, without its
// token.
type CalendarFeed struct {
	ID             int64
	PractitionerID int64
	CreatedAt      time.Time
	// RevokedAt is when it stopped answering; zero while it is live.
	RevokedAt time.Time
	// HolderPractitioner says whether its practitioner's account holds
	// the practitioner role now: a feed of anyone else answers nothing.
	HolderPractitioner bool
}

// The audit actions of the calendar feed; their subject is the
// practitioner ("user:<id>"), their After the feed's id and, for a read,
// how many sessions it listed.
const (
	AuditFeedCreate = "calendar.feed_create"
	AuditFeedRevoke = "calendar.feed_revoke"
	AuditFeedRead   = "calendar.feed_read"
)

// FeedPast is how far back a feed lists sessions; FeedMax the most it
// lists.
const (
	FeedPast = 90 * 24 * time.Hour
	FeedMax  = 1000
)

// feedTokenBytes is the randomness of a feed's token: 256 bits.
const feedTokenBytes = 32

// feedTokenHash is what the store keeps of a token: its SHA-256, in hex.
func feedTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// wellFormedToken reports whether token could be one CreateCalendarFeed
// made (unpadded base64url of feedTokenBytes), before looking it up.
func wellFormedToken(token string) bool {
	b, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && len(b) == feedTokenBytes
}

// errNoFeed is what every token that leads to no live feed gets.
var errNoFeed = certboard.Errorf(certboard.NotFound, "there is no calendar at this address; it may have been replaced or revoked").
	WithTitle("Calendar not found")

// onlyPractitioners refuses a calendar feed to anyone who holds no
// sessions.
func onlyPractitioners(by Actor) error {
	if !by.IsPractitioner() {
		return certboard.Errorf(certboard.Forbidden, "only practitioners hold sessions, and so have a calendar feed")
	}
	return nil
}

// MyCalendarFeed returns by's live calendar feed, or nil when they have
// none (practitioners only).
func (p *Practice) MyCalendarFeed(ctx context.Context, by Actor) (*CalendarFeed, error) {
	if err := onlyPractitioners(by); err != nil {
		return nil, err
	}
	var out *CalendarFeed
	err := p.store.InTx(ctx, func(tx Tx) error {
		f, err := tx.LiveCalendarFeed(ctx, by.UserID)
		if errors.Is(err, certboard.ErrNotFound) {
			return nil
		}
		out = f
		return err
	})
	return out, err
}

// CreateCalendarFeed gives by (a practitioner) a new secret calendar
// address and returns its token, which is shown this once: the store
// keeps only its hash. A live address by had before stops answering at
// once (the new one replaces it). Audited (AuditFeedCreate).
func (p *Practice) CreateCalendarFeed(ctx context.Context, by Actor) (string, error) {
	if err := onlyPractitioners(by); err != nil {
		return "", err
	}
	raw := make([]byte, feedTokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	err := p.store.InTx(ctx, func(tx Tx) error {
		id, err := tx.CreateCalendarFeed(ctx, by.UserID, feedTokenHash(token), p.clock.Now().UTC())
		if err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, AuditFeedCreate, by.AuditName(), nil, map[string]any{"feed": id})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeCalendarFeed stops by's live calendar address from answering
// (NotFound when they have none). Audited (AuditFeedRevoke).
func (p *Practice) RevokeCalendarFeed(ctx context.Context, by Actor) error {
	if err := onlyPractitioners(by); err != nil {
		return err
	}
	return p.store.InTx(ctx, func(tx Tx) error {
		f, err := tx.LiveCalendarFeed(ctx, by.UserID)
		if errors.Is(err, certboard.ErrNotFound) {
			return certboard.Errorf(certboard.NotFound, "you have no calendar address to revoke").WithTitle("No calendar address")
		}
		if err != nil {
			return err
		}
		if _, err := tx.RevokeCalendarFeed(ctx, by.UserID, p.clock.Now().UTC()); err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, AuditFeedRevoke, by.AuditName(), nil, map[string]any{"feed": f.ID})
	})
}

// revokeFeedOf revokes practitioner uid's live calendar feed, if any, in
// tx, auditing it (AuditFeedRevoke, subject the practitioner, After the
// feed and why) as by's act; it reports whether there was one.
func (p *Practice) revokeFeedOf(ctx context.Context, tx Tx, by Actor, uid int64, why string) (bool, error) {
	f, err := tx.LiveCalendarFeed(ctx, uid)
	if errors.Is(err, certboard.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := tx.RevokeCalendarFeed(ctx, uid, p.clock.Now().UTC()); err != nil {
		return false, err
	}
	return true, p.appendAudit(ctx, tx, by, AuditFeedRevoke, "user:"+strconv.FormatInt(uid, 10), nil,
		map[string]any{"feed": f.ID, "why": why})
}

// RevokeCalendarFeedOf stops person uid's live calendar address from
// answering, for a practice admin (Forbidden otherwise), say when a
// practitioner's device with the address was lost or they left: NotFound
// when uid has none. Audited (AuditFeedRevoke, why "admin").
func (p *Practice) RevokeCalendarFeedOf(ctx context.Context, by *auth.User, uid int64) error {
	if err := mayManagePeople(by); err != nil {
		return err
	}
	return p.store.InTx(ctx, func(tx Tx) error {
		ok, err := p.revokeFeedOf(ctx, tx, ActorOf(by), uid, "admin")
		if err == nil && !ok {
			err = certboard.Errorf(certboard.NotFound, "person %d has no calendar address to revoke (it may have been revoked already)", uid).
				WithTitle("No calendar address")
		}
		return err
	})
}

// CalendarFeedHolders returns, for a practice admin (Forbidden
// otherwise), the accounts that have a live calendar address, for the
// people page's revoke buttons.
func (p *Practice) CalendarFeedHolders(ctx context.Context, by *auth.User) (map[int64]bool, error) {
	if err := mayManagePeople(by); err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	err := p.store.InTx(ctx, func(tx Tx) error {
		ids, err := tx.LiveCalendarFeedHolders(ctx)
		for _, id := range ids {
			out[id] = true
		}
		return err
	})
	return out, err
}

// FeedSessions are what a calendar feed lists.
type FeedSessions struct {
	Feed     CalendarFeed
	Sessions []Session
	// At is when they were read, the feed's DTSTAMP.
	At time.Time
}

// ReadCalendarFeed returns the sessions of the practitioner whose live
// feed token is, for anyone who holds the token (a calendar program):
// those that ended at most FeedPast ago and later ones, the earliest
// first, at most FeedMax, of the clients the practitioner is still
// assigned to, without those held at another practice (imported). A token that is malformed, unknown or revoked, or whose
// practitioner no longer holds the practitioner role, gets the same
// NotFound. The read is audited (AuditFeedRead, by
// "calendar-feed:<id>", subject the practitioner).
func (p *Practice) ReadCalendarFeed(ctx context.Context, token string) (*FeedSessions, error) {
	if !wellFormedToken(token) {
		return nil, errNoFeed
	}
	now := p.clock.Now().UTC()
	out := &FeedSessions{At: now}
	err := p.store.InTx(ctx, func(tx Tx) error {
		f, err := tx.CalendarFeedByHash(ctx, feedTokenHash(token))
		if errors.Is(err, certboard.ErrNotFound) {
			return errNoFeed
		}
		if err != nil {
			return err
		}
		if !f.HolderPractitioner {
			return errNoFeed
		}
		out.Feed = *f
		all, err := tx.PractitionerSessions(ctx, f.PractitionerID, now.Add(-FeedPast), FeedMax)
		if err != nil {
			return err
		}
		clients, err := tx.ClientNamesOf(ctx, f.PractitionerID)
		if err != nil {
			return err
		}
		assigned := map[int64]bool{}
		for _, c := range clients {
			assigned[c.ID] = true
		}
		out.Sessions = []Session{}
		for _, s := range all {
			// Sessions held at another practice are the client's history,
			// not the practitioner's calendar.
			if assigned[s.ClientID] && !s.Imported() {
				out.Sessions = append(out.Sessions, s)
			}
		}
		return appendAuditAt(ctx, tx, now, "calendar-feed:"+strconv.FormatInt(f.ID, 10), AuditFeedRead,
			"user:"+strconv.FormatInt(f.PractitionerID, 10), nil, map[string]any{"feed": f.ID, "sessions": len(out.Sessions)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
