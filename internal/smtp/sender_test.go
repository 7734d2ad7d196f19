package smtp_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/smtp"
)

// mta is a real SMTP server for tests: it keeps what it is sent, and can
// refuse recipients or require a login.
type mta struct {
	mu       sync.Mutex
	got      []delivery
	rcptCode int    // 0: accept
	user     string // required login, when set
	addr     string
	tls      bool
}

type delivery struct {
	from string
	to   []string
	data []byte
	tls  bool
	user string
}

func startMTA(t *testing.T, cert *tls.Certificate, configure func(*mta)) *mta {
	t.Helper()
	m := &mta{}
	if configure != nil {
		configure(m)
	}
	s := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &mtaSession{m: m, c: c}, nil
	}))
	s.Domain = "mta.test"
	s.AllowInsecureAuth = true
	if cert != nil {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
		m.tls = true
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return m
}

func (m *mta) deliveries() []delivery {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]delivery(nil), m.got...)
}

type mtaSession struct {
	m    *mta
	c    *gosmtp.Conn
	d    delivery
	auth bool
}

func (s *mtaSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mtaSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.m.user || pass != "secret" {
			return errors.New("bad login")
		}
		s.auth, s.d.user = true, user
		return nil
	}), nil
}

func (s *mtaSession) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.m.user != "" && !s.auth {
		return &gosmtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	s.d = delivery{from: from, user: s.d.user}
	return nil
}

func (s *mtaSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if s.m.rcptCode != 0 {
		return &gosmtp.SMTPError{Code: s.m.rcptCode, Message: "no"}
	}
	s.d.to = append(s.d.to, to)
	return nil
}

func (s *mtaSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.d.data = b
	_, s.d.tls = s.c.TLSConnectionState()
	s.m.mu.Lock()
	s.m.got = append(s.m.got, s.d)
	s.m.mu.Unlock()
	return nil
}

func (s *mtaSession) Reset()        {}
func (s *mtaSession) Logout() error { return nil }

func TestSender(t *testing.T) {
	ctx := context.Background()
	cert, pool := selfSigned(t)
	clientTLS := &tls.Config{RootCAs: pool, ServerName: "localhost"}
	msg := []byte("From: a@x.test\r\nTo: b@y.test\r\nSubject: hi\r\n\r\nhello\r\n")

	t.Run("plain on loopback", func(t *testing.T) {
		m := startMTA(t, nil, nil)
		s := &smtp.Sender{Host: m.addr}
		if err := s.Send(ctx, "a@x.test", []string{"b@y.test", "c@y.test"}, msg); err != nil {
			t.Fatal(err)
		}
		got := m.deliveries()
		if len(got) != 1 || got[0].from != "a@x.test" || len(got[0].to) != 2 || string(got[0].data) != string(msg) || got[0].tls {
			t.Errorf("delivered %+v", got)
		}
	})
	t.Run("STARTTLS and login", func(t *testing.T) {
		m := startMTA(t, &cert, func(m *mta) { m.user = "parley" })
		s, err := smtp.ParseRelay("smtp://parley:secret@" + m.addr)
		if err != nil {
			t.Fatal(err)
		}
		s.TLS = clientTLS
		if err := s.Send(ctx, "a@x.test", []string{"b@y.test"}, msg); err != nil {
			t.Fatal(err)
		}
		if got := m.deliveries(); len(got) != 1 || !got[0].tls || got[0].user != "parley" {
			t.Errorf("delivered %+v, want over TLS after login", got)
		}
	})
	t.Run("login without TLS only on loopback", func(t *testing.T) {
		m := startMTA(t, nil, func(m *mta) { m.user = "parley" })
		plain := &smtp.Sender{Host: m.addr, Username: "parley", Password: "secret"}
		if err := plain.Send(ctx, "a@x.test", []string{"b@y.test"}, msg); err != nil {
			t.Errorf("login in the clear to loopback: %v (allowed: it never leaves the machine)", err)
		}
	})
	for _, tt := range []struct {
		code      int
		permanent bool
	}{{550, true}, {451, false}} {
		t.Run("refused", func(t *testing.T) {
			m := startMTA(t, nil, func(m *mta) { m.rcptCode = tt.code })
			err := (&smtp.Sender{Host: m.addr}).Send(ctx, "a@x.test", []string{"b@y.test"}, msg)
			isPermanent := jobs.IsPermanent(err)
			if err == nil || isPermanent != tt.permanent {
				t.Errorf("%d: err %v, permanent %v; want permanent %v", tt.code, err, isPermanent, tt.permanent)
			}
		})
	}
	if _, err := smtp.ParseRelay("ftp://x"); err == nil {
		t.Error("ParseRelay accepted ftp://")
	}
	if s, _ := smtp.ParseRelay("smtps://mail.example.com"); s.Host != "mail.example.com:465" || !s.Implicit {
		t.Errorf("smtps default port: %+v", s)
	}
}
