package conversation

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Erased is what erasing a contact deleted.
type Erased struct {
	ContactID     parley.ID
	Conversations int
	Messages      int
	Attachments   int
	Blobs         int // files removed from the blob store (those no one else's row named)
}

// EraseContact erases a contact everywhere (issue 18, GDPR; admins only):
// their conversations in every inbox with messages, attachments, raw mail
// and search entries, their messages in others' conversations, visitors,
// consents, list, ticket and deal links, notifications, addresses and
// phones, the queued jobs mailing them or naming their conversations,
// then the blobs no other row names and no Put touched within blob.Grace
// (the others at the next retention round). confirm must be the contact's
// name or one of its addresses (case ignored), a phone, or "#" and its id,
// as typed by the person erasing (EINVALID on confirm otherwise). It
// appends contact.erased (the contact's id and counts, nothing of who they
// were) and a conversation.deleted per conversation, and leaves hashes of
// their items' dedupe keys so that a re-delivery or a mailbox re-sync of
// what was erased is dropped on the way in (admit). A new message from the
// same address later is a new contact: erasure forgets, it does not block.
func (s *Service) EraseContact(ctx context.Context, a parley.Actor, id parley.ID, confirm string) (*Erased, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	out := &Erased{ContactID: id}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Contact(ctx, id)
		if err != nil {
			return err
		}
		if !confirmsContact(c, confirm) {
			return parley.Invalid("confirm", "type the contact's name, email address or #id to confirm").Because("confirm_contact")
		}
		now := s.clock()
		er, err := tx.EraseContact(ctx, c, now)
		if err != nil {
			return err
		}
		out.Conversations, out.Messages, out.Attachments = len(er.Conversations), len(er.MessageIDs), er.Attachments
		// Others' conversations that lost a message of theirs show their
		// newest message left, not theirs.
		for _, cid := range er.Touched {
			c, err := tx.Conversation(ctx, cid)
			if err != nil {
				return err
			}
			c.Preview = ""
			if m, err := tx.LastMessage(ctx, cid); err == nil {
				c.Preview = preview(Body{Text: m.Text, HTML: m.HTML})
			} else if parley.ErrorCode(err) != parley.ENOTFOUND {
				return err
			}
			if err := tx.UpdateConversation(ctx, c); err != nil {
				return err
			}
		}
		convs := make([]parley.ID, len(er.Conversations))
		for i := range er.Conversations {
			convs[i] = er.Conversations[i].ID
		}
		// Nothing may be left: the schema is read for every table that
		// names a contact, a conversation or a message.
		left, err := tx.Remnants(ctx, id, convs, er.MessageIDs)
		if err != nil {
			return err
		}
		if len(left) > 0 {
			return fmt.Errorf("conversation: erase contact %d left %s", id, strings.Join(left, ", "))
		}
		for i := range er.Conversations {
			tx.Append(parley.NewEvent(parley.EventConversationDeleted, a, now, nil).In(&er.Conversations[i]))
		}
		tx.Append(parley.NewEvent(parley.EventContactErased, a, now, map[string]any{
			"contact_id": id, "conversations": out.Conversations, "messages": out.Messages, "attachments": out.Attachments}))
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Blobs = s.removeBlobs(ctx)
	return out, nil
}

// confirmsContact reports whether typed names the contact: "#" and its id
// (always: a chat visitor may have no name, address or phone), its name or
// one of its addresses (spaces trimmed, case ignored), or one of its
// phones.
func confirmsContact(c *parley.Contact, typed string) bool {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return false
	}
	if typed == "#"+strconv.FormatInt(int64(c.ID), 10) {
		return true
	}
	if name := strings.TrimSpace(c.Name); name != "" && strings.EqualFold(typed, name) {
		return true
	}
	for _, e := range c.Emails {
		if strings.EqualFold(typed, strings.TrimSpace(e)) {
			return true
		}
	}
	for _, p := range c.Phones {
		if typed == p {
			return true
		}
	}
	return false
}
