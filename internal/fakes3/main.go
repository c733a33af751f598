// Command fakes3 serves the S3 HTTP API from memory, for tests only: the
// blob package's S3 tests start it as a process of its own and reach it
// through gocloud.dev's s3blob driver over TCP, exactly as certboard
// reaches a real S3-compatible service. It is gofakes3
// (github.com/johannesboyne/gofakes3), a lightweight S3 implementation,
// with its in-memory backend; nothing is kept after it stops.
//
//	fakes3 [-addr 127.0.0.1:0] [-bucket NAME]...
//
// It creates each bucket named, then prints one line, "listening on
// http://HOST:PORT", and serves until it is killed. Path-style requests
// only (http://HOST:PORT/BUCKET/KEY); signatures are not checked.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "`host:port` to listen on (port 0: any free port)")
	var buckets []string
	flag.Func("bucket", "create bucket `NAME` at start (repeatable)", func(name string) error {
		if strings.TrimSpace(name) == "" {
			return fmt.Errorf("a bucket name is required")
		}
		buckets = append(buckets, name)
		return nil
	})
	flag.Parse()
	backend := s3mem.New()
	for _, b := range buckets {
		if err := backend.CreateBucket(b); err != nil {
			log.Fatalf("fakes3: creating bucket %s: %v", b, err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("fakes3: %v", err)
	}
	faker := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	fmt.Fprintf(os.Stdout, "listening on http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, faker.Server()))
}
