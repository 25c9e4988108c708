// Package pgdev runs a private PostgreSQL cluster from the server binaries
// installed on the machine: the embedded default database of `tez` and the
// database of the tests. The cluster listens on a Unix socket only, so it
// never collides with another PostgreSQL on the machine.
//
// Several processes may use one cluster at once (a server and `tez seed`, or
// the test binaries of several packages): the first one starts it and the last
// one to leave stops it, coordinated with file locks in the cluster directory.
package pgdev

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/lib/pq"
)

// Superuser is the role initdb creates; the cluster trusts local connections.
const Superuser = "tez"

const port = 5432

// Options configure a cluster.
type Options struct {
	// Dir holds everything: postgres/ (the data directory), run/ (the socket)
	// and the lock files.
	Dir string
	// Durable keeps fsync on. Tests turn it off: their data is throwaway.
	Durable bool
	// Logger receives progress lines; nil discards them.
	Logger *slog.Logger
	// Fallback is where the cluster lives instead when tez runs as root
	// and the cluster's unprivileged user cannot enter Dir (a checkout in
	// a 0700 home directory): a directory per Dir under it. Empty means
	// DefaultFallback.
	Fallback string
}

// DefaultFallback keeps clusters of unreachable directories across reboots.
const DefaultFallback = "/var/lib/tez"

// Cluster is a running cluster that this process holds a share of.
type Cluster struct {
	binDir    string
	dataDir   string
	socketDir string
	acct      *osAccount
	log       *slog.Logger
	lockPath  string
	users     *os.File // shared lock held while this process uses the cluster
	durable   bool
	standbys  atomic.Int64 // standbys this process made, for their names
}

// Start initialises the cluster on first use, starts it unless another
// process already did, and registers this process as a user of it. Call Stop
// when done.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	binDir, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("cluster dir: %w", err)
	}
	acct, err := clusterAccount()
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if dir, err = acct.home(dir, opts.Fallback, log); err != nil {
		return nil, err
	}
	c := &Cluster{
		binDir:    binDir,
		dataDir:   filepath.Join(dir, "postgres"),
		socketDir: socketDir(dir),
		acct:      acct,
		log:       log,
		lockPath:  filepath.Join(dir, "cluster.lock"),
		durable:   opts.Durable,
	}

	unlock, err := lockFile(c.lockPath, syscall.LOCK_EX)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := c.initialise(ctx, opts.Durable); err != nil {
		return nil, err
	}
	if !c.running() {
		if err := c.start(ctx, opts.Durable); err != nil {
			return nil, err
		}
	}
	users, err := os.OpenFile(filepath.Join(dir, "cluster.users"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open users lock: %w", err)
	}
	if err := syscall.Flock(int(users.Fd()), syscall.LOCK_SH); err != nil {
		users.Close()
		return nil, fmt.Errorf("register as cluster user: %w", err)
	}
	c.users = users
	return c, nil
}

// Stop leaves the cluster, and shuts it down (fast mode: open sessions are
// rolled back) when no other process is using it.
func (c *Cluster) Stop() error {
	unlock, err := lockFile(c.lockPath, syscall.LOCK_EX)
	if err != nil {
		return err
	}
	defer unlock()
	usersPath := c.users.Name()
	c.users.Close() // drops this process's shared lock
	users, err := os.OpenFile(usersPath, os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("open users lock: %w", err)
	}
	defer users.Close()
	if err := syscall.Flock(int(users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		c.log.Info("postgres left running for its other users")
		return nil
	}
	if !c.running() {
		return nil
	}
	c.log.Info("stopping postgres", "data_dir", c.dataDir)
	if out, err := c.acct.command(c.tool("pg_ctl"), "stop", "-D", c.dataDir, "-m", "fast", "-w", "-t", "60").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

// Restart stops the server in fast mode (open sessions are cut off, as in
// a crash or a failover) and starts it again with the settings it was
// started with: for the fault run of `tez bench -soak`. Every process using
// the cluster loses its connections.
func (c *Cluster) Restart(ctx context.Context) error {
	inheritNothing()
	cmd := c.acct.command(c.tool("pg_ctl"), "restart", "-D", c.dataDir, "-m", "fast", "-w", "-t", "60",
		"-l", filepath.Join(c.dataDir, "server.log"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl restart: %v: %s", err, out)
	}
	return ctx.Err()
}

// DSN is a lib/pq connection string for database name over the socket.
func (c *Cluster) DSN(name string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", c.socketDir, port, Superuser, name)
}

// SocketDir is the directory of the cluster's Unix socket.
func (c *Cluster) SocketDir() string { return c.socketDir }

// DataDir is the cluster's data directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// EnsureDatabase creates database name unless it exists and reports whether
// it did.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) (created bool, err error) {
	db, err := sql.Open("postgres", c.DSN("postgres"))
	if err != nil {
		return false, err
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return false, fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return false, nil
	}
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "42P04" { // created concurrently
			return false, nil
		}
		return false, fmt.Errorf("create database %s: %w", name, err)
	}
	return true, nil
}

// DropDatabase drops database name if it exists, ending its sessions
// (scratch databases such as a benchmark's).
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", c.DSN("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

func (c *Cluster) tool(name string) string { return filepath.Join(c.binDir, name) }

func (c *Cluster) initialise(ctx context.Context, durable bool) error {
	if _, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION")); err == nil {
		return nil
	}
	c.log.Info("creating postgres cluster", "data_dir", c.dataDir, "bin_dir", c.binDir)
	// A half-made directory from an interrupted initdb would make it refuse.
	if err := os.RemoveAll(c.dataDir); err != nil {
		return fmt.Errorf("clear %s: %w", c.dataDir, err)
	}
	if err := os.Mkdir(c.dataDir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", c.dataDir, err)
	}
	if err := c.acct.own(c.dataDir); err != nil {
		return fmt.Errorf("hand %s to %s: %w", c.dataDir, c.acct.name, err)
	}
	args := []string{"-D", c.dataDir, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"}
	if !durable {
		args = append(args, "--no-sync")
	}
	cmd := c.acct.command(c.tool("initdb"), args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v: %s", err, out)
	}
	return ctx.Err()
}

func (c *Cluster) start(ctx context.Context, durable bool) error {
	// A postmaster.pid whose process is gone (a killed run, a reboot) would
	// only confuse pg_ctl's wait.
	if err := os.Remove(filepath.Join(c.dataDir, "postmaster.pid")); err == nil {
		c.log.Info("removed stale postmaster.pid")
	}
	if err := os.MkdirAll(c.socketDir, 0o755); err != nil {
		return fmt.Errorf("create socket dir: %w", err)
	}
	if err := c.acct.own(c.socketDir); err != nil {
		return fmt.Errorf("hand socket dir to %s: %w", c.acct.name, err)
	}
	c.log.Info("starting postgres", "data_dir", c.dataDir, "socket_dir", c.socketDir)
	if err := c.pgCtlStart(c.dataDir, settings(c.socketDir, port, durable), 60); err != nil {
		return err
	}
	return ctx.Err()
}

// settings are the server settings of a cluster (and of its standbys,
// which need max_connections at least the primary's) on socketDir and port.
func settings(socketDir string, port int, durable bool) []string {
	out := []string{
		"listen_addresses=''",
		"unix_socket_directories='" + socketDir + "'",
		"port=" + strconv.Itoa(port),
		"max_connections=200",
		"shared_preload_libraries=pg_stat_statements",
	}
	if !durable {
		out = append(out, "fsync=off", "synchronous_commit=off", "full_page_writes=off")
	}
	return out
}

// pgCtlStart starts the server of dataDir with settings and waits until it
// accepts connections (read-only ones, for a standby), for up to
// waitSeconds.
func (c *Cluster) pgCtlStart(dataDir string, settings []string, waitSeconds int) error {
	inheritNothing()
	cmd := c.acct.command(c.tool("pg_ctl"), "start", "-D", dataDir, "-w", "-t", strconv.Itoa(waitSeconds),
		"-l", filepath.Join(dataDir, "server.log"), "-o", "-c "+strings.Join(settings, " -c "))
	if out, err := cmd.CombinedOutput(); err != nil {
		logTail, _ := os.ReadFile(filepath.Join(dataDir, "server.log"))
		if len(logTail) > 2000 {
			logTail = logTail[len(logTail)-2000:]
		}
		return fmt.Errorf("pg_ctl start: %v: %s\nserver.log: %s", err, out, logTail)
	}
	return nil
}

// inheritNothing marks every descriptor of this process close-on-exec
// before postgres is started. Go opens its own that way, but one this
// process inherited (a flock a shell script holds on fd 9 while it runs
// go test) would pass to postgres, which outlives the process and would
// hold the lock for as long as the cluster runs.
func inheritNothing() {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range fds {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}

// running reports whether the cluster's postmaster is alive.
func (c *Cluster) running() bool { return postmasterAlive(c.dataDir) }

// postmasterAlive reports whether the postmaster of dataDir is alive.
func postmasterAlive(dataDir string) bool {
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return false
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	pid, err := strconv.Atoi(strings.TrimSpace(string(line)))
	if err != nil || pid <= 0 {
		return false
	}
	// The pid may have been reused by an unrelated process since a crash.
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return false
	}
	return strings.HasPrefix(strings.TrimSpace(string(comm)), "postgres")
}

// socketDir keeps the socket inside dir unless the path would be longer than
// a Unix socket address allows; then it goes to a short per-dir temp path.
func socketDir(dir string) string {
	inside := filepath.Join(dir, "run")
	if len(inside)+len("/.s.PGSQL.5432") < 100 {
		return inside
	}
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join(os.TempDir(), "tez-pg-"+hex.EncodeToString(sum[:6]))
}

// lockFile takes a flock on path and returns its release.
func lockFile(path string, how int) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
