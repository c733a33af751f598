// Package checkout finds the files of the certboard checkout that the load
// tools under bench/ read, such as the portfolio every seeded applicant
// starts with, from the current directory or one of its parents: the tools
// run from the module root, and their tests from their own directories.
package checkout

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/certboard/certboard/portfolio"
)

// ErrNotFound is wrapped by the error Find returns when the file is in
// neither the current directory nor any of its parents.
var ErrNotFound = errors.New("not found in the current directory or its parents; run from the certboard checkout")

// Find returns the path of rel in the current directory or the nearest of
// its parents that holds it. An absolute rel is returned as it is.
func Find(rel string) (string, error) {
	if filepath.IsAbs(rel) {
		return rel, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s: %w", rel, ErrNotFound)
		}
		dir = parent
	}
}

// Portfolio reads and decodes the portfolio file rel, found as Find finds
// it.
func Portfolio(rel string) (*portfolio.Portfolio, error) {
	path, err := Find(rel)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	return p, nil
}
