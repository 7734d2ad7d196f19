package conversation_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// A bulk action on a whole view goes a page at a time and reaches every
// conversation of the view, not only the loaded ones (issue 11, item 13).
func TestBulkView(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		total := conversation.BulkPage + 30
		var support []parley.ID
		for range total {
			support = append(support, w.open(w.supportAPI, "many@example.org"))
		}
		if _, err := w.svc.Close(ctx, w.ana, support[5]); err != nil { // not in the open view
			t.Fatal(err)
		}
		restricted := w.open(w.restrAPI, "jo@example.org") // root may read it, not act on it

		f := conversation.ListFilter{View: parley.ViewOpen}
		done, pages, failed := map[parley.ID]bool{}, 0, map[parley.ID]string{}
		for {
			res, next, err := w.svc.BulkView(ctx, w.root, f, conversation.BulkClose, conversation.Assignment{})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, r := range res {
				if r.Err != nil {
					failed[r.ID] = parley.ErrorCode(r.Err)
					continue
				}
				if !r.Changed || r.Before.Status != parley.StatusOpen {
					t.Errorf("item %d: changed %v, before %s; want a change from open", r.ID, r.Changed, r.Before.Status)
				}
				done[r.ID] = true
			}
			if next == nil {
				break
			}
			f.After = next
		}
		if pages != 2 || len(done) != total-1 {
			t.Errorf("%d pages closed %d conversations, want 2 pages and %d", pages, len(done), total-1)
		}
		if len(failed) != 1 || failed[restricted] != parley.EFORBIDDEN {
			t.Errorf("failed items = %v, want only %d forbidden", failed, restricted)
		}
		for _, id := range support {
			if w.get(id).Status != parley.StatusClosed {
				t.Errorf("conversation %d is still open", id)
			}
		}
		if w.get(restricted).Status != parley.StatusOpen {
			t.Error("a conversation root may not act on was closed")
		}

		_, _, err := w.svc.BulkView(ctx, w.bob, conversation.ListFilter{InboxID: w.restricted.ID}, conversation.BulkClose, conversation.Assignment{})
		wantCode(t, err, parley.ENOTFOUND)
		_, _, err = w.svc.BulkView(ctx, w.bob, conversation.ListFilter{}, "explode", conversation.Assignment{})
		wantCode(t, err, parley.EINVALID)
	})
}

// A bulk result says what each item was, so that the action can be undone
// item by item; an item the action did not change says so.
func TestBulkUndoable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		a, b := w.open(w.supportAPI, "a@example.org"), w.open(w.supportAPI, "b@example.org")
		if _, err := w.svc.Trash(ctx, w.bob, b); err != nil {
			t.Fatal(err)
		}
		res, err := w.svc.Bulk(ctx, w.bob, []parley.ID{a, b}, conversation.BulkTrash, conversation.Assignment{})
		if err != nil {
			t.Fatal(err)
		}
		if !res[0].Changed || res[0].Before.Placement != parley.PlacementInbox || res[1].Changed {
			t.Errorf("results = %+v, want a changed from inbox and b unchanged", res)
		}
	})
}

// Restoring from spam or trash undoes the move: a conversation goes back
// where it was, filtered included (issue 11, item 2).
func TestRestoreWhereItWas(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		filtered := w.open(w.supportAPI, "pat@example.org")
		if _, err := w.svc.Block(ctx, w.bob, *w.get(filtered).ContactID); err != nil {
			t.Fatal(err)
		}
		inbox := w.open(w.supportAPI, "jo@example.org")
		for _, step := range []struct {
			id   parley.ID
			move func(context.Context, parley.Actor, parley.ID) (*parley.Conversation, error)
			want parley.Placement
		}{
			{filtered, w.svc.Trash, parley.PlacementFiltered},
			{filtered, w.svc.Spam, parley.PlacementFiltered},
			{inbox, w.svc.Trash, parley.PlacementInbox},
			{inbox, w.svc.Spam, parley.PlacementInbox},
		} {
			if _, err := step.move(ctx, w.bob, step.id); err != nil {
				t.Fatal(err)
			}
			c, err := w.svc.Restore(ctx, w.bob, step.id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Placement != step.want {
				t.Errorf("conversation %d restored to %s, want %s", step.id, c.Placement, step.want)
			}
		}
		// From filtered, restoring goes to the inbox.
		if c, err := w.svc.Restore(ctx, w.bob, filtered); err != nil || c.Placement != parley.PlacementInbox {
			t.Errorf("restore from filtered: %v, %v; want inbox", c.Placement, err)
		}
	})
}
