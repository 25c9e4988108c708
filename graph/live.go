package graph

import (
	"context"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teztelecom/tez/graph/model"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/live"
	"github.com/teztelecom/tez/internal/metrics"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/viewer"
)

// liveConn is the connection a subscription runs on: the WebSocket's,
// opened by its connection_init (internal/server), or for an SSE request
// one of its own, closed when the request ends.
func (r *Resolver) liveConn(ctx context.Context, userID int64) (*live.Conn, error) {
	if c := live.ConnFrom(ctx); c != nil {
		return c, nil
	}
	if r.Live == nil {
		return nil, apperr.New(apperr.Unavailable, "live updates are off on this server")
	}
	v := viewer.From(ctx)
	c, err := r.Live.Open(ctx, userID, v.SessionID, v.SessionExpiresAt, nil)
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, c.Close)
	return c, nil
}

// forward sends the subscription's SIMs as they change, read again after
// each change (owner-checked: a SIM that left the account sends nothing),
// until the subscription or its client ends. Changes that arrived together
// are read in one statement and each SIM is sent once.
func (r *Resolver) forward(ctx context.Context, userID int64, sub *live.Sub, out chan<- *model.SimCard) {
	defer close(out)
	defer sub.Stop()
	for {
		var first string
		select {
		case <-ctx.Done():
			return
		case <-sub.Done():
			endWith(ctx, sub.Err())
			return
		case first = <-sub.Changes():
		}
		iccids := []string{first}
		seen := map[string]bool{first: true}
	pending:
		for {
			select {
			case id := <-sub.Changes():
				if !seen[id] {
					seen[id] = true
					iccids = append(iccids, id)
				}
			default:
				break pending
			}
		}
		sims, err := r.Store.SimCardsByICCID(ctx, r.Store.DB(), userID, iccids)
		if err != nil {
			endWith(ctx, err)
			return
		}
		for _, id := range iccids {
			sim, ok := sims[id]
			if !ok {
				continue
			}
			select {
			case out <- model.NewSimCard(&sim):
				sub.Sent()
			case <-ctx.Done():
				return
			case <-sub.Done():
				endWith(ctx, sub.Err())
				return
			}
		}
	}
}

// endWith ends a WebSocket subscription with err as its client reads it
// (through the error presenter: a code, internal errors masked); nil ends it
// quietly. Over SSE the stream just completes.
func endWith(ctx context.Context, err error) {
	if err == nil {
		return
	}
	graphql.AddError(ctx, err)
	for _, e := range graphql.GetErrors(ctx) {
		transport.AddSubscriptionError(ctx, e)
	}
}

// eventLoaders gives each event of a subscription loaders of its own: the
// connection lives for hours, and loaders cache what they read.
type eventLoaders struct {
	noSchemaCheck
	store   *store.Store
	metrics *metrics.Metrics
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = eventLoaders{}

func (eventLoaders) ExtensionName() string { return "EventLoaders" }
func (e eventLoaders) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) { // a request that failed before execution
		return next(ctx)
	}
	if op := graphql.GetOperationContext(ctx); op.Operation != nil && op.Operation.Operation == ast.Subscription {
		ctx = withLoaders(ctx, e.store, e.metrics)
	}
	return next(ctx)
}

// WantsEventStream reports whether a request asks for a stream of events
// first: GraphQL over SSE clients (graphql-sse) send Accept:
// text/event-stream. urql lists text/event-stream after JSON for every
// request, and its queries must get JSON.
func WantsEventStream(r *http.Request) bool {
	first, _, _ := strings.Cut(r.Header.Get("Accept"), ",")
	mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(first))
	return err == nil && mediaType == "text/event-stream"
}

// sseTransport is gqlgen's SSE transport for the requests that want a stream.
type sseTransport struct{ transport.SSE }

func (t sseTransport) Supports(r *http.Request) bool { return WantsEventStream(r) && t.SSE.Supports(r) }
