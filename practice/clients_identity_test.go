package practice

import (
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
)

var today = date.MustParse("2026-05-04")

// goodInput is a complete, valid identity.
func goodInput() IdentityInput {
	return IdentityInput{Name: "Alex Rivera", PreferredName: "Lex", DateOfBirth: "1990-04-23", Pronouns: "they/them",
		GenderIdentity: "non-binary", Email: "alex@example.org", Phone: "+1 305 555 0142",
		EmergencyName: "Sam Rivera", EmergencyPhone: "(305) 555-0199", EmergencyRelationship: "sibling"}
}

func TestCheckIdentity(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*IdentityInput)
		field string // "" when accepted
		says  string // part of the field's message
	}{
		{"complete", func(*IdentityInput) {}, "", ""},
		{"only a name, a date of birth and an e-mail", func(in *IdentityInput) {
			*in = IdentityInput{Name: "Alex Rivera", DateOfBirth: "1990-04-23", Email: "alex@example.org"}
		}, "", ""},
		{"only a phone", func(in *IdentityInput) { in.Email = "" }, "", ""},
		{"no name", func(in *IdentityInput) { in.Name = "   " }, "name", "full name"},
		{"name of 200 characters", func(in *IdentityInput) { in.Name = strings.Repeat("é", 200) }, "", ""},
		{"name of 201 characters", func(in *IdentityInput) { in.Name = strings.Repeat("é", 201) }, "name", "at most 200"},
		{"name with a line break", func(in *IdentityInput) { in.Name = "Alex\nRivera" }, "name", "control characters"},
		{"name not UTF-8", func(in *IdentityInput) { in.Name = "Alex \xff" }, "name", "control characters"},
		{"preferred name too long", func(in *IdentityInput) { in.PreferredName = strings.Repeat("a", 201) }, "preferred_name", "at most 200"},
		{"pronouns of 100", func(in *IdentityInput) { in.Pronouns = strings.Repeat("a", 100) }, "", ""},
		{"pronouns of 101", func(in *IdentityInput) { in.Pronouns = strings.Repeat("a", 101) }, "pronouns", "at most 100"},
		{"own words for gender identity", func(in *IdentityInput) { in.GenderIdentity = "demigirl" }, "", ""},
		{"gender identity of 101", func(in *IdentityInput) { in.GenderIdentity = strings.Repeat("a", 101) }, "gender_identity", "at most 100"},
		{"no date of birth", func(in *IdentityInput) { in.DateOfBirth = "" }, "date_of_birth", "YYYY-MM-DD"},
		{"date of birth in another form", func(in *IdentityInput) { in.DateOfBirth = "23/04/1990" }, "date_of_birth", "not a real date"},
		{"impossible day", func(in *IdentityInput) { in.DateOfBirth = "1990-02-30" }, "date_of_birth", "not a real date"},
		{"born today", func(in *IdentityInput) { in.DateOfBirth = "2026-05-04" }, "date_of_birth", "not in the past"},
		{"born tomorrow", func(in *IdentityInput) { in.DateOfBirth = "2026-05-05" }, "date_of_birth", "not in the past"},
		{"born yesterday", func(in *IdentityInput) { in.DateOfBirth = "2026-05-03" }, "", ""},
		{"120 today", func(in *IdentityInput) { in.DateOfBirth = "1906-05-04" }, "", ""},
		{"121 tomorrow: still 120", func(in *IdentityInput) { in.DateOfBirth = "1905-05-05" }, "", ""},
		{"121 today", func(in *IdentityInput) { in.DateOfBirth = "1905-05-04" }, "date_of_birth", "older than 120"},
		{"no contact", func(in *IdentityInput) { in.Email, in.Phone = "", "" }, "email", "e-mail address or a phone number"},
		{"e-mail with a display name", func(in *IdentityInput) { in.Email = "Alex <alex@example.org>" }, "email", "just an e-mail address"},
		{"e-mail without a domain dot", func(in *IdentityInput) { in.Email = "alex@localhost" }, "email", "just an e-mail address"},
		{"e-mail without @", func(in *IdentityInput) { in.Email = "alex.example.org" }, "email", "just an e-mail address"},
		{"e-mail of 255", func(in *IdentityInput) { in.Email = strings.Repeat("a", 243) + "@example.org" }, "email", "just an e-mail address"},
		{"phone of 7 digits", func(in *IdentityInput) { in.Phone = "555-0142" }, "", ""},
		{"phone of 6 digits", func(in *IdentityInput) { in.Phone = "55-0142" }, "phone", "7 to 15 digits (this has 6)"},
		{"phone of 15 digits", func(in *IdentityInput) { in.Phone = "+123 456 789 012 345" }, "", ""},
		{"phone of 16 digits", func(in *IdentityInput) { in.Phone = "+123 456 789 012 3456" }, "phone", "7 to 15 digits (this has 16)"},
		{"phone with letters", func(in *IdentityInput) { in.Phone = "305 CALL NOW" }, "phone", "not a phone number"},
		{"phone with + inside", func(in *IdentityInput) { in.Phone = "305+5550142" }, "phone", "not a phone number"},
		{"no emergency contact", func(in *IdentityInput) {
			in.EmergencyName, in.EmergencyPhone, in.EmergencyRelationship = "", "", ""
		}, "", ""},
		{"emergency contact without a phone", func(in *IdentityInput) { in.EmergencyPhone = "" }, "emergency_phone", "leave all three"},
		{"emergency contact without a name", func(in *IdentityInput) { in.EmergencyName = "" }, "emergency_name", "leave all three"},
		{"emergency contact without a relationship", func(in *IdentityInput) { in.EmergencyRelationship = "" }, "emergency_relationship", "how the emergency contact is related"},
		{"emergency phone wrong", func(in *IdentityInput) { in.EmergencyPhone = "call me" }, "emergency_phone", "not a phone number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := goodInput()
			tc.edit(&in)
			id, err := CheckIdentity(in, today)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if id.DateOfBirth.IsZero() || id.Name == "" {
					t.Fatalf("accepted without a name or date of birth: %+v", id)
				}
				return
			}
			e := certboard.As(err)
			if e == nil || e.Code != certboard.Invalid {
				t.Fatalf("got %v, want Invalid", err)
			}
			msg, ok := e.Fields[tc.field]
			if !ok || !strings.HasPrefix(msg, tc.field+": ") || !strings.Contains(msg, tc.says) {
				t.Fatalf("fields %v: want %s saying %q", e.Fields, tc.field, tc.says)
			}
			if !strings.Contains(e.Message, msg) {
				t.Errorf("message %q does not say %q", e.Message, msg)
			}
			if id != (Identity{}) {
				t.Errorf("a refused identity came back filled: %+v", id)
			}
		})
	}
}

func TestCheckIdentityTrimsAndNamesEveryField(t *testing.T) {
	in := goodInput()
	in.Name = "  Alex   Rivera "
	in.Email = " alex@example.org "
	id, err := CheckIdentity(in, today)
	if err != nil {
		t.Fatal(err)
	}
	if id.Name != "Alex Rivera" || id.Email != "alex@example.org" || id.DateOfBirth != date.MustParse("1990-04-23") {
		t.Fatalf("got %+v", id)
	}
	if got := id.Input(); got.Name != "Alex Rivera" || got.DateOfBirth != "1990-04-23" || got.EmergencyRelationship != "sibling" {
		t.Errorf("Input() = %+v", got)
	}
	// Everything wrong at once: every field is named, in form order.
	_, err = CheckIdentity(IdentityInput{Name: "", DateOfBirth: "tomorrow", Phone: "x", EmergencyName: "Sam"}, today)
	e := certboard.As(err)
	for _, f := range []string{"name", "date_of_birth", "phone", "emergency_phone", "emergency_relationship"} {
		if _, ok := e.Fields[f]; !ok {
			t.Errorf("%s not named in %v", f, e.Fields)
		}
	}
	if e.Field != "name" || !strings.HasPrefix(e.Message, "name: ") {
		t.Errorf("first field %q, message %q", e.Field, e.Message)
	}
}

func TestAgeOn(t *testing.T) {
	for _, tc := range []struct {
		dob, on string
		want    int
	}{
		{"2008-05-04", "2026-05-03", 17},
		{"2008-05-04", "2026-05-04", 18},
		{"2008-02-29", "2026-02-28", 17},
		{"2008-02-29", "2026-03-01", 18},
		{"1990-04-23", "2026-05-04", 36},
	} {
		id := Identity{DateOfBirth: date.MustParse(tc.dob)}
		if got := id.AgeOn(date.MustParse(tc.on)); got != tc.want {
			t.Errorf("born %s, on %s: %d, want %d", tc.dob, tc.on, got, tc.want)
		}
	}
}

func TestChangedFields(t *testing.T) {
	a, _ := CheckIdentity(goodInput(), today)
	b := a
	if got := changedFields(a, b); len(got) != 0 {
		t.Errorf("unchanged: %v", got)
	}
	b.Phone, b.Emergency.Relationship = "555 0100 99", "partner"
	if got := strings.Join(changedFields(a, b), ","); got != "phone,emergency_relationship" {
		t.Errorf("changed: %s", got)
	}
}

func TestSameName(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Alex Rivera", "alex  rivera", true},
		{" Alex Rivera ", "ALEX RIVERA", true},
		{"Alex Rivera", "Alex Rivers", false},
		{"Alex Rivera", "Alex", false},
	} {
		if got := sameName(tc.a, tc.b); got != tc.want {
			t.Errorf("sameName(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestCheckConsentText(t *testing.T) {
	body := strings.Repeat("x", MinConsentBody)
	for _, tc := range []struct {
		name, title, body, field string
	}{
		{"good", "Consent to treatment", body, ""},
		{"body one short", "Consent", body[1:], "body"},
		{"body at the maximum", "Consent", strings.Repeat("x", MaxConsentBody), ""},
		{"body over the maximum", "Consent", strings.Repeat("x", MaxConsentBody+1), "body"},
		{"body with a control character", "Consent", body + "\x07", "body"},
		{"body with lines and tabs", "Consent", body + "\r\n\tSigned.", ""},
		{"no title", " ", body, "title"},
		{"title at the maximum", strings.Repeat("t", MaxConsentTitle), body, ""},
		{"title over the maximum", strings.Repeat("t", MaxConsentTitle+1), body, "title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, gotBody, err := checkConsentText(tc.title, tc.body)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(gotBody, "\r") {
					t.Errorf("CRLF kept: %q", gotBody)
				}
				return
			}
			if e := certboard.As(err); e == nil || e.Code != certboard.Invalid || e.Fields[tc.field] == "" {
				t.Fatalf("got %v, want %s refused", err, tc.field)
			}
		})
	}
}

func TestCheckReason(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		ok       bool
	}{
		{"19 characters", strings.Repeat("a", 19), false},
		{"20 characters", strings.Repeat("a", 20), true},
		{"20 after trimming 22", " " + strings.Repeat("a", 20) + " ", true},
		{"19 after trimming 21", " " + strings.Repeat("a", 19) + " ", false},
		{"2000", strings.Repeat("a", 2000), true},
		{"2001", strings.Repeat("a", 2001), false},
		{"lines", "Client called in crisis;\nneeds the safety plan now", true},
		{"a control character", "Client called in crisis\x00 needs the plan", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkReason("reason", tc.in, MinEmergencyReason, MaxEmergencyReason)
			if (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
			if err != nil && certboard.As(err).Field != "reason" {
				t.Errorf("field %q", certboard.As(err).Field)
			}
		})
	}
}

func TestInForce(t *testing.T) {
	at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	signed := Consent{ID: 2, SignedAt: at}
	withdrawn := Consent{ID: 3, SignedAt: at, WithdrawnAt: at.Add(time.Hour)}
	if inForce(nil) != nil {
		t.Error("no consents, one in force")
	}
	if c := inForce([]Consent{signed, {ID: 1}}); c == nil || c.ID != 2 {
		t.Errorf("newest signed: %v", c)
	}
	if c := inForce([]Consent{withdrawn, signed}); c != nil {
		t.Errorf("newest withdrawn, yet %d in force", c.ID)
	}
}

func TestEmergencyGrantLiveAt(t *testing.T) {
	at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	g := EmergencyGrant{GrantedAt: at, ExpiresAt: at.Add(EmergencyAccessFor)}
	for _, tc := range []struct {
		t    time.Time
		want bool
	}{
		{at.Add(-time.Nanosecond), false},
		{at, true},
		{at.Add(EmergencyAccessFor - time.Nanosecond), true},
		{at.Add(EmergencyAccessFor), false},
	} {
		if got := g.LiveAt(tc.t); got != tc.want {
			t.Errorf("LiveAt(%s) = %v", tc.t, got)
		}
	}
}

func TestParseSigner(t *testing.T) {
	for _, s := range []string{"client", "guardian"} {
		if got, err := ParseSigner(s); err != nil || string(got) != s {
			t.Errorf("ParseSigner(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseSigner("parent"); certboard.ErrorCode(err) != certboard.Invalid {
		t.Errorf("parent: %v", err)
	}
}
