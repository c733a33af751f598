package web

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
)

// TestClinicalHoursFocusForm renders the form for clinical hours with a box
// for each focus, stores the boxes ticked, ticks them again when the item
// is edited, and shows a focus outside the choices as an error of the field.
func TestClinicalHoursFocusForm(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := appStart(t, s, c, "aasect-cst")

	rec := getAs(t, h, appPath(id, "/evidence/clinical_hours/new"), c)
	for _, v := range []string{"sexual", "relationship", "other"} {
		box := `<input type="checkbox" id="f-focus-` + v + `" name="focus" value="` + v + `">`
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), box) {
			t.Fatalf("the form has no box %s: %d\n%s", box, rec.Code, rec.Body)
		}
	}

	bad := url.Values{"version": {"1"}, "date": {"2025-03-02"}, "hours": {"6"}, "modality": {"in_person"}, "focus": {"sexual", "couples"}}
	rec = postForm(t, h, appPath(id, "/evidence/clinical_hours"), bad, c)
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-focus-error"`) || !strings.Contains(body, "is not one of sexual, relationship, other") {
		t.Fatalf("a focus outside the choices: %d\n%s", rec.Code, body)
	}

	good := url.Values{"version": {"1"}, "date": {"2025-03-02"}, "hours": {"6"}, "modality": {"in_person"}, "focus": {"sexual", "relationship"}}
	if rec := postForm(t, h, appPath(id, "/evidence/clinical_hours"), good, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	_, p := appLoad(t, st, id)
	if len(p.ClinicalHours) != 1 || !reflect.DeepEqual(p.ClinicalHours[0].Focus, []string{"sexual", "relationship"}) {
		t.Fatalf("stored: %+v", p.ClinicalHours)
	}

	rec = getAs(t, h, appPath(id, "/evidence/clinical_hours/"+p.ClinicalHours[0].ID+"/edit"), c)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `value="sexual" checked>`) || !strings.Contains(body, `value="relationship" checked>`) || strings.Contains(body, `value="other" checked>`) {
		t.Fatalf("edit form: %d\n%s", rec.Code, body)
	}
}
