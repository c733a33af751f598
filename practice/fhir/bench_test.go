package fhir

import (
	"fmt"
	"testing"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/note"
)

// largeRecord is a record of years of care: n progress notes and n scored
// PHQ-9s on one case.
func largeRecord(b *testing.B, n int) Record {
	b.Helper()
	rec := sampleRecord(&testing.T{})
	c := &rec.Cases[0]
	c.Sessions = nil
	c.Notes[0].Session = ""
	start := time.Date(2020, 1, 6, 10, 0, 0, 0, time.UTC)
	for i := range n {
		at := start.Add(time.Duration(i) * 24 * time.Hour)
		r := scored(&testing.T{}, fmt.Sprintf("bulk-response-%d", i), "phq-9")
		r.TakenAt = at
		c.Responses = append(c.Responses, r)
		c.Notes = append(c.Notes, RecordNote{Key: fmt.Sprintf("bulk-note-%d", i), Author: "Dr. Ana Holt", SignedBy: "Dr. Ana Holt", CreatedAt: at,
			Note: note.Progress{DateOfService: date.FromTime(at), Format: note.DAP,
				Sections: map[note.Section]string{"data": "Reports the week.", "assessment": "Steady.", "plan": "Continue."}, SignedAt: at.Add(time.Hour)}})
	}
	return rec
}

// BenchmarkExportLargeRecord writes a record of 2,000 notes and 2,000
// scored measures (about 6,000 resources).
func BenchmarkExportLargeRecord(b *testing.B) {
	rec := largeRecord(b, 2000)
	b.ResetTimer()
	for range b.N {
		if _, err := Export(rec, ExportOptions{ID: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseLargeRecord checks and reads the same bundle back,
// schema validation of every resource included.
func BenchmarkParseLargeRecord(b *testing.B) {
	out, err := Export(largeRecord(b, 2000), ExportOptions{ID: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := ParseBundle(out, ParseOptions{Now: now}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ResetTimer()
	for range b.N {
		if _, err := ParseBundle(out, ParseOptions{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseRefusesHugeList is the review's shape: 2 MiB of integers
// as a Patient's given names, refused by the scan before any decoding.
func BenchmarkParseRefusesHugeList(b *testing.B) {
	data := bundleOf(`{"resourceType":"Patient","id":"p","name":[{"given":` + listOf("1", 2<<20) + `}]}`)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for range b.N {
		if _, err := ParseBundle(data, ParseOptions{}); err == nil {
			b.Fatal("accepted")
		}
	}
}
