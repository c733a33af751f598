package notify

import "time"

// accountExamples are the examples of the accounts' mails.
var accountExamples = map[string]Mail{
	"verify_address": VerifyAddress{Name: "Jordan Reyes", Link: "https://board.example/verify?token=t0k3n", Hours: 48, Days: 7},
	"sign_up_with_your_address": SignUpWithYourAddress{SignIn: "https://board.example/login",
		Reset: "https://board.example/password-reset"},
	"reset_password": ResetPassword{Link: "https://board.example/password-reset/confirm?token=t0k3n", Minutes: 60},
	"password_changed": PasswordChanged{At: time.Date(2026, 3, 4, 15, 6, 0, 0, time.FixedZone("CET", 3600)),
		Reset: "https://board.example/password-reset"},
	"failed_sign_ins": FailedSignIns{After: 10, At: time.Date(2026, 3, 4, 15, 6, 0, 0, time.UTC), Network: "203.0.113.7",
		Reset: "https://board.example/password-reset"},
	"two_factor_on": TwoFactorOn{At: time.Date(2026, 3, 4, 15, 6, 0, 0, time.UTC), Reset: "https://board.example/password-reset"},
	"two_factor_off": TwoFactorOff{At: time.Date(2026, 3, 4, 15, 6, 0, 0, time.UTC),
		Settings: "https://board.example/account/two-factor"},
	"recovery_codes_renewed": RecoveryCodesRenewed{At: time.Date(2026, 3, 4, 15, 6, 0, 0, time.UTC),
		Settings: "https://board.example/account/two-factor"},
}

func init() {
	for name, m := range accountExamples {
		examples[name] = m
	}
}
