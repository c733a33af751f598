package verifier

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/certboard/certboard/statuslist"
)

// Status lists read, kept between verifications.
//
// Reading a status list means checking its Data Integrity proof (JSON-LD
// canonicalization, about a millisecond) and decompressing its bitstring:
// more than all the rest of a verification. A list's content changes only
// when its issuer publishes a new one, so what was read from a fetched body
// is kept, keyed by the list's URL, and used again when a later fetch of
// that URL returns the same bytes (compared by SHA-256), until the reading
// expires:
//
//   - after the list's ttl, or DefaultListTTL when it gives none, counted
//     from the verification that read it (the time given to Verify);
//   - at the list credential's validUntil, if sooner.
//
// A kept reading is used only if the key that verified the list's proof is
// still what its verification method resolves to, so a key the issuer has
// since withdrawn from its DID document is noticed as it was before. Only
// lists whose proof verified are kept. The cache holds at most
// maxKeptLists readings; when it is full, expired readings are dropped,
// and if none has expired, all of them.

// DefaultListTTL is how long a reading of a status list that states no ttl
// is kept: the default the Bitstring Status List specification gives ttl
// (300,000 milliseconds).
const DefaultListTTL = 5 * time.Minute

// maxKeptLists bounds the number of status lists kept. A board has two
// lists per block of 131,072 credentials; a practice reads those of the
// few boards its practitioners hold credentials from.
const maxKeptLists = 64

// listReading is what was read from one fetched body of a status list whose
// proof verified: everything statusBit judges, apart from the credential.
type listReading struct {
	digest     [sha256.Size]byte // of the body it was read from
	expires    time.Time
	issuer     string // issuerID of the list credential
	method     string // the verification method of its proof
	key        []byte // the key that method resolved to
	typed      bool   // whether type holds BitstringStatusListCredential
	purpose    any    // credentialSubject.statusPurpose, as decoded
	bits       *statuslist.List
	bitsErr    error // from statuslist.Decode, when bits is nil
	ttl        time.Duration
	validUntil time.Time
}

type listCache struct {
	mu    sync.Mutex
	lists map[string]*listReading
}

var readLists = listCache{lists: make(map[string]*listReading)}

// get returns the reading kept for url if it was read from a body with
// this digest and has not expired at now.
func (c *listCache) get(url string, digest [sha256.Size]byte, now time.Time) *listReading {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.lists[url]
	if r == nil || r.digest != digest || !now.Before(r.expires) {
		return nil
	}
	return r
}

// put keeps r as the reading of url, made at now.
func (c *listCache) put(url string, r *listReading, now time.Time) {
	ttl := r.ttl
	if ttl <= 0 {
		ttl = DefaultListTTL
	}
	r.expires = now.Add(ttl)
	if !r.validUntil.IsZero() && r.validUntil.Before(r.expires) {
		r.expires = r.validUntil
	}
	if !now.Before(r.expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.lists[url]; !ok && len(c.lists) >= maxKeptLists {
		for u, kept := range c.lists {
			if !now.Before(kept.expires) {
				delete(c.lists, u)
			}
		}
		if len(c.lists) >= maxKeptLists {
			clear(c.lists)
		}
	}
	c.lists[url] = r
}
