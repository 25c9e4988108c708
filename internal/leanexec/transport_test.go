package leanexec

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// writeResponse writes the bytes gqlgen's transport (json.Marshal) writes.
func TestWriteResponseAsJSONMarshal(t *testing.T) {
	data := json.RawMessage(`{"me":{"fullName":"<b>Ada & \"Bob\"</b>","label":"line\u2028sep\u2029é","n":[1,2.5,null,true],"o":{}}}`)
	for _, resp := range []*graphql.Response{
		{Data: data},
		{Data: json.RawMessage(`{"me":{"fullName":"Ada","price":"12 €","n":[1,2.5,null,true]}}`)},
		{Data: json.RawMessage(`null`)},
		{Data: nil},
		{Data: data, Errors: gqlerror.List{{Message: "boom <x>"}}},
		{Data: data, Extensions: map[string]any{"k": 1}},
		nil, // the executor answers none for a request whose client went away
		// Each character HTMLEscape changes, alone in an answer ("€" above
		// shares U+2028's first byte, and is left).
		{Data: json.RawMessage(`{"a":"x<y"}`)},
		{Data: json.RawMessage(`{"a":"x>y"}`)},
		{Data: json.RawMessage(`{"a":"x&y"}`)},
		{Data: json.RawMessage("{\"a\":\"x\u2028y\"}")},
		{Data: json.RawMessage("{\"a\":\"x\u2029y\"}")},
	} {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		writeResponse(&got, resp)
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("writeResponse =\n%s\nwant (json.Marshal)\n%s", got.Bytes(), want)
		}
	}
}

// BenchmarkWriteResponse writes a response of 12 kB of data, about a
// dashboard's with 13 SIM cards (11–18 kB), with writeResponse and with
// json.Marshal (gqlgen's way).
func BenchmarkWriteResponse(b *testing.B) {
	var d bytes.Buffer
	d.WriteString(`{"me":{"simCards":[`)
	for i := range 100 {
		if i > 0 {
			d.WriteByte(',')
		}
		d.WriteString(`{"id":"U2ltQ2FyZDo4OTk5NzAwMDMxNjIwMDAwMDAz","label":"SIM 1","balance":{"amount":"10.00","currencyCode":"USD"},"n":12345}`)
	}
	d.WriteString(`]}}`)
	resp := &graphql.Response{Data: d.Bytes()}
	b.Run("writeResponse", func(b *testing.B) {
		for b.Loop() {
			writeResponse(io.Discard, resp)
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			out, _ := json.Marshal(resp)
			_, _ = io.Discard.Write(out)
		}
	})
}
