package server_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestBadInput checks the contract for bad requests: 400 naming the field,
// 413 when too large, 404 for missing objects, 409 for conflicts, never an
// echo of the input, and nothing half-written.
func TestBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		conv := parley.ID(w.push(w.salesAPI, "s-1", "jo@example.org", "hi").num("conversation_id"))
		c := path("/conversations/%d", conv)
		tests := []struct {
			name         string
			method, path string
			body         any
			status       int
			location     string // the field named, if any
			reason       string // the problem's type names it, for the apps to say it in their language
		}{
			{"unknown field", "POST", c + "/replies", map[string]any{"text": "x", "bogus": "secret-value"}, 400, "body.bogus", ""},
			{"malformed json", "POST", c + "/replies", `{"text": "x"`, 400, "body", ""},
			{"wrong type", "POST", path("/teams"), map[string]any{"name": 5}, 400, "body.name", ""},
			{"missing field", "POST", path("/teams"), map[string]any{}, 400, "body", ""}, // huma: "expected required property name to be present"
			{"empty reply", "POST", c + "/replies", map[string]any{"text": "  "}, 400, "body.text", ""},
			{"bad email", "POST", path("/users"), map[string]any{"email": "nope", "name": "N", "role": "agent"}, 400, "body.email", "email_invalid"},
			{"bad role", "POST", path("/users"), map[string]any{"email": "n@example.com", "name": "N", "role": "owner"}, 400, "body.role", ""},
			{"short password", "POST", path("/users"), map[string]any{"email": "n@example.com", "name": "N", "role": "agent", "password": "short"}, 400, "body.password", "password_short"},
			{"bad cursor", "GET", path("/conversations?cursor=zzz"), nil, 400, "body.cursor", ""},
			{"bad status", "GET", path("/conversations?status=maybe"), nil, 400, "query.status", ""},
			{"bad bulk action", "POST", path("/conversations/bulk"), map[string]any{"ids": []int{1}, "action": "explode"}, 400, "body.action", ""},
			{"empty bulk", "POST", path("/conversations/bulk"), map[string]any{"ids": []int{}, "action": "close"}, 400, "body.ids", ""},
			{"assign to a stranger", "PUT", c + "/assignee", map[string]any{"user_id": 9999}, 400, "body.user_id", ""},
			{"too large", "POST", path("/channels/%d/messages", w.salesAPI), map[string]any{"contact": map[string]string{"email": "a@example.org"}, "text": strings.Repeat("x", 3<<20)}, 413, "", ""},
			{"missing conversation", "GET", path("/conversations/424242"), nil, 404, "", ""},
			{"missing channel", "PATCH", path("/channels/424242"), map[string]any{"enabled": false}, 404, "", ""},
			{"taken email", "POST", path("/users"), map[string]any{"email": "ana@example.com", "name": "A", "role": "agent"}, 409, "body.email", "email_taken"},
			{"taken team name", "POST", path("/teams"), map[string]any{"name": "Tier2"}, 409, "body.name", "name_taken"},
			{"delete outside trash", "DELETE", c, nil, 409, "", ""},
			{"wrong inbox name", "DELETE", path("/inboxes/%d", w.sales), map[string]any{"name": "sales"}, 400, "body.name", "confirm_name"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, _ := s.LastSeq(t.Context())
				cl := w.admin
				if strings.Contains(tt.path, "/conversations") {
					cl = w.ana
				}
				got := cl.call(tt.method, tt.path, tt.body)
				if got.status != tt.status {
					t.Fatalf("%d %s, want %d", got.status, got.raw, tt.status)
				}
				if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
					t.Errorf("Content-Type %q, want an RFC 9457 problem", ct)
				}
				if tt.location != "" && !strings.Contains(string(got.raw), `"location":"`+tt.location+`"`) {
					t.Errorf("%s does not name %s", got.raw, tt.location)
				}
				if want := `"type":"urn:parley:problem:` + tt.reason + `"`; tt.reason != "" && !strings.Contains(string(got.raw), want) {
					t.Errorf("%s has no %s", got.raw, want)
				}
				if strings.Contains(string(got.raw), "secret-value") || len(got.raw) > 4096 {
					t.Errorf("the error echoes the input: %.200s", got.raw)
				}
				if after, _ := s.LastSeq(t.Context()); after != before {
					t.Errorf("a refused request wrote events %d..%d", before+1, after)
				}
			})
		}
	})
}

// TestDisabledChannel checks CHN-1 for the API channel: a push to a channel
// that is off gets 409 and nothing is stored; a reply cannot be sent.
func TestDisabledChannel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		conv := parley.ID(w.push(w.salesAPI, "s-1", "jo@example.org", "hi").num("conversation_id"))
		w.admin.must(200, "PATCH", path("/channels/%d", w.salesAPI), map[string]any{"enabled": false})
		before := len(w.bob.must(200, "GET", path("/conversations?inbox=%d", w.sales), nil).items())
		if r := w.push(w.salesAPI, "s-2", "amy@example.org", "hello?"); r.status != 409 || !strings.Contains(string(r.raw), "turned off") {
			t.Errorf("push to a disabled channel: %d %s, want 409 saying it is off", r.status, r.raw)
		}
		if after := len(w.bob.must(200, "GET", path("/conversations?inbox=%d", w.sales), nil).items()); after != before {
			t.Errorf("the refused push stored a conversation: %d → %d", before, after)
		}
		w.bob.must(409, "POST", path("/conversations/%d/replies", conv), map[string]string{"text": "x"})
		w.admin.must(200, "PATCH", path("/channels/%d", w.salesAPI), map[string]any{"enabled": true})
		w.push(w.salesAPI, "s-2", "amy@example.org", "hello?").mustStatus(t, 201)
	})
}

// TestDeleteInbox checks INB-4: the typed name confirms; conversations and
// channels go; the audit log keeps the deletion.
func TestDeleteInbox(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		conv := parley.ID(w.push(w.vipAPI, "v-1", "jo@example.org", "hi").num("conversation_id"))
		w.admin.must(204, "DELETE", path("/inboxes/%d", w.vip), map[string]any{"name": "VIP"})
		w.admin.must(404, "GET", path("/inboxes/%d", w.vip), nil)
		w.ana.must(404, "GET", path("/conversations/%d", conv), nil)
		w.admin.must(404, "PATCH", path("/channels/%d", w.vipAPI), map[string]any{"enabled": false})
		evs, err := s.EventsAfter(t.Context(), 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Type != parley.EventInboxDeleted || last.InboxID == nil || *last.InboxID != w.vip || !strings.Contains(string(last.Data), `"VIP"`) {
			t.Errorf("last event %s %s, want the audit of VIP's deletion", last.Type, last.Data)
		}
	})
}

// TestPagination walks a list page by page with the cursor.
func TestPagination(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		const n = 7
		for i := range n {
			w.push(w.salesAPI, "p-"+string(rune('a'+i)), string(rune('a'+i))+"@example.org", "hi").mustStatus(t, 201)
		}
		seen := map[float64]bool{}
		var prev string
		cursor := ""
		for page := 0; ; page++ {
			r := w.bob.must(200, "GET", path("/conversations?inbox=%d&limit=3&cursor=%s", w.sales, cursor), nil)
			for _, it := range r.items() {
				id := it["id"].(float64)
				if seen[id] {
					t.Fatalf("conversation %v on two pages", id)
				}
				seen[id] = true
				at := it["last_activity_at"].(string)
				if prev != "" && at > prev {
					t.Errorf("page %d: %s after %s: not newest first", page, at, prev)
				}
				prev = at
			}
			next, _ := r.body["next_cursor"].(string)
			if next == "" {
				break
			}
			cursor = next
			if page > n {
				t.Fatal("pagination does not end")
			}
		}
		if len(seen) != n {
			t.Errorf("walked %d conversations, want %d", len(seen), n)
		}
	})
}

// TestHTMLCleanedOnTheWayIn: HTML from an API client's message and from an
// agent's reply is stored without scripts or handlers.
func TestHTMLCleanedOnTheWayIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		bad := `<p onmouseover="steal()">Hello <b>team</b></p><script>steal()</script>`
		in := w.admin.must(201, "POST", path("/channels/%d/messages", w.salesAPI), map[string]any{
			"client_id": "html-1", "contact": map[string]string{"email": "jo@example.org"}, "html": bad})
		conv := parley.ID(in.num("conversation_id"))
		w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]string{"html": bad})
		var n int
		for _, it := range w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			m, ok := it["message"].(map[string]any)
			if !ok {
				continue
			}
			n++
			if h := m["html"].(string); strings.Contains(h, "steal") || !strings.Contains(h, "<b>team</b>") || m["text"] != "Hello team" {
				t.Errorf("%s stored as %q / %q", it["type"], h, m["text"])
			}
		}
		if n != 2 {
			t.Errorf("%d messages, want 2", n)
		}
		// Nothing left once cleaned is no message.
		for _, p := range []string{path("/conversations/%d/replies", conv), path("/conversations/%d/comments", conv)} {
			if got := w.ana.call("POST", p, map[string]string{"html": "<script>steal()</script>"}); got.status != 400 || !strings.Contains(string(got.raw), "text") {
				t.Errorf("POST %s with only a script: %d %s, want 400 naming text", p, got.status, got.raw)
			}
		}
	})
}
