package web

import "github.com/certboard/certboard/web/account"

// TOTPIssuer names the board in authenticator apps.
const TOTPIssuer = "certboard"

// RecoveryCodesLow is how few unused recovery codes make the two-factor
// page warn that it is time to make new ones.
const RecoveryCodesLow = account.RecoveryCodesLow
