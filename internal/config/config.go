// Package config reads the server's configuration from environment
// variables. Every variable has a default; the README lists them all.
package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the whole runtime configuration.
type Config struct {
	// Env is "development" (default) or "production"; production turns
	// GraphiQL and introspection off unless set explicitly.
	Env string
	// DatabaseURL selects an existing database; empty means the embedded one.
	DatabaseURL string
	// DatabaseListenURL is the direct connection live updates LISTEN on
	// (a transaction pooler cannot LISTEN); empty means the database's own
	// URL, which `tez serve` fills in.
	DatabaseListenURL string
	// DatabaseReplicaURLs are streaming standbys of the database: query
	// operations of signed-in callers read from them (internal/store's DB).
	DatabaseReplicaURLs []string
	// ReplicaMaxLag is how far behind the primary a replica may fall, or
	// how long it may go unanswered, before reads leave it.
	ReplicaMaxLag time.Duration
	// DataDir holds the embedded cluster.
	DataDir string
	// HTTPAddr is where the server listens.
	HTTPAddr string
	// PublicURL is the address customers reach the service at (links in emails).
	PublicURL string
	// CORSOrigins are the browser origins allowed to call the API.
	CORSOrigins []string
	// CORSHeaders are request headers browsers may send besides the
	// default list (internal/server).
	CORSHeaders []string
	// Playground serves GraphiQL at / (TEZ_PLAYGROUND keeps its first name).
	Playground bool
	// Introspection allows schema introspection queries.
	Introspection bool
	// DBMaxConns caps the connection pool (open and idle).
	DBMaxConns int
	// DBPrepared keeps statements prepared per connection
	// (internal/pgdriver); off behind a pooler in transaction mode.
	DBPrepared bool
	// StatementTimeout bounds every SQL statement.
	StatementTimeout time.Duration
	// RequestTimeout bounds a whole GraphQL request.
	RequestTimeout time.Duration
	// MetricsAddr, when set, serves /metrics on a listener of its own
	// instead of the API's; production sets it to 127.0.0.1:9090 by default.
	MetricsAddr string
	// PprofAddr, when set, serves Go's profiles (/debug/pprof/) on this
	// address, apart from the API: for `tez bench --profile`.
	PprofAddr string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// MaxComplexity is the most an operation may cost (list fields count
	// their items' cost times how many they can return).
	MaxComplexity int
	// StandardExecutor runs every operation on gqlgen's executor; by default
	// queries run on the lean executor (internal/leanexec), which gives the
	// same answers for less CPU.
	StandardExecutor bool
	// TrustedDocumentsOnly runs only the documents the project ships.
	TrustedDocumentsOnly bool
	// TrustedManifests are files of persisted documents (graphql-codegen's
	// persisted-documents.json, relay-compiler's persistConfig output)
	// trusted besides the shipped ones.
	TrustedManifests []string
	// MaxTokens and MaxFields bound a document's size, checked before it
	// is validated; MaxDepth, MaxAliases and MaxRootFields its shape.
	MaxTokens, MaxFields, MaxDepth, MaxAliases, MaxRootFields int
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// SMTPURL is the mail server (smtp://user:pass@host:port); empty: mail
	// is logged and kept in the outbox, not sent.
	SMTPURL string
	// MailFrom is the sender of the service's email.
	MailFrom string
	// SQLCountHeader adds X-SQL-Statements (statements the request sent) to
	// every response: for tests and benchmarks, off by default.
	SQLCountHeader bool
	// RedisURL, when set, keeps rate-limit buckets in Redis instead of
	// PostgreSQL, and automatic persisted queries there (shared by servers).
	RedisURL string
	// TrustedProxies are the peers (balancers, reverse proxies) whose
	// X-Forwarded-For or Forwarded names the client; none by default, so
	// those headers are ignored and the connection's peer is the client.
	TrustedProxies []netip.Prefix
	// AllowNegativeBalance lets debits take a SIM's balance below zero;
	// otherwise it stops at zero, the rest is recorded as overdraft and the
	// SIM is suspended.
	AllowNegativeBalance bool
	// UsageRetentionMonths is how many months of data sessions before the
	// current one are kept (TEZ_USAGE_RETENTION); 0 keeps everything.
	UsageRetentionMonths int
	// ArchiveDir receives each retired month of sessions as a gzipped CSV;
	// "" retires without a copy.
	ArchiveDir string
	// PaymentProvider takes new payments: "sandbox" or "stripe".
	PaymentProvider string
	// SandboxSecret signs the sandbox provider's webhook events.
	SandboxSecret string
	// StripeSecretKey, StripeWebhookSecret and StripeAPIURL configure the
	// Stripe adapter; StripeAPIURL replaces Stripe's API (stripe-mock).
	StripeSecretKey, StripeWebhookSecret, StripeAPIURL string
	// ShopURL is the shop's web address; customers return to
	// ShopURL/orders/{number} after paying, and a guest's order link opens
	// it. By default the service's own pages (PublicURL/account).
	ShopURL string
	// WebhookKey seals partners' webhook signing secrets (64 hex digits);
	// empty outside production means the development key.
	WebhookKey string
	// WebhookAllowPrivate lets production post webhooks to loopback,
	// private and link-local addresses (refused by default: SSRF).
	WebhookAllowPrivate bool
}

// Production reports whether the production profile is on.
func (c Config) Production() bool { return c.Env == "production" }

// SecuritySettings are the settings an operator checks at start, as log
// attributes: what is exposed, to whom, and who is believed. Never a
// secret: the database is named by kind, not by its URL.
func (c Config) SecuritySettings() []any {
	database := "embedded (development only)"
	if c.DatabaseURL != "" {
		database = "DATABASE_URL"
	}
	metrics := c.MetricsAddr
	if metrics == "" {
		metrics = "on the API listener"
	}
	proxies := make([]string, len(c.TrustedProxies))
	for i, p := range c.TrustedProxies {
		proxies[i] = p.String()
	}
	trusted := "off"
	if c.TrustedDocumentsOnly {
		trusted = "only"
	}
	return []any{
		"env", c.Env,
		"database", database,
		"replicas", len(c.DatabaseReplicaURLs),
		"payment_provider", c.PaymentProvider,
		"trusted_proxies", proxies,
		"cors_origins", c.CORSOrigins,
		"trusted_documents", trusted,
		"introspection", c.Introspection,
		"playground", c.Playground,
		"metrics", metrics,
	}
}

// Parse reads the configuration from a map of variables, for tests.
func Parse(vars map[string]string) (Config, error) {
	return parse(func(name string) (string, bool) { v, ok := vars[name]; return v, ok })
}

// Defaults is the configuration with no variable set, for tests.
func Defaults() Config {
	c, _ := Parse(nil)
	return c
}

// FromEnv reads the configuration, failing on malformed values so that a
// typo is caught at start, not at the first request.
func FromEnv() (Config, error) {
	return parse(os.LookupEnv)
}

func parse(lookup func(string) (string, bool)) (Config, error) {
	r := reader{lookup: lookup}
	c := Config{
		Env:                 r.str("TEZ_ENV", "development"),
		DatabaseURL:         r.str("DATABASE_URL", ""),
		DatabaseListenURL:   r.str("TEZ_DATABASE_LISTEN_URL", ""),
		DatabaseReplicaURLs: r.list("TEZ_DATABASE_REPLICA_URLS", ""),
		ReplicaMaxLag:       r.duration("TEZ_REPLICA_MAX_LAG", 5*time.Second),
		DataDir:             r.str("TEZ_DATA_DIR", "./.data"),
		HTTPAddr:            r.str("TEZ_HTTP_ADDR", "127.0.0.1:8080"),
		CORSOrigins:         r.list("TEZ_CORS_ORIGINS", "http://localhost:3000"),
		CORSHeaders:         r.list("TEZ_CORS_HEADERS", ""),
		DBMaxConns:          r.int("TEZ_DB_MAX_CONNS", 16),
		StatementTimeout:    r.duration("TEZ_DB_STATEMENT_TIMEOUT", 5*time.Second),
		RequestTimeout:      r.duration("TEZ_REQUEST_TIMEOUT", 15*time.Second),
		LogLevel:            r.str("TEZ_LOG_LEVEL", "info"),
		PprofAddr:           r.str("TEZ_PPROF_ADDR", ""),
		SessionTTL:          r.duration("TEZ_SESSION_TTL", 30*24*time.Hour),
		MaxComplexity:       r.int("TEZ_MAX_COMPLEXITY", 20000),
		MaxTokens:           r.int("TEZ_MAX_TOKENS", 2000),
		MaxFields:           r.int("TEZ_MAX_FIELDS", 500),
		MaxDepth:            r.int("TEZ_MAX_DEPTH", 15),
		MaxAliases:          r.int("TEZ_MAX_ALIASES", 30),
		MaxRootFields:       r.int("TEZ_MAX_ROOT_FIELDS", 10),
		RedisURL:            r.str("REDIS_URL", ""),
		SMTPURL:             r.str("TEZ_SMTP_URL", ""),
		MailFrom:            r.str("TEZ_MAIL_FROM", "TEZ Telecom <no-reply@tez.example>"),
	}
	if c.Env != "development" && c.Env != "production" {
		r.fail("TEZ_ENV", c.Env, "development or production")
	}
	if c.Production() && c.DatabaseURL == "" {
		// Production never runs the demo: no embedded cluster, no demo account.
		r.fail("DATABASE_URL", "", "set with TEZ_ENV=production (the embedded database and its demo account are for development only)")
	}
	c.PublicURL = strings.TrimRight(r.str("TEZ_PUBLIC_URL", "http://"+c.HTTPAddr), "/")
	c.Playground = r.bool("TEZ_PLAYGROUND", !c.Production())
	c.Introspection = r.bool("TEZ_INTROSPECTION", !c.Production())
	c.SQLCountHeader = r.bool("TEZ_SQL_COUNT_HEADER", false)
	c.TrustedDocumentsOnly = r.either("TEZ_TRUSTED_DOCUMENTS", "off", "only")
	c.TrustedManifests = r.list("TEZ_TRUSTED_MANIFESTS", "")
	c.StandardExecutor = r.either("TEZ_EXECUTOR", "lean", "gqlgen")
	c.DBPrepared = !r.either("TEZ_DB_PREPARED", "on", "off")
	c.AllowNegativeBalance = r.bool("TEZ_ALLOW_NEGATIVE_BALANCE", false)
	c.UsageRetentionMonths = r.months("TEZ_USAGE_RETENTION")
	c.ArchiveDir = r.str("TEZ_ARCHIVE_DIR", "")
	c.TrustedProxies = r.prefixes("TEZ_TRUSTED_PROXIES")
	c.WebhookKey = r.str("TEZ_WEBHOOK_KEY", "")
	c.WebhookAllowPrivate = r.bool("TEZ_WEBHOOK_ALLOW_PRIVATE", false)
	metricsAddr := "" // on the API's listener
	if c.Production() {
		metricsAddr = "127.0.0.1:9090"
	}
	c.MetricsAddr = r.str("TEZ_METRICS_ADDR", metricsAddr)
	r.payments(&c)
	if c.DBMaxConns < 1 {
		r.fail("TEZ_DB_MAX_CONNS", strconv.Itoa(c.DBMaxConns), "a positive number")
	}
	return c, r.err
}

// payments picks the payment provider: Stripe when its keys are set, else
// the sandbox, which anyone can approve, so production refuses it unless
// TEZ_PAYMENT_PROVIDER=sandbox asks for it by name.
func (r *reader) payments(c *Config) {
	c.StripeSecretKey = r.str("STRIPE_SECRET_KEY", "")
	c.StripeWebhookSecret = r.str("STRIPE_WEBHOOK_SECRET", "")
	c.StripeAPIURL = r.str("STRIPE_API_URL", "")
	// By default customers return to the service's own order page.
	c.ShopURL = strings.TrimRight(r.str("TEZ_SHOP_URL", c.PublicURL+"/account"), "/")
	c.SandboxSecret = r.str("TEZ_SANDBOX_SECRET", "")
	if c.SandboxSecret == "" {
		c.SandboxSecret = rand.Text()
	}
	auto := "sandbox"
	if c.StripeSecretKey != "" {
		auto = "stripe"
	}
	c.PaymentProvider = r.str("TEZ_PAYMENT_PROVIDER", auto)
	switch c.PaymentProvider {
	case "stripe":
		if c.StripeSecretKey == "" || c.StripeWebhookSecret == "" {
			r.fail("TEZ_PAYMENT_PROVIDER", c.PaymentProvider, "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET set as well")
		}
	case "sandbox":
		if _, named := r.lookup("TEZ_PAYMENT_PROVIDER"); c.Production() && !named {
			r.fail("STRIPE_SECRET_KEY", "", "set in production (or TEZ_PAYMENT_PROVIDER=sandbox to take test payments)")
		}
	default:
		r.fail("TEZ_PAYMENT_PROVIDER", c.PaymentProvider, "sandbox or stripe")
	}
}

type reader struct {
	lookup func(string) (string, bool)
	err    error
}

func (r *reader) fail(name, value, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("%s=%q: want %s", name, value, want)
	}
}

// either reads a variable that is one of two words: false for the
// default, true for the other.
func (r *reader) either(name, def, other string) bool {
	switch v := r.str(name, def); v {
	case def:
		return false
	case other:
		return true
	default:
		r.fail(name, v, def+" or "+other)
		return false
	}
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

func (r *reader) list(name, def string) []string {
	var out []string
	for _, s := range strings.Split(r.str(name, def), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// prefixes reads a list of CIDRs; a bare address stands for itself alone.
func (r *reader) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range r.list(name, "") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				r.fail(name, s, "addresses or CIDRs such as 10.0.0.0/8, separated by commas")
				continue
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out
}

func (r *reader) int(name string, def int) int {
	return parsed(r, name, def, strconv.Atoi, "a whole number")
}

// months reads a span of whole months, "36mo" or "3y"; unset keeps
// everything (0).
func (r *reader) months(name string) int {
	v := r.str(name, "")
	if v == "" {
		return 0
	}
	num, per := v, 0
	switch {
	case strings.HasSuffix(v, "mo"):
		num, per = strings.TrimSuffix(v, "mo"), 1
	case strings.HasSuffix(v, "y"):
		num, per = strings.TrimSuffix(v, "y"), 12
	}
	n, err := strconv.Atoi(num)
	if per == 0 || err != nil || n < 1 || n > 1200 {
		r.fail(name, v, "months or years, e.g. 36mo or 3y (unset keeps everything)")
		return 0
	}
	return n * per
}

func (r *reader) bool(name string, def bool) bool {
	return parsed(r, name, def, strconv.ParseBool, "true or false")
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	return parsed(r, name, def, positiveDuration, "a positive duration such as 5s")
}

// parsed reads name with parse, def when it is unset; a value parse
// refuses fails the reader with what was wanted instead.
func parsed[T any](r *reader, name string, def T, parse func(string) (T, error), want string) T {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		r.fail(name, v, want)
	}
	return x
}

func positiveDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err == nil && d <= 0 {
		err = errors.New("not positive")
	}
	return d, err
}
