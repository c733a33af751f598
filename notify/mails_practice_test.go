package notify

func init() {
	examples["practice_emergency_access"] = EmergencyAccess{Practitioner: "Dr. Maya Patel", Admin: "Sam Okafor", Client: 42,
		At: "2026-05-04 14:03 UTC", Until: "15:03 UTC", Link: "https://practice.example/clients/42"}
}
