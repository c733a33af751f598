package web

import (
	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

// The practice's access rules. Every route declares one (kit.CheckAccess
// refuses a route without). Every rule but Public and TwoFactorSetup needs
// a sign-in with two factors: a signed-in person without them is sent to
// set them up (pages) or refused 403 saying how (API), and reaches only
// what TwoFactorSetup lets in. Object-level checks (is this client
// theirs?) are the use cases', always.
var (
	// Public: anyone, signed in or not: sign-in, the password reset,
	// /healthz, /readyz and the stylesheet.
	Public = &kit.Rule{Name: "public", Public: true}
	// TwoFactorSetup: any signed-in person, with or without two factors:
	// the two-factor settings, "confirm it's you" and signing out, which
	// a person must reach to turn two factors on.
	TwoFactorSetup = &kit.Rule{Name: "signed in"}
	// Member: any signed-in person of the practice, with two factors:
	// their home page and account.
	Member = &kit.Rule{Name: "member of the practice", TwoFactor: true}
	// Practitioner: practitioners, with two factors.
	Practitioner = &kit.Rule{Name: "practitioner", TwoFactor: true, Allow: holds(auth.Practitioner)}
	// PracticeAdmin: the practice's admins, with two factors.
	PracticeAdmin = &kit.Rule{Name: "practice admin", TwoFactor: true, Allow: holds(auth.PracticeAdmin)}
)

// holds is the role check of one role.
func holds(role auth.Role) func(kit.Roles) bool {
	return func(u kit.Roles) bool { return u.HasRole(role) }
}
