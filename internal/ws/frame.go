package ws

import (
	"encoding/binary"
	"io"
	"time"
	"unicode/utf8"
)

// ReadMessage reads the peer's next message, answering its pings on the
// way, within timeout; it returns the message's opcode (OpText or
// OpBinary) and payload, or opcode 0 and no payload when a ping or pong
// came alone between messages. A close from the peer is answered and returned
// as a *CloseError; so is a breach of the protocol, after this side closed
// with the code that says it.
func (c *Conn) ReadMessage(timeout time.Duration) (int, []byte, error) {
	if c.closed.Load() {
		return 0, nil, ErrClosed
	}
	c.nc.SetReadDeadline(time.Now().Add(timeout))
	defer func() {
		if !c.closed.Load() {
			c.nc.SetReadDeadline(time.Time{})
		}
	}()
	if len(c.pending) == 0 {
		// One read takes a small message whole; what is left of it is
		// read straight from the socket, and the start of the next one
		// waits in pending (OnReadable sees it).
		buf := make([]byte, 512)
		n, err := c.nc.Read(buf)
		if n == 0 {
			return 0, nil, err
		}
		c.pending = buf[:n]
	}
	var (
		op   int
		data []byte
	)
	for {
		var h [8]byte
		if err := c.read(h[:2]); err != nil {
			return 0, nil, err
		}
		fin, code := h[0]&0x80 != 0, int(h[0]&0x0F)
		n := int64(h[1] & 0x7F)
		switch {
		case h[0]&0x70 != 0:
			return c.fail(StatusProtocolError, "no extension was agreed")
		case h[1]&0x80 == 0:
			return c.fail(StatusProtocolError, "a client's frames are masked")
		}
		switch n {
		case 126:
			if err := c.read(h[:2]); err != nil {
				return 0, nil, err
			}
			n = int64(binary.BigEndian.Uint16(h[:2]))
		case 127:
			if err := c.read(h[:8]); err != nil {
				return 0, nil, err
			}
			n = int64(binary.BigEndian.Uint64(h[:8]))
		}
		var key [4]byte
		if err := c.read(key[:]); err != nil {
			return 0, nil, err
		}
		control := code >= opClose
		switch {
		case control && code != opClose && code != opPing && code != opPong,
			!control && code != opContinuation && code != OpText && code != OpBinary:
			return c.fail(StatusProtocolError, "unknown opcode")
		case control && (!fin || n > 125):
			return c.fail(StatusProtocolError, "a control frame is whole and at most 125 bytes")
		case code == opContinuation && op == 0:
			return c.fail(StatusProtocolError, "a continuation without a message")
		case !control && code != opContinuation && op != 0:
			return c.fail(StatusProtocolError, "a new message inside a fragmented one")
		case n < 0 || !control && n > c.limit-int64(len(data)):
			return c.fail(StatusTooBig, "message too big")
		}
		var p []byte
		if control {
			p = make([]byte, n)
		} else {
			start := len(data)
			data = append(data, make([]byte, n)...)
			p = data[start:]
		}
		if err := c.read(p); err != nil {
			return 0, nil, err
		}
		for i := range p {
			p[i] ^= key[i&3]
		}
		c.heard.Store(time.Now().UnixNano())
		switch code {
		case opPing:
			if err := c.write(opPong, p); err != nil {
				return 0, nil, err
			}
			fallthrough
		case opPong:
			if op == 0 {
				return 0, nil, nil // between messages: the caller may wait again
			}
			continue
		case opClose:
			ce := &CloseError{Code: StatusNoStatus}
			switch {
			case len(p) == 1:
				return c.fail(StatusProtocolError, "a close code is two bytes")
			case len(p) >= 2:
				ce.Code, ce.Reason = int(binary.BigEndian.Uint16(p)), string(p[2:])
				if !sendable(ce.Code) || !utf8.ValidString(ce.Reason) {
					return c.fail(StatusProtocolError, "not a close code a peer may send")
				}
			}
			reply := ce.Code
			if reply == StatusNoStatus {
				reply = StatusNormal
			}
			c.Close(reply, "")
			return 0, nil, ce
		}
		if code != opContinuation {
			op = code
		}
		if fin {
			if op == OpText && !utf8.Valid(data) {
				return c.fail(StatusInvalidData, "a text message is UTF-8")
			}
			return op, data, nil
		}
	}
}

// sendable reports whether a peer may send close code (RFC 6455 §7.4).
func sendable(code int) bool {
	switch {
	case code >= 3000 && code <= 4999:
		return true
	case code < 1000 || code > 1014:
		return false
	}
	return code != 1004 && code != StatusNoStatus && code != 1006
}

// read fills p: first from what came with the handshake, then the socket.
func (c *Conn) read(p []byte) error {
	n := copy(p, c.pending)
	if c.pending = c.pending[n:]; len(c.pending) == 0 {
		c.pending = nil
	}
	if n == len(p) {
		return nil
	}
	_, err := io.ReadFull(c.nc, p[n:])
	return err
}

// fail closes the connection with code and returns the matching error.
func (c *Conn) fail(code int, reason string) (int, []byte, error) {
	c.Close(code, reason)
	return 0, nil, &CloseError{Code: code, Reason: reason}
}

// WriteText sends one text message.
func (c *Conn) WriteText(p []byte) error { return c.write(OpText, p) }

// Ping sends a ping; the peer's pong moves Heard.
func (c *Conn) Ping() error { return c.write(opPing, nil) }

// write sends one whole frame, unmasked as a server's are, within ten
// seconds.
func (c *Conn) write(op byte, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed.Load() {
		return ErrClosed
	}
	return c.frame(op, p)
}

// frame writes a frame in one write (the socket may be wrapped, so not
// as a vector); c.wmu is held.
func (c *Conn) frame(op byte, p []byte) error {
	b := make([]byte, 0, 10+len(p))
	b = append(b, 0x80|op)
	switch l := len(p); {
	case l < 126:
		b = append(b, byte(l))
	case l <= 0xFFFF:
		b = binary.BigEndian.AppendUint16(append(b, 126), uint16(l))
	default:
		b = binary.BigEndian.AppendUint64(append(b, 127), uint64(l))
	}
	c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := c.nc.Write(append(b, p...))
	return err
}

// Close sends a close frame with code and reason, then lets the peer
// answer for up to two seconds before closing the socket. Closing twice
// does nothing.
func (c *Conn) Close(code int, reason string) {
	c.wmu.Lock()
	if c.closed.Load() {
		c.wmu.Unlock()
		return
	}
	for len(reason) > 123 || !utf8.ValidString(reason) {
		reason = reason[:len(reason)-1] // never half a character
	}
	p := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(reason)), uint16(code))
	err := c.frame(opClose, append(p, reason...))
	c.closed.Store(true)
	c.wmu.Unlock()
	c.unpark()
	if err != nil {
		c.nc.Close()
		return
	}
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	// The peer's answer is read by whoever reads; the socket closes in two
	// seconds whatever it does (a deadline could be moved by a read).
	time.AfterFunc(2*time.Second, func() { c.nc.Close() })
}
