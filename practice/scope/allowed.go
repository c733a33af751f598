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
	// Credential is the verification the standing is judged from, its
	// IssuerName as the trust list names the issuer now ("" when it is
	// not on it).
	Credential Verified
	// Type is the map's type of the credential; nil when the map knows
	// none.
	Type *Type
	// Current reports that the credential counts: Active when checked,
	// within its validity dates, checked recently enough (see Grace), of a
	// type the map knows, and from an issuer on the trust list trusted for
	// that type.
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
// work at time now under map m, with the practice's trust list as it
// stands now: the baseline, and every stage a current credential's type
// allows. A credential is current when it was Active when last checked,
// now is within its validity dates, the check is no older than its
// NextCheck plus Grace, the map knows its type, and its issuer is on trust
// and trusted for that type. The trust list is applied here, not only when
// a credential is checked, so that an issuer taken off the list, or
// trusted for fewer types, stops counting at once.
func Allowed(m *Map, trust TrustList, creds []Verified, now time.Time) Scope {
	s := Scope{AsOf: now, Version: m.Version, baseline: m.Baseline.Stages, says: m.Baseline.Says, grantors: map[Stage][]string{}}
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
		st := standing(m, trust, v, now)
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

// standing judges one credential at time now against the trust list.
func standing(m *Map, trust TrustList, v Verified, now time.Time) Standing {
	entry, listed := trust[v.Issuer]
	v.IssuerName = entry.Name // the list's name as it stands now; "" when not on it
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
	case !listed:
		st.Reason = fmt.Sprintf("%s does not count: its issuer is not on the practice's trust list", name)
	case v.Status == Untrusted:
		st.Reason = fmt.Sprintf("%s does not count yet: its issuer was not on the practice's trust list when it was last checked%s; it counts once it is checked again", name, checked)
	case v.Status == Revoked:
		st.Reason = fmt.Sprintf("%s was revoked by its issuer%s", name, checked)
	case v.Status == Suspended:
		st.Reason = fmt.Sprintf("%s is suspended by its issuer%s", name, checked)
	case v.Status == NoLongerVerifies:
		st.Reason = fmt.Sprintf("%s no longer verifies%s: %s; it counts for nothing unless its issuer gives you a credential that verifies, to attach again", name, checked, strings.TrimSuffix(orUnknown(v.Reason), "."))
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
	case !entry.Vouches(st.Type.ID):
		trustedFor := "no kind of credential"
		if names := m.typeNames(entry.Types); names != "" {
			trustedFor = names
		}
		st.Reason = fmt.Sprintf("%s allows nothing beyond what every practitioner may work: %s is trusted for %s, not for %s; ask the practice's admin if it should be",
			name, v.IssuerLabel(), trustedFor, st.Type.Name)
	default:
		st.Current = true
		st.Reason = fmt.Sprintf("%s allows %s", st.describe(), namesOf(st.Type.Stages))
	}
	return st
}

// orUnknown is s, or words saying no reason was recorded.
func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "no reason was recorded"
	}
	return s
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

// Changed decides whether a practitioner's scope lost Intensive Therapy
// between two judgements, so that their open Intensive Therapy cases must
// be flagged for review (and the practice's admin told): was is the scope
// as the practice last judged it (and acted on), is the scope now (both
// from Allowed). It flags when Intensive Therapy was within was and is not
// within is: a credential that allowed it became suspended, revoked,
// expired, untrusted, not trusted for its type, no longer verifying or
// too long unverified, or was removed, and no other credential allows it.
// why names each credential that allowed it and what became of it. A
// credential that changes while another still allows Intensive Therapy (a
// renewal beside the credential it renews) flags nothing.
//
// A loss is flagged once: the caller passes as was the judgement it made
// last, which the loss, once judged, is part of. Judging the same
// credentials again later (a check that keeps failing, a credential whose
// end passes with no new check) finds Intensive Therapy outside both.
func Changed(was, is Scope) (flag bool, why string) {
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
	if len(lost) == 0 {
		lost = []string{"the scope map " + is.Version + " no longer allows it"}
	}
	return true, fmt.Sprintf("Intensive Therapy is no longer within the practitioner's scope: %s. Review each open Intensive Therapy case and refer the client onward or to another practitioner.",
		strings.Join(lost, "; "))
}
