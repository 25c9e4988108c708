// Package mailtest is a real SMTP server for tests: it receives what the
// service sends and decodes it, so tests follow the links in real email.
package mailtest

import (
	"io"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is a message as the sink received it, decoded.
type Message struct {
	To, Subject, Text, HTML string
}

// Sink is a real SMTP server that keeps what it receives.
type Sink struct {
	mu   sync.Mutex
	msgs []Message
	// Addr is the host:port the sink listens on.
	Addr string
}

// NewSink starts a sink for the test's duration.
func NewSink(t testing.TB) *Sink {
	t.Helper()
	s := &Sink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }))
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return s
}

type sinkSession struct {
	sink *Sink
	to   string
}

func (s *sinkSession) Reset()                                    {}
func (s *sinkSession) Logout() error                             { return nil }
func (s *sinkSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *sinkSession) Data(r io.Reader) error {
	msg, err := netmail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	got := Message{To: s.to, Subject: subject}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := parts.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			got.HTML = string(body)
		} else {
			got.Text = string(body)
		}
	}
	s.sink.mu.Lock()
	s.sink.msgs = append(s.sink.msgs, got)
	s.sink.mu.Unlock()
	return nil
}

// To answers the messages received for addr so far.
func (s *Sink) To(addr string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs {
		if strings.EqualFold(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

// Await polls until addr has received n messages and answers the nth.
func (s *Sink) Await(t testing.TB, addr string, n int) Message {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got := s.To(addr); len(got) >= n {
			return got[n-1]
		}
	}
	t.Fatalf("%s did not receive message %d in time", addr, n)
	return Message{}
}
