package web

import (
	"testing"

	kit "github.com/certboard/certboard/web"
)

// TestPagesEscapeUnderAPath: every page, with the helpers of a mount
// under a path, passes html/template's contextual escaping
// (kit.Pages.EscapeErrors).
func TestPagesEscapeUnderAPath(t *testing.T) {
	m, err := kit.MountOf("https://example.org/practice/")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := parseTemplates(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatal("no pages parsed")
	}
	for name, err := range pages.EscapeErrors(page{}) {
		t.Errorf("%s: %v", name, err)
	}
}
