package notify

import "time"

func init() {
	at := time.Date(2026, 3, 9, 14, 5, 0, 0, time.FixedZone("EST", -5*3600))
	for name, m := range map[string]Mail{
		"application_received": ApplicationReceived{Name: "Jordan Reyes", Board: "Meridian Sexuality Certification Board",
			Set: "AASECT Certified Sex Therapist", Version: "2024.1", At: at, Items: 14, Unconfirmed: 3,
			Link: "https://board.example/applications/12", Contact: "office@board.example"},
		"application_received_one": ApplicationReceived{Name: "Jordan Reyes", Board: "certboard",
			Set: "AASECT Certified Sex Therapist", Version: "2024.1", At: at, Items: 1, Unconfirmed: 1,
			Link: "https://board.example/applications/12"},
		"application_received_renewal": ApplicationReceived{Name: "Sasha Novak", Board: "Meridian Sexuality Certification Board",
			Set: "AASECT Certified Sex Therapist", Version: "2024.1", At: at, Items: 6, Renewal: true,
			Link: "https://board.example/applications/31", Contact: "office@board.example"},
		"application_received_empty": ApplicationReceived{Name: "Robin Ellis", Board: "certboard",
			Set: "AASECT Certified Sex Therapist", Version: "2024.1", At: at, Link: "https://board.example/applications/3"},
	} {
		examples[name] = m
	}
}
