package notify

// The mails of issued credentials: renewal, reminders, expiry and
// automatic suspension. (Staff's status changes are CredentialStatusChanged.)

// CredentialRenewed tells a holder that their renewal was approved and
// the credential it renews is superseded.
type CredentialRenewed struct {
	Name       string // the holder's
	App        int64  // the renewal application
	ValidUntil string // the new credential's last day, 2006-01-02
	Link       string // the new credential's page
	OldLink    string // the superseded credential's page
}

func (CredentialRenewed) file() string { return "credential_renewed.txt" }

// CredentialNotice is what each lifecycle mail about a credential names.
type CredentialNotice struct {
	Name  string // the holder's
	Title string // the credential's title
	Link  string // the credential's page
	// Advice says what the holder can do, ending in a newline.
	Advice string
}

// CredentialExpiresSoon reminds a holder that their credential expires in
// Days days, On that day (2006-01-02).
type CredentialExpiresSoon struct {
	CredentialNotice
	Days int
	On   string
}

func (CredentialExpiresSoon) file() string { return "credential_expires_soon.txt" }

// CredentialExpired tells a holder that their credential expired today,
// On (2006-01-02).
type CredentialExpired struct {
	CredentialNotice
	On string
}

func (CredentialExpired) file() string { return "credential_expired.txt" }

// CredentialSuspendedAutomatically tells a holder that the lifecycle
// suspended their credential (a missed renewal, a lapsed membership).
type CredentialSuspendedAutomatically struct {
	CredentialNotice
	Reason string // why, without a final full stop
}

func (CredentialSuspendedAutomatically) file() string {
	return "credential_suspended_automatically.txt"
}
