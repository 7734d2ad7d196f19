//go:build linux

package ws

import (
	"os"
	"sync"
	"syscall"
)

// poller watches the sockets of idle connections with one epoll instance
// and one goroutine for all of them, so an idle connection holds no
// goroutine at all (W5).
type poller struct {
	fd      int
	mu      sync.Mutex
	waiting map[int32]func() // by socket
}

var thePoller = sync.OnceValue(func() *poller {
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil // each connection waits in a goroutine of its own instead
	}
	// The epoll instance is itself readable when a socket in it is: the
	// runtime's poller wakes run, which holds no thread while it waits.
	syscall.SetNonblock(fd, true)
	rc, err := os.NewFile(uintptr(fd), "ws-epoll").SyscallConn()
	if err != nil {
		syscall.Close(fd)
		return nil
	}
	p := &poller{fd: fd, waiting: map[int32]func(){}}
	go rc.Read(p.take)
	return p
})

// take hands each socket that has word to its goroutine, and asks to be
// called again when more have (it never says it is done).
func (p *poller) take(uintptr) bool {
	var evs [128]syscall.EpollEvent
	for {
		n, err := syscall.EpollWait(p.fd, evs[:], 0)
		if err == syscall.EINTR {
			continue
		}
		if n <= 0 {
			return false
		}
		for _, e := range evs[:n] {
			p.mu.Lock()
			fn := p.waiting[e.Fd]
			switch {
			case fn == nil:
			case readable(int(e.Fd)):
				delete(p.waiting, e.Fd)
			default:
				// Word of a socket closed since, whose number another
				// connection now has: that one waits on.
				p.arm(int(e.Fd), syscall.EPOLL_CTL_MOD)
				fn = nil
			}
			p.mu.Unlock()
			if fn != nil {
				go fn()
			}
		}
	}
}

// arm asks for one word of fd's next bytes or hang-up; p.mu is held.
func (p *poller) arm(fd, op int) error {
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT, Fd: int32(fd)}
	return syscall.EpollCtl(p.fd, op, fd, &ev)
}

// park leaves fn to the poller, and reports false when there is none.
func (c *Conn) park(fn func()) bool {
	p := thePoller()
	if p == nil || c.raw == nil {
		return false
	}
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if c.closed.Load() {
		go fn()
		return true
	}
	var err error
	c.raw.Control(func(fd uintptr) {
		p.mu.Lock()
		defer p.mu.Unlock()
		op := syscall.EPOLL_CTL_MOD
		if !c.parked {
			op = syscall.EPOLL_CTL_ADD
		}
		if err = p.arm(int(fd), op); err == nil {
			c.parked = true
			p.waiting[int32(fd)] = fn
		}
	})
	return err == nil
}

// unpark takes the socket from the poller before it is closed: a socket's
// number is given to the next one opened.
func (c *Conn) unpark() {
	p := thePoller()
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if p == nil || !c.parked {
		return
	}
	c.parked = false
	c.raw.Control(func(fd uintptr) {
		p.mu.Lock()
		defer p.mu.Unlock()
		syscall.EpollCtl(p.fd, syscall.EPOLL_CTL_DEL, int(fd), nil)
		delete(p.waiting, int32(fd))
	})
}
