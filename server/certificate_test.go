package server

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCertificateAndLiveVerification: the holder downloads a printable PDF
// with the QR code; the credential's page shows it verified now; a private
// credential's certificate is nobody else's.
func TestCertificateAndLiveVerification(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	creds, err := w.st.CredentialsOf(context.Background(), w.users["jordan"].ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	c := creds[0]
	rec := getAs(t, h, "/credentials/"+c.ID+"/certificate.pdf", w.cookie["jordan"])
	body := rec.Body.Bytes()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) ||
		!bytes.Contains(body, []byte("/Subtype /Image")) || !bytes.Contains(body, []byte("/URI (http://localhost:8080/credentials/"+c.ID+")")) {
		t.Fatalf("certificate: %d %s, %d bytes", rec.Code, rec.Header().Get("Content-Type"), len(body))
	}
	if rec := getAs(t, h, "/credentials/"+c.ID+"/certificate.pdf", w.cookie["riley"]); rec.Code != 404 {
		t.Fatalf("another user's certificate: %d", rec.Code)
	}
	page := getAs(t, h, "/credentials/"+c.ID, w.cookie["jordan"]).Body.String()
	if !strings.Contains(page, `Verified now: <span class="badge s-met">valid</span>`) || !strings.Contains(page, "certificate.pdf") {
		t.Fatalf("the page does not show the credential verified:\n%s", page)
	}
}
