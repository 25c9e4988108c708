package leanexec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teztelecom/tez/internal/apperr"
)

// The HTTP transports answer as the GraphQL-over-HTTP spec asks. A request
// that fails before execution (unreadable JSON, bad parameters, a document
// that does not parse, validate or coerce its variables, a limit) has no
// data entry; it answers 200 to a client that accepts application/json (so
// Apollo and urql show the errors, not "status 422") and 400 to one that
// accepts application/graphql-response+json. Only queries run by GET: any
// other operation answers 405 with Allow: POST.

// POST is gqlgen's POST transport with those status codes and a
// cheaper response writer. gqlgen writes every response with json.Marshal,
// which re-validates and re-compacts the data the executor has just written
// compactly (a dashboard is 11–18 kB): a few percent of the server's CPU.
// Here a response of data alone is written as {"data":...}, through
// json.HTMLEscape when it holds a character that may need it: the same
// bytes json.Marshal gives; anything else (errors, extensions) goes through
// json.Marshal.
type POST struct {
	transport.POST
}

var _ graphql.Transport = POST{}

// Do implements graphql.Transport.
func (t POST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	run(w, r, exec, func() (*graphql.RawParams, gqlerror.List, int) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			status, msg := 0, "the request body could not be read"
			if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
				status, msg = http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is over %d bytes", tooBig.Limit)
			}
			return nil, badRequest("%s", msg), status
		}
		var params graphql.RawParams
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&params); err != nil {
			// A body that is not JSON at all is 400 whatever the client accepts
			// (GraphQL over HTTP: SHOULD, for application/json too); JSON of
			// the wrong shape follows the accepted media type.
			status, syntax := 0, (*json.SyntaxError)(nil)
			if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				status = http.StatusBadRequest
			}
			return nil, badRequest(
				"the request body is not a GraphQL request: send JSON with a string query, and optionally a string operationName and objects variables and extensions (%v)", err), status
		}
		return &params, nil, 0
	})
}

// GET is gqlgen's GET transport with the status codes above.
type GET struct {
	transport.GET
}

var _ graphql.Transport = GET{}

// Do implements graphql.Transport.
func (t GET) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	run(w, r, exec, func() (*graphql.RawParams, gqlerror.List, int) {
		query, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, badRequest("the URL's query string is malformed: %v", err), 0
		}
		params := graphql.RawParams{Query: query.Get("query"), OperationName: query.Get("operationName")}
		for name, into := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
			if v := query.Get(name); v != "" {
				dec := json.NewDecoder(strings.NewReader(v))
				dec.UseNumber()
				if err := dec.Decode(into); err != nil {
					return nil, badRequest("the %s parameter is not a JSON object: %v", name, err), 0
				}
			}
		}
		return &params, nil, 0
	})
}

// run reads a request's parameters with read and serves them, timing the
// read as gqlgen's transports do; when read cannot, it answers the request
// error read gives, with its status (0: see writeRequestError).
func run(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, read func() (*graphql.RawParams, gqlerror.List, int)) {
	start := graphql.Now()
	// The lean executor lends its response buffer until the answer is written.
	ctx, loan := WithLoan(r.Context())
	defer loan.Return()
	params, errs, status := read()
	if errs != nil {
		writeRequestError(ctx, w, r, exec, nil, errs, status)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	serve(ctx, w, r, exec, params)
}

// serve runs a decoded request and writes its answer.
func serve(ctx context.Context, w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams) {
	op, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		writeRequestError(ctx, w, r, exec, op, errs, 0)
		return
	}
	if op.Operation.Operation == ast.Subscription {
		writeRequestError(ctx, w, r, exec, op, badRequest("a subscription needs a stream: open a WebSocket (graphql-transport-ws) on /graphql, or POST with Accept: text/event-stream"), 0)
		return
	}
	if r.Method == http.MethodGet && op.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		writeRequestError(ctx, w, r, exec, op, badRequest("only queries may be sent by GET: send a %s by POST", op.Operation.Operation),
			http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", responseContentType(r))
	responses, ctx := exec.DispatchOperation(ctx, op)
	writeResponse(w, responses(ctx))
}

// badRequest is a request error of the client's making, coded BAD_REQUEST.
func badRequest(format string, args ...any) gqlerror.List {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": string(apperr.BadRequest)}
	return gqlerror.List{err}
}

// writeRequestError answers a request that failed before execution: its
// errors, through the error presenter, and no data entry. Status 0 is the
// spec's choice for the accepted media type (see above).
func writeRequestError(ctx context.Context, w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, op *graphql.OperationContext, errs gqlerror.List, status int) {
	contentType := responseContentType(r)
	if status == 0 {
		status = http.StatusOK
		if contentType == gqlRespJSON {
			status = http.StatusBadRequest
		}
	}
	if op != nil {
		ctx = graphql.WithOperationContext(ctx, op)
	}
	resp := exec.DispatchError(ctx, errs)
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	b, err := json.Marshal(struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
	if err != nil {
		panic(fmt.Errorf("marshal request errors: %w", err))
	}
	_, _ = w.Write(b)
}

const (
	appJSON     = "application/json"
	gqlRespJSON = "application/graphql-response+json"
)

// responseContentType is the media type of the answer: application/json
// unless the client accepts only application/graphql-response+json (as
// gqlgen's transports choose it).
func responseContentType(r *http.Request) string {
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
// other characters, which HTMLEscape then leaves as they are). Four
// vectorised IndexByte passes over an answer cost less than one loop
// comparing each byte four times (BenchmarkWriteResponse).
func mayNeedHTMLEscape(data []byte) bool {
	for _, c := range [...]byte{'<', '>', '&', 0xe2} {
		if bytes.IndexByte(data, c) >= 0 {
			return true
		}
	}
	return false
}

// Unsupported answers every request no other transport takes (a form post,
// a text/plain body, PUT) with a coded BAD_REQUEST that says what to send:
// gqlgen's own answer, "transport not supported", had no code. Add it last.
type Unsupported struct{}

var _ graphql.Transport = Unsupported{}

// Supports implements graphql.Transport: it takes whatever is left.
func (Unsupported) Supports(*http.Request) bool { return true }

// Do implements graphql.Transport.
func (Unsupported) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	status := http.StatusUnsupportedMediaType
	if r.Method != http.MethodPost {
		status = http.StatusMethodNotAllowed
		w.Header().Set("Allow", "GET, POST")
	}
	writeRequestError(r.Context(), w, r, exec, nil,
		badRequest("send a POST with Content-Type: application/json (or a query by GET with ?query=)"), status)
}
