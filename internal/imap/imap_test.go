package imap_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/imap"
	"github.com/parleyhq/parley/internal/imap/imaptest"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func msg(id, from, body string) string {
	return fmt.Sprintf("From: %s\r\nTo: support@acme.example\r\nSubject: %s\r\nMessage-ID: <%s>\r\n\r\n%s\r\n", from, body, id, body)
}

type rig struct {
	t    *testing.T
	s    *store.Store
	conv *conversation.Service
	ch   *parley.Channel
	root parley.Actor
}

func newRig(t *testing.T, s *store.Store, srv *imaptest.Server) *rig {
	ctx := context.Background()
	o := org.New(s, org.Options{})
	setup, err := o.FirstStart(ctx, "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(srv.Addr)
	cfg := fmt.Sprintf(`{"imap":{"host":%q,"port":%s,"security":"none","username":"support@acme.example","password":"pw"}}`, host, port)
	ch, err := o.CreateChannel(ctx, parley.System, setup.Inbox.ID, org.NewChannel{Kind: parley.ChannelEmail, Name: "Shared mailbox", Config: []byte(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	// The same mailbox cannot be connected twice (SPEC CHN-2).
	_, err = o.CreateChannel(ctx, parley.System, setup.Inbox.ID, org.NewChannel{Kind: parley.ChannelEmail, Name: "Again", Config: []byte(cfg)})
	if parley.ErrorCode(err) != parley.ECONFLICT || parley.ErrorField(err) != "config.imap" {
		t.Errorf("connecting the mailbox twice: %v, want ECONFLICT on config.imap", err)
	}
	blobs, _ := blob.Open(t.TempDir())
	root, _ := o.CreateUser(ctx, parley.System, org.NewUser{Email: "root@acme.example", Name: "Root", Role: parley.RoleAdmin})
	return &rig{t: t, s: s, ch: ch, root: parley.UserActor(root),
		conv: conversation.New(s, conversation.Options{MailDomain: "parley.test", Blobs: blobs})}
}

func (g *rig) run(poll time.Duration) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	m := imap.NewManager(g.s, imap.Options{Receiver: g.conv, Poll: poll, Idle: 2 * time.Second})
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	g.t.Cleanup(func() { cancel(); <-done })
	return cancel
}

// texts returns the texts of every message received on the channel.
func (g *rig) texts() []string { return storetest.InboxTexts(g.t, g.s, g.ch.InboxID) }

func (g *rig) convs() []parley.Conversation {
	cs, err := g.s.ListView(context.Background(), store.ViewQuery{InboxIDs: []parley.ID{g.ch.InboxID},
		Placements: []parley.Placement{parley.PlacementInbox, parley.PlacementFiltered}, Oldest: true, Limit: 100})
	if err != nil {
		g.t.Fatal(err)
	}
	return cs
}

// waitFor polls until the channel's messages are want, in any order.
func (g *rig) waitFor(within time.Duration, want ...string) {
	g.t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := g.texts()
		if sameSet(got, want) {
			return
		}
		if time.Now().After(deadline) {
			st, _ := g.s.MailboxState(context.Background(), g.ch.ID)
			g.t.Fatalf("messages %q, want %q (mailbox state %+v)", got, want, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestMailbox plays a connected mailbox's life against a real IMAP server
// with IDLE: backlog, push, a message read elsewhere, a broken message, a
// reconnect, a deleted conversation and a UIDVALIDITY change.
func TestMailbox(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := imaptest.Start(t, goimap.CapSet{goimap.CapIMAP4rev2: {}})
		g := newRig(t, s, srv)
		srv.Deliver(msg("m1@x", "ana@client.example", "first"))
		srv.Deliver(msg("m2@x", "bob@client.example", "second"))

		g.run(time.Hour) // no polling: new mail must come by IDLE
		g.waitFor(5*time.Second, "first", "second")

		srv.Deliver(msg("m3@x", "cy@client.example", "pushed"))
		g.waitFor(5*time.Second, "first", "second", "pushed")

		// Read by another client first: \Seen does not hide it.
		srv.Deliver(msg("m4@x", "dee@client.example", "already read"), goimap.FlagSeen)
		// A broken message is quarantined; the one behind it flows.
		srv.Deliver("To: support@acme.example\r\nSubject: no sender\r\n\r\nbody\r\n")
		srv.Deliver(msg("m5@x", "eve@client.example", "behind the broken one"))
		g.waitFor(5*time.Second, "first", "second", "pushed", "already read", "behind the broken one")
		if q, _ := s.QuarantineList(ctx, 0, 10); len(q) != 1 || q[0].Source != "imap" {
			t.Errorf("quarantine = %+v", q)
		}

		// We never mark anything read.
		c := srv.Client()
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		found, err := c.Search(&goimap.SearchCriteria{Flag: []goimap.Flag{goimap.FlagSeen}}, nil).Wait()
		c.Close()
		if err != nil || len(found.AllSeqNums()) != 1 {
			t.Errorf("seen messages: %v (%v), want only the one read elsewhere", found, err)
		}
		// The checkpoint moves just after each commit: wait for it.
		waitState := func(want string, ok func(*store.MailboxState) bool) {
			t.Helper()
			deadline := time.Now().Add(5 * time.Second)
			for {
				st, _ := s.MailboxState(ctx, g.ch.ID)
				if ok(st) {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("state %+v, want %s", st, want)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		waitState("checkpoint at UID 6, synced, no error", func(st *store.MailboxState) bool {
			return st.LastUID == 6 && st.SyncedAt != nil && st.LastError == ""
		})

		// The server goes away and comes back: the syncer reconnects.
		srv.Stop()
		deadline := time.Now().Add(5 * time.Second)
		for st, _ := s.MailboxState(ctx, g.ch.ID); st.LastError == ""; st, _ = s.MailboxState(ctx, g.ch.ID) {
			if time.Now().After(deadline) {
				t.Fatal("a lost connection left no error on the channel's status")
			}
			time.Sleep(20 * time.Millisecond)
		}
		srv.Restart()
		srv.Deliver(msg("m6@x", "fay@client.example", "after the outage"))
		g.waitFor(10*time.Second, "first", "second", "pushed", "already read", "behind the broken one", "after the outage")

		// A deleted conversation is not re-imported, even when the server
		// renumbers the mailbox (UIDVALIDITY changes) and everything is
		// looked at again.
		first := g.convs()[0]
		if _, err := g.conv.Trash(ctx, g.root, first.ID); err != nil {
			t.Fatal(err)
		}
		if err := g.conv.Delete(ctx, g.root, first.ID); err != nil {
			t.Fatal(err)
		}
		if err := srv.User.Delete("INBOX"); err != nil {
			t.Fatal(err)
		}
		if err := srv.User.Create("INBOX", nil); err != nil {
			t.Fatal(err)
		}
		srv.Stop() // clients had the old INBOX selected
		srv.Restart()
		for _, m := range [][3]string{{"m1@x", "ana@client.example", "first"}, {"m2@x", "bob@client.example", "second"}, {"m7@x", "gus@client.example", "renumbered"}} {
			srv.Deliver(msg(m[0], m[1], m[2]))
		}
		g.waitFor(10*time.Second, "second", "pushed", "already read", "behind the broken one", "after the outage", "renumbered")
		waitState("after the renumbering, checkpoint at UID 3", func(st *store.MailboxState) bool { return st.LastUID == 3 })
	})
}

// TestMailboxPolling: a server without IDLE is polled; turning the channel
// off stops reading (the mail stays on the server).
func TestMailboxPolling(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := imaptest.Start(t, goimap.CapSet{goimap.CapIMAP4rev1: {}})
		g := newRig(t, s, srv)
		g.run(200 * time.Millisecond)
		srv.Deliver(msg("p1@x", "ana@client.example", "polled"))
		g.waitFor(5*time.Second, "polled")

		off := false
		if _, err := org.New(s, org.Options{}).UpdateChannel(ctx, parley.System, g.ch.ID, org.ChannelPatch{Enabled: &off}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond) // the manager sees the change
		srv.Deliver(msg("p2@x", "bob@client.example", "while off"))
		time.Sleep(time.Second)
		if got := g.texts(); strings.Join(got, ",") != "polled" {
			t.Errorf("messages %q: a channel that is off read mail", got)
		}
	})
}
