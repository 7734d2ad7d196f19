package ws

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// server accepts WebSockets and hands each to handle.
func server(t *testing.T, limit int64, handle func(*Conn)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := Accept(w, r, limit)
		if err != nil {
			return
		}
		handle(c)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// echo answers each message with itself, read as OnReadable says, until
// the connection ends; ended receives how.
func echo(ended chan<- error) func(*Conn) {
	return func(c *Conn) {
		var next func()
		next = func() {
			op, p, err := c.ReadMessage(5 * time.Second)
			if err != nil {
				ended <- err
				return
			}
			if op == 0 {
				c.WriteText([]byte("(control)"))
			}
			if op == OpText {
				c.WriteText(p)
			}
			c.OnReadable(next)
		}
		c.OnReadable(next)
	}
}

// TestBrowserPeer talks to the server as a real client library does: a
// short, a 16-bit and a 64-bit length, then a normal close.
func TestBrowserPeer(t *testing.T) {
	ended := make(chan error, 1)
	srv := server(t, 1<<20, echo(ended))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadLimit(1 << 20)
	for _, n := range []int{5, 200, 70000} {
		msg := strings.Repeat("é", n/2)
		if err := conn.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_, got, err := conn.Read(ctx)
		if err != nil || string(got) != msg {
			t.Fatalf("%d bytes: got %d bytes, %v", len(msg), len(got), err)
		}
	}
	conn.Close(websocket.StatusNormalClosure, "bye")
	var ce *CloseError
	if err := <-ended; !errors.As(err, &ce) || ce.Code != StatusNormal || ce.Reason != "bye" {
		t.Errorf("the server read %v, want the client's close", err)
	}
}

// rawClient is a client that writes exactly the bytes a test gives.
type rawClient struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

// dial opens a WebSocket by hand; extra is sent in the same write as the
// handshake.
func dial(t *testing.T, srv *httptest.Server, extra []byte) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET / HTTP/1.1\r\nHost: " + nc.RemoteAddr().String() + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
	if _, err := nc.Write(append([]byte(req), extra...)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 101 || res.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("handshake: %v %v", res, err)
	}
	return &rawClient{t: t, nc: nc, br: br}
}

// frame is a client frame: masked unless told otherwise.
func frame(fin bool, op byte, p []byte, masked bool) []byte {
	b := []byte{op, byte(len(p))}
	if fin {
		b[0] |= 0x80
	}
	if !masked {
		return append(b, p...)
	}
	b[1] |= 0x80
	key := []byte{1, 2, 3, 4}
	b = append(b, key...)
	for i, c := range p {
		b = append(b, c^key[i&3])
	}
	return b
}

// next reads the server's next frame.
func (c *rawClient) next() (byte, []byte) {
	c.t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		c.t.Fatalf("no frame: %v", err)
	}
	p := make([]byte, h[1]&0x7F)
	io.ReadFull(c.br, p)
	return h[0] & 0x0F, p
}

// TestProtocol: each breach closes with the code that names it; pings
// inside a fragmented message are answered and the message is whole.
func TestProtocol(t *testing.T) {
	text := func(s string) []byte { return frame(true, OpText, []byte(s), true) }
	cases := []struct {
		name   string
		send   [][]byte
		pong   string // a pong the server must send first
		echo   string // the message the server must read
		closed int    // the close code the server must send
	}{
		{"one frame", [][]byte{text("hi")}, "", "hi", 0},
		{"a ping alone", [][]byte{frame(true, opPing, []byte("p"), true)}, "p", "(control)", 0},
		{"a pong alone", [][]byte{frame(true, opPong, nil, true)}, "", "(control)", 0},
		{"fragments around a ping", [][]byte{frame(false, OpText, []byte("he"), true), frame(true, opPing, []byte("p"), true),
			frame(false, opContinuation, []byte("ll"), true), frame(true, opContinuation, []byte("o"), true)}, "p", "hello", 0},
		{"unmasked", [][]byte{frame(true, OpText, []byte("hi"), false)}, "", "", StatusProtocolError},
		{"too big", [][]byte{text(strings.Repeat("x", 100))}, "", "", StatusTooBig},
		{"not UTF-8", [][]byte{frame(true, OpText, []byte{0xff, 0xfe}, true)}, "", "", StatusInvalidData},
		{"continuation first", [][]byte{frame(true, opContinuation, []byte("x"), true)}, "", "", StatusProtocolError},
		{"unknown opcode", [][]byte{frame(true, 0x3, []byte("x"), true)}, "", "", StatusProtocolError},
		{"fragmented ping", [][]byte{frame(false, opPing, nil, true)}, "", "", StatusProtocolError},
		{"reserved bit", [][]byte{append([]byte{0xC1}, text("x")[1:]...)}, "", "", StatusProtocolError},
		{"close", [][]byte{frame(true, opClose, binary.BigEndian.AppendUint16(nil, 4000), true)}, "", "", 4000},
		{"a close code no peer sends", [][]byte{frame(true, opClose, binary.BigEndian.AppendUint16(nil, 1006), true)}, "", "", StatusProtocolError},
		{"a close reason not UTF-8", [][]byte{frame(true, opClose, append(binary.BigEndian.AppendUint16(nil, 1000), 0xff), true)}, "", "", StatusProtocolError},
		// A length that would overflow what was read of the message so far.
		{"a continuation of 2^63-1 bytes", [][]byte{frame(false, OpText, []byte("x"), true),
			{0x80, 0x80 | 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}}, "", "", StatusTooBig},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ended := make(chan error, 1)
			c := dial(t, server(t, 64, echo(ended)), nil)
			c.nc.Write(bytes.Join(tc.send, nil))
			if tc.pong != "" {
				if op, p := c.next(); op != opPong || string(p) != tc.pong {
					t.Errorf("got opcode %x %q, want the pong %q", op, p, tc.pong)
				}
			}
			op, p := c.next()
			if tc.echo != "" {
				if op != OpText || string(p) != tc.echo {
					t.Errorf("got opcode %x %q, want %q", op, p, tc.echo)
				}
				return
			}
			if op != opClose || len(p) < 2 || int(binary.BigEndian.Uint16(p)) != tc.closed {
				t.Errorf("got opcode %x %q, want a close with %d", op, p, tc.closed)
			}
			if _, err := c.br.ReadByte(); err != io.EOF {
				t.Errorf("after the close: %v, want the end of the connection", err)
			}
			if err := <-ended; err == nil {
				t.Error("the server read on after a close")
			}
		})
	}
}

// TestOnReadable: a message sent with the handshake, and a second one
// sent in the same packet as the first, are each read without waiting for
// more bytes.
func TestOnReadable(t *testing.T) {
	ended := make(chan error, 1)
	c := dial(t, server(t, 64, echo(ended)), append(frame(true, OpText, []byte("a"), true), frame(true, OpText, []byte("b"), true)...))
	for _, want := range []string{"a", "b"} {
		if op, p := c.next(); op != OpText || string(p) != want {
			t.Errorf("got %x %q, want %q", op, p, want)
		}
	}
	c.nc.Write(append(frame(true, OpText, []byte("c"), true), frame(true, OpText, []byte("d"), true)...))
	for _, want := range []string{"c", "d"} {
		if op, p := c.next(); op != OpText || string(p) != want {
			t.Errorf("got %x %q, want %q", op, p, want)
		}
	}
	c.nc.Close()
	if err := <-ended; err == nil {
		t.Error("a client gone: no error")
	}
}

// TestHandshake: what is not a same-origin WebSocket is refused with the
// status that says why.
func TestHandshake(t *testing.T) {
	srv := server(t, 64, func(c *Conn) { c.Close(StatusNormal, "") })
	good := http.Header{"Connection": {"keep-alive, Upgrade"}, "Upgrade": {"websocket"},
		"Sec-Websocket-Version": {"13"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}}
	cases := []struct {
		name   string
		method string
		change func(h http.Header)
		want   int
	}{
		{"POST", "POST", func(http.Header) {}, 405},
		{"no upgrade", "GET", func(h http.Header) { h.Del("Upgrade") }, 426},
		{"version 8", "GET", func(h http.Header) { h.Set("Sec-Websocket-Version", "8") }, 426},
		{"short key", "GET", func(h http.Header) { h.Set("Sec-Websocket-Key", "c2hvcnQ=") }, 400},
		{"another origin", "GET", func(h http.Header) { h.Set("Origin", "https://shop.example") }, 403},
		{"its own origin", "GET", func(h http.Header) { h.Set("Origin", srv.URL) }, 101},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, srv.URL, nil)
		req.Header = good.Clone()
		tc.change(req.Header)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, res.StatusCode, tc.want)
		}
	}
}

// TestParkedHoldNoGoroutine: a hundred idle connections hold no goroutine
// each while they wait, and each still answers when its peer writes.
func TestParkedHoldNoGoroutine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("without epoll each idle connection waits in a goroutine")
	}
	ended := make(chan error, 100)
	srv := server(t, 64, echo(ended))
	dial(t, srv, nil) // the poller's own goroutine starts with the first
	before := runtime.NumGoroutine()
	var clients []*rawClient
	for range 100 {
		clients = append(clients, dial(t, srv, nil))
	}
	// The handlers return once their connection is parked.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+10 && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if n := runtime.NumGoroutine() - before; n > 10 {
		t.Errorf("100 idle connections hold %d goroutines", n)
	}
	for i, c := range clients {
		msg := strconv.Itoa(i)
		c.nc.Write(frame(true, OpText, []byte(msg), true))
		if op, p := c.next(); op != OpText || string(p) != msg {
			t.Fatalf("connection %d answered %x %q", i, op, p)
		}
	}
}
