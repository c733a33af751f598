package practice_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/fhir"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/practice/session"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// recordPractice is one practice on a database, with a practitioner,
// another who is not the client's, and an admin.
type recordPractice struct {
	p                 *practice.Practice
	st                *practicesql.Store
	clock             *certboard.FixedClock
	doc, other, admin practice.Actor
}

func newRecordPractice(t *testing.T, db *sqldb.DB, prefix string) *recordPractice {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	rp := &recordPractice{st: practicesql.New(db, keys), clock: certboard.NewFixedClock(time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC))}
	if _, err := rp.st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if rp.p, err = practice.New(practice.Config{Store: practicesql.ForPractice{Store: rp.st}, Clock: rp.clock}); err != nil {
		t.Fatal(err)
	}
	person := func(name, email string, role auth.Role) practice.Actor {
		now := rp.clock.Now()
		id, err := rp.st.CreateUser(ctx, auth.User{Email: email, Name: name, PasswordHash: "unused", Roles: []auth.Role{role}, CreatedAt: now, EmailVerifiedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		return practice.Actor{UserID: id, Name: name, Roles: []auth.Role{role}}
	}
	rp.doc = person(prefix+" Doc", "doc@"+strings.ToLower(prefix)+".example", auth.Practitioner)
	rp.other = person(prefix+" Other", "other@"+strings.ToLower(prefix)+".example", auth.Practitioner)
	rp.admin = person(prefix+" Admin", "admin@"+strings.ToLower(prefix)+".example", auth.PracticeAdmin)
	return rp
}

// seed records a client's record through the use cases: identity and
// consent, a case with a concern, responses (one corrected), a
// comorbidity, a plan, sessions of every status, a signed and amended
// note that records the attended session and a psychotherapy note. It
// returns the client's id.
func (rp *recordPractice) seed(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	client, err := rp.p.CreateClient(ctx, rp.doc, practice.NewClient{Identity: practice.IdentityInput{Name: "Robin Vale", PreferredName: "Rob",
		DateOfBirth: "1988-02-11", Pronouns: "he/him", Email: "robin@example.org", Phone: "+1 555 0100",
		EmergencyName: "Kit Vale", EmergencyPhone: "+1 555 0101", EmergencyRelationship: "partner"}})
	must(err)
	text, err := rp.p.PublishConsentText(ctx, rp.admin, "Consent to treatment",
		"I consent to sex therapy with the practitioners of this practice, and to the screening measures it uses.")
	must(err)
	_, err = rp.p.SignConsent(ctx, rp.doc, practice.Signature{ClientID: client, TextID: text.ID, Signer: practice.SignerClient, SignedName: "Robin Vale", Agreed: true})
	must(err)
	caseID, err := rp.p.OpenCase(ctx, rp.doc, client, practice.NewCase{Reason: "first session",
		Concerns: []concern.Diagnosis{{Concern: "erectile-disorder", Specifiers: concern.Specifiers{Onset: concern.Acquired}}}})
	must(err)
	held := rp.schedule(t, caseID, "09:00", "2027-01-11", "in_person", "individual", "90834")
	held, err = rp.p.MarkSession(ctx, rp.doc, held.ID, held.Version, "attended")
	must(err)
	rp.clock.Advance(time.Hour)
	first, err := rp.p.RecordResponse(ctx, rp.doc, practice.NewResponse{CaseID: caseID, Instrument: "phq-9",
		ResponseAnswers: practice.ResponseAnswers{Answers: answers(1, 2, 1, 1, 0, 0, 0, 0, 0), Closing: "Somewhat difficult", TakenAt: rp.clock.Now()}})
	must(err)
	rp.clock.Advance(time.Hour)
	_, err = rp.p.CorrectResponse(ctx, rp.doc, first.Response.ID, "the client meant item 5 as several days",
		practice.ResponseAnswers{Answers: answers(1, 2, 1, 1, 1, 0, 0, 0, 0), TakenAt: first.Response.TakenAt})
	must(err)
	gad, err := rp.p.RecordResponse(ctx, rp.doc, practice.NewResponse{CaseID: caseID, Instrument: "gad-7",
		ResponseAnswers: practice.ResponseAnswers{Answers: answers(3, 3, 3, 2, 0, 0, 0), TakenAt: rp.clock.Now()}})
	must(err)
	_, err = rp.p.RecordResponse(ctx, rp.doc, practice.NewResponse{CaseID: caseID, Instrument: "audit-c",
		ResponseAnswers: practice.ResponseAnswers{Sex: "male", Answers: answers(2, 1, -1), TakenAt: rp.clock.Now()}})
	must(err)
	_, err = rp.p.RecordComorbidity(ctx, rp.doc, caseID, practice.ComorbidityInput{Kind: "anxiety", Source: "measure",
		MeasureRef: practice.ResponseRef(gad.Response.ID), Note: "worry before sessions"})
	must(err)
	// A plan is Intensive Therapy's, which needs a history and a
	// credential in scope: store it behind the use cases' back.
	err = rp.st.InTx(ctx, func(tx *practicesql.Tx) error {
		return tx.AddTreatmentPlan(ctx, practice.TreatmentPlanVersion{CaseID: caseID, Version: 1, SavedBy: rp.doc.UserID, SavedByName: rp.doc.Name,
			SavedAt: rp.clock.Now(), Plan: plissit.TreatmentPlan{
				Goals:         []plissit.Goal{{ID: "g1", Text: "Less worry during sex", Measure: "GAD-7 below 10"}},
				Interventions: []plissit.Intervention{{Text: "Sensate focus", Goals: []string{"g1"}}},
				Frequency:     plissit.Frequency{Sessions: 1, Per: plissit.Week},
				Reviews:       []date.Date{date.MustParse("2027-02-08")},
				Comorbidities: []string{"anxiety"},
			}})
	})
	must(err)
	n, err := rp.p.WriteSessionNote(ctx, rp.doc, held.ID)
	must(err)
	n.Version, err = rp.p.UpdateDraft(ctx, rp.doc, n.ID, n.Version, practice.NoteInput{DateOfService: "2027-01-11", Format: "soap",
		Sections: map[string]string{"subjective": "Reports worry.", "objective": "Calm.", "assessment": "Anxious.", "plan": "Sensate focus."}})
	must(err)
	rp.clock.Advance(time.Hour)
	n, err = rp.p.SignNote(ctx, rp.doc, n.ID, n.Version)
	must(err)
	rp.clock.Advance(time.Hour)
	_, err = rp.p.AmendNote(ctx, rp.doc, n.ID, n.Version, practice.AmendInput{Reason: "a word was missing",
		Sections: map[string]string{"objective": "Calm and engaged."}})
	must(err)
	_, err = rp.p.WritePsychotherapyNote(ctx, rp.doc, caseID, practice.PsychotherapyInput{DateOfService: "2027-01-11", Text: "My own process notes."})
	must(err)
	// A session of every status: attended (above, with its note), a
	// no-show, one the client cancelled and one to come.
	missed := rp.schedule(t, caseID, "11:00", "2027-01-11", "video", "couple", "90847")
	_, err = rp.p.MarkSession(ctx, rp.doc, missed.ID, missed.Version, "no_show")
	must(err)
	off := rp.schedule(t, caseID, "09:00", "2027-01-18", "in_person", "individual", "90837")
	_, err = rp.p.CancelSession(ctx, rp.doc, off.ID, off.Version, practice.CancelInput{By: "client", Reason: "Robin's car broke down"})
	must(err)
	rp.schedule(t, caseID, "09:00", "2027-01-25", "video", "individual", "90834")
	return client
}

// schedule schedules a session of 45 minutes on the case, at a fee.
func (rp *recordPractice) schedule(t *testing.T, caseID int64, at, day, modality, kind, cpt string) *practice.Session {
	t.Helper()
	in := practice.SessionInput{Date: day, Time: at, Minutes: "45", Modality: modality, Kind: kind, CPT: cpt, Fee: "120.00"}
	if modality == "video" {
		in.VideoLink = "https://meet.example/lakeview-room-9"
	}
	s, err := rp.p.ScheduleSession(context.Background(), rp.doc, caseID, in)
	if err != nil {
		t.Fatalf("scheduling a session on %s at %s: %v", day, at, err)
	}
	return s
}

// exportParsed exports a client's record and reads it back.
func (rp *recordPractice) exportParsed(t *testing.T, by practice.Actor, client int64, psych bool) ([]byte, fhir.Record) {
	t.Helper()
	out, err := rp.p.ExportRecord(context.Background(), by, client, practice.ExportOptions{PsychotherapyNotes: psych})
	if err != nil {
		t.Fatalf("ExportRecord: %v", err)
	}
	rec, err := fhir.ParseBundle(out, fhir.ParseOptions{Now: rp.clock.Now()})
	if err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	return out, rec
}

func TestRecordExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			a := newRecordPractice(t, db, "Lakeview")
			client := a.seed(t)
			// A draft is not part of the record until it is signed: the
			// export leaves it out.
			cases, err := a.p.ClientCases(ctx, a.doc, client)
			if err != nil || len(cases) != 1 {
				t.Fatalf("cases: %v %v", cases, err)
			}
			a.clock.Advance(24 * time.Hour)
			if _, err := a.p.WriteNote(ctx, a.doc, cases[0].Case.ID, practice.NoteInput{DateOfService: "2027-01-12", Format: "dap",
				Sections: map[string]string{"data": "Unsigned draft text.", "assessment": "Draft.", "plan": "Draft."}}); err != nil {
				t.Fatal(err)
			}
			out, first := a.exportParsed(t, a.doc, client, true)
			if strings.Contains(string(out), "Progress note of 2027-01-12") {
				t.Errorf("the export holds the unsigned draft of 2027-01-12")
			}
			var b fhir.Bundle
			if err := json.Unmarshal(out, &b); err != nil {
				t.Fatal(err)
			}
			encounters := 0
			for i, e := range b.Entry {
				if err := fhir.ValidateJSON(e.Resource); err != nil {
					t.Errorf("entry[%d]: %v", i, err)
				}
				var res map[string]json.RawMessage
				_ = json.Unmarshal(e.Resource, &res)
				if string(res["resourceType"]) != `"Encounter"` {
					continue
				}
				encounters++
				for k := range res {
					if !strings.Contains(" resourceType id extension status class type subject episodeOfCare participant period length ", " "+k+" ") {
						t.Errorf("entry[%d] Encounter holds %s", i, k)
					}
				}
			}
			if encounters != 4 {
				t.Errorf("%d Encounters, want one a session", encounters)
			}
			if len(first.Cases) != 1 || len(first.Cases[0].Responses) != 4 || len(first.Cases[0].Notes) != 1 ||
				len(first.Cases[0].PsychotherapyNotes) != 1 || len(first.Consents) != 1 || first.Cases[0].Plan == nil ||
				len(first.Cases[0].Sessions) != 4 || first.Cases[0].Notes[0].Session != "session-1" {
				t.Fatalf("the export misses part of the record: %+v", first)
			}
			var statuses []string
			for _, s := range first.Cases[0].Sessions {
				statuses = append(statuses, string(s.Status)+" "+string(s.CancelledBy))
			}
			if got := strings.Join(statuses, ","); got != "attended ,no_show ,cancelled client,scheduled " {
				t.Errorf("sessions exported as %s", got)
			}
			for _, secret := range []string{"meet.example", "car broke down", "120.00"} {
				if strings.Contains(string(out), secret) {
					t.Errorf("the export holds %q: a session's link, cancellation reason and fee stay in the practice", secret)
				}
			}

			fresh := newRecordPractice(t, sqldbtest.Engines(t)[name], "Harbour")
			fresh.clock.Set(a.clock.Now().Add(24 * time.Hour))
			var stages []string
			id, err := fresh.p.ImportRecord(ctx, fresh.doc, out, practice.ImportOptions{Progress: func(stage string, done, total int) {
				if done == total {
					stages = append(stages, stage)
				}
			}})
			if err != nil {
				t.Fatalf("ImportRecord: %v", err)
			}
			if strings.Join(stages, ",") != "read,write" {
				t.Errorf("progress reached the end of %v, want read,write", stages)
			}
			_, again := fresh.exportParsed(t, fresh.doc, id, true)
			if !reflect.DeepEqual(again, first) {
				x, _ := json.MarshalIndent(first, "", " ")
				y, _ := json.MarshalIndent(again, "", " ")
				t.Fatalf("export, import, export lost something:\nfirst %s\nagain %s", x, y)
			}
			entries := fresh.auditActions(t)
			if !strings.Contains(strings.Join(entries, " "), "client.import") {
				t.Errorf("the import is not audited: %v", entries)
			}
			view, err := fresh.p.ClientSessions(ctx, fresh.doc, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range view.Sessions {
				if s.PractitionerID != fresh.doc.UserID || s.VideoLink != "" || s.FeeCents != 0 || s.PaidCents != 0 || !s.RemindedAt.IsZero() {
					t.Errorf("imported session %+v, want it held by the importer, without link or fee, not reminded", s)
				}
				if (s.NoteID != 0) != (s.Status == session.Attended) {
					t.Errorf("imported %s session has note %d; the attended one records its note", s.Status, s.NoteID)
				}
			}
			// The reminders run: the upcoming session is a week off, the
			// others are past or cancelled; a day before it, it is
			// reminded, without the other practice's link.
			if r, err := fresh.p.SendSessionReminders(ctx); err != nil || r.Mailed != 0 {
				t.Errorf("reminders right after the import: %+v, %v; want none", r, err)
			}
			fresh.clock.Set(time.Date(2027, 1, 24, 10, 0, 0, 0, time.UTC))
			if r, err := fresh.p.SendSessionReminders(ctx); err != nil || r.Mailed != 1 {
				t.Errorf("reminders the day before the upcoming session: %+v, %v; want one", r, err)
			}
		})
	}
}

// TestRecordImportSessionOverlap: an upcoming session of the record that
// overlaps one the importer holds refuses the import, naming the
// Encounter and its time, and changes nothing; a past one that overlaps
// is history and imports.
func TestRecordImportSessionOverlap(t *testing.T) {
	ctx := context.Background()
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			a := newRecordPractice(t, db, "Lakeview")
			out, _ := a.exportParsed(t, a.doc, a.seed(t), false)
			fresh := newRecordPractice(t, sqldbtest.Engines(t)[name], "Harbour")
			fresh.clock.Set(a.clock.Now().Add(-2 * time.Hour)) // before the seed's past sessions end
			own, err := fresh.p.CreateClient(ctx, fresh.doc, practice.NewClient{Identity: practice.IdentityInput{Name: "Jo Marsh", DateOfBirth: "1990-05-05", Email: "jo@example.org"}})
			if err != nil {
				t.Fatal(err)
			}
			text, err := fresh.p.PublishConsentText(ctx, fresh.admin, "Consent to treatment", "I consent to sex therapy with the practitioners of this practice, and to the screening measures it uses.")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fresh.p.SignConsent(ctx, fresh.doc, practice.Signature{ClientID: own, TextID: text.ID, Signer: practice.SignerClient,
				SignedName: "Jo Marsh", Agreed: true}); err != nil {
				t.Fatal(err)
			}
			caseID, err := fresh.p.OpenCase(ctx, fresh.doc, own, practice.NewCase{Reason: "intake",
				Concerns: []concern.Diagnosis{{Concern: "erectile-disorder", Specifiers: concern.Specifiers{Onset: concern.Acquired}}}})
			if err != nil {
				t.Fatal(err)
			}
			fresh.schedule(t, caseID, "11:15", "2027-01-11", "in_person", "individual", "90834") // over the no-show
			mine := fresh.schedule(t, caseID, "09:30", "2027-01-25", "in_person", "individual", "90834")
			fresh.clock.Set(a.clock.Now().Add(24 * time.Hour))
			before := len(fresh.auditActions(t))
			_, err = fresh.p.ImportRecord(ctx, fresh.doc, out, practice.ImportOptions{})
			if certboard.ErrorCode(err) != certboard.Conflict || !strings.Contains(err.Error(), `Encounter "session-4": period.start`) ||
				!strings.Contains(err.Error(), "Monday 25 January 2027 at 09:00") {
				t.Fatalf("err = %v, want a conflict naming the Encounter and its time", err)
			}
			after := len(fresh.auditActions(t))
			clients, err := fresh.p.MyClients(ctx, fresh.doc)
			if err != nil || len(clients) != 1 || after != before {
				t.Errorf("a refused import changed something: %d clients, %d audit entries added, err %v", len(clients), after-before, err)
			}
			if _, err := fresh.p.CancelSession(ctx, fresh.doc, mine.ID, mine.Version, practice.CancelInput{By: "practice", Reason: "moved"}); err != nil {
				t.Fatal(err)
			}
			if _, err := fresh.p.ImportRecord(ctx, fresh.doc, out, practice.ImportOptions{}); err != nil {
				t.Errorf("with the importer's session cancelled: %v", err)
			}
		})
	}
}

func (rp *recordPractice) auditActions(t *testing.T) []string {
	t.Helper()
	es, err := rp.st.AuditLog().Entries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action
	}
	return out
}

func TestRecordExportAccess(t *testing.T) {
	ctx := context.Background()
	rp := newRecordPractice(t, sqldbtest.Engines(t)["sqlite"], "Lakeview")
	client := rp.seed(t)
	if _, err := rp.p.ExportRecord(ctx, rp.other, client, practice.ExportOptions{}); certboard.ErrorCode(err) != certboard.NotFound {
		t.Errorf("another practitioner: %v, want not found", err)
	}
	if _, err := rp.p.ExportRecord(ctx, rp.admin, client, practice.ExportOptions{}); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Errorf("an admin: %v, want forbidden", err)
	}
	_, rec := rp.exportParsed(t, rp.doc, client, false)
	if len(rec.Cases[0].PsychotherapyNotes) != 0 {
		t.Error("psychotherapy notes exported without being asked for")
	}
	es, err := rp.st.AuditLog().Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last := es[len(es)-1]
	if last.Action != "client.export" || last.Subject != practice.ClientSubject(client) || strings.Contains(last.After, "Robin") ||
		!strings.Contains(last.After, `"progress_notes":1`) {
		t.Errorf("export audited as %s %s %s", last.Action, last.Subject, last.After)
	}
	if _, err := rp.p.ImportRecord(ctx, rp.admin, []byte("{}"), practice.ImportOptions{}); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Errorf("an admin importing: %v, want forbidden", err)
	}
}

func TestRecordImportRefusedChangesNothing(t *testing.T) {
	ctx := context.Background()
	a := newRecordPractice(t, sqldbtest.Engines(t)["sqlite"], "Lakeview")
	out, _ := a.exportParsed(t, a.doc, a.seed(t), false)
	var b map[string]any
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	for _, e := range b["entry"].([]any) {
		res := e.(map[string]any)["resource"].(map[string]any)
		if res["resourceType"] == "Observation" && res["valueQuantity"].(map[string]any)["value"] != 99 {
			res["valueQuantity"].(map[string]any)["value"] = 99
		}
		if res["id"] == "session-2" {
			res["class"].(map[string]any)["code"] = "HH"
		}
	}
	bad, _ := json.Marshal(b)
	fresh := newRecordPractice(t, sqldbtest.Engines(t)["sqlite"], "Harbour")
	fresh.clock.Set(a.clock.Now().Add(24 * time.Hour))
	before := len(fresh.auditActions(t))
	_, err := fresh.p.ImportRecord(ctx, fresh.doc, bad, practice.ImportOptions{})
	if certboard.ErrorCode(err) != certboard.Invalid || !strings.Contains(err.Error(), `Observation "score-response-`) ||
		!strings.Contains(err.Error(), "valueQuantity.value") || !strings.Contains(err.Error(), `Encounter "session-2": class`) {
		t.Fatalf("err = %v, want invalid naming the Observation and its value, the Encounter and its class", err)
	}
	after := len(fresh.auditActions(t))
	clients, err := fresh.p.MyClients(ctx, fresh.doc)
	if err != nil || len(clients) != 0 || after != before {
		t.Errorf("a refused import changed something: %d clients, err %v", len(clients), err)
	}
}

// TestRecordExportRefusalsAudited: an export refused is in the audit log,
// an admin's under emergency access too.
func TestRecordExportRefusalsAudited(t *testing.T) {
	ctx := context.Background()
	rp := newRecordPractice(t, sqldbtest.Engines(t)["sqlite"], "Lakeview")
	client := rp.seed(t)
	if _, err := rp.p.RequestEmergencyAccess(ctx, rp.admin, client, "the client called in crisis and their practitioner is away"); err != nil {
		t.Fatal(err)
	}
	if _, err := rp.p.ExportRecord(ctx, rp.admin, client, practice.ExportOptions{}); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Fatalf("an admin with emergency access: %v, want forbidden", err)
	}
	if _, err := rp.p.ExportRecord(ctx, rp.other, client, practice.ExportOptions{}); certboard.ErrorCode(err) != certboard.NotFound {
		t.Fatalf("another practitioner: %v, want not found", err)
	}
	es, err := rp.st.AuditLog().Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, e := range es {
		if e.Action == practice.ClientReadDenied && strings.Contains(e.After, `"export"`) {
			denied++
		}
		if e.Action == "client.export" {
			t.Errorf("a refused export was audited as done: %s", e.After)
		}
	}
	if denied != 2 {
		t.Errorf("%d refused exports audited, want 2", denied)
	}
}

// TestRecordExportImportPart2: a record marked as covered by 42 CFR Part 2
// exports with the label and the redisclosure notice, and the practice
// that imports it marks its new client as covered, audited as the import.
func TestRecordExportImportPart2(t *testing.T) {
	ctx := context.Background()
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			a := newRecordPractice(t, db, "Lakeview")
			client := a.seed(t)
			if err := a.p.MarkPart2(ctx, a.doc, client, true); err != nil {
				t.Fatal(err)
			}
			out, first := a.exportParsed(t, a.doc, client, false)
			if !first.Part2 {
				t.Fatal("the export of a marked record does not read back marked")
			}
			var b fhir.Bundle
			if err := json.Unmarshal(out, &b); err != nil {
				t.Fatal(err)
			}
			if b.Meta == nil || len(b.Meta.Security) != 1 || b.Meta.Security[0].Code != "42CFRPart2" {
				t.Errorf("the bundle's security labels: %+v", b.Meta)
			}
			notice := false
			for i, e := range b.Entry {
				if err := fhir.ValidateJSON(e.Resource); err != nil {
					t.Errorf("entry[%d]: %v", i, err)
				}
				var d fhir.DocumentReference
				if json.Unmarshal(e.Resource, &d) == nil && d.ID == "part2-notice" && len(d.Content) == 1 {
					notice = string(d.Content[0].Attachment.Data) == practice.Part2Notice()
				}
			}
			if !notice {
				t.Error("the export does not carry the redisclosure notice")
			}

			fresh := newRecordPractice(t, sqldbtest.Engines(t)[name], "Harbour")
			fresh.clock.Set(a.clock.Now().Add(24 * time.Hour))
			id, err := fresh.p.ImportRecord(ctx, fresh.doc, out, practice.ImportOptions{})
			if err != nil {
				t.Fatalf("ImportRecord: %v", err)
			}
			rec, err := fresh.p.ClientRecord(ctx, fresh.doc, id)
			if err != nil {
				t.Fatal(err)
			}
			if !rec.Part2.Covered || rec.Part2.By != fresh.doc.UserID || !rec.Part2.At.Equal(fresh.clock.Now()) {
				t.Errorf("the imported client's mark: %+v, want covered by the importer at the import", rec.Part2)
			}
			es, err := fresh.st.AuditLog().Entries(ctx)
			if err != nil {
				t.Fatal(err)
			}
			audited := false
			for _, e := range es {
				audited = audited || (e.Action == "client.import" && strings.Contains(e.After, `"part2":true`))
			}
			if !audited {
				t.Error("the import's audit entry does not say the record came marked")
			}
			if _, again := fresh.exportParsed(t, fresh.doc, id, false); !again.Part2 {
				t.Error("the imported record exports unmarked")
			}
		})
	}
}
