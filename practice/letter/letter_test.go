package letter

import (
	"strings"
	"testing"
	"time"
)

func sample() Letter {
	return Letter{Practice: "Lakeview Couples Clinic", PracticeAddress: "2900 N Lakeview Ave, Suite 3\nChicago, IL 60657",
		PracticePhone: "(312) 555-0148", Practitioner: "Lena Fischer", Date: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC),
		To:     Recipient{Name: "Jordan Reyes", Organisation: "Lakeview Couples Clinic", Contact: "jordan@board.example", Credential: "CST: valid", Registry: "https://board.example/credentials/a"},
		Client: "Sam Okafor", DateOfBirth: "1984-09-02", Stage: "Intensive Therapy", Reached: "Specific Suggestions",
		Shares:   Shares{Concerns: true, Stage: true, Scores: true},
		Concerns: []string{"Erectile disorder (ICD-10-CM F52.21)"}, Scores: []Score{{Instrument: "PHQ-9", Total: "14", Band: "moderate", Taken: "2026-12-01"}},
		Reason: "Depression with erectile disorder.", Consent: Consent{Given: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), Scope: []string{"concerns and scores"}}}
}

// TestRender: the PDF holds what the letter says, the notice only when
// given; compressed, it is a smaller PDF still.
func TestRender(t *testing.T) {
	l := sample()
	b, err := Render(l, false)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if !strings.HasPrefix(text, "%PDF-") {
		t.Fatal("not a PDF")
	}
	for _, want := range []string{"Referral for Intensive Therapy", "Jordan Reyes", "Sam Okafor", "1984-09-02", "F52.21", "PHQ-9: 14 \\(moderate\\)",
		"Depression with erectile disorder.", "concerns and scores", "Specific Suggestions",
		"2900 N Lakeview Ave, Suite 3", "Chicago, IL 60657", "Phone: \\(312\\) 555-0148"} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q", want)
		}
	}
	if strings.Contains(text, "42 CFR") {
		t.Error("a letter without the notice mentions 42 CFR")
	}
	// A practice that gave no address or phone: no empty lines for them.
	bare := sample()
	bare.PracticeAddress, bare.PracticePhone = "", ""
	if b, err := Render(bare, false); err != nil || strings.Contains(string(b), "Phone:") {
		t.Errorf("a letter without the practice's phone: %v", err)
	}
	l.Part2Notice, l.Part2Source = []string{"This record which has been disclosed to you is protected"}, "42 CFR 2.32(a)(1)"
	b, err = Render(l, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "Notice: 42 CFR Part 2") || !strings.Contains(string(b), "disclosed to you is protected") {
		t.Error("the notice is missing")
	}
	z, err := Render(l, true)
	if err != nil || !strings.HasPrefix(string(z), "%PDF-") || len(z) >= len(b) {
		t.Errorf("compressed: %d bytes (uncompressed %d), %v", len(z), len(b), err)
	}
}

// TestRenderOnlyShared: a part of the record not shared is not in the
// letter, even when the letter is given it; the scope is said in words,
// and a consent recorded before it was itemised says so.
func TestRenderOnlyShared(t *testing.T) {
	l := sample()
	l.Shares = Shares{}
	l.Consent = Consent{Given: l.Date, Scope: []string{"the reason for referral"}, Withheld: []string{"the scores of measures"}}
	b, err := Render(l, false)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, never := range []string{"Erectile", "F52.21", "PHQ-9", "Specific Suggestions", "Latest scores", "Concerns"} {
		if strings.Contains(text, never) {
			t.Errorf("a letter sharing nothing but the reason holds %q", never)
		}
	}
	for _, want := range []string{"Depression with erectile disorder.", "to share: the reason for referral.", "Not shared, as the consent does not cover it: the scores of measures."} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q", want)
		}
	}
	l.Consent = Consent{Given: l.Date, Other: []string{"the sexual history"}, Legacy: true}
	b, err = Render(l, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"the sexual history.", "item by item"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("a legacy letter lacks %q", want)
		}
	}
}
