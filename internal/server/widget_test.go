package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

const shop = "https://shop.example"

// chatChannel makes a chat channel in Sales that shop.example may show, and
// returns its id and public key.
func chatChannel(t *testing.T, w *orgWorld) (parley.ID, string) {
	t.Helper()
	ch := w.admin.must(201, "POST", path("/inboxes/%d/channels", w.sales), map[string]any{
		"kind": "chat", "name": "Shop chat", "config": map[string]any{"allowed_origins": []string{"https://Shop.example/"}}})
	key, _ := ch.body["public_key"].(string)
	if len(key) < 20 {
		t.Fatalf("a chat channel's public key: %s", ch.raw)
	}
	if got := ch.body["config"].(map[string]any)["allowed_origins"].([]any); len(got) != 1 || got[0] != shop {
		t.Errorf("allowed origins as stored: %v, want [%s]", got, shop)
	}
	return ch.id(), key
}

// TestWidgetEndpoints: the loader may be loaded by any site; the chat's
// configuration is readable from its allowed sites only, and its frame
// embeddable by them only; a bad origin is refused naming the field.
func TestWidgetEndpoints(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		site := &client{api: w.a, name: "site", http: &http.Client{}}

		if got := site.call("GET", "/widget.js", nil); got.status != 200 || got.header.Get("Cross-Origin-Resource-Policy") != "cross-origin" ||
			!strings.Contains(got.header.Get("Content-Type"), "javascript") {
			t.Errorf("loader: %d %v", got.status, got.header)
		}
		config := "/widget/v1/config?inbox=" + key
		got := site.call("GET", config, nil, "Origin", shop)
		if got.status != 200 || got.header.Get("Access-Control-Allow-Origin") != shop || got.body["title"] != "Shop chat" || got.body["online"] != true {
			t.Errorf("config from the allowed site: %d %v %s", got.status, got.header, got.raw)
		}
		if got := site.call("OPTIONS", config, nil, "Origin", shop, "Access-Control-Request-Method", "GET"); got.status != 204 ||
			got.header.Get("Access-Control-Allow-Origin") != shop {
			t.Errorf("preflight from the allowed site: %d %v", got.status, got.header)
		}
		for _, origin := range []string{"https://evil.example", "http://shop.example", "https://shop.example.evil.example"} {
			if got := site.call("GET", config, nil, "Origin", origin); got.status != 403 || got.header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("config from %s: %d %v, want 403 without CORS", origin, got.status, got.header)
			}
		}
		for _, k := range []string{"", "nope", strings.Repeat("x", 100)} {
			if got := site.call("GET", "/widget/v1/config?inbox="+k, nil); got.status != 404 {
				t.Errorf("config of chat %q: %d, want 404", k, got.status)
			}
		}
		frame := site.call("GET", "/widget/frame?inbox="+key, nil)
		csp := frame.header.Get("Content-Security-Policy")
		if frame.status != 200 || !strings.Contains(csp, "frame-ancestors 'self' "+shop) || strings.Contains(csp, "frame-ancestors 'none'") ||
			frame.header.Get("X-Frame-Options") != "" {
			t.Errorf("frame: %d, CSP %q, X-Frame-Options %q", frame.status, csp, frame.header.Get("X-Frame-Options"))
		}
		if got := site.call("GET", "/widget/frame?inbox=nope", nil); got.status != 404 {
			t.Errorf("frame of no chat: %d", got.status)
		}

		for _, bad := range []struct{ origin, field string }{
			{"shop.example", "config.allowed_origins[0]"},
			{"ftp://shop.example", "config.allowed_origins[0]"},
			{"https://shop.example/path", "config.allowed_origins[0]"},
		} {
			got := w.admin.call("POST", path("/inboxes/%d/channels", w.sales), map[string]any{
				"kind": "chat", "name": "Bad", "config": map[string]any{"allowed_origins": []string{bad.origin}}})
			if got.status != 400 || !strings.Contains(string(got.raw), bad.field) {
				t.Errorf("origin %q: %d %s, want 400 naming %s", bad.origin, got.status, got.raw, bad.field)
			}
		}
	})
}

// visitor is a chat widget's stream in a test.
type visitor struct {
	t             *testing.T
	conn          *websocket.Conn
	token         string
	online        bool
	identityError string
}

type widgetMsg struct {
	Type          string `json:"type"`
	Token         string `json:"token"`
	Online        *bool  `json:"online"`
	ClientID      string `json:"client_id"`
	Status        int    `json:"status"`
	Reason        string `json:"reason"`
	RetryAfter    int    `json:"retry_after"`
	Author        string `json:"author"`
	IdentityError string `json:"identity_error"`
	Message       *struct {
		ID             parley.ID `json:"id"`
		ConversationID parley.ID `json:"conversation_id"`
		From           string    `json:"from"`
		Author         string    `json:"author"`
		Bot            *struct {
			Step     string   `json:"step"`
			Buttons  []string `json:"buttons"`
			Retry    bool     `json:"retry"`
			Articles []struct {
				Title string `json:"title"`
				URL   string `json:"url"`
			} `json:"articles"`
		} `json:"bot"`
		Text  string `json:"text"`
		Files []struct {
			Name        string `json:"name"`
			ContentType string `json:"content_type"`
			URL         string `json:"url"`
		} `json:"files"`
	} `json:"message"`
}

// openWidget connects to a chat as the visitor a token names (a new one
// for ""), having the messages up to after.
func openWidget(t *testing.T, w *orgWorld, key, token string, after parley.ID) *visitor {
	t.Helper()
	v := openWidgetAs(t, w, key, token, "", after)
	if v.token == "" {
		t.Fatal("hello: no identity")
	}
	return v
}

// openWidgetAs connects as a site's signed-in user too (identity).
func openWidgetAs(t *testing.T, w *orgWorld, key, token, identity string, after parley.ID, lang ...string) *visitor {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(w.a.url, "http")+"/widget/v1/stream?inbox="+key, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	conn.SetReadLimit(1 << 20)
	v := &visitor{t: t, conn: conn}
	hello := map[string]any{"type": "hello", "token": token, "identity": identity, "after": after}
	if len(lang) > 0 {
		hello["lang"] = lang[0]
	}
	v.send(hello)
	said := v.next()
	if said.Type != "hello" {
		t.Fatalf("hello: %+v", said)
	}
	v.token, v.online, v.identityError = said.Token, said.Online != nil && *said.Online, said.IdentityError
	return v
}

func (v *visitor) send(frame map[string]any) {
	v.t.Helper()
	b, _ := json.Marshal(frame)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := v.conn.Write(ctx, websocket.MessageText, b); err != nil {
		v.t.Fatalf("write: %v", err)
	}
}

func (v *visitor) next() widgetMsg {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, raw, err := v.conn.Read(ctx)
	if err != nil {
		v.t.Fatalf("read: %v", err)
	}
	var m widgetMsg
	if err := json.Unmarshal(raw, &m); err != nil {
		v.t.Fatal(err)
	}
	return m
}

func (v *visitor) write(clientID, text string) widgetMsg {
	v.t.Helper()
	v.send(map[string]any{"type": "message", "client_id": clientID, "text": text, "url": shop + "/pricing"})
	return v.next()
}

// TestWidgetChat: a visitor writes and is acknowledged once per client id;
// an agent reads it and answers, and the answer — not the internal note
// beside it — reaches the visitor live and again on reconnection; another
// visitor, or a forged identity, sees none of it.
func TestWidgetChat(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		chID, key := chatChannel(t, w)

		ana := openWidget(t, w, key, "", 0)
		first := ana.write("c1", "Hello, is my order shipped?")
		if first.Type != "ack" || first.ClientID != "c1" || first.Message == nil || first.Message.From != "visitor" || first.Message.Text != "Hello, is my order shipped?" {
			t.Fatalf("ack: %+v", first)
		}
		conv := first.Message.ConversationID
		if again := ana.write("c1", "Hello, is my order shipped?"); again.Type != "ack" || again.Message.ID != first.Message.ID {
			t.Errorf("the same client id again: %+v, want the first's ack", again)
		}

		// The agent's side: one message, from the page the visitor was on.
		thread := w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items()
		var received []map[string]any
		for _, it := range thread {
			if it["type"] == "message.received" {
				received = append(received, it)
			}
		}
		if len(received) != 1 || received[0]["data"].(map[string]any)["page_url"] != shop+"/pricing" {
			t.Fatalf("the agent sees %d messages: %v", len(received), received)
		}
		if c := w.ana.must(200, "GET", path("/conversations/%d", conv), nil); c.body["channel"] != "chat" {
			t.Errorf("conversation: %s", c.raw)
		}
		w.ana.must(201, "POST", path("/conversations/%d/comments", conv), map[string]string{"text": "Internal: check the warehouse"})
		w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]string{"text": "Yes, it left this morning."})
		reply := ana.next()
		if reply.Type != "message" || reply.Message.From != "agent" || reply.Message.Text != "Yes, it left this morning." || reply.Message.Author != "ana" {
			t.Fatalf("the visitor's next frame: %+v, want the reply, not the note", reply)
		}

		// Reconnecting with the identity: what it missed, and only that.
		back := openWidget(t, w, key, ana.token, first.Message.ID)
		if got := back.next(); got.Type != "message" || got.Message.ID != reply.Message.ID {
			t.Errorf("after reconnecting: %+v, want only the reply", got)
		}
		// A forward to someone outside, with its note, is not the visitor's
		// to read.
		if fw := w.ana.call("POST", path("/conversations/%d/forwards", conv), map[string]any{
			"to": []map[string]string{{"email": "warehouse@acme.example"}}, "text": "Internal: where is it?"}); fw.status != 201 {
			t.Fatalf("forward: %d %s", fw.status, fw.raw)
		}
		// Nor is a phone call logged in the conversation, either way.
		for _, direction := range []string{"inbound", "outbound"} {
			w.ana.must(201, "POST", path("/conversations/%d/calls", conv), map[string]any{"notes": "Internal: called about it.", "call": map[string]any{
				"direction": direction, "from": "+33 6 12 34 56 78", "to": "+33 1 40 00 00 00", "started_at": time.Now().Add(-time.Minute).Format(time.RFC3339), "duration": 60, "outcome": "answered"}})
		}
		all := openWidget(t, w, key, ana.token, 0)
		if a, b := all.next(), all.next(); a.Message.ID != first.Message.ID || b.Message.ID != reply.Message.ID {
			t.Errorf("the whole history: %+v %+v", a, b)
		}
		if more := all.write("after-forward", "ok"); more.Type != "ack" {
			t.Errorf("after the history, the next frame is %+v: the forward leaked", more)
		}
		if echo := ana.next(); echo.Type != "message" || echo.Message.Text != "ok" {
			t.Errorf("the other tab hears of it: %+v, want the visitor's own message, not the forward", echo)
		}

		// Another visitor, and a forged identity, start afresh.
		for name, token := range map[string]string{"another visitor": "", "a forged identity": "x" + ana.token} {
			other := openWidget(t, w, key, token, 0)
			if other.token == ana.token {
				t.Fatalf("%s was given ana's identity", name)
			}
			mine := other.write("c1", "Hi")
			if mine.Type != "ack" || mine.Message.ConversationID == conv {
				t.Errorf("%s wrote into ana's conversation: %+v", name, mine)
			}
		}

		// Too long, too fast, turned off.
		if got := ana.write("big", strings.Repeat("a", 17<<10)); got.Type != "error" || got.Status != 413 || got.ClientID != "big" {
			t.Errorf("too long: %+v, want a 413", got)
		}
		limited := false
		for i := range 15 {
			got := ana.write(fmt.Sprintf("burst-%d", i), "again")
			if got.Type == "error" && got.Status == 429 && got.RetryAfter >= 1 {
				limited = true
				break
			}
		}
		if !limited {
			t.Error("15 messages at once: never told to slow down")
		}
		w.admin.must(200, "PATCH", path("/channels/%d", chID), map[string]any{"enabled": false})
		late := openWidget(t, w, key, "", 0)
		if late.online {
			t.Error("a chat turned off says it is online")
		}
		if got := late.write("late", "Anyone?"); got.Type != "error" || got.Status != 409 || got.Reason != "channel_off" {
			t.Errorf("a chat turned off: %+v", got)
		}

		// Only the frame's own origin may open the stream.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(w.a.url, "http")+"/widget/v1/stream?inbox="+key,
			&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {shop}}})
		if err == nil || res == nil || res.StatusCode != 403 {
			t.Errorf("a stream opened from another origin: %v %v, want 403", err, res)
		}
	})
}

// TestWidgetEmailAndConsent: what a visitor agrees to is kept on their
// contact with its words; an email nobody has becomes theirs; an email
// another contact has is only said in the timeline — the visitor is not
// moved onto that contact, sees none of its conversations and cannot
// consent in its name.
func TestWidgetEmailAndConsent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		private := w.push(w.salesAPI, "jo-1", "jo@client.example", "My account number is 1234")
		jo := parley.ID(w.admin.must(200, "GET", path("/conversations/%d", parley.ID(private.num("conversation_id"))), nil).body["contact"].(map[string]any)["id"].(float64))

		v := openWidget(t, w, key, "", 0)
		v.send(map[string]any{"type": "message", "client_id": "m1", "text": "Hi", "consent": map[string]string{
			"processing": "I agree that Acme keeps this chat.", "subscription": "Newsletter", "subscription_text": "Send me the newsletter"}})
		first := v.next()
		if first.Type != "ack" {
			t.Fatalf("first message: %+v", first)
		}
		conv := first.Message.ConversationID
		anon := parley.ID(w.admin.must(200, "GET", path("/conversations/%d", conv), nil).body["contact"].(map[string]any)["id"].(float64))
		consents := w.admin.must(200, "GET", path("/contacts/%d/consents", anon), nil).items()
		if len(consents) != 2 || consents[0]["kind"] != "processing" || consents[0]["text"] != "I agree that Acme keeps this chat." ||
			consents[1]["subscription"] != "Newsletter" || consents[1]["given_at"] == nil {
			t.Errorf("consents: %v", consents)
		}

		v.send(map[string]any{"type": "email", "client_id": "e1", "email": "not an address"})
		if got := v.next(); got.Type != "error" || got.Status != 400 || got.ClientID != "e1" {
			t.Errorf("a bad email: %+v", got)
		}
		v.send(map[string]any{"type": "email", "client_id": "e2", "email": "Jo@Client.example"})
		if got := v.next(); got.Type != "ack" || got.ClientID != "e2" {
			t.Fatalf("an email: %+v", got)
		}
		// Nobody proved it is theirs: the chat stays the visitor's own
		// contact's, the timeline says whose address it is, and what they
		// agree to next stays theirs.
		c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil)
		if got := parley.ID(c.body["contact"].(map[string]any)["id"].(float64)); got != anon {
			t.Errorf("the chat's contact after another's email: %d, want the visitor's own (%d), not jo's (%d)", got, anon, jo)
		}
		claimed := false
		for _, it := range w.admin.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			if d, _ := it["data"].(map[string]any); it["type"] == "conversation.contact_claimed" && d["email"] == "jo@client.example" {
				claimed = true
			}
		}
		if !claimed {
			t.Error("the timeline does not say the visitor gave jo's address")
		}
		back := openWidget(t, w, key, v.token, 0)
		if got := back.next(); got.Type != "message" || got.Message.ConversationID != conv || got.Message.Text != "Hi" {
			t.Errorf("after giving jo's email, the widget shows %+v", got)
		}
		back.send(map[string]any{"type": "message", "client_id": "m2", "text": "Still me", "consent": map[string]string{"processing": "x", "subscription": "Spam"}})
		if again := back.next(); again.Message.ConversationID != conv {
			t.Errorf("writing again went to %d, want %d", again.Message.ConversationID, conv)
		}
		if got := w.admin.must(200, "GET", path("/contacts/%d/consents", jo), nil).items(); len(got) != 0 {
			t.Errorf("consent recorded on jo's contact by someone who typed jo's address: %v", got)
		}

		// Email first, before writing: their first conversation is that contact's.
		early := openWidget(t, w, key, "", 0)
		early.send(map[string]any{"type": "email", "client_id": "e1", "email": "new@visitor.example"})
		if got := early.next(); got.Type != "ack" {
			t.Fatalf("an email before writing: %+v", got)
		}
		m := early.write("m1", "Hello")
		got := w.admin.must(200, "GET", path("/conversations/%d", m.Message.ConversationID), nil).body["contact"].(map[string]any)
		if got["email"] != "new@visitor.example" {
			t.Errorf("the first conversation of a visitor who gave their email: contact %v", got)
		}
	})
}

// TestWidgetBlocked: a blocked visitor may still open the chat and write —
// nothing tells them — but what they write never reaches the inbox (SPEC
// CNV-7).
func TestWidgetBlocked(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		v := openWidget(t, w, key, "", 0)
		first := v.write("m1", "Buy cheap watches")
		conv := first.Message.ConversationID
		contact := parley.ID(w.admin.must(200, "GET", path("/conversations/%d", conv), nil).body["contact"].(map[string]any)["id"].(float64))
		w.ana.must(200, "POST", path("/contacts/%d/block", contact), nil)

		// A page that is no web address is not kept (it is shown as a link).
		v.send(map[string]any{"type": "message", "client_id": "m2", "text": "Really cheap", "url": "javascript:alert(1)"})
		again := v.next()
		if again.Type != "ack" {
			t.Fatalf("a blocked visitor writing: %+v, want an ordinary ack", again)
		}
		for _, it := range w.admin.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			if d, _ := it["data"].(map[string]any); d != nil && strings.HasPrefix(fmt.Sprint(d["page_url"]), "javascript") {
				t.Errorf("a javascript: page was kept: %v", d)
			}
		}
		c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil)
		if c.body["placement"] != "filtered" {
			t.Errorf("a blocked visitor's conversation: %s, want filtered", c.body["placement"])
		}
		open := w.ana.must(200, "GET", path("/conversations?inbox=%d&view=open", w.sales), nil).items()
		for _, it := range open {
			if parley.ID(it["id"].(float64)) == conv {
				t.Errorf("a blocked visitor's conversation is in the inbox's open view")
			}
		}
	})
}

// signUser makes a site's signed-in user's identity, as README shows.
func signUser(secret string, user map[string]any) string {
	b, _ := json.Marshal(user)
	p := base64.RawURLEncoding.EncodeToString(b)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(p))
	return p + "." + hex.EncodeToString(m.Sum(nil))
}

// TestWidgetIdentity: a site's signed-in user, signed with the chat's
// secret, finds their conversation on every device, as the contact with
// their email; only admins read the secret; a rotated secret refuses the
// old signatures; an expired identity goes on anonymous and says why.
func TestWidgetIdentity(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		chID, key := chatChannel(t, w)
		secretPath := path("/channels/%d/identity-secret", chID)
		if got := w.ana.call("GET", secretPath, nil); got.status != 403 {
			t.Errorf("an agent reading the identity secret: %d", got.status)
		}
		secret := w.admin.must(200, "GET", secretPath, nil).body["secret"].(string)
		if len(secret) < 40 {
			t.Fatalf("identity secret: %q", secret)
		}
		for _, ch := range w.admin.must(200, "GET", path("/inboxes/%d/channels", w.sales), nil).items() {
			if strings.Contains(fmt.Sprint(ch), secret) {
				t.Errorf("the channel list shows the identity secret: %v", ch)
			}
		}
		exp := time.Now().Add(time.Hour).Unix()
		ana := signUser(secret, map[string]any{"id": "42", "email": "ana@shop.example", "name": "Ana Shopper", "exp": exp})

		phone := openWidgetAs(t, w, key, "", ana, 0)
		if phone.identityError != "" {
			t.Fatalf("a good identity refused: %s", phone.identityError)
		}
		first := phone.write("p1", "From my phone")
		laptop := openWidgetAs(t, w, key, "", ana, 0)
		if got := laptop.next(); got.Type != "message" || got.Message.ID != first.Message.ID {
			t.Errorf("on another device: %+v, want the phone's message", got)
		}
		contact := w.admin.must(200, "GET", path("/conversations/%d", first.Message.ConversationID), nil).body["contact"].(map[string]any)
		if contact["email"] != "ana@shop.example" || contact["name"] != "Ana Shopper" {
			t.Errorf("the signed-in user's contact: %v", contact)
		}

		late := openWidgetAs(t, w, key, "", signUser(secret, map[string]any{"id": "42", "exp": time.Now().Add(-time.Minute).Unix()}), 0)
		if late.identityError != "identity_expired" || late.token == "" {
			t.Errorf("an expired identity: %q, token %q; want identity_expired, going on anonymous", late.identityError, late.token)
		}
		if got := late.write("x", "Who am I?"); got.Message.ConversationID == first.Message.ConversationID {
			t.Error("an expired identity reached the user's conversation")
		}

		rotated := w.admin.must(200, "POST", secretPath, nil).body["secret"].(string)
		if rotated == secret {
			t.Fatal("rotating kept the secret")
		}
		if old := openWidgetAs(t, w, key, "", ana, 0); old.identityError != "identity_invalid" {
			t.Errorf("a signature of the old secret: %q, want identity_invalid", old.identityError)
		}
		// The new secret works, and a flow for known contacts shows to them.
		w.admin.must(201, "POST", path("/inboxes/%d/chat-flows", w.sales), map[string]any{"name": "Members", "enabled": true, "audience": "known"})
		site := &client{api: w.a, name: "site", http: &http.Client{}}
		again := signUser(rotated, map[string]any{"id": "42", "exp": exp})
		if got := site.call("GET", "/widget/v1/config?inbox="+key+"&url="+shop, nil, "X-Parley-Identity", again); got.body["show"] != true {
			t.Errorf("a flow for known contacts, to a signed-in user: %s", got.raw)
		}
		if got := site.call("GET", "/widget/v1/config?inbox="+key+"&url="+shop, nil, "X-Parley-Identity", ana); got.body["show"] != false {
			t.Errorf("the same flow to an identity of the old secret: %s", got.raw)
		}
	})
}

// TestWidgetOffline: once the visitor has closed the chat, an agent's
// reply goes to their email, from the inbox's address, so that their
// answer threads back (SPEC CNV-12); while they are there it does not.
func TestWidgetOffline(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		v := openWidget(t, w, key, "", 0)
		conv := v.write("m1", "Call me back").Message.ConversationID
		v.send(map[string]any{"type": "email", "client_id": "e1", "email": "gone@visitor.example"})
		if got := v.next(); got.Type != "ack" {
			t.Fatalf("email: %+v", got)
		}
		sent := func() map[string]any {
			t.Helper()
			var last map[string]any
			for _, it := range w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
				if it["type"] == "message.sent" {
					last = it
				}
			}
			return last
		}
		w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]string{"text": "While you are here"})
		if got := sent(); got["data"].(map[string]any)["delivery"] != "chat" {
			t.Errorf("a reply while the visitor is there: %v, want it in the chat only", got["data"])
		}

		// The visitor closes the widget; the agents' stream hears they left.
		// (A note first: the stream replays the log from its start, so it
		// brings the note whenever it subscribed, and once it has, it follows
		// the conversation live.)
		agent := w.ana.dial(t, 0)
		w.ana.must(201, "POST", path("/conversations/%d/comments", conv), map[string]string{"text": "They may leave"})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		await := func(typ string) {
			t.Helper()
			for {
				_, raw, err := agent.Read(ctx)
				if err != nil {
					t.Fatalf("waiting for %s: %v", typ, err)
				}
				var f struct {
					Type           string    `json:"type"`
					ConversationID parley.ID `json:"conversation_id"`
				}
				if json.Unmarshal(raw, &f) == nil && f.Type == typ && f.ConversationID == conv {
					return
				}
			}
		}
		await("comment.added")
		v.conn.Close(websocket.StatusNormalClosure, "")
		await("left")
		w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]string{"text": "I will call you at five."})
		got := sent()
		data := got["data"].(map[string]any)
		msg, _ := got["message"].(map[string]any)
		email, _ := msg["email"].(map[string]any)
		if data["delivery"] != "email" || data["because"] != "visitor_left" || email == nil {
			t.Fatalf("a reply once the visitor left: %v", got)
		}
		if to := email["to"].([]any); len(to) != 1 || to[0].(map[string]any)["email"] != "gone@visitor.example" {
			t.Errorf("emailed to %v", email["to"])
		}
	})
}

// TestWidgetTabs: a visitor with two tabs open writes first from one; the
// other follows the conversation it opened and gets the team's answer.
func TestWidgetTabs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		a := openWidget(t, w, key, "", 0)
		b := openWidget(t, w, key, a.token, 0)
		// (b follows the visitor once its hello is answered; a's first
		// message comes after that.)
		conv := a.write("m1", "From tab A").Message.ConversationID
		if got := b.next(); got.Type != "message" || got.Message.Text != "From tab A" {
			t.Fatalf("tab B after tab A's first message: %+v", got)
		}
		w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]string{"text": "Hello both"})
		if got := b.next(); got.Type != "message" || got.Message.Text != "Hello both" {
			t.Errorf("tab B and the team's answer: %+v", got)
		}
	})
}
