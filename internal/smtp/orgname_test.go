package smtp_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestOrgRenameInFrom: renaming the organisation changes the From display
// name of the very next mail that leaves ("Ana at Globex", not the name
// given at first start).
func TestOrgRenameInFrom(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		g := newOutRig(t, s, nil)
		a := g.receive(customerMail("r1@client.example", "Jo <jo@client.example>", "", "Hello", "Anyone there?"))
		if _, err := org.New(s, org.Options{}).RenameOrganization(context.Background(), parley.System, "Globex"); err != nil {
			t.Fatal(err)
		}
		g.reply(a.ConversationID, "Yes!")
		g.work()
		got := g.mta.deliveries()
		if len(got) != 1 {
			t.Fatalf("%d messages sent", len(got))
		}
		sent, err := mail.Parse(got[0].data)
		if err != nil {
			t.Fatal(err)
		}
		if sent.From.Name != "Ana at Globex" || len(sent.ReplyTo) != 1 || sent.ReplyTo[0].Name != "Globex" {
			t.Errorf("From %+v, Reply-To %+v; want Ana at Globex", sent.From, sent.ReplyTo)
		}
	})
}
