package e2e

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"
	"testing"
)

// TestPracticeReferralThroughRegistry has Lena, who holds no sex therapy
// credential, refer Theo from his case through the demo board's public
// registry: she writes why and records Theo's consent to share, searches
// for therapists in Illinois who accept referrals, finds Jordan with his
// credential valid, chooses him, and downloads the referral letter (a
// PDF); the case lists the referral, still a draft, with the letter, and
// she marks it sent. Every page passes axe.
func TestPracticeReferralThroughRegistry(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startDemoPractice(t)
	pb := newPracticeBrowser(t, pa)

	lena := pb.person("Lena")
	pb.signIn(lena, pa.login(uncertified))
	lena.click(`#clients-h + ul a` + linkText(lena, "#clients-h + ul a", "Theo Marshall"))
	pb.axe(lena, "a client's record with its 42 CFR Part 2 section")
	lena.expectText("#part2", "Not marked as covered by 42 CFR Part 2")
	lena.click(`#cases a[href^="/cases/"]`)
	casePath := lena.path()
	var open bool // a details element opens without leaving the page
	lena.js(`(() => { const d = document.getElementById('registry-referral'); d.open = true; return d.open; })()`, &open)
	if !open {
		lena.fatalf("the registry referral does not open")
	}
	lena.fill("draft-why", "Depression with erectile disorder: Intensive Therapy with a certified sex therapist.")
	lena.radio(`#registry-referral input[name="draft.consent"][value="yes"]`)
	// Theo agrees to share the stage reached and his scores, not his
	// concerns or their codes: she ticks those, the form having ticked
	// the instruments that bear on his comorbidities.
	lena.radio(`#registry-referral input[name="draft.share"][value="stage"]`)
	lena.radio(`#registry-referral input[name="draft.share"][value="scores"]`)
	if !lena.has(`#registry-referral input[name="draft.instruments"]:checked`) {
		lena.fatalf("no instrument is ticked first")
	}
	lena.fill("draft-region", "Illinois")
	top(lena) // the sticky header would cover what the fields scrolled past
	pb.axe(lena, "the form of a referral through a registry")
	lena.click(`#registry-referral button[type=submit]`)
	lena.expectFlash("Saved the referral as a draft")
	lena.expectText("h1", "choose the therapist")
	lena.expectText("#results", "Jordan Reyes")
	lena.expectText("#results", "AASECT")
	lena.expectText("#results", "accepting referrals")
	if strings.Contains(lena.text("#results"), "Maren Holt") {
		lena.fatalf("a therapist who does not accept referrals is listed")
	}
	pb.axe(lena, "the registry's answer on a draft referral")
	pb.shot(lena, "practice-referral-registry.png", "", 1600)
	lena.click(`#results form[action$="/choose"] button[type=submit]`)
	lena.expectText(".flash", "Chose the therapist.") // the case keeps its safety task above
	lena.expectPath(casePath)
	lena.expectText("#referrals", "Jordan Reyes")
	lena.expectText("#referrals", "AASECT Certified Sex Therapist")
	lena.expectText("#referrals", "Draft")
	top(lena)
	pb.axe(lena, "a case with a referral chosen from the registry")

	name, pdf := lena.download(`#referrals a[href$="/letter"]`)
	if !strings.HasSuffix(name, ".pdf") || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		lena.fatalf("the letter downloads as %q, %d bytes", name, len(pdf))
	}
	words := letterWords(t, pdf)
	for _, want := range []string{"Reason for referral", "PLISSIT stage reached here", "Latest scores", "the PLISSIT stage reached"} {
		if !strings.Contains(words, want) {
			t.Errorf("the letter lacks %q", want)
		}
	}
	for _, never := range []string{"ICD-10-CM", "Concerns"} {
		if strings.Contains(words, never) {
			t.Errorf("the letter holds %q, which Theo did not agree to share", never)
		}
	}
	// The draft is listed first; its first next status is sent.
	lena.click(`#referrals form[action$="/status"] button[type=submit]`)
	lena.expectText(".flash", "The referral is now sent.")
	if strings.Contains(lena.text("#referrals"), "Draft\n") {
		lena.fatalf("the referral is still a draft")
	}
}

// top scrolls the page back to its top.
func top(p *person) {
	var done bool
	p.js(`(() => { window.scrollTo(0, 0); return true; })()`, &done)
}

// letterStream is a compressed stream of a PDF.
var letterStream = regexp.MustCompile(`(?s)/FlateDecode[^>]*>>\s*stream\r?\n(.*?)\r?\nendstream`)

// letterWords is what a referral letter's pages draw, inflated: the
// letter writes its text in a core font, so its words are bytes as they
// are, between the PDF's operators.
func letterWords(t *testing.T, pdf []byte) string {
	t.Helper()
	var out []byte
	for _, m := range letterStream.FindAllSubmatch(pdf, -1) {
		z, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(z, 8<<20))
		if err != nil {
			continue
		}
		out = append(out, b...)
	}
	if len(out) == 0 {
		t.Fatal("the letter has no page to read")
	}
	return string(out)
}
