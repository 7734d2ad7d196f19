package smtp

import (
	"bytes"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley/internal/auth"
)

// limitListener caps the connections open at once, in all and per client,
// without ever making accept wait: a connection over a cap is accepted,
// told to come back later, and closed, so a sender that holds connections
// open takes slots from itself, not from everyone. A connection also has
// only firstCommand to send its first command.
type limitListener struct {
	net.Listener
	total, perClient int
	firstCommand     time.Duration

	mu      sync.Mutex
	open    int
	clients map[string]int
}

func newLimitListener(ln net.Listener, total, perClient int, firstCommand time.Duration) *limitListener {
	return &limitListener{Listener: ln, total: total, perClient: perClient, firstCommand: firstCommand, clients: map[string]int{}}
}

// tooMany is written to a connection over a cap, as an SMTP server that
// cannot serve it now answers (RFC 5321 §3.8: 421, then close).
const tooMany = "421 4.7.0 Too many connections, try again later\r\n"

// Accept returns the next connection within the caps.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		client := clientKey(c.RemoteAddr())
		if !l.acquire(client) {
			go refuse(c)
			continue
		}
		lc := &limitedConn{Conn: c, l: l, client: client, firstBy: time.Now().Add(l.firstCommand)}
		if err := c.SetReadDeadline(lc.firstBy); err != nil {
			lc.Close()
			continue
		}
		return lc, nil
	}
}

// refuse answers a connection over a cap and closes it. It runs on its own
// so that a client that does not read cannot hold up accept; the deadline
// bounds it.
func refuse(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = c.Write([]byte(tooMany))
	_ = c.Close()
}

func (l *limitListener) acquire(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.total || l.clients[client] >= l.perClient {
		return false
	}
	l.open++
	l.clients[client]++
	return true
}

func (l *limitListener) release(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.clients[client]--; l.clients[client] <= 0 {
		delete(l.clients, client)
	}
}

// clientKey is the per-client key of a connection's peer.
func clientKey(a net.Addr) string {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return a.String()
	}
	return auth.AddressKey(ap.Addr())
}

// limitedConn is an accepted connection: it gives its slot back when
// closed, and until its first command line has arrived no read deadline
// goes past firstBy (go-smtp sets its own before every read).
type limitedConn struct {
	net.Conn
	l       *limitListener
	client  string
	firstBy time.Time
	talked  atomic.Bool // a first command line has arrived
	closed  sync.Once
}

func (c *limitedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.talked.Load() && bytes.IndexByte(p[:n], '\n') >= 0 {
		c.talked.Store(true)
	}
	return n, err
}

func (c *limitedConn) SetReadDeadline(t time.Time) error {
	if !c.talked.Load() && (t.IsZero() || t.After(c.firstBy)) {
		t = c.firstBy
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *limitedConn) SetDeadline(t time.Time) error {
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		return err
	}
	return c.SetReadDeadline(t)
}

func (c *limitedConn) Close() error {
	c.closed.Do(func() { c.l.release(c.client) })
	return c.Conn.Close()
}
