package smtp_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestRichReplyTextPart: a reply written in rich text leaves with a text
// part that reads as it does — paragraphs, lists, links — not one line.
func TestRichReplyTextPart(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newOutRig(t, s, nil)
		got := g.receive(customerMail("rt1@client.example", "Jo <jo@client.example>", "", "Setup", "How do I start?"))
		html := `<p>Hello Jo,</p><p>Two steps:</p><ol><li><p>Open <a href="https://acme.example/settings">Settings</a></p></li><li><p>Press Start</p></li></ol><ul><li><p>It takes a minute</p></li></ul><p>Best,<br>Ana</p>`
		if _, err := g.conv.Reply(t.Context(), g.ana, got.ConversationID, conversation.Body{HTML: html}); err != nil {
			t.Fatal(err)
		}
		g.work()
		d := g.mta.deliveries()
		m, err := mail.Parse(d[len(d)-1].data)
		if err != nil {
			t.Fatal(err)
		}
		want := "Hello Jo,\n\nTwo steps:\n\n1. Open Settings <https://acme.example/settings>\n2. Press Start\n\n- It takes a minute\n\nBest,\nAna"
		if text := strings.ReplaceAll(m.Text, "\r\n", "\n"); !strings.HasPrefix(text, want) {
			t.Errorf("the text part that left:\n%s\nwant it to start with:\n%s", text, want)
		}
	})
}
