package graph

import (
	"log/slog"
	"time"

	coderws "github.com/coder/websocket"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/teztelecom/tez/graph/generated"
	"github.com/teztelecom/tez/internal/leanexec"
	"github.com/teztelecom/tez/internal/metrics"
)

// Options configure the GraphQL handler.
type Options struct {
	Introspection bool
	// HideSuggestions keeps validation errors from suggesting the schema's
	// names ("Did you mean …?"), for production.
	HideSuggestions bool
	// MaxComplexity refuses operations priced above it (see complexity.go).
	MaxComplexity int
	Shape         ShapeLimits
	// Trusted, when set, runs only its documents (see trusted.go).
	Trusted *TrustedDocuments
	// StandardExecutor turns the lean executor off (see internal/leanexec).
	StandardExecutor bool
	Metrics          *metrics.Metrics
	Logger           *slog.Logger
	// LiveInit authenticates a WebSocket's connection_init and LiveClose
	// ends its live connection (internal/server).
	LiveInit  transport.WebsocketInitFunc
	LiveClose transport.WebsocketCloseFunc
	// APQ keeps automatic persisted queries; nil keeps them in this
	// process (internal/apq shares them between servers through Redis).
	APQ graphql.Cache[string]
}

// keepAlive is how often an idle live connection is pinged: under the idle
// timeouts of common proxies and balancers (60 s).
const keepAlive = 25 * time.Second

// NewHandler builds the GraphQL endpoint from parts, not
// handler.NewDefaultServer: every transport, cache and extension is chosen
// here.
func NewHandler(r *Resolver, opts Options) *handler.Server {
	cfg := generated.Config{Resolvers: r}
	setComplexity(&cfg.Complexity)
	schema := generated.NewExecutableSchema(cfg)
	if !opts.StandardExecutor {
		schema = leanexec.Schema{Executor: schema.(leanexec.Executor), Executed: opts.Metrics.Executed}
	}
	srv := handler.New(schema)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.Websocket{
		// Origins are checked before the upgrade, by the CORS rules
		// (internal/server withStreams).
		Implementation:        transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{InsecureSkipVerify: true}},
		InitFunc:              opts.LiveInit,
		CloseFunc:             opts.LiveClose,
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: keepAlive,
		PingPongInterval:      keepAlive,
	})
	srv.AddTransport(sseTransport{transport.SSE{KeepAlivePingInterval: keepAlive}})
	srv.AddTransport(leanexec.GET{})
	srv.AddTransport(leanexec.POST{})
	srv.AddTransport(leanexec.Unsupported{})
	queries := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(queries)
	srv.SetParserTokenLimit(opts.Shape.MaxTokens)
	srv.SetValidationRulesFn(func() *rules.Rules {
		opts.Metrics.Validated()
		return rules.NewDefaultRules()
	})
	if opts.Trusted != nil {
		srv.Use(opts.Trusted)
	}
	apq := opts.APQ
	if apq == nil {
		apq = lru.New[string](1000)
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: apq})
	// After the persisted queries, which may be what gives the text.
	shape := opts.Shape
	shape.Cache = queries
	srv.Use(shape)
	srv.Use(&InputCheck{})
	srv.Use(extension.FixedComplexityLimit(opts.MaxComplexity))
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(introspectionOff{})
	}
	srv.SetDisableSuggestion(opts.HideSuggestions)
	srv.Use(NewObserver(opts.Metrics))
	srv.Use(leanexec.Memo{})
	srv.Use(deadline{})
	srv.Use(eventLoaders{store: r.Store, metrics: opts.Metrics})
	if r.Store != nil && r.Store.DB().Replicated() {
		srv.Use(readRoute{store: r.Store, log: opts.Logger})
	}
	srv.SetErrorPresenter(errorPresenter(opts.Logger, opts.HideSuggestions))
	srv.SetRecoverFunc(recoverFunc(opts.Logger))
	return srv
}
