package pgdev

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// MinMajorVersion is the oldest PostgreSQL major version the schema needs.
const MinMajorVersion = 15

// ErrNoBinaries says what to do when no usable PostgreSQL server is installed.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries found: install PostgreSQL 15 or newer " +
	"(Debian/Ubuntu: apt-get install postgresql-15) or set DATABASE_URL to an existing database")

// FindBinDir locates a directory holding initdb, pg_ctl and postgres of
// version MinMajorVersion or newer: first on PATH, then `pg_config --bindir`,
// then the newest /usr/lib/postgresql/*/bin.
func FindBinDir() (string, error) {
	var candidates []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		candidates = append(candidates, filepath.Dir(p))
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	versioned, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(versioned, func(i, j int) bool { return dirVersion(versioned[i]) > dirVersion(versioned[j]) })
	candidates = append(candidates, versioned...)

	var tooOld []string
	for _, dir := range candidates {
		major, err := serverMajorVersion(dir)
		if err != nil {
			continue
		}
		if major < MinMajorVersion {
			tooOld = append(tooOld, fmt.Sprintf("%s (version %d)", dir, major))
			continue
		}
		return dir, nil
	}
	if len(tooOld) > 0 {
		return "", fmt.Errorf("%w; found only older servers: %s", ErrNoBinaries, strings.Join(tooOld, ", "))
	}
	return "", ErrNoBinaries
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// serverMajorVersion runs `postgres --version` in dir after checking that the
// other tools the cluster needs are there too.
func serverMajorVersion(dir string) (int, error) {
	for _, tool := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, tool)); err != nil {
			return 0, err
		}
	}
	out, err := exec.Command(filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("postgres --version: %w", err)
	}
	m := versionRE.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("unrecognised version %q", out)
	}
	return strconv.Atoi(string(m[1]))
}

// dirVersion reads the major version from /usr/lib/postgresql/<major>/bin.
func dirVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}
