package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/teztelecom/tez/internal/store"
)

// replicaCollector reports the read replicas (internal/store's DB) as they
// are when /metrics is read: reads per target, and each replica's lag,
// whether it is in rotation, and the reads it failed that the primary
// answered.
type replicaCollector struct{ db *store.DB }

var (
	replicaReadsDesc = prometheus.NewDesc("tez_db_reads_total",
		"Reads that may go to a replica (query operations of signed-in callers), by the server sent to: primary, replica1, … (a replica's failed reads are sent to the primary again).",
		[]string{"target"}, nil)
	replicaLagDesc = prometheus.NewDesc("tez_db_replica_lag_seconds",
		"How long the primary has had WAL the replica has not replayed, at the last health check.",
		[]string{"replica"}, nil)
	replicaUpDesc = prometheus.NewDesc("tez_db_replica_in_rotation",
		"1 when the replica serves reads; 0 when it is unreachable, not a standby, or behind by more than TEZ_REPLICA_MAX_LAG.",
		[]string{"replica"}, nil)
	replicaRetriesDesc = prometheus.NewDesc("tez_db_replica_retries_total",
		"Reads the replica failed (it was down, or the statement wrote) that ran again on the primary.",
		[]string{"replica"}, nil)
)

// Replicas adds the replicas of db to the metrics; nothing without replicas.
func (m *Metrics) Replicas(db *store.DB) {
	if db.Replicated() {
		m.registry.MustRegister(replicaCollector{db})
	}
}

func (replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{replicaReadsDesc, replicaLagDesc, replicaUpDesc, replicaRetriesDesc} {
		ch <- d
	}
}

func (c replicaCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(replicaReadsDesc, prometheus.CounterValue, float64(c.db.PrimaryReads()), "primary")
	for _, r := range c.db.Replicas() {
		up := 0.0
		if r.InRotation {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(replicaReadsDesc, prometheus.CounterValue, float64(r.Reads), r.Name)
		ch <- prometheus.MustNewConstMetric(replicaLagDesc, prometheus.GaugeValue, r.Lag.Seconds(), r.Name)
		ch <- prometheus.MustNewConstMetric(replicaUpDesc, prometheus.GaugeValue, up, r.Name)
		ch <- prometheus.MustNewConstMetric(replicaRetriesDesc, prometheus.CounterValue, float64(r.Retries), r.Name)
	}
}
