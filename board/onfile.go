package board

import (
	"strings"

	"github.com/certboard/certboard/portfolio"
)

// A document item of a portfolio says what a document is and what it
// supports; it is on file only when the board holds its uploaded file (a
// Document row naming the item). An item imported or typed without its
// file is listed, but it proves nothing: the eligibility engine never sees
// it, staff cannot verify it, and the documents page asks the applicant for
// its file. These functions decide that, from the portfolio and the
// documents stored for its application; they read and change nothing else.

// FilesHeld returns the ids of the document items that docs hold a file
// for.
func FilesHeld(docs []Document) map[string]bool {
	held := make(map[string]bool, len(docs))
	for _, d := range docs {
		if d.BlobKey != "" {
			held[d.ItemID] = true
		}
	}
	return held
}

// OnFile returns p as the eligibility engine judges it: only the document
// items whose file one of docs holds. p itself is never changed; when
// every document is on file, p is returned as it is, otherwise a shallow
// copy with its own Documents.
func OnFile(p *portfolio.Portfolio, docs []Document) *portfolio.Portfolio {
	if p == nil {
		return nil
	}
	held := FilesHeld(docs)
	kept := make([]portfolio.Document, 0, len(p.Documents))
	for _, d := range p.Documents {
		if held[d.ID] {
			kept = append(kept, d)
		}
	}
	if len(kept) == len(p.Documents) {
		return p
	}
	q := *p
	q.Documents = kept
	return &q
}

// NotOnFile lists the document items of p that no document of docs holds
// a file for, in the portfolio's order.
func NotOnFile(p *portfolio.Portfolio, docs []Document) []*portfolio.Document {
	if p == nil {
		return nil
	}
	held := FilesHeld(docs)
	var out []*portfolio.Document
	for i := range p.Documents {
		if !held[p.Documents[i].ID] {
			out = append(out, &p.Documents[i])
		}
	}
	return out
}

// DocumentName names a document item for people: its title, or its kind
// in words when it has none.
func DocumentName(d *portfolio.Document) string {
	if d.Title != "" {
		return d.Title
	}
	return strings.ReplaceAll(d.Kind, "_", " ")
}
