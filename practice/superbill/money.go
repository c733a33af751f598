package superbill

import (
	"strconv"
	"strings"
)

// MaxCents bounds every amount of a superbill, a line's or a total:
// 1,000,000.00. A month of sessions stays far below it, and integer
// cents below it never overflow when summed.
const MaxCents = 100_000_000

// FormatCents writes an amount in cents (hundredths) with two decimals
// and a comma between thousands: 123456 is "1,234.56", -5 is "-0.05".
// It works on the integer alone, never a float, so that no amount is
// rounded.
func FormatCents(cents int64) string {
	neg := cents < 0
	u := uint64(cents)
	if neg {
		u = -u // two's complement: right for the most negative value too
	}
	whole, frac := u/100, u%100
	digits := strconv.FormatUint(whole, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	b.WriteByte('.')
	if frac < 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.FormatUint(frac, 10))
	return b.String()
}

// FormatMoney writes an amount with its currency's code in front:
// "USD 1,234.56".
func FormatMoney(currency string, cents int64) string {
	return currency + " " + FormatCents(cents)
}

// validCurrency reports whether c has the shape of an ISO 4217 code:
// three capital letters. Amounts are in hundredths of it.
func validCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}
