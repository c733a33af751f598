package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/certboard/certboard/jsonlimit"
)

// Every JSON request body is bounded before it is decoded: its size
// (http.MaxBytesReader, at the limit its route gives) and its nesting
// (jsonlimit.MaxDepth levels, checked by jsonlimit before any decoder
// runs). A body over a limit is answered 413 (size) or 400 (nesting) as
// problem+json whose detail names the limit.

// DecodeBody reads a JSON request body of at most limit bytes strictly into
// v: the size and the nesting are checked first, then unknown members are
// refused. fields names what to send, for the message. On failure it has
// answered (413 over the size, 400 otherwise).
func DecodeBody(w http.ResponseWriter, r *http.Request, v any, fields string, limit int) bool {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(limit)))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			le := jsonlimit.SizeError(limit)
			RefuseOverLimit(w, le, "the body is "+le.Error())
			return false
		}
		Problem(w, http.StatusBadRequest, "Body not read", "The request body could not be read; send it again.")
		return false
	}
	if err := jsonlimit.Check(data, jsonlimit.Limits{MaxBytes: limit}); err != nil {
		RefuseOverLimit(w, OverLimit(err), "the body is "+err.Error())
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		Problem(w, http.StatusBadRequest, "Invalid request", "Send a JSON object with "+fields+": "+err.Error())
		return false
	}
	return true
}

// OverLimit returns the *jsonlimit.Error behind err (a decoder's refusal
// of input over a limit), or nil.
func OverLimit(err error) *jsonlimit.Error {
	var le *jsonlimit.Error
	if errors.As(err, &le) {
		return le
	}
	return nil
}

// LimitStatus is the status of input over a limit: 413 for its size, 400
// for its nesting.
func LimitStatus(le *jsonlimit.Error) int {
	if le.TooLarge() {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// RefuseOverLimit answers input over the limit le as problem+json: 413
// "Too large" for its size, 400 "Too deeply nested" for its nesting. detail
// says what was over the limit and names it ("the portfolio is larger than
// 4 MiB"); it is written as a sentence.
func RefuseOverLimit(w http.ResponseWriter, le *jsonlimit.Error, detail string) {
	title := "Too deeply nested"
	if le.TooLarge() {
		title = "Too large"
	}
	if detail != "" {
		detail = strings.ToUpper(detail[:1]) + detail[1:]
	}
	Problem(w, LimitStatus(le), title, strings.TrimSuffix(detail, ".")+".")
}

// WriteJSON writes v as indented JSON with its media type, after the
// status the handler wrote, or 200.
func WriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	encodeJSON(w, v)
}

// WriteJSONStatus writes v as indented JSON with its media type and the
// given status.
func WriteJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	encodeJSON(w, v)
}

func encodeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
