package smtp

import (
	"net"
	"testing"
	"time"
)

// deadlineConn records the read deadline set on it and reads what it holds.
type deadlineConn struct {
	net.Conn
	data     string
	deadline time.Time
}

func (c *deadlineConn) SetReadDeadline(t time.Time) error { c.deadline = t; return nil }

func (c *deadlineConn) Read(p []byte) (int, error) {
	n := copy(p, c.data)
	c.data = c.data[n:]
	return n, nil
}

// TestFirstCommandDeadline: go-smtp's own read deadlines are cut to the
// first-command deadline until a whole line has arrived, and left alone
// after.
func TestFirstCommandDeadline(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	inner := &deadlineConn{}
	c := &limitedConn{Conn: inner, firstBy: start.Add(30 * time.Second)}
	later := start.Add(2 * time.Minute)
	buf := make([]byte, 64)
	for _, step := range []struct {
		read string // what arrives before go-smtp sets its deadline
		want time.Time
	}{
		{"", c.firstBy},
		{"EH", c.firstBy}, // a line in pieces is not yet a command
		{"LO client.example\r\n", later},
	} {
		inner.data = step.read
		if step.read != "" {
			if _, err := c.Read(buf); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.SetReadDeadline(later); err != nil {
			t.Fatal(err)
		}
		if !inner.deadline.Equal(step.want) {
			t.Errorf("after %q: deadline %v, want %v", step.read, inner.deadline, step.want)
		}
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil || !inner.deadline.IsZero() {
		t.Errorf("no deadline after the first command: %v, %v", inner.deadline, err)
	}
}
