// Package postgraphile carries the Node project that runs PostGraphile v5
// beside the tez server for tez bench -against postgraphile: it writes the
// project into a directory, installs it with npm ci, and makes the command
// that serves it. The project's files are embedded, so the bench runs it
// from whatever directory tez runs in.
package postgraphile

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

//go:embed package.json package-lock.json graphile.config.mjs server.mjs
var project embed.FS

// Setup is the SQL that gives PostGraphile the computed columns the
// dashboard needs (setup.sql); every statement can run again.
//
//go:embed setup.sql
var Setup string

// Dashboard is the dashboard document in PostGraphile's shapes; its
// variables are id (the user's row id, as a string: BigInt), from and to.
//
//go:embed dashboard.graphql
var Dashboard string

// MinNode is the oldest Node major version the project runs on (server.mjs
// supplies what PostGraphile takes from Node 22).
const MinNode = 20

// Install writes the project into dir and runs npm ci there when
// node_modules is missing or the lock file changed; npm's output goes to
// log. It fails with a sentence saying what to install when node or npm
// is missing or Node is too old.
func Install(ctx context.Context, dir string, log io.Writer) error {
	major, err := CheckNode(ctx)
	if err != nil {
		return err
	}
	if major < 22 {
		fmt.Fprintf(log, "PostGraphile 5.1 declares Node >= 22; running it on Node %d, with Promise.withResolvers from server.mjs\n", major)
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return fmt.Errorf("PostGraphile needs npm, which is not on PATH (it comes with Node.js): %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("PostGraphile's directory: %w", err)
	}
	changed := false
	entries, _ := project.ReadDir(".")
	for _, e := range entries {
		data, _ := project.ReadFile(e.Name()) // embedded: always readable
		path := filepath.Join(dir, e.Name())
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
			continue
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		changed = changed || e.Name() == "package-lock.json"
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil && !changed {
		return nil
	}
	fmt.Fprintf(log, "installing PostGraphile: npm ci in %s\n", dir)
	// --loglevel=error: npm would warn of the engine once per package.
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm ci in %s: %w", dir, err)
	}
	return nil
}

// CheckNode returns the major version of the node on PATH; it fails when
// there is none or it is older than MinNode.
func CheckNode(ctx context.Context) (int, error) {
	bin, err := exec.LookPath("node")
	if err != nil {
		return 0, fmt.Errorf("PostGraphile needs Node.js %d or later, and node is not on PATH (Debian: apt-get install nodejs): %w", MinNode, err)
	}
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s --version: %w", bin, err)
	}
	major, err := nodeMajor(string(out))
	if err != nil {
		return 0, err
	}
	if major < MinNode {
		return 0, fmt.Errorf("PostGraphile needs Node.js %d or later; %s is %s", MinNode, bin, strings.TrimSpace(string(out)))
	}
	return major, nil
}

// nodeMajor reads the major version of node --version's "v20.20.2".
func nodeMajor(version string) (int, error) {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return 0, errors.New("node --version printed " + strconv.Quote(version) + ", not a version")
	}
	return n, nil
}

// Command is the PostGraphile server in dir (installed by Install) on
// 127.0.0.1:port. env is added to this process's environment: the
// connection (PGHOST and the others, or DATABASE_URL), PGOPTIONS, and
// PGL_POOL_MAX, its pool size. It runs node itself, not npm, so that the
// process's CPU and memory are PostGraphile's.
func Command(dir string, port int, env []string) *exec.Cmd {
	cmd := exec.Command("node", "server.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "PORT="+strconv.Itoa(port), "NODE_ENV=production", "GRAPHILE_ENV=production")
	return cmd
}
