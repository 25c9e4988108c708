package pgdev

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// standbyPort is the port of every standby: each has a socket directory of
// its own, so the number only has to differ from the primary's.
const standbyPort = 5433

// Standby is a streaming standby of a running cluster, made with
// pg_basebackup -R: a data directory and socket of its own, replaying the
// cluster's WAL as it streams in, and answering read-only queries.
type Standby struct {
	primary   *Cluster
	dir       string
	dataDir   string
	socketDir string
}

// StartStandby copies the running cluster into a new directory beside it
// (pg_basebackup -R: a standby.signal and the primary's address) and starts
// it as a hot standby. Remove stops it and deletes the directory; the
// standbys of processes that died without removing theirs are removed
// first.
func (c *Cluster) StartStandby(ctx context.Context) (*Standby, error) {
	home := filepath.Dir(c.dataDir)
	c.removeOrphanStandbys(home)
	dir := filepath.Join(home, fmt.Sprintf("standby-%d-%d", os.Getpid(), c.standbys.Add(1)))
	s := &Standby{primary: c, dir: dir, dataDir: filepath.Join(dir, "postgres"), socketDir: socketDir(dir)}
	for _, d := range []string{dir, s.socketDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("standby: create %s: %w", d, err)
		}
		if err := c.acct.own(d); err != nil {
			return nil, fmt.Errorf("standby: hand %s to %s: %w", d, c.acct.name, err)
		}
	}
	if err := c.keepWAL(ctx); err != nil {
		return nil, err
	}
	c.log.Info("making a standby", "data_dir", s.dataDir)
	args := []string{"-D", s.dataDir, "-R", "-X", "stream", "-c", "fast", "-h", c.socketDir, "-p", strconv.Itoa(port), "-U", Superuser}
	if !c.durable {
		args = append(args, "--no-sync")
	}
	if out, err := c.acct.command(c.tool("pg_basebackup"), args...).CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_basebackup: %v: %s", err, out)
	}
	if err := s.Start(ctx); err != nil {
		// pg_ctl gave up waiting; the server may be starting still.
		_ = c.acct.command(c.tool("pg_ctl"), "stop", "-D", s.dataDir, "-m", "immediate", "-w").Run()
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// standbyWAL is the WAL the primary keeps for its standbys: a copy starts
// from the checkpoint it forces, and test databases are made by copying a
// template through the WAL, so a concurrent copy's checkpoint could
// otherwise recycle the segments this one still has to stream.
const standbyWAL = "1GB"

// keepWAL makes the cluster keep standbyWAL of WAL (persisted: the
// cluster has had standbys).
func (c *Cluster) keepWAL(ctx context.Context) error {
	db, err := sql.Open("postgres", c.DSN("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	for _, stmt := range []string{"ALTER SYSTEM SET wal_keep_size = '" + standbyWAL + "'", "SELECT pg_reload_conf()"} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("standby: keep WAL on the primary: %s: %w", stmt, err)
		}
	}
	return nil
}

// Start starts the standby again after Stop.
func (s *Standby) Start(ctx context.Context) error {
	// The copy carries the primary's postmaster.pid: not this server's.
	_ = os.Remove(filepath.Join(s.dataDir, "postmaster.pid"))
	settings := append(settings(s.socketDir, standbyPort, s.primary.durable), "hot_standby=on", "hot_standby_feedback=on")
	// A standby accepts connections once it has replayed to the end of the
	// copy, which a loaded machine takes a while to do.
	if err := s.primary.pgCtlStart(s.dataDir, settings, 600); err != nil {
		return fmt.Errorf("standby: %w", err)
	}
	return ctx.Err()
}

// DSN is a lib/pq connection string for database name on the standby.
func (s *Standby) DSN(name string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", s.socketDir, standbyPort, Superuser, name)
}

// Stop shuts the standby down (fast: its sessions end at once), as a
// replica that goes away does; Start brings it back.
func (s *Standby) Stop() error {
	if !postmasterAlive(s.dataDir) {
		return nil
	}
	if out, err := s.primary.acct.command(s.primary.tool("pg_ctl"), "stop", "-D", s.dataDir, "-m", "fast", "-w", "-t", "60").CombinedOutput(); err != nil {
		return fmt.Errorf("standby: pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

// Remove stops the standby and deletes its directory.
func (s *Standby) Remove() error {
	if err := s.Stop(); err != nil {
		return err
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("standby: remove %s: %w", s.dir, err)
	}
	return os.RemoveAll(s.socketDir)
}

// removeOrphanStandbys removes the standbys under home whose process is
// gone (killed before its cleanup ran): stopped at once, then deleted.
func (c *Cluster) removeOrphanStandbys(home string) {
	dirs, _ := filepath.Glob(filepath.Join(home, "standby-*"))
	for _, dir := range dirs {
		pid, err := strconv.Atoi(strings.Split(strings.TrimPrefix(filepath.Base(dir), "standby-"), "-")[0])
		if err != nil || syscall.Kill(pid, 0) == nil {
			continue // not ours to judge, or its process still runs
		}
		s := &Standby{primary: c, dir: dir, dataDir: filepath.Join(dir, "postgres"), socketDir: socketDir(dir)}
		if postmasterAlive(s.dataDir) {
			_ = c.acct.command(c.tool("pg_ctl"), "stop", "-D", s.dataDir, "-m", "immediate", "-w").Run()
		}
		c.log.Info("removed an orphan standby", "dir", dir)
		_ = os.RemoveAll(s.dir)
		_ = os.RemoveAll(s.socketDir)
	}
}
