package pgdev

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"
)

// clusterDir makes a directory the cluster's unprivileged user can enter
// (t.TempDir is private to the test's user).
func clusterDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "data")
}

func postmasterPID(t *testing.T, c *Cluster) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.DataDir(), "postmaster.pid"))
	if err != nil {
		t.Fatalf("read postmaster.pid: %v", err)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	pid, err := strconv.Atoi(string(line))
	if err != nil {
		t.Fatalf("postmaster.pid: %v", err)
	}
	return pid
}

func alive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("postgres %d still running", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func run(t *testing.T, c *Cluster, query string) {
	t.Helper()
	db, err := sql.Open("postgres", c.DSN("app"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func count(t *testing.T, c *Cluster) int {
	t.Helper()
	db, err := sql.Open("postgres", c.DSN("app"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM kept`).Scan(&n); err != nil {
		t.Fatalf("count rows: %v", err)
	}
	return n
}

func TestClusterStartStopRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	ctx := context.Background()
	dir := clusterDir(t)
	// A descriptor the starting process inherited without close-on-exec,
	// as a script's `exec 9>lock; flock 9` leaves it to go test.
	inherited := filepath.Join(t.TempDir(), "script.lock")
	fd, err := syscall.Open(inherited, syscall.O_CREAT|syscall.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)

	c, err := Start(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if created, err := c.EnsureDatabase(ctx, "app"); err != nil || !created {
		t.Fatalf("EnsureDatabase = %v, %v; want created", created, err)
	}
	if created, err := c.EnsureDatabase(ctx, "app"); err != nil || created {
		t.Fatalf("second EnsureDatabase = %v, %v; want existing", created, err)
	}
	run(t, c, `CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)`)
	pid := postmasterPID(t, c)

	t.Run("listens on a socket inside the directory, not on TCP", func(t *testing.T) {
		if !strings.HasPrefix(c.SocketDir(), filepath.Dir(c.DataDir())) {
			t.Errorf("socket dir %s is outside %s", c.SocketDir(), dir)
		}
		if _, err := os.Stat(filepath.Join(c.SocketDir(), ".s.PGSQL.5432")); err != nil {
			t.Errorf("no socket: %v", err)
		}
		db, err := sql.Open("postgres", c.DSN("app"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var listen string
		if err := db.QueryRow(`SHOW listen_addresses`).Scan(&listen); err != nil || listen != "" {
			t.Errorf("listen_addresses = %q, %v; want empty (no TCP)", listen, err)
		}
	})

	t.Run("holds none of its starter's descriptors", func(t *testing.T) {
		fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		if err != nil {
			t.Skipf("cannot list postgres's descriptors: %v", err)
		}
		for _, e := range fds {
			if target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, e.Name())); target == inherited {
				t.Errorf("postgres holds fd %s on %s, which it inherited from the process that started it", e.Name(), inherited)
			}
		}
	})

	t.Run("runs unprivileged when started by root", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("not root")
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "Uid:") && strings.Fields(line)[1] == "0" {
				t.Errorf("postgres runs as root: %s", line)
			}
		}
	})

	t.Run("a second user shares it and the last one stops it", func(t *testing.T) {
		c2, err := Start(ctx, Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if got := postmasterPID(t, c2); got != pid {
			t.Fatalf("second Start started postgres %d, want the running %d", got, pid)
		}
		if err := c2.Stop(); err != nil {
			t.Fatal(err)
		}
		if !alive(pid) {
			t.Fatal("postgres stopped while its first user still holds it")
		}
	})

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	waitGone(t, pid)

	t.Run("restart keeps the data", func(t *testing.T) {
		c, err := Start(ctx, Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Stop()
		if n := count(t, c); n != 1 {
			t.Errorf("rows after restart = %d, want 1", n)
		}
	})

	t.Run("recovers from a killed postgres and its stale postmaster.pid", func(t *testing.T) {
		c, err := Start(ctx, Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		pid := postmasterPID(t, c)
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		waitGone(t, pid)
		c.users.Close() // the killed run never called Stop
		c, err = Start(ctx, Options{Dir: dir})
		if err != nil {
			t.Fatalf("start after a kill: %v", err)
		}
		defer c.Stop()
		if n := count(t, c); n != 1 {
			t.Errorf("rows after recovery = %d, want 1", n)
		}
	})
}

// TestClusterInPrivateDirectoryAsRoot: root runs `go run ./cmd/tez` from a
// checkout in a 0700 directory (like /root), which the cluster's
// unprivileged user cannot enter. The cluster then lives in a directory of
// its own elsewhere, says where, and is found again on the next start.
func TestClusterInPrivateDirectoryAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("runs only as root: only then does the cluster run as another user, who may not enter the directory")
	}
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	ctx := context.Background()
	private := t.TempDir()
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(private, "checkout", ".data")
	fallback := filepath.Dir(clusterDir(t))
	var logged bytes.Buffer
	opts := Options{Dir: dir, Fallback: fallback, Logger: slog.New(slog.NewTextHandler(&logged, nil))}

	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start in a 0700 directory as root: %v", err)
	}
	if !strings.HasPrefix(c.DataDir(), fallback+"/") {
		t.Errorf("data dir %s, want one under %s", c.DataDir(), fallback)
	}
	if !strings.Contains(logged.String(), c.DataDir()[:len(c.DataDir())-len("/postgres")]) {
		t.Errorf("the log does not say where the cluster lives (%s):\n%s", c.DataDir(), logged.String())
	}
	if _, err := c.EnsureDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	run(t, c, `CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)`)
	first := c.DataDir()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	c, err = Start(ctx, opts)
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	defer c.Stop()
	if c.DataDir() != first {
		t.Errorf("second start uses %s, want the first's %s", c.DataDir(), first)
	}
	if n := count(t, c); n != 1 {
		t.Errorf("rows after restart = %d, want 1", n)
	}
}
