package conversation

import (
	"context"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
)

// The reads the API shows alongside what it lists: they check access like
// the use-cases, and change nothing.

// ContactsSeen returns the contacts of the conversations a lists, as a sees
// them (a name learnt in an inbox a cannot read is not shown). The ids
// come from conversations a was allowed to read.
func (s *Service) ContactsSeen(ctx context.Context, a parley.Actor, ids []parley.ID) (map[parley.ID]*parley.Contact, error) {
	contacts, err := s.store.ContactsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	readable, err := auth.Readable(ctx, s.store, a)
	if err != nil {
		return nil, err
	}
	for id, c := range contacts {
		contacts[id] = c.Seen(readable)
	}
	return contacts, nil
}

// Attachments returns the attachments of a message in a conversation a may
// read.
func (s *Service) Attachments(ctx context.Context, a parley.Actor, m *parley.Message) ([]parley.Attachment, error) {
	if _, err := s.Get(ctx, a, m.ConversationID); err != nil {
		return nil, err
	}
	atts, err := s.store.MessageAttachments(ctx, []parley.ID{m.ID})
	if err != nil {
		return nil, err
	}
	return atts[m.ID], nil
}
