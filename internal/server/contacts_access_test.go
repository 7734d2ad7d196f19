package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestContactAcrossInboxes: contacts are the organisation's, inboxes may be
// restricted. An agent outside VIP who knows a VIP customer's address and
// names it in a message of their own inbox must learn nothing VIP knows of
// that customer — not the name, in any answer or event — and blocking the
// customer must not move VIP's thread, only stop their future mail.
func TestContactAcrossInboxes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		secret := "Jo Secretname"
		vipConv := w.admin.must(201, "POST", path("/channels/%d/messages", w.vipAPI), map[string]any{
			"client_id": "vip-1", "contact": map[string]string{"email": "jo@example.org", "name": secret}, "text": "About the merger",
		}).num("conversation_id")

		head, err := s.LastSeq(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		bobConn := w.bob.dial(t, head)
		defer bobConn.CloseNow()
		mine := w.bob.must(201, "POST", path("/channels/%d/messages", w.salesAPI), map[string]any{
			"client_id": "probe-1", "contact": map[string]string{"email": "jo@example.org", "name": "Anyone"}, "text": "hello",
		})
		conv := parley.ID(mine.num("conversation_id"))
		contact := w.bob.must(200, "GET", path("/conversations/%d", conv), nil).body["contact"].(map[string]any)
		contactID := parley.ID(contact["id"].(float64))

		leaks := func(what string, r response) {
			t.Helper()
			if strings.Contains(string(r.raw), "Secretname") {
				t.Errorf("%s tells bob the VIP name: %s", what, r.raw)
			}
		}
		for _, p := range []string{
			path("/contacts/%d", contactID), path("/contacts/%d/conversations", contactID),
			path("/conversations/%d", conv), path("/conversations/%d/timeline", conv), path("/conversations?inbox_id=%d", w.sales),
		} {
			leaks("GET "+p, w.bob.must(200, "GET", p, nil))
		}
		if got := w.bob.must(200, "GET", path("/contacts/%d", contactID), nil); got.body["email"] != "jo@example.org" {
			t.Errorf("bob's view of the contact: %s; want its address, which he gave", got.raw)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for {
			_, raw, err := bobConn.Read(ctx)
			if err != nil {
				t.Fatalf("bob's stream: %v", err)
			}
			if strings.Contains(string(raw), "Secretname") {
				t.Errorf("bob's stream tells the VIP name: %s", raw)
			}
			if strings.Contains(string(raw), `"message.received"`) {
				break
			}
		}
		// What bob writes to the customer or forwards does not carry the
		// name either: a reply's To, a forwarded thread's From lines.
		reply := w.bob.must(201, "POST", path("/conversations/%d/replies", conv), map[string]any{"text": "Hi", "via": "email"})
		leaks("a reply by email", reply)
		if to, _ := reply.body["email"].(map[string]any)["to"].([]any); len(to) != 1 || !strings.Contains(fmt.Sprint(to[0]), "jo@example.org") {
			t.Errorf("the reply goes to %v, want jo@example.org", to)
		}
		leaks("a forward", w.bob.must(201, "POST", path("/conversations/%d/forwards", conv), map[string]any{
			"to": []map[string]string{{"email": "partner@example.net"}}, "text": "FYI"}))
		for _, p := range []string{path("/conversations/%d/timeline", conv)} {
			leaks("GET "+p+" after the reply and forward", w.bob.must(200, "GET", p, nil))
		}

		// A VIP member sees the name.
		if got := w.ana.must(200, "GET", path("/contacts/%d", contactID), nil); got.body["name"] != secret {
			t.Errorf("ana's view of the contact: %s", got.raw)
		}

		// Bob blocks: his thread is filtered, VIP's stays for its members,
		// and the sender's next VIP message is filtered.
		leaks("block", w.bob.must(200, "POST", path("/contacts/%d/block", contactID), nil))
		if got := w.bob.must(200, "GET", path("/conversations/%d", conv), nil); got.body["placement"] != "filtered" {
			t.Errorf("bob's own thread: %v, want filtered", got.body["placement"])
		}
		if got := w.ana.must(200, "GET", path("/conversations/%d", int64(vipConv)), nil); got.body["placement"] != "inbox" {
			t.Errorf("VIP's thread after bob's block: %v, want it left in the inbox", got.body["placement"])
		}
		next := w.admin.must(201, "POST", path("/channels/%d/messages", w.vipAPI), map[string]any{
			"client_id": "vip-2", "contact": map[string]string{"email": "jo@example.org"}, "text": "A new matter", "new_conversation": true,
		})
		if got := w.ana.must(200, "GET", path("/conversations/%d", int64(next.num("conversation_id"))), nil); got.body["placement"] != "filtered" {
			t.Errorf("the blocked sender's next VIP thread: %v, want filtered", got.body["placement"])
		}
	})
}
