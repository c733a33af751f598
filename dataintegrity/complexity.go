package dataintegrity

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// Limits on the blank nodes of a document, checked after JSON-LD toRdf and
// before RDFC-1.0 canonicalization runs. RDFC-1.0 tells apart blank nodes
// that look the same (share a first-degree hash) by trying the orders in
// which they can be visited, work that grows factorially with their number
// and cannot be interrupted; a document of a few hundred bytes can keep a
// core busy for minutes. The credentials of Open Badges 3.0 have a handful
// of blank nodes, each of which looks different from the others.
const (
	// MaxBlankNodes bounds the number of distinct blank nodes.
	MaxBlankNodes = 256
	// MaxLookAlike bounds the number of blank nodes that share one
	// first-degree hash (RDFC-1.0 §4.6).
	MaxLookAlike = 4
	// MaxSharedBlankNodes bounds the number of blank nodes, over all
	// first-degree hashes, that share their hash with another blank node:
	// the nodes RDFC-1.0 hands to its costly n-degree step.
	MaxSharedBlankNodes = 8
)

// ErrTooComplex reports a document whose blank nodes are over one of the
// limits MaxBlankNodes, MaxLookAlike or MaxSharedBlankNodes. Errors that wrap
// it also wrap ErrDocument.
var ErrTooComplex = errors.New("dataintegrity: document too costly to canonicalize")

// complexityError is the refusal of a document over a blank-node limit.
type complexityError struct{ detail string }

func (e *complexityError) Error() string { return "dataintegrity: unusable document: " + e.detail }

func (e *complexityError) Is(target error) bool {
	return target == ErrDocument || target == ErrTooComplex
}

// checkBlankNodes refuses a dataset whose canonicalization could take
// exponential time: more than MaxBlankNodes blank nodes, more than
// MaxLookAlike blank nodes sharing one first-degree hash, or more than
// MaxSharedBlankNodes blank nodes sharing their hash with another. Its work
// is linear in the size of the dataset (plus sorting).
func checkBlankNodes(ds *ld.RDFDataset) error {
	total, most, shared := blankNodeCounts(ds)
	switch {
	case total > MaxBlankNodes:
		return &complexityError{fmt.Sprintf("the credential has more than %d blank nodes (objects without an id); such documents are refused because checking them takes too long", MaxBlankNodes)}
	case most > MaxLookAlike:
		return &complexityError{fmt.Sprintf("the credential has %d blank nodes (objects without an id) that look the same (at most %d are accepted); such documents are refused because checking them takes time that grows exponentially", most, MaxLookAlike)}
	case shared > MaxSharedBlankNodes:
		return &complexityError{fmt.Sprintf("the credential has %d blank nodes (objects without an id) that each look the same as another (at most %d are accepted); such documents are refused because checking them takes time that grows exponentially", shared, MaxSharedBlankNodes)}
	}
	return nil
}

// blankNodeCounts returns the number of distinct blank nodes of ds, the
// largest number of them that share one first-degree hash, and the number of
// them that share their first-degree hash with another. It stops counting,
// and returns zeros for the last two, once the first is over MaxBlankNodes.
func blankNodeCounts(ds *ld.RDFDataset) (total, most, shared int) {
	// The quads that mention each blank node, once for each time it is a
	// component of the quad (subject, object or graph name), as json-gold
	// gathers them for RDFC-1.0 §4.4 step 2.
	mentions := make(map[string][]quadRef)
	for name, quads := range ds.Graphs {
		graph := name
		if graph == "@default" {
			graph = ""
		}
		for _, q := range quads {
			for _, n := range []ld.Node{q.Subject, q.Object} {
				if n != nil && ld.IsBlankNode(n) {
					mentions[n.GetValue()] = append(mentions[n.GetValue()], quadRef{q, graph})
				}
			}
			if strings.HasPrefix(graph, "_:") {
				mentions[graph] = append(mentions[graph], quadRef{q, graph})
			}
		}
		if len(mentions) > MaxBlankNodes {
			return len(mentions), 0, 0
		}
	}
	byHash := make(map[string]int)
	for id, refs := range mentions {
		byHash[firstDegreeHash(id, refs)]++
	}
	for _, n := range byHash {
		if n > 1 {
			shared += n
		}
		most = max(most, n)
	}
	return len(mentions), most, shared
}

// quadRef is a quad of a dataset and the name of its graph ("" for the
// default graph).
type quadRef struct {
	q     *ld.Quad
	graph string
}

// firstDegreeHash is the Hash First Degree Quads algorithm of RDFC-1.0
// §4.6: the quads that mention the blank node id, serialized as N-Quads with
// id written _:a and every other blank node _:z, sorted, joined and hashed
// with SHA-256 (hex).
func firstDegreeHash(id string, refs []quadRef) string {
	rename := func(n ld.Node) ld.Node {
		if n == nil || !ld.IsBlankNode(n) {
			return n
		}
		if n.GetValue() == id {
			return ld.NewBlankNode("_:a")
		}
		return ld.NewBlankNode("_:z")
	}
	ser := &ld.NQuadRDFSerializer{}
	lines := make([]string, 0, len(refs))
	for _, r := range refs {
		name := "@default"
		if strings.HasPrefix(r.graph, "_:") {
			name = rename(ld.NewBlankNode(r.graph)).GetValue()
		} else if r.graph != "" {
			name = r.graph
		}
		one := &ld.RDFDataset{Graphs: map[string][]*ld.Quad{name: {{Subject: rename(r.q.Subject), Predicate: r.q.Predicate, Object: rename(r.q.Object)}}}}
		var b strings.Builder
		_ = ser.SerializeTo(&b, one) // a strings.Builder never fails
		lines = append(lines, b.String())
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
	}
	return hex.EncodeToString(h.Sum(nil))
}
