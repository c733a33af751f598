package measure

import (
	"encoding/json"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", ms(7), 99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p90 of four is the last", ms(1, 2, 3, 4), 90, 4 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p90 of 1..100", hundred, 90, 90 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the max", hundred, 100, 100 * time.Millisecond},
		{"a tiny p is the min", hundred, 0.001, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := Percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: Percentile(%d values, %g) = %v, want %v", tt.name, len(tt.sorted), tt.p, got, tt.want)
		}
	}
}

func TestMS(t *testing.T) {
	if got := MS(1234567 * time.Nanosecond); got != 1.234 {
		t.Errorf("MS(1.234567ms) = %v, want 1.234 (whole microseconds)", got)
	}
}

func TestProcessCPUAndLoad(t *testing.T) {
	// On Linux both read /proc; elsewhere they say -1 (unknown).
	if c := ProcessCPU(); c < 0 && c != -1 {
		t.Errorf("ProcessCPU() = %v: negative but not the unknown -1", c)
	}
	if l := LoadAverage(); l < 0 && l != -1 {
		t.Errorf("LoadAverage() = %v: negative but not the unknown -1", l)
	}
}

func TestSummarize(t *testing.T) {
	lat := make([]time.Duration, 200)
	for i := range lat {
		lat[i] = time.Duration(i+1) * 500 * time.Microsecond // 0.5 ms to 100 ms
	}
	got := Summarize(lat, 30*time.Second)
	want := Summary{PerSecond: 6.7, P50: 50, P90: 90, P99: 99, Max: 100}
	if got != want {
		t.Errorf("Summarize of 200 latencies over 30s = %+v, want %+v", got, want)
	}
	if got := Summarize(nil, time.Second); got != (Summary{}) {
		t.Errorf("Summarize of no latencies = %+v, want all zero", got)
	}
}

func TestSummaryFlattensIntoARow(t *testing.T) {
	row := struct {
		Page     string `json:"page"`
		Requests int    `json:"requests"`
		Summary
		Errors int `json:"errors"`
	}{"record", 3, Summary{PerSecond: 1.5, P50: 2, P90: 3, P99: 4, Max: 5}, 0}
	b, err := json.Marshal(row)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"page":"record","requests":3,"requests_per_second":1.5,"p50_ms":2,"p90_ms":3,"p99_ms":4,"max_ms":5,"errors":0}`
	if string(b) != want {
		t.Errorf("row JSON = %s\nwant       %s", b, want)
	}
}
