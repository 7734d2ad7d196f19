package imap_test

import (
	"context"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/parleyhq/parley/internal/imap/imaptest"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestMailboxAfterErasure: a contact erased is not taken in again when the
// mailbox is read again from the start (the server renumbers it), though
// their mail is still on the server; a new message from them is.
func TestMailboxAfterErasure(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := imaptest.Start(t, goimap.CapSet{goimap.CapIMAP4rev2: {}})
		g := newRig(t, s, srv)
		srv.Deliver(msg("e1@x", "eve@client.example", "eve's first"))
		srv.Deliver(msg("a1@x", "ana@client.example", "ana's"))
		srv.Deliver(msg("e2@x", "eve@client.example", "eve's second"))
		g.run(time.Hour)
		g.waitFor(5*time.Second, "eve's first", "ana's", "eve's second")

		eve, err := s.ContactByEmail(ctx, "eve@client.example")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.conv.EraseContact(ctx, g.root, eve.ID, "eve@client.example"); err != nil {
			t.Fatal(err)
		}
		g.waitFor(time.Second, "ana's")

		// The server renumbers the mailbox: everything is read again.
		if err := srv.User.Delete("INBOX"); err != nil {
			t.Fatal(err)
		}
		if err := srv.User.Create("INBOX", nil); err != nil {
			t.Fatal(err)
		}
		srv.Stop()
		srv.Restart()
		srv.Deliver(msg("e1@x", "eve@client.example", "eve's first"))
		srv.Deliver(msg("a1@x", "ana@client.example", "ana's"))
		srv.Deliver(msg("e2@x", "eve@client.example", "eve's second"))
		srv.Deliver(msg("e3@x", "eve@client.example", "eve writes again"))
		g.waitFor(10*time.Second, "ana's", "eve writes again")
		time.Sleep(200 * time.Millisecond) // nothing else comes after
		g.waitFor(time.Second, "ana's", "eve writes again")
		again, err := s.ContactByEmail(ctx, "eve@client.example")
		if err != nil || again.ID == eve.ID {
			t.Errorf("eve's new message: contact %+v, %v; want a new contact", again, err)
		}
	})
}
