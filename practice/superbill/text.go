package superbill

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"
)

// The parts of a PDF Text reads: a stream's dictionary and data, and a
// string shown with the Tj operator.
var (
	pdfStream = regexp.MustCompile(`(?s)<<([^<>]*)>>\s*stream\r?\n(.*?)\r?\nendstream`)
	pdfShown  = regexp.MustCompile(`(?s)\(((?:\\.|[^\\)])*)\)Tj`)
)

// maxTextStream bounds what Text inflates of one stream: far more than a
// superbill's page holds.
const maxTextStream = 8 << 20

// Text reads back the text a superbill's PDF (as PDF lays it out) shows,
// each string shown on a line of its own, in the order drawn: so that a
// test, or a check after rendering, can see what a client will read
// without a PDF reader. It inflates the page streams PDF compresses and
// decodes the strings from the UTF-16BE fpdf writes them in for
// pdffont's fonts. It reads only what PDF writes, not PDF in general.
func Text(pdf []byte) (string, error) {
	var out []string
	for _, m := range pdfStream.FindAllSubmatch(pdf, -1) {
		data := m[2]
		if bytes.Contains(m[1], []byte("/FlateDecode")) {
			z, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				continue // not a page's stream: a font's, which Text does not read
			}
			if data, err = io.ReadAll(io.LimitReader(z, maxTextStream)); err != nil {
				continue
			}
		}
		for _, s := range pdfShown.FindAllSubmatch(data, -1) {
			text, err := unescapeShown(s[1])
			if err != nil {
				return "", err
			}
			out = append(out, text)
		}
	}
	return strings.Join(out, "\n"), nil
}

// unescapeShown decodes a PDF string as fpdf writes it for a UTF-8 font:
// backslash escapes, then UTF-16BE.
func unescapeShown(s []byte) (string, error) {
	var raw []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'r':
				c = '\r'
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			default:
				c = s[i]
			}
		}
		raw = append(raw, c)
	}
	if len(raw)%2 != 0 {
		return "", fmt.Errorf("superbill: a shown string of odd length, %q: not UTF-16", raw)
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = binary.BigEndian.Uint16(raw[2*i:])
	}
	return string(utf16.Decode(units)), nil
}
