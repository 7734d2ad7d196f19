package smtp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/parley"
)

// Sender hands outbound mail to an SMTP server: the relay
// (PARLEY_SMTP_RELAY) or a channel's own server.
type Sender struct {
	Host     string // host:port
	Implicit bool   // TLS from the first byte (smtps://, port 465)
	// Username and Password authenticate (PLAIN), only over TLS or to a
	// loopback server.
	Username, Password string
	TLS                *tls.Config // for tests; nil: the system's roots
	LocalName          string      // the EHLO name
}

// ParseRelay reads a relay URL: smtp://[user:pass@]host[:port] (STARTTLS
// when offered, port 587 by default) or smtps://… (implicit TLS, 465).
func ParseRelay(raw string) (*Sender, error) {
	if !strings.Contains(raw, "://") {
		raw = "smtp://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("want smtp://[user:pass@]host[:port] or smtps://…")
	}
	s := &Sender{Implicit: u.Scheme == "smtps", Host: u.Host}
	if u.Port() == "" {
		s.Host = net.JoinHostPort(u.Hostname(), map[bool]string{true: "465", false: "587"}[s.Implicit])
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// SenderFor sends through a mailbox's own server (its channel's smtp
// settings).
func SenderFor(set parley.SMTPSettings) *Sender {
	port := set.Port
	if port == 0 {
		port = map[bool]int{true: 465, false: 587}[set.Security == "" || set.Security == "tls"]
	}
	return &Sender{Host: net.JoinHostPort(set.Host, strconv.Itoa(port)), Implicit: set.Security == "" || set.Security == "tls",
		Username: set.Username, Password: set.Password}
}

// Send delivers raw from the envelope sender to the recipients. A
// permanent refusal (5xx) is jobs.Permanent: retrying cannot help.
func (s *Sender) Send(ctx context.Context, from string, to []string, raw []byte) error {
	host, _, _ := net.SplitHostPort(s.Host)
	ip := net.ParseIP(host)
	loopback := host == "localhost" || ip != nil && ip.IsLoopback()
	cfg := s.TLS
	if cfg == nil {
		cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	dial := func() (net.Conn, error) {
		d := net.Dialer{Timeout: 30 * time.Second}
		conn, err := d.DialContext(ctx, "tcp", s.Host)
		if err != nil {
			return nil, fmt.Errorf("smtp: connect to %s: %w", s.Host, err)
		}
		deadline, ok := ctx.Deadline()
		if !ok {
			deadline = time.Now().Add(5 * time.Minute)
		}
		_ = conn.SetDeadline(deadline)
		return conn, nil
	}
	conn, err := dial()
	if err != nil {
		return err
	}
	// TLS always, except that a server on loopback may offer none.
	var c *gosmtp.Client
	secure := true
	switch {
	case s.Implicit:
		c = gosmtp.NewClient(tls.Client(conn, cfg))
	default:
		c, err = gosmtp.NewClientStartTLS(conn, cfg)
		if err != nil && loopback && strings.Contains(err.Error(), "STARTTLS") {
			if conn, err = dial(); err != nil {
				return err
			}
			c, secure = gosmtp.NewClient(conn), false
		} else if err != nil {
			return fmt.Errorf("smtp: STARTTLS with %s: %w", s.Host, err)
		}
	}
	defer c.Close()
	if err := c.Hello(cmpOr(s.LocalName, "localhost")); err != nil {
		return classify(err)
	}
	if s.Username != "" {
		if !secure && !loopback {
			return jobs.Permanent(fmt.Errorf("smtp: %s offers no TLS: not sending the password in the clear", s.Host))
		}
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return classify(err)
		}
	}
	if err := c.SendMail(from, to, bytes.NewReader(raw)); err != nil {
		return classify(err)
	}
	return c.Quit()
}

func classify(err error) error {
	var se *gosmtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 {
		return jobs.Permanent(fmt.Errorf("smtp: refused: %w", err))
	}
	return fmt.Errorf("smtp: %w", err)
}

func cmpOr(v, def string) string {
	if v != "" {
		return v
	}
	return def
}
