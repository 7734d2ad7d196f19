// Package smtp is Parley's mail transport: the built-in listener that
// receives mail for every inbox's own address (SPEC CHN-3), and the sender
// of outbound mail.
package smtp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
)

// Channels finds the built-in email channel of the inbox with a slug.
type Channels interface {
	BuiltinChannel(ctx context.Context, slug string) (*parley.Channel, error)
}

// Listener accepts mail for <inbox-slug>@<domain> and
// <inbox-slug>+<token>@<domain>. It answers 250 only once the message is
// committed; a failure to store is a temporary 451, so the sender keeps the
// message and tries again. A connection over MaxConnections or
// MaxConnectionsPerClient is answered 421 and closed at once, and one that
// sends no command within FirstCommandTimeout is dropped: clients that hold
// connections without sending mail cannot shut others out.
type Listener struct {
	Domain          string
	Receiver        conversation.EmailReceiver
	Channels        Channels
	Log             *slog.Logger
	MaxMessageBytes int64
	MaxRecipients   int // per message; default 50
	MaxConnections  int // at once; default 200
	// MaxConnectionsPerClient caps the connections at once from one IPv4
	// address or IPv6 /64; default 50, as Postfix's own: a mail relay
	// forwarding a busy inbox sends on many connections at once.
	MaxConnectionsPerClient int
	// FirstCommandTimeout is how long a new connection may stay silent;
	// default 30 s. After its first command, it may idle 2 minutes.
	FirstCommandTimeout time.Duration
	TLS                 *tls.Config // offers STARTTLS when set

	srv *gosmtp.Server
	// ctx is what every session's work runs under: Close cancels it, so
	// nothing outlives the listener.
	ctx    context.Context
	cancel context.CancelFunc
}

// Serve accepts connections on ln until Close.
func (l *Listener) Serve(ln net.Listener) error {
	if l.MaxRecipients == 0 {
		l.MaxRecipients = 50
	}
	if l.MaxConnections == 0 {
		l.MaxConnections = 200
	}
	if l.MaxConnectionsPerClient == 0 {
		l.MaxConnectionsPerClient = 50
	}
	if l.FirstCommandTimeout == 0 {
		l.FirstCommandTimeout = 30 * time.Second
	}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	s := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &session{l: l, remote: c.Conn().RemoteAddr().String(), helo: c.Hostname()}, nil
	}))
	s.Domain = l.Domain
	s.MaxMessageBytes = l.MaxMessageBytes
	s.MaxRecipients = l.MaxRecipients
	s.ReadTimeout, s.WriteTimeout = 2*time.Minute, 2*time.Minute
	s.TLSConfig = l.TLS
	s.EnableSMTPUTF8 = true
	s.ErrorLog = slog.NewLogLogger(l.Log.Handler(), slog.LevelWarn)
	l.srv = s
	err := s.Serve(newLimitListener(ln, l.MaxConnections, l.MaxConnectionsPerClient, l.FirstCommandTimeout))
	if errors.Is(err, gosmtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting and waits for the sessions in progress, until
// ctx ends.
func (l *Listener) Shutdown(ctx context.Context) error {
	if l.srv == nil {
		return nil
	}
	return l.srv.Shutdown(ctx)
}

// Close drops every connection at once, and cancels the work in progress.
func (l *Listener) Close() error {
	if l.srv == nil {
		return nil
	}
	l.cancel()
	return l.srv.Close()
}

type session struct {
	l      *Listener
	remote string
	helo   string
	from   string
	// rcpts groups the accepted recipients by channel: mail to two
	// addresses of one inbox is stored once.
	rcpts map[parley.ID][]string
	order []*parley.Channel
}

var (
	errUnknown  = &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here"}
	errDisabled = &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 2, 1}, Message: "This mailbox does not accept mail"}
	errTryLater = &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "Could not store the message, try again later"}
)

func (s *session) Reset() { s.from, s.rcpts, s.order = "", nil, nil }

func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *gosmtp.MailOptions) error {
	s.Reset()
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	local, domain, ok := strings.Cut(strings.ToLower(to), "@")
	if !ok || domain != strings.ToLower(s.l.Domain) {
		return errUnknown
	}
	slug, _, _ := strings.Cut(local, "+")
	ch, err := s.l.Channels.BuiltinChannel(s.l.ctx, slug)
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		return errUnknown
	case err != nil:
		s.l.Log.Error("smtp: recipient lookup", "rcpt", to, "err", err)
		return errTryLater
	case !ch.Enabled:
		return errDisabled
	}
	if s.rcpts == nil {
		s.rcpts = map[parley.ID][]string{}
	}
	if _, ok := s.rcpts[ch.ID]; !ok {
		s.order = append(s.order, ch)
	}
	s.rcpts[ch.ID] = append(s.rcpts[ch.ID], to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err // too large (552) or the connection broke
	}
	// The trace headers a receiving server adds: where the message came
	// from, and the envelope sender (empty for a bounce).
	var raw bytes.Buffer
	fmt.Fprintf(&raw, "Return-Path: <%s>\r\n", s.from)
	fmt.Fprintf(&raw, "Received: from %s (%s)\r\n\tby %s (Parley) with ESMTP;\r\n\t%s\r\n",
		s.helo, s.remote, s.l.Domain, time.Now().UTC().Format(time.RFC1123Z))
	raw.Write(body)
	// The bytes as sent, without the trace headers that differ on each
	// attempt, identify a retried message even when it cannot be parsed.
	sum := sha256.Sum256(body)
	key := "smtp:" + hex.EncodeToString(sum[:])
	ctx := s.l.ctx
	for _, ch := range s.order {
		_, err := s.l.Receiver.ReceiveEmail(ctx, parley.System, conversation.Email{
			ChannelID: ch.ID, Raw: raw.Bytes(), Source: "smtp", Recipients: s.rcpts[ch.ID], Keys: []string{key},
		})
		switch {
		case parley.ErrorCode(err) == parley.ECONFLICT:
			return errDisabled // turned off since RCPT
		case err != nil:
			// Channels stored before this one are deduplicated by
			// Message-ID when the sender tries again.
			s.l.Log.Error("smtp: store message", "channel_id", ch.ID, "from", s.from, "err", err)
			return errTryLater
		}
	}
	return nil
}
