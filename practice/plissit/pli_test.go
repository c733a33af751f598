package plissit

import "testing"

// TestPLIRecordCheck: a record holds something; each list is bounded in
// entries and length, one line an entry, none twice.
func TestPLIRecordCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		r      PLIRecord
		fields []string
	}{
		{"a topic only", PLIRecord{Topics: []string{"masturbation"}}, nil},
		{"a myth only", PLIRecord{Myths: []string{"erections must be spontaneous"}}, nil},
		{"information only", PLIRecord{Information: []string{"the sexual response cycle"}}, nil},
		{"nothing", PLIRecord{}, []string{"topics"}},
		{"empty lists", PLIRecord{Topics: []string{}, Myths: []string{}}, []string{"topics"}},
		{"an empty entry", PLIRecord{Topics: []string{"desire", " "}}, []string{"topics.1"}},
		{"an entry on two lines", PLIRecord{Myths: []string{"one\ntwo"}}, []string{"myths.0"}},
		{"an entry at the limit", PLIRecord{Information: []string{repeat("ø", MaxItem)}}, nil},
		{"an entry over the limit", PLIRecord{Information: []string{repeat("ø", MaxItem+1)}}, []string{"information.0"}},
		{"an entry not UTF-8", PLIRecord{Topics: []string{"\xff"}}, []string{"topics.0"}},
		{"an entry twice", PLIRecord{Topics: []string{"Desire", "desire "}}, []string{"topics.1"}},
		{"the same entry in two lists", PLIRecord{Topics: []string{"porn"}, Myths: []string{"porn"}}, nil},
		{"entries at the limit", PLIRecord{Topics: items(MaxItems)}, nil},
		{"entries over the limit", PLIRecord{Myths: items(MaxItems + 1)}, []string{"myths"}},
		{"a problem in each list", PLIRecord{Topics: []string{""}, Myths: []string{"a\rb"}, Information: items(MaxItems + 1)},
			[]string{"topics.0", "myths.0", "information"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantFields(t, tc.r.Check(), tc.fields...)
			var pre []string
			for _, f := range tc.fields {
				pre = append(pre, "pli."+f)
			}
			wantFields(t, tc.r.CheckAt("pli."), pre...)
		})
	}
}
