package notify

func init() {
	examples["practice_session_reminder_video"] = SessionReminder{Practice: "Lakeview Couples Clinic", Day: "Tuesday 8 December 2026",
		Time: "15:00", Zone: "America/Chicago time (CST)", Minutes: 50, Video: true, VideoLink: "https://meet.example/lakeview-7f3a",
		Phone:  "(312) 555-0148",
		Extras: []ReminderExtra{{Text: "Before the session, please answer a short questionnaire:", Link: "https://practice.example/m/abc"}}}
	examples["practice_session_reminder_in_person"] = SessionReminder{Practice: "Lakeview Couples Clinic", Day: "Tuesday 8 December 2026",
		Time: "09:30", Zone: "UTC time", Minutes: 45, Address: "2900 N Lakeview Ave, Suite 3, Chicago, IL 60657", Phone: "(312) 555-0148"}
	// A practice that has given neither its address nor its phone.
	examples["practice_session_reminder_no_address"] = SessionReminder{Practice: "practice.example", Day: "Tuesday 8 December 2026",
		Time: "09:30", Zone: "UTC time", Minutes: 45}
	// A session imported from another practice comes without its link.
	examples["practice_session_reminder_video_no_link"] = SessionReminder{Practice: "Harbour Therapy", Day: "Monday 14 December 2026",
		Time: "15:00", Zone: "UTC time", Minutes: 45, Video: true}
}
