package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/teztelecom/tez/internal/leanexec"
)

// postTransport is gqlgen's POST transport with a cheaper response writer.
// gqlgen writes every response with json.Marshal, which re-validates and
// re-compacts the data the executor has just written compactly (a
// dashboard is 11–18 kB): a few percent of the server's CPU. Here a
// response of data alone is written as {"data":...}, through
// json.HTMLEscape when it holds a character that may need it: the same
// bytes json.Marshal gives; anything else (errors, extensions) and
// every request that fails before execution goes through gqlgen's own
// transport, unchanged.
type postTransport struct {
	transport.POST
}

var _ graphql.Transport = postTransport{}

func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.POST.Do(w, r, exec) // reports the unreadable body as gqlgen does
		return
	}
	start := graphql.Now()
	// The lean executor lends its response buffer until the answer is written.
	ctx, loan := leanexec.WithLoan(r.Context())
	defer loan.Return()
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		t.fallback(w, r, exec, body)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	op, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		t.fallback(w, r, exec, body)
		return
	}
	w.Header().Add("Content-Type", responseContentType(r))
	responses, ctx := exec.DispatchOperation(ctx, op)
	writeResponse(w, responses(ctx))
}

// fallback serves the request with gqlgen's transport, from the body read.
func (t postTransport) fallback(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	t.POST.Do(w, r, exec)
}

// responseContentType is the Content-Type gqlgen's POST transport answers
// with (no explicit headers, application/json by default).
func responseContentType(r *http.Request) string {
	const (
		appJSON     = "application/json"
		gqlRespJSON = "application/graphql-response+json"
	)
	accept := r.Header.Get("Accept")
	if accept == "" {
		return appJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", appJSON:
			return appJSON
		case gqlRespJSON:
			return gqlRespJSON
		}
	}
	return gqlRespJSON
}

var (
	dataPrefix = []byte(`{"data":`)
	dataSuffix = []byte(`}`)
)

// responsePool recycles the buffers responses are written from: each is
// done with once written.
var responsePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeResponse writes resp as json.Marshal would.
func writeResponse(w io.Writer, resp *graphql.Response) {
	if resp != nil && len(resp.Errors) == 0 && len(resp.Data) > 0 && resp.Label == "" && resp.Path == nil &&
		resp.HasNext == nil && len(resp.Extensions) == 0 {
		if !mayNeedHTMLEscape(resp.Data) {
			// Most answers: the data goes out as it is, without a copy.
			_, _ = w.Write(dataPrefix)
			_, _ = w.Write(resp.Data)
			_, _ = w.Write(dataSuffix)
			return
		}
		buf := responsePool.Get().(*bytes.Buffer)
		defer responsePool.Put(buf)
		buf.Reset()
		buf.Grow(len(dataPrefix) + len(resp.Data) + len(dataSuffix))
		buf.Write(dataPrefix)
		json.HTMLEscape(buf, resp.Data)
		buf.Write(dataSuffix)
		_, _ = w.Write(buf.Bytes())
		return
	}
	b, err := json.Marshal(resp)
	if err != nil {
		panic(fmt.Errorf("unable to marshal %s: %w", string(resp.Data), err))
	}
	_, _ = w.Write(b)
}

// mayNeedHTMLEscape reports whether json.HTMLEscape could change data: it
// holds <, > or &, or 0xE2, the first byte of U+2028 and U+2029 (and of
// other characters, which HTMLEscape then leaves as they are).
func mayNeedHTMLEscape(data []byte) bool {
	for _, c := range data {
		if c == '<' || c == '>' || c == '&' || c == 0xe2 {
			return true
		}
	}
	return false
}
