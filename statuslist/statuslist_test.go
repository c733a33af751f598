package statuslist

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func newList(t testing.TB, size int) *List {
	t.Helper()
	l, err := New(size)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// encodeRaw builds an encodedList from raw bytes the way an issuer would,
// without going through List.
func encodeRaw(t testing.TB, raw []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func TestNewRefusesSmallOrRaggedSizes(t *testing.T) {
	for _, tc := range []struct {
		size int
		want string
	}{
		{0, "minimum of 131072"},
		{-8, "minimum of 131072"},
		{MinSize - 8, "minimum of 131072"},
		{MinSize + 1, "whole number of bytes"},
	} {
		_, err := New(tc.size)
		if !errors.Is(err, ErrLength) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%d) = %v; want ErrLength mentioning %q", tc.size, err, tc.want)
		}
	}
	for _, size := range []int{MinSize, 8 * MinSize} {
		l, err := New(size)
		if err != nil || l.Size() != size || len(l.Bytes()) != size/8 {
			t.Errorf("New(%d) = %v, %v", size, l, err)
		}
	}
}

// TestBitOrderVector checks the spec's bit order by hand: index 0 is the most
// significant bit of the first byte.
func TestBitOrderVector(t *testing.T) {
	l := newList(t, MinSize)
	for _, i := range []int{0, 7, 8, MinSize - 1} {
		if err := l.Set(i, true); err != nil {
			t.Fatal(err)
		}
	}
	raw := l.Bytes()
	if len(raw) != 16384 {
		t.Fatalf("len(Bytes()) = %d, want 16384", len(raw))
	}
	for _, tc := range []struct {
		at   int
		want byte
	}{
		{0, 0b10000001},
		{1, 0b10000000},
		{2, 0},
		{16382, 0},
		{16383, 0b00000001},
	} {
		if raw[tc.at] != tc.want {
			t.Errorf("byte %d = %08b, want %08b", tc.at, raw[tc.at], tc.want)
		}
	}
	if l.Count() != 4 {
		t.Errorf("Count() = %d, want 4", l.Count())
	}

	enc, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if got.Size() != MinSize || !bytes.Equal(got.Bytes(), raw) {
		t.Fatalf("round trip changed the list: size %d", got.Size())
	}
	for i := range MinSize {
		want := i == 0 || i == 7 || i == 8 || i == MinSize-1
		if b, err := got.Get(i); err != nil || b != want {
			t.Fatalf("Get(%d) = %v, %v; want %v", i, b, err, want)
		}
	}

	// A list built by hand with the same bytes decodes to the same bits.
	hand := make([]byte, 16384)
	hand[0], hand[1], hand[16383] = 0x81, 0x80, 0x01
	fromHand, err := Decode(encodeRaw(t, hand))
	if err != nil || !bytes.Equal(fromHand.Bytes(), raw) {
		t.Fatalf("hand-encoded vector: %v", err)
	}
}

func TestBytesIsACopy(t *testing.T) {
	l := newList(t, MinSize)
	b := l.Bytes()
	b[0] = 0xff
	if on, _ := l.Get(0); on {
		t.Fatal("changing Bytes() changed the list")
	}
}

func TestSetClears(t *testing.T) {
	l := newList(t, MinSize)
	for _, step := range []struct {
		on   bool
		want byte
	}{{true, 0x20}, {true, 0x20}, {false, 0}, {false, 0}} {
		if err := l.Set(2, step.on); err != nil {
			t.Fatal(err)
		}
		if b := l.Bytes()[0]; b != step.want {
			t.Fatalf("after Set(2, %v) byte 0 = %08b, want %08b", step.on, b, step.want)
		}
	}
}

func TestAllZeroList(t *testing.T) {
	l := newList(t, MinSize)
	enc, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "u") || len(enc) > 200 || strings.ContainsAny(enc, "=+/") {
		t.Fatalf("Encode() of zeros = %q (%d chars); want a short unpadded base64url string after u", enc, len(enc))
	}
	again, _ := l.Encode()
	if again != enc {
		t.Fatal("Encode is not deterministic")
	}
	got, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if got.Size() != MinSize || got.Count() != 0 {
		t.Fatalf("decoded size %d with %d bits set; want %d zeros", got.Size(), got.Count(), MinSize)
	}
}

func TestGetSetOutOfRange(t *testing.T) {
	l := newList(t, MinSize)
	for _, i := range []int{-1, MinSize, MinSize + 8, -1 << 40} {
		if _, err := l.Get(i); !errors.Is(err, ErrRange) || !strings.Contains(err.Error(), "[0, 131072)") {
			t.Errorf("Get(%d) error = %v; want ErrRange naming [0, 131072)", i, err)
		}
		if err := l.Set(i, true); !errors.Is(err, ErrRange) || !strings.Contains(err.Error(), "[0, 131072)") {
			t.Errorf("Set(%d) error = %v; want ErrRange naming [0, 131072)", i, err)
		}
	}
	var zero List
	if _, err := zero.Get(0); !errors.Is(err, ErrRange) {
		t.Errorf("zero List Get(0) = %v; want ErrRange", err)
	}
}

func TestDecodeRefusals(t *testing.T) {
	good := encodeRaw(t, make([]byte, MinSize/8))
	gz := func(raw []byte) []byte {
		return must(base64.RawURLEncoding.DecodeString(encodeRaw(t, raw)[1:]))
	}
	b64 := func(b []byte) string { return "u" + base64.RawURLEncoding.EncodeToString(b) }
	truncated := gz(make([]byte, MinSize/8))
	truncated = truncated[:len(truncated)-6]
	badCRC := gz(make([]byte, MinSize/8))
	badCRC[len(badCRC)-8] ^= 0xff

	for _, tc := range []struct {
		name, in string
		is       error
		want     string
	}{
		{"empty", "", ErrEncoding, "empty"},
		{"no prefix", good[1:], ErrEncoding, `missing multibase prefix "u"`},
		{"base58 prefix", "z" + good[1:], ErrEncoding, `found "z"`},
		{"padded", good + "==", ErrEncoding, "unpadded"},
		{"standard base64 alphabet", "u+/" + good[3:], ErrEncoding, "not base64url"},
		{"bad base64 length", "uA", ErrEncoding, "not base64url"},
		{"line break", good[:10] + "\n" + good[10:], ErrEncoding, "line break"},
		{"not gzip", b64([]byte("plain text, not compressed at all")), ErrEncoding, "not a GZIP stream"},
		{"prefix only", "u", ErrEncoding, "not a GZIP stream"},
		{"truncated gzip", b64(truncated), ErrEncoding, "corrupt GZIP stream"},
		{"bad checksum", b64(badCRC), ErrEncoding, "corrupt GZIP stream"},
		{"too short", encodeRaw(t, make([]byte, MinSize/8-1)), ErrLength, "131064 bits, below the minimum of 131072"},
		{"empty list", encodeRaw(t, nil), ErrLength, "below the minimum"},
		{"gzip bomb", encodeRaw(t, make([]byte, MaxDecodedBytes+1)), ErrLength, "more than 16777216 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Decode(tc.in)
			if err == nil {
				t.Fatalf("Decode accepted it: %d bits", l.Size())
			}
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode error = %q; want %v mentioning %q", err, tc.is, tc.want)
			}
		})
	}
}

func TestDecodeAcceptsLargestAndConcatenatedStreams(t *testing.T) {
	l, err := Decode(encodeRaw(t, make([]byte, MaxDecodedBytes)))
	if err != nil || l.Size() != 8*MaxDecodedBytes {
		t.Fatalf("largest list: %v", err)
	}
	// GZIP allows several members one after another; their data is joined.
	half := make([]byte, MinSize/16)
	half[0] = 0x80
	a := must(base64.RawURLEncoding.DecodeString(encodeRaw(t, half)[1:]))
	two := append(slices.Clip(a), a...)
	l, err = Decode("u" + base64.RawURLEncoding.EncodeToString(two))
	if err != nil || l.Size() != MinSize || l.Count() != 2 {
		t.Fatalf("two members: %v", err)
	}
	if on, _ := l.Get(MinSize / 2); !on {
		t.Fatal("second member's first bit lost")
	}
}

func TestPurpose(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"revocation", true},
		{"suspension", true},
		{"Revocation", false},
		{"refresh", false},
		{"message", false},
		{"", false},
	} {
		p, err := ParsePurpose(tc.in)
		if tc.ok != (err == nil) || Purpose(tc.in).Valid() != tc.ok {
			t.Errorf("ParsePurpose(%q) = %q, %v; want ok=%v", tc.in, p, err, tc.ok)
		}
		if err != nil && (!errors.Is(err, ErrPurpose) || !strings.Contains(err.Error(), `"revocation" or "suspension"`)) {
			t.Errorf("ParsePurpose(%q) error = %v", tc.in, err)
		}
	}
	if Revocation != "revocation" || Suspension != "suspension" {
		t.Fatal("purpose constants changed")
	}
}

func TestAllocatorHandsOutEveryIndexOnce(t *testing.T) {
	for _, size := range []int{1, 2, 63, 64, 65, 100, 1000} {
		a, err := NewAllocator(size, nil, rand.NewChaCha8([32]byte{byte(size)}))
		if err != nil {
			t.Fatal(err)
		}
		seen := make([]bool, size)
		for n := range size {
			i, err := a.Next()
			if err != nil {
				t.Fatalf("size %d: Next #%d: %v", size, n, err)
			}
			if i < 0 || i >= size || seen[i] {
				t.Fatalf("size %d: Next #%d = %d: out of range or repeated", size, n, i)
			}
			seen[i] = true
		}
		if a.Used() != size {
			t.Fatalf("size %d: Used() = %d", size, a.Used())
		}
		if _, err := a.Next(); !errors.Is(err, ErrFull) || !strings.Contains(err.Error(), "start a new list") {
			t.Fatalf("size %d: Next on a full list = %v; want ErrFull", size, err)
		}
	}
}

func TestAllocatorSkipsUsed(t *testing.T) {
	const size = 200
	var used []int
	for i := 0; i < size; i += 3 {
		used = append(used, i)
	}
	used = append(used, 0, 3) // repeats are harmless
	a, err := NewAllocator(size, used, rand.NewChaCha8([32]byte{7}))
	if err != nil {
		t.Fatal(err)
	}
	if a.Used() != 67 {
		t.Fatalf("Used() = %d, want 67", a.Used())
	}
	for {
		i, err := a.Next()
		if errors.Is(err, ErrFull) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			t.Fatalf("Next returned used index %d", i)
		}
	}
	if a.Used() != size {
		t.Fatalf("Used() = %d at full", a.Used())
	}
	// MarkUsed after a conflict in the store.
	b, _ := NewAllocator(2, nil, rand.NewChaCha8([32]byte{1}))
	if err := b.MarkUsed(1); err != nil {
		t.Fatal(err)
	}
	if i, err := b.Next(); i != 0 || err != nil {
		t.Fatalf("Next = %d, %v; want 0", i, err)
	}
}

func TestAllocatorRefusals(t *testing.T) {
	if _, err := NewAllocator(0, nil, nil); !errors.Is(err, ErrLength) {
		t.Errorf("size 0: %v", err)
	}
	for _, bad := range []int{-1, 10} {
		if _, err := NewAllocator(10, []int{bad}, nil); !errors.Is(err, ErrRange) || !strings.Contains(err.Error(), "[0, 10)") {
			t.Errorf("used %d: %v", bad, err)
		}
	}
	a, _ := NewAllocator(MinSize, nil, bytes.NewReader(make([]byte, 4)))
	if _, err := a.Next(); err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short randomness: %v", err)
	}
	// A source stuck on one value must fail rather than loop for ever.
	stuck, _ := NewAllocator(3, nil, zeros{})
	if _, err := stuck.Next(); err == nil || !strings.Contains(err.Error(), "not random") {
		t.Errorf("stuck source: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestAllocatorUsesInjectedRandomness(t *testing.T) {
	draw := func(seed byte, n int) []int {
		a, err := NewAllocator(MinSize, nil, rand.NewChaCha8([32]byte{seed}))
		if err != nil {
			t.Fatal(err)
		}
		out := make([]int, n)
		for k := range out {
			if out[k], err = a.Next(); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	a1, a2, b := draw(1, 50), draw(1, 50), draw(2, 50)
	if !slices.Equal(a1, a2) {
		t.Fatal("same seed, different indexes")
	}
	if slices.Equal(a1, b) {
		t.Fatal("different seeds, same indexes")
	}
	// A zero source gives index 0 first, since size is a power of two.
	z, _ := NewAllocator(MinSize, nil, zeros{})
	if i, err := z.Next(); i != 0 || err != nil {
		t.Fatalf("zero source: Next = %d, %v; want 0", i, err)
	}
	// The default source is crypto/rand: two allocators differ.
	c1, _ := NewAllocator(MinSize, nil, nil)
	c2, _ := NewAllocator(MinSize, nil, nil)
	x1, _ := c1.Next()
	x2, _ := c2.Next()
	y1, _ := c1.Next()
	y2, _ := c2.Next()
	if x1 == x2 && y1 == y2 {
		t.Fatal("default randomness repeated itself")
	}
}

func TestAllocatorIsRoughlyUniform(t *testing.T) {
	// Both sampling paths: draw the first index of many fresh allocators
	// (rejection sampling) and of allocators over a list already 3/4 full
	// (k-th free index). Bucket counts must be plausible for a fair draw.
	const size, trials = 16, 16000
	r := rand.NewChaCha8([32]byte{42})
	for _, used := range [][]int{nil, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}} {
		counts := make([]int, size)
		for range trials {
			a, _ := NewAllocator(size, used, r)
			i, err := a.Next()
			if err != nil {
				t.Fatal(err)
			}
			counts[i]++
		}
		free := size - len(used)
		want := trials / free
		for i, c := range counts {
			if slices.Contains(used, i) {
				if c != 0 {
					t.Fatalf("used index %d drawn %d times", i, c)
				}
				continue
			}
			if c < want*8/10 || c > want*12/10 {
				t.Fatalf("with %d used, index %d drawn %d times, want about %d", len(used), i, c, want)
			}
		}
	}
}

func TestShouldRotate(t *testing.T) {
	a, _ := NewAllocator(10, []int{0, 1, 2, 3}, nil)
	if a.ShouldRotate() {
		t.Fatal("40% full: ShouldRotate")
	}
	_ = a.MarkUsed(4)
	if !a.ShouldRotate() {
		t.Fatal("50% full: !ShouldRotate")
	}
}

func FuzzDecode(f *testing.F) {
	l, _ := New(MinSize)
	zero, _ := l.Encode()
	for _, i := range []int{0, 7, 8, 1000, MinSize - 1} {
		_ = l.Set(i, true)
	}
	some, _ := l.Encode()
	for _, s := range []string{zero, some, "", "u", "uH4sI", "z" + zero[1:], zero + "=", zero[:len(zero)-3]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Decode(s)
		if err != nil {
			return
		}
		enc, err := l.Encode()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Decode(enc)
		if err != nil {
			t.Fatalf("re-encoded list does not decode: %v", err)
		}
		if again.Size() != l.Size() || !bytes.Equal(again.Bytes(), l.Bytes()) {
			t.Fatal("re-encoded list has different bits")
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
