// Command certboard is the certboard command line: it lists and checks
// requirement sets, evaluates portfolios against them, migrates the
// database, verifies the audit log and scores screening instruments.
//
// Exit status: 0 success (or eligible), 1 not eligible, 2 bad input or usage.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/certboard/certboard/date"
)

// Exit codes.
const (
	exitOK       = 0
	exitNo       = 1
	exitBadInput = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, date.FromTime(time.Now())))
}

const usage = `certboard: certification rules as data, and an explainable eligibility engine.

Usage:
  certboard requirements list
  certboard requirements show ID
  certboard requirements check FILE.yaml
  certboard evaluate --requirements ID|FILE.yaml [--as-of YYYY-MM-DD] [--format text|json] PORTFOLIO.json
  certboard evaluate --all [--as-of YYYY-MM-DD] [--format text|json] PORTFOLIO.json
  certboard serve [--mode board|practice] [--addr HOST:PORT] [--data DIR | --database postgres://...] [--demo]
                  [--practice-addr HOST:PORT] [--log text|json] [--public-url URL] [--trusted-proxies CIDR,...]
                  [--metrics-addr HOST:PORT] (see certboard serve -h; a practice keeps DIR/practice.db,
                  DIR defaulting to data/practice, never the board's database)
  certboard migrate [--data DIR | --database postgres://...]
  certboard user add --email ADDRESS --name NAME [--role applicant,staff,...] [--data DIR | --database URL]
                     [--mode practice]   (the password is read from standard input or CERTBOARD_PASSWORD;
                     with --mode practice, a practice's account, by default its admin)
  certboard audit verify [--checkpoint FILE] [--data DIR | --database postgres://...]
  certboard audit checkpoint [--out FILE]   (the signed checkpoint of the log, to keep elsewhere)
  certboard audit anchor --reason TEXT      (resume a log that no longer ends at its checkpoint)
  certboard backup --to DIR [--with-keys KEYDIR] [--mode board|practice] [--data DIR | --database URL] [--files URL]
                     (an online backup: each database, the documents as stored, a manifest with SHA-256;
                     the keys only with --with-keys, to a directory apart from the backup)
  certboard restore --from DIR [--keys-from KEYDIR] [--mode board|practice] [--data DIR | --database URL] [--files URL]
                     (checks every file against the manifest, then restores into an empty data
                     directory, database and bucket only)
  certboard jobs list|retry|discard [--id N] [--mail] [--mode board|practice] [--data DIR | --database URL]
                     (jobs and mail given up after their last try: list them, or retry or discard one,
                     audited; see docs/operations.md, "Jobs")
  certboard totp SECRET   (prints the current two-factor code of a secret, e.g. a demo account's)
  certboard keys list|rotate [--data DIR | --database postgres://...]   (credential-signing keys)
  certboard keys rotate-secret [--keys DIR]   (a new encryption key; then restart and reseal)
  certboard keys reseal [--files URL]         (seal stored data again under the newest encryption key)
  certboard verify [--trust FILE] FILE
                    (a credential as JSON or JWT; exit 0 valid, 1 invalid, 2 could not check, 3 valid but
                    the issuer is not on the --trust list of "DID name" lines; without it, no issuer is named)
  certboard import completions FILE.csv --provider EMAIL [--errors FILE] [--data DIR | --database URL]
                     (CE completions from an approved provider; exit 0 all imported, 1 some rejected,
                     4 stopped by a failure of certboard or its database, rows before it kept)
  certboard measure score INSTRUMENT --answers A1,A2,... [--sex female|male] [--format text|json|fhir]
                     (score a screening instrument: phq-9, gad-7, audit-c, audit, iief-5, pedt, fsfi,
                     asex; exit 0 scored, 2 bad input naming the item; fhir prints a FHIR R4
                     QuestionnaireResponse; see docs/measures.md)
  certboard measure questionnaire INSTRUMENT   (the instrument as a FHIR R4 Questionnaire)
  certboard client export --client ID --as EMAIL [--psychotherapy-notes] [--data DIR | --database URL] > FILE.json
  certboard client import FILE.json --as EMAIL [--data DIR | --database URL]
                     (a practice client's record as a FHIR R4 Bundle, out or in, acting as the practice
                     account EMAIL; progress on standard error)

Exit status: 0 eligible (or success), 1 not eligible, 2 bad input or usage, 4 a failure of certboard or its database.
With --all: 0 when the portfolio is eligible for at least one set, 1 otherwise.
audit verify: 0 when the audit chain is intact and ends at its signed checkpoint, 1 when an
entry was edited or deleted (from the end too) or a checkpoint is missing or does not verify.
Every command that opens the database takes --keys DIR (env CERTBOARD_KEYS_DIR): where the
encryption keyring secret.key is, when CERTBOARD_SECRET_KEYS does not give the keys.
`

// run is the whole program; today is the default as-of date.
func run(args []string, stdout, stderr io.Writer, today date.Date) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitBadInput
	}
	switch args[0] {
	case "requirements":
		return runRequirements(args[1:], stdout, stderr)
	case "evaluate":
		return runEvaluate(args[1:], stdout, stderr, today)
	case "migrate":
		return runMigrate(args[1:], stdout, stderr)
	case "serve":
		return runServe(args[1:], stdout, stderr)
	case "user":
		return runUser(args[1:], os.Stdin, stdout, stderr)
	case "audit":
		return runAudit(args[1:], stdout, stderr, time.Now())
	case "verify":
		return runVerify(args[1:], os.Stdin, stdout, stderr, time.Now(), httpFetch)
	case "keys":
		return runKeys(args[1:], stdout, stderr, time.Now())
	case "import":
		return runImport(args[1:], stdout, stderr, time.Now)
	case "measure":
		return runMeasure(args[1:], stdout, stderr)
	case "client":
		return runClient(args[1:], stdout, stderr, time.Now)
	case "backup":
		return runBackup(args[1:], stdout, stderr)
	case "restore":
		return runRestore(args[1:], stdout, stderr)
	case "jobs":
		return runJobs(args[1:], stdout, stderr, time.Now())
	case "totp":
		return runTOTP(args[1:], stdout, stderr, time.Now())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "certboard: unknown command %q\n\n%s", args[0], usage)
	return exitBadInput
}
