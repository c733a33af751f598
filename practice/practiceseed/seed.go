// Package practiceseed fills a practice's store in bulk with synthetic
// people, clients, progress notes and measure responses, for benchmarks and
// load tools: a practitioner with many clients, one of whom has years of
// signed notes and scored measures. It writes through the store's own
// transaction methods (practicesql.Tx), many rows a transaction, so that
// the rows are sealed and shaped exactly as the use cases write them; it
// skips the use cases' per-row audit entries, which would dominate the
// time of a seed and are not what a benchmark measures. The server never
// uses it.
package practiceseed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/practicesql"
)

// Config says how much to seed.
type Config struct {
	// Clients is how many clients the practitioner is assigned to, the
	// big client among them (at least 1).
	Clients int
	// Notes is how many signed progress notes the big client's case has,
	// one a day back from Now; Responses how many scored measure responses
	// (PHQ-9 and GAD-7 in turn).
	Notes, Responses int
	// Now is the time the seed is written at (zero: the present).
	Now time.Time
	// Password is the password of the accounts (empty: Password).
	Password string
	// Batch is how many rows a transaction writes (0: 500).
	Batch int
}

// Password is the accounts' password when Config.Password is empty.
const Password = "seeded practice lantern harbour"

// Seeded is what Seed wrote.
type Seeded struct {
	// Practitioner is the practitioner assigned to every client, Other a
	// practitioner assigned to none, both with two factors, their TOTP
	// secrets in Secrets by e-mail address.
	Practitioner, Other *auth.User
	Secrets             map[string]string
	Password            string
	// BigClient is the client with the notes and responses, on case
	// BigCase; BigName is their full name.
	BigClient, BigCase int64
	BigName            string
}

// Seed writes the practice Config describes into st, which must be
// migrated and have keys.
func Seed(ctx context.Context, st *practicesql.Store, cfg Config) (*Seeded, error) {
	if cfg.Clients < 1 {
		cfg.Clients = 1
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	now := cfg.Now.UTC()
	if cfg.Password == "" {
		cfg.Password = Password
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	out := &Seeded{Secrets: map[string]string{}, Password: cfg.Password}
	hash, err := auth.Hash(cfg.Password, auth.DefaultParams)
	if err != nil {
		return nil, err
	}
	for _, p := range []struct {
		name, email string
		dst         **auth.User
	}{{"Dr. Robin Seed", "practitioner@seed.example", &out.Practitioner}, {"Dr. Sam Other", "other@seed.example", &out.Other}} {
		id, err := st.CreateUser(ctx, auth.User{Email: p.email, Name: p.name, PasswordHash: hash,
			Roles: []auth.Role{auth.Practitioner}, CreatedAt: now, EmailVerifiedAt: now})
		if err != nil {
			return nil, fmt.Errorf("creating %s: %w", p.email, err)
		}
		secret, err := auth.NewTOTPSecret()
		if err != nil {
			return nil, err
		}
		if err := st.EnableTOTP(ctx, id, secret, now); err != nil {
			return nil, err
		}
		out.Secrets[p.email] = secret
		if *p.dst, err = st.UserByID(ctx, id); err != nil {
			return nil, err
		}
	}
	pid := out.Practitioner.ID
	r := rand.New(rand.NewPCG(13, 5))
	if err := seedClients(ctx, st, cfg, out, r, now); err != nil {
		return nil, fmt.Errorf("seeding clients: %w", err)
	}
	err = st.InTx(ctx, func(tx *practicesql.Tx) error {
		c := practice.Case{ClientID: out.BigClient, PractitionerID: pid, Status: practice.CaseOpen, Stage: plissit.Permission,
			OpenedAt: now.AddDate(0, 0, -cfg.Notes-1), OpenedBy: pid, Version: 1}
		var err error
		if out.BigCase, err = tx.CreateCase(ctx, c); err != nil {
			return err
		}
		return tx.AddCaseMove(ctx, out.BigCase, practice.CaseMove{Seq: 1, ByName: out.Practitioner.Name,
			Move: plissit.Move{To: plissit.Permission, By: pid, At: c.OpenedAt, Reason: "First session."}})
	})
	if err != nil {
		return nil, fmt.Errorf("opening the case: %w", err)
	}
	if err := seedNotes(ctx, st, cfg, out, r, now); err != nil {
		return nil, fmt.Errorf("seeding notes: %w", err)
	}
	if err := seedResponses(ctx, st, cfg, out, r, now); err != nil {
		return nil, fmt.Errorf("seeding responses: %w", err)
	}
	return out, nil
}

// batches runs f for every i below n, batch of them a transaction.
func batches(ctx context.Context, st *practicesql.Store, n, batch int, f func(tx *practicesql.Tx, i int) error) error {
	for from := 0; from < n; from += batch {
		err := st.InTx(ctx, func(tx *practicesql.Tx) error {
			for i := from; i < min(from+batch, n); i++ {
				if err := f(tx, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

var (
	firstNames = strings.Fields(`Avery Blake Casey Dana Eden Farah Gale Harper Idris Jordan Kai Lane Morgan Noor Oakley Parker
Quinn Reese Sage Taylor Uma Val Wren Xian Yael Zion Amara Bruno Celia Dmitri Elena Felix Greta Hugo Ines Jonas Keiko Luca Mei Nadia`)
	lastNames = strings.Fields(`Abbott Baptiste Castillo Delacroix Eriksen Fontaine Gallagher Haddad Ibarra Jansen Kowalski Lindqvist
Moreau Nakamura Okafor Petrov Quintero Rahman Sorensen Tanaka Umarov Vasquez Whitfield Xu Yilmaz Zielinski Achebe Brennan Chaudhry
Dubois Esposito Fischer Gonzaga Halvorsen Iwasaki Jovanovic Karlsson Laurent Mbeki Novak`)
	pronouns = []string{"she/her", "he/him", "they/them", ""}
)

// seedClients registers cfg.Clients clients, each assigned to the
// practitioner; the first is the big client, whose consent is signed.
func seedClients(ctx context.Context, st *practicesql.Store, cfg Config, out *Seeded, r *rand.Rand, now time.Time) error {
	pid := out.Practitioner.ID
	var textID int64
	text := practice.ConsentText{Version: 1, Title: "Consent to treatment", Body: "I agree to treatment.", PublishedAt: now, PublishedBy: pid}
	return batches(ctx, st, cfg.Clients, cfg.Batch, func(tx *practicesql.Tx, i int) error {
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		id := practice.Identity{Name: first + " " + last, DateOfBirth: date.FromTime(now.AddDate(-20-r.IntN(50), 0, -r.IntN(365))),
			Pronouns: pronouns[r.IntN(len(pronouns))], Email: fmt.Sprintf("client%d@seed.example", i)}
		if r.IntN(5) == 0 {
			id.PreferredName = firstNames[r.IntN(len(firstNames))]
		}
		cid, err := tx.CreateClient(ctx, practice.Client{Identity: id, CreatedAt: now, CreatedBy: pid, UpdatedAt: now, Version: 1})
		if err != nil {
			return err
		}
		if err := tx.AssignClient(ctx, cid, pid, pid, now); err != nil {
			return err
		}
		if i > 0 {
			return nil
		}
		out.BigClient, out.BigName = cid, id.Name
		if textID, err = tx.CreateConsentText(ctx, text); err != nil {
			return err
		}
		_, err = tx.CreateConsent(ctx, practice.Consent{ClientID: cid, TextID: textID, Version: 1, Title: text.Title, Text: text.Body,
			TextDigest: text.Digest(), Signer: practice.SignerClient, SignedName: id.Name, WitnessID: pid,
			WitnessName: out.Practitioner.Name, SignedAt: now.AddDate(0, 0, -cfg.Notes-2)})
		return err
	})
}

// seedNotes writes cfg.Notes signed SOAP notes on the big case, one a day
// back from the day before now.
func seedNotes(ctx context.Context, st *practicesql.Store, cfg Config, out *Seeded, r *rand.Rand, now time.Time) error {
	pid := out.Practitioner.ID
	today := date.FromTime(now)
	words := strings.Fields("client reports sleep improved partner communication exercises sensate focus homework anxiety " +
		"arousal desire discussed reviewed plan goals progress steady mood week session practised")
	text := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String() + "."
	}
	return batches(ctx, st, cfg.Notes, cfg.Batch, func(tx *practicesql.Tx, i int) error {
		day := today.AddDays(-1 - i)
		at := day.Time().Add(17 * time.Hour)
		n := practice.ProgressNote{CaseID: out.BigCase, ClientID: out.BigClient, AuthorID: pid, AuthorName: out.Practitioner.Name,
			Note: note.Progress{DateOfService: day, Format: note.SOAP, Sections: map[note.Section]string{
				note.Subjective: text(30), note.Objective: text(20), note.Assessment: text(25), note.Plan: text(15)}},
			Version: 1, CreatedAt: at, UpdatedAt: at}
		id, err := tx.CreateProgressNote(ctx, n)
		if err != nil {
			return err
		}
		signed, err := note.Sign(n.Note, pid, at.Add(time.Hour))
		if err != nil {
			return err
		}
		_, err = tx.SignProgressNote(ctx, id, 1, signed)
		return err
	})
}

// seedResponses writes cfg.Responses completed PHQ-9 and GAD-7 responses
// on the big case, every few days back from now.
func seedResponses(ctx context.Context, st *practicesql.Store, cfg Config, out *Seeded, r *rand.Rand, now time.Time) error {
	pid := out.Practitioner.ID
	instruments := []string{"phq-9", "gad-7"}
	return batches(ctx, st, cfg.Responses, cfg.Batch, func(tx *practicesql.Tx, i int) error {
		in, _ := measure.Lookup(instruments[i%len(instruments)])
		vals := make([]int, len(in.Items))
		answers := make([]*int, len(in.Items))
		for k, it := range in.Items {
			vals[k] = it.Allowed[r.IntN(len(it.Allowed))]
			answers[k] = &vals[k]
		}
		res, err := measure.Score(in.ID, vals, measure.NoSex)
		if err != nil {
			return err
		}
		taken := now.Add(-time.Duration(i+1) * 20 * time.Hour)
		_, err = tx.CreateMeasureResponse(ctx, practice.Response{CaseID: out.BigCase, ClientID: out.BigClient, Instrument: in.ID,
			Sex: measure.NoSex, Answers: answers, TextsRef: "shipped", Status: practice.Completed, Result: res, TakenAt: taken,
			EnteredBy: pid, EnteredByName: out.Practitioner.Name, CreatedAt: taken, UpdatedAt: taken, CompletedAt: taken, Version: 1})
		return err
	})
}
