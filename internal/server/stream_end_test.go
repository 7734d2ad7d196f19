package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// until reads conn until an event of type want, and returns it; or the
// close status if the stream closes first.
func until(t *testing.T, conn *websocket.Conn, want string) (streamMsg, websocket.StatusCode) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		m, err := read(ctx, conn)
		if err != nil {
			if code := websocket.CloseStatus(err); code != -1 {
				return m, code
			}
			t.Fatalf("waiting for %s: %v", want, err)
		}
		if m.Type == want {
			return m, -1
		}
	}
}

// TestStreamEndsWithAccess checks that open streams follow their user's
// credentials and role at once: a demoted admin stops hearing a restricted
// inbox; signing out, changing one's password and revoking a token close
// the streams opened with what ended, and only those.
func TestStreamEndsWithAccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		// Streams resume after the log's head when dialled, so nothing the
		// test does next can slip before the server has them listening.
		head := func() int64 {
			t.Helper()
			n, err := s.LastSeq(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("demoted", func(t *testing.T) {
			boss, bossID := w.a.user("boss", parley.RoleAdmin)
			conn := boss.dial(t, head())
			defer conn.CloseNow()
			w.push(w.vipAPI, "d-1", "jo@example.org", "an admin sees every inbox")
			if m, code := until(t, conn, parley.EventMessageReceived); code != -1 || *m.InboxID != w.vip {
				t.Fatalf("as an admin: %+v, close %d", m, code)
			}
			w.admin.must(200, "PATCH", path("/users/%d", bossID), map[string]any{"role": "agent"})
			w.push(w.vipAPI, "d-2", "jo@example.org", "not for agents outside VIP")
			w.push(w.salesAPI, "d-3", "jo@example.org", "for every agent")
			if m, code := until(t, conn, parley.EventMessageReceived); code != -1 || *m.InboxID != w.sales {
				t.Errorf("after the demotion, heard %+v (close %d); want Sales' message only", m, code)
			}
		})

		t.Run("signed out", func(t *testing.T) {
			w.a.user("dana", parley.RoleAgent)
			b, status := w.a.browser("dana@example.com", "password-dana")
			if status != http.StatusCreated {
				t.Fatalf("sign in: %d", status)
			}
			other, _ := w.a.browser("dana@example.com", "password-dana")
			conn, stays := b.dial(t, head()), other.dial(t, head())
			defer conn.CloseNow()
			defer stays.CloseNow()
			b.must(204, "DELETE", path("/session"), nil)
			if _, code := until(t, conn, "never"); code != 4001 {
				t.Errorf("the stream of a session signed out: close %d, want 4001", code)
			}
			w.push(w.salesAPI, "s-1", "jo@example.org", "still there?")
			if _, code := until(t, stays, parley.EventMessageReceived); code != -1 {
				t.Errorf("another session's stream closed: %d", code)
			}
		})

		t.Run("password changed", func(t *testing.T) {
			w.a.user("eve", parley.RoleAgent)
			changer, _ := w.a.browser("eve@example.com", "password-eve")
			elsewhere, _ := w.a.browser("eve@example.com", "password-eve")
			mine, theirs := changer.dial(t, head()), elsewhere.dial(t, head())
			defer mine.CloseNow()
			defer theirs.CloseNow()
			changer.must(204, "PUT", path("/me/password"), map[string]string{"current_password": "password-eve", "password": "a new password for eve"})
			if _, code := until(t, theirs, "never"); code != 4001 {
				t.Errorf("another session's stream after a password change: close %d, want 4001", code)
			}
			elsewhere.must(401, "GET", path("/me"), nil)
			w.push(w.salesAPI, "p-1", "jo@example.org", "after the change")
			if _, code := until(t, mine, parley.EventMessageReceived); code != -1 {
				t.Errorf("the changing session's own stream closed: %d", code)
			}
			changer.must(200, "GET", path("/me"), nil)
		})

		t.Run("token revoked", func(t *testing.T) {
			fay, _ := w.a.user("fay", parley.RoleAgent)
			spare := &client{api: w.a, name: "fay's spare", http: &http.Client{}}
			spare.token = fay.must(201, "POST", path("/tokens"), map[string]string{"name": "spare"}).body["token"].(string)
			conn, stays := spare.dial(t, head()), fay.dial(t, head())
			defer conn.CloseNow()
			defer stays.CloseNow()
			var id any
			for _, tok := range fay.must(200, "GET", path("/tokens"), nil).items() {
				if tok["name"] == "spare" {
					id = tok["id"]
				}
			}
			fay.must(204, "DELETE", fmt.Sprintf("/api/v1/tokens/%v", id), nil)
			if _, code := until(t, conn, "never"); code != 4001 {
				t.Errorf("the stream of a revoked token: close %d, want 4001", code)
			}
			spare.must(401, "GET", path("/me"), nil)
			if m, code := until(t, stays, parley.EventTokenRevoked); code != -1 || m.Type != parley.EventTokenRevoked {
				t.Errorf("fay's other stream: %+v, close %d; want it open, told of the revocation", m, code)
			}
		})

		t.Run("signed out while saying hello", func(t *testing.T) {
			w.a.user("gus", parley.RoleAgent)
			b, _ := w.a.browser("gus@example.com", "password-gus")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			// The stream is accepted with a working cookie; the session
			// ends before the client's first message.
			conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(w.a.url, "http")+"/api/v1/stream", &websocket.DialOptions{HTTPClient: b.http})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.CloseNow()
			b.must(204, "DELETE", path("/session"), nil)
			if err := conn.Write(ctx, websocket.MessageText, []byte(`{"resume_after": -1}`)); err != nil {
				t.Fatal(err)
			}
			if _, code := until(t, conn, "never"); code != 4001 {
				t.Errorf("a stream whose session ended before it listened: close %d, want 4001", code)
			}
		})
	})
}

// TestStreamSessionExpires: a session that ends with no event (it expired)
// closes its streams at the next periodic check.
func TestStreamSessionExpires(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", StreamRecheck: 20 * time.Millisecond})
	_, halID := a.user("hal", parley.RoleAgent)
	b, _ := a.browser("hal@example.com", "password-hal")
	conn := b.dial(t, 0)
	defer conn.CloseNow()
	// The session goes with no event, as an expired one does.
	if err := s.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.DeleteSessions(context.Background(), halID, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, code := until(t, conn, "never"); code != 4001 {
		t.Errorf("an expired session's stream: close %d, want 4001", code)
	}
}
