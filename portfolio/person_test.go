package portfolio

import (
	"reflect"
	"slices"
	"testing"
)

func TestDetails(t *testing.T) {
	want := []string{"name", "email", "country", "region", "city", "practice", "languages"}
	if got := Details(); !slices.Equal(got, want) {
		t.Fatalf("Details() = %v, want %v", got, want)
	}
}

func TestDifferentDetailsAndWithDetails(t *testing.T) {
	mine := Person{ID: "p1", Name: "Ana Souza", Email: "ana@example.org", Region: "FL", Practice: "Harbor Therapy", Languages: []string{"en", "pt"}}
	for _, tc := range []struct {
		name     string
		imported Person
		differ   []string
	}{
		{"the same but the id", Person{ID: "x9", Name: "Ana Souza", Email: "ana@example.org", Region: "FL", Practice: "Harbor Therapy", Languages: []string{"en", "pt"}}, nil},
		{"another name and no region", Person{ID: "x9", Name: "Ana S. Lima", Email: "ana@example.org", Practice: "Harbor Therapy", Languages: []string{"en", "pt"}}, []string{"name", "region"}},
		{"more details", Person{ID: "x9", Name: "Ana Souza", Email: "ana@work.example", Country: "US", Region: "FL", City: "Tampa", Practice: "Harbor Therapy", Languages: []string{"en"}},
			[]string{"email", "country", "city", "languages"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			differ := DifferentDetails(mine, tc.imported)
			if !slices.Equal(differ, tc.differ) {
				t.Fatalf("DifferentDetails = %v, want %v", differ, tc.differ)
			}
			// Keeping every detail that differs gives mine back, with the
			// imported id.
			kept := tc.imported.WithDetails(mine, differ)
			want := mine
			want.ID = tc.imported.ID
			if !reflect.DeepEqual(kept, want) {
				t.Errorf("keeping every detail: %+v, want %+v", kept, want)
			}
			if len(DifferentDetails(kept, mine)) != 0 {
				t.Errorf("kept details still differ: %v", DifferentDetails(kept, mine))
			}
			// Keeping none leaves the import as it is.
			if got := tc.imported.WithDetails(mine, nil); !reflect.DeepEqual(got, tc.imported) {
				t.Errorf("keeping nothing: %+v, want %+v", got, tc.imported)
			}
		})
	}
	// A list taken over is a copy: changing it leaves the source alone.
	got := Person{}.WithDetails(mine, []string{"languages", "id", "nonsense"})
	got.Languages[0] = "fr"
	if mine.Languages[0] != "en" || got.ID != "" {
		t.Errorf("WithDetails shares the list or took the id: %+v, %+v", mine, got)
	}
	if mine.Detail("languages") != "en, pt" || mine.Detail("region") != "FL" || mine.Detail("country") != "" || mine.Detail("id") != "" || mine.Detail("nope") != "" {
		t.Errorf("Detail: %q %q %q %q", mine.Detail("languages"), mine.Detail("region"), mine.Detail("country"), mine.Detail("id"))
	}
}
