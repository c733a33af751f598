package notify

// The mails of supervision: a supervisor confirms, disputes or records
// evidence that names them, and the applicant hears of what changes it.

// SupervisionDisputed tells an applicant that their supervisor disputed an
// item of their evidence.
type SupervisionDisputed struct {
	Applicant  string // the applicant's name
	Supervisor string // the supervisor's name
	App        int64
	Set        string // the requirement set applied for
	What       string // the item, for people: "supervision session ses-1"
	Reason     string // what the supervisor wrote
	Link       string // the application's page
}

func (SupervisionDisputed) file() string { return "supervision_disputed.txt" }

// SupervisionDisputedItems tells an applicant that their supervisor
// disputed several items of their evidence at once: one mail for the lot.
type SupervisionDisputedItems struct {
	Applicant  string // the applicant's name
	Supervisor string // the supervisor's name
	App        int64
	Set        string // the requirement set applied for
	// Items are the items disputed, each with its own reason when the
	// reasons differ.
	Items []DisputedItem
	// Reason is the one reason the supervisor gave for all of them, ""
	// when each item has its own.
	Reason string
	Link   string // the application's page
}

// DisputedItem is one item a supervisor disputed.
type DisputedItem struct {
	What   string // the item, for people: "supervision session ses-1"
	Reason string // what the supervisor wrote of it; "" when Reason of the mail applies
}

func (SupervisionDisputedItems) file() string { return "supervision_disputed_items.txt" }

// SupervisionContractRecorded tells an applicant that their supervisor
// recorded a supervision contract with them.
type SupervisionContractRecorded struct {
	Applicant  string // the applicant's name
	Supervisor string // the supervisor's name
	App        int64
	Set        string // the requirement set applied for
	Contract   string // the contract's id
	Period     string // "2024-01-01 to 2024-12-31" or "from 2024-01-01"
	Link       string // the application's page
}

func (SupervisionContractRecorded) file() string { return "supervision_contract_recorded.txt" }
