package routing

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// A queue that drains. A conversation nobody could take when it came in —
// everyone away or at capacity — waits in the routing queue, and is
// assigned, oldest first, the moment someone can: on the event that lets
// them (someone becomes available, a conversation closes or changes hands,
// a rule changes, someone joins a team or an inbox), not on a timer.

// drainPage is how many waiting conversations one read brings.
const drainPage = 200

// frees reports whether an event may let someone take a waiting
// conversation.
func frees(e parley.Event) bool {
	switch e.Type {
	case parley.EventAvailabilityChanged, parley.EventClosed, parley.EventUnassigned, parley.EventReassigned,
		parley.EventMoved, parley.EventConversationDeleted, parley.EventChannelUpdated, parley.EventTeamMembersChanged,
		parley.EventUserUpdated, parley.EventInboxUpdated, parley.EventInboxMembersChanged, parley.EventContactUpdated:
		return true
	}
	return false
}

// Consumer is routing's reader of the event log: on each event that may
// free someone it drains the queue, in the transaction that moves its
// cursor, so a crash repeats a drain and never loses one.
func Consumer(now func() time.Time) consume.Consumer {
	if now == nil {
		now = time.Now
	}
	return consume.Consumer{Name: "routing", Wants: frees, Handle: func(ctx context.Context, tx *store.Tx, e parley.Event) error {
		if !frees(e) {
			return nil
		}
		_, err := Drain(ctx, tx, parley.Normalize(now()))
		return err
	}}
}

// Drain assigns the waiting conversations that someone may now take,
// oldest first, and returns how many. Those nobody can take wait on; one
// that no longer waits (taken by hand, closed, moved, or its channel
// routes no more) leaves the queue.
func Drain(ctx context.Context, tx *store.Tx, now time.Time) (int, error) {
	ids, next, err := tx.Queued(ctx, store.Cursor{}, drainPage)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	if err := tx.LockRouting(ctx); err != nil {
		return 0, err
	}
	rules := map[parley.ID]Rule{} // channels' rules, read once
	full := map[parley.ID]bool{}  // channels whose people have no room: the rest of theirs wait too
	assigned := 0
	for len(ids) > 0 {
		for _, id := range ids {
			c, err := tx.Conversation(ctx, id)
			if err != nil {
				return assigned, err
			}
			if c.AssigneeID != nil || c.Bot || c.Status != parley.StatusOpen || c.Placement != parley.PlacementInbox {
				if err := tx.Unqueue(ctx, id); err != nil {
					return assigned, err
				}
				continue
			}
			// A conversation routed by a rule of its own (a chat flow's)
			// is its own group; the rest share their channel's.
			raw, err := tx.ConversationRouting(ctx, c.ID)
			if err != nil {
				return assigned, err
			}
			own, group := raw != "", c.ChannelID
			rule, ok := rules[group]
			switch {
			case own:
				group = -c.ID
				if rule, err = Parse([]byte(raw)); err != nil {
					return assigned, err
				}
			case !ok:
				if rule, err = channelRule(ctx, tx, c.ChannelID); err != nil {
					return assigned, err
				}
				rules[group] = rule
			}
			if full[group] {
				continue
			}
			if rule.Rule == Unassigned {
				if err := tx.Unqueue(ctx, id); err != nil {
					return assigned, err
				}
				continue
			}
			d, err := decide(ctx, tx, rule, c)
			if err != nil {
				return assigned, err
			}
			if d.To == nil {
				// The same people would be asked for the next one of
				// this channel; a contact owner differs by contact.
				full[group] = rule.Rule == Specific && !own
				continue
			}
			e, err := assign(ctx, tx, c, d, now)
			if err != nil {
				return assigned, err
			}
			if err := tx.UpdateConversation(ctx, c); err != nil {
				return assigned, err
			}
			tx.Append(e.In(c))
			assigned++
		}
		if len(ids) < drainPage {
			break
		}
		if ids, next, err = tx.Queued(ctx, next, drainPage); err != nil {
			return assigned, err
		}
	}
	return assigned, nil
}
