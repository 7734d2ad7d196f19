package server_test

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestViewsAPI checks the list's query parameters, GET /views and the unread
// marker over HTTP; the views themselves are tested in internal/conversation.
func TestViewsAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		a := parley.ID(w.push(w.salesAPI, "1", "amy@example.org", "The kettle is broken").num("conversation_id"))
		b := parley.ID(w.push(w.salesAPI, "2", "bo@example.org", "Where is my invoice?").num("conversation_id"))
		v := parley.ID(w.push(w.vipAPI, "3", "vip@example.org", "Contract").num("conversation_id"))
		w.ana.must(200, "PUT", path("/conversations/%d/assignee", a), map[string]any{"user_id": w.anaID})
		w.ana.must(200, "POST", path("/conversations/%d/trash", b), nil)

		ids := func(r response) []parley.ID {
			var out []parley.ID
			for _, it := range r.items() {
				out = append(out, parley.ID(it["id"].(float64)))
			}
			return out
		}
		soon := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		for _, tt := range []struct {
			query string
			want  []parley.ID
		}{
			{"view=mine", []parley.ID{a}},
			{"view=open&assignee=none", []parley.ID{v}},
			{"view=all&hide=trash", []parley.ID{v, a}},
			{"view=trash", []parley.ID{b}},
			{"q=kettle", []parley.ID{a}},
			{"q=invoice&hide=trash", nil},
			{"view=all&sort=oldest", []parley.ID{a, b, v}},
			{"view=all&created_from=" + soon, nil},
			{"view=channel:api&inbox=" + itoa(w.vip), []parley.ID{v}},
		} {
			got := ids(w.ana.must(200, "GET", path("/conversations?")+tt.query, nil))
			if !equalIDs(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.query, got, tt.want)
			}
		}
		w.ana.must(400, "GET", path("/conversations?view=nope"), nil)
		w.ana.must(400, "GET", "/api/v1/conversations?q=%22open", nil) // an unbalanced quote

		views := w.ana.must(200, "GET", path("/views"), nil)
		counts := map[string]float64{}
		for _, it := range views.body["views"].([]any) {
			m := it.(map[string]any)
			counts[m["id"].(string)] = m["count"].(float64)
		}
		for view, want := range map[string]float64{"open": 2, "mine": 1, "unassigned": 1, "trash": 1, "channel:api": 2, "closed": 0} {
			if counts[view] != want {
				t.Errorf("views: %s = %v, want %v", view, counts[view], want)
			}
		}
		// bob sees Sales only: VIP's conversation is not counted.
		bobViews := w.bob.must(200, "GET", path("/views"), nil)
		for _, it := range bobViews.body["views"].([]any) {
			if m := it.(map[string]any); m["id"] == "open" && m["count"] != float64(1) {
				t.Errorf("bob's open count = %v, want 1", m["count"])
			}
		}
		w.bob.must(404, "GET", path("/views?inbox=%d", w.vip), nil)

		// Unread: a customer message is unread until read; a new one makes it
		// unread again.
		unread := func() bool {
			return w.ana.must(200, "GET", path("/conversations/%d", a), nil).body["unread"] == true
		}
		if !unread() {
			t.Error("a new conversation is not unread")
		}
		w.ana.must(204, "POST", path("/conversations/%d/read", a), nil)
		if unread() {
			t.Error("still unread after reading")
		}
		w.push(w.salesAPI, "4", "amy@example.org", "Any news?")
		if !unread() {
			t.Error("a new customer message did not make it unread")
		}
		w.bob.must(404, "POST", path("/conversations/%d/read", v), nil)
	})
}

func itoa(id parley.ID) string { return strconv.FormatInt(int64(id), 10) }

func equalIDs(a, b []parley.ID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
