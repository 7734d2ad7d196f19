package org_test

import (
	"context"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestFirstStart checks that several nodes starting at once on one empty
// database create the organisation, one inbox and one admin, once; and
// that a start gives the admin a fresh sign-in link only while they have
// no password.
func TestFirstStart(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := org.New(s, org.Options{})
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			tokens int
		)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				setup, err := o.FirstStart(ctx, "Acme", "Boss@Example.com")
				if err != nil {
					t.Errorf("FirstStart: %v", err)
					return
				}
				if setup.LoginToken != "" {
					mu.Lock()
					tokens++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if tokens == 0 {
			t.Error("no start printed a sign-in link")
		}
		users, _ := s.Users(ctx)
		inboxes, _ := s.Inboxes(ctx)
		if len(users) != 1 || users[0].Email != "boss@example.com" || users[0].Role != parley.RoleAdmin {
			t.Errorf("users = %+v, want one admin boss@example.com", users)
		}
		if len(inboxes) != 1 || inboxes[0].Slug != "support" || inboxes[0].Access != parley.AccessEveryone {
			t.Errorf("inboxes = %+v, want Support open to everyone", inboxes)
		}
		chs, _ := s.Channels(ctx, inboxes[0].ID)
		if len(chs) != 2 || chs[0].Kind != parley.ChannelEmail || !chs[0].Builtin || !chs[0].Enabled ||
			chs[1].Kind != parley.ChannelAPI || chs[1].Builtin || !chs[1].Enabled {
			t.Errorf("channels = %+v, want the built-in email channel and an API channel, enabled", chs)
		}
		// The first start's link was lost (it failed after making it): the
		// next start gives another, until the admin has a password.
		again, err := o.FirstStart(ctx, "Acme", "boss@example.com")
		if err != nil || again.LoginToken == "" || again.Inbox != nil {
			t.Errorf("a start while the admin has no password: %+v, %v; want a new link, nothing created", again, err)
		}
		if err := o.SetPassword(ctx, parley.System, "boss@example.com", "a-long-password"); err != nil {
			t.Fatal(err)
		}
		if again, err := o.FirstStart(ctx, "Acme", "boss@example.com"); err != nil || again.LoginToken != "" {
			t.Errorf("a start after the admin set a password: %+v, %v; want no link", again, err)
		}
		// Users made before the first serve (the command line) mean no
		// extra admin.
		again, err = o.FirstStart(ctx, "Acme", "other@example.com")
		if err != nil || again.Admin != nil || again.Inbox != nil {
			t.Errorf("a later start created %+v, %v", again, err)
		}
	})
}

func TestInboxes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := org.New(s, org.Options{})
		f := storetest.NewFixtures(t, s)
		root := parley.UserActor(f.User("root", parley.RoleAdmin))
		ana := f.User("ana", parley.RoleAgent)
		bob := f.User("bob", parley.RoleAgent)
		team := f.Team("Night", bob)

		a, err := o.CreateInbox(ctx, root, org.NewInbox{Name: "Après-vente"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := o.CreateInbox(ctx, root, org.NewInbox{Name: "après vente", Access: parley.AccessSpecific, UserIDs: []parley.ID{ana.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Slug != "apres-vente" || b.Slug != "apres-vente-2" {
			t.Errorf("slugs %q, %q; want apres-vente, apres-vente-2", a.Slug, b.Slug)
		}
		_, err = o.CreateInbox(ctx, parley.UserActor(ana), org.NewInbox{Name: "Mine"})
		if parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent created an inbox: %v", err)
		}
		_, err = o.CreateInbox(ctx, root, org.NewInbox{Name: "X", UserIDs: []parley.ID{9999}})
		if parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("an inbox naming a missing user: %v, want EINVALID", err)
		}

		visible := func(u *parley.User) map[parley.ID]bool {
			vs, err := o.Inboxes(ctx, parley.UserActor(u))
			if err != nil {
				t.Fatal(err)
			}
			out := map[parley.ID]bool{}
			for _, v := range vs {
				out[v.ID] = v.Member
			}
			return out
		}
		if v := visible(bob); len(v) != 1 || !v[a.ID] {
			t.Errorf("bob sees %v, want only %d", v, a.ID)
		}
		// Membership through a team.
		if _, err := o.SetInboxMembers(ctx, root, b.ID, []parley.ID{ana.ID}, []parley.ID{team.ID}); err != nil {
			t.Fatal(err)
		}
		if v := visible(bob); !v[b.ID] {
			t.Errorf("bob, in team Night, does not see %d: %v", b.ID, v)
		}
		// Admins see every inbox, as non-members where not named.
		rootUser, _ := s.User(ctx, root.UserID)
		if v := visible(rootUser); len(v) != 2 || !v[a.ID] || v[b.ID] {
			t.Errorf("root sees %v, want both, member of %d only", v, a.ID)
		}
		// Renaming keeps the address.
		name := "SAV"
		got, err := o.UpdateInbox(ctx, root, b.ID, org.InboxPatch{Name: &name})
		if err != nil || got.Name != "SAV" || got.Slug != "apres-vente-2" {
			t.Errorf("rename: %+v, %v", got, err)
		}
	})
}
