package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// process is a child process: a certboard instance or HAProxy.
type process struct {
	name string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	err  error // the exit, once done is closed
}

// startProcess starts bin with args and env added to this process's
// environment, its output appended to logPath.
func startProcess(name, bin string, args, env []string, logPath string) (*process, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, log: f, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and waits for the process to end.
func (p *process) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks the process to stop (SIGTERM), and kills it after grace.
func (p *process) stop(grace time.Duration) {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		p.kill()
	}
}

// instance is one certboard serve process and how to start it again.
type instance struct {
	name, addr string
	bin        string
	args, env  []string
	logPath    string
	proc       *process
}

// start starts the instance and waits until it answers GET /readyz.
func (in *instance) start(ctx context.Context, wait time.Duration) error {
	p, err := startProcess(in.name, in.bin, in.args, in.env, in.logPath)
	if err != nil {
		return err
	}
	in.proc = p
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		if p.exited() {
			return fmt.Errorf("%s ended at start (%v); see its log", in.name, p.err)
		}
		resp, err := client.Get("http://" + in.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not answer /readyz within %s", in.name, wait)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freeAddrs returns n loopback addresses with ports free right now.
func freeAddrs(n int) ([]string, error) {
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	var out []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		out = append(out, ln.Addr().String())
	}
	return out, nil
}

// buildCertboard builds cmd/certboard into dir (the module is the one
// this tool runs in).
func buildCertboard(ctx context.Context, dir string) (string, error) {
	bin := dir + "/certboard"
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/certboard/certboard/cmd/certboard")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/certboard: %w\n%s", err, out)
	}
	return bin, nil
}

// errNoHAProxy says HAProxy is not installed.
var errNoHAProxy = errors.New("haproxy is not installed (Debian: apt-get install haproxy); give its path with --haproxy")
