package notify

func init() {
	examples["practice_safety_task"] = SafetyTaskOpened{Practitioner: "Dr. Maya Patel", Client: 42, At: "2026-05-04 14:03 UTC",
		Due: "2026-05-04", NotSent: true, Link: "https://practice.example/cases/7/measures/links#task-3"}
}
