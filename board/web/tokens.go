package web

import (
	"github.com/certboard/certboard/auth"
)

// APITokenPrefix starts every API token, so that a leaked one is easy to
// recognise (and to search for in code and logs).
const APITokenPrefix = auth.APITokenPrefix

// API token lifetimes, in days: every token expires, after
// DefaultTokenDays unless its creator chose another lifetime of at most
// MaxTokenDays.
const (
	DefaultTokenDays = auth.DefaultTokenDays
	MaxTokenDays     = auth.MaxTokenDays
)
