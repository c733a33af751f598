// Package verification holds what every credential check reports: an
// outcome that keeps "could not check" apart from "invalid" (a key that
// cannot be fetched says nothing against a credential), one named check per
// step, and how a list of checks sums up. The proof formats (vcjwt,
// dataintegrity) and the status checks report in these terms, so that a
// verifier can show them side by side.
package verification

import "fmt"

// Outcome is the result of one check.
type Outcome string

// The outcomes of a check. CouldNotCheck means the check could not be
// carried out (a key could not be obtained, a context is not bundled, an
// earlier step failed), which says nothing against the credential; Invalid
// means it was carried out and failed.
const (
	Valid         Outcome = "valid"
	Invalid       Outcome = "invalid"
	CouldNotCheck Outcome = "could_not_check"
)

// Check is the outcome of one verification step, with a sentence a person
// can read.
type Check struct {
	Name    string  `json:"name"`
	Outcome Outcome `json:"outcome"`
	Detail  string  `json:"detail"`
}

// Checks is the list of checks of one verification, in the order made.
type Checks []Check

// Start returns one check per name, each CouldNotCheck until it is set.
func Start(names ...string) Checks {
	out := make(Checks, len(names))
	for i, n := range names {
		out[i] = Check{Name: n, Outcome: CouldNotCheck, Detail: "not checked"}
	}
	return out
}

// Status sums the checks up as "valid" (all Valid), "invalid" (at least one
// Invalid, whatever the others) or "could_not_check" (none Invalid, at least
// one not Valid, or no checks at all).
func (cs Checks) Status() string {
	if len(cs) == 0 {
		return string(CouldNotCheck)
	}
	status := Valid
	for _, c := range cs {
		switch c.Outcome {
		case Valid:
		case Invalid:
			return string(Invalid)
		default:
			status = CouldNotCheck
		}
	}
	return string(status)
}

// Valid reports whether every check is Valid.
func (cs Checks) Valid() bool { return cs.Status() == string(Valid) }

// Lookup returns the check with the given name.
func (cs Checks) Lookup(name string) (Check, bool) {
	for _, c := range cs {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

// Set records the outcome of the named check; a name not in the list is
// ignored.
func (cs Checks) Set(name string, o Outcome, format string, args ...any) {
	for i := range cs {
		if cs[i].Name == name {
			cs[i].Outcome = o
			cs[i].Detail = fmt.Sprintf(format, args...)
			return
		}
	}
}
