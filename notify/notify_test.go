package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/seal"
)

// The database's outbox is one notify delivers from.
var _ notify.Outbox = (*jobsql.Outbox)(nil)

// inbox is an in-process SMTP server that keeps what it receives, and can
// be told to refuse mail, as a server in an outage would.
type inbox struct {
	mu     sync.Mutex
	got    []string
	refuse bool
}

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b  *inbox
	to string
}

func (s *session) Mail(string, *smtp.MailOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.refuse {
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *session) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	s.b.mu.Lock()
	s.b.got = append(s.b.got, "to:"+s.to+"\n"+string(b))
	s.b.mu.Unlock()
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

func startSMTP(t *testing.T) (*inbox, string) {
	t.Helper()
	b := &inbox{}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return b, ln.Addr().String()
}

// migratedStore is a fresh, migrated SQLite store with its own keys.
func migratedStore(t *testing.T) *boardsql.Store {
	t.Helper()
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
	return st
}

func TestOutboxSurvivesAnOutage(t *testing.T) {
	ctx := context.Background()
	st := migratedStore(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	if err := st.InTx(ctx, func(tx *boardsql.Tx) error {
		_, err := tx.EnqueueMail(ctx, boardsql.Mail{To: "jordan@example.org", Subject: "Verify your e-mail address", Body: "Open this link.\nThanks.", CreatedAt: now})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// A message queued in a transaction that is rolled back never leaves.
	tx, _ := st.Begin(ctx)
	tx.EnqueueMail(ctx, boardsql.Mail{To: "ghost@example.org", Subject: "x", Body: "x", CreatedAt: now})
	tx.Rollback()

	box, addr := startSMTP(t)
	sender := notify.SMTP{Addr: addr, From: "board@certboard.example"}
	box.refuse = true
	if sent, failed, err := notify.DeliverDue(ctx, st, sender, now); err != nil || sent != 0 || failed != 1 {
		t.Fatalf("during the outage: sent %d failed %d %v", sent, failed, err)
	}
	// The failed message keeps its body, sealed, for the retry.
	if body := rawBody(t, st); body == "" || strings.Contains(body, "Open this link") {
		t.Fatalf("after a failed attempt the stored body is %q", body)
	}
	if sent, failed, _ := notify.DeliverDue(ctx, st, sender, now.Add(30*time.Second)); sent+failed != 0 {
		t.Fatal("retried before the backoff")
	}
	box.refuse = false
	if sent, _, err := notify.DeliverDue(ctx, st, sender, now.Add(notify.Backoff(0))); err != nil || sent != 1 {
		t.Fatalf("after the outage: sent %d, %v", sent, err)
	}
	if sent, failed, _ := notify.DeliverDue(ctx, st, sender, now.Add(time.Hour)); sent+failed != 0 {
		t.Fatal("a delivered message was sent again")
	}
	// Once delivered, the body is no longer kept.
	if body := rawBody(t, st); body != "" {
		t.Fatalf("after delivery the stored body is %q", body)
	}
	if len(box.got) != 1 || !strings.Contains(box.got[0], "to:jordan@example.org") || !strings.Contains(box.got[0], "Subject: Verify your e-mail address") ||
		!strings.Contains(box.got[0], "Open this link.\r\nThanks.") {
		t.Fatalf("received %q", box.got)
	}
}

// rawBody is the body of the outbox's only message as the database holds
// it: the sealed body, or the plain one.
func rawBody(t *testing.T, st *boardsql.Store) string {
	t.Helper()
	var plain string
	var sealed sql.NullString
	if err := st.DB.QueryRow("SELECT body, sealed_body FROM outbox").Scan(&plain, &sealed); err != nil {
		t.Fatal(err)
	}
	return plain + sealed.String
}

// TestUnreadableMailIsNotSent: a message whose sealed body does not open
// (its row altered, or its key missing) is not sent, empty or otherwise;
// the failure is recorded and it is tried again later.
func TestUnreadableMailIsNotSent(t *testing.T) {
	ctx := context.Background()
	st := migratedStore(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	tx, _ := st.Begin(ctx)
	if _, err := tx.EnqueueMail(ctx, boardsql.Mail{To: "jordan@example.org", Subject: "Reset", Body: "secret link", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	if _, err := st.DB.Exec("UPDATE outbox SET to_addr = 'mallory@example.org'"); err != nil {
		t.Fatal(err)
	}
	box, addr := startSMTP(t)
	if sent, failed, err := notify.DeliverDue(ctx, st, notify.SMTP{Addr: addr, From: "board@certboard.example"}, now); err != nil || sent != 0 || failed != 1 {
		t.Fatalf("sent %d failed %d %v", sent, failed, err)
	}
	if len(box.got) != 0 {
		t.Fatalf("an unreadable message was sent: %q", box.got)
	}
	var reason string
	st.DB.QueryRow("SELECT last_error FROM outbox").Scan(&reason)
	if !strings.Contains(reason, "does not open") {
		t.Fatalf("recorded failure: %q", reason)
	}
}

func TestBackoff(t *testing.T) {
	if notify.Backoff(0) != time.Minute || notify.Backoff(3) != 8*time.Minute || notify.Backoff(50) != 6*time.Hour {
		t.Fatalf("%v %v %v", notify.Backoff(0), notify.Backoff(3), notify.Backoff(50))
	}
}

func TestSendErrorsAreReported(t *testing.T) {
	err := notify.SMTP{Addr: "127.0.0.1:1", From: "a@b"}.Send(context.Background(), notify.Message{To: "x@y", Subject: "s", Body: "b"})
	var op *net.OpError
	if err == nil || !errors.As(err, &op) {
		t.Fatalf("sending to a closed port: %v", err)
	}
}
