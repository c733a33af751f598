package notify

func init() {
	for name, m := range map[string]Mail{
		"reviewer_assigned": ReviewerAssigned{Reviewer: "Priya Raman", App: 12, Applicant: "Jordan Reyes",
			Set: "AASECT Certified Sex Therapist", Link: "https://board.example/reviews/12"},
		"reviewer_unassigned": ReviewerUnassigned{Reviewer: "Priya Raman", App: 12},
		"reviewer_conflict_declared": ReviewerConflictDeclared{Reviewer: "Priya Raman", Applicant: "Jordan Reyes", App: 12,
			Reason: "I supervised Jordan in 2023.", Link: "https://board.example/queue/12"},
	} {
		examples[name] = m
	}
}
