package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/demo"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// applicantPassword is the password of every seeded applicant.
const applicantPassword = "cluster-load-test-2026"

// applicant is a seeded applicant: a verified account and one draft
// application holding the example portfolio.
type applicant struct {
	email string
	appID int64
}

// world is what the load needs from the seeded database.
type world struct {
	applicants []applicant
	// staffCookies are sessions of the demo's board staff member (signed
	// in with two factors), one per staff user.
	staffCookies []string
	// credentials are the JWTs and ids of the demo's issued credentials;
	// names are words of their holders' names, to search the registry.
	jwts, credentialIDs, names []string
}

// seedWorld fills the fresh database: the demo board (staff, reviewers,
// credential holders in the registry), through the board's use cases as
// certboard serve --demo does; then the applicants, and sessions for the
// staff users, directly through the store.
func seedWorld(ctx context.Context, st *boardsql.Store, docs *blob.Store, publicURL string, tpl *portfolio.Portfolio, applicants, staff int) (*world, error) {
	sets, err := requirements.Shipped()
	if err != nil {
		return nil, err
	}
	if _, err := st.EnsureSigningKey(ctx, time.Now()); err != nil {
		return nil, err
	}
	srv, err := web.New(web.Config{Board: boardsql.ForBoard{Store: st}, Accounts: boardsql.ForAuth{Store: st}, Demo: boardsql.ForBoard{Store: st},
		Sets: sets, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: publicURL, Files: docs})
	if err != nil {
		return nil, err
	}
	if _, err := srv.SeedDemo(ctx); err != nil {
		return nil, fmt.Errorf("seeding the demo board: %w", err)
	}
	w := &world{}
	if w.applicants, err = seedApplicants(ctx, st, docs, applicants, tpl); err != nil {
		return nil, fmt.Errorf("seeding applicants: %w", err)
	}
	member, err := st.UserByEmail(ctx, demo.Email("staff"))
	if err != nil {
		return nil, fmt.Errorf("the demo's staff member: %w", err)
	}
	now := time.Now()
	for range staff {
		token, digest, err := auth.NewToken()
		if err != nil {
			return nil, err
		}
		if err := st.CreateSession(ctx, auth.Session{Digest: digest, UserID: member.ID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(web.SessionMax), UserAgent: "certboard-cluster"}); err != nil {
			return nil, err
		}
		w.staffCookies = append(w.staffCookies, web.SessionCookie+"="+token)
	}
	creds, err := st.ActiveCredentials(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, c := range creds {
		w.jwts = append(w.jwts, c.JWT)
		if c.Public {
			w.credentialIDs = append(w.credentialIDs, c.ID)
		}
		u, err := st.UserByID(ctx, c.HolderID)
		if err != nil {
			return nil, err
		}
		if f := strings.Fields(u.Name); len(f) > 0 && !seen[f[len(f)-1]] {
			seen[f[len(f)-1]] = true
			w.names = append(w.names, f[len(f)-1])
		}
	}
	if len(w.jwts) == 0 {
		return nil, fmt.Errorf("the demo board issued no active credential to verify")
	}
	if len(w.credentialIDs) == 0 {
		for _, c := range creds {
			w.credentialIDs = append(w.credentialIDs, c.ID)
		}
	}
	return w, nil
}

// seedBatch is how many applicants are created per transaction.
const seedBatch = 100

// seedApplicants creates n applicants, each with a verified account whose
// password is applicantPassword (one hash for all: hashing is the costly
// part of seeding) and a draft aasect-cst application holding tpl under
// their own name, with its start event and a file on record for each of
// its documents.
func seedApplicants(ctx context.Context, st *boardsql.Store, docs *blob.Store, n int, tpl *portfolio.Portfolio) ([]applicant, error) {
	hash, err := auth.Hash(applicantPassword, auth.DefaultParams)
	if err != nil {
		return nil, err
	}
	// Every document item of the portfolio needs a file on record for the
	// application to be submittable; one small file stands for all of
	// them, stored once (uploads are not what this test measures).
	file := []byte("%PDF-1.4\n% a document of a certboard cluster load test\n%%EOF\n")
	key := board.NewBlobKey(0)
	if err := docs.Put(ctx, key, file); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(file)
	onFile := boardsql.Document{Filename: "document.pdf", ContentType: "application/pdf", Size: int64(len(file)),
		SHA256: hex.EncodeToString(sum[:]), BlobKey: key}
	now := time.Now()
	out := make([]applicant, 0, n)
	for start := 0; start < n; start += seedBatch {
		tx, err := st.Begin(ctx)
		if err != nil {
			return nil, err
		}
		for i := start; i < min(n, start+seedBatch); i++ {
			a, err := seedApplicant(ctx, st, tx, i+1, tpl, hash, onFile, now)
			if err != nil {
				tx.Rollback()
				return nil, err
			}
			out = append(out, a)
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func seedApplicant(ctx context.Context, st *boardsql.Store, tx *boardsql.Tx, n int, tpl *portfolio.Portfolio, hash string, onFile boardsql.Document, now time.Time) (applicant, error) {
	email := fmt.Sprintf("cluster-%05d@example.org", n)
	name := fmt.Sprintf("Cluster Applicant %d", n)
	uid, err := st.CreateUserIn(ctx, tx, boardsql.User{Email: email, Name: name, PasswordHash: hash,
		Roles: []auth.Role{auth.Applicant}, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		return applicant{}, err
	}
	p := *tpl // the lists are shared, read-only; only the person changes
	p.Person.Name, p.Person.Email = name, email
	data, err := portfolio.Encode(&p)
	if err != nil {
		return applicant{}, err
	}
	appID, err := tx.CreateApplication(ctx, boardsql.Application{ApplicantID: uid, SetID: setID, State: board.Draft, Portfolio: data, CreatedAt: now})
	if err != nil {
		return applicant{}, err
	}
	if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: appID, At: now, ActorID: uid, Action: "start", To: board.Draft}); err != nil {
		return applicant{}, err
	}
	for _, d := range tpl.Documents {
		doc := onFile
		doc.ApplicationID, doc.ItemID, doc.UploadedBy, doc.CreatedAt = appID, d.ID, uid, now
		if _, err := tx.AddDocument(ctx, doc); err != nil {
			return applicant{}, err
		}
	}
	return applicant{email: email, appID: appID}, nil
}

// setID is the requirement set of the seeded applications.
const setID = "aasect-cst"
