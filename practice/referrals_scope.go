package practice

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/measure"
)

// What a client agrees to share with a referral, item by item. The
// reason for referral always goes: it is the referral. Each other part of
// the record goes only when it is ticked, and the letter is built from
// what is ticked and nothing else (the minimum necessary).

// The items of a referral's scope, as a form and ReferralInput.Share name
// them.
const (
	// ShareConcerns: the names of the case's concerns.
	ShareConcerns = "concerns"
	// ShareCodes: the concerns' ICD-10-CM codes (with their names).
	ShareCodes = "codes"
	// ShareStage: the PLISSIT stage the case reached.
	ShareStage = "stage"
	// ShareScores: the latest score of each instrument ticked
	// (ReferralInput.Instruments).
	ShareScores = "scores"
)

// ShareItems lists the items a referral's scope may tick, in the order a
// form and a letter give them.
func ShareItems() []string { return []string{ShareConcerns, ShareCodes, ShareStage, ShareScores} }

// ReferredConcern is a concern of a case as a referral keeps it: its name
// and its ICD-10-CM codes.
type ReferredConcern struct {
	Name  string
	Codes []string
}

// ReferralScope is what of the record the client agreed to share with a
// referral, besides the reason for referral (always) and what the consent
// says in words (Referral.Shared).
type ReferralScope struct {
	// Concerns: the names of the case's concerns; Codes: their ICD-10-CM
	// codes too (only with Concerns).
	Concerns bool
	Codes    bool
	// Stage: the PLISSIT stage the case reached.
	Stage bool
	// Instruments are the ids of the instruments whose latest score is
	// shared, in the order of measure.IDs; none when no score is.
	Instruments []string
}

// Words says the scope in words, one item an entry, the reason for
// referral first.
func (s ReferralScope) Words() []string {
	out := []string{"the reason for referral"}
	switch {
	case s.Concerns && s.Codes:
		out = append(out, "the names of the concerns with their ICD-10-CM codes")
	case s.Concerns:
		out = append(out, "the names of the concerns, without their codes")
	}
	if s.Stage {
		out = append(out, "the PLISSIT stage reached")
	}
	if len(s.Instruments) > 0 {
		out = append(out, "the latest score of "+strings.Join(instrumentNames(s.Instruments), ", "))
	}
	return out
}

// Withheld says in words what of the record the scope leaves out, one
// item an entry.
func (s ReferralScope) Withheld() []string {
	var out []string
	switch {
	case !s.Concerns:
		out = append(out, "the concerns and their codes")
	case !s.Codes:
		out = append(out, "the concerns' codes")
	}
	if !s.Stage {
		out = append(out, "the PLISSIT stage reached")
	}
	if len(s.Instruments) == 0 {
		out = append(out, "the scores of measures")
	}
	return out
}

// instrumentNames are the names of instruments ids, as people write them.
func instrumentNames(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if in, ok := measure.Lookup(id); ok {
			out[i] = in.Name
		}
	}
	return out
}

// checkScope checks the items ticked (share) and the instruments whose
// scores are shared against the client's answer, adding what is wrong to
// f under "share" and "instruments": an unknown item or instrument, codes
// without the concerns, scores without an instrument, anything ticked
// when the client did not consent. Instruments ticked without the scores
// are not shared. It returns the scope (empty when the client did not
// consent).
func checkScope(f *caseForm, consent ShareConsent, share, instruments []string) *ReferralScope {
	sc := &ReferralScope{}
	items := map[string]bool{}
	for _, s := range share {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(ShareItems(), s) {
			f.add("share", fmt.Sprintf("%q is not something a referral shares; tick %s", caseClip(s), strings.Join(ShareItems(), ", ")))
			continue
		}
		items[s] = true
	}
	ids := map[string]bool{}
	for _, id := range instruments {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if _, ok := measure.Lookup(id); !ok {
			f.add("instruments", fmt.Sprintf("%q is not an instrument; tick among %s", caseClip(id), strings.Join(measure.IDs(), ", ")))
			continue
		}
		ids[id] = true
	}
	if consent == ConsentRefused && len(items) > 0 {
		f.add("share", "the client did not consent to share; tick nothing, or record their consent")
		return sc
	}
	if items[ShareCodes] && !items[ShareConcerns] {
		f.add("share", "codes go with the concerns they code: tick the concerns too, or leave the codes out")
	}
	if items[ShareScores] && len(ids) == 0 {
		f.add("instruments", "tick the instruments whose latest score is shared, or leave the scores out")
	}
	sc.Concerns, sc.Codes, sc.Stage = items[ShareConcerns], items[ShareCodes], items[ShareStage]
	if items[ShareScores] {
		for _, id := range measure.IDs() {
			if ids[id] {
				sc.Instruments = append(sc.Instruments, id)
			}
		}
	}
	return sc
}

// ScoredInstrument is an instrument scored on a case, as a referral form
// offers it: its latest score, and whether it bears on what the referral
// is about (so the form ticks it first).
type ScoredInstrument struct {
	ID, Name string
	// Total and Band are its latest score and band, Taken when.
	Total, Band, Taken string
	// Relevant says that an escalation rule ties the instrument to a
	// comorbidity standing on the case (PHQ-9 to depression, say).
	Relevant bool
}

// scoredInstruments are the instruments scored on a case (ms, oldest
// first), each with its latest score, in the order of measure.IDs; an
// instrument is Relevant when a rule of rules indicates from it a
// comorbidity of report (indicated or recorded).
func scoredInstruments(ms []escalation.Measure, rules *escalation.Rules, report escalation.Report) []ScoredInstrument {
	standing := map[escalation.Kind]bool{}
	for _, c := range report.Comorbidities {
		standing[c.Kind] = true
	}
	relevant := map[string]bool{}
	if rules != nil {
		for _, r := range rules.Rules {
			if r.When.Instrument != "" && r.Then.Comorbidity != "" && standing[r.Then.Comorbidity] {
				relevant[r.When.Instrument] = true
			}
		}
	}
	var out []ScoredInstrument
	for _, s := range latestScores(ms) {
		out = append(out, ScoredInstrument{ID: s.id, Name: s.Instrument, Total: s.Total, Band: s.Band, Taken: s.Taken,
			Relevant: relevant[s.id]})
	}
	return out
}

// caseInstruments are the instruments scored on case caseID, read in tx,
// each marked Relevant as scoredInstruments says from the case's
// escalation report.
func (p *Practice) caseInstruments(ctx context.Context, tx Tx, caseID int64, report escalation.Report) ([]ScoredInstrument, error) {
	ms, err := tx.MeasuresForEscalation(ctx, caseID)
	if err != nil {
		return nil, err
	}
	rules, err := caseRules()
	if err != nil {
		return nil, err
	}
	return scoredInstruments(ms, rules, report), nil
}

// ShareWords says in words what referral r shares with the client's
// consent, one item an entry: the scope's items then what else the
// consent says in words (a referral recorded before consent was itemised
// shares the reason and those words only); nil when the client did not
// consent.
func (r Referral) ShareWords() []string {
	if r.Consent != ConsentGiven {
		return nil
	}
	if r.Scope == nil {
		return append([]string{"the reason for referral"}, r.Shared...)
	}
	return append(r.Scope.Words(), r.Shared...)
}
