package board

import (
	"context"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// TestNextNeverOwnRenewal: the renewal's approval without peer review is
// never the holder's, whatever their roles; next refuses it before
// judging the evidence.
func TestNextNeverOwnRenewal(t *testing.T) {
	app := &Application{ID: 1, ApplicantID: 7, State: UnderReview, RenewsCredential: "c"}
	self := &auth.User{ID: 7, Roles: []auth.Role{auth.Staff, auth.Applicant}}
	for _, recorded := range []bool{false, true} {
		to, err := (&Board{}).next(context.Background(), app, self, Approve, "", recorded)
		if to == Approved || certboard.ErrorCode(err) != certboard.Conflict {
			t.Errorf("recorded %v: the holder approved their own renewal: %s %v", recorded, to, err)
		}
	}
}
