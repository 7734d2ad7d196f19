package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestLibraryAPI: templates, snippets, articles and documents through the
// API, as agents, a viewer, an outsider with only a document's link, and
// each user's meeting link.
func TestLibraryAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		vic, _ := w.a.user("vic", parley.RoleViewer)

		sn := w.ana.must(201, "POST", path("/snippets"), map[string]string{"title": "Thanks", "shortcut": "thanks", "body": "Thank you {{contact.first_name}}!"})
		if sn.body["kind"] != "snippet" || sn.body["shortcut"] != "thanks" {
			t.Errorf("snippet: %s", sn.raw)
		}
		w.bob.must(201, "POST", path("/templates"), map[string]string{"title": "Refund", "subject": "Your refund", "body": "<p>Done</p>"})
		w.bob.must(201, "POST", path("/articles"), map[string]string{"title": "Returns", "url": "https://help.example/returns"})
		for _, tc := range []struct {
			who    *client
			method string
			path   string
			body   any
			status int
			names  string
		}{
			{w.ana, "POST", "/snippets", map[string]string{"title": "Dup", "shortcut": "Thanks", "body": "x"}, 409, "shortcut"},
			{w.ana, "POST", "/articles", map[string]string{"title": "Bad", "url": "ftp://x"}, 400, "url"},
			{w.ana, "POST", "/templates", map[string]string{"title": "No body"}, 400, "body"},
			{w.ana, "POST", "/snippets", map[string]any{"title": "x", "shortcut": "y", "body": "z", "colour": "red"}, 400, "colour"},
			{vic, "POST", "/snippets", map[string]string{"title": "V", "shortcut": "v", "body": "x"}, 403, ""},
			{vic, "DELETE", fmt.Sprintf("/snippets/%d", sn.id()), nil, 403, ""},
			{w.ana, "PATCH", fmt.Sprintf("/templates/%d", sn.id()), map[string]string{"title": "x"}, 404, ""},
		} {
			got := tc.who.call(tc.method, path("%s", tc.path), tc.body)
			if got.status != tc.status || !strings.Contains(string(got.raw), tc.names) {
				t.Errorf("%s %s %s: %d %s, want %d naming %q", tc.who.name, tc.method, tc.path, got.status, got.raw, tc.status, tc.names)
			}
		}
		if got := vic.must(200, "GET", path("/snippets"), nil).items(); len(got) != 1 {
			t.Errorf("a viewer's snippets: %v", got)
		}
		w.ana.must(200, "PATCH", path("/snippets/%d", sn.id()), map[string]string{"body": "Merci !"})
		w.ana.must(204, "DELETE", path("/snippets/%d", sn.id()), nil)
		if got := w.bob.must(200, "GET", path("/snippets"), nil).items(); len(got) != 0 {
			t.Errorf("after delete: %v", got)
		}

		// A document: uploaded once, downloaded by whoever holds its link.
		up := w.ana.call("POST", path("/documents?name=Prices.pdf"), "%PDF-1.7 prices", "Content-Type", "application/pdf")
		if up.status != 201 {
			t.Fatalf("add document: %d %s", up.status, up.raw)
		}
		link := up.body["url"].(string)
		if !strings.HasPrefix(link, "http://127.0.0.1/d/") {
			t.Fatalf("link %q", link)
		}
		anon := &client{api: w.a, name: "anyone", http: &http.Client{}}
		got := anon.call("GET", strings.TrimPrefix(link, "http://127.0.0.1"), nil)
		if got.status != 200 || string(got.raw) != "%PDF-1.7 prices" || !strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment") ||
			got.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download by link: %d %v %q", got.status, got.header, got.raw)
		}
		if got := anon.call("GET", "/d/not-a-real-token-at-all-0123456789", nil); got.status != 404 {
			t.Errorf("a guessed link: %d", got.status)
		}
		if got := anon.call("GET", path("/documents"), nil); got.status != 401 {
			t.Errorf("listing documents signed out: %d", got.status)
		}
		w.bob.must(204, "DELETE", path("/documents/%d", up.id()), nil)
		if got := anon.call("GET", strings.TrimPrefix(link, "http://127.0.0.1"), nil); got.status != 404 {
			t.Errorf("a deleted document's link: %d", got.status)
		}

		// Meeting links: one's own, an address.
		me := w.ana.must(200, "PATCH", path("/users/%d", w.anaID), map[string]string{"meeting_link": "https://cal.example/ana"})
		if me.body["meeting_link"] != "https://cal.example/ana" {
			t.Errorf("meeting link: %s", me.raw)
		}
		if got := w.ana.call("PATCH", path("/users/%d", w.anaID), map[string]string{"meeting_link": "javascript:x"}); got.status != 400 || !strings.Contains(string(got.raw), "meeting_link") {
			t.Errorf("a bad meeting link: %d %s", got.status, got.raw)
		}
		if got := w.bob.call("PATCH", path("/users/%d", w.anaID), map[string]string{"meeting_link": "https://evil.example"}); got.status != 403 {
			t.Errorf("someone else's meeting link: %d", got.status)
		}
	})
}
