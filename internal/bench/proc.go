package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of CPU times in /proc/<pid>/stat (100 on Linux).
const clockTicks = 100

// Probe samples a process's resident memory and CPU time from /proc while a
// scenario runs.
type Probe struct {
	PID int

	mu      sync.Mutex
	maxRSS  int64 // KiB
	cpu0    int64 // ticks
	started time.Time
	stop    context.CancelFunc
	done    chan struct{}
}

// Start begins sampling every 100 ms.
func (p *Probe) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	p.stop, p.done, p.started, p.maxRSS = cancel, make(chan struct{}), time.Now(), 0
	p.cpu0, _ = cpuTicks(p.PID)
	go func() {
		defer close(p.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, err := rssKiB(p.PID); err == nil {
				p.mu.Lock()
				p.maxRSS = max(p.maxRSS, rss)
				p.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop ends sampling and returns the peak RSS in MiB and the CPU used as a
// share of one core over the sampled time.
func (p *Probe) Stop() (rssMiB, cpuShare float64) {
	p.stop()
	<-p.done
	cpu1, _ := cpuTicks(p.PID)
	elapsed := time.Since(p.started).Seconds()
	p.mu.Lock()
	defer p.mu.Unlock()
	return float64(p.maxRSS) / 1024, float64(cpu1-p.cpu0) / clockTicks / elapsed
}

func rssKiB(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

// cpuTicks is utime+stime of the process (fields 14 and 15 of stat).
func cpuTicks(pid int) (int64, error) {
	own, _, err := stat(pid)
	return own, err
}

// stat reads a process's CPU time: its own (utime+stime, fields 14 and 15
// of stat) and its reaped children's (cutime+cstime, 16 and 17).
func stat(pid int) (own, reaped int64, err error) {
	fields, err := statFields(pid)
	if err != nil {
		return 0, 0, err
	}
	var t [4]int64
	for i := range t {
		if t[i], err = strconv.ParseInt(fields[11+i], 10, 64); err != nil {
			return 0, 0, fmt.Errorf("parse stat for %d", pid)
		}
	}
	return t[0] + t[1], t[2] + t[3], nil
}

// statFields are the fields of /proc/<pid>/stat after the command name
// (which may contain spaces): the first is field 3, the state.
func statFields(pid int) ([]string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 15 {
		return nil, fmt.Errorf("short stat for %d", pid)
	}
	return fields, nil
}

// ClusterCPU returns the CPU time used so far by the PostgreSQL cluster
// that runs backend (a pg_backend_pid()), read from its postmaster: its own, that of its running processes
// (backends, autovacuum, the writers), and that of the processes it has
// reaped (the connections that came and went, pgbench's among them), which
// the kernel adds to the postmaster's children's time. Other clusters on
// the machine (a shared machine runs test suites' clusters beside the
// bench's) are left out. With no local postmaster (the database runs
// elsewhere) it falls back to CPUOf("postgres").
func ClusterCPU(backend int) func() time.Duration {
	pid, ok := postmaster(backend)
	if !ok {
		return func() time.Duration { return CPUOf("postgres") }
	}
	return func() time.Duration {
		own, reaped, _ := stat(pid)
		ticks := own + reaped
		for _, child := range children(pid) {
			t, _, _ := stat(child)
			ticks += t
		}
		return time.Duration(ticks) * time.Second / clockTicks
	}
}

// postmaster is the postmaster of backend (a pg_backend_pid()), when the
// cluster runs on this machine.
func postmaster(backend int) (int, bool) {
	pid, err := ppid(backend)
	if err != nil {
		return 0, false
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return pid, err == nil && strings.TrimSpace(string(comm)) == "postgres"
}

// ppid is the parent of a process (field 4 of stat).
func ppid(pid int) (int, error) {
	fields, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(fields[1])
}

// CPUOf is the CPU time used so far by every process of the machine named
// name (e.g. "postgres": the server processes of every cluster running
// here; 0 when the database is elsewhere).
func CPUOf(name string) time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var ticks int64
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err != nil || strings.TrimSpace(string(comm)) != name {
			continue
		}
		if t, err := cpuTicks(pid); err == nil {
			ticks += t
		}
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

// SelfCPU is the CPU time this process (the load generator) has used.
func SelfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// PerRequestMs divides a CPU time by a number of requests, in milliseconds.
func PerRequestMs(cpu time.Duration, requests int) float64 {
	if requests == 0 {
		return 0
	}
	return float64(cpu) / float64(time.Millisecond) / float64(requests)
}

// RSSMiB is a process's resident memory now, in MiB.
func RSSMiB(pid int) (float64, error) {
	kib, err := rssKiB(pid)
	return float64(kib) / 1024, err
}
