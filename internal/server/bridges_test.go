package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
	"github.com/parleyhq/parley/internal/webhook"
)

// TestBridge: an SMS bridge pushes a customer's message into an API
// channel, the customer known by phone; an agent's reply goes to the channel's bridge, signed, with the
// conversation and the contact; the bridge reports it delivered, then
// another reply failed, and both show on the message and in the
// timeline. Only admins set a bridge, only on an API channel; a report
// for a message nobody gave a bridge is refused; one from outside the
// inbox, or for a guessed id, finds nothing.
func TestBridge(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := buildOrg(t, s)
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOrg(ctx, "Acme", time.Now()) }); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var got []webhook.BridgePayload
		var secret string
		bridge := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			if err := webhook.Verify(secret, r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature"), b, time.Now(), time.Minute); err != nil {
				http.Error(rw, err.Error(), http.StatusUnauthorized)
				return
			}
			var p webhook.BridgePayload
			json.Unmarshal(b, &p)
			got = append(got, p)
		}))
		defer bridge.Close()
		var seen int64 // the log read so far, as the consumer's cursor would be
		sendAll := func() {
			t.Helper()
			var err error
			if seen, err = consume.Replay(ctx, s, w.a.webhooks.Consumer(), seen); err != nil {
				t.Fatal(err)
			}
			if _, err := w.a.webhooks.SendDue(ctx); err != nil {
				t.Fatal(err)
			}
		}

		set := map[string]any{"url": bridge.URL + "/sms"}
		if r := w.ana.call("PUT", path("/channels/%d/bridge", w.salesAPI), set); r.status != 403 {
			t.Errorf("an agent sets a bridge: %d", r.status)
		}
		w.admin.must(200, "PUT", path("/outbound-settings"), map[string]any{"allow_private_targets": true})
		email := w.admin.must(200, "GET", path("/inboxes/%d/channels", w.sales), nil).items()[0]
		if r := w.admin.call("PUT", path("/channels/%d/bridge", parley.ID(email["id"].(float64))), set); r.status != 409 || r.body["type"] != "urn:parley:problem:not_api_channel" {
			t.Errorf("a bridge on the email channel: %d %s", r.status, r.raw)
		}
		if r := w.admin.call("GET", path("/channels/%d/bridge", w.salesAPI), nil); r.status != 404 {
			t.Errorf("no bridge yet: %d", r.status)
		}
		made := w.admin.must(200, "PUT", path("/channels/%d/bridge", w.salesAPI), set)
		secret, _ = made.body["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || made.body["url"] != bridge.URL+"/sms" {
			t.Fatalf("the bridge: %s", made.raw)
		}
		// Two saves at once cannot make a second, hidden bridge.
		channel := w.salesAPI
		twin := &store.Webhook{Kind: webhook.KindBridge, ChannelID: &channel, URL: bridge.URL, Secret: "whsec_x", Enabled: true, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateWebhook(ctx, twin) }); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("a second bridge on a channel: %v", err)
		}
		if l := w.admin.must(200, "GET", path("/webhooks"), nil); len(l.items()) != 0 {
			t.Errorf("a bridge is not among the webhooks: %s", l.raw)
		}

		// In from the bridge; out to it.
		sms := func(id, phone, text string) response {
			return w.admin.call("POST", path("/channels/%d/messages", w.salesAPI), map[string]any{
				"client_id": id, "contact": map[string]string{"phone": phone, "name": "Jo"}, "text": text})
		}
		in := sms("sms-1", "+33 6 12 34 56 78", "Where is my order?")
		conv := parley.ID(in.num("conversation_id"))
		if again := sms("sms-2", "+33 6 12 34 56 78", "Hello?"); again.status != 201 || parley.ID(again.num("conversation_id")) != conv {
			t.Errorf("the same phone again continues its conversation: %d %s", again.status, again.raw)
		}
		if bad := sms("sms-3", "call me maybe", "Hi"); bad.status != 400 || !strings.Contains(string(bad.raw), "body.contact.phone") {
			t.Errorf("a phone that is not one: %d %s", bad.status, bad.raw)
		}
		before := w.ana.must(201, "POST", path("/conversations/%d/comments", conv), map[string]any{"text": "Checking the depot."})
		reply := w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]any{"text": "It left this morning."})
		// The reply says "sending" as it is answered (its event too), not
		// once the consumer has queued it: the thread shows it at once.
		if b, _ := reply.body["bridge"].(map[string]any); b["state"] != "sending" {
			t.Errorf("a reply on a bridged channel: %s, want it sending", reply.raw)
		}
		if r := w.ana.call("POST", path("/messages/%d/delivery", before.id()), map[string]any{"status": "delivered"}); r.status != 409 || r.body["type"] != "urn:parley:problem:not_bridged" {
			t.Errorf("a report on a comment, which no bridge is given: %d %s", r.status, r.raw)
		}
		sendAll()
		mu.Lock()
		if len(got) != 1 || got[0].Type != "message.sent" || got[0].Data.MessageID != reply.id() || got[0].Data.ConversationID != conv ||
			got[0].Data.Contact == nil || got[0].Data.Contact.Phone != "+33 6 12 34 56 78" || got[0].Data.Message.Text != "It left this morning." {
			t.Fatalf("the bridge got %+v", got)
		}
		mu.Unlock()
		sent := w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil)
		if !strings.Contains(string(sent.raw), `"bridge":{"state":"sending"`) {
			t.Errorf("a reply given to the bridge is sending: %s", sent.raw)
		}

		// The bridge reports with its token; the same report twice is one.
		for range 2 {
			r := w.admin.must(200, "POST", path("/messages/%d/delivery", reply.id()), map[string]any{"status": "delivered"})
			if b, _ := r.body["bridge"].(map[string]any); b["state"] != "delivered" {
				t.Errorf("reported delivered: %s", r.raw)
			}
		}
		second := w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]any{"text": "Tracking: 42."})
		sendAll()
		w.admin.must(200, "POST", path("/messages/%d/delivery", second.id()), map[string]any{"status": "failed", "reason": "Number unreachable"})
		tl := string(w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).raw)
		if strings.Count(tl, `"type":"message.delivered"`) != 1 || !strings.Contains(tl, `"type":"message.delivery_failed"`) || !strings.Contains(tl, "Number unreachable") {
			t.Errorf("the timeline: %s", tl)
		}

		for _, tc := range []struct {
			name   string
			c      *client
			id     parley.ID
			body   map[string]any
			status int
		}{
			{"a comment", w.admin, before.id(), map[string]any{"status": "delivered"}, 409},
			{"a guessed id", w.admin, second.id() + 1000, map[string]any{"status": "delivered"}, 404},
			{"no status", w.admin, second.id(), map[string]any{}, 400},
			{"another status", w.admin, second.id(), map[string]any{"status": "read"}, 400},
		} {
			if r := tc.c.call("POST", path("/messages/%d/delivery", tc.id), tc.body); r.status != tc.status {
				t.Errorf("%s: %d %s", tc.name, r.status, r.raw)
			}
		}
		// Bob sees the Sales inbox but not VIP: a VIP reply's report is not his to make.
		vip := w.push(w.vipAPI, "wa-9", "vi@example.org", "Hello")
		vipReply := w.ana.must(201, "POST", path("/conversations/%d/replies", parley.ID(vip.num("conversation_id"))), map[string]any{"text": "Hi"})
		if r := w.bob.call("POST", path("/messages/%d/delivery", vipReply.id()), map[string]any{"status": "delivered"}); r.status != 404 {
			t.Errorf("a report from outside the inbox: %d %s", r.status, r.raw)
		}

		// Removed, replies go nowhere again; one it had not been given yet
		// is not delivered, and says why.
		waiting := w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]any{"text": "One more thing."})
		if _, err := consume.Replay(ctx, s, w.a.webhooks.Consumer(), seen); err != nil {
			t.Fatal(err)
		}
		seen, _ = s.LastSeq(ctx)
		w.admin.must(204, "DELETE", path("/channels/%d/bridge", w.salesAPI), nil)
		tl = string(w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).raw)
		if !strings.Contains(tl, `"code":"bridge_removed"`) || !strings.Contains(tl, fmt.Sprintf(`"id":%d`, waiting.id())) || strings.Contains(tl, `"state":"sending"`) {
			t.Errorf("a reply the bridge never got, once it is removed: %s", tl)
		}
		third := w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]any{"text": "Anything else?"})
		sendAll()
		if r := w.admin.call("POST", path("/messages/%d/delivery", third.id()), map[string]any{"status": "delivered"}); r.status != 409 {
			t.Errorf("a reply after the bridge went: %d", r.status)
		}
	})
}
