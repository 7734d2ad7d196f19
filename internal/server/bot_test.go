package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// salesBot is the story as a flow's bot: it greets, asks the
// email (again until it is one), offers two buttons, answers from the
// articles or hands off; the email step times out to people.
var salesBot = map[string]any{"steps": []map[string]any{
	{"id": "hello", "kind": "message", "text": "Hi! I am the shop's bot.", "next": "email"},
	{"id": "email", "kind": "ask", "text": "Your email?", "field": "email", "retry": "That is not an email.", "next": "topic",
		"timeout_minutes": 10, "timeout_next": "people"},
	{"id": "topic", "kind": "buttons", "text": "What about?", "buttons": []map[string]string{{"label": "An order", "next": "kb"}, {"label": "Sales", "next": "company"}}},
	{"id": "company", "kind": "ask", "text": "Your company?", "field": "company", "next": "people"},
	{"id": "kb", "kind": "articles", "text": "What is your question?", "next": "people"},
	{"id": "people", "kind": "handoff", "text": "Someone will be with you."},
}}

// botFlow makes a flow in Sales whose bot is salesBot and whose chats go
// to Ana, and an article the bot can suggest.
func botFlow(t *testing.T, w *orgWorld) {
	t.Helper()
	w.admin.must(201, "POST", "/api/v1/articles", map[string]any{"title": "Where is my parcel?", "url": "https://help.shop.example/parcel",
		"body": "Track the delivery of your order: each parcel has a tracking link.", "language": "en"})
	w.admin.must(201, "POST", "/api/v1/articles", map[string]any{"title": "Où est mon colis ?", "url": "https://help.shop.example/fr/colis",
		"body": "Suivre la livraison de votre commande.", "language": "fr"})
	w.admin.must(201, "POST", "/api/v1/articles", map[string]any{"title": "Refunds", "url": "https://help.shop.example/refunds", "body": "Money back within 30 days."})
	w.admin.must(201, "POST", path("/inboxes/%d/chat-flows", w.sales), map[string]any{"name": "Shop bot", "enabled": true,
		"routing": map[string]any{"rule": "specific", "user_ids": []parley.ID{w.anaID}}, "bot": salesBot})
}

// turn sends a frame and reads until its ack and n of the bot's messages
// have come, in whatever order the stream gives them (the bot's first
// words can come before the ack of the message that opened the chat).
func (v *visitor) turn(frame map[string]any, n int) (widgetMsg, []widgetMsg) {
	v.t.Helper()
	v.send(frame)
	var ack widgetMsg
	var said []widgetMsg
	for ack.Type == "" || len(said) < n {
		m := v.next()
		switch {
		case m.Type == "ack" || m.Type == "error":
			ack = m
		case m.Type == "message" && m.Message.From == "bot":
			said = append(said, m)
		case m.Type == "message":
		default:
			continue
		}
	}
	return ack, said
}

func texts(ms []widgetMsg) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Message.Text)
	}
	return strings.Join(out, " | ")
}

// TestBotChat walks a visitor through the bot: greeted, asked an email
// (a bad one asked again, a retried message never running a step twice),
// buttons that branch, an article suggested for their question, then a
// hand-off by the flow's rule, in the timeline with its step and reason.
// Meanwhile the chat is in bots only and cannot be closed while the
// visitor is active.
func TestBotChat(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		flows := path("/inboxes/%d/chat-flows", w.sales)
		bad := w.admin.call("POST", flows, map[string]any{"name": "Loop", "enabled": true, "bot": map[string]any{"steps": []map[string]any{
			{"id": "a", "kind": "message", "text": "A", "next": "b"},
			{"id": "b", "kind": "buttons", "text": "B", "buttons": []map[string]string{{"label": "Again", "next": "a"}}},
		}}})
		if bad.status != 400 || !strings.Contains(string(bad.raw), "bot.steps[0]") || !strings.Contains(string(bad.raw), "urn:parley:problem:bot_no_exit") {
			t.Errorf("a bot that never ends: %d %s", bad.status, bad.raw)
		}
		botFlow(t, w)

		v := openWidget(t, w, key, "", 0)
		ack, said := v.turn(map[string]any{"type": "message", "client_id": "m1", "text": "Hello", "url": shop + "/"}, 2)
		if ack.Type != "ack" || texts(said) != "Hi! I am the shop's bot. | Your email?" {
			t.Fatalf("greeting: %+v, %s", ack, texts(said))
		}
		conv := ack.Message.ConversationID
		if c := w.ana.must(200, "GET", path("/conversations/%d", conv), nil); c.body["channel_label"] != "bots" || c.body["assignee"] != nil {
			t.Errorf("with the bot: %s, want in bots, nobody's", c.raw)
		}
		counts := func() map[string]float64 {
			out := map[string]float64{}
			for _, it := range w.ana.must(200, "GET", path("/views"), nil).body["views"].([]any) {
				m := it.(map[string]any)
				out[m["id"].(string)] = m["count"].(float64)
			}
			return out
		}
		if c := counts(); c["channel:bots"] != 1 || c["open"] != 0 || c["unassigned"] != 0 {
			t.Errorf("counts with the bot: %v, want bots 1 and nothing open or unassigned", c)
		}
		closing := w.ana.call("POST", path("/conversations/%d/close", conv), nil)
		if closing.status != 409 || !strings.Contains(string(closing.raw), "bot_visitor_active") || closing.header.Get("Retry-After") == "" {
			t.Errorf("closing while the visitor talks to the bot: %d %v %s", closing.status, closing.header, closing.raw)
		}

		_, said = v.turn(map[string]any{"type": "message", "client_id": "m2", "text": "me at home", "url": shop + "/"}, 1)
		if texts(said) != "That is not an email." || !said[0].Message.Bot.Retry {
			t.Errorf("a bad email: %s", texts(said))
		}
		// The same message again (a lost ack): acknowledged, the step not
		// run again — the next thing the bot says answers m3.
		if again := v.write("m2", "me at home"); again.Type != "ack" {
			t.Errorf("a retry: %+v", again)
		}
		_, said = v.turn(map[string]any{"type": "message", "client_id": "m3", "text": " lee@shop.example ", "url": shop + "/"}, 1)
		if texts(said) != "What about?" || len(said[0].Message.Bot.Buttons) != 2 {
			t.Fatalf("after the email: %s %+v", texts(said), said)
		}
		if c := w.ana.must(200, "GET", path("/conversations/%d", conv), nil); !strings.Contains(string(c.raw), "lee@shop.example") {
			t.Errorf("the email on the contact: %s", c.raw)
		}
		ack, said = v.turn(map[string]any{"type": "button", "client_id": "m4", "step": "topic", "index": 0, "url": shop + "/"}, 1)
		if ack.Message.Text != "An order" || texts(said) != "What is your question?" {
			t.Errorf("the first button: %+v then %s", ack.Message, texts(said))
		}
		_, said = v.turn(map[string]any{"type": "message", "client_id": "m5", "text": "Where is my parcel??", "url": shop + "/"}, 1)
		if arts := said[0].Message.Bot.Articles; len(arts) == 0 || arts[0].URL != "https://help.shop.example/parcel" || len(arts) > 1 {
			t.Errorf("articles for the question: %+v, want the English parcel article only", said[0].Message.Bot)
		}
		_, said = v.turn(map[string]any{"type": "talk", "client_id": "m6", "step": "kb", "url": shop + "/"}, 1)
		if texts(said) != "Someone will be with you." {
			t.Errorf("talk to someone: %s", texts(said))
		}
		c := w.ana.must(200, "GET", path("/conversations/%d", conv), nil)
		if a, _ := c.body["assignee"].(map[string]any); a == nil || a["name"] != "ana" || c.body["channel_label"] != "chat" {
			t.Errorf("handed off: %s, want Ana's chat", c.raw)
		}
		if c := counts(); c["channel:bots"] != 0 || c["open"] != 1 || c["mine"] != 1 {
			t.Errorf("counts after the hand-off: %v", c)
		}
		var handed map[string]any
		bots := 0
		for _, it := range w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			if it["type"] == "bot.handed_off" {
				handed = it["data"].(map[string]any)
			}
			if m, _ := it["message"].(map[string]any); m != nil && m["bot"] != nil {
				bots++
				if it["actor"].(map[string]any)["kind"] != "bot" {
					t.Errorf("a bot's message by %v", it["actor"])
				}
			}
		}
		if handed["step"] != "people" || handed["from"] != "kb" || handed["reason"] != "talk" || bots != 7 {
			t.Errorf("the timeline: hand-off %v, %d messages of the bot (want 7)", handed, bots)
		}
		// People answer from now on: the bot says nothing more.
		if got := v.write("m7", "Hello?"); got.Type != "ack" {
			t.Errorf("after the hand-off: %+v", got)
		}
		after := 0
		for _, it := range w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			if m, _ := it["message"].(map[string]any); m != nil && m["bot"] != nil {
				after++
			}
		}
		if after != bots {
			t.Errorf("the bot said %d more after the hand-off", after-bots)
		}
		w.ana.must(200, "POST", path("/conversations/%d/close", conv), nil)
	})
}

// TestBotTakeOverAndClose: an agent takes a chat from its bot (the bot
// stops, the chat is theirs); an article that answers closes a chat as
// resolved by the bot; a chat whose visitor has been quiet 30 minutes may
// be closed; a waiting step times out to a hand-off, from the run as
// stored — by a server started since (a restart in the middle).
func TestBotTakeOverAndClose(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		botFlow(t, w)
		start := func(v *visitor, id string) parley.ID {
			ack, _ := v.turn(map[string]any{"type": "message", "client_id": id, "text": "Hi", "url": shop + "/"}, 2)
			return ack.Message.ConversationID
		}

		taken := openWidget(t, w, key, "", 0)
		conv := start(taken, "t1")
		// Only someone who may act in the inbox takes a chat over: a viewer
		// is refused, a guessed id of nothing is not there.
		viewer, _ := w.a.user("vic", parley.RoleViewer)
		if got := viewer.call("POST", path("/conversations/%d/take-over", conv), nil); got.status != 403 {
			t.Errorf("a viewer taking over: %d %s", got.status, got.raw)
		}
		if got := w.bob.call("POST", path("/conversations/%d/take-over", conv+1000), nil); got.status != 404 {
			t.Errorf("taking over a conversation that is not there: %d", got.status)
		}
		if got := w.admin.call("POST", path("/conversations/%d/take-over", conv), nil); got.status != 200 {
			t.Fatalf("take over: %d %s", got.status, got.raw)
		}
		c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil)
		if a, _ := c.body["assignee"].(map[string]any); a == nil || a["name"] != "root" || c.body["channel_label"] != "chat" {
			t.Errorf("taken over: %s", c.raw)
		}
		if again := w.bob.call("POST", path("/conversations/%d/take-over", conv), nil); again.status != 409 || !strings.Contains(string(again.raw), "not_with_bot") {
			t.Errorf("taking over a chat with no bot: %d %s", again.status, again.raw)
		}
		if got := taken.write("t2", "me@taken.example"); got.Type != "ack" {
			t.Errorf("after the take-over: %+v", got)
		}
		for _, it := range w.admin.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			if m, _ := it["message"].(map[string]any); m != nil && m["text"] == "What about?" {
				t.Error("the bot went on after it was taken over")
			}
		}

		// Answering a chat its bot is in takes it over as well.
		replied := openWidget(t, w, key, "", 0)
		conv = start(replied, "r1")
		w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]string{"text": "I am here."})
		c = w.admin.must(200, "GET", path("/conversations/%d", conv), nil)
		if a, _ := c.body["assignee"].(map[string]any); a == nil || a["name"] != "ana" || c.body["channel_label"] != "chat" {
			t.Errorf("answered by an agent: %s, want Ana's, out of bots", c.raw)
		}

		// The other button: the company asked and kept on the contact.
		lead := openWidget(t, w, key, "", 0)
		conv = start(lead, "l1")
		lead.turn(map[string]any{"type": "message", "client_id": "l2", "text": "sam@lead.example", "url": shop + "/"}, 1)
		if _, said := lead.turn(map[string]any{"type": "button", "client_id": "l3", "step": "topic", "index": 1, "url": shop + "/"}, 1); texts(said) != "Your company?" {
			t.Errorf("the second button: %s", texts(said))
		}
		lead.turn(map[string]any{"type": "message", "client_id": "l4", "text": "Acme  Ltd", "url": shop + "/"}, 1)
		contact := w.admin.must(200, "GET", path("/conversations/%d", conv), nil).body["contact"].(map[string]any)["id"].(float64)
		if c := w.admin.must(200, "GET", path("/contacts/%d", int(contact)), nil); !strings.Contains(string(c.raw), `"details":{"company":"Acme Ltd"}`) {
			t.Errorf("the company on the contact: %s", c.raw)
		}

		answered := openWidget(t, w, key, "", 0)
		conv = start(answered, "a1")
		answered.turn(map[string]any{"type": "message", "client_id": "a2", "text": "ana@answered.example", "url": shop + "/"}, 1)
		answered.turn(map[string]any{"type": "message", "client_id": "a3", "text": "an order", "url": shop + "/"}, 1) // a button's words typed
		answered.turn(map[string]any{"type": "message", "client_id": "a4", "text": "refunds please", "url": shop + "/"}, 1)
		if got, _ := answered.turn(map[string]any{"type": "answered", "client_id": "a5", "step": "kb", "url": shop + "/"}, 0); got.Type != "ack" || got.Message.Text != "This answered my question" {
			t.Errorf("answered: %+v", got)
		}
		if c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil); c.body["status"] != "closed" {
			t.Errorf("a chat the articles answered: %s, want closed", c.raw)
		}
		var closed map[string]any
		for _, it := range w.admin.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			if it["type"] == "conversation.closed" {
				closed = it
			}
		}
		if closed == nil || closed["data"].(map[string]any)["resolved_by"] != "bot" || closed["actor"].(map[string]any)["kind"] != "bot" {
			t.Errorf("closed by: %v", closed)
		}

		// A visitor gone quiet: closable once 30 minutes have passed since
		// their last message.
		quiet := openWidget(t, w, key, "", 0)
		conv = start(quiet, "q1")
		if got := w.ana.call("POST", path("/conversations/%d/close", conv), nil); got.status != 409 {
			t.Fatalf("too early: %d", got.status)
		}
		quietFor(t, s, conv, 31*time.Minute)
		w.ana.must(200, "POST", path("/conversations/%d/close", conv), nil)

		// The email step times out after 10 minutes: a server started since
		// hands the chat off from the run as stored.
		slow := openWidget(t, w, key, "", 0)
		conv = start(slow, "s1")
		restarted := newAPI(t, s, w.a.cfg)
		if n, err := restarted.chat.BotTimeouts(context.Background(), parley.Now().Add(9*time.Minute)); err != nil || n != 0 {
			t.Errorf("before the timeout: %d, %v", n, err)
		}
		if n, err := restarted.chat.BotTimeouts(context.Background(), parley.Now().Add(11*time.Minute)); err != nil || n != 1 {
			t.Errorf("after the timeout: %d, %v", n, err)
		}
		var handed map[string]any
		for _, it := range w.admin.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
			if it["type"] == "bot.handed_off" {
				handed = it["data"].(map[string]any)
			}
		}
		if handed["step"] != "people" || handed["from"] != "email" || handed["reason"] != "timeout" {
			t.Errorf("timed out: %v", handed)
		}
		if c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil); c.body["assignee"] == nil {
			t.Errorf("a timed-out chat: %s, want Ana's", c.raw)
		}
		if n, _ := restarted.chat.BotTimeouts(context.Background(), parley.Now().Add(time.Hour)); n != 0 {
			t.Errorf("a handed-off chat timed out again: %d", n)
		}

		// An agent outside the inbox does not find its bot chats.
		outsider := openWidget(t, w, key, "", 0)
		conv = start(outsider, "o1")
		olga, _ := w.a.user("olga", parley.RoleAgent)
		w.admin.must(200, "PATCH", path("/inboxes/%d", w.sales), map[string]any{"access": "specific"})
		if got := olga.call("POST", path("/conversations/%d/take-over", conv), nil); got.status != 404 {
			t.Errorf("an agent outside the inbox taking over: %d %s", got.status, got.raw)
		}
	})
}

// TestBotTranscripts: a chat the bot handed off is emailed on closing with
// the bot's words as the bot's, its articles' links beside them; a chat
// closed with its bot (the visitor never reached anyone) sends none.
func TestBotTranscripts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		botFlow(t, w)
		settle, mails := transcriptMails(t, s)

		v := openWidgetAs(t, w, key, "", "", 0, "fr")
		ack, _ := v.turn(map[string]any{"type": "message", "client_id": "m1", "text": "Bonjour", "url": shop + "/"}, 2)
		conv := ack.Message.ConversationID
		v.turn(map[string]any{"type": "message", "client_id": "m2", "text": "lea@visitor.example", "url": shop + "/"}, 1)
		v.turn(map[string]any{"type": "button", "client_id": "m3", "step": "topic", "index": 0, "url": shop + "/"}, 1)
		v.turn(map[string]any{"type": "message", "client_id": "m4", "text": "refunds", "url": shop + "/"}, 1)
		v.turn(map[string]any{"type": "talk", "client_id": "m5", "step": "kb", "url": shop + "/"}, 1)
		w.ana.must(200, "POST", path("/conversations/%d/close", conv), nil)
		settle()
		got := mails()
		if len(got) != 1 || got[0].To != "lea@visitor.example" || !strings.Contains(got[0].Text, "Assistant automatique: Hi! I am the shop's bot.") ||
			!strings.Contains(got[0].Text, "Vous: Bonjour") || !strings.Contains(got[0].Text, "Vous: Parler à quelqu’un") ||
			!strings.Contains(got[0].Text, "Refunds: https://help.shop.example/refunds") {
			t.Fatalf("the transcript of a handed-off chat: %+v", got)
		}

		quiet := openWidgetAs(t, w, key, "", "", 0, "fr")
		ack, _ = quiet.turn(map[string]any{"type": "message", "client_id": "q1", "text": "Bonjour", "url": shop + "/"}, 2)
		conv = ack.Message.ConversationID
		quiet.turn(map[string]any{"type": "message", "client_id": "q2", "text": "max@visitor.example", "url": shop + "/"}, 1)
		quietFor(t, s, conv, 31*time.Minute)
		w.ana.must(200, "POST", path("/conversations/%d/close", conv), nil)
		settle()
		if got := mails(); len(got) != 0 {
			t.Errorf("a chat closed with its bot sent %+v", got)
		}
	})
}

// quietFor makes a chat's visitor's last message d older than it was, as
// if they had been quiet that long.
func quietFor(t *testing.T, s *store.Store, conv parley.ID, d time.Duration) {
	t.Helper()
	ctx := context.Background()
	if err := s.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Conversation(ctx, conv)
		if err != nil {
			return err
		}
		long := c.LastCustomerAt.Add(-d)
		c.LastCustomerAt = &long
		return tx.UpdateConversation(ctx, c)
	}); err != nil {
		t.Fatal(err)
	}
}

// TestBotEdges: what visitors and agents do that the story does not — a
// second click on a button the bot has moved past, "answered" before any
// question, answers refused until the team takes over, a question no
// article answers, a French visitor's articles, a bot that ends and a
// visitor who writes on, a chat given to someone by hand, and a trashed
// chat that times out.
func TestBotEdges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		botFlow(t, w)
		w.admin.must(201, "POST", path("/inboxes/%d/chat-flows", w.sales), map[string]any{"name": "Goodbye", "enabled": true,
			"targeting": [][]map[string]string{{{"field": "url", "op": "contains", "value": "/bye"}}},
			"bot":       map[string]any{"steps": []map[string]any{{"id": "bye", "kind": "end", "text": "We are closed, write to us by email."}}}})
		// The flows are tried in order: the one for /bye first.
		flows := w.admin.must(200, "GET", path("/inboxes/%d/chat-flows", w.sales), nil).items()
		w.admin.must(200, "PUT", path("/inboxes/%d/chat-flows/order", w.sales), map[string]any{"ids": []any{flows[1]["id"], flows[0]["id"]}})
		// start opens a chat and reads the bot's n first words.
		start := func(v *visitor, id, page string, n int) parley.ID {
			ack, _ := v.turn(map[string]any{"type": "message", "client_id": id, "text": "Hi", "url": shop + page}, n)
			return ack.Message.ConversationID
		}
		handedOff := func(conv parley.ID) map[string]any {
			for _, it := range w.admin.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
				if it["type"] == "bot.handed_off" {
					return it["data"].(map[string]any)
				}
			}
			return nil
		}
		botSaid := func(conv parley.ID) []string {
			var out []string
			for _, it := range w.admin.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items() {
				if m, _ := it["message"].(map[string]any); m != nil && m["bot"] != nil {
					out = append(out, m["text"].(string))
				}
			}
			return out
		}

		v := openWidget(t, w, key, "", 0)
		start(v, "v1", "/", 2)
		v.turn(map[string]any{"type": "message", "client_id": "v2", "text": "vi@edge.example", "url": shop + "/"}, 1)
		v.turn(map[string]any{"type": "button", "client_id": "v3", "step": "topic", "index": 0, "url": shop + "/"}, 1)
		// The same button again (a second click): the bot has moved on, so
		// it is the visitor's words — here, their question.
		if _, said := v.turn(map[string]any{"type": "button", "client_id": "v4", "step": "topic", "index": 0, "url": shop + "/"}, 1); said[0].Message.Bot.Step != "kb" ||
			texts(said) == "What is your question?" {
			t.Errorf("a button the bot moved past: %s", texts(said))
		}
		if got := v.write("v5", ""); got.Type != "error" {
			t.Errorf("an empty message: %+v", got)
		}
		for _, bad := range []map[string]any{
			{"type": "button", "client_id": "b1", "step": "topic", "url": shop + "/"},               // no index
			{"type": "button", "client_id": "b2", "step": "nowhere", "index": 0, "url": shop + "/"}, // no such step
			{"type": "answered", "client_id": "b3", "step": "topic", "url": shop + "/"},             // not an articles step
		} {
			v.send(bad)
			if got := v.next(); got.Type != "error" || got.Status != 400 {
				t.Errorf("%v: %+v, want a 400", bad, got)
			}
		}

		// "Answered" before any question changes nothing; a question no
		// article answers hands off.
		q := openWidget(t, w, key, "", 0)
		conv := start(q, "q1", "/", 2)
		q.turn(map[string]any{"type": "message", "client_id": "q2", "text": "qi@edge.example", "url": shop + "/"}, 1)
		q.turn(map[string]any{"type": "button", "client_id": "q3", "step": "topic", "index": 0, "url": shop + "/"}, 1)
		q.turn(map[string]any{"type": "answered", "client_id": "q4", "step": "kb", "url": shop + "/"}, 0)
		if c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil); c.body["status"] != "open" || c.body["channel_label"] != "bots" {
			t.Errorf("answered before a question: %s", c.raw)
		}
		q.turn(map[string]any{"type": "message", "client_id": "q5", "text": "my kettle whistles", "url": shop + "/"}, 1)
		if h := handedOff(conv); h["reason"] != "no_articles" || h["from"] != "kb" {
			t.Errorf("no article for the question: %v", h)
		}

		// Three refused answers: the team takes over.
		r := openWidget(t, w, key, "", 0)
		conv = start(r, "r1", "/", 2)
		for i, text := range []string{"no", "I want a human", "a human!"} {
			r.turn(map[string]any{"type": "message", "client_id": fmt.Sprint("r", i+2), "text": text, "url": shop + "/"}, 0)
		}
		if h := handedOff(conv); h["reason"] != "retries" || h["step"] != "email" {
			t.Errorf("answers refused three times: %v", h)
		}

		// A French visitor is offered the French article, not the English.
		f := openWidgetAs(t, w, key, "", "", 0, "fr")
		start(f, "f1", "/", 2)
		f.turn(map[string]any{"type": "message", "client_id": "f2", "text": "fa@edge.example", "url": shop + "/"}, 1)
		f.turn(map[string]any{"type": "button", "client_id": "f3", "step": "topic", "index": 0, "url": shop + "/"}, 1)
		if _, said := f.turn(map[string]any{"type": "message", "client_id": "f4", "text": "Où est mon colis ?", "url": shop + "/"}, 1); len(said[0].Message.Bot.Articles) != 1 ||
			said[0].Message.Bot.Articles[0].URL != "https://help.shop.example/fr/colis" {
			t.Errorf("a French question: %+v", said[0].Message.Bot)
		}

		// A bot that ends; the visitor writes on: the team takes it.
		e := openWidget(t, w, key, "", 0)
		conv = start(e, "e1", "/bye", 1)
		if c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil); c.body["channel_label"] != "bots" {
			t.Errorf("after the bot's end: %s, want still in bots", c.raw)
		}
		e.write("e2", "But I need help")
		if h := handedOff(conv); h["reason"] != "visitor_wrote" {
			t.Errorf("writing after the end: %v", h)
		}
		if got := botSaid(conv); len(got) != 1 {
			t.Errorf("the bot said %v after its end", got)
		}

		// Given to someone by hand: taken from the bot, the bot silent after.
		g := openWidget(t, w, key, "", 0)
		conv = start(g, "g1", "/", 2)
		_, bobID := userID(t, w, "bob")
		w.ana.must(200, "PUT", path("/conversations/%d/assignee", conv), map[string]any{"user_id": bobID})
		if c := w.admin.must(200, "GET", path("/conversations/%d", conv), nil); c.body["channel_label"] != "chat" || c.body["assignee"].(map[string]any)["name"] != "bob" {
			t.Errorf("assigned by hand: %s", c.raw)
		}
		g.write("g2", "gi@edge.example")
		if got := botSaid(conv); len(got) != 2 {
			t.Errorf("the bot spoke after the chat was given to someone: %v", got)
		}

		// A bot chat put in the trash never times out into someone's hands.
		tr := openWidget(t, w, key, "", 0)
		conv = start(tr, "t1", "/", 2)
		w.ana.must(200, "POST", path("/conversations/%d/trash", conv), nil)
		if n, err := w.a.chat.BotTimeouts(context.Background(), parley.Now().Add(time.Hour)); err != nil || handedOff(conv) != nil {
			t.Errorf("a trashed bot chat timed out: %d %v %v", n, err, handedOff(conv))
		}
	})
}
