package server

import (
	"errors"
	"net"
	"sync"
	"syscall"
	"time"
)

// LimitListener caps the connections the HTTP server holds at once without
// ever making accept wait: past max, a connection is accepted, answered 503
// with Retry-After and closed. With max below the process's open-file
// limit, the server keeps descriptors in reserve (the database, mail,
// attachments) and always answers, however many connections a client opens
// and leaves idle.
func LimitListener(ln net.Listener, max int) net.Listener {
	return &limitListener{Listener: ln, max: max}
}

type limitListener struct {
	net.Listener
	max int

	mu   sync.Mutex
	open int
}

// busy is what a connection over the cap reads.
const busy = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: 37\r\nConnection: close\r\n\r\ntoo many connections: try again later\n"

// Accept returns the next connection within the cap.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		ok := l.open < l.max
		if ok {
			l.open++
		}
		l.mu.Unlock()
		if ok {
			return &limitedConn{Conn: c, l: l}, nil
		}
		go func() {
			// On its own, so a client that does not read cannot hold up
			// accept; the deadline bounds it.
			_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			_, _ = c.Write([]byte(busy))
			c.Close()
		}()
	}
}

type limitedConn struct {
	net.Conn
	l    *limitListener
	once sync.Once
}

func (c *limitedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// An idle chat widget's socket waits in an epoll set, not a goroutine,
// only if its connection shows its socket.
var _ syscall.Conn = (*limitedConn)(nil)

// SyscallConn lets the socket be watched without a goroutine (internal/ws
// parks idle chat widgets in an epoll set).
func (c *limitedConn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errors.ErrUnsupported
}

// CloseWrite ends what this side sends (a WebSocket's close handshake).
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.ErrUnsupported
}
