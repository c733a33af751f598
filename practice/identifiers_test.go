package practice_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/practice/superbill"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

// idEnv is a practice over a fresh SQLite store (practicesql's tests run
// both engines) with two practitioners, an admin, a person who is both
// and one with no role.
type idEnv struct {
	p                         *practice.Practice
	st                        *practicesql.Store
	pat, sam, admin, both, no practice.Actor
}

func newIDEnv(t *testing.T) *idEnv {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.Open(ctx, sqldb.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := certboard.NewFixedClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	e := &idEnv{st: practicesql.New(db, keys)}
	if _, err := e.st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if e.p, err = practice.New(practice.Config{Store: practicesql.ForPractice{Store: e.st}, Clock: clock}); err != nil {
		t.Fatal(err)
	}
	person := func(name string, roles ...auth.Role) practice.Actor {
		id, err := e.st.CreateUser(ctx, auth.User{Email: strings.ToLower(strings.Fields(name)[0]) + "@practice.example", Name: name,
			PasswordHash: "unused", Roles: roles, CreatedAt: clock.Now(), EmailVerifiedAt: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		u, err := e.st.UserByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return practice.ActorOf(u)
	}
	e.pat = person("Pat Lindqvist", auth.Practitioner)
	e.sam = person("Sam Osei", auth.Practitioner)
	e.admin = person("Ada Admin", auth.PracticeAdmin)
	e.both = person("Bo Both", auth.Practitioner, auth.PracticeAdmin)
	e.no = person("Nia Norole")
	return e
}

// audits returns the entries of an action, oldest first.
func (e *idEnv) audits(t *testing.T, action string) []audit.Entry {
	t.Helper()
	es, err := e.st.AuditLog().Entries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(es, func(x audit.Entry) bool { return x.Action != action })
}

var (
	goodPractice = practice.PracticeIdentifiersInput{Name: "  Lakeview   Couples Clinic ", Address: " 1200 N Lake Shore Dr \r\n\n Chicago, IL 60610 ",
		Phone: "(312) 555-0142", NPI: "1234567893", TaxID: "364512789", TimeZone: " America/Chicago "}
	goodPractitioner = practice.PractitionerIdentifiersInput{LicenceType: "LMFT", LicenceNumber: " LMFT-0158342 ", LicenceState: "il", NPI: "1234567893"}
)

// fieldsOf returns the fields an Invalid error names, sorted.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	e := certboard.As(err)
	if e == nil || e.Code != certboard.Invalid {
		t.Fatalf("%v, want Invalid", err)
	}
	return slices.Sorted(maps.Keys(e.Fields))
}

func TestCheckIdentifiers(t *testing.T) {
	pi, err := practice.CheckPracticeIdentifiers(goodPractice)
	if err != nil {
		t.Fatal(err)
	}
	if pi.Name != "Lakeview Couples Clinic" || pi.Address != "1200 N Lake Shore Dr\nChicago, IL 60610" || pi.TaxID != "36-4512789" ||
		pi.TimeZone != "America/Chicago" || len(pi.Missing()) != 0 {
		t.Errorf("trimmed: %+v", pi)
	}
	// The name and the time zone are all a practice must give; a
	// superbill waits for the rest.
	named, err := practice.CheckPracticeIdentifiers(practice.PracticeIdentifiersInput{Name: "Lakeview", TimeZone: "UTC"})
	if err != nil || !slices.Equal(named.Missing(), []string{"address", "phone", "tax_id"}) {
		t.Errorf("a name and a zone alone: %+v (missing %v), %v", named, named.Missing(), err)
	}
	for _, tc := range []struct {
		name   string
		change func(in *practice.PracticeIdentifiersInput)
		want   []string
	}{
		{"no name", func(in *practice.PracticeIdentifiersInput) { in.Name = "" }, []string{"name"}},
		{"no address is fine", func(in *practice.PracticeIdentifiersInput) { in.Address = "\n" }, nil},
		{"address too long", func(in *practice.PracticeIdentifiersInput) { in.Address = "1\n2\n3\n4\n5\n6" }, []string{"address"}},
		{"no phone is fine", func(in *practice.PracticeIdentifiersInput) { in.Phone = " " }, nil},
		{"bad phone", func(in *practice.PracticeIdentifiersInput) { in.Phone = "ring us" }, []string{"phone"}},
		{"bad NPI", func(in *practice.PracticeIdentifiersInput) { in.NPI = "1234567890" }, []string{"npi"}},
		{"no NPI is fine", func(in *practice.PracticeIdentifiersInput) { in.NPI = "" }, nil},
		{"no tax id is fine", func(in *practice.PracticeIdentifiersInput) { in.TaxID = "" }, nil},
		{"bad tax id", func(in *practice.PracticeIdentifiersInput) { in.TaxID = "36-45127" }, []string{"tax_id"}},
		{"name with a line break", func(in *practice.PracticeIdentifiersInput) { in.Name = "Lakeview\nClinic" }, []string{"name"}},
		{"no time zone", func(in *practice.PracticeIdentifiersInput) { in.TimeZone = "" }, []string{"time_zone"}},
		{"unknown time zone", func(in *practice.PracticeIdentifiersInput) { in.TimeZone = "Chicago" }, []string{"time_zone"}},
		{"the server's zone", func(in *practice.PracticeIdentifiersInput) { in.TimeZone = "Local" }, []string{"time_zone"}},
		{"all", func(in *practice.PracticeIdentifiersInput) { *in = practice.PracticeIdentifiersInput{} },
			[]string{"name", "time_zone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := goodPractice
			tc.change(&in)
			_, err := practice.CheckPracticeIdentifiers(in)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := fieldsOf(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
		})
	}
	own, err := practice.CheckPractitionerIdentifiers(goodPractitioner)
	if err != nil || own.LicenceState != "IL" || own.LicenceNumber != "LMFT-0158342" {
		t.Fatalf("%+v, %v", own, err)
	}
	for _, tc := range []struct {
		name   string
		change func(in *practice.PractitionerIdentifiersInput)
		want   []string
	}{
		{"no licence type", func(in *practice.PractitionerIdentifiersInput) { in.LicenceType = " " }, []string{"licence_type"}},
		{"bad licence number", func(in *practice.PractitionerIdentifiersInput) { in.LicenceNumber = "#12" }, []string{"licence_number"}},
		{"unknown state", func(in *practice.PractitionerIdentifiersInput) { in.LicenceState = "Illinois" }, []string{"licence_state"}},
		{"no NPI", func(in *practice.PractitionerIdentifiersInput) { in.NPI = "" }, []string{"npi"}},
		{"NPI check digit", func(in *practice.PractitionerIdentifiersInput) { in.NPI = "1234567898" }, []string{"npi"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := goodPractitioner
			tc.change(&in)
			_, err := practice.CheckPractitionerIdentifiers(in)
			if got := fieldsOf(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSetPracticeIdentifiers(t *testing.T) {
	ctx := context.Background()
	e := newIDEnv(t)
	// Only admins edit them.
	for _, by := range []practice.Actor{e.pat, e.no} {
		if _, err := e.p.SetPracticeIdentifiers(ctx, by, goodPractice, 0); certboard.ErrorCode(err) != certboard.Forbidden {
			t.Errorf("%s: %v, want Forbidden", by.Name, err)
		}
	}
	// A bad NPI is refused by field, and nothing is saved.
	bad := goodPractice
	bad.NPI = "1234567890"
	if _, err := e.p.SetPracticeIdentifiers(ctx, e.admin, bad, 0); !slices.Equal(fieldsOf(t, err), []string{"npi"}) {
		t.Errorf("bad NPI: %v", err)
	}
	if pi, err := e.p.PracticeIdentifiers(ctx, e.admin); err != nil || pi.Version != 0 {
		t.Fatalf("after a refusal: %+v, %v", pi, err)
	}
	v, err := e.p.SetPracticeIdentifiers(ctx, e.admin, goodPractice, 0)
	if err != nil || v != 1 {
		t.Fatalf("first save: %d, %v", v, err)
	}
	// Practitioners read them (their superbills print them); others not.
	pi, err := e.p.PracticeIdentifiers(ctx, e.pat)
	if err != nil || pi.Name != "Lakeview Couples Clinic" || pi.TaxID != "36-4512789" || pi.UpdatedBy != e.admin.UserID || pi.Version != 1 ||
		pi.TimeZone != "America/Chicago" {
		t.Fatalf("read by a practitioner: %+v, %v", pi, err)
	}
	if _, err := e.p.PracticeIdentifiers(ctx, e.no); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Errorf("read by no role: %v", err)
	}
	if got := pi.Superbill(); got.Name != pi.Name || got.TaxID != pi.TaxID || got.NPI != pi.NPI {
		t.Errorf("Superbill() = %+v", got)
	}
	// A stale version is a conflict, and changes nothing.
	changed := goodPractice
	changed.Phone = "(312) 555-0199"
	if _, err := e.p.SetPracticeIdentifiers(ctx, e.both, changed, 0); certboard.ErrorCode(err) != certboard.Conflict {
		t.Errorf("stale: %v, want Conflict", err)
	}
	if v, err = e.p.SetPracticeIdentifiers(ctx, e.both, changed, 1); err != nil || v != 2 {
		t.Fatalf("second save: %d, %v", v, err)
	}
	es := e.audits(t, "practice.identifiers.update")
	if len(es) != 2 || es[1].Actor != e.both.AuditName() || es[1].Subject != "practice" {
		t.Fatalf("audit: %+v", es)
	}
	var after struct {
		Version int      `json:"version"`
		Changed []string `json:"changed"`
	}
	if err := json.Unmarshal([]byte(es[1].After), &after); err != nil || after.Version != 2 || !slices.Equal(after.Changed, []string{"phone"}) {
		t.Errorf("audit after %q: %+v, %v", es[1].After, after, err)
	}
	if strings.Contains(es[0].After+es[1].After, "4512789") {
		t.Error("the audit log holds the tax id")
	}
	// The address, phone and tax id may wait: saved without them, they
	// read back empty (the tax id unsealed) and a superbill waits for them.
	partial := practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic", TimeZone: "America/Chicago"}
	if v, err = e.p.SetPracticeIdentifiers(ctx, e.admin, partial, 2); err != nil || v != 3 {
		t.Fatalf("a save without address, phone and tax id: %d, %v", v, err)
	}
	pi, err = e.p.PracticeIdentifiers(ctx, e.admin)
	if err != nil || pi.Address != "" || pi.Phone != "" || pi.TaxID != "" || pi.NPI != "" ||
		!slices.Equal(pi.Missing(), []string{"address", "phone", "tax_id"}) {
		t.Fatalf("read back: %+v, %v", pi, err)
	}
	if es = e.audits(t, "practice.identifiers.update"); !strings.Contains(es[2].After, `"changed":["address","phone","npi","tax_id"]`) {
		t.Errorf("audit of the partial save: %s", es[2].After)
	}
}

func TestSetOwnIdentifiers(t *testing.T) {
	ctx := context.Background()
	e := newIDEnv(t)
	// An admin who is no practitioner has no licence to give; someone
	// with no role neither.
	for _, by := range []practice.Actor{e.admin, e.no} {
		if _, err := e.p.SetOwnIdentifiers(ctx, by, goodPractitioner, 0); certboard.ErrorCode(err) != certboard.Forbidden {
			t.Errorf("%s: %v, want Forbidden", by.Name, err)
		}
	}
	bad := goodPractitioner
	bad.NPI = "1234567890"
	if _, err := e.p.SetOwnIdentifiers(ctx, e.pat, bad, 0); !slices.Equal(fieldsOf(t, err), []string{"npi"}) {
		t.Errorf("bad NPI: %v", err)
	}
	v, err := e.p.SetOwnIdentifiers(ctx, e.pat, goodPractitioner, 0)
	if err != nil || v != 1 {
		t.Fatalf("first save: %d, %v", v, err)
	}
	// Pat's save is Pat's: Sam's identifiers are still unsaved.
	if pi, err := e.p.PractitionerIdentifiers(ctx, e.sam, e.sam.UserID); err != nil || pi.Version != 0 || pi.Name != "Sam Osei" {
		t.Fatalf("Sam's own: %+v, %v", pi, err)
	}
	// A practitioner sees only their own; an admin sees everyone's.
	if _, err := e.p.PractitionerIdentifiers(ctx, e.sam, e.pat.UserID); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Errorf("Sam reading Pat's: %v, want Forbidden", err)
	}
	pi, err := e.p.PractitionerIdentifiers(ctx, e.admin, e.pat.UserID)
	if err != nil || pi.Name != "Pat Lindqvist" || pi.LicenceState != "IL" || pi.NPI != "1234567893" || !pi.Complete() {
		t.Fatalf("the admin reading Pat's: %+v, %v", pi, err)
	}
	if _, err := e.p.PractitionerIdentifiers(ctx, e.admin, e.admin.UserID); certboard.ErrorCode(err) != certboard.NotFound {
		t.Errorf("an admin who is no practitioner: %v, want NotFound", err)
	}
	if sb := pi.Superbill(); sb != (superbill.Practitioner{Name: "Pat Lindqvist", LicenceType: "LMFT", LicenceNumber: "LMFT-0158342",
		LicenceState: "IL", NPI: "1234567893"}) {
		t.Errorf("Superbill() = %+v", sb)
	}
	all, err := e.p.AllPractitionerIdentifiers(ctx, e.admin)
	if err != nil || len(all) != 3 {
		t.Fatalf("all: %+v, %v", all, err)
	}
	for _, x := range all {
		if (x.UserID == e.pat.UserID) != x.Complete() {
			t.Errorf("%s: complete %v", x.Name, x.Complete())
		}
	}
	if _, err := e.p.AllPractitionerIdentifiers(ctx, e.pat); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Errorf("a practitioner listing all: %v", err)
	}
	// Stale, then a change of state.
	changed := goodPractitioner
	changed.LicenceState = "WI"
	if _, err := e.p.SetOwnIdentifiers(ctx, e.pat, changed, 0); certboard.ErrorCode(err) != certboard.Conflict {
		t.Errorf("stale: %v, want Conflict", err)
	}
	if v, err = e.p.SetOwnIdentifiers(ctx, e.pat, changed, 1); err != nil || v != 2 {
		t.Fatalf("second save: %d, %v", v, err)
	}
	es := e.audits(t, "practitioner.identifiers.update")
	if len(es) != 2 || es[1].Subject != e.pat.AuditName() || !strings.Contains(es[1].After, `"changed":["licence_state"]`) {
		t.Fatalf("audit: %+v", es)
	}
}
