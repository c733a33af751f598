package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/plissit"
)

// The demo practice's clients, one story each, told through the use
// cases in the order it happened: the client registered by their
// practitioner, who witnesses their consent to treatment and opens a case
// the same day; then, session by session, measures, stage moves, the
// sexual history, comorbidities, a treatment plan. Between them the
// clients stand at every PLISSIT stage:
//
//   - Jamal Carter (Jordan): Permission, seen three days ago;
//   - Hannah Becker (Lena): Limited Information;
//   - Marcus Lindqvist (Jordan): Specific Suggestions, the sexual history
//     half taken (steps 1 and 2);
//   - Theo Marshall (Lena): Specific Suggestions with the history complete,
//     depression and alcohol use recorded today from his measures, one of
//     them the demo's only PHQ-9 with an answer above 0 to item 9 (a
//     same-day safety task, left open on Lena's home page); Lena's move to
//     Intensive Therapy is refused for want of scope, and she refers him to
//     Jordan;
//   - Sofia Alvarez (Jordan): Intensive Therapy with a treatment plan, moved
//     there today, when Jordan's CST was approved, after six months of
//     PHQ-9, GAD-7 and AUDIT-C that fall as she improves;
//   - Elena Rossi (Dr. Holt): Intensive Therapy with a treatment plan,
//     flagged for review once the board suspended Dr. Holt's CST.

// clientStory is one client: who registers them, who they are, how many
// days before the seeding they came, and what happened after
// (registration, consent and the case's opening are the story's run).
type clientStory struct {
	by       string
	identity practice.IdentityInput
	since    int
	run      func(ctx context.Context, r *clientRun) error
}

// clientRun is a client being seeded: their practitioner, their id and
// their case's, with the versions the next change is made on.
type clientRun struct {
	s       *practiceSeeder
	by      practice.Actor
	client  int64
	caseID  int64
	version int
	history int
	plan    int
}

// seed registers the client, on the day they came, with their consent to
// the consent text in force, and tells the rest of their story.
func (c clientStory) seed(ctx context.Context, s *practiceSeeder) error {
	r := &clientRun{s: s, by: s.actors[c.by]}
	p, err := s.at(s.day(c.since, 9, 30))
	if err != nil {
		return err
	}
	if r.client, err = p.CreateClient(ctx, r.by, practice.NewClient{Identity: c.identity}); err != nil {
		return fmt.Errorf("registering: %w", err)
	}
	texts, err := p.ConsentTexts(ctx, r.by)
	if err != nil {
		return err
	}
	if len(texts) == 0 {
		return fmt.Errorf("the practice has no consent text")
	}
	if _, err := p.SignConsent(ctx, r.by, practice.Signature{ClientID: r.client, TextID: texts[0].ID, Signer: practice.SignerClient,
		SignedName: c.identity.Name, Agreed: true}); err != nil {
		return fmt.Errorf("consent: %w", err)
	}
	return c.run(ctx, r)
}

// open opens the client's case at at, at stage, for reason, with its
// concerns.
func (r *clientRun) open(ctx context.Context, at time.Time, stage plissit.Stage, reason string, concerns ...concern.Diagnosis) error {
	p, err := r.s.at(at)
	if err != nil {
		return err
	}
	if r.caseID, err = p.OpenCase(ctx, r.by, r.client, practice.NewCase{Stage: string(stage), Reason: reason, Concerns: concerns}); err != nil {
		return fmt.Errorf("opening the case: %w", err)
	}
	r.version = 1
	return nil
}

// move moves the case to stage to at at, for reason.
func (r *clientRun) move(ctx context.Context, at time.Time, to plissit.Stage, reason string) error {
	p, err := r.s.at(at)
	if err != nil {
		return err
	}
	next, err := p.MoveCaseStage(ctx, r.by, r.caseID, practice.MoveCase{To: string(to), Reason: reason, Version: r.version})
	if err != nil {
		return fmt.Errorf("moving the case to %s: %w", to.Name(), err)
	}
	r.version = next
	return nil
}

// measure records the client's answers to an instrument, taken at taken
// and entered a quarter of an hour later (but never after the seeding's
// time), and returns the response's id.
func (r *clientRun) measure(ctx context.Context, taken time.Time, instrument, sex string, answers []int) (int64, error) {
	entered := taken.Add(15 * time.Minute)
	if entered.After(r.s.now) {
		entered = r.s.now
	}
	p, err := r.s.at(entered)
	if err != nil {
		return 0, err
	}
	ans := make([]*int, len(answers))
	for i := range answers {
		ans[i] = &answers[i]
	}
	out, err := p.RecordResponse(ctx, r.by, practice.NewResponse{CaseID: r.caseID, Instrument: instrument,
		ResponseAnswers: practice.ResponseAnswers{Sex: sex, Answers: ans, TakenAt: taken}})
	if err != nil {
		return 0, fmt.Errorf("%s of %s: %w", instrument, taken.Format(time.DateOnly), err)
	}
	return out.Response.ID, nil
}

// comorbidity records a comorbidity on the case at at, from the response
// ref (0 for none), and returns its id as a treatment plan cites it.
func (r *clientRun) comorbidity(ctx context.Context, at time.Time, kind string, source practice.ComorbiditySource, ref int64, note string) (string, error) {
	p, err := r.s.at(at)
	if err != nil {
		return "", err
	}
	in := practice.ComorbidityInput{Kind: kind, Source: string(source), Note: note}
	if ref != 0 {
		in.MeasureRef = practice.ResponseRef(ref)
	}
	id, err := p.RecordComorbidity(ctx, r.by, r.caseID, in)
	if err != nil {
		return "", fmt.Errorf("recording %s: %w", kind, err)
	}
	return practice.Comorbidity{ID: id}.Ref(), nil
}

// takeHistory saves a new version of the case's sexual history at at.
func (r *clientRun) takeHistory(ctx context.Context, at time.Time, h plissit.SexualHistory) error {
	p, err := r.s.at(at)
	if err != nil {
		return err
	}
	next, err := p.SaveSexualHistory(ctx, r.by, r.caseID, h, r.history)
	if err != nil {
		return fmt.Errorf("the sexual history: %w", err)
	}
	r.history = next
	return nil
}

// writePlan saves a new version of the case's treatment plan at at.
func (r *clientRun) writePlan(ctx context.Context, at time.Time, tp plissit.TreatmentPlan) error {
	p, err := r.s.at(at)
	if err != nil {
		return err
	}
	next, err := p.SaveTreatmentPlan(ctx, r.by, r.caseID, tp, r.plan)
	if err != nil {
		return fmt.Errorf("the treatment plan: %w", err)
	}
	r.plan = next
	return nil
}

// scores spreads total over n items each scored 0 to most, the first
// items taking the remainder.
func scores(n, most, total int) []int {
	total = max(0, min(total, n*most))
	out := make([]int, n)
	for i := range out {
		out[i] = total / n
		if i < total%n {
			out[i]++
		}
	}
	return out
}

// phq9 is a PHQ-9 of the total given whose item 9 (thoughts of self-harm)
// is item9.
func phq9(total, item9 int) []int { return append(scores(8, 3, total-item9), item9) }

// gad7 is a GAD-7 of the total given.
func gad7(total int) []int { return scores(7, 3, total) }

// auditC is an AUDIT-C of the total given.
func auditC(total int) []int { return scores(3, 4, total) }

// weeks is the day n weeks after the seeding, for plan reviews.
func (s *practiceSeeder) weeks(n int) date.Date { return date.FromTime(s.now).AddDays(7 * n) }

// practiceClients are the demo practice's clients, in the order they are
// seeded.
var practiceClients = []clientStory{
	{by: "jordan", since: 182, identity: practice.IdentityInput{Name: "Sofia Alvarez", DateOfBirth: "1988-04-12", Pronouns: "she/her",
		GenderIdentity: "woman", Email: "sofia.alvarez@example.net", Phone: "+1 312 555 0142",
		EmergencyName: "Diego Alvarez", EmergencyPhone: "+1 312 555 0143", EmergencyRelationship: "partner"}, run: sofia},
	{by: "jordan", since: 49, identity: practice.IdentityInput{Name: "Marcus Lindqvist", PreferredName: "Marc", DateOfBirth: "1984-09-30",
		Pronouns: "he/him", GenderIdentity: "man", Email: "marc.lindqvist@example.net"}, run: marcus},
	{by: "jordan", since: 3, identity: practice.IdentityInput{Name: "Jamal Carter", DateOfBirth: "1991-02-17", Pronouns: "he/him",
		GenderIdentity: "man", Phone: "+1 773 555 0118"}, run: jamal},
	{by: "lena.fischer", since: 35, identity: practice.IdentityInput{Name: "Hannah Becker", DateOfBirth: "1996-07-08", Pronouns: "she/they",
		GenderIdentity: "woman", Email: "hannah.becker@example.net"}, run: hannah},
	{by: "lena.fischer", since: 84, identity: practice.IdentityInput{Name: "Theo Marshall", DateOfBirth: "1979-11-23", Pronouns: "he/him",
		GenderIdentity: "man", Email: "theo.marshall@example.net", Phone: "+1 312 555 0177",
		EmergencyName: "Ruth Marshall", EmergencyPhone: "+1 312 555 0178", EmergencyRelationship: "sister"}, run: theo},
	{by: "maren.holt", since: 2, identity: practice.IdentityInput{Name: "Elena Rossi", DateOfBirth: "1976-05-03", Pronouns: "she/her",
		GenderIdentity: "woman", Email: "elena.rossi@example.net"}, run: elena},
}

// sofia is six months of care: Permission at intake, then Limited
// Information and Specific Suggestions with her sexual history, the
// depression and anxiety her measures showed recorded on the case, and
// Intensive Therapy with a plan today, when Jordan's CST was approved.
// Her PHQ-9, GAD-7 and AUDIT-C, taken every four weeks, fall as she
// improves.
func sofia(ctx context.Context, r *clientRun) error {
	s := r.s
	type visit struct{ daysAgo, phq, gad, audit int }
	visits := []visit{{182, 16, 13, 3}, {154, 15, 12, 3}, {126, 13, 11, 2}, {98, 12, 9, 2}, {70, 10, 8, 2}, {42, 8, 7, 1}, {14, 7, 5, 1}}
	var firstPHQ, firstGAD int64
	// measures records a visit's three measures, taken at 15:00.
	measures := func(v visit) error {
		at := s.day(v.daysAgo, 15, 0)
		phq, err := r.measure(ctx, at, "phq-9", "female", phq9(v.phq, 0))
		if err != nil {
			return err
		}
		gad, err := r.measure(ctx, at, "gad-7", "female", gad7(v.gad))
		if err != nil {
			return err
		}
		if firstPHQ == 0 {
			firstPHQ, firstGAD = phq, gad
		}
		_, err = r.measure(ctx, at, "audit-c", "female", auditC(v.audit))
		return err
	}
	if err := r.open(ctx, s.day(182, 14, 45), plissit.Permission,
		"First session: since the birth of her second child she has lost interest in sex, and she asks whether that is normal.",
		concern.Diagnosis{Concern: "female-low-desire", Specifiers: concern.Specifiers{Onset: concern.Acquired, Context: concern.Generalised, Severity: concern.Moderate}}); err != nil {
		return err
	}
	if err := measures(visits[0]); err != nil {
		return err
	}
	if err := measures(visits[1]); err != nil {
		return err
	}
	if err := r.move(ctx, s.day(154, 15, 40), plissit.LimitedInformation,
		"Information on desire after childbirth: sleep, breastfeeding, hormones, and desire that follows arousal rather than leading it."); err != nil {
		return err
	}
	if err := measures(visits[2]); err != nil {
		return err
	}
	if err := r.move(ctx, s.day(126, 15, 40), plissit.SpecificSuggestions,
		"She asks for specific suggestions for her and her partner; the sexual history is taken over the next sessions."); err != nil {
		return err
	}
	history := plissit.SexualHistory{
		Issues: plissit.Issues{Concerns: []plissit.Concern{{ConcernID: "female-low-desire",
			Description: "Rarely thinks of sex or wants it; when her partner starts, she goes along or finds a reason not to. She misses wanting him."}}},
		Evolution: plissit.Evolution{Onset: plissit.Onset{Text: "After the birth of her second child, about two years ago"},
			Course: "Steady since, worse in the months she sleeps least.", Context: "Two small children, a full-time job, little time alone with her partner.",
			Acquisition: plissit.Acquired, Generality: plissit.Generalised},
	}
	if err := r.takeHistory(ctx, s.day(126, 16, 0), history); err != nil {
		return err
	}
	if err := measures(visits[3]); err != nil {
		return err
	}
	history.Understanding = plissit.Understanding{Client: "She thought something was wrong with her; she now sees tiredness and low mood taking the room desire needs.",
		Options: "Time alone planned with her partner, sensate focus, and help for her mood and sleep."}
	history.Plan = plissit.Plan{Sources: "Exhaustion, low mood since the birth, and pressure she feels to want sex.",
		Goals: []string{"Feel desire again and welcome it", "Sleep and mood good enough to have room for it"},
		Plan:  "Weekly sessions; sensate focus with her partner; her mood followed with the PHQ-9."}
	if err := r.takeHistory(ctx, s.day(98, 16, 0), history); err != nil {
		return err
	}
	depression, err := r.comorbidity(ctx, s.day(98, 16, 30), "depression", practice.FromMeasure, firstPHQ,
		"PHQ-9 of 16 at intake and 12 now: depressive symptoms since the birth, which her GP knows of.")
	if err != nil {
		return err
	}
	anxiety, err := r.comorbidity(ctx, s.day(98, 16, 35), "anxiety", practice.FromJudgement, firstGAD,
		"Worry about the children and work keeps her awake; GAD-7 of 13 at intake.")
	if err != nil {
		return err
	}
	for _, v := range visits[4:] {
		if err := measures(v); err != nil {
			return err
		}
	}
	if err := r.move(ctx, s.now, plissit.IntensiveTherapy,
		"Low desire alongside depression and anxiety, recorded on the case, with the sexual history complete: Intensive Therapy, now that my CST is current."); err != nil {
		return err
	}
	return r.writePlan(ctx, s.now, plissit.TreatmentPlan{
		Goals: []plissit.Goal{
			{ID: "g1", Text: "Desire she recognises and welcomes, at least once a week", Measure: "Her weekly rating of desire, 0 to 10, in session"},
			{ID: "g2", Text: "Depressive symptoms in the mild range", Measure: "PHQ-9 total under 10 at each monthly measure"},
			{ID: "g3", Text: "Sleep and worry back to manageable", Measure: "GAD-7 total under 5"},
		},
		Interventions: []plissit.Intervention{
			{Text: "Sensate focus with her partner, stages 1 to 3", Goals: []string{"g1"}},
			{Text: "Cognitive work on responsive desire and on expectations after childbirth", Goals: []string{"g1", "g2"}},
			{Text: "Liaison with her GP about mood and sleep, with her consent", Goals: []string{"g2", "g3"}},
		},
		Frequency:     plissit.Frequency{Sessions: 1, Per: plissit.Week},
		Reviews:       []date.Date{s.weeks(6), s.weeks(12)},
		Comorbidities: []string{depression, anxiety},
	})
}

// marcus is at Specific Suggestions, his sexual history half taken.
func marcus(ctx context.Context, r *clientRun) error {
	s := r.s
	if err := r.open(ctx, s.day(49, 10, 0), plissit.Permission,
		"Intake: he asks whether ejaculating quickly is something therapy can help with.",
		concern.Diagnosis{Concern: "premature-ejaculation", Specifiers: concern.Specifiers{Onset: concern.Lifelong, Context: concern.Generalised, Severity: concern.Mild}}); err != nil {
		return err
	}
	if _, err := r.measure(ctx, s.day(49, 10, 15), "phq-9", "male", phq9(4, 0)); err != nil {
		return err
	}
	if _, err := r.measure(ctx, s.day(49, 10, 15), "gad-7", "male", gad7(8)); err != nil {
		return err
	}
	if err := r.move(ctx, s.day(35, 10, 40), plissit.LimitedInformation,
		"Information on the ejaculatory reflex, typical latency, and the myths about stamina he grew up with."); err != nil {
		return err
	}
	if err := r.move(ctx, s.day(14, 10, 40), plissit.SpecificSuggestions,
		"He and his partner want exercises they can do at home; the sexual history is started."); err != nil {
		return err
	}
	history := plissit.SexualHistory{Issues: plissit.Issues{Concerns: []plissit.Concern{{ConcernID: "premature-ejaculation",
		Description: "Ejaculates within a minute of penetration, with every partner so far; he feels he lets his partner down."}}}}
	if err := r.takeHistory(ctx, s.day(14, 11, 0), history); err != nil {
		return err
	}
	if _, err := r.measure(ctx, s.day(14, 11, 15), "phq-9", "male", phq9(3, 0)); err != nil {
		return err
	}
	if _, err := r.measure(ctx, s.day(14, 11, 15), "gad-7", "male", gad7(6)); err != nil {
		return err
	}
	history.Evolution = plissit.Evolution{Onset: plissit.Onset{Age: 17}, Course: "Unchanged since his first relationship.",
		Context: "A relationship of two years; both want to work on it together.", Acquisition: plissit.Lifelong, Generality: plissit.Generalised}
	return r.takeHistory(ctx, s.day(7, 11, 0), history)
}

// jamal came three days ago: Permission.
func jamal(ctx context.Context, r *clientRun) error {
	s := r.s
	if err := r.open(ctx, s.day(3, 10, 0), plissit.Permission,
		"First session: he and his wife want different amounts of sex, and it has become a source of conflict; he wants to talk about it openly.",
		concern.Diagnosis{Concern: "relationship-concerns"}); err != nil {
		return err
	}
	_, err := r.measure(ctx, s.day(3, 10, 20), "gad-7", "male", gad7(7))
	return err
}

// hannah is at Limited Information.
func hannah(ctx context.Context, r *clientRun) error {
	s := r.s
	if err := r.open(ctx, s.day(35, 13, 0), plissit.Permission,
		"Intake: pain with penetration since she became sexually active; she wants to know that it is not unusual and that it can be helped.",
		concern.Diagnosis{Concern: "genito-pelvic-pain", Specifiers: concern.Specifiers{Onset: concern.Lifelong, Severity: concern.Mild}}); err != nil {
		return err
	}
	if _, err := r.measure(ctx, s.day(35, 13, 20), "gad-7", "female", gad7(6)); err != nil {
		return err
	}
	if _, err := r.measure(ctx, s.day(35, 13, 20), "phq-9", "female", phq9(5, 0)); err != nil {
		return err
	}
	if err := r.move(ctx, s.day(21, 13, 40), plissit.LimitedInformation,
		"Information on the pelvic floor, arousal and pain, and on seeing a pelvic-floor physiotherapist."); err != nil {
		return err
	}
	_, err := r.measure(ctx, s.day(7, 13, 20), "gad-7", "female", gad7(4))
	return err
}

// theo is at Specific Suggestions, his history complete. Today his PHQ-9
// has risen to 15 with thoughts of self-harm (item 9: a same-day safety
// task for Lena) and his AUDIT-C is still positive; Lena records both on
// the case, which then needs Intensive Therapy. Her move there is refused,
// since her scope does not include it, and she refers him to Jordan.
func theo(ctx context.Context, r *clientRun) error {
	s := r.s
	if err := r.open(ctx, s.day(84, 16, 0), plissit.Permission,
		"Intake: erections fail with his new partner though not on his own; he asks whether this is common.",
		concern.Diagnosis{Concern: "erectile-disorder", Specifiers: concern.Specifiers{Onset: concern.Acquired, Context: concern.Situational, Severity: concern.Moderate}}); err != nil {
		return err
	}
	type visit struct{ daysAgo, phq, audit int }
	for _, v := range []visit{{84, 9, 5}, {56, 11, 6}, {28, 13, 6}} {
		at := s.day(v.daysAgo, 16, 15)
		if _, err := r.measure(ctx, at, "phq-9", "male", phq9(v.phq, 0)); err != nil {
			return err
		}
		if _, err := r.measure(ctx, at, "audit-c", "male", auditC(v.audit)); err != nil {
			return err
		}
		switch v.daysAgo {
		case 84:
			if err := r.move(ctx, s.day(70, 16, 40), plissit.LimitedInformation,
				"Information on performance anxiety, and on how alcohol affects erections."); err != nil {
				return err
			}
		case 56:
			if err := r.move(ctx, s.day(56, 16, 40), plissit.SpecificSuggestions,
				"Specific suggestions for the anxiety around sex; the sexual history is taken."); err != nil {
				return err
			}
			h := theoHistory()
			h.Understanding, h.Plan = plissit.Understanding{}, plissit.Plan{}
			if err := r.takeHistory(ctx, s.day(56, 17, 0), h); err != nil {
				return err
			}
			if err := r.takeHistory(ctx, s.day(42, 17, 0), theoHistory()); err != nil {
				return err
			}
		}
	}
	// Taken today, entered at the seeding's time: the safety task is due
	// today.
	taken := s.now.Add(-15 * time.Minute)
	phq, err := r.measure(ctx, taken, "phq-9", "male", phq9(15, 1))
	if err != nil {
		return err
	}
	audit, err := r.measure(ctx, taken, "audit-c", "male", auditC(5))
	if err != nil {
		return err
	}
	if _, err := r.comorbidity(ctx, s.now, "depression", practice.FromMeasure, phq,
		"PHQ-9 has risen from 9 at intake to 15 today, with thoughts of self-harm on several days (item 9); safety plan made today."); err != nil {
		return err
	}
	if _, err := r.comorbidity(ctx, s.now, "substance_use", practice.FromMeasure, audit,
		"AUDIT-C of 5 to 6 since intake: he drinks before dates to calm his nerves."); err != nil {
		return err
	}
	// Lena tries: the practice refuses, since her scope does not include
	// Intensive Therapy, and offers the referral instead.
	err = r.move(ctx, s.now, plissit.IntensiveTherapy, "Erectile disorder now with depression and alcohol use: he needs Intensive Therapy.")
	if !practice.OffersReferral(err) {
		return fmt.Errorf("the move of Lena's client to Intensive Therapy was not refused for want of scope: %v", err)
	}
	p, err := s.at(s.now)
	if err != nil {
		return err
	}
	jordan := s.users["jordan"]
	_, err = p.RecordReferral(ctx, r.by, r.caseID, practice.ReferralInput{Stage: string(plissit.IntensiveTherapy),
		To: practice.ReferralTo{Name: jordan.Name, Organisation: "Lakeview Couples Clinic (this practice)", Contact: jordan.Email},
		Why: "Erectile disorder now alongside depression (PHQ-9 of 15, with thoughts of self-harm) and risky drinking (AUDIT-C of 5): " +
			"he needs Intensive Therapy, which is outside my scope of practice. Jordan Reyes is a certified sex therapist here.",
		Consent: string(practice.ConsentGiven), Share: []string{practice.ShareConcerns, practice.ShareCodes, practice.ShareStage, practice.ShareScores},
		Instruments: []string{"phq-9", "audit-c"}, Shared: []string{"The sexual history", "Today's safety plan"}})
	if err != nil {
		return fmt.Errorf("the referral: %w", err)
	}
	return nil
}

// theoHistory is Theo's sexual history, all four steps.
func theoHistory() plissit.SexualHistory {
	return plissit.SexualHistory{
		Issues: plissit.Issues{Concerns: []plissit.Concern{{ConcernID: "erectile-disorder",
			Description: "Loses his erection at penetration with his new partner, most times in the last year; not when alone."}}},
		Evolution: plissit.Evolution{Onset: plissit.Onset{Age: 43, Text: "A year after his divorce, with his first new partner"},
			Course: "Worse as he came to expect it.", Context: "A new relationship after a long marriage; he drinks before dates to calm himself.",
			Acquisition: plissit.Acquired, Generality: plissit.Situational},
		Understanding: plissit.Understanding{Client: "He fears he is 'past it'; he now links the failures to nerves and drink.",
			Options: "Sensate focus without the aim of penetration, less alcohol, and seeing his doctor about medication."},
		Plan: plissit.Plan{Sources: "Anxiety about performing, grief after the divorce, alcohol.",
			Goals: []string{"Erections firm enough for sex he and his partner enjoy", "No drinking before sex"},
			Plan:  "Fortnightly sessions of specific suggestions; a visit to his doctor."},
	}
}

// elena came with Dr. Holt two days ago, her history already taken at Dr.
// Holt's previous practice: Specific Suggestions, then, with the anxiety
// her GAD-7 shows recorded, Intensive Therapy yesterday, with a plan. The
// board has since suspended Dr. Holt's CST, and the case is flagged.
func elena(ctx context.Context, r *clientRun) error {
	s := r.s
	if err := r.open(ctx, s.day(2, 11, 15), plissit.SpecificSuggestions,
		"She continues with me from my previous practice, where the first sessions were held: Specific Suggestions.",
		concern.Diagnosis{Concern: "female-orgasmic-disorder", Specifiers: concern.Specifiers{Onset: concern.Acquired, Context: concern.Generalised, Severity: concern.Moderate}},
		concern.Diagnosis{Concern: "relationship-concerns"}); err != nil {
		return err
	}
	gad, err := r.measure(ctx, s.day(2, 11, 30), "gad-7", "female", gad7(12))
	if err != nil {
		return err
	}
	if _, err := r.measure(ctx, s.day(2, 11, 30), "phq-9", "female", phq9(6, 0)); err != nil {
		return err
	}
	if err := r.takeHistory(ctx, s.day(2, 12, 0), plissit.SexualHistory{
		Issues: plissit.Issues{Concerns: []plissit.Concern{
			{ConcernID: "female-orgasmic-disorder", Description: "No orgasm with her husband or alone for three years, after years without difficulty."},
			{ConcernID: "relationship-concerns", Description: "She and her husband have stopped talking about sex; both avoid it."}}},
		Evolution: plissit.Evolution{Onset: plissit.Onset{Age: 46}, Course: "Constant for three years.",
			Context: "Began in a year of work stress and caring for her mother.", Acquisition: plissit.Acquired, Generality: plissit.Generalised},
		Understanding: plissit.Understanding{Client: "She thinks her body has changed; she sees now how worry fills her mind during sex.",
			Options: "Mindfulness-based work on attention during sex, directed masturbation, couple sessions."},
		Plan: plissit.Plan{Sources: "Worry and fatigue; distance in the marriage.", Goals: []string{"Orgasm alone, then with her husband", "Talking about sex again"},
			Plan: "Weekly sessions, couple sessions monthly."},
	}); err != nil {
		return err
	}
	anxiety, err := r.comorbidity(ctx, s.day(2, 12, 30), "anxiety", practice.FromMeasure, gad,
		"GAD-7 of 12: worry that follows her into bed; she avoids sex rather than face it.")
	if err != nil {
		return err
	}
	if err := r.move(ctx, s.day(1, 14, 0), plissit.IntensiveTherapy,
		"Orgasmic disorder alongside an anxiety disorder, with the sexual history complete: Intensive Therapy."); err != nil {
		return err
	}
	return r.writePlan(ctx, s.day(1, 14, 30), plissit.TreatmentPlan{
		Goals: []plissit.Goal{
			{ID: "g1", Text: "Orgasm alone, then with her husband", Measure: "Her log of orgasms, reviewed each session"},
			{ID: "g2", Text: "Worry no longer keeps her from sex", Measure: "GAD-7 total under 10"},
		},
		Interventions: []plissit.Intervention{
			{Text: "Directed masturbation, with mindfulness of sensation", Goals: []string{"g1"}},
			{Text: "Cognitive behavioural work on worry", Goals: []string{"g2"}},
			{Text: "Couple sessions on talking about sex, monthly"},
		},
		Frequency:     plissit.Frequency{Sessions: 1, Per: plissit.Week},
		Reviews:       []date.Date{s.weeks(8)},
		Comorbidities: []string{anxiety},
	})
}
