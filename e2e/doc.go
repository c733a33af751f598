// Package e2e holds certboard's end-to-end tests: a real Chromium, driven
// through the DevTools protocol by chromedp, uses the whole application
// served in-process over HTTP, on SQLite and on PostgreSQL.
//
// The tests walk the life of one application through every role (applicant,
// supervisor, board staff with two-factor sign-in, peer reviewer), drive the
// sign-in and evidence forms with the keyboard alone, check on every page
// they visit that it has one <h1>, a skip link and a label for every field,
// and check that sign-in and forms work with JavaScript turned off.
//
// They need Chromium at /usr/bin/chromium and PostgreSQL at
// CERTBOARD_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test);
// without them the tests skip, or fail when CERTBOARD_CI=1. With
// CERTBOARD_SCREENSHOTS=1 they also write the screenshots of
// docs/screenshots (the practice's with -run TestPractice).
//
//	CERTBOARD_CI=1 go test ./e2e/ -v -count=1
//	CERTBOARD_SCREENSHOTS=1 go test ./e2e/ -run TestApplicationLifecycle/sqlite -count=1
//
// # Accessibility: axe-core and the keyboard
//
// Pages are checked with axe-core, vendored in testdata/axe (axe.min.js,
// its licence and a NOTICE giving its version and digest) and injected
// into the page through the DevTools protocol, which the pages'
// Content-Security-Policy does not restrict; nothing is fetched at run
// time. Two helpers serve every mode's tests:
//
//	checkAxe(t, ctx, "the sign-in page")     // or p.axe("the sign-in page")
//	stops := tabThrough(t, ctx)              // Tab through the page
//	requireStops(t, stops, "#email", "#password", `button "Sign in"`)
//
// checkAxe runs the rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA and
// axe's best practices on the page ctx shows and fails the test for each
// violation, naming the rule, its impact, its help and the first elements
// that break it with what to fix; p.axe does so at a desktop's width and
// at a phone's. A violation that needs a redesign rather than a fix may be
// exempted for one page, one rule at a time, with the reason:
// checkAxe(t, ctx, name, axeExempt{Rule: "...", Why: "..."}); an
// exemption the page no longer needs fails the test. tabThrough presses
// Tab until the focus comes back to where it started (a focus trap is a
// failure) and fails the test for any element reached whose focus does
// not show (no outline or box shadow with a contrast of 3:1 against the
// background) or that lies off screen; requireStops checks that the
// controls a flow needs are reached, in order. Start tabThrough on a page
// just loaded: Tab starts from the focus, or from the top of the page.
//
// The board's pages are checked by TestBoardPagesPassAxe and the
// keyboard-only sign-in by TestKeyboardOnlySignIn; TestAxeFindsProblems
// and TestTabStopsFindProblems show the helpers are not blind. To run only
// these:
//
//	CERTBOARD_CI=1 go test ./e2e/ -count=1 -run 'Axe|Keyboard|TabStops'
//
// # Practice mode
//
// The practice's tests (practice_*_test.go) serve practice mode as
// `certboard serve --mode practice` does, on a fresh SQLite database with
// an admin and two practitioners (startPractice), or the whole demo
// practice beside a running demo board (startDemoPractice), and sign in
// with two factors, the code computed from each person's secret. Every
// page they reach passes axe at both widths (practiceBrowser.axe; a test
// that reaches a page it never checked fails): a practitioner's client
// from registration to a signed, amended note (TestPracticePractitioner,
// which signs in with the keyboard alone), a move to Intensive Therapy
// refused and referred (TestPracticeReferral), the admin's pages
// (TestPracticeAdmin), a measure left in progress
// (TestPracticeMeasureInProgress) and the demo's fullest pages
// (TestPracticeDemoPages). They take about a minute together:
//
//	CERTBOARD_CI=1 go test ./e2e/ -count=1 -run TestPractice
//
// # Updating axe-core
//
// Take a release from the npm registry, check its tarball and its
// axe.min.js, and copy the file over the vendored one:
//
//	npm pack axe-core@4.x.y
//	npm view axe-core@4.x.y dist.integrity   # must match the tarball's sha512
//	tar xzf axe-core-4.x.y.tgz
//	sha256sum package/axe.min.js             # compare with package/sri-history.json
//	cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt e2e/testdata/axe/
//
// Then set axeVersion and axeSHA256 in axe_test.go and the version, the
// tarball's integrity and the digest in testdata/axe/NOTICE, and run the
// tests above: a new release may add rules that pages must then pass.
// TestVendoredAxe fails until the file, its header and the pinned values
// agree.
package e2e
