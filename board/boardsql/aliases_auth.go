package boardsql

import "github.com/certboard/certboard/auth"

// Accounts are declared in package auth, which both modes share; these
// aliases keep the store's signatures readable.

// User is auth.User.
type User = auth.User

// Session is auth.Session.
type Session = auth.Session
