package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"Session (couple, video)": `Session (couple\, video)`,
		`a;b\c`:                   `a\;b\\c`,
		"two\r\nlines\nthree":     `two\nlines\nthree`,
		"bell\x07tab\t":           "belltab\t",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFold checks RFC 5545 3.1: no line over 75 octets before its CRLF,
// continuations start with one space, no UTF-8 character split, and
// unfolding gives the line back.
func TestFold(t *testing.T) {
	for _, l := range []string{
		"SUMMARY:short",
		"DESCRIPTION:" + strings.Repeat("x", 63),  // exactly 75
		"DESCRIPTION:" + strings.Repeat("x", 64),  // 76
		"DESCRIPTION:" + strings.Repeat("é", 100), // two octets each
		"SUMMARY:" + strings.Repeat("日本語", 40),    // three octets each
	} {
		got := Fold(l)
		if !strings.HasSuffix(got, "\r\n") {
			t.Fatalf("Fold(%q) does not end in CRLF", l)
		}
		parts := strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n")
		for i, p := range parts {
			if len(p) > lineOctets {
				t.Errorf("line %d of %q is %d octets", i, l[:20], len(p))
			}
			if i > 0 && !strings.HasPrefix(p, " ") {
				t.Errorf("continuation %d does not start with a space", i)
			}
			if !utf8.ValidString(p) {
				t.Errorf("line %d splits a character", i)
			}
		}
		if len(l) <= lineOctets && len(parts) != 1 {
			t.Errorf("a line of %d octets was folded", len(l))
		}
		if unfolded := strings.ReplaceAll(strings.TrimSuffix(got, "\r\n"), "\r\n ", ""); unfolded != l {
			t.Errorf("unfolding gives %q, want %q", unfolded, l)
		}
	}
}

func TestEncode(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.FixedZone("CST", -6*3600))
	var buf bytes.Buffer
	err := Encode(&buf, Calendar{ProdID: "-//certboard//test//EN", Name: "Sessions, Alice", Events: []Event{
		{UID: "session-1@practice.example", Stamp: at, Start: at, End: at.Add(50 * time.Minute), Summary: "Session (couple, video)", Status: Cancelled, Sequence: 2},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//certboard//test//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n" +
		"X-WR-CALNAME:Sessions\\, Alice\r\nBEGIN:VEVENT\r\nUID:session-1@practice.example\r\nDTSTAMP:20261207T150000Z\r\n" +
		"DTSTART:20261207T150000Z\r\nDTEND:20261207T155000Z\r\nSEQUENCE:2\r\nSUMMARY:Session (couple\\, video)\r\n" +
		"STATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if buf.String() != want {
		t.Errorf("Encode wrote\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestEncodeRefuses(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for name, c := range map[string]Calendar{
		"no prodid": {},
		"no uid":    {ProdID: "x", Events: []Event{{Stamp: at, Start: at, End: at.Add(time.Hour)}}},
		"no stamp":  {ProdID: "x", Events: []Event{{UID: "u", Start: at, End: at.Add(time.Hour)}}},
		"backwards": {ProdID: "x", Events: []Event{{UID: "u", Stamp: at, Start: at, End: at}}},
	} {
		var buf bytes.Buffer
		if err := Encode(&buf, c); err == nil || buf.Len() != 0 {
			t.Errorf("%s: Encode = %v and wrote %d bytes, want a refusal and nothing", name, err, buf.Len())
		}
	}
}
