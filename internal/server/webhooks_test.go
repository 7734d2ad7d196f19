package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestWebhooksAPI: admins alone register endpoints; a private target is
// refused until allowed, naming the field; the secret shows on creation
// and on the endpoint's own read, not in the list; a test event lands in
// the delivery log and can be re-sent; a guessed id is not found.
func TestWebhooksAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		// The organisation's row holds the outbound setting.
		if err := s.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateOrg(context.Background(), "Acme", time.Now()) }); err != nil {
			t.Fatal(err)
		}
		var got []string
		rcv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			got = append(got, r.Header.Get("webhook-id")+" "+string(b))
			rw.Write([]byte("thanks"))
		}))
		defer rcv.Close()
		hook := map[string]any{"url": rcv.URL + "/hook", "event_types": []string{"ticket.*", "conversation.created"}, "description": "CRM sync"}

		if r := w.bob.call("POST", path("/webhooks"), hook); r.status != 403 {
			t.Errorf("an agent registers a webhook: %d", r.status)
		}
		if r := w.admin.call("POST", path("/webhooks"), hook); r.status != 400 || r.body["type"] != "urn:parley:problem:url_private" || !strings.Contains(string(r.raw), `"body.url"`) {
			t.Errorf("a loopback target by default: %d %s", r.status, r.raw)
		}
		if r := w.admin.call("POST", path("/webhooks"), map[string]any{"url": "https://example.com/x", "event_types": []string{"tickets.made"}}); r.status != 400 ||
			!strings.Contains(string(r.raw), "event_types[0]") {
			t.Errorf("an unknown type: %d %s", r.status, r.raw)
		}
		if r := w.bob.call("PUT", path("/outbound-settings"), map[string]any{"allow_private_targets": true}); r.status != 403 {
			t.Errorf("an agent allows private targets: %d", r.status)
		}
		w.admin.must(200, "PUT", path("/outbound-settings"), map[string]any{"allow_private_targets": true})
		created := w.admin.must(201, "POST", path("/webhooks"), hook)
		if sec, _ := created.body["secret"].(string); !strings.HasPrefix(sec, "whsec_") {
			t.Errorf("created: %s", created.raw)
		}
		if l := w.admin.must(200, "GET", path("/webhooks"), nil); strings.Contains(string(l.raw), "whsec_") || len(l.items()) != 1 {
			t.Errorf("the list: %s", l.raw)
		}
		if one := w.admin.must(200, "GET", path("/webhooks/%d", created.id()), nil); one.body["secret"] != created.body["secret"] {
			t.Errorf("one: %s", one.raw)
		}
		if r := w.admin.call("GET", path("/webhooks/%d", created.id()+100), nil); r.status != 404 {
			t.Errorf("a guessed id: %d", r.status)
		}
		if types := w.admin.must(200, "GET", path("/webhooks/event-types"), nil); !strings.Contains(string(types.raw), `"ticket.stage_changed"`) || strings.Contains(string(types.raw), "notification.created") {
			t.Errorf("the event types: %s", types.raw)
		}

		test := w.admin.must(200, "POST", path("/webhooks/%d/test", created.id()), nil)
		if test.body["state"] != "delivered" || len(got) != 1 || !strings.Contains(got[0], `"webhook.test"`) {
			t.Errorf("a test event: %s %v", test.raw, got)
		}
		log := w.admin.must(200, "GET", path("/webhooks/%d/deliveries", created.id()), nil)
		first := log.items()[0]
		attempts, _ := first["attempts"].([]any)
		if len(attempts) != 1 || attempts[0].(map[string]any)["status"] != float64(200) || attempts[0].(map[string]any)["response"] != "thanks" {
			t.Errorf("the log: %s", log.raw)
		}
		w.admin.must(202, "POST", path("/webhooks/%d/deliveries/%d/resend", created.id(), parley.ID(first["id"].(float64))), nil)
		if r := w.admin.call("POST", path("/webhooks/%d/deliveries/%d/resend", created.id()+100, parley.ID(first["id"].(float64))), nil); r.status != 404 {
			t.Errorf("another endpoint's delivery: %d", r.status)
		}
		off := w.admin.must(200, "PATCH", path("/webhooks/%d", created.id()), map[string]any{"enabled": false})
		if off.body["enabled"] != false {
			t.Errorf("turned off: %s", off.raw)
		}
		w.admin.must(204, "DELETE", path("/webhooks/%d", created.id()), nil)
		if r := w.admin.call("GET", path("/webhooks/%d/deliveries", created.id()), nil); r.status != 404 {
			t.Errorf("a deleted endpoint's log: %d", r.status)
		}
	})
}
