package conversation

import (
	"context"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Associate puts a contact on a conversation (SPEC CRM-2), the way back
// from Dissociate: an existing contact by id, which the actor must be able
// to see (ENOTFOUND otherwise), or by email, finding the contact with that
// address or creating one. The thread keeps its messages; replies then go
// to the contact. Associating the contact already there changes nothing.
func (s *Service) Associate(ctx context.Context, a parley.Actor, id parley.ID, contactID parley.ID, email string) (*parley.Conversation, error) {
	if (contactID == 0) == (strings.TrimSpace(email) == "") {
		return nil, parley.Invalid("contact_id", "give either contact_id or email")
	}
	who := parley.Mailbox{Email: email}
	if contactID == 0 {
		if err := checkAddress("email", &who); err != nil {
			return nil, err
		}
	}
	return s.mutate(ctx, a, id, func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		var contact *parley.Contact
		var err error
		if contactID != 0 {
			if contact, err = tx.Contact(ctx, contactID); err != nil {
				return nil, err
			}
			convs, err := tx.ContactConversationIDs(ctx, contactID, "")
			if err != nil {
				return nil, err
			}
			if err := auth.Contact(ctx, tx, a, convs, auth.Read); err != nil {
				return nil, parley.NotFound("contact")
			}
		} else if contact, err = s.resolveContact(ctx, tx, parley.Mailbox{Email: who.Email}, nil, c.InboxID, now); err != nil {
			return nil, err
		}
		if c.ContactID != nil && *c.ContactID == contact.ID {
			return nil, nil
		}
		was := c.ContactID
		c.ContactID = &contact.ID
		return []parley.Event{parley.NewEvent(parley.EventContactAssociated, a, now,
			map[string]any{"contact_id": contact.ID, "from_contact_id": was})}, nil
	})
}
