package web

import (
	"strings"
	"testing"

	"github.com/certboard/certboard/board/boardsql"
)

// TestRenewalAdvice: reminders, the expiry mail and the missed-renewal
// suspension tell the holder something they can actually do.
func TestRenewalAdvice(t *testing.T) {
	link, base := "https://board.example/credentials/c1", "https://board.example"
	draft := &boardsql.Application{ID: 9, State: "draft"}
	review := &boardsql.Application{ID: 9, State: "under_review"}
	for _, tc := range []struct {
		name    string
		renewal *boardsql.Application
		expired bool
		want    []string
		mustNot []string
	}{
		{"before expiry, none open", nil, false, []string{link + "/renewal"}, []string{"apply"}},
		{"before expiry, a draft", draft, false, []string{"/applications/9", "before the credential expires"}, nil},
		{"expired, none open", nil, true, []string{"apply for the credential again", base + "/applications"}, []string{"/renewal", "Start your renewal"}},
		{"expired, a draft", draft, true, []string{"Submit it for review", "lifted"}, []string{"before the credential expires"}},
		{"expired, under review", review, true, []string{"under review"}, []string{"Submit", "before the credential expires"}},
	} {
		got := renewalAdvice(tc.renewal, link, base, tc.expired)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		for _, w := range tc.mustNot {
			if strings.Contains(got, w) {
				t.Errorf("%s: %q says %q", tc.name, got, w)
			}
		}
	}
}
