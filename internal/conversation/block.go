package conversation

import (
	"context"
	"encoding/json"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Block blocks a sender (SPEC CNV-7): their conversations in the inboxes the
// actor may act in move to *filtered*, and every future message from them
// lands there. Blocking is for the whole organisation, as a sender is;
// threads of inboxes the actor cannot act in stay where they are, for their
// members to judge. The actor must be able to act in an
// inbox where the contact has a conversation, or be an admin; a contact they
// cannot see is ENOTFOUND.
func (s *Service) Block(ctx context.Context, a parley.Actor, contactID parley.ID) (*parley.Contact, error) {
	return s.setBlocked(ctx, a, contactID, true, false)
}

// Unblock lets a sender's future messages reach the inbox again. Conversations
// already in *filtered* stay there until restored.
func (s *Service) Unblock(ctx context.Context, a parley.Actor, contactID parley.ID) (*parley.Contact, error) {
	return s.setBlocked(ctx, a, contactID, false, false)
}

// UndoBlock reverses Block: the sender is unblocked, and the conversations
// the block moved to *filtered*, and that are still there, go back to the
// inbox. It checks access as Block does.
func (s *Service) UndoBlock(ctx context.Context, a parley.Actor, contactID parley.ID) (*parley.Contact, error) {
	return s.setBlocked(ctx, a, contactID, false, true)
}

// blockedReason is the reason of the moves Block makes, by which UndoBlock
// knows them.
const blockedReason = "sender blocked"

// BlockPreview says what Block would do, so a person can be told before
// they block: how many of the sender's conversations it would move to
// *filtered*. It checks access as Block does.
func (s *Service) BlockPreview(ctx context.Context, a parley.Actor, contactID parley.ID) (int, error) {
	if _, err := s.store.Contact(ctx, contactID); err != nil {
		return 0, err
	}
	convs, err := s.store.ContactConversationIDs(ctx, contactID, "")
	if err != nil {
		return 0, err
	}
	if err := auth.Contact(ctx, s.store, a, convs, auth.Act); err != nil {
		return 0, err
	}
	moves, err := blockMoves(ctx, &s.store.Q, a, convs)
	return len(moves), err
}

// blockMoves returns the conversations among ids that blocking their sender
// moves: those in the inbox, of inboxes a may act in.
func blockMoves(ctx context.Context, q *store.Q, a parley.Actor, ids []parley.ID) ([]*parley.Conversation, error) {
	return actable(ctx, q, a, ids, func(c *parley.Conversation) (bool, error) {
		return c.Placement == parley.PlacementInbox, nil
	})
}

// blockedBack returns the conversations among ids that a block moved to
// filtered and that are still there, of inboxes a may act in.
func blockedBack(ctx context.Context, q *store.Q, a parley.Actor, ids []parley.ID) ([]*parley.Conversation, error) {
	return actable(ctx, q, a, ids, func(c *parley.Conversation) (bool, error) {
		if c.Placement != parley.PlacementFiltered {
			return false, nil
		}
		last, err := q.LastConversationEvent(ctx, c.ID, parley.EventMoved)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return false, nil
		} else if err != nil {
			return false, err
		}
		var move struct{ Reason string }
		return json.Unmarshal(last.Data, &move) == nil && move.Reason == blockedReason, nil
	})
}

// actable returns the conversations among ids that a may act on and keep
// accepts. Blocking is the organisation's, for the sender's future
// messages; the threads it moves are only those of inboxes the blocker may
// act in. Others are their members'.
func actable(ctx context.Context, q *store.Q, a parley.Actor, ids []parley.ID, keep func(*parley.Conversation) (bool, error)) ([]*parley.Conversation, error) {
	var out []*parley.Conversation
	for _, id := range ids {
		c, err := auth.Conversation(ctx, q, a, id, auth.Act)
		if code := parley.ErrorCode(err); code == parley.ENOTFOUND || code == parley.EFORBIDDEN {
			continue
		} else if err != nil {
			return nil, err
		}
		if ok, err := keep(c); err != nil {
			return nil, err
		} else if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *Service) setBlocked(ctx context.Context, a parley.Actor, contactID parley.ID, block, undo bool) (*parley.Contact, error) {
	var out *parley.Contact
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		contact, err := tx.Contact(ctx, contactID)
		if err != nil {
			return err
		}
		convs, err := tx.ContactConversationIDs(ctx, contactID, "")
		if err != nil {
			return err
		}
		if err := auth.Contact(ctx, tx, a, convs, auth.Act); err != nil {
			return err
		}
		readable, err := auth.Readable(ctx, tx, a)
		if err != nil {
			return err
		}
		out = contact.Seen(readable)
		now := s.clock()
		if block == (contact.BlockedAt != nil) {
			return nil
		}
		typ := parley.EventContactUnblocked
		contact.BlockedAt = nil
		if block {
			typ = parley.EventContactBlocked
			contact.BlockedAt = &now
		}
		if err := tx.SetContactBlocked(ctx, contactID, contact.BlockedAt); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(typ, a, now, map[string]any{"contact_id": contactID}))
		var moves []*parley.Conversation
		to := parley.PlacementFiltered
		switch {
		case block:
			moves, err = blockMoves(ctx, &tx.Q, a, convs)
		case undo:
			moves, err = blockedBack(ctx, &tx.Q, a, convs)
			to = parley.PlacementInbox
		}
		if err != nil {
			return err
		}
		reason := blockedReason
		if !block {
			reason = "sender unblocked"
		}
		for _, c := range moves {
			for _, e := range moveTo(a, c, to, reason, now) {
				tx.Append(e.In(c))
			}
			if err := tx.UpdateConversation(ctx, c); err != nil {
				return err
			}
		}
		out.BlockedAt = contact.BlockedAt
		return nil
	})
	return out, err
}

// Dissociate takes the contact off a conversation (SPEC CRM-2): the thread
// keeps its messages, and the contact's later mail no longer joins it.
func (s *Service) Dissociate(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
	return s.mutate(ctx, a, id, func(_ *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		if c.ContactID == nil {
			return nil, nil
		}
		was := *c.ContactID
		c.ContactID = nil
		return []parley.Event{parley.NewEvent(parley.EventContactDissociated, a, now, map[string]any{"contact_id": was})}, nil
	})
}
