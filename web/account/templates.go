package account

import (
	"embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	kit "github.com/certboard/certboard/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// Templates are the account pages every mode shares, one file per page
// (login, login_two_factor, signup, signup_sent, verify, reset,
// reset_confirm, confirm, two_factor, account), each defining the block
// "content" that the mode's layout draws. A mode parses them with its own
// pages (kit.ParsePages(fsys, dir, funcs, account.Templates)) and a
// FuncMap that holds Funcs.
var Templates = kit.SubDir(templateFiles, "templates")

// Funcs are the template helpers the account pages use: when writes a
// time in UTC to the minute ("" for none), words writes a value such as a
// role with spaces for "_".
var Funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"words": func(v any) string { return strings.ReplaceAll(fmt.Sprint(v), "_", " ") },
}
