package reqctx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/teztelecom/tez/internal/reqctx"
)

func TestLogHandlerAddsTheRequestID(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(reqctx.LogHandler(slog.NewJSONHandler(&buf, nil))).With("component", "test")
	ctx := reqctx.WithRequestID(context.Background(), "req-1")

	log.InfoContext(ctx, "in a request")
	log.InfoContext(reqctx.Detached(ctx), "after it, in a goroutine")
	log.InfoContext(context.Background(), "no request")

	var want = []string{"req-1", "req-1", ""}
	dec := json.NewDecoder(&buf)
	for i, w := range want {
		var line map[string]any
		if err := dec.Decode(&line); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		got, _ := line["request_id"].(string)
		if got != w {
			t.Errorf("line %q: request_id %q, want %q", line["msg"], got, w)
		}
		if line["component"] != "test" {
			t.Errorf("line %q lost the logger's attributes: %v", line["msg"], line)
		}
	}
	if reqctx.Detached(ctx).Done() != nil {
		t.Error("a detached context is cancelled with its request")
	}
}
