package notify

func init() {
	for name, m := range map[string]Mail{
		"reviewer_assigned": ReviewerAssigned{Reviewer: "Priya Raman", App: 12, Applicant: "Jordan Reyes",
			Set: "AASECT Certified Sex Therapist", Link: "https://board.example/reviews/12"},
		"reviewer_unassigned": ReviewerUnassigned{Reviewer: "Priya Raman", Applicant: "Jordan Reyes", App: 12},
		"reviewer_conflict_declared": ReviewerConflictDeclared{Reviewer: "Priya Raman", Applicant: "Jordan Reyes", App: 12,
			Reason: "I supervised Jordan in 2023.", Link: "https://board.example/queue/12"},
		"evidence_rejected_one": EvidenceRejected{Name: "Jordan Reyes", App: 12, Editable: true, State: "waiting for information",
			Link: "https://board.example/applications/12", Items: []RejectedItem{{ID: "lic-1", Label: "Licence", Reason: "expired"}}},
		"evidence_rejected_many": EvidenceRejected{Name: "Jordan Reyes", App: 12, State: "under review",
			Link: "https://board.example/applications/12", Items: []RejectedItem{{ID: "act-1", Label: "Ethics course", Reason: "No certificate."},
				{ID: "act-2", Label: "Ethics course, part 2", Reason: "No certificate."}}},
		"application_for_staff": ApplicationForStaff{App: 12, Set: "AASECT Certified Sex Therapist (CST)", Applicant: "Jordan Reyes", State: "submitted",
			Link: "https://board.example/queue/12"},
		"application_for_staff_answer": ApplicationForStaff{App: 12, Set: "AASECT Certified Sex Therapist (CST)", Applicant: "Jordan Reyes", State: "under review",
			Link: "https://board.example/queue/12", Answer: "The contract is attached."},
		"application_state_changed": ApplicationStateChanged{Name: "Jordan Reyes", App: 12, Set: "AASECT Certified Sex Therapist (CST)", State: "under review",
			Link: "https://board.example/applications/12"},
		"application_state_changed_approved": ApplicationStateChanged{Name: "Jordan Reyes", App: 12, Set: "AASECT Certified Sex Therapist (CST)", State: "approved",
			Link: "https://board.example/applications/12", Credential: "https://board.example/credentials/6f1c2a9e-4b7d-4e21-9a3f-0c8d5e7b1a24"},
		"application_state_changed_renewed": ApplicationStateChanged{Name: "Jordan Reyes", App: 14, Set: "AASECT Certified Sex Therapist (CST), renewal", State: "approved",
			Link: "https://board.example/applications/14", Credential: "https://board.example/credentials/0b9e4c1d-2f3a-4d5e-8a7b-6c5d4e3f2a1b", Public: true},
		"application_state_changed_info": ApplicationStateChanged{Name: "Jordan Reyes", App: 12, Set: "AASECT Certified Sex Therapist (CST)", State: "waiting for information",
			Reason: "Please add the supervision contract.", Answer: true, Link: "https://board.example/applications/12"},
		"reviewer_conflict_found": ReviewerConflictFound{App: 12, Applicant: "Jordan Reyes", Set: "AASECT Certified Sex Therapist",
			What: `Reviewer Priya Raman changed their practice from "North Clinic" to "Harbor Therapy" after assignment; this now conflicts with the application of Jordan Reyes: Priya Raman works in the applicant's practice (Harbor Therapy). Approval is refused while it stands; remove them and assign another reviewer.`,
			Link: "https://board.example/queue/12#reviewers"},
	} {
		examples[name] = m
	}
}
