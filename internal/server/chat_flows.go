package server

import (
	"context"

	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/parley"
)

// An inbox's chat flows (SPEC CHT-2..8, CHT-10), admins only:
// GET/POST /api/v1/inboxes/{id}/chat-flows, PUT/DELETE …/chat-flows/{flow},
// PUT …/chat-flows/order.

type flowInput struct {
	ID   parley.ID `path:"id"`
	Body chat.Flow
}

type flowPathInput struct {
	ID   parley.ID `path:"id"`
	Flow parley.ID `path:"flow"`
}

type flowUpdateInput struct {
	ID   parley.ID `path:"id"`
	Flow parley.ID `path:"flow"`
	Body chat.Flow
}

type flowOrderInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		IDs []parley.ID `json:"ids" maxItems:"100" doc:"Every flow of the inbox, once, in the order they are tried."`
	}
}

func (s *Server) listChatFlows(ctx context.Context, a parley.Actor, in *idInput) (*body[listJSON[chat.Flow]], error) {
	fs, err := s.chat.Flows(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return list(fs), nil
}

func (s *Server) createChatFlow(ctx context.Context, a parley.Actor, in *flowInput) (*body[chat.Flow], error) {
	in.Body.ID = 0
	f, err := s.chat.SaveFlow(ctx, a, in.ID, in.Body)
	if err != nil {
		return nil, err
	}
	return &body[chat.Flow]{*f}, nil
}

func (s *Server) updateChatFlow(ctx context.Context, a parley.Actor, in *flowUpdateInput) (*body[chat.Flow], error) {
	in.Body.ID = in.Flow
	f, err := s.chat.SaveFlow(ctx, a, in.ID, in.Body)
	if err != nil {
		return nil, err
	}
	return &body[chat.Flow]{*f}, nil
}

func (s *Server) deleteChatFlow(ctx context.Context, a parley.Actor, in *flowPathInput) (*struct{}, error) {
	return nil, s.chat.DeleteFlow(ctx, a, in.ID, in.Flow)
}

func (s *Server) orderChatFlows(ctx context.Context, a parley.Actor, in *flowOrderInput) (*body[listJSON[chat.Flow]], error) {
	fs, err := s.chat.OrderFlows(ctx, a, in.ID, in.Body.IDs)
	if err != nil {
		return nil, err
	}
	return list(fs), nil
}

// identitySecretJSON is a chat's identity secret.
type identitySecretJSON struct {
	Secret string `json:"secret" doc:"What the site's server signs its signed-in users' identities with (HMAC-SHA256). Keep it on the server."`
}

// identitySecret shows a chat channel's identity secret to admins.
func (s *Server) identitySecret(ctx context.Context, a parley.Actor, in *idInput) (*body[identitySecretJSON], error) {
	secret, err := s.org.IdentitySecret(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[identitySecretJSON]{identitySecretJSON{secret}}, nil
}

// rotateIdentitySecret gives a chat channel a new identity secret:
// identities signed with the old one are refused from now on.
func (s *Server) rotateIdentitySecret(ctx context.Context, a parley.Actor, in *idInput) (*body[identitySecretJSON], error) {
	secret, err := s.org.RotateIdentitySecret(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[identitySecretJSON]{identitySecretJSON{secret}}, nil
}

type flowPictureInput struct {
	ID      parley.ID `path:"id"`
	Flow    parley.ID `path:"flow"`
	RawBody []byte
}

// setFlowPicture gives a flow its picture from the image in the body.
func (s *Server) setFlowPicture(ctx context.Context, a parley.Actor, in *flowPictureInput) (*body[chat.Flow], error) {
	if len(in.RawBody) == 0 {
		return nil, parley.Invalid("body", "is empty: send the image's bytes")
	}
	f, err := s.chat.SetPicture(ctx, a, in.ID, in.Flow, in.RawBody)
	if err != nil {
		return nil, err
	}
	return &body[chat.Flow]{*f}, nil
}

// removeFlowPicture takes a flow's picture away.
func (s *Server) removeFlowPicture(ctx context.Context, a parley.Actor, in *flowPathInput) (*body[chat.Flow], error) {
	f, err := s.chat.SetPicture(ctx, a, in.ID, in.Flow, nil)
	if err != nil {
		return nil, err
	}
	return &body[chat.Flow]{*f}, nil
}
