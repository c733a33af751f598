// Package examples holds example portfolios, each with the verdict it is
// expected to get (portfolios/expectations*.json, checked by the tests), and
// offers them to the demo board.
package examples

import (
	"embed"
	"fmt"
)

//go:embed portfolios/*.json
var files embed.FS

// Portfolio returns the bytes of one example portfolio by file name,
// e.g. "cst-eligible.json".
func Portfolio(name string) ([]byte, error) {
	b, err := files.ReadFile("portfolios/" + name)
	if err != nil {
		return nil, fmt.Errorf("no example portfolio %q", name)
	}
	return b, nil
}
