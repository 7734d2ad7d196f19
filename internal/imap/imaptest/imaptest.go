// Package imaptest runs go-imap's in-memory IMAP server on loopback for
// tests: a real IMAP conversation with one mailbox, restartable on the same
// address with the same messages.
package imaptest

import (
	"io"
	"net"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Username and Password sign in to the server's one mailbox.
const (
	Username = "support@acme.example"
	Password = "pw"
)

// Server is an IMAP server with one user whose INBOX exists.
type Server struct {
	t    *testing.T
	mem  *imapmemserver.Server
	User *imapmemserver.User
	caps goimap.CapSet
	Addr string
	srv  *imapserver.Server
}

// Start starts a server with caps on a free loopback port; it stops when
// the test ends.
func Start(t *testing.T, caps goimap.CapSet) *Server {
	t.Helper()
	s := &Server{t: t, mem: imapmemserver.New(), User: imapmemserver.NewUser(Username, Password), caps: caps}
	s.mem.AddUser(s.User)
	if err := s.User.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	s.listen("127.0.0.1:0")
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// Stop drops every connection and stops listening; Restart listens again
// on the same address.
func (s *Server) Stop() { s.srv.Close() }

// Restart serves the same mailboxes again on the same address.
func (s *Server) Restart() { s.listen(s.Addr) }

func (s *Server) listen(addr string) {
	s.t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return s.mem.NewSession(), nil, nil
		},
		Caps: s.caps, InsecureAuth: true, Logger: discard{},
	})
	go s.srv.Serve(ln)
}

type discard struct{}

func (discard) Printf(string, ...any) {}
func (discard) Println(...any)        {}

// Client is another mail client on the mailbox, signed in.
func (s *Server) Client() *imapclient.Client {
	s.t.Helper()
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := c.Login(Username, Password).Wait(); err != nil {
		s.t.Fatal(err)
	}
	return c
}

// Deliver appends a raw message to the INBOX, as a mail server delivering
// it would.
func (s *Server) Deliver(raw string, flags ...goimap.Flag) {
	s.t.Helper()
	c := s.Client()
	defer c.Close()
	cmd := c.Append("INBOX", int64(len(raw)), &goimap.AppendOptions{Flags: flags})
	if _, err := io.WriteString(cmd, raw); err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		s.t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		s.t.Fatal(err)
	}
}
