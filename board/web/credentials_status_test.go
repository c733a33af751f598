package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCredentialStatusAPI: staff revoke, suspend and reinstate through the
// JSON API along the same path as the page (audited, mailed, in the status
// lists); only staff with two factors; a bad action names the field;
// revocation is final (409); answers match the documented schemas.
func TestCredentialStatusAPI(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	ctx := context.Background()
	doc, oc := openAPIDocument(t), openAPICompiler(t)
	creds, err := w.st.CredentialsOf(ctx, w.users["jordan"].ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	c := creds[0]
	path := "/api/v1/credentials/" + c.ID + "/status"
	call := func(body string, who *http.Cookie, want int) map[string]any {
		t.Helper()
		rec := openAPICall(t, h, "POST", path, body, who)
		if rec.Code != want {
			t.Fatalf("%s as %v: %d, want %d: %s", body, who != nil, rec.Code, want, rec.Body)
		}
		openAPICheckAnswer(t, oc, doc, "post", "/api/v1/credentials/{id}/status", rec)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	staff := w.cookie["staff"]
	call(`{"action":"suspend","reason":"x"}`, nil, 401)
	call(`{"action":"suspend","reason":"x"}`, w.cookie["jordan"], 403)
	call(`{"action":"suspend","reason":"x"}`, w.cookie["nofactor"], 403)
	if out := call(`{"action":"erase","reason":"x"}`, staff, 422); !strings.HasPrefix(out["detail"].(string), "action:") {
		t.Fatalf("bad action: %v", out)
	}
	if out := call(`{"reason":"x"}`, staff, 422); !strings.HasPrefix(out["detail"].(string), "action:") {
		t.Fatalf("no action: %v", out)
	}
	if out := call(`{"action":"suspend"}`, staff, 422); !strings.HasPrefix(out["detail"].(string), "reason:") {
		t.Fatalf("no reason: %v", out)
	}
	call(`{"action":"suspend","reason":"x","why":"y"}`, staff, 400)
	if rec := openAPICall(t, h, "POST", "/api/v1/credentials/no-such/status", `{"action":"suspend","reason":"x"}`, staff); rec.Code != 404 {
		t.Fatalf("unknown credential: %d", rec.Code)
	}

	out := call(`{"action":"suspend","reason":"Membership lapsed."}`, staff, 200)
	if out["status"] != "suspended" || out["suspend_reason"] != "Membership lapsed." || out["id"] != c.ID {
		t.Fatalf("suspended: %v", out)
	}
	call(`{"action":"suspend","reason":"again"}`, staff, 409)
	if out := call(`{"action":"reinstate"}`, staff, 200); out["status"] != "active" || out["standing"] != "active" {
		t.Fatalf("reinstated: %v", out)
	}
	if out := call(`{"action":"revoke","reason":"Licence revoked."}`, staff, 200); out["status"] != "revoked" || out["revoked_at"] == nil {
		t.Fatalf("revoked: %v", out)
	}
	if out := call(`{"action":"reinstate"}`, staff, 409); !strings.Contains(out["detail"].(string), "final") {
		t.Fatalf("reinstating a revoked credential: %v", out)
	}
	// The page and the API share one path: the page also refuses now.
	if rec := postForm(t, h, "/credentials/"+c.ID+"/status", url.Values{"action": {"suspend"}, "reason": {"x"}}, staff); rec.Code != 409 {
		t.Fatalf("page after revocation: %d", rec.Code)
	}

	log, _ := w.st.AuditLog(ctx)
	var actions []string
	for _, e := range log {
		if e.Subject == "credential/"+c.ID && (e.Action == "credential.suspend" || e.Action == "credential.reinstate" || e.Action == "credential.revoke") {
			actions = append(actions, e.Action)
		}
	}
	if strings.Join(actions, ",") != "credential.suspend,credential.reinstate,credential.revoke" {
		t.Fatalf("audit: %v", actions)
	}
	var mails int
	w.st.DB.QueryRow(w.st.Dialect.Rebind("SELECT COUNT(*) FROM outbox WHERE to_addr = ? AND subject LIKE 'Your credential has been%'"), w.users["jordan"].Email).Scan(&mails)
	if mails != 3 {
		t.Fatalf("%d mails, want 3", mails)
	}
	// Staff do not decide on their own credentials.
	staffUser := w.users["staff"]
	if _, err := w.st.DB.Exec(w.st.Dialect.Rebind("UPDATE credentials SET holder_id = ? WHERE id = ?"), staffUser.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	call(`{"action":"suspend","reason":"x"}`, staff, 403)
}

// TestCredentialPageStanding: the credential's page says plainly where it
// stands: active with its end, suspended with the reason.
func TestCredentialPageStanding(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	creds, _ := w.st.CredentialsOf(context.Background(), w.users["jordan"].ID)
	c := creds[0]
	rec := getAs(t, h, "/credentials/"+c.ID, w.cookie["jordan"])
	if !strings.Contains(rec.Body.String(), ">active</span>") || !strings.Contains(rec.Body.String(), "Active until "+c.ValidUntil.UTC().Format("2006-01-02")) {
		t.Fatalf("active:\n%s", rec.Body)
	}
	if rec := openAPICall(t, h, "POST", "/api/v1/credentials/"+c.ID+"/status", `{"action":"suspend","reason":"Insurance lapsed."}`, w.cookie["staff"]); rec.Code != 200 {
		t.Fatalf("suspend: %d", rec.Code)
	}
	rec = getAs(t, h, "/credentials/"+c.ID, w.cookie["jordan"])
	if !strings.Contains(rec.Body.String(), ">suspended</span>") || !strings.Contains(rec.Body.String(), "Insurance lapsed.") {
		t.Fatalf("suspended:\n%s", rec.Body)
	}
}

// TestSuspendWithoutAReasonExplains: staff who press Suspend without a
// reason get the credential's page again, saying what is missing next to
// the field, with what they typed kept; nothing changed.
func TestSuspendWithoutAReasonExplains(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	creds, _ := w.st.CredentialsOf(context.Background(), w.users["jordan"].ID)
	c := creds[0]
	rec := postForm(t, h, "/credentials/"+c.ID+"/status", url.Values{"action": {"suspend"}, "reason": {"   "}}, w.cookie["staff"])
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("suspend without a reason: %d\n%s", rec.Code, body)
	}
	for _, want := range []string{
		`<div class="error-summary" role="alert"><p>Nothing was changed. A reason is needed: say why; the holder reads it.</p></div>`,
		`<span class="field-error" id="reason-error">Say why; the holder reads it.</span>`,
		`aria-invalid="true" aria-describedby="reason-hint reason-error"`,
		`<button type="submit" name="action" value="suspend" class="secondary">Suspend</button>`,
		"<h1>", ">active</span>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if cur, _ := w.st.Credential(context.Background(), c.ID); cur.Status() != "active" {
		t.Fatalf("the credential is %s", cur.Status())
	}
}

// TestExpiredShowsExpired: once past its validUntil (and after the
// lifecycle's jobs ran), a credential is expired, with the day, on its
// page for the public and for its holder (who is told what to do), on the
// staff's status API, in the registry and its API, on the renewal page and
// the holder's list: never suspended.
func TestExpiredShowsExpired(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	ctx := context.Background()
	creds, _ := w.st.CredentialsOf(ctx, w.users["jordan"].ID)
	c := creds[0]
	later := c.ValidUntil.AddDate(0, 1, 0)
	w.s.cfg.Now = func() time.Time { return later }
	if _, err := w.s.RunDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	day := c.ValidUntil.UTC().Format("2006-01-02")
	jordan := sessionFor(t, w.s, w.users["jordan"])
	never := func(what, body string) {
		t.Helper()
		// ("neither revoked nor suspended" is the status list check.)
		if strings.Contains(body, ">suspended<") || strings.Contains(body, "Suspended by") || strings.Contains(body, "renewal not completed") {
			t.Errorf("%s says suspended:\n%s", what, body)
		}
	}
	public := getAs(t, h, "/credentials/"+c.ID, nil).Body.String()
	if !strings.Contains(public, ">expired</span>") || !strings.Contains(public, "Expired on "+day) {
		t.Errorf("the public page:\n%s", public)
	}
	never("the public page", public)
	holder := getAs(t, h, "/credentials/"+c.ID, jordan).Body.String()
	for _, want := range []string{"Your credential expired on " + day, `href="/applications">Apply again</a>`, `href="/credentials/` + c.ID + `/renewal"`} {
		if !strings.Contains(holder, want) {
			t.Errorf("the holder's page lacks %s", want)
		}
	}
	never("the holder's page", holder)
	if strings.Contains(holder, "Renew this credential") {
		t.Error("the holder of an expired credential is offered to renew it")
	}
	list := getAs(t, h, "/applications", jordan).Body.String()
	if !strings.Contains(list, "(expired on "+day+")") || strings.Contains(list, `href="/credentials/`+c.ID+`/renewal">Renew</a>`) {
		t.Errorf("the holder's list of credentials:\n%s", list)
	}
	renewal := getAs(t, h, "/credentials/"+c.ID+"/renewal", jordan).Body.String()
	if !strings.Contains(renewal, ">expired</span> on "+day) {
		t.Errorf("the renewal page:\n%s", renewal)
	}
	cur, _ := w.st.Credential(ctx, c.ID)
	if a := w.s.statusAnswer(cur); a.Status != "active" || a.Standing != "expired" || a.SuspendedAt != "" {
		t.Errorf("the status API: %+v", a)
	}
	reg := getAs(t, h, "/registry?q=Jordan", nil).Body.String()
	if !strings.Contains(reg, "not valid: expired</span> <span class=\"muted\">on "+day+"</span>") {
		t.Errorf("the registry page:\n%s", reg)
	}
	var api struct {
		Entries []struct {
			Credentials []struct{ ID, Status, ValidUntil string } `json:"credentials"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(getAs(t, h, "/api/v1/registry?q=Jordan", nil).Body.Bytes(), &api); err != nil || len(api.Entries) == 0 {
		t.Fatalf("the registry API: %v", err)
	}
	for _, rc := range api.Entries[0].Credentials {
		if rc.ID == c.ID && rc.Status != "expired" {
			t.Errorf("the registry API says %s", rc.Status)
		}
	}
}
