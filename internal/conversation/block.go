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
		if err := contactAccess(ctx, tx, a, convs); err != nil {
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

// contactAccess checks that a may act on a contact: an admin, or someone who
// may act in an inbox holding one of the contact's conversations. Whoever can
// see none of them gets ENOTFOUND.
func contactAccess(ctx context.Context, tx *store.Tx, a parley.Actor, convs []parley.ID) error {
	if auth.Admin(a) == nil {
		return nil
	}
	var denied error
	for _, id := range convs {
		_, err := auth.Conversation(ctx, tx, a, id, auth.Act)
		if err == nil {
			return nil
		}
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			denied = err
		}
	}
	if denied != nil {
		return denied
	}
	return parley.NotFound("contact")
}

// Contact returns a contact the actor may see: an admin, or someone who can
// read one of the contact's conversations. Anyone else gets ENOTFOUND.
func (s *Service) Contact(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Contact, error) {
	c, err := s.store.Contact(ctx, id)
	if err != nil {
		return nil, err
	}
	if auth.Admin(a) == nil {
		return c, nil
	}
	convs, err := s.store.ContactConversationIDs(ctx, id, "")
	if err != nil {
		return nil, err
	}
	for _, cid := range convs {
		if _, err := auth.Conversation(ctx, s.store, a, cid, auth.Read); err == nil {
			return c, nil
		}
	}
	return nil, parley.NotFound("contact")
}
