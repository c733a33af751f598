package board_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
)

// adminNow is the clock of these tests.
var adminNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// newAdminBoard is a board over a fresh SQLite store with the shipped
// requirement sets, an admin and a holder.
func newAdminBoard(t *testing.T) (*board.Board, *boardsql.Store, *auth.User, *auth.User) {
	t.Helper()
	st := stores(t)["sqlite"]
	b := newBoard(t, st, nil, func() time.Time { return adminNow })
	return b, st, addUser(t, st, auth.User{Email: "ada.admin@example.org", Name: "Ada Admin", Roles: []auth.Role{auth.Admin}}),
		addUser(t, st, auth.User{Email: "noor@example.org", Name: "Noor Haddad", Roles: []auth.Role{auth.Applicant}})
}

// nextCST is the shipped CST set as a later version.
func nextCST(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../requirements/sets/aasect-cst.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "version: 2025.T.1", "version: 2027.T.1", 1)
	return []byte(strings.Replace(text, "effective_from: 2025-01-01", "effective_from: 2027-01-01", 1))
}

func TestUploadAndPublish(t *testing.T) {
	ctx := context.Background()
	b, st, admin, holder := newAdminBoard(t)
	for _, tc := range []struct {
		name string
		by   *auth.User
		yaml string
		want certboard.Code
	}{
		{"only admins", holder, string(nextCST(t)), certboard.Forbidden},
		{"empty", admin, "  \n", certboard.Invalid},
		{"problems with lines", admin, "id: aasect-cst\ntitle: Broken\nversion: 2027\nrequirements:\n  - id: x\n    colour: blue\n", certboard.Invalid},
		{"the version in force again", admin, strings.Replace(string(nextCST(t)), "2027", "2025", -1), certboard.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.UploadSet(ctx, tc.by, "set.yaml", []byte(tc.yaml))
			if got := certboard.ErrorCode(err); got != tc.want {
				t.Fatalf("code %q, want %q (%v)", got, tc.want, err)
			}
		})
	}
	if ups, err := st.SetUploads(ctx, false); err != nil || len(ups) != 0 {
		t.Fatalf("refused uploads were stored: %v %v", ups, err)
	}

	up, err := b.UploadSet(ctx, admin, "next.yaml", nextCST(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.UploadSet(ctx, admin, "next.yaml", nextCST(t)); certboard.ErrorCode(err) != certboard.Conflict {
		t.Fatalf("same version twice: %v", err)
	}
	pv, err := b.PreviewUpload(ctx, admin, up.ID)
	if err != nil || !pv.Publishable || pv.Set.Version != "2027.T.1" {
		t.Fatalf("preview: %+v %v", pv, err)
	}
	if _, err := b.PreviewUpload(ctx, admin, up.ID+100); certboard.ErrorCode(err) != certboard.NotFound {
		t.Fatalf("preview of no upload: %v", err)
	}
	if _, _, err := b.PublishUpload(ctx, holder, up.ID); certboard.ErrorCode(err) != certboard.Forbidden {
		t.Fatalf("publish by a holder: %v", err)
	}
	published, set, err := b.PublishUpload(ctx, admin, up.ID)
	if err != nil || !published.Published() || set.Version != "2027.T.1" {
		t.Fatalf("publish: %+v %v", published, err)
	}
	found := false
	for _, v := range b.Catalog().Versions("aasect-cst") {
		found = found || v.Version == "2027.T.1"
	}
	if !found {
		t.Fatal("the catalog in force lacks the published version")
	}
	if _, _, err := b.PublishUpload(ctx, admin, up.ID); certboard.ErrorCode(err) != certboard.Conflict {
		t.Fatalf("published twice: %v", err)
	}
}

func TestSaveSettings(t *testing.T) {
	ctx := context.Background()
	b, _, admin, holder := newAdminBoard(t)
	good := board.BoardSettings{Name: " Board of Examples ", ContactEmail: "office@board.example.org"}
	for _, tc := range []struct {
		name  string
		by    *auth.User
		in    board.BoardSettings
		want  certboard.Code
		field string
	}{
		{"only admins", holder, good, certboard.Forbidden, ""},
		{"no name", admin, board.BoardSettings{ContactEmail: "office@board.example.org"}, certboard.Invalid, "name"},
		{"not an address", admin, board.BoardSettings{Name: "B", ContactEmail: "Office <office@board.example.org>"}, certboard.Invalid, "contact_email"},
		{"plain http", admin, board.BoardSettings{Name: "B", ContactEmail: "o@b.example.org", Website: "http://b.example.org"}, certboard.Invalid, "website"},
		{"a stale version", admin, board.BoardSettings{Name: "B", ContactEmail: "o@b.example.org", Version: 3}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.SaveSettings(ctx, tc.by, tc.in)
			if tc.in.Version > 0 {
				// The store's conflict, which board/web answers 409.
				if !errors.Is(err, boardsql.ErrConflict) {
					t.Fatalf("stale version: %v", err)
				}
				return
			}
			if got := certboard.ErrorCode(err); got != tc.want {
				t.Fatalf("code %q, want %q (%v)", got, tc.want, err)
			}
			if tc.field != "" {
				if e, _ := err.(*certboard.Error); e == nil || e.Fields[tc.field] == "" {
					t.Fatalf("no message for %s: %v", tc.field, err)
				}
			}
		})
	}
	saved, err := b.SaveSettings(ctx, admin, good)
	if err != nil || saved.Name != "Board of Examples" || saved.Version != 1 {
		t.Fatalf("save: %+v %v", saved, err)
	}
	if got, err := b.Settings(ctx); err != nil || got.DisplayName() != "Board of Examples" {
		t.Fatalf("settings: %+v %v", got, err)
	}
}

func TestCheckUserChange(t *testing.T) {
	ctx := context.Background()
	b, _, admin, holder := newAdminBoard(t)
	roles := func(r ...string) *[]string { return &r }
	long := strings.Repeat("x", 201)
	for _, tc := range []struct {
		name string
		by   *auth.User
		uid  int64
		c    board.UserChange
		want certboard.Code
	}{
		{"makes a reviewer", admin, holder.ID, board.UserChange{Roles: roles("reviewer", "applicant"), Version: 1}, ""},
		{"only admins", holder, holder.ID, board.UserChange{Roles: roles("admin"), Version: 1}, certboard.Forbidden},
		{"no such account", admin, holder.ID + 100, board.UserChange{Roles: roles(), Version: 1}, certboard.NotFound},
		{"no such role", admin, holder.ID, board.UserChange{Roles: roles("wizard"), Version: 1}, certboard.Invalid},
		{"a practice's role", admin, holder.ID, board.UserChange{Roles: roles("practitioner"), Version: 1}, certboard.Invalid},
		{"practice too long", admin, holder.ID, board.UserChange{Practice: &long, Version: 1}, certboard.Invalid},
		{"the last admin keeps the role", admin, admin.ID, board.UserChange{Roles: roles("staff"), Version: 1}, certboard.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edit, err := b.CheckUserChange(ctx, tc.by, tc.uid, tc.c)
			if got := certboard.ErrorCode(err); got != tc.want {
				t.Fatalf("code %q, want %q (%v)", got, tc.want, err)
			}
			if err == nil && (auth.JoinRoles(edit.After.Roles, ",") != "applicant,reviewer" || edit.Audit.Action != "user.update" ||
				edit.Audit.After != "roles=applicant,reviewer; practice=") {
				t.Fatalf("edit: %+v %+v", edit.After, edit.Audit)
			}
		})
	}
}

func TestSaveProfile(t *testing.T) {
	ctx := context.Background()
	b, st, _, holder := newAdminBoard(t)
	for _, tc := range []struct {
		name  string
		in    board.Profile
		want  certboard.Code
		field string
	}{
		{"no name", board.Profile{}, certboard.Invalid, "display_name"},
		{"unknown country", board.Profile{DisplayName: "Noor", Country: "XX"}, certboard.Invalid, "country"},
		{"unknown language", board.Profile{DisplayName: "Noor", Languages: []string{"Klingon"}}, certboard.Invalid, "languages"},
		{"saves", board.Profile{DisplayName: "Noor Haddad", Country: "us", Languages: []string{"Spanish", "en", "es"}, Visible: true}, "", ""},
		{"a stale version", board.Profile{DisplayName: "Noor Haddad", Version: 7}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.SaveProfile(ctx, holder, tc.in)
			if tc.in.Version > 0 {
				if !errors.Is(err, boardsql.ErrConflict) {
					t.Fatalf("stale version: %v", err)
				}
				return
			}
			if got := certboard.ErrorCode(err); got != tc.want {
				t.Fatalf("code %q, want %q (%v)", got, tc.want, err)
			}
			if tc.field != "" {
				if e, _ := err.(*certboard.Error); e == nil || e.Fields[tc.field] == "" {
					t.Fatalf("no message for %s: %v", tc.field, err)
				}
			}
		})
	}
	mine, err := b.MyProfile(ctx, holder)
	if err != nil || mine.Profile == nil || mine.Profile.Country != "US" || strings.Join(mine.Profile.Languages, ",") != "es,en" || mine.Listed {
		t.Fatalf("my profile: %+v %v", mine, err)
	}
	if p, err := st.Profile(ctx, holder.ID); err != nil || p.Version != 1 {
		t.Fatalf("stored: %+v %v", p, err)
	}
}

func TestChangeUser(t *testing.T) {
	ctx := context.Background()
	b, st, admin, holder := newAdminBoard(t)
	now := time.Now()
	if err := st.CreateSession(ctx, auth.Session{Digest: "held", UserID: holder.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if ss, err := st.UserSessions(ctx, holder.ID, now, time.Hour); err != nil || len(ss) != 1 {
		t.Fatalf("sessions before: %+v %v", ss, err)
	}
	staff := []string{"staff"}
	u, err := b.ChangeUser(ctx, admin, holder.ID, board.UserChange{Roles: &staff, Version: 1})
	if err != nil || u.Version != 2 || !u.HasRole(auth.Staff) {
		t.Fatalf("change: %+v %v", u, err)
	}
	if got, err := st.UserByID(ctx, holder.ID); err != nil || !got.HasRole(auth.Staff) || got.Version != 2 {
		t.Fatalf("stored: %+v %v", got, err)
	}
	// Made staff, who sign in with two factors: the session held ends.
	if ss, err := st.UserSessions(ctx, holder.ID, now, time.Hour); err != nil || len(ss) != 0 {
		t.Fatalf("sessions: %+v %v", ss, err)
	}
	if _, err := b.ChangeUser(ctx, admin, holder.ID, board.UserChange{Roles: &staff, Version: 1}); !errors.Is(err, certboard.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
}

// TestNameForPages: pages read the board's name at most once per NameTTL;
// the instance that saves a new name shows it at once, another instance on
// the same database within NameTTL, and what a credential states (Name)
// reads it afresh.
func TestNameForPages(t *testing.T) {
	ctx := context.Background()
	for engine, st := range stores(t) {
		t.Run(engine, func(t *testing.T) {
			now := adminNow
			clock := func() time.Time { return now }
			saver, other := newBoard(t, st, nil, clock), newBoard(t, st, nil, clock)
			admin := addUser(t, st, auth.User{Email: "ada.admin@example.org", Name: "Ada Admin", Roles: []auth.Role{auth.Admin}})
			if a, b := saver.NameForPages(ctx), other.NameForPages(ctx); a != "certboard" || b != "certboard" {
				t.Fatalf("before any save: %q, %q", a, b)
			}
			if _, err := saver.SaveSettings(ctx, admin, board.BoardSettings{Name: "Board of Examples", ContactEmail: "office@board.example.org"}); err != nil {
				t.Fatal(err)
			}
			if got := saver.NameForPages(ctx); got != "Board of Examples" {
				t.Errorf("the saving instance shows %q", got)
			}
			if got := other.NameForPages(ctx); got != "certboard" {
				t.Errorf("another instance read the store again before NameTTL: %q", got)
			}
			if got := other.Name(ctx); got != "Board of Examples" {
				t.Errorf("Name (for credentials) gives %q", got)
			}
			now = now.Add(board.NameTTL)
			if got := other.NameForPages(ctx); got != "Board of Examples" {
				t.Errorf("another instance after NameTTL shows %q", got)
			}
		})
	}
}
