package boardsql

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
)

// BenchmarkAppendAudit times one audit entry in its own transaction, on
// each engine: with its signed checkpoint, what every change costs.
func BenchmarkAppendAudit(b *testing.B) {
	for name, s := range migrated(b) {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			for i := 0; b.Loop(); i++ {
				tx, err := s.Begin(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.AppendAudit(ctx, audit.Entry{At: at.Add(time.Duration(i) * time.Millisecond), Actor: "staff-1", Action: "application.transition",
					Subject: "application/1", Before: `{"state":"submitted"}`, After: `{"state":"in_review"}`}); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
