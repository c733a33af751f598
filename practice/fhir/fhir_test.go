package fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/session"
)

func TestVendoredSchemaIsPinned(t *testing.T) {
	raw, err := SchemaJSON()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != SchemaSHA256 {
		t.Fatalf("fhir.schema.json sha256 = %s, want %s (README.md)", got, SchemaSHA256)
	}
	var head struct {
		ID     string `json:"id"`
		Schema string `json:"$schema"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		t.Fatal(err)
	}
	if head.ID != SchemaID || head.Schema != "http://json-schema.org/draft-06/schema#" {
		t.Fatalf("schema id %q, $schema %q", head.ID, head.Schema)
	}
}

// mustValidate checks a resource against the vendored schema.
func mustValidate(t *testing.T, what string, res any) {
	t.Helper()
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateJSON(b); err != nil {
		t.Errorf("%s does not validate: %v\n%s", what, err, b)
	}
}

func TestSchemaRefusesInvalidResources(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"resourceType":"Patient","gender":"x"}`, "gender"},
		{`{"resourceType":"Patient","nmae":[]}`, "nmae"},
		{`{"resourceType":"Patient","birthDate":"1990-13-01"}`, "birthDate"},
		{`{"resourceType":"Observation","status":"final"}`, "code"},
		{`{"resourceType":"QuestionnaireResponse","status":"done"}`, "status"},
		{`{"resourceType":"Questionnaire","status":"active","item":[{"linkId":"1","type":"pick"}]}`, "item[0].type"},
		{`{"resourceType":"NoSuchThing"}`, "resourceType"},
		{`{"id":"x"}`, "resourceType"},
	} {
		err := ValidateJSON([]byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one naming %q", tc.doc, err, tc.want)
		}
	}
	if err := ValidateJSON([]byte(`{"resourceType":"Patient","birthDate":"1990-01-31"}`)); err != nil {
		t.Errorf("a valid Patient: %v", err)
	}
}

func TestQuestionnaireOfEveryInstrumentValidates(t *testing.T) {
	for _, in := range measure.Instruments() {
		var texts *measure.Texts
		if tx, ok := measure.ShippedTexts(in.ID); ok {
			texts = &tx
		}
		q := QuestionnaireFor(in, texts)
		mustValidate(t, in.ID+" Questionnaire", q)
		links := map[string]bool{}
		for _, it := range q.Item {
			if links[it.LinkID] {
				t.Errorf("%s: linkId %q twice", in.ID, it.LinkID)
			}
			links[it.LinkID] = true
		}
		for _, it := range in.Items {
			if !links[ItemLinkID(it.Number)] {
				t.Errorf("%s: no item %d", in.ID, it.Number)
			}
		}
		if !links[LinkTotal] {
			t.Errorf("%s: no total item", in.ID)
		}
		if texts != nil {
			item := q.Item[1] // after the lead-in
			if item.Text != texts.Items[0].Text || item.AnswerOption[0].ValueCoding.Display != texts.Items[0].Answers[0].Label {
				t.Errorf("%s item 1 = %+v, want the shipped wording", in.ID, item)
			}
		}
	}
	q := QuestionnaireFor(mustLookup(t, "phq-9"), nil)
	if len(q.Code) != 1 || q.Code[0].Code != "44249-1" {
		t.Errorf("PHQ-9 code = %+v, want LOINC 44249-1", q.Code)
	}
}

func mustLookup(t *testing.T, id string) measure.Instrument {
	t.Helper()
	in, ok := measure.Lookup(id)
	if !ok {
		t.Fatalf("no instrument %s", id)
	}
	return in
}

// scored returns a completed response with every item at its lowest
// allowed answer but the first, at its highest.
func scored(t *testing.T, key, id string) RecordResponse {
	t.Helper()
	in := mustLookup(t, id)
	vals := make([]int, len(in.Items))
	answers := make([]*int, len(in.Items))
	for i, it := range in.Items {
		vals[i] = it.Allowed[0]
		if i == 0 {
			vals[i] = it.Allowed[len(it.Allowed)-1]
		}
		v := vals[i]
		answers[i] = &v
	}
	res, err := measure.Score(id, vals, measure.NoSex)
	if err != nil {
		t.Fatal(err)
	}
	return RecordResponse{Key: key, Instrument: id, Answers: answers, Status: StatusCompleted, Result: res,
		TakenAt: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)}
}

func TestResponseOfEveryInstrumentValidates(t *testing.T) {
	for _, in := range measure.Instruments() {
		r := scored(t, "response-1", in.ID)
		var texts *measure.Texts
		if tx, ok := measure.ShippedTexts(in.ID); ok {
			texts = &tx
		}
		qr := QuestionnaireResponseFor(r, texts)
		mustValidate(t, in.ID+" QuestionnaireResponse", qr)
		if qr.Status != "completed" || qr.Questionnaire != QuestionnaireURL(in.ID) {
			t.Errorf("%s: status %q questionnaire %q", in.ID, qr.Status, qr.Questionnaire)
		}
		q := QuestionnaireFor(in, texts)
		items := map[string]QuestionnaireItem{}
		for _, it := range q.Item {
			items[it.LinkID] = it
		}
		for _, ri := range qr.Item {
			qi, ok := items[ri.LinkID]
			if !ok {
				t.Errorf("%s: answer to %q, no such item", in.ID, ri.LinkID)
				continue
			}
			if ri.LinkID == LinkTotal {
				if *ri.Answer[0].ValueDecimal != r.Result.Total {
					t.Errorf("%s: total %v, want %v", in.ID, *ri.Answer[0].ValueDecimal, r.Result.Total)
				}
				continue
			}
			found := false
			for _, o := range qi.AnswerOption {
				found = found || (o.ValueCoding.Code == ri.Answer[0].ValueCoding.Code && o.ValueCoding.System == ri.Answer[0].ValueCoding.System)
			}
			if !found {
				t.Errorf("%s item %s: answer %+v is none of the item's options", in.ID, ri.LinkID, ri.Answer[0].ValueCoding)
			}
		}
		mustValidate(t, in.ID+" Observation", ScoreObservation(r, Reference{Reference: "urn:uuid:x"}, Reference{Reference: "urn:uuid:y"}))
	}
	r := scored(t, "r2", "phq-9")
	r.Corrects = "r1"
	if s := QuestionnaireResponseFor(r, nil).Status; s != "amended" {
		t.Errorf("a correcting response is %q, want amended", s)
	}
	r.Status = StatusEnteredInError
	if s := QuestionnaireResponseFor(r, nil).Status; s != "entered-in-error" {
		t.Errorf("an erroneous response is %q, want entered-in-error", s)
	}
}

// TestFSFIExpressionWeights checks the FSFI total's expression against
// the scoring: one item of each domain at 1 scores the domain's weight.
func TestFSFIExpressionWeights(t *testing.T) {
	in := mustLookup(t, "fsfi")
	for _, d := range fsfiWeights {
		vals := make([]int, len(in.Items))
		for i, it := range in.Items {
			vals[i] = it.Allowed[0]
		}
		base, _ := measure.Score("fsfi", vals, measure.NoSex)
		vals[d.from-1]++
		res, err := measure.Score("fsfi", vals, measure.NoSex)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := json.Number(d.weight).Float64()
		if got := res.Total - base.Total; got < w-0.001 || got > w+0.001 {
			t.Errorf("items %d-%d weigh %v in the scoring, %s in the expression", d.from, d.to, got, d.weight)
		}
	}
}

// sampleRecord is a record with something of every kind.
func sampleRecord(t *testing.T) Record {
	t.Helper()
	at := time.Date(2026, 10, 1, 9, 30, 0, 0, time.UTC)
	d := concern.Diagnosis{Concern: "erectile-disorder", Specifiers: concern.Specifiers{Onset: concern.Acquired}}
	codes, err := d.Codes()
	if err != nil {
		t.Fatalf("codes of %+v: %v", d, err)
	}
	c, _ := concern.Default().Lookup(d.Concern)
	r1 := scored(t, "response-1", "phq-9")
	r1.Status = StatusEnteredInError
	r1.ErrorReason = "entered for the wrong client"
	r2 := scored(t, "response-2", "phq-9")
	r2.Corrects = "response-1"
	r3 := scored(t, "response-3", "audit-c")
	r3.Sex = measure.Male
	r3.Result, _ = measure.Score("audit-c", []int{4, 0, 0}, measure.Male)
	r4 := scored(t, "response-4", "fsfi")
	two := 2
	r5 := RecordResponse{Key: "response-5", Instrument: "gad-7", Answers: []*int{&two, nil, nil, nil, nil, nil, nil}, Status: StatusInProgress, TakenAt: at}
	r6 := scored(t, "response-6", "phq-9")
	r6.Closing = "Somewhat difficult"
	return Record{
		Client: RecordClient{Name: "Sam Rivera", PreferredName: "Sam", DateOfBirth: date.MustParse("1988-04-02"), Pronouns: "they/them",
			GenderIdentity: "non-binary", Email: "sam@example.org", Phone: "+1 555 0100",
			EmergencyName: "Alex Rivera", EmergencyPhone: "+1 555 0101", EmergencyRelationship: "sibling"},
		Cases: []RecordCase{{
			Key: "case-1", Status: "closed", Stage: plissit.SpecificSuggestions, OpenedAt: at, ClosedAt: at.Add(90 * 24 * time.Hour),
			CloseReason: "goals met", Taxonomy: concern.Default().Version(),
			Concerns: []RecordConcern{{Diagnosis: d, Name: c.Name, Codes: codes}},
			Comorbidities: []RecordComorbidity{
				{Kind: "depression", Source: "measure", Measure: "response-2", RecordedAt: at.Add(time.Hour)},
				{Kind: "anxiety", Source: "judgement", Note: "panic before sessions", RecordedAt: at, EndedAt: at.Add(48 * time.Hour), EndReason: "recorded in error"},
			},
			Plan: &RecordPlan{Version: 2, SavedAt: at.Add(2 * time.Hour), Plan: plissit.TreatmentPlan{
				Goals:         []plissit.Goal{{ID: "g1", Text: "Less anxiety during sex", Measure: "client's rating 0-10"}},
				Interventions: []plissit.Intervention{{Text: "Sensate focus", Goals: []string{"g1"}}},
				Frequency:     plissit.Frequency{Sessions: 1, Per: plissit.Week},
				Reviews:       []date.Date{date.MustParse("2026-11-01")},
				Comorbidities: []string{},
			}},
			Sessions: []RecordSession{
				{Key: "session-1", Start: at, Minutes: 50, Status: session.Attended, Modality: session.Video, Kind: session.Individual, CPT: "90834", Practitioner: "Dr. Ana Holt"},
				{Key: "session-2", Start: at.Add(7 * 24 * time.Hour), Minutes: 50, Status: session.NoShow, Modality: session.InPerson, Kind: session.Couple, CPT: "90847", Practitioner: "Dr. Ana Holt"},
				{Key: "session-3", Start: at.Add(14 * 24 * time.Hour), Minutes: 60, Status: session.Cancelled, Modality: session.InPerson, Kind: session.Individual, CPT: "90837",
					CancelledBy: session.ByClientLate, CancelledAt: at.Add(14*24*time.Hour - 3*time.Hour), Practitioner: "Dr. Ana Holt"},
				{Key: "session-4", Start: at.Add(21 * 24 * time.Hour), Minutes: 45, Status: session.Scheduled, Modality: session.InPerson, Kind: session.Individual, CPT: "90834", Practitioner: "Dr. Lee Park"},
				{Key: "session-5", Start: time.Date(2026, 12, 14, 15, 0, 0, 0, time.UTC), Minutes: 45, Status: session.Scheduled, Modality: session.Video, Kind: session.Couple, CPT: "90847", Practitioner: "Dr. Ana Holt"},
			},
			Responses: []RecordResponse{r1, r2, r3, r4, r5, r6},
			Notes: []RecordNote{{Key: "note-1", Author: "Dr. Ana Holt", SignedBy: "Dr. Ana Holt", CreatedAt: at,
				Note: note.Progress{DateOfService: date.MustParse("2026-10-01"), Format: note.SOAP,
					Sections: map[note.Section]string{note.Subjective: "Reports less worry.", note.Objective: "Calm.", "assessment": "Improving.", "plan": "Continue."},
					SignedAt: at.Add(time.Hour)},
				Amendments: []RecordAmendment{{By: "Dr. Ana Holt", Amendment: note.Amendment{Reason: "typo", Sections: map[note.Section]string{note.Objective: "Calm, engaged."}, At: at.Add(2 * time.Hour)}}},
				Session:    "session-1",
			}},
			PsychotherapyNotes: []RecordPsychotherapyNote{{Key: "pnote-1", Author: "Dr. Ana Holt",
				Note: note.Psychotherapy{DateOfService: date.MustParse("2026-10-01"), Text: "Process notes.", WrittenAt: at.Add(3 * time.Hour)}}},
		}},
		Consents: []RecordConsent{{Key: "consent-1", Version: 1, Title: "Consent to treatment", Text: "I agree to treatment.",
			Signer: "client", SignedName: "Sam Rivera", Witness: "Dr. Ana Holt", SignedAt: at,
			WithdrawnAt: at.Add(24 * time.Hour), WithdrawalReason: "moving away"}},
	}
}

func TestExportedRecordValidates(t *testing.T) {
	rec := sampleRecord(t)
	var progress []int
	out, err := Export(rec, ExportOptions{ID: "export-1", Timestamp: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Texts: func(r RecordResponse) *measure.Texts {
			if tx, ok := measure.ShippedTexts(r.Instrument); ok {
				return &tx
			}
			return nil
		},
		Progress: func(done, total int) { progress = append(progress, done, total) }})
	if err != nil {
		t.Fatal(err)
	}
	var b Bundle
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for i, e := range b.Entry {
		var head struct {
			ResourceType string `json:"resourceType"`
		}
		_ = json.Unmarshal(e.Resource, &head)
		types[head.ResourceType]++
		if err := ValidateJSON(e.Resource); err != nil {
			t.Errorf("entry[%d] %s: %v\n%s", i, head.ResourceType, err, e.Resource)
		}
	}
	for _, want := range []string{"Patient", "EpisodeOfCare", "Condition", "CarePlan", "Encounter", "Observation", "QuestionnaireResponse", "Consent", "DocumentReference"} {
		if types[want] == 0 {
			t.Errorf("no %s in the bundle", want)
		}
	}
	shell := b
	shell.Entry = nil
	mustValidate(t, "Bundle", shell)
	if n := len(b.Entry); n != rec.Count() || len(progress) != 2*n || progress[len(progress)-2] != n {
		t.Errorf("%d entries, Count %d, progress %v", n, rec.Count(), progress)
	}
}
