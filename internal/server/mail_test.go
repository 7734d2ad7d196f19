package server_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// emailChannel returns the built-in email channel of an inbox.
func (w *orgWorld) emailChannel(inbox parley.ID) parley.ID {
	w.a.t.Helper()
	for _, ch := range w.admin.must(200, "GET", path("/inboxes/%d/channels", inbox), nil).items() {
		if ch["kind"] == "email" {
			return parley.ID(ch["id"].(float64))
		}
	}
	w.a.t.Fatalf("inbox %d has no email channel", inbox)
	return 0
}

func fixture(t *testing.T, name string) string {
	raw, err := os.ReadFile("../mail/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestEmailAPI posts raw mail into the VIP inbox, reads it back from the
// timeline with its attachments, and tries the attachment and quarantine
// routes as people who may not see them.
func TestEmailAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		ch := w.emailChannel(w.vip)
		mime := func(c *client, raw string) response {
			return c.call("POST", path("/channels/%d/mime", ch), raw, "Content-Type", "message/rfc822")
		}

		for _, ib := range w.admin.must(200, "GET", path("/inboxes"), nil).items() {
			if ib["address"] != ib["slug"].(string)+"@parley.test" {
				t.Errorf("inbox %v: address %v, want <slug>@parley.test", ib["name"], ib["address"])
			}
		}

		raw := fixture(t, "inline_images.eml")
		first := mime(w.ana, raw)
		if first.status != 201 || first.body["thread_rule"] != "new" {
			t.Fatalf("post MIME: %d %s", first.status, first.raw)
		}
		if again := mime(w.ana, raw); again.status != 200 || again.body["duplicate"] != true || again.num("message_id") != first.num("message_id") {
			t.Errorf("the same message again: %d %s, want 200 with the original", again.status, again.raw)
		}
		if got := mime(w.bob, raw); got.status != 404 {
			t.Errorf("bob posting into VIP: %d, want 404", got.status)
		}

		conv := parley.ID(first.num("conversation_id"))
		var msg map[string]any
		for _, it := range w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			if m, ok := it["message"].(map[string]any); ok {
				msg = m
			}
		}
		atts, _ := msg["attachments"].([]any)
		email, _ := msg["email"].(map[string]any)
		if len(atts) != 2 || email == nil || email["subject"] != "Error screen" || email["raw"] != nil {
			t.Fatalf("timeline message: %v", msg)
		}
		inline := atts[0].(map[string]any)
		html := msg["html"].(string)
		if !strings.Contains(html, `src="`+inline["url"].(string)+`"`) || strings.Contains(html, "cid:") {
			t.Errorf("inline image not pointed at its attachment: %s", html)
		}
		if !strings.Contains(html, `data-remote-src="https://tracker.example/pixel.gif"`) || email["remote_images"] != true {
			t.Errorf("remote image not held back: %s", html)
		}

		pdf := atts[1].(map[string]any)
		url := strings.TrimPrefix(pdf["url"].(string), "/api/v1")
		got := w.ana.call("GET", path("%s", url), nil)
		if got.status != 200 || !strings.HasPrefix(string(got.raw), "%PDF") || got.header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment") || got.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download: %d %v %q", got.status, got.header, got.raw)
		}
		for _, who := range []*client{w.bob} {
			if got := who.call("GET", path("%s", url), nil); got.status != 404 {
				t.Errorf("%s downloading a VIP attachment: %d, want 404", who.name, got.status)
			}
		}
		if got := w.ana.call("GET", path("/attachments/987654"), nil); got.status != 404 {
			t.Errorf("a guessed attachment id: %d, want 404", got.status)
		}

		// Unreadable mail is quarantined, listed for admins only.
		bad := mime(w.ana, fixture(t, "no_from.eml"))
		if bad.status != 201 || bad.num("quarantine_id") == 0 {
			t.Fatalf("broken mail: %d %s, want 201 with a quarantine id", bad.status, bad.raw)
		}
		if got := w.ana.call("GET", path("/quarantine"), nil); got.status != 403 {
			t.Errorf("an agent listing the quarantine: %d, want 403", got.status)
		}
		q := w.admin.must(200, "GET", path("/quarantine"), nil).items()
		if len(q) != 1 || !strings.Contains(q[0]["reason"].(string), "no sender") || q[0]["source"] != "api" {
			t.Fatalf("quarantine: %v", q)
		}
		rawURL := strings.TrimPrefix(q[0]["raw_url"].(string), "/api/v1")
		if got := w.admin.call("GET", path("%s", rawURL), nil); got.status != 200 || string(got.raw) != fixture(t, "no_from.eml") {
			t.Errorf("quarantined raw: %d %q", got.status, got.raw)
		}
		if got := w.ana.call("GET", path("%s", rawURL), nil); got.status != 403 {
			t.Errorf("an agent downloading quarantined mail: %d, want 403", got.status)
		}

		// Bad input names what is wrong.
		if got := w.admin.call("POST", path("/channels/%d/mime", w.vipAPI), raw, "Content-Type", "message/rfc822"); got.status != 400 || !strings.Contains(string(got.raw), "email channel") {
			t.Errorf("MIME into an API channel: %d %s, want 400", got.status, got.raw)
		}
		if got := w.admin.call("POST", path("/channels/%d/mime", ch), "", "Content-Type", "message/rfc822"); got.status != 400 {
			t.Errorf("empty MIME: %d %s, want 400", got.status, got.raw)
		}
	})
}

// TestSendEmailAPI: the edges of starting a conversation by email.
func TestSendEmailAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		vic, _ := w.a.user("vic", parley.RoleViewer)
		ok := map[string]any{"to": map[string]string{"email": "lead@prospect.example"}, "subject": "Hello", "text": "Welcome"}
		res := w.ana.must(201, "POST", path("/inboxes/%d/emails", w.sales), ok)
		conv := res.body["conversation"].(map[string]any)
		msg := res.body["message"].(map[string]any)
		if conv["contact"].(map[string]any)["email"] != "lead@prospect.example" || msg["email"].(map[string]any)["delivery"] != "queued" {
			t.Errorf("sent: %s", res.raw)
		}
		if items := w.ana.must(200, "GET", path("/conversations?view=sent"), nil).items(); len(items) != 1 {
			t.Errorf("sent view has %d items, want 1", len(items))
		}
		for _, tt := range []struct {
			who    *client
			inbox  parley.ID
			body   map[string]any
			status int
			field  string
		}{
			{w.bob, w.vip, ok, 404, ""},
			{vic, w.sales, ok, 403, ""},
			{w.ana, w.sales, map[string]any{"to": map[string]string{"email": "not an address"}, "subject": "x", "text": "y"}, 400, "to.email"},
			{w.ana, w.sales, map[string]any{"to": map[string]string{"email": "a@b.example"}, "subject": " ", "text": "y"}, 400, "subject"},
			{w.ana, w.sales, map[string]any{"to": map[string]string{"email": "a@b.example"}, "subject": "x"}, 400, "text"},
			{w.ana, w.sales, map[string]any{"to": map[string]string{"email": "a@b.example"}, "cc": []map[string]string{{"email": "bad"}}, "subject": "x", "text": "y"}, 400, "cc[0].email"},
		} {
			got := tt.who.call("POST", path("/inboxes/%d/emails", tt.inbox), tt.body)
			if got.status != tt.status || !strings.Contains(string(got.raw), tt.field) {
				t.Errorf("%s → inbox %d %v: %d %s, want %d naming %q", tt.who.name, tt.inbox, tt.body, got.status, got.raw, tt.status, tt.field)
			}
		}
	})
}

// TestMailboxChannelAPI: connecting a mailbox through the API — its
// password is never shown, survives edits that leave it out, and the same
// mailbox cannot be connected twice.
func TestMailboxChannelAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		imap := map[string]any{"host": "127.0.0.1", "port": 1143, "security": "none", "username": "support@acme.example", "password": "hunter2"}
		ch := w.admin.must(201, "POST", path("/inboxes/%d/channels", w.sales), map[string]any{"kind": "email", "name": "Shared", "config": map[string]any{"imap": imap}})
		if strings.Contains(string(ch.raw), "hunter2") {
			t.Errorf("the password came back: %s", ch.raw)
		}
		id := ch.id()
		w.admin.must(200, "PATCH", path("/channels/%d", id), map[string]any{"config": map[string]any{"imap": map[string]any{
			"host": "127.0.0.1", "port": 1143, "security": "none", "username": "support@acme.example"}, "from_name": "company"}})
		stored, _ := s.Channel(t.Context(), id)
		if set := stored.EmailSettings(); set.IMAP == nil || set.IMAP.Password != "hunter2" || set.FromName != "company" {
			t.Errorf("after an edit without the password: %s", stored.Config)
		}
		for _, c := range w.ana.must(200, "GET", path("/inboxes/%d/channels", w.sales), nil).items() {
			if c["id"] == float64(id) && (c["mailbox"] == nil || strings.Contains(fmt.Sprint(c), "hunter2")) {
				t.Errorf("channel as listed: %v", c)
			}
		}
		again := w.admin.call("POST", path("/inboxes/%d/channels", w.vip), map[string]any{"kind": "email", "name": "Twice", "config": map[string]any{"imap": imap}})
		if again.status != 409 || !strings.Contains(string(again.raw), "config.imap") {
			t.Errorf("the same mailbox twice: %d %s, want 409 naming config.imap", again.status, again.raw)
		}
		bad := w.admin.call("POST", path("/inboxes/%d/channels", w.vip), map[string]any{"kind": "email", "name": "Clear",
			"config": map[string]any{"imap": map[string]any{"host": "imap.example.com", "security": "none", "username": "x"}}})
		if bad.status != 400 || !strings.Contains(string(bad.raw), "config.imap.security") {
			t.Errorf("a password in the clear over the network: %d %s, want 400", bad.status, bad.raw)
		}
	})
}

// TestUploads: a file uploaded is its uploader's to attach, once; too big
// is 413.
func TestUploads(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		ch := w.emailChannel(w.sales)
		conv := parley.ID(w.admin.call("POST", path("/channels/%d/mime", ch), fixture(t, "latin1.eml"), "Content-Type", "message/rfc822").num("conversation_id"))
		png := "\\x89PNG fake image bytes"
		up := w.ana.call("POST", path("/uploads?name=screen%%20shot.png"), png, "Content-Type", "image/png")
		if up.status != 201 || up.body["name"] != "screen shot.png" || up.body["content_type"] != "image/png" || up.num("size") != float64(len(png)) {
			t.Fatalf("upload: %d %s", up.status, up.raw)
		}
		if got := w.bob.call("POST", path("/conversations/%d/replies", conv), map[string]any{"text": "x", "attachments": []parley.ID{up.id()}}); got.status != 400 || !strings.Contains(string(got.raw), "attachments[0]") {
			t.Errorf("bob attaching ana's upload: %d %s, want 400 naming attachments[0]", got.status, got.raw)
		}
		r := w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]any{"text": "See attached", "attachments": []parley.ID{up.id()}})
		atts, _ := r.body["attachments"].([]any)
		if len(atts) != 1 || atts[0].(map[string]any)["name"] != "screen shot.png" {
			t.Fatalf("reply attachments: %v", atts)
		}
		url := strings.TrimPrefix(atts[0].(map[string]any)["url"].(string), "/api/v1")
		if got := w.ana.call("GET", path("%s", url), nil); got.status != 200 || string(got.raw) != png {
			t.Errorf("download: %d %q", got.status, got.raw)
		}
		if got := w.ana.call("POST", path("/conversations/%d/replies", conv), map[string]any{"text": "again", "attachments": []parley.ID{up.id()}}); got.status != 400 {
			t.Errorf("an upload attached twice: %d, want 400", got.status)
		}
		if got := w.ana.call("POST", path("/uploads?name=x.bin"), "", "Content-Type", "application/octet-stream"); got.status != 400 {
			t.Errorf("empty upload: %d %s", got.status, got.raw)
		}
		if got := w.ana.call("POST", path("/uploads"), "data", "Content-Type", "text/plain"); got.status != 400 || !strings.Contains(string(got.raw), "name") {
			t.Errorf("upload without a name: %d %s", got.status, got.raw)
		}
	})
}

// TestUploadTooLarge: over the limit is 413, and nothing is kept.
func TestUploadTooLarge(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s, server.Config{BaseURL: "http://127.0.0.1", MaxMessageBytes: 1 << 10})
		ana, _ := a.user("ana", parley.RoleAgent)
		if got := ana.call("POST", path("/uploads?name=big.bin"), strings.Repeat("x", 2<<10), "Content-Type", "application/octet-stream"); got.status != 413 {
			t.Errorf("an upload over the limit: %d %s, want 413", got.status, got.raw)
		}
	})
}

// TestFromAddressAPI: only admins ask for a from-address; following the
// link only shows a button (scanners open links), and a bogus link
// confirms nothing.
func TestFromAddressAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		ch := w.emailChannel(w.sales)
		body := map[string]string{"email": "help@acme.example"}
		if got := w.ana.call("POST", path("/channels/%d/from-address", ch), body); got.status != 403 {
			t.Errorf("an agent asking: %d, want 403", got.status)
		}
		if got := w.admin.call("POST", path("/channels/%d/from-address", ch), map[string]string{"email": "not an address"}); got.status != 400 || !strings.Contains(string(got.raw), "email") {
			t.Errorf("a bad address: %d %s, want 400 naming email", got.status, got.raw)
		}
		if got := w.admin.call("POST", path("/channels/%d/from-address", w.vipAPI), body); got.status != 400 {
			t.Errorf("an API channel: %d %s, want 400", got.status, got.raw)
		}
		w.admin.must(204, "POST", path("/channels/%d/from-address", ch), body)
		if got := w.admin.call("GET", "/verify-from/sometoken", nil); got.status != 200 || !strings.Contains(string(got.raw), `method="post"`) {
			t.Errorf("the link's page: %d %s, want a form", got.status, got.raw)
		}
		if got := w.admin.call("GET", "/verify-from/sometoken", nil, "Accept-Language", "fr-FR,fr;q=0.9"); !strings.Contains(string(got.raw), `<html lang="fr">`) || !strings.Contains(string(got.raw), "Confirmer") {
			t.Errorf("the link's page in French: %s", got.raw)
		}
		if got := w.admin.call("POST", "/verify-from/sometoken", nil); got.status != 404 {
			t.Errorf("a bogus link: %d, want 404", got.status)
		}
		stored, _ := s.Channel(t.Context(), ch)
		if set := stored.EmailSettings(); set.FromAddress != "" {
			t.Errorf("from-address set without confirmation: %q", set.FromAddress)
		}
	})
}
