package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// replicaCheckTimeout bounds one replica's health check: a replica that
// does not answer in time is out of rotation until it does.
const replicaCheckTimeout = 2 * time.Second

// replicaState is what one health check found of a replica.
type replicaState struct {
	InRotation bool
	Replayed   LSN           // pg_last_wal_replay_lsn()
	Lag        time.Duration // how long the primary has had WAL the replica has not replayed
	Problem    string        // why it is out of rotation, briefly
	Detail     string        // the error behind Problem, for the log only
	CheckedAt  time.Time
}

// ReplicaStatus is one replica as /readyz and /metrics report it.
type ReplicaStatus struct {
	Name       string
	InRotation bool
	Replayed   LSN
	Lag        time.Duration
	Problem    string
	// Detail is the error behind Problem: it may name hosts, so it goes
	// to the log, not to /readyz.
	Detail string
	// Reads are the reads sent to it; Retries those it failed for being
	// down (or refused as writes), sent to the primary again.
	Reads, Retries uint64
}

// Replicas reports each replica's newest health check and counts.
func (d *DB) Replicas() []ReplicaStatus {
	out := make([]ReplicaStatus, len(d.replicas))
	for i, r := range d.replicas {
		st := r.state.Load()
		out[i] = ReplicaStatus{Name: r.name, InRotation: st.InRotation, Replayed: st.Replayed, Lag: st.Lag,
			Problem: st.Problem, Detail: st.Detail, Reads: r.reads.Load(), Retries: r.retries.Load()}
	}
	return out
}

// PrimaryReads counts the reads that could have gone to a replica but were
// sent to the primary: no replica was in rotation and past the caller's
// fence, or the one sent to failed (its Retries).
func (d *DB) PrimaryReads() uint64 { return d.primaryReads.Load() }

// WatchReplicas checks the replicas at once and then every interval until
// ctx ends, telling changed about each replica that enters or leaves the
// rotation (and about each at the first check); without replicas it
// returns at once.
func (d *DB) WatchReplicas(ctx context.Context, every time.Duration, changed func(ReplicaStatus)) {
	if !d.Replicated() {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	was := map[string]bool{} // in rotation at the last check told
	for {
		d.CheckReplicas(ctx)
		for _, st := range d.Replicas() {
			if in, told := was[st.Name]; (!told || in != st.InRotation) && ctx.Err() == nil {
				was[st.Name] = st.InRotation
				changed(st)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

const primaryWALPosition = `SELECT pg_current_wal_lsn()`

// NULL on a server that is not in recovery: not a standby at all.
const replicaReplayPosition = `SELECT pg_last_wal_replay_lsn()`

// CheckReplicas reads the primary's WAL position, then each replica's
// replay position, and puts each replica in rotation or out of it: out
// when it does not answer, is not a standby, or is further behind than
// the maximum lag.
func (d *DB) CheckReplicas(ctx context.Context) {
	var at LSN
	if err := d.DB.QueryRowContext(ctx, primaryWALPosition).Scan(&at); err == nil {
		d.health.saw(time.Now(), at)
	}
	var wg sync.WaitGroup
	for _, r := range d.replicas {
		wg.Go(func() { r.state.Store(d.check(ctx, r.db)) })
	}
	wg.Wait()
}

func (d *DB) check(ctx context.Context, db *sqlx.DB) *replicaState {
	ctx, cancel := context.WithTimeout(ctx, replicaCheckTimeout)
	defer cancel()
	var replayed LSN
	if err := db.QueryRowContext(ctx, replicaReplayPosition).Scan(&replayed); err != nil {
		return &replicaState{Problem: "unreachable", Detail: err.Error(), CheckedAt: time.Now()}
	}
	now := time.Now()
	st := &replicaState{Replayed: replayed, CheckedAt: now}
	if replayed == 0 {
		st.Problem = "not a standby: pg_last_wal_replay_lsn() is null"
		return st
	}
	st.Lag = d.health.lag(now, replayed)
	if st.Lag > d.health.maxLag {
		st.Problem = fmt.Sprintf("behind by %s (TEZ_REPLICA_MAX_LAG=%s)", st.Lag.Round(100*time.Millisecond), d.health.maxLag)
		return st
	}
	st.InRotation = true
	return st
}

// health keeps the primary's WAL positions of the last while, each with
// the time it was first seen, to tell how long a replica has been behind.
type health struct {
	maxLag  time.Duration
	mu      sync.Mutex
	samples []walSample // oldest first, positions rising
}

type walSample struct {
	at  time.Time
	lsn LSN
}

func newHealth(maxLag time.Duration) *health { return &health{maxLag: maxLag} }

// saw records the primary at lsn now, and forgets what is older than
// twice the maximum lag but the newest such position.
func (h *health) saw(now time.Time, lsn LSN) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.samples); n == 0 || lsn > h.samples[n-1].lsn {
		h.samples = append(h.samples, walSample{now, lsn})
	}
	// One sample older than the window stays: a replica short of it has
	// been behind at least since then.
	keep := now.Add(-2 * h.maxLag)
	drop := 0
	for drop < len(h.samples)-1 && h.samples[drop+1].at.Before(keep) {
		drop++
	}
	h.samples = h.samples[drop:]
}

// lag is how long the primary has had WAL past replayed: since the first
// position seen beyond it; 0 when the replica has replayed the newest.
// Past what is remembered it is at least twice the maximum lag.
func (h *health) lag(now time.Time, replayed LSN) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.samples {
		if s.lsn > replayed {
			return now.Sub(s.at)
		}
	}
	return 0
}
