package notify

import "time"

// The mails of accounts: sign-up, e-mail verification, passwords, sign-in
// and two-factor changes. Times are shown in UTC, as "2 January 2006 at
// 15:04".

// VerifyAddress carries the link that verifies the address of a sign-up.
type VerifyAddress struct {
	Name string // as signed up
	Link string // the verification link, with its token
	// Hours is how long the link works; Days how long an unverified
	// account is kept.
	Hours, Days int
}

func (VerifyAddress) file() string { return "verify_address.txt" }

// SignUpWithYourAddress tells the owner of a verified account that someone
// tried to sign up with its address.
type SignUpWithYourAddress struct {
	SignIn, Reset string // links to the sign-in and password-reset pages
}

func (SignUpWithYourAddress) file() string { return "sign_up_with_your_address.txt" }

// ResetPassword carries a password-reset link.
type ResetPassword struct {
	Link    string // the reset link, with its token
	Minutes int    // how long it works
}

func (ResetPassword) file() string { return "reset_password.txt" }

// PasswordChanged tells the owner that the password was changed from a
// signed-in session.
type PasswordChanged struct {
	At    time.Time
	Reset string // the password-reset page
}

func (PasswordChanged) file() string { return "password_changed.txt" }

// FailedSignIns tells the owner of an account of repeated failed sign-ins.
type FailedSignIns struct {
	// After is how many failures within a day make this mail.
	After   int
	At      time.Time // the latest failure
	Network string    // where it came from
	Reset   string    // the password-reset page
}

func (FailedSignIns) file() string { return "failed_sign_ins.txt" }

// TwoFactorOn tells the owner that two-factor sign-in was turned on.
type TwoFactorOn struct {
	At    time.Time
	Reset string // the password-reset page
}

func (TwoFactorOn) file() string { return "two_factor_on.txt" }

// TwoFactorOff tells the owner that two-factor sign-in was turned off.
type TwoFactorOff struct {
	At       time.Time
	Settings string // the two-factor settings page
}

func (TwoFactorOff) file() string { return "two_factor_off.txt" }

// RecoveryCodesRenewed tells the owner that new recovery codes were made.
type RecoveryCodesRenewed struct {
	At       time.Time
	Settings string // the two-factor settings page
}

func (RecoveryCodesRenewed) file() string { return "recovery_codes_renewed.txt" }
