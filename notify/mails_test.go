package notify

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/jobs"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestEveryMailRenders")

// examples holds one filled-in value of every mail type, named for its
// golden file under testdata/. A mail type without an example fails
// TestEveryMailFileHasAnExample.
var examples = map[string]Mail{
	"credential_status_changed":           CredentialStatusChanged{Name: "Jordan Reyes", Set: "AASECT Certified Sex Therapist (CST)", Link: "https://board.example/credentials/urn:uuid:1", Past: "revoked", Reason: "Your licence was revoked by the state."},
	"credential_status_changed_no_reason": CredentialStatusChanged{Name: "Jordan Reyes", Set: "AASECT Certified Sex Therapist (CST)", Link: "https://board.example/credentials/urn:uuid:1", Past: "reinstated"},
}

func TestEveryMailRenders(t *testing.T) {
	for name, m := range examples {
		t.Run(name, func(t *testing.T) {
			msg, err := Render("jordan@example.org", m)
			if err != nil {
				t.Fatal(err)
			}
			got := "To: " + msg.To + "\nSubject: " + msg.Subject + "\n\n" + msg.Body
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./notify -run TestEveryMailRenders -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("%s renders\n%s\nwant\n%s", name, got, want)
			}
		})
	}
}

func TestEveryMailFileHasAnExample(t *testing.T) {
	files, err := fs.Glob(mailFiles, "mails/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, m := range examples {
		covered[m.file()] = true
	}
	for _, f := range files {
		if !covered[strings.TrimPrefix(f, "mails/")] {
			t.Errorf("%s has no example in mails_test.go, so no test renders it", f)
		}
	}
}

func TestRenderRefusesAFileWithoutASubject(t *testing.T) {
	if _, err := Render("a@example.org", broken{}); err == nil {
		t.Fatal("a template without a Subject line rendered")
	}
}

// broken names a template that does not exist.
type broken struct{}

func (broken) file() string { return "no_such_mail.txt" }

// queue records what is put in it, or refuses it.
type queue struct {
	got  []jobs.Mail
	fail error
}

func (q *queue) EnqueueMail(_ context.Context, m jobs.Mail) (int64, error) {
	q.got = append(q.got, m)
	return int64(len(q.got)), q.fail
}

// TestEnqueue: the rendered mail is queued as it renders, at the time
// given; the queue's refusal is returned.
func TestEnqueue(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	m := examples["credential_status_changed"]
	want, err := Render("jordan@example.org", m)
	if err != nil {
		t.Fatal(err)
	}
	q := &queue{}
	if err := Enqueue(ctx, q, "jordan@example.org", m, now); err != nil {
		t.Fatal(err)
	}
	if len(q.got) != 1 || q.got[0] != (jobs.Mail{To: want.To, Subject: want.Subject, Body: want.Body, CreatedAt: now}) {
		t.Fatalf("queued %+v", q.got)
	}
	q.fail = errors.New("full")
	if err := Enqueue(ctx, q, "jordan@example.org", m, now); err != q.fail {
		t.Fatalf("a refusal: %v", err)
	}
}
