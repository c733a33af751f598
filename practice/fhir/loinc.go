package fhir

// LOINCSystem is LOINC's code system URI.
const LOINCSystem = "http://loinc.org"

// loincCodes are the LOINC codes of an instrument that a source confirms:
// the panel (the questionnaire), each item by number and the total score.
// An empty string is a code not confirmed, left out of the Questionnaire.
type loincCodes struct {
	panel string
	items []string
	total string
}

// loinc holds, by instrument id, the codes confirmed and where. What is
// not here is not coded; docs/measures.md lists both.
var loinc = map[string]loincCodes{
	// Panel: the project's clinical reference. Items: loinc.org/69729-2
	// (PHQ-SADS panel, items 1-7 and 8's code) and loinc.org/LL358-3 (the
	// answer list naming 44253-3 and 44260-8). The total's code was not
	// confirmed.
	"phq-9": {
		panel: "44249-1",
		items: []string{"44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"},
	},
	// Items and total: loinc.org/69729-2. Item 6 (69689-8) is named "in
	// last 4 weeks" by loinc.org/LL358-3, not the two weeks GAD-7 asks
	// about, so it is left out; the panel code was not confirmed on
	// loinc.org.
	"gad-7": {
		items: []string{"69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "", "69736-7"},
		total: "70274-6",
	},
	// Panel and total: loinc.org/75626-2. Items: AUDIT's items 1-3,
	// cdn.loinc.org/72110-0.
	"audit-c": {
		panel: "72109-2",
		items: []string{"68518-0", "68519-8", "68520-6"},
		total: "75626-2",
	},
	// Panel and items: cdn.loinc.org/72110-0. Total: loinc.org/75624-7.
	"audit": {
		panel: "72110-0",
		items: []string{"68518-0", "68519-8", "68520-6", "97734-8", "97735-5", "97736-3", "97737-1", "97738-9", "97739-7", "97740-5"},
		total: "75624-7",
	},
}
