package auth

import (
	"sync"
	"time"
)

// Limiter allows up to Max attempts per key in a sliding Window; it guards
// sign-in against guessing. It is per process: several nodes each apply it.
type Limiter struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu    sync.Mutex
	hits  map[string][]time.Time
	sweep time.Time
}

// NewLimiter returns a limiter of max attempts per window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, Now: time.Now, hits: map[string][]time.Time{}}
}

// Allow records an attempt for key. When the key is over its limit it
// returns false and how long until the next attempt is allowed.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	if now.Sub(l.sweep) > l.Window {
		for k, ts := range l.hits {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) > l.Window {
				delete(l.hits, k)
			}
		}
		l.sweep = now
	}
	ts := l.hits[key]
	for len(ts) > 0 && now.Sub(ts[0]) >= l.Window {
		ts = ts[1:]
	}
	if len(ts) >= l.Max {
		l.hits[key] = ts
		return false, ts[0].Add(l.Window).Sub(now)
	}
	l.hits[key] = append(ts, now)
	return true, 0
}
