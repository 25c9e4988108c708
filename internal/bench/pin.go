package bench

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// CPUSplit is the machine's CPUs split between PostgreSQL and the rest
// (this process, the server it starts, the load generator, pgbench): the
// database on cores of its own, as it is in production on a host of its
// own. On one shared machine the ratio to the pgbench ceiling is mostly
// the database's share of the CPU, the server's CPU taking the rest; with
// the split, it is how close the API drives the database to what the
// database alone can do (docs/benchmarks.md#the-database-on-cores-of-its-own).
type CPUSplit struct {
	DB, Rest []int
}

func (s CPUSplit) String() string {
	return fmt.Sprintf("PostgreSQL on CPU %s, the rest on CPU %s", cpuList(s.DB), cpuList(s.Rest))
}

// SplitCPUs gives the database the upper half of cpus (at least one) and
// the rest the others; it needs two CPUs at least.
func SplitCPUs(cpus []int) (CPUSplit, error) {
	if len(cpus) < 2 {
		return CPUSplit{}, fmt.Errorf("splitting the CPUs needs two at least; this process may run on %d", len(cpus))
	}
	half := len(cpus) / 2
	return CPUSplit{Rest: cpus[:len(cpus)-half], DB: cpus[len(cpus)-half:]}, nil
}

// AllowedCPUs are the CPUs this process may run on, in order.
func AllowedCPUs() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("read this process's CPUs: %w", err)
	}
	var cpus []int
	for i := range len(set) * 64 {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	return cpus, nil
}

// PinCluster runs the PostgreSQL cluster of backend (a pg_backend_pid()) on
// cpus: its postmaster, whose future backends inherit the setting, and its
// running processes. restore puts back what each had. It fails when the
// database is not a cluster on this machine.
func PinCluster(backend int, cpus []int) (restore func(), err error) {
	pm, ok := postmaster(backend)
	if !ok {
		return nil, errNotLocal
	}
	return pinTree(pm, cpus)
}

// errNotLocal is a database whose backend is no process of this machine's.
var errNotLocal = errors.New("the database is not a PostgreSQL cluster on this machine: there is nothing to pin")

// PinSelf runs every thread of this process on cpus; the processes it
// starts afterwards (the server, wrk, pgbench) inherit the setting.
// restore puts back what each thread had.
func PinSelf(cpus []int) (restore func(), err error) {
	return pinThreads(os.Getpid(), cpus)
}

// pinTree pins the process pid and its children (every thread of each).
func pinTree(pid int, cpus []int) (restore func(), err error) {
	var restores []func()
	restore = func() {
		for _, r := range restores {
			r()
		}
	}
	for i, p := range append([]int{pid}, children(pid)...) {
		r, err := pinThreads(p, cpus)
		if i > 0 && errors.Is(err, errGone) {
			continue // a backend whose connection closed since the listing
		}
		if err != nil {
			restore()
			return nil, err
		}
		restores = append(restores, r)
	}
	return restore, nil
}

// errGone is a process that ended before it could be pinned.
var errGone = errors.New("the process has ended")

// pinThreads pins every thread of the process pid: sched_setaffinity sets
// one thread's CPUs, and a thread started later inherits its creator's.
func pinThreads(pid int, cpus []int) (restore func(), err error) {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("pin process %d: %w", pid, errGone)
	}
	if err != nil {
		return nil, fmt.Errorf("pin process %d: %w", pid, err)
	}
	type saved struct {
		tid int
		set unix.CPUSet
	}
	var was []saved
	restore = func() {
		for _, s := range was {
			_ = unix.SchedSetaffinity(s.tid, &s.set) // a thread that has ended has nothing to restore
		}
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		var old unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &old); err != nil {
			continue // ended since the listing
		}
		if err := unix.SchedSetaffinity(tid, &set); errors.Is(err, unix.ESRCH) {
			continue // ended since the listing
		} else if err != nil {
			restore()
			return nil, fmt.Errorf("pin thread %d of process %d to CPU %s: %w", tid, pid, cpuList(cpus), err)
		}
		was = append(was, saved{tid, old})
	}
	return restore, nil
}

// children are the processes whose parent is pid.
func children(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || child == pid {
			continue
		}
		if parent, err := ppid(child); err == nil && parent == pid {
			out = append(out, child)
		}
	}
	return out
}

func cpuList(cpus []int) string {
	s := ""
	for i, c := range cpus {
		if i > 0 {
			s += ","
		}
		s += strconv.Itoa(c)
	}
	return s
}
