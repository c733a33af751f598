package part2

import (
	"strings"
	"testing"
)

// TestNotice: the notice is Statement 1 of 42 CFR 2.32(a)(1) as amended
// in 2024, whole: its opening, its three conditions and its closing.
func TestNotice(t *testing.T) {
	n := Notice()
	for _, want := range []string{
		"This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2).",
		"42 CFR 2.12(c)(5)", "42 CFR 2.64 or 2.65", "(i) Further use or disclosure", "(ii) You are a covered entity",
		"(iii) You have received the record", "45 CFR part 164, subparts A and E", "(see 42 CFR 2.31).",
	} {
		if !strings.Contains(n, want) {
			t.Errorf("the notice lacks %q", want)
		}
	}
	if len(Paragraphs()) != 5 || strings.Join(Paragraphs(), "\n\n") != n {
		t.Error("Paragraphs and Notice differ")
	}
	p := Paragraphs()
	p[0] = "changed"
	if Paragraphs()[0] == "changed" {
		t.Error("Paragraphs shares its slice")
	}
}
