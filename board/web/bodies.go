package web

import (
	"net/http"

	"github.com/certboard/certboard/jsonlimit"
	kit "github.com/certboard/certboard/web"
)

// Every JSON request body the API decodes is bounded before it is decoded,
// by kit.DecodeBody: its size and its nesting. A body over a limit is
// answered 413 (size) or 400 (nesting) as problem+json whose detail names
// the limit.

// maxAPIBody bounds the small JSON objects most API routes take (a vote,
// a reason, a version): 8 KiB.
const maxAPIBody = 8 << 10

// decodeBody reads a JSON request body of at most limit bytes strictly into
// v (see kit.DecodeBody). On failure it has answered.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, fields string, limit int) bool {
	return kit.DecodeBody(w, r, v, fields, limit)
}

// overLimit returns the *jsonlimit.Error behind err, or nil.
func overLimit(err error) *jsonlimit.Error { return kit.OverLimit(err) }

// limitStatus is the status of input over a limit: 413 for its size, 400
// for its nesting.
func limitStatus(le *jsonlimit.Error) int { return kit.LimitStatus(le) }

// refuseOverLimit answers input over the limit le as problem+json (see
// kit.RefuseOverLimit).
func refuseOverLimit(w http.ResponseWriter, le *jsonlimit.Error, detail string) {
	kit.RefuseOverLimit(w, le, detail)
}
