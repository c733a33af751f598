package board

import (
	"slices"
	"testing"

	"github.com/certboard/certboard/portfolio"
)

func TestOnFile(t *testing.T) {
	p := &portfolio.Portfolio{Documents: []portfolio.Document{
		{ID: "doc-a", Kind: "transcript", Title: "Transcript"},
		{ID: "doc-b", Kind: "supervision_contract"},
		{ID: "doc-c", Kind: "license", Title: "Licence"},
	}}
	ids := func(ds []portfolio.Document) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		docs      []Document
		on        []string
		notOnFile []string
	}{
		{"no file at all", nil, nil, []string{"doc-a", "doc-b", "doc-c"}},
		{"some files", []Document{{ItemID: "doc-c", BlobKey: "k1"}, {ItemID: "doc-a", BlobKey: "k2"}}, []string{"doc-a", "doc-c"}, []string{"doc-b"}},
		{"every file", []Document{{ItemID: "doc-a", BlobKey: "k1"}, {ItemID: "doc-b", BlobKey: "k2"}, {ItemID: "doc-c", BlobKey: "k3"}},
			[]string{"doc-a", "doc-b", "doc-c"}, nil},
		{"a row without a stored file is not a file", []Document{{ItemID: "doc-a"}}, nil, []string{"doc-a", "doc-b", "doc-c"}},
		{"a file for an item the portfolio lacks", []Document{{ItemID: "doc-z", BlobKey: "k"}}, nil, []string{"doc-a", "doc-b", "doc-c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := OnFile(p, tc.docs)
			if g := ids(got.Documents); !equal(g, tc.on) {
				t.Errorf("on file %v, want %v", g, tc.on)
			}
			var missing []string
			for _, d := range NotOnFile(p, tc.docs) {
				missing = append(missing, d.ID)
			}
			if !equal(missing, tc.notOnFile) {
				t.Errorf("not on file %v, want %v", missing, tc.notOnFile)
			}
			if len(p.Documents) != 3 {
				t.Fatalf("OnFile changed the portfolio it was given: %v", ids(p.Documents))
			}
		})
	}
	// With every document on file the portfolio is judged as it is.
	all := []Document{{ItemID: "doc-a", BlobKey: "k1"}, {ItemID: "doc-b", BlobKey: "k2"}, {ItemID: "doc-c", BlobKey: "k3"}}
	if OnFile(p, all) != p {
		t.Error("OnFile copied a portfolio whose documents are all on file")
	}
	if OnFile(nil, all) != nil || NotOnFile(nil, all) != nil {
		t.Error("a nil portfolio")
	}
}

func TestDocumentName(t *testing.T) {
	if got := DocumentName(&portfolio.Document{Kind: "supervision_contract"}); got != "supervision contract" {
		t.Errorf("untitled: %q", got)
	}
	if got := DocumentName(&portfolio.Document{Kind: "transcript", Title: "UIC MSW transcript"}); got != "UIC MSW transcript" {
		t.Errorf("titled: %q", got)
	}
}

func equal(a, b []string) bool { return slices.Equal(a, b) }
