package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestParse: flags out of range are refused with a message.
func TestParse(t *testing.T) {
	for _, args := range [][]string{{"--users", "0"}, {"--mix", "1.5"}, {"--duration", "0s"}, {"--filters", " , "},
		{"--url", "http://127.0.0.1:1"}, {"--clients", "0"}} {
		var out strings.Builder
		if _, err := parse(args, &out); err == nil || out.Len() == 0 {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parse([]string{"--filters", "ab, cd ,"}, io.Discard)
	if err != nil || len(o.Filters) != 2 || o.Users != 8 || o.Clients != 10000 {
		t.Errorf("%+v %v", o, err)
	}
}

// TestRun: a small practice is seeded, signed into with two factors and
// read by two users without errors, and the report has both pages.
func TestRun(t *testing.T) {
	o, err := parse([]string{"--clients", "30", "--notes", "5", "--responses", "6", "--users", "2", "--warmup", "0s",
		"--duration", "1s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := execute(ctx, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rep.print(&out)
	if rep.failed() || len(rep.Pages) != 2 || rep.Pages[0].Requests == 0 || rep.Pages[1].Requests == 0 || rep.Engine != "sqlite" ||
		!strings.Contains(out.String(), "clients-filtered") {
		t.Errorf("report:\n%s%+v", out.String(), rep)
	}
}
