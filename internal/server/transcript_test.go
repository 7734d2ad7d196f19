package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestTranscripts: closing a visitor's chat queues its transcript to their
// email, in their widget's language, from the inbox — and not when
// the inbox turned transcripts off; an agent emails a closed chat's
// transcript to chosen people, not an open one's, and not another inbox's.
func TestTranscripts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		_, key := chatChannel(t, w)
		settle, mails := transcriptMails(t, s)

		v := openWidgetAs(t, w, key, "", "", 0, "fr")
		first := v.write("m1", "Bonjour, une question")
		conv := first.Message.ConversationID
		v.send(map[string]any{"type": "email", "client_id": "e", "email": "lea@visitor.example"})
		v.next()
		w.ana.must(201, "POST", path("/conversations/%d/replies", conv), map[string]string{"text": "Oui ?"})
		if got := w.ana.call("POST", path("/conversations/%d/transcript", conv), map[string]any{"to": []string{"boss@acme.example"}}); got.status != 409 {
			t.Errorf("the transcript of an open chat: %d %s, want 409", got.status, got.raw)
		}
		w.ana.must(200, "POST", path("/conversations/%d/close", conv), nil)
		settle()
		got := mails()
		if len(got) != 1 || got[0].To != "lea@visitor.example" || got[0].FromName != "Sales" || got[0].ReplyTo != "sales@parley.test" ||
			got[0].Subject != "Votre discussion avec Sales" || !strings.Contains(got[0].Text, "Vous: Bonjour, une question") ||
			!strings.Contains(got[0].Text, "ana: Oui ?") || !strings.Contains(got[0].Text, "Elle a commencé sur "+shop+"/pricing") {
			t.Fatalf("the transcript on closing: %+v", got)
		}
		timeline := w.ana.must(200, "GET", path("/conversations/%d/timeline", conv), nil).items()
		if last := timeline[len(timeline)-1]; last["type"] != parley.EventTranscriptSent {
			t.Errorf("the timeline's last: %v, want the transcript sent", last["type"])
		}

		// By hand, in English, to chosen people; an agent who may not see
		// the inbox is told it is not there.
		w.ana.must(202, "POST", path("/conversations/%d/transcript", conv), map[string]any{"to": []string{"boss@acme.example"}, "locale": "en"})
		if got := mails(); len(got) != 1 || got[0].Subject != "Your chat with Sales" || !strings.Contains(got[0].Text, "You: Bonjour") {
			t.Errorf("a transcript by hand: %+v", got)
		}
		outsider, _ := w.a.user("olga", parley.RoleAgent)
		w.admin.must(200, "PATCH", path("/inboxes/%d", w.sales), map[string]any{"access": "specific"})
		if got := outsider.call("POST", path("/conversations/%d/transcript", conv), map[string]any{"to": []string{"x@y.example"}}); got.status != 404 {
			t.Errorf("an agent outside the inbox: %d", got.status)
		}
		if got := w.admin.call("POST", path("/conversations/%d/transcript", conv), map[string]any{"to": []string{"not an address"}}); got.status != 400 ||
			!strings.Contains(string(got.raw), "to[0]") {
			t.Errorf("a bad address: %d %s", got.status, got.raw)
		}

		// Transcripts off: closing sends none.
		w.admin.must(200, "PATCH", path("/inboxes/%d", w.sales), map[string]any{"chat_transcripts": false, "access": "everyone"})
		again := openWidgetAs(t, w, key, v.token, "", 1<<50)
		again.write("m2", "Encore moi")
		w.ana.must(200, "POST", path("/conversations/%d/close", conv), nil)
		settle()
		if got := mails(); len(got) != 0 {
			t.Errorf("transcripts off, closing sent %+v", got)
		}
	})
}

// transcriptMail is a system mail the transcript consumer queued.
type transcriptMail struct{ To, Subject, Text, FromName, ReplyTo string }

// transcriptMails runs the chat consumer as its runner does (settle) and
// takes the system mails it queued (mails).
func transcriptMails(t *testing.T, s *store.Store) (settle func(), mails func() []transcriptMail) {
	ctx := context.Background()
	seq := int64(0)
	settle = func() {
		t.Helper()
		var err error
		if seq, err = consume.Replay(ctx, s, chat.TranscriptConsumer(nil, "parley.test"), seq); err != nil {
			t.Fatal(err)
		}
	}
	mails = func() []transcriptMail {
		t.Helper()
		js, err := s.ClaimJobs(ctx, time.Now().Add(time.Hour), time.Minute, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []transcriptMail
		for _, j := range js {
			if j.Kind != jobs.KindSystemMail {
				continue
			}
			var m struct {
				To, Subject, Text string
				FromName          string `json:"from_name"`
				ReplyTo           string `json:"reply_to"`
			}
			_ = json.Unmarshal(j.Payload, &m)
			out = append(out, transcriptMail{m.To, m.Subject, m.Text, m.FromName, m.ReplyTo})
		}
		return out
	}
	return settle, mails
}
