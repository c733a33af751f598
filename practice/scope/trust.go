package scope

import (
	"slices"

	"github.com/certboard/certboard/verifier"
)

// A credential says itself what it awards: any issuer can sign an
// achievement named "AASECT Certified Sex Therapist (CST)", and every
// certboard board issues under the same titles. So the practice trusts an
// issuer not in general but for kinds of credential: each entry of its
// trust list names the scope map's types (by id) the issuer may vouch for,
// and a credential counts toward a scope only when its issuer is trusted
// for the type the map recognises it as. A credential of another type from
// the same issuer allows only the baseline, and says why.

// Trusted is what the practice's trust list says of one issuer.
type Trusted struct {
	// Name is the name the practice gives the issuer.
	Name string
	// Types are the ids of the scope map's types (Type.ID) whose
	// credentials the practice trusts the issuer to vouch for.
	Types []string
}

// Vouches reports whether the issuer is trusted for credentials of the
// type with id typeID.
func (t Trusted) Vouches(typeID string) bool { return slices.Contains(t.Types, typeID) }

// TrustList maps the DIDs of the issuers the practice trusts to what it
// trusts each for. An issuer not in it is not trusted for anything.
type TrustList map[string]Trusted

// Lists reports whether did is on the trust list.
func (l TrustList) Lists(did string) bool {
	_, ok := l[did]
	return ok
}

// Names is the trust list as the verifier takes it: each DID with its
// name.
func (l TrustList) Names() verifier.TrustList {
	out := make(verifier.TrustList, len(l))
	for did, t := range l {
		out[did] = t.Name
	}
	return out
}

// typeNames names the types with the given ids for messages, in the map's
// order ("AASECT Certified Sexuality Educator (CSE) and ..."); an id the map
// does not know (one of an older map) is left out.
func (m *Map) typeNames(ids []string) string {
	var names []string
	for _, t := range m.Types {
		if slices.Contains(ids, t.ID) {
			names = append(names, t.Name)
		}
	}
	return joinAnd(names, "and")
}

// TypeIDs returns the ids of the map's types, in file order.
func (m *Map) TypeIDs() []string {
	ids := make([]string, len(m.Types))
	for i, t := range m.Types {
		ids[i] = t.ID
	}
	return ids
}
