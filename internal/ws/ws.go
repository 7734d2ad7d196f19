// Package ws is the server's side of a WebSocket (RFC 6455) that costs
// next to nothing while idle: it holds no buffer between messages, and
// OnReadable parks only a goroutine of the smallest stack in the runtime's
// poller until the peer sends something, so ten thousand quiet chat
// widgets cost a few kilobytes each (BENCHMARKS.md, W5). It speaks what a
// browser's WebSocket needs of a server — text and binary messages,
// fragments, ping, pong, close — and no extension or subprotocol. The
// agents' stream, which is busy, uses github.com/coder/websocket.
package ws

import (
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Close codes (RFC 6455 §7.4.1).
const (
	StatusNormal         = 1000
	StatusGoingAway      = 1001
	StatusProtocolError  = 1002
	StatusNoStatus       = 1005
	StatusInvalidData    = 1007
	StatusPolicyViolated = 1008
	StatusTooBig         = 1009
	StatusInternalError  = 1011
)

// Opcodes (RFC 6455 §5.2).
const (
	opContinuation = 0x0
	OpText         = 0x1
	OpBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// CloseError is how a connection ended: the peer's close frame, or the one
// this side sent on a protocol error.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	return "websocket closed: " + strconv.Itoa(e.Code) + " " + e.Reason
}

// ErrClosed is returned by a connection already closed on this side.
var ErrClosed = errors.New("websocket: closed")

// Conn is one accepted WebSocket. Reads are one goroutine's at a time;
// writes may come from any goroutine.
type Conn struct {
	nc      net.Conn
	raw     syscall.RawConn
	limit   int64
	pending []byte // what the client sent with its handshake, read before the socket

	wmu    sync.Mutex
	closed atomic.Bool
	pmu    sync.Mutex   // guards parked
	parked bool         // the socket is in the poller's epoll set
	heard  atomic.Int64 // unix nanoseconds of the last frame from the peer
}

// Accept completes the handshake of a same-origin WebSocket request (a
// request whose Origin, if any, is the host it asked), or answers the
// request with the reason it cannot and returns an error. limit bounds a
// message from the peer.
func Accept(w http.ResponseWriter, r *http.Request, limit int64) (*Conn, error) {
	if code, why := check(r); code != 0 {
		if code == http.StatusUpgradeRequired {
			w.Header().Set("Sec-WebSocket-Version", "13")
		}
		http.Error(w, why, code)
		return nil, errors.New("websocket: " + why)
	}
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "cannot take this connection over", http.StatusInternalServerError)
		return nil, err
	}
	c := &Conn{nc: nc, limit: limit}
	if n := brw.Reader.Buffered(); n > 0 {
		b, _ := brw.Reader.Peek(n)
		c.pending = append([]byte(nil), b...)
	}
	if sc, ok := nc.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			c.raw = raw
		}
	}
	sum := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err = nc.Write([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]) + "\r\n\r\n"))
	if err != nil {
		nc.Close()
		return nil, err
	}
	c.heard.Store(time.Now().UnixNano())
	return c, nil
}

// check says why r is not a WebSocket handshake this server takes: a
// status and its reason, or 0.
func check(r *http.Request) (int, string) {
	switch {
	case r.Method != http.MethodGet:
		return http.StatusMethodNotAllowed, "a WebSocket opens with GET"
	case !hasToken(r.Header, "Connection", "upgrade") || !hasToken(r.Header, "Upgrade", "websocket"):
		return http.StatusUpgradeRequired, "this is a WebSocket: ask for an upgrade to websocket"
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return http.StatusUpgradeRequired, "only WebSocket version 13 is spoken here"
	}
	if key, err := base64.StdEncoding.DecodeString(r.Header.Get("Sec-WebSocket-Key")); err != nil || len(key) != 16 {
		return http.StatusBadRequest, "Sec-WebSocket-Key must be 16 bytes in base64"
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || !strings.EqualFold(u.Host, r.Host) {
			return http.StatusForbidden, "this WebSocket opens only from its own origin"
		}
	}
	return 0, ""
}

// hasToken reports whether a comma-separated header holds token, in any
// case.
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// OnReadable calls fn in a new goroutine once the peer has sent something
// or gone, and returns at once. Until then the connection holds no
// goroutine on Linux — one epoll instance watches every parked socket —
// and elsewhere one of the smallest stack, waiting in the runtime's
// poller. fn calls OnReadable again for the next message.
func (c *Conn) OnReadable(fn func()) {
	if len(c.pending) > 0 {
		go fn()
		return
	}
	if c.raw == nil {
		// A socket that cannot be watched without reading: wait in a
		// read of one byte, however long the peer stays quiet.
		go func() {
			var b [1]byte
			if n, _ := c.nc.Read(b[:]); n > 0 {
				c.pending = append(c.pending, b[0])
			}
			fn()
		}()
		return
	}
	if c.park(fn) {
		return
	}
	go func() {
		// The runtime's poller wakes on new bytes only: ask the socket
		// first whether some are already there (a second frame sent with
		// the first).
		_ = c.raw.Read(func(fd uintptr) bool { return readable(int(fd)) })
		fn()
	}()
}

// readable reports whether fd has bytes to read, an end or an error.
func readable(fd int) bool {
	var b [1]byte
	n, _, err := syscall.Recvfrom(fd, b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	return n > 0 || err != syscall.EAGAIN
}

// Heard is when the peer last sent a frame (a pong too).
func (c *Conn) Heard() time.Time { return time.Unix(0, c.heard.Load()) }

// RemoteAddr is the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }
