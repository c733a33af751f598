package notify

func init() {
	examples["completion_reported"] = CompletionReported{Name: "Hana Holder", Provider: "Sunrise Sexuality Institute",
		Title: `Pleasure, "desire" and consent`, Date: "2026-03-02", Hours: "1.5", CourseID: "SSI-101",
		Link: "https://board.example/applications/7"}
}
