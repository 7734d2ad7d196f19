package server_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// copiedMail is a customer's email that copied a colleague, a role-based
// address and the inbox itself.
const copiedMail = "From: Jo Lima <jo@client.example>\r\n" +
	"To: sales@parley.test\r\n" +
	"Cc: Pat <pat@client.example>, info@client.example\r\n" +
	"Subject: Order 42\r\n" +
	"Message-ID: <c1@client.example>\r\n" +
	"Date: Sun, 1 Mar 2026 09:00:00 +0000\r\n" +
	"\r\n" +
	"Where is my order?\r\n"

func emails(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, m := range list {
		out = append(out, m.(map[string]any)["email"].(string))
	}
	return out
}

// TestReplyRecipients: the composer is told whom a reply writes to
// (SPEC CMP-1), and a reply that names its recipients goes to exactly
// them; one that does not keeps copying the last email's people.
func TestReplyRecipients(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		res := w.ana.must(201, "POST", path("/channels/%d/mime", w.emailChannel(w.sales)), copiedMail)
		conv := parley.ID(res.num("conversation_id"))

		got := w.ana.must(200, "GET", path("/conversations/%d/recipients", conv), nil)
		if to, cc := emails(got.body["to"]), emails(got.body["cc"]); strings.Join(to, ",") != "jo@client.example" || strings.Join(cc, ",") != "pat@client.example" {
			t.Errorf("recipients: to %v cc %v, want jo, and pat on reply-all", to, cc)
		}
		if got := w.bob.call("GET", path("/conversations/%d/recipients", 987654), nil); got.status != 404 {
			t.Errorf("recipients of a guessed conversation: %d, want 404", got.status)
		}

		for _, tt := range []struct {
			name   string
			body   map[string]any
			to, cc string
		}{
			{"reply", map[string]any{"to": []map[string]string{{"email": "jo@client.example"}}}, "jo@client.example", ""},
			{"reply all, plus one", map[string]any{"to": []map[string]string{{"email": "jo@client.example"}},
				"cc": []map[string]string{{"email": "pat@client.example"}, {"email": "boss@client.example"}}}, "jo@client.example", "pat@client.example,boss@client.example"},
			{"to someone else", map[string]any{"to": []map[string]string{{"email": "billing@client.example"}}}, "billing@client.example", ""},
			{"API default", map[string]any{}, "jo@client.example", "pat@client.example"},
		} {
			tt.body["text"] = "On its way."
			msg := w.ana.must(201, "POST", path("/conversations/%d/replies", conv), tt.body)
			email := msg.body["email"].(map[string]any)
			if to, cc := strings.Join(emails(email["to"]), ","), strings.Join(emails(email["cc"]), ","); to != tt.to || cc != tt.cc {
				t.Errorf("%s: to %q cc %q, want %q and %q", tt.name, to, cc, tt.to, tt.cc)
			}
		}
		if got := w.ana.call("POST", path("/conversations/%d/replies", conv), map[string]any{"text": "x", "to": []map[string]string{{"email": "nope"}}}); got.status != 400 || !strings.Contains(string(got.raw), "to[0].email") {
			t.Errorf("a bad To: %d %s", got.status, got.raw)
		}
	})
}

// TestTokens: contact tokens fill from the contact the address belongs to,
// in new emails as in replies; a token with no value is refused, naming
// it, never sent blank.
func TestTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		res := w.ana.must(201, "POST", path("/channels/%d/mime", w.emailChannel(w.sales)), copiedMail)
		conv := parley.ID(res.num("conversation_id"))

		reply := w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]any{"html": "<p>Hi {{contact.first_name}}, {{ agent.first_name }} here</p>"})
		if html := reply.body["html"].(string); !strings.Contains(html, "Hi Jo, ana here") {
			t.Errorf("reply: %s", html)
		}
		sent := w.ana.must(201, "POST", path("/inboxes/%d/emails", w.sales), map[string]any{"to": map[string]string{"email": "JO@client.example"},
			"subject": "Follow-up", "text": "Hi {{contact.first_name}},"})
		if text := sent.body["message"].(map[string]any)["text"].(string); !strings.HasPrefix(text, "Hi Jo,") {
			t.Errorf("new email to a known contact: %q", text)
		}
		for _, body := range []map[string]any{
			{"to": map[string]string{"email": "stranger@else.example"}, "subject": "Hello", "text": "Hi {{contact.first_name}},"},
			{"to": map[string]string{"email": "jo@client.example"}, "subject": "Hello", "html": "<p>Size {{contact.shoe_size}}</p>"},
		} {
			got := w.ana.call("POST", path("/inboxes/%d/emails", w.sales), body)
			if got.status != 400 || !strings.Contains(string(got.raw), "{{contact.") {
				t.Errorf("%v: %d %s, want 400 naming the token", body, got.status, got.raw)
			}
		}
	})
}
