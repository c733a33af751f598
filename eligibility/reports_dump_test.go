package eligibility_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// TestReportsDump writes the full report, as JSON, of many evaluations, one
// a line, so that two versions of the engine can be compared report by
// report: every example portfolio against every version of every shipped
// set on two dates, the large benchmark portfolio and variants of it (some
// evidence claimed, some rejected, its contract claimed) against three
// sets, and random sets and portfolios of the differential test's
// generator. It runs only when REPORTS_DUMP names the file to write.
//
// The random cases are written to REPORTS_CASES the first time (the
// generator's portfolios are not reproducible from a seed alone) and read
// from it afterwards, so both versions judge the same inputs:
//
//	REPORTS_CASES=cases.jsonl REPORTS_DUMP=old.jsonl go test ./eligibility -run TestReportsDump  # on one version
//	REPORTS_CASES=cases.jsonl REPORTS_DUMP=new.jsonl go test ./eligibility -run TestReportsDump  # on the other
//	cmp old.jsonl new.jsonl
//
// REPORTS_N sets the number of random cases (default 1,500).
func TestReportsDump(t *testing.T) {
	out := os.Getenv("REPORTS_DUMP")
	if out == "" {
		t.Skip("REPORTS_DUMP names the file to write")
	}
	var buf bytes.Buffer
	n := 0
	write := func(label string, rep *eligibility.Report) {
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		buf.WriteString(label)
		buf.WriteByte('\t')
		buf.Write(b)
		buf.WriteByte('\n')
		n++
	}

	reg, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../examples/portfolios/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "expectations") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := portfolio.Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, id := range reg.IDs() {
			for _, set := range reg.Versions(id) {
				for _, day := range []string{"2024-03-01", "2026-06-01"} {
					write(fmt.Sprintf("%s %s@%s %s", filepath.Base(f), id, set.Version, day),
						eligibility.Evaluate(p, set, date.MustParse(day)))
				}
			}
		}
	}

	asOf := date.MustParse("2026-06-01")
	variants := map[string]func(*portfolio.Portfolio){
		"plain": func(*portfolio.Portfolio) {},
		"claimed": func(p *portfolio.Portfolio) {
			for i := range p.Education {
				if i%7 == 0 {
					p.Education[i].Verification = portfolio.Verification{State: portfolio.Claimed}
				}
			}
			for i := range p.ClinicalHours {
				if i%5 == 0 {
					p.ClinicalHours[i].Verification = portfolio.Verification{State: portfolio.Claimed}
				}
			}
		},
		"rejected": func(p *portfolio.Portfolio) {
			for i := range p.Sessions {
				if i%4 == 0 {
					p.Sessions[i].Verification = portfolio.Verification{State: portfolio.Rejected}
				}
			}
			for i := range p.Education {
				if i%3 == 0 {
					p.Education[i].Verification = portfolio.Verification{State: portfolio.Rejected}
				}
			}
		},
		"claimed-support": func(p *portfolio.Portfolio) {
			p.Contracts[0].Verification = portfolio.Verification{State: portfolio.Claimed}
			p.Licenses[0].Verification = portfolio.Verification{State: portfolio.Claimed}
		},
	}
	for _, name := range []string{"plain", "claimed", "rejected", "claimed-support"} {
		p := eligibility.LargePortfolio()
		variants[name](p)
		for _, id := range []string{"aasect-cst", "aasect-cse", "florida-sex-therapist"} {
			if s := reg.Latest(id); s != nil {
				write("large-"+name+" "+id, eligibility.Evaluate(p, s, asOf))
			}
		}
	}

	for i, c := range randomCases(t) {
		set, err := requirements.Parse("diff.yaml", []byte(c.Set))
		if err != nil {
			continue
		}
		p, err := portfolio.Decode(c.Portfolio)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		write(fmt.Sprintf("random-%d", i), eligibility.Evaluate(p, set, asOf))
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d reports written", n)
}

// dumpCase is one random set and portfolio of TestReportsDump.
type dumpCase struct {
	Set       string          `json:"set"`
	Portfolio json.RawMessage `json:"portfolio"`
}

// randomCases reads the cases in REPORTS_CASES, or makes them and writes
// them there when the file does not exist (or keeps them in memory when
// REPORTS_CASES is not set).
func randomCases(t *testing.T) []dumpCase {
	path := os.Getenv("REPORTS_CASES")
	if path != "" {
		if f, err := os.Open(path); err == nil {
			defer f.Close()
			var cases []dumpCase
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 64<<20)
			for sc.Scan() {
				var c dumpCase
				if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
					t.Fatal(err)
				}
				cases = append(cases, c)
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			return cases
		}
	}
	n := 1500
	if s := os.Getenv("REPORTS_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	r := rand.New(rand.NewPCG(1, 7))
	var cases []dumpCase
	var buf bytes.Buffer
	for range n {
		w := genWorld(r)
		raw, err := json.Marshal(w.portfolio())
		if err != nil {
			t.Fatal(err)
		}
		c := dumpCase{Set: w.setYAML(), Portfolio: raw}
		cases = append(cases, c)
		b, _ := json.Marshal(c)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if path != "" {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return cases
}
