package server

import (
	"context"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
	"github.com/parleyhq/parley/internal/store"
)

// Contact lists (SPEC CHT-3): admins keep them, anyone who may act for a
// contact puts them in one or takes them out, and a chat flow shows to or
// hides from a list.

type contactListJSON struct {
	ID        parley.ID `json:"id"`
	Name      string    `json:"name"`
	Members   int       `json:"members" doc:"How many contacts are in it."`
	CreatedAt time.Time `json:"created_at"`
}

func contactList(l *store.ContactList) contactListJSON {
	return contactListJSON{ID: l.ID, Name: l.Name, Members: l.Members, CreatedAt: l.CreatedAt}
}

func contactLists(ls []store.ContactList) *body[listJSON[contactListJSON]] {
	out := make([]contactListJSON, len(ls))
	for i := range ls {
		out[i] = contactList(&ls[i])
	}
	return list(out)
}

func (s *Server) listContactLists(ctx context.Context, _ parley.Actor, _ *struct{}) (*body[listJSON[contactListJSON]], error) {
	ls, err := s.crm.Lists(ctx)
	if err != nil {
		return nil, err
	}
	return contactLists(ls), nil
}

type contactListInput struct {
	Body struct {
		Name string `json:"name" maxLength:"100"`
	}
}

func (s *Server) createContactList(ctx context.Context, a parley.Actor, in *contactListInput) (*body[contactListJSON], error) {
	l, err := s.crm.CreateList(ctx, a, in.Body.Name)
	if err != nil {
		return nil, err
	}
	return &body[contactListJSON]{contactList(l)}, nil
}

type renameContactListInput struct {
	ID parley.ID `path:"id"`
	contactListInput
}

func (s *Server) renameContactList(ctx context.Context, a parley.Actor, in *renameContactListInput) (*body[contactListJSON], error) {
	l, err := s.crm.RenameList(ctx, a, in.ID, in.Body.Name)
	if err != nil {
		return nil, err
	}
	return &body[contactListJSON]{contactList(l)}, nil
}

// deleteContactList removes a list; its contacts stay. A list a chat flow
// uses is 409.
func (s *Server) deleteContactList(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.crm.DeleteList(ctx, a, in.ID)
}

type listMembersInput struct {
	ID     parley.ID `path:"id"`
	Cursor string    `query:"cursor" doc:"next_cursor of the previous page."`
	Limit  int       `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

// listMembers pages through a list's contacts (admins).
func (s *Server) listMembers(ctx context.Context, a parley.Actor, in *listMembersInput) (*body[listJSON[present.ContactJSON]], error) {
	after, err := seqCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	cs, err := s.crm.Members(ctx, a, in.ID, parley.ID(after), in.Limit)
	if err != nil {
		return nil, err
	}
	out := make([]present.ContactJSON, len(cs))
	for i, c := range cs {
		out[i] = present.Contact(c)
	}
	res := list(out)
	if len(cs) == in.Limit {
		next := strconv.FormatInt(int64(cs[len(cs)-1].ID), 10)
		res.Body.NextCursor = &next
	}
	return res, nil
}

type listMemberInput struct {
	ID        parley.ID `path:"id"`
	ContactID parley.ID `path:"contact_id"`
}

func (s *Server) addListMember(ctx context.Context, a parley.Actor, in *listMemberInput) (*struct{}, error) {
	return nil, s.crm.SetMember(ctx, a, in.ID, in.ContactID, true)
}

func (s *Server) removeListMember(ctx context.Context, a parley.Actor, in *listMemberInput) (*struct{}, error) {
	return nil, s.crm.SetMember(ctx, a, in.ID, in.ContactID, false)
}

// contactListsOf returns the lists a contact is in.
func (s *Server) contactListsOf(ctx context.Context, a parley.Actor, in *idInput) (*body[listJSON[contactListJSON]], error) {
	ls, err := s.crm.ListsOf(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return contactLists(ls), nil
}
