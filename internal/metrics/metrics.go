// Package metrics exposes the service's Prometheus metrics: HTTP requests,
// GraphQL operations and their errors, SQL statements per request and the
// database pool. Label values are bounded: never raw client input.
package metrics

import (
	"database/sql"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are one server's collectors, on a registry of their own.
type Metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	operations *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	statements prometheus.Histogram
	logins     *prometheus.CounterVec
	batches    *prometheus.HistogramVec
	executors  *prometheus.CounterVec
	validated  prometheus.Counter
	liveConns  prometheus.Gauge
	liveSubs   prometheus.Gauge
	liveEvents prometheus.Counter
	liveDrops  *prometheus.CounterVec
}

// New registers the collectors, the database pool's included.
func New(db *sql.DB) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tez_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		operations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tez_graphql_operation_seconds", Help: "GraphQL operations by name (shipped documents by name, others as \"other\").",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tez_graphql_errors_total", Help: "GraphQL errors by extensions.code.",
		}, []string{"code"}),
		statements: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "tez_sql_statements_per_request", Help: "SQL statements one HTTP request sent.",
			Buckets: []float64{0, 1, 2, 4, 6, 8, 10, 15, 20, 50, 100},
		}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tez_login_failures_total", Help: "Failed sign-ins: wrong credentials, or refused while throttled.",
		}, []string{"reason"}),
		batches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tez_dataloader_batch_size", Help: "Keys per dataloader batch (one SQL statement each).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}, []string{"loader"}),
		executors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tez_graphql_executions_total", Help: "Operations by the executor that answered: lean, or gqlgen (mutations, and queries the lean one gives back).",
		}, []string{"executor"}),
		validated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tez_graphql_documents_validated_total", Help: "Documents gqlparser validated: those not in the query cache that passed the document limits.",
		}),
		liveConns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tez_live_connections", Help: "Open live connections (WebSockets past connection_init, SSE subscriptions).",
		}),
		liveSubs: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tez_live_subscriptions", Help: "Open subscriptions.",
		}),
		liveEvents: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tez_live_events_sent_total", Help: "Subscription events sent to clients.",
		}),
		liveDrops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tez_live_subscriptions_dropped_total", Help: "Subscriptions the server ended: slow_consumer (its changes were not read fast enough).",
		}, []string{"reason"}),
	}
	m.registry.MustRegister(m.requests, m.operations, m.errors, m.statements, m.logins, m.batches, m.executors, m.validated,
		m.liveConns, m.liveSubs, m.liveEvents, m.liveDrops,
		collectors.NewDBStatsCollector(db, "tez"),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Request counts an HTTP request and its SQL statements.
func (m *Metrics) Request(route string, code int, statements int) {
	m.requests.WithLabelValues(route, http.StatusText(code)).Inc()
	m.statements.Observe(float64(statements))
}

// Operation records a GraphQL operation's duration and error codes.
func (m *Metrics) Operation(name string, seconds float64, errorCodes []string) {
	m.operations.WithLabelValues(name).Observe(seconds)
	for _, c := range errorCodes {
		m.errors.WithLabelValues(c).Inc()
	}
}

// LoginFailed counts a failed sign-in; throttled says it was refused
// unchecked because of earlier failures.
func (m *Metrics) LoginFailed(throttled bool) {
	reason := "credentials"
	if throttled {
		reason = "throttled"
	}
	m.logins.WithLabelValues(reason).Inc()
}

// Batch records the size of one dataloader batch.
func (m *Metrics) Batch(loader string, keys int) {
	m.batches.WithLabelValues(loader).Observe(float64(keys))
}

// Executed counts an operation answered by the named executor.
func (m *Metrics) Executed(executor string) {
	m.executors.WithLabelValues(executor).Inc()
}

// Validated counts a document handed to gqlparser's validation.
func (m *Metrics) Validated() { m.validated.Inc() }

// LiveConnection counts a live connection opened (+1) or closed (-1).
func (m *Metrics) LiveConnection(delta int) {
	if m != nil {
		m.liveConns.Add(float64(delta))
	}
}

// LiveSubscription counts a subscription started (+1) or ended (-1).
func (m *Metrics) LiveSubscription(delta int) {
	if m != nil {
		m.liveSubs.Add(float64(delta))
	}
}

// LiveEvent counts an event sent to a subscriber.
func (m *Metrics) LiveEvent() {
	if m != nil {
		m.liveEvents.Inc()
	}
}

// LiveDropped counts a subscription the server ended, by a bounded reason.
func (m *Metrics) LiveDropped(reason string) {
	if m != nil {
		m.liveDrops.WithLabelValues(reason).Inc()
	}
}
