package board_test

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

var t0 = time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)

// world is a board on a fresh store with an applicant, a member of staff
// (signed in with two factors) and reviewers.
type world struct {
	b     *board.Board
	st    *boardsql.Store
	users map[string]*auth.User
}

// stores returns a fresh, migrated board store on each engine
// (sqldbtest.Engines), each with keys of its own.
func stores(t *testing.T) map[string]*boardsql.Store {
	t.Helper()
	out := map[string]*boardsql.Store{}
	for name, db := range sqldbtest.Engines(t) {
		keys, err := seal.New(seal.Generate())
		if err != nil {
			t.Fatal(err)
		}
		st := boardsql.New(db, keys)
		if _, err := st.Migrate(context.Background()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = st
	}
	return out
}

// newBoard is a Board over st judging by cat (the shipped sets when nil),
// reading the time from now, reached at https://board.example.
func newBoard(t *testing.T, st *boardsql.Store, cat *requirements.Catalog, now func() time.Time) *board.Board {
	t.Helper()
	if cat == nil {
		var err error
		if cat, err = requirements.Shipped(); err != nil {
			t.Fatal(err)
		}
	}
	b, err := board.New(board.Config{Store: boardsql.ForBoard{Store: st}, Catalog: cat,
		Clock: certboard.ClockFunc(now), PublicURL: "https://board.example"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// addUser stores an account with roles and returns it as read back.
func addUser(t *testing.T, st *boardsql.Store, u auth.User) *auth.User {
	t.Helper()
	ctx := context.Background()
	id, err := st.CreateUser(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// worlds returns a fresh world on each engine (sqldbtest.Engines).
func worlds(t *testing.T) map[string]*world {
	t.Helper()
	cat, err := requirements.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*world{}
	for name, st := range stores(t) {
		w := &world{b: newBoard(t, st, cat, func() time.Time { return t0 }), st: st, users: map[string]*auth.User{}}
		w.user(t, "ann", "Ann Applicant", "Harbor Therapy", auth.Applicant)
		w.user(t, "sam", "Sam Staff", "", auth.Staff).TOTPEnabledAt = t0
		w.user(t, "priya", "Priya Raman", "North Clinic", auth.Reviewer)
		w.user(t, "grace", "Grace Kim", "Harbor Therapy", auth.Reviewer)
		w.user(t, "olga", "Olga Other", "", auth.Applicant)
		out[name] = w
	}
	return out
}

func (w *world) user(t *testing.T, key, name, practice string, roles ...auth.Role) *auth.User {
	t.Helper()
	u := &auth.User{Email: key + "@example.org", Name: name, PasswordHash: "x", Roles: roles, Workplace: practice, CreatedAt: t0}
	id, err := w.st.CreateUser(context.Background(), *u)
	if err != nil {
		t.Fatal(err)
	}
	u.ID = id
	w.users[key] = u
	return u
}

// application makes Ann's application, submitted and moved on to state.
func (w *world) application(t *testing.T, state board.State) *board.Application {
	t.Helper()
	ctx := context.Background()
	p := &portfolio.Portfolio{Format: portfolio.FormatV1}
	p.Person.Practice = "Harbor Therapy"
	data, err := portfolio.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = w.st.InTx(ctx, func(tx *boardsql.Tx) error {
		if id, err = tx.CreateApplication(ctx, board.Application{ApplicantID: w.users["ann"].ID, SetID: "aasect-cst", State: board.Draft,
			Portfolio: data, CreatedAt: t0}); err != nil {
			return err
		}
		if _, err := tx.SetApplicationState(ctx, id, 1, board.Draft, state, t0); err != nil {
			return err
		}
		return tx.FreezeSnapshot(ctx, id, data, "2024", t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err := w.st.Application(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// code is the code of a refusal (a certboard.Error's); "" for none.
func code(err error) certboard.Code {
	return certboard.ErrorCode(err)
}
