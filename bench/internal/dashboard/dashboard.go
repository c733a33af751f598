// Package dashboard reads what the load tools under bench/ need from the
// applicant's dashboard page as the server renders it.
package dashboard

import (
	"bytes"
	"strconv"
)

// versionField is how the dashboard's forms carry the application version.
var versionField = []byte(`name="version" value="`)

// Version reads the application version from the first version field of
// a page. It reports false, and the version is to be ignored, when the
// page has no such field or its value is not a positive number.
func Version(page []byte) (int, bool) {
	i := bytes.Index(page, versionField)
	if i < 0 {
		return 0, false
	}
	rest := page[i+len(versionField):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return 0, false
	}
	v, err := strconv.Atoi(string(rest[:j]))
	return v, err == nil && v > 0
}
