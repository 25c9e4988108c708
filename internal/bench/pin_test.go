package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/teztelecom/tez/internal/testdb"
)

func TestSplitCPUsGivesTheDatabaseTheUpperHalf(t *testing.T) {
	for _, c := range []struct {
		cpus     []int
		db, rest []int
	}{
		{[]int{0, 1}, []int{1}, []int{0}},
		{[]int{0, 1, 2}, []int{2}, []int{0, 1}},
		{[]int{0, 1, 2, 3}, []int{2, 3}, []int{0, 1}},
		{[]int{2, 5, 7, 9}, []int{7, 9}, []int{2, 5}}, // a cpuset's CPUs, not 0..n-1
	} {
		s, err := SplitCPUs(c.cpus)
		if err != nil || !slices.Equal(s.DB, c.db) || !slices.Equal(s.Rest, c.rest) {
			t.Errorf("SplitCPUs(%v) = %+v, %v; want DB %v, rest %v", c.cpus, s, err, c.db, c.rest)
		}
	}
	if _, err := SplitCPUs([]int{0}); err == nil || !strings.Contains(err.Error(), "two at least") {
		t.Errorf("SplitCPUs of one CPU: %v, want the reason", err)
	}
}

// allowedOf is the CPU list the kernel keeps for a process or thread.
func allowedOf(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no Cpus_allowed_list in %s", path)
	return ""
}

func twoCPUs(t *testing.T) []int {
	cpus, err := AllowedCPUs()
	if err != nil {
		t.Fatal(err)
	}
	if len(cpus) < 2 {
		t.Skipf("this process may run on %d CPU; pinning needs two", len(cpus))
	}
	return cpus
}

// The cluster's running backends and the ones it starts afterwards run on
// the database's CPUs, until restore gives them back the machine.
func TestPinClusterPinsTheBackendsNowAndLater(t *testing.T) {
	cpus := twoCPUs(t)
	dsn := testdb.DSN(t)
	db := testdb.Open(t, dsn)
	ctx := context.Background()
	var backend int
	if err := db.GetContext(ctx, &backend, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	last := cpus[len(cpus)-1]
	restore, err := PinCluster(backend, []int{last})
	if errors.Is(err, errNotLocal) || errors.Is(err, unix.EPERM) {
		// TEST_DATABASE_URL names a database elsewhere, or a cluster of
		// another user's.
		t.Skipf("the test database's cluster cannot be pinned from here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	status := fmt.Sprintf("/proc/%d/status", backend)
	if got := allowedOf(t, status); got != fmt.Sprint(last) {
		t.Errorf("running backend on CPU %s, want %d", got, last)
	}
	// A new pool's backend is forked by the postmaster after the pin.
	var fresh int
	if err := testdb.Open(t, dsn).GetContext(ctx, &fresh, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	if got := allowedOf(t, fmt.Sprintf("/proc/%d/status", fresh)); got != fmt.Sprint(last) {
		t.Errorf("backend %d of a connection opened after the pin on CPU %s, want %d", fresh, got, last)
	}
	restore()
	if got := allowedOf(t, status); got == fmt.Sprint(last) {
		t.Errorf("backend still on CPU %s after restore", got)
	}
}

// A child started after PinSelf inherits the CPUs; every thread of this
// process is pinned, not only the calling one.
func TestPinSelfIsInheritedByChildren(t *testing.T) {
	cpus := twoCPUs(t)
	restore, err := PinSelf(cpus[:1])
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if got := allowedOf(t, "/proc/self/task/"+task.Name()+"/status"); got != fmt.Sprint(cpus[0]) {
			t.Errorf("thread %s on CPU %s, want %d", task.Name(), got, cpus[0])
		}
	}
	child := exec.Command("sleep", "5")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	time.Sleep(50 * time.Millisecond) // the exec has replaced the forked copy
	if got := allowedOf(t, fmt.Sprintf("/proc/%d/status", child.Process.Pid)); got != fmt.Sprint(cpus[0]) {
		t.Errorf("child on CPU %s, want %d", got, cpus[0])
	}
	restore()
	if got := allowedOf(t, "/proc/self/status"); got == fmt.Sprint(cpus[0]) {
		t.Errorf("this process still on CPU %s after restore", got)
	}
}

func TestPinClusterRefusesADatabaseElsewhere(t *testing.T) {
	// This test's own process is no backend of a local cluster: its parent
	// is no postmaster.
	if _, err := PinCluster(os.Getpid(), []int{0}); !errors.Is(err, errNotLocal) || !strings.Contains(err.Error(), "not a PostgreSQL cluster on this machine") {
		t.Errorf("PinCluster of a process outside any cluster: %v, want the reason", err)
	}
}

// A backend can end between the listing of the cluster's processes and its
// pinning (a connection closing): it is told apart as gone, which pinTree
// skips for children, not as a failure.
func TestPinThreadsOfAnEndedProcessIsGone(t *testing.T) {
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	_, err := pinThreads(ended.Process.Pid, []int{0})
	if !errors.Is(err, errGone) {
		t.Errorf("pinning an ended process: %v, want errGone", err)
	}
}
