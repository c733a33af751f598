package web

import "github.com/certboard/certboard/auth"

// ReauthWindow is how long after signing in, or after confirming that it
// is still them, a person may make sensitive changes without confirming
// again (auth.ReauthWindow).
const ReauthWindow = auth.ReauthWindow
