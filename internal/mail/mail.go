// Package mail sends email: a Mailer (SMTP, or a development default that
// logs) and a Worker that delivers the outbox with retries, so a crash or
// an SMTP outage loses no message.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	"time"
)

// Message is one email with plain-text and HTML bodies.
type Message struct {
	To, Subject, Text, HTML string
}

// Mailer delivers a message.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// New picks the mailer: SMTP when smtpURL is set, else the log mailer.
func New(smtpURL, from string, log *slog.Logger) (Mailer, error) {
	if smtpURL == "" {
		return Log{log: log}, nil
	}
	return NewSMTP(smtpURL, from)
}

// Log is the development mailer: it sends nothing and logs that a message
// was written; `tez mail outbox` shows the message with its links.
type Log struct{ log *slog.Logger }

// Send logs the message's subject and masked recipient (never the body: it
// carries single-use links).
func (l Log) Send(ctx context.Context, m Message) error {
	l.log.InfoContext(ctx, "email not sent (TEZ_SMTP_URL unset): read it with `tez mail outbox`",
		"to", MaskAddress(m.To), "subject", m.Subject)
	return nil
}

// MaskAddress keeps an address recognisable without writing it whole to
// logs: "al***@example.com".
func MaskAddress(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "***"
	}
	keep := min(2, at)
	return addr[:keep] + "***" + addr[at:]
}

// compose writes m as a MIME message: multipart/alternative with quoted-
// printable text and HTML parts.
func compose(from string, m Message, now time.Time) ([]byte, error) {
	var body bytes.Buffer
	mp := multipart.NewWriter(&body)
	for _, part := range []struct{ typ, content string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mp.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(part.content)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mp.Close(); err != nil {
		return nil, err
	}
	var id [12]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, err
	}
	domain := "tez.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain = strings.Trim(from[at+1:], "> ")
	}
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "From: %s\r\n", from)
	fmt.Fprintf(&msg, "To: %s\r\n", m.To)
	fmt.Fprintf(&msg, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&msg, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&msg, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id[:]), domain)
	fmt.Fprintf(&msg, "MIME-Version: 1.0\r\n")
	fmt.Fprintf(&msg, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", mp.Boundary())
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}
