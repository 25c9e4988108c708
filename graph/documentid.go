package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
)

// AcceptDocumentID lets a client name a persisted document by a top-level
// documentId (graphql-codegen's persisted documents, the GraphQL-over-HTTP
// draft) as well as by extensions.persistedQuery.sha256Hash, which is what
// gqlgen reads: it moves the one into the other, in a POST body or a GET
// query string. Requests without documentId pass unchanged.
func AcceptDocumentID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			if id := q.Get("documentId"); id != "" && q.Get("extensions") == "" {
				ext, _ := json.Marshal(persisted(id))
				q.Del("documentId")
				q.Set("extensions", string(ext))
				r.URL.RawQuery = q.Encode()
			}
		case http.MethodPost:
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "unreadable request body", http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(withPersistedQuery(body)))
		}
		next.ServeHTTP(w, r)
	})
}

func persisted(id string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": id}}
}

// withPersistedQuery rewrites {"documentId": id, ...} into
// {"extensions": {"persistedQuery": ...}, ...}; any other body is returned
// as it is (a garbled one is gqlgen's to refuse).
func withPersistedQuery(body []byte) []byte {
	if !bytes.Contains(body, []byte(`"documentId"`)) {
		return body
	}
	var req map[string]json.RawMessage
	if json.Unmarshal(body, &req) != nil {
		return body
	}
	var id string
	if json.Unmarshal(req["documentId"], &id) != nil || id == "" {
		return body
	}
	if _, ok := req["extensions"]; ok {
		return body // the client said it both ways: gqlgen reads extensions
	}
	delete(req, "documentId")
	req["extensions"], _ = json.Marshal(persisted(id))
	out, err := json.Marshal(req)
	if err != nil {
		return body
	}
	return out
}
