package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
	"github.com/parleyhq/parley/internal/store"
)

// Payload is what an endpoint receives: the Standard Webhooks envelope
// around the event as the realtime stream renders it, with the message it
// added, if any.
type Payload struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      EventData `json:"data"`
}

// EventData is an event with its message.
type EventData struct {
	present.EventJSON
	Message *present.MessageJSON `json:"message,omitempty"`
}

// Consumer is the webhooks reader of the log: each event an enabled
// endpoint asks for becomes a pending delivery, in the transaction that
// moves the cursor, so an event is queued once, never lost. An endpoint
// turned off gets nothing new until it is turned on again.
func (s *Service) Consumer() consume.Consumer {
	public := func(e parley.Event) bool { return !slices.Contains(private, e.Type) }
	return consume.Consumer{Name: "webhooks", Wants: public, Handle: func(ctx context.Context, tx *store.Tx, e parley.Event) error {
		if !public(e) {
			return nil
		}
		if e.Type == parley.EventMessageSent {
			if err := s.toBridge(ctx, tx, &e); err != nil {
				return err
			}
		}
		if err := s.toSlack(ctx, tx, &e); err != nil {
			return err
		}
		hooks, err := tx.Webhooks(ctx, KindWebhook, false) // one turned off keeps its events for when it is on again
		if err != nil {
			return err
		}
		var body []byte
		for _, w := range hooks {
			if !wants(w.EventTypes, e.Type) {
				continue
			}
			if body == nil {
				if body, err = render(ctx, &tx.Q, &e); err != nil {
					return err
				}
			}
			now := parley.Normalize(s.opts.Now())
			d := &store.Delivery{EndpointID: w.ID, MessageID: fmt.Sprintf("evt_%d_%d", w.ID, e.Seq), Seq: e.Seq, EventType: e.Type,
				Payload: body, State: store.DeliveryPending, NextAt: now, CreatedAt: now}
			if err := tx.AddDelivery(ctx, d); err != nil {
				return err
			}
		}
		return nil
	}}
}

// render returns e's payload. Names are as an admin sees them.
func render(ctx context.Context, q *store.Q, e *parley.Event) ([]byte, error) {
	var m present.Mentions
	m.Actor(e)
	users, err := q.UserNames(ctx, m.Users)
	if err != nil {
		return nil, err
	}
	contacts, err := q.ContactsByID(ctx, m.Contacts)
	if err != nil {
		return nil, err
	}
	names := &present.Names{Users: users, Contacts: contacts}
	data := EventData{EventJSON: names.Event(e)}
	if e.MessageID != nil {
		msg, err := q.Message(ctx, *e.MessageID)
		if err == nil {
			atts, err := q.MessageAttachments(ctx, []parley.ID{msg.ID})
			if err != nil {
				return nil, err
			}
			data.Message = present.Message(msg, atts[msg.ID])
		} else if parley.ErrorCode(err) != parley.ENOTFOUND {
			return nil, err
		}
	}
	return json.Marshal(Payload{Type: e.Type, Timestamp: e.At.UTC(), Data: data})
}
