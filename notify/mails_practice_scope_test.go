package notify

// The examples of the practice's scope mails (mails_practice_scope.go).
func init() {
	why := "Intensive Therapy is no longer within the practitioner's scope: the AASECT Certified Sex Therapist (CST) credential from Demo Certification Board is suspended by its issuer (checked 2027-03-01). Review each open Intensive Therapy case and refer the client onward or to another practitioner."
	examples["practice_scope_lost"] = PracticeScopeLost{Name: "Sam Okafor", Practitioner: "Jordan Reyes", On: "2027-03-01",
		Why: why, Cases: 2, Link: "https://practice.example/admin/scope-flags"}
	examples["practice_scope_lost_one_case"] = PracticeScopeLost{Name: "Sam Okafor", Practitioner: "Jordan Reyes", On: "2027-03-01",
		Why: why, Cases: 1, Link: "https://practice.example/admin/scope-flags"}
	examples["practice_scope_lost_no_case"] = PracticeScopeLost{Name: "Sam Okafor", Practitioner: "Jordan Reyes", On: "2027-03-01",
		Why: why, Cases: 0, Link: "https://practice.example/admin/scope-flags"}
}
