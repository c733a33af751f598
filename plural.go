package certboard

import "strconv"

// Plural writes n with its noun, in the singular for exactly one and the
// plural otherwise: Plural(1, "item", "items") is "1 item", Plural(0,
// "item", "items") "0 items". Pages, mails and messages say counts with it,
// never "1 items" or "item(s)".
func Plural(n int, one, many string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}
