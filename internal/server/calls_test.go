package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestCalls: a phone system logs an inbound call through a call channel, and
// it opens a conversation for the customer its number finds; an agent logs
// an outbound call on that conversation; both read back whole in its
// timeline. A bad field is a 400 that names it; the other inbox, a viewer
// and a guessed id are refused.
func TestCalls(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		viewer, _ := w.a.user("vera", parley.RoleViewer)
		salesCalls := w.admin.must(201, "POST", path("/inboxes/%d/channels", w.sales), map[string]any{"kind": "call", "name": "Phone"}).id()
		vipCalls := w.admin.must(201, "POST", path("/inboxes/%d/channels", w.vip), map[string]any{"kind": "call", "name": "VIP line"}).id()
		// Jo wrote by SMS before: her number makes her known.
		sms := w.admin.must(201, "POST", path("/channels/%d/messages", w.salesAPI), map[string]any{
			"contact": map[string]string{"phone": "+33 6 12 34 56 78", "name": "Jo"}, "text": "Hello"})
		jo := w.ana.must(200, "GET", path("/conversations/%d", parley.ID(sms.num("conversation_id"))), nil).body["contact"].(map[string]any)["id"]

		started := time.Now().UTC().Add(-10 * time.Minute).Truncate(time.Second)
		call := func(direction string, change ...func(map[string]any)) map[string]any {
			c := map[string]any{"direction": direction, "from": "+33 6 12 34 56 78", "to": "+33 1 40 00 00 00",
				"started_at": started.Format(time.RFC3339), "duration": 125, "outcome": "answered", "recording_url": "https://pbx.example/rec/1.mp3"}
			for _, f := range change {
				f(c)
			}
			return c
		}
		inbound := map[string]any{"call": call("inbound"), "notes": "Asked about her refund.", "client_id": "pbx-1"}
		first := w.admin.must(201, "POST", path("/channels/%d/calls", salesCalls), inbound)
		conv := parley.ID(first.num("conversation_id"))
		msg, _ := first.body["message"].(map[string]any)
		if msg["contact_id"] != jo || msg["direction"] != "in" || msg["text"] != "Asked about her refund." || first.body["duplicate"] != false {
			t.Errorf("an inbound call: %s", first.raw)
		}
		if got := w.ana.must(200, "GET", path("/conversations/%d", conv), nil); got.body["contact"].(map[string]any)["id"] != jo || got.body["channel_label"] != "calls" {
			t.Errorf("the conversation a call opens: %s", got.raw)
		}
		if again := w.admin.must(200, "POST", path("/channels/%d/calls", salesCalls), inbound); again.body["duplicate"] != true ||
			parley.ID(again.num("conversation_id")) != conv || again.body["message"].(map[string]any)["id"] != msg["id"] {
			t.Errorf("the same client_id again: %s", again.raw)
		}

		outbound := call("outbound", func(c map[string]any) {
			c["from"], c["to"], c["outcome"], c["duration"] = "+33 1 40 00 00 00", "+33 6 12 34 56 78", "voicemail", 3725
			delete(c, "recording_url")
		})
		out := w.ana.must(201, "POST", path("/conversations/%d/calls", conv), map[string]any{"call": outbound, "notes": "Left a message."})
		if m := out.body["message"].(map[string]any); m["direction"] != "out" || m["author_id"] != float64(w.anaID) {
			t.Errorf("an outbound call: %s", out.raw)
		}

		// On an API channel with a bridge, an outbound call goes nowhere.
		if err := s.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateOrg(context.Background(), "Acme", time.Now()) }); err != nil {
			t.Fatal(err)
		}
		w.admin.must(200, "PUT", path("/outbound-settings"), map[string]any{"allow_private_targets": true})
		w.admin.must(200, "PUT", path("/channels/%d/bridge", w.salesAPI), map[string]any{"url": "http://127.0.0.1:9/sms"})
		w.ana.must(201, "POST", path("/conversations/%d/calls", parley.ID(sms.num("conversation_id"))), map[string]any{"call": outbound})
		if _, err := consume.Replay(context.Background(), s, w.a.webhooks.Consumer(), 0); err != nil {
			t.Fatal(err)
		}
		if tl := w.ana.must(200, "GET", path("/conversations/%d/timeline", parley.ID(sms.num("conversation_id"))), nil); strings.Contains(string(tl.raw), `"bridge":`) {
			t.Errorf("an outbound call was given to the bridge: %s", tl.raw)
		}

		// Both read back whole, as calls, in the timeline.
		tl := w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil)
		var calls []map[string]any
		for _, it := range tl.items() {
			if m, ok := it["message"].(map[string]any); ok && m["call"] != nil {
				calls = append(calls, m["call"].(map[string]any))
			}
		}
		roundTrip := func(c map[string]any) map[string]any {
			b, _ := json.Marshal(c)
			var out map[string]any
			json.Unmarshal(b, &out)
			out["started_at"] = started.Format(time.RFC3339)
			return out
		}
		if diff := cmp.Diff([]map[string]any{roundTrip(call("inbound")), roundTrip(outbound)}, calls); diff != "" {
			t.Errorf("the calls in the timeline (-want +got):\n%s", diff)
		}
		if strings.Count(string(tl.raw), `"delivery":"call"`) != 1 {
			t.Errorf("an outbound call's event says it was delivered nowhere: %s", tl.raw)
		}

		for _, tc := range []struct {
			name   string
			c      *client
			path   string
			body   map[string]any
			status int
			field  string
		}{
			{"a duration over a day", w.ana, path("/conversations/%d/calls", conv), map[string]any{"call": call("inbound", func(c map[string]any) { c["duration"] = 86401 })}, 400, "body.call.duration"},
			{"a negative duration", w.ana, path("/conversations/%d/calls", conv), map[string]any{"call": call("inbound", func(c map[string]any) { c["duration"] = -1 })}, 400, "body.call.duration"},
			{"no direction", w.ana, path("/conversations/%d/calls", conv), map[string]any{"call": call("sideways")}, 400, "body.call.direction"},
			{"a from that is no number", w.ana, path("/conversations/%d/calls", conv), map[string]any{"call": call("inbound", func(c map[string]any) { c["from"] = "call me" })}, 400, "body.call.from"},
			{"a start tomorrow", w.ana, path("/conversations/%d/calls", conv), map[string]any{"call": call("inbound", func(c map[string]any) {
				c["started_at"] = time.Now().Add(24 * time.Hour).Format(time.RFC3339)
			})}, 400, "body.call.started_at"},
			{"an unknown outcome", w.ana, path("/conversations/%d/calls", conv), map[string]any{"call": call("inbound", func(c map[string]any) { c["outcome"] = "dropped" })}, 400, "body.call.outcome"},
			{"a recording that is a script", w.ana, path("/conversations/%d/calls", conv), map[string]any{"call": call("inbound", func(c map[string]any) { c["recording_url"] = "javascript:alert(1)" })}, 400, "body.call.recording_url"},
			{"no call", w.ana, path("/conversations/%d/calls", conv), map[string]any{"notes": "hm"}, 400, "body"},
			{"a conversation of another inbox", w.admin, path("/channels/%d/calls", vipCalls), map[string]any{"call": call("inbound"), "conversation_id": conv}, 400, "body.conversation_id"},
			{"not a call channel", w.admin, path("/channels/%d/calls", w.salesAPI), map[string]any{"call": call("inbound")}, 400, "body.channel"},
			{"the other inbox's channel", w.bob, path("/channels/%d/calls", vipCalls), map[string]any{"call": call("inbound")}, 404, ""},
			{"the other inbox's conversation", w.bob, path("/conversations/%d/calls", parley.ID(w.push(w.vipAPI, "wa-1", "vi@example.org", "Hi").num("conversation_id"))), map[string]any{"call": call("outbound")}, 404, ""},
			{"a viewer on a channel", viewer, path("/channels/%d/calls", salesCalls), map[string]any{"call": call("inbound")}, 403, ""},
			{"a viewer on a conversation", viewer, path("/conversations/%d/calls", conv), map[string]any{"call": call("outbound")}, 403, ""},
			{"a guessed channel", w.ana, path("/channels/%d/calls", vipCalls+1000), map[string]any{"call": call("inbound")}, 404, ""},
			{"a guessed conversation", w.ana, path("/conversations/%d/calls", conv+1000), map[string]any{"call": call("inbound")}, 404, ""},
		} {
			r := tc.c.call("POST", tc.path, tc.body)
			if r.status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, r.status, r.raw, tc.status)
				continue
			}
			if tc.field != "" && !strings.Contains(string(r.raw), `"location":"`+tc.field+`"`) {
				t.Errorf("%s: the error does not name %s: %s", tc.name, tc.field, r.raw)
			}
		}
		if n := strings.Count(string(w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).raw), `"call":{`); n != 2 {
			t.Errorf("refused calls were logged: %d calls in the timeline", n)
		}
	})
}
