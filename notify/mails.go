package notify

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
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
