package fhir

import (
	"strconv"

	"github.com/certboard/certboard/practice/measure"
)

// The statuses of a response in a Record, as practice stores them.
const (
	StatusInProgress     = "in_progress"
	StatusCompleted      = "completed"
	StatusEnteredInError = "entered_in_error"
)

// responseStatus is a response's QuestionnaireResponse status: completed,
// amended (completed, correcting another response), entered-in-error or
// in-progress.
func responseStatus(r RecordResponse) string {
	switch r.Status {
	case StatusEnteredInError:
		return "entered-in-error"
	case StatusInProgress:
		return "in-progress"
	}
	if r.Corrects != "" {
		return "amended"
	}
	return "completed"
}

// QuestionnaireResponseFor returns a response as a QuestionnaireResponse
// of its instrument's Questionnaire (QuestionnaireFor): each answered item
// by its linkId with the answer's valueCoding (code the value scored,
// display its label from texts when given), the score in the "total"
// item as a valueDecimal once scored, the closing answer as a valueString,
// and authored when the client answered. Its status is completed, amended
// when it corrects another response (Corrects), entered-in-error or
// in-progress as in the record. Subject, id and references to other
// resources are the caller's to set.
func QuestionnaireResponseFor(r RecordResponse, texts *measure.Texts) QuestionnaireResponse {
	qr := QuestionnaireResponse{
		ResourceType:  "QuestionnaireResponse",
		Questionnaire: QuestionnaireURL(r.Instrument),
		Status:        responseStatus(r),
		Authored:      instant(r.TakenAt),
	}
	qr.Extension = exts(codeExt(extSex, string(r.Sex)), strExt(extErrorReason, r.ErrorReason))
	for i, a := range r.Answers {
		if a == nil {
			continue
		}
		item := ResponseItem{LinkID: ItemLinkID(i + 1)}
		c := &Coding{System: answerSystem(r.Instrument), Code: strconv.Itoa(*a)}
		if texts != nil && i < len(texts.Items) {
			item.Text = texts.Items[i].Text
			for _, ans := range texts.Items[i].Answers {
				if ans.Value == *a {
					c.Display = ans.Label
				}
			}
		}
		item.Answer = []ResponseAnswer{{ValueCoding: c}}
		qr.Item = append(qr.Item, item)
	}
	if r.Result != nil {
		t := r.Result.Total
		qr.Item = append(qr.Item, ResponseItem{LinkID: LinkTotal, Answer: []ResponseAnswer{{ValueDecimal: &t}}})
	}
	if r.Closing != "" {
		c := r.Closing
		qr.Item = append(qr.Item, ResponseItem{LinkID: LinkClosing, Answer: []ResponseAnswer{{ValueString: &c}}})
	}
	return qr
}

// observationStatus is the status of a score's Observation.
func observationStatus(r RecordResponse) string {
	switch responseStatus(r) {
	case "entered-in-error":
		return "entered-in-error"
	case "amended":
		return "amended"
	}
	return "final"
}

// ScoreObservation returns a scored response's score as an Observation
// derived from its QuestionnaireResponse: the total as valueQuantity
// ({score}), coded by LOINC where the total's code is confirmed and by
// certboard's score system always; the band and whether it is positive
// as interpretation and extensions; the flags as extensions; FSFI's
// domains as components. r.Result must be set.
func ScoreObservation(r RecordResponse, subject, response Reference) Observation {
	res := r.Result
	total := res.Total
	code := CodeableConcept{Text: instrumentName(r.Instrument) + " total score"}
	if t := loinc[r.Instrument].total; t != "" {
		code.Coding = append(code.Coding, Coding{System: LOINCSystem, Code: t})
	}
	code.Coding = append(code.Coding, Coding{System: ScoreSystem, Code: r.Instrument})
	o := Observation{ResourceType: "Observation", ID: "score-" + r.Key, Status: observationStatus(r),
		Category: []CodeableConcept{{Coding: []Coding{{System: "http://terminology.hl7.org/CodeSystem/observation-category", Code: "survey"}}}},
		Code:     code, Subject: subject, EffectiveDateTime: instant(r.TakenAt),
		ValueQuantity: &Quantity{Value: &total, Unit: "{score}"},
		DerivedFrom:   []Reference{response},
	}
	positive := res.Positive
	interp := "negative"
	if positive {
		interp = "positive"
	}
	if res.Band != "" {
		interp = res.Band + ", " + interp
	}
	o.Interpretation = []CodeableConcept{{Text: interp}}
	o.Extension = exts(codeExt(extBand, res.Band), []Extension{{URL: ext(extPositive), ValueBoolean: &positive}})
	for _, f := range res.Flags {
		o.Extension = append(o.Extension, codeExt(extFlag, f)...)
	}
	if d := res.Domains; d != nil {
		for _, dom := range []struct {
			name string
			v    float64
		}{{"desire", d.Desire}, {"arousal", d.Arousal}, {"lubrication", d.Lubrication}, {"orgasm", d.Orgasm}, {"satisfaction", d.Satisfaction}, {"pain", d.Pain}} {
			v := dom.v
			o.Component = append(o.Component, ObservationComponent{
				Code:          CodeableConcept{Coding: []Coding{{System: ScoreSystem, Code: r.Instrument + "-" + dom.name}}, Text: dom.name},
				ValueQuantity: &Quantity{Value: &v, Unit: "{score}"},
			})
		}
	}
	return o
}

// instrumentName is an instrument's name, or its id when unknown.
func instrumentName(id string) string {
	if in, ok := measure.Lookup(id); ok {
		return in.Name
	}
	return id
}
