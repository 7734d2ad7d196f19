package server

import (
	"sync"

	"github.com/parleyhq/parley/internal/parley"
)

// streamCount bounds the realtime streams open on this node: max in all, so
// the process keeps file descriptors to answer everything else with, and
// perUser for each user however many tokens they hold.
type streamCount struct {
	max, perUser int

	mu     sync.Mutex
	total  int
	byUser map[parley.ID]int
}

func newStreamCount(max, perUser int) *streamCount {
	return &streamCount{max: max, perUser: perUser, byUser: map[parley.ID]int{}}
}

// acquire takes a stream for user; it returns false, and whether the user's
// own cap is what is full, when none is left.
func (c *streamCount) acquire(user parley.ID) (ok, userFull bool) {
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
func (c *streamCount) release(user parley.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total--
	if c.byUser[user]--; c.byUser[user] <= 0 {
		delete(c.byUser, user)
	}
}
