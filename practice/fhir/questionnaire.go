package fhir

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/certboard/certboard/practice/measure"
)

// Base is the root of the URLs certboard defines for FHIR: its
// questionnaires, code systems and extensions.
const Base = "https://certboard.org/fhir"

// The extensions and code systems certboard uses.
const (
	// OrdinalValueURL is FHIR's core extension giving an answer's score.
	OrdinalValueURL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
	// CalculatedExpressionURL is the SDC extension that says how a
	// read-only item is calculated.
	CalculatedExpressionURL = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
	// ICD10CMSystem is ICD-10-CM's code system URI.
	ICD10CMSystem = "http://hl7.org/fhir/sid/icd-10-cm"
	// ICD11System is ICD-11's (MMS) code system URI.
	ICD11System = "http://id.who.int/icd/release/11/mms"
)

// The linkIds of a questionnaire's items besides the numbered ones.
const (
	// LinkLeadIn is the display item holding the lead-in.
	LinkLeadIn = "lead-in"
	// LinkTotal is the read-only item holding the total score.
	LinkTotal = "total"
	// LinkClosing is PHQ-9's unscored closing question.
	LinkClosing = "closing"
)

// QuestionnaireURL is the canonical URL of an instrument's Questionnaire.
func QuestionnaireURL(instrument string) string { return Base + "/Questionnaire/" + instrument }

// answerSystem is the code system of an instrument's answers: the code is
// the value the answer scores.
func answerSystem(instrument string) string { return Base + "/CodeSystem/" + instrument + "-answer" }

// ItemLinkID is the linkId of an instrument's item by number: "1", "2"...
func ItemLinkID(number int) string { return strconv.Itoa(number) }

// QuestionnaireFor returns the Questionnaire of an instrument: one
// "choice" item per item, linkId its number, each answer a valueCoding
// whose code is the value it scores (also given as the ordinalValue
// extension) and whose display is its label; the lead-in as a display
// item; a read-only "total" item calculated (SDC calculatedExpression)
// from the answers; and PHQ-9's closing question, unscored. texts gives
// the wording; nil (a licensed instrument whose texts the practice has
// not imported) leaves every text out but the item numbers. LOINC codes
// are given only where confirmed (see loinc.go).
func QuestionnaireFor(in measure.Instrument, texts *measure.Texts) Questionnaire {
	codes := loinc[in.ID]
	q := Questionnaire{
		ResourceType: "Questionnaire",
		ID:           in.ID,
		URL:          QuestionnaireURL(in.ID),
		Name:         strings.NewReplacer("-", "").Replace(strings.ToUpper(in.ID)),
		Title:        in.Name,
		Status:       "active",
		SubjectType:  []string{"Patient"},
		Description:  in.Name + ": " + in.Measures + ". Source: " + in.Source + ".",
		Copyright:    in.Licence,
	}
	if codes.panel != "" {
		q.Code = []Coding{{System: LOINCSystem, Code: codes.panel, Display: in.Name}}
	}
	if texts != nil && texts.LeadIn != "" {
		q.Item = append(q.Item, QuestionnaireItem{LinkID: LinkLeadIn, Type: "display", Text: texts.LeadIn})
	}
	for i, it := range in.Items {
		qi := QuestionnaireItem{
			LinkID:   ItemLinkID(it.Number),
			Prefix:   fmt.Sprintf("%d.", it.Number),
			Type:     "choice",
			Required: true,
		}
		if i < len(codes.items) && codes.items[i] != "" {
			qi.Code = []Coding{{System: LOINCSystem, Code: codes.items[i]}}
		}
		var labels map[int]string
		if texts != nil && i < len(texts.Items) {
			qi.Text = texts.Items[i].Text
			labels = map[int]string{}
			for _, a := range texts.Items[i].Answers {
				labels[a.Value] = a.Label
			}
		} else {
			qi.Text = fmt.Sprintf("%s item %d", in.Name, it.Number)
		}
		for _, v := range orderedValues(it, texts, i) {
			score := float64(v)
			qi.AnswerOption = append(qi.AnswerOption, AnswerOption{
				Extension:   []Extension{{URL: OrdinalValueURL, ValueDecimal: &score}},
				ValueCoding: &Coding{System: answerSystem(in.ID), Code: strconv.Itoa(v), Display: labels[v]},
			})
		}
		q.Item = append(q.Item, qi)
	}
	total := QuestionnaireItem{
		LinkID:   LinkTotal,
		Text:     in.Name + " total score",
		Type:     "decimal",
		ReadOnly: true,
		Extension: []Extension{{URL: CalculatedExpressionURL, ValueExpression: &Expression{
			Description: totalDescription(in),
			Language:    "text/fhirpath",
			Expression:  totalExpression(in),
		}}},
	}
	if codes.total != "" {
		total.Code = []Coding{{System: LOINCSystem, Code: codes.total}}
	}
	q.Item = append(q.Item, total)
	if texts != nil && texts.Closing != nil {
		c := QuestionnaireItem{LinkID: LinkClosing, Type: "choice", Text: texts.Closing.Text}
		for _, l := range texts.Closing.Labels {
			c.AnswerOption = append(c.AnswerOption, AnswerOption{ValueString: &l})
		}
		q.Item = append(q.Item, c)
	}
	return q
}

// orderedValues are an item's values in the order the texts print them,
// or increasing without texts.
func orderedValues(it measure.Item, texts *measure.Texts, i int) []int {
	if texts == nil || i >= len(texts.Items) || len(texts.Items[i].Answers) != len(it.Allowed) {
		return it.Allowed
	}
	out := make([]int, len(texts.Items[i].Answers))
	for j, a := range texts.Items[i].Answers {
		out[j] = a.Value
	}
	return out
}

// fsfiWeights are FSFI's domains as docs/measures.md gives them: first
// and last item, and weight. measure.Score is the scoring; this only
// writes it as an expression, and a test checks the two agree.
var fsfiWeights = []struct {
	from, to int
	weight   string
}{{1, 2, "0.6"}, {3, 6, "0.3"}, {7, 10, "0.3"}, {11, 13, "0.4"}, {14, 16, "0.4"}, {17, 19, "0.4"}}

// sumOf is the FHIRPath sum of the scores of items from..to.
func sumOf(from, to int) string {
	ids := make([]string, 0, to-from+1)
	for n := from; n <= to; n++ {
		ids = append(ids, "'"+ItemLinkID(n)+"'")
	}
	return "%resource.repeat(item).where(linkId in (" + strings.Join(ids, " | ") + ")).answer.value.ordinal().sum()"
}

// totalExpression is how the total is calculated, in FHIRPath with SDC's
// ordinal().
func totalExpression(in measure.Instrument) string {
	if in.ID == "fsfi" {
		parts := make([]string, len(fsfiWeights))
		for i, d := range fsfiWeights {
			parts[i] = "(" + sumOf(d.from, d.to) + " * " + d.weight + ")"
		}
		return strings.Join(parts, " + ")
	}
	return sumOf(1, len(in.Items))
}

// totalDescription says the same in words.
func totalDescription(in measure.Instrument) string {
	if in.ID == "fsfi" {
		return "the sum of the six domains, each the sum of its items times its weight: desire (1-2) x0.6, arousal (3-6) x0.3, lubrication (7-10) x0.3, orgasm (11-13) x0.4, satisfaction (14-16) x0.4, pain (17-19) x0.4"
	}
	return fmt.Sprintf("the sum of the scores of items 1 to %d", len(in.Items))
}
