package server

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

// getContact shows a contact to someone who can see one of their
// conversations (or an admin); anyone else gets 404.
func (s *Server) getContact(ctx context.Context, a parley.Actor, in *idInput) (*body[present.ContactJSON], error) {
	c, err := s.crm.Contact(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

// contactBody is a contact's fields as a person writes them; an absent
// field stays as it is.
type contactBody struct {
	Name      *string    `json:"name,omitempty" maxLength:"200"`
	Emails    *[]string  `json:"emails,omitempty" maxItems:"20" doc:"Every address, the primary first; an address another contact has is refused (merge them instead)."`
	Phones    *[]string  `json:"phones,omitempty" maxItems:"20" doc:"Every phone, the primary first: digits, spaces, + ( ) - ."`
	Phone     *string    `json:"phone,omitempty" maxLength:"50" doc:"The primary phone alone, the others kept; empty removes it."`
	OwnerID   *parley.ID `json:"owner_id,omitempty" doc:"The contact's owner, an active teammate who is not a viewer; 0 removes the owner. The contact-owner routing rule sends their conversations to them."`
	CompanyID *parley.ID `json:"company_id,omitempty" doc:"The company the contact works for; 0 takes them off it."`
}

func (b contactBody) input() crm.ContactInput {
	return crm.ContactInput{Name: b.Name, Emails: b.Emails, Phones: b.Phones, Phone: b.Phone, OwnerID: b.OwnerID, CompanyID: b.CompanyID}
}

type updateContactInput struct {
	ID   parley.ID `path:"id"`
	Body contactBody
}

// updateContact changes a contact's name, addresses, phones or owner.
func (s *Server) updateContact(ctx context.Context, a parley.Actor, in *updateContactInput) (*body[present.ContactJSON], error) {
	c, err := s.crm.UpdateContact(ctx, a, in.ID, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

type createContactInput struct {
	Body contactBody
}

// createContact adds a contact by hand: the whole team sees it until it
// has conversations.
func (s *Server) createContact(ctx context.Context, a parley.Actor, in *createContactInput) (*body[present.ContactJSON], error) {
	c, err := s.crm.CreateContact(ctx, a, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

func (s *Server) block(ctx context.Context, a parley.Actor, in *idInput) (*body[present.ContactJSON], error) {
	c, err := s.conv.Block(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

type unblockInput struct {
	ID   parley.ID `path:"id"`
	Undo bool      `query:"undo" doc:"Undo a block: also move back to the inbox the sender's conversations that the block moved to filtered and that are still there."`
}

func (s *Server) unblock(ctx context.Context, a parley.Actor, in *unblockInput) (*body[present.ContactJSON], error) {
	unblock := s.conv.Unblock
	if in.Undo {
		unblock = s.conv.UndoBlock
	}
	c, err := unblock(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

type blockPreviewJSON struct {
	Conversations int `json:"conversations" doc:"How many of the sender's conversations blocking would move to filtered."`
}

// blockPreview says what blocking a sender would do, before it is done.
func (s *Server) blockPreview(ctx context.Context, a parley.Actor, in *idInput) (*body[blockPreviewJSON], error) {
	n, err := s.conv.BlockPreview(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[blockPreviewJSON]{blockPreviewJSON{Conversations: n}}, nil
}

type contactConversationsInput struct {
	ID    parley.ID `path:"id"`
	Limit int       `query:"limit" minimum:"1" maximum:"50" default:"20"`
}

// contactConversations lists a contact's conversations the caller may read,
// most recently active first (the sidebar's past conversations).
func (s *Server) contactConversations(ctx context.Context, a parley.Actor, in *contactConversationsInput) (*body[listJSON[present.ConversationJSON]], error) {
	limit := in.Limit
	if limit == 0 {
		limit = 20
	}
	convs, err := s.crm.ContactConversations(ctx, a, in.ID, limit)
	if err != nil {
		return nil, err
	}
	views, err := s.conversationViews(ctx, a, convs)
	if err != nil {
		return nil, err
	}
	return list(views), nil
}

// dissociate takes the contact off a conversation (SPEC CRM-2).
func (s *Server) dissociate(ctx context.Context, a parley.Actor, in *idInput) (*body[present.ConversationJSON], error) {
	c, err := s.conv.Dissociate(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return s.conversationOut(ctx, a, c)
}

type associateInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		ContactID parley.ID `json:"contact_id,omitempty" doc:"An existing contact you may see."`
		Email     string    `json:"email,omitempty" maxLength:"320" doc:"An address: its contact, or a new one."`
	}
}

// associate puts a contact on a conversation, by id or by email (SPEC
// CRM-2).
func (s *Server) associate(ctx context.Context, a parley.Actor, in *associateInput) (*body[present.ConversationJSON], error) {
	c, err := s.conv.Associate(ctx, a, in.ID, in.Body.ContactID, in.Body.Email)
	if err != nil {
		return nil, err
	}
	return s.conversationOut(ctx, a, c)
}

type listContactsInput struct {
	Q         string    `query:"q" maxLength:"200" doc:"Words each contact has in its name, addresses or phones, each as the start of a word."`
	CompanyID parley.ID `query:"company_id" doc:"Only the contacts of this company."`
	OwnerID   string    `query:"owner_id" doc:"Only the contacts this teammate owns; 0 for those without an owner."`
	Cursor    string    `query:"cursor" doc:"next_cursor of the previous page."`
	Limit     int       `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

// listContacts pages through the contacts the caller may see, newest
// first, or those a search finds: an admin every contact, anyone else
// those with a conversation in an inbox they read and those with none.
func (s *Server) listContacts(ctx context.Context, a parley.Actor, in *listContactsInput) (*body[listJSON[present.ContactJSON]], error) {
	after, err := seqCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	q := crm.ContactQuery{Q: in.Q, CompanyID: in.CompanyID, After: parley.ID(after), Limit: in.Limit}
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.OwnerID, err = ownerFilter(in.OwnerID); err != nil {
		return nil, err
	}
	found, next, err := s.crm.Contacts(ctx, a, q)
	if err != nil {
		return nil, err
	}
	out := make([]present.ContactJSON, 0, len(found))
	for _, c := range found {
		out = append(out, present.Contact(c))
	}
	return paged(out, next), nil
}

// consentJSON is what a contact agreed to.
type consentJSON struct {
	Kind         string     `json:"kind" enum:"processing,subscription"`
	Subscription string     `json:"subscription,omitempty"`
	Text         string     `json:"text" doc:"The words agreed to."`
	ChannelID    *parley.ID `json:"channel_id" doc:"The chat it was given in."`
	GivenAt      time.Time  `json:"given_at"`
}

// contactConsents lists what a contact agreed to (SPEC CHT-10).
func (s *Server) contactConsents(ctx context.Context, a parley.Actor, in *idInput) (*body[listJSON[consentJSON]], error) {
	cs, err := s.crm.Consents(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	out := make([]consentJSON, len(cs))
	for i, c := range cs {
		out[i] = consentJSON{Kind: c.Kind, Subscription: c.Subscription, Text: c.Text, ChannelID: c.ChannelID, GivenAt: c.GivenAt}
	}
	return list(out), nil
}

type mergeContactInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		ContactID parley.ID `json:"contact_id" required:"true" doc:"The contact to fold into this one; it is deleted."`
	}
}

// mergeContact folds another contact into this one (SPEC CRM-1).
func (s *Server) mergeContact(ctx context.Context, a parley.Actor, in *mergeContactInput) (*body[present.ContactJSON], error) {
	c, err := s.crm.Merge(ctx, a, in.ID, in.Body.ContactID)
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

// contactMergeJSON is a contact merged into another.
type contactMergeJSON struct {
	MergedID parley.ID  `json:"merged_id" doc:"The id the merged contact had."`
	Name     string     `json:"name"`
	Emails   []string   `json:"emails"`
	UserID   *parley.ID `json:"user_id" doc:"Who merged it."`
	MergedAt time.Time  `json:"merged_at"`
}

// contactMerges lists who was merged into a contact, oldest first.
func (s *Server) contactMerges(ctx context.Context, a parley.Actor, in *idInput) (*body[listJSON[contactMergeJSON]], error) {
	ms, err := s.crm.ContactMerges(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	out := make([]contactMergeJSON, len(ms))
	for i, m := range ms {
		out[i] = contactMergeJSON{MergedID: m.MergedID, Name: m.Name, Emails: orEmpty(m.Emails), UserID: m.UserID, MergedAt: m.MergedAt}
	}
	return list(out), nil
}

// orEmpty is s, or an empty list for none: the API writes [], never null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
