package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
)

// webCitedSet is a set whose requirement, and one of its caps, cite their
// sources: one the body's own page, one a third party's.
const webCitedSet = `id: web-cited
title: Web Cited Credential
body: Test Board
version: 2026-draft
version_by: certboard
effective_from: 2020-01-01
sources:
  - {id: rules, title: Test Board rules, url: "https://example.org/rules", edition: "2019.1", retrieved: 2026-02-01, primary: true}
  - {id: blog, title: A blog post, url: "https://example.net/post?a=1&b=2", retrieved: 2026-02-02, primary: false}
confidence:
  - {figure: supervision.caps.group, status: unconfirmed, note: Only a blog says so.}
requirements:
  - id: supervision
    kind: hours
    title: Twenty hours of supervision
    total: 20
    cite:
      - {source: rules, section: "3. Supervision", quote: "Twenty hours of supervision <em>by</em> a supervisor."}
    accepts: [{evidence: supervision}]
    caps:
      - id: group
        title: Group supervision
        match: {evidence: supervision, format: [group]}
        max: 5
        cite: [{source: blog, section: Para 4, quote: at most five in groups}]
  - id: ethics
    kind: attestation
    title: Signed the code of ethics
    code: test-code
`

// TestChecklistLinksRequirementsToSources checks that the applicant's
// eligibility checklist links each requirement of a cited set to its
// source, with the quoted words in a details element, and that the JSON
// report carries the same sources.
func TestChecklistLinksRequirementsToSources(t *testing.T) {
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := boardsql.Open(context.Background(), boardsql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	set, err := requirements.Parse("web-cited.yaml", []byte(webCitedSet))
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	sets, err := shipped.With(set)
	if err != nil {
		t.Fatal(err)
	}
	s := serverWithSets(t, st, sets)
	h := s.Handler()
	c := sessionFor(t, s, addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant))
	id := appStart(t, s, c, "web-cited")

	for round := range 2 { // the second render comes from the kept cards
		rec := getAs(t, h, appPath(id, ""), c)
		if rec.Code != 200 {
			t.Fatalf("dashboard: %d %s", rec.Code, rec.Body)
		}
		page := rec.Body.String()
		card := func(id string) string {
			start := strings.Index(page, `<article class="card" id="req-`+id+`"`)
			if start < 0 {
				t.Fatalf("no card for %s:\n%s", id, page)
			}
			end := strings.Index(page[start:], "</article>")
			return page[start : start+end]
		}
		sup := card("supervision")
		for _, w := range []string{
			`<ul class="sources" aria-label="Where this requirement comes from">`,
			`Source: <a href="https://example.org/rules" rel="noopener">Test Board rules (2019.1), 3. Supervision</a>`,
			`<summary>What it says<span class="skip"> in Test Board rules, 3. Supervision</span></summary>`,
			`<blockquote cite="https://example.org/rules"><p>Twenty hours of supervision &lt;em&gt;by&lt;/em&gt; a supervisor.</p></blockquote>`,
			`Read on 2026-02-01.`,
			`Source (cap: Group supervision): <a href="https://example.net/post?a=1&amp;b=2" rel="noopener">A blog post, Para 4</a> <span class="muted">(a third party's account, not the body's own text)</span>`,
		} {
			if !strings.Contains(sup, w) {
				t.Errorf("round %d: the supervision card lacks %s:\n%s", round, w, sup)
			}
		}
		if strings.Contains(sup, "Test Board rules (2019.1), 3. Supervision</a> <span class=\"muted\">(a third party") {
			t.Error("the board's own page is marked as a third party's")
		}
		if ethics := card("ethics"); strings.Contains(ethics, "Source") {
			t.Errorf("a requirement that cites nothing shows a source:\n%s", ethics)
		}
		if !strings.Contains(page, "requirements version 2026-draft (a certboard draft)") {
			t.Errorf("round %d: the page does not say the version is a certboard draft", round)
		}
	}

	rec := getAs(t, h, "/api/v1/applications/"+strings.TrimPrefix(appPath(id, ""), "/applications/")+"/eligibility", c)
	var body struct {
		Report struct {
			Set struct {
				CertboardDraft bool `json:"certboard_draft"`
			} `json:"set"`
			Results []struct {
				ID      string `json:"id"`
				Sources []struct {
					For, Title, URL, Section, Quote string
					Primary                         *bool
				} `json:"sources"`
			} `json:"results"`
		} `json:"report"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 200 {
		t.Fatalf("eligibility API: %d %v %s", rec.Code, err, rec.Body)
	}
	r := body.Report.Results[0]
	if !body.Report.Set.CertboardDraft || r.ID != "supervision" || len(r.Sources) != 2 || r.Sources[0].URL != "https://example.org/rules" ||
		r.Sources[1].For != "cap: Group supervision" || r.Sources[1].Primary == nil || *r.Sources[1].Primary {
		t.Errorf("eligibility API report: %+v", body.Report)
	}
}
