package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
	"github.com/parleyhq/parley/internal/store"
)

// Messaging bridges (SPEC CHN-9): an API channel may name a bridge — a
// small service between Parley and an SMS or messaging provider. Messages
// come in through the channel's API; an agent's reply on the channel goes
// out to the bridge as a signed message.sent delivery, with the same
// order, retries and log as any webhook, and the bridge reports back with
// POST /api/v1/messages/{id}/delivery.

// KindBridge is an API channel's bridge endpoint.
const KindBridge = "bridge"

// BridgeData is what a bridge receives for a reply: the message, and who
// and where it is for.
type BridgeData struct {
	MessageID      parley.ID            `json:"message_id"`
	ConversationID parley.ID            `json:"conversation_id"`
	ChannelID      parley.ID            `json:"channel_id"`
	Contact        *present.ContactJSON `json:"contact"`
	Message        *present.MessageJSON `json:"message"`
}

// BridgePayload is a bridge delivery's body.
type BridgePayload struct {
	Type      string     `json:"type"`
	Timestamp time.Time  `json:"timestamp"`
	Data      BridgeData `json:"data"`
}

// bridgeOf returns an API channel's bridge, or nil.
func bridgeOf(ctx context.Context, q *store.Q, channelID parley.ID) (*store.Webhook, error) {
	bridges, err := q.Webhooks(ctx, KindBridge, false)
	if err != nil {
		return nil, err
	}
	for i := range bridges {
		if b := &bridges[i]; b.ChannelID != nil && *b.ChannelID == channelID {
			return b, nil
		}
	}
	return nil, nil
}

// apiChannel checks id is an API channel.
func apiChannel(ctx context.Context, q *store.Q, id parley.ID) error {
	ch, err := q.Channel(ctx, id)
	if err != nil {
		return err
	}
	if ch.Kind != parley.ChannelAPI {
		return parley.Errorf(parley.ECONFLICT, "only an API channel has a bridge").Because("not_api_channel")
	}
	return nil
}

// Bridge returns an API channel's bridge with its secret, or ENOTFOUND
// (admins).
func (s *Service) Bridge(ctx context.Context, a parley.Actor, channelID parley.ID) (*store.Webhook, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if err := apiChannel(ctx, &s.store.Q, channelID); err != nil {
		return nil, err
	}
	b, err := bridgeOf(ctx, &s.store.Q, channelID)
	if err == nil && b == nil {
		err = parley.NotFound("bridge")
	}
	return b, err
}

// SetBridge sets an API channel's bridge: its URL and whether it is on;
// the first time, with a fresh secret (admins).
func (s *Service) SetBridge(ctx context.Context, a parley.Actor, channelID parley.ID, in Input) (*store.Webhook, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if err := apiChannel(ctx, &s.store.Q, channelID); err != nil {
		return nil, err
	}
	in.EventTypes = nil // a bridge receives its channel's replies, nothing else
	b, err := bridgeOf(ctx, &s.store.Q, channelID)
	if err != nil {
		return nil, err
	}
	if b != nil {
		return s.Update(ctx, a, b.ID, in)
	}
	now := parley.Normalize(s.opts.Now())
	b = &store.Webhook{Kind: KindBridge, ChannelID: &channelID, Secret: NewSecret(), Enabled: true, CreatedAt: now, UpdatedAt: now}
	if in.URL == nil {
		return nil, parley.Invalid("url", "is required").Because("url_invalid")
	}
	if err := s.apply(ctx, b, in); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateWebhook(ctx, b); err != nil {
			return err
		}
		tx.Append(changed(a, b, "created", "", now))
		return nil
	})
	return b, err
}

// RemoveBridge removes an API channel's bridge and its log; replies on
// the channel go nowhere again, and those it had not been given yet are
// marked not delivered, in their timelines (admins).
func (s *Service) RemoveBridge(ctx context.Context, a parley.Actor, channelID parley.ID) error {
	b, err := s.Bridge(ctx, a, channelID)
	if err != nil {
		return err
	}
	now := parley.Normalize(s.opts.Now())
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Webhook(ctx, b.ID); err != nil { // held until the end: the sender records nothing more
			return err
		}
		pending, err := tx.PendingDeliveries(ctx, b.ID, 100_000)
		if err != nil {
			return err
		}
		for i := range pending {
			if err := s.unsent(ctx, tx, a, &pending[i], now); err != nil {
				return err
			}
		}
		if err := tx.DeleteWebhook(ctx, b.ID); err != nil {
			return err
		}
		tx.Append(changed(a, b, "deleted", "", now))
		return nil
	})
}

// unsent marks the reply a pending bridge delivery carried as not
// delivered, the bridge being removed (the delivery goes with it).
func (s *Service) unsent(ctx context.Context, tx *store.Tx, a parley.Actor, d *store.Delivery, now time.Time) error {
	var p BridgePayload
	if err := json.Unmarshal(d.Payload, &p); err != nil {
		return err
	}
	m, err := tx.Message(ctx, p.Data.MessageID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if m.Bridge == nil || m.Bridge.State != parley.BridgeSending {
		return nil
	}
	c, err := tx.Conversation(ctx, m.ConversationID)
	if err != nil {
		return err
	}
	m.Bridge = &parley.Bridged{State: parley.BridgeFailed, Reason: "bridge_removed", At: now}
	if err := tx.SetMessageBridge(ctx, m); err != nil {
		return err
	}
	ev := parley.NewEvent(parley.EventDeliveryFailed, a, now, map[string]any{"message_id": m.ID, "via": "bridge", "code": "bridge_removed"})
	ev.MessageID = &m.ID
	tx.Append(ev.In(c))
	return nil
}

// toBridge queues a reply sent on an API channel for the channel's bridge,
// if it has one, and marks the message as sending.
func (s *Service) toBridge(ctx context.Context, tx *store.Tx, e *parley.Event) error {
	var sent struct {
		ChannelID parley.ID          `json:"channel_id"`
		Delivery  parley.ChannelKind `json:"delivery"`
	}
	if e.MessageID == nil || json.Unmarshal(e.Data, &sent) != nil || sent.Delivery != parley.ChannelAPI {
		return nil
	}
	b, err := bridgeOf(ctx, &tx.Q, sent.ChannelID)
	if err != nil || b == nil { // one turned off keeps its replies, as a webhook keeps events
		return err
	}
	m, err := tx.Message(ctx, *e.MessageID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil // deleted since
	}
	if err != nil {
		return err
	}
	c, err := tx.Conversation(ctx, m.ConversationID)
	if err != nil {
		return err
	}
	atts, err := tx.MessageAttachments(ctx, []parley.ID{m.ID})
	if err != nil {
		return err
	}
	data := BridgeData{MessageID: m.ID, ConversationID: c.ID, ChannelID: sent.ChannelID, Message: present.Message(m, atts[m.ID])}
	if c.ContactID != nil {
		contact, err := tx.Contact(ctx, *c.ContactID)
		if err != nil {
			return err
		}
		cj := present.Contact(contact)
		data.Contact = &cj
	}
	now := parley.Normalize(s.opts.Now())
	body, err := json.Marshal(BridgePayload{Type: parley.EventMessageSent, Timestamp: e.At.UTC(), Data: data})
	if err != nil {
		return err
	}
	d := &store.Delivery{EndpointID: b.ID, MessageID: fmt.Sprintf("msg_%d_%d", b.ID, m.ID), Seq: e.Seq, EventType: e.Type,
		Payload: body, State: store.DeliveryPending, NextAt: now, CreatedAt: now}
	if err := tx.AddDelivery(ctx, d); err != nil {
		return err
	}
	m.Bridge = &parley.Bridged{State: parley.BridgeSending, At: now}
	return tx.SetMessageBridge(ctx, m)
}
