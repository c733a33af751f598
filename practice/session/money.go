package session

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in integer cents (hundredths) of a currency.
type Money struct {
	Cents int64
	// Currency is its ISO 4217 code ("USD").
	Currency string
}

// MaxCents bounds an amount a session records: 1,000,000.00.
const MaxCents = 100_000_000

// String writes the amount as "USD 120.00".
func (m Money) String() string {
	return fmt.Sprintf("%s %d.%02d", m.Currency, m.Cents/100, m.Cents%100)
}

// Amount writes the amount without its currency: "120.00".
func (m Money) Amount() string { return fmt.Sprintf("%d.%02d", m.Cents/100, m.Cents%100) }

// ParseAmount reads an amount as people type it ("120", "120.5",
// "120.50", "1,200.00") into cents; negative amounts, more than two
// decimals and amounts over MaxCents are refused, saying how to write it.
func ParseAmount(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, errors.New("write the amount, such as 120.00")
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && (frac == "" || len(frac) > 2)) || strings.ContainsAny(whole, "+-") || strings.ContainsAny(frac, "+-") {
		return 0, errors.New("write the amount in digits with at most two decimals, such as 120.00")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > MaxCents/100 {
		return 0, fmt.Errorf("write the amount in digits, at most %d.00", MaxCents/100)
	}
	var f int64
	if dot {
		if len(frac) == 1 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, errors.New("write the amount in digits with at most two decimals, such as 120.00")
		}
	}
	cents := w*100 + f
	if cents > MaxCents {
		return 0, fmt.Errorf("write at most %d.00", MaxCents/100)
	}
	return cents, nil
}

// ValidCurrency reports whether c looks like an ISO 4217 code: three
// capital letters.
func ValidCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
