package conversation_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestAccess tries every use-case on a conversation of the Restricted inbox
// as each kind of user: the outsider gets ENOTFOUND exactly as for an id
// that does not exist, the viewer may read but not act, the admin who is not
// a member may read but not act, the member may do everything.
func TestAccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		id := w.open(w.restrAPI, "jo@example.org")
		contact := *w.get(id).ContactID
		ana := w.ana.UserID

		type op struct {
			name string
			act  bool
			run  func(a parley.Actor, id parley.ID) error
		}
		ops := []op{
			{"get", false, func(a parley.Actor, id parley.ID) error { _, err := w.svc.Get(ctx, a, id); return err }},
			{"timeline", false, func(a parley.Actor, id parley.ID) error { _, err := w.svc.Timeline(ctx, a, id, 0, 10); return err }},
			{"reply", true, func(a parley.Actor, id parley.ID) error {
				_, err := w.svc.Reply(ctx, a, id, conversation.Body{Text: "x"})
				return err
			}},
			{"comment", true, func(a parley.Actor, id parley.ID) error {
				_, err := w.svc.Comment(ctx, a, id, conversation.Body{Text: "x"})
				return err
			}},
			{"assign", true, func(a parley.Actor, id parley.ID) error {
				_, err := w.svc.Assign(ctx, a, id, conversation.Assignment{UserID: &ana})
				return err
			}},
			{"close", true, func(a parley.Actor, id parley.ID) error { _, err := w.svc.Close(ctx, a, id); return err }},
			{"reopen", true, func(a parley.Actor, id parley.ID) error { _, err := w.svc.Reopen(ctx, a, id); return err }},
			{"spam", true, func(a parley.Actor, id parley.ID) error { _, err := w.svc.Spam(ctx, a, id); return err }},
			{"restore", true, func(a parley.Actor, id parley.ID) error { _, err := w.svc.Restore(ctx, a, id); return err }},
			{"trash", true, func(a parley.Actor, id parley.ID) error { _, err := w.svc.Trash(ctx, a, id); return err }},
		}
		for _, o := range ops {
			t.Run(o.name, func(t *testing.T) {
				wantCode(t, o.run(w.bob, id), parley.ENOTFOUND)
				wantCode(t, o.run(w.bob, 999999), parley.ENOTFOUND)
				want := ""
				if o.act {
					want = parley.EFORBIDDEN
				}
				wantCode(t, o.run(w.vic, id), want)
				wantCode(t, o.run(w.root, id), want)
				wantCode(t, o.run(w.ana, id), "")
			})
		}
		// The conversation is in the trash now: delete is last.
		wantCode(t, w.svc.Delete(ctx, w.bob, id), parley.ENOTFOUND)
		wantCode(t, w.svc.Delete(ctx, w.vic, id), parley.EFORBIDDEN)

		t.Run("contact", func(t *testing.T) {
			contacts := crm.New(s, crm.Options{})
			_, err := contacts.Contact(ctx, w.bob, contact)
			wantCode(t, err, parley.ENOTFOUND)
			_, err = w.svc.Block(ctx, w.bob, contact)
			wantCode(t, err, parley.ENOTFOUND)
			_, err = w.svc.Block(ctx, w.vic, contact)
			wantCode(t, err, parley.EFORBIDDEN)
			if _, err := contacts.Contact(ctx, w.vic, contact); err != nil {
				t.Errorf("a viewer of the inbox cannot see the contact: %v", err)
			}
		})

		t.Run("list", func(t *testing.T) {
			for _, placement := range []parley.Placement{parley.PlacementInbox, parley.PlacementTrash} {
				got, err := w.svc.List(ctx, w.bob, conversation.ListFilter{Placement: placement})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range got {
					if c.InboxID == w.restricted.ID {
						t.Errorf("bob's %s list shows conversation %d of Restricted", placement, c.ID)
					}
				}
				got, err = w.svc.List(ctx, w.ana, conversation.ListFilter{Placement: placement})
				if err != nil {
					t.Fatal(err)
				}
				if placement == parley.PlacementTrash && (len(got) != 1 || got[0].ID != id) {
					t.Errorf("ana's trash = %v, want conversation %d", got, id)
				}
			}
			_, err := w.svc.List(ctx, w.bob, conversation.ListFilter{InboxID: w.restricted.ID})
			wantCode(t, err, parley.ENOTFOUND)
		})

		t.Run("bulk", func(t *testing.T) {
			mine := w.open(w.supportAPI, "amy@example.org")
			res, err := w.svc.Bulk(ctx, w.bob, []parley.ID{mine, id, 999999}, conversation.BulkClose, conversation.Assignment{})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"", parley.ENOTFOUND, parley.ENOTFOUND}
			for i, r := range res {
				if got := parley.ErrorCode(r.Err); got != want[i] {
					t.Errorf("item %d (%d): code %q, want %q", i, r.ID, got, want[i])
				}
			}
			if w.get(mine).Status != parley.StatusClosed {
				t.Error("bob's own conversation was not closed")
			}
			if w.get(id).Status == parley.StatusClosed {
				t.Error("the Restricted conversation was closed by an outsider")
			}
		})
	})
}
