package pgdev

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// serviceUser is created when tez runs as root on a machine without a
// `postgres` system user: PostgreSQL refuses to run as root.
const serviceUser = "tez-postgres"

// osAccount is the unprivileged account the cluster's processes run as when
// tez itself runs as root.
type osAccount struct {
	name     string
	uid, gid uint32
}

// clusterAccount returns nil when tez is not root (the cluster then runs as
// the current user), else the `postgres` user or, failing that, serviceUser,
// creating it if needed.
func clusterAccount() (*osAccount, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", serviceUser} {
		if acct, err := lookupAccount(name); err == nil {
			return acct, nil
		}
	}
	out, err := exec.Command("useradd", "--system", "--user-group", "--no-create-home",
		"--shell", "/usr/sbin/nologin", serviceUser).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL cannot run as root and creating the system user %s failed: %v: %s",
			serviceUser, err, out)
	}
	return lookupAccount(serviceUser)
}

func lookupAccount(name string) (*osAccount, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("uid of %s: %w", name, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("gid of %s: %w", name, err)
	}
	return &osAccount{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
}

// command prepares a PostgreSQL tool to run as the account, in its own
// process group so that the terminal's Ctrl-C reaches tez, which then stops
// the cluster in order, rather than reaching postgres directly.
func (a *osAccount) command(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if a != nil {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: a.uid, Gid: a.gid}
		cmd.Env = append(os.Environ(), "HOME=/", "USER="+a.name, "LOGNAME="+a.name)
	}
	return cmd
}

// own hands path to the account (no-op when not root).
func (a *osAccount) own(path string) error {
	if a == nil {
		return nil
	}
	return os.Chown(path, int(a.uid), int(a.gid))
}

// home is the directory the cluster lives in for dir: dir itself, unless
// the account cannot enter it (tez runs as root in a private directory);
// then a directory of its own under fallback, named for dir, so that every
// process started in dir finds the same cluster. The move is logged, since
// the data is no longer where TEZ_DATA_DIR says.
func (a *osAccount) home(dir, fallback string, log *slog.Logger) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	unreachable := a.checkReachable(filepath.Join(dir, "postgres"))
	if unreachable == nil {
		return dir, nil
	}
	if fallback == "" {
		fallback = DefaultFallback
	}
	sum := sha256.Sum256([]byte(dir))
	home := filepath.Join(fallback, filepath.Base(filepath.Dir(dir))+"-"+hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(home, 0o755); err != nil {
		return "", fmt.Errorf("%w; and creating %s instead failed: %v", unreachable, home, err)
	}
	if err := a.checkReachable(filepath.Join(home, "postgres")); err != nil {
		return "", fmt.Errorf("%w; and %s is not reachable either: %v", unreachable, home, err)
	}
	log.Warn("PostgreSQL runs as an unprivileged user (tez runs as root) that cannot enter the data directory: "+
		"the embedded cluster lives in "+home+" instead", "data_dir", dir, "cluster_dir", home, "user", a.name)
	return home, nil
}

// checkReachable fails with an actionable message when the account cannot
// enter every directory above path (a checkout under /root, say).
func (a *osAccount) checkReachable(path string) error {
	if a == nil {
		return nil
	}
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("check %s: %w", dir, err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return errors.New("cannot read directory ownership on this platform")
		}
		mode := fi.Mode().Perm()
		var canEnter bool
		switch {
		case st.Uid == a.uid:
			canEnter = mode&0o100 != 0
		case st.Gid == a.gid:
			canEnter = mode&0o010 != 0
		default:
			canEnter = mode&0o001 != 0
		}
		if !canEnter {
			return fmt.Errorf("PostgreSQL runs as the unprivileged user %s (tez runs as root), which cannot enter %s: "+
				"set TEZ_DATA_DIR to a directory it can reach, e.g. /var/lib/tez", a.name, dir)
		}
		if dir == "/" {
			return nil
		}
	}
}
