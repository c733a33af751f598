package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/seal"
)

const keysUsage = `certboard keys: say one of
  list | rotate            the credential-signing keys: list them, or make a new one (the old stay published)
  rotate-secret            add a new encryption key to the keyring (the old ones stay, to open what they sealed)
  reseal [--files URL]     seal every stored secret again under the newest encryption key
with [--data DIR | --database URL] [--keys DIR]
`

// runKeys lists the board's signing keys or rotates them: a new key signs
// from now on, and the old ones stay published so that what they signed
// keeps verifying. It also rotates the encryption keyring (rotate-secret)
// and seals stored data again under its newest key (reseal).
func runKeys(args []string, stdout, stderr io.Writer, now time.Time) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, keysUsage)
		return exitBadInput
	}
	switch args[0] {
	case "list", "rotate":
	case "rotate-secret":
		return runRotateSecret(args[1:], stdout, stderr)
	case "reseal":
		return runReseal(args[1:], stdout, stderr)
	default:
		fmt.Fprint(stderr, keysUsage)
		return exitBadInput
	}
	s, code := openStore("keys "+args[0], args[1:], stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		fmt.Fprintf(stderr, "certboard keys: %v\n", err)
		return exitBadInput
	}
	if args[0] == "rotate" {
		id, err := s.NewSigningKey(ctx, nil, now)
		if err != nil {
			fmt.Fprintf(stderr, "certboard keys rotate: %v\n", err)
			return exitBadInput
		}
		fmt.Fprintf(stdout, "new signing key %s; earlier keys stay published so that what they signed keeps verifying\n", id)
	}
	keys, err := s.SigningKeys(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "certboard keys: %v\n", err)
		return exitBadInput
	}
	if len(keys) == 0 {
		fmt.Fprintln(stdout, "no signing key yet: one is made when the server first starts, or by certboard keys rotate")
		return exitOK
	}
	for _, k := range keys {
		state := "current"
		if !k.RetiredAt.IsZero() {
			state = "retired " + k.RetiredAt.UTC().Format("2006-01-02")
		}
		fmt.Fprintf(stdout, "%-24s %-50s created %s, %s\n", k.ID, did.Multikey(k.Public), k.CreatedAt.UTC().Format("2006-01-02"), state)
	}
	return exitOK
}

// runRotateSecret adds a new encryption key to the keyring file, where it
// becomes the key that seals; the older keys stay, for opening what they
// sealed. With CERTBOARD_SECRET_KEYS, which a command cannot change, it
// prints a new key to add there instead.
func runRotateSecret(args []string, stdout, stderr io.Writer) int {
	o, code, ok := parseStoreFlags("keys rotate-secret", args, stderr, nil)
	if !ok {
		return code
	}
	if os.Getenv("CERTBOARD_SECRET_KEYS") != "" {
		raw := seal.Generate()
		k, _ := seal.New(raw)
		fmt.Fprintln(stdout, seal.Encode(raw))
		fmt.Fprintf(stderr, `certboard keys rotate-secret: the keys come from CERTBOARD_SECRET_KEYS, which this command cannot change.
Above is a new key (id %s). Append it, after a comma, at the END of CERTBOARD_SECRET_KEYS in your
secret store, keeping every older key; give every instance the new value and restart them; then run
certboard keys reseal. Do not drop the older keys: backups and anything not yet resealed need them.
`, k.Current())
		return exitOK
	}
	file, err := o.keyFile()
	if err != nil {
		fmt.Fprintf(stderr, "certboard keys rotate-secret: %v\n", err)
		return exitBadInput
	}
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "certboard keys rotate-secret: there is no keyring at %s (it is made at first start); give --keys DIR or --data DIR where it is\n", file)
		return exitBadInput
	}
	id, err := seal.AddKey(file)
	if err != nil {
		fmt.Fprintf(stderr, "certboard keys rotate-secret: %v\n", err)
		return exitBadInput
	}
	fmt.Fprintf(stdout, `new encryption key %s added to %s; it seals from the next start, and the older keys stay to open what they sealed.
Next: restart certboard (every instance), then run certboard keys reseal to seal the stored data again under the new key.
`, id, file)
	return exitOK
}

// runReseal seals every sealed value of the database and every uploaded
// document again under the keyring's newest key.
func runReseal(args []string, stdout, stderr io.Writer) int {
	var filesURL string
	o, code, ok := parseStoreFlags("keys reseal", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&filesURL, "files", os.Getenv("CERTBOARD_FILES"), "bucket `URL` of the uploaded documents, as given to serve (env CERTBOARD_FILES; default DATA/files)")
		fs.StringVar(&filesURL, "blob", filesURL, "the same as --files")
	})
	if !ok {
		return code
	}
	ctx := context.Background()
	s, err := openConfigured(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "certboard keys reseal: %v\n", err)
		return exitBadInput
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		fmt.Fprintf(stderr, "certboard keys reseal: %v\n", err)
		return exitBadInput
	}
	failed := false
	counts, err := s.ResealAll(ctx)
	for _, c := range counts {
		fmt.Fprintf(stdout, "%-26s %d sealed again\n", c.Column, c.Count)
	}
	if err != nil {
		fmt.Fprintf(stderr, "certboard keys reseal: %v\n", err)
		failed = true
	}
	docs, err := openFiles(ctx, filesURL, &o.Config)
	if err != nil {
		fmt.Fprintf(stderr, "certboard keys reseal: %v\n", err)
		return exitBadInput
	}
	defer docs.Close()
	n, err := docs.ResealAll(ctx)
	fmt.Fprintf(stdout, "%-26s %d sealed again\n", "uploaded documents", n)
	if err != nil {
		fmt.Fprintf(stderr, "certboard keys reseal: %v\n", err)
		failed = true
	}
	if failed {
		return exitNo
	}
	fmt.Fprintf(stdout, "everything stored is sealed with key %s; keep the older keys for backups made before now\n", o.Keys.Current())
	return exitOK
}
