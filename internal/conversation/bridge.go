package conversation

import (
	"context"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// BridgeReport records what a messaging bridge says of a reply it was
// given (SPEC CHN-9): delivered, or failed and why. It is on the message
// and in the timeline; the same report twice changes nothing. Whoever
// reports must be able to act in the conversation (the bridge's token).
func (s *Service) BridgeReport(ctx context.Context, a parley.Actor, messageID parley.ID, state, reason string) (*parley.Message, error) {
	if state != parley.BridgeDelivered && state != parley.BridgeFailed {
		return nil, parley.Invalid("status", "is delivered or failed")
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > 500 {
		return nil, parley.Invalid("reason", "is longer than 500 characters")
	}
	var out *parley.Message
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		m, err := tx.Message(ctx, messageID)
		if err != nil {
			return err
		}
		c, err := auth.Conversation(ctx, tx, a, m.ConversationID, auth.Act)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return parley.NotFound("message")
		}
		if err != nil {
			return err
		}
		if m.Bridge == nil {
			return parley.Errorf(parley.ECONFLICT, "message %d was not given to a bridge", m.ID).Because("not_bridged")
		}
		out = m
		if m.Bridge.State == state && m.Bridge.Reason == reason {
			return nil
		}
		now := s.clock()
		m.Bridge = &parley.Bridged{State: state, Reason: reason, At: now}
		if err := tx.SetMessageBridge(ctx, m); err != nil {
			return err
		}
		typ, data := parley.EventDelivered, map[string]any{"message_id": m.ID, "via": "bridge"}
		if state == parley.BridgeFailed {
			typ, data["code"], data["reason"] = parley.EventDeliveryFailed, "bridge", reason
		}
		ev := parley.NewEvent(typ, a, now, data)
		ev.MessageID = &m.ID
		tx.Append(ev.In(c))
		return nil
	})
	return out, err
}
