package conversation

import (
	"context"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Block blocks a sender (SPEC CNV-7): their conversations in the inbox move to
// *filtered*, and every future message from them lands there. Blocking is for
// the whole organisation, as a sender is. The actor must be able to act in an
// inbox where the contact has a conversation, or be an admin; a contact they
// cannot see is ENOTFOUND.
func (s *Service) Block(ctx context.Context, a parley.Actor, contactID parley.ID) (*parley.Contact, error) {
	return s.setBlocked(ctx, a, contactID, true)
}

// Unblock lets a sender's future messages reach the inbox again. Conversations
// already in *filtered* stay there until restored.
func (s *Service) Unblock(ctx context.Context, a parley.Actor, contactID parley.ID) (*parley.Contact, error) {
	return s.setBlocked(ctx, a, contactID, false)
}

func (s *Service) setBlocked(ctx context.Context, a parley.Actor, contactID parley.ID, block bool) (*parley.Contact, error) {
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
		now := s.clock()
		if block == (contact.BlockedAt != nil) {
			out = contact
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
		if block {
			for _, id := range convs {
				c, err := tx.Conversation(ctx, id)
				if err != nil {
					return err
				}
				if c.Placement != parley.PlacementInbox {
					continue
				}
				for _, e := range moveTo(a, c, parley.PlacementFiltered, "sender blocked", now) {
					tx.Append(e.In(c))
				}
				if err := tx.UpdateConversation(ctx, c); err != nil {
					return err
				}
			}
		}
		out = contact
		return nil
	})
	return out, err
}

// Contact returns a contact the actor may see: an admin, or someone who can
// read one of the contact's conversations. Anyone else gets ENOTFOUND.
func (s *Service) Contact(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Contact, error) {
	c, err := s.store.Contact(ctx, id)
	if err != nil {
		return nil, err
	}
	convs, err := s.store.ContactConversationIDs(ctx, id, "")
	if err != nil {
		return nil, err
	}
	if err := auth.Contact(ctx, s.store, a, convs, auth.Read); err != nil {
		return nil, err
	}
	return c, nil
}
