// Package statuslist implements the W3C Bitstring Status List v1.0
// Recommendation: the compact, privacy-preserving list through which an issuer
// publishes the revocation or suspension status of the credentials it issued.
//
// A status list is a bitstring of at least 131,072 bits (16 KB, the minimum
// the specification sets so that one credential hides in a large herd). Each
// credential is given one index in the list, recorded in its
// BitstringStatusListEntry as statusListIndex; the bit at that index is 1 when
// the status applies (the credential is revoked, or suspended) and 0 when it
// does not. Bit order is fixed by the specification: index 0 is the left-most,
// most significant bit of the first byte, index 7 the least significant bit of
// that byte, index 8 the most significant bit of the second byte, and so on.
// The list is published as the encodedList of a BitstringStatusListCredential:
// the bitstring is GZIP-compressed, the result base64url-encoded without
// padding, and the multibase prefix "u" put in front. Indexes should be
// assigned at random and never reused, which is what Allocator does.
//
// The package is pure: it performs no I/O, reads no clock, and takes its
// randomness from an io.Reader that callers may replace. Only status entries
// of one bit (statusSize 1) are supported, which is all that the revocation
// and suspension purposes need.
package statuslist

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"
)

// MinSize is the smallest list, in bits, that the specification allows:
// 131,072 bits, or 16 KB.
const MinSize = 131072

// MaxDecodedBytes bounds the size of a decompressed list that Decode accepts
// (16 MiB, or about 134 million indexes), so that a small hostile gzip stream
// cannot exhaust memory.
const MaxDecodedBytes = 16 << 20

// Multibase is the multibase prefix that marks an encodedList as base64url
// without padding.
const Multibase = "u"

// Type names used by the specification in credentials.
const (
	// EntryType is the type of a credentialStatus entry that points into a list.
	EntryType = "BitstringStatusListEntry"
	// CredentialType is the type of the credential that publishes a list.
	CredentialType = "BitstringStatusListCredential"
	// SubjectType is the type of that credential's subject, which carries the
	// statusPurpose and the encodedList.
	SubjectType = "BitstringStatusList"
)

// Errors reported by the package, to be tested with errors.Is. Each returned
// error wraps one of them and adds what exactly was wrong.
var (
	// ErrRange reports an index outside the list; a verifier reports it as
	// RANGE_ERROR.
	ErrRange = errors.New("statuslist: index out of range")
	// ErrLength reports a list shorter than MinSize or, when decoding, longer
	// than MaxDecodedBytes; a verifier reports it as STATUS_LIST_LENGTH_ERROR.
	ErrLength = errors.New("statuslist: bad list length")
	// ErrEncoding reports an encodedList that is not "u" followed by
	// base64url of a GZIP stream.
	ErrEncoding = errors.New("statuslist: malformed encodedList")
	// ErrFull reports that an Allocator has no unused index left.
	ErrFull = errors.New("statuslist: no unused index left")
	// ErrPurpose reports a status purpose this package does not support.
	ErrPurpose = errors.New("statuslist: unsupported status purpose")
)

// Purpose is the statusPurpose of a list and of the entries pointing into it.
type Purpose string

// The purposes this package supports. Revocation is permanent: a bit once
// set for revocation is never cleared. Suspension is reversible.
const (
	Revocation Purpose = "revocation"
	Suspension Purpose = "suspension"
)

// Valid reports whether p is a purpose this package supports: Revocation or
// Suspension. The specification's "refresh" and "message" purposes are not
// supported.
func (p Purpose) Valid() bool {
	return p == Revocation || p == Suspension
}

// ParsePurpose returns s as a Purpose, or an error wrapping ErrPurpose when s
// is not "revocation" or "suspension".
func ParsePurpose(s string) (Purpose, error) {
	p := Purpose(s)
	if !p.Valid() {
		return "", fmt.Errorf("%w: %q (want %q or %q)", ErrPurpose, s, Revocation, Suspension)
	}
	return p, nil
}

// List is a status bitstring of a fixed size. The zero value is an empty list
// that refuses every index; use New or Decode.
type List struct {
	bits []byte
	size int
}

// New returns a list of size bits, all 0. The size must be at least MinSize
// and a multiple of 8, since the published list is whole bytes.
func New(size int) (*List, error) {
	if size < MinSize {
		return nil, fmt.Errorf("%w: %d bits is below the minimum of %d bits (16 KB)", ErrLength, size, MinSize)
	}
	if size%8 != 0 {
		return nil, fmt.Errorf("%w: %d bits is not a whole number of bytes", ErrLength, size)
	}
	return &List{bits: make([]byte, size/8), size: size}, nil
}

// Size returns the number of bits (indexes) in the list.
func (l *List) Size() int { return l.size }

func (l *List) check(index int) error {
	if index < 0 || index >= l.size {
		return fmt.Errorf("%w: %d is not in [0, %d)", ErrRange, index, l.size)
	}
	return nil
}

// Get reports whether the bit at index is 1. An index outside [0, Size())
// is an error wrapping ErrRange.
func (l *List) Get(index int) (bool, error) {
	if err := l.check(index); err != nil {
		return false, err
	}
	return l.bits[index/8]&(0x80>>(index%8)) != 0, nil
}

// Set sets the bit at index to 1 when on is true and to 0 otherwise. An index
// outside [0, Size()) is an error wrapping ErrRange. Set does not know the
// list's purpose: callers must not clear a revocation bit.
func (l *List) Set(index int, on bool) error {
	if err := l.check(index); err != nil {
		return err
	}
	mask := byte(0x80 >> (index % 8))
	if on {
		l.bits[index/8] |= mask
	} else {
		l.bits[index/8] &^= mask
	}
	return nil
}

// Count returns the number of bits set to 1.
func (l *List) Count() int {
	n := 0
	for _, b := range l.bits {
		n += bits.OnesCount8(b)
	}
	return n
}

// Bytes returns a copy of the raw bitstring, index 0 being the most
// significant bit of the first byte.
func (l *List) Bytes() []byte {
	return bytes.Clone(l.bits)
}

// Encode returns the list as the specification's encodedList: "u" followed by
// the base64url encoding, without padding, of the GZIP-compressed bitstring.
// The output depends only on the bits (the GZIP header carries no time).
func (l *List) Encode() (string, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(l.bits); err != nil {
		return "", fmt.Errorf("statuslist: compress: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("statuslist: compress: %w", err)
	}
	return Multibase + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// Decode parses an encodedList made by Encode or by any conforming issuer.
// It refuses a value without the "u" prefix, base64url that is malformed or
// padded, a stream that is not GZIP, a list shorter than MinSize bits
// (wrapping ErrLength), and a list that decompresses to more than
// MaxDecodedBytes (wrapping ErrLength). The other refusals wrap ErrEncoding.
func Decode(encoded string) (*List, error) {
	rest, ok := strings.CutPrefix(encoded, Multibase)
	if !ok {
		if encoded == "" {
			return nil, fmt.Errorf("%w: empty value", ErrEncoding)
		}
		return nil, fmt.Errorf("%w: missing multibase prefix %q (base64url), found %q", ErrEncoding, Multibase, encoded[:1])
	}
	if strings.ContainsAny(rest, "=") {
		return nil, fmt.Errorf("%w: base64url must be unpadded, found '='", ErrEncoding)
	}
	if i := strings.IndexAny(rest, "\r\n"); i >= 0 {
		return nil, fmt.Errorf("%w: line break at byte %d of the base64url data", ErrEncoding, i)
	}
	compressed, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url: %v", ErrEncoding, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("%w: not a GZIP stream: %v", ErrEncoding, err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, MaxDecodedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: corrupt GZIP stream: %v", ErrEncoding, err)
	}
	if len(raw) > MaxDecodedBytes {
		return nil, fmt.Errorf("%w: decompresses to more than %d bytes (%d MiB), the most accepted", ErrLength, MaxDecodedBytes, MaxDecodedBytes>>20)
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("%w: corrupt GZIP stream: %v", ErrEncoding, err)
	}
	if len(raw)*8 < MinSize {
		return nil, fmt.Errorf("%w: list has %d bits, below the minimum of %d bits (16 KB)", ErrLength, len(raw)*8, MinSize)
	}
	return &List{bits: raw, size: len(raw) * 8}, nil
}

// RotateAt is the fill level, as a fraction of the list's size, at or above
// which a new list should be started for new credentials: see
// Allocator.ShouldRotate.
const RotateAt = 0.5

// maxTries bounds the attempts spent on one random draw, so that a broken
// randomness source produces an error rather than an endless loop.
const maxTries = 64

// Allocator hands out the indexes of one list at random, never the same one
// twice. It is not safe for concurrent use.
//
// An Allocator holds no authoritative state. The store persists, for each
// list, the indexes already given to credentials (the statusListIndex of each
// issued credential), ideally under a uniqueness constraint on (list, index);
// callers build an Allocator from those indexes, persist every index that Next
// returns together with the credential that uses it, and, if the store reports
// the index taken by another process meanwhile, call MarkUsed and Next again.
type Allocator struct {
	taken []uint64
	size  int
	used  int
	rand  io.Reader
	buf   [8]byte
}

// NewAllocator returns an allocator over the indexes [0, size) of a list,
// with the indexes in used already taken. It draws its randomness from r, or
// from crypto/rand when r is nil. The size should be the list's Size; unlike
// New, NewAllocator accepts any positive size. A used index outside
// [0, size) is an error wrapping ErrRange; a repeated one is harmless.
func NewAllocator(size int, used []int, r io.Reader) (*Allocator, error) {
	if size <= 0 {
		return nil, fmt.Errorf("%w: allocator size %d must be positive", ErrLength, size)
	}
	if r == nil {
		r = rand.Reader
	}
	a := &Allocator{taken: make([]uint64, (size+63)/64), size: size, rand: r}
	for _, i := range used {
		if err := a.MarkUsed(i); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// MarkUsed records that index is taken. Marking a taken index again is
// harmless. An index outside [0, size) is an error wrapping ErrRange.
func (a *Allocator) MarkUsed(index int) error {
	if index < 0 || index >= a.size {
		return fmt.Errorf("%w: %d is not in [0, %d)", ErrRange, index, a.size)
	}
	w, m := index/64, uint64(1)<<(index%64)
	if a.taken[w]&m == 0 {
		a.taken[w] |= m
		a.used++
	}
	return nil
}

func (a *Allocator) isTaken(index int) bool {
	return a.taken[index/64]&(uint64(1)<<(index%64)) != 0
}

// Used returns the number of indexes taken.
func (a *Allocator) Used() int { return a.used }

// ShouldRotate reports whether the list is at least RotateAt (half) full, the
// point at which issuers should open a new list for new credentials. Next
// keeps working until the list is completely full, but past this point each
// further index narrows the herd that hides a credential's status.
func (a *Allocator) ShouldRotate() bool {
	return float64(a.used) >= RotateAt*float64(a.size)
}

// Next returns an index chosen uniformly at random among those not yet taken,
// and marks it taken. When every index is taken it returns an error wrapping
// ErrFull. An error from the randomness source is returned as is, wrapped.
func (a *Allocator) Next() (int, error) {
	free := a.size - a.used
	if free == 0 {
		return 0, fmt.Errorf("%w: all %d indexes are taken; start a new list", ErrFull, a.size)
	}
	// While at most half the list is taken, rejection sampling needs two
	// draws on average; it is uniform over the free indexes because every
	// draw is uniform over the whole list.
	if float64(a.used) <= RotateAt*float64(a.size) {
		for range maxTries {
			i, err := a.uniform(a.size)
			if err != nil {
				return 0, err
			}
			if !a.isTaken(i) {
				a.taken[i/64] |= uint64(1) << (i % 64)
				a.used++
				return i, nil
			}
		}
	}
	// Fuller lists (or improbable bad luck): pick the k-th free index for a
	// uniform k, which costs one draw and one scan of the bitmap.
	k, err := a.uniform(free)
	if err != nil {
		return 0, err
	}
	for w, word := range a.taken {
		// Count free bits in this word, ignoring bits past size.
		freeBits := ^word
		if last := (w + 1) * 64; last > a.size {
			freeBits &= uint64(1)<<(64-(last-a.size)) - 1
		}
		n := bits.OnesCount64(freeBits)
		if k >= n {
			k -= n
			continue
		}
		for ; ; k-- {
			b := bits.TrailingZeros64(freeBits)
			if k == 0 {
				i := w*64 + b
				a.taken[w] |= uint64(1) << b
				a.used++
				return i, nil
			}
			freeBits &^= uint64(1) << b
		}
	}
	// Unreachable while used counts the taken bits correctly.
	return 0, fmt.Errorf("statuslist: allocator bookkeeping is inconsistent (%d used of %d)", a.used, a.size)
}

// uniform returns an integer uniformly distributed in [0, n), n > 0, drawing
// 64-bit values from the randomness source and rejecting the few that would
// bias the result.
func (a *Allocator) uniform(n int) (int, error) {
	un := uint64(n)
	threshold := -un % un // 2^64 mod n: values below it would bias x % n
	for range maxTries {
		if _, err := io.ReadFull(a.rand, a.buf[:]); err != nil {
			return 0, fmt.Errorf("statuslist: read randomness: %w", err)
		}
		x := binary.BigEndian.Uint64(a.buf[:])
		if x >= threshold {
			return int(x % un), nil
		}
	}
	return 0, fmt.Errorf("statuslist: randomness source rejected %d times in a row; it is not random", maxTries)
}
