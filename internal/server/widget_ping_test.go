package server_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestWidgetPing: an idle widget's stream has no goroutine of its own, so
// its ping timer is what finds a widget gone without a word: one that does
// not answer is closed, one that does stays open and is answered.
func TestWidgetPing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, key := chatAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", WidgetPing: 100 * time.Millisecond})

		awake := openWidget(t, &orgWorld{a: a}, key, "", 0)
		frames := make(chan widgetMsg, 8)
		go func() {
			defer close(frames)
			for {
				_, raw, err := awake.conn.Read(context.Background()) // reading answers the pings
				if err != nil {
					return
				}
				var m widgetMsg
				if json.Unmarshal(raw, &m) == nil {
					frames <- m
				}
			}
		}()

		// A widget that says hello and then nothing, not even pong.
		host := strings.TrimPrefix(a.url, "http://")
		silent, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer silent.Close()
		silent.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(silent, "GET /widget/v1/stream?inbox=%s HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
			"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", key, host)
		br := bufio.NewReader(silent)
		if res, err := http.ReadResponse(br, nil); err != nil || res.StatusCode != 101 {
			t.Fatalf("handshake: %v %v", res, err)
		}
		hello := []byte(`{"type":"hello"}`)
		silent.Write(append([]byte{0x81, 0x80 | byte(len(hello)), 0, 0, 0, 0}, hello...)) // masked, with a key of zeros
		var pings int
		for closed := false; !closed; {
			var h [2]byte
			if _, err := io.ReadFull(br, h[:]); err != nil {
				t.Fatalf("the silent widget's stream: %v after %d pings, want a close", err, pings)
			}
			p := make([]byte, h[1]&0x7F)
			io.ReadFull(br, p)
			switch h[0] & 0x0F {
			case 0x9:
				pings++
			case 0x8:
				closed = true
				if code := binary.BigEndian.Uint16(p); code != 1001 || pings < 1 {
					t.Errorf("closed with %d after %d pings, want 1001 after the first went unanswered", code, pings)
				}
			}
		}

		// The silent one was closed at its second ping: the awake one has
		// answered as many, and is answered.
		awake.send(map[string]any{"type": "message", "client_id": "k1", "text": "Still here", "url": "https://shop.example"})
		for m := range frames {
			if m.Type == "ack" {
				return
			}
			if m.Type != "hello" {
				t.Fatalf("a widget that answers pings: %+v, want its message acknowledged", m)
			}
		}
		t.Error("a widget that answers pings was closed")
	})
}
