package did

import (
	"errors"
	"fmt"
)

// base58Alphabet is the Bitcoin base58 alphabet that multibase calls
// base58btc: the digits and letters without 0, O, I and l.
const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Index maps an ASCII byte to its base58 digit, or 0xff when the byte is
// not in the alphabet.
var base58Index = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = byte(i)
	}
	return t
}()

// ErrBase58 reports a string that is not base58btc: a character outside the
// alphabet.
var ErrBase58 = errors.New("did: malformed base58btc")

// EncodeBase58 returns the base58btc encoding of b (without a multibase
// prefix). Each leading zero byte becomes a leading "1", as in Bitcoin's
// encoding; the rest is the big-endian number written in base 58.
func EncodeBase58(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.37, so this many digits always suffice.
	digits := make([]byte, 0, (len(b)-zeros)*137/100+1)
	for _, c := range b[zeros:] {
		carry := int(c)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := make([]byte, zeros+len(digits))
	for i := 0; i < zeros; i++ {
		out[i] = '1'
	}
	for i, d := range digits { // digits are least significant first
		out[len(out)-1-i] = base58Alphabet[d]
	}
	return string(out)
}

// DecodeBase58 decodes a base58btc string (without a multibase prefix). Each
// leading "1" becomes a leading zero byte. A character outside the alphabet
// is an error wrapping ErrBase58 that names the character and its position.
func DecodeBase58(s string) ([]byte, error) {
	ones := 0
	for ones < len(s) && s[ones] == '1' {
		ones++
	}
	// log(58)/log(256) < 0.74, so this many bytes always suffice.
	num := make([]byte, 0, (len(s)-ones)*74/100+1) // little-endian
	for i := ones; i < len(s); i++ {
		d := base58Index[s[i]]
		if d == 0xff {
			return nil, fmt.Errorf("%w: character %q at position %d is not in the base58btc alphabet", ErrBase58, s[i], i)
		}
		carry := int(d)
		for j := range num {
			carry += int(num[j]) * 58
			num[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			num = append(num, byte(carry))
			carry >>= 8
		}
	}
	out := make([]byte, ones+len(num))
	for i, c := range num {
		out[len(out)-1-i] = c
	}
	return out, nil
}
