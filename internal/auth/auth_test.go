package auth_test

import (
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
	for i := range 3 {
		if blocked, _ := l.Blocked("a"); blocked {
			t.Fatalf("blocked after %d failures", i)
		}
		l.Fail("a")
		now = now.Add(10 * time.Second)
	}
	blocked, wait := l.Blocked("a")
	if !blocked || wait != 30*time.Second {
		t.Fatalf("after 3 failures: blocked %v, wait %v; want blocked, 30s until the first leaves the window", blocked, wait)
	}
	if blocked, _ := l.Blocked("b"); blocked {
		t.Error("another key was blocked")
	}
	now = now.Add(30 * time.Second)
	if blocked, _ := l.Blocked("a"); blocked {
		t.Error("blocked after the window moved on")
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
