package requirements

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
)

func TestShippedSetsLoad(t *testing.T) {
	r, err := Shipped()
	if err != nil {
		t.Fatalf("shipped sets do not load:\n%v", err)
	}
	if len(r.IDs()) == 0 {
		t.Fatal("no shipped sets")
	}
}

// versionOf parses a shipped set with its version and effective dates
// replaced.
func versionOf(t *testing.T, file, version, from, to string) *Set {
	t.Helper()
	data, err := shippedFiles.ReadFile("sets/" + file)
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`(?m)^version: .*$`).ReplaceAllString(string(data), "version: "+version)
	text = regexp.MustCompile(`(?m)^effective_from: .*$`).ReplaceAllString(text, "effective_from: "+from)
	if to != "" {
		text = regexp.MustCompile(`(?m)^effective_from: .*$`).ReplaceAllString(text, "effective_from: "+from+"\neffective_to: "+to)
	}
	s, err := Parse("upload.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWithSupersedesOpenEndedVersion(t *testing.T) {
	base, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	old := base.Latest("florida-sex-therapist")
	next := versionOf(t, "florida-sex-therapist.yaml", "2027", "2027-01-01", "")
	r, err := base.With(next)
	if err != nil {
		t.Fatal(err)
	}
	vs := r.Versions("florida-sex-therapist")
	if len(vs) != 2 || vs[0].Version != old.Version || vs[0].EffectiveTo.String() != "2026-12-31" || vs[1] != next {
		t.Fatalf("versions after With: %+v", vs)
	}
	if !old.EffectiveTo.IsZero() || len(base.Versions("florida-sex-therapist")) != 1 {
		t.Fatal("With changed the registry it was called on")
	}
	if got, _ := r.At("florida-sex-therapist", date.MustParse("2026-06-01")); got.Version != old.Version {
		t.Fatalf("2026-06-01: %s", got.Version)
	}
	if got, _ := r.At("florida-sex-therapist", date.MustParse("2027-03-01")); got != next {
		t.Fatalf("2027-03-01: %s", got.Version)
	}
	if len(r.IDs()) != len(base.IDs()) {
		t.Fatal("other sets lost")
	}
}

func TestWithRefusesOverlapAndDuplicateVersion(t *testing.T) {
	base, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	cur := base.Latest("florida-sex-therapist")
	for name, tc := range map[string]struct {
		set  *Set
		want string
	}{
		"starts with the current version":   {versionOf(t, "florida-sex-therapist.yaml", "2027", cur.EffectiveFrom.String(), ""), "overlaps"},
		"starts before the current version": {versionOf(t, "florida-sex-therapist.yaml", "2024", cur.EffectiveFrom.AddYears(-1).String(), ""), "overlaps"},
		"same version string":               {versionOf(t, "florida-sex-therapist.yaml", cur.Version, "2027-01-01", ""), "already has a version"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := base.With(tc.set)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("%T is not Problems", err)
			}
		})
	}
	// A closed earlier version followed by a new one is accepted as is.
	early := versionOf(t, "florida-sex-therapist.yaml", "2027", "2027-01-01", "2027-12-31")
	r, err := base.With(early)
	if err != nil {
		t.Fatal(err)
	}
	later := versionOf(t, "florida-sex-therapist.yaml", "2028", "2028-01-01", "")
	r2, err := r.With(later)
	if err != nil {
		t.Fatal(err)
	}
	if vs := r2.Versions("florida-sex-therapist"); len(vs) != 3 || vs[1].EffectiveTo.String() != "2027-12-31" {
		t.Fatalf("%+v", vs)
	}
}
