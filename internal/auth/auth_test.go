package auth_test

import (
	"cmp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
)

func TestDecide(t *testing.T) {
	user := func(r parley.Role) parley.Actor { return parley.Actor{Kind: parley.ActorUser, UserID: 1, Role: r} }
	tests := []struct {
		actor  parley.Actor
		member bool
		perm   auth.Perm
		want   string
	}{
		{user(parley.RoleAgent), true, auth.Read, ""},
		{user(parley.RoleAgent), true, auth.Act, ""},
		{user(parley.RoleAgent), false, auth.Read, parley.ENOTFOUND},
		{user(parley.RoleAgent), false, auth.Act, parley.ENOTFOUND},
		{user(parley.RoleViewer), true, auth.Read, ""},
		{user(parley.RoleViewer), true, auth.Act, parley.EFORBIDDEN},
		{user(parley.RoleViewer), false, auth.Read, parley.ENOTFOUND},
		{user(parley.RoleViewer), false, auth.Act, parley.ENOTFOUND},
		{user(parley.RoleAdmin), false, auth.Read, ""},
		{user(parley.RoleAdmin), false, auth.Act, parley.EFORBIDDEN},
		{user(parley.RoleAdmin), true, auth.Act, ""},
		{parley.System, false, auth.Act, ""},
		{parley.Actor{Kind: parley.ActorContact, ContactID: 1}, true, auth.Read, parley.ENOTFOUND},
		{parley.Actor{}, true, auth.Read, parley.ENOTFOUND},
	}
	for _, tt := range tests {
		if got := parley.ErrorCode(auth.Decide(tt.actor, tt.member, tt.perm)); got != tt.want {
			t.Errorf("Decide(%s %s, member=%v, perm=%d) = %q, want %q", tt.actor.Kind, tt.actor.Role, tt.member, tt.perm, got, tt.want)
		}
	}
}

func TestPassword(t *testing.T) {
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id in PHC format with the chosen parameters", hash)
	}
	again, _ := auth.HashPassword("correct horse battery")
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tt := range []struct {
		hash, pw string
		want     bool
	}{
		{hash, "correct horse battery", true},
		{hash, "correct horse batterY", false},
		{hash, "", false},
		{"", "", false},
		{"$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", "x", false},
		{strings.Replace(hash, "m=19456", "m=x", 1), "correct horse battery", false},
	} {
		if got := auth.CheckPassword(tt.hash, tt.pw); got != tt.want {
			t.Errorf("CheckPassword(%.30q, %q) = %v, want %v", tt.hash, tt.pw, got, tt.want)
		}
	}
}

func TestToken(t *testing.T) {
	tok, hash := auth.NewToken("prl_")
	if !strings.HasPrefix(tok, "prl_") || len(tok) < 40 {
		t.Errorf("token %q: want prl_ and 32 random bytes", tok)
	}
	if auth.HashToken(tok) != hash || strings.Contains(hash, tok) {
		t.Error("the stored hash does not match the token, or contains it")
	}
	if other, _ := auth.NewToken("prl_"); other == tok {
		t.Error("two tokens are equal")
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := auth.NewLimiter(3, time.Minute)
	l.Now = func() time.Time { return now }
	try := func(key string) time.Duration {
		t.Helper()
		ok, wait := l.Try(key)
		if ok != (wait == 0) {
			t.Fatalf("Try(%q) = %v, %v", key, ok, wait)
		}
		return wait
	}
	// Three free attempts, counted when they begin: a burst at one instant
	// gets no more than the free ones.
	for i := range 3 {
		if wait := try("a"); wait != 0 {
			t.Fatalf("attempt %d refused, wait %v", i+1, wait)
		}
	}
	for range 5 {
		if wait := try("a"); wait != time.Second {
			t.Fatalf("fourth attempt at once: wait %v, want 1s", wait)
		}
	}
	if wait := try("b"); wait != 0 {
		t.Error("another key was refused")
	}
	// Then delays doubling from the last attempt: 1s, 2s, 4s…
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		now = now.Add(want - time.Millisecond)
		if wait := try("a"); wait != time.Millisecond {
			t.Fatalf("a millisecond early: wait %v", wait)
		}
		now = now.Add(time.Millisecond)
		if wait := try("a"); wait != 0 {
			t.Fatalf("after %v: still waiting %v", want, wait)
		}
	}
	// A success gives its attempt back: the next wait is the last one's.
	l.Forgive("a")
	now = now.Add(4 * time.Second)
	if wait := try("a"); wait != 0 {
		t.Fatalf("after a forgiven attempt: wait %v", wait)
	}
	// Delays grow but never exceed the window: the owner is never walled
	// out for longer.
	longest := time.Duration(0)
	for range 40 {
		_, wait := l.Blocked("a")
		longest = max(longest, wait)
		now = now.Add(wait)
		if w := try("a"); w != 0 {
			t.Fatalf("refused after waiting as told: %v", w)
		}
	}
	if longest < 16*time.Second || longest > time.Minute {
		t.Errorf("the longest wait was %v, want it to have grown, up to the window (1m)", longest)
	}
	now = now.Add(time.Minute)
	if blocked, _ := l.Blocked("a"); blocked {
		t.Error("blocked after the window moved on")
	}
	// A one-time link lifts it all.
	try("a")
	try("a")
	try("a")
	l.Reset("a")
	if blocked, _ := l.Blocked("a"); blocked {
		t.Error("blocked after Reset")
	}
}

func TestDevices(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := auth.NewDevices([]byte("key one, thirty-two bytes long!!"), func() time.Time { return now })
	c := d.Issue("Ana@Example.com")
	id, ok := d.Known(c, "ana@example.com")
	if !ok || id == "" {
		t.Fatalf("a cookie is not known for its own email")
	}
	if id2, _ := d.Known(d.Issue("ana@example.com"), "ana@example.com"); id2 == id {
		t.Error("two devices share an id")
	}
	body, mac, _ := strings.Cut(c, ".")
	flip := func(s string) string {
		b := []byte(s)
		if b[3] == 'A' {
			b[3] = 'B'
		} else {
			b[3] = 'A'
		}
		return string(b)
	}
	for _, tt := range []struct {
		name, value, email string
		now                time.Time
		key                string
	}{
		{"another email", c, "bob@example.com", now, ""},
		{"a changed body", flip(body) + "." + mac, "ana@example.com", now, ""},
		{"a changed signature", body + "." + flip(mac), "ana@example.com", now, ""},
		{"no signature", body, "ana@example.com", now, ""},
		{"empty", "", "ana@example.com", now, ""},
		{"expired", c, "ana@example.com", now.Add(auth.DeviceTTL + time.Second), ""},
		{"another server's key", c, "ana@example.com", now, "key two, thirty-two bytes long!!"},
	} {
		dd := d
		if tt.key != "" || !tt.now.Equal(now) {
			at := tt.now
			dd = auth.NewDevices([]byte(cmp.Or(tt.key, "key one, thirty-two bytes long!!")), func() time.Time { return at })
		}
		if _, ok := dd.Known(tt.value, tt.email); ok {
			t.Errorf("%s: known", tt.name)
		}
	}
}

func TestBuckets(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := auth.NewBuckets(10, 5) // 10/s, burst 5
	b.Now = func() time.Time { return now }
	for i := range 5 {
		if ok, _ := b.Take("a"); !ok {
			t.Fatalf("burst request %d refused", i+1)
		}
	}
	ok, wait := b.Take("a")
	if ok || wait != 100*time.Millisecond {
		t.Fatalf("6th at once: ok %v, wait %v; want refused, 100ms", ok, wait)
	}
	if ok, _ := b.Take("b"); !ok {
		t.Error("another key was refused")
	}
	now = now.Add(250 * time.Millisecond) // 2.5 tokens back
	for i := range 2 {
		if ok, _ := b.Take("a"); !ok {
			t.Errorf("refill: request %d refused", i+1)
		}
	}
	if ok, _ := b.Take("a"); ok {
		t.Error("more than the refill was allowed")
	}
}
