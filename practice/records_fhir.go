package practice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/fhir"
	"github.com/certboard/certboard/practice/measure"
)

// recordWrites are the reads and writes of the record export and import
// use cases, methods of a transaction.
type recordWrites interface {
	// CreateClientImport records where an imported client's record came
	// from, its provenance sealed.
	CreateClientImport(ctx context.Context, ci ClientImport) error
	// ClientImport reads it (certboard.ErrNotFound for a client that was
	// not imported).
	ClientImport(ctx context.Context, clientID int64) (*ClientImport, error)
}

// ClientImport is where an imported client's record came from.
type ClientImport struct {
	ClientID   int64
	BundleID   string
	ImportedBy int64
	ImportedAt time.Time
	Resources  int
	// Provenance is what the record said that this practice's tables do
	// not hold as their own (sealed at rest).
	Provenance ImportProvenance
}

// ImportProvenance is what an imported record said that this practice
// does not hold as its own: the consents signed at the practice it came
// from (history; a client consents to treatment here anew), and the names
// of the practitioners there who wrote, signed and amended its notes and
// held its sessions (the notes and sessions are kept here under the
// importer's account).
type ImportProvenance struct {
	Consents []fhir.RecordConsent `json:"consents"`
	// Notes are by progress note id.
	Notes map[int64]ImportedNoteAuthors `json:"notes"`
	// PsychotherapyAuthors are by psychotherapy note id.
	PsychotherapyAuthors map[int64]string `json:"psychotherapy_authors"`
	// SessionPractitioners are who held each imported session at the
	// practice it came from, by session id.
	SessionPractitioners map[int64]string `json:"session_practitioners,omitempty"`
}

// ImportedNoteAuthors are who wrote, signed and amended an imported note
// at the practice it came from.
type ImportedNoteAuthors struct {
	Author   string   `json:"author"`
	SignedBy string   `json:"signed_by"`
	Amenders []string `json:"amenders"`
}

// ExportOptions say what an export holds and how it reports progress.
type ExportOptions struct {
	// PsychotherapyNotes includes the exporter's own psychotherapy notes;
	// they stay out unless asked for.
	PsychotherapyNotes bool
	// Progress, when set, is told how many resources are written of how
	// many.
	Progress func(done, total int)
}

// ExportRecord writes client clientID's record as a FHIR R4 Bundle
// (practice/fhir.Export): identity, cases with their concerns and
// comorbidities, treatment plans, sessions (without their video links,
// cancellation reasons, fees and payments; see records_fhir_sessions.go),
// measure responses and scores, signed progress notes (each naming the
// session it records; a draft, of any author, is not part of the record
// until signed and stays out, counted in the audit entry), consents, and
// the exporter's psychotherapy notes only when asked for. A record marked
// as covered by 42 CFR Part 2 (MarkPart2) carries the mark as a security
// label on the bundle and every resource and the redisclosure notice
// (Part2Notice) as a document, as the notes' export and the referral
// letter carry the notice. Only a practitioner assigned to the client may export it; anyone
// else gets NotFound, a practice admin Forbidden (with emergency access
// too: it lets an admin read a record, not take it away), the refusal
// audited (ClientReadDenied, "export"). The read is audited (ClientRead
// "export") and so is the export ("client.export", naming what it holds
// by count, never its content).
func (p *Practice) ExportRecord(ctx context.Context, by Actor, clientID int64, opts ExportOptions) ([]byte, error) {
	var rec fhir.Record
	var texts map[string]*measure.Texts
	var drafts int
	bundleID, err := newBundleID()
	if err != nil {
		return nil, err
	}
	now := p.clock.Now().UTC()
	err = p.store.InTx(ctx, func(tx Tx) error {
		acc, err := p.clientAccess(ctx, tx, by, clientID)
		if err == nil && !acc.Assigned {
			err = certboard.Errorf(certboard.Forbidden, "only the client's practitioners export the record; emergency access lets you read it, not take it away")
		}
		if err != nil {
			noteRefusal(tx, ClientReadDenied, by, clientID, "export", err)
			return err
		}
		if err := p.appendAudit(ctx, tx, by, ClientRead, ClientSubject(clientID), nil, map[string]any{"what": "export", "access": acc.Kind()}); err != nil {
			return err
		}
		rec, texts, drafts, err = p.readRecord(ctx, tx, by, clientID, opts.PsychotherapyNotes)
		if err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, "client.export", ClientSubject(clientID), nil, map[string]any{
			"bundle": bundleID, "format": "fhir-r4", "included": recordCounts(rec), "psychotherapy_notes": opts.PsychotherapyNotes,
			"drafts_left_out": drafts, "part2_notice": rec.Part2})
	})
	if err != nil {
		return nil, err
	}
	return fhir.Export(rec, fhir.ExportOptions{ID: bundleID, Timestamp: now, Progress: opts.Progress, Part2Notice: Part2Notice(),
		Texts: func(r fhir.RecordResponse) *measure.Texts { return texts[r.Key] }})
}

// newBundleID returns a fresh bundle id.
func newBundleID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// recordCounts says what a record holds, by count, for the audit log.
func recordCounts(rec fhir.Record) map[string]int {
	n := map[string]int{"cases": len(rec.Cases), "consents": len(rec.Consents), "resources": rec.Count()}
	for _, c := range rec.Cases {
		n["concerns"] += len(c.Concerns)
		n["comorbidities"] += len(c.Comorbidities)
		n["sessions"] += len(c.Sessions)
		n["responses"] += len(c.Responses)
		n["progress_notes"] += len(c.Notes)
		n["psychotherapy_notes"] += len(c.PsychotherapyNotes)
		if c.Plan != nil {
			n["plans"]++
		}
	}
	return n
}

// readRecord reads a client's record into the neutral record, with the
// wording of each response by its key, leaving out the progress notes not
// signed yet, which it counts.
func (p *Practice) readRecord(ctx context.Context, tx Tx, by Actor, clientID int64, psychotherapy bool) (fhir.Record, map[string]*measure.Texts, int, error) {
	var rec fhir.Record
	texts := map[string]*measure.Texts{}
	c, err := tx.Client(ctx, clientID)
	if err != nil {
		return rec, nil, 0, err
	}
	id := c.Identity
	rec.Client = fhir.RecordClient{Name: id.Name, PreferredName: id.PreferredName, DateOfBirth: id.DateOfBirth, Pronouns: id.Pronouns,
		GenderIdentity: id.GenderIdentity, Email: id.Email, Phone: id.Phone,
		EmergencyName: id.Emergency.Name, EmergencyPhone: id.Emergency.Phone, EmergencyRelationship: id.Emergency.Relationship}
	mark, err := tx.ClientPart2(ctx, clientID)
	if err != nil {
		return rec, nil, 0, err
	}
	rec.Part2 = mark.Covered
	prov := ImportProvenance{}
	switch ci, err := tx.ClientImport(ctx, clientID); {
	case err == nil:
		prov = ci.Provenance
	case !errors.Is(err, certboard.ErrNotFound):
		return rec, nil, 0, err
	}
	cases, err := tx.ClientCases(ctx, clientID)
	if err != nil {
		return rec, nil, 0, err
	}
	slices.Reverse(cases)
	sessions, err := tx.ClientSessions(ctx, clientID)
	if err != nil {
		return rec, nil, 0, err
	}
	slices.Reverse(sessions)
	responses, notes, pnotes, held := 0, 0, 0, 0
	drafts := 0
	for i, cs := range cases {
		rc := fhir.RecordCase{Key: fmt.Sprintf("case-%d", i+1), Status: string(cs.Status), Stage: cs.Stage,
			OpenedAt: cs.OpenedAt, ClosedAt: cs.ClosedAt, CloseReason: cs.CloseReason, Taxonomy: concern.Default().Version()}
		stored, err := tx.CaseConcerns(ctx, cs.ID)
		if err != nil {
			return rec, nil, 0, err
		}
		for _, sc := range stored {
			rc.Taxonomy = sc.Taxonomy
			codes, err := sc.Diagnosis.Codes()
			if err != nil {
				return rec, nil, 0, fmt.Errorf("case %d: %w", cs.ID, err)
			}
			con, _ := concern.Default().Lookup(sc.Diagnosis.Concern)
			rc.Concerns = append(rc.Concerns, fhir.RecordConcern{Diagnosis: sc.Diagnosis, Name: con.Name, Codes: codes})
		}
		rs, err := tx.CaseMeasureResponses(ctx, cs.ID)
		if err != nil {
			return rec, nil, 0, err
		}
		slices.Reverse(rs)
		keys := map[int64]string{}
		for _, r := range rs {
			responses++
			keys[r.ID] = fmt.Sprintf("response-%d", responses)
		}
		for _, r := range rs {
			rr := fhir.RecordResponse{Key: keys[r.ID], Instrument: r.Instrument, Sex: r.Sex, Answers: r.Answers, Closing: r.Closing,
				Status: string(r.Status), Result: r.Result, TakenAt: r.TakenAt, Corrects: keys[r.Corrects]}
			if r.Corrects != 0 && rr.Corrects == "" {
				return rec, nil, 0, fmt.Errorf("response %d corrects response %d of another case", r.ID, r.Corrects)
			}
			if r.Error != nil {
				rr.ErrorReason = r.Error.Reason
			}
			t, err := textsOf(ctx, tx, r)
			if err != nil {
				return rec, nil, 0, err
			}
			texts[rr.Key] = &t
			rc.Responses = append(rc.Responses, rr)
		}
		cms, err := tx.Comorbidities(ctx, cs.ID)
		if err != nil {
			return rec, nil, 0, err
		}
		for _, cm := range cms {
			m := ""
			if cm.MeasureRef != "" {
				var rid int64
				if _, err := fmt.Sscanf(cm.MeasureRef, "response:%d", &rid); err != nil || keys[rid] == "" {
					return rec, nil, 0, fmt.Errorf("comorbidity %d: %q names no response of the case", cm.ID, cm.MeasureRef)
				}
				m = keys[rid]
			}
			rc.Comorbidities = append(rc.Comorbidities, fhir.RecordComorbidity{Kind: string(cm.Kind), Source: string(cm.Source), Measure: m,
				Note: cm.Note, RecordedAt: cm.RecordedAt, EndedAt: cm.EndedAt, EndReason: cm.EndReason})
		}
		switch plan, err := tx.TreatmentPlan(ctx, cs.ID, 0); {
		case err == nil:
			rc.Plan = &fhir.RecordPlan{Version: plan.Version, SavedAt: plan.SavedAt, Plan: plan.Plan}
		case !errors.Is(err, certboard.ErrNotFound):
			return rec, nil, 0, err
		}
		noteSession := map[int64]string{}
		for _, s := range sessions {
			if s.CaseID != cs.ID {
				continue
			}
			held++
			rs := fhir.RecordSession{Key: fmt.Sprintf("session-%d", held), Start: s.Start, Minutes: s.Minutes, Status: s.Status,
				Modality: s.Modality, Kind: s.Kind, CPT: s.CPT, CancelledBy: s.CancelledBy, CancelledAt: s.CancelledAt,
				Practitioner: s.PractitionerName}
			if who, ok := prov.SessionPractitioners[s.ID]; ok {
				rs.Practitioner = who
			}
			if s.NoteID != 0 {
				noteSession[s.NoteID] = rs.Key
			}
			rc.Sessions = append(rc.Sessions, rs)
		}
		pns, err := tx.ProgressNotes(ctx, cs.ID)
		if err != nil {
			return rec, nil, 0, err
		}
		slices.Reverse(pns)
		for _, pn := range pns {
			if !pn.Note.Signed() {
				// A draft is not part of the record until its author
				// signs it, as in the notes' export (notes_export.go).
				drafts++
				continue
			}
			notes++
			rn := fhir.RecordNote{Key: fmt.Sprintf("note-%d", notes), Author: pn.AuthorName, Note: pn.Note, CreatedAt: pn.CreatedAt,
				Session: noteSession[pn.ID]}
			if pn.Note.Signed() {
				rn.SignedBy = pn.AuthorName
			}
			rn.Note.SignedBy = 0
			for _, a := range pn.Amendments {
				am := a.Amendment
				am.By = 0
				rn.Amendments = append(rn.Amendments, fhir.RecordAmendment{By: a.ByName, Amendment: am})
			}
			if who, ok := prov.Notes[pn.ID]; ok {
				rn.Author, rn.SignedBy = who.Author, who.SignedBy
				for i := range rn.Amendments {
					if i < len(who.Amenders) {
						rn.Amendments[i].By = who.Amenders[i]
					}
				}
			}
			rc.Notes = append(rc.Notes, rn)
		}
		if psychotherapy {
			ps, err := tx.PsychotherapyNotesBy(ctx, cs.ID, by.UserID)
			if err != nil {
				return rec, nil, 0, err
			}
			slices.Reverse(ps)
			for _, pn := range ps {
				pnotes++
				n := pn.Note
				n.Author = 0
				author := by.Name
				if a, ok := prov.PsychotherapyAuthors[pn.ID]; ok {
					author = a
				}
				rc.PsychotherapyNotes = append(rc.PsychotherapyNotes, fhir.RecordPsychotherapyNote{Key: fmt.Sprintf("pnote-%d", pnotes), Author: author, Note: n})
			}
		}
		rec.Cases = append(rec.Cases, rc)
	}
	rec.Consents = append(rec.Consents, prov.Consents...)
	consents, err := tx.Consents(ctx, clientID)
	if err != nil {
		return rec, nil, 0, err
	}
	slices.Reverse(consents)
	for _, c := range consents {
		rec.Consents = append(rec.Consents, fhir.RecordConsent{Version: c.Version, Title: c.Title, Text: c.Text, Signer: string(c.Signer),
			SignedName: c.SignedName, GuardianRelationship: c.GuardianRelationship, Witness: c.WitnessName, SignedAt: c.SignedAt,
			WithdrawnAt: c.WithdrawnAt, WithdrawalReason: c.WithdrawalReason})
	}
	for i := range rec.Consents {
		rec.Consents[i].Key = fmt.Sprintf("consent-%d", i+1)
	}
	return rec, texts, drafts, nil
}

// ImportOptions say how an import reports progress.
type ImportOptions struct {
	// Progress, when set, is told how far the import is: stage "read"
	// while the bundle is checked, "write" while the record is stored,
	// each with resources done of total.
	Progress func(stage string, done, total int)
}

// ImportRecord imports a client's record from a FHIR R4 Bundle that a
// certboard practice exported (ExportRecord), for the practitioner who
// imports it: the client (assigned to them), its cases with concerns,
// comorbidities and plans, sessions (held by the importer: past ones as
// they were, upcoming ones in their calendar, refused as a Conflict naming
// the Encounter when one overlaps a session of theirs), measure responses
// (scored again here, and marked entered in error or correcting others as
// in the record), progress notes with their amendments, each linked to the
// session it records, and psychotherapy notes, all under the importer's
// account, with the names of their authors and of who held the sessions
// at the other practice and the consents signed there kept as the
// import's provenance. A consent signed elsewhere is history: the client consents
// to treatment here anew. A record that came marked as covered by 42 CFR
// Part 2 is marked so here, by the importer (the import's audit entry
// says "part2"). Everything commits in one transaction with the
// audit entry ("client.import", by count), or nothing does: a bundle that
// fails validation is an Invalid error naming each bad resource and field,
// and changes nothing. Only practitioners import records. It returns the
// new client's id.
func (p *Practice) ImportRecord(ctx context.Context, by Actor, bundle []byte, opts ImportOptions) (int64, error) {
	if !by.IsPractitioner() {
		return 0, certboard.Errorf(certboard.Forbidden, "only practitioners import a client's record")
	}
	progress := func(stage string) func(int, int) {
		if opts.Progress == nil {
			return nil
		}
		return func(done, total int) { opts.Progress(stage, done, total) }
	}
	now := p.clock.Now().UTC()
	rec, err := fhir.ParseBundle(bundle, fhir.ParseOptions{Now: now, Progress: progress("read")})
	if err != nil {
		return 0, err
	}
	identity, err := p.checkImport(rec, now)
	if err != nil {
		return 0, err
	}
	bundleID := bundleIDOf(bundle)
	var clientID int64
	err = p.store.InTx(ctx, func(tx Tx) error {
		im := importer{p: p, tx: tx, by: by, now: now, total: rec.Count(), progress: progress("write"),
			prov: ImportProvenance{Consents: rec.Consents, Notes: map[int64]ImportedNoteAuthors{}, PsychotherapyAuthors: map[int64]string{},
				SessionPractitioners: map[int64]string{}}}
		if clientID, err = im.write(ctx, rec, identity); err != nil {
			return err
		}
		if rec.Part2 {
			// The record came marked as covered by 42 CFR Part 2: it stays
			// so here, marked by the importer, audited as the import.
			if err := tx.SetClientPart2(ctx, clientID, Part2Mark{Covered: true, By: by.UserID, At: now}); err != nil {
				return err
			}
		}
		if err := tx.CreateClientImport(ctx, ClientImport{ClientID: clientID, BundleID: bundleID, ImportedBy: by.UserID,
			ImportedAt: now, Resources: rec.Count(), Provenance: im.prov}); err != nil {
			return err
		}
		return p.appendAudit(ctx, tx, by, "client.import", ClientSubject(clientID), nil, map[string]any{
			"bundle": bundleID, "format": "fhir-r4", "included": recordCounts(rec), "part2": rec.Part2})
	})
	if err != nil {
		return 0, err
	}
	return clientID, nil
}

// bundleIDOf is the id of a bundle parsed already ("" when it has none).
func bundleIDOf(bundle []byte) string {
	var b struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(bundle, &b) // ParseBundle read it already
	return b.ID
}

// checkImport checks what practice mode needs of an imported record
// beyond what fhir.ParseBundle checks: the identity, as registering a
// client does, and nothing this practice cannot store yet.
func (p *Practice) checkImport(rec fhir.Record, now time.Time) (Identity, error) {
	var ps certboard.Problems
	c := rec.Client
	identity, err := CheckIdentity(IdentityInput{Name: c.Name, PreferredName: c.PreferredName, DateOfBirth: c.DateOfBirth.String(),
		Pronouns: c.Pronouns, GenderIdentity: c.GenderIdentity, Email: c.Email, Phone: c.Phone,
		EmergencyName: c.EmergencyName, EmergencyPhone: c.EmergencyPhone, EmergencyRelationship: c.EmergencyRelationship}, date.FromTime(now))
	if c.DateOfBirth.IsZero() {
		ps.Add(`Patient "patient": birthDate`, "missing; a client's record gives the date of birth")
	} else if err != nil {
		ce := certboard.As(err)
		if len(ce.Fields) == 0 {
			ps.Add(`Patient "patient"`, ce.Message)
		}
		for f, m := range ce.Fields {
			ps.Add(`Patient "patient": `+f, m)
		}
	}
	for _, cs := range rec.Cases {
		keys := map[string]bool{}
		for _, r := range cs.Responses {
			keys[r.Key] = true
		}
		for _, cm := range cs.Comorbidities {
			if cm.Measure != "" && !keys[cm.Measure] {
				ps.Add(fmt.Sprintf("Condition of %s: evidence", cs.Key), fmt.Sprintf("names response %q of another case; a comorbidity comes from a measure of its own case", cm.Measure))
			}
			if !slices.Contains(ComorbiditySources(), ComorbiditySource(cm.Source)) || (cm.Source == string(FromMeasure)) != (cm.Measure != "") {
				ps.Add(fmt.Sprintf("Condition of %s: extension(comorbidity-source)", cs.Key),
					fmt.Sprintf("%q; a comorbidity comes from a measure (naming the response in its evidence), a diagnosis or judgement", cm.Source))
			}
		}
		if cs.Plan != nil {
			if err := cs.Plan.Plan.Check(cs.Plan.SavedAt); err != nil {
				ps.Add(fmt.Sprintf("CarePlan %q", cs.Key+"-plan"), certboard.ErrorMessage(err))
			}
		}
	}
	return identity, ps.Err("The bundle cannot be imported")
}

// importer writes an imported record in one transaction.
type importer struct {
	p        *Practice
	tx       Tx
	by       Actor
	now      time.Time
	done     int
	total    int
	progress func(done, total int)
	prov     ImportProvenance
	sessionTimes
}

// step counts n resources written.
func (im *importer) step(n int) {
	im.done += n
	if im.progress != nil {
		im.progress(im.done, im.total)
	}
}

func (im *importer) write(ctx context.Context, rec fhir.Record, identity Identity) (int64, error) {
	tx, by, now := im.tx, im.by, im.now
	if err := mustBePractitioner(ctx, tx, by.UserID); err != nil {
		return 0, err
	}
	clientID, err := tx.CreateClient(ctx, Client{Identity: identity, CreatedAt: now, CreatedBy: by.UserID, UpdatedAt: now, Version: 1})
	if err != nil {
		return 0, err
	}
	if err := tx.AssignClient(ctx, clientID, by.UserID, by.UserID, now); err != nil {
		return 0, err
	}
	im.step(1 + len(rec.Consents))
	for _, rc := range rec.Cases {
		if err := im.writeCase(ctx, clientID, rc); err != nil {
			return 0, err
		}
	}
	return clientID, nil
}

func (im *importer) writeCase(ctx context.Context, clientID int64, rc fhir.RecordCase) error {
	tx, by, now := im.tx, im.by, im.now
	c := Case{ClientID: clientID, PractitionerID: by.UserID, Status: CaseOpen, Stage: rc.Stage, OpenedAt: rc.OpenedAt, OpenedBy: by.UserID, Version: 1}
	caseID, err := tx.CreateCase(ctx, c)
	if err != nil {
		return err
	}
	if rc.Status == string(CaseClosed) {
		c.ID, c.Status, c.ClosedAt, c.ClosedBy, c.CloseReason = caseID, CaseClosed, rc.ClosedAt, by.UserID, rc.CloseReason
		if _, err := tx.UpdateCase(ctx, c, 1); err != nil {
			return err
		}
	}
	ds := make([]concern.Diagnosis, len(rc.Concerns))
	for i, cc := range rc.Concerns {
		ds[i] = cc.Diagnosis
	}
	if err := tx.SetCaseConcerns(ctx, caseID, rc.Taxonomy, ds); err != nil {
		return err
	}
	im.step(1 + len(rc.Concerns))
	ids := map[string]int64{}
	correctedBy := map[string]int64{}
	texts := map[string]string{}
	for _, rr := range rc.Responses {
		ref, err := im.textsRef(ctx, rr.Instrument, texts)
		if err != nil {
			return err
		}
		r := Response{CaseID: caseID, ClientID: clientID, Instrument: rr.Instrument, Sex: rr.Sex, Answers: rr.Answers, Closing: rr.Closing,
			TextsRef: ref, Status: InProgress, TakenAt: rr.TakenAt, EnteredBy: by.UserID, EnteredByName: by.Name,
			CreatedAt: now, UpdatedAt: now, Version: 1}
		if rr.Result != nil {
			r.Status, r.Result, r.CompletedAt = Completed, rr.Result, now
		}
		if rr.Corrects != "" {
			r.Corrects = ids[rr.Corrects]
			if r.Corrects == 0 {
				return certboard.Errorf(certboard.Invalid, "QuestionnaireResponse %q corrects %q, which was taken after it; a correction comes after what it corrects", rr.Key, rr.Corrects)
			}
		}
		id, err := tx.CreateMeasureResponse(ctx, r)
		if err != nil {
			return err
		}
		ids[rr.Key] = id
		if rr.Corrects != "" {
			correctedBy[rr.Corrects] = id
		}
		im.step(1)
		if rr.Result != nil {
			im.step(1)
		}
	}
	for _, rr := range rc.Responses {
		if rr.Status != fhir.StatusEnteredInError {
			continue
		}
		mark := ErrorMark{Reason: rr.ErrorReason, By: by.UserID, ByName: by.Name, At: now}
		if err := tx.MarkMeasureInError(ctx, ids[rr.Key], mark, correctedBy[rr.Key]); err != nil {
			return err
		}
	}
	for _, cm := range rc.Comorbidities {
		ref := ""
		if cm.Measure != "" {
			ref = ResponseRef(ids[cm.Measure])
		}
		id, err := tx.AddComorbidity(ctx, Comorbidity{CaseID: caseID, Kind: escalation.Kind(cm.Kind), Source: ComorbiditySource(cm.Source),
			MeasureRef: ref, Note: cm.Note, RecordedBy: by.UserID, RecordedByName: by.Name, RecordedAt: cm.RecordedAt})
		if err != nil {
			return err
		}
		if !cm.EndedAt.IsZero() {
			if err := tx.EndComorbidity(ctx, caseID, id, cm.EndedAt, by.UserID, cm.EndReason); err != nil {
				return err
			}
		}
		im.step(1)
	}
	if rc.Plan != nil {
		if err := tx.AddTreatmentPlan(ctx, TreatmentPlanVersion{CaseID: caseID, Version: rc.Plan.Version, Plan: rc.Plan.Plan,
			SavedBy: by.UserID, SavedByName: by.Name, SavedAt: rc.Plan.SavedAt}); err != nil {
			return err
		}
		im.step(1)
	}
	sessions, err := im.writeSessions(ctx, clientID, caseID, rc)
	if err != nil {
		return err
	}
	for _, rn := range rc.Notes {
		draft := rn.Note
		draft.SignedBy, draft.SignedAt = 0, time.Time{}
		id, err := tx.CreateProgressNote(ctx, ProgressNote{CaseID: caseID, ClientID: clientID, AuthorID: by.UserID, AuthorName: by.Name,
			Note: draft, CreatedAt: rn.CreatedAt, UpdatedAt: rn.CreatedAt})
		if err != nil {
			return err
		}
		version := 1
		if rn.Note.Signed() {
			signed := rn.Note
			signed.SignedBy = by.UserID
			if version, err = tx.SignProgressNote(ctx, id, version, signed); err != nil {
				return err
			}
		}
		who := ImportedNoteAuthors{Author: rn.Author, SignedBy: rn.SignedBy}
		for _, a := range rn.Amendments {
			am := a.Amendment
			am.By = by.UserID
			if _, version, err = tx.AddNoteAmendment(ctx, id, version, am); err != nil {
				return err
			}
			who.Amenders = append(who.Amenders, a.By)
		}
		im.prov.Notes[id] = who
		if rn.Session != "" {
			if err := tx.LinkNoteSession(ctx, id, sessions[rn.Session]); err != nil {
				return err
			}
		}
		im.step(1)
	}
	for _, pn := range rc.PsychotherapyNotes {
		n := pn.Note
		n.Author = by.UserID
		id, err := tx.CreatePsychotherapyNote(ctx, caseID, clientID, n)
		if err != nil {
			return err
		}
		im.prov.PsychotherapyAuthors[id] = pn.Author
		im.step(1)
	}
	return nil
}

// textsRef is the wording a response to the instrument is kept on here:
// the shipped texts, or the practice's latest import of them (Conflict
// when it has none).
func (im *importer) textsRef(ctx context.Context, instrument string, known map[string]string) (string, error) {
	if ref, ok := known[instrument]; ok {
		return ref, nil
	}
	ref := ShippedTextsRef
	if _, ok := measure.ShippedTexts(instrument); !ok {
		imports, err := im.tx.MeasureTextsOf(ctx, instrument)
		if err != nil {
			return "", err
		}
		if len(imports) == 0 {
			return "", certboard.Errorf(certboard.Conflict, "the record holds %s responses and this practice has no %s item texts; a practice admin imports them first",
				measureName(instrument), measureName(instrument))
		}
		ref = ImportRef(imports[0].ID)
	}
	known[instrument] = ref
	return ref, nil
}
