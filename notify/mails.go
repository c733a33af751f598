package notify

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/certboard/certboard/jobs"
)

// The text of every mail certboard sends is a file under mails/: a line
// "Subject: ...", a blank line, then the body, both text/template filled
// from the fields of the mail's type below. A type per mail keeps its
// template and its data together; TestEveryMailRenders renders each one
// against a golden file.

//go:embed mails/*.txt
var mailFiles embed.FS

var mailTemplates = template.Must(template.New("").Option("missingkey=error").ParseFS(mailFiles, "mails/*.txt"))

// Mail is one kind of mail: its fields are what its template says.
type Mail interface {
	// file names the template under mails/.
	file() string
}

// Render fills m's template and returns the message to send to to.
func Render(to string, m Mail) (Message, error) {
	var buf bytes.Buffer
	if err := mailTemplates.ExecuteTemplate(&buf, m.file(), m); err != nil {
		return Message{}, fmt.Errorf("mail %s: %w", m.file(), err)
	}
	head, body, ok := strings.Cut(buf.String(), "\n\n")
	subject, isSubject := strings.CutPrefix(head, "Subject: ")
	if !ok || !isSubject || strings.Contains(subject, "\n") || strings.TrimSpace(subject) == "" {
		return Message{}, fmt.Errorf("mail %s: the file must start with one line \"Subject: ...\" and a blank line", m.file())
	}
	return Message{To: to, Subject: subject, Body: body}, nil
}

// Queue is where a use case queues mail in its transaction: the store's
// transaction, over jobsql.Outbox.
type Queue interface {
	EnqueueMail(ctx context.Context, m jobs.Mail) (int64, error)
}

// Enqueue renders m for to and puts it in out, the outbox inside the
// caller's transaction, so that it is sent exactly when the change it
// tells of commits.
func Enqueue(ctx context.Context, out Queue, to string, m Mail, now time.Time) error {
	msg, err := Render(to, m)
	if err != nil {
		return err
	}
	_, err = out.EnqueueMail(ctx, jobs.Mail{To: msg.To, Subject: msg.Subject, Body: msg.Body, CreatedAt: now})
	return err
}

// CredentialStatusChanged tells a holder that staff suspended, reinstated
// or revoked their credential.
type CredentialStatusChanged struct {
	Name string // the holder's
	Set  string // the requirement set the credential attests
	Link string // the credential's public page
	// Past is what happened: "suspended", "reinstated", "revoked".
	Past string
	// Reason is what staff wrote, "" for none.
	Reason string
}

func (CredentialStatusChanged) file() string { return "credential_status_changed.txt" }
