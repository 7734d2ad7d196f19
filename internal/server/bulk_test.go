package server_test

import (
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// A bulk action on a whole view acts on every conversation the view's query
// selects, not only the ids a client loaded, and says per item what it was,
// so the app can undo it (issue 11, items 2 and 13).
func TestBulkWholeView(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		var sales []parley.ID
		for i := range 3 {
			sales = append(sales, parley.ID(w.push(w.salesAPI, fmt.Sprint("s-", i), fmt.Sprintf("c%d@example.org", i), "hi").num("conversation_id")))
		}
		vip := parley.ID(w.push(w.vipAPI, "v-1", "al@example.org", "hi").num("conversation_id"))

		page := w.ana.must(200, "POST", path("/conversations/bulk?view=open&inbox=%d", w.sales), map[string]any{"all": true, "action": "close"})
		items := page.items()
		if len(items) != len(sales) || page.body["next_cursor"] != nil {
			t.Fatalf("bulk on the view: %s, want %d items and no next page", page.raw, len(sales))
		}
		for _, it := range items {
			before, _ := it["before"].(map[string]any)
			if it["ok"] != true || it["changed"] != true || before["status"] != "open" {
				t.Errorf("item %v, want ok, changed, before open", it)
			}
		}
		for _, id := range sales {
			if got := w.ana.must(200, "GET", path("/conversations/%d", id), nil).body["status"]; got != "closed" {
				t.Errorf("conversation %d is %v, want closed", id, got)
			}
		}
		if got := w.ana.must(200, "GET", path("/conversations/%d", vip), nil).body["status"]; got != "open" {
			t.Errorf("a conversation outside the view is %v, want open", got)
		}
		// Bob may not read VIP: its view is not found, as a list of it is.
		w.bob.must(404, "POST", path("/conversations/bulk?inbox=%d", w.vip), map[string]any{"all": true, "action": "close"})
		w.ana.must(400, "POST", path("/conversations/bulk"), map[string]any{"all": true, "ids": sales, "action": "close"})
	})
}

// The app tells a person what blocking a sender will do before it does, and
// undoing the block puts the sender's conversations back (issue 11, item 2).
func TestBlockPreviewAndUndo(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		conv := parley.ID(w.push(w.salesAPI, "s-1", "pat@example.org", "hi").num("conversation_id"))
		w.push(w.salesAPI, "s-2", "pat@example.org", "again")
		contact := w.ana.must(200, "GET", path("/conversations/%d", conv), nil).body["contact"].(map[string]any)["id"]

		if n := w.ana.must(200, "GET", path("/contacts/%v/block", contact), nil).num("conversations"); n != 1 {
			t.Errorf("block preview: %v conversations, want 1 (the second message joined the first)", n)
		}
		w.ana.must(200, "POST", path("/contacts/%v/block", contact), nil)
		if got := w.ana.must(200, "GET", path("/conversations/%d", conv), nil).body["placement"]; got != "filtered" {
			t.Fatalf("after block: %v, want filtered", got)
		}
		c := w.ana.must(200, "POST", path("/contacts/%v/unblock?undo=true", contact), nil)
		if c.body["blocked"] == true {
			t.Errorf("after undo the contact is still blocked: %s", c.raw)
		}
		if got := w.ana.must(200, "GET", path("/conversations/%d", conv), nil).body["placement"]; got != "inbox" {
			t.Errorf("after undoing the block: %v, want inbox", got)
		}
		w.bob.must(404, "GET", path("/contacts/%v/block", 987654), nil)
	})
}
