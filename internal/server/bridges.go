package server

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
	"github.com/parleyhq/parley/internal/webhook"
)

// Messaging bridges (SPEC CHN-9): an API channel's bridge receives the
// agents' replies on it, signed like a webhook; it reports each one's
// delivery back on the message.

func (s *Server) getBridge(ctx context.Context, a parley.Actor, in *idInput) (*body[webhookJSON], error) {
	b, err := s.webhooks.Bridge(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[webhookJSON]{webhookView(b, true)}, nil
}

type bridgeBody struct {
	URL     *string `json:"url,omitempty" maxLength:"2000" doc:"Where the channel's replies are posted; required the first time."`
	Enabled *bool   `json:"enabled,omitempty" doc:"Off, replies wait for the bridge to be turned on again."`
}

type setBridgeInput struct {
	ID   parley.ID `path:"id"`
	Body bridgeBody
}

func (s *Server) setBridge(ctx context.Context, a parley.Actor, in *setBridgeInput) (*body[webhookJSON], error) {
	b, err := s.webhooks.SetBridge(ctx, a, in.ID, webhook.Input{URL: in.Body.URL, Enabled: in.Body.Enabled})
	if err != nil {
		return nil, err
	}
	return &body[webhookJSON]{webhookView(b, true)}, nil
}

func (s *Server) removeBridge(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.webhooks.RemoveBridge(ctx, a, in.ID)
}

type deliveryReportInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Status string `json:"status" enum:"delivered,failed" doc:"What became of the reply."`
		Reason string `json:"reason,omitempty" maxLength:"500" doc:"Why it failed, in the provider's words: shown to the agents."`
	}
}

func (s *Server) reportDelivery(ctx context.Context, a parley.Actor, in *deliveryReportInput) (*body[present.MessageJSON], error) {
	m, err := s.conv.BridgeReport(ctx, a, in.ID, in.Body.Status, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return s.messageView(ctx, a, m)
}
