package certboard

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestEveryCodeHasItsOwnStatus(t *testing.T) {
	seen := map[int]Code{}
	for _, c := range Codes() {
		a, ok := answers[c]
		if !ok {
			t.Fatalf("code %q has no answer", c)
		}
		if prev, dup := seen[a.Status]; dup {
			t.Errorf("codes %q and %q share status %d", prev, c, a.Status)
		}
		seen[a.Status] = c
		if a.Title == "" || a.Exit == ExitOK || a.Exit == ExitNo {
			t.Errorf("code %q: answer %+v needs a title and an error exit code", c, a)
		}
	}
	if len(answers) != len(Codes()) {
		t.Errorf("Codes lists %d codes, the answer table %d", len(Codes()), len(answers))
	}
	if got := AnswerOf("nonsense").Status; got != http.StatusInternalServerError {
		t.Errorf("unknown code answered %d, want 500", got)
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	cause := errors.New("disk full at /secret/place")
	field := FieldError(Invalid, "email", "use an address with an @")
	wrapped := fmt.Errorf("signing up: %w", field)
	cases := []struct {
		name     string
		err      error
		code     Code
		message  string
		hasCause bool
	}{
		{"nil", nil, "", internalMessage, false},
		{"plain error is internal", cause, Internal, internalMessage, true},
		{"field error", field, Invalid, "email: use an address with an @", false},
		{"wrapped keeps its code", wrapped, Invalid, "email: use an address with an @", false},
		{"internal hides its cause", Wrap(cause, "saving the upload"), Internal, internalMessage, true},
		{"Errorf wraps the cause", Errorf(Conflict, "application %d changed: %w", 7, cause), Conflict,
			"application 7 changed: disk full at /secret/place", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorCode(tc.err); got != tc.code {
				t.Errorf("ErrorCode = %q, want %q", got, tc.code)
			}
			if got := ErrorMessage(tc.err); got != tc.message {
				t.Errorf("ErrorMessage = %q, want %q", got, tc.message)
			}
			if got := errors.Is(tc.err, cause); got != tc.hasCause {
				t.Errorf("errors.Is(cause) = %v, want %v", got, tc.hasCause)
			}
		})
	}
}

func TestAsAndTitle(t *testing.T) {
	if As(nil) != nil {
		t.Fatal("As(nil) is not nil")
	}
	if e := As(errors.New("x")); e.Code != Internal {
		t.Errorf("As(plain) code %q, want internal", e.Code)
	}
	e := (&Error{Code: NotFound, Message: "no application 9"}).WithTitle("Application not found")
	if a := e.Answer(); a.Status != http.StatusNotFound || a.Title != "Application not found" {
		t.Errorf("answer %+v", a)
	}
	if got := AnswerOf(NotFound).Title; got != "Not found" {
		t.Errorf("WithTitle changed the table: %q", got)
	}
}

// TestStoreError: a store's wrapped sentinels become Errors saying the
// wrapping; anything else is not one.
func TestStoreError(t *testing.T) {
	for _, tc := range []struct {
		err     error
		code    Code
		title   string
		message string
	}{
		{fmt.Errorf("application 7 changed since version 3: %w", ErrConflict), Conflict, "Changed by someone else", "application 7 changed since version 3"},
		{fmt.Errorf("no application 7: %w", ErrNotFound), NotFound, "Not found", "no application 7"},
	} {
		e := StoreError(tc.err)
		if e == nil || e.Code != tc.code || e.Title != tc.title || e.Message != tc.message || !errors.Is(e, tc.err) {
			t.Errorf("%v: %+v", tc.err, e)
		}
	}
	if e := StoreError(errors.New("disk full")); e != nil {
		t.Errorf("another error: %+v", e)
	}
}
