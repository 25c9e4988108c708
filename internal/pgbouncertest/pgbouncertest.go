// Package pgbouncertest starts a real PgBouncer, in transaction mode, in
// front of a test database: for the tests that show the service works
// behind a pooler (docs/operations.md).
package pgbouncertest

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Binary is Debian's PgBouncer (package pgbouncer; 1.18 in bookworm, which
// has no prepared-statement support in transaction mode).
const Binary = "/usr/sbin/pgbouncer"

// Start runs PgBouncer for the test's duration in front of the server dsn
// names, with poolSize server connections per database, and answers dsn
// pointed at it. Any database of that server is
// reachable through it, under dsn's user. The test is skipped, saying how
// to install it, when PgBouncer is missing.
//
// Like a production pooler it runs in transaction mode: a server
// connection serves a client only for one transaction, so nothing of a
// session (SET, prepared statements, LISTEN, session advisory locks)
// survives from one transaction to the next. It ignores the startup
// parameter statement_timeout, as a deployment behind PgBouncer must (set
// the timeout on the role instead).
func Start(t testing.TB, dsn string, poolSize int) string {
	t.Helper()
	if _, err := os.Stat(Binary); err != nil {
		t.Skipf("PgBouncer is not installed (%s): apt-get install pgbouncer; .ci/run installs it", Binary)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("pgbouncer: parse %q: %v", dsn, err)
	}
	host, port := u.Query().Get("host"), u.Port()
	if host == "" {
		host = u.Hostname()
	}
	if port == "" {
		port = "5432"
	}
	pass, _ := u.User.Password()
	listen := freePort(t)

	// Not t.TempDir: its parent is closed to the account PgBouncer drops to.
	dir, err := os.MkdirTemp("", "tez-pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	users := write("users.txt", fmt.Sprintf("%q %q\n", u.User.Username(), pass))
	ini := write("pgbouncer.ini", fmt.Sprintf(`[databases]
* = host=%s port=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
max_client_conn = 500
default_pool_size = %d
ignore_startup_parameters = extra_float_digits,statement_timeout
`, host, port, listen, users, poolSize))

	cmd := exec.Command(Binary, ini)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if os.Geteuid() == 0 {
		// PgBouncer refuses to run as root: it drops to the account the
		// test cluster runs as.
		cmd.Args = []string{Binary, "-u", account(t), ini}
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pgbouncer: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(listen))
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("pgbouncer exited at start:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("pgbouncer did not listen on %s:\n%s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	through := *u
	through.Host = addr
	q := through.Query()
	q.Del("host")
	q.Del("port")
	through.RawQuery = q.Encode()
	return through.String()
}

// account is the unprivileged account PgBouncer runs as under root: the
// one internal/pgdev runs the test cluster as.
func account(t testing.TB) string {
	for _, name := range []string{"postgres", "tez-postgres", "nobody"} {
		if _, err := user.Lookup(name); err == nil {
			return name
		}
	}
	t.Fatal("pgbouncer: no unprivileged account to run as (postgres, tez-postgres or nobody)")
	return ""
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
