package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
)

// TestApplicantEntersCasesAndExams: an applicant adds a case, with its
// focus ticked on checkboxes, and an examination through the forms; a
// refused case says which field to fix; the edit form comes back ticked.
func TestApplicantEntersCasesAndExams(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := appStart(t, s, c, "aasect-cst")

	rec := getAs(t, h, appPath(id, "/evidence/cases/new"), c)
	body := rec.Body.String()
	for _, want := range []string{`name="unit"`, `type="checkbox" id="f-focus-sexual" name="focus" value="sexual"`,
		`name="focus" value="relationship"`, `name="opened"`, `name="completed"`} {
		if rec.Code != 200 || !strings.Contains(body, want) {
			t.Fatalf("case form: %d, no %s\n%s", rec.Code, want, body)
		}
	}

	// Completed without the day it closed: refused at closed.
	bad := url.Values{"version": {"1"}, "unit": {"couple"}, "focus": {"sexual"}, "opened": {"2025-02-01"}, "completed": {"true"}}
	rec = postForm(t, h, appPath(id, "/evidence/cases"), bad, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="f-closed-error">a completed case needs closed, the day it ended`) {
		t.Fatalf("completed case without closed: %d\n%s", rec.Code, rec.Body)
	}

	good := url.Values{"version": {"1"}, "unit": {"couple"}, "focus": {"sexual", "relationship"}, "opened": {"2025-02-01"},
		"closed": {"2025-09-30"}, "completed": {"true"}, "description": {"Desire discrepancy"}}
	if rec := postForm(t, h, appPath(id, "/evidence/cases"), good, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("add case: %d %s", rec.Code, rec.Body)
	}
	_, p := appLoad(t, st, id)
	if len(p.Cases) != 1 || p.Cases[0].Unit != "couple" || strings.Join(p.Cases[0].Focus, ",") != "sexual,relationship" ||
		!p.Cases[0].Completed || p.Cases[0].Closed.String() != "2025-09-30" || p.Cases[0].ID != "case-1" {
		t.Fatalf("stored case: %+v", p.Cases)
	}
	rec = getAs(t, h, appPath(id, "/evidence/cases/case-1/edit"), c)
	body = rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `value="sexual" checked`) || !strings.Contains(body, `value="relationship" checked`) ||
		strings.Contains(body, `value="other" checked`) {
		t.Fatalf("case edit form: %d\n%s", rec.Code, body)
	}

	exam := url.Values{"version": {"2"}, "kind": {"exam"}, "code": {"ecps-written"}, "title": {"ECPS written examination"},
		"body": {"EFS-ESSM"}, "date": {"2025-11-20"}, "outcome": {"passed"}, "score": {"74"}, "valid_to": {"2029-11-19"}}
	if rec := postForm(t, h, appPath(id, "/evidence/exams"), exam, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("add exam: %d %s", rec.Code, rec.Body)
	}
	_, p = appLoad(t, st, id)
	if len(p.Exams) != 1 || p.Exams[0].Outcome != "passed" || p.Exams[0].Score != 74 || p.Exams[0].ID != "exam-1" {
		t.Fatalf("stored exam: %+v", p.Exams)
	}
}
