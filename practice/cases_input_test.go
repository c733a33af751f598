package practice

import (
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/internal/errtest"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/plissit"
)

// wantCaseFields checks that err is an Invalid *certboard.Error whose
// Fields are exactly want, each message starting with its field and found
// in the error's message, with Field naming the first problem; with no
// want, err must be nil.
func wantCaseFields(t *testing.T, err error, want ...string) {
	t.Helper()
	if e := errtest.Fields(t, err, want...); e != nil && !slices.Contains(want, e.Field) {
		t.Errorf("Field %q is none of %v", e.Field, want)
	}
}

func TestCheckComorbidity(t *testing.T) {
	long := strings.Repeat("n", MaxCaseNote)
	ref := strings.Repeat("r", MaxMeasureRef)
	for _, tc := range []struct {
		name string
		in   ComorbidityInput
		want []string
	}{
		{"judgement", ComorbidityInput{Kind: "depression", Source: "judgement"}, nil},
		{"judgement with a note at the bound", ComorbidityInput{Kind: "anxiety", Source: "judgement", Note: long}, nil},
		{"note over the bound", ComorbidityInput{Kind: "anxiety", Source: "judgement", Note: long + "n"}, []string{"note"}},
		{"diagnosis with its note", ComorbidityInput{Kind: "personality_disorder", Source: "diagnosis", Note: "F60.3 by Dr Ortiz, 2025"}, nil},
		{"diagnosis without a note", ComorbidityInput{Kind: "personality_disorder", Source: "diagnosis", Note: "  "}, []string{"note"}},
		{"measure with its reference", ComorbidityInput{Kind: "substance_use", Source: "measure", MeasureRef: "measure:12"}, nil},
		{"measure reference at the bound", ComorbidityInput{Kind: "substance_use", Source: "measure", MeasureRef: ref}, nil},
		{"measure reference over the bound", ComorbidityInput{Kind: "substance_use", Source: "measure", MeasureRef: ref + "r"}, []string{"measure_ref"}},
		{"measure reference not an id", ComorbidityInput{Kind: "substance_use", Source: "measure", MeasureRef: "PHQ 9"}, []string{"measure_ref"}},
		{"measure without a reference", ComorbidityInput{Kind: "depression", Source: "measure"}, []string{"measure_ref"}},
		{"judgement backed by a measure", ComorbidityInput{Kind: "depression", Source: "judgement", MeasureRef: "measure:3"}, nil},
		{"unknown kind", ComorbidityInput{Kind: "insomnia", Source: "judgement"}, []string{"kind"}},
		{"no kind, no source", ComorbidityInput{}, []string{"kind", "source"}},
		{"unknown source", ComorbidityInput{Kind: "depression", Source: "hearsay"}, []string{"source"}},
		{"note with a control character", ComorbidityInput{Kind: "depression", Source: "judgement", Note: "low\x00mood"}, []string{"note"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, src, gotRef, note, err := checkComorbidity(tc.in)
			wantCaseFields(t, err, tc.want...)
			if err == nil {
				if string(kind) != tc.in.Kind || string(src) != tc.in.Source || gotRef != tc.in.MeasureRef || note != strings.TrimSpace(tc.in.Note) {
					t.Errorf("got %q %q %q %q from %+v", kind, src, gotRef, note, tc.in)
				}
			}
		})
	}
}

// TestComorbiditySourceToEscalation: a diagnosis stays a diagnosis; a
// measure or a judgement reaches the rules as the practitioner's
// judgement, a source escalation.Input.Check accepts.
func TestComorbiditySourceToEscalation(t *testing.T) {
	want := map[ComorbiditySource]escalation.Source{
		FromMeasure: escalation.Judgement, FromDiagnosis: escalation.Diagnosis, FromJudgement: escalation.Judgement,
	}
	for _, s := range ComorbiditySources() {
		got := s.escalationSource()
		if got != want[s] {
			t.Errorf("%s -> %s, want %s", s, got, want[s])
		}
		in := escalation.Input{Recorded: []escalation.Recorded{{Kind: escalation.Depression, Source: got}}}
		if err := in.Check(); err != nil {
			t.Errorf("%s: escalation refuses it: %v", s, err)
		}
		if s.Label() == string(s) {
			t.Errorf("%s has no label", s)
		}
	}
	if ComorbiditySource("x").Known() || ComorbiditySource("x").Label() != "x" {
		t.Error("an unknown source is known or labelled")
	}
}

func TestCheckReferral(t *testing.T) {
	good := func() ReferralInput {
		return ReferralInput{
			To:      ReferralTo{Name: "Dr Ines Ortiz, CST", Organisation: "Harbour Sex Therapy", Contact: "+1 555 0100", RegistryURL: "https://board.example/registry/42"},
			Why:     "Depression (PHQ-9 of 17) with the caseErectile concern: Intensive Therapy is outside my scope.",
			Consent: "yes",
			Shared:  []string{"the sexual history", "PHQ-9 results"},
		}
	}
	line := strings.Repeat("x", MaxReferralLine)
	shared := make([]string, MaxShared)
	for i := range shared {
		shared[i] = "thing " + strings.Repeat("s", i+1)
	}
	for _, tc := range []struct {
		name string
		edit func(*ReferralInput)
		want []string
	}{
		{"complete", func(*ReferralInput) {}, nil},
		{"no consent, nothing shared", func(in *ReferralInput) { in.Consent, in.Shared = "no", nil }, nil},
		{"no consent, something shared", func(in *ReferralInput) { in.Consent = "no" }, []string{"shared"}},
		{"consent, nothing else shared (the reason always goes)", func(in *ReferralInput) { in.Shared = nil }, nil},
		{"consent not answered", func(in *ReferralInput) { in.Consent = "" }, []string{"consent"}},
		{"consent not yes or no", func(in *ReferralInput) { in.Consent = "maybe" }, []string{"consent"}},
		{"shared at the bound", func(in *ReferralInput) { in.Shared = shared }, nil},
		{"shared over the bound", func(in *ReferralInput) { in.Shared = append(slices.Clone(shared), "one more") }, []string{"shared"}},
		{"a thing shared twice", func(in *ReferralInput) { in.Shared = []string{"notes", " Notes "} }, []string{"shared.1"}},
		{"a thing shared blank", func(in *ReferralInput) { in.Shared = []string{"notes", " "} }, []string{"shared.1"}},
		{"no name, no contact, no why", func(in *ReferralInput) { in.To.Name, in.To.Contact, in.Why = "", " ", "" },
			[]string{"to.name", "to.contact", "why"}},
		{"name at the bound", func(in *ReferralInput) { in.To.Name = line }, nil},
		{"name over the bound", func(in *ReferralInput) { in.To.Name = line + "x" }, []string{"to.name"}},
		{"contact on two lines", func(in *ReferralInput) { in.To.Contact = "a\nb" }, []string{"to.contact"}},
		{"why over the bound", func(in *ReferralInput) { in.Why = strings.Repeat("w", MaxCaseReason+1) }, []string{"why"}},
		{"why at the bound, on lines", func(in *ReferralInput) { in.Why = strings.Repeat("w\n", MaxCaseReason/2) }, nil},
		{"no organisation, no registry link", func(in *ReferralInput) { in.To.Organisation, in.To.RegistryURL = "", "" }, nil},
		{"registry link over http", func(in *ReferralInput) { in.To.RegistryURL = "http://board.example/r/1" }, []string{"to.registry_url"}},
		{"registry link not an address", func(in *ReferralInput) { in.To.RegistryURL = "board registry" }, []string{"to.registry_url"}},
		{"registry link with a password", func(in *ReferralInput) { in.To.RegistryURL = "https://a:b@board.example/r" }, []string{"to.registry_url"}},
		{"registry link over the bound", func(in *ReferralInput) {
			in.To.RegistryURL = "https://board.example/" + strings.Repeat("r", MaxReferralURL)
		}, []string{"to.registry_url"}},
		{"for Specific Suggestions", func(in *ReferralInput) { in.Stage = "specific_suggestions" }, nil},
		{"for an unknown stage", func(in *ReferralInput) { in.Stage = "surgery" }, []string{"stage"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := good()
			tc.edit(&in)
			b, err := checkReferral(in)
			wantCaseFields(t, err, tc.want...)
			if err != nil {
				return
			}
			if in.Stage == "" && b.stage != plissit.IntensiveTherapy {
				t.Errorf("stage %q, want Intensive Therapy by default", b.stage)
			}
			if len(b.shared) != len(in.Shared) || string(b.consent) != in.Consent {
				t.Errorf("body %+v from %+v", b, in)
			}
		})
	}
}

func TestCheckRegistryURLBound(t *testing.T) {
	base := "https://board.example/"
	at := base + strings.Repeat("r", MaxReferralURL-len(base))
	if how := checkRegistryURL(at); how != "" {
		t.Errorf("a link of %d characters: %s", len(at), how)
	}
	if how := checkRegistryURL(at + "r"); how == "" {
		t.Errorf("a link of %d characters is accepted", len(at)+1)
	}
}

func TestReferralStatus(t *testing.T) {
	final := map[ReferralStatus]bool{ReferralDeclined: true, ReferralCompleted: true, ReferralWithdrawn: true}
	for _, s := range ReferralStatuses() {
		got, err := ParseReferralStatus(string(s))
		if err != nil || got != s {
			t.Errorf("ParseReferralStatus(%q) = %q, %v", s, got, err)
		}
		if final[s] != (len(s.Next()) == 0) {
			t.Errorf("%s: next %v", s, s.Next())
		}
		if slices.Contains(s.Next(), s) || slices.Contains(s.Next(), ReferralDraft) || (s != ReferralDraft && slices.Contains(s.Next(), ReferralSent)) {
			t.Errorf("%s may move to itself or back to draft or sent: %v", s, s.Next())
		}
		if s.Label() == string(s) {
			t.Errorf("%s has no label", s)
		}
	}
	if _, err := ParseReferralStatus("lost"); certboard.ErrorCode(err) != certboard.Invalid || certboard.As(err).Field != "status" {
		t.Errorf("an unknown status: %v", err)
	}
}

// TestCaseFormAddErr: another check's Invalid error lands under a prefix,
// its first field first; another code passes through.
func TestCaseFormAddErr(t *testing.T) {
	var f caseForm
	many := &certboard.Error{Code: certboard.Invalid, Field: "b", Fields: map[string]string{"a": "a: fix a", "b": "b: fix b"}}
	if err := f.addErr("concerns.0.", many); err != nil {
		t.Fatal(err)
	}
	if err := f.addErr("x.", certboard.FieldError(certboard.Invalid, "y", "fix y")); err != nil {
		t.Fatal(err)
	}
	err := f.err("Invalid")
	wantCaseFields(t, err, "concerns.0.a", "concerns.0.b", "x.y")
	if e := certboard.As(err); e.Field != "concerns.0.b" || e.Fields["concerns.0.a"] != "concerns.0.a: fix a" {
		t.Errorf("%+v", e)
	}
	other := certboard.Errorf(certboard.Conflict, "no")
	if got := f.addErr("", other); got != other {
		t.Errorf("a Conflict became %v", got)
	}
	if f.addErr("", nil) != nil {
		t.Error("nil is an error")
	}
}

func TestCaseReason(t *testing.T) {
	if _, err := caseReason("reason", " ", "say why"); certboard.As(err) == nil || certboard.As(err).Field != "reason" {
		t.Errorf("blank: %v", err)
	}
	if s, err := caseReason("reason", " ended \n", "say why"); err != nil || s != "ended" {
		t.Errorf("%q %v", s, err)
	}
	if _, err := caseReason("reason", strings.Repeat("r", MaxCaseReason+1), "say why"); err == nil {
		t.Error("over the bound is accepted")
	}
	if _, err := caseReason("reason", strings.Repeat("r", MaxCaseReason), "say why"); err != nil {
		t.Errorf("at the bound: %v", err)
	}
}

func TestCheckCaseConcerns(t *testing.T) {
	tax := concern.Default()
	d := func(id string, on concern.Onset, ctx concern.Context, sev concern.Severity) concern.Diagnosis {
		return concern.Diagnosis{Concern: id, Specifiers: concern.Specifiers{Onset: on, Context: ctx, Severity: sev}}
	}
	ids := tax.IDs()
	atBound := make([]concern.Diagnosis, 0, MaxCaseConcerns)
	for i := 0; i < MaxCaseConcerns && i < len(ids); i++ {
		atBound = append(atBound, d(ids[i], "", "", ""))
	}
	over := make([]concern.Diagnosis, MaxCaseConcerns+1)
	for i := range over {
		over[i] = d(ids[i%len(ids)], "", "", "")
	}
	for _, tc := range []struct {
		name string
		ds   []concern.Diagnosis
		want []string
	}{
		{"none", nil, nil},
		{"a disorder fully specified", []concern.Diagnosis{d("erectile-disorder", concern.Acquired, concern.Situational, concern.Moderate)}, nil},
		{"a disorder not yet specified", []concern.Diagnosis{d("erectile-disorder", "", "", "")}, nil},
		{"a concern that is not a disorder", []concern.Diagnosis{d("relationship-concerns", "", "", "")}, nil},
		{"every concern once", atBound, nil},
		{"over the bound", over, []string{"concerns"}},
		{"a concern with a specifier", []concern.Diagnosis{d("relationship-concerns", concern.Lifelong, "", "")}, []string{"concerns.0.specifiers.onset"}},
		{"a specifier the disorder does not take", []concern.Diagnosis{d("genito-pelvic-pain", "", concern.Generalised, "")}, []string{"concerns.0.specifiers.context"}},
		{"unknown concern", []concern.Diagnosis{d("erectile-disorder", "", "", ""), d("hiccups", "", "", "")}, []string{"concerns.1.concern"}},
		{"twice", []concern.Diagnosis{d("erectile-disorder", "", "", ""), d("erectile-disorder", concern.Lifelong, "", "")}, []string{"concerns.1.concern"}},
		{"two problems in one", []concern.Diagnosis{d("erectile-disorder", "sometimes", "", "extreme")},
			[]string{"concerns.0.specifiers.onset", "concerns.0.specifiers.severity"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantCaseFields(t, checkConcerns(tax, tc.ds), tc.want...)
		})
	}
}
