package smtp_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/smtp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

const domain = "parley.test"

type rig struct {
	t     *testing.T
	s     *store.Store
	conv  *conversation.Service
	inbox *parley.Inbox
}

func newRig(t *testing.T, s *store.Store) *rig {
	ctx := context.Background()
	o := org.New(s, org.Options{})
	setup, err := o.FirstStart(ctx, "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, s: s, inbox: setup.Inbox, conv: conversation.New(s, conversation.Options{MailDomain: domain, Blobs: blobs})}
}

// listen starts a listener with r as its receiver and returns its address.
func (g *rig) listen(r conversation.EmailReceiver, tune func(*smtp.Listener)) (string, *smtp.Listener) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		g.t.Fatal(err)
	}
	l := &smtp.Listener{Domain: domain, Receiver: r, Channels: g.s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxMessageBytes: 64 << 10}
	if tune != nil {
		tune(l)
	}
	done := make(chan error, 1)
	go func() { done <- l.Serve(ln) }()
	g.t.Cleanup(func() {
		l.Close()
		if err := <-done; err != nil {
			g.t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String(), l
}

func message(id, body string) string {
	return "From: Ana <ana@customer.example>\r\nTo: support@parley.test\r\nSubject: Help\r\n" +
		"Message-ID: <" + id + ">\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n\r\n" + body + "\r\n"
}

// send runs one SMTP conversation and returns the server's answer to the
// first command that failed, or nil.
func send(addr, from string, to []string, msg string) error {
	c, err := gosmtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("client.example"); err != nil {
		return err
	}
	return c.SendMail(from, to, strings.NewReader(msg))
}

func code(err error) int {
	var se *gosmtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func (g *rig) messages() []string {
	g.t.Helper()
	return storetest.InboxTexts(g.t, g.s, g.inbox.ID)
}

func TestListener(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newRig(t, s)
		addr, _ := g.listen(g.conv, nil)
		tests := []struct {
			name string
			to   []string
			msg  string
			code int // 0: accepted
		}{
			{"inbox address", []string{"support@parley.test"}, message("m1@x", "first"), 0},
			{"plus address", []string{"Support+abc@Parley.Test"}, message("m2@x", "second"), 0},
			{"two addresses of one inbox", []string{"support@parley.test", "support+x@parley.test"}, message("m3@x", "third"), 0},
			{"unknown inbox", []string{"nobody@parley.test"}, message("m4@x", "lost"), 550},
			{"other domain", []string{"support@elsewhere.example"}, message("m5@x", "relay"), 550},
			{"too large", []string{"support@parley.test"}, message("m6@x", strings.Repeat(strings.Repeat("x", 70)+"\r\n", 1000)), 552},
			{"too many recipients", func() []string {
				var r []string
				for range 60 {
					r = append(r, "support@parley.test")
				}
				return r
			}(), message("m7@x", "spam"), 452},
			{"broken message is accepted and quarantined", []string{"support@parley.test"}, "To: support@parley.test\r\nSubject: no sender\r\n\r\nbody\r\n", 0},
			{"the broken message sent again is recognised", []string{"support@parley.test"}, "To: support@parley.test\r\nSubject: no sender\r\n\r\nbody\r\n", 0},
			{"the next one flows", []string{"support@parley.test"}, message("m8@x", "after the broken one"), 0},
		}
		for _, tt := range tests {
			err := send(addr, "ana@customer.example", tt.to, tt.msg)
			if got := code(err); got != tt.code || (tt.code == 0 && err != nil) {
				t.Errorf("%s: %v (code %d), want code %d", tt.name, err, got, tt.code)
			}
		}
		got := strings.Join(g.messages(), "|")
		for _, want := range []string{"first", "second", "third", "after the broken one"} {
			if strings.Count(got, want) != 1 {
				t.Errorf("stored %q, want %q once", got, want)
			}
		}
		if strings.Contains(got, "lost") || strings.Contains(got, "relay") || strings.Contains(got, "spam") {
			t.Errorf("stored %q: a refused message was kept", got)
		}
		if q, _ := s.QuarantineList(context.Background(), 0, 10); len(q) != 1 || q[0].Source != "smtp" {
			t.Errorf("quarantine = %+v, want the broken message", q)
		}

		// Turned off: a permanent rejection, never a silent drop (CHN-1).
		chs, _ := s.Channels(context.Background(), g.inbox.ID)
		ch := chs[0]
		ch.Enabled = false
		if err := s.InTx(context.Background(), func(tx *store.Tx) error { return tx.UpdateChannel(context.Background(), &ch) }); err != nil {
			t.Fatal(err)
		}
		if err := send(addr, "ana@customer.example", []string{"support@parley.test"}, message("m9@x", "off")); code(err) != 550 {
			t.Errorf("channel off: %v, want 550", err)
		}
	})
}

// crashing stands for a server that dies at a point of the delivery: the
// listener drops every connection there, as a killed process would, so the
// client never reads a 250.
type crashing struct {
	real     conversation.EmailReceiver
	l        atomic.Pointer[smtp.Listener]
	before   bool // die before the transaction, else after its commit
	crashed  atomic.Bool
	received atomic.Int32
}

func (c *crashing) ReceiveEmail(ctx context.Context, a parley.Actor, in conversation.Email) (*conversation.EmailReceived, error) {
	c.received.Add(1)
	if c.before && !c.crashed.Swap(true) {
		c.l.Load().Close()
		return nil, fmt.Errorf("crashed")
	}
	r, err := c.real.ReceiveEmail(ctx, a, in)
	if !c.before && !c.crashed.Swap(true) {
		c.l.Load().Close()
		time.Sleep(50 * time.Millisecond) // the reply must not get out
	}
	return r, err
}

// TestCrashLosesNothing: the sender of a message that was never answered
// 250 sends it again (as every MTA does); whether the server died before or
// after the commit, the message is stored exactly once.
func TestCrashLosesNothing(t *testing.T) {
	for _, before := range []bool{true, false} {
		name := map[bool]string{true: "between receive and commit", false: "between commit and reply"}[before]
		t.Run(name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, s *store.Store) {
				g := newRig(t, s)
				c := &crashing{real: g.conv, before: before}
				addr, l := g.listen(c, nil)
				c.l.Store(l)
				msg := message("crash@x", "survives")
				if err := send(addr, "ana@customer.example", []string{"support@parley.test"}, msg); err == nil {
					t.Fatal("the crashed server answered 250")
				}
				addr2, _ := g.listen(g.conv, nil) // the restarted server
				if err := send(addr2, "ana@customer.example", []string{"support@parley.test"}, msg); err != nil {
					t.Fatalf("retry: %v", err)
				}
				if got := g.messages(); len(got) != 1 || got[0] != "survives" {
					t.Errorf("stored %q, want the message once", got)
				}
			})
		})
	}
}

func TestStartTLS(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newRig(t, s)
		cert, pool := selfSigned(t)
		addr, _ := g.listen(g.conv, func(l *smtp.Listener) { l.TLS = &tls.Config{Certificates: []tls.Certificate{cert}} })
		c, err := gosmtp.DialStartTLS(addr, &tls.Config{RootCAs: pool, ServerName: "localhost"})
		if err != nil {
			t.Fatalf("STARTTLS: %v", err)
		}
		defer c.Close()
		if err := c.SendMail("ana@customer.example", []string{"support@parley.test"}, strings.NewReader(message("tls@x", "secret"))); err != nil {
			t.Fatal(err)
		}
		if state, ok := c.TLSConnectionState(); !ok || !state.HandshakeComplete {
			t.Fatal("the message went in the clear")
		}
		if got := g.messages(); len(got) != 1 || got[0] != "secret" {
			t.Errorf("stored %q", got)
		}
	})
}

// TestDeepMIMEQuarantined: a message nested 10,000 levels deep is taken
// (250), quarantined with the reason rather than read, and the next
// message flows.
func TestDeepMIMEQuarantined(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newRig(t, s)
		addr, _ := g.listen(g.conv, func(l *smtp.Listener) { l.MaxMessageBytes = 2 << 20 })
		var b strings.Builder
		b.WriteString("From: Ana <ana@customer.example>\r\nTo: support@parley.test\r\nSubject: Deep\r\n" +
			"Message-ID: <deep@x>\r\nMIME-Version: 1.0\r\n")
		for i := range 10000 {
			fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
		}
		b.WriteString("Content-Type: text/plain\r\n\r\ndeep inside\r\n")
		for i := 9999; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\r\n", i)
		}
		if err := send(addr, "ana@customer.example", []string{"support@parley.test"}, b.String()); err != nil {
			t.Fatalf("deep message: %v, want 250", err)
		}
		q, err := s.QuarantineList(context.Background(), 0, 10)
		if err != nil || len(q) != 1 || q[0].Source != "smtp" || q[0].Reason != "MIME nesting deeper than 16 levels" {
			t.Fatalf("quarantine = %+v, %v; want the deep message, with the reason", q, err)
		}
		if err := send(addr, "ana@customer.example", []string{"support@parley.test"}, message("next@x", "after the deep one")); err != nil {
			t.Fatalf("next message: %v", err)
		}
		if got := g.messages(); len(got) != 1 || got[0] != "after the deep one" {
			t.Errorf("stored %q, want the next message only", got)
		}
	})
}
