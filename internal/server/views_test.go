package server_test

import (
	"context"
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

// TestRenameShowsAtOnce: the names a page shows are read for that page, so
// a user or team renamed shows on the very next load of the list, the
// conversation and its timeline, and in the next event on an open stream
// (which had already named the user the old way).
func TestRenameShowsAtOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		tier2 := parley.ID(w.admin.must(200, "GET", path("/teams"), nil).items()[0]["id"].(float64))
		conv := parley.ID(w.push(w.vipAPI, "1", "amy@example.org", "The kettle is broken").num("conversation_id"))
		c := path("/conversations/%d", conv)
		w.ana.must(200, "PUT", c+"/assignee", map[string]any{"user_id": w.anaID, "team_id": tier2})

		conn := w.ana.dial(t, -1)
		defer conn.CloseNow()
		time.Sleep(100 * time.Millisecond) // subscribed
		comment := func() string {
			t.Helper()
			w.ana.must(201, "POST", c+"/comments", map[string]string{"text": "On it."})
			for {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				m, err := read(ctx, conn)
				cancel()
				if err != nil {
					t.Fatalf("stream: %v", err)
				}
				if m.Type == parley.EventCommentAdded {
					return m.Actor.Name
				}
			}
		}
		type shown struct{ assignee, initials, team, actor string }
		page := func() []shown {
			t.Helper()
			var out []shown
			for _, cv := range []map[string]any{
				w.ana.must(200, "GET", path("/conversations?view=all"), nil).items()[0],
				w.ana.must(200, "GET", c, nil).body,
			} {
				as, _ := cv["assignee"].(map[string]any)
				tm, _ := cv["team"].(map[string]any)
				tl := w.ana.must(200, "GET", c+"/timeline", nil).items()
				actor, _ := tl[len(tl)-1]["actor"].(map[string]any)
				out = append(out, shown{as["name"].(string), as["initials"].(string), tm["name"].(string), actor["name"].(string)})
			}
			return out
		}

		if got := comment(); got != "ana" {
			t.Errorf("stream before the rename names %q", got)
		}
		for _, got := range page() {
			if want := (shown{"ana", "a", "Tier2", "ana"}); got != want {
				t.Errorf("before the rename: %+v, want %+v", got, want)
			}
		}
		w.ana.must(200, "PATCH", path("/users/%d", w.anaID), map[string]any{"name": "Ana Lima"})
		w.admin.must(200, "PATCH", path("/teams/%d", tier2), map[string]any{"name": "Escalations"})
		for _, got := range page() {
			if want := (shown{"Ana Lima", "AL", "Escalations", "Ana Lima"}); got != want {
				t.Errorf("the next load after the rename: %+v, want %+v", got, want)
			}
		}
		if got := comment(); got != "Ana Lima" {
			t.Errorf("stream after the rename names %q", got)
		}
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
