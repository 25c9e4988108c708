// Package fleet runs several `tez serve` processes on one database behind
// a real HAProxy, as an operator does once one server is not enough
// (docs/operations.md): for the test of it (internal/journey) and for the
// fault run of `tez bench -soak` (servers killed behind the balancer).
package fleet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Options say what to run.
type Options struct {
	// Binary is the tez binary each server runs (`tez serve`).
	Binary string
	// Servers is how many; Addrs, when set, are where they listen
	// (host:port, one each), else free ports are taken.
	Servers int
	Addrs   []string
	// Listen is HAProxy's address; "" takes a free port.
	Listen string
	// Env is the servers' environment besides their address: DATABASE_URL
	// at least.
	Env []string
	// Output receives the servers' and HAProxy's output; nil drops it.
	Output io.Writer
}

// Fleet is the servers and the balancer in front of them.
type Fleet struct {
	// URL is the balancer's base URL, what clients use.
	URL     string
	Servers []*Server
	// StatsSocket is HAProxy's admin socket (ServerStates).
	StatsSocket string
	dir         string
	haproxy     *process
}

// Server is one `tez serve` process behind the balancer.
type Server struct {
	Name string // as HAProxy names it, and its answers' X-Served-By
	URL  string // its own base URL, past the balancer
	*process
}

type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// PID is the process's id.
func (p *process) PID() int { return p.cmd.Process.Pid }

// Kill ends the process with SIGKILL, as a crash or the OOM killer does:
// no graceful shutdown, its connections dropped where they stand.
func (p *process) Kill() error {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	<-p.exited
	return nil
}

// stop ends the process with SIGTERM, then SIGKILL after grace.
func (p *process) stop(grace time.Duration) {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(grace):
		_ = p.Kill()
	}
}

// Start starts the servers, waits until each is ready, then starts HAProxy
// in front of them with the configuration of Config. It answers
// ErrNoHAProxy when HAProxy is not installed.
func Start(ctx context.Context, o Options) (*Fleet, error) {
	if _, err := os.Stat(HAProxyBinary); err != nil {
		return nil, ErrNoHAProxy
	}
	dir, err := os.MkdirTemp("", "tez-fleet-")
	if err != nil {
		return nil, err
	}
	f := &Fleet{dir: dir, StatsSocket: filepath.Join(dir, "admin.sock")}
	listen := o.Listen
	if listen == "" {
		if listen, err = FreeAddr(); err != nil {
			f.Stop()
			return nil, err
		}
	}
	f.URL = "http://" + listen
	b := Balancer{Listen: listen, StatsSocket: f.StatsSocket}
	for i := range o.Servers {
		addr := ""
		if i < len(o.Addrs) {
			addr = o.Addrs[i]
		} else if addr, err = FreeAddr(); err != nil {
			f.Stop()
			return nil, err
		}
		name := fmt.Sprintf("tez%d", i+1)
		env := append(append(os.Environ(), o.Env...), "TEZ_HTTP_ADDR="+addr)
		p, err := run(o.Output, env, o.Binary, "serve")
		if err != nil {
			f.Stop()
			return nil, fmt.Errorf("start %s: %w", name, err)
		}
		f.Servers = append(f.Servers, &Server{Name: name, URL: "http://" + addr, process: p})
		b.Servers = append(b.Servers, Backend{Name: name, Addr: addr})
	}
	for _, s := range f.Servers {
		if err := s.awaitReady(ctx); err != nil {
			f.Stop()
			return nil, err
		}
	}
	cfgPath := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfgPath, []byte(Config(b)), 0o600); err != nil {
		f.Stop()
		return nil, err
	}
	// -db: stay in the foreground, so that stopping the process stops it.
	if f.haproxy, err = run(o.Output, os.Environ(), HAProxyBinary, "-db", "-f", cfgPath); err != nil {
		f.Stop()
		return nil, fmt.Errorf("start haproxy: %w", err)
	}
	if err := f.awaitBalancer(ctx); err != nil {
		f.Stop()
		return nil, err
	}
	return f, nil
}

// ErrNoHAProxy says HAProxy is not installed.
var ErrNoHAProxy = errors.New("HAProxy is not installed (" + HAProxyBinary + "): apt-get install haproxy; .ci/run installs it")

// Stop stops the balancer and the servers and removes their files.
func (f *Fleet) Stop() {
	if f.haproxy != nil {
		f.haproxy.stop(5 * time.Second)
	}
	for _, s := range f.Servers {
		s.stop(20 * time.Second)
	}
	os.RemoveAll(f.dir)
}

// Restart starts server s again after it was killed, on its address, and
// waits until it is ready (HAProxy's checks bring it back in).
func (f *Fleet) Restart(ctx context.Context, s *Server, o Options) error {
	env := append(append(os.Environ(), o.Env...), "TEZ_HTTP_ADDR="+strings.TrimPrefix(s.URL, "http://"))
	p, err := run(o.Output, env, o.Binary, "serve")
	if err != nil {
		return fmt.Errorf("restart %s: %w", s.Name, err)
	}
	s.process = p
	return s.awaitReady(ctx)
}

// AwaitState waits until HAProxy reports server name in state (UP, DOWN).
func (f *Fleet) AwaitState(ctx context.Context, name, state string) error {
	var last map[string]string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(100 * time.Millisecond) {
		states, err := ServerStates(f.StatsSocket)
		if err == nil && states[name] == state {
			return nil
		}
		last = states
	}
	return fmt.Errorf("haproxy did not report %s %s within 30 s (states %v)", name, state, last)
}

func run(out io.Writer, env []string, bin string, args ...string) (*process, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	if out != nil {
		cmd.Stdout, cmd.Stderr = out, out
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	return p, nil
}

func (s *Server) awaitReady(ctx context.Context) error {
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited at start (%v)", s.Name, s.cmd.ProcessState)
		default:
		}
		if ok(s.URL + "/readyz") {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s was not ready at %s/readyz within 60 s", s.Name, s.URL)
		}
	}
}

// awaitBalancer waits until HAProxy answers and counts every server UP.
func (f *Fleet) awaitBalancer(ctx context.Context) error {
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-f.haproxy.exited:
			return fmt.Errorf("haproxy exited at start (%v): run %s -c -f to see why", f.haproxy.cmd.ProcessState, HAProxyBinary)
		default:
		}
		if states, err := ServerStates(f.StatsSocket); err == nil && len(states) == len(f.Servers) && allUp(states) && ok(f.URL+"/readyz") {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return errors.New("haproxy did not balance onto the servers within 30 s")
		}
	}
}

func allUp(states map[string]string) bool {
	for _, s := range states {
		if s != "UP" {
			return false
		}
	}
	return true
}

func ok(url string) bool {
	res, err := http.Get(url)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// FreeAddr answers a loopback address with a port free right now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
