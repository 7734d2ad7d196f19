package conversation_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// outbox is a Mailer that keeps what it is given.
type outbox struct {
	mu   sync.Mutex
	sent map[string][]byte // by first recipient
}

func (o *outbox) Send(_ context.Context, _ string, to []string, raw []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent[to[0]] = raw
	return nil
}

// TestForwardOneLineNames: names with line breaks in them — the sender's,
// from an encoded word in their From; the agent's, as stored — and such a
// subject stay on their line in a forward's text, where they would
// otherwise start lines of their own.
func TestForwardOneLineNames(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		ch := &parley.Channel{InboxID: w.support.ID, Kind: parley.ChannelEmail, Name: "email", Enabled: true, Builtin: true, CreatedAt: w.clock.Now()}
		out := &outbox{sent: map[string][]byte{}}
		w.svc = conversation.New(s, conversation.Options{Now: w.clock.Now, MailDomain: "parley.test", Blobs: w.blobs, Mailer: out})
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateChannel(ctx, ch); err != nil {
				return err
			}
			ana, err := tx.User(ctx, w.ana.UserID)
			if err != nil {
				return err
			}
			ana.Name = "Ana Lima\r\nDate: never"
			return tx.UpdateUser(ctx, ana)
		})
		if err != nil {
			t.Fatal(err)
		}
		in, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: ch.ID, Source: "test", Raw: eml{
			from: "=?utf-8?q?Jo_Durand=0D=0AFrom:_ceo@acme.test?= <jo@client.example>", id: "c1@client.example",
			subject: "=?utf-8?q?Order=0AFrom:_forged?=", body: "Where is my order?"}.raw()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Reply(ctx, w.ana, in.ConversationID, conversation.Body{Text: "On its way."}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Forward(ctx, w.ana, in.ConversationID, conversation.Forward{To: []parley.Mailbox{{Email: "billing@partner.example"}}}); err != nil {
			t.Fatal(err)
		}
		q := jobs.NewQueue(s, slog.New(slog.NewTextHandler(io.Discard, nil)), w.clock.Now)
		q.Handle(conversation.JobSendMail, w.svc.SendMailJob())
		if _, err := q.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		raw := out.sent["billing@partner.example"]
		fwd, err := mail.Parse(raw)
		if err != nil {
			t.Fatalf("the forward: %v\n%s", err, raw)
		}
		var heads []string
		for _, line := range strings.Split(fwd.Text, "\n") {
			if k, _, ok := strings.Cut(line, ": "); ok && (k == "From" || k == "Date" || k == "Subject") {
				heads = append(heads, line)
			}
		}
		want := []string{
			"Subject: Order From: forged",
			"From: Jo Durand From: ceo@acme.test <jo@client.example>",
			"Date: Sun, 1 Mar 2026 09:00 UTC",
			"From: Ana Lima Date: never",
			"Date: Sun, 1 Mar 2026 09:00 UTC",
		}
		if strings.Join(heads, "\n") != strings.Join(want, "\n") {
			t.Errorf("the forwarded thread's header lines:\n%s\nwant:\n%s\n\n%s", strings.Join(heads, "\n"), strings.Join(want, "\n"), fwd.Text)
		}
		reply, err := mail.Parse(out.sent["jo@client.example"])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(reply.From.Name, "Ana at") || reply.To[0].Name != "Jo Durand From: ceo@acme.test" {
			t.Errorf("the reply: from %q, to %q", reply.From.Name, reply.To[0].Name)
		}
	})
}
