package board

import (
	"testing"

	"github.com/certboard/certboard/blob"
)

func TestDocFilename(t *testing.T) {
	for _, tc := range []struct{ in, ct, want string }{
		{"transcript.pdf", blob.PDF, "transcript.pdf"},
		{"C:\\fakepath\\Scan.JPG", blob.JPEG, "Scan.JPG"},
		{"photo.jpeg", blob.JPEG, "photo.jpeg"},
		{"diploma.pdf", blob.PNG, "diploma.pdf.png"},
		{"../../etc/passwd", blob.PDF, "passwd.pdf"},
		{"", blob.PDF, "document.pdf"},
		{"bad\x00\"name\n.pdf", blob.PDF, "badname.pdf"},
	} {
		if got := docFilename(tc.in, tc.ct); got != tc.want {
			t.Errorf("docFilename(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
