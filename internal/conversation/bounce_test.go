package conversation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestEmailBounceShapes: a delivery report threads to the message we sent
// and shows on it as a delivery failure, in each shape mail servers send
// one (the fixtures are internal/mail's).
func TestEmailBounceShapes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newMailWorld(t, s)
		ctx := context.Background()
		for i, tc := range []struct {
			fixture, sentID, recipient string
		}{
			{"bounce_dsn", "e5f6a7b8c9.4r@acme.example", "nobody@gone.example"},
			{"bounce_postfix_global", "Vb6yHn2jKs.4dG7@acme.example", "josé@correo.example"},
			{"bounce_exim_headers", "x7Kq2mVb9s.1tA2@acme.example", "old.contact@defunct.example"},
			{"bounce_gmail_related", "Zp4nLm8kQe.3cF1@acme.example", "nobody.here@example.org"},
			{"bounce_exchange_headers", "Qw3rTy7uIo.2bD9@acme.example", "jdoe@contoso.com"},
		} {
			t.Run(tc.fixture, func(t *testing.T) {
				raw, err := os.ReadFile("../mail/testdata/" + tc.fixture + ".eml")
				if err != nil {
					t.Fatal(err)
				}
				c := w.deliver(eml{from: fmt.Sprintf("customer%d@customer.example", i), id: fmt.Sprintf("shape%d@customer.example", i)}).ConversationID
				w.sent(c, tc.sentID, tc.recipient)
				r, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "test"})
				if err != nil || r.ConversationID != c || r.Rule != mail.RuleOwnID {
					t.Fatalf("bounce = %+v, %v; want conversation %d by our Message-ID", r, err, c)
				}
				m, err := s.Message(ctx, r.MessageID)
				if err != nil {
					t.Fatal(err)
				}
				f := m.Email.Failure
				if m.ContactID != nil || f == nil || f.MessageID != tc.sentID || f.Code != conversation.FailedBounced ||
					!slices.Contains(f.Recipients, tc.recipient) || f.Reason == "" {
					t.Fatalf("message contact %v, failure %+v; want no contact and a bounce of %s to %s", m.ContactID, f, tc.sentID, tc.recipient)
				}
				evs, err := s.ConversationEvents(ctx, c, 0, 1000)
				if err != nil {
					t.Fatal(err)
				}
				last := evs[len(evs)-1]
				var data struct{ Code, Reason string }
				if err := json.Unmarshal(last.Data, &data); err != nil {
					t.Fatal(err)
				}
				if last.Type != parley.EventDeliveryFailed || last.MessageID == nil || *last.MessageID != r.MessageID ||
					data.Code != conversation.FailedBounced || data.Reason != f.Reason {
					t.Errorf("last event %s on message %v, data %s; want %s of message %d, code %s",
						last.Type, last.MessageID, last.Data, parley.EventDeliveryFailed, r.MessageID, conversation.FailedBounced)
				}
			})
		}
	})
}
