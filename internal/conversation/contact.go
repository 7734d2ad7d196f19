package conversation

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// ContactPatch changes a contact; nil fields stay as they are.
type ContactPatch struct {
	Name  *string
	Phone *string
	// OwnerID is the contact's owner (SPEC RTE-2: the contact-owner rule
	// routes their conversations to them); 0 removes the owner.
	OwnerID *parley.ID
}

// UpdateContact changes a contact's name, phone or owner: anyone who may
// act in one of the contact's conversations. An owner must be an active
// teammate who is not a viewer. A name a person sets shows to everyone who
// may see the contact.
func (s *Service) UpdateContact(ctx context.Context, a parley.Actor, id parley.ID, p ContactPatch) (*parley.Contact, error) {
	if p.Name != nil {
		name := strings.Join(strings.Fields(*p.Name), " ")
		if utf8.RuneCountInString(name) > 200 {
			return nil, parley.Invalid("name", "is longer than 200 characters")
		}
		p.Name = &name
	}
	if p.Phone != nil {
		phone := strings.TrimSpace(*p.Phone)
		if len(phone) > 50 || strings.ContainsFunc(phone, func(r rune) bool { return !strings.ContainsRune("+0123456789 ()-.", r) }) {
			return nil, parley.Invalid("phone", "is not a phone number: digits, spaces, + ( ) - . and at most 50 characters")
		}
		p.Phone = &phone
	}
	var out *parley.Contact
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Contact(ctx, id)
		if err != nil {
			return err
		}
		convs, err := tx.ContactConversationIDs(ctx, id, "")
		if err != nil {
			return err
		}
		if err := auth.Contact(ctx, tx, a, convs, auth.Act); err != nil {
			return err
		}
		from := c.OwnerID
		if p.OwnerID != nil {
			c.OwnerID = nil
			if *p.OwnerID != 0 {
				u, err := tx.User(ctx, *p.OwnerID)
				switch {
				case parley.ErrorCode(err) == parley.ENOTFOUND:
					return parley.Invalid("owner_id", "no such user")
				case err != nil:
					return err
				case !u.Active():
					return parley.Invalid("owner_id", "%s is deactivated: choose an active teammate", u.Name).Because("routing_deactivated")
				case u.Role == parley.RoleViewer:
					return parley.Invalid("owner_id", "%s is a viewer: choose a teammate who works conversations", u.Name).Because("owner_viewer")
				}
				c.OwnerID = &u.ID
			}
		}
		if p.Name != nil {
			c.Name, c.NameInbox = *p.Name, nil
		}
		if p.Phone != nil {
			c.Phone = *p.Phone
		}
		if err := tx.UpdateContact(ctx, c); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventContactUpdated, a, s.clock(), map[string]any{
			"contact_id": c.ID, "owner_id": c.OwnerID, "from_owner_id": from}))
		readable, err := auth.Readable(ctx, tx, a)
		if err != nil {
			return err
		}
		out = c.Seen(readable)
		return nil
	})
	return out, err
}

// Consents returns what a contact agreed to, oldest first, to someone who
// may see the contact (SPEC CHT-10).
func (s *Service) Consents(ctx context.Context, a parley.Actor, id parley.ID) ([]store.Consent, error) {
	if _, err := s.Contact(ctx, a, id); err != nil {
		return nil, err
	}
	return s.store.Consents(ctx, id)
}
