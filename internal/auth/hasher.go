package auth

import (
	"context"
	"runtime"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Hasher bounds the password hashes in flight. Each argon2id computation
// takes 19 MiB and a core for some 50 ms, so unbounded concurrent sign-ins
// would exhaust the server's memory (300 at once took it to 5.7 GB); with a
// Hasher, memory stays under Slots × 19 MiB and the excess waits its turn for
// at most Wait, then is told to come back (EUNAVAILABLE).
type Hasher struct {
	// Wait is how long a call waits for a slot.
	Wait  time.Duration
	slots chan struct{}
}

// DefaultHashes is how many hashes run at once by default: two per core,
// at most eight (152 MiB).
func DefaultHashes() int { return min(8, 2*runtime.GOMAXPROCS(0)) }

// NewHasher returns a hasher running at most n hashes at once.
func NewHasher(n int) *Hasher {
	return &Hasher{Wait: 2 * time.Second, slots: make(chan struct{}, max(1, n))}
}

// Busy is how long a caller told the hasher is busy should wait before
// trying again.
const Busy = time.Second

// do runs f in a slot.
func (h *Hasher) do(ctx context.Context, f func()) error {
	t := time.NewTimer(h.Wait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
	case <-t.C:
		return parley.Errorf(parley.EUNAVAILABLE, "the server is busy checking passwords; try again in a moment")
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-h.slots }()
	f()
	return nil
}

// Check reports whether pw matches hash (CheckPassword), in a slot; an error
// means it could not be checked now.
func (h *Hasher) Check(ctx context.Context, hash, pw string) (bool, error) {
	var ok bool
	err := h.do(ctx, func() { ok = CheckPassword(hash, pw) })
	return ok, err
}

// Hash returns pw's hash (HashPassword), in a slot.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	var (
		hash string
		herr error
	)
	if err := h.do(ctx, func() { hash, herr = HashPassword(pw) }); err != nil {
		return "", err
	}
	return hash, herr
}
