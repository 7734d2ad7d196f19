package auth

import (
	"net/netip"
	"sync"
	"time"
)

// Limiter guards sign-in against guessing with progressive delays rather
// than a hard wall. A key may fail Free times in a sliding Window; after
// that each further attempt must wait, from the key's last attempt, Delay,
// then twice that, and so on up to Window. Attempts are counted when they
// begin (Try), before the password is checked, so concurrent guesses cannot
// overtake the count; a success gives its attempt back (Forgive), so a team
// signing in from one office is never slowed by its own successes. It is per
// process: several nodes each apply it.
type Limiter struct {
	Free   int
	Delay  time.Duration
	Window time.Duration
	Now    func() time.Time

	mu    sync.Mutex
	hits  map[string][]time.Time
	sweep time.Time
}

// NewLimiter returns a limiter of free failures per window, then delays
// doubling from one second.
func NewLimiter(free int, window time.Duration) *Limiter {
	return &Limiter{Free: free, Delay: time.Second, Window: window, Now: time.Now, hits: map[string][]time.Time{}}
}

// Try counts an attempt for key, unless key must wait: then it returns false
// and how long until its next attempt is allowed.
func (l *Limiter) Try(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	ts := l.recent(key)
	if wait := l.wait(ts, now); wait > 0 {
		return false, wait
	}
	l.hits[key] = append(ts, now)
	return true, 0
}

// Blocked reports whether key must wait before its next attempt, and how
// long, without counting one.
func (l *Limiter) Blocked(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	wait := l.wait(l.recent(key), l.Now())
	return wait > 0, wait
}

// wait is how long a key with attempts ts must wait at now.
func (l *Limiter) wait(ts []time.Time, now time.Time) time.Duration {
	over := len(ts) - l.Free
	if over < 0 {
		return 0
	}
	d := l.Window
	if over < 30 && l.Delay<<over < l.Window {
		d = l.Delay << over
	}
	return max(0, ts[len(ts)-1].Add(d).Sub(now))
}

// Forgive gives back one attempt of key: it succeeded.
func (l *Limiter) Forgive(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ts := l.hits[key]; len(ts) > 0 {
		l.hits[key] = ts[:len(ts)-1]
	}
}

// Reset forgets every attempt of key: its owner proved who they are another
// way (a one-time link).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

// recent drops key's attempts that left the window, and now and then every
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
	if len(ts) == 0 {
		delete(l.hits, key)
		return nil
	}
	l.hits[key] = ts
	return ts
}

// AddressKey is the key per-address limits count a client by: its IPv4
// address, or the /64 of its IPv6 address, the block one subscriber
// usually holds, so that rotating addresses within it escapes no limit.
func AddressKey(ip netip.Addr) string {
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
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
