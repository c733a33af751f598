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
// docs/screenshots.
//
//	CERTBOARD_CI=1 go test ./e2e/ -v -count=1
//	CERTBOARD_SCREENSHOTS=1 go test ./e2e/ -run TestApplicationLifecycle/sqlite -count=1
package e2e
