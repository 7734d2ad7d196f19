package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestChatFlowPicture: a flow's own picture (SPEC CHT-5, CHT-8) is an image
// told by its bytes, set by admins only, kept when the flow is saved, shown
// to the widget at a signed address that changes with the picture, and
// gone when removed; a guessed address or another inbox finds nothing.
func TestChatFlowPicture(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		site := &client{api: w.a, name: "site", http: &http.Client{}}
		flow := w.admin.must(201, "POST", path("/inboxes/%d/chat-flows", w.sales), map[string]any{"name": "Shop", "enabled": true,
			"heading": map[string]any{"kind": "custom", "name": "The shop team"}}).id()
		picture := path("/inboxes/%d/chat-flows/%d/picture", w.sales, flow)
		png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"

		for _, tc := range []struct {
			name string
			who  *client
			path string
			body string
			want int
		}{
			{"an agent", w.ana, picture, png, 403},
			{"an SVG said to be a PNG", w.admin, picture, "<svg onload=alert(1)>", 400},
			{"nothing", w.admin, picture, "", 400},
			{"another inbox's flow", w.admin, path("/inboxes/%d/chat-flows/%d/picture", w.vip, flow), png, 404},
		} {
			if got := tc.who.call("PUT", tc.path, tc.body, "Content-Type", "image/png"); got.status != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.name, got.status, got.raw, tc.want)
			}
		}
		set := w.admin.call("PUT", picture, png, "Content-Type", "image/png")
		pic, _ := set.body["picture"].(map[string]any)
		url, _ := pic["url"].(string)
		if set.status != 200 || !strings.HasPrefix(url, "/widget/v1/flows/") || pic["type"] != "image/png" {
			t.Fatalf("set: %d %s", set.status, set.raw)
		}
		got := site.call("GET", url, nil)
		if got.status != 200 || string(got.raw) != png || got.header.Get("Content-Type") != "image/png" ||
			got.header.Get("Cross-Origin-Resource-Policy") != "cross-origin" || !strings.Contains(got.header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("served: %d %v", got.status, got.header)
		}
		if got := site.call("GET", url[:len(url)-4]+"AAAA", nil); got.status != 404 {
			t.Errorf("a guessed address: %d", got.status)
		}
		config := site.must(200, "GET", "/widget/v1/config?inbox="+key+"&url="+shop, nil)
		if config.body["picture"] != url || config.body["title"] != "The shop team" {
			t.Errorf("the widget is shown %v, %v; want the picture and the heading's name", config.body["picture"], config.body["title"])
		}

		w.admin.must(200, "PUT", path("/inboxes/%d/chat-flows/%d", w.sales, flow), map[string]any{"name": "Shop", "enabled": true,
			"picture": map[string]any{"url": "/elsewhere", "blob": "forged", "type": "image/png"}})
		kept := w.admin.must(200, "GET", path("/inboxes/%d/chat-flows", w.sales), nil).items()[0]["picture"].(map[string]any)
		if kept["url"] != url || kept["blob"] == "forged" {
			t.Errorf("saving the flow changed its picture: %v", kept)
		}

		if got := w.admin.must(200, "DELETE", picture, nil); got.body["picture"] != nil {
			t.Errorf("removed: %s", got.raw)
		}
		if got := site.call("GET", url, nil); got.status != 404 {
			t.Errorf("a removed picture is still served: %d", got.status)
		}
		if got := site.must(200, "GET", "/widget/v1/config?inbox="+key+"&url="+shop, nil); got.body["picture"] != nil {
			t.Errorf("the widget still shows a removed picture: %v", got.body["picture"])
		}
	})
}
