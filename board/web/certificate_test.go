package web

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"hash/crc32"
	imagepng "image/png"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
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
	// The demo makes Jordan's credential public; private, it is the
	// holder's and the board's alone.
	if err := w.s.inTx(context.Background(), func(tx *boardsql.Tx) error {
		return tx.SetCredentialPublic(context.Background(), c.ID, false)
	}); err != nil {
		t.Fatal(err)
	}
	if rec := getAs(t, h, "/credentials/"+c.ID+"/certificate.pdf", w.cookie["riley"]); rec.Code != 404 {
		t.Fatalf("another user's certificate of a private credential: %d", rec.Code)
	}
	page := getAs(t, h, "/credentials/"+c.ID, w.cookie["jordan"]).Body.String()
	if !strings.Contains(page, `Verified now: <span class="badge s-met">valid</span>`) || !strings.Contains(page, "certificate.pdf") {
		t.Fatalf("the page does not show the credential verified:\n%s", page)
	}
}

// TestCertificateQRCodeOpensTheCredential reads the printed certificate as
// a phone would: the QR code drawn in the PDF, decoded from the image the
// PDF embeds, is the credential's public address, the same address the
// PDF links and prints.
func TestCertificateQRCodeOpensTheCredential(t *testing.T) {
	w := newAccessWorld(t)
	creds, err := w.st.CredentialsOf(context.Background(), w.users["jordan"].ID)
	if err != nil || len(creds) == 0 {
		t.Fatalf("Jordan's credentials: %d, %v", len(creds), err)
	}
	c := creds[0]
	rec := getAs(t, w.s.Handler(), "/credentials/"+c.ID+"/certificate.pdf", w.cookie["jordan"])
	if rec.Code != 200 {
		t.Fatalf("certificate: HTTP %d", rec.Code)
	}
	pdf := rec.Body.Bytes()
	want := w.s.publicBase() + "/credentials/" + c.ID
	got := pdfQRCodes(t, pdf)
	if len(got) != 1 || got[0] != want {
		t.Fatalf("the certificate's QR codes read %q, want exactly [%q]", got, want)
	}
	if !bytes.Contains(pdf, []byte("/URI ("+want+")")) {
		t.Errorf("the certificate does not link %s", want)
	}
	if !bytes.Contains(pdf, []byte(want)) || !strings.Contains(string(pdf), "/Subtype /Link") {
		t.Errorf("the certificate does not print or link %s", want)
	}
	// The address answers: the credential's page, to its holder.
	if rec := getAs(t, w.s.Handler(), strings.TrimPrefix(want, w.s.publicBase()), w.cookie["jordan"]); rec.Code != 200 {
		t.Errorf("the QR code's address answers HTTP %d", rec.Code)
	}
}

var pdfImageRE = regexp.MustCompile(`(?s)<<\s*/Type /XObject\s*/Subtype /Image(.*?)>>\nstream\n`)

// pdfQRCodes decodes every QR code among the images a PDF embeds. Each
// image is rebuilt as the PNG it was made from (a PDF keeps a PNG's
// compressed pixel rows as they are, with the PNG predictors declared), then
// read with a QR decoder.
func pdfQRCodes(t *testing.T, pdf []byte) []string {
	t.Helper()
	var out []string
	for _, m := range pdfImageRE.FindAllSubmatchIndex(pdf, -1) {
		dict := string(pdf[m[2]:m[3]])
		num := func(key string) int {
			sm := regexp.MustCompile(`/` + key + ` (\d+)`).FindStringSubmatch(dict)
			if sm == nil {
				t.Fatalf("an image of the PDF has no /%s: %s", key, dict)
			}
			n, _ := strconv.Atoi(sm[1])
			return n
		}
		w, h, bpc, length := num("Width"), num("Height"), num("BitsPerComponent"), num("Length")
		if !strings.Contains(dict, "/Filter /FlateDecode") || !strings.Contains(dict, "/Predictor 15") {
			t.Fatalf("an image of the PDF is not PNG data: %s", dict)
		}
		data := pdf[m[1] : m[1]+length]
		var colorType byte
		var palette []byte
		switch {
		case strings.Contains(dict, "/DeviceGray"):
			colorType = 0
		case strings.Contains(dict, "/Indexed"):
			colorType = 3
			ref := regexp.MustCompile(`/Indexed /DeviceRGB \d+ (\d+) 0 R`).FindStringSubmatch(dict)
			if ref == nil {
				t.Fatalf("an indexed image names no palette: %s", dict)
			}
			palette = pdfStream(t, pdf, ref[1])
		case strings.Contains(dict, "/DeviceRGB"):
			colorType = 2
		default:
			t.Fatalf("an image of the PDF has a colour space this test does not read: %s", dict)
		}
		var png bytes.Buffer
		png.WriteString("\x89PNG\r\n\x1a\n")
		ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
		ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
		ihdr = append(ihdr, byte(bpc), colorType, 0, 0, 0)
		pngChunk(&png, "IHDR", ihdr)
		if palette != nil {
			pngChunk(&png, "PLTE", palette)
		}
		pngChunk(&png, "IDAT", data)
		pngChunk(&png, "IEND", nil)
		img, err := imagepng.Decode(&png)
		if err != nil {
			t.Fatalf("rebuilding an image of the PDF (%s): %v", dict, err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			continue // an image that is not a QR code
		}
		out = append(out, res.GetText())
	}
	return out
}

// pdfStream returns the content of the stream object num, inflated when
// it is compressed.
func pdfStream(t *testing.T, pdf []byte, num string) []byte {
	t.Helper()
	m := regexp.MustCompile(`(?s)\n` + num + ` 0 obj\s*<<(.*?)>>\nstream\n`).FindSubmatchIndex(pdf)
	if m == nil {
		t.Fatalf("the PDF has no stream object %s", num)
	}
	dict := string(pdf[m[2]:m[3]])
	ln := regexp.MustCompile(`/Length (\d+)`).FindStringSubmatch(dict)
	if ln == nil {
		t.Fatalf("object %s has no /Length: %s", num, dict)
	}
	n, _ := strconv.Atoi(ln[1])
	data := pdf[m[1] : m[1]+n]
	if !strings.Contains(dict, "/FlateDecode") {
		return data
	}
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("object %s: %v", num, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("object %s: %v", num, err)
	}
	return out
}

// pngChunk writes one PNG chunk: length, type, data and CRC.
func pngChunk(w *bytes.Buffer, typ string, data []byte) {
	_ = binary.Write(w, binary.BigEndian, uint32(len(data)))
	w.WriteString(typ)
	w.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	_ = binary.Write(w, binary.BigEndian, crc.Sum32())
}

// pdfPageCount is the number of pages a PDF's page tree declares.
func pdfPageCount(t *testing.T, pdf []byte) int {
	t.Helper()
	m := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(pdf)
	if m == nil {
		m = regexp.MustCompile(`/Type /Pages[^>]*?/Count (\d+)`).FindSubmatch(pdf)
	}
	if m == nil {
		t.Fatal("the PDF has no page tree with a count")
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// TestCertificateIsOnePage: the certificate is one sheet, with a QR code
// that reads, for ordinary names and for names far longer than a line,
// and for a board whose address is long.
func TestCertificateIsOnePage(t *testing.T) {
	issued := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	c := &board.IssuedCredential{ID: "6f1c2a9e-4b7d-4e21-9a3f-0c8d5e7b1a24", SetID: "aasect-cst", SetVersion: "2025.T.1",
		IssuedAt: issued, ValidUntil: issued.AddDate(3, 0, 0)}
	long := strings.Repeat("Maximiliana Alexandrina Bartholomew-Featherstonehaugh ", 5)
	for _, tc := range []struct {
		name  string
		names credentialNames
		base  string
	}{
		{"ordinary", credentialNames{Title: "AASECT Certified Sex Therapist", Issuer: "Demo Board", Holder: "Jordan Reyes"}, "https://board.example"},
		{"long names", credentialNames{Title: long, Issuer: long, Holder: long}, "https://board.example"},
		{"long address", credentialNames{Title: "AASECT Certified Sex Therapist", Issuer: "Demo Board", Holder: "Zoë Ñúñez"},
			"https://certification.board-of-sexuality-educators-counselors-and-therapists.example.org/boards/north-america"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			link := tc.base + "/credentials/" + c.ID
			pdf, err := certificate(tc.names, c, link)
			if err != nil {
				t.Fatal(err)
			}
			if n := pdfPageCount(t, pdf); n != 1 {
				t.Errorf("the certificate has %d pages, want 1", n)
			}
			if got := pdfQRCodes(t, pdf); len(got) != 1 || got[0] != link {
				t.Errorf("the QR codes read %q, want [%q]", got, link)
			}
		})
	}
}
