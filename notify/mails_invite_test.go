package notify

func init() {
	examples["invited"] = Invited{Name: "Dr. Rosa Alvarez", Inviter: "Morgan Lee", Roles: "practitioner",
		Site: "https://practice.example", Link: "https://practice.example/password-reset/confirm?token=t0k3n",
		Reset: "https://practice.example/password-reset", Hours: 72}
}
