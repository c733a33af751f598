package notify

// The example of the mail that carries a link to a measure
// (mails_practice_links.go).
func init() {
	examples["practice_measure_link"] = MeasureLinkSent{Practice: "Lakeview Couples Clinic",
		Link: "https://practice.example/m/Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXhmbw", Until: "2027-03-11"}
}
