package notify

// The examples of the credential mails (mails_creds.go).
func init() {
	const link = "https://board.example/credentials/6f1c2a9e-4b7d-4e21-9a3f-0c8d5e7b1a24"
	for name, m := range map[string]Mail{
		"credential_renewed": CredentialRenewed{Name: "Jordan Reyes", App: 42, ValidUntil: "2032-03-10",
			Link: "https://board.example/credentials/0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b", OldLink: link},
		"credential_expires_soon": CredentialExpiresSoon{CredentialNotice: CredentialNotice{Name: "Jordan Reyes", Title: "AASECT Certified Sex Therapist",
			Link: link, Advice: "Start your renewal, log the CE of this cycle and submit it: " + link + "/renewal\n"}, Days: 60, On: "2029-03-10"},
		"credential_expired": CredentialExpired{CredentialNotice: CredentialNotice{Name: "Jordan Reyes", Title: "AASECT Certified Sex Therapist", Link: link,
			Advice: "It can no longer be renewed: apply for the credential again from your applications page, https://board.example/applications\n"}, On: "2029-03-10"},
		"credential_suspended_automatically": CredentialSuspendedAutomatically{CredentialNotice: CredentialNotice{Name: "Jordan Reyes", Title: "AASECT Certified Sex Therapist",
			Link: link, Advice: "Contact the board to have it reinstated once this is put right.\n"}, Reason: "membership lapsed on 2028-12-31"},
	} {
		examples[name] = m
	}
}
