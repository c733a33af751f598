// Command signups measures what a burst of parallel sign-ups costs the
// server: it starts certboard in this process (a fresh SQLite database in a
// temporary directory, removed at the end), sends n sign-ups at once to
// POST /api/v1/accounts, each with its own e-mail address, and reports the
// answers by status, the time taken and the process's peak memory.
//
//	go run ./bench/signups                   # 80 sign-ups from one client address
//	go run ./bench/signups --addresses 80    # 80 sign-ups from 80 client addresses
//
// With --addresses above 1 the server trusts 127.0.0.1 as a proxy and each
// request names its client in X-Forwarded-For, as a botnet's would arrive
// through a reverse proxy.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
)

func main() {
	n := flag.Int("n", 80, "sign-ups to send at once")
	addresses := flag.Int("addresses", 1, "client addresses the sign-ups come from (round robin)")
	flag.Parse()
	if err := run(*n, *addresses, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "signups:", err)
		os.Exit(1)
	}
}

func run(n, addresses int, out io.Writer) error {
	if n < 1 || addresses < 1 || addresses > 60000 {
		return errors.New("--n must be at least 1 and --addresses between 1 and 60000")
	}
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "certboard-signups-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := boardsql.Open(ctx, boardsql.Config{DataDir: dir, Keys: keys})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	sets, err := requirements.Shipped()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := web.New(web.Config{Board: boardsql.ForBoard{Store: st}, Accounts: boardsql.ForAuth{Store: st},
		Sets: sets, Log: log, PublicURL: base,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		ln.Close()
		return err
	}
	srvCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- web.Run(srvCtx, ln, srv.Handler(), 10*time.Second, log) }()
	defer func() {
		stop()
		<-served
	}()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}, Timeout: 5 * time.Minute}
	runtime.GC()
	before := peakRSS()
	var heapPeak atomic.Uint64
	sampled := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > heapPeak.Load() {
				heapPeak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()

	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf(`{"email": "burst-%d@example.org", "name": "Burst %d", "password": "quiet harbour lantern seven"}`, i, i)
			req, err := http.NewRequest(http.MethodPost, base+"/api/v1/accounts", strings.NewReader(body))
			if err != nil {
				panic(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if addresses > 1 {
				k := i % addresses
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", k/250, k%250+1))
			}
			code := 0
			if resp, err := client.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				code = resp.StatusCode
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	took := time.Since(start)
	close(done)
	<-sampled

	var answers []string
	for code, k := range codes {
		answers = append(answers, fmt.Sprintf("%d×%d", k, code))
	}
	sort.Strings(answers)
	fmt.Fprintf(out, "%d sign-ups from %d address(es) in %v: %s\n", n, addresses, took.Round(time.Millisecond), strings.Join(answers, ", "))
	fmt.Fprintf(out, "peak Go heap in use: %.0f MiB\n", float64(heapPeak.Load())/(1<<20))
	if before > 0 {
		fmt.Fprintf(out, "peak resident memory: %.0f MiB (%.0f MiB before the burst)\n", float64(peakRSS())/(1<<20), float64(before)/(1<<20))
	}
	return nil
}

// peakRSS is the process's peak resident memory in bytes (Linux's VmHWM),
// or 0 where /proc does not say.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb uint64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
