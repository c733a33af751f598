package boardsql

import "github.com/certboard/certboard/auth"

// Accounts are declared in package auth, which both modes share; these
// aliases keep the store's signatures readable.

// User is auth.User.
type User = auth.User

// Session is auth.Session.
type Session = auth.Session

// APIToken is auth.APIToken.
type APIToken = auth.APIToken

// TOTPState is auth.TOTPState.
type TOTPState = auth.TOTPState

// ThrottleKey is auth.ThrottleKey.
type ThrottleKey = auth.ThrottleKey

// Charge is auth.Charge.
type Charge = auth.Charge

// Purposes of the tokens sent by e-mail.
const (
	PurposeVerify = auth.PurposeVerify
	PurposeReset  = auth.PurposeReset
)
