package web

import (
	"errors"
	"html/template"
	"io"
	"testing"

	kit "github.com/certboard/certboard/web"
)

// TestPagesEscapeUnderAPath: every page, with the helpers of a mount
// under a path, passes html/template's contextual escaping (a link that
// starts with {{prefix}} or {{path}} and goes on in a branch could make
// an ambiguous URL context, which only shows when the page is drawn).
func TestPagesEscapeUnderAPath(t *testing.T) {
	m, err := kit.MountOf("https://example.org/board/")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := parseTemplates(m)
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range pages {
		var terr *template.Error
		if err := p.ExecuteTemplate(io.Discard, "layout.html", page{}); errors.As(err, &terr) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
