// Package s3test gives tests an S3 bucket reached over real HTTP: a fresh
// one on a fakes3 process (internal/fakes3, gofakes3 in memory) that it
// builds with the go command, starts on a free local port and stops when
// the test ends. The test speaks to it through gocloud.dev's s3blob
// driver, over TCP, as certboard does in production.
package s3test

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Bucket is what a test gets: the URL to give blob.Open, and the server's
// endpoint for building URLs of other buckets on it.
type Bucket struct {
	// URL is s3://NAME?endpoint=...&region=...&use_path_style=true,
	// an empty bucket no other test uses.
	URL string
	// Endpoint is the server's base URL, such as http://127.0.0.1:41234.
	Endpoint string
}

// URLFor is the URL of another bucket on the same server, which need not
// exist.
func (b Bucket) URLFor(name string) string {
	return BucketURL(name, b.Endpoint)
}

// BucketURL is the s3:// URL of bucket name at endpoint, path-style, with
// the region the fake server ignores.
func BucketURL(name, endpoint string) string {
	q := url.Values{"endpoint": {endpoint}, "region": {"us-east-1"}, "use_path_style": {"true"}}
	if strings.HasPrefix(endpoint, "http://") {
		q.Set("disable_https", "true")
	}
	return "s3://" + name + "?" + q.Encode()
}

var (
	seq   atomic.Int64
	build struct {
		once sync.Once
		bin  string
		err  error
	}
)

// New starts a fakes3 process with one empty bucket and returns it. When
// the go command is missing the test is skipped, or fails when
// CERTBOARD_CI=1; a build that fails always fails the test.
//
// It sets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the fake server
// (which checks no signature) so that the SDK looks no further for
// credentials; t must not be parallel.
func New(t testing.TB) Bucket {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "certboard-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "certboard-test-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	bin := fakeBinary(t)
	name := fmt.Sprintf("certboard-test-%d", seq.Add(1))
	endpoint := Start(t, bin, name)
	return Bucket{URL: BucketURL(name, endpoint), Endpoint: endpoint}
}

// fakeBinary builds internal/fakes3 once per test binary.
func fakeBinary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			build.err = fmt.Errorf("the go command is needed to build the fake S3 server: %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "certboard-fakes3-")
		if err != nil {
			build.err = err
			return
		}
		build.bin = filepath.Join(dir, "fakes3")
		cmd := exec.Command(goCmd, "build", "-o", build.bin, "github.com/certboard/certboard/internal/fakes3")
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("building internal/fakes3: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		if _, lookErr := exec.LookPath("go"); lookErr != nil && os.Getenv("CERTBOARD_CI") != "1" {
			t.Skipf("no S3 server for this test: %v", build.err)
		}
		t.Fatalf("no S3 server for this test (required when CERTBOARD_CI=1): %v", build.err)
	}
	return build.bin
}

// Start runs the fakes3 binary bin with the buckets named, waits until it
// listens and returns its endpoint; the process is killed when the test
// ends.
func Start(t testing.TB, bin string, buckets ...string) string {
	t.Helper()
	args := []string{"-addr", "127.0.0.1:0"}
	for _, b := range buckets {
		args = append(args, "-bucket", b)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting fakes3: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
	}()
	select {
	case l, ok := <-line:
		endpoint, found := strings.CutPrefix(l, "listening on ")
		if !ok || !found {
			t.Fatalf("fakes3 did not start (said %q)", l)
		}
		return endpoint
	case <-time.After(time.Minute):
		t.Fatal("fakes3 did not say where it listens within a minute")
	}
	return ""
}
