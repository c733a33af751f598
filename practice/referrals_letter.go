package practice

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/letter"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/part2"
)

// AuditReferralLetter is the audit action of a referral letter produced:
// a disclosure of the client's record.
const AuditReferralLetter = "case.referral.letter"

// ReferralLetter gathers the letter of referral referralID of case caseID
// with the minimum necessary and nothing more: the practice (its name,
// address and phone as its identifiers give them, practiceNamed) and the
// referring practitioner, the therapist chosen, the client's name and date
// of birth, the stage referred for and why, and of the record only what
// the client agreed to share (Referral.Scope): the case's concerns as
// recorded when the referral was made, with their codes or not, the stage
// reached, the latest score of each instrument ticked; then the client's
// consent to disclose in words (when, what it covers, what else in the
// client's words, what it leaves out), and the redisclosure notice of 42
// CFR 2.32 when the client's record is marked as covered by Part 2. A
// referral recorded before consent was itemised (Scope nil) gives the
// reason and the consent's words only, and says so. No note, sexual
// history or plan goes in. Only a practitioner assigned to the client gets
// it (emergency access does not reach it: Forbidden), for a referral
// whose therapist is chosen and to which the client consented to share
// (Conflict otherwise). It is audited as a disclosure
// (AuditReferralLetter: the referral, whether the Part 2 notice went with
// it, how many concerns and scores).
func (p *Practice) ReferralLetter(ctx context.Context, by Actor, caseID, referralID int64) (*letter.Letter, error) {
	now := p.clock.Now().UTC()
	var out *letter.Letter
	err := p.store.InTx(ctx, func(tx Tx) error {
		c, acc, err := p.readCase(ctx, tx, by, caseID, ":referral_letter")
		if err != nil {
			return err
		}
		if !acc.Assigned || !by.IsPractitioner() {
			return certboard.Errorf(certboard.Forbidden, "only the client's assigned practitioners produce a referral letter")
		}
		r, err := tx.LockReferral(ctx, caseID, referralID)
		if errors.Is(err, certboard.ErrNotFound) {
			return certboard.Errorf(certboard.NotFound, "case %d has no referral %d", caseID, referralID)
		}
		if err != nil {
			return err
		}
		switch {
		case r.To.Name == "":
			return certboard.Errorf(certboard.Conflict, "choose the therapist first: the letter is addressed to them")
		case r.Consent != ConsentGiven:
			return certboard.Errorf(certboard.Conflict,
				"the client did not consent to share their record, so no letter discloses it; give the client the therapist's details")
		case r.Status == ReferralWithdrawn:
			return certboard.Errorf(certboard.Conflict, "the referral was withdrawn; nothing is disclosed for it")
		}
		client, err := tx.Client(ctx, c.ClientID)
		if err != nil {
			return err
		}
		notice, err := part2NoticeFor(ctx, tx, c.ClientID)
		if err != nil {
			return err
		}
		named, err := p.practiceNamed(ctx, tx)
		if err != nil {
			return err
		}
		l := &letter.Letter{Practice: named.Name, PracticeAddress: named.Address, PracticePhone: named.Phone,
			Practitioner: by.Name, Date: now,
			To: letter.Recipient{Name: r.To.Name, Organisation: r.To.Organisation, Contact: r.To.Contact,
				Credential: r.To.Credential, Registry: r.To.RegistryURL},
			Client: client.Identity.Name, DateOfBirth: client.Identity.DateOfBirth.String(),
			Stage: r.Stage.Name(), Reason: r.Why,
			Consent: letter.Consent{Given: r.MadeAt, Other: r.Shared, Legacy: r.Scope == nil}}
		if sc := r.Scope; sc != nil {
			l.Consent.Scope, l.Consent.Withheld = sc.Words(), sc.Withheld()
			if sc.Stage {
				l.Shares.Stage, l.Reached = true, c.Stage.Name()
			}
			if sc.Concerns {
				l.Shares.Concerns, l.Concerns = true, []string{}
				for _, cc := range r.Concerns {
					name := cc.Name
					if sc.Codes && len(cc.Codes) > 0 {
						name += " (ICD-10-CM " + strings.Join(cc.Codes, ", ") + ")"
					}
					l.Concerns = append(l.Concerns, name)
				}
			}
			if len(sc.Instruments) > 0 {
				ms, err := tx.MeasuresForEscalation(ctx, caseID)
				if err != nil {
					return err
				}
				l.Shares.Scores, l.Scores = true, []letter.Score{}
				for _, s := range latestScores(ms) {
					if slices.Contains(sc.Instruments, s.id) {
						l.Scores = append(l.Scores, s.Score)
					}
				}
			}
		}
		if notice != "" {
			l.Part2Notice, l.Part2Source = part2.Paragraphs(), part2.Citation
		}
		out = l
		return p.caseAudit(ctx, tx, by, AuditReferralLetter, c, nil, map[string]any{"referral": referralID,
			"part2_notice": notice != "", "concerns": len(l.Concerns), "scores": len(l.Scores), "itemised": r.Scope != nil})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scoredLatest is the latest score of one instrument, with its id.
type scoredLatest struct {
	id string
	letter.Score
}

// latestScores is the latest score of each instrument among a case's
// scored measures (oldest first, as MeasuresForEscalation gives them), in
// the order of the instruments.
func latestScores(ms []escalation.Measure) []scoredLatest {
	latest := map[string]escalation.Measure{}
	for _, m := range ms {
		latest[m.Result.Instrument] = m
	}
	var out []scoredLatest
	for _, id := range measure.IDs() {
		m, ok := latest[id]
		if !ok {
			continue
		}
		name := id
		if in, ok := measure.Lookup(id); ok {
			name = in.Name
		}
		out = append(out, scoredLatest{id: id, Score: letter.Score{Instrument: name, Total: strconv.FormatFloat(m.Result.Total, 'f', -1, 64),
			Band: strings.ReplaceAll(m.Result.Band, "_", " "), Taken: m.Taken.UTC().Format("2006-01-02")}})
	}
	return out
}
