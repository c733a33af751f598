package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
)

// casesWorld is a world whose server serves the clients and cases pages.
// New registers them (clientRoutes, caseRoutes); until it does, this
// registers them on the test's server.
func casesWorld(t *testing.T) *world {
	t.Helper()
	w := clientsWorld(t)
	for _, r := range w.s.Routes() {
		if r.Pattern == "GET /cases/{id}" {
			return w
		}
	}
	w.s.caseRoutes()
	w.h = w.s.Handler()
	return w
}

// casesConsentText is the consent text the test client signs.
const casesConsentText = "I consent to sex therapy with the practitioners of this practice. I understand what it involves, " +
	"that I may stop at any time, and how my records are kept and shared."

// casesClient registers a client of the practitioner's, who signs the
// consent to treatment, and returns its id.
func casesClient(t *testing.T, w *world) int64 {
	t.Helper()
	ctx := context.Background()
	prac := practice.ActorOf(w.users["practitioner"])
	id, err := w.s.practice.CreateClient(ctx, prac, practice.NewClient{Identity: practice.IdentityInput{
		Name: "Alex Rivera", DateOfBirth: "1990-04-23", Email: "alex@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	text, err := w.s.practice.PublishConsentText(ctx, practice.ActorOf(w.users["admin"]), "Consent to treatment", casesConsentText)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.practice.SignConsent(ctx, prac, practice.Signature{ClientID: id, TextID: text.ID, Signer: practice.SignerClient,
		SignedName: "Alex Rivera", Agreed: true}); err != nil {
		t.Fatal(err)
	}
	return id
}

// caseOpened is the case id an opening redirected to.
func caseOpened(t *testing.T, rec interface{ Header() http.Header }) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(rec.Header().Get("Location"), "/cases/%d", &id); err != nil {
		t.Fatalf("redirected to %q: %v", rec.Header().Get("Location"), err)
	}
	return id
}

// TestCaseRoutesRules pins the access rule of every cases route.
func TestCaseRoutesRules(t *testing.T) {
	w := casesWorld(t)
	rules := map[string]string{}
	for _, r := range w.s.Routes() {
		rules[r.Pattern] = r.Access.String()
	}
	const staff, prac = "practitioner or practice admin", "practitioner"
	want := map[string]string{
		"GET /clients/{id}/cases":                  staff,
		"POST /clients/{id}/cases":                 prac,
		"GET /cases/{id}":                          staff,
		"POST /cases/{id}/stage":                   prac,
		"POST /cases/{id}/concerns":                prac,
		"POST /cases/{id}/comorbidities":           prac,
		"POST /cases/{id}/comorbidities/{cid}/end": prac,
		"POST /cases/{id}/referrals":               prac,
		"POST /cases/{id}/referrals/{rid}/status":  prac,
		"POST /cases/{id}/referrals/drafts":        prac,
		"GET /cases/{id}/referrals/{rid}":          prac,
		"POST /cases/{id}/referrals/{rid}/choose":  prac,
		"GET /cases/{id}/referrals/{rid}/letter":   prac,
		"POST /cases/{id}/close":                   prac,
		"GET /cases/{id}/history":                  staff,
		"POST /cases/{id}/history":                 prac,
		"GET /cases/{id}/plan":                     staff,
		"POST /cases/{id}/plan":                    prac,
	}
	for pattern, rule := range want {
		if rules[pattern] != rule {
			t.Errorf("%s: rule %q, want %q", pattern, rules[pattern], rule)
		}
	}
	for pattern := range rules {
		// A case's measures are the measures area's routes, pinned in
		// measures_test.go.
		if strings.Contains(pattern, "/measures") {
			continue
		}
		if (strings.Contains(pattern, " /cases") || strings.HasSuffix(pattern, "/cases")) && want[pattern] == "" {
			t.Errorf("%s has no expectation here", pattern)
		}
	}
}

// TestCaseRoutesAsEveryRole calls every cases route as each kind of
// person, on a case of the practitioner's client: the guard answers by
// rule, nothing answers a server error, and nobody but the client's
// practitioner sees the case.
func TestCaseRoutesAsEveryRole(t *testing.T) {
	w := casesWorld(t)
	client := casesClient(t, w)
	const secret = "SECRET-REASON-OF-THE-OPENING"
	id, err := w.s.practice.OpenCase(context.Background(), practice.ActorOf(w.users["practitioner"]), client, practice.NewCase{Reason: secret})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"version": {"999"}}
	for _, r := range w.s.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if !strings.HasPrefix(path, "/cases") && !strings.HasSuffix(path, "/cases") {
			continue
		}
		path = strings.NewReplacer("{id}", fmt.Sprint(id), "{case}", fmt.Sprint(id), "{cid}", "1", "{rid}", "1").Replace(path)
		if strings.HasPrefix(path, "/clients/") {
			path = fmt.Sprintf("/clients/%d/cases", client)
		}
		if rec := w.do(t, method, path, form); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
			t.Errorf("%s anonymously: %d %s", r.Pattern, rec.Code, rec.Header().Get("Location"))
		}
		for _, who := range []string{"admin", "practitioner", "both", "nofactor", "noadmin2fa", "norole"} {
			u := w.users[who]
			rec := w.do(t, method, path, form, w.session(t, who))
			body := rec.Body.String()
			switch {
			case rec.Code >= 500:
				t.Errorf("%s as %s: %d %s", r.Pattern, who, rec.Code, body)
			case !r.Access.Allows(u):
				if rec.Code != http.StatusForbidden {
					t.Errorf("%s as %s: %d, want 403", r.Pattern, who, rec.Code)
				}
			case !u.TwoFactor():
				if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/two-factor?required=1" {
					t.Errorf("%s as %s without two factors: %d %s", r.Pattern, who, rec.Code, rec.Header().Get("Location"))
				}
			case (who == "admin" || who == "both") && method == http.MethodGet && rec.Code != http.StatusForbidden:
				t.Errorf("%s as an admin, not assigned, without emergency access: %d, want 403", r.Pattern, rec.Code)
			}
			if who != "practitioner" && strings.Contains(body, secret) {
				t.Errorf("%s as %s shows the case", r.Pattern, who)
			}
		}
	}
}

// TestCasePages walks a case through its pages: opened from the client's
// cases, shown with its stage and history; a bad form says what to fix
// at its field; a move to Intensive Therapy outside the practitioner's
// scope is refused with the reason and the referral form, which records
// the referral; the sexual history is saved partly, step by step; the
// plan page shows the comorbidities to cite.
func TestCasePages(t *testing.T) {
	w := casesWorld(t)
	client := casesClient(t, w)
	prac := w.signIn(t, "practitioner")

	rec := w.get(t, fmt.Sprintf("/clients/%d/cases", client), prac)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Open a case") {
		t.Fatalf("client's cases: %d %s", rec.Code, rec.Body)
	}
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/clients/%d/cases", client), url.Values{"stage": {"permission"}, "reason": {" "}}, prac)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="reason-error"`) {
		t.Fatalf("opening without a reason: %d %s", rec.Code, rec.Body)
	}
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/clients/%d/cases", client), url.Values{"stage": {"specific_suggestions"},
		"concerns.0.concern": {"erectile-disorder"}, "reason": {"client asked about erections at intake"}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("opening: %d %s", rec.Code, rec.Body)
	}
	id := caseOpened(t, rec)
	page := fmt.Sprintf("/cases/%d", id)

	rec = w.get(t, page, prac)
	body := rec.Body.String()
	for _, s := range []string{"Specific Suggestions (SS)", "client asked about erections at intake", "Erectile disorder", "F52.21",
		"No escalation rule says this case needs Intensive Therapy", "Move the case", "Record a comorbidity"} {
		if !strings.Contains(body, s) {
			t.Errorf("the case page does not say %q", s)
		}
	}
	if rec = w.get(t, fmt.Sprintf("/clients/%d", client), prac); !strings.Contains(rec.Body.String(), fmt.Sprintf(`href="/cases/%d"`, id)) {
		t.Errorf("the client's record does not list the case: %s", rec.Body)
	}

	rec = w.do(t, http.MethodPost, page+"/comorbidities", url.Values{"comorbidity.kind": {"depression"}, "comorbidity.source": {"measure"}}, prac)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="co-measure-error"`) {
		t.Fatalf("a comorbidity from a measure without it: %d %s", rec.Code, rec.Body)
	}
	rec = w.do(t, http.MethodPost, page+"/comorbidities", url.Values{"comorbidity.kind": {"depression"}, "comorbidity.source": {"judgement"},
		"comorbidity.note": {"low mood for months"}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("recording a comorbidity: %d %s", rec.Code, rec.Body)
	}
	if body = w.get(t, page, prac).Body.String(); !strings.Contains(body, "This case needs Intensive Therapy") ||
		!strings.Contains(body, "comorbidity-intensive-therapy") {
		t.Errorf("the escalation does not explain itself: %s", body)
	}

	rec = w.do(t, http.MethodPost, page+"/stage", url.Values{"move.version": {"1"}, "move.to": {"intensive_therapy"},
		"move.reason": {"depression with the concern"}}, prac)
	body = rec.Body.String()
	if rec.Code != http.StatusForbidden || !strings.Contains(body, "Refer the client instead") || !strings.Contains(body, "Record the referral") ||
		!strings.Contains(body, "credential") {
		t.Fatalf("a move outside the scope: %d %s", rec.Code, body)
	}
	rec = w.do(t, http.MethodPost, page+"/referrals", url.Values{"referral.stage": {"intensive_therapy"}, "referral.to.name": {"Dr Ines Ortiz"},
		"referral.to.contact": {"+1 555 0100"}, "referral.why": {"depression with the concern"}, "referral.consent": {"no"},
		"referral.shared": {"the sexual history"}}, prac)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="ref-shared-error"`) {
		t.Fatalf("sharing without consent: %d %s", rec.Code, rec.Body)
	}
	rec = w.do(t, http.MethodPost, page+"/referrals", url.Values{"referral.stage": {"intensive_therapy"}, "referral.to.name": {"Dr Ines Ortiz"},
		"referral.to.contact": {"+1 555 0100"}, "referral.why": {"depression with the concern"}, "referral.consent": {"yes"},
		"referral.shared": {"the sexual history\nPHQ-9 results"}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("recording the referral: %d %s", rec.Code, rec.Body)
	}
	if body = w.get(t, page, prac).Body.String(); !strings.Contains(body, "Dr Ines Ortiz") || !strings.Contains(body, "Yes: the reason for referral; the sexual history; PHQ-9 results") {
		t.Errorf("the referral is not shown: %s", body)
	}

	hist := page + "/history"
	rec = w.get(t, hist, prac)
	for _, s := range []string{"Step 1", "Step 2", "Step 3", "Step 4", "Save the sexual history"} {
		if !strings.Contains(rec.Body.String(), s) {
			t.Errorf("the history form has no %q", s)
		}
	}
	rec = w.do(t, http.MethodPost, hist, url.Values{"version": {"0"}, "step1.concerns.0.concern_id": {"erectile-disorder"},
		"step1.concerns.0.description": {"loses erections with a new partner"}, "step2.onset.date": {"2025-02-30"}}, prac)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="h2-date-error"`) ||
		!strings.Contains(rec.Body.String(), "loses erections with a new partner") {
		t.Fatalf("an impossible day: %d %s", rec.Code, rec.Body)
	}
	rec = w.do(t, http.MethodPost, hist, url.Values{"version": {"0"}, "step1.concerns.0.concern_id": {"erectile-disorder"},
		"step1.concerns.0.description": {"loses erections with a new partner"}, "step2.acquisition": {"acquired"}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a partial history: %d %s", rec.Code, rec.Body)
	}
	body = w.get(t, hist, prac).Body.String()
	if !strings.Contains(body, "Version 1") || !strings.Contains(body, "loses erections with a new partner") || strings.Count(body, "badge ok") != 1 {
		t.Errorf("after a partial save: %s", body)
	}
	rec = w.do(t, http.MethodPost, hist, url.Values{"version": {"0"}, "step3.client": {"worry"}}, prac)
	if rec.Code != http.StatusConflict {
		t.Errorf("a save from an old version: %d", rec.Code)
	}

	rec = w.get(t, page+"/plan", prac)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Depression") || !strings.Contains(rec.Body.String(), `name="comorbidities"`) {
		t.Errorf("the plan page: %d %s", rec.Code, rec.Body)
	}
	rec = w.do(t, http.MethodPost, page+"/plan", url.Values{"version": {"0"}, "goals.0.text": {"erections with partner"},
		"goals.0.measure": {"IIEF-5"}, "interventions.0.text": {"sensate focus"}, "frequency.sessions": {"1"}, "frequency.per": {"week"},
		"reviews.0": {"2027-01-15"}, "comorbidities": {"1"}}, prac)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Intensive Therapy first") {
		t.Errorf("a plan before Intensive Therapy: %d %s", rec.Code, rec.Body)
	}

	rec = w.do(t, http.MethodPost, page+"/close", url.Values{"close.version": {"1"}, "close.reason": {"referred on"}}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("closing: %d %s", rec.Code, rec.Body)
	}
	if body = w.get(t, page, prac).Body.String(); !strings.Contains(body, "closed") || strings.Contains(body, "Move the case") {
		t.Errorf("a closed case still offers changes: %s", body)
	}
}
