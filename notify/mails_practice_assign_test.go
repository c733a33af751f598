package notify

// The examples of the assignment mail (mails_practice_assign.go).
func init() {
	base := PracticeAssignment{Practitioner: "Dr. Maya Patel", Admin: "Sam Okafor", Client: 42, Who: "Noor Haddad",
		At: "2026-05-04 14:03 UTC", Link: "https://practice.example/clients/42"}
	assigned := base
	assigned.Assigned = true
	examples["practice_assignment_assigned"] = assigned
	admin := assigned
	admin.Who, admin.WhoIsAdmin, admin.Reason = "Ines Okoro", true, "Ines takes over Maya's clients while Maya is on leave until June."
	examples["practice_assignment_admin"] = admin
	examples["practice_assignment_unassigned"] = base
	you := base
	you.Practitioner, you.You = "Noor Haddad", true
	examples["practice_assignment_you"] = you
}
