package verification

import "testing"

func TestStatusAndLookup(t *testing.T) {
	cases := []struct {
		outcomes []Outcome
		want     string
	}{
		{nil, "could_not_check"},
		{[]Outcome{Valid, Valid}, "valid"},
		{[]Outcome{Valid, CouldNotCheck}, "could_not_check"},
		{[]Outcome{CouldNotCheck, Invalid, Valid}, "invalid"},
		{[]Outcome{Valid, "something else"}, "could_not_check"},
	}
	for _, c := range cases {
		var cs Checks
		for i, o := range c.outcomes {
			cs = append(cs, Check{Name: string(rune('a' + i)), Outcome: o})
		}
		if got := cs.Status(); got != c.want {
			t.Errorf("%v: %s, want %s", c.outcomes, got, c.want)
		}
		if cs.Valid() != (c.want == "valid") {
			t.Errorf("%v: Valid() = %v", c.outcomes, cs.Valid())
		}
	}
	cs := Start("structure", "signature")
	if cs.Status() != "could_not_check" || cs[0].Detail != "not checked" {
		t.Fatalf("a started list: %+v", cs)
	}
	cs.Set("signature", Invalid, "signed by %s", "someone else")
	cs.Set("nope", Valid, "ignored")
	if c, ok := cs.Lookup("signature"); !ok || c.Outcome != Invalid || c.Detail != "signed by someone else" {
		t.Fatalf("Lookup: %+v %v", c, ok)
	}
	if _, ok := cs.Lookup("nope"); ok {
		t.Fatal("an unknown check was found")
	}
	if cs.Status() != "invalid" {
		t.Fatalf("status: %s", cs.Status())
	}
}
