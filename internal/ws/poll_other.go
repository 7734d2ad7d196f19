//go:build !linux

package ws

// Without epoll, each idle connection waits in a goroutine of its own.
func (c *Conn) park(func()) bool { return false }

func (c *Conn) unpark() {}
