package server

import (
	"sync"
)

// streamCount bounds the streams open on this node: max in all, so the
// process keeps file descriptors to answer everything else with, and
// perUser for each holder — a user however many tokens they hold, or a
// chat visitor's address.
type streamCount[K comparable] struct {
	max, perUser int

	mu     sync.Mutex
	total  int
	byUser map[K]int
}

func newStreamCount[K comparable](max, perUser int) *streamCount[K] {
	return &streamCount[K]{max: max, perUser: perUser, byUser: map[K]int{}}
}

// acquire takes a stream for user; it returns false, and whether the user's
// own cap is what is full, when none is left.
func (c *streamCount[K]) acquire(user K) (ok, userFull bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.byUser[user] >= c.perUser:
		return false, true
	case c.total >= c.max:
		return false, false
	}
	c.total++
	c.byUser[user]++
	return true, false
}

// release gives back a stream of user's.
func (c *streamCount[K]) release(user K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total--
	if c.byUser[user]--; c.byUser[user] <= 0 {
		delete(c.byUser, user)
	}
}
