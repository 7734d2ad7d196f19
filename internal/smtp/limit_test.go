package smtp_test

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/smtp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// guard bounds every read of these tests, so that a listener that never
// answers fails the test instead of hanging it; nothing waits for it.
const guard = 20 * time.Second

// dialFrom connects to addr from the loopback address from (all of 127/8
// is loopback on Linux), and returns the connection and the server's first
// line.
func dialFrom(t *testing.T, addr, from string) (net.Conn, *bufio.Reader, string) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r := bufio.NewReader(c)
	return c, r, readLine(t, c, r)
}

func readLine(t *testing.T, c net.Conn, r *bufio.Reader) string {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(guard)); err != nil {
		t.Fatal(err)
	}
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read: %q, %v", line, err)
	}
	return line
}

// closed asserts that the server closed the connection.
func closed(t *testing.T, c net.Conn, r *bufio.Reader) {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(guard)); err != nil {
		t.Fatal(err)
	}
	if b, err := r.ReadByte(); err != io.EOF {
		t.Errorf("after the answer: %q, %v; want the connection closed", b, err)
	}
}

// sendFrom delivers msg to support@ from the loopback address from.
func sendFrom(t *testing.T, addr, from, msg string) error {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: guard}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return err
	}
	if err := conn.SetDeadline(time.Now().Add(guard)); err != nil {
		return err
	}
	c := gosmtp.NewClient(conn)
	defer c.Close()
	if err := c.Hello("client.example"); err != nil {
		return err
	}
	return c.SendMail("ana@customer.example", []string{"support@parley.test"}, strings.NewReader(msg))
}

// TestConnectionCaps: a client that holds connections open gets its own
// share and 421 for the rest, at once; others still deliver.
func TestConnectionCaps(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newRig(t, s)
		addr, _ := g.listen(g.conv, nil) // defaults: 200 at once, 50 per client
		greeted, refused := 0, 0
		for range 200 {
			c, r, line := dialFrom(t, addr, "127.0.0.1")
			switch {
			case strings.HasPrefix(line, "220 "):
				greeted++ // held open, idle
			case strings.HasPrefix(line, "421 4.7.0 "):
				refused++
				closed(t, c, r)
			default:
				t.Fatalf("connection %d: %q", greeted+refused+1, line)
			}
		}
		if greeted != 50 || refused != 150 {
			t.Errorf("%d greeted, %d refused; want 50 and 150", greeted, refused)
		}
		if err := sendFrom(t, addr, "127.0.0.2", message("other@x", "from someone else")); err != nil {
			t.Fatalf("another sender: %v", err)
		}
		if got := g.messages(); len(got) != 1 || got[0] != "from someone else" {
			t.Errorf("stored %q", got)
		}
	})
}

func TestConnectionCapInTotal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newRig(t, s)
		addr, _ := g.listen(g.conv, func(l *smtp.Listener) { l.MaxConnections, l.MaxConnectionsPerClient = 4, 2 })
		for _, from := range []string{"127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2"} {
			if _, _, line := dialFrom(t, addr, from); !strings.HasPrefix(line, "220 ") {
				t.Fatalf("from %s: %q", from, line)
			}
		}
		c, r, line := dialFrom(t, addr, "127.0.0.3")
		if !strings.HasPrefix(line, "421 4.7.0 ") {
			t.Fatalf("over the total: %q", line)
		}
		closed(t, c, r)
	})
}

// TestSilentClientDropped: a connection that sends nothing is closed after
// FirstCommandTimeout, and its slot is free again.
func TestSilentClientDropped(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newRig(t, s)
		addr, _ := g.listen(g.conv, func(l *smtp.Listener) {
			l.MaxConnectionsPerClient, l.FirstCommandTimeout = 1, 50*time.Millisecond
		})
		c, r, line := dialFrom(t, addr, "127.0.0.1")
		if !strings.HasPrefix(line, "220 ") {
			t.Fatalf("greeting: %q", line)
		}
		if line := readLine(t, c, r); !strings.HasPrefix(line, "421 ") {
			t.Fatalf("silent client: %q, want 421 and a hang-up", line)
		}
		closed(t, c, r)
		if _, _, line := dialFrom(t, addr, "127.0.0.1"); !strings.HasPrefix(line, "220 ") {
			t.Errorf("the same client again: %q, want its slot back", line)
		}
	})
}
