// Package admin holds the admin pages that board and practice modes share,
// one file per page, each defining the block "content" that the mode's
// layout draws: admin_jobs, the background work and mail given up after
// their last try. A mode parses them with its own pages
// (kit.ParsePages(fsys, dir, funcs, account.Templates, admin.Templates)),
// with account.Funcs among its template helpers.
package admin

import (
	"embed"

	kit "github.com/certboard/certboard/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// Templates are the shared admin pages.
var Templates = kit.SubDir(templateFiles, "templates")
