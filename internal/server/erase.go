package server

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

type eraseContactInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Confirm string `json:"confirm" maxLength:"320" doc:"The contact's name or one of its email addresses, typed to confirm: erasure cannot be undone."`
	}
}

// erasedJSON is what erasing a contact deleted.
type erasedJSON struct {
	ContactID     parley.ID `json:"contact_id"`
	Conversations int       `json:"conversations"`
	Messages      int       `json:"messages"`
	Attachments   int       `json:"attachments"`
	Files         int       `json:"files" doc:"Stored files removed (attachments and raw mail no one else's message shares)."`
}

// eraseContact erases a contact everywhere (admins; issue 18, GDPR).
func (s *Server) eraseContact(ctx context.Context, a parley.Actor, in *eraseContactInput) (*body[erasedJSON], error) {
	e, err := s.conv.EraseContact(ctx, a, in.ID, in.Body.Confirm)
	if err != nil {
		return nil, err
	}
	return &body[erasedJSON]{erasedJSON{ContactID: e.ContactID, Conversations: e.Conversations, Messages: e.Messages,
		Attachments: e.Attachments, Files: e.Blobs}}, nil
}
