package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestSlackPosts: an admin has an inbox post its new conversations and
// assignments to a Slack-compatible incoming webhook, in French; each
// post links back to the conversation; another inbox's conversations are
// not posted; the test post is one Slack accepts; agents cannot set it
// and a guessed inbox finds nothing.
func TestSlackPosts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := buildOrg(t, s)
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOrg(ctx, "Acme", time.Now()) }); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var posts []string
		slack := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			var p struct{ Text string }
			if json.Unmarshal(b, &p) != nil || p.Text == "" {
				http.Error(rw, "no_text", http.StatusBadRequest) // what Slack answers
				return
			}
			mu.Lock()
			posts = append(posts, p.Text)
			mu.Unlock()
			rw.Write([]byte("ok"))
		}))
		defer slack.Close()
		var seen int64 // the log read so far, as the consumer's cursor would be
		run := func() []string {
			t.Helper()
			var err error
			if seen, err = consume.Replay(ctx, s, w.a.webhooks.Consumer(), seen); err != nil {
				t.Fatal(err)
			}
			if _, err := w.a.webhooks.SendDue(ctx); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			return append([]string(nil), posts...)
		}

		set := map[string]any{"url": slack.URL + "/services/T1/B1/x", "assignments": true, "locale": "fr"}
		if r := w.ana.call("PUT", path("/inboxes/%d/slack", w.sales), set); r.status != 403 {
			t.Errorf("an agent sets the posts: %d", r.status)
		}
		if r := w.admin.call("PUT", path("/inboxes/%d/slack", w.sales), set); r.status != 400 || r.body["type"] != "urn:parley:problem:url_private" {
			t.Errorf("a private URL by default: %d %s", r.status, r.raw)
		}
		w.admin.must(200, "PUT", path("/outbound-settings"), map[string]any{"allow_private_targets": true})
		made := w.admin.must(200, "PUT", path("/inboxes/%d/slack", w.sales), set)
		if made.body["assignments"] != true || made.body["locale"] != "fr" || made.body["enabled"] != true {
			t.Fatalf("made: %s", made.raw)
		}
		if r := w.admin.call("GET", path("/inboxes/%d/slack", w.vip), nil); r.status != 404 {
			t.Errorf("an inbox without posts: %d", r.status)
		}
		if r := w.admin.call("GET", path("/inboxes/%d/slack", w.vip+100), nil); r.status != 404 {
			t.Errorf("a guessed inbox: %d", r.status)
		}
		test := w.admin.must(200, "POST", path("/webhooks/%d/test", made.id()), nil)
		if test.body["state"] != "delivered" {
			t.Errorf("the test post: %s", test.raw)
		}

		in := w.push(w.salesAPI, "s-1", "jo@example.org", "Where is my order?")
		conv := parley.ID(in.num("conversation_id"))
		w.push(w.vipAPI, "v-1", "vi@example.org", "Hello")
		w.admin.must(200, "PUT", path("/conversations/%d/assignee", conv), map[string]any{"user_id": w.anaID})
		got := run()
		link := fmt.Sprintf("<http://127.0.0.1/inbox/all/all/c/%d|About my order>", conv)
		want := []string{
			"Parley est connecté : les nouvelles conversations de cette boîte seront publiées ici.",
			"Nouvelle conversation dans *Sales* de Customer jo@\u2060example.org : " + link,
			link + " attribuée à ana par root",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("the posts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}

		// Assignments off, in English: a new conversation only.
		w.admin.must(200, "PUT", path("/inboxes/%d/slack", w.sales), map[string]any{"assignments": false, "locale": "en"})
		next := w.admin.must(201, "POST", path("/channels/%d/messages", w.salesAPI), map[string]any{
			"client_id": "s-2", "contact": map[string]string{"email": "al@example.org", "name": "Al <Admin>"}, "subject": "Refund <now> & fast", "text": "Please."})
		w.admin.must(200, "PUT", path("/conversations/%d/assignee", parley.ID(next.num("conversation_id"))), map[string]any{"user_id": w.anaID})
		got = run()
		if len(got) != 4 || !strings.HasPrefix(got[3], "New conversation in *Sales* from Al &lt;Admin&gt;: <http://127.0.0.1/inbox/all/all/c/") ||
			!strings.HasSuffix(got[3], "|Refund &lt;now&gt; &amp; fast>") {
			t.Errorf("after assignments were turned off: %q", got)
		}

		w.admin.must(204, "DELETE", path("/inboxes/%d/slack", w.sales), nil)
		if r := w.admin.call("GET", path("/inboxes/%d/slack", w.sales), nil); r.status != 404 {
			t.Errorf("removed: %d", r.status)
		}
	})
}
