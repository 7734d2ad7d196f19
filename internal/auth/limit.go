package auth

import (
	"sync"
	"time"
)

// Limiter refuses a key once it has failed Max times in a sliding Window; it
// guards sign-in against guessing. Only failures count, so a team signing in
// from one office address is never locked out by its own successes. It is
// per process: several nodes each apply it.
type Limiter struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu    sync.Mutex
	hits  map[string][]time.Time
	sweep time.Time
}

// NewLimiter returns a limiter of max failures per window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, Now: time.Now, hits: map[string][]time.Time{}}
}

// Blocked reports whether key is over its limit, and if so how long until
// its next attempt is allowed.
func (l *Limiter) Blocked(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.recent(key)
	if len(ts) >= l.Max {
		return true, ts[0].Add(l.Window).Sub(l.Now())
	}
	return false, 0
}

// Fail records a failed attempt for key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits[key] = append(l.recent(key), l.Now())
}

// recent drops key's failures that left the window, and now and then every
// idle key, so memory stays bounded by the keys that failed lately.
func (l *Limiter) recent(key string) []time.Time {
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
	l.hits[key] = ts
	return ts
}

// Buckets is a token bucket per key: Rate requests per second sustained,
// Burst at once. It keeps one API client from starving the others. Idle keys
// are forgotten, so memory stays bounded by the active clients.
type Buckets struct {
	Rate  float64
	Burst float64
	Now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewBuckets returns buckets of rate per second with a burst.
func NewBuckets(rate, burst float64) *Buckets {
	return &Buckets{Rate: rate, Burst: burst, Now: time.Now, buckets: map[string]*bucket{}}
}

// Take spends one token of key's bucket. When there is none it returns false
// and how long until there is.
func (b *Buckets) Take(key string) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.Now()
	full := time.Duration(b.Burst / b.Rate * float64(time.Second))
	if now.Sub(b.sweep) > full {
		for k, bk := range b.buckets {
			if now.Sub(bk.at) > full {
				delete(b.buckets, k)
			}
		}
		b.sweep = now
	}
	bk, ok := b.buckets[key]
	if !ok {
		bk = &bucket{tokens: b.Burst, at: now}
		b.buckets[key] = bk
	}
	bk.tokens = min(b.Burst, bk.tokens+now.Sub(bk.at).Seconds()*b.Rate)
	bk.at = now
	if bk.tokens < 1 {
		return false, time.Duration((1 - bk.tokens) / b.Rate * float64(time.Second))
	}
	bk.tokens--
	return true, 0
}
