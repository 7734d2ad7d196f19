package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// chatAPI is a server made with cfg, with one inbox and a chat on it, and
// the chat's public key.
func chatAPI(t *testing.T, s *store.Store, cfg server.Config) (*api, string) {
	t.Helper()
	a := newAPI(t, s, cfg)
	admin, _ := a.user("root", parley.RoleAdmin)
	inbox := admin.must(201, "POST", path("/inboxes"), map[string]any{"name": "Sales", "access": "everyone"}).id()
	return a, admin.must(201, "POST", path("/inboxes/%d/channels", inbox), map[string]any{"kind": "chat", "name": "Shop chat"}).body["public_key"].(string)
}

// TestWidgetStreamsPerAddress: one address cannot hold every chat stream a
// node has: past its share it is told 429 with Retry-After, and a stream it
// closes is its again.
func TestWidgetStreamsPerAddress(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, key := chatAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", VisitorStreamsPerAddress: 2})
		w := &orgWorld{a: a}

		first := openWidget(t, w, key, "", 0)
		openWidget(t, w, key, "", 0)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		url := "ws" + strings.TrimPrefix(a.url, "http") + "/widget/v1/stream?inbox=" + key
		_, res, err := websocket.Dial(ctx, url, nil)
		if err == nil || res == nil || res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
			t.Fatalf("a third stream from one address: %v %v, want 429 with Retry-After", err, res)
		}
		first.conn.Close(websocket.StatusNormalClosure, "")
		// The server lets go of it once the close is read: retry until then.
		for {
			conn, res, err := websocket.Dial(ctx, url, nil)
			if err == nil {
				conn.CloseNow()
				break
			}
			if res == nil || res.StatusCode != 429 {
				t.Fatalf("after closing one: %v %v", err, res)
			}
			select {
			case <-ctx.Done():
				t.Fatal("a closed stream was never given back")
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
}
