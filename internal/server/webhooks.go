package server

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// Webhooks (SPEC PLT-1): admins register endpoints; every event they ask
// for goes out signed, in order, retried, each attempt in the delivery
// log (webhook).

type webhookJSON struct {
	ID             parley.ID `json:"id"`
	URL            string    `json:"url"`
	Description    string    `json:"description"`
	EventTypes     []string  `json:"event_types" doc:"Event types or groups (ticket.*); empty: every event."`
	Enabled        bool      `json:"enabled"`
	DisabledReason string    `json:"disabled_reason" doc:"failing when Parley turned it off after failing too often; empty otherwise."`
	Failures       int       `json:"failures" doc:"Failed attempts in a row."`
	Secret         string    `json:"secret,omitempty" doc:"The signing secret (whsec_…), on a single endpoint's read and on creation."`
	CreatedAt      time.Time `json:"created_at"`
}

func webhookView(w *store.Webhook, secret bool) webhookJSON {
	out := webhookJSON{ID: w.ID, URL: w.URL, Description: w.Description, EventTypes: orEmpty(w.EventTypes), Enabled: w.Enabled,
		DisabledReason: w.DisabledReason, Failures: w.Failures, CreatedAt: w.CreatedAt}
	if secret {
		out.Secret = w.Secret
	}
	return out
}

func (s *Server) listWebhooks(ctx context.Context, a parley.Actor, _ *struct{}) (*body[listJSON[webhookJSON]], error) {
	ws, err := s.webhooks.Webhooks(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]webhookJSON, len(ws))
	for i := range ws {
		out[i] = webhookView(&ws[i], false)
	}
	return list(out), nil
}

type webhookBody struct {
	URL         *string   `json:"url,omitempty" maxLength:"2000" doc:"http or https; an address on a private network only if allowed in the outbound settings."`
	Description *string   `json:"description,omitempty" maxLength:"200"`
	EventTypes  *[]string `json:"event_types,omitempty" maxItems:"100" doc:"Event types or groups (ticket.*); empty: every event."`
	Enabled     *bool     `json:"enabled,omitempty" doc:"Turned on again, it goes on with the deliveries it had left."`
}

func (b webhookBody) input() webhook.Input {
	return webhook.Input{URL: b.URL, Description: b.Description, EventTypes: b.EventTypes, Enabled: b.Enabled}
}

func (s *Server) createWebhook(ctx context.Context, a parley.Actor, in *struct{ Body webhookBody }) (*body[webhookJSON], error) {
	w, err := s.webhooks.Create(ctx, a, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &body[webhookJSON]{webhookView(w, true)}, nil
}

func (s *Server) getWebhook(ctx context.Context, a parley.Actor, in *idInput) (*body[webhookJSON], error) {
	w, err := s.webhooks.Webhook(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[webhookJSON]{webhookView(w, true)}, nil
}

type updateWebhookInput struct {
	ID   parley.ID `path:"id"`
	Body webhookBody
}

func (s *Server) updateWebhook(ctx context.Context, a parley.Actor, in *updateWebhookInput) (*body[webhookJSON], error) {
	w, err := s.webhooks.Update(ctx, a, in.ID, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &body[webhookJSON]{webhookView(w, false)}, nil
}

func (s *Server) deleteWebhook(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.webhooks.Delete(ctx, a, in.ID)
}

type attemptJSON struct {
	At         time.Time `json:"at"`
	Status     int       `json:"status" doc:"The receiver's HTTP status; 0 when there was no answer."`
	Error      string    `json:"error" doc:"Why there was no answer."`
	DurationMS int       `json:"duration_ms"`
	Response   string    `json:"response" doc:"The start of the receiver's answer."`
}

type deliveryJSON struct {
	ID        parley.ID       `json:"id"`
	MessageID string          `json:"message_id" doc:"The webhook-id header: the same on every attempt and re-send."`
	EventType string          `json:"event_type"`
	State     string          `json:"state" enum:"pending,delivered,failed"`
	Attempts  []attemptJSON   `json:"attempts"`
	NextAt    *time.Time      `json:"next_at" doc:"When a pending delivery is tried next."`
	CreatedAt time.Time       `json:"created_at"`
	Payload   json.RawMessage `json:"payload" doc:"The request's body."`
}

func deliveryView(d *store.Delivery, atts []store.Attempt) deliveryJSON {
	out := deliveryJSON{ID: d.ID, MessageID: d.MessageID, EventType: d.EventType, State: d.State, Attempts: []attemptJSON{},
		CreatedAt: d.CreatedAt, Payload: d.Payload}
	if d.State == store.DeliveryPending {
		out.NextAt = &d.NextAt
	}
	for _, a := range atts {
		out.Attempts = append(out.Attempts, attemptJSON{At: a.At, Status: a.Status, Error: a.Error, DurationMS: a.DurationMS, Response: a.Response})
	}
	return out
}

type deliveriesInput struct {
	ID     parley.ID `path:"id"`
	Before parley.ID `query:"before" doc:"Deliveries older than this one."`
	Limit  int       `query:"limit" minimum:"1" maximum:"100" default:"25"`
}

func (s *Server) listDeliveries(ctx context.Context, a parley.Actor, in *deliveriesInput) (*body[listJSON[deliveryJSON]], error) {
	ds, atts, err := s.webhooks.Deliveries(ctx, a, in.ID, in.Before, in.Limit)
	if err != nil {
		return nil, err
	}
	out := make([]deliveryJSON, len(ds))
	for i := range ds {
		out[i] = deliveryView(&ds[i], atts[ds[i].ID])
	}
	page := list(out)
	if len(ds) == in.Limit {
		next := fmt.Sprint(ds[len(ds)-1].ID) // the next page's before
		page.Body.NextCursor = &next
	}
	return page, nil
}

func (s *Server) testWebhook(ctx context.Context, a parley.Actor, in *idInput) (*body[deliveryJSON], error) {
	d, at, err := s.webhooks.Test(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[deliveryJSON]{deliveryView(d, []store.Attempt{*at})}, nil
}

type resendInput struct {
	ID         parley.ID `path:"id"`
	DeliveryID parley.ID `path:"delivery_id"`
}

func (s *Server) resendDelivery(ctx context.Context, a parley.Actor, in *resendInput) (*body[deliveryJSON], error) {
	d, err := s.webhooks.Resend(ctx, a, in.ID, in.DeliveryID)
	if err != nil {
		return nil, err
	}
	return &body[deliveryJSON]{deliveryView(d, nil)}, nil
}

type webhookTypesJSON struct {
	Types []string `json:"types" doc:"Every event type an endpoint may ask for."`
}

func (s *Server) webhookTypes(ctx context.Context, a parley.Actor, _ *struct{}) (*body[webhookTypesJSON], error) {
	return &body[webhookTypesJSON]{webhookTypesJSON{Types: webhook.Types}}, nil
}

type outboundJSON struct {
	AllowPrivateTargets bool `json:"allow_private_targets" doc:"Whether webhooks and other outbound calls may reach loopback, private and link-local addresses. Off unless an admin turns it on."`
}

func (s *Server) outboundSettings(ctx context.Context, a parley.Actor, _ *struct{}) (*body[outboundJSON], error) {
	allow, err := s.webhooks.AllowPrivateTargets(ctx, a)
	if err != nil {
		return nil, err
	}
	return &body[outboundJSON]{outboundJSON{allow}}, nil
}

func (s *Server) setOutboundSettings(ctx context.Context, a parley.Actor, in *struct{ Body outboundJSON }) (*body[outboundJSON], error) {
	if err := s.webhooks.SetAllowPrivateTargets(ctx, a, in.Body.AllowPrivateTargets); err != nil {
		return nil, err
	}
	return &body[outboundJSON]{in.Body}, nil
}
