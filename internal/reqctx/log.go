package reqctx

import (
	"context"
	"log/slog"
)

// LogHandler wraps h so that every record logged with a request's context
// (slog's *Context methods) carries the request's request_id: a log call
// need not name it, and cannot forget it.
func LogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(logHandler); ok {
		return h
	}
	return logHandler{h}
}

type logHandler struct{ slog.Handler }

func (l logHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return l.Handler.Handle(ctx, r)
}

func (l logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{l.Handler.WithAttrs(attrs)}
}

func (l logHandler) WithGroup(name string) slog.Handler {
	return logHandler{l.Handler.WithGroup(name)}
}

// Detached is a context for work that outlives its request (a write left
// to a goroutine): never cancelled, and carrying nothing of the request
// but its id, so that the work's log lines still name the request.
func Detached(ctx context.Context) context.Context {
	return WithRequestID(context.Background(), RequestID(ctx))
}
