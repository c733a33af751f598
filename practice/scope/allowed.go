package scope

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Grace is how long past its NextCheck a verification still counts when the
// credential could not be checked again meanwhile (the issuer's site
// down): a week. After that the credential counts for nothing until a
// check succeeds.
const Grace = 7 * 24 * time.Hour

// Standing is how one credential counts toward a scope.
type Standing struct {
	// Credential is the verification the standing is judged from.
	Credential Verified
	// Type is the map's type of the credential; nil when the map knows
	// none.
	Type *Type
	// Current reports that the credential counts: Active when checked,
	// within its validity dates, checked recently enough (see Grace), and
	// of a type the map knows.
	Current bool
	// Reason says in a sentence what the credential allows, or why it
	// allows nothing.
	Reason string
}

// name names the credential in messages: its type's name, else its
// achievement's, with its issuer.
func (s Standing) name() string {
	n := s.Credential.Achievement.Name
	if s.Type != nil {
		n = s.Type.Name
	}
	if n == "" {
		n = "unnamed"
	}
	return fmt.Sprintf("the %s credential from %s", n, s.Credential.IssuerLabel())
}

// Scope is what a practitioner may work, as of one time, and why.
type Scope struct {
	// Stages are the stages the practitioner may work, in PLISSIT order.
	Stages []Stage
	// Standings are the practitioner's credentials, each with how it
	// counts, in the order given.
	Standings []Standing
	// AsOf is the time the scope was judged at.
	AsOf time.Time
	// Version is the version of the map it was judged by.
	Version string

	baseline []Stage
	says     string
	grantors map[Stage][]string // stage -> names of the types that allow it
}

// Allowed judges what a practitioner with these verified credentials may
// work at time now under map m: the baseline, and every stage a current
// credential's type allows. A credential counts when it was Active when
// last checked, now is within its validity dates, the check is no older
// than its NextCheck plus Grace, and the map knows its type.
func Allowed(m *Map, creds []Verified, now time.Time) Scope {
	return judge(m, creds, func(Verified) time.Time { return now }, now)
}

// judge is Allowed with each credential judged at the time at returns.
func judge(m *Map, creds []Verified, at func(Verified) time.Time, asOf time.Time) Scope {
	s := Scope{AsOf: asOf, Version: m.Version, baseline: m.Baseline.Stages, says: m.Baseline.Says, grantors: map[Stage][]string{}}
	for i := range m.Types {
		t := &m.Types[i]
		for _, st := range t.Stages {
			if !slices.Contains(s.baseline, st) {
				s.grantors[st] = append(s.grantors[st], t.Name)
			}
		}
	}
	allowed := map[Stage]bool{}
	for _, st := range m.Baseline.Stages {
		allowed[st] = true
	}
	for _, v := range creds {
		st := standing(m, v, at(v))
		s.Standings = append(s.Standings, st)
		if st.Current {
			for _, stage := range st.Type.Stages {
				allowed[stage] = true
			}
		}
	}
	for _, stage := range Stages() {
		if allowed[stage] {
			s.Stages = append(s.Stages, stage)
		}
	}
	return s
}

// standing judges one credential at time now.
func standing(m *Map, v Verified, now time.Time) Standing {
	st := Standing{Credential: v, Type: m.Classify(v.Achievement)}
	name := st.name()
	checked := ""
	if !v.CheckedAt.IsZero() {
		checked = " (checked " + day(v.CheckedAt) + ")"
	}
	stale := v.NextCheck
	if stale.IsZero() {
		stale = v.CheckedAt.Add(CheckEvery)
	}
	stale = stale.Add(Grace)
	switch {
	case v.Status == Untrusted:
		st.Reason = fmt.Sprintf("%s does not count: its issuer is not on the practice's trust list%s", name, checked)
	case v.Status == Revoked:
		st.Reason = fmt.Sprintf("%s was revoked by its issuer%s", name, checked)
	case v.Status == Suspended:
		st.Reason = fmt.Sprintf("%s is suspended by its issuer%s", name, checked)
	case v.Status == Expired || (!v.ValidUntil.IsZero() && !now.Before(v.ValidUntil)):
		st.Reason = fmt.Sprintf("%s expired on %s", name, day(v.ValidUntil))
		if v.ValidUntil.IsZero() {
			st.Reason = fmt.Sprintf("%s has expired%s", name, checked)
		}
	case v.Status != Active:
		st.Reason = fmt.Sprintf("%s has an unknown standing %q", name, v.Status)
	case !v.ValidFrom.IsZero() && now.Before(v.ValidFrom):
		st.Reason = fmt.Sprintf("%s is valid only from %s", name, day(v.ValidFrom))
	case !now.Before(stale):
		st.Reason = fmt.Sprintf("%s was last verified on %s and could not be verified again since; it counts again once a check succeeds", name, day(v.CheckedAt))
	case st.Type == nil:
		st.Reason = fmt.Sprintf("%s is not a credential the scope map knows; it allows nothing beyond what every practitioner may work", name)
	default:
		st.Current = true
		st.Reason = fmt.Sprintf("%s allows %s", st.describe(), namesOf(st.Type.Stages))
	}
	return st
}

// describe names a current credential with when it was verified and until
// when it is valid.
func (s Standing) describe() string {
	until := "without an end date"
	if !s.Credential.ValidUntil.IsZero() {
		until = "valid until " + day(s.Credential.ValidUntil)
	}
	return fmt.Sprintf("%s, verified on %s and %s,", s.name(), day(s.Credential.CheckedAt), until)
}

// namesOf lists stages by name: "Permission, Limited Information and
// Specific Suggestions".
func namesOf(list []Stage) string {
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Name()
	}
	return joinAnd(names, "and")
}

// joinAnd joins "a", "a and b", "a, b and c" with the given last word.
func joinAnd(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + last + " " + items[len(items)-1]
}

// Permits reports whether the practitioner may work stage, with the reason
// in a sentence a person can act on: the baseline or the credential that
// allows it, or else what would allow it and why none of the
// practitioner's credentials does, ending with the referral to offer.
func (s Scope) Permits(stage Stage) (bool, string) {
	if !stage.Known() {
		return false, fmt.Sprintf("%q is not a PLISSIT stage; use %s", stage, stageList())
	}
	if slices.Contains(s.baseline, stage) {
		return true, fmt.Sprintf("every practitioner may work %s (scope map %s)", stage.Name(), s.Version)
	}
	for _, st := range s.Standings {
		if st.Current && st.Type.Allows(stage) {
			return true, fmt.Sprintf("%s is allowed by %s", stage.Name(), strings.TrimSuffix(st.describe(), ","))
		}
	}
	var why []string
	for _, st := range s.Standings {
		if st.Current {
			why = append(why, fmt.Sprintf("%s allows only %s", st.name(), namesOf(st.Type.Stages)))
		} else {
			why = append(why, st.Reason)
		}
	}
	if len(why) == 0 {
		why = []string{"no credential is attached"}
	}
	needs := "no credential in the scope map allows it"
	if g := s.grantors[stage]; len(g) > 0 {
		needs = "it needs a current " + joinAnd(g, "or") + " credential"
	}
	return false, fmt.Sprintf("you may not deliver %s: %s, and %s. Refer the client to a practitioner who may deliver %s.",
		stage.Name(), needs, strings.Join(why, "; "), stage.Name())
}

// Changed decides whether re-checking a practitioner's credentials means
// their open Intensive Therapy cases must be flagged for review (and the
// practice's admin told): before are the credentials' previous
// verifications, each judged as of its own check; after are the same
// credentials with the new results (and any the practitioner attached or
// removed meanwhile), judged at now. It flags when Intensive Therapy was
// within scope before and is not now: a credential that allowed it became
// suspended, revoked, expired, untrusted or too long unverified, and no
// other credential allows it. why names what changed and says what no
// longer allows it. A credential that changes while another still allows
// Intensive Therapy (a renewal beside the credential it renews) flags
// nothing.
func Changed(m *Map, before, after []Verified, now time.Time) (flag bool, why string) {
	was := judge(m, before, func(v Verified) time.Time { return v.CheckedAt }, now)
	is := Allowed(m, after, now)
	if !slices.Contains(was.Stages, IntensiveTherapy) || slices.Contains(is.Stages, IntensiveTherapy) {
		return false, ""
	}
	var lost []string
	for _, b := range was.Standings {
		if !b.Current || !b.Type.Allows(IntensiveTherapy) {
			continue
		}
		found := false
		for _, a := range is.Standings {
			if a.Credential.CredentialID == b.Credential.CredentialID && a.Credential.Issuer == b.Credential.Issuer {
				found = true
				lost = append(lost, a.Reason)
			}
		}
		if !found {
			lost = append(lost, b.name()+" was removed")
		}
	}
	return true, fmt.Sprintf("Intensive Therapy is no longer within the practitioner's scope: %s. Review each open Intensive Therapy case and refer the client onward or to another practitioner.",
		strings.Join(lost, "; "))
}
